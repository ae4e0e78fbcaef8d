// Runs liblxc's create() in long-lived worker processes, so the template's output can be captured
// (liblxc hands it the process's stdout/stderr) and an aborted create can be killed as a group.
// A worker serves one create at a time and stays a few seconds for the next: spawning a Node
// process per create blocked the event loop ≈ 17 ms and cost ≈ 170 ms each (docs/benchmarks.md).
import { fileURLToPath } from 'node:url';
import { availableParallelism, freemem, setPriority } from 'node:os';
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fs, builtins } from '../builtins.js';
import { scratchFile } from '../scratch.js';
import { spawnTurn, nodeBinary } from '../runtime.js';
import { childEnv } from '../../ffi/index.js';
import type { CreateRequest, CreateReply } from './protocol.js';
import { endMarker } from './protocol.js';
import { sessionLog, logGeneration, logEnv, linesOf } from '../logging.js';
import type { OutputStream } from '../options.js';
import type { EventFeed } from './feed.js';
import { DownloadPhases } from './phases.js';

const { openSync, readSync, closeSync, fstatSync, statSync, rmSync } = fs;

/** How a create went. */
export interface CreateOutcome {
  ok: boolean;
  aborted: boolean;
  log: string[];
  output: string[];
  /** The worker died under the create (killed, out of memory): how it ended, e.g. 'SIGKILL'. */
  died?: string;
}

interface RunOptions extends Omit<CreateRequest, 'configFile' | 'id'> {
  saveConfig: ((file: string) => boolean) | null;
  quiet: boolean;
  onOutput?: ((line: string, stream: OutputStream) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Where the events go, for a create that is iterated. */
  feed?: EventFeed | undefined;
  /** For the download template: where it caches the rootfs (phases.ts follows its phases then). */
  cachedRootfs?: string | null | undefined;
}

/** What ended a line: '\n', '\r', or '' for the last one when nothing did. */
type LineEnd = '\n' | '\r' | '';

const here = fileURLToPath(import.meta.url);
const workerScript = here.replace(/pool\.(ts|js)$/, 'worker.$1');
// Under tsx the worker is TypeScript too: hand the child the same loader flags.
// --single-threaded: V8 runs no background task that could hold a glibc lock while liblxc forks
// from this worker (docs/design.md, "Forking calls run in runner processes").
const nodeArgs = ['--single-threaded', ...(here.endsWith('.ts') ? process.execArgv : []), workerScript];

// Creates at once are bounded by the host: twice its cores (a template mostly waits on fork/exec
// and the disk), and fewer when memory is short (a worker and its template take ≈ 64 MiB). Workers
// and their templates run at nice WORKER_NICE, so the caller's event loop gets a core as soon as it
// needs one: with two templates on the two cores of this host at the caller's priority the loop
// stalled 98 ms, against 32 ms with one (docs/benchmarks.md, the concurrent probe).
const WORKER_NICE = 10;
const WORKER_BYTES = 64 * 2 ** 20;
/** How many create workers may run now: the host's cores and free memory decide. */
export function maxWorkers(): number {
  return Math.max(1, Math.min(2 * availableParallelism(), Math.floor(freemem() / WORKER_BYTES)));
}
// An idle worker exits after this long; it never keeps the caller's process alive meanwhile.
const IDLE_MS = 5000;
let nextId = 1;

interface Job {
  request: CreateRequest;
  emit: (line: string, stream: OutputStream, end: LineEnd) => void;
  markersSeen: number;
  reply: CreateReply | null;
  logFrom: number;
  finish: (ok: boolean) => void;
}

/** One long-lived worker process: a create at a time; its stdout/stderr are the template's. */
class Worker {
  readonly child: ChildProcess;
  /** The session log it was started with (logging.ts), whose file then holds its lines. */
  readonly session = sessionLog();
  readonly logGen = logGeneration();
  readonly logFile = this.session?.file ?? scratchFile('.create.log');
  readonly ready: Promise<void>;
  dead = false;
  aborted = false;
  /** How the worker ended when it died under a job (not by an abort). */
  died: string | undefined;
  #job: Job | null = null;
  #idle: NodeJS.Timeout | null = null;

  constructor(onExit: (w: Worker) => void) {
    this.child = builtins.childProcess.spawn(nodeBinary(), [...nodeArgs, this.logFile], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Its own process group, so an abort also kills the template it runs.
      detached: true,
      serialization: 'json',
      env: { ...process.env, ...logEnv(), ...childEnv },
    });
    // Lowered before it is ready: the template it forks inherits the priority.
    if (this.child.pid !== undefined) {
      try { setPriority(this.child.pid, WORKER_NICE); } catch { /* gone already: its exit settles it */ }
    }
    this.#lines(this.child.stdout!, 'stdout');
    this.#lines(this.child.stderr!, 'stderr');
    this.ready = new Promise((resolve, reject) => {
      this.child.once('message', () => resolve());
      this.child.once('error', reject);
      this.child.once('exit', () => reject(new Error('the create worker exited before it was ready')));
    });
    this.ready.catch(() => undefined);
    this.child.on('message', (m: CreateReply) => {
      if (this.#job && m.id === this.#job.request.id) {
        this.#job.reply = m;
        this.#settle();
      }
    });
    const gone = (code?: number | null, signal?: NodeJS.Signals | null) => {
      if (this.dead) return;
      this.dead = true;
      if (this.#idle) clearTimeout(this.#idle);
      if (this.#job && !this.aborted) {
        // Died under a create: its template (same process group) would go on writing the rootfs
        // while the caller cleans up; it goes with it.
        this.died = signal ?? `exit code ${code}`;
        try { process.kill(-this.child.pid!, 'SIGKILL'); } catch { /* the group is gone */ }
      }
      this.#job?.finish(false);
      this.#job = null;
      if (!this.session) rmSync(this.logFile, { force: true });
      onExit(this);
    };
    this.child.once('exit', gone);
    // A spawn that failed outright (no pid) has no exit event; a send to a worker that is going
    // away reports here too, and its exit settles the job. A listener must stay: an 'error'
    // without one would throw in the caller's process.
    this.child.on('error', () => { if (this.child.pid === undefined) gone(); });
  }

  /** Lines as they come, ended by '\n' or '\r' (a progress line a template rewrites), '\r\n' as one end. */
  #lines(stream: NodeJS.ReadableStream, name: OutputStream): void {
    let rest = '';
    // A chunk ended with '\r': a '\n' opening the next one ends nothing more.
    let afterCr = false;
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      if (afterCr && chunk.startsWith('\n')) chunk = chunk.slice(1);
      const text = rest + chunk;
      let from = 0;
      for (const m of text.matchAll(/\r\n|\r|\n/g)) {
        const end: LineEnd = m[0] === '\r' ? '\r' : '\n';
        this.#line(text.slice(from, m.index), name, end);
        from = m.index + m[0].length;
      }
      afterCr = text.endsWith('\r');
      rest = text.slice(from);
    });
  }

  #line(line: string, stream: OutputStream, end: LineEnd): void {
    const job = this.#job;
    if (!job) return;
    const marker = endMarker(job.request.id);
    if (line.endsWith(marker)) {
      const before = line.slice(0, -marker.length);
      if (before) job.emit(before, stream, '');
      job.markersSeen++;
      this.#settle();
    } else {
      job.emit(line, stream, end);
    }
  }

  /** A job is over once the reply and both end markers have arrived: all its output is in. */
  #settle(): void {
    const job = this.#job;
    if (job?.reply && job.markersSeen === 2) {
      this.#job = null;
      job.finish(job.reply.ok);
    }
  }

  run(request: CreateRequest, emit: Job['emit'], signal: AbortSignal | undefined): Promise<{ ok: boolean; aborted: boolean; log: string[]; died?: string }> {
    this.#setRef(true);
    return new Promise((resolve) => {
      const logFrom = sizeOf(this.logFile);
      const onAbort = () => {
        this.aborted = true;
        try { process.kill(-this.child.pid!, 'SIGKILL'); } catch { /* already gone */ }
      };
      this.#job = {
        request, emit, markersSeen: 0, reply: null, logFrom,
        finish: (ok) => {
          signal?.removeEventListener('abort', onAbort);
          const lines = readLinesFrom(this.logFile, logFrom);
          resolve({ ok: ok && !this.aborted, aborted: this.aborted, log: this.session ? linesOf(lines, request.name, this.session) : lines, ...(this.died ? { died: this.died } : {}) });
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.child.send(request);
    });
  }

  /** Parks the worker: it no longer keeps the event loop alive; after IDLE_MS it is retired and exits. */
  sleep(retire: (w: Worker) => void): void {
    this.#setRef(false);
    this.#idle = setTimeout(() => {
      // Out of the idle list first, so that no create is handed a worker on its way out.
      retire(this);
      this.retire();
    }, IDLE_MS);
    this.#idle.unref();
  }

  /** Lets it exit: it leaves when its channel closes. */
  retire(): void {
    this.wake();
    if (this.child.connected) this.child.disconnect();
  }

  wake(): void {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = null;
  }

  #setRef(on: boolean): void {
    const handles = [this.child, this.child.channel, this.child.stdout as Socket | null, this.child.stderr as Socket | null];
    for (const h of handles) {
      if (on) (h as { ref?: () => void } | null | undefined)?.ref?.();
      else (h as { unref?: () => void } | null | undefined)?.unref?.();
    }
  }
}

const idle: Worker[] = [];
const waiting: ((w: Worker | null) => void)[] = [];
let live = 0;

function onExit(w: Worker): void {
  live--;
  const i = idle.indexOf(w);
  if (i >= 0) idle.splice(i, 1);
  // A waiter may now spawn a worker of its own.
  waiting.shift()?.(null);
}

/**
 * An idle worker, a new one if fewer than maxWorkers() live, else the next one freed; null when
 * `signal` fires while it waits (then no worker is taken or spawned for this create).
 */
async function acquire(signal: AbortSignal | undefined): Promise<Worker | null> {
  for (;;) {
    if (signal?.aborted) return null;
    const w = idle.pop();
    if (w && w.logGen !== logGeneration()) {
      // Started before logInit(): its liblxc logs elsewhere.
      w.retire();
      continue;
    }
    if (w) {
      w.wake();
      return w;
    }
    if (live < maxWorkers()) {
      live++;
      // node:child_process (and the stream and net modules it brings) is compiled on first use: let
      // timers run between that and the spawn, which forks this process on the main thread.
      void builtins.childProcess;
      await spawnTurn();
      const fresh = new Worker(onExit);
      try {
        await fresh.ready;
      } catch (e) {
        fresh.child.kill('SIGKILL');
        throw e;
      }
      return fresh;
    }
    const handed = await new Promise<Worker | null>((resolve) => {
      // The worker this create waits for may be an idle one on its way out, whose handles no
      // longer hold the event loop: without a handle of its own the program could end here.
      const hold = setInterval(() => undefined, 1 << 30);
      const onAbort = () => {
        clearInterval(hold);
        const i = waiting.indexOf(take);
        if (i >= 0) waiting.splice(i, 1);
        resolve(null);
      };
      const take = (w: Worker | null) => {
        clearInterval(hold);
        signal?.removeEventListener('abort', onAbort);
        resolve(w);
      };
      waiting.push(take);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    if (handed && !handed.dead) return handed;
  }
}

function giveBack(w: Worker): void {
  if (w.dead) return;
  if (w.logGen !== logGeneration()) {
    w.retire();
    return;
  }
  const next = waiting.shift();
  if (next) next(w);
  else {
    idle.push(w);
    w.sleep((x) => {
      const i = idle.indexOf(x);
      if (i >= 0) idle.splice(i, 1);
    });
  }
}

/** Runs one create in a worker (a few at a time) and resolves when it is over. */
export async function runCreate(opts: RunOptions): Promise<CreateOutcome> {
  if (opts.signal?.aborted) return { ok: false, aborted: true, log: [], output: [] };
  let configFile: string | null = null;
  if (opts.saveConfig) {
    configFile = scratchFile('.config');
    if (!opts.saveConfig(configFile)) configFile = null;
  }
  const request: CreateRequest = {
    id: nextId++, name: opts.name, lxcpath: opts.lxcpath, template: opts.template, argv: opts.argv,
    bdevtype: opts.bdevtype, specs: opts.specs, flags: opts.flags, configFile, env: opts.env,
  };
  const output: string[] = [];
  const { feed } = opts;
  let worker: Worker | null = null;
  const phases = opts.cachedRootfs && feed ? new DownloadPhases((ev) => feed.push(ev), () => (feed.taken ? worker?.child.pid : undefined), opts.cachedRootfs) : null;
  const emit = (line: string, stream: OutputStream, end: LineEnd) => {
    output.push(line);
    if (output.length > 200) output.shift();
    if (opts.onOutput) opts.onOutput(line, stream);
    // Iterated, the output is the caller's; else the template's streams are this process's.
    else if (!opts.quiet && !feed?.taken) process[stream].write(`${line}${end || '\n'}`);
    feed?.push({ type: 'output', stream, line, end });
    if (stream === 'stdout') phases?.line(line);
  };
  try {
    worker = await acquire(opts.signal);
    if (!worker) return { ok: false, aborted: true, log: [], output };
    try {
      if (opts.signal?.aborted) return { ok: false, aborted: true, log: [], output };
      const { ok, aborted, log, died } = await worker.run(request, emit, opts.signal);
      phases?.stop(ok);
      return { ok, aborted, log, output, ...(died ? { died } : {}) };
    } finally {
      phases?.stop();
      giveBack(worker);
    }
  } finally {
    if (configFile) rmSync(configFile, { force: true });
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function readLinesFrom(file: string, from: number): string[] {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    if (size <= from) return [];
    const buf = Buffer.alloc(size - from);
    readSync(fd, buf, 0, buf.length, from);
    return buf.toString('utf8').split('\n').filter((l) => l.trim() !== '');
  } finally {
    closeSync(fd);
  }
}

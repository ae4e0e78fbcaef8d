// Runs liblxc's create() in long-lived worker processes, so the template's output can be captured
// (liblxc hands it the process's stdout/stderr) and an aborted create can be killed as a group.
// A worker serves one create at a time and stays a few seconds for the next (the idle pool of
// lib/proc/pool.ts): spawning a Node process per create blocked the event loop ≈ 17 ms and cost
// ≈ 170 ms each (docs/benchmarks.md).
import { availableParallelism, freemem, setPriority } from 'node:os';
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fs, builtins } from '../builtins.js';
import { scratchFile } from '../scratch.js';
import type { CreateRequest, CreateReply } from './protocol.js';
import { endMarker } from './protocol.js';
import { sessionLog, logGeneration, linesOf } from '../logging.js';
import { childArgs, nodeBinary } from '../proc/node.js';
import { ownTurn } from '../proc/turn.js';
import { helperEnv } from '../proc/env.js';
import { IdlePool } from '../proc/pool.js';
import { logLines, sizeOf, tailFile } from '../proc/logtail.js';
import type { OutputStream } from '../options.js';
import type { EventFeed } from './feed.js';
import { DownloadPhases } from './phases.js';

const { rmSync } = fs;

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

const nodeArgs = childArgs(import.meta.url, 'worker');

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
  child: ChildProcess | null = null;
  /** The session log it was started with (logging.ts), whose file then holds its lines. */
  readonly session = sessionLog();
  readonly logGen = logGeneration();
  readonly logFile = this.session?.file ?? scratchFile('.create.log');
  /** Resolves once the process runs and has said it is ready. */
  readonly ready: Promise<void>;
  dead = false;
  aborted = false;
  /** How the worker ended when it died under a job (not by an abort). */
  died: string | undefined;
  #job: Job | null = null;
  #retired = false;

  constructor(private readonly onExit: (w: Worker) => void) {
    let ready!: () => void;
    let failed!: (e: Error) => void;
    this.ready = new Promise((resolve, reject) => { ready = resolve; failed = reject; });
    this.ready.catch(() => undefined);
    // node:child_process (and the stream and net modules it brings) is compiled on first use: let
    // timers run between that and the spawn, which forks this process on the main thread.
    void builtins.childProcess;
    void ownTurn().then(() => this.#start(ready, failed));
  }

  #start(ready: () => void, failed: (e: Error) => void): void {
    if (this.#retired) {
      this.#gone();
      return failed(new Error('the create worker was retired before it started'));
    }
    let child: ChildProcess;
    try {
      child = this.child = builtins.childProcess.spawn(nodeBinary(), [...nodeArgs, this.logFile], {
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        // Its own process group, so an abort also kills the template it runs.
        detached: true,
        serialization: 'json',
        env: helperEnv(),
      });
    } catch (e) {
      this.#gone();
      return failed(e as Error);
    }
    // Lowered before it is ready: the template it forks inherits the priority.
    if (child.pid !== undefined) {
      try { setPriority(child.pid, WORKER_NICE); } catch { /* gone already: its exit settles it */ }
    }
    this.#lines(child.stdout!, 'stdout');
    this.#lines(child.stderr!, 'stderr');
    child.once('message', () => ready());
    child.once('error', failed);
    child.once('exit', () => failed(new Error('the create worker exited before it was ready')));
    child.on('message', (m: CreateReply) => {
      if (this.#job && m.id === this.#job.request.id) {
        this.#job.reply = m;
        this.#settle();
      }
    });
    child.once('exit', (code, signal) => this.#gone(code, signal));
    // A spawn that failed outright (no pid) has no exit event; a send to a worker that is going
    // away reports here too, and its exit settles the job. A listener must stay: an 'error'
    // without one would throw in the caller's process.
    child.on('error', () => { if (child.pid === undefined) this.#gone(); });
  }

  #gone(code?: number | null, signal?: NodeJS.Signals | null): void {
    if (this.dead) return;
    this.dead = true;
    if (this.#job && !this.aborted) {
      // Died under a create: its template (same process group) would go on writing the rootfs
      // while the caller cleans up; it goes with it.
      this.died = signal ?? `exit code ${code}`;
      try { process.kill(-this.child!.pid!, 'SIGKILL'); } catch { /* the group is gone */ }
    }
    this.#job?.finish(false);
    this.#job = null;
    if (!this.session) rmSync(this.logFile, { force: true });
    this.onExit(this);
  }

  /** Whether nothing needs it: no create under way. */
  get unused(): boolean {
    return this.#job === null;
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
        try { process.kill(-this.child!.pid!, 'SIGKILL'); } catch { /* already gone */ }
      };
      this.#job = {
        request, emit, markersSeen: 0, reply: null, logFrom,
        finish: (ok) => {
          signal?.removeEventListener('abort', onAbort);
          // Idle, it no longer keeps the event loop alive.
          this.#setRef(false);
          const lines = logLines(tailFile(this.logFile, logFrom, Infinity));
          resolve({ ok: ok && !this.aborted, aborted: this.aborted, log: this.session ? linesOf(lines, request.name, this.session) : lines, ...(this.died ? { died: this.died } : {}) });
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.child!.send(request);
    });
  }

  /** Lets it exit: it leaves when its channel closes. */
  retire(): void {
    this.#retired = true;
    if (this.child?.connected) this.child.disconnect();
  }

  #setRef(on: boolean): void {
    const c = this.child;
    const handles = [c, c?.channel, c?.stdout as Socket | null, c?.stderr as Socket | null];
    for (const h of handles) {
      if (on) (h as { ref?: () => void } | null | undefined)?.ref?.();
      else (h as { unref?: () => void } | null | undefined)?.unref?.();
    }
  }
}

const pool = new IdlePool<Worker>({
  start: () => new Worker((w) => pool.gone(w)),
  cap: maxWorkers,
  idleMs: IDLE_MS,
  // Started before logInit(): its liblxc logs elsewhere.
  current: (w) => w.logGen === logGeneration(),
});

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
    bdevtype: opts.bdevtype, specs: opts.specs, flags: opts.flags, configFile, env: opts.env, cacheLock: opts.cacheLock,
  };
  const output: string[] = [];
  const { feed } = opts;
  let worker: Worker | null = null;
  const phases = opts.cachedRootfs && feed ? new DownloadPhases((ev) => feed.push(ev), () => (feed.taken ? worker?.child?.pid : undefined), opts.cachedRootfs) : null;
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
    worker = await pool.acquire(undefined, opts.signal);
    if (!worker) return { ok: false, aborted: true, log: [], output };
    try {
      await worker.ready;
    } catch (e) {
      worker.child?.kill('SIGKILL');
      throw e;
    }
    try {
      if (opts.signal?.aborted) return { ok: false, aborted: true, log: [], output };
      const { ok, aborted, log, died } = await worker.run(request, emit, opts.signal);
      phases?.stop(ok);
      return { ok, aborted, log, output, ...(died ? { died } : {}) };
    } finally {
      phases?.stop();
      pool.release(worker);
    }
  } finally {
    if (configFile) rmSync(configFile, { force: true });
  }
}

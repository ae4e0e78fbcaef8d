// The caller's side of the runners (main.ts): long-lived runner processes, each making one forking
// liblxc call at a time, reused across calls and containers, kept by the idle pool of lib/proc/pool.ts.
// A runner idle for IDLE_MS with no attached process left to watch is retired; none keeps the
// caller's process alive while it has nothing to do.
import { availableParallelism } from 'node:os';
import type { ChildProcess } from 'node:child_process';
import * as libc from '../../ffi/libc.js';
import { nodeImage, type NodeImage } from '../attach/image.js';
import { builtins, fs } from '../builtins.js';
import { scratchFile, scratchDir, SCRATCH_ENV } from '../scratch.js';
import { logGeneration } from '../logging.js';
import { FrameReader, frame, receive, sendBytes } from '../proc/socket.js';
import { childArgs, nodeBinary } from '../proc/node.js';
import { ownTurn } from '../proc/turn.js';
import { envPrint, envSnapshot, helperEnv } from '../proc/env.js';
import { IdlePool } from '../proc/pool.js';
import type { Exit } from '../proc/exit.js';
import type { CallReply, ExitEvent, MemberCall, Reply, Request } from './protocol.js';
import { AF_UNIX, SOCK_CLOEXEC, SOCK_STREAM } from '../../ffi/libc.js';

const nodeArgs = childArgs(import.meta.url, 'main');

// A runner's poll handle still open when Node tears down would call into JavaScript from its
// cleanup (a runner reporting the exit of a worker killed just before), which aborts the process.
const openPolls = new Set<{ close(): void }>();
process.once('exit', () => { for (const p of openPolls) p.close(); openPolls.clear(); });

/** The executable and arguments that start a runner from the sealed image, by this process's fds. */
function fromImage(image: NodeImage): [string, string[]] {
  const path = (fd: number) => `/proc/${process.pid}/fd/${fd}`;
  // A static Node has no readable copy to spare (100 MB): it starts from its own file.
  if (image.launcher === null || image.node === null) return [nodeBinary(), nodeArgs];
  return [path(image.launcher), ['--preload', image.preload.map(path).join(' '), path(image.node), ...nodeArgs]];
}

// A runner holds fds 4 … 3 + FD_GAP (copies of /dev/null, close-on-exec) for its life, so that
// Node's own fds sit above them. libuv's pthread_atfork handler closes its signal lock pipe by
// number in every child liblxc fork()s and opens a new one at the lowest free numbers; a daemonized
// start's monitor then closes every inherited fd and reuses those numbers, so that the handler in
// the monitor's next child closed one of liblxc's own (a non-root start: "Failed waiting for child
// process … to tell us to proceed"). With the gap the pipe lands above it, past any fd a monitor
// holds. Bounded by the open-files limit the runner inherits.
const FD_GAP = Math.max(0, Math.min(128, openFilesLimit() - 512));

function openFilesLimit(): number {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
  return m?.[1] === undefined ? 1024 : m[1] === 'unlimited' ? Infinity : Number(m[1]);
}

let devNull: number | undefined;
/** The stdio of a runner: none, none, the caller's stderr, its channel, then the gap. */
function runnerStdio(peer: number): Array<'ignore' | 'inherit' | number> {
  devNull ??= fs.openSync('/dev/null', 'r');
  return ['ignore', 'ignore', 'inherit', peer, ...new Array<number>(FD_GAP).fill(devNull)];
}

/** Runners at most; more calls at once wait for one to be free. */
export const MAX_RUNNERS = Math.max(8, 4 * availableParallelism());
/** An idle runner with nothing to watch exits after this long. */
const IDLE_MS = 10_000;

/** A wait for a process a runner watches; its hold on the event loop can be dropped. */
export interface ExitWatch {
  exit: Promise<Exit>;
  ref(): void;
  unref(): void;
}

/** One forking call, as a Container hands it over. */
export interface RunSpec {
  /** The Container's id and the generation of its in-memory config. */
  cid: number;
  gen: number;
  /** Whether the in-memory config is what the config file holds (then the runner reads the file). */
  onDisk: boolean;
  name: string;
  lxcpath: string;
  /** Saves the Container's in-memory config to `file`; false when it has none (the runner then reads the disk). */
  saveConfig: (file: string) => boolean;
  calls: MemberCall[];
  result?: 'value' | 'strings' | 'put';
  log?: boolean;
  /** Watch the pid in out-parameter 0 (attach). */
  track?: boolean;
  fds?: number[];
  /** result 'put': after answering, the runner makes its struct for the caller's Container `cid` (protocol.ts). */
  adopt?: { cid: number; name: string; lxcpath: string };
}

/** What a call answered, and the runner it ran in (which watches any process it started). */
export interface RunResult {
  result: unknown;
  outs: number[][];
  log: string[];
  watch: ExitWatch | null;
}

interface Watcher {
  resolve: (e: Exit) => void;
  reject: (e: Error) => void;
  refd: boolean;
}

let nextId = 1;

class Runner {
  child: ChildProcess | null = null;
  readonly fd: number;
  /** Config generation of each Container as this runner last loaded it. */
  readonly known = new Map<number, number>();
  /** The environment last sent: envPrint()'s answer, or the serialised environment where it has none. */
  env = '';
  /** Released Containers whose structs this runner still holds: put at its next request. */
  forgotten: number[] = [];
  busy = false;
  dead = false;
  #poll: { close(): void; ref(): void; unref(): void };
  #reader = new FrameReader();
  #pending: { id: number; member: string; resolve: (r: CallReply) => void; reject: (e: Error) => void } | null = null;
  #watchers = new Map<number, Watcher>();
  /** Exits that arrived before anyone asked (the reply and the exit may come in one read). */
  #early = new Map<number, Exit>();
  #inCall = false;

  /** The session log setting it was started with (logging.ts): a runner of an older one is not reused. */
  readonly logGen = logGeneration();

  constructor(private readonly onGone: (r: Runner) => void) {
    const sv = [0, 0];
    if (libc.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) !== 0) throw new Error(`socketpair() failed (errno ${libc.koffi.errno()})`);
    this.fd = sv[0];
    this.#poll = libc.koffi.node.poll(this.fd, { readable: true }, () => this.#read());
    this.#poll.unref();
    openPolls.add(this.#poll);
    // Requests can be written before the process exists: it reads them once it runs. Started in a
    // turn of its own, so that many runners started at once do not stall the event loop together.
    // The turn is taken once the image is there (the first one is made meanwhile, ≈ 0.1–0.5 s).
    void nodeImage().then((image) => image, () => null).then((image) => ownTurn().then(() => this.#start(sv[1], image)));
  }

  #start(peer: number, image: NodeImage | null): void {
    if (this.dead) {
      libc.close(peer);
      return;
    }
    try {
      // From the sealed copy of Node (image.ts), through this process's fds: the processes liblxc
      // forks from a runner (attach's child, until it executes) do not map the host's node binary,
      // which a privileged container's root could otherwise rewrite through /proc/<pid>/exe.
      const [file, args] = image ? fromImage(image) : [nodeBinary(), nodeArgs];
      this.child = builtins.childProcess.spawn(file, args, {
        argv0: 'node',
        // Its own session: terminal signals (Ctrl-C, SIGWINCH) never reach it or what it attaches.
        detached: true,
        stdio: runnerStdio(peer),
        // fd 3, its channel, survives liblxc's re-exec of it from a memfd (LXC_MEMFD_REXEC; ffi/library.ts).
        env: helperEnv({ [SCRATCH_ENV]: scratchDir(), LXC_FFI_KEEP_FDS: '3' }),
      });
    } catch (e) {
      this.#gone(`could not be started: ${(e as Error).message}`);
      return;
    } finally {
      libc.close(peer);
    }
    this.child.unref();
    this.child.on('error', () => this.#gone('could not be started'));
    this.child.once('exit', (code, signal) => this.#gone(`exited (${signal ?? `code ${code}`})`));
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  #read(): void {
    for (;;) {
      let got;
      try {
        got = receive(this.fd, true);
      } catch {
        got = { bytes: Buffer.alloc(0), fds: [], closed: true };
      }
      if (!got) return;
      if (got.closed) {
        this.#gone('closed its channel');
        return;
      }
      for (const fd of got.fds) libc.close(fd);
      for (const { message } of this.#reader.push(got.bytes, [])) this.#dispatch(message as Reply);
    }
  }

  #dispatch(m: Reply): void {
    if (process.env.LXC_FFI_DEBUG_RUNNER) console.error('recv', this.pid, JSON.stringify(m).slice(0, 200));
    if (m.t === 'exit') {
      this.#exited(m);
      return;
    }
    const p = this.#pending;
    if (!p || p.id !== m.id) return;
    this.#pending = null;
    if (m.t === 'done') p.resolve(m);
    else p.reject(new Error(`lxc-ffi runner (pid ${this.pid}) could not run ${p.member}: ${m.message}`));
  }

  #exited(m: ExitEvent): void {
    const exit = { code: m.code, signal: m.signal };
    const w = this.#watchers.get(m.pid);
    if (!w) {
      this.#early.set(m.pid, exit);
      return;
    }
    this.#watchers.delete(m.pid);
    w.resolve(exit);
    this.#updateRef();
  }

  /** Sends one call; resolves its reply. The runner is busy until then. */
  call(request: Request & { t: 'call' }, fds: number[], member: string): Promise<CallReply> {
    this.#inCall = true;
    this.#updateRef();
    return new Promise<CallReply>((resolve, reject) => {
      this.#pending = { id: request.id, member, resolve, reject };
      try {
        const bytes = frame(request);
        if (process.env.LXC_FFI_DEBUG_RUNNER) console.error('send', this.pid, JSON.stringify(request).slice(0, 200));
        // The socket is blocking and holds a frame whole: this is the only frame in flight to it.
        if (sendBytes(this.fd, bytes, fds) !== bytes.length) throw new Error('short write to the runner');
      } catch (e) {
        this.#pending = null;
        reject(e as Error);
      }
    }).finally(() => {
      this.#inCall = false;
      this.#updateRef();
    });
  }

  /**
   * Notes that a Container is gone; the runner puts its struct at its next request (a frame of its
   * own would cost a wake-up of each process per release), or drops it when it retires.
   */
  forget(cid: number): void {
    if (this.known.delete(cid) && !this.dead) this.forgotten.push(cid);
  }

  watch(pid: number): ExitWatch {
    let watcher!: Watcher;
    const exit = new Promise<Exit>((resolve, reject) => { watcher = { resolve, reject, refd: true }; });
    const early = this.#early.get(pid);
    if (early) {
      this.#early.delete(pid);
      watcher.resolve(early);
    } else if (this.dead) {
      watcher.reject(new Error(`lxc-ffi runner (pid ${this.pid}) is gone: the exit of ${pid} is unknown`));
    } else {
      this.#watchers.set(pid, watcher);
      this.#updateRef();
    }
    return {
      exit,
      ref: () => { watcher.refd = true; this.#updateRef(); },
      unref: () => { watcher.refd = false; this.#updateRef(); },
    };
  }

  /** Whether nothing here needs the runner any more. */
  get unused(): boolean {
    return !this.busy && this.#watchers.size === 0;
  }

  #updateRef(): void {
    if (this.dead) return;
    const needed = this.#inCall || [...this.#watchers.values()].some((w) => w.refd);
    if (needed) this.#poll.ref();
    else this.#poll.unref();
  }

  /** Closes our end: the runner sees EOF and exits. */
  retire(): void {
    this.#gone('retired');
  }

  #gone(why: string): void {
    if (this.dead) return;
    this.dead = true;
    this.#poll.close();
    openPolls.delete(this.#poll);
    try { libc.close(this.fd); } catch { /* closed */ }
    const error = new Error(`lxc-ffi runner (pid ${this.pid}) ${why}`);
    this.#pending?.reject(new Error(`${error.message} during ${this.#pending.member}`));
    this.#pending = null;
    for (const w of this.#watchers.values()) w.reject(error);
    this.#watchers.clear();
    this.onGone(this);
  }
}

const pool = new IdlePool<Runner>({
  start: () => new Runner((r) => pool.gone(r)),
  cap: () => MAX_RUNNERS,
  idleMs: IDLE_MS,
  // Started before logInit(): its liblxc logs elsewhere.
  current: (r) => r.logGen === logGeneration(),
});

/**
 * Runs `spec.calls` on a runner's struct lxc_container mirroring the caller's Container.
 *
 * @example
 * const { result, log } = await run({ cid, gen, name, lxcpath, saveConfig, calls: [{ member: 'start', args: [0, null] }] });
 */
export async function run(spec: RunSpec): Promise<RunResult> {
  const prefer = (r: Runner) => r.known.get(spec.cid) === spec.gen;
  const runner = pool.take(prefer) ?? (await pool.acquire(prefer))!;
  runner.busy = true;
  let file: string | null = null;
  try {
    let config: string | null | undefined;
    if (runner.known.get(spec.cid) !== spec.gen) {
      if (spec.onDisk) {
        config = null;
      } else {
        file = scratchFile('.config');
        config = spec.saveConfig(file) ? file : null;
      }
    }
    const fds = spec.fds ?? [];
    // The call runs with the caller's environment as it is now (attach's env keep, hooks, rsync).
    const env = envPrint();
    const sendEnv = env !== runner.env;
    runner.env = env;
    const forget = runner.forgotten.length ? runner.forgotten.splice(0) : undefined;
    const request = {
      ...(sendEnv ? { env: envSnapshot() } : {}),
      ...(forget ? { forget } : {}),
      ...(spec.adopt ? { adopt: spec.adopt } : {}),
      t: 'call' as const, id: nextId++, cid: spec.cid, name: spec.name, lxcpath: spec.lxcpath,
      ...(config !== undefined ? { config } : {}),
      calls: spec.calls, result: spec.result ?? 'value', log: spec.log ?? true, track: spec.track ?? false, fds: fds.length,
    };
    const member = spec.calls[spec.calls.length - 1].member;
    const reply = await runner.call(request, fds, member);
    runner.known.set(spec.cid, spec.gen);
    // A new Container's first generation (Handle.gen) is 0, its config the file the clone saved.
    if (reply.adopted) runner.known.set(spec.adopt!.cid, 0);
    const pid = reply.outs[0]?.[0];
    const watch = spec.track && reply.result === 0 && pid > 0 ? runner.watch(pid) : null;
    return { result: reply.result, outs: reply.outs, log: reply.log, watch };
  } catch (e) {
    // The runner's copy of this Container is unknown now: send the config again next time.
    runner.known.delete(spec.cid);
    runner.env = '';
    throw e;
  } finally {
    if (file) fs.rmSync(file, { force: true });
    runner.busy = false;
    pool.release(runner);
  }
}

/** Drops every runner's struct for a released Container. */
export function forget(cid: number): void {
  for (const r of pool.members) r.forget(cid);
}

/** The pids of the runners alive now (for tests and diagnostics). */
export function runnerPids(): number[] {
  return pool.members.map((r) => r.pid).filter((p): p is number => p !== undefined);
}

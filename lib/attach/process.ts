// A process liblxc attached into a container: its stdio plumbing and a wait that never blocks the
// event loop (a pidfd polled by libuv, then waitid() to reap it).
import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import { createInterface } from 'node:readline';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import * as libc from '../../ffi/libc.js';
import { LxcError } from '../errors.js';
import { builtins, fs } from '../builtins.js';
import type { ExitWatch } from '../runner/pool.js';
import { exitStatus, reap, type ExitStatus } from '../proc/exit.js';
import { TerminalRelay, isTerminal, inForeground } from './terminal.js';
import { O_CLOEXEC, O_RDONLY, O_WRONLY } from '../../ffi/libc.js';

export type { ExitStatus };

/** One of the three standard streams of an attached process. */
export type StdioSpec = number | 'inherit' | 'ignore' | 'pipe';

/** The fds handed to liblxc for fds 0-2, the ones to close once it forked, and our pipe ends. */
export interface StdioPlan {
  fds: [number, number, number];
  closeAfterAttach: number[];
  parentEnds: [number | null, number | null, number | null];
  /** When any of fds 0-2 is a terminal: the pty standing in for it (terminal.ts). */
  relay: TerminalRelay | null;
}

/**
 * Turns three stdio specs into the fds sent to the runner. Whenever one of them is a terminal, a
 * pty relayed to it stands in for it, as lxc-attach allocates one when any of fds 0-2 is a
 * terminal: the caller's terminal never enters the container (a process there could keep it
 * after the command ended, read the operator's keystrokes, type into the operator's shell with
 * TIOCSTI), and liblxc would try to make it the command's controlling terminal and fail. The
 * caller's terminal is read (and made raw) only when stdin is that terminal.
 */
export function planStdio(specs: [StdioSpec, StdioSpec, StdioSpec], devpts?: () => number | undefined, logFd?: number): StdioPlan {
  const plan: StdioPlan = { fds: [-1, -1, -1], closeAfterAttach: [], parentEnds: [null, null, null], relay: null };
  const given = specs.map((spec, k) => (spec === 'inherit' ? k : spec));
  const terminal = given.map((f) => typeof f === 'number' && isTerminal(f));
  try {
    if (terminal.some(Boolean)) {
      const input = terminal[0] ? given[0] as number : null;
      if (input !== null && !inForeground(input)) throw new TerminalError('stdin is a terminal this process does not control (it runs in the background): pass stdin \'ignore\', \'pipe\' or another fd');
      const out = (terminal[1] ? given[1] : terminal[2] ? given[2] : input) as number;
      const fd = devpts?.();
      try {
        plan.relay = new TerminalRelay(input, out, fd, logFd);
      } finally {
        if (fd !== undefined) libc.close(fd);
      }
    }
    given.forEach((spec, k) => {
      let fd: number;
      if (spec === 'pipe') {
        const ends = [0, 0];
        if (libc.pipe2(ends, O_CLOEXEC) !== 0) throw new Error('pipe2() failed');
        // stdin: the child reads ends[0]; stdout/stderr: the child writes ends[1].
        const [child, parent] = k === 0 ? [ends[0], ends[1]] : [ends[1], ends[0]];
        plan.parentEnds[k] = parent;
        fd = child;
      } else if (spec === 'ignore') {
        // Opened and closed through libc like the pipes: fs.closeSync() of an fd that fs did not
        // open warns in a worker thread.
        fd = libc.open('/dev/null', (k === 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC) as number;
        if (fd < 0) throw new Error(`open(/dev/null) failed (errno ${libc.koffi.errno()})`);
      } else if (terminal[k]) {
        plan.fds[k] = plan.relay!.subsidiary;
        return;
      } else {
        // The caller's own fd: the runner gets a copy of it with the frame.
        plan.fds[k] = spec as number;
        return;
      }
      plan.fds[k] = fd;
      plan.closeAfterAttach.push(fd);
    });
  } catch (e) {
    releaseStdio(plan, true);
    throw e;
  }
  return plan;
}

/** Closes the child-side fds (after attach forked); with `all`, our pipe ends too. */
export function releaseStdio(plan: StdioPlan, all = false): void {
  for (const fd of plan.closeAfterAttach) libc.close(fd);
  plan.closeAfterAttach = [];
  if (all) {
    for (const fd of plan.parentEnds) if (fd !== null) libc.close(fd);
    void plan.relay?.close();
  }
}

/** Attach was refused before reaching liblxc because of the caller's terminal. */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
}

/** A stream over one of our pipe ends. */
export function pipeStream(fd: number, writable: boolean): Socket {
  return new builtins.net.Socket({ fd, readable: !writable, writable });
}

/** A wait for a child's exit whose libuv handle can be unref'd (so an idle process does not keep Node alive). */
export interface PidWait {
  exit: Promise<ExitStatus>;
  ref(): void;
  unref(): void;
}

/** Resolves when `pid` (a child of this process) exits, and reaps it. */
export function waitForPid(pid: number): PidWait {
  const pidfd = libc.pidfd_open(pid, 0) as number;
  if (pidfd < 0) return { exit: Promise.reject(new LxcError('EATTACH', `pidfd_open(${pid}) failed (errno ${libc.koffi.errno()})`, { op: 'wait' })), ref() {}, unref() {} };
  let handle: { close(): void; ref(): void; unref(): void } | undefined;
  let closed = false;
  const exit = new Promise<ExitStatus>((resolve, reject) => {
    handle = libc.koffi.node.poll(pidfd, { readable: true }, () => {
      closed = true;
      handle!.close();
      const exit = reap(pidfd);
      if (!exit) return reject(new LxcError('EATTACH', `waitid(${pid}) failed (errno ${libc.koffi.errno()})`, { op: 'wait' }));
      resolve(exitStatus(exit));
    });
  });
  return {
    exit,
    ref: () => { if (!closed) handle?.ref(); },
    unref: () => { if (!closed) handle?.unref(); },
  };
}

/** Whether `pid` is a live process (not gone, not a zombie waiting to be reaped). */
export function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/** 'running', 'exitCode: 0', 'exitCode: null, signal: 'SIGKILL'', or 'exited' when the wait failed. */
export function describeExit(done: boolean, status: ExitStatus | undefined): string {
  if (!done) return 'running';
  if (!status) return 'exited';
  return status.signal ? `exitCode: null, signal: '${status.signal}'` : `exitCode: ${status.exitCode}`;
}

/**
 * A process running inside a container. Emits 'exit' (exitCode, signal) once it has exited and
 * been reaped, as a ChildProcess does.
 */
export class AttachedProcess extends EventEmitter {
  /** Its pid on the host. */
  readonly pid: number;
  /** Streams for the stdio that was 'pipe'. */
  readonly stdin: Writable | null;
  /** The process's stdout, when it was 'pipe'. */
  readonly stdout: Readable | null;
  /** The process's stderr, when it was 'pipe'. */
  readonly stderr: Readable | null;
  #exit: Promise<ExitStatus>;
  #wait: PidWait;
  #done = false;
  #status: ExitStatus | undefined;

  /** `watch`: the runner that attached it reports its exit (else it is a child of this process). */
  constructor(pid: number, ends: [number | null, number | null, number | null], watch?: ExitWatch, relay?: TerminalRelay | null) {
    super();
    this.pid = pid;
    this.stdin = ends[0] === null ? null : pipeStream(ends[0], true);
    this.stdout = ends[1] === null ? null : pipeStream(ends[1], false);
    this.stderr = ends[2] === null ? null : pipeStream(ends[2], false);
    this.#wait = watch ? {
      exit: watch.exit.then(
        exitStatus,
        (e: Error) => { throw new LxcError('EATTACH', `the exit of attached process ${pid} is unknown: ${e.message}`, { op: 'wait', cause: e }); },
      ),
      ref: watch.ref,
      unref: watch.unref,
    } : waitForPid(pid);
    // With a terminal relay, what the process wrote is on the caller's terminal before wait() resolves.
    relay?.start();
    this.#exit = this.#wait.exit.then((st) => (this.#status = st)).finally(async () => {
      await relay?.close();
      this.#done = true;
    });
    this.#exit.then((st) => this.emit('exit', st.exitCode, st.signal ?? null), () => undefined);
    // Reaped or not, nobody has to await it for the process to be reaped.
    this.#exit.catch(() => undefined);
  }

  /**
   * Resolves when the process has exited: `{ exitCode }`, or `{ exitCode: null, signal }`.
   *
   * @example
   * const p = await c.attach(['sleep', '1']); console.log(await p.wait()); // { exitCode: 0 }
   */
  wait(): Promise<ExitStatus> {
    return this.#exit;
  }

  /**
   * The lines of its stdout (or stderr), as they come, without their line ends; the stream must
   * have been 'pipe'.
   *
   * @example
   * const p = await c.attach(['ping', '-c', '3', 'host'], { stdout: 'pipe' });
   * for await (const line of p.lines()) console.log(line);
   */
  lines(stream: 'stdout' | 'stderr' = 'stdout'): AsyncIterableIterator<string> {
    const s = stream === 'stderr' ? this.stderr : stream === 'stdout' ? this.stdout : undefined;
    if (s === undefined) throw new LxcError('EINVAL', `lines: stream must be 'stdout' or 'stderr'`, { op: 'lines' });
    if (s === null) throw new LxcError('EINVAL', `lines: ${stream} of process ${this.pid} is not a pipe (attach with ${stream}: 'pipe')`, { op: 'lines' });
    return createInterface({ input: s, crlfDelay: Infinity })[Symbol.asyncIterator]();
  }

  /** Lets Node exit while this process (and its pipes) still runs; ref() undoes it. */
  unref(): void {
    this.#wait.unref();
    for (const s of [this.stdin, this.stdout, this.stderr]) (s as Socket | null)?.unref();
  }

  /** Keeps Node running while this process runs (the default). */
  ref(): void {
    this.#wait.ref();
    for (const s of [this.stdin, this.stdout, this.stderr]) (s as Socket | null)?.ref();
  }

  /** Whether it has exited (and been reaped). */
  get exited(): boolean {
    return this.#done;
  }

  /** `AttachedProcess { pid: 42, running }`, or with how it ended: `{ pid: 42, exitCode: 0 }`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `AttachedProcess { pid: ${this.pid}, ${describeExit(this.#done, this.#status)} }`;
  }

  /**
   * Sends a signal (default SIGTERM); a no-op once it has exited.
   *
   * @example
   * p.kill('SIGKILL');
   */
  kill(signal: NodeJS.Signals | number = 'SIGTERM'): void {
    // Checked first: the kill below swallows process.kill's errors (a process that just exited), bad signals included.
    const known = typeof signal === 'string' ? Object.hasOwn(constants.signals, signal) : Number.isInteger(signal) && signal >= 0 && signal <= 64;
    if (!known) throw new LxcError('EINVAL', `kill: signal must be a signal name such as 'SIGTERM' or a number 0-64`, { op: 'kill' });
    if (this.#done) return;
    try {
      process.kill(this.pid, signal);
    } catch {
      // Exited between the check and the kill.
    }
  }
}

// The caller's side of an attach worker: sends functions, resolves their results.
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { LxcError } from '../errors.js';
import { frame, toReply, FrameError, Unframer, type Reply } from './wire.js';
import { describeExit, type AttachedProcess, type ExitStatus } from './process.js';

interface Pending {
  resolve: (v: any) => void;
  reject: (e: unknown) => void;
}

/** The two pipes to and from the worker. */
export interface Channel {
  input: Writable;
  output: Readable;
}

/** Where errors from the worker are attributed. */
export interface SessionContext {
  container: string;
  lxcpath: string;
}

/**
 * A long-lived Node worker attached to a container: each `evaluate` runs a function inside it.
 * Only the function's source and a structured-clone-able argument cross over.
 *
 * @example
 * await using s = await c.openSession();
 * console.log(await s.evaluate(() => require('node:os').hostname()));
 */
export class Session {
  readonly #proc: AttachedProcess;
  readonly #channel: Channel;
  readonly #ctx: SessionContext;
  readonly #pending = new Map<number, Pending>();
  readonly #ready: Promise<void>;
  #next = 1;
  #ended: LxcError | null = null;
  #exit: Promise<ExitStatus>;
  #status: ExitStatus | undefined;

  constructor(proc: AttachedProcess, channel: Channel, ctx: SessionContext, signal?: AbortSignal) {
    this.#proc = proc;
    this.#channel = channel;
    this.#ctx = ctx;
    this.#exit = proc.wait();
    const unframer = new Unframer();
    let onReady!: () => void;
    let onFatal!: (e: LxcError) => void;
    this.#ready = new Promise<void>((resolve, reject) => { onReady = resolve; onFatal = reject; });
    this.#ready.catch(() => undefined);
    // The worker runs inside the container: its bytes are untrusted. Anything that is not a valid
    // reply to a pending call ends the session (every pending call rejects) and kills the worker;
    // nothing it sends can throw out of this handler.
    let started = false;
    const onData = (chunk: Buffer) => {
      if (this.#ended) return;
      try {
        for (const raw of unframer.messages(chunk)) {
          const m = toReply(raw);
          if ('ready' in m) {
            if (started) throw new FrameError('a second ready message');
            started = true;
            onReady();
          } else if ('fatal' in m) {
            if (!started) return onFatal(this.#error('EATTACH', `the attach worker could not start: ${m.fatal}`));
            this.#fail(this.#error('EATTACH', `the attach worker failed: ${m.fatal}`), onFatal);
          } else {
            this.#settle(m);
          }
          if (this.#ended) return;
        }
      } catch (e) {
        const why = e instanceof FrameError ? e.message : `its reply could not be handled: ${String(e)}`;
        this.#fail(this.#error('EATTACH', `the attach worker broke the channel protocol (${why}); it was killed`, e), onFatal);
      }
    };
    channel.output.on('data', onData);
    // Pipe errors surface as the worker's exit below.
    channel.output.on('error', () => undefined);
    channel.input.on('error', () => undefined);
    void this.#exit.then((st) => {
      this.#status = st;
      // Nobody reads what would still be written; the replies end with the pipe's own EOF.
      channel.input.destroy();
      const how = st.signal ? `was killed by ${st.signal}` : `exited with code ${st.exitCode}`;
      this.#ended ??= this.#error('EATTACH', `the attach worker ${how}`);
      this.#end(this.#ended);
      onFatal(this.#ended);
    });
    if (signal) {
      const abort = () => {
        this.#ended ??= this.#error('EABORT', 'aborted', signal.reason);
        proc.kill('SIGKILL');
      };
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort, { once: true });
      void this.#exit.finally(() => signal.removeEventListener('abort', abort));
    }
  }

  /** Resolves once the worker is inside the container and ready for calls. */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** Whether the worker still takes calls. */
  get alive(): boolean {
    return this.#ended === null && !this.#proc.exited;
  }

  /** Lets Node exit while this (idle) worker runs; ref() undoes it. */
  unref(): void {
    this.#proc.unref();
    for (const s of [this.#channel.input, this.#channel.output]) (s as Partial<Socket>).unref?.();
  }

  /** Keeps Node running while the worker runs (the default). */
  ref(): void {
    this.#proc.ref();
    for (const s of [this.#channel.input, this.#channel.output]) (s as Partial<Socket>).ref?.();
  }

  /** Pid of the worker on the host. */
  get pid(): number {
    return this.#proc.pid;
  }

  /**
   * Runs `fn(arg)` inside the container and resolves its (awaited) return value. A throw inside
   * rejects with LxcError `EEVAL` carrying the inner message and stack.
   *
   * @example
   * const host = await s.evaluate(() => require('node:fs').readFileSync('/etc/hostname', 'utf8'));
   */
  async evaluate<A, T>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<Awaited<T>> {
    if (typeof fn !== 'function') throw new LxcError('EINVAL', 'evaluate: fn must be a function', { op: 'evaluate', ...this.#ctx });
    if (this.#ended) throw this.#ended;
    await this.#ready;
    const id = this.#next++;
    let message: Buffer;
    try {
      message = frame({ id, src: fn.toString(), arg });
    } catch (e) {
      throw new LxcError('EINVAL', `evaluate: arg cannot be sent to the worker: ${(e as Error).message}`, { op: 'evaluate', ...this.#ctx });
    }
    return new Promise<Awaited<T>>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#channel.input.write(message);
    });
  }

  /**
   * Ends the worker after the calls in flight; resolves its exit status.
   *
   * @example
   * await s.close();
   */
  async close(): Promise<ExitStatus> {
    this.#channel.input.end();
    return this.#exit;
  }

  /** `await using s = await c.openSession()` closes it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Kills the worker; pending calls reject. */
  kill(): void {
    this.#proc.kill('SIGKILL');
  }

  /** `Session { container: 'web', pid: 42, alive, pending: 0 }`; once ended, how the worker exited. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const how = this.alive ? `alive, pending: ${this.#pending.size}` : this.#status ? describeExit(true, this.#status) : 'ended';
    return `Session { container: '${this.#ctx.container}', pid: ${this.pid}, ${how} }`;
  }

  #settle(m: Extract<Reply, { id: number }>): void {
    const p = this.#pending.get(m.id);
    if (!p) throw new FrameError(`a reply to call ${m.id}, which is not pending`);
    this.#pending.delete(m.id);
    if (m.ok) return p.resolve(m.value);
    const e = new LxcError('EEVAL', `${m.error.name}: ${m.error.message}`, { op: 'evaluate', ...this.#ctx });
    if (m.error.stack) e.stack = `${m.error.stack}\n    at <attach worker in container "${this.#ctx.container}">`;
    p.reject(e);
  }

  /** Ends the session on `error`: pending calls reject, the worker is killed, its channel dropped. */
  #fail(error: LxcError, onFatal: (e: LxcError) => void): void {
    this.#ended ??= error;
    this.#end(this.#ended);
    onFatal(this.#ended);
    this.#proc.kill('SIGKILL');
    // A process of the container may still hold the pipe's other end: stop reading it.
    this.#channel.output.destroy();
  }

  #end(error: LxcError): void {
    for (const p of this.#pending.values()) p.reject(error);
    this.#pending.clear();
  }

  #error(code: 'EATTACH' | 'EABORT', message: string, cause?: unknown): LxcError {
    return new LxcError(code, `evaluate "${this.#ctx.container}": ${message}`, { op: 'evaluate', ...this.#ctx, ...(cause === undefined ? {} : { cause }) });
  }
}

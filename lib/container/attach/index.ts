// The attach family: commands and functions inside the container (attachWait, exec, attach,
// evaluate, openSession, attachShell). What an attach needs of the container (liblxc's options
// struct, the attach member, devpts) is in plan.ts, the spare worker in spare.ts; the machinery
// (lib/attach/, which knows nothing of a container) loads with the first call (plan.ts, attachLib).
import { constants as osConstants } from 'node:os';
import { check, argv as argvCheck } from '../../validate.js';
import { invalid } from '../../errors.js';
import { options } from '../../options/parse.js';
import { attachOptionsSchema, execOptionsSchema } from '../../options/attach.js';
import { attachDefaults, functionDefaults, execDefaults } from '../../options/attach.js';
import type { AttachSettings } from '../../attach/options.js';
import type { AttachedProcess, ExitStatus } from '../../attach/process.js';
import type { Session } from '../../attach/session.js';
import type { Handle } from '../handle.js';
import { attachLib, plan, worker } from './plan.js';
import { takeSpare } from './spare.js';

/** What `exec()` resolves: how the command ended and what it printed. */
export interface ExecResult<T extends string | Buffer = string> extends ExitStatus {
  /** Everything the command wrote to stdout, decoded as UTF-8 (a Buffer with `encoding: 'buffer'`). */
  stdout: T;
  /** Everything the command wrote to stderr, decoded as UTF-8 (a Buffer with `encoding: 'buffer'`). */
  stderr: T;
}

/** An exit status as a number: the exit code, or 128 + the signal's number (as shells report it). */
function exitNumber(st: ExitStatus): number {
  if (st.exitCode !== null) return st.exitCode;
  const n = (osConstants.signals as Record<string, number>)[st.signal ?? ''] ?? 0;
  return 128 + n;
}

/** The options of an attach call, with a command's defaults or (`fn`) a function's. */
function attachOptions(op: string, value: unknown, fn: boolean): AttachSettings {
  return options(op, 'options', attachOptionsSchema, value, fn ? functionDefaults : attachDefaults);
}

/** `command`: argv or a function; `argvOnly`: it came after attachRunCommand, so it must be argv. */
export async function attachWait(h: Handle, command: unknown, options_: unknown, argvOnly = false): Promise<number> {
  const op = 'attachWait';
  const fn = typeof command === 'function' && !argvOnly;
  const o = attachOptions(op, options_, fn);
  const lib = await attachLib();
  if (fn) {
    const { session, proc } = await worker(lib, h, op, o, true);
    session.evaluate(command as () => unknown).catch(() => undefined);
    return exitNumber(await proc.wait());
  }
  const args = check(op, 'argv', argvCheck, command);
  const proc = await lib.spawnCommand(plan(h, op, o), args, [o.stdin, o.stdout, o.stderr]);
  const status = await proc.wait();
  // As exec(): an abort rejects (the process was killed for it), it is not an exit status.
  if (o.signal?.aborted) throw h.aborted(op, o.signal, undefined, status);
  return exitNumber(status);
}

export async function exec(h: Handle, argv: unknown, options_: unknown): Promise<ExecResult<string | Buffer>> {
  const op = 'exec';
  const { input, timeout, maxBuffer, encoding, reject, ...o } = options(op, 'options', execOptionsSchema, options_, execDefaults);
  const args = check(op, 'argv', argvCheck, argv);
  // A timeout (seconds) is an abort whose reason is a TimeoutError, as AbortSignal.timeout() gives it.
  const timer = timeout === undefined ? undefined : AbortSignal.timeout(Math.ceil(timeout * 1000));
  const signal = timer && o.signal ? AbortSignal.any([o.signal, timer]) : (timer ?? o.signal);
  const lib = await attachLib();
  const proc = await lib.spawnCommand(plan(h, op, { ...o, signal }), args, [input !== undefined ? 'pipe' : o.stdin, o.stdout, o.stderr]);
  let overflow: 'stdout' | 'stderr' | null = null;
  const collect = (s: NodeJS.ReadableStream, name: 'stdout' | 'stderr') => new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    s.on('data', (b: Buffer) => {
      if (overflow) return;
      size += b.length;
      if (size > maxBuffer) {
        overflow = name;
        chunks.push(b.subarray(0, b.length - (size - maxBuffer)));
        proc.kill('SIGKILL');
        return;
      }
      chunks.push(b);
    });
    s.on('error', () => resolve(Buffer.concat(chunks)));
    s.on('close', () => resolve(Buffer.concat(chunks)));
  });
  const out = collect(proc.stdout!, 'stdout');
  const err = collect(proc.stderr!, 'stderr');
  if (proc.stdin) {
    // Without input, a 'pipe' stdin is closed at once: the command reads EOF instead of hanging.
    proc.stdin.on('error', () => undefined);
    proc.stdin.end(input);
  }
  const [status, outBytes, errBytes] = await Promise.all([proc.wait(), out, err]);
  const decode = (b: Buffer) => (encoding === 'buffer' ? b : b.toString('utf8'));
  const result = { ...status, stdout: decode(outBytes), stderr: decode(errBytes) };
  if (signal?.aborted) throw h.aborted(op, signal, undefined, result, timer?.aborted && !o.signal?.aborted ? `timed out after ${timeout} s` : 'aborted');
  if (overflow) throw h.error('EMAXBUFFER', op, `${args[0]} wrote more than ${maxBuffer} bytes to ${overflow} (maxBuffer); it was killed`, undefined, result);
  if (reject && status.exitCode !== 0) {
    const how = status.exitCode === null ? `was killed by ${status.signal}` : `exited with code ${status.exitCode}`;
    throw h.error('EEXIT', op, `${args.join(' ').slice(0, 200)} ${how}`, undefined, result);
  }
  return result;
}

export async function attach(h: Handle, command: unknown, options_: unknown): Promise<AttachedProcess> {
  const op = 'attach';
  const o = attachOptions(op, options_, typeof command === 'function');
  const lib = await attachLib();
  if (typeof command === 'function') {
    const { session, proc } = await worker(lib, h, op, o, true);
    session.evaluate(command as () => unknown).catch(() => undefined);
    return proc;
  }
  const args = check(op, 'argv', argvCheck, command);
  return lib.spawnCommand(plan(h, op, o), args, [o.stdin, o.stdout, o.stderr]);
}

export async function evaluate<A, T>(h: Handle, fn: unknown, arg: A, options_: unknown): Promise<Awaited<T>> {
  const op = 'evaluate';
  if (typeof fn !== 'function') throw invalid(op, 'fn', 'must be a function');
  const o = attachOptions(op, options_, true);
  const lib = await attachLib();
  // Each call gets a worker of its own; the next one is started meanwhile, so a second call does
  // not wait for Node to start inside the container (a one-shot worker costs ≈ 45 ms).
  const session = o.signal ? (await worker(lib, h, op, o, false)).session : await takeSpare(lib, h, op, o);
  try {
    return await session.evaluate(fn as (arg: A) => T | Promise<T>, arg);
  } finally {
    // The worker ends on its own once its channel closes; the result need not wait for its exit.
    session.close().catch(() => undefined);
  }
}

export async function openSession(h: Handle, options_: unknown): Promise<Session> {
  const o = attachOptions('openSession', options_, true);
  return (await worker(await attachLib(), h, 'openSession', o, false)).session;
}

export async function attachShell(h: Handle, options_: unknown): Promise<number> {
  const o = attachOptions('attachShell', options_, false);
  const proc = await (await attachLib()).spawn(plan(h, 'attachShell', o), 'lxc_attach_run_shell', null, [o.stdin, o.stdout, o.stderr]);
  return exitNumber(await proc.wait());
}

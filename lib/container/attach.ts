// The attach family: commands and functions inside the container (attachWait, exec, attach,
// evaluate, openSession, attachShell). The machinery (lib/attach/) loads with the first call:
// it brings node:net and node:child_process, ≈ 10 ms that `import 'lxc-ffi'` need not pay.
import { constants as osConstants } from 'node:os';
import { check, argv as argvCheck } from '../validate.js';
import { invalid } from '../errors.js';
import { options } from '../options.schema.js';
import { attachOptionsSchema, execOptionsSchema } from '../options.schema.js';
import type { AttachOptions, ExecOptions } from '../options.js';
import type { AttachedProcess, ExitStatus } from '../attach/process.js';
import type { Session } from '../attach/session.js';
import type { Handle } from './handle.js';
import { attachRunCommand } from '../container.js';

let spawnModule: Promise<typeof import('../attach/spawn.js')> | undefined;
const attachLib = () => (spawnModule ??= import('../attach/spawn.js'));

/** What `exec()` resolves: how the command ended and what it printed. */
export interface ExecResult extends ExitStatus {
  /** Everything the command wrote to stdout, decoded as UTF-8. */
  stdout: string;
  /** Everything the command wrote to stderr, decoded as UTF-8. */
  stderr: string;
}

/** An exit status as a number: the exit code, or 128 + the signal's number (as shells report it). */
function exitNumber(st: ExitStatus): number {
  if (st.exitCode !== null) return st.exitCode;
  const n = (osConstants.signals as Record<string, number>)[st.signal ?? ''] ?? 0;
  return 128 + n;
}

function attachOptions(op: string, value: unknown): AttachOptions {
  return options(op, 'options', attachOptionsSchema, value ?? {});
}

export async function attachWait(h: Handle, command: unknown, argvOrOptions: unknown, options_: unknown): Promise<number> {
  const op = 'attachWait';
  let argv: unknown = command;
  let raw: unknown = argvOrOptions;
  if (command === attachRunCommand) {
    argv = argvOrOptions;
    raw = options_;
  }
  const o = attachOptions(op, raw);
  const lib = await attachLib();
  if (typeof command === 'function') {
    const { session, proc } = await lib.worker(h, op, o, true);
    session.evaluate(command as () => unknown).catch(() => undefined);
    return exitNumber(await proc.wait());
  }
  const args = check(op, 'argv', argvCheck, argv);
  const proc = await lib.spawnCommand(h, op, args, o, [o.stdin ?? 'inherit', o.stdout ?? 'inherit', o.stderr ?? 'inherit']);
  return exitNumber(await proc.wait());
}

export async function exec(h: Handle, argv: unknown, options_: unknown): Promise<{ exitCode: number | null; signal?: string; stdout: string; stderr: string }> {
  const op = 'exec';
  const { input, ...o }: ExecOptions = options(op, 'options', execOptionsSchema, options_ ?? {});
  const args = check(op, 'argv', argvCheck, argv);
  const lib = await attachLib();
  const proc = await lib.spawnCommand(h, op, args, o, [input !== undefined ? 'pipe' : (o.stdin ?? 'ignore'), 'pipe', 'pipe']);
  const collect = (s: NodeJS.ReadableStream) => new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    s.on('data', (b: Buffer) => chunks.push(b));
    s.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
    s.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
  const out = collect(proc.stdout!);
  const err = collect(proc.stderr!);
  if (proc.stdin) {
    // Without input, a 'pipe' stdin is closed at once: the command reads EOF instead of hanging.
    proc.stdin.on('error', () => undefined);
    proc.stdin.end(input);
  }
  const [status, stdout, stderr] = await Promise.all([proc.wait(), out, err]);
  if (o.signal?.aborted) throw h.error('EABORT', op, 'aborted');
  return { ...status, stdout, stderr };
}

export async function attach(h: Handle, command: unknown, options_: unknown): Promise<AttachedProcess> {
  const op = 'attach';
  const o = attachOptions(op, options_);
  const lib = await attachLib();
  if (typeof command === 'function') {
    const { session, proc } = await lib.worker(h, op, o, true);
    session.evaluate(command as () => unknown).catch(() => undefined);
    return proc;
  }
  const args = check(op, 'argv', argvCheck, command);
  return lib.spawnCommand(h, op, args, o, [o.stdin ?? 'inherit', o.stdout ?? 'inherit', o.stderr ?? 'inherit']);
}

export async function evaluate<A, T>(h: Handle, fn: unknown, arg: A, options_: unknown): Promise<Awaited<T>> {
  const op = 'evaluate';
  if (typeof fn !== 'function') throw invalid(op, 'fn', 'must be a function');
  const o = attachOptions(op, options_);
  const lib = await attachLib();
  // Each call gets a worker of its own; the next one is started meanwhile, so a second call does
  // not wait for Node to start inside the container (a one-shot worker costs ~170 ms).
  const session = o.signal ? (await lib.worker(h, op, o, false)).session : await lib.takeSpare(h, op, o);
  try {
    return await session.evaluate(fn as (arg: A) => T | Promise<T>, arg);
  } finally {
    // The worker ends on its own once its channel closes; the result need not wait for its exit.
    session.close().catch(() => undefined);
  }
}

export async function openSession(h: Handle, options_: unknown): Promise<Session> {
  const o = attachOptions('openSession', options_);
  return (await (await attachLib()).worker(h, 'openSession', o, false)).session;
}

export async function attachShell(h: Handle, options_: unknown): Promise<number> {
  const o = attachOptions('attachShell', options_);
  const proc = await (await attachLib()).spawn(h, 'attachShell', 'lxc_attach_run_shell', null, o, [o.stdin ?? 'inherit', o.stdout ?? 'inherit', o.stderr ?? 'inherit']);
  return exitNumber(await proc.wait());
}

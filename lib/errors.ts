// The one error type of lxc-ffi.
import { fileURLToPath } from 'node:url';
import type { SignalName } from './proc/exit.js';

// Stack frames in these directories are lxc-ffi's own (lib/ and ffi/, under src or dist).
const OWN_FRAMES = [fileURLToPath(new URL('.', import.meta.url)), fileURLToPath(new URL('../ffi/', import.meta.url))];

/**
 * Stable error codes. `E<OP>` codes name the liblxc operation that returned failure; the others:
 * - `EINVAL`: bad input, rejected before any C call.
 * - `ENOTDEFINED`: the container does not exist (no config in its lxcpath).
 * - `EEXIST`: the container (or the target of rename/clone) already exists.
 * - `ENOTRUNNING` / `ERUNNING`: the operation needs a running / stopped container.
 * - `ERELEASED`: the Container was released; its liblxc reference is gone.
 * - `ENOTSUP`: the runtime liblxc (or installed template) lacks what was asked.
 * - `ENOLIB`: liblxc.so.1 could not be loaded.
 * - `EABORT`: an AbortSignal fired.
 * - `EATTACH`: liblxc could not attach, or the attach worker died or broke the channel protocol
 *   (a frame over 64 MiB, bytes that do not decode, a value that is not a reply; it is killed).
 * - `EEVAL`: a function run inside the container threw; the message and stack are the inner ones.
 * - `ERUNNER`: the runner process making a forking call died or its channel broke (killed, out of
 *   memory); the call's outcome is unknown. Later calls get a new runner.
 * - `EEXIT`: `exec(..., { reject: true })`: the command exited non-zero or was killed.
 * - `EMAXBUFFER`: `exec()`: the command wrote more than `maxBuffer` bytes to stdout or stderr; it was killed.
 * - `EACCES`: the caller may not do it (not root, or no rights on the lxcpath).
 * - `EINDEX`: `images()`: a download server's image index could not be fetched (no answer in time, an HTTP error, too large, TLS).
 * - `EFILE`: `c.files`: a path in the container could not be read, written or resolved inside its
 *   root (`errno` says why: ENOENT, EXDEV/ELOOP for a path the kernel would not resolve inside).
 */
export type LxcErrorCode =
  | 'EINVAL' | 'ENOTDEFINED' | 'EEXIST' | 'ENOTRUNNING' | 'ERUNNING' | 'ERELEASED' | 'ENOTSUP'
  | 'ENOLIB' | 'EABORT' | 'ECREATE' | 'ESTART' | 'ESTOP' | 'ESHUTDOWN' | 'EREBOOT' | 'EFREEZE'
  | 'EUNFREEZE' | 'EDESTROY' | 'ERENAME' | 'ECONFIG' | 'ECGROUP' | 'ESAVE' | 'ELOAD' | 'EATTACH' | 'EEVAL' | 'ERUNNER' | 'ECLONE' | 'ESNAPSHOT' | 'EDEVICE' | 'EFD' | 'ECONSOLE' | 'ECHECKPOINT' | 'EMOUNT' | 'EEXIT' | 'EMAXBUFFER' | 'EACCES' | 'EINDEX' | 'EFILE';

/** What an LxcError carries besides its message. */
export interface LxcErrorDetails {
  /** The operation that failed, such as 'start'. */
  op: string;
  /** The container's name. */
  container?: string;
  /** The container's lxcpath. */
  lxcpath?: string;
  /** The errno liblxc left, when it says something. */
  errno?: number;
  /** liblxc's log lines written during the failed call (ERROR level), oldest first. */
  log?: string[];
  /** The last lines a template printed, for a failed create. */
  output?: string[];
  /** exec(): how the command ended (EEXIT, EMAXBUFFER, EABORT). */
  exitCode?: number | null;
  /** exec(): the signal that killed the command. */
  signal?: SignalName;
  /** exec(): what the command wrote to stdout. */
  stdout?: string | Buffer;
  /** exec(): what the command wrote to stderr. */
  stderr?: string | Buffer;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * Every failure of lxc-ffi: `code` is stable, `message` says why (liblxc's own reason when it
 * logged one), `log` has liblxc's lines for the failed call.
 *
 * @example
 * try { await c.start(); } catch (e) { if (e instanceof LxcError && e.code === 'ESTART') console.error(e.log); }
 */
export class LxcError extends Error {
  /** The stable error code. */
  readonly code: LxcErrorCode;
  /** The operation that failed, such as 'start'. */
  readonly op: string;
  /** The container's name, when a container was involved. */
  declare readonly container?: string;
  /** The container's lxcpath, when a container was involved. */
  declare readonly lxcpath?: string;
  /** The errno liblxc left, when it says something. */
  declare readonly errno?: number;
  /** liblxc's log lines written during the failed call (ERROR level), oldest first. */
  declare readonly log?: string[];
  /** The last lines a template printed, for a failed create. */
  declare readonly output?: string[];
  /** exec(): the command's exit code (null when a signal killed it). */
  declare readonly exitCode?: number | null;
  /** exec(): the signal that killed the command. */
  declare readonly signal?: SignalName;
  /** exec(): what the command wrote to stdout. */
  declare readonly stdout?: string | Buffer;
  /** exec(): what the command wrote to stderr. */
  declare readonly stderr?: string | Buffer;

  constructor(code: LxcErrorCode, message: string, details: LxcErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'LxcError';
    this.code = code;
    this.op = details.op;
    if (details.container !== undefined) this.container = details.container;
    if (details.lxcpath !== undefined) this.lxcpath = details.lxcpath;
    if (details.errno !== undefined) this.errno = details.errno;
    if (details.log !== undefined) this.log = details.log;
    if (details.output !== undefined) this.output = details.output;
    for (const k of ['exitCode', 'signal', 'stdout', 'stderr'] as const) {
      if (details[k] !== undefined) Object.defineProperty(this, k, { value: details[k], enumerable: true });
    }
  }

  /**
   * `LxcError [ESTART]: start "web": reason`, the caller's frame, then code, op, container and how
   * many log lines: the log and the template's output stay on the object, off the screen.
   */
  [Symbol.for('nodejs.util.inspect.custom')](_depth: number, options: object, inspect: (v: unknown, o: object) => string): string {
    // The first frame outside lxc-ffi and Node: where the failing call was made.
    const frame = (this.stack ?? '').split('\n').find((l) => /^\s+at /.test(l) && !OWN_FRAMES.some((dir) => l.includes(dir)) && !/\(node:|at node:/.test(l));
    const parts = [`code: ${inspect(this.code, options)}`, `op: ${inspect(this.op, options)}`];
    for (const k of ['container', 'lxcpath', 'errno'] as const) if (this[k] !== undefined) parts.push(`${k}: ${inspect(this[k], options)}`);
    for (const k of ['log', 'output'] as const) if (this[k]?.length) parts.push(`${k}: [${this[k].length} line${this[k].length === 1 ? '' : 's'}]`);
    return `${this.name} [${this.code}]: ${this.message}${frame ? `\n${frame}` : ''}\n{ ${parts.join(', ')} }`;
  }
}

/** The human part of a liblxc log line: 'lxc c1 2026... ERROR start - start.c:f:12 - reason' → 'reason'. */
export function logReason(line: string): string {
  const parts = line.split(' - ');
  return parts.length >= 3 ? parts.slice(2).join(' - ').trim() : line.trim();
}

// liblxc's reasons that name no fix, with the host setting behind them (lxc.checkHost() checks each).
const HINTS: Array<[RegExp, string]> = [
  [/lxc-user-nic.*Quota reached/, "/etc/lxc/lxc-usernet gives this user no more veth interfaces on the container's bridge (a line \"<user> veth <bridge> <count>\"; lxc.checkHost() names it)"],
  [/newuidmap|newgidmap/, 'the id maps could not be written: check /etc/subuid, /etc/subgid and that newuidmap/newgidmap are setuid root (lxc.checkHost())'],
];

/** `reason` with what to fix on the host, when liblxc's own words do not say it. */
export function withHint(reason: string): string {
  const hint = HINTS.find(([re]) => re.test(reason));
  return hint ? `${reason}: ${hint[1]}` : reason;
}

/** An error for input rejected before any C call; `arg` names the argument. */
export function invalid(op: string, arg: string, why: string): LxcError {
  return new LxcError('EINVAL', `${op}: ${arg} ${why}`, { op });
}

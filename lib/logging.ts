// liblxc's process-wide log (lxc_log_init), for a session: every line liblxc writes in this process
// and in the processes lxc-ffi runs liblxc in (runners, create workers) goes to one file. liblxc
// then sends every line to that file rather than to a container's lxc.log.file (log.c:
// lxc_log_use_global_fd, never reset), so the per-call capture of errors reads its lines back
// from there, picked by container name.
import * as ffi from '../ffi/index.js';
import { LxcError } from './errors.js';
import { logDefaults, logOptionsSchema, type LogOptions } from './options/global.js';
import { options as optionsOf } from './options/parse.js';

/** How the processes lxc-ffi starts learn of the session log (read and removed at their start). */
export const LOG_ENV = 'LXC_FFI_LOG';

export type SessionLog = Required<LogOptions>;

let session: SessionLog | null = null;
/** Bumped when the log is set: runners and workers of an older generation are not reused. */
let generation = 0;

/** The session log, if one was set in this process (or handed to it by its parent). */
export function sessionLog(): SessionLog | null {
  return session;
}

/** Which log setting the processes started now are made with. */
export function logGeneration(): number {
  return generation;
}

/** The environment entry that hands the session log to a process lxc-ffi starts. */
export function logEnv(): Record<string, string> {
  return session ? { [LOG_ENV]: JSON.stringify(session) } : {};
}

/**
 * The lines liblxc wrote for container `name`, out of the session file that holds every process's:
 * those naming it, and those naming none (liblxc names no container where it has no struct
 * lxc_conf at hand: most of create, storage).
 */
export function linesOf(lines: string[], name: string, log: SessionLog): string[] {
  const head = `${log.prefix} ${name} `;
  const nameless = new RegExp(`^${log.prefix.replace(/[^\w]/g, '\\$&')} \\d{14}\\.\\d{3} `);
  return lines.filter((l) => l.startsWith(head) || nameless.test(l));
}

function init(log: SessionLog): void {
  const ret = ffi.lxc_log_init({ name: null, lxcpath: null, file: log.file, level: log.level, prefix: log.prefix, quiet: log.quiet }) as number;
  if (ret !== 0) throw new LxcError('ENOTSUP', `logInit: liblxc could not open ${log.file} as its log (${ret})`, { op: 'logInit' });
  session = log;
}

/** In a runner or create worker: takes the session log its parent handed it, if any. */
export function adoptSessionLog(): SessionLog | null {
  const text = process.env[LOG_ENV];
  delete process.env[LOG_ENV];
  if (text) init(JSON.parse(text) as SessionLog);
  return session;
}


/**
 * Turns on liblxc's own log for the rest of the process's life (lxc_log_init): every line at
 * `level` and above, from every container and call, appended to `file`, from this process and the
 * processes lxc-ffi runs liblxc in. Errors still carry their lines in `LxcError.log`. liblxc lets
 * it be set once per process: a second call throws EEXIST.
 *
 * @example
 * lxc.logInit({ file: '/tmp/lxc-trace.log', level: 'TRACE' });
 */
export function logInit(options: LogOptions): void {
  const log: SessionLog = optionsOf('logInit', 'options', logOptionsSchema, options, logDefaults);
  if (session) throw new LxcError('EEXIST', `logInit: liblxc's log of this process is already ${session.file} (it can be set once)`, { op: 'logInit' });
  init(log);
  generation++;
}

// How a process ended, decoded in one place: from waitid()'s siginfo_t (a runner reaping what it
// attached, the caller reaping its own child) and from a waitpid() status (liblxc's monitor
// reports init's so).
import * as libc from '../../ffi/libc.js';
import { CLD_EXITED, P_PIDFD, SIGINFO_CODE_OFFSET, SIGINFO_SIZE, SIGINFO_STATUS_OFFSET, WEXITED } from '../../ffi/libc.js';
import { constants } from 'node:os';

/** How a process ended, by numbers: its exit code, or the signal that ended it. */
export interface Exit {
  code: number | null;
  signal: number | null;
}

/** A signal's name: Node's (NodeJS.Signals, 'SIGKILL'), or `SIG<n>` for one Node has no name for (the real-time ones, 'SIG34'). */
export type SignalName = NodeJS.Signals | `SIG${number}`;

/** How an attached process ended: its exit code, or the signal that killed it. */
export interface ExitStatus {
  /** Exit code, or null when a signal killed it. */
  exitCode: number | null;
  /** Signal name such as 'SIGKILL' when a signal killed it. */
  signal?: SignalName;
}

/** Decodes waitid()'s siginfo_t: CLD_EXITED carries the exit code, the other codes a signal. */
export function fromSiginfo(info: Buffer): Exit {
  const how = info.readInt32LE(SIGINFO_CODE_OFFSET);
  const status = info.readInt32LE(SIGINFO_STATUS_OFFSET);
  return how === CLD_EXITED ? { code: status, signal: null } : { code: null, signal: status };
}

/** Decodes a waitpid() status word. */
export function fromWaitStatus(status: number): Exit {
  const sig = status & 0x7f;
  return sig === 0 ? { code: (status >> 8) & 0xff, signal: null } : { code: null, signal: sig };
}

/**
 * Reaps the child open on `pidfd` (waitid P_PIDFD, WEXITED) and closes the pidfd; null when
 * waitid failed (its errno is koffi.errno()).
 */
export function reap(pidfd: number): Exit | null {
  const info = Buffer.alloc(SIGINFO_SIZE);
  const ret = libc.waitid(P_PIDFD, pidfd, info, WEXITED) as number;
  const errno = libc.koffi.errno();
  libc.close(pidfd);
  libc.koffi.errno(errno);
  return ret === 0 ? fromSiginfo(info) : null;
}

/** The public shape: `{ exitCode }`, or `{ exitCode: null, signal: 'SIGKILL' }`. */
export function exitStatus(e: Exit): ExitStatus {
  return e.code !== null ? { exitCode: e.code } : { exitCode: null, signal: signalName(e.signal ?? 0) };
}

/** Signal name for a number, e.g. 9 → 'SIGKILL'. */
export function signalName(n: number): SignalName {
  return (Object.entries(constants.signals) as Array<[NodeJS.Signals, number]>).find(([, v]) => v === n)?.[0] ?? `SIG${n}`;
}

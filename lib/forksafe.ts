// liblxc forks from koffi's worker thread (start's monitor, attach, clone helpers). A fork copies
// Node's SIGCHLD handler, which in the child reads libuv's lock pipe — by then another fd — and
// hangs forever (seen: "[lxc monitor]" stuck after a failed start). So while such a call runs,
// SIGCHLD has its default disposition; afterwards libuv's handler is restored and re-run once so
// it reaps any child that exited meanwhile.
import { constants } from 'node:os';
import * as ffi from '../ffi/index.js';

// struct sigaction is 152 bytes on x86_64/aarch64 glibc; all zero is SIG_DFL with an empty mask.
const SIGACTION_SIZE = 256;
const DEFAULT_ACTION = Buffer.alloc(SIGACTION_SIZE);
const saved = Buffer.alloc(SIGACTION_SIZE);
let depth = 0;

/** Runs `call` (an async liblxc call that may fork) with SIGCHLD at its default disposition. */
export async function forkSafe<T>(call: () => Promise<T>): Promise<T> {
  if (depth++ === 0) ffi.sigaction(constants.signals.SIGCHLD, DEFAULT_ACTION, saved);
  try {
    return await call();
  } finally {
    if (--depth === 0) {
      ffi.sigaction(constants.signals.SIGCHLD, saved, null);
      // A SIGCHLD that arrived meanwhile was dropped: raise one so libuv looks at its children.
      process.kill(process.pid, 'SIGCHLD');
    }
  }
}

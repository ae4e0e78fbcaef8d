// liblxc forks from koffi's worker thread (start's monitor, attach, clone helpers), and a fork
// copies Node's signal dispositions:
// - its SIGCHLD handler, which in the child reads libuv's lock pipe (by then another fd) and hangs
//   forever (seen: "[lxc monitor]" stuck after a failed start);
// - SIGPIPE and SIGXFSZ ignored, which survive exec: attached commands then never die of SIGPIPE
//   (seen: busybox `yes | head` spinning forever; python3-lxc has the same flaw).
// So while such a call runs, the three have their default disposition. This thread blocks SIGPIPE
// and SIGXFSZ meanwhile, so a write of its own to a closed pipe still fails with EPIPE instead of
// killing the process; afterwards the dispositions come back (discarding any such pending signal)
// and SIGCHLD is raised once so libuv reaps any child that exited meanwhile.
import { constants } from 'node:os';
import * as ffi from '../ffi/index.js';

// struct sigaction is 152 bytes on x86_64/aarch64 glibc; all zero is SIG_DFL with an empty mask.
const SIGACTION_SIZE = 256;
const DEFAULT_ACTION = Buffer.alloc(SIGACTION_SIZE);
const { SIGCHLD, SIGPIPE, SIGXFSZ } = constants.signals;
const RESET = [SIGCHLD, SIGPIPE, SIGXFSZ];
const saved = RESET.map(() => Buffer.alloc(SIGACTION_SIZE));
const SIG_BLOCK = 0;
const SIG_SETMASK = 2;
// sigset_t is 1024 bits; signal n is bit n-1.
const blockSet = Buffer.alloc(128);
for (const sig of [SIGPIPE, SIGXFSZ]) blockSet[(sig - 1) >> 3] |= 1 << ((sig - 1) & 7);
const savedMask = Buffer.alloc(128);
let depth = 0;

/** Runs `call` (an async liblxc call that may fork) with default SIGCHLD, SIGPIPE and SIGXFSZ. */
export async function forkSafe<T>(call: () => Promise<T>): Promise<T> {
  if (depth++ === 0) {
    ffi.pthread_sigmask(SIG_BLOCK, blockSet, savedMask);
    RESET.forEach((sig, i) => ffi.sigaction(sig, DEFAULT_ACTION, saved[i]));
  }
  try {
    return await call();
  } finally {
    if (--depth === 0) {
      RESET.forEach((sig, i) => ffi.sigaction(sig, saved[i], null));
      ffi.pthread_sigmask(SIG_SETMASK, savedMask, null);
      // A SIGCHLD that arrived meanwhile was dropped: raise one so libuv looks at its children.
      process.kill(process.pid, 'SIGCHLD');
    }
  }
}

// The node binary the attach worker runs from: a sealed in-memory copy, so a process inside a
// privileged container cannot rewrite the host's binary through /proc/<worker>/exe
// (the CVE-2019-5736 class; runc and liblxc answer it the same way).
import { fs, nodeBinary } from '../runtime.js';
import * as libc from '../../ffi/libc.js';
import { F_ADD_SEALS, F_SEAL_GROW, F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_WRITE, MFD_ALLOW_SEALING, MFD_CLOEXEC } from '../../ffi/libc.js';

const { openSync, closeSync, fstatSync } = fs;

let sealed: Promise<string> | undefined;

/** Path of the sealed copy of this node binary (made once per process, about 0.1-0.5 s). */
export function sealedNodePath(): Promise<string> {
  sealed ??= makeSealedCopy().catch((e) => {
    sealed = undefined;
    throw e;
  });
  return sealed;
}

async function makeSealedCopy(): Promise<string> {
  const memfd = libc.memfd_create('node', MFD_CLOEXEC | MFD_ALLOW_SEALING) as number;
  if (memfd < 0) throw new Error('memfd_create() failed');
  const source = openSync(nodeBinary(), 'r');
  try {
    let left = fstatSync(source).size;
    while (left > 0) {
      // sendfile copies inside the kernel, on libuv's pool so the event loop keeps running.
      const n = await new Promise<number>((resolve, reject) =>
        libc.sendfile.async(memfd, source, null, Math.min(left, 1 << 30), (err: unknown, r: number) => (err ? reject(err) : resolve(Number(r)))));
      if (n <= 0) throw new Error('sendfile() failed copying the node binary');
      left -= n;
    }
  } catch (e) {
    libc.close(memfd);
    throw e;
  } finally {
    closeSync(source);
  }
  if (libc.fcntl(memfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) !== 0) {
    libc.close(memfd);
    throw new Error('sealing the node copy failed');
  }
  // Kept open for the life of the process; the attached worker execs it through our fd table.
  return `/proc/${process.pid}/fd/${memfd}`;
}

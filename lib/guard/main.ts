// The guard of one ephemeral container: a small process that outlives its caller. It holds one end
// of a socketpair whose other end only the caller holds (close-on-exec); when the caller is gone,
// however it went (exit, crash, SIGKILL), the kernel closes that end and this one reads EOF. It
// then stops the container, so that liblxc's monitor destroys it (lxc.ephemeral = 1), and destroys
// it itself if it never ran. It exits on its own once the container's directory is gone (liblxc
// destroyed it at a stop) or is another one (the same name made again). docs/design.md, "Ephemeral
// containers and their guard".
import * as ffi from '../../ffi/index.js';
import { fs } from '../builtins.js';
import { FD_CLOEXEC, F_SETFD, POLLFD_REVENTS_OFFSET, POLLFD_SIZE, POLLFD_EVENTS_OFFSET, POLLIN } from '../../ffi/libc.js';

const SOCKET = 3;
ffi.fcntl(SOCKET, F_SETFD, FD_CLOEXEC);
for (const n of fs.readdirSync('/proc/self/fd')) if (Number(n) > SOCKET) ffi.fcntl(Number(n), F_SETFD, FD_CLOEXEC);
const [name, lxcpath, ino] = process.argv.slice(-3);
const dir = `${lxcpath}/${name}`;
/** How often the guard looks whether the container is still there (its only cost while it waits). */
const LOOK_MS = 500;
/** How long it tries to stop and remove the container once its caller is gone. */
const GIVE_UP_MS = 120_000;

function ours(): boolean {
  try {
    return String(fs.statSync(dir).ino) === ino;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Waits for EOF on the socket; false when the container went first. */
function callerGone(): boolean {
  const pfd = Buffer.alloc(POLLFD_SIZE);
  const scratch = Buffer.alloc(64);
  for (;;) {
    if (!ours()) return false;
    pfd.writeInt32LE(SOCKET, 0);
    pfd.writeInt16LE(POLLIN, POLLFD_EVENTS_OFFSET);
    pfd.writeInt16LE(0, POLLFD_REVENTS_OFFSET);
    if ((ffi.poll(pfd, 1, LOOK_MS) as number) <= 0 || pfd.readInt16LE(POLLFD_REVENTS_OFFSET) === 0) continue;
    let n = 0;
    try {
      n = fs.readSync(SOCKET, scratch);
    } catch {
      return true;
    }
    if (n === 0) return true;
  }
}

function removeContainer(): void {
  const ptr = ffi.lxc_container_new(name, lxcpath) as bigint | null;
  if (!ptr) return;
  const end = Date.now() + GIVE_UP_MS;
  let stoppedSince = 0;
  try {
    while (ours() && Date.now() < end) {
      if (ffi.method(ptr, 'is_running')(ptr)) {
        stoppedSince = 0;
        // stop() needs no fork: a command to the monitor, which then destroys the container.
        ffi.method(ptr, 'stop')(ptr);
      } else if (!stoppedSince) {
        stoppedSince = Date.now();
      } else if (Date.now() - stoppedSince > 3000 && ffi.method(ptr, 'state')(ptr) === 'STOPPED') {
        // Stopped for a while and still there: it never ran (its caller died before start), or
        // the monitor could not destroy it.
        ffi.method(ptr, 'destroy')(ptr);
      }
      sleep(100);
    }
  } finally {
    ffi.lxc_container_put(ptr);
  }
}

if (callerGone()) removeContainer();
process.exit(0);

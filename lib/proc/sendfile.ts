// Copies between two fds inside the kernel: sendfile(2) on libuv's thread pool (koffi's async
// call), so the event loop keeps running and no byte passes through JavaScript memory.
import * as libc from '../../ffi/libc.js';

/** Copies up to `size` bytes from `from`'s offset to `to`'s; fewer if `from` ends first. Resolves the bytes copied. */
export async function sendAll(to: number, from: number, size: number): Promise<number> {
  let done = 0;
  while (done < size) {
    const n = await new Promise<number>((resolve, reject) =>
      libc.sendfile.async(to, from, null, Math.min(size - done, 1 << 30), (err: unknown, r: number) => (err ? reject(err) : resolve(Number(r)))));
    if (n < 0) throw Object.assign(new Error(`sendfile() failed (errno ${libc.koffi.errno()})`), { errno: libc.koffi.errno() });
    if (n === 0) break;
    done += n;
  }
  return done;
}

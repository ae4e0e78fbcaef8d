// Loads liblxc.so.1 (libc lives in libc.ts); with libc.ts, the only places that open shared objects.
import { readFile, readFileSync } from 'node:fs';
import type { LibraryHandle } from 'koffi';
import { koffi } from './koffi.js';
import { fcntl, F_GETFD, F_SETFD, FD_CLOEXEC } from './libc.js';

/** Thrown when liblxc.so.1 cannot be opened; names the package that provides it. */
export class LibraryNotFoundError extends Error {
  override readonly name = 'LibraryNotFoundError';
  readonly code = 'ENOLIB';
}

/**
 * With LXC_MEMFD_REXEC set, liblxc's constructor re-executes the process that loads it from a
 * sealed memfd copy of its binary (CVE-2019-5736) and the new image starts over. Node marks every
 * fd it inherited close-on-exec, so that image would lose stdin, stdout and stderr (Node reopens
 * them on /dev/null), its IPC channel (NODE_CHANNEL_FD) and the fds its parent named in
 * LXC_FFI_KEEP_FDS (a runner's channel): those stay open across that one exec.
 */
function keepFds<T>(load: () => T): T {
  if (!process.env.LXC_MEMFD_REXEC) return load();
  const extra = [process.env.NODE_CHANNEL_FD, ...(process.env.LXC_FFI_KEEP_FDS ?? '').split(',')];
  const fds = [0, 1, 2, ...extra.filter((v): v is string => /^\d+$/.test(v ?? '')).map(Number)];
  const flags = fds.map((fd) => fcntl(fd, F_GETFD, 0) as number);
  flags.forEach((f, i) => { if (f >= 0) fcntl(fds[i], F_SETFD, f & ~FD_CLOEXEC); });
  try {
    return load();
  } finally {
    flags.forEach((f, i) => { if (f >= 0) fcntl(fds[i], F_SETFD, f); });
  }
}

function open(): LibraryHandle {
  try {
    return keepFds(() => koffi.load('liblxc.so.1'));
  } catch (cause) {
    throw new LibraryNotFoundError(
      'cannot load liblxc.so.1: install liblxc (Debian/Ubuntu: apt-get install liblxc1, or lxc)',
      { cause },
    );
  }
}

/** The liblxc shared object. */
export const liblxc = open();

// Paths found in the loaded liblxc's file, by the name they end with; the file's bytes are kept
// only until the next turn (a few lookups in a row read it once: 1.1 MB that nothing else needs).
const liblxcPaths = new Map<string, string | null>();
let liblxcBytes: Buffer | null | undefined;

/** The path of the loaded liblxc's file, from /proc/self/maps. */
function liblxcFileName(): string | undefined {
  return /\s(\/\S*liblxc\.so[^\s]*)$/m.exec(readFileSync('/proc/self/maps', 'utf8'))?.[1];
}

/** The loaded liblxc's file, read once per turn; null when it cannot be. */
function liblxcFile(): Buffer | null {
  if (liblxcBytes !== undefined) return liblxcBytes;
  liblxcBytes = null;
  try {
    const lib = liblxcFileName();
    if (lib) liblxcBytes = readFileSync(lib);
  } catch { /* no /proc, or unreadable */ }
  setImmediate(() => { liblxcBytes = undefined; }).unref();
  return liblxcBytes;
}

/** The first path in `bytes` that liblxcPath() would answer for `tail`. */
function pathIn(bytes: Buffer, tail: string): string | null {
  const end = Buffer.from(`/${tail}\0`, 'latin1');
  for (let at = bytes.indexOf(end); at >= 0; at = bytes.indexOf(end, at + 1)) {
    let from = at;
    while (from > 0 && bytes[from - 1] >= 0x21 && bytes[from - 1] <= 0x7e) from--;
    if (from > 0 && bytes[from - 1] === 0 && bytes[from] === 0x2f) return bytes.toString('latin1', from, at + end.length - 1);
  }
  return null;
}

/**
 * The first NUL-terminated absolute path of printable ASCII in the loaded liblxc's file that ends
 * in `/tail`: the paths liblxc was built with (LXCTEMPLATEDIR: `lxc/templates`,
 * LXC_MONITORD_PATH: `lxc-monitord`), which no call exports. null when there is none or the file
 * cannot be read. A search of the bytes: the file as a string and a regular expression over it
 * took ≈ 3 ms of the main thread, in the turn of the first create() (which now reads it with
 * liblxcPathAsync(), off the main thread).
 *
 * @example
 * liblxcPath('lxc/templates') // '/usr/share/lxc/templates'
 */
export function liblxcPath(tail: string): string | null {
  const known = liblxcPaths.get(tail);
  if (known !== undefined) return known;
  const bytes = liblxcFile();
  if (bytes === null) return null;
  const found = pathIn(bytes, tail);
  liblxcPaths.set(tail, found);
  return found;
}

/** liblxcPath(), the file read on libuv's thread pool: the main thread only searches it (≈ 0.3 ms). */
export async function liblxcPathAsync(tail: string): Promise<string | null> {
  const known = liblxcPaths.get(tail);
  if (known !== undefined) return known;
  let bytes: Buffer | null = null;
  try {
    const lib = liblxcFileName();
    if (lib) bytes = await new Promise<Buffer>((resolve, reject) => readFile(lib, (e, b) => (e ? reject(e) : resolve(b))));
  } catch { /* no /proc, or unreadable */ }
  if (bytes === null) return null;
  const found = pathIn(bytes, tail);
  liblxcPaths.set(tail, found);
  return found;
}

export { koffi };
export * from './libc.js';

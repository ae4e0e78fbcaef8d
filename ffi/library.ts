// Loads liblxc.so.1 (libc lives in libc.ts); with libc.ts, the only places that open shared objects.
import { readFileSync } from 'node:fs';
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

// Strings of the loaded liblxc's file: what it was built with, which no call exports.
let liblxcText: string | null | undefined;

/**
 * The first NUL-terminated string of the loaded liblxc's file that `pattern` (anchored on a NUL
 * at each end) finds: the paths liblxc was built with (LXCTEMPLATEDIR, LXC_MONITORD_PATH), which
 * no call exports. null when the file cannot be read.
 */
export function liblxcString(pattern: RegExp): string | null {
  if (liblxcText === undefined) {
    liblxcText = null;
    try {
      const lib = /\s(\/\S*liblxc\.so[^\s]*)$/m.exec(readFileSync('/proc/self/maps', 'utf8'))?.[1];
      if (lib) liblxcText = readFileSync(lib).toString('latin1');
    } catch { /* no /proc, or unreadable */ }
  }
  return liblxcText === null ? null : (pattern.exec(liblxcText)?.[1] ?? null);
}
export { koffi };
export * from './libc.js';

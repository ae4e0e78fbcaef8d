// Loads liblxc.so.1 and libc's free(); the only place that opens shared objects.
import koffi, { type LibraryHandle, type TypeObject } from 'koffi';

// liblxc's start() forks on koffi's async worker threads; 128 KiB stacks made it fail (NOTES.md).
koffi.config({ ...koffi.config(), async_stack_size: 2 * 1024 * 1024 });

/** Thrown when liblxc.so.1 cannot be opened; names the package that provides it. */
export class LibraryNotFoundError extends Error {
  readonly code = 'ENOLIB';
}

function open(): LibraryHandle {
  try {
    return koffi.load('liblxc.so.1');
  } catch (cause) {
    throw new LibraryNotFoundError(
      'cannot load liblxc.so.1: install liblxc (Debian/Ubuntu: apt-get install liblxc1, or lxc)',
      { cause },
    );
  }
}

/** The liblxc shared object. */
export const liblxc = open();
/** The C library, for free() of memory liblxc hands over. */
export const libc = koffi.load('libc.so.6');

/** void free(void *ptr) */
export const free = libc.func('void free(void *ptr)');
/** int fcntl(int fd, int cmd, int arg) */
export const fcntl = libc.func('int fcntl(int fd, int cmd, int arg)');
/** int sigaction(int signum, const struct sigaction *act, struct sigaction *oldact), with the structs as raw bytes. */
export const sigaction = libc.func('int sigaction(int signum, const void *act, void *oldact)');

export { koffi };
/** A koffi type object. */
export type CType = TypeObject;
/** A callable C function as koffi makes it, with its `.async(..., callback)` form. */
export type CFunction = ((...args: any[]) => any) & { async: (...args: any[]) => void };

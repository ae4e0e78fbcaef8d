// Loads liblxc.so.1 (libc lives in libc.ts); with libc.ts, the only places that open shared objects.
import type { LibraryHandle } from 'koffi';
import { koffi } from './koffi.js';

/** Thrown when liblxc.so.1 cannot be opened; names the package that provides it. */
export class LibraryNotFoundError extends Error {
  override readonly name = 'LibraryNotFoundError';
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
export { koffi };
export * from './libc.js';

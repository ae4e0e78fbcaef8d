// koffi, configured before any library is loaded (koffi refuses changes afterwards).
import { createRequire } from 'node:module';

// Through its CommonJS entry: koffi's ES module imports node:fs, whose ESM wrapper evaluates every
// lazy export (the stream classes, fs.promises): ≈ 10 ms more at import.
const koffi: typeof import('koffi') = createRequire(import.meta.url)('koffi');

// liblxc's start() forks on koffi's async worker threads; 128 KiB stacks made it fail (docs/design.md, "ffi/").
const STACK = 2 * 1024 * 1024;
const current = koffi.config();
if ((current.async_stack_size ?? 0) < STACK) {
  try {
    koffi.config({ ...current, async_stack_size: STACK });
  } catch (cause) {
    // Another user of koffi in this process loaded a library first, with smaller stacks.
    throw new Error(
      `lxc-ffi needs koffi's async_stack_size ≥ ${STACK} (it is ${current.async_stack_size}), and koffi was already ` +
        'in use in this process: import lxc-ffi before loading other libraries with koffi, or call ' +
        'koffi.config({ ...koffi.config(), async_stack_size: 2 * 1024 * 1024 }) first',
      { cause },
    );
  }
}

export { koffi };

// koffi, configured before any library is loaded (koffi refuses changes afterwards).
import { createRequire } from 'node:module';

// Through its CommonJS entry: koffi's ES module imports node:fs, whose ESM wrapper evaluates every
// lazy export (the stream classes, fs.promises): ≈ 10 ms more at import.
const koffi: typeof import('koffi') = createRequire(import.meta.url)('koffi');

// liblxc's start() forks on koffi's async worker threads; 128 KiB stacks made it fail (NOTES.md).
koffi.config({ ...koffi.config(), async_stack_size: 2 * 1024 * 1024 });

export { koffi };

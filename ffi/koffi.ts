// koffi, configured before any library is loaded (koffi refuses changes afterwards).
import koffi from 'koffi';

// liblxc's start() forks on koffi's async worker threads; 128 KiB stacks made it fail (NOTES.md).
koffi.config({ ...koffi.config(), async_stack_size: 2 * 1024 * 1024 });

export { koffi };

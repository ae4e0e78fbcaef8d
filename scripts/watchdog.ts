// Ends a run that hangs where no timer of its own can fire (the main thread blocked inside C),
// naming the step it hung in. Used by the tests and the benchmark.
import { Worker } from 'node:worker_threads';

/**
 * A watchdog on its own thread, for hangs that `within` cannot see: when a call blocks this
 * process's main thread inside C, no timer of it fires. Past an armed step's deadline the watchdog
 * prints the step and kills the process (exit by SIGKILL), so the run ends with a message instead of hanging.
 */
export function watchdog(): { arm(step: string, ms: number): void; disarm(): void; close(): void } {
  const shared = new SharedArrayBuffer(8 + 4 + 1024);
  const deadline = new BigInt64Array(shared, 0, 1);
  const length = new Int32Array(shared, 8, 1);
  const label = new Uint8Array(shared, 12, 1024);
  const worker = new Worker(`
    const { workerData } = require('node:worker_threads');
    const deadline = new BigInt64Array(workerData, 0, 1);
    const length = new Int32Array(workerData, 8, 1);
    const label = new Uint8Array(workerData, 12, 1024);
    setInterval(() => {
      const at = Atomics.load(deadline, 0);
      if (at === 0n || BigInt(Date.now()) < at) return;
      const step = Buffer.from(label.subarray(0, Atomics.load(length, 0))).toString();
      require('node:fs').writeSync(2, '\\n# watchdog: "' + step + '" hung past its deadline; killing the test process\\n');
      process.kill(process.pid, 'SIGKILL');
    }, 250);
  `, { eval: true, workerData: shared });
  worker.unref();
  return {
    arm(step, ms) {
      const bytes = Buffer.from(step).subarray(0, 1024);
      label.set(bytes);
      Atomics.store(length, 0, bytes.length);
      Atomics.store(deadline, 0, BigInt(Date.now() + ms));
    },
    disarm() {
      Atomics.store(deadline, 0, 0n);
    },
    close() {
      Atomics.store(deadline, 0, 0n);
      void worker.terminate();
    },
  };
}

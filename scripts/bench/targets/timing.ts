// Timing of operations that run in this process (lxc-ffi, and the lxc-* tools started from it):
// wall-clock samples per call, and the CPU of this process and of the children it reaped meanwhile.
import { performance } from 'node:perf_hooks';
import * as ffi from '../../../ffi/index.js';
import type { Batch } from './target.js';

const getrusage = ffi.libc.func('int getrusage(int who, void *usage)');
const RUSAGE_SELF = 0;
const RUSAGE_CHILDREN = -1;

/** User + system CPU (µs) of this process (every thread) or of its reaped children. */
export function cpuUs(who: 'self' | 'children'): number {
  const ru = Buffer.alloc(144); // struct rusage on LP64: two timevals first
  getrusage(who === 'self' ? RUSAGE_SELF : RUSAGE_CHILDREN, ru);
  const tv = (o: number) => Number(ru.readBigInt64LE(o)) * 1e6 + Number(ru.readBigInt64LE(o + 8));
  return tv(0) + tv(16);
}

/** Times `call` (sync or async): warm-up, then one sample (µs) per call, and the CPU they used. */
export async function time(call: () => unknown, warmup: number, iterations: number): Promise<Batch> {
  for (let i = 0; i < warmup; i++) await call();
  const samples = new Array<number>(iterations);
  const cpu0 = cpuUs('self') + cpuUs('children');
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    const r = call();
    if (r instanceof Promise) await r;
    samples[i] = (performance.now() - t0) * 1000;
  }
  return { samples, cpuUs: cpuUs('self') + cpuUs('children') - cpu0 };
}

export function expect(what: string, ok: boolean, got: unknown): void {
  if (!ok) throw new Error(`${what} gave ${JSON.stringify(got)}`);
}

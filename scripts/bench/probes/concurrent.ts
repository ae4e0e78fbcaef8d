// Probe child (a fresh Node process): N busybox lifecycles at once through lxc-ffi (Promise.all),
// with a 5 ms setInterval recording how late the event loop runs it.
//
//   node concurrent.js LXCPATH PREFIX COUNT
//
// Prints one JSON line: wall time, the timer's gaps reduced to lag (gap − 5 ms), failures, and what
// can hold the event loop meanwhile: each child_process.spawn() call (lxc-ffi's create worker; the
// fork happens inside the call) and each garbage collection; the CPU of this process and its reaped
// children. SIGINT/SIGTERM abort the creates and every container made is stopped and destroyed
// before it exits.
import childProcess from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { syncBuiltinESMExports } from 'node:module';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import * as lxc from '../../../lib/index.js';
import * as ffi from '../../../ffi/index.js';
import { netConfig } from '../../../test/helpers.js';
import { quantile } from '../stats.js';
import { cpuUs } from '../targets/timing.js';

// The main thread's CPU time (user and system: a fork's copying of the page tables counts).
const clockGettime = ffi.libc.func('int clock_gettime(int clk, void *ts)');
const CLOCK_THREAD_CPUTIME_ID = 3;
const ts = Buffer.alloc(16);
const threadCpuMs = () => {
  clockGettime(CLOCK_THREAD_CPUTIME_ID, ts);
  return Number(ts.readBigInt64LE(0)) * 1e3 + Number(ts.readBigInt64LE(8)) / 1e6;
};

// Time every spawn() (lib/create/pool.ts imports it by name: syncBuiltinESMExports updates that
// binding), in wall time and in the main thread's CPU: the fork inside it is the kernel's work on
// this thread, which no JavaScript can shorten (the floor of the busiest gap when it holds one).
const spawns: number[] = [];
const spawnCpu: number[] = [];
const spawnSpans: [number, number][] = [];
const realSpawn = childProcess.spawn;
childProcess.spawn = function (this: unknown, ...args: Parameters<typeof realSpawn>) {
  const t0 = performance.now();
  const c0 = threadCpuMs();
  try {
    return realSpawn.apply(this, args);
  } finally {
    const t1 = performance.now();
    spawnCpu.push(threadCpuMs() - c0);
    spawns.push(t1 - t0);
    spawnSpans.push([t0, t1]);
  }
} as typeof realSpawn;
syncBuiltinESMExports();
const gcs: number[] = [];
const gcSpans: [number, number][] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcs.push(e.duration);
    gcSpans.push([e.startTime, e.startTime + e.duration]);
  }
});
gcObserver.observe({ entryTypes: ['gc'] });

const INTERVAL_MS = 5;
const [lxcpath, prefix, countArg] = process.argv.slice(2);
const count = Number(countArg);
if (!lxcpath || !prefix || !(count > 0 && count <= 64)) {
  console.error('usage: concurrent LXCPATH PREFIX COUNT (1..64)');
  process.exit(2);
}

const abort = new AbortController();
// Each lifecycle listens on it a few times: without this Node warns at the 11th listener, with a
// stack trace, in the run's busiest turn.
setMaxListeners(0, abort.signal);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => abort.abort());

async function lifecycle(name: string): Promise<void> {
  const c = new lxc.Container(name, lxcpath);
  try {
    await c.create('busybox', {}, { quiet: true, signal: abort.signal });
    netConfig(c);
    c.saveConfig();
    if (abort.signal.aborted) throw new Error('aborted');
    await c.start();
    if (c.state !== 'RUNNING') throw new Error(`state after start() is ${c.state}`);
    await c.stop();
    await c.destroy();
  } catch (e) {
    if (c.running) await c.stop().catch(() => undefined);
    if (c.defined) await c.destroy().catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

// The main thread's own CPU time at each tick: a late tick during which it hardly ran was waiting
// for a core (the templates keep both busy), not blocked by JavaScript or a synchronous call.
const gaps: number[] = [];
const gapEnds: number[] = [];
const gapCpu: number[] = [];
let last = performance.now();
let lastCpu = threadCpuMs();
const timer = setInterval(() => {
  const now = performance.now();
  const cpu = threadCpuMs();
  gaps.push(now - last);
  gapEnds.push(now);
  gapCpu.push(cpu - lastCpu);
  last = now;
  lastCpu = cpu;
}, INTERVAL_MS);
const cpu0 = cpuUs('self') + cpuUs('children');
const t0 = performance.now();
const results = await Promise.allSettled(Array.from({ length: count }, (_, i) => lifecycle(`${prefix}-${i}`)));
const wallMs = performance.now() - t0;
const cpuMs = (cpuUs('self') + cpuUs('children') - cpu0) / 1000;
clearInterval(timer);
gcObserver.disconnect();
const lags = gaps.map((g) => Math.max(0, g - INTERVAL_MS)).sort((a, b) => a - b);
const worst = gaps.indexOf(Math.max(...gaps));
// The gap in which the main thread ran most, and how much of it was spawn() and garbage collection.
const busiest = gapCpu.indexOf(Math.max(...gapCpu));
const within = (spans: [number, number][], i: number) => {
  const from = gapEnds[i] - gaps[i];
  return spans.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, gapEnds[i]) - Math.max(a, from)), 0);
};
// The longest collection's wall time includes any time the thread waited for a core meanwhile
// (its helper threads too): the main thread's CPU in the timer gaps it overlaps bounds its own work.
const longestGc = gcs.indexOf(Math.max(...gcs));
const longestGcGapCpu = longestGc < 0 ? 0 : gapCpu.reduce((sum, c, i) => {
  const [a, b] = gcSpans[longestGc];
  return gapEnds[i] - gaps[i] < b && gapEnds[i] > a ? sum + c : sum;
}, 0);
const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String((r.reason as Error)?.message ?? r.reason));
console.log(JSON.stringify({
  count, wallMs, failures, ticks: gaps.length,
  maxLagMs: lags.length ? lags[lags.length - 1] : Number.NaN,
  p99LagMs: quantile(lags, 0.99),
  // Of the largest gap, how much the main thread itself ran; and the most it ran within any one gap.
  worstGapThreadCpuMs: worst >= 0 ? gapCpu[worst] : Number.NaN,
  maxGapThreadCpuMs: gapCpu.length ? Math.max(...gapCpu) : Number.NaN,
  rssMB: process.memoryUsage().rss / 2 ** 20,
  cpuMs,
  spawns: spawns.length, maxSpawnMs: spawns.length ? Math.max(...spawns) : 0, medianSpawnMs: quantile([...spawns].sort((a, b) => a - b), 0.5),
  maxSpawnCpuMs: spawnCpu.length ? Math.max(...spawnCpu) : 0,
  maxGcMs: gcs.length ? Math.max(...gcs) : 0,
  maxGcGapCpuMs: longestGcGapCpu,
  busiestGap: busiest >= 0 ? { atMs: gapEnds[busiest] - gaps[busiest] - t0, ms: gaps[busiest], spawnMs: within(spawnSpans, busiest), gcMs: within(gcSpans, busiest) } : null,
  aborted: abort.signal.aborted,
}));
process.exit(failures.length || abort.signal.aborted ? 1 : 0);

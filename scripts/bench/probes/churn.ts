// Probe child (a fresh Node process, --expose-gc): RSS growth over COUNT `new Container(NAME,
// LXCPATH)` + `release()` pairs, after a warm-up and full garbage collections.
//
//   node --expose-gc churn.js LXCPATH NAME COUNT
//
// Prints one JSON line: memoryUsage() before and after, the growth in MiB, time per pair.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import * as lxc from '../../../lib/index.js';

const WARMUP = 2000;
const [lxcpath, name, countArg] = process.argv.slice(2);
const count = Number(countArg);
const gc = (globalThis as { gc?: () => void }).gc;
if (!lxcpath || !name || !(count > 0 && count <= 1_000_000) || !gc) {
  console.error('usage: node --expose-gc churn LXCPATH NAME COUNT (1..1000000)');
  process.exit(2);
}

async function settle(): Promise<NodeJS.MemoryUsage> {
  // Two collections with a pause between them: FinalizationRegistry callbacks and weak cells run in between.
  gc!();
  await sleep(50);
  gc!();
  return process.memoryUsage();
}

const pair = () => {
  const c = new lxc.Container(name, lxcpath);
  if (!c.defined) throw new Error(`${name} is not defined in ${lxcpath}`);
  c.release();
};
for (let i = 0; i < WARMUP; i++) pair();
const before = await settle();
const t0 = performance.now();
for (let i = 0; i < count; i++) pair();
const perPairUs = ((performance.now() - t0) * 1000) / count;
const after = await settle();
const mb = (x: number) => x / 2 ** 20;
console.log(JSON.stringify({
  count, perPairUs,
  rssBeforeMB: mb(before.rss), rssAfterMB: mb(after.rss), growthMB: mb(after.rss - before.rss),
  heapGrowthMB: mb(after.heapUsed - before.heapUsed), externalGrowthMB: mb(after.external - before.external),
}));

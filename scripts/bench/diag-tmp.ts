import { mkdtempSync, rmSync } from 'node:fs';
import * as lxc from '../../lib/index.js';
import { netConfig, destroyAll } from '../../test/helpers.js';
import { cpuUs } from './targets/timing.js';
const P = mkdtempSync('/tmp/lxcffi-bench-diag-');
const n = Number(process.argv[2] ?? 3);
const conc = process.argv[3] === 'conc';
const cpu = () => ({ self: cpuUs('self') / 1000, kids: cpuUs('children') / 1000 });
const phases: Record<string, { wall: number; self: number; kids: number }> = {};
async function phase(name: string, f: () => Promise<unknown> | unknown) {
  const c0 = cpu(); const t0 = performance.now();
  await f();
  const c1 = cpu(); const p = (phases[name] ??= { wall: 0, self: 0, kids: 0 });
  p.wall += performance.now() - t0; p.self += c1.self - c0.self; p.kids += c1.kids - c0.kids;
}
async function one(i: number) {
  const c = new lxc.Container(`d${i}`, P);
  await phase('create', () => c.create('busybox', {}, { quiet: true }));
  await phase('config', () => { netConfig(c); c.saveConfig(); });
  await phase('start', () => c.start());
  await phase('stop', () => c.stop());
  await phase('destroy', () => c.destroy());
  c.release();
}
try {
  const c0 = cpu(); const t0 = performance.now();
  if (conc) await Promise.all(Array.from({ length: n }, (_, i) => one(i)));
  else for (let i = 0; i < n; i++) await one(i);
  const c1 = cpu();
  console.log(conc ? 'concurrent' : 'sequential', n, 'wall', ((performance.now() - t0) / 1000).toFixed(2), 's; cpu self', ((c1.self - c0.self) / 1000).toFixed(2), 's, children', ((c1.kids - c0.kids) / 1000).toFixed(2), 's');
  for (const [k, v] of Object.entries(phases)) console.log(`  ${k.padEnd(8)} wall ${(v.wall / n).toFixed(0)} ms  self ${(v.self / n).toFixed(0)} ms  children ${(v.kids / n).toFixed(0)} ms (per lifecycle)`);
} finally { await destroyAll(P); rmSync(P, { recursive: true, force: true }); }

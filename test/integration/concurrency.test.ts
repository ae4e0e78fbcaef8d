// Many lifecycles at once from one process, while the event loop keeps ticking.
import t from 'tap';
import * as lxc from '../../lib/index.js';
import { tempLxcpath, netConfig, within } from '../helpers.js';

t.test('20 concurrent busybox lifecycles with a 5 ms timer running', async (t) => {
  const lxcpath = tempLxcpath(t);
  const gaps: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }, 5);
  t.teardown(() => clearInterval(timer));
  const started = performance.now();
  const results = await Promise.allSettled(Array.from({ length: 20 }, async (_, i) => {
    const c = new lxc.Container(`conc${i}`, lxcpath);
    try {
      await c.create('busybox', {}, { quiet: true });
      netConfig(c);
      c.saveConfig();
      await c.start();
      const state = c.state;
      const pid = c.initPid;
      await c.stop();
      await c.destroy();
      return { state, pid, defined: c.defined };
    } finally {
      c.release();
    }
  }));
  clearInterval(timer);
  const wall = performance.now() - started;
  const failures = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
  t.same(failures, [], 'all 20 succeeded');
  for (const r of results) {
    if (r.status !== 'fulfilled') continue;
    t.equal(r.value.state, 'RUNNING');
    t.ok(r.value.pid > 1);
    t.equal(r.value.defined, false);
  }
  const sorted = [...gaps].sort((a, b) => a - b);
  const max = sorted[sorted.length - 1];
  const p99 = sorted[Math.floor(sorted.length * 0.99)];
  t.ok(gaps.length > wall / 50, `the timer kept firing: ${gaps.length} ticks in ${wall.toFixed(0)} ms`);
  t.comment(`largest gap between 5 ms ticks: ${max.toFixed(1)} ms (p99 ${p99.toFixed(1)} ms) over ${wall.toFixed(0)} ms`);
  console.log(`# event loop: max gap ${max.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${gaps.length} ticks, 20 lifecycles in ${wall.toFixed(0)} ms`);
  t.same(lxc.listContainers({ lxcpath }), [], 'nothing left');
});

t.test('32 containers × 3 rounds of create/start/attach/stop/destroy, mixed with clones and snapshots', async (t) => {
  const lxcpath = tempLxcpath(t);
  const base = new lxc.Container('mixbase', lxcpath);
  t.teardown(() => base.release());
  await within(60_000, 'create mixbase', base.create('busybox', {}, { quiet: true }));
  netConfig(base);
  base.saveConfig();
  const failures: string[] = [];
  for (let round = 1; round <= 3; round++) {
    const results = await Promise.allSettled([
      ...Array.from({ length: 32 }, (_, i) => within(300_000, `round ${round}: container ${i}`, (async () => {
        const c = new lxc.Container(`many${i}`, lxcpath);
        try {
          await c.create('busybox', {}, { quiet: true });
          netConfig(c);
          c.saveConfig();
          await c.start();
          const r = await c.exec(['echo', `r${round}-${i}`]);
          if (r.stdout !== `r${round}-${i}\n`) throw new Error(`exec printed ${JSON.stringify(r.stdout)}`);
          await c.stop();
          await c.destroy();
        } finally {
          c.release();
        }
      })())),
      within(300_000, `round ${round}: clones`, (async () => {
        for (let k = 0; k < 4; k++) {
          const copy = await base.clone(`mixcopy${round}-${k}`, k % 2 ? { bdevtype: 'overlayfs', snapshot: true } : {});
          await copy.destroy();
          copy.release();
        }
      })()),
      within(300_000, `round ${round}: snapshots`, (async () => {
        for (let k = 0; k < 4; k++) await base.snapshotDestroy(await base.snapshot());
      })()),
    ]);
    for (const r of results) if (r.status === 'rejected') failures.push(String((r.reason as Error).message));
  }
  t.same(failures, [], '0 failures over 3 rounds');
  t.same(lxc.listContainers({ lxcpath }).filter((n) => n !== 'mixbase'), [], 'nothing left but the clone source');
});

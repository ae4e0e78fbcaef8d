// Many lifecycles at once from one process, while the event loop keeps ticking.
import t from 'tap';
import * as lxc from '../../lib/index.js';
import { tempLxcpath, netConfig } from '../helpers.js';

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

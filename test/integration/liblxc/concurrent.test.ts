// Port of lxc/lxc src/tests/concurrent.c (lxc-5.0.2): several containers go through create, start
// (then wait RUNNING ≤ 15 s), stop (then wait STOPPED ≤ 15 s) and destroy, each phase for all of
// them at once. C runs the containers on 5 threads; lxc-ffi runs them from one Node process as
// concurrent promises, which is its promise. Two iterations (C default: 1), five containers.
import t from 'tap';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath, netConfig, within } from '../../helpers.js';

const CONTAINERS = 5;
const ITERATIONS = 2;

t.test(`${CONTAINERS} containers at once: create, start, stop, destroy`, async (t) => {
  const lxcpath = tempLxcpath(t);
  const names = Array.from({ length: CONTAINERS }, (_, i) => `lxc-test-concurrent-${i}`);
  // As in C, each step makes its own object for the container (lxc_container_new per thread and mode).
  const phase = async (name: string, step: (c: lxc.Container) => Promise<void>): Promise<void> => {
    const started = Date.now();
    const results = await within(180_000, name, Promise.allSettled(names.map(async (n) => {
      const c = new lxc.Container(n, lxcpath);
      try { await step(c); } finally { c.release(); }
    })));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${names[i]}: ${String(r.reason)}`] : []));
    t.same(failed, [], `${name}: all ${CONTAINERS} succeeded in ${Date.now() - started} ms`);
  };
  for (let iter = 1; iter <= ITERATIONS; iter++) {
    await phase(`create (iteration ${iter})`, async (c) => {
      if (c.defined) return;
      await c.create('busybox', {}, { quiet: true });
      netConfig(c);
      c.saveConfig();
    });
    await phase(`start (iteration ${iter})`, async (c) => {
      if (!c.defined || c.running) return;
      await c.start();
      if (!(await c.wait('RUNNING', 15))) throw new Error('not RUNNING within 15 s');
    });
    t.equal(lxc.listContainers({ lxcpath, defined: false }).length, CONTAINERS, 'all running at once');
    await phase(`stop (iteration ${iter})`, async (c) => {
      if (!c.defined || !c.running) return;
      await c.stop();
      if (!(await c.wait('STOPPED', 15))) throw new Error('not STOPPED within 15 s');
    });
    await phase(`destroy (iteration ${iter})`, async (c) => {
      if (!c.defined || c.running) return;
      await c.destroy();
    });
    t.same(lxc.listContainers({ lxcpath }), [], 'nothing left');
  }
});

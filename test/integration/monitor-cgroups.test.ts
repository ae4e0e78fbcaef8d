// No lxc.monitor.NAME cgroup outlives a start: liblxc moves the process that calls start() into
// the monitor cgroup, and a monitor that ends while that process is still inside (a failed or a
// short-lived start) cannot remove it; the runner removes it once it has moved back.
import t, { type Test } from 'tap';
import { readdirSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
import { tempLxcpath, busybox, within } from '../helpers.js';

/** The cgroups named `kind`.NAME[-N] of `name`, in every mounted hierarchy, at its root or below
 * (a normal user's are under its delegated cgroup). */
function lxcCgroups(name: string, kind = 'lxc.monitor'): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: string[] = [];
    try { entries = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name); } catch { return; }
    for (const e of entries) {
      if (e === `${kind}.${name}` || e.startsWith(`${kind}.${name}-`)) out.push(`${dir}/${e}`);
      else if (depth > 0 && !e.startsWith('lxc.')) walk(`${dir}/${e}`, depth - 1);
    }
  };
  walk('/sys/fs/cgroup', 5);
  return out;
}
const monitorCgroups = (name: string) => lxcCgroups(name);

t.test('failed and short-lived starts leave no monitor cgroup', async (t) => {
  const lxcpath = tempLxcpath(t);
  const name = `moncg${process.pid}`;
  const c = await busybox(lxcpath, name, 'lxcffi-nosuch');
  t.teardown(() => c.release());
  t.same(monitorCgroups(name), [], 'none before');
  for (let i = 0; i < 5; i++) {
    await t.rejects(within(60_000, 'failed start', c.start()), { code: 'ESTART' }, `start ${i} fails (no bridge)`);
  }
  // The monitor removes its cgroup once the container is gone; give it that moment.
  await new Promise((r) => setTimeout(r, 1000));
  t.same(monitorCgroups(name), [], 'none after 5 failed starts');
  c.setConfigItem('lxc.net.0.type', 'empty');
  c.setConfigItem('lxc.init.cmd', '/bin/true');
  for (let i = 0; i < 5; i++) {
    await within(60_000, 'short-lived start', c.start());
    await within(30_000, 'stopped', c.wait('STOPPED', 20));
  }
  await new Promise((r) => setTimeout(r, 1000));
  t.same(monitorCgroups(name), [], 'none after 5 short-lived starts');
});

/** A busybox container without network (busybox() with no bridge), named after this process. */
async function offline(t: Test, prefix: string) {
  const lxcpath = tempLxcpath(t);
  const name = `${prefix}${process.pid}`;
  const c = await busybox(lxcpath, name);
  t.teardown(() => c.release());
  return { lxcpath, name, c };
}

t.test("a stop right after evaluate(): the spare worker ends first, no payload cgroup stays", async (t) => {
  const { name, c } = await offline(t, 'paycg');
  for (let i = 0; i < 3; i++) {
    await within(60_000, 'start', c.start());
    // evaluate() starts the next call's worker ahead; the stop comes while it is idle or starting.
    t.equal(await within(30_000, 'evaluate', c.evaluate((x: number) => x + 1, i)), i + 1);
    await within(30_000, 'stop', c.stop());
  }
  await new Promise((r) => setTimeout(r, 1000));
  t.same(lxcCgroups(name, 'lxc.payload'), [], 'no lxc.payload cgroup after 3 evaluate → stop rounds');
  t.same(monitorCgroups(name), [], 'nor a monitor cgroup');
});

t.test('a program whose last call is stop() right after evaluate() ends with the container stopped', async (t) => {
  const { lxcpath, name, c } = await offline(t, 'endcg');
  // Nothing else holds the event loop: the stop must, while it waits for the spare worker to end.
  const script = join(lxcpath, 'last-stop.mts');
  writeFileSync(script, `
    import * as lxc from ${JSON.stringify(new URL('../../lib/index.ts', import.meta.url).pathname)};
    const c = new lxc.Container(${JSON.stringify(name)}, ${JSON.stringify(lxcpath)});
    await c.start();
    await c.evaluate(() => 1);
    await c.stop();
    console.log('state ' + c.state);
  `);
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script], { timeout: 60_000 });
  t.equal(stdout.trim(), 'state STOPPED', 'the program printed the state after stop()');
  t.equal(c.state, 'STOPPED', 'and the container is stopped');
});

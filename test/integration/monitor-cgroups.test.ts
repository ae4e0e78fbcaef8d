// No lxc.monitor.NAME cgroup outlives a start: liblxc moves the process that calls start() into
// the monitor cgroup, and a monitor that ends while that process is still inside (a failed or a
// short-lived start) cannot remove it; the runner removes it once it has moved back.
import t from 'tap';
import { readdirSync } from 'node:fs';
import { tempLxcpath, busybox, within } from '../helpers.js';

/** The lxc.monitor.NAME[-N] cgroups of `name`, in every mounted hierarchy. */
function monitorCgroups(name: string): string[] {
  const out: string[] = [];
  for (const h of readdirSync('/sys/fs/cgroup')) {
    let entries: string[] = [];
    try { entries = readdirSync(`/sys/fs/cgroup/${h}`); } catch { continue; }
    for (const e of entries) if (e === `lxc.monitor.${name}` || e.startsWith(`lxc.monitor.${name}-`)) out.push(`${h}/${e}`);
  }
  return out;
}

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

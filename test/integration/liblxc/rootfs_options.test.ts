// Port of lxc/lxc src/tests/rootfs_options.c (lxc-5.0.2): with lxc.rootfs.options = nodev,nosuid,ro
// the container's / is mounted read-only, nosuid and nodev. C checks statvfs flags from an attached
// function; here the container's own /proc/self/mountinfo is read through exec.
import t from 'tap';
import { tempLxcpath, busybox, within } from '../../helpers.js';
import { mountinfo } from './common.js';

t.test('lxc.rootfs.options reach the root mount', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'rootfs-options');
  t.teardown(() => c.release());
  c.setConfigItem('lxc.rootfs.options', 'nodev,nosuid,ro');
  c.saveConfig();
  c.loadConfig();
  await within(60_000, 'start', c.start());
  const root = await mountinfo(c, '/');
  t.ok(root, 'a mount at /');
  const opts = root!.options.split(',');
  for (const o of ['ro', 'nosuid', 'nodev']) t.ok(opts.includes(o), `/ is ${o} (${root!.options})`);
  await within(30_000, 'stop', c.stop());
});

// Port of lxc/lxc src/tests/sys_mixed.c (lxc-5.0.2): with lxc.mount.auto = sys:mixed the container's
// /sys is read-only while /sys/devices/virtual/net stays writable. C checks statvfs from an attached
// function; here the container's /proc/self/mountinfo is read through exec.
import t from 'tap';
import { tempLxcpath, busybox, within } from '../../helpers.js';
import { mountinfo } from './common.js';

t.test('sys:mixed: /sys read-only, /sys/devices/virtual/net writable', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'sys-mixed');
  t.teardown(() => c.release());
  c.loadConfig();
  c.appendConfigItem('lxc.mount.auto', 'sys:mixed'); // C's set_config_item adds to the template's mount.auto
  await within(60_000, 'start', c.start());
  const sys = await mountinfo(c, '/sys');
  t.ok(sys, 'a mount at /sys');
  t.ok(sys!.options.split(',').includes('ro'), `/sys is read-only (${sys!.options})`);
  const net = await mountinfo(c, '/sys/devices/virtual/net');
  t.ok(net, 'a mount at /sys/devices/virtual/net');
  t.ok(net!.options.split(',').includes('rw'), `/sys/devices/virtual/net is writable (${net!.options})`);
  await within(30_000, 'stop', c.stop());
});

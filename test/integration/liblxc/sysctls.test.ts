// Port of lxc/lxc src/tests/sysctls.c (lxc-5.0.2): lxc.sysctl.net.ipv4.ip_forward = 1 (set after
// clearing it, with proc:rw) is what the container reads from /proc/sys/net/ipv4/ip_forward, in
// its own network namespace.
import t from 'tap';
import { tempLxcpath, busybox, within } from '../../helpers.js';
import { inside } from './common.js';

t.test('lxc.sysctl reaches the container', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'test-proc-sys');
  t.teardown(() => c.release());
  c.appendConfigItem('lxc.mount.auto', 'proc:rw'); // C's set_config_item adds to the template's mount.auto
  c.clearConfigItem('lxc.sysctl.net.ipv4.ip_forward');
  c.setConfigItem('lxc.sysctl.net.ipv4.ip_forward', '1');
  await within(60_000, 'start', c.start());
  t.equal(await inside(c, 'cat /proc/sys/net/ipv4/ip_forward'), '1');
  await within(30_000, 'stop', c.stop());
});

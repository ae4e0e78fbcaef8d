// Port of lxc/lxc src/tests/getkeys.c (lxc-5.0.2): get_keys() on a container that has only an
// in-memory nic lists every key, and the sub-keys of lxc.net.0 and of each config family
// (apparmor, selinux, mount, rootfs, uts, hook, cap, console, seccomp, signal, start, monitor,
// cgroup). The C test sizes a buffer first; lxc-ffi returns arrays.
import t from 'tap';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath } from '../../helpers.js';

t.test('getKeys for everything, a nic and each family', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = new lxc.Container('lxctest1', lxcpath);
  t.teardown(() => c.release());
  c.setConfigItem('lxc.net.0.type', 'veth');
  const all = c.getKeys();
  t.ok(all.length > 50, `${all.length} keys`);
  t.ok(all.every((k) => k.startsWith('lxc.')), 'full key names');
  t.ok(all.includes('lxc.uts.name') && all.includes('lxc.rootfs.path'));
  const nic = c.getKeys('lxc.net.0');
  for (const k of ['type', 'link', 'flags', 'name', 'hwaddr', 'mtu', 'ipv4.address', 'veth.pair']) t.ok(nic.includes(k), `lxc.net.0 has ${k}`);
  for (const family of ['apparmor', 'selinux', 'mount', 'rootfs', 'uts', 'hook', 'cap', 'console', 'seccomp', 'signal', 'start', 'monitor', 'cgroup']) {
    const keys = c.getKeys(`lxc.${family}`);
    t.ok(keys.length > 0, `lxc.${family}: ${keys.join(' ')}`);
  }
  t.ok(c.getKeys('lxc.uts').includes('name'));
  t.ok(c.getKeys('lxc.rootfs').includes('path'));
});

// Port of lxc/lxc src/tests/parse_config_file.c (lxc-5.0.2): for each config item, set a value,
// read it back (the same text where liblxc keeps it as written), save the config to a file, drop
// the in-memory config, load the file, clear the item; a complete nic set and cleared; and the
// values and keys liblxc must refuse. lxc-ffi throws EINVAL where C's set returns false; a key
// with "=" in it is refused by lxc-ffi's key check before liblxc sees it.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath } from '../../helpers.js';

// [key, value, compare]: compare is false where liblxc normalises what it reads back.
const ITEMS: Array<[string, string, boolean]> = [
  ['lxc.arch', 'x86_64', true], ['lxc.pty.max', '1000', true], ['lxc.tty.max', '4', true], ['lxc.tty.dir', 'not-dev', true],
  ['lxc.apparmor.profile', 'unconfined', true], ['lxc.apparmor.allow_incomplete', '1', true],
  ['lxc.selinux.context', 'system_u:system_r:lxc_t:s0:c22', true],
  ['lxc.log.level', 'DEBUG', false], ['lxc.log.file', '/some/path', true], ['lxc.mount.fstab', '/some/path', true],
  ['lxc.mount.auto', 'proc:rw sys:rw cgroup-full:rw', true], ['lxc.mount.entry', '/dev/dri dev/dri none bind,optional,create=dir', true],
  ['lxc.rootfs.path', '/some/path', true], ['lxc.rootfs.mount', '/some/path', true], ['lxc.rootfs.options', 'ext4,discard', true],
  ['lxc.uts.name', 'the-shire', true], ['lxc.hook.mount', '/some/mount', true], ['lxc.hook.autodev', '/some/autodev', true],
  ['lxc.hook.start', '/some/start', true], ['lxc.hook.stop', '/some/stop', true], ['lxc.hook.post-stop', '/some/post-stop', true],
  ['lxc.hook.clone', '/some/clone', true], ['lxc.hook.destroy', '/some/destroy', true],
  ['lxc.cap.drop', 'sys_module mknod setuid net_raw', false], ['lxc.cap.keep', 'sys_module mknod setuid net_raw', false],
  ['lxc.console.path', 'none', true], ['lxc.console.logfile', '/some/logfile', true], ['lxc.seccomp.profile', '/some/seccomp/file', true],
  ['lxc.autodev.tmpfs.size', '1', true], ['lxc.autodev', '1', true], ['lxc.signal.halt', '1', true], ['lxc.signal.reboot', '1', true],
  ['lxc.signal.stop', '1', true], ['lxc.start.auto', '1', true], ['lxc.start.delay', '5', true], ['lxc.start.order', '1', true],
  ['lxc.log.syslog', 'local0', true], ['lxc.monitor.unshare', '1', true], ['lxc.group', 'some,container,groups', false],
  ['lxc.environment', 'FOO=BAR', true], ['lxc.init.cmd', '/bin/bash', true], ['lxc.init.uid', '1000', true], ['lxc.init.gid', '1000', true],
  ['lxc.ephemeral', '1', true], ['lxc.no_new_privs', '1', true], ['lxc.sysctl.net.core.somaxconn', '256', true],
  ['lxc.proc.oom_score_adj', '10', true], ['lxc.prlimit.nofile', '65536', true],
  ['lxc.net.0.type', 'veth', true], ['lxc.net.2.type', 'none', true], ['lxc.net.3.type', 'empty', true], ['lxc.net.4.type', 'vlan', true],
  ['lxc.net.0.type', 'macvlan', true], ['lxc.net.0.type', 'ipvlan', true], ['lxc.net.1000.type', 'phys', true],
  ['lxc.cgroup.dir', 'lxd', true], ['lxc.hook.version', '1', true], ['lxc.rootfs.managed', '1', true],
];

// The nic items need a nic first; C sets lxc.net.0.type before them.
const NIC_ITEMS: Array<[string, string, boolean]> = [
  ['lxc.net.0.flags', 'up', true], ['lxc.net.0.name', 'eth0', true], ['lxc.net.0.link', 'bla', true],
  ['lxc.net.0.script.up', '/some/up/path', true], ['lxc.net.0.script.down', '/some/down/path', true],
  ['lxc.net.0.hwaddr', '52:54:00:80:7a:5d', true], ['lxc.net.0.mtu', '2000', true],
  ['lxc.net.0.ipv4.gateway', '10.0.2.2', true], ['lxc.net.0.ipv4.gateway', 'auto', true], ['lxc.net.0.ipv4.gateway', 'dev', true],
  ['lxc.net.0.ipv6.gateway', '2003:db8:1::1', true], ['lxc.net.0.ipv6.gateway', 'auto', true], ['lxc.net.0.ipv6.gateway', 'dev', true],
  ['lxc.net.0.ipv4.address', '10.0.2.3/24', true], ['lxc.net.0.ipv6.address', '2003:db8:1:0:214:1234:fe0b:3596/64', true],
];

t.test('set, get, save, load, clear each item', async (t) => {
  const lxcpath = tempLxcpath(t);
  const scratch = mkdtempSync(join(tmpdir(), 'lxcffi-parse-config-'));
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }));
  const file = join(scratch, 'config');
  const c = new lxc.Container('parse-config-file', lxcpath);
  t.teardown(() => c.release());
  const roundTrip = (key: string, value: string, compare: boolean, before?: () => void) => {
    before?.();
    c.setConfigItem(key, value);
    const got = c.getConfigItem(key);
    if (compare) t.equal(got, value, `${key} = ${value}`);
    else t.ok(got.length > 0, `${key} = ${value} reads ${JSON.stringify(got)}`);
    c.saveConfig(file);
    c.clearConfig();
    c.loadConfig(file);
    if (compare) t.equal(c.getConfigItem(key), value, `${key} after save and load`);
    c.clearConfigItem(key);
    c.clearConfig();
  };
  for (const [k, v, cmp] of ITEMS) roundTrip(k, v, cmp);
  for (const [k, v, cmp] of NIC_ITEMS) roundTrip(k, v, cmp, () => c.setConfigItem('lxc.net.0.type', 'veth'));
});

// An idmap makes liblxc's save_config create the container directory owned by the mapped root
// (create_container_dir → chown_mapped_root), which fails on this host; set, get and clear only.
t.test('lxc.idmap set, get, clear', async (t) => {
  const c = new lxc.Container('parse-config-idmap', tempLxcpath(t));
  t.teardown(() => c.release());
  c.setConfigItem('lxc.idmap', 'u 0 100000 1000000000');
  t.equal(c.getConfigItem('lxc.idmap'), 'u 0 100000 1000000000');
  c.clearConfigItem('lxc.idmap');
  t.equal(c.getConfigItem('lxc.idmap'), '');
});

t.test('a complete nic, set and cleared', async (t) => {
  const c = new lxc.Container('parse-config-nic', tempLxcpath(t));
  t.teardown(() => c.release());
  c.setConfigItem('lxc.net.1.type', 'veth');
  c.setConfigItem('lxc.net.1.ipv4.address', '10.0.2.3/24');
  c.setConfigItem('lxc.net.1.ipv4.gateway', '10.0.2.2');
  c.setConfigItem('lxc.net.1.ipv6.address', '2003:db8:1:0:214:1234:fe0b:3596/64');
  c.setConfigItem('lxc.net.1.flags', 'up');
  c.setConfigItem('lxc.net.1.link', 'br0');
  c.setConfigItem('lxc.net.1.name', 'eth0');
  t.ok(c.getKeys('lxc.net.1').includes('link'));
  c.clearConfigItem('lxc.net.1');
  t.throws(() => c.getConfigItem('lxc.net.1.link'), { code: 'EINVAL' }, 'the nic is gone');
});

t.test('what liblxc refuses', async (t) => {
  const c = new lxc.Container('parse-config-bad', tempLxcpath(t));
  t.teardown(() => c.release());
  t.throws(() => c.setConfigItem('lxc.hook.version', '2'), { code: 'EINVAL' }, 'hook version 2');
  t.throws(() => c.setConfigItem('lxc.notaconfigkey', 'invalid'), { code: 'EINVAL' }, 'an unknown key');
  t.throws(() => c.setConfigItem('lxc.log.file=', './'), { code: 'EINVAL' }, 'a key with "="');
  t.throws(() => c.setConfigItem('lxc.hook.versionasdfsadfsadf', '1'), { code: 'EINVAL' }, 'a key with trailing junk');
});

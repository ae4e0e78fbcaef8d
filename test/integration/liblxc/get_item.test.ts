// Port of lxc/lxc src/tests/get_item.c (lxc-5.0.2): set_config_item / get_config_item /
// clear_config_item on a container without config (syslog facility, hooks, ttys, arch, init ids
// and groups, hostname, mount entries, prlimit/sysctl/proc families read as a whole), then on a
// busybox container (cap.drop, nic items, cgroup items, clearing families), and
// lxc_config_item_is_supported. Where lxc-ffi deliberately differs from C it is said at the check:
// a refused value throws EINVAL instead of returning false; a family read returns its
// "key = value" lines joined by "\n" without the trailing newline; setConfigItem replaces a list
// item (lxc.init.groups) where C's set_config_item appends, and appendConfigItem is C's append.
import t from 'tap';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath, within } from '../../helpers.js';

t.test('items on a container without config', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = new lxc.Container('testxyz', lxcpath);
  t.teardown(() => c.release());
  c.setConfigItem('lxc.log.syslog', 'local0');
  t.equal(c.getConfigItem('lxc.log.syslog'), 'local0');
  t.throws(() => c.setConfigItem('lxc.log.syslog', 'NONSENSE'), { code: 'EINVAL' }, 'an unknown facility is refused');
  t.equal(c.getConfigItem('lxc.log.syslog'), 'local0', 'and the old value stays');

  c.setConfigItem('lxc.hook.pre-start', 'hi there');
  t.equal(c.getConfigItem('lxc.hook.pre-start'), 'hi there');
  t.type(c.getConfigItem('lxc.net'), 'string', 'lxc.net reads without error');
  c.setConfigItem('lxc.tty.max', '4');
  t.equal(c.getConfigItem('lxc.tty.max'), '4');
  c.setConfigItem('lxc.arch', 'x86');
  t.ok(c.getConfigItem('lxc.arch').length > 0, `lxc.arch reads back as ${c.getConfigItem('lxc.arch')}`);
  c.setConfigItem('lxc.init.uid', '100');
  t.equal(c.getConfigItem('lxc.init.uid'), '100');
  c.setConfigItem('lxc.init.gid', '100');
  t.equal(c.getConfigItem('lxc.init.gid'), '100');

  t.throws(() => c.setConfigItem('lxc.init.groups', '10,20,foo,40'), { code: 'EINVAL' }, 'a non-numeric group is refused');
  c.setConfigItem('lxc.init.groups', '10,20,30,40');
  t.equal(c.getConfigItem('lxc.init.groups'), '10,20,30,40');
  c.appendConfigItem('lxc.init.groups', '50,60,70,80');
  t.equal(c.getConfigItem('lxc.init.groups'), '10,20,30,40,50,60,70,80', 'appendConfigItem appends, as C set_config_item does');
  c.setConfigItem('lxc.init.groups', '50,60,70,80');
  t.equal(c.getConfigItem('lxc.init.groups'), '50,60,70,80', 'lxc-ffi: setConfigItem replaces');
  c.setConfigItem('lxc.init.groups', '');
  t.equal(c.getConfigItem('lxc.init.groups'), '', 'an empty value clears the groups');

  c.setConfigItem('lxc.uts.name', 'hostname1');
  t.equal(c.getConfigItem('lxc.uts.name'), 'hostname1');
  c.setConfigItem('lxc.mount.entry', 'hi there');
  t.equal(c.getConfigItem('lxc.mount.entry'), 'hi there');

  const families: Array<[string, Array<[string, string]>]> = [
    ['lxc.prlimit', [['nofile', '1234:unlimited'], ['stack', 'unlimited']]],
    ['lxc.sysctl', [['net.ipv4.ip_forward', '1'], ['net.core.somaxconn', '256']]],
    ['lxc.proc', [['setgroups', 'allow'], ['oom_score_adj', '10']]],
  ];
  for (const [family, [[k1, v1], [k2, v2]]] of families) {
    t.equal(c.getConfigItem(family), '', `${family} starts empty`);
    c.setConfigItem(`${family}.${k1}`, v1);
    t.equal(c.getConfigItem(`${family}.${k1}`), v1);
    c.setConfigItem(`${family}.${k2}`, v2);
    t.equal(c.getConfigItem(`${family}.${k2}`), v2);
    t.equal(c.getConfigItem(family), `${family}.${k1} = ${v1}\n${family}.${k2} = ${v2}`, `${family} as a whole`);
    c.clearConfigItem(`${family}.${k1}`);
    t.equal(c.getConfigItem(family), `${family}.${k2} = ${v2}`, `${family} after clearing ${k1}`);
  }
  c.setConfigItem('lxc.apparmor.profile', 'unconfined');
  t.equal(c.getConfigItem('lxc.apparmor.profile'), 'unconfined');
});

t.test('items of a busybox container', async (t) => {
  const lxcpath = tempLxcpath(t);
  const maker = new lxc.Container('lxctest1', lxcpath);
  await within(120_000, 'create', maker.create('busybox', {}, { quiet: true }));
  maker.release();
  const c = new lxc.Container('lxctest1', lxcpath);
  t.teardown(() => c.release());

  const drop = c.getConfigItem('lxc.cap.drop');
  t.ok(drop.length >= 5 && drop.length <= 255, `lxc.cap.drop = ${JSON.stringify(drop)}`);
  t.same(c.getConfigList('lxc.cap.drop'), drop.split('\n'));
  t.type(c.getConfigItem('lxc.net'), 'string');

  c.setConfigItem('lxc.net.0.type', 'veth');
  c.setConfigItem('lxc.net.0.link', 'lxcbr0');
  c.setConfigItem('lxc.net.0.flags', 'up');
  c.setConfigItem('lxc.net.0.hwaddr', '00:16:3e:xx:xx:xx');
  t.match(c.getConfigItem('lxc.net.0.hwaddr'), /^00:16:3e(:[0-9a-f]{2}){3}$/, "liblxc fills in the x's");
  c.setConfigItem('lxc.net.0.ipv4.address', '10.2.3.4');
  t.match(c.getConfigItem('lxc.net.0.ipv4.address'), /^10\.2\.3\.4/);
  c.clearConfigItem('lxc.net.0.ipv4.address');
  t.equal(c.getConfigItem('lxc.net.0.ipv4.address'), '');
  c.setConfigItem('lxc.net.0.ipv4.gateway', '10.2.3.254');
  t.equal(c.getConfigItem('lxc.net.0.ipv4.gateway'), '10.2.3.254');
  c.setConfigItem('lxc.net.0.ipv4.gateway', '');
  t.equal(c.getConfigItem('lxc.net.0.ipv4.gateway'), '', 'an empty gateway unsets it');
  t.equal(c.getConfigItem('lxc.net.0.link'), 'lxcbr0');
  t.type(c.getConfigItem('lxc.net.0.name'), 'string');
  c.clearConfigItem('lxc.net');
  t.equal(c.getConfigItem('lxc.net'), '', 'no nic after clearing lxc.net');

  t.type(c.getConfigItem('lxc.cgroup'), 'string');
  t.type(c.getConfigItem('lxc.cgroup.devices.allow'), 'string');
  for (const k of ['lxc.cgroup', 'lxc.cap.drop', 'lxc.mount.entry', 'lxc.hook']) c.clearConfigItem(k);
  t.equal(c.getConfigItem('lxc.cap.drop'), '', 'lxc.cap.drop cleared');
  t.equal(c.getConfigItem('lxc.mount.entry'), '', 'lxc.mount.entry cleared');

  t.equal(lxc.isConfigItemSupported('lxc.arch'), true);
  t.equal(lxc.isConfigItemSupported('lxc.nonsense'), false);
  t.equal(lxc.isConfigItemSupported('lxc.arch.nonsense'), false);
  t.throws(() => c.setConfigItem('lxc.notaconfigkey', 'invalid'), { code: 'EINVAL' }, 'an unknown key is refused');
});

// Port of lxc/lxc src/tests/startone.c (lxc-5.0.2): on a container made by `lxc-create`, cgroup
// items cannot be read or written while it is stopped; loaded config plus an unsaved lxc.uts.name
// is what a daemonized start uses; once running, cpuset.cpus reads back (starting with CPU 0) and
// writing freezer.state = FROZEN freezes it (reading FREEZING or FROZEN). The host is cgroup v1,
// which these keys need. Where C gets a negative length or false, lxc-ffi throws ENOTRUNNING.
import t from 'tap';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath, netConfig, within } from '../../helpers.js';
import { lxcCreateCli, inside } from './common.js';

t.test('cgroup items stopped and running, freezer through setCgroupItem', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = new lxc.Container('lxctest1', lxcpath);
  t.teardown(() => c.release());
  t.equal(c.defined, false);
  await lxcCreateCli(lxcpath, 'lxctest1');
  t.equal(c.defined, true);
  t.throws(() => c.getCgroupItem('cpuset.cpus'), { code: 'ENOTRUNNING' }, 'no cgroup to read while stopped');
  t.throws(() => c.setCgroupItem('cpuset.cpus', '0'), { code: 'ENOTRUNNING' }, 'nor to write');
  t.equal(c.state, 'STOPPED');
  c.loadConfig();
  netConfig(c); // the template's default nic links to lxcbr0, which this host has not
  c.setConfigItem('lxc.uts.name', 'bobo');
  await within(60_000, 'start', c.start());
  t.equal(c.state, 'RUNNING');
  t.equal(await inside(c, 'hostname'), 'bobo', 'the unsaved lxc.uts.name reached the container');

  const cpus = c.getCgroupItem('cpuset.cpus');
  t.ok(cpus.length > 0, `cpuset.cpus = ${cpus}`);
  t.match(cpus, /^0/, 'starts with CPU 0');
  c.setCgroupItem('freezer.state', 'FROZEN');
  t.match(c.getCgroupItem('freezer.state'), /^(FREEZING|FROZEN)$/, 'the write froze it');
  c.setCgroupItem('freezer.state', 'THAWED');
  await within(30_000, 'stop', c.stop());
  t.equal(c.state, 'STOPPED');
});

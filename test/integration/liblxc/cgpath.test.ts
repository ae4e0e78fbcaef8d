// Port of lxc/lxc src/tests/cgpath.c (lxc-5.0.2), through the public API. The C test asks liblxc's
// internal command channel for the container's freezer cgroup path (lxc_cmd_get_cgroup_path) and
// uses the internal cgroup_ops to read pids.max, set it to 10000, read it back and restore it.
// Neither is exported; the same contract is checked with /proc/<init>/cgroup (the freezer path
// names the container) and getCgroupItem/setCgroupItem on pids.max.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { tempLxcpath, busybox, within } from '../../helpers.js';

t.test('cgroup path and pids.max through the running container', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'lxctest1');
  t.teardown(() => c.release());
  await within(60_000, 'start', c.start());
  const cgroups = readFileSync(`/proc/${c.initPid}/cgroup`, 'utf8');
  const freezer = cgroups.split('\n').find((l) => /^\d+:([^:]*,)?freezer(,[^:]*)?:/.test(l));
  t.ok(freezer, 'init is in a freezer cgroup (cgroup v1 host)');
  t.match(freezer!.split(':')[2], /lxctest1/, `the path names the container: ${freezer}`);

  const saved = c.getCgroupItem('pids.max');
  t.ok(saved.length > 0, `pids.max = ${saved}`);
  c.setCgroupItem('pids.max', '10000');
  t.equal(c.getCgroupItem('pids.max'), '10000');
  c.setCgroupItem('pids.max', saved);
  t.equal(c.getCgroupItem('pids.max'), saved, 'restored');
  await within(30_000, 'stop', c.stop());
});

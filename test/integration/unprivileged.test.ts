// What liblxc refuses to a normal user, as it says so: device nodes and host interfaces moved into
// a container need root on the host. Run by scripts/test.sh as a normal user (scripts/as-user.sh);
// as root, devices.test.ts and network.test.ts drive the same calls to success.
import t from 'tap';
import * as lxc from '../../lib/index.js';
import { asRoot, tempLxcpath, busybox } from '../helpers.js';

t.test('device nodes and interfaces: refused to a normal user, saying why', { skip: asRoot && 'root may: devices.test.ts' }, async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'unpriv');
  t.teardown(() => c.release());
  await c.start();
  const refused = /not currently supported with unprivileged containers/;
  await t.rejects(c.addDeviceNode('/dev/null', '/dev/extra-null'), { message: refused }, 'addDeviceNode');
  await t.rejects(c.attachInterface('lo', 'lo2'), { message: refused }, 'attachInterface');
  t.equal(c.state, 'RUNNING', 'the container is unharmed');
  t.ok((await c.exec(['true'])).exitCode === 0, 'and still attachable');
  await c.stop();
});

t.test('lxc.checkHost() as this user: every check passes on a host set up for it', { skip: asRoot && 'the root view: host-check.test.ts' }, async (t) => {
  const report = await lxc.checkHost();
  t.equal(report.user.uid, process.getuid!(), 'the report is for this user');
  t.ok(report.ok, `ok: ${report.findings.filter((f) => !f.ok).map((f) => f.summary).join('; ')}`);
  for (const id of ['subuid-range', 'subgid-range', 'newuidmap', 'newgidmap', 'idmap', 'usernet', 'lxc-user-nic', 'lxcpath-access', 'cgroup']) {
    t.ok(report.findings.find((f) => f.id === id)?.ok, `${id} passes`);
  }
});

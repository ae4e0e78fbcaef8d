// Port of lxc/lxc src/tests/attach.c (lxc-5.0.2): in a running busybox container, an attached
// command's exit status comes back (`cmp -s /sbin/init /bin/busybox` succeeds, the same against
// /etc/fstab fails), and an attached function runs in the container's pid namespace; both in two
// lxcpaths (the C test's default path and an "alternate-path-test" directory). The C function
// writes its pid to a pipe; lxc-ffi's evaluate() returns it. The LSM label checks run only where
// AppArmor or SELinux is enabled, which this host has neither of.
import t from 'tap';
import { existsSync, mkdirSync } from 'node:fs';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath, busybox, within } from '../../helpers.js';

for (const where of ['lxcpath', 'alternate-path-test']) {
  t.test(`attach in ${where}`, async (t) => {
    let lxcpath = tempLxcpath(t);
    if (where !== 'lxcpath') {
      lxcpath = `${lxcpath}/${where}`;
      mkdirSync(lxcpath);
    }
    const c = await busybox(lxcpath, 'lxc-attach-test');
    t.teardown(async () => { await c.stop().catch(() => undefined); await c.destroy().catch(() => undefined); c.release(); });
    await within(60_000, 'start', c.start());

    const quiet = { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' } as const;
    t.equal(await within(30_000, 'cmp same', c.attachWait(['cmp', '-s', '/sbin/init', '/bin/busybox'], quiet)), 0, 'success command: 0');
    t.not(await within(30_000, 'cmp differ', c.attachWait(['cmp', '-s', '/sbin/init', '/etc/fstab'], quiet)), 0, 'failure command: non-zero');
    t.equal(await within(30_000, 'run_command form', c.attachWait(lxc.attachRunCommand, ['cmp', '-s', '/sbin/init', '/bin/busybox'], quiet)), 0, 'through lxc_attach_run_command');

    const nspid = await within(60_000, 'function', c.evaluate(() => process.pid));
    t.ok(Number.isInteger(nspid) && nspid > 1, `the function ran as pid ${nspid} in the container's pid namespace`);
    const hostPids = await within(30_000, 'pids', c.exec(['sh', '-c', 'ls /proc | grep -c "^[0-9]"']));
    t.ok(Number(hostPids.stdout) < 50, 'the container sees only its own processes');
  });
}

// The C test's LSM half (the attached process carries the container's AppArmor/SELinux label) has
// nothing to check on a host without an LSM; docs/reliability.md says so.
t.test('LSM labels', { skip: 'neither AppArmor nor SELinux is enabled on this host' }, async () => {});

// Port of lxc/lxc src/tests/mount_injection.c (lxc-5.0.2): in a running container started with
// lxc.mount.auto = shmounts:<shared host dir>, mount() injects a bind mount of a device
// (/dev/urandom), a bind mount of a host directory and a devtmpfs; each appears in the container's
// /proc/self/mountinfo, and umount(MNT_DETACH) removes it. The C test's "unprivileged" run uses the
// same config as its privileged one in 5.0.2, so one run covers both. C mounts the devtmpfs with a
// NULL source; lxc-ffi's mount() takes an absolute source path (documented), so it passes /dev,
// which a devtmpfs mount ignores.
import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath, busybox, within } from '../../helpers.js';
import { mountinfo } from './common.js';

const run = promisify(execFile);
const MNT_DETACH = 2;

t.test('inject and remove a device, a directory and a devtmpfs', { skip: lxc.hasApiExtension('mount_injection') ? false : 'no mount_injection extension' }, async (t) => {
  const shm = mkdtempSync(join(tmpdir(), 'lxcffi-mount-injection-'));
  await run('mount', ['-t', 'tmpfs', '-o', 'size=100k,mode=0711', 'tmpfs', shm]);
  await run('mount', ['--make-shared', shm]);
  t.teardown(async () => {
    await run('umount', ['--lazy', shm]).catch(() => undefined);
    rmSync(shm, { recursive: true, force: true });
  });
  const dir = mkdtempSync(join(tmpdir(), 'lxcffi-mount-injection-dir-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));

  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'mount_injection_test-privileged');
  t.teardown(() => c.release());
  c.appendConfigItem('lxc.mount.auto', `shmounts:${shm}`);
  c.saveConfig();
  await within(60_000, 'start', c.start());
  const rootfs = c.getConfigItem('lxc.rootfs.path').replace(/^dir:/, '');
  mkdirSync(join(rootfs, 'mnt'), { recursive: true });
  mkdirSync(join(rootfs, dir), { recursive: true });

  const urandom = '/mnt/mount_injection_test_urandom';
  await within(30_000, 'mount device', c.mount('/dev/urandom', urandom, { flags: lxc.MS_BIND }));
  const dev = await mountinfo(c, urandom);
  t.equal(dev?.root, '/urandom', 'the device is bind-mounted inside');
  await within(30_000, 'umount device', c.umount(urandom, { flags: MNT_DETACH }));
  t.equal(await mountinfo(c, urandom), undefined, 'and gone after umount');

  await within(30_000, 'mount dir', c.mount(dir, dir, { flags: lxc.MS_BIND }));
  t.ok(await mountinfo(c, dir), 'the directory is bind-mounted inside');
  await within(30_000, 'umount dir', c.umount(dir, { flags: MNT_DETACH }));
  t.equal(await mountinfo(c, dir), undefined, 'and gone after umount');

  const devtmpfs = '/mnt/mount_injection_test_devtmpfs';
  await within(30_000, 'mount devtmpfs', c.mount('/dev', devtmpfs, { fstype: 'devtmpfs' }));
  const fs = await mountinfo(c, devtmpfs);
  t.equal(fs?.fstype, 'devtmpfs', 'a devtmpfs is mounted inside');
  t.equal(fs?.root, '/');
  await within(30_000, 'umount devtmpfs', c.umount(devtmpfs, { flags: MNT_DETACH }));
  t.equal(await mountinfo(c, devtmpfs), undefined, 'and gone after umount');
  await within(30_000, 'stop', c.stop());
  await within(30_000, 'destroy', c.destroy());
});

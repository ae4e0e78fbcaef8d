// Backing stores on real containers: every store this machine can run (dir, overlayfs, loop, btrfs
// on a loop file), each through a real clone that is started, checked from inside and torn down;
// and for LVM, which needs the kernel's device-mapper, either the same round trip or the concrete
// evidence of why it cannot run here.
//
// liblxc 5.0 facts these tests rely on (src/lxc/confile.c, src/lxc/storage/*.c):
// - getConfigItem('lxc.rootfs.path') is the path only: set_config_rootfs_path() splits
//   "<type>:<path>" into rootfs.bdev_type and rootfs.path. The type prefix ('overlay:', 'loop:',
//   'btrfs:', 'lvm:') is in the saved config file, read here by savedRootfs().
// - clone()'s bdevdata is accepted and ignored (storage_copy() never reads it); a clone into lvm
//   from a non-lvm container takes its VG from the global lxc.bdev.lvm.vg (/etc/lxc/lxc.conf,
//   default "lxc"), and never runs lvcreate on that path.
import t from 'tap';
import type { Test } from 'tap';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Container, LxcError } from '../../lib/index.js';
import { destroyAll, netConfig } from '../helpers.js';
import { btrfsMount, volumeGroup, deviceMapperStatus, haveTools, loopDevicesOf, run, type BtrfsMount } from '../fixtures/blockdev.js';

const MiB = 1024 * 1024;
const marker = (name: string) => `marker of ${name}\n`;

/**
 * One teardown for a subtest that runs every cleanup step, newest first, even when one fails
 * (tap drops the remaining teardowns after a failing one), then reports what failed.
 */
function cleanups(t: Test): (what: string, fn: () => unknown) => void {
  const steps: [string, () => unknown][] = [];
  t.teardown(async () => {
    const failed: string[] = [];
    for (let step = steps.pop(); step; step = steps.pop()) {
      try {
        await step[1]();
      } catch (e) {
        failed.push(`${step[0]}: ${(e as Error).message}`);
      }
    }
    if (failed.length) throw new Error(`cleanup failed: ${failed.join('; ')}`);
  });
  return (what, fn) => steps.push([what, fn]);
}

/** A fresh lxcpath under the temp dir; at cleanup its containers are destroyed and it is removed. */
function scratchLxcpath(defer: ReturnType<typeof cleanups>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lxcffi-backing-'));
  defer(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  defer(`destroy the containers in ${dir}`, () => destroyAll(dir));
  return dir;
}

/** A btrfs filesystem on a loop file, mounted at a fresh dir used as an lxcpath; torn down at cleanup. */
async function btrfsLxcpath(defer: ReturnType<typeof cleanups>): Promise<BtrfsMount> {
  const fs = await btrfsMount();
  defer(`unmount and detach btrfs ${fs.device}`, () => fs.close());
  defer(`destroy the containers in ${fs.mountpoint}`, () => destroyAll(fs.mountpoint));
  return fs;
}

/** A busybox container (no network) with a marker file in its rootfs, made with `createOptions`. */
async function source(lxcpath: string, name: string, createOptions: { bdevtype?: 'dir' | 'btrfs' } = {}): Promise<Container> {
  const c = new Container(name, lxcpath);
  await c.create('busybox', {}, { quiet: true, ...createOptions });
  netConfig(c);
  c.saveConfig();
  writeFileSync(join(lxcpath, name, 'rootfs', 'root', 'marker'), marker(name));
  return c;
}

/** lxc.rootfs.path as saved in the container's config file: with its '<type>:' prefix. */
function savedRootfs(c: Container): string | undefined {
  const lines = readFileSync(c.configFileName, 'utf8').split('\n');
  const m = lines.map((l) => /^\s*lxc\.rootfs\.path\s*=\s*(.*?)\s*$/.exec(l)).filter(Boolean).pop();
  return m?.[1];
}

/** Milliseconds since `t0`, for the timing comments. */
const since = (t0: number) => `${Date.now() - t0} ms`;

/** For a source whose rootfs is a dir on the host: whether it has `path` (relative to its /). */
const inDir = (rootfs: string) => async (path: string) => existsSync(join(rootfs, path));

/**
 * Starts the clone, reads the source's marker from inside it, writes a file inside it, and checks
 * that the source never sees that file (`sourceHas` looks into the source's rootfs); stops it.
 */
async function roundTrip(t: Test, clone: Container, sourceName: string, sourceHas: (path: string) => Promise<boolean>): Promise<void> {
  let t0 = Date.now();
  await clone.start();
  t.comment(`${clone.name}: start ${since(t0)}`);
  try {
    t.equal(clone.state, 'RUNNING', 'the clone runs');
    const cat = await clone.exec(['cat', '/root/marker']);
    t.equal(cat.exitCode, 0, 'cat /root/marker exits 0 in the clone');
    t.equal(cat.stdout, marker(sourceName), "the source's marker is in the clone");
    const write = await clone.exec(['sh', '-c', 'echo from clone > /root/from-clone && sync']);
    t.equal(write.exitCode, 0, 'a file written inside the clone');
    t.equal((await clone.exec(['cat', '/root/from-clone'])).stdout, 'from clone\n', 'and read back');
    t.notOk(await sourceHas('root/from-clone'), 'the source never sees it');
  } finally {
    t0 = Date.now();
    if (clone.running) await clone.stop();
    t.comment(`${clone.name}: stop ${since(t0)}`);
  }
  t.equal(clone.state, 'STOPPED', 'the clone stopped');
}

/** Destroys `c` (stopped) and releases it; the caller checks its store's artefacts afterwards. */
async function destroy(t: Test, c: Container): Promise<void> {
  const t0 = Date.now();
  await c.destroy();
  t.comment(`${c.name}: destroy ${since(t0)}`);
  t.equal(c.defined, false, `${c.name} is no longer defined`);
  c.release();
}

t.test('dir: a copy clone', async (t) => {
  const defer = cleanups(t);
  const lxcpath = scratchLxcpath(defer);
  let t0 = Date.now();
  const src = await source(lxcpath, 'src');
  t.comment(`busybox source: ${since(t0)}`);
  t.equal(savedRootfs(src), `dir:${lxcpath}/src/rootfs`, 'the source is a dir container');

  t0 = Date.now();
  const clone = await src.clone('c-dir', { bdevtype: 'dir' });
  t.comment(`dir clone: ${since(t0)}`);
  t.equal(savedRootfs(clone), `dir:${lxcpath}/c-dir/rootfs`, "the saved lxc.rootfs.path is 'dir:'");
  t.equal(clone.getConfigItem('lxc.rootfs.path'), `${lxcpath}/c-dir/rootfs`, 'getConfigItem gives the path without the type');
  t.equal(readFileSync(`${lxcpath}/c-dir/rootfs/root/marker`, 'utf8'), marker('src'), 'the marker was copied');
  t.not(statSync(`${lxcpath}/c-dir/rootfs/root/marker`).ino, statSync(`${lxcpath}/src/rootfs/root/marker`).ino, 'a copy, not a link');

  await roundTrip(t, clone, 'src', inDir(`${lxcpath}/src/rootfs`));
  t.equal(readFileSync(`${lxcpath}/c-dir/rootfs/root/from-clone`, 'utf8'), 'from clone\n', "the clone's write is in its own dir");

  await destroy(t, clone);
  t.notOk(existsSync(`${lxcpath}/c-dir`), "the clone's dir is gone");
  await destroy(t, src);
  t.notOk(existsSync(`${lxcpath}/src`), "the source's dir is gone");
});

t.test('overlayfs: a snapshot clone', async (t) => {
  const defer = cleanups(t);
  const lxcpath = scratchLxcpath(defer);
  const src = await source(lxcpath, 'src');
  let t0 = Date.now();
  const clone = await src.clone('c-ovl', { bdevtype: 'overlayfs', snapshot: true });
  t.comment(`overlay snapshot clone: ${since(t0)}`);
  const delta = `${lxcpath}/c-ovl/overlay/delta`;
  t.equal(savedRootfs(clone), `overlay:${lxcpath}/src/rootfs:${delta}`, "the saved lxc.rootfs.path is 'overlay:<lower>:<delta>'");
  t.equal(clone.getConfigItem('lxc.rootfs.path'), `${lxcpath}/src/rootfs:${delta}`, 'getConfigItem gives lower:delta without the type');
  t.ok(statSync(delta).isDirectory(), 'the delta (upper) dir exists');
  t.notOk(existsSync(`${lxcpath}/c-ovl/rootfs/root/marker`), 'nothing was copied: the rootfs is only a mountpoint');
  t.equal(readFileSync(`${lxcpath}/c-ovl/lxc_rdepends`, 'utf8').trim(), `${lxcpath}\nsrc`, 'the clone records the source it depends on');
  t.equal(readFileSync(`${lxcpath}/src/lxc_snapshots`, 'utf8').trim(), `${lxcpath}\nc-ovl`, 'the source records its dependent clone');

  await roundTrip(t, clone, 'src', inDir(`${lxcpath}/src/rootfs`));
  t.equal(readFileSync(`${delta}/root/from-clone`, 'utf8'), 'from clone\n', "the clone's write landed in the delta (copy-on-write)");
  t.notOk(existsSync(`${delta}/root/marker`), 'the unchanged marker stayed in the lower layer');

  await t.rejects(src.destroy(), { code: 'EDESTROY', message: /has snapshots/ }, 'liblxc refuses to destroy a source that has a snapshot clone');
  t.equal(src.defined, true, 'and the source is intact');
  await destroy(t, clone);
  t.notOk(existsSync(`${lxcpath}/c-ovl`), "the clone's dir and delta are gone");
  t.notOk(existsSync(`${lxcpath}/src/lxc_snapshots`), 'the source no longer lists it');
  await destroy(t, src);
  t.notOk(existsSync(`${lxcpath}/src`), "the source's dir is gone");
});

t.test('loop: a copy clone into a 64 MiB image', async (t) => {
  const defer = cleanups(t);
  const lxcpath = scratchLxcpath(defer);
  const src = await source(lxcpath, 'src');
  let t0 = Date.now();
  const clone = await src.clone('c-loop', { bdevtype: 'loop', newSize: 64 * MiB });
  t.comment(`loop clone (mkfs + rsync): ${since(t0)}`);
  const image = `${lxcpath}/c-loop/rootdev`;
  t.equal(savedRootfs(clone), `loop:${image}`, "the saved lxc.rootfs.path is 'loop:<image>'");
  t.equal(clone.getConfigItem('lxc.rootfs.path'), image, 'getConfigItem gives the image path');
  // do_loop_create() seeks to the size and writes one byte there.
  t.equal(statSync(image).size, 64 * MiB + 1, 'the image has the asked size');
  t.equal((await run(['blkid', '-o', 'value', '-s', 'TYPE', image])).stdout.trim(), 'ext4', 'with an ext4 filesystem (the default)');
  t.same(await loopDevicesOf(image), [], 'no loop device holds it while stopped');

  await clone.start();
  try {
    const devices = await loopDevicesOf(image);
    t.equal(devices.length, 1, `running, the image is on a loop device (${devices.join(', ')})`);
    const root = (await clone.exec(['sh', '-c', "awk '$2 == \"/\" { print $3 }' /proc/mounts"])).stdout.trim().split('\n').pop();
    t.equal(root, 'ext4', "the clone's / is the image's ext4");
  } finally {
    await clone.stop();
  }
  await roundTrip(t, clone, 'src', inDir(`${lxcpath}/src/rootfs`));
  t.same(await loopDevicesOf(image), [], 'stopped, the loop device is released');
  t.notOk(existsSync(`${lxcpath}/c-loop/rootfs/root/from-clone`), "the clone's write is inside the image, not on the host");

  await destroy(t, clone);
  t.notOk(existsSync(image), 'the image file is gone');
  t.notOk(existsSync(`${lxcpath}/c-loop`), "the clone's dir is gone");
  await destroy(t, src);
});

t.test('loop: create() with bdevSpecs { fstype: ext4, fssize: 64 MiB }', async (t) => {
  const defer = cleanups(t);
  const lxcpath = scratchLxcpath(defer);
  const c = new Container('made-loop', lxcpath);
  const t0 = Date.now();
  await c.create('busybox', {}, { quiet: true, bdevtype: 'loop', bdevSpecs: { fstype: 'ext4', fssize: 64 * MiB } });
  t.comment(`create on loop: ${since(t0)}`);
  netConfig(c);
  c.saveConfig();
  const image = `${lxcpath}/made-loop/rootdev`;
  t.equal(savedRootfs(c), `loop:${image}`, "the saved lxc.rootfs.path is 'loop:<image>'");
  t.equal(c.getConfigItem('lxc.rootfs.path'), image);
  t.equal(statSync(image).size, 64 * MiB + 1, 'a 64 MiB image');
  t.equal((await run(['blkid', '-o', 'value', '-s', 'TYPE', image])).stdout.trim(), 'ext4', 'holding ext4');
  t.notOk(existsSync(`${lxcpath}/made-loop/rootfs/bin`), 'the template wrote into the image, not the host dir');

  await c.start();
  try {
    const r = await c.exec(['sh', '-c', "awk '$2 == \"/\" { print $3 }' /proc/mounts; ls /bin/busybox"]);
    t.equal(r.stdout, 'ext4\n/bin/busybox\n', "/ is the image's ext4, with the template's files");
  } finally {
    await c.stop();
  }
  t.same(await loopDevicesOf(image), [], 'the loop device is released');
  await destroy(t, c);
  t.notOk(existsSync(image), 'the image file is gone');
});

t.test('btrfs: lxcpath on btrfs on a loop file', async (t) => {
  if (!(await haveTools('mkfs.btrfs', 'btrfs'))) {
    t.fail('btrfs-progs is not installed (scripts/setup.sh installs it)');
    return;
  }
  const defer = cleanups(t);
  let t0 = Date.now();
  const fs = await btrfsLxcpath(defer);
  t.comment(`mkfs.btrfs + mount on ${fs.device}: ${since(t0)}`);
  const lxcpath = fs.mountpoint;
  t0 = Date.now();
  const src = await source(lxcpath, 'src', { bdevtype: 'btrfs' });
  t.comment(`busybox source on btrfs: ${since(t0)}`);
  t.equal(savedRootfs(src), `btrfs:${lxcpath}/src/rootfs`, "the source's saved lxc.rootfs.path is 'btrfs:'");
  t.same(await fs.subvolumes(), ['src/rootfs'], "the source's rootfs is a subvolume");
  const uuid = async (path: string, field: string) =>
    (await run(['btrfs', 'subvolume', 'show', path])).stdout.match(new RegExp(`^\\s*${field}:\\s*(\\S+)`, 'm'))?.[1];
  const srcUuid = await uuid(`${lxcpath}/src/rootfs`, 'UUID');
  t.ok(srcUuid, `the source subvolume's UUID is ${srcUuid}`);

  await t.test('a snapshot clone', async (t) => {
    const t0 = Date.now();
    const clone = await src.clone('c-snap', { bdevtype: 'btrfs', snapshot: true });
    t.comment(`btrfs snapshot clone: ${since(t0)}`);
    t.equal(savedRootfs(clone), `btrfs:${lxcpath}/c-snap/rootfs`, "the saved lxc.rootfs.path is 'btrfs:'");
    t.equal(clone.getConfigItem('lxc.rootfs.path'), `${lxcpath}/c-snap/rootfs`);
    t.same(await fs.subvolumes(), ['c-snap/rootfs', 'src/rootfs'], 'a new subvolume');
    t.equal(await uuid(`${lxcpath}/c-snap/rootfs`, 'Parent UUID'), srcUuid, "a snapshot: its parent is the source's subvolume");
    await roundTrip(t, clone, 'src', inDir(`${lxcpath}/src/rootfs`));
    t.equal(readFileSync(`${lxcpath}/c-snap/rootfs/root/from-clone`, 'utf8'), 'from clone\n', "the write is in the clone's subvolume");
    await destroy(t, clone);
    t.same(await fs.subvolumes(), ['src/rootfs'], "the clone's subvolume is gone");
    t.notOk(existsSync(`${lxcpath}/c-snap`), "and its dir");
  });

  await t.test('a copy clone onto another btrfs filesystem', async (t) => {
    // On the same filesystem liblxc snapshots even without `snapshot` (btrfs_same_fs()); a copy
    // (new subvolume + rsync) happens only across filesystems.
    const defer = cleanups(t);
    const other = await btrfsLxcpath(defer);
    const t0 = Date.now();
    const clone = await src.clone('c-copy', { bdevtype: 'btrfs', lxcpath: other.mountpoint });
    t.comment(`btrfs copy clone across filesystems: ${since(t0)}`);
    t.equal(clone.lxcpath, other.mountpoint);
    t.equal(savedRootfs(clone), `btrfs:${other.mountpoint}/c-copy/rootfs`, "the saved lxc.rootfs.path is 'btrfs:'");
    t.same(await other.subvolumes(), ['c-copy/rootfs'], 'a subvolume on the other filesystem');
    t.equal(await uuid(`${other.mountpoint}/c-copy/rootfs`, 'Parent UUID'), '-', 'a fresh subvolume, not a snapshot');
    await roundTrip(t, clone, 'src', inDir(`${lxcpath}/src/rootfs`));
    await destroy(t, clone);
    t.same(await other.subvolumes(), [], "the clone's subvolume is gone");
    t.same(await fs.subvolumes(), ['src/rootfs'], 'the source is untouched');
  });

  await t.test('a dir container on the btrfs lxcpath (liblxc 5.0 limits)', async (t) => {
    const plain = await source(lxcpath, 'plain');
    t.equal(savedRootfs(plain), `dir:${lxcpath}/plain/rootfs`);
    const err = await plain.clone('p-snap', { bdevtype: 'btrfs', snapshot: true }).catch((e: unknown) => e);
    t.ok(err instanceof LxcError, 'a btrfs snapshot of a dir container fails');
    t.match(err, { code: 'ECLONE', message: /btrfs snapshot from dir backing store is not supported/ });
    t.notOk(existsSync(`${lxcpath}/p-snap`), 'and leaves nothing behind');
    // A copy clone "works", but storage_copy() only makes a subvolume for btrfs -> btrfs: from a
    // dir source it rsyncs into a plain dir, and btrfs_destroy() then cannot remove it.
    const copy = await plain.clone('p-copy', { bdevtype: 'btrfs' });
    t.equal(savedRootfs(copy), `btrfs:${lxcpath}/p-copy/rootfs`, "saved as 'btrfs:'");
    await roundTrip(t, copy, 'plain', inDir(`${lxcpath}/plain/rootfs`));
    const isSubvolume = (await fs.subvolumes()).includes('p-copy/rootfs');
    if (isSubvolume) {
      t.comment('this liblxc makes a subvolume for a dir -> btrfs clone');
      await destroy(t, copy);
    } else {
      t.pass('liblxc 5.0.2: the rootfs of a dir -> btrfs clone is a plain dir, not a subvolume');
      const e = await copy.destroy().catch((x: unknown) => x);
      t.match(e, { code: 'EDESTROY' }, 'so destroy() fails (btrfs_do_destroy_subvol: the ioctl on a non-subvolume)');
      t.comment(`destroy error: ${(e as Error).message}; log: ${JSON.stringify((e as LxcError).log)}`);
      t.equal(copy.defined, true, 'and the clone stays defined');
      copy.release();
      rmSync(`${lxcpath}/p-copy`, { recursive: true, force: true });
    }
    await destroy(t, plain);
  });

  await destroy(t, src);
  t.same(await fs.subvolumes(), [], "the source's subvolume is gone: no subvolume left");
});

/** The VG a clone into lvm from a non-lvm container uses: lxc.bdev.lvm.vg of /etc/lxc/lxc.conf, default "lxc". */
function globalLvmVg(): string {
  try {
    const m = /^\s*lxc\.bdev\.lvm\.vg\s*=\s*(\S+)/m.exec(readFileSync('/etc/lxc/lxc.conf', 'utf8'));
    if (m) return m[1];
  } catch { /* no global config */ }
  return 'lxc';
}

/** Kernel config evidence for device-mapper, from /proc/config.gz when the kernel exposes it. */
function kernelConfigEvidence(): string {
  try {
    const text = gunzipSync(readFileSync('/proc/config.gz')).toString('utf8');
    return text.split('\n').filter((l) => /CONFIG_(MD|BLK_DEV_DM|DM_SNAPSHOT|DM_THIN_PROVISIONING|MODULES)\b/.test(l)).join(' | ') || 'no MD/DM/MODULES lines';
  } catch {
    return '/proc/config.gz not available';
  }
}

t.test('lvm: a volume group on a loop device', async (t) => {
  if (!(await haveTools('pvcreate', 'vgcreate', 'lvcreate', 'lvs'))) {
    t.fail('lvm2 is not installed (scripts/setup.sh installs it)');
    return;
  }
  const defer = cleanups(t);
  const lxcpath = scratchLxcpath(defer);
  let t0 = Date.now();
  const vg = await volumeGroup({ thinpool: true });
  defer(`remove volume group ${vg.vg}`, () => vg.close());
  t.comment(`pvcreate + vgcreate ${vg.vg} on ${vg.device}: ${since(t0)}`);
  t.match((await run(['vgs', '--noheadings', '-o', 'vg_name,pv_count,lv_count', vg.vg])).stdout, new RegExp(`${vg.vg}\\s+1\\s+\\d+`), 'the VG exists');
  const dm = await deviceMapperStatus();
  t.comment(`device-mapper: ${dm.evidence}`);
  t.comment(`kernel config: ${kernelConfigEvidence()}`);

  await t.test('clone(bdevtype lvm, bdevdata VG) from a dir container: liblxc ignores bdevdata', async (t) => {
    const src = await source(lxcpath, 'src');
    const globalVg = globalLvmVg();
    const err = await src.clone('c-lvm', { bdevtype: 'lvm', bdevdata: vg.vg }).catch((e: unknown) => e);
    t.ok(err instanceof LxcError, 'the clone fails');
    const log = (err as LxcError).log ?? [];
    t.comment(`ECLONE: ${(err as Error).message}`);
    for (const line of log) t.comment(`  ${line}`);
    t.match(err, { code: 'ECLONE' });
    t.ok(log.some((l) => l.includes(`/dev/${globalVg}/c-lvm`)), `liblxc aimed at /dev/${globalVg}/c-lvm: the VG of the global lxc.bdev.lvm.vg, not bdevdata`);
    t.notOk(log.some((l) => l.includes(vg.vg)), `our VG ${vg.vg} appears nowhere`);
    t.ok(log.some((l) => /Failed to determine FSType|Failed mounting "lvm:/.test(l)), 'it never made an LV: it fails mounting one that does not exist');
    t.notOk(existsSync(`${lxcpath}/c-lvm`), 'the failed clone left no dir');
    t.same(await vg.lvs(), vg.thinpool ? [vg.thinpool] : [], 'and no LV');
    await destroy(t, src);
  });

  if (!dm.available) {
    await t.test('no device-mapper in this kernel: no logical volume can be made', async (t) => {
      t.notOk(dm.available, `the kernel has no device-mapper driver (${dm.evidence})`);
      t.ok(vg.thinpoolError, 'the thin pool could not be made');
      t.match(vg.thinpoolError, /device-mapper/, 'because of device-mapper');
      const lv = await run(['lvcreate', '--yes', '-L', '8m', '-n', 'probe', vg.vg]);
      t.not(lv.code, 0, `a plain lvcreate fails too (exit ${lv.code})`);
      t.match(lv.stderr, /Failure to communicate with kernel device-mapper driver|Required device-mapper target\(s\) not detected/, 'lvcreate says why');
      t.comment(`lvcreate: ${lv.stderr.trim().replace(/\s*\n\s*/g, ' | ')}`);

      const c = new Container('lvsrc', lxcpath);
      const err = await c.create('busybox', {}, { quiet: true, bdevtype: 'lvm', bdevSpecs: { fstype: 'ext4', fssize: 64 * MiB, lvm: { vg: vg.vg } } }).catch((e: unknown) => e);
      t.ok(err instanceof LxcError, 'create() on lvm fails');
      t.match(err, { code: 'ECREATE' });
      const log = (err as LxcError).log ?? [];
      t.comment(`ECREATE: ${(err as Error).message}`);
      for (const line of log) t.comment(`  ${line}`);
      t.ok(log.some((l) => l.includes(`Error creating new logical volume "lvm:/dev/${vg.vg}/lvsrc"`)), 'liblxc: error creating the logical volume in our VG (bdevSpecs.lvm.vg is honoured)');
      t.equal(c.defined, false, 'nothing stays defined');
      c.release();
      t.same(await vg.lvs(), [], 'and no LV was made');
    });
  } else {
    // Not reachable on a kernel without device-mapper (this project's machines): the round trip an
    // lvm-capable host runs. A source made by create() in our VG, then copy and snapshot clones
    // (lvm -> lvm clones stay in the source's VG).
    await t.test('lvm containers: create, a copy clone and a snapshot clone', async (t) => {
      const src = new Container('lvsrc', lxcpath);
      await src.create('busybox', {}, { quiet: true, bdevtype: 'lvm', bdevSpecs: { fstype: 'ext4', fssize: 64 * MiB, lvm: { vg: vg.vg } } });
      netConfig(src);
      src.saveConfig();
      t.equal(savedRootfs(src), `lvm:/dev/${vg.vg}/lvsrc`);
      await src.start();
      try {
        t.equal((await src.exec(['sh', '-c', `printf 'marker of lvsrc\\n' > /root/marker && sync`])).exitCode, 0, 'marker written in the source');
      } finally {
        await src.stop();
      }
      // The source's rootfs is on its LV: "the source never sees it" mounts that LV read-only for a look.
      const lvHas = async (path: string) => {
        const mnt = mkdtempSync(join(tmpdir(), 'lxcffi-lvmnt-'));
        try {
          const m = await run(['mount', '-o', 'ro', `/dev/${vg.vg}/lvsrc`, mnt]);
          if (m.code !== 0) throw new Error(`mount /dev/${vg.vg}/lvsrc: ${m.stderr.trim()}`);
          try {
            return existsSync(join(mnt, path));
          } finally {
            await run(['umount', mnt]);
          }
        } finally {
          rmSync(mnt, { recursive: true, force: true });
        }
      };
      t.ok(await lvHas('root/marker'), "the marker is on the source's LV");

      const copy = await src.clone('c-lvcopy', { bdevtype: 'lvm' });
      t.equal(savedRootfs(copy), `lvm:/dev/${vg.vg}/c-lvcopy`, "the saved lxc.rootfs.path is 'lvm:/dev/VG/NAME'");
      t.equal(copy.getConfigItem('lxc.rootfs.path'), `/dev/${vg.vg}/c-lvcopy`);
      t.ok((await vg.lvs()).includes('c-lvcopy'), 'a new LV');
      await roundTrip(t, copy, 'lvsrc', lvHas);
      await destroy(t, copy);
      t.notOk((await vg.lvs()).includes('c-lvcopy'), "the clone's LV is gone");

      const snap = await src.clone('c-lvsnap', { bdevtype: 'lvm', snapshot: true }).then((c) => c, (e: unknown) => e);
      if (snap instanceof Container) {
        t.equal(savedRootfs(snap), `lvm:/dev/${vg.vg}/c-lvsnap`);
        await roundTrip(t, snap, 'lvsrc', lvHas);
        await destroy(t, snap);
        t.notOk((await vg.lvs()).includes('c-lvsnap'), "the snapshot's LV is gone");
      } else {
        t.comment(`lvm snapshot clone not possible here: ${(snap as Error).message}`);
      }
      await destroy(t, src);
      t.same((await vg.lvs()).filter((n) => n !== vg.thinpool), [], 'no LV left');
    });
  }
});

// Port of lxc/lxc src/tests/snapshot.c (lxc-5.0.2): snapshot() of a stopped busybox container is
// snap0 with its rootfs at <lxcpath>/<name>/snaps/snap0/rootfs, snapshot_list names it,
// snapshot_restore makes a new container from it, snapshot_destroy removes it; then the same on
// an overlayfs snapshot clone, restored over itself. The C test saves the config before create;
// lxc-ffi refuses that create (EEXIST, documented) and the test says so.
import t from 'tap';
import { existsSync, rmSync } from 'node:fs';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath, within } from '../../helpers.js';

t.test('snapshot, list, restore to a new name, destroy; then on an overlay clone', async (t) => {
  const lxcpath = tempLxcpath(t);
  const made: lxc.Container[] = [];
  t.teardown(async () => {
    for (const x of made.reverse()) {
      if (x.defined) await x.destroy({ withSnapshots: true }).catch(() => undefined);
      x.release();
    }
  });
  const c = new lxc.Container('snapxxx1', lxcpath);
  made.push(c);
  c.setConfigItem('lxc.net.0.type', 'empty');
  c.saveConfig();
  // liblxc creates over a saved config that has no rootfs yet; lxc-ffi's create() refuses any
  // defined container (EEXIST, docs/api.md), so the saved file goes and the in-memory nic stays.
  await t.rejects(c.create('busybox', {}, { quiet: true }), { code: 'EEXIST' }, 'lxc-ffi: create over a saved config is EEXIST');
  rmSync(`${lxcpath}/snapxxx1`, { recursive: true });
  await within(120_000, 'create', c.create('busybox', {}, { quiet: true }));
  t.equal(c.getConfigItem('lxc.net.0.type'), 'empty', 'the nic set before create is kept');
  c.loadConfig();

  t.equal(await within(120_000, 'snapshot', c.snapshot()), 'snap0');
  t.ok(existsSync(`${lxcpath}/snapxxx1/snaps/snap0/rootfs`), 'snap0 rootfs where liblxc puts it');
  const list = await c.snapshotList();
  t.ok(list.length >= 1);
  t.equal(list[0].name, 'snap0');
  const restored = await within(120_000, 'restore', c.snapshotRestore('snap0', 'snapxxx2'));
  made.push(restored);
  await within(30_000, 'snapshot destroy', c.snapshotDestroy('snap0'));
  t.same(await c.snapshotList(), [], 'no snapshot left');
  const again = new lxc.Container('snapxxx2', lxcpath);
  t.equal(again.defined, true, 'the restored container is defined');
  again.release();

  const c2 = await within(60_000, 'overlay clone', c.clone('snapxxx3', { snapshot: true, bdevtype: 'overlayfs' }));
  made.push(c2);
  t.equal(await within(60_000, 'snapshot of the clone', c2.snapshot()), 'snap0');
  const list2 = await c2.snapshotList();
  t.equal(list2[0]?.name, 'snap0');
  const back = await within(60_000, 'restore over itself', c2.snapshotRestore('snap0'));
  t.equal(back.name, 'snapxxx3', 'restored in place');
  if (back !== c2) back.release();
  await within(30_000, 'snapshot destroy', c2.snapshotDestroy('snap0'));
  t.same(await c2.snapshotList(), []);
});

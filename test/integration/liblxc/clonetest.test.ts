// Port of lxc/lxc src/tests/clonetest.c (lxc-5.0.2): a busybox container is cloned (a copy) and the
// clone is defined; then an overlayfs snapshot clone of a dir container, and an overlayfs snapshot
// clone of that clone. The C test's LVM part runs only where the user made an "clonetestlvm1"
// container by hand beforehand; it has no counterpart here (storage.md covers lvm clones).
// The C test saves the config before create; lxc-ffi refuses that create (EEXIST, documented).
import t from 'tap';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath, within } from '../../helpers.js';

t.test('copy clone, overlay clone, overlay clone of an overlay clone', async (t) => {
  const lxcpath = tempLxcpath(t);
  const made: lxc.Container[] = [];
  // Overlay clones pin their source: destroy newest first, before tempLxcpath's sweep.
  t.teardown(async () => {
    for (const x of made.reverse()) {
      if (x.defined) await x.destroy().catch(() => undefined);
      x.release();
    }
  });
  const c = new lxc.Container('clonetest1', lxcpath);
  made.push(c);
  // The C test saves the config before create, which liblxc allows while there is no rootfs;
  // lxc-ffi's create() refuses any defined container with EEXIST (docs/api.md), so the file goes.
  c.saveConfig();
  await t.rejects(c.create('busybox', {}, { quiet: true }), { code: 'EEXIST' }, 'lxc-ffi: create over a saved config is EEXIST');
  rmSync(`${lxcpath}/clonetest1`, { recursive: true });
  await within(120_000, 'create', c.create('busybox', {}, { quiet: true }));
  c.loadConfig();
  t.equal(c.defined, true);

  const copy = await within(120_000, 'clone', c.clone('clonetest2'));
  t.equal(copy.defined, true, 'the copy is defined');
  t.ok(existsSync(`${lxcpath}/clonetest2/rootfs/bin/busybox`), 'with its own rootfs');
  t.equal(copy.getConfigItem('lxc.uts.name'), 'clonetest2', 'and its own hostname');
  await within(30_000, 'destroy copy', copy.destroy());
  copy.release();

  const o1 = await within(60_000, 'overlay clone', c.clone('clonetest-o1', { snapshot: true, bdevtype: 'overlayfs' }));
  made.push(o1);
  t.equal(o1.defined, true);
  t.match(readFileSync(`${lxcpath}/clonetest-o1/config`, 'utf8'), /^lxc\.rootfs\.path = overlay(fs)?:.*clonetest1\/rootfs:.*clonetest-o1\/overlay\/delta$/m, 'an overlay of clonetest1');
  const o2 = await within(60_000, 'overlay clone of the overlay clone', o1.clone('clonetest-o2', { snapshot: true, bdevtype: 'overlayfs' }));
  made.push(o2);
  t.equal(o2.defined, true);
  t.match(readFileSync(`${lxcpath}/clonetest-o2/config`, 'utf8'), /^lxc\.rootfs\.path = overlay(fs)?:.*clonetest-o2\/overlay\/delta$/m, 'an overlay of the overlay');
});

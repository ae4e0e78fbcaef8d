// The koffi declarations for the installed liblxc against what gcc says of lxc-dev's headers.
import t from 'tap';
import * as ffi from '../../ffi/index.js';
import { probeLayout } from '../fixtures/layout-probe.js';

// The headers of the runtime liblxc: lxc-dev's, or a prefix build's (scripts/matrix.sh sets
// LXC_FFI_HEADERS=<prefix>/include, the runtime coming from LD_LIBRARY_PATH).
const probe = { includeDirs: process.env.LXC_FFI_HEADERS ? [process.env.LXC_FFI_HEADERS] : [] };

t.test('every declared struct matches the C headers of the installed liblxc', async (t) => {
  t.equal(ffi.versionString, ffi.lxc_get_version(), 'version comes from lxc_get_version()');
  const structNames = Object.keys(ffi.types.structs).filter((s) => !s.includes('.') && ffi.types.members[s].length > 0);
  const targets = structNames.map((s) => ({
    cName: s.endsWith('_t') ? s : `struct ${s}`,
    members: ffi.types.members[s].map((m) => m.name),
  }));
  const probed = await probeLayout(targets, probe);
  let checked = 0;
  for (const s of structNames) {
    const cName = s.endsWith('_t') ? s : `struct ${s}`;
    const type = ffi.types.structs[s];
    t.equal(ffi.koffi.sizeof(type), probed[cName].size, `sizeof(${cName})`);
    for (const m of ffi.types.members[s]) {
      t.equal(ffi.koffi.offsetof(type, m.name), probed[cName].offsets[m.name], `offsetof(${cName}, ${m.name})`);
      checked++;
    }
  }
  t.ok(structNames.includes('lxc_container') && structNames.includes('lxc_attach_options_t'), 'the main structs are among them');
  t.comment(`${structNames.length} structs, ${checked} members checked for liblxc ${ffi.versionString}`);
});

t.test('nested bdev_specs members', async (t) => {
  const probed = await probeLayout([{ cName: 'struct bdev_specs', members: ['zfs.zfsroot', 'lvm.vg', 'lvm.thinpool', 'rbd.rbdpool', 'dir'] }], probe);
  const specs = ffi.types.structs.bdev_specs;
  t.equal(ffi.koffi.offsetof(specs, 'zfs'), probed['struct bdev_specs'].offsets['zfs.zfsroot']);
  t.equal(ffi.koffi.offsetof(specs, 'dir'), probed['struct bdev_specs'].offsets.dir);
  t.equal(ffi.koffi.offsetof(specs, 'lvm') + ffi.koffi.offsetof(ffi.types.structs['bdev_specs.lvm'], 'thinpool'), probed['struct bdev_specs'].offsets['lvm.thinpool']);
});

t.test('a member the runtime lacks is never called', async (t) => {
  const c = ffi.lxc_container_new('layout-probe', '/tmp') as bigint;
  t.teardown(() => ffi.lxc_container_put(c));
  // A member of the newest tabled release that this runtime's layout does not have.
  const runtime = new Set(ffi.types.members.lxc_container.map((m) => m.name));
  const absent = ffi.layoutOf('lxc_container', [7, 0, 0]).map((m) => ffi.parseMember(m.decl).name).find((n) => !runtime.has(n));
  if (absent) t.throws(() => ffi.method(c, absent), { code: 'ENOTSUP', message: new RegExp(absent) }, `${absent} is not in ${ffi.versionString}`);
  t.throws(() => ffi.method(c, 'no_such_member'), { code: 'ENOTSUP' });
  t.equal(typeof ffi.method(c, 'is_defined'), 'function');
  t.equal(ffi.method(c, 'is_defined'), ffi.method(c, 'is_defined'), 'decoded once, then reused');
});

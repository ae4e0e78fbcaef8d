// ffi/layouts.ts and ffi/types.ts against the vendored headers of every liblxc release
// (test/fixtures/headers): their text, what gcc says of them, and declare() for each release.
// Needs gcc, not liblxc.
import t from 'tap';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareVersions, functionIn, functionName, functions, layoutOf, newest, oldest, structs, tags, typedefs, type LxcVersion } from '../../ffi/layouts.js';
import { vendoredReleases, readSurface, headersDir } from '../fixtures/headers.js';
import { memberName, probeHeaders, type ProbeTarget } from '../fixtures/layout-probe.js';
import { declareReleases, inLanes, transpiledFfi, type DeclaredRelease } from '../fixtures/declare-release.js';

const releases = vendoredReleases();
const v = (version: LxcVersion) => version.join('.');
const cName = (key: string) => (key.endsWith('_t') ? key : `struct ${key}`);
const present = (version: LxcVersion) => Object.keys(structs).filter((s) => !s.includes('.') && layoutOf(s, version).length > 0);

t.test('every release from the oldest to the newest tabled one is vendored, as its tag has it', async (t) => {
  t.same(releases[0].version, oldest, 'the oldest vendored release is the table\'s oldest');
  t.same(releases.at(-1)!.version, newest, 'the newest vendored release is the table\'s newest');
  for (let i = 1; i < releases.length; i++) t.ok(compareVersions(releases[i - 1].version, releases[i].version) < 0, `${releases[i].tag} after ${releases[i - 1].tag}`);
  const vendored = new Set(releases.map((r) => r.tag));
  for (const tag of Object.values(tags)) t.ok(vendored.has(tag), `${tag}, cited by the table, is vendored`);
  for (const r of releases) {
    for (const [file, { blob }] of Object.entries(r.files)) {
      const bytes = readFileSync(join(r.includeDir, file));
      const hash = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
      if (hash !== blob) t.fail(`${r.tag}/${file}: git blob ${hash}, manifest says ${blob}`);
    }
    const provenance = readFileSync(join(headersDir, r.tag, 'PROVENANCE'), 'utf8');
    t.ok(provenance.includes(`tag:     ${r.tag}`) && provenance.includes(r.commit) && provenance.includes('LGPL-2.1-or-later'), `${r.tag}: PROVENANCE names tag, commit and license`);
  }
  t.comment(`${releases.length} releases: ${releases.map((r) => r.tag).join(' ')}`);
});

t.test('the table is the headers\' text, release by release', async (t) => {
  for (const r of releases) {
    const surface = readSurface(r.includeDir);
    const table = Object.fromEntries(Object.keys(structs).map((s) => [s, layoutOf(s, r.version).map((m) => m.decl)]).filter(([, m]) => m.length > 0));
    t.same(surface.structs, table, `${r.tag}: every struct and member, in order`);
    const fns = Object.values(surface.functions).sort();
    const tabled = functions.filter((f) => functionIn(functionName(f.decl), r.version)).map((f) => f.decl).sort();
    t.same(fns, tabled, `${r.tag}: the exported functions`);
    for (const name of surface.typedefs) t.ok(name in typedefs || name in structs, `${r.tag}: typedef ${name} is tabled`);
  }
});

t.test('gcc on each release\'s headers agrees with declare() for that release', async (t) => {
  const started = Date.now();
  const ffi = await transpiledFfi();
  t.teardown(ffi.remove);
  const probeOne = (r: (typeof releases)[number]) => {
    const targets: ProbeTarget[] = present(r.version).map((s) => ({ cName: cName(s), members: layoutOf(s, r.version).map((m) => memberName(m.decl)) }));
    // Members of the nested anonymous structs, by designator from their parent ('zfs.zfsroot').
    for (const key of Object.keys(structs).filter((s) => s.includes('.'))) {
      const [parent, member] = key.split('.');
      targets.find((x) => x.cName === cName(parent))!.members.push(...layoutOf(key, r.version).map((m) => `${member}.${memberName(m.decl)}`));
    }
    for (const name of Object.keys(typedefs)) targets.push({ cName: name, members: [] });
    // A member the release lacks fails the compile: reported for that release, the others still run.
    return probeHeaders(targets, { includeDirs: [r.includeDir], macros: ['LXC_VERSION'] })
      .catch((e: { stderr?: string; message: string }) => new Error(e.stderr?.split('\n').find((l) => l.includes('error:')) ?? e.message));
  };
  const [probed, declared] = await Promise.all([
    inLanes(releases, probeOne),
    declareReleases(releases.map((r) => r.version), ffi.dir),
  ]);
  let checked = 0;
  releases.forEach((r, i) => {
    const c = probed[i];
    const d: DeclaredRelease = declared[i];
    if (c instanceof Error) {
      t.fail(`${r.tag}: gcc: ${c.message}`);
      return;
    }
    t.equal(c.macros.LXC_VERSION, v(r.version), `${r.tag}: gcc read this release's headers`);
    if (d.error) {
      t.fail(`${r.tag}: declare() threw: ${d.error}`);
      return;
    }
    t.same(Object.keys(d.layouts).filter((s) => !s.includes('.')).sort(), present(r.version).sort(), `${r.tag}: declare() declares exactly the structs this release has`);
    const mismatches: string[] = [];
    for (const s of present(r.version)) {
      const gcc = c.layouts[cName(s)];
      const koffi = d.layouts[s];
      if (koffi.size !== gcc.size) mismatches.push(`sizeof(${cName(s)}) koffi ${koffi.size} gcc ${gcc.size}`);
      for (const [member, offset] of Object.entries(koffi.offsets)) {
        checked++;
        if (offset !== gcc.offsets[member]) mismatches.push(`offsetof(${cName(s)}, ${member}) koffi ${offset} gcc ${gcc.offsets[member]}`);
      }
    }
    for (const key of Object.keys(d.layouts).filter((s) => s.includes('.'))) {
      const [parent, member] = key.split('.');
      for (const [inner, offset] of Object.entries(d.layouts[key].offsets)) {
        checked++;
        const koffi = d.layouts[parent].offsets[member] + offset;
        const gcc = c.layouts[cName(parent)].offsets[`${member}.${inner}`];
        if (koffi !== gcc) mismatches.push(`offsetof(${cName(parent)}, ${member}.${inner}) koffi ${koffi} gcc ${gcc}`);
      }
    }
    for (const [name, size] of Object.entries(d.typedefSizes)) {
      if (size !== c.layouts[name].size) mismatches.push(`sizeof(${name}) koffi ${size} gcc ${c.layouts[name].size}`);
    }
    t.same(mismatches, [], `${r.tag}: sizeof/offsetof of ${present(r.version).length} structs`);
    t.same(d.methodsWithoutPrototype, [], `${r.tag}: every callable lxc_container member has a prototype`);
  });
  t.comment(`${releases.length} releases, ${checked} offsets compared, in ${Date.now() - started} ms`);
});

t.test('declare() leaves out the structs a release does not have yet', async (t) => {
  const ffi = await transpiledFfi();
  t.teardown(ffi.remove);
  const [v300, v310, v406, v407] = await declareReleases([[3, 0, 0], [3, 1, 0], [4, 0, 6], [4, 0, 7]], ffi.dir);
  for (const d of [v300, v310, v406, v407]) t.notOk(d.error, `declare(${v(d.version)}) does not throw`);
  t.notOk('lxc_mount' in v300.layouts, 'no struct lxc_mount in 3.0.0');
  t.ok('lxc_mount' in v310.layouts, 'struct lxc_mount in 3.1.0');
  t.notOk('lxc_groups_t' in v406.layouts, 'no lxc_groups_t in 4.0.6');
  t.same(v406.members.lxc_groups_t, [], 'its members: none');
  t.ok('lxc_groups_t' in v407.layouts, 'lxc_groups_t in 4.0.7');
  t.equal(v407.layouts.lxc_attach_options_t.offsets.groups, 80, 'groups after lsm_label (LP64)');
});

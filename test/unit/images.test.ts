// The image catalogue's pure parts: reading an index (lib/images.ts), the check a download create
// makes against it, the REPL's completion of image options (lib/repl/complete.ts), and when the
// create worker may share an image's cache lock (lib/create/cachelock.ts).
import t from 'tap';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIndex, checkImage } from '../../lib/images.js';
import { completeImage, imageQuery } from '../../lib/repl/complete.js';
import { cacheReady } from '../../lib/create/cachelock.js';

const index = [
  'debian;bookworm;amd64;default;20261207_05:24;/images/debian/bookworm/amd64/default/20261207_05:24/',
  'debian;bookworm;arm64;default;20261207_05:24;/images/debian/bookworm/arm64/default/20261207_05:24/',
  'debian;trixie;amd64;cloud;20261207_05:24;/images/debian/trixie/amd64/cloud/20261207_05:24/',
  'alpine;3.19;amd64;default;20261207_13:00;/images/alpine/3.19/amd64/default/20261207_13:00/',
].join('\n');
const entries = parseIndex(index);

t.test('parseIndex: six fields a line, the last taking the rest; broken lines skipped', async (t) => {
  t.equal(entries.length, 4);
  t.same(entries[0], { dist: 'debian', release: 'bookworm', arch: 'amd64', variant: 'default', build: '20261207_05:24', path: '/images/debian/bookworm/amd64/default/20261207_05:24/' });
  t.same(parseIndex('a;b;c;d;e;f;g\r\n').map((e) => e.path), ['f;g']);
  t.same(parseIndex('a;b;c;d;e\n;b;c;d;e;f\na;b;c;d;;f\na;b;c;d;e;\na\u0007;b;c;d;e;f\n\n;;;;;;;\n'), [], 'short, empty-field and control-character lines');
  t.same(parseIndex(''), []);
  // A large index reads in linear time.
  const big = 'd;r;a;v;b;/p/\n'.repeat(200_000);
  const started = Date.now();
  t.equal(parseIndex(big).length, 200_000);
  t.ok(Date.now() - started < 5000, `200k lines in ${Date.now() - started} ms`);
});

t.test('checkImage: the first of dist, release, arch, variant not listed, with the nearest name', async (t) => {
  const s = 'images.example';
  t.doesNotThrow(() => checkImage({ dist: 'debian', release: 'bookworm', arch: 'amd64' }, entries, s));
  t.doesNotThrow(() => checkImage({ dist: 'debian', release: 'trixie', arch: 'amd64', variant: 'cloud' }, entries, s));
  t.throws(() => checkImage({ dist: 'debian', release: 'bookwrom', arch: 'amd64' }, entries, s), { code: 'EINVAL', message: 'create: release "bookwrom" is not on images.example; did you mean bookworm?' });
  t.throws(() => checkImage({ dist: 'debain', release: 'bookworm', arch: 'amd64' }, entries, s), { message: 'create: dist "debain" is not on images.example; did you mean debian?' });
  t.throws(() => checkImage({ dist: 'debian', release: 'bookworm', arch: 'mips' }, entries, s), { message: 'create: arch "mips" is not on images.example for debian bookworm (it has: amd64, arm64)' });
  t.throws(() => checkImage({ dist: 'debian', release: 'trixie', arch: 'amd64' }, entries, s), { message: 'create: variant "default" is not on images.example for debian trixie amd64 (it has: cloud)' });
  t.throws(() => checkImage({ dist: 'x', release: 'y', arch: 'z' }, [], s), { message: /its index lists no image/ });
});

t.test('completeImage: the values of the option being typed, narrowed by the ones given', async (t) => {
  t.same(completeImage('.create web download --dist de', entries), [['debian'], 'de']);
  t.same(completeImage('.create web download --dist ', entries), [['alpine', 'debian'], '']);
  t.same(completeImage('.create web download --dist debian --release ', entries), [['bookworm', 'trixie'], '']);
  t.same(completeImage('.create web download --dist debian --release bookworm --arch a', entries), [['amd64', 'arm64'], 'a']);
  t.same(completeImage('.create web download --dist debian --release trixie --arch amd64 --variant ', entries), [['cloud'], '']);
  t.same(completeImage('.create web download --dist=alpine --release 3', entries), [['3.19'], '3']);
  t.equal(completeImage('.create web busybox --dist de', entries), null, 'another template');
  t.equal(completeImage('.create web download --flush-cache', entries), null);
  t.same(imageQuery('.create web download --server 127.0.0.1:8443 --dist d'), { key: 'dist', typed: 'd', given: {}, server: '127.0.0.1:8443' });
});

t.test('cacheReady: when the template will only read the cache', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcffi-cachelock-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const l = { dir: join(dir, 'default'), flush: false, force: false, mode: 'system' as const };
  t.notOk(cacheReady(l), 'no directory');
  mkdirSync(l.dir);
  writeFileSync(join(l.dir, 'rootfs.tar.xz'), 'x');
  t.notOk(cacheReady(l), 'no build_id: a download killed half-way');
  writeFileSync(join(l.dir, 'build_id'), 'b\n');
  t.ok(cacheReady(l), 'complete, no expiry');
  t.notOk(cacheReady({ ...l, flush: true }), 'flushCache writes');
  const now = 1_800_000_000;
  writeFileSync(join(l.dir, 'expiry'), `${now + 3600}\n`);
  t.ok(cacheReady(l, now), 'an hour left');
  writeFileSync(join(l.dir, 'expiry'), `${now + 10}\n`);
  t.notOk(cacheReady(l, now), 'about to expire: the template may download again');
  t.ok(cacheReady({ ...l, force: true }, now), 'forceCache uses it anyway');
  writeFileSync(join(l.dir, 'expiry-system'), `${now + 3600}\n`);
  t.ok(cacheReady(l, now), 'expiry-MODE is the one read, as relevant_file() does');
});

// c.files (lib/container/files.ts) on real busybox containers in temporary lxcpaths: small files
// and streams, trees both ways, ids through lxc.idmap, stopped dir and overlay rootfs, and the
// hostile cases of docs/files.md. A secret file on the host (/root/<secret>) and a host directory
// that must stay empty show that nothing outside the container is ever read or written.
import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import { LxcError, type Container } from '../../lib/index.js';
import { tempLxcpath, busybox, idmappedBusybox, within } from '../helpers.js';

const secret = `lxcffi-files-${randomBytes(8).toString('hex')}`;
const secretPath = `/root/${secret}`;
writeFileSync(secretPath, `${secret}\n`, { mode: 0o600 });
t.teardown(() => rmSync(secretPath, { force: true }));

/** The host is untouched: the secret as written, and no file of this run's name elsewhere in /root or /etc. */
function hostUntouched(t: Test): void {
  t.equal(readFileSync(secretPath, 'utf8'), `${secret}\n`, 'the host secret is unchanged');
  t.same(readdirSync('/root').filter((n) => n.startsWith(secret) && n !== secret), [], 'no new file in the host /root');
  t.notOk(existsSync(`/etc/${secret}`), 'no new file in the host /etc');
}

const rootfs = (c: Container) => join(c.lxcpath, c.name, 'rootfs');
const code = (e: unknown) => (e instanceof LxcError ? `${e.code} ${e.errno}` : String(e));

/** Plants the hostile objects in a rootfs, as the container's root would. */
function plant(root: string): void {
  mkdirSync(join(root, 'root'), { recursive: true });
  symlinkSync(secretPath, join(root, 'abs'));
  symlinkSync(`../../../../../../../..${secretPath}`, join(root, 'rel'));
  symlinkSync('/', join(root, 'slash'));
  symlinkSync('../../../../../../..', join(root, 'up'));
  symlinkSync('/proc/1/root', join(root, 'magic'));
  mkdirSync(join(root, 'tree/sub'), { recursive: true });
  writeFileSync(join(root, 'tree/sub/a.txt'), 'a');
  symlinkSync(secretPath, join(root, 'tree/secret-link'));
  execFileSync('mkfifo', [join(root, 'tree/fifo')]);
  execFileSync('mknod', [join(root, 'tree/mem'), 'c', '1', '1']);
}

t.test('small files, stat, list, mkdir -p, remove: stopped, then running', async (t) => {
  t.setTimeout(240_000);
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'small');
  for (const state of ['stopped', 'running']) {
    if (state === 'running') await within(60_000, 'start', c.start());
    await c.files.write(`/srv/${state}/deep/a.txt`, `hello ${state}`, { uid: 12, gid: 34, mode: 0o640 });
    t.equal((await c.files.read(`/srv/${state}/deep/a.txt`)).toString(), `hello ${state}`, `${state}: read back`);
    const s = await c.files.stat(`/srv/${state}/deep/a.txt`);
    t.match(s, { type: 'file', size: 6 + state.length, mode: 0o640, uid: 12, gid: 34 }, `${state}: stat`);
    t.match(await c.files.stat(`/srv/${state}`), { type: 'directory', mode: 0o755, uid: 12, gid: 34 }, `${state}: parents made, owned`);
    await c.files.write(`/srv/${state}/deep/a.txt`, Buffer.from('over'));
    t.equal((await c.files.read(`/srv/${state}/deep/a.txt`)).toString(), 'over', `${state}: an existing file is truncated`);
    await c.files.mkdir(`/srv/${state}/x/y/z`);
    t.same((await c.files.list(`/srv/${state}`)).map((e) => `${e.name}:${e.type}`), ['deep:directory', 'x:directory'], `${state}: list`);
    await t.rejects(c.files.mkdir(`/srv/${state}/p/q`, { parents: false }), { code: 'EFILE', errno: 2 }, `${state}: parents: false`);
    await t.rejects(c.files.remove(`/srv/${state}`), { code: 'EFILE', errno: 39 }, `${state}: a directory that is not empty stays`);
    await c.files.remove(`/srv/${state}`, { recursive: true });
    await t.rejects(c.files.stat(`/srv/${state}`), { code: 'EFILE', errno: 2 }, `${state}: removed`);
    await c.files.remove(`/srv/${state}`, { force: true });
    await t.rejects(c.files.read('/etc'), { code: 'EFILE', errno: 21 }, `${state}: a directory is not read as a file`);
    await t.rejects(c.files.read('/etc/passwd', { maxBytes: 1 }), { code: 'EFILE' }, `${state}: maxBytes`);
    await t.rejects(c.files.write('/', 'x'), { code: 'EINVAL' }, `${state}: "/" names no file`);
    await t.rejects(c.files.push('/nonexistent-host-path', '/x'), { code: 'EFILE', errno: 2 }, `${state}: a missing host path is EFILE`);
  }
  t.equal(c.running, true);
  await c.files.write('/tmp/seen', 'by the container');
  t.equal((await c.exec(['cat', '/tmp/seen'])).stdout, 'by the container', 'running: a write is seen inside (its /tmp)');
});

t.test('hostile paths: symlinks to host files, .. chains, magic links, fifos and devices', async (t) => {
  t.setTimeout(240_000);
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'hostile');
  plant(rootfs(c));
  for (const state of ['stopped', 'running']) {
    if (state === 'running') await within(60_000, 'start', c.start());
    // Reads: each resolves inside the container, where /root/<secret> does not exist.
    for (const p of ['/abs', '/rel', `/slash${secretPath}`, `/up${secretPath}`, `/../../../../..${secretPath}`, `../../..${secretPath}`, `/tree/../../..${secretPath}`, '/tree/secret-link']) {
      await t.rejects(c.files.read(p), { code: 'EFILE', errno: 2 }, `${state}: read ${p}: ENOENT inside the container`);
    }
    await t.rejects(c.files.read('/magic/etc/passwd'), { code: 'EFILE', errno: state === 'stopped' ? 2 : 40 }, `${state}: a symlink to a /proc magic link: ELOOP (stopped: no /proc, ENOENT)`);
    if (state === 'running') await t.rejects(c.files.read('/proc/self/root/etc/passwd'), { code: 'EFILE' }, 'running: /proc/self/root is refused');
    // Writes through the same paths land inside the container.
    await c.files.write('/abs', 'planted-abs');
    t.equal(readFileSync(join(rootfs(c), secretPath), 'utf8'), 'planted-abs', `${state}: a write through /abs lands in the container's /root`);
    await c.files.write(`/up/root/${secret}-up`, 'planted-up');
    t.ok(existsSync(join(rootfs(c), `root/${secret}-up`)), `${state}: a write through ../.. lands in the container`);
    await c.files.write(`/../../etc/${secret}`, 'x');
    t.ok(existsSync(join(rootfs(c), `etc/${secret}`)), `${state}: /../../etc lands in the container's /etc`);
    await c.files.mkdir(`/slash/root/${secret}-dir/a`);
    t.ok(existsSync(join(rootfs(c), `root/${secret}-dir/a`)), `${state}: mkdir -p through a symlink to / stays inside`);
    await c.files.remove(`/slash/root/${secret}-dir`, { recursive: true });
    await c.files.remove('/abs');
    t.ok(lstatSync(join(rootfs(c), 'root', secret)).isFile(), `${state}: remove of a symlink removes the link, not its target`);
    symlinkSync(secretPath, join(rootfs(c), 'abs'));
    // Fifos and device nodes are refused without being opened (a fifo would block).
    const t0 = Date.now();
    await t.rejects(c.files.read('/tree/fifo'), { code: 'EFILE', message: /fifo/ }, `${state}: a fifo is refused`);
    await t.rejects(c.files.write('/tree/fifo', 'x'), { code: 'EFILE', message: /fifo/ }, `${state}: writing a fifo is refused`);
    await t.rejects(c.files.read('/tree/mem'), { code: 'EFILE', message: /char-device/ }, `${state}: a device node is refused`);
    t.ok(Date.now() - t0 < 5000, `${state}: without waiting`);
    t.match(await c.files.stat('/tree/fifo'), { type: 'fifo' }, `${state}: stat of a fifo`);
    t.match(await c.files.stat('/abs'), { type: 'symlink', target: secretPath }, `${state}: stat of a symlink is the link`);
    // A tree pulled to the host: symlinks stay symlinks (never followed), fifo and device skipped.
    const out = mkdtempSync(join(tmpdir(), 'lxcffi-pull-'));
    t.teardown(() => rmSync(out, { recursive: true, force: true }));
    const got = await within(30_000, 'pull', c.files.pull('/tree', join(out, state)));
    t.match(got, { files: 1, directories: 2, symlinks: 1, skipped: ['/tree/fifo', '/tree/mem'] }, `${state}: pull summary`);
    t.equal(readlinkSync(join(out, state, 'secret-link')), secretPath, `${state}: the symlink is copied as a link`);
    t.equal(readFileSync(join(out, state, 'sub/a.txt'), 'utf8'), 'a');
    // Pulling again over the same tree with the link now a directory: never writes through the host symlink.
    rmSync(join(rootfs(c), 'tree/secret-link'));
    mkdirSync(join(rootfs(c), 'tree/secret-link'));
    writeFileSync(join(rootfs(c), 'tree/secret-link/x'), 'x');
    await t.rejects(c.files.pull('/tree', join(out, state)), { code: 'EFILE', message: /not a directory/ }, `${state}: a host symlink in the way is refused`);
    rmSync(join(rootfs(c), 'tree/secret-link'), { recursive: true });
    symlinkSync(secretPath, join(rootfs(c), 'tree/secret-link'));
    hostUntouched(t);
    // The container's own copies go, so the next round's reads find nothing again.
    for (const f of [secretPath, `/root/${secret}-up`, `/etc/${secret}`]) rmSync(join(rootfs(c), f), { force: true });
  }
});

t.test('a symlink swapped for a directory during copies (a loop in the container)', async (t) => {
  t.setTimeout(240_000);
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'swap');
  await within(60_000, 'start', c.start());
  // /s flips between a directory, a symlink to / and a symlink to ../../.. as fast as busybox can.
  const loop = await c.attach(['sh', '-c', 'while :; do rm -rf /s; mkdir -p /s/root; ln -sfn / /s2; mv -T /s2 /s; rm -f /s; ln -s ../../../../.. /s; rm -f /s; done']);
  t.teardown(() => { try { loop.kill('SIGKILL'); } catch { /* gone */ } });
  const host = mkdtempSync(join(tmpdir(), 'lxcffi-swap-'));
  t.teardown(() => rmSync(host, { recursive: true, force: true }));
  writeFileSync(join(host, 'f'), 'pushed');
  let ok = 0;
  let failed = 0;
  for (let i = 0; i < 300; i++) {
    for (const work of [
      () => c.files.write(`/s/root/${secret}`, 'swapped'),
      () => c.files.read(`/s/root/${secret}`),
      () => c.files.mkdir(`/s/root/${secret}-d/e`),
      () => c.files.push(host, `/s/root/${secret}-tree`),
      () => c.files.remove(`/s/root/${secret}-d`, { recursive: true, force: true }),
    ]) {
      try {
        await work();
        ok++;
      } catch (e) {
        if (!(e instanceof LxcError) || e.code !== 'EFILE') throw e;
        failed++;
      }
    }
  }
  t.ok(ok + failed === 1500, `${ok} operations done, ${failed} failed cleanly (EFILE) against the swapping`);
  loop.kill('SIGKILL');
  hostUntouched(t);
  t.notOk(existsSync(`/root/${secret}-d`) || existsSync(`/root/${secret}-tree`), 'nothing made in the host /root');
});

t.test('a file that grows while read, and a bind mount inside the container', async (t) => {
  t.setTimeout(240_000);
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'grow');
  const shared = mkdtempSync(join(tmpdir(), 'lxcffi-bind-'));
  t.teardown(() => rmSync(shared, { recursive: true, force: true }));
  writeFileSync(join(shared, 'in-bind.txt'), 'bound');
  symlinkSync(`../../../../../..${secretPath}`, join(shared, 'evil'));
  c.setConfigItem('lxc.mount.entry', `${shared} mnt/b none bind,create=dir 0 0`);
  c.saveConfig();
  await within(60_000, 'start', c.start());
  const grower = await c.attach(['sh', '-c', 'yes 0123456789abcdef > /tmp/grow']);
  t.teardown(() => { try { grower.kill('SIGKILL'); } catch { /* gone */ } });
  await new Promise((r) => setTimeout(r, 300));
  const before = (await c.files.stat('/tmp/grow')).size;
  let n = 0;
  await within(30_000, 'read a growing file', (async () => {
    for await (const chunk of await c.files.readStream('/tmp/grow')) n += (chunk as Buffer).length;
  })());
  t.ok(n >= before, `read ${n} bytes: the size at open (≥ ${before} before), and ended although the file still grows`);
  grower.kill('SIGKILL');
  t.equal((await c.files.read('/mnt/b/in-bind.txt')).toString(), 'bound', 'a file of a bind mount inside the running container is reached');
  await t.rejects(c.files.read('/mnt/b/evil'), { code: 'EFILE', errno: 2 }, 'a symlink inside the bind mount resolves in the container root');
  await t.rejects(c.files.read(`/mnt/b/../../../../..${secretPath}`), { code: 'EFILE', errno: 2 }, '.. out of the bind mount stops at the container root');
  await c.files.write('/mnt/b/evil', 'through');
  t.equal(readFileSync(join(rootfs(c), secretPath), 'utf8'), 'through', 'a write through it lands in the container root');
  hostUntouched(t);
  await within(60_000, 'stop', c.stop());
  await t.rejects(c.files.read('/mnt/b/in-bind.txt'), { code: 'EFILE', errno: 2 }, 'stopped: the rootfs alone (no mounts)');
});

t.test('an idmapped container: ids are container ids, files owned by the mapped ids on the host', async (t) => {
  t.setTimeout(240_000);
  const lxcpath = tempLxcpath(t);
  const c = await idmappedBusybox(lxcpath, 'mapped');
  for (const state of ['stopped', 'running']) {
    if (state === 'running') await within(60_000, 'start', c.start());
    await c.files.write(`/home/u/${state}.txt`, 'x', { uid: 1000, gid: 1001 });
    const host = statSync(join(rootfs(c), `home/u/${state}.txt`));
    t.same([host.uid, host.gid], [101000, 101001], `${state}: owned by the mapped ids on the host`);
    t.match(await c.files.stat(`/home/u/${state}.txt`), { uid: 1000, gid: 1001 }, `${state}: stat says the container ids`);
    await c.files.write(`/${state}-root.txt`, 'x');
    t.equal(statSync(join(rootfs(c), `${state}-root.txt`)).uid, 100000, `${state}: the default owner is the container's root`);
    await t.rejects(c.files.write('/u.txt', 'x', { uid: 70000 }), { code: 'EINVAL', message: /not mapped/ }, `${state}: an unmapped uid is refused`);
  }
  t.equal((await c.exec(['stat', '-c', '%u:%g', '/home/u/running.txt'])).stdout.trim(), '1000:1001', 'the container sees its own ids');
});

t.test('a stopped overlay clone: writes go to its upper layer, its base is untouched', async (t) => {
  t.setTimeout(240_000);
  const lxcpath = tempLxcpath(t);
  const base = await busybox(lxcpath, 'base');
  const clone = await base.clone('ov', { bdevType: 'overlayfs', snapshot: true });
  await clone.files.write('/etc/only-in-clone', 'clone');
  t.equal((await clone.files.read('/etc/only-in-clone')).toString(), 'clone');
  t.ok((await clone.files.read('/etc/passwd')).length > 0, 'the lower layer is read through the overlay');
  await clone.files.write('/etc/passwd', 'root:x:0:0::/root:/bin/sh\n');
  t.notOk(existsSync(join(rootfs(base), 'etc/only-in-clone')), 'the base has no new file');
  t.not(readFileSync(join(rootfs(base), 'etc/passwd'), 'utf8'), 'root:x:0:0::/root:/bin/sh\n', "the base's passwd is its own");
  await clone.files.remove('/etc/group');
  t.ok(existsSync(join(rootfs(base), 'etc/group')), 'a remove in the clone is a whiteout in the upper layer');
  await within(60_000, 'start the clone', clone.start());
  t.equal((await clone.exec(['cat', '/etc/only-in-clone'])).stdout, 'clone', 'the started clone has the file');
  t.equal((await clone.exec(['sh', '-c', 'test -e /etc/group; echo $?'])).stdout.trim(), '1', 'and not the removed one');
});

t.test('push and pull trees, and a large stream with flat memory', async (t) => {
  t.setTimeout(400_000);
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'big');
  const host = mkdtempSync(join(tmpdir(), 'lxcffi-tree-'));
  t.teardown(() => rmSync(host, { recursive: true, force: true }));
  mkdirSync(join(host, 'in/a/b'), { recursive: true });
  writeFileSync(join(host, 'in/a/b/f.txt'), 'deep', { mode: 0o600 });
  writeFileSync(join(host, 'in/top.txt'), 'top');
  symlinkSync('a/b/f.txt', join(host, 'in/link'));
  await within(60_000, 'start', c.start());
  t.match(await c.files.push(join(host, 'in'), '/opt/tree', { uid: 7, gid: 7 }), { files: 2, directories: 3, symlinks: 1 }, 'push summary');
  t.match(await c.files.stat('/opt/tree/a/b/f.txt'), { mode: 0o600, uid: 7, gid: 7 }, 'modes kept, owner given');
  t.equal((await c.exec(['cat', '/opt/tree/link'])).stdout, 'deep', 'the symlink works inside');
  t.match(await c.files.pull('/opt/tree', join(host, 'out')), { files: 2, directories: 3, symlinks: 1 }, 'pull summary');
  t.equal(readFileSync(join(host, 'out/a/b/f.txt'), 'utf8'), 'deep');
  // A large file both ways through streams: RSS stays within a bound, whatever the size.
  const size = Number(process.env.LXCFFI_FILES_BIG_MIB ?? 1024) * 1024 * 1024;
  const bound = 96 * 1024 * 1024;
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  t.teardown(() => clearInterval(sampler));
  const chunk = Buffer.alloc(1 << 20, 7);
  let left = size;
  const source = new Readable({ read() { if (left <= 0) return this.push(null); left -= chunk.length; this.push(chunk); } });
  await within(300_000, 'push a large stream', pipeline(source, await c.files.writeStream('/big')));
  t.equal((await c.files.stat('/big')).size, size, `${size >> 20} MiB written`);
  let got = 0;
  await within(300_000, 'pull a large stream', pipeline(await c.files.readStream('/big'), new Writable({ write(b: Buffer, _e, cb) { got += b.length; cb(); } })));
  clearInterval(sampler);
  t.equal(got, size, `${size >> 20} MiB read`);
  t.ok(peak - base < bound, `RSS grew ${((peak - base) / 1048576).toFixed(1)} MiB (bound ${bound >> 20} MiB) streaming ${size >> 20} MiB each way`);
  await c.files.remove('/big');
});

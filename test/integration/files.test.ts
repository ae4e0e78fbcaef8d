// c.files (lib/container/files.ts) on real busybox containers in temporary lxcpaths: small files
// and streams, trees both ways, ids through lxc.idmap, stopped dir and overlay rootfs, and the
// hostile cases of docs/files.md. A secret file on the host and a host directory that must stay
// empty show that nothing outside the container is ever read or written.
// Run as root and as a normal user (scripts/as-user.sh: every container is then idmapped, and the
// root side of each call runs in a helper in the container's user namespace). As a normal user
// the secret is in the host's /tmp and writable by anyone, the container's host ids included: a
// path that escaped the container's root would change it.
import t, { type Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import { LxcError, type Container } from '../../lib/index.js';
import { tempLxcpath, busybox, idmappedBusybox, within, asRoot, asRootfsOwner } from '../helpers.js';

const secretDir = asRoot ? '/root' : '/tmp';
const secret = `lxcffi-files-${randomBytes(8).toString('hex')}`;
const secretPath = `${secretDir}/${secret}`;
writeFileSync(secretPath, `${secret}\n`, { mode: 0o600 });
if (!asRoot) chmodSync(secretPath, 0o666);
t.teardown(() => rmSync(secretPath, { force: true }));

/** The host is untouched: the secret as written, and no file of this run's name elsewhere in its directory or /etc. */
function hostUntouched(t: Test): void {
  t.equal(readFileSync(secretPath, 'utf8'), `${secret}\n`, 'the host secret is unchanged');
  t.same(readdirSync(secretDir).filter((n) => n.startsWith(secret) && n !== secret), [], `no new file in the host ${secretDir}`);
  t.notOk(existsSync(`/etc/${secret}`), 'no new file in the host /etc');
}

const rootfs = (c: Container) => join(c.lxcpath, c.name, 'rootfs');
const inRootfs = (c: Container, rel: string) => join(rootfs(c), rel);
/** The rootfs as the container's root sees it from the host (a normal user cannot read all of it). */
const rootfsRead = (c: Container, rel: string) => asRootfsOwner(c, 'cat "$1"', [inRootfs(c, rel)]);
const rootfsHas = (c: Container, rel: string) => asRootfsOwner(c, 'if test -e "$1"; then echo yes; fi', [inRootfs(c, rel)]).trim() === 'yes';
const rootfsIsFile = (c: Container, rel: string) => asRootfsOwner(c, 'if test -f "$1" && ! test -L "$1"; then echo yes; fi', [inRootfs(c, rel)]).trim() === 'yes';

/** The host id of container id `id` (identity without an lxc.idmap). */
function hostId(c: Container, kind: 'u' | 'g', id: number): number {
  for (const line of c.getConfigItem('lxc.idmap').split('\n')) {
    const [k, inside, outside, count] = line.trim().split(/\s+/);
    if (k === kind && id >= +inside && id < +inside + +count) return +outside + id - +inside;
  }
  return id;
}

/**
 * Plants the hostile objects in the rootfs, as the container's root would. Returns whether a
 * device node could be made: as root, yes; as a normal user the container's root cannot mknod (a
 * user namespace may not), so a stopped rootfs of its has none.
 */
function plant(c: Container): boolean {
  return asRootfsOwner(c, `
    r=$1 s=$2 d=$3
    mkdir -p "$r$d" "$r/tree/sub"
    ln -s "$s" "$r/abs"
    ln -s "../../../../../../../..$s" "$r/rel"
    ln -s / "$r/slash"
    ln -s ../../../../../../.. "$r/up"
    ln -s /proc/1/root "$r/magic"
    printf a >"$r/tree/sub/a.txt"
    ln -s "$s" "$r/tree/secret-link"
    mkfifo "$r/tree/fifo"
    if mknod "$r/tree/mem" c 1 1 2>/dev/null; then echo mem; fi`, [rootfs(c), secretPath, secretDir]).trim() === 'mem';
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
  const mem = plant(c);
  t.equal(mem, asRoot, asRoot ? 'a device node is planted' : "as a normal user the container's root cannot make a device node (a stopped rootfs has none)");
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
    t.equal(rootfsRead(c, secretPath), 'planted-abs', `${state}: a write through /abs lands in the container's ${secretDir}`);
    await c.files.write(`/up${secretDir}/${secret}-up`, 'planted-up');
    t.ok(rootfsHas(c, `${secretDir}/${secret}-up`), `${state}: a write through ../.. lands in the container`);
    await c.files.write(`/../../etc/${secret}`, 'x');
    t.ok(rootfsHas(c, `etc/${secret}`), `${state}: /../../etc lands in the container's /etc`);
    await c.files.mkdir(`/slash${secretDir}/${secret}-dir/a`);
    t.ok(rootfsHas(c, `${secretDir}/${secret}-dir/a`), `${state}: mkdir -p through a symlink to / stays inside`);
    await c.files.remove(`/slash${secretDir}/${secret}-dir`, { recursive: true });
    await c.files.remove('/abs');
    t.ok(rootfsIsFile(c, secretPath), `${state}: remove of a symlink removes the link, not its target`);
    asRootfsOwner(c, 'ln -s "$1" "$2"', [secretPath, inRootfs(c, 'abs')]);
    // Fifos and device nodes are refused without being opened (a fifo would block).
    const t0 = Date.now();
    await t.rejects(c.files.read('/tree/fifo'), { code: 'EFILE', message: /fifo/ }, `${state}: a fifo is refused`);
    await t.rejects(c.files.write('/tree/fifo', 'x'), { code: 'EFILE', message: /fifo/ }, `${state}: writing a fifo is refused`);
    if (mem) await t.rejects(c.files.read('/tree/mem'), { code: 'EFILE', message: /char-device/ }, `${state}: a device node is refused`);
    // A running unprivileged container has the host's own device nodes bound into its /dev.
    if (state === 'running') await t.rejects(c.files.read('/dev/null'), { code: 'EFILE', message: /char-device/ }, 'running: /dev/null (a device node) is refused');
    if (state === 'running') await t.rejects(c.files.write('/dev/null', 'x'), { code: 'EFILE', message: /char-device/ }, 'running: and not written');
    t.ok(Date.now() - t0 < 5000, `${state}: without waiting`);
    t.match(await c.files.stat('/tree/fifo'), { type: 'fifo' }, `${state}: stat of a fifo`);
    t.match(await c.files.stat('/abs'), { type: 'symlink', target: secretPath }, `${state}: stat of a symlink is the link`);
    // A tree pulled to the host: symlinks stay symlinks (never followed), fifo and device skipped.
    const out = mkdtempSync(join(tmpdir(), 'lxcffi-pull-'));
    t.teardown(() => rmSync(out, { recursive: true, force: true }));
    const got = await within(30_000, 'pull', c.files.pull('/tree', join(out, state)));
    t.match(got, { files: 1, directories: 2, symlinks: 1, skipped: mem ? ['/tree/fifo', '/tree/mem'] : ['/tree/fifo'] }, `${state}: pull summary`);
    t.equal(readlinkSync(join(out, state, 'secret-link')), secretPath, `${state}: the symlink is copied as a link`);
    t.equal(readFileSync(join(out, state, 'sub/a.txt'), 'utf8'), 'a');
    // Pulling again over the same tree with the link now a directory: never writes through the host symlink.
    asRootfsOwner(c, 'rm "$1" && mkdir "$1" && echo x >"$1/x"', [inRootfs(c, 'tree/secret-link')]);
    await t.rejects(c.files.pull('/tree', join(out, state)), { code: 'EFILE', message: /not a directory/ }, `${state}: a host symlink in the way is refused`);
    asRootfsOwner(c, 'rm -r "$1" && ln -s "$2" "$1"', [inRootfs(c, 'tree/secret-link'), secretPath]);
    hostUntouched(t);
    // The container's own copies go, so the next round's reads find nothing again.
    asRootfsOwner(c, 'rm -f "$@"', [secretPath, `${secretDir}/${secret}-up`, `/etc/${secret}`].map((f) => inRootfs(c, f)));
  }
});

t.test('a symlink swapped for a directory during copies (a loop in the container)', async (t) => {
  t.setTimeout(asRoot ? 240_000 : 480_000);
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'swap');
  await within(60_000, 'start', c.start());
  // /s is a directory, then a symlink to /, swapped by rename(2) for a symlink to ../../.., then for
  // a symlink to a directory, as fast as busybox can; /swaps counts the rounds (renamed into place:
  // a read between the truncation and the write of `echo >` saw an empty file, taken for 0 rounds).
  const loop = await c.attach(['sh', '-c', `exec 2>/dev/null; mkdir -p /d${secretDir}; i=0; while :; do
    rm -rf /s; mkdir -p /s${secretDir}
    ln -sfn / /s2; rm -rf /s; mv -T /s2 /s
    ln -sfn ../../../../.. /s3; mv -T /s3 /s
    ln -sfn /d /s4; mv -T /s4 /s
    i=$((i + 1)); echo $i >/swaps.n; mv -f /swaps.n /swaps
  done`]);
  t.teardown(() => { try { loop.kill('SIGKILL'); } catch { /* gone */ } });
  const host = mkdtempSync(join(tmpdir(), 'lxcffi-swap-'));
  t.teardown(() => rmSync(host, { recursive: true, force: true }));
  writeFileSync(join(host, 'f'), 'pushed');
  let ok = 0;
  let failed = 0;
  // As a normal user each call starts a helper (0.1 s, more from .ts sources): fewer rounds, the same operations.
  const rounds = asRoot ? 300 : 40;
  for (let i = 0; i < rounds; i++) {
    for (const work of [
      () => c.files.write(`/s${secretDir}/${secret}`, 'swapped'),
      () => c.files.read(`/s${secretDir}/${secret}`),
      () => c.files.mkdir(`/s${secretDir}/${secret}-d/e`),
      () => c.files.push(host, `/s${secretDir}/${secret}-tree`),
      () => c.files.remove(`/s${secretDir}/${secret}-d`, { recursive: true, force: true }),
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
  t.ok(ok + failed === rounds * 5, `${ok} operations done, ${failed} failed cleanly (EFILE) against the swapping`);
  const counted = await c.exec(['cat', '/swaps']);
  const swaps = Number(counted.stdout);
  t.ok(swaps > 20, `the loop went round ${swaps} times meanwhile (cat /swaps: exit ${counted.exitCode}, ${JSON.stringify(counted.stdout)}${counted.stderr ? `, ${JSON.stringify(counted.stderr.trim())}` : ''})`);
  loop.kill('SIGKILL');
  hostUntouched(t);
  t.notOk(existsSync(`${secretDir}/${secret}-d`) || existsSync(`${secretDir}/${secret}-tree`), `nothing made in the host ${secretDir}`);
});

t.test('a file that grows while read, and a bind mount inside the container', async (t) => {
  t.setTimeout(240_000);
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'grow');
  const shared = mkdtempSync(join(tmpdir(), 'lxcffi-bind-'));
  t.teardown(() => rmSync(shared, { recursive: true, force: true }));
  // The container's root (a subordinate id, for a normal user) must traverse it.
  chmodSync(shared, 0o755);
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
  t.equal(rootfsRead(c, secretPath), 'through', 'a write through it lands in the container root');
  hostUntouched(t);
  await within(60_000, 'stop', c.stop());
  await t.rejects(c.files.read('/mnt/b/in-bind.txt'), { code: 'EFILE', errno: 2 }, 'stopped: the rootfs alone (no mounts)');
});

t.test('an idmapped container: ids are container ids, files owned by the mapped ids on the host', async (t) => {
  t.setTimeout(240_000);
  const lxcpath = tempLxcpath(t);
  // A normal user's containers are all idmapped (~/.config/lxc/default.conf).
  const c = asRoot ? await idmappedBusybox(lxcpath, 'mapped') : await busybox(lxcpath, 'mapped');
  const [u1000, g1001, root] = [hostId(c, 'u', 1000), hostId(c, 'g', 1001), hostId(c, 'u', 0)];
  t.ok(root !== 0 && root !== process.getuid!(), `the container's root is host uid ${root}`);
  for (const state of ['stopped', 'running']) {
    if (state === 'running') await within(60_000, 'start', c.start());
    await c.files.write(`/home/u/${state}.txt`, 'x', { uid: 1000, gid: 1001 });
    const host = statSync(join(rootfs(c), `home/u/${state}.txt`));
    t.same([host.uid, host.gid], [u1000, g1001], `${state}: owned by the mapped ids on the host`);
    t.match(await c.files.stat(`/home/u/${state}.txt`), { uid: 1000, gid: 1001 }, `${state}: stat says the container ids`);
    await c.files.write(`/${state}-root.txt`, 'x');
    t.equal(statSync(join(rootfs(c), `${state}-root.txt`)).uid, root, `${state}: the default owner is the container's root`);
    await c.files.mkdir(`/${state}-dir/sub`, { uid: 1000, gid: 1001 });
    t.same([statSync(join(rootfs(c), `${state}-dir/sub`)).uid, statSync(join(rootfs(c), `${state}-dir`)).gid], [u1000, g1001], `${state}: directories too`);
    await t.rejects(c.files.write('/u.txt', 'x', { uid: 70000 }), { code: 'EINVAL', message: /not mapped/ }, `${state}: an unmapped uid is refused`);
    await t.rejects(c.files.mkdir('/u', { gid: 70000 }), { code: 'EINVAL', message: /not mapped/ }, `${state}: an unmapped gid too`);
  }
  t.equal((await c.exec(['stat', '-c', '%u:%g', '/home/u/running.txt'])).stdout.trim(), '1000:1001', 'the container sees its own ids');
  // A map the caller cannot use: as a normal user the helper cannot start in it, and says why.
  await within(60_000, 'stop', c.stop());
  c.clearConfigItem('lxc.idmap');
  c.setConfigItem('lxc.idmap', ['u 0 3000000000 65536', 'g 0 3000000000 65536']);
  const t0 = Date.now();
  if (asRoot) t.ok((await c.files.read('/home/u/stopped.txt')).length === 1, 'root: the files are read in-process, whatever the map');
  else await t.rejects(c.files.read('/home/u/stopped.txt'), { code: 'EFILE', message: /files helper \(lxc-usernsexec .*exited/ }, 'a normal user: the helper fails to start, an EFILE naming it');
  t.ok(Date.now() - t0 < 30_000, 'at once, not after a hang');
});

t.test('a stopped overlay clone: writes go to its upper layer, its base is untouched', async (t) => {
  t.setTimeout(240_000);
  const lxcpath = tempLxcpath(t);
  const base = await busybox(lxcpath, 'base');
  const clone = await base.clone('ov', { bdevType: 'overlayfs', snapshot: true });
  await clone.files.write('/etc/only-in-clone', 'clone');
  const upper = clone.getConfigItem('lxc.rootfs.path').split(':').pop()!;
  t.equal(statSync(join(upper, 'etc/only-in-clone')).uid, hostId(clone, 'u', 0), "in the upper layer, owned by the container's root on the host");
  t.equal((await clone.files.read('/etc/only-in-clone')).toString(), 'clone');
  t.ok((await clone.files.read('/etc/passwd')).length > 0, 'the lower layer is read through the overlay');
  await clone.files.write('/etc/passwd', 'root:x:0:0::/root:/bin/sh\n');
  t.notOk(rootfsHas(base, 'etc/only-in-clone'), 'the base has no new file');
  t.not(rootfsRead(base, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\n', "the base's passwd is its own");
  await clone.files.remove('/etc/group');
  t.ok(rootfsHas(base, 'etc/group'), 'a remove in the clone is a whiteout in the upper layer');
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
  const owner = (rel: string) => { const s = lstatSync(join(rootfs(c), rel)); return [s.uid, s.gid]; };
  const seven = [hostId(c, 'u', 7), hostId(c, 'g', 7)];
  t.same([owner('opt/tree/top.txt'), owner('opt/tree/a/b'), owner('opt/tree/link')], [seven, seven, seven], 'file, directory and symlink owned on the host by the mapped ids of 7');
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

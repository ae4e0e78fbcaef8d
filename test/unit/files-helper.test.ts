// The files helper (lib/container/files-helper.ts, files-remote.ts) without a container: its
// commands, its small module graph, and its protocol on a directory standing for a rootfs, started
// directly in this process's namespaces (the integration test, files.test.ts, runs it in a
// container's as a normal user).
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, mkdirSync, closeSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { helperArgs, helperCommand, helperSide } from '../../lib/container/files-remote.js';
import { loaderOnly } from '../../lib/proc/node.js';
import { FileFault } from '../../lib/container/files-root.js';
import { reachable } from '../../scripts/check-imports.js';
import { children } from '../helpers.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What `p` rejects with (a FileFault is wanted), or 'resolved'. */
async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e;
  }
}

t.test('commands: nsenter into a running container, lxc-usernsexec with a stopped one\'s map', { timeout: 5000 }, async (t) => {
  const [file, args] = helperCommand({ pid: 4242 }, '/usr/bin/node');
  t.equal(file, 'nsenter');
  t.same(args, ['--user', '--target', '4242', '--', '/usr/bin/node', ...helperArgs]);
  const [file2, args2] = helperCommand({ idmap: ['u 0 165536 65536', 'g  0 165536 65536'] }, '/usr/bin/node');
  t.equal(file2, 'lxc-usernsexec');
  t.same(args2, ['-m', 'u:0:165536:65536', '-m', 'g:0:165536:65536', '--', '/usr/bin/node', ...helperArgs]);
  t.match(helperArgs.at(-1), /lib\/container\/files-helper\.(ts|js)$/);
  t.same(loaderOnly(['--single-threaded', '--import=file:///n/@tapjs/mock/dist/esm/import.mjs', '--enable-source-maps', '--import', 'tsx',
    '--require', '/n/@tapjs/processinfo/x.js', '--import=file:///n/tsx/dist/esm/index.mjs', '/x/files-helper.ts']),
  ['--single-threaded', '--import', 'tsx', '--import=file:///n/tsx/dist/esm/index.mjs', '/x/files-helper.ts'], 'only the TypeScript loader of this process\'s flags');
});

t.test('the helper loads no more than it needs: no zod, no liblxc, no lib/index', { timeout: 60_000 }, async (t) => {
  t.same(reachable(repo, 'lib/container/files-helper.ts'), [
    'ffi/constants.ts', 'ffi/koffi.ts', 'ffi/libc.ts',
    'lib/container/files-helper.ts', 'lib/container/files-root.ts', 'lib/proc/frames.ts', 'lib/proc/socket.ts',
  ]);
});

t.test('the protocol on a directory: fds come back, faults are FileFaults, the helper goes with its socket', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcffi-files-helper-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const root = join(dir, 'rootfs');
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(dir, 'outside'), 'secret');
  symlinkSync(join(dir, 'outside'), join(root, 'abs'));
  symlinkSync('../../../../../../outside', join(root, 'rel'));
  const uid = process.getuid!();
  const gid = process.getgid!();
  const side = await helperSide({ idmap: [] }, { rootfs: root }, { command: [process.execPath, helperArgs] });
  const { fd } = await side.openWrite('/etc/a/b.txt', { uid, gid, parents: true, createMode: 0o640 });
  writeSync(fd, 'hello');
  await side.setMode(fd, 0o600);
  closeSync(fd);
  t.equal(readFileSync(join(root, 'etc/a/b.txt'), 'utf8'), 'hello', 'written through the fd it handed back');
  t.equal(statSync(join(root, 'etc/a/b.txt')).mode & 0o7777, 0o600, 'moded through the fd sent back to it');
  t.match(await side.stat('/etc/a/b.txt'), { type: 'file', size: 5, mode: 0o600, uid, gid });
  t.same(await side.list('/etc'), [{ name: 'a', type: 'directory' }]);
  const r = await side.openRead('/etc/a/b.txt');
  t.match(r, { size: 5, mode: 0o600 });
  t.equal(readFileSync(r.fd, 'utf8'), 'hello');
  closeSync(r.fd);
  for (const p of ['/abs', '/rel', '/../../outside']) {
    const e = await failure(side.openRead(p));
    t.ok(e instanceof FileFault, `${p}: a FileFault`);
    t.match(e, { code: 'EFILE', errno: 2 }, `${p}: ENOENT inside the root`);
  }
  t.match(await side.entry('/abs', false), { type: 'symlink', target: join(dir, 'outside') });
  await t.rejects(side.openWrite('/', { uid, gid, parents: false, createMode: 0o644 }), { code: 'EINVAL' }, 'a fault with its code');
  await side.remove('/etc/a', true, false);
  t.same(await side.list('/etc'), []);
  t.equal(readFileSync(join(dir, 'outside'), 'utf8'), 'secret');
  const before = children().filter((c) => c.cmdline.includes('files-helper'));
  t.equal(before.length, 1, 'one helper');
  const t0 = Date.now();
  await side.close();
  t.notOk(children().some((c) => c.cmdline.includes('files-helper') && c.state !== 'Z'), 'it has exited once close() resolves (its socket closed)');
  t.ok(Date.now() - t0 < 4000, 'at once, not by the kill after 5 s');
  await t.rejects(side.list('/'), { code: 'EFILE' }, 'a closed side refuses');
});

t.test('a helper that fails or never answers: an EFILE that says so, at once or at the deadline', { timeout: 60_000 }, async (t) => {
  const t0 = Date.now();
  t.match(await failure(helperSide({ idmap: [] }, { rootfs: '/' }, { command: ['sh', ['-c', 'echo boom >&2; exit 3']] })),
    { name: 'FileFault', code: 'EFILE', message: /files helper \(sh, pid \d+\) exited \(code 3\): boom/ }, 'exited, with what it printed');
  t.ok(Date.now() - t0 < 5000, 'at once');
  const t1 = Date.now();
  t.match(await failure(helperSide({ idmap: [] }, { rootfs: '/' }, { command: ['sleep', ['30']], startMs: 500 })),
    { name: 'FileFault', code: 'EFILE', message: /gave no answer to open within 0.5 s/ }, 'a deadline');
  t.ok(Date.now() - t1 < 5000, 'at the deadline');
  const t2 = Date.now();
  t.match(await failure(helperSide({ idmap: [] }, { rootfs: '/' }, { command: ['/nonexistent/nsenter', []] })),
    { name: 'FileFault', code: 'ENOTSUP', message: /was not found/ }, 'a missing command: ENOTSUP');
  t.ok(Date.now() - t2 < 5000);
  const t3 = Date.now();
  while (children().some((c) => c.cmdline.startsWith('sleep') && c.state !== 'Z') && Date.now() - t3 < 5000) await new Promise((r) => setTimeout(r, 50));
  t.notOk(children().some((c) => c.cmdline.startsWith('sleep') && c.state !== 'Z'), 'the stuck one was killed');
});

t.test('a helper does not outlive its caller: killed mid-call, the helper goes too', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcffi-files-orphan-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'caller.mts');
  writeFileSync(script, `
    import { readdirSync, readFileSync } from 'node:fs';
    import { helperArgs, helperSide } from ${JSON.stringify(join(repo, 'lib/container/files-remote.ts'))};
    await helperSide({ idmap: [] }, { rootfs: '/' }, { command: [process.execPath, helperArgs] });
    const kids = readdirSync('/proc').filter((p) => /^\\d+$/.test(p)).filter((p) => {
      try { return readFileSync('/proc/' + p + '/stat', 'utf8').split(') ')[1].split(' ')[1] === String(process.pid) && readFileSync('/proc/' + p + '/cmdline', 'utf8').includes('files-helper'); } catch { return false; }
    });
    console.log(kids.join(' '));
    process.kill(process.pid, 'SIGKILL');
  `);
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: repo, encoding: 'utf8', timeout: 30_000 });
  const pids = r.stdout.trim().split(/\s+/).filter(Boolean).map(Number);
  t.equal(r.signal, 'SIGKILL', 'the caller was killed');
  t.equal(pids.length, 1, `its helper: ${pids.join(' ')}`);
  const alive = () => pids.filter((p) => { try { return !readFileSync(`/proc/${p}/stat`, 'utf8').includes(') Z '); } catch { return false; } });
  const t0 = Date.now();
  while (alive().length && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 50));
  t.same(alive(), [], 'and the helper exited (its socket closed)');
});

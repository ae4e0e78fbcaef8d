// The download template end to end against a loopback HTTPS image server, and the seed's first
// example run as a script against it.
import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as lxc from '../../lib/index.js';
import { startImageServer, type ImageServer } from '../fixtures/image-server.js';
import { createBridge, type Bridge } from '../fixtures/bridge.js';
import { asRoot, removeTree, tempLxcpath, listTree } from '../helpers.js';

const run = promisify(execFile);
let server: ImageServer;
let bridge: Bridge;
let dir: string;

t.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lxcffi-images-'));
  // The template's cache: a normal user's holds files of its subordinate ids.
  t.teardown(() => removeTree(dir));
  server = await startImageServer({ dir });
  t.teardown(() => server.close());
  bridge = await createBridge();
  t.teardown(() => bridge.close());
  // The template runs with this process's environment: trust the throw-away CA, cache in dir.
  Object.assign(process.env, server.env);
});

t.test('download create → start → RUNNING → shutdown → destroy', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = new lxc.Container('dl', lxcpath);
  t.teardown(() => c.release());
  const lines: string[] = [];
  await c.create('download', { dist: server.dist, release: server.release, arch: server.arch, server: server.server }, { onOutput: (l) => lines.push(l) });
  // A normal user's template runs in a user namespace and asks for the images that work there.
  const index = asRoot ? 'index-system' : 'index-user';
  t.ok(server.requests.some((r) => r.includes(`/meta/1.0/${index}`)), `the template read ${index}`);
  t.ok(server.requests.some((r) => r.endsWith('rootfs.tar.xz')), 'and fetched the rootfs');
  t.ok(lines.length > 0, `template output reached onOutput (${lines.length} lines)`);
  t.equal(c.defined, true);
  c.setConfigItem('lxc.net.0.type', 'veth');
  c.setConfigItem('lxc.net.0.link', bridge.name);
  c.saveConfig();
  await c.start();
  t.equal(c.state, 'RUNNING');
  t.ok(c.initPid > 1, `initPid ${c.initPid}`);
  if (!(await c.shutdown(30))) await c.stop();
  t.equal(c.state, 'STOPPED');
  await c.destroy();
  t.notOk(existsSync(join(lxcpath, 'dl')), "the container's directory is gone");
});

t.test('the seed example (scripts/examples/basic.ts) against the image server', async (t) => {
  const lxcpath = tempLxcpath(t);
  const { stdout } = await run(process.execPath, [
    '--import', 'tsx', 'scripts/examples/basic.ts', '--lxcpath', lxcpath,
    '--dist', server.dist, '--release', server.release, '--arch', server.arch, '--server', server.server, '--bridge', bridge.name,
  ], { env: process.env, timeout: 120_000 });
  t.match(stdout, /^Container state: RUNNING$/m);
  const pid = Number(/^Container PID: (\d+)$/m.exec(stdout)?.[1]);
  t.ok(pid > 1, `printed PID ${pid}`);
  t.match(stdout, /Container destroyed/);
  t.same(lxc.listContainers({ lxcpath }), [], 'nothing left in the lxcpath');
});

t.test('a failed download create says why and leaves nothing defined', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = new lxc.Container('missing', lxcpath);
  t.teardown(() => c.release());
  // An image the index does not list is refused before the template runs (images.test.ts);
  // forceCache skips that check, so the template itself fails here.
  await t.rejects(c.create('download', { dist: 'nosuchdist', release: 'x', arch: server.arch, server: server.server }, { quiet: true }), { code: 'EINVAL', message: /dist "nosuchdist" is not on/ });
  const e = (await c.create('download', { dist: 'nosuchdist', release: 'x', arch: server.arch, server: server.server, forceCache: true }, { quiet: true }).then(() => undefined, (err) => err)) as lxc.LxcError;
  t.ok(e instanceof lxc.LxcError);
  t.equal(e.code, 'ECREATE');
  t.match(e.message, /matching image|nosuchdist|doesn't exist/i, e.message);
  t.ok(e.output && e.output.length > 0, 'the template output is attached');
  t.equal(c.defined, false, 'not defined after a failed create');
  t.same(listTree(lxcpath).filter((p) => p.startsWith('missing/config')), [], 'no config left behind');
});

t.test('download options the installed template does not take are errors', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = new lxc.Container('opts', lxcpath);
  t.teardown(() => c.release());
  const base = { dist: server.dist, release: server.release, arch: server.arch, server: server.server };
  await t.rejects(c.create('download', { ...base, keyserver: 'hkp://keys' }), { code: 'EINVAL', message: /keyServer is not an option of the installed "download" template/ }, 'LXC 5.0 has no --keyserver');
  await t.rejects(c.create('download', { ...base, noValidate: true }), { code: 'EINVAL', message: /noValidate/ });
  await t.rejects(c.create('download', { ...base, dist: '--server=evil.example' }), { code: 'EINVAL', message: /templateOptions\.dist/ });
  await t.rejects(c.create('download', { ...base, release: 'a b' }), { code: 'EINVAL', message: /whitespace/ });
  await t.rejects(c.create('download', { ...base, bogus: 'x' } as never), { code: 'EINVAL', message: /bogus/ });
  t.same(listTree(lxcpath), [], 'nothing was written');
  t.equal(server.requests.filter((r) => r.includes('evil')).length, 0);
});

t.test('the local template takes the same image as two tarballs', async (t) => {
  const lxcpath = tempLxcpath(t);
  const files = (readdirSync(join(dir, 'www'), { recursive: true }) as string[]);
  const metadata = join(dir, 'www', files.find((f) => f.endsWith('meta.tar.xz'))!);
  const fstree = join(dir, 'www', files.find((f) => f.endsWith('rootfs.tar.xz'))!);
  const c = new lxc.Container('loc', lxcpath);
  t.teardown(() => c.release());
  await c.create('local', { metadata, fstree }, { quiet: true });
  t.equal(c.defined, true);
  t.ok(existsSync(join(lxcpath, 'loc', 'rootfs', 'bin', 'busybox')), 'rootfs unpacked');
  c.setConfigItem('lxc.net.0.type', 'empty');
  c.saveConfig();
  await c.start();
  t.equal(c.state, 'RUNNING');
  await c.stop();
  await c.destroy();
  t.equal(c.defined, false);
});

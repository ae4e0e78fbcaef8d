// images() against the loopback image server and against hostile ones (malformed lines, an endless
// index, a server that never answers); create('download') refusing an image the server does not
// list, before any download; and four creates of one image at once with an empty cache.
import t from 'tap';
import { createServer as createHttps, type Server as HttpsServer } from 'node:https';
import { createServer as createTcp, type Server as TcpServer, type Socket } from 'node:net';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lxc from '../../lib/index.js';
import { startImageServer, type ImageServer } from '../fixtures/image-server.js';
import { asRoot, removeTree, rootfsTree, tempLxcpath, listTree } from '../helpers.js';
import { Tmux } from '../fixtures/tmux.js';

let server: ImageServer;
let dir: string;

t.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lxcffi-catalogue-'));
  t.teardown(() => removeTree(dir));
  server = await startImageServer({ dir, dist: 'debian', release: 'bookworm' });
  t.teardown(() => server.close());
  // As download.test.ts: wget (and images()) trust the throw-away CA through WGETRC; the cache is dir's.
  Object.assign(process.env, server.env);
});

const indexName = asRoot ? 'index-system' : 'index-user';
const indexHits = () => server.requests.filter((r) => r.startsWith(`/meta/1.0/${indexName}`)).length;

/** An HTTPS server on loopback with the image server's certificate, answering with `handler`. */
async function hostile(handler: Parameters<typeof createHttps>[1]): Promise<{ server: string; close: () => void }> {
  const s: HttpsServer = createHttps({ key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) }, handler);
  const sockets = new Set<{ destroy(): void }>();
  s.on('connection', (c) => { sockets.add(c); c.on('close', () => sockets.delete(c)); });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { server: `127.0.0.1:${(s.address() as { port: number }).port}`, close: () => { for (const c of sockets) c.destroy(); s.close(); } };
}

t.test('images() lists the server\'s index as typed entries, asked as the template asks', async (t) => {
  const before = indexHits();
  const list = await lxc.images({ server: server.server });
  t.equal(list.length, 1);
  t.match(list[0], { dist: 'debian', release: 'bookworm', arch: server.arch, variant: 'default', build: /^\d{8}_\d{4}$/, path: /^\/images\/debian\/bookworm\/.*\/$/ });
  t.ok(Object.isFrozen(list) && Object.isFrozen(list[0]), 'entries are frozen (shared by the cache)');
  t.equal(indexHits(), before + 1, `one request, for ${indexName}.7 (the template's compat level)`);
  t.ok(server.requests.includes(`/meta/1.0/${indexName}.7`));
});

t.test('kept per server: a second call does not ask again, an expired one does', async (t) => {
  const a = await lxc.images({ server: server.server, maxAge: 600 });
  const before = indexHits();
  const b = await lxc.images({ server: server.server });
  t.equal(indexHits(), before, 'the second call did not reach the server');
  t.equal(a, b, 'the same entries');
  await new Promise((r) => setTimeout(r, 250));
  await lxc.images({ server: server.server, maxAge: 0.2 });
  t.equal(indexHits(), before + 1, 'older than maxAge: fetched again');
  await lxc.images({ server: server.server, maxAge: 0 });
  t.equal(indexHits(), before + 2, 'maxAge 0: always fetched');
  // Calls at once share one fetch.
  await Promise.all([1, 2, 3, 4].map(() => lxc.images({ server: server.server, maxAge: 0 })));
  t.equal(indexHits(), before + 3, 'four calls at once (maxAge 0): one request');
});

t.test('the CA: from WGETRC as wget, from caFile, and refused without either', async (t) => {
  const wgetrc = process.env.WGETRC;
  t.teardown(() => { process.env.WGETRC = wgetrc; });
  delete process.env.WGETRC;
  await t.rejects(lxc.images({ server: server.server, maxAge: 0, timeout: 5 }), { code: 'EINDEX', message: /could not be fetched/ }, 'a self-signed CA is not trusted by default');
  const list = await lxc.images({ server: server.server, maxAge: 0, caFile: server.caFile });
  t.equal(list.length, 1, 'caFile trusts it');
});

t.test('malformed lines are skipped, the rest read as the template reads them', async (t) => {
  const body = [
    'debian;bookworm;amd64;default;20261207_05:24;/images/debian/bookworm/amd64/default/20261207_05:24/',
    'short;line;only',
    ';;;;;',
    'debian;trixie;amd64;default;;/images/x/',
    'debian;trixie;amd64;default;b1;',
    'alpine;3.19;amd64;default;b2;/images/a;b/\r',
    'bad\u0000nul;r;a;v;b;/p/',
    'esc;\u001b[31mred;a;v;b;/p/',
    '\u00ff\u00fe binary \u0001;',
    '',
    'x'.repeat(10000),
  ].join('\n');
  const s = await hostile((req, res) => res.end(body));
  t.teardown(s.close);
  const list = await lxc.images({ server: s.server, caFile: server.caFile });
  t.same(list.map((e) => [e.dist, e.release, e.path]), [
    ['debian', 'bookworm', '/images/debian/bookworm/amd64/default/20261207_05:24/'],
    ['alpine', '3.19', '/images/a;b/'],
  ], 'two entries; the sixth field takes the rest of the line; CR dropped');
});

t.test('a 404 for index.COMPAT falls back to the plain index name', async (t) => {
  const paths: string[] = [];
  const s = await hostile((req, res) => {
    paths.push(req.url!);
    if (req.url!.endsWith('.7')) res.writeHead(404).end();
    else res.end('busybox;1.36;amd64;default;b;/i/\n');
  });
  t.teardown(s.close);
  t.equal((await lxc.images({ server: s.server, caFile: server.caFile })).length, 1);
  t.same(paths, [`/meta/1.0/${indexName}.7`, `/meta/1.0/${indexName}`]);
});

t.test('an endless index is cut at 4 MiB, a huge Content-Length at once', async (t) => {
  const s = await hostile((req, res) => {
    if (req.url!.endsWith('.7')) {
      res.writeHead(200, { 'content-length': String(2 ** 40) });
      res.write('a;b;c;d;e;f\n');
      return;
    }
    const line = Buffer.from('debian;bookworm;amd64;default;b;/p/\n'.repeat(2000));
    const pump = () => { while (!res.destroyed && res.write(line)); if (!res.destroyed) res.once('drain', pump); };
    pump();
  });
  t.teardown(s.close);
  const rss = process.memoryUsage().rss;
  const started = Date.now();
  await t.rejects(lxc.images({ server: s.server, caFile: server.caFile, timeout: 20 }), { code: 'EINDEX', message: /more than 4194304 bytes/ });
  t.ok(Date.now() - started < 15_000, `refused in ${Date.now() - started} ms`);
  t.ok(process.memoryUsage().rss - rss < 64 * 2 ** 20, `RSS grew ${((process.memoryUsage().rss - rss) / 2 ** 20).toFixed(1)} MiB`);
});

t.test('a server that never answers: EINDEX at the deadline; an abort: EABORT at once', async (t) => {
  const held: Socket[] = [];
  const tcp: TcpServer = createTcp((c) => held.push(c));
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  t.teardown(() => { for (const c of held) c.destroy(); tcp.close(); });
  const mute = `127.0.0.1:${(tcp.address() as { port: number }).port}`;
  let started = Date.now();
  await t.rejects(lxc.images({ server: mute, timeout: 1 }), { code: 'EINDEX', message: /no answer in time/ });
  const took = Date.now() - started;
  t.ok(took >= 900 && took < 5000, `ended after ${took} ms (timeout 1 s, both names within it)`);
  const ac = new AbortController();
  started = Date.now();
  setTimeout(() => ac.abort(), 100);
  await t.rejects(lxc.images({ server: mute, timeout: 30, signal: ac.signal, maxAge: 0 }), { code: 'EABORT' });
  t.ok(Date.now() - started < 3000, 'aborted promptly');
  await t.rejects(lxc.images({ server: 'a b' } as never), { code: 'EINVAL' });
  await t.rejects(lxc.images({ timeout: 0 }), { code: 'EINVAL', message: /timeout/ });
});

t.test('create(download) with an image the server does not list: EINVAL, did you mean, nothing downloaded', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = new lxc.Container('typo', lxcpath);
  t.teardown(() => c.release());
  const rootfsBefore = server.requests.filter((r) => r.endsWith('rootfs.tar.xz')).length;
  const base = { dist: 'debian', release: 'bookworm', arch: server.arch, server: server.server };
  await t.rejects(c.create('download', { ...base, release: 'bookwrom' }, { quiet: true }), { code: 'EINVAL', message: `create: release "bookwrom" is not on ${server.server}; did you mean bookworm?` });
  await t.rejects(c.create('download', { ...base, dist: 'debain' }, { quiet: true }), { code: 'EINVAL', message: /dist "debain" .*did you mean debian\?/ });
  await t.rejects(c.create('download', { ...base, arch: 'sparc' }, { quiet: true }), { code: 'EINVAL', message: new RegExp(`arch "sparc" is not on .* for debian bookworm \\(it has: ${server.arch}\\)`) });
  await t.rejects(c.create('download', { ...base, variant: 'cloud' }, { quiet: true }), { code: 'EINVAL', message: /variant "cloud"/ });
  t.equal(server.requests.filter((r) => r.endsWith('rootfs.tar.xz')).length, rootfsBefore, 'no rootfs was requested');
  t.same(listTree(lxcpath), [], 'nothing was written');
  t.equal(c.defined, false);
});

t.test('an image published after the index was kept is looked up again before a refusal', async (t) => {
  let index = 'debian;bookworm;amd64;default;b1;/images/b/\n';
  const paths: string[] = [];
  const s = await hostile((req, res) => {
    // The template asks for //meta/...: a leading '/' of the path it appends to https://SERVER/.
    const path = req.url!.replace(/\/{2,}/g, '/');
    paths.push(path);
    res.end(path.startsWith('/meta/') ? index : undefined);
  });
  t.teardown(s.close);
  t.same((await lxc.images({ server: s.server })).map((e) => e.release), ['bookworm']);
  index += 'debian;trixie;amd64;default;b2;/images/t/\n';
  const lxcpath = tempLxcpath(t);
  const c = new lxc.Container('later', lxcpath);
  t.teardown(() => c.release());
  const fetched = paths.length;
  // Past the check (the fresh index lists trixie), the template fails on this server's empty tarballs.
  const err = await c.create('download', { dist: 'debian', release: 'trixie', arch: 'amd64', server: s.server }, { quiet: true }).then(() => null, (e: lxc.LxcError) => e);
  t.equal(err?.code, 'ECREATE', String(err));
  t.ok(paths.slice(fetched).filter((p) => p.startsWith('/meta/')).length >= 2, 'the kept index, then a fresh one (and the template\'s own)');
  t.ok(paths.some((p) => p.includes('/images/t/')), 'the template went on to the image');
  // It left a cache directory without build_id (mkdir, mv, then the metadata failed): the next
  // create removes it under the exclusive lock, so the template downloads again instead of
  // unpacking what is there.
  const partial = join(server.env.LXC_CACHE_PATH, 'download', 'debian', 'trixie', 'amd64', 'default');
  t.ok(existsSync(join(partial, 'rootfs.tar.xz')) && !existsSync(join(partial, 'build_id')), 'a partial cache was left');
  const rootfsAsked = () => paths.filter((p) => p === '/images/t/rootfs.tar.xz').length;
  const asked = rootfsAsked();
  await t.rejects(c.create('download', { dist: 'debian', release: 'trixie', arch: 'amd64', server: s.server }, { quiet: true }), { code: 'ECREATE' });
  t.equal(rootfsAsked(), asked + 1, 'the partial cache was not used: the rootfs was asked for again');
});

t.test('four creates of one image at once, an empty cache: one download, four complete rootfs', async (t) => {
  const lxcpath = tempLxcpath(t);
  const cache = mkdtempSync(join(dir, 'cache-n-'));
  const saved = process.env.LXC_CACHE_PATH;
  process.env.LXC_CACHE_PATH = cache;
  t.teardown(() => { process.env.LXC_CACHE_PATH = saved; });
  const rootfs = () => server.requests.filter((r) => r.endsWith('/rootfs.tar.xz')).length;
  const before = rootfs();
  const names = ['n0', 'n1', 'n2', 'n3'];
  const cs = names.map((n) => new lxc.Container(n, lxcpath));
  t.teardown(() => cs.forEach((c) => c.release()));
  const image = { dist: 'debian', release: 'bookworm', arch: server.arch, server: server.server };
  const results = await Promise.allSettled(cs.map((c) => c.create('download', image, { quiet: true })));
  t.same(results.map((r) => r.status), names.map(() => 'fulfilled'), results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok')).join('; '));
  t.equal(rootfs() - before, 1, 'the rootfs was downloaded once');
  // As the rootfs's owner: a normal user's container root owns it, and /root is 0700.
  const tree = (n: string) => rootfsTree(cs[names.indexOf(n)], lxcpath);
  const first = tree('n0');
  t.ok(first.length > 20 && existsSync(join(lxcpath, 'n0', 'rootfs', 'bin', 'busybox')), `n0's rootfs has ${first.length} entries`);
  for (const n of names.slice(1)) t.same(tree(n), first, `${n}'s rootfs is the same tree`);
  for (const n of names) t.match(readFileSync(join(lxcpath, n, 'config'), 'utf8'), new RegExp(`lxc.uts.name = ${n}`), `${n}'s config was written`);
  const cached = join(cache, 'download', 'debian', 'bookworm', server.arch, 'default');
  t.ok(existsSync(join(cached, 'build_id')) && existsSync(join(cached, 'rootfs.tar.xz')), 'the cache is complete');
  t.ok(existsSync(`${cached}.lock`), 'the lock file sits beside the cache directory');
  for (const c of cs) await c.destroy();
});

t.test('the REPL completes --dist, --release and --arch of `.create NAME download` from the server', async (t) => {
  t.setTimeout(120_000);
  const lxcpath = tempLxcpath(t);
  const term = new Tmux('images-repl', { join: false });
  t.teardown(() => term.kill());
  // The REPL trusts the throw-away CA through WGETRC, as the template's wget does.
  await term.start(`env -u NO_COLOR -u FORCE_COLOR WGETRC=${server.env.WGETRC} LXC_CACHE_PATH=${server.env.LXC_CACHE_PATH} LXC_FFI_HISTORY= ${process.execPath} --import tsx lib/repl/bin.ts --lxcpath ${lxcpath}`);
  await term.waitFor((s) => /^lxc>/m.test(s), 'the prompt');
  const line = `.create web download --server ${server.server}`;
  await term.send(`${line} --dist de`, 'Tab');
  await term.waitFor((s) => s.trimEnd().endsWith(`${line} --dist debian`), '--dist completed from the index');
  await term.send(' --release b', 'Tab');
  await term.waitFor((s) => s.trimEnd().endsWith(`--dist debian --release bookworm`), '--release completed among debian\'s');
  await term.send(' --arch ', 'Tab');
  await term.waitFor((s) => s.trimEnd().endsWith(`--release bookworm --arch ${server.arch}`), '--arch completed');
  // Enter runs it: the create goes through the check and the template.
  await term.send('', 'Enter');
  await term.waitFor((s) => s.includes('created web (template download)'), '.create ran with the completed options', 90_000);
  t.ok(existsSync(join(lxcpath, 'web', 'rootfs', 'bin', 'busybox')), 'the container was made');
});

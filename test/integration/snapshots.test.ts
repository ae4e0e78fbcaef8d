// The clones and snapshots family (lib/container/snapshots.ts) on real containers: the seed's
// overlay chain, clone options, snapshots.
import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { promisify } from 'node:util';
import * as lxc from '../../lib/index.js';
import { runnerPids } from '../../lib/runner/pool.js';
import { scratchDir } from '../../lib/scratch.js';
import { createBridge, type Bridge } from '../fixtures/bridge.js';
import { asRoot, tempLxcpath, busybox, readRootfs, writeRootfs } from '../helpers.js';

const run = promisify(execFile);
let bridge: Bridge;

t.before(async () => {
  bridge = await createBridge();
  t.teardown(() => bridge.close());
});

t.test('the seed overlay chain base → web → mysite (scripts/examples/clone-overlay.ts)', async (t) => {
  const lxcpath = tempLxcpath(t);
  if (!asRoot) {
    // The example asks for root in its own words; as a normal user it says so and does nothing.
    const e = await run(process.execPath, ['--import', 'tsx', 'scripts/examples/clone-overlay.ts', '--lxcpath', lxcpath, '--bridge', bridge.name], { timeout: 60_000 }).then(() => null, (x: { code?: number; stderr?: string }) => x);
    t.equal(e?.code, 1, 'it exits 1');
    t.match(e?.stderr, /Overlayfs snapshots need a privileged container: run as root/, 'saying why');
    t.same(readdirSync(lxcpath), [], 'and makes nothing');
    return;
  }
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/examples/clone-overlay.ts', '--lxcpath', lxcpath, '--bridge', bridge.name], { timeout: 240_000 });
  const url = /^Website running at: (http:\/\/[\d.]+)$/m.exec(stdout)?.[1];
  t.ok(url, `printed ${url}`);
  const page = await new Promise<string>((resolve, reject) => {
    get(`${url}/index.html`, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
  t.match(page, /<h1>mysite<\/h1>/, "mysite serves the page written into web's layer");
  const mysite = new lxc.Container('mysite', lxcpath);
  const web = new lxc.Container('web', lxcpath);
  const base = new lxc.Container('base', lxcpath);
  t.teardown(() => { mysite.release(); web.release(); base.release(); });
  t.equal(mysite.state, 'RUNNING');
  // An overlay's upper dir: <name>/overlay/delta from 4.0; <name>/delta0 in 3.x.
  const delta = (name: string) => (lxc.versionAtLeast(4) ? `${name}/overlay/delta` : `${name}/delta0`);
  const overlayOnBase = (name: string) => new RegExp(`^(overlay(fs)?:)?/.*/base/rootfs:.*/${delta(name)}$`);
  t.match(web.getConfigItem('lxc.rootfs.path'), overlayOnBase('web'), 'web is an overlay on base');
  t.match(mysite.getConfigItem('lxc.rootfs.path'), overlayOnBase('mysite'), 'mysite too');
  // mysite sees base's files and web's layer; base never saw web's.
  t.equal((await mysite.exec(['sh', '-c', 'test -d /www && test -x /bin/busybox && cat /www/index.html'])).stdout, '<h1>mysite</h1>\n');
  t.notOk(existsSync(`${lxcpath}/base/rootfs/www/index.html`), "base's rootfs never got web's page");
  t.ok(existsSync(`${lxcpath}/${delta('web')}/www/index.html`), "the page lives in web's delta");
  await mysite.exec(['sh', '-c', 'echo mine > /www/only-mysite']);
  t.notOk(existsSync(`${lxcpath}/${delta('web')}/www/only-mysite`), "web does not see mysite's writes");
  t.same((await mysite.getInterfaces()).sort(), ['eth0', 'lo']);
  t.ok((await mysite.getIps({ family: 'inet6', timeout: 0 })).every((ip) => ip.includes(':')), 'family inet6 gives IPv6 addresses only');
  t.same(await mysite.getIps({ interface: 'lo', family: 'inet' }), ['127.0.0.1'], 'lo only when asked for by name');
  t.notOk((await mysite.getIps()).includes('127.0.0.1'), 'otherwise loopback is left out');
  await mysite.stop();
});

t.test("the configs a clone, a snapshot or a rename writes hold none of lxc-ffi's own log settings", async (t) => {
  const lxcpath = tempLxcpath(t);
  const src = await busybox(lxcpath, 'logsrc');
  t.teardown(() => src.release());
  const copy = await src.clone('logcopy');
  const overlay = await src.clone('logover', { bdevtype: 'overlayfs', snapshot: true });
  const snap = await src.snapshot();
  const renamed = await copy.rename('logmoved');
  t.teardown(() => { copy.release(); overlay.release(); renamed.release(); });
  const configs = [`${lxcpath}/logsrc/config`, `${lxcpath}/logover/config`, `${lxcpath}/logmoved/config`, `${lxcpath}/logsrc/snaps/${snap}/config`];
  for (const file of configs) {
    t.ok(existsSync(file), `${file} exists`);
    t.notMatch(readFileSync(file, 'utf8'), /lxc\.log\.file/, `${file.slice(lxcpath.length + 1)}: no lxc.log.file`);
  }
  // A failing call still explains itself with liblxc's own lines.
  await src.start();
  t.teardown(() => src.stop().catch(() => undefined));
  const e = await src.clone('live', { bdevtype: 'overlayfs', snapshot: true }).catch((x: unknown) => x);
  t.match(e, { code: 'ECLONE', message: /Original container \(logsrc\) is running/ }, "liblxc's ERROR line is in the message");
  // A runner keeps one log per struct across calls: each failure carries its own lines only.
  const again = await src.clone('live', { bdevtype: 'overlayfs', snapshot: true }).catch((x: unknown) => x);
  const running = ((again as lxc.LxcError).log ?? []).filter((l) => /Original container \(logsrc\) is running/.test(l));
  t.equal(running.length, 1, `the second failure's log holds its own line once: ${JSON.stringify((again as lxc.LxcError).log)}`);
});

t.test('clone options and errors', async (t) => {
  const lxcpath = tempLxcpath(t);
  const src = await busybox(lxcpath, 'src', bridge.name);
  t.teardown(() => src.release());
  src.setConfigItem('lxc.net.0.hwaddr', '02:00:00:aa:bb:cc');
  src.saveConfig();
  writeRootfs(src, lxcpath, 'root/marker', 'src');
  const copy = await src.clone('copy');
  t.teardown(() => copy.release());
  t.equal(readRootfs(copy, lxcpath, 'root/marker'), 'src', 'a dir clone copies the rootfs');
  t.equal(copy.getConfigItem('lxc.uts.name'), 'copy', 'the hostname follows the new name');
  t.not(copy.getConfigItem('lxc.net.0.hwaddr'), '02:00:00:aa:bb:cc', 'a new MAC address');
  const kept = await src.clone('kept', { keepName: true, keepMacAddr: true });
  t.teardown(() => kept.release());
  t.equal(kept.getConfigItem('lxc.uts.name'), 'src', 'keepName');
  t.equal(kept.getConfigItem('lxc.net.0.hwaddr'), '02:00:00:aa:bb:cc', 'keepMacAddr');
  const other = tempLxcpath(t);
  const moved = await src.clone('elsewhere', { lxcpath: other });
  t.teardown(() => moved.release());
  t.equal(moved.lxcpath, other);
  t.equal(moved.defined, true);
  await t.rejects(src.clone('copy'), { code: 'EEXIST' });
  await t.rejects(src.clone('../x'), { code: 'EINVAL', message: /newName/ });
  await t.rejects(src.clone('y', { bdevtype: 'nfs' } as never), { code: 'EINVAL', message: /bdevType must be one of/ });
  await t.rejects(src.clone('y', { bdevtipe: 'dir' } as never), { code: 'EINVAL', message: /options\.bdevtipe is not a known option; did you mean bdevType\?/ });
  await src.start();
  await t.rejects(src.clone('live', { bdevtype: 'overlayfs', snapshot: true }), { code: 'ECLONE' }, 'a running container is not snapshot-cloned');
  await src.stop();
});

// The runner makes its struct for a clone's Container right after clone() answers (its first call
// makes none): that struct must be what the config file holds, and go when the Container does.
t.test("a clone's struct in the runner: the config a clone hook wrote, and gone with its Container", async (t) => {
  const lxcpath = tempLxcpath(t);
  const src = await busybox(lxcpath, 'hooksrc');
  t.teardown(() => src.release());
  // A clone hook may rewrite the new config: the runner's struct is read after it ran.
  const hook = `${lxcpath}/clone-hook.sh`;
  writeFileSync(hook, '#!/bin/sh\nsed -i "s/^lxc.uts.name = .*/lxc.uts.name = hooked/" "$LXC_CONFIG_FILE"\n', { mode: 0o755 });
  src.setConfigItem('lxc.hook.clone', hook);
  src.saveConfig();
  const hooked = await src.clone('hooked1', { bdevtype: 'overlayfs', snapshot: true });
  t.teardown(() => hooked.release());
  t.equal(hooked.getConfigItem('lxc.uts.name'), 'hooked', 'the hook rewrote the config file');
  await hooked.start();
  t.teardown(() => hooked.running && hooked.stop());
  const out = await hooked.exec(['hostname']);
  t.equal(out.stdout.trim(), 'hooked', "start() in the runner used the hook's config, not the one clone() saved");
  await hooked.stop();
  await hooked.destroy();
  src.clearConfigItem('lxc.hook.clone');
  src.saveConfig();
  // Without a hook: the runner's struct starts the clone (liblxc's own returned struct could not).
  const plain = await src.clone('plain1', { bdevtype: 'overlayfs', snapshot: true });
  t.teardown(() => plain.release());
  await plain.start();
  t.teardown(() => plain.running && plain.stop());
  t.equal((await plain.exec(['hostname'])).stdout.trim(), 'plain1', 'a clone without a hook starts, under its own name');
  await plain.stop();
  await plain.destroy();

  // Clones released without a call of their own: each runner struct goes with its Container.
  const scratch = scratchDir();
  const logFds = () => runnerPids().reduce((n, pid) => {
    let links: string[] = [];
    try { links = readdirSync(`/proc/${pid}/fd`).map((fd) => { try { return readlinkSync(`/proc/${pid}/fd/${fd}`); } catch { return ''; } }); } catch { /* gone */ }
    return n + links.filter((l) => l.startsWith(scratch) && l.endsWith('.log')).length;
  }, 0);
  const cycle = async (i: number) => {
    const made = await src.clone(`unused${i}`, { bdevtype: 'overlayfs', snapshot: true });
    made.release();
    const again = new lxc.Container(`unused${i}`, lxcpath);
    await again.destroy();
    again.release();
  };
  await cycle(0);
  const before = logFds();
  for (let i = 1; i <= 6; i++) await cycle(i);
  const after = logFds();
  t.ok(after <= before + 2, `the runners' log fds did not grow with released clones (${before} after one, ${after} after seven)`);
  t.notOk(existsSync(`${lxcpath}/unused6`), 'each clone was destroyed');
});

t.test('snapshot round trip', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'snappy');
  t.teardown(() => c.release());
  const state = (text: string) => writeRootfs(c, lxcpath, 'root/state', text);
  state('before');
  const comment = `${lxcpath}/comment.txt`;
  writeFileSync(comment, 'first snapshot\n');
  t.equal(await c.snapshot(comment), 'snap0');
  state('after');
  t.equal(await c.snapshot(), 'snap1');
  const list = await c.snapshotList();
  t.same(list.map((s) => s.name), ['snap0', 'snap1']);
  t.equal(list[0].lxcpath, `${lxcpath}/snappy/snaps`);
  t.match(list[0].timestamp, /^\d{4}:\d\d:\d\d \d\d:\d\d:\d\d$/);
  t.equal(readFileSync(list[0].commentPath, 'utf8'), 'first snapshot\n', 'the comment was kept');
  state('changed later');
  const restored = await c.snapshotRestore('snap0');
  t.equal(restored, c);
  t.equal(readRootfs(c, lxcpath, 'root/state'), 'before', 'restore brings back the content at snap0');
  const side = await c.snapshotRestore('snap1', 'fromsnap1');
  t.teardown(() => side.release());
  t.equal(readRootfs(side, lxcpath, 'root/state'), 'after', 'restore into a new container');
  await c.snapshotDestroy('snap0');
  t.same((await c.snapshotList()).map((s) => s.name), ['snap1']);
  await c.snapshot();
  await c.snapshotDestroyAll();
  t.same(await c.snapshotList(), []);
  await c.snapshot();
  await c.destroy({ withSnapshots: true });
  t.notOk(existsSync(`${lxcpath}/snappy`), 'destroy withSnapshots removes them all');
  // liblxc alone fails this on a container that never had a snapshot (no snaps directory).
  const plain = await busybox(lxcpath, 'nosnaps');
  t.teardown(() => plain.release());
  t.notOk(existsSync(`${lxcpath}/nosnaps/snaps`), 'no snaps directory');
  await plain.destroy({ withSnapshots: true });
  t.notOk(plain.defined, 'destroy withSnapshots of a container without snapshots');
  await t.rejects(c.snapshotDestroy('../x'), { code: 'EINVAL' });
});

// Clones, the seed's overlay chain, snapshots and network state on real containers.
import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { promisify } from 'node:util';
import * as lxc from '../../lib/index.js';
import { createBridge, type Bridge } from '../fixtures/bridge.js';
import { tempLxcpath, busybox } from '../helpers.js';

const run = promisify(execFile);
let bridge: Bridge;

t.before(async () => {
  bridge = await createBridge();
  t.teardown(() => bridge.close());
});

t.test('the seed overlay chain base → web → mysite (scripts/examples/clone-overlay.ts)', async (t) => {
  const lxcpath = tempLxcpath(t);
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
  t.match(web.getConfigItem('lxc.rootfs.path'), /^(overlay(fs)?:)?\/.*\/base\/rootfs:.*\/web\/overlay\/delta$/, 'web is an overlay on base');
  t.match(mysite.getConfigItem('lxc.rootfs.path'), /^(overlay(fs)?:)?\/.*\/base\/rootfs:.*\/mysite\/overlay\/delta$/, 'mysite too');
  // mysite sees base's files and web's layer; base never saw web's.
  t.equal((await mysite.exec(['sh', '-c', 'test -d /www && test -x /bin/busybox && cat /www/index.html'])).stdout, '<h1>mysite</h1>\n');
  t.notOk(existsSync(`${lxcpath}/base/rootfs/www/index.html`), "base's rootfs never got web's page");
  t.ok(existsSync(`${lxcpath}/web/overlay/delta/www/index.html`), "the page lives in web's delta");
  await mysite.exec(['sh', '-c', 'echo mine > /www/only-mysite']);
  t.notOk(existsSync(`${lxcpath}/web/overlay/delta/www/only-mysite`), "web does not see mysite's writes");
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
  writeFileSync(`${lxcpath}/src/rootfs/root/marker`, 'src');
  const copy = await src.clone('copy');
  t.teardown(() => copy.release());
  t.equal(readFileSync(`${lxcpath}/copy/rootfs/root/marker`, 'utf8'), 'src', 'a dir clone copies the rootfs');
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
  await t.rejects(src.clone('y', { bdevtype: 'nfs' } as never), { code: 'EINVAL', message: /bdevtype/ });
  await src.start();
  await t.rejects(src.clone('live', { bdevtype: 'overlayfs', snapshot: true }), { code: 'ECLONE' }, 'a running container is not snapshot-cloned');
  await src.stop();
});

t.test('snapshot round trip', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'snappy');
  t.teardown(() => c.release());
  const file = `${lxcpath}/snappy/rootfs/root/state`;
  writeFileSync(file, 'before');
  const comment = `${lxcpath}/comment.txt`;
  writeFileSync(comment, 'first snapshot\n');
  t.equal(await c.snapshot(comment), 'snap0');
  writeFileSync(file, 'after');
  t.equal(await c.snapshot(), 'snap1');
  const list = await c.snapshotList();
  t.same(list.map((s) => s.name), ['snap0', 'snap1']);
  t.equal(list[0].lxcpath, `${lxcpath}/snappy/snaps`);
  t.match(list[0].timestamp, /^\d{4}:\d\d:\d\d \d\d:\d\d:\d\d$/);
  t.equal(readFileSync(list[0].commentPath, 'utf8'), 'first snapshot\n', 'the comment was kept');
  writeFileSync(file, 'changed later');
  const restored = await c.snapshotRestore('snap0');
  t.equal(restored, c);
  t.equal(readFileSync(file, 'utf8'), 'before', 'restore brings back the content at snap0');
  const side = await c.snapshotRestore('snap1', 'fromsnap1');
  t.teardown(() => side.release());
  t.equal(readFileSync(`${lxcpath}/fromsnap1/rootfs/root/state`, 'utf8'), 'after', 'restore into a new container');
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

t.test('getIps lists what liblxc get_ips lists (python3-lxc asked in the same state)', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'ipsame', bridge.name);
  t.teardown(() => c.release());
  // A second nic, unattached on the host, with static addresses: udhcpc only touches eth0.
  for (const [k, v] of [['type', 'veth'], ['name', 'eth1'], ['flags', 'up'], ['ipv4.address', '10.97.0.7/24'], ['ipv6.address', 'fd00:97::7/64']]) {
    c.setConfigItem(`lxc.net.1.${k}`, v);
  }
  c.saveConfig();
  await c.start();
  t.ok((await c.getIps({ family: 'inet', interface: 'eth0', timeout: 30 })).length, 'eth0 has its lease');
  // An IPv4 alias: getifaddrs() names it by its label.
  const alias = await c.exec(['ip', 'addr', 'add', '10.96.0.9/24', 'dev', 'eth1', 'label', 'eth1:9']);
  t.equal(alias.exitCode, 0, alias.stderr);
  // IPv6 addresses leave "tentative" within a second or two (DAD): wait until they stop changing.
  let before = '';
  for (let i = 0; i < 40; i++) {
    const now = JSON.stringify(await c.getIps({ interface: 'eth1', family: 'inet6', timeout: 0 }));
    if (now === before && now.includes('fd00:97::7')) break;
    before = now;
    await new Promise((r) => setTimeout(r, 250));
  }
  const eth1Index = Number((await c.exec(['cat', '/sys/class/net/eth1/ifindex'])).stdout.trim());
  const cases: [lxc.GetIpsOptions, string][] = [
    [{}, ''],
    [{ family: 'inet' }, "family='inet'"],
    [{ family: 'inet6' }, "family='inet6'"],
    [{ interface: 'lo' }, "interface='lo'"],
    [{ interface: 'eth0' }, "interface='eth0'"],
    [{ interface: 'eth1' }, "interface='eth1'"],
    [{ interface: 'eth1:9' }, "interface='eth1:9'"],
    [{ interface: 'eth1', family: 'inet6', scope: eth1Index }, `interface='eth1', family='inet6', scope=${eth1Index}`],
    [{ family: 'inet6', scope: eth1Index }, `family='inet6', scope=${eth1Index}`],
  ];
  const script = `import lxc, json, sys
c = lxc.Container('ipsame', sys.argv[1])
print(json.dumps([list(c.get_ips(**a)) for a in json.loads(sys.argv[2])]))`;
  const pyArgs = cases.map(([, a]) => Object.fromEntries(a ? a.split(', ').map((kv) => { const [k, v] = kv.split('='); return [k, v.startsWith("'") ? v.slice(1, -1) : Number(v)]; }) : []));
  const ours = [];
  for (const [o] of cases) ours.push(await c.getIps(o));
  const { stdout } = await run('/usr/bin/python3', ['-c', script, lxcpath, JSON.stringify(pyArgs)]);
  const theirs = JSON.parse(stdout) as string[][];
  for (let i = 0; i < cases.length; i++) t.same(ours[i], theirs[i], `getIps(${JSON.stringify(cases[i][0])}) = python3-lxc get_ips(${cases[i][1]})`);
  t.ok(ours[6].length === 1 && ours[6][0] === '10.96.0.9', 'the alias by its label');
  t.ok(ours[5].includes('10.97.0.7') && ours[5].includes('fd00:97::7'), 'the static addresses');
  t.ok(ours[7].some((ip) => ip.startsWith('fe80:')), 'link-local addresses with their interface index as scope');
  await c.stop();
});

t.test('getIps waits for DHCP; getInterfaces', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'dhcp', bridge.name);
  t.teardown(() => c.release());
  await t.rejects(c.getIps(), { code: 'ENOTRUNNING' });
  await c.start();
  const ips = await c.getIps({ family: 'inet', timeout: 30 });
  const prefix = bridge.gateway.split('.').slice(0, 3).join('.');
  t.ok(ips.length === 1 && ips[0].startsWith(`${prefix}.`), `an address on the bridge's subnet: ${ips}`);
  t.same(await c.getIps({ interface: 'eth0', family: 'inet' }), ips);
  t.same(await c.getIps({ interface: 'nosuch0', timeout: 0.3 }), [], 'no address: [] after the timeout');
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  await t.rejects(c.getIps({ interface: 'nosuch0', timeout: 30, signal: ac.signal }), { code: 'EABORT' });
  t.ok((await c.getInterfaces()).includes('eth0'));
  await t.rejects(c.getIps({ family: 'ipx' } as never), { code: 'EINVAL' });
  await c.stop();
});

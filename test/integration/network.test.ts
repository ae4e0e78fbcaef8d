// The network state family (lib/container/network.ts) on real containers: getIps against
// python3-lxc's get_ips in the same state, DHCP waits, getInterfaces.
import t from 'tap';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import * as lxc from '../../lib/index.js';
import { createBridge, type Bridge } from '../fixtures/bridge.js';
import { asRoot, tempLxcpath, busybox } from '../helpers.js';

const run = promisify(execFile);
let bridge: Bridge;

t.before(async () => {
  bridge = await createBridge();
  t.teardown(() => bridge.close());
});

t.test('getIps lists what liblxc get_ips lists (python3-lxc asked in the same state)', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'ipsame', bridge.name);
  t.teardown(() => c.release());
  // A second nic with static addresses: udhcpc only touches eth0. Unattached on the host as root;
  // a normal user's veth needs a bridge it has a quota on (lxc-user-nic), the same one.
  for (const [k, v] of [['type', 'veth'], ['name', 'eth1'], ['flags', 'up'], ['ipv4.address', '10.97.0.7/24'], ['ipv6.address', 'fd00:97::7/64'], ...(asRoot ? [] : [['link', bridge.name]])]) {
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

  // interfaceStats: the counters /proc/<init>/net/dev shows for the container's namespace.
  await c.exec(['ping', '-c', '3', '-W', '1', bridge.gateway]);
  const first = await c.interfaceStats();
  const dev = readFileSync(`/proc/${c.initPid}/net/dev`, 'utf8');
  const second = await c.interfaceStats();
  t.same(first.map((i) => i.name), ['eth0', 'lo'], 'every interface, by name');
  for (const line of dev.split('\n').slice(2).filter(Boolean)) {
    const [name, rest] = line.split(':').map((x) => x.trim());
    const f = rest.split(/\s+/).map(Number);
    const [a, b] = [first, second].map((l) => l.find((i) => i.name === name)!);
    for (const [key, col] of [['rxBytes', 0], ['rxPackets', 1], ['txBytes', 8], ['txPackets', 9]] as const) {
      t.ok(a[key] <= f[col] && f[col] <= b[key], `${name} ${key}: ${a[key]} ≤ /proc's ${f[col]} ≤ ${b[key]}`);
    }
  }
  const eth0 = first.find((i) => i.name === 'eth0')!;
  t.ok(eth0.txPackets >= 3 && eth0.rxPackets >= 3, `the pings went out and came back: tx ${eth0.txPackets}, rx ${eth0.rxPackets} packets`);
  await c.stop();
  await t.rejects(c.interfaceStats(), { code: 'ENOTRUNNING', op: 'interfaceStats' });
});

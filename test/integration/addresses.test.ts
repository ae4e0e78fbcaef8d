// getAddresses() (lib/container/network.ts) on a real container: a DHCP lease on a bridge, static
// IPv4/IPv6 addresses and a labelled alias on a second nic, each with its prefix and scope,
// checked against what `ip addr` inside the container says. As root and as a normal user (whose
// socket a child opens from inside the container's user namespace, nsenter's).
import t from 'tap';
import { readdirSync, readlinkSync } from 'node:fs';
import { createBridge, type Bridge } from '../fixtures/bridge.js';
import { asRoot, tempLxcpath, busybox } from '../helpers.js';
import type { ContainerAddress } from '../../lib/index.js';

let bridge: Bridge;

t.before(async () => {
  bridge = await createBridge();
  t.teardown(() => bridge.close());
});

t.test('getAddresses: interface, family, address, prefix length and scope of each address', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'addrs', bridge.name);
  t.teardown(() => c.release());
  await t.rejects(c.getAddresses(), { code: 'ENOTRUNNING' }, 'stopped: ENOTRUNNING');
  // A normal user's veth nics must be on a bridge its lxc-usernet quota names (the test bridge).
  const link = asRoot ? [] : [['link', bridge.name]];
  for (const [k, v] of [['type', 'veth'], ['name', 'eth1'], ['flags', 'up'], ...link, ['ipv4.address', '10.97.0.7/24'], ['ipv6.address', 'fd00:97::7/64']]) {
    c.setConfigItem(`lxc.net.1.${k}`, v);
  }
  c.saveConfig();
  await c.start();
  t.teardown(() => c.stop().catch(() => undefined));
  const [lease] = await c.getIps({ family: 'inet', interface: 'eth0', timeout: 30 });
  t.ok(lease, `eth0 has its lease: ${lease}`);
  t.equal((await c.exec(['ip', 'addr', 'add', '10.96.0.9/16', 'dev', 'eth1', 'label', 'eth1:9'])).exitCode, 0, 'an alias with a label');
  // Wait for DAD to settle (the address is there while tentative, but let the list stop changing).
  let all = await c.getAddresses();
  for (let i = 0; i < 40 && !all.some((a) => a.address === 'fd00:97::7'); i++) {
    await new Promise((r) => setTimeout(r, 250));
    all = await c.getAddresses();
  }
  t.comment(JSON.stringify(all));
  const find = (address: string) => all.find((a) => a.address === address);
  t.same(find(lease), { interface: 'eth0', family: 'inet', address: lease, prefixLength: 24, scope: 'global' }, 'the DHCP lease, /24 (dnsmasq\'s range)');
  t.same(find('10.97.0.7'), { interface: 'eth1', family: 'inet', address: '10.97.0.7', prefixLength: 24, scope: 'global' }, 'static IPv4');
  t.same(find('fd00:97::7'), { interface: 'eth1', family: 'inet6', address: 'fd00:97::7', prefixLength: 64, scope: 'global' }, 'static IPv6');
  t.same(find('10.96.0.9'), { interface: 'eth1', label: 'eth1:9', family: 'inet', address: '10.96.0.9', prefixLength: 16, scope: 'global' }, 'the alias: its interface and its label');
  t.same(find('127.0.0.1'), { interface: 'lo', family: 'inet', address: '127.0.0.1', prefixLength: 8, scope: 'host' }, 'lo is listed');
  t.same(find('::1'), { interface: 'lo', family: 'inet6', address: '::1', prefixLength: 128, scope: 'host' }, '::1 is listed');
  t.ok(all.some((a) => a.family === 'inet6' && a.address.startsWith('fe80:') && a.prefixLength === 64 && a.scope === 'link'), 'a link-local address, scope link');
  const sorted = [...all].sort((a, b) => (`${a.interface}\0${a.family}\0${a.address}` < `${b.interface}\0${b.family}\0${b.address}` ? -1 : 1));
  t.same(all, sorted, 'sorted by interface, family, address');
  // The same set as `ip -o addr` inside the container (address/prefix and scope per line).
  const ip = (await c.exec(['ip', '-o', 'addr'])).stdout;
  const theirs = [...ip.matchAll(/^\d+:\s+(\S+)\s+(inet6?)\s+(\S+)\/(\d+)\s.*?scope (\w+)/gm)].map((m) => `${m[2]} ${m[3]}/${m[4]} ${m[5]}`).sort();
  const ours = all.map((a) => `${a.family} ${a.address}/${a.prefixLength} ${a.scope}`).sort();
  t.same(ours, theirs, `ip -o addr inside agrees (${theirs.length} addresses)`);
  // Each call's socket is closed (as a normal user's, a child in the container's user namespace opened it and sent it here).
  // Each fd with what it leads to (the listing's own is closed by then): one closed meanwhile by something else (an exec's pipe) is no leak.
  const fds = () => new Set(readdirSync('/proc/self/fd').flatMap((f) => { try { return [`${f} ${readlinkSync(`/proc/self/fd/${f}`)}`]; } catch { return []; } }));
  const before = fds();
  const again: ContainerAddress[][] = [];
  const started = performance.now();
  for (let i = 0; i < 10; i++) again.push(await c.getAddresses());
  t.comment(`${((performance.now() - started) / 10).toFixed(2)} ms a call`);
  t.same([...fds()].filter((f) => !before.has(f)), [], 'ten calls leave no fd open');
  t.ok(again.every((a) => JSON.stringify(a) === JSON.stringify(all)), 'each answered the same');
  // The socket a child opens from inside the container's user namespace (a normal user's way in; root's too when it asks for one).
  const { enteredRouteSocket } = await import('../../lib/net/entered.js');
  const { namespaceAddresses, routeSocketOf } = await import('../../lib/net/netlink.js');
  const fd = await enteredRouteSocket(c.initPid);
  t.equal(namespaceAddresses(c.initPid, routeSocketOf(fd)).length, all.length, 'through nsenter\'s child: the same addresses');
  await t.rejects(enteredRouteSocket(2 ** 22 + 1), { name: 'EnterFailure', gone: true }, 'no such process: gone');
  if (!asRoot) await t.rejects(enteredRouteSocket(1), { name: 'EnterFailure', gone: false, message: /Operation not permitted|Permission denied/ }, 'the host\'s init, not the user\'s: refused');
  await c.stop();
  await t.rejects(c.getAddresses(), { code: 'ENOTRUNNING' }, 'stopped again: ENOTRUNNING');
});

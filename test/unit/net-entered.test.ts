// A normal user's way into a container's network namespace (lib/net/entered.ts) without a
// container: the nsenter argv (--user only for a process in another user namespace), the
// helper's small module graph, a socket opened through it in a fresh network namespace, and the
// failures it names (a process that is gone, nsenter refused).
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnterFailure, enterCommand, enteredRouteSocket } from '../../lib/net/entered.js';
import { namespaceAddresses, routeSocketOf } from '../../lib/net/netlink.js';
import { reachable } from '../../scripts/check-imports.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const asRoot = process.getuid?.() === 0;

/** A `sleep` in new namespaces (`unshare` flags), and its pid once they exist; killed at the end. */
async function inNamespaces(t: Test, flags: string[]): Promise<number> {
  const child = spawn('unshare', [...flags, '--', 'sleep', '60'], { stdio: 'ignore' });
  t.teardown(() => { child.kill('SIGKILL'); });
  const mine = readlinkSync('/proc/self/ns/net');
  for (let i = 0; i < 200; i++) {
    try {
      // unshare execs sleep once its namespaces are made: then its net ns is not ours.
      if (readlinkSync(`/proc/${child.pid}/ns/net`) !== mine && readlinkSync(`/proc/${child.pid}/exe`).endsWith('/sleep')) return child.pid!;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`unshare ${flags.join(' ')} made no namespaces within 5 s`);
}

t.test('the argv: nsenter joins the user namespace only when it is not ours, keeps our credentials', async (t) => {
  const [file, args] = enterCommand(process.pid, '/usr/bin/node');
  t.equal(file, 'nsenter');
  t.same(args.slice(0, args.indexOf('--') + 2), ['--net', '--target', String(process.pid), '--preserve-credentials', '--', '/usr/bin/node'], 'our own user namespace: no --user (joining it again is EINVAL)');
  t.match(args.at(-1), /lib\/net\/netns-helper\.(ts|js)$/, 'the helper script last');
  t.notOk(args.some((a) => /@tapjs|processinfo/.test(a)), 'no test-runner hooks passed on');
});

t.test('the helper loads no more than it needs: koffi, libc and the socket framing', async (t) => {
  t.same(reachable(repo, 'lib/net/netns-helper.ts'), ['ffi/constants.ts', 'ffi/koffi.ts', 'ffi/libc.ts', 'lib/net/netns-helper.ts', 'lib/proc/frames.ts', 'lib/proc/socket.ts']);
});

t.test('a socket opened in another network namespace answers for that one', { skip: !asRoot && 'unshare --net needs root', timeout: 60_000 }, async (t) => {
  const pid = await inNamespaces(t, ['--net']);
  t.notOk(enterCommand(pid, 'node')[1].includes('--user'), 'same user namespace: no --user');
  const fd = await enteredRouteSocket(pid);
  const addresses = namespaceAddresses(pid, routeSocketOf(fd));
  // A fresh network namespace has lo only, down: no address at all, where ours has 127.0.0.1.
  t.same(addresses, [], 'the fresh namespace\'s addresses (none), not this one\'s');
  t.ok(namespaceAddresses(process.pid).some((a) => a.address === '127.0.0.1'), 'control: ours has 127.0.0.1');
});

t.test('a process in another user namespace: --user is added', { skip: !asRoot && 'unshare --user --map-root-user: the test runs as root', timeout: 60_000 }, async (t) => {
  const pid = await inNamespaces(t, ['--user', '--map-root-user', '--net']);
  t.ok(enterCommand(pid, 'node')[1].includes('--user'), '--user');
  const fd = await enteredRouteSocket(pid);
  t.same(namespaceAddresses(pid, routeSocketOf(fd)), [], 'its namespace answers');
});

t.test('failures name why: a process that is gone', { timeout: 60_000 }, async (t) => {
  const e = await enteredRouteSocket(2 ** 22 + 7).then(() => null, (x: unknown) => x);
  t.ok(e instanceof EnterFailure, 'an EnterFailure');
  t.match(e, { gone: true, missing: false, message: /No such file or directory/ }, 'gone, with nsenter\'s words');
});

// The seed's second and third examples (scripts/examples/update-all.ts, hostname.ts) run as
// scripts against real busybox containers in a temporary lxcpath.
import t, { type Test } from 'tap';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as lxc from '../../lib/index.js';
import { createBridge } from '../fixtures/bridge.js';
import { tempLxcpath, busybox, readRootfs, writeRootfs } from '../helpers.js';

const run = promisify(execFile);

/** Runs an example script under tsx; resolves its stdout and stderr even when it exits non-zero. */
async function example(script: string, argv: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', `scripts/examples/${script}`, ...argv], { env: process.env, timeout: 180_000 });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number | string; signal?: string };
    return { stdout: err.stdout ?? '', stderr: `${err.stderr ?? ''}${err.signal ? `\n(killed by ${err.signal})` : ''}`, code: typeof err.code === 'number' ? err.code : -1 };
  }
}

/** The host's name as the seed's print_hostname() sees it: /etc/hostname, else the uts name. */
function hostHostname(): string {
  try {
    return readFileSync('/etc/hostname', 'utf8').trim();
  } catch {
    return hostname();
  }
}

/** A Container handle released at teardown. */
function open(t: Test, name: string, lxcpath: string): lxc.Container {
  const c = new lxc.Container(name, lxcpath);
  t.teardown(() => c.release());
  return c;
}

t.test('hostname.ts: print_hostname on the host, then inside the container', async (t) => {
  const lxcpath = tempLxcpath(t);
  const p1 = await busybox(lxcpath, 'p1');
  writeRootfs(p1, lxcpath, 'etc/hostname', 'container-p1\n');
  p1.release();
  const host = hostHostname();
  t.not(host, 'container-p1', 'the host is not named like the container');

  const { stdout, stderr, code } = await example('hostname.ts', ['--lxcpath', lxcpath]);
  t.equal(code, 0, 'the script succeeded', { stdout, stderr });
  const lines = stdout.split('\n').filter((l) => l.startsWith('Hostname:'));
  t.same(lines, [`Hostname: ${host}`, 'Hostname: container-p1'], "on stdout: the host's name, then the container's /etc/hostname");

  const c = open(t, 'p1', lxcpath);
  t.equal(c.state, 'STOPPED', 'the script stopped the container it started');
});

t.test('hostname.ts leaves a running container running', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'p1');
  t.teardown(() => c.release());
  await c.start();
  // No /etc/hostname in the busybox rootfs: the function falls back to the uts name (lxc.uts.name).
  t.notOk(existsSync(join(lxcpath, 'p1', 'rootfs', 'etc', 'hostname')), 'the busybox template writes no /etc/hostname');
  const { stdout, stderr, code } = await example('hostname.ts', ['--lxcpath', lxcpath, '--name', 'p1']);
  t.equal(code, 0, 'the script succeeded', { stdout, stderr });
  t.same(stdout.split('\n').filter((l) => l.startsWith('Hostname:')), [`Hostname: ${hostHostname()}`, 'Hostname: p1'], 'inside: the uts name');
  t.equal(c.state, 'RUNNING', 'still running');
});

t.test('update-all.ts: starts, updates and stops again; leaves running ones running', async (t) => {
  const lxcpath = tempLxcpath(t);
  const bridge = await createBridge();
  t.teardown(() => bridge.close());
  // Both on the DHCP bridge: the busybox template's rcS runs udhcpc, so they get an address.
  const up = await busybox(lxcpath, 'up', bridge.name);
  t.teardown(() => up.release());
  const down = await busybox(lxcpath, 'down', bridge.name);
  t.teardown(() => down.release());
  // A third one with no network at all: it never gets an address.
  const lonely = await busybox(lxcpath, 'lonely');
  t.teardown(() => lonely.release());
  await up.start();
  t.equal(down.state, 'STOPPED', 'down starts out stopped');

  const started = Date.now();
  const { stdout, stderr, code } = await example('update-all.ts', [
    '--lxcpath', lxcpath, '--timeout', '5',
    '--command', JSON.stringify(['touch', '/tmp/updated']),
    '--command', JSON.stringify(['sh', '-c', 'echo ok > /tmp/second']),
  ]);
  t.comment(`update-all.ts took ${Date.now() - started} ms`);
  t.equal(code, 0, 'the script succeeded', { stdout, stderr });
  // One line per container, in listContainers' (sorted) order.
  t.same(stdout.trim().split('\n'), [
    'down: updated (2 commands, exit codes 0 0), shut down again',
    'lonely: skipped (no address), shut down again',
    'up: updated (2 commands, exit codes 0 0)',
  ], 'what happened to each container');

  // The busybox rootfs has no fstab entries: /tmp is a plain directory of the rootfs, visible here.
  for (const name of ['up', 'down']) {
    const rootfs = join(lxcpath, name, 'rootfs');
    t.ok(existsSync(join(rootfs, 'tmp', 'updated')), `${name}: the first command created /tmp/updated`);
    t.equal(readFileSync(join(rootfs, 'tmp', 'second'), 'utf8'), 'ok\n', `${name}: the second command wrote /tmp/second`);
  }
  t.notOk(existsSync(join(lxcpath, 'lonely', 'rootfs', 'tmp', 'updated')), 'nothing ran in the container without an address');
  t.equal(up.state, 'RUNNING', 'the one that was running still runs');
  t.equal(down.state, 'STOPPED', 'the one that was stopped is stopped again');
  t.equal(lonely.state, 'STOPPED', 'so is the one without an address');
});

t.test("update-all.ts: the seed's apt-get commands by default; failures reported", async (t) => {
  const lxcpath = tempLxcpath(t);
  const bridge = await createBridge();
  t.teardown(() => bridge.close());
  const c = await busybox(lxcpath, 'web', bridge.name);
  t.teardown(() => c.release());
  // busybox has no apt-get: a stand-in that logs its arguments.
  writeRootfs(c, lxcpath, 'usr/bin/apt-get', '#!/bin/sh\necho "$@" >> /root/apt.log\n', 0o755);

  const seed = await example('update-all.ts', ['--lxcpath', lxcpath]);
  t.equal(seed.code, 0, 'the script succeeded', seed);
  t.equal(seed.stdout, 'web: updated (2 commands, exit codes 0 0), shut down again\n');
  t.equal(readRootfs(c, lxcpath, 'root/apt.log'), 'update\ndist-upgrade -y\n', 'apt-get update, then apt-get dist-upgrade -y');
  t.equal(c.state, 'STOPPED', 'stopped again');

  const bad = await example('update-all.ts', ['--lxcpath', lxcpath, '--command', 'touch /tmp/x']);
  t.equal(bad.code, 2, 'a --command that is not a JSON argv is refused');
  t.match(bad.stderr, /JSON array/);
  t.equal(bad.stdout, '', 'before touching any container');
  t.equal(c.state, 'STOPPED', 'nothing was started');

  const failing = await example('update-all.ts', [
    '--lxcpath', lxcpath,
    '--command', JSON.stringify(['true']),
    '--command', JSON.stringify(['sh', '-c', 'exit 3']),
    '--command', JSON.stringify(['/no/such/program']),
  ]);
  t.equal(failing.code, 1, 'a failing command makes the script fail');
  t.equal(failing.stdout, 'web: update failed (3 commands, exit codes 0 3 127), shut down again\n', 'with every exit code');
  t.equal(c.state, 'STOPPED', 'stopped again');
});

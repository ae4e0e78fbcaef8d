// cloneEphemeral() (lib/container/snapshots.ts, the guard in lib/guard/) on real containers: the
// clone is destroyed when it stops by stop(), by shutdown(), by its init exiting, and when the Node
// process that made it is SIGKILLed; each time nothing of it is left within a deadline: its
// directory (config, overlay delta), a mount of it on the host (the tmpfs is in its own mount
// namespace), its cgroups (payload and monitor), a running guard. As root and as a normal user.
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Container } from '../../lib/index.js';
import { busybox, tempLxcpath } from '../helpers.js';

const DEADLINE_MS = 20_000;

/** The cgroups named KIND.NAME[-N] of `name` in every mounted hierarchy (monitor-cgroups.test.ts's walk). */
function cgroupsOf(name: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: string[] = [];
    try { entries = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name); } catch { return; }
    for (const e of entries) {
      if ([`lxc.payload.${name}`, `lxc.monitor.${name}`].some((k) => e === k || e.startsWith(`${k}-`))) out.push(`${dir}/${e}`);
      else if (depth > 0 && !e.startsWith('lxc.')) walk(`${dir}/${e}`, depth - 1);
    }
  };
  walk('/sys/fs/cgroup', 5);
  return out;
}

/** Guard processes of `name` (their argv ends with name, lxcpath, inode). */
function guardsOf(name: string, lxcpath: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (argv.some((a) => a.includes('guard/main')) && argv.at(-3) === name && argv.at(-2) === lxcpath) out.push(Number(p));
    } catch { /* gone */ }
  }
  return out;
}

/** What is left of `name`: '' when nothing. */
function leftovers(name: string, lxcpath: string): string {
  const dir = `${lxcpath}/${name}`;
  const left: string[] = [];
  if (existsSync(dir)) left.push(`dir ${dir}: ${readdirSync(dir).join(',')}`);
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(dir));
  if (mounts.length) left.push(`mounts: ${mounts.join(' | ')}`);
  const cg = cgroupsOf(name);
  if (cg.length) left.push(`cgroups: ${cg.join(',')}`);
  const g = guardsOf(name, lxcpath);
  if (g.length) left.push(`guards: ${g.join(',')}`);
  return left.join('; ');
}

async function gone(t: Test, name: string, lxcpath: string, how: string): Promise<void> {
  const start = Date.now();
  let left = leftovers(name, lxcpath);
  while (left && Date.now() - start < DEADLINE_MS) {
    await new Promise((r) => setTimeout(r, 100));
    left = leftovers(name, lxcpath);
  }
  t.equal(left, '', `${how}: nothing left of ${name} after ${Date.now() - start} ms (deadline ${DEADLINE_MS} ms)`);
}

let lxcpath: string;
let base: Container;

t.before(async () => {
  lxcpath = tempLxcpath(t);
  base = await busybox(lxcpath, 'ephbase');
});
t.teardown(() => base?.release());

t.test('stop(): liblxc destroys it; the upper layer on disk while it ran', async (t) => {
  const e = await base.cloneEphemeral('eph-stop');
  t.equal(e.getConfigItem('lxc.ephemeral'), '1', 'lxc.ephemeral = 1');
  t.match(readFileSync(`${lxcpath}/eph-stop/config`, 'utf8'), /^lxc\.rootfs\.path = overlay(fs)?:.*:.*\/eph-stop\/overlay\/delta$/m, 'an overlay clone, its delta in its directory');
  const guards = guardsOf('eph-stop', lxcpath);
  t.equal(guards.length, 1, 'one guard watches it');
  t.comment(`the guard's ${/VmRSS:.*/.exec(readFileSync(`/proc/${guards[0]}/status`, 'utf8'))?.[0]}`);
  await e.start();
  t.equal((await e.exec(['sh', '-c', 'echo hi > /written'])).exitCode, 0);
  const delta = e.getConfigItem('lxc.rootfs.path').split(':').at(-1)!;
  t.ok(existsSync(`${delta}/written`), 'what it writes lands in its delta on disk');
  await e.stop();
  e.release();
  await gone(t, 'eph-stop', lxcpath, 'stop()');
  t.ok(base.defined && existsSync(`${lxcpath}/ephbase/config`), 'the source is untouched');
});

t.test('tmpfs: the upper layer never reaches the disk; stop() destroys it', async (t) => {
  const e = await base.cloneEphemeral('eph-tmpfs', { tmpfs: true });
  await e.start();
  t.equal((await e.exec(['sh', '-c', 'echo hi > /written && cat /etc/hostname'])).stdout.trim(), 'eph-tmpfs', 'its hostname, written again on the tmpfs');
  const delta = e.getConfigItem('lxc.rootfs.path').split(':').at(-1)!;
  t.notOk(existsSync(`${delta}/written`), 'the host\'s delta directory does not get the file');
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(`${lxcpath}/eph-tmpfs`));
  t.same(mounts, [], 'the tmpfs is not mounted in the host\'s namespace');
  const inside = readFileSync(`/proc/${e.initPid}/mountinfo`, 'utf8');
  t.match(inside, / - tmpfs none /, 'a tmpfs in the container\'s mount namespace');
  await e.stop();
  e.release();
  await gone(t, 'eph-tmpfs', lxcpath, 'tmpfs + stop()');
});

t.test('shutdown(): destroyed', async (t) => {
  const e = await base.cloneEphemeral('eph-shut');
  await e.start();
  t.equal(await e.shutdown(30), true, 'busybox init halts');
  e.release();
  await gone(t, 'eph-shut', lxcpath, 'shutdown()');
});

t.test('its init exiting: destroyed', async (t) => {
  const e = await base.cloneEphemeral('eph-exit', { tmpfs: true });
  await e.start({ argv: ['/bin/sh', '-c', 'sleep 1'] });
  e.release();
  await gone(t, 'eph-exit', lxcpath, 'init exited');
});

t.test('never started: released, it stays while its maker lives; destroyed by hand, its guard ends', async (t) => {
  const e = await base.cloneEphemeral('eph-idle');
  e.release();
  t.ok(existsSync(`${lxcpath}/eph-idle/config`), 'still there while this process lives');
  const [guard] = guardsOf('eph-idle', lxcpath);
  t.ok(guard, 'its guard runs');
  // Its maker's death is the last test's; here the guard must notice a destroy it did not do.
  const { Container } = await import('../../lib/index.js');
  const again = new Container('eph-idle', lxcpath);
  await again.destroy();
  again.release();
  await gone(t, 'eph-idle', lxcpath, 'destroyed by hand');
});

for (const [tmpfs, start] of [[false, true], [true, true], [false, false]]) {
  const what = start ? `while it runs${tmpfs ? ' (tmpfs)' : ''}: the guard stops it, liblxc destroys it` : 'before it was started: the guard destroys it';
  t.test(`the maker SIGKILLed ${what}`, async (t) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/ephemeral-maker.ts', lxcpath, 'ephbase', tmpfs ? 'tmpfs' : 'plain', start ? 'start' : 'nostart'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const name = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /ready (\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code, sig) => reject(new Error(`the maker ended first (${sig ?? code})`)));
      // Unref'd: left running, it held this file's process open for a minute after its last test.
      setTimeout(() => reject(new Error('the maker was not ready in 60 s')), 60_000).unref();
    });
    t.ok(existsSync(`${lxcpath}/${name}/config`), `${name} made`);
    const state = readdirSync(`${lxcpath}/${name}`);
    t.comment(`its dir: ${state.join(',')}`);
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    t.comment(`SIGKILLed the maker (pid ${child.pid})`);
    await gone(t, name, lxcpath, `maker SIGKILLed${tmpfs ? ', tmpfs' : ''}${start ? '' : ', never started'}`);
    t.comment(`gone ${Date.now() - killedAt} ms after the kill`);
  });
}

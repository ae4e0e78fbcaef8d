// The program's own child processes and cgroup while liblxc works: liblxc's forks happen in runner
// processes, so nothing about this process's signals, children or cgroups changes under a call.
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { runnerPids } from '../../lib/runner/pool.js';
import { tempLxcpath, busybox, within, children } from '../helpers.js';

/** Spawns `true` and resolves how long after its exit the 'exit' event came (ms), from its own clock. */
function exitLatency(): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn('sh', ['-c', 'cut -d" " -f1 /proc/uptime'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout!.on('data', (d) => { out += d; });
    p.once('error', reject);
    p.once('exit', () => {
      // /proc/uptime has 10 ms steps: the exit came this long after the child read it.
      const now = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
      resolve(Math.max(0, (now - Number(out.trim())) * 1000));
    });
  });
}

/** Zombie children of this process right now. */
function zombies(): number[] {
  return children().filter((c) => c.state === 'Z').map((c) => c.pid);
}

async function noZombies(t: Test, when: string): Promise<void> {
  // libuv reaps on SIGCHLD: give it a turn of the loop.
  await new Promise((r) => setTimeout(r, 100));
  t.same(zombies(), [], `no zombie child ${when}`);
}

/** Spawns `true` every 150 ms while `work` runs; resolves the latencies seen. */
async function during<T>(work: Promise<T>): Promise<{ value: T; latencies: number[] }> {
  const latencies: number[] = [];
  let done = false;
  const loop = (async () => {
    while (!done) {
      latencies.push(await exitLatency());
      await new Promise((r) => setTimeout(r, 150));
    }
  })();
  try {
    return { value: await work, latencies };
  } finally {
    done = true;
    await loop;
  }
}

t.test("the program's children report their exit promptly during long liblxc calls", async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'slow');
  t.teardown(() => c.release());
  // A rootfs that takes a few seconds to copy, and hooks that make start and stop take seconds.
  mkdirSync(`${lxcpath}/slow/rootfs/srv`, { recursive: true });
  for (let i = 0; i < 6; i++) writeFileSync(`${lxcpath}/slow/rootfs/srv/blob${i}`, Buffer.alloc(64 * 1024 * 1024, i + 1));
  // liblxc runs a hook with the container's name and the hook's type after its own arguments.
  writeFileSync(`${lxcpath}/sleep2`, '#!/bin/sh\nsleep 2\n', { mode: 0o755 });
  c.setConfigItem('lxc.hook.pre-start', `${lxcpath}/sleep2`);
  c.setConfigItem('lxc.hook.post-stop', `${lxcpath}/sleep2`);
  c.saveConfig();

  // The bound: what an exit takes here with no call running (this machine, this load), times 4,
  // between 1 s and 1.5 s. A call that held the event loop would delay an exit by seconds (the
  // copy, the 2 s hooks).
  const control: number[] = [];
  for (let i = 0; i < 8; i++) {
    control.push(await exitLatency());
    await new Promise((r) => setTimeout(r, 150));
  }
  const bound = Math.min(1_500, Math.max(1_000, 4 * Math.max(...control)));
  const clone = await within(120_000, 'clone', during(c.clone('slowcopy')));
  clone.value.release();
  const start = await within(60_000, 'start', during(c.start()));
  const stop = await within(60_000, 'stop', during(c.stop()));
  for (const [name, r] of [['clone', clone], ['start', start], ['stop', stop]] as const) {
    t.ok(r.latencies.length >= 3, `${name}: ${r.latencies.length} children spawned while it ran`);
    const worst = Math.max(...r.latencies);
    t.ok(worst <= bound, `${name}: every exit reported within ${bound.toFixed(0)} ms of the child's end (worst ${worst.toFixed(0)} ms; idle control worst ${Math.max(...control).toFixed(0)} ms)`);
  }
  await noZombies(t, 'after clone, start and stop');
});

t.test('no zombie and every exit after failed, aborted and killed calls', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'z1');
  t.teardown(() => c.release());
  const bad = await busybox(lxcpath, 'z2');
  t.teardown(() => bad.release());
  bad.setConfigItem('lxc.net.0.type', 'veth');
  bad.setConfigItem('lxc.net.0.link', 'nosuchbridge0');
  bad.saveConfig();
  await t.rejects(within(60_000, 'failing start', bad.start()), { code: 'ESTART' }, 'a failing start');
  await noZombies(t, 'after a failed start');

  await within(30_000, 'start z1', c.start());
  const ac = new AbortController();
  const p = c.exec(['sleep', '30'], { signal: ac.signal });
  setTimeout(() => ac.abort(), 200);
  await t.rejects(within(30_000, 'aborted exec', p), { code: 'EABORT' }, 'an aborted exec');
  await noZombies(t, 'after an aborted exec');

  // A runner killed under a call: the call fails with a message, the next call works.
  const long = c.attachWait(['sleep', '30']);
  await new Promise((r) => setTimeout(r, 300));
  for (const pid of runnerPids()) process.kill(pid, 'SIGKILL');
  await t.rejects(within(30_000, 'attachWait under a killed runner', long), { name: 'LxcError', code: /^(EATTACH|ERUNNER)$/, message: /runner/ }, 'the wait fails with an LxcError naming the runner');
  t.equal(await within(30_000, 'attachWait after', c.attachWait(['true'])), 0, 'later calls work');
  const exits = await Promise.all([exitLatency(), exitLatency(), exitLatency()]);
  t.equal(exits.length, 3, "every 'exit' of the program's own children arrives");
  await noZombies(t, 'after a runner was killed');
  await within(30_000, 'stop z1', c.stop());
});

t.test('the caller stays in its own cgroups; runners go back to theirs', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'cg1');
  t.teardown(() => c.release());
  const mine = readFileSync('/proc/self/cgroup', 'utf8');
  await within(30_000, 'start', c.start());
  t.equal(readFileSync('/proc/self/cgroup', 'utf8'), mine, 'after start(): /proc/self/cgroup as before');
  for (const pid of runnerPids()) {
    t.equal(readFileSync(`/proc/${pid}/cgroup`, 'utf8'), mine, `runner ${pid} is back in the caller's cgroups`);
  }
  t.ok(readFileSync(`/proc/${c.initPid}/cgroup`, 'utf8').includes('cg1'), "the container's init is in the container's cgroup");
  // Runners look at their cgroups only after start/restore: the other forking calls must not move them.
  await within(30_000, 'exec', c.exec(['true']));
  await within(30_000, 'attachWait', c.attachWait(['true'], { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' }));
  await within(30_000, 'snapshotList', c.snapshotList());
  for (const pid of runnerPids()) {
    t.equal(readFileSync(`/proc/${pid}/cgroup`, 'utf8'), mine, `after exec and attach: runner ${pid} still in the caller's cgroups`);
  }
  await within(30_000, 'stop', c.stop());
  t.equal(readFileSync('/proc/self/cgroup', 'utf8'), mine, 'after stop(): as before');
  await within(30_000, 'second start', c.start());
  await within(30_000, 'second stop', c.stop());
  const unified = '/sys/fs/cgroup/unified';
  const left = (() => { try { return readdirSync(unified).filter((d) => d.startsWith('lxc.monitor.cg1')); } catch { return []; } })();
  t.same(left, [], 'no monitor cgroup of the container is left (nothing lives in it)');
});

t.test('20 rounds of start then shutdown, and of reboot then shutdown', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'halt1');
  t.teardown(() => c.release());
  const failures: string[] = [];
  for (let i = 1; i <= 20; i++) {
    await within(30_000, `round ${i}: start`, c.start());
    if (!(await within(45_000, `round ${i}: shutdown after start`, c.shutdown(30)))) failures.push(`round ${i}: start → shutdown(30) returned false`);
    if (c.running) await c.stop();
  }
  await within(30_000, 'start for reboots', c.start());
  for (let i = 1; i <= 20; i++) {
    if (!(await within(30_000, `round ${i}: reboot`, c.reboot(20)))) failures.push(`round ${i}: reboot(20) returned false`);
    if (!(await within(45_000, `round ${i}: shutdown after reboot`, c.shutdown(30)))) failures.push(`round ${i}: reboot → shutdown(30) returned false`);
    if (c.running) await c.stop();
    if (i < 20) await within(30_000, `round ${i}: start again`, c.start());
  }
  t.same(failures, [], 'every shutdown(30) returned true');
});

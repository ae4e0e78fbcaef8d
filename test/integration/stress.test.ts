// liblxc's forking calls (clone, snapshot, exec, attachWait) side by side with the program's own
// child processes and Container churn: liblxc's raw clone() children must never inherit a glibc
// lock another thread held (issue: the clone-time deadlock), and nothing may hang.
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as lxc from '../../lib/index.js';
import { tempLxcpath, busybox, within, unexecedChildren, watchdog } from '../helpers.js';

const ROUNDS = Number(process.env.LXC_FFI_STRESS_ROUNDS ?? 50);
// A round takes about a second here; a minute means it hung.
const ROUND_MS = 60_000;

t.test(`${ROUNDS} rounds of clone, snapshot, exec and attachWait while the program forks`, async (t) => {
  const lxcpath = tempLxcpath(t);
  const base = await busybox(lxcpath, 'base');
  const snapsrc = await busybox(lxcpath, 'snapsrc');
  const runner = await busybox(lxcpath, 'runner');
  t.teardown(() => { base.release(); snapsrc.release(); runner.release(); });
  // Enough files that each copy clone's rsync runs a while.
  mkdirSync(`${lxcpath}/base/rootfs/srv/data`, { recursive: true });
  for (let i = 0; i < 400; i++) writeFileSync(`${lxcpath}/base/rootfs/srv/data/f${i}`, `file ${i}\n`.repeat(64));
  await within(30_000, 'start runner', runner.start());

  let running = true;
  let spawns = 0;
  let churned = 0;
  // The program's own children: three spawns always in flight, each awaited to its 'exit'.
  const spawner = Promise.all([0, 1, 2].map(async () => {
    while (running) {
      await new Promise<void>((resolve, reject) => {
        const p = spawn('true', { stdio: 'ignore' });
        p.once('error', reject);
        p.once('exit', (code, sig) => (code === 0 ? resolve() : reject(new Error(`true exited ${code} ${sig}`))));
      });
      spawns++;
      // Back to the event loop between spawns: a chain of exit → spawn within one libuv callback
      // keeps libuv reading its signal pipe and starves every other handle (not lxc-ffi's doing).
      await new Promise((r) => setImmediate(r));
    }
  }));
  // Other Containers made, queried and released on the main thread meanwhile.
  const churn = (async () => {
    while (running) {
      const c = new lxc.Container(`churn${churned % 7}`, lxcpath);
      if (c.defined || c.state !== 'STOPPED') throw new Error('a never-created container looks defined');
      c.setConfigItem('lxc.uts.name', `x${churned}`);
      if (c.getConfigItem('lxc.uts.name') !== `x${churned}`) throw new Error('config item lost');
      c.release();
      churned++;
      await new Promise((r) => setImmediate(r));
    }
  })();

  const failures: string[] = [];
  // A hang inside C can block this thread too (a spawn reading the pipe a stuck fork holds): then
  // only another thread can end the run, naming the round.
  const dog = watchdog();
  t.teardown(() => dog.close());
  for (let round = 1; round <= ROUNDS && failures.length === 0; round++) {
    dog.arm(`stress round ${round}`, ROUND_MS + 30_000);
    const step = <T>(name: string, work: () => Promise<T>) => within(ROUND_MS, `round ${round}: ${name}`, work());
    const results = await Promise.allSettled([
      step('copy clone and overlayfs snapshot clone', async () => {
        const copy = await base.clone(`copy${round}`);
        const ovl = await base.clone(`ovl${round}`, { bdevtype: 'overlayfs', snapshot: true });
        const ok = copy.defined && ovl.defined;
        await copy.destroy();
        await ovl.destroy();
        copy.release();
        ovl.release();
        if (!ok) throw new Error('a clone is not defined');
      }),
      step('snapshot and snapshotDestroy', async () => {
        const name = await snapsrc.snapshot();
        await snapsrc.snapshotDestroy(name);
      }),
      step('exec and attachWait', async () => {
        const r = await runner.exec(['echo', `round ${round}`]);
        if (r.stdout !== `round ${round}\n`) throw new Error(`exec printed ${JSON.stringify(r.stdout)}`);
        const code = await runner.attachWait(['true'], { stdout: 'ignore' });
        if (code !== 0) throw new Error(`attachWait gave ${code}`);
      }),
    ]);
    if (process.env.LXC_FFI_STRESS_DEBUG) console.error(`round ${round}`, results.map((r) => r.status));
    for (const r of results) if (r.status === 'rejected') failures.push(String((r.reason as Error).message ?? r.reason));
  }
  dog.disarm();
  running = false;
  // A hung liblxc call holds its container's queue: free it by killing the stuck copies of this
  // process (our own children), so the run ends and cleans up instead of waiting forever.
  const stuck = unexecedChildren();
  for (const pid of stuck) process.kill(pid, 'SIGKILL');
  await within(30_000, 'the spawn loop to end', spawner);
  await within(30_000, 'the churn loop to end', churn);
  t.same(failures, [], `every round ended in time with no failure (${spawns} spawns, ${churned} containers churned)`);
  t.same(stuck, [], 'no forked copy of this process was left stuck');
  await within(30_000, 'stop runner', runner.stop());
});

// Faults under real containers (issue 14): a read-only lxcpath, the rootfs removed under a running
// container, and the helper processes killed mid-call (a create worker, an attach worker). Each
// gives a clear LxcError within a deadline, leaves nothing half-made, and the next call works.
// A runner process killed mid-call (ERUNNER/EATTACH, the next call works) is children.test.ts's.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import * as lxc from '../../lib/index.js';
// What the spare's check reads: a live process, not a zombie.
import { running } from '../../lib/attach/process.js';
import { tempLxcpath, busybox, within, listTree, children } from '../helpers.js';

/** Pids of processes whose command line contains every one of `parts`. */
function pidsWith(...parts: string[]): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (parts.every((s) => cmd.includes(s))) out.push(Number(p));
    } catch { /* gone */ }
  }
  return out;
}

/** Polls `probe` every 20 ms until it gives a non-empty list, for at most `ms`. */
async function until<T>(ms: number, what: string, probe: () => T[]): Promise<T[]> {
  const end = Date.now() + ms;
  for (;;) {
    const got = probe();
    if (got.length) return got;
    if (Date.now() > end) throw new Error(`${what}: none after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const mounted = (dir: string) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === dir);

t.test('a read-only lxcpath: create, start and saveConfig fail with an LxcError, nothing half-made', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'ro');
  t.teardown(() => c.release());
  const fresh = new lxc.Container('fresh', lxcpath);
  t.teardown(() => fresh.release());
  const before = listTree(lxcpath);
  execFileSync('mount', ['--bind', lxcpath, lxcpath]);
  try {
    execFileSync('mount', ['-o', 'remount,bind,ro', lxcpath]);
    const created = await within(60_000, 'create on a read-only lxcpath', fresh.create('busybox', {}, { quiet: true })).then(() => null, (e: unknown) => e);
    t.type(created, lxc.LxcError, `create rejects: ${(created as Error)?.message}`);
    t.match((created as lxc.LxcError).code, /^(ECREATE|EACCES)$/);
    t.equal(fresh.defined, false, 'nothing defined');
    const saved = (() => { try { c.setConfigItem('lxc.uts.name', 'changed'); c.saveConfig(); return null; } catch (e) { return e; } })();
    t.type(saved, lxc.LxcError, `saveConfig throws: ${(saved as Error)?.message}`);
    t.equal((saved as lxc.LxcError).code, 'ESAVE');
    // liblxc needs no write to the lxcpath to start a dir-backed container (its log and state live
    // elsewhere or are skipped): it runs from its read-only rootfs, and stops.
    await within(60_000, 'start on a read-only lxcpath', c.start());
    t.equal(c.state, 'RUNNING', 'start works: the container runs from a read-only rootfs');
    t.not((await within(30_000, 'exec', c.exec(['touch', '/x']))).exitCode, 0, 'its rootfs is read-only inside');
    await within(30_000, 'stop', c.stop());
    t.equal(c.state, 'STOPPED');
    t.same(listTree(lxcpath), before, 'the lxcpath holds what it held');
  } finally {
    execFileSync('umount', [lxcpath]);
  }
  t.notOk(mounted(lxcpath), 'unmounted');
  // Writable again: the same calls work.
  await within(60_000, 'create after', fresh.create('busybox', {}, { quiet: true }));
  t.equal(fresh.defined, true, 'create works once the lxcpath is writable');
  c.loadConfig();
  c.saveConfig();
});

t.test('the rootfs removed under a running container: state, attach and stop still answer', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'gone');
  t.teardown(() => c.release());
  await within(60_000, 'start', c.start());
  rmSync(`${lxcpath}/gone/rootfs`, { recursive: true, force: true });
  t.notOk(existsSync(`${lxcpath}/gone/rootfs/bin`), 'the rootfs is gone on the host');
  t.equal(c.state, 'RUNNING', 'state answers');
  t.equal(c.running, true);
  const ran = await within(30_000, 'exec without a rootfs', c.exec(['/bin/true'])).then((r) => r, (e: unknown) => e);
  if (ran instanceof Error) {
    t.type(ran, lxc.LxcError, `exec rejects with an LxcError: ${ran.message}`);
  } else {
    t.not((ran as lxc.ExecResult).exitCode, 0, `exec resolves with a failure (exit ${(ran as lxc.ExecResult).exitCode}): nothing to run`);
  }
  const evaluated = await within(30_000, 'evaluate without a rootfs', c.evaluate(() => 1)).then((r) => r, (e: unknown) => e);
  t.ok(evaluated === 1 || evaluated instanceof lxc.LxcError, `evaluate answers (its Node is the host's): ${evaluated instanceof Error ? evaluated.message : evaluated}`);
  await within(30_000, 'stop', c.stop());
  t.equal(c.state, 'STOPPED', 'stop works');
  await within(30_000, 'destroy', c.destroy());
  t.equal(c.defined, false, 'destroy works');
});

t.test('a create worker killed mid-call: the create rejects, nothing stays defined, the next create works', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = new lxc.Container('killed', lxcpath);
  t.teardown(() => c.release());
  const creating = c.create('busybox', {}, { quiet: true });
  const workers = await until(30_000, 'create worker', () => children().filter((p) => p.cmdline.includes('create/worker')).map((p) => p.pid));
  // Once the template runs (it made the rootfs), so the kill lands mid-create, not before it.
  await until(30_000, 'template under way', () => (existsSync(`${lxcpath}/killed/rootfs`) ? [1] : []));
  for (const pid of workers) process.kill(pid, 'SIGKILL');
  const e = await within(60_000, 'create under a killed worker', creating).then(() => null, (err: unknown) => err);
  t.type(e, lxc.LxcError, `create rejects: ${(e as Error)?.message}`);
  t.equal((e as lxc.LxcError).code, 'ECREATE');
  t.match((e as Error).message, /the create worker died mid-create \(SIGKILL\); nothing was kept/, 'the message says the worker died');
  t.equal(c.defined, false, 'nothing defined');
  t.same(lxc.listContainers({ lxcpath }), []);
  await within(120_000, 'create after', c.create('busybox', {}, { quiet: true }));
  t.equal(c.defined, true, 'the next create works');
});

t.test('an attach worker killed mid-call: EATTACH, and the next call works', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, `fa${process.pid}`);
  t.teardown(() => c.release());
  await within(60_000, 'start', c.start());
  t.teardown(() => c.stop().catch(() => undefined));

  // A session's worker.
  const s = await within(30_000, 'openSession', c.openSession());
  const pending = s.evaluate(() => new Promise(() => undefined));
  await new Promise((r) => setTimeout(r, 100));
  process.kill(s.pid, 'SIGKILL');
  await t.rejects(within(30_000, 'session call under a killed worker', pending), { name: 'LxcError', code: 'EATTACH' }, 'the pending call rejects EATTACH');
  await t.rejects(within(30_000, 'session call after', s.evaluate(() => 1)), { code: 'EATTACH' }, 'the dead session says so');

  // A one-shot evaluate's worker (found by the container's mount namespace it is in).
  const mnt = readlinkSync(`/proc/${c.initPid}/ns/mnt`);
  const workers = () => pidsWith('--preload').filter((p) => { try { return readlinkSync(`/proc/${p}/ns/mnt`) === mnt; } catch { return false; } });
  const forever = c.evaluate(() => new Promise(() => undefined));
  const pids = await until(30_000, 'attach worker', workers);
  await new Promise((r) => setTimeout(r, 200));
  // The spare evaluate() keeps ready is among them when it was up by then.
  const killed = workers();
  for (const pid of killed) process.kill(pid, 'SIGKILL');
  await t.rejects(within(30_000, 'evaluate under a killed worker', forever), { name: 'LxcError', code: 'EATTACH' }, `evaluate rejects EATTACH (${pids.length} worker(s) killed)`);
  // Until the kernel has ended them, a killed spare still looks alive to the next evaluate().
  await until(30_000, 'the killed workers ended', () => (killed.every((p) => !running(p)) ? [1] : []));
  t.equal(await within(60_000, 'evaluate after', c.evaluate((n: number) => n + 1, 41)), 42, 'the next evaluate works');
  const again = await within(30_000, 'openSession after', c.openSession());
  t.equal(await again.evaluate(() => 'ok'), 'ok', 'and a new session');
  await again.close();
});

t.test('a caller killed mid-call: its runner, create worker and attach worker leave, and say nothing', async (t) => {
  const { spawn } = await import('node:child_process');
  const { mkdtempSync, openSync, closeSync, writeFileSync, chmodSync } = await import('node:fs');
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, `orph${process.pid}`);
  t.teardown(() => c.release());
  await within(60_000, 'start', c.start());
  t.teardown(() => c.stop().catch(() => undefined));
  const dir = mkdtempSync('/tmp/lxcffi-orphan-');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // A template that is still working when its caller dies, and writes after that.
  writeFileSync(`${dir}/tmpl`, '#!/bin/sh\nsleep 5\necho "template done"\necho "template err" >&2\nexit 0\n');
  chmodSync(`${dir}/tmpl`, 0o755);
  writeFileSync(`${dir}/caller.mts`, `
    import * as lxc from ${JSON.stringify(new URL('../../lib/index.ts', import.meta.url).pathname)};
    const c = new lxc.Container(${JSON.stringify(c.name)}, ${JSON.stringify(lxcpath)});
    const s = await c.openSession();
    // Calls that answer after their caller is gone: the first while the second still runs.
    void s.evaluate(() => new Promise((r) => setTimeout(() => r(1), 3000)));
    void s.evaluate(() => new Promise((r) => setTimeout(() => r(2), 6000)));
    void new lxc.Container('orphan-create', ${JSON.stringify(lxcpath)}).create(${JSON.stringify(`${dir}/tmpl`)}, {}, { quiet: true });
    await new Promise((r) => setTimeout(r, 1000));
    console.log('READY ' + s.pid);
    await new Promise(() => undefined);
  `);
  const errFile = `${dir}/stderr`;
  const err = openSync(errFile, 'w');
  const caller = spawn(process.execPath, ['--import', 'tsx', `${dir}/caller.mts`], { stdio: ['ignore', 'pipe', err] });
  closeSync(err);
  const ready = await within(60_000, 'the caller ready', new Promise<string>((resolve, reject) => {
    let out = '';
    caller.stdout!.on('data', (d) => { out += d; if (/READY \d+/.test(out)) resolve(out); });
    caller.once('exit', (code) => reject(new Error(`the caller exited (${code}): ${readFileSync(errFile, 'utf8')}`)));
  }));
  const attachWorker = Number(/READY (\d+)/.exec(ready)![1]);
  const kids = (pid: number) => {
    try { return readdirSync(`/proc/${pid}/task`).flatMap((tid) => readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number)); } catch { return []; }
  };
  const cmd = (pid: number) => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { return ''; } };
  // The create worker starts in a turn of its own, maybe after READY on a loaded host.
  const createWorkers = await until(30_000, 'create worker', () => kids(caller.pid!).filter((p) => cmd(p).includes('create/worker')));
  const runners = kids(caller.pid!).filter((p) => cmd(p).includes('runner/main'));
  t.ok(runners.length >= 1, `a runner (${runners})`);
  t.equal(createWorkers.length, 1, `a create worker (${createWorkers})`);
  t.ok(existsSync(`/proc/${attachWorker}`), `an attach worker (${attachWorker})`);
  caller.kill('SIGKILL');
  await new Promise((r) => caller.once('exit', r));
  const all = [...runners, ...createWorkers, attachWorker];
  const alive = () => all.filter((p) => existsSync(`/proc/${p}`) && !/^[ZX]/.test(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1] ?? 'X'));
  const end = Date.now() + 30_000;
  while (alive().length && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  t.same(alive(), [], 'every helper of the dead caller has exited');
  t.equal(readFileSync(errFile, 'utf8'), '', 'nothing on the stderr the caller shared with them');
  // What the orphaned create left is destroyed with the lxcpath.
});

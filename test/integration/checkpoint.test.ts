// CRIU checkpoint/restore and migrate() on a real busybox container in a temporary lxcpath.
//
// Whether CRIU can work here is decided by `criu check` (the criu on PATH, as liblxc finds it):
// - it passes: checkpoint → STOPPED, restore → RUNNING with a counter process inside carrying on
//   from where it was; the same through migrate(MIGRATE_DUMP / MIGRATE_RESTORE).
// - it fails (Debian 12's criu 3.17 on kernels ≥ 6.13, which split [vvar] into [vvar] and
//   [vvar_vclock]: "vdso: Unexpected rt vDSO area bounds"): checkpoint() rejects with ECHECKPOINT,
//   the container keeps running, and CRIU's dump.log carries the reason `criu check` gives.
//
// What a container needs for CRIU with LXC 5 (found on this host with criu 4.2):
// - no ttys and no console (lxc.tty.max = 0, lxc.console.path = none): else CRIU needs the
//   ptys as external resources on both sides;
// - no lxc.apparmor.profile (Debian's default.conf sets 'generated'): on a kernel without
//   AppArmor, liblxc still passes --lsm-profile apparmor:… to `criu restore`, which refuses it;
// - no bind lxc.mount.entry (the busybox template binds /lib, /usr/lib... for dynamic busybox):
//   criu 4.2's mount-v2 engine fails to move_mount() them back on restore (EINVAL);
// - the state-keeping process must be a descendant of the container's init in its own session:
//   an attached process is a child of the caller and in the caller's session, so CRIU either
//   leaves it out ("Unexpected process … in the freezer cgroup") or refuses to dump ("A session
//   leader of … is outside of its pid namespace"). It is started with setsid and backgrounded,
//   so init inherits it.
import t, { type Test } from 'tap';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as lxc from '../../lib/index.js';
import { tempLxcpath, busybox } from '../helpers.js';

const execFileAsync = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a host command (argv, no shell); resolves its exit code and output instead of throwing. */
async function host(argv: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(argv[0], argv.slice(1), { encoding: 'utf8' });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, out: (err.stdout ?? '') + (err.stderr ?? String(e)) };
  }
}

// liblxc's FEATURE_MEM_TRACK and FEATURE_LAZY_PAGES (lxccontainer.h), and what `criu check --feature` calls them.
const FEATURE_MEM_TRACK = 1;
const FEATURE_LAZY_PAGES = 2;
const criuFeature: Record<number, string> = { [FEATURE_MEM_TRACK]: 'mem_dirty_track', [FEATURE_LAZY_PAGES]: 'uffd-noncoop' };

const version = await host(['criu', '--version']);
const check = await host(['criu', 'check']);
const criuWorks = version.code === 0 && check.code === 0;
const criuErrors = check.out.split('\n').filter((l) => /Error/.test(l)).map((l) => l.replace(/^\([\d.]+\)\s*/, '').trim());
t.comment(`criu: ${version.out.split('\n')[0] || 'not found'}; criu check: ${check.code === 0 ? 'passes' : `fails: ${criuErrors.join(' | ')}`}`);

/** A temporary directory for images, removed at teardown. */
function imageDir(t: Test, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `lxcffi-${prefix}-`));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A busybox container set up for CRIU (see the top of this file), started, with a counter running. */
async function counterContainer(t: Test, name: string): Promise<{ c: lxc.Container; lxcpath: string; counter: () => Promise<{ pid: number; n: number }> }> {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, name);
  t.teardown(() => c.release());
  c.setConfigItem('lxc.tty.max', '0');
  c.setConfigItem('lxc.console.path', 'none');
  c.clearConfigItem('lxc.apparmor.profile');
  c.setConfigItem('lxc.mount.entry', c.getConfigList('lxc.mount.entry').filter((e) => !/(^|,|\s)r?bind(,|\s|$)/.test(e)));
  c.saveConfig();
  await c.start();
  const loop = 'i=0; while true; do i=$((i+1)); echo "$$ $i" > /tmp/counter; sleep 0.1; done';
  const p = await c.attach(['sh', '-c', `setsid sh -c '${loop}' </dev/null >/dev/null 2>&1 &`], { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' });
  t.equal((await p.wait()).exitCode, 0, 'the counter started in the background');
  // Read from the host through the rootfs (busybox's /tmp is on it): works stopped and running.
  const file = `${lxcpath}/${name}/rootfs/tmp/counter`;
  const counter = async () => {
    for (let i = 0; i < 50; i++) {
      const m = /^(\d+) (\d+)$/.exec(existsSync(file) ? readFileSync(file, 'utf8').trim() : '');
      if (m) return { pid: Number(m[1]), n: Number(m[2]) };
      await sleep(20); // caught between the shell's truncate and write
    }
    throw new Error(`no counter in ${file}`);
  };
  const end = Date.now() + 10_000;
  while (Date.now() < end && (await counter().catch(() => ({ n: 0 }))).n < 5) await sleep(50);
  t.ok((await counter()).n >= 5, 'the counter counts');
  return { c, lxcpath, counter };
}

/** Error lines of a CRIU log, without their timestamps. */
function criuLogErrors(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => /Error \(/.test(l)).map((l) => l.replace(/^\([\d.]+\)\s*/, '').trim());
}

t.test('argument and state checks (no CRIU needed)', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'args');
  t.teardown(() => c.release());
  const dir = imageDir(t, 'ckpt');
  await t.rejects(c.checkpoint(dir), { code: 'ENOTRUNNING', op: 'checkpoint' }, 'checkpoint of a stopped container');
  await t.rejects(c.checkpoint('relative/dir'), { code: 'EINVAL' });
  await t.rejects(c.checkpoint(dir, { stop: 'yes' } as never), { code: 'EINVAL' });
  await t.rejects(c.restore('relative/dir'), { code: 'EINVAL' });
  await t.rejects(c.migrate(4, { directory: dir }), { code: 'EINVAL', message: /cmd/ }, 'no migrate command 4');
  await t.rejects(c.migrate(lxc.MIGRATE_DUMP, {} as never), { code: 'EINVAL', message: /directory/ });
  await t.rejects(c.migrate(lxc.MIGRATE_DUMP, { directory: dir }), { code: 'ECHECKPOINT', op: 'migrate', message: /not running/ }, 'MIGRATE_DUMP of a stopped container: liblxc refuses');
  await t.rejects(c.migrate(lxc.MIGRATE_PRE_DUMP, { directory: dir }), { code: 'ECHECKPOINT', message: /not running/ });
  const ghost = new lxc.Container('ghost', lxcpath);
  t.teardown(() => ghost.release());
  await t.rejects(ghost.restore(dir), { code: 'ENOTDEFINED' });
  await t.rejects(ghost.migrate(lxc.MIGRATE_RESTORE, { directory: dir }), { code: 'ENOTDEFINED' });

  // Feature checks need no container state: unknown bits are refused outright by liblxc.
  await t.resolves(c.migrate(lxc.MIGRATE_FEATURE_CHECK, { directory: dir, featuresToCheck: 0 }), 'no features asked: nothing fails');
  await t.rejects(c.migrate(lxc.MIGRATE_FEATURE_CHECK, { directory: dir, featuresToCheck: 1 << 5 }), { code: 'ECHECKPOINT' }, 'an unknown feature bit');
  t.same(readdirSync(dir), [], 'feature checks write nothing');
});

t.test('MIGRATE_FEATURE_CHECK agrees with `criu check --feature`', { skip: version.code !== 0 && 'no criu on PATH' }, async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'features');
  t.teardown(() => c.release());
  const dir = imageDir(t, 'feat');
  for (const bit of [FEATURE_MEM_TRACK, FEATURE_LAZY_PAGES]) {
    const cli = await host(['criu', 'check', '--feature', criuFeature[bit]]);
    const got = await c.migrate(lxc.MIGRATE_FEATURE_CHECK, { directory: dir, featuresToCheck: bit }).then(() => 'supported', (e: lxc.LxcError) => e.code);
    t.equal(got, cli.code === 0 ? 'supported' : 'ECHECKPOINT', `${criuFeature[bit]}: criu check says ${cli.code === 0 ? 'supported' : 'unsupported'}`);
  }
});

t.test('checkpoint and restore keep a process counting', { skip: !criuWorks && `criu check fails here: ${criuErrors.at(-1) ?? check.out.trim()}` }, async (t) => {
  const { c, counter } = await counterContainer(t, 'ckpt');
  const dir = imageDir(t, 'ckpt');
  const before = await counter();
  let t0 = Date.now();
  await c.checkpoint(dir, { stop: true, verbose: true });
  t.comment(`checkpoint (verbose, stop) took ${Date.now() - t0} ms`);
  t.equal(c.state, 'STOPPED', 'stop: true ends the container');
  t.ok(existsSync(join(dir, 'inventory.img')) && existsSync(join(dir, 'pstree.img')), 'CRIU images in the directory');
  t.match(readFileSync(join(dir, 'dump.log'), 'utf8'), /Dumping finished successfully/, 'dump.log says it finished');
  const frozen = await counter();
  t.ok(frozen.n >= before.n, `counter at the dump: ${frozen.n} (was ${before.n})`);
  await sleep(300);
  t.same(await counter(), frozen, 'nothing counts while it is checkpointed');

  t0 = Date.now();
  await c.restore(dir, { verbose: true });
  t.comment(`restore (verbose) took ${Date.now() - t0} ms`);
  t.equal(c.state, 'RUNNING', 'RUNNING after restore');
  t.ok(c.initPid > 0, `init pid ${c.initPid}`);
  t.match(readFileSync(join(dir, 'restore.log'), 'utf8'), /Restore finished successfully/);
  const end = Date.now() + 10_000;
  while (Date.now() < end && (await counter()).n <= frozen.n) await sleep(50);
  const after = await counter();
  t.ok(after.n > frozen.n, `the counter goes on: ${frozen.n} → ${after.n}`);
  t.ok(after.n < frozen.n + 100, 'from where it was, not from a restart long ago');
  t.equal(after.pid, frozen.pid, `the same shell (pid ${frozen.pid} inside)`);
  const ps = await c.exec(['ps', '-o', 'pid,args']);
  t.match(ps.stdout, new RegExp(`^\\s*${frozen.pid} sh -c i=0`, 'm'), 'ps inside lists the restored shell');
  await t.rejects(c.restore(dir), { code: 'ECHECKPOINT' }, 'restore over a running container fails');

  // The same through migrate(), without --leave-running's sibling: dump with stop, then restore.
  const dir2 = imageDir(t, 'migrate');
  t0 = Date.now();
  await c.migrate(lxc.MIGRATE_DUMP, { directory: dir2, stop: true });
  t.comment(`migrate(MIGRATE_DUMP) took ${Date.now() - t0} ms`);
  t.equal(c.state, 'STOPPED');
  const dumped = await counter();
  t0 = Date.now();
  await c.migrate(lxc.MIGRATE_RESTORE, { directory: dir2 });
  t.comment(`migrate(MIGRATE_RESTORE) took ${Date.now() - t0} ms`);
  t.equal(c.state, 'RUNNING');
  const end2 = Date.now() + 10_000;
  while (Date.now() < end2 && (await counter()).n <= dumped.n) await sleep(50);
  const again = await counter();
  t.ok(again.n > dumped.n && again.pid === dumped.pid, `migrate: ${dumped.n} → ${again.n}, same pid`);

  // Dump without stop: the container keeps running (criu --leave-running).
  const dir3 = imageDir(t, 'live');
  await c.migrate(lxc.MIGRATE_DUMP, { directory: dir3, stop: false });
  t.equal(c.state, 'RUNNING', 'stop: false leaves it running');
  const n = (await counter()).n;
  await sleep(300);
  t.ok((await counter()).n > n, 'and counting');
  await c.stop();
  t.equal(c.state, 'STOPPED');
  t.equal(c.initPid, -1, 'nothing left running');
});

t.test('checkpoint where CRIU cannot work: ECHECKPOINT with its reason', { skip: criuWorks ? 'criu works here' : version.code !== 0 && 'no criu on PATH' }, async (t) => {
  const { c, counter } = await counterContainer(t, 'nockpt');
  const dir = imageDir(t, 'ckpt');
  const t0 = Date.now();
  const err = await c.checkpoint(dir, { stop: true }).then(() => null, (e: lxc.LxcError) => e);
  t.comment(`failed checkpoint took ${Date.now() - t0} ms`);
  t.type(err, lxc.LxcError, 'checkpoint() rejects');
  t.equal(err?.code, 'ECHECKPOINT');
  t.match(err?.message ?? '', /dump failed with \d+/, `liblxc's reason: ${err?.message}`);
  t.ok(err?.log?.some((l) => /criu\.c:do_dump/.test(l)), 'the liblxc log lines are on the error');
  const dumpErrors = criuLogErrors(join(dir, 'dump.log'));
  t.comment(`dump.log: ${dumpErrors.join(' | ')}`);
  t.ok(dumpErrors.length > 0, 'CRIU wrote its errors to dump.log');
  // The reason `criu check` gives is the one the dump died of (e.g. the vDSO layout on ≥ 6.13 kernels).
  const fatal = criuErrors.at(-1) ?? '';
  t.ok(fatal && dumpErrors.includes(fatal), `dump.log has criu check's reason: ${fatal}`);
  t.equal(c.state, 'RUNNING', 'the container keeps running');
  const n = (await counter()).n;
  await sleep(300);
  t.ok((await counter()).n > n, 'and its processes keep going');

  await t.rejects(c.migrate(lxc.MIGRATE_DUMP, { directory: dir, stop: true }), { code: 'ECHECKPOINT', message: /dump failed/ }, 'migrate(MIGRATE_DUMP) fails the same way');
  t.equal(c.state, 'RUNNING');
  await c.stop();
  const empty = imageDir(t, 'empty');
  await t.rejects(c.restore(empty), { code: 'ECHECKPOINT' }, 'restore without images fails');
  t.equal(c.state, 'STOPPED');
});

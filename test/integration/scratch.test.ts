// The scratch sweep (lib/scratch.ts) as root: it removes only its own user's dead scratch trees
// (owned by the euid, mode 0700, an unlocked regular .owner file) and never follows a link, not
// even one swapped in while it works. Each case plants a tree under /tmp/lxc-ffi-*, then runs a
// fresh program that needs scratch space (whose first scratchDir() sweeps).
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, lchownSync, renameSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { within } from '../helpers.js';

const NOBODY = 65534;
const MAKE = `const { scratchDir } = await import('./lib/scratch.ts'); console.log(scratchDir());`;

/** Runs a program that makes its scratch directory (and so sweeps); its directory. */
function sweepNow(t: Test): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', MAKE], { encoding: 'utf8', timeout: 30_000 });
  t.equal(r.status, 0, 'the sweeping program ran', { stderr: r.stderr });
  return r.stdout.trim();
}

/**
 * A fresh /tmp/lxc-ffi-* tree shaped like a dead process's: .owner (unlocked) and sub/file, after
 * `shape` altered it; removed at teardown. Built under another name and renamed when complete: a
 * sweep by any other lxc-ffi process on this host never sees it half made.
 */
function plant(t: Test, shape: (dir: string) => void = () => {}): string {
  const staging = mkdtempSync(join(tmpdir(), 'lxcffi-plant-'));
  const dir = join(tmpdir(), `lxc-ffi-${staging.slice(-6)}`);
  t.teardown(() => {
    rmSync(staging, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });
  writeFileSync(join(staging, '.owner'), '');
  mkdirSync(join(staging, 'sub'));
  writeFileSync(join(staging, 'sub', 'file'), 'data');
  shape(staging);
  renameSync(staging, dir);
  return dir;
}

/** Gives the tree under `dir` to the unprivileged user. */
function giveAway(dir: string): void {
  chownSync(dir, NOBODY, NOBODY);
  for (const n of readdirSync(dir, { recursive: true }) as string[]) lchownSync(join(dir, n), NOBODY, NOBODY);
}

/** A directory outside any scratch tree holding canary files; removed at teardown. */
function canaries(t: Test, names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'lxcffi-canary-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const n of names) writeFileSync(join(dir, n), 'alive');
  return dir;
}

t.test('a scratch directory is made 0700 and owned by the euid, its .owner a regular file', async (t) => {
  const code = `const { scratchDir } = await import('./lib/scratch.ts'); const { lstatSync } = await import('node:fs');
    const d = lstatSync(scratchDir()), o = lstatSync(scratchDir() + '/.owner');
    console.log(JSON.stringify({ dir: d.isDirectory(), mode: d.mode & 0o7777, uid: d.uid, file: o.isFile(), ouid: o.uid }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 30_000 });
  t.equal(r.status, 0, 'ran', { stderr: r.stderr });
  t.same(JSON.parse(r.stdout), { dir: true, mode: 0o700, uid: process.geteuid!(), file: true, ouid: process.geteuid!() });
});

t.test("a dead process's own tree is swept", async (t) => {
  const dir = plant(t);
  sweepNow(t);
  t.notOk(existsSync(dir), 'swept');
});

t.test("another user's tree survives a root program's sweep", async (t) => {
  const dir = plant(t, giveAway);
  sweepNow(t);
  t.ok(existsSync(join(dir, 'sub', 'file')), "the other user's sub/file is still there");
  t.ok(existsSync(join(dir, '.owner')), 'and its .owner');
});

t.test("another user swapping a link in while root sweeps: nothing outside the tree goes", async (t) => {
  // What a path-based recursive removal of a tree someone else controls allows: between the
  // sweep's check of `sub` and its removal of sub/<name>, `sub` becomes a link to a directory
  // of root's, and the removal lands there.
  const names = Array.from({ length: 50 }, (_, i) => `canary-${i}`);
  const target = canaries(t, names);
  const dir = plant(t, (d) => {
    for (const n of names) writeFileSync(join(d, 'sub', n), '');
    for (let i = 0; i < 5000; i++) writeFileSync(join(d, 'sub', `filler-${i}`), '');
    giveAway(d);
  });
  const sub = join(dir, 'sub');
  // The other user's swapper: once the sweep has begun removing sub's entries (its mtime moves),
  // sub becomes a link to `target`; a removal by path then goes on in there.
  const swapper = spawn('python3', ['-c', `
import os, sys, time
sub, target = sys.argv[1], sys.argv[2]
before = os.stat(sub).st_mtime_ns
print('ready', flush=True)
end = time.time() + 60
while time.time() < end:
    try:
        if os.stat(sub).st_mtime_ns != before:
            os.rename(sub, sub + '.real'); os.symlink(target, sub); break
    except OSError:
        pass
`, sub, target], { uid: NOBODY, gid: NOBODY, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => swapper.once('exit', resolve));
  t.teardown(async () => {
    swapper.kill('SIGKILL');
    await within(10_000, 'the swapper to exit', exited);
  });
  await within(30_000, 'the swapper to start', new Promise((resolve) => swapper.stdout!.once('data', resolve)));
  sweepNow(t);
  swapper.kill('SIGKILL');
  await within(10_000, 'the swapper to exit', exited);
  const lost = names.filter((n) => !existsSync(join(target, n)));
  t.same(lost, [], 'every canary outside the tree survived');
});

t.test('our own tree whose sub was replaced by a link: the link goes, its target stays', async (t) => {
  const target = canaries(t, ['canary']);
  const dir = plant(t, (d) => {
    rmSync(join(d, 'sub'), { recursive: true });
    symlinkSync(target, join(d, 'sub'));
  });
  sweepNow(t);
  t.ok(existsSync(join(target, 'canary')), 'the canary behind the link survived');
  t.notOk(existsSync(dir), 'the tree (with the link) was swept');
});

t.test('trees not private to us are left alone', async (t) => {
  const open = plant(t, (d) => chmodSync(d, 0o755));
  const target = canaries(t, ['.owner', 'canary']);
  const linkedOwner = plant(t, (d) => {
    rmSync(join(d, '.owner'));
    symlinkSync(join(target, '.owner'), join(d, '.owner'));
  });
  // The scratch directory itself a link to a directory shaped like one.
  const linked = join(tmpdir(), `lxc-ffi-${process.pid}L`);
  symlinkSync(target, linked);
  t.teardown(() => rmSync(linked, { force: true }));
  // A .owner that is a directory, not a regular file.
  const dirOwner = plant(t, (d) => {
    rmSync(join(d, '.owner'));
    mkdirSync(join(d, '.owner'));
  });
  sweepNow(t);
  t.ok(existsSync(join(open, 'sub', 'file')), 'a 0755 tree is left');
  t.ok(existsSync(join(linkedOwner, 'sub', 'file')), 'a tree whose .owner is a link is left');
  t.ok(lstatSync(linked).isSymbolicLink(), 'a link named lxc-ffi-* is left');
  t.ok(existsSync(join(target, 'canary')), 'and what it points to');
  t.ok(existsSync(join(dirOwner, 'sub', 'file')), 'a tree whose .owner is a directory is left');
  t.equal(statSync(open).mode & 0o7777, 0o755);
});

// Per-process scratch space (liblxc call logs and create requests, removed at exit), and the Node
// built-ins that only some calls need.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import * as libc from '../ffi/libc.js';

const require = createRequire(import.meta.url);

/**
 * node:fs, required rather than imported: the ESM wrapper of node:fs evaluates its lazy exports
 * (fs.promises, the stream classes), ≈ 10 ms at import that no call here needs.
 */
export const fs: typeof import('node:fs') = require('node:fs');
const { mkdtempSync, rmSync } = fs;

// koffi 3.3 closes its poll handles (runners, attached processes, terminals) when a worker thread
// ends, then unloads its addon before their close callbacks run: the whole process segfaults.
// Marking the loaded addon RTLD_NODELETE keeps that code mapped (test/integration/attach.test.ts).
{
  const addon = Object.keys(require.cache).find((p) => p.endsWith('/koffi.node'));
  if (addon) libc.dlopen(addon, libc.RTLD_NOW | libc.RTLD_NOLOAD | libc.RTLD_NODELETE);
}

/**
 * Built-ins loaded on first use: net, v8, child_process and their streams are not in Node's
 * startup snapshot, and compiling them at import cost ≈ 15 ms of the 50 ms import budget.
 */
export const builtins = {
  get net(): typeof import('node:net') { return require('node:net'); },
  get v8(): typeof import('node:v8') { return require('node:v8'); },
  get childProcess(): typeof import('node:child_process') { return require('node:child_process'); },
};

let liblxcText: string | null | undefined;

/**
 * The first NUL-terminated string of the loaded liblxc's file that `pattern` (anchored on a NUL
 * at each end) finds: the paths liblxc was built with (LXCTEMPLATEDIR, LXC_MONITORD_PATH), which
 * no call exports. null when the file cannot be read.
 */
export function liblxcString(pattern: RegExp): string | null {
  if (liblxcText === undefined) {
    liblxcText = null;
    try {
      const lib = /\s(\/\S*liblxc\.so[^\s]*)$/m.exec(fs.readFileSync('/proc/self/maps', 'utf8'))?.[1];
      if (lib) liblxcText = fs.readFileSync(lib).toString('latin1');
    } catch { /* no /proc, or unreadable */ }
  }
  return liblxcText === null ? null : (pattern.exec(liblxcText)?.[1] ?? null);
}

/** The variable through which a runner is given its caller's scratch directory. */
export const SCRATCH_ENV = 'LXC_FFI_SCRATCH_DIR';
// Read at load: a runner's environment is replaced by its caller's for each call. A runner writes
// into its caller's directory, which the caller removes at exit even if the runner was killed.
let dir: string | undefined = process.env[SCRATCH_ENV];
let seq = 0;

const PREFIX = 'lxc-ffi-';
const NEW = '.lxc-ffi-new-';
const LOCK = '.owner';

/**
 * This process's private scratch directory (created on first use; removed at exit by its creator).
 * Its creator holds a shared flock on a file in it for as long as it lives, so a directory whose
 * lock can be taken outright belongs to a process that died without its exit handlers (a signal):
 * each new directory's creator removes those.
 */
export function scratchDir(): string {
  if (!dir) {
    // Locked under a name the sweep ignores, then renamed: no sweep sees it unlocked.
    const fresh = mkdtempSync(join(tmpdir(), NEW));
    // Node opens files close-on-exec, so no program this process runs holds the lock after it.
    libc.flock(fs.openSync(join(fresh, LOCK), 'w'), libc.LOCK_SH);
    const made = join(tmpdir(), PREFIX + fresh.slice(fresh.length - 6));
    fs.renameSync(fresh, made);
    process.once('exit', () => rmSync(made, { recursive: true, force: true, maxRetries: 3 }));
    dir = made;
    sweep(made);
  }
  return dir;
}

/** Removes the scratch directories of processes that died without removing them. */
function sweep(mine: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(tmpdir()).filter((n) => n.startsWith(PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(tmpdir(), name);
    if (path === mine) continue;
    let fd: number;
    try {
      fd = fs.openSync(join(path, LOCK), 'r');
    } catch {
      continue; // Not one of ours, or its creator is still setting it up.
    }
    try {
      if (libc.flock(fd, libc.LOCK_EX | libc.LOCK_NB) === 0) rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed by someone else meanwhile: nothing to do.
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** A fresh file name in the scratch directory. */
export function scratchFile(suffix: string): string {
  return join(scratchDir(), `${process.pid}-${++seq}${suffix}`);
}

let lastTurn: Promise<void> = Promise.resolve();

/**
 * The Node binary, to start lxc-ffi's own processes with. After liblxc re-executed this process
 * from a memfd (LXC_MEMFD_REXEC), process.execPath names no file ('/memfd:liblxc (deleted)'); the
 * running image is still /proc/self/exe, and children started from it run from the memfd too.
 */
export function nodeBinary(): string {
  return process.execPath.startsWith('/memfd:') ? '/proc/self/exe' : process.execPath;
}

/**
 * Resolves in a turn of the event loop of its own, after every earlier caller's: a process that
 * starts a child on it (a fork of this process on the main thread, 5–18 ms here) starts at most
 * one per turn, so timers and I/O run between two forks instead of waiting for both.
 */
export function spawnTurn(): Promise<void> {
  const mine = lastTurn.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  lastTurn = mine;
  return mine;
}

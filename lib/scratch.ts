// Per-process scratch space: liblxc call logs, saved configs and create requests, in one private
// directory removed at exit; the directories of processes that died without removing theirs are
// swept (docs/design.md, "create runs in a worker process").
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as libc from '../ffi/libc.js';
import { fs } from './builtins.js';

const { mkdtempSync } = fs;

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
 * each new directory's creator removes those — only its own user's, and never through a link.
 */
export function scratchDir(): string {
  if (!dir) {
    // Locked under a name the sweep ignores, then renamed: no sweep sees it unlocked. mkdtemp
    // makes it 0700, which the sweep requires.
    const fresh = mkdtempSync(join(tmpdir(), NEW));
    // Node opens files close-on-exec, so no program this process runs holds the lock after it.
    const { O_WRONLY, O_CREAT, O_EXCL } = fs.constants;
    libc.flock(fs.openSync(join(fresh, LOCK), O_WRONLY | O_CREAT | O_EXCL | libc.O_NOFOLLOW, 0o600), libc.LOCK_SH);
    const made = join(tmpdir(), PREFIX + fresh.slice(fresh.length - 6));
    fs.renameSync(fresh, made);
    process.once('exit', () => {
      const parent = libc.open(tmpdir(), libc.O_RDONLY | libc.O_DIRECTORY | libc.O_CLOEXEC);
      if (parent < 0) return;
      try {
        removeOwn(parent, made.slice(made.lastIndexOf('/') + 1), false);
      } finally {
        libc.close(parent);
      }
    });
    dir = made;
    // The sweep reads the whole temp dir (1–3 ms here): not in the turn of the first call that needed scratch space.
    setImmediate(() => sweep(made));
  }
  return dir;
}

/**
 * Removes the scratch directories of processes that died without removing them: directories
 * named lxc-ffi-* in the temp dir that are this user's (owned by the euid, mode 0700, not links)
 * and whose lock file (a regular file of this user's, not a link) can be locked outright.
 */
function sweep(mine: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(tmpdir()).filter((n) => n.startsWith(PREFIX));
  } catch {
    return;
  }
  const parent = libc.open(tmpdir(), libc.O_RDONLY | libc.O_DIRECTORY | libc.O_CLOEXEC);
  if (parent < 0) return;
  try {
    for (const name of names) {
      if (join(tmpdir(), name) !== mine) removeOwn(parent, name, true);
    }
  } finally {
    libc.close(parent);
  }
}

/** Opens a directory relative to `parent` without following a link; -1 when it cannot. */
const openDir = (parent: number, name: string): number =>
  libc.openat(parent, name, libc.O_RDONLY | libc.O_DIRECTORY | libc.O_NOFOLLOW | libc.O_CLOEXEC);

/** Whether the file open on `fd` is this user's: owned by the euid; a 0700 directory or a regular file. */
function isOwn(fd: number, kind: 'dir' | 'file'): import('node:fs').Stats | null {
  try {
    const st = fs.fstatSync(fd);
    if (st.uid !== process.geteuid!()) return null;
    if (kind === 'file') return st.isFile() ? st : null;
    return st.isDirectory() && (st.mode & 0o7777) === 0o700 ? st : null;
  } catch {
    return null;
  }
}

/**
 * Removes the scratch directory `name` of `parent` if it is this user's (and, when `ifUnlocked`,
 * if its lock can be taken outright), through descriptors only: what was checked is what is
 * removed, and no link in it is followed. Left alone (whole or in part) when anything is unsure.
 */
function removeOwn(parent: number, name: string, ifUnlocked: boolean): void {
  const fd = openDir(parent, name);
  if (fd < 0) return; // A link, not a directory, or gone.
  try {
    const st = isOwn(fd, 'dir');
    if (!st) return; // Another user's, or not private.
    if (ifUnlocked) {
      const lock = libc.openat(fd, LOCK, libc.O_RDONLY | libc.O_NOFOLLOW | libc.O_NONBLOCK | libc.O_CLOEXEC);
      if (lock < 0) return; // Not one of ours.
      try {
        if (!isOwn(lock, 'file') || libc.flock(lock, libc.LOCK_EX | libc.LOCK_NB) !== 0) return; // Its creator lives.
        if (!emptyDir(fd, st.dev, 0)) return;
      } finally {
        libc.close(lock);
      }
    } else if (!emptyDir(fd, st.dev, 0)) {
      return;
    }
    libc.unlinkat(parent, name, libc.AT_REMOVEDIR);
  } finally {
    libc.close(fd);
  }
}

/** The names in the directory open on `fd` (but . and ..); null when they cannot be read. */
function entries(fd: number): string[] | null {
  const copy = libc.fcntl(fd, libc.F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return null;
  const d = libc.fdopendir(copy);
  if (!d) {
    libc.close(copy);
    return null;
  }
  const names: string[] = [];
  try {
    for (;;) {
      libc.koffi.errno(0);
      const ent = libc.readdir(d);
      if (!ent) return libc.koffi.errno() === 0 ? names : null;
      const reclen = libc.koffi.decode(ent, libc.DIRENT_RECLEN_OFFSET, 'uint16_t') as number;
      const raw = Buffer.from(libc.koffi.view(ent, reclen)).subarray(libc.DIRENT_NAME_OFFSET);
      const bytes = raw.subarray(0, raw.indexOf(0));
      const name = bytes.toString('utf8');
      // Passed back to C as UTF-8: a name that is not would name another file (or none).
      if (!Buffer.from(name, 'utf8').equals(bytes)) return null;
      if (name !== '.' && name !== '..') names.push(name);
    }
  } finally {
    libc.closedir(d);
  }
}

/**
 * Empties the directory open on `fd`: each entry is unlinked where it is (a link is removed, never
 * followed); a directory is opened without following links, emptied, then removed. Another file
 * system mounted below, or an unreadable directory, is left. True when it was emptied.
 */
function emptyDir(fd: number, dev: number, depth: number): boolean {
  const names = depth < 64 ? entries(fd) : null;
  if (!names) return false;
  let emptied = true;
  for (const name of names) {
    if (libc.unlinkat(fd, name, 0) === 0 || libc.koffi.errno() === libc.ENOENT) continue;
    if (libc.koffi.errno() !== libc.EISDIR) { emptied = false; continue; }
    const sub = openDir(fd, name);
    if (sub < 0) { emptied = false; continue; }
    try {
      if (fs.fstatSync(sub).dev !== dev || !emptyDir(sub, dev, depth + 1)) { emptied = false; continue; }
    } finally {
      libc.close(sub);
    }
    if (libc.unlinkat(fd, name, libc.AT_REMOVEDIR) !== 0 && libc.koffi.errno() !== libc.ENOENT) emptied = false;
  }
  return emptied;
}

/** A fresh file name in the scratch directory. */
export function scratchFile(suffix: string): string {
  return join(scratchDir(), `${process.pid}-${++seq}${suffix}`);
}

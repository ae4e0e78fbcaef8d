// The files family: files and directory trees in and out of a container (docs/files.md). Every
// path is resolved by the kernel inside the container's root: openat2(2) with RESOLVE_IN_ROOT |
// RESOLVE_NO_MAGICLINKS on an fd of that root (/proc/<init>/root when running, the rootfs when
// stopped, a detached overlay mount for a stopped overlay clone). Absolute symlinks and `..` stop
// at that root; what is then done to an object is done through its fd (fstat, fchown, a reopen
// of the pinned inode through /proc/self/fd), or as one *at() call on a pinned parent with one
// final component that is never followed (mkdirat, unlinkat, symlinkat).
import * as fs from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { join, dirname } from 'node:path';
import * as libc from '../../ffi/libc.js';
import { sendAll } from '../proc/sendfile.js';
import { options } from '../options/parse.js';
import {
  fileWriteOptionsSchema, fileWriteDefaults, fileReadOptionsSchema, fileReadDefaults, fileRemoveOptionsSchema, fileRemoveDefaults,
  type FileWriteOptions,
} from '../options/files.js';
import { getConfigItem } from './config.js';
import type { Handle } from './handle.js';
import { LxcError } from '../errors.js';

/** What a path in the container is. */
export type FileType = 'file' | 'directory' | 'symlink' | 'fifo' | 'socket' | 'char-device' | 'block-device';

/** `files.stat()`: one object of the container, its ids as the container sees them. */
export interface FileStat {
  type: FileType;
  size: number;
  /** Permission bits (mode & 0o7777). */
  mode: number;
  /** Owner, a container uid (65534, the overflow id, when the host owner is not mapped). */
  uid: number;
  gid: number;
  mtime: Date;
  /** A symlink's target, as stored (never followed on the host). */
  target?: string;
}

/** An entry of `files.list()`. */
export interface FileEntry {
  name: string;
  type: FileType;
}

/** What `files.push()` / `files.pull()` copied. */
export interface CopySummary {
  files: number;
  directories: number;
  symlinks: number;
  bytes: number;
  /** Paths not copied: fifos, sockets and device nodes (never opened). */
  skipped: string[];
}

// ---- the root and its id map ---------------------------------------------------------------------

interface IdRange { inside: number; outside: number; count: number }

/** An open root of the container: every path is resolved below `fd`. */
interface Root {
  fd: number;
  uids: IdRange[];
  gids: IdRange[];
}

const OVERFLOW_ID = 65534;
const RESOLVE = libc.RESOLVE_IN_ROOT | libc.RESOLVE_NO_MAGICLINKS;

function idRanges(h: Handle): { uids: IdRange[]; gids: IdRange[] } {
  const uids: IdRange[] = [];
  const gids: IdRange[] = [];
  for (const line of getConfigItem(h, 'lxc.idmap').split('\n')) {
    const m = /^\s*([ug])\s+(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
    if (m) (m[1] === 'u' ? uids : gids).push({ inside: +m[2], outside: +m[3], count: +m[4] });
  }
  return { uids, gids };
}

/** A container id as the host sees it (identity without an idmap). */
function toHost(op: string, h: Handle, ranges: IdRange[], id: number, what: string): number {
  if (ranges.length === 0) return id;
  for (const r of ranges) if (id >= r.inside && id < r.inside + r.count) return r.outside + id - r.inside;
  throw h.error('EINVAL', op, `${what} ${id} is not mapped by the container's lxc.idmap`);
}

/** A host id as the container sees it. */
function toContainer(ranges: IdRange[], id: number): number {
  if (ranges.length === 0) return id;
  for (const r of ranges) if (id >= r.outside && id < r.outside + r.count) return r.inside + id - r.outside;
  return OVERFLOW_ID;
}

function errno(): number {
  return libc.koffi.errno();
}

function fail(h: Handle, op: string, path: string, what: string, e: number | NodeJS.ErrnoException): LxcError {
  // libc gives a positive errno, Node's errors a negative one beside their code.
  const n = typeof e === 'number' ? e : Math.abs(e.errno ?? 0);
  if (n === 38) return h.error('ENOTSUP', op, `this kernel has no openat2(2) or new mount API (Linux ≥ 5.6 is needed): ${what} ${path}`);
  return h.error('EFILE', op, `${what} ${path}: ${typeof e === 'number' ? errnoName(e) : e.code ?? errnoName(n)}`, undefined, { errno: n });
}

const ERRNO_NAMES: Record<number, string> = {
  1: 'EPERM', 2: 'ENOENT', 13: 'EACCES', 16: 'EBUSY', 17: 'EEXIST', 18: 'EXDEV', 20: 'ENOTDIR', 21: 'EISDIR', 22: 'EINVAL',
  28: 'ENOSPC', 30: 'EROFS', 36: 'ENAMETOOLONG', 38: 'ENOSYS', 39: 'ENOTEMPTY', 40: 'ELOOP', 11: 'EAGAIN',
};
function errnoName(n: number): string {
  return ERRNO_NAMES[n] ?? `errno ${n}`;
}

/** The root of the running container, or of its rootfs when stopped; the caller closes it. */
function openRoot(h: Handle, op: string): Root {
  h.need(op, 'defined');
  const ids = idRanges(h);
  const pid = h.query(op, 'init_pid');
  let fd: number;
  if (pid > 0) {
    fd = libc.open(`/proc/${pid}/root`, libc.O_PATH | libc.O_DIRECTORY | libc.O_CLOEXEC);
    if (fd < 0) throw fail(h, op, `/proc/${pid}/root`, 'cannot open the root of init', errno());
    // Still the container's init once the root is open: not a process that took a freed pid.
    if (h.query(op, 'init_pid') !== pid) {
      libc.close(fd);
      throw h.error('ENOTRUNNING', op, 'the container stopped while its root was being opened');
    }
  } else {
    fd = stoppedRoot(h, op, getConfigItem(h, 'lxc.rootfs.path'));
  }
  return { fd, ...ids };
}

/**
 * The rootfs of a stopped container. An overlay clone has no assembled tree while stopped: it is
 * mounted here with the new mount API as a detached mount (fsopen/fsconfig/fsmount) that no
 * mount namespace holds and that goes away with its last fd.
 */
function stoppedRoot(h: Handle, op: string, spec: string): number {
  // liblxc 4+ writes an overlay clone's rootfs as "<lower>:<upper>", older ones "overlayfs:<lower>:<upper>".
  const m = /^(?:(?:overlay|overlayfs):)?(\/[^:]+(?::\/[^:]+)+)$/.exec(spec);
  if (m && !isDirectory(spec)) {
    const parts = m[1].split(':');
    const upper = parts.pop()!;
    const lower = parts.join(':');
    // liblxc's own work dir: <name>/overlay/work beside <name>/overlay/delta (4.0+), <name>/olwork beside delta0 (3.x).
    const work = join(dirname(upper), upper.endsWith('/overlay/delta') ? 'work' : 'olwork');
    fs.mkdirSync(work, { recursive: true, mode: 0o755 });
    const ctx = Number(libc.syscall_fsopen(libc.SYS_fsopen, 'overlay', libc.FSOPEN_CLOEXEC));
    if (ctx < 0) throw fail(h, op, spec, 'cannot mount the overlay of', errno());
    try {
      for (const [k, v] of [['lowerdir', lower], ['upperdir', upper], ['workdir', work]]) {
        if (libc.syscall_fsconfig(libc.SYS_fsconfig, ctx, libc.FSCONFIG_SET_STRING, k, v, 0) < 0) throw fail(h, op, v, `overlay ${k}`, errno());
      }
      if (libc.syscall_fsconfig(libc.SYS_fsconfig, ctx, libc.FSCONFIG_CMD_CREATE, null, null, 0) < 0) throw fail(h, op, spec, 'cannot mount the overlay of', errno());
      const mnt = Number(libc.syscall_fsmount(libc.SYS_fsmount, ctx, libc.FSMOUNT_CLOEXEC, 0));
      if (mnt < 0) throw fail(h, op, spec, 'cannot mount the overlay of', errno());
      return mnt;
    } finally {
      libc.close(ctx);
    }
  }
  const dir = spec.replace(/^dir:/, '');
  if (!dir.startsWith('/')) throw h.error('ENOTSUP', op, `files of a stopped container on "${spec}" (dir and overlay rootfs only)`);
  const fd = libc.open(dir, libc.O_PATH | libc.O_DIRECTORY | libc.O_CLOEXEC);
  if (fd < 0) throw fail(h, op, dir, 'cannot open the rootfs', errno());
  return fd;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** openat2(dirfd, path) resolved inside dirfd: an fd, or -errno. EAGAIN (a rename raced `..`) is retried. */
function resolveAt(dirfd: number, path: string, flags: number, mode = 0): number {
  const how = { flags: BigInt(flags | libc.O_CLOEXEC), mode: BigInt(mode), resolve: BigInt(RESOLVE) };
  for (let i = 0; ; i++) {
    const fd = Number(libc.syscall_openat2(libc.SYS_openat2, dirfd, path === '' ? '.' : path, how, 24));
    if (fd >= 0) return fd;
    const e = errno();
    if (e !== 11 || i >= 16) return -e;
  }
}

function typeOf(s: fs.Stats): FileType {
  return s.isFile() ? 'file' : s.isDirectory() ? 'directory' : s.isSymbolicLink() ? 'symlink' : s.isFIFO() ? 'fifo'
    : s.isSocket() ? 'socket' : s.isCharacterDevice() ? 'char-device' : 'block-device';
}

/** The fd's path for the calls that take a path: the magic link of our own fd, the pinned inode. */
const self = (fd: number, name?: string) => `/proc/self/fd/${fd}${name === undefined ? '' : `/${name}`}`;

/** Path checks: a string without NUL; relative paths are taken from the container's root. */
function pathArg(h: Handle, op: string, p: unknown): string {
  if (typeof p !== 'string' || p.length === 0 || p.includes('\0')) throw h.error('EINVAL', op, 'path must be a non-empty string without NUL');
  return p;
}

/** The parent of `path` and its last component (which must name something: not '', '.', '..'). */
function split(h: Handle, op: string, path: string): [string, string] {
  const trimmed = path.replace(/\/+$/, '');
  const i = trimmed.lastIndexOf('/');
  const name = trimmed.slice(i + 1);
  if (name === '' || name === '.' || name === '..') throw h.error('EINVAL', op, `${path} does not name a file (it ends in "${name || '/'}")`);
  return [i <= 0 ? '/' : trimmed.slice(0, i), name];
}

/** Runs `f` with the root open; closes it after, even when `f` throws. */
async function withRoot<T>(h: Handle, op: string, f: (root: Root) => Promise<T> | T): Promise<T> {
  const root = openRoot(h, op);
  try {
    return await f(root);
  } catch (e) {
    // A Node fs error (a host path, a reopen) becomes the one error type, its errno kept.
    if (e instanceof LxcError || !(e instanceof Error) || typeof (e as NodeJS.ErrnoException).errno !== 'number') throw e;
    throw fail(h, op, (e as NodeJS.ErrnoException).path ?? '', `${(e as NodeJS.ErrnoException).syscall ?? 'copy'}:`, e as NodeJS.ErrnoException);
  } finally {
    libc.close(root.fd);
  }
}

// ---- directories ---------------------------------------------------------------------------------

/** mkdir -p inside the root: an O_PATH fd of the directory. Each missing component is made by mkdirat on its pinned parent. */
function mkdirs(h: Handle, op: string, root: Root, path: string, mode: number, uid: number, gid: number, parents: boolean): number {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  let fd = resolveAt(root.fd, '/', libc.O_PATH | libc.O_DIRECTORY);
  if (fd < 0) throw fail(h, op, '/', 'cannot open', -fd);
  for (let i = 0; i < parts.length; i++) {
    const prefix = `/${parts.slice(0, i + 1).join('/')}`;
    for (let attempt = 0; ; attempt++) {
      const next = resolveAt(root.fd, prefix, libc.O_PATH | libc.O_DIRECTORY);
      if (next >= 0) {
        libc.close(fd);
        fd = next;
        break;
      }
      const last = i === parts.length - 1;
      if (-next !== 2 || parts[i] === '..' || (!parents && !last) || attempt > 4) {
        libc.close(fd);
        throw fail(h, op, prefix, 'cannot make directory', -next);
      }
      if (libc.mkdirat(fd, parts[i], mode) === 0) {
        // Owned through an fd of the new directory itself, opened O_NOFOLLOW: never by a path the
        // container could swap for a symlink (a host path walk would follow it out of the root).
        const made = libc.openat(fd, parts[i], libc.O_PATH | libc.O_DIRECTORY | libc.O_NOFOLLOW | libc.O_CLOEXEC);
        if (made < 0) {
          const e = errno();
          libc.close(fd);
          throw fail(h, op, prefix, 'the new directory was replaced:', e);
        }
        try {
          fs.chownSync(self(made), toHost(op, h, root.uids, uid, 'uid'), toHost(op, h, root.gids, gid, 'gid'));
          fs.chmodSync(self(made), mode);
        } catch (e) {
          libc.close(fd);
          throw e instanceof Error && 'code' in e ? fail(h, op, prefix, 'cannot own', e as NodeJS.ErrnoException) : e;
        } finally {
          libc.close(made);
        }
      } else if (errno() !== 17) {
        const e = errno();
        libc.close(fd);
        throw fail(h, op, prefix, 'cannot make directory', e);
      }
      // made (or raced): resolve the prefix again, inside the root.
    }
  }
  return fd;
}

// ---- files ---------------------------------------------------------------------------------------

/** An O_PATH fd of `path`, or null when it does not exist. */
function lookup(h: Handle, op: string, root: Root, path: string, follow: boolean): number | null {
  const fd = resolveAt(root.fd, path, libc.O_PATH | (follow ? 0 : libc.O_NOFOLLOW));
  if (fd === -2) return null;
  if (fd < 0) throw fail(h, op, path, 'cannot resolve', -fd);
  return fd;
}

/** Reopens a pinned regular file for I/O; anything else (fifo, device, socket, directory) is refused unopened. */
function reopenRegular(h: Handle, op: string, path: string, pfd: number, flags: number): { fd: number; stat: fs.Stats } {
  try {
    const stat = fs.fstatSync(pfd);
    if (!stat.isFile()) throw h.error('EFILE', op, `${path} is a ${typeOf(stat)}, not a regular file: refused`, undefined, { errno: stat.isDirectory() ? 21 : 22 });
    const fd = fs.openSync(self(pfd), flags | libc.O_CLOEXEC);
    return { fd, stat };
  } finally {
    libc.close(pfd);
  }
}

/** An fd open for writing at `path`: an existing regular file truncated, or a new one owned and moded. */
function openForWrite(h: Handle, op: string, root: Root, path: string, o: FileWriteOptions & { uid: number; gid: number; parents: boolean }, mode: number): number {
  const [parent, name] = split(h, op, path);
  const uid = toHost(op, h, root.uids, o.uid, 'uid');
  const gid = toHost(op, h, root.gids, o.gid, 'gid');
  if (o.parents) libc.close(mkdirs(h, op, root, parent, 0o755, o.uid, o.gid, true));
  const unlinkCreated = (made: string) => {
    const [dir, base] = split(h, op, made);
    const pfd = resolveAt(root.fd, dir, libc.O_PATH | libc.O_DIRECTORY);
    if (pfd < 0) return;
    libc.unlinkat(pfd, base, 0);
    libc.close(pfd);
  };
  for (let attempt = 0; ; attempt++) {
    const existing = lookup(h, op, root, path, true);
    if (existing !== null) {
      const { fd } = reopenRegular(h, op, path, existing, libc.O_WRONLY | libc.O_TRUNC);
      if (o.mode !== undefined) fs.fchmodSync(fd, o.mode);
      return fd;
    }
    // O_EXCL: a final symlink (even dangling) is never followed, and a file made meanwhile is EEXIST.
    const fd = resolveAt(root.fd, path, libc.O_WRONLY | libc.O_CREAT | libc.O_EXCL | libc.O_NOFOLLOW, 0);
    if (fd >= 0) {
      try {
        fs.fchownSync(fd, uid, gid);
        fs.fchmodSync(fd, mode);
      } catch (e) {
        // Not left behind owned by the caller (a normal user may create in a 1777 /tmp but not chown).
        fs.closeSync(fd);
        unlinkCreated(path);
        throw fail(h, op, path, 'cannot own', e as NodeJS.ErrnoException);
      }
      return fd;
    }
    if (-fd !== 17 || attempt > 40) throw fail(h, op, path, 'cannot create', -fd);
    // EEXIST with nothing to follow: a dangling symlink. Its target is made, resolved in the root as it would be inside.
    const link = lookup(h, op, root, path, false);
    if (link !== null) {
      const target = fs.fstatSync(link).isSymbolicLink() ? readlink(link) : '';
      libc.close(link);
      if (target !== '') path = target.startsWith('/') ? target : `${dirname(path)}/${target}`;
    }
  }
}

/** An fd open for reading at `path` and the size it had then (what is read: a file that grows is read to that size). */
function openForRead(h: Handle, op: string, root: Root, path: string): { fd: number; stat: fs.Stats } {
  const pfd = lookup(h, op, root, path, true);
  if (pfd === null) throw fail(h, op, path, 'cannot read', 2);
  return reopenRegular(h, op, path, pfd, libc.O_RDONLY);
}

function readStreamOf(fd: number, size: number): Readable {
  if (size === 0) {
    fs.closeSync(fd);
    return Readable.from([]);
  }
  return fs.createReadStream('', { fd, start: 0, end: size - 1, highWaterMark: 1 << 20 });
}

/** Copies the `size` bytes `from` had at open into `to` (sendfile, in the kernel), sets `to`'s mode; closes both. */
async function copyFd(from: number, to: number, size: number, mode: number): Promise<void> {
  try {
    await sendAll(to, from, size);
    fs.fchmodSync(to, mode);
  } finally {
    fs.closeSync(from);
    fs.closeSync(to);
  }
}

// ---- the calls -----------------------------------------------------------------------------------

export function read(h: Handle, path_: unknown, options_: unknown): Promise<Buffer> {
  const op = 'files.read';
  const path = pathArg(h, op, path_);
  const o = options(op, 'options', fileReadOptionsSchema, options_, fileReadDefaults);
  return withRoot(h, op, async (root) => {
    const { fd, stat } = openForRead(h, op, root, path);
    if (stat.size > o.maxBytes) {
      fs.closeSync(fd);
      throw h.error('EFILE', op, `${path} has ${stat.size} bytes, over maxBytes ${o.maxBytes}: use files.readStream()`, undefined, { errno: 27 });
    }
    const chunks: Buffer[] = [];
    for await (const c of readStreamOf(fd, stat.size)) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  });
}

export function readStream(h: Handle, path_: unknown): Promise<Readable> {
  const op = 'files.readStream';
  const path = pathArg(h, op, path_);
  return withRoot(h, op, (root) => {
    const { fd, stat } = openForRead(h, op, root, path);
    return readStreamOf(fd, stat.size);
  });
}

function writeOptions(op: string, options_: unknown) {
  return options(op, 'options', fileWriteOptionsSchema, options_, fileWriteDefaults);
}

export function write(h: Handle, path_: unknown, data: unknown, options_: unknown): Promise<void> {
  const op = 'files.write';
  const path = pathArg(h, op, path_);
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) throw h.error('EINVAL', op, 'data must be a string, Buffer or Uint8Array');
  const o = writeOptions(op, options_);
  return withRoot(h, op, async (root) => {
    const fd = openForWrite(h, op, root, path, o, o.mode ?? 0o644);
    try {
      await new Promise<void>((resolve, reject) => fs.writeFile(fd, data, (e) => (e ? reject(e) : resolve())));
    } finally {
      fs.closeSync(fd);
    }
  });
}

export function writeStream(h: Handle, path_: unknown, options_: unknown): Promise<Writable> {
  const op = 'files.writeStream';
  const path = pathArg(h, op, path_);
  const o = writeOptions(op, options_);
  return withRoot(h, op, (root) => {
    const fd = openForWrite(h, op, root, path, o, o.mode ?? 0o644);
    return fs.createWriteStream('', { fd, highWaterMark: 1 << 20 });
  });
}

export function stat(h: Handle, path_: unknown): Promise<FileStat> {
  const op = 'files.stat';
  const path = pathArg(h, op, path_);
  return withRoot(h, op, (root) => {
    const fd = lookup(h, op, root, path, false);
    if (fd === null) throw fail(h, op, path, 'cannot stat', 2);
    try {
      const s = fs.fstatSync(fd);
      const out: FileStat = {
        type: typeOf(s), size: s.size, mode: s.mode & 0o7777, uid: toContainer(root.uids, s.uid), gid: toContainer(root.gids, s.gid), mtime: s.mtime,
      };
      if (s.isSymbolicLink()) out.target = readlink(fd);
      return out;
    } finally {
      libc.close(fd);
    }
  });
}

function readlink(fd: number): string {
  const buf = Buffer.alloc(4096);
  const n = Number(libc.readlinkat(fd, '', buf, buf.length));
  return n < 0 ? '' : buf.subarray(0, n).toString();
}

export function list(h: Handle, path_: unknown): Promise<FileEntry[]> {
  const op = 'files.list';
  const path = pathArg(h, op, path_);
  return withRoot(h, op, (root) => listAt(h, op, root, path));
}

function listAt(h: Handle, op: string, root: Root, path: string): FileEntry[] {
  const fd = resolveAt(root.fd, path, libc.O_PATH | libc.O_DIRECTORY);
  if (fd < 0) throw fail(h, op, path, 'cannot list', -fd);
  try {
    return fs.readdirSync(self(fd), { withFileTypes: true }).map((d) => ({ name: d.name, type: direntType(d) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } finally {
    libc.close(fd);
  }
}

function direntType(d: fs.Dirent): FileType {
  return d.isFile() ? 'file' : d.isDirectory() ? 'directory' : d.isSymbolicLink() ? 'symlink' : d.isFIFO() ? 'fifo'
    : d.isSocket() ? 'socket' : d.isCharacterDevice() ? 'char-device' : 'block-device';
}

export function mkdir(h: Handle, path_: unknown, options_: unknown): Promise<void> {
  const op = 'files.mkdir';
  const path = pathArg(h, op, path_);
  const o = writeOptions(op, options_);
  return withRoot(h, op, (root) => {
    libc.close(mkdirs(h, op, root, path, o.mode ?? 0o755, o.uid, o.gid, o.parents));
  });
}

export function remove(h: Handle, path_: unknown, options_: unknown): Promise<void> {
  const op = 'files.remove';
  const path = pathArg(h, op, path_);
  const o = options(op, 'options', fileRemoveOptionsSchema, options_, fileRemoveDefaults);
  const [parent, name] = split(h, op, path);
  return withRoot(h, op, (root) => {
    const pfd = resolveAt(root.fd, parent, libc.O_PATH | libc.O_DIRECTORY);
    if (pfd < 0) {
      if (pfd === -2 && o.force) return;
      throw fail(h, op, path, 'cannot remove', -pfd);
    }
    try {
      removeAt(h, op, pfd, name, path, o.recursive, o.force);
    } finally {
      libc.close(pfd);
    }
  });
}

/** Removes `name` in the pinned directory `dirfd`; a directory's entries through an fd opened O_NOFOLLOW, never by path. */
function removeAt(h: Handle, op: string, dirfd: number, name: string, shown: string, recursive: boolean, force: boolean): void {
  if (libc.unlinkat(dirfd, name, 0) === 0) return;
  let e = errno();
  if (e === 2 && force) return;
  if (e !== 21 && e !== 1) throw fail(h, op, shown, 'cannot remove', e);
  if (recursive) {
    const sub = libc.openat(dirfd, name, libc.O_RDONLY | libc.O_DIRECTORY | libc.O_NOFOLLOW | libc.O_CLOEXEC);
    if (sub < 0) throw fail(h, op, shown, 'cannot open', errno());
    try {
      for (const entry of fs.readdirSync(self(sub))) removeAt(h, op, sub, entry, `${shown}/${entry}`, true, force);
    } finally {
      libc.close(sub);
    }
  }
  if (libc.unlinkat(dirfd, name, libc.AT_REMOVEDIR) === 0) return;
  e = errno();
  if (!(e === 2 && force)) throw fail(h, op, shown, 'cannot remove', e);
}

// ---- trees ---------------------------------------------------------------------------------------

function summary(): CopySummary {
  return { files: 0, directories: 0, symlinks: 0, bytes: 0, skipped: [] };
}

export function push(h: Handle, hostPath_: unknown, path_: unknown, options_: unknown): Promise<CopySummary> {
  const op = 'files.push';
  if (typeof hostPath_ !== 'string' || hostPath_ === '') throw h.error('EINVAL', op, 'hostPath must be a non-empty string');
  const hostPath = hostPath_;
  const path = pathArg(h, op, path_);
  const o = writeOptions(op, options_);
  const done = summary();
  return withRoot(h, op, async (root) => {
    const copy = async (from: string, to: string, top: boolean): Promise<void> => {
      const s = await fs.promises.lstat(from);
      const mode = o.mode ?? s.mode & 0o7777;
      if (s.isDirectory()) {
        libc.close(mkdirs(h, op, root, to, top ? o.mode ?? s.mode & 0o7777 : s.mode & 0o7777, o.uid, o.gid, top ? o.parents : false));
        done.directories++;
        for (const entry of await fs.promises.readdir(from)) await copy(join(from, entry), `${to}/${entry}`, false);
      } else if (s.isFile()) {
        const fd = openForWrite(h, op, root, to, { ...o, parents: top ? o.parents : false }, mode);
        let src: number;
        try {
          src = fs.openSync(from, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
        } catch (e) {
          fs.closeSync(fd);
          throw e;
        }
        await copyFd(src, fd, s.size, mode);
        done.files++;
        done.bytes += s.size;
      } else if (s.isSymbolicLink()) {
        const [parent, name] = split(h, op, to);
        const pfd = resolveAt(root.fd, parent, libc.O_PATH | libc.O_DIRECTORY);
        if (pfd < 0) throw fail(h, op, to, 'cannot link', -pfd);
        try {
          if (libc.symlinkat(await fs.promises.readlink(from), pfd, name) !== 0) throw fail(h, op, to, 'cannot link', errno());
          fs.lchownSync(self(pfd, name), toHost(op, h, root.uids, o.uid, 'uid'), toHost(op, h, root.gids, o.gid, 'gid'));
        } finally {
          libc.close(pfd);
        }
        done.symlinks++;
      } else {
        done.skipped.push(from);
      }
    };
    await copy(hostPath, path, true);
    return done;
  });
}

export function pull(h: Handle, path_: unknown, hostPath_: unknown): Promise<CopySummary> {
  const op = 'files.pull';
  const path = pathArg(h, op, path_);
  if (typeof hostPath_ !== 'string' || hostPath_ === '') throw h.error('EINVAL', op, 'hostPath must be a non-empty string');
  const hostPath = hostPath_;
  const done = summary();
  return withRoot(h, op, async (root) => {
    const copy = async (from: string, to: string, top: boolean): Promise<void> => {
      const pfd = lookup(h, op, root, from, top);
      if (pfd === null) throw fail(h, op, from, 'cannot read', 2);
      const s = fs.fstatSync(pfd);
      if (s.isDirectory()) {
        libc.close(pfd);
        // The host side: a directory we make, never a symlink someone left there.
        await fs.promises.mkdir(to, { recursive: top, mode: s.mode & 0o7777 }).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'EEXIST') throw e; });
        if (!(await fs.promises.lstat(to)).isDirectory()) throw h.error('EFILE', op, `${to} on the host is not a directory: refused`, undefined, { errno: 20 });
        done.directories++;
        for (const entry of listAt(h, op, root, from)) await copy(`${from}/${entry.name}`, join(to, entry.name), false);
      } else if (s.isFile()) {
        const { fd, stat: st } = reopenRegular(h, op, from, pfd, libc.O_RDONLY);
        // O_NOFOLLOW: never through a symlink left on the host (an earlier pull of the same tree).
        let hostFd: number;
        try {
          hostFd = fs.openSync(to, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK, st.mode & 0o777);
        } catch (e) {
          fs.closeSync(fd);
          throw e;
        }
        await copyFd(fd, hostFd, st.size, st.mode & 0o777);
        done.files++;
        done.bytes += st.size;
      } else if (s.isSymbolicLink()) {
        const target = readlink(pfd);
        libc.close(pfd);
        await fs.promises.symlink(target, to);
        done.symlinks++;
      } else {
        libc.close(pfd);
        done.skipped.push(from);
      }
    };
    await copy(path, hostPath, true);
    return done;
  });
}

// The root side of `c.files` (docs/files.md): every operation that touches the container's tree,
// done on an fd of its root. Each path is resolved by the kernel inside that root: openat2(2) with
// RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS (absolute symlinks and `..` stop at the root); what is
// then done to an object is done through its fd (fstat, fchown, a reopen of the pinned inode
// through /proc/self/fd), or as one *at() call on a pinned parent with one final component that is
// never followed (mkdirat, unlinkat, symlinkat).
//
// Two processes run this module: the caller itself when it is root (files.ts), and, for a normal
// user and an idmapped container, a helper started inside the container's user namespace
// (files-helper.ts, started by files-remote.ts), which hands the open fds back over a socket. It
// therefore imports no Handle, no option parsing and no error class of lib/: its failures are
// FileFaults, which files.ts turns into LxcErrors.
import * as fs from 'node:fs';
import { join, dirname } from 'node:path';
import * as libc from '../../ffi/libc.js';

/** What a path in the container is. */
export type FileType = 'file' | 'directory' | 'symlink' | 'fifo' | 'socket' | 'char-device' | 'block-device';

/** An entry of `files.list()`. */
export interface FileEntry {
  /** The entry's name in its directory. */
  name: string;
  /** What it is (a symlink is not followed). */
  type: FileType;
}

/** A failure of a root-side operation: the LxcError code and message it becomes, and the errno. */
export class FileFault extends Error {
  constructor(readonly code: 'EFILE' | 'EINVAL' | 'ENOTSUP', message: string, readonly errno?: number) {
    super(message);
    this.name = 'FileFault';
  }
}

/** One line of lxc.idmap: `count` ids from `inside` (the container's) are `outside` on the host. */
export interface IdRange { inside: number; outside: number; count: number }

/** How the ids of the process doing the work relate to the container's. Empty lists: the same ids. */
export interface IdMap { uids: IdRange[]; gids: IdRange[] }

/** The same ids on both sides: a process in the container's user namespace. */
export const IDENTITY: IdMap = { uids: [], gids: [] };

/** Which root to open: the running container's init, or a stopped container's lxc.rootfs.path. */
export type RootSpec = { pid: number } | { rootfs: string };

/** `stat()` as data (no Date: it also crosses the helper's socket). */
export interface RawStat {
  type: FileType;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
  target?: string;
}

/** What `entry()` found: a regular file comes open for reading (fd), a symlink with its text. */
export interface Found {
  type: FileType;
  size: number;
  mode: number;
  fd?: number;
  target?: string;
}

/** How `openWrite()` makes or truncates a file. Ids are container ids. */
export interface WriteSpec {
  uid: number;
  gid: number;
  /** mkdir -p the parent (owned by uid/gid, 0o755). */
  parents: boolean;
  /** Set on an existing file too; a new file gets `createMode`. */
  mode?: number;
  createMode: number;
}

const OVERFLOW_ID = 65534;
const RESOLVE = libc.RESOLVE_IN_ROOT | libc.RESOLVE_NO_MAGICLINKS;

const ERRNO_NAMES: Record<number, string> = {
  1: 'EPERM', 2: 'ENOENT', 11: 'EAGAIN', 13: 'EACCES', 16: 'EBUSY', 17: 'EEXIST', 18: 'EXDEV', 20: 'ENOTDIR', 21: 'EISDIR',
  22: 'EINVAL', 28: 'ENOSPC', 30: 'EROFS', 36: 'ENAMETOOLONG', 38: 'ENOSYS', 39: 'ENOTEMPTY', 40: 'ELOOP',
};
/** An errno's name, for messages. */
export function errnoName(n: number): string {
  return ERRNO_NAMES[n] ?? `errno ${n}`;
}

/** A failed call on `path`: EFILE with the errno (ENOSYS: the kernel lacks openat2 or the new mount API). */
export function fault(path: string, what: string, e: number | NodeJS.ErrnoException): FileFault {
  // libc gives a positive errno, Node's errors a negative one beside their code.
  const n = typeof e === 'number' ? e : Math.abs(e.errno ?? 0);
  if (n === 38) return new FileFault('ENOTSUP', `this kernel has no openat2(2) or new mount API (Linux ≥ 5.6 is needed): ${what} ${path}`);
  return new FileFault('EFILE', `${what} ${path}: ${typeof e === 'number' ? errnoName(e) : e.code ?? errnoName(n)}`, n);
}

/** A Node fs error (a reopen, a host path) as a FileFault; anything else unchanged. */
export function asFault(e: unknown): unknown {
  if (e instanceof FileFault || !(e instanceof Error) || typeof (e as NodeJS.ErrnoException).errno !== 'number') return e;
  const x = e as NodeJS.ErrnoException;
  return fault(x.path ?? '', `${x.syscall ?? 'copy'}:`, x);
}

function errno(): number {
  return libc.koffi.errno();
}

/** A container id as the working process sees it; a FileFault (EINVAL) when `ranges` do not map it. */
export function toHost(ranges: IdRange[], id: number, what: string): number {
  if (ranges.length === 0) return id;
  for (const r of ranges) if (id >= r.inside && id < r.inside + r.count) return r.outside + id - r.inside;
  throw new FileFault('EINVAL', `${what} ${id} is not mapped by the container's lxc.idmap`);
}

/** An id of the working process as the container sees it (65534 when unmapped). */
function toContainer(ranges: IdRange[], id: number): number {
  if (ranges.length === 0) return id;
  for (const r of ranges) if (id >= r.outside && id < r.outside + r.count) return r.inside + id - r.outside;
  return OVERFLOW_ID;
}

// ---- the root ------------------------------------------------------------------------------------

/**
 * Opens the root `spec` names as an O_PATH fd: /proc/<pid>/root of a running container, the rootfs
 * directory of a stopped one, or a detached overlay mount of a stopped overlay clone.
 */
export function openRoot(spec: RootSpec): number {
  if ('pid' in spec) {
    const fd = libc.open(`/proc/${spec.pid}/root`, libc.O_PATH | libc.O_DIRECTORY | libc.O_CLOEXEC);
    if (fd < 0) throw fault(`/proc/${spec.pid}/root`, 'cannot open the root of init', errno());
    return fd;
  }
  return stoppedRoot(spec.rootfs);
}

/**
 * The rootfs of a stopped container. An overlay clone has no assembled tree while stopped: it is
 * mounted here with the new mount API as a detached mount (fsopen/fsconfig/fsmount) that no
 * mount namespace holds and that goes away with its last fd.
 */
function stoppedRoot(spec: string): number {
  // liblxc 4+ writes an overlay clone's rootfs as "<lower>:<upper>", older ones "overlayfs:<lower>:<upper>".
  const m = /^(?:(?:overlay|overlayfs):)?(\/[^:]+(?::\/[^:]+)+)$/.exec(spec);
  if (m && !isDirectory(spec)) {
    const parts = m[1].split(':');
    const upper = parts.pop()!;
    const lower = parts.join(':');
    // liblxc's own work dir: <name>/overlay/work beside <name>/overlay/delta (4.0+), <name>/olwork beside delta0 (3.x).
    const work = join(dirname(upper), upper.endsWith('/overlay/delta') ? 'work' : 'olwork');
    try {
      fs.mkdirSync(work, { recursive: true, mode: 0o755 });
    } catch (e) {
      throw asFault(e);
    }
    const ctx = Number(libc.syscall_fsopen(libc.SYS_fsopen, 'overlay', libc.FSOPEN_CLOEXEC));
    if (ctx < 0) throw fault(spec, 'cannot mount the overlay of', errno());
    try {
      for (const [k, v] of [['lowerdir', lower], ['upperdir', upper], ['workdir', work]]) {
        if (libc.syscall_fsconfig(libc.SYS_fsconfig, ctx, libc.FSCONFIG_SET_STRING, k, v, 0) < 0) throw fault(v, `overlay ${k}`, errno());
      }
      if (libc.syscall_fsconfig(libc.SYS_fsconfig, ctx, libc.FSCONFIG_CMD_CREATE, null, null, 0) < 0) throw fault(spec, 'cannot mount the overlay of', errno());
      const mnt = Number(libc.syscall_fsmount(libc.SYS_fsmount, ctx, libc.FSMOUNT_CLOEXEC, 0));
      if (mnt < 0) throw fault(spec, 'cannot mount the overlay of', errno());
      return mnt;
    } finally {
      libc.close(ctx);
    }
  }
  const dir = spec.replace(/^dir:/, '');
  if (!dir.startsWith('/')) throw new FileFault('ENOTSUP', `files of a stopped container on "${spec}" (dir and overlay rootfs only)`);
  const fd = libc.open(dir, libc.O_PATH | libc.O_DIRECTORY | libc.O_CLOEXEC);
  if (fd < 0) throw fault(dir, 'cannot open the rootfs', errno());
  return fd;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

// ---- helpers on fds ------------------------------------------------------------------------------

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

function typeOf(s: fs.Stats | fs.Dirent): FileType {
  return s.isFile() ? 'file' : s.isDirectory() ? 'directory' : s.isSymbolicLink() ? 'symlink' : s.isFIFO() ? 'fifo'
    : s.isSocket() ? 'socket' : s.isCharacterDevice() ? 'char-device' : 'block-device';
}

/** The fd's path for the calls that take a path: the magic link of our own fd, the pinned inode. */
const self = (fd: number, name?: string) => `/proc/self/fd/${fd}${name === undefined ? '' : `/${name}`}`;

/** The parent of `path` and its last component (which must name something: not '', '.', '..'). */
export function split(path: string): [string, string] {
  const trimmed = path.replace(/\/+$/, '');
  const i = trimmed.lastIndexOf('/');
  const name = trimmed.slice(i + 1);
  if (name === '' || name === '.' || name === '..') throw new FileFault('EINVAL', `${path} does not name a file (it ends in "${name || '/'}")`);
  return [i <= 0 ? '/' : trimmed.slice(0, i), name];
}

function readlink(fd: number): string {
  const buf = Buffer.alloc(4096);
  const n = Number(libc.readlinkat(fd, '', buf, buf.length));
  return n < 0 ? '' : buf.subarray(0, n).toString();
}

/** Reopens a pinned regular file for I/O; anything else (fifo, device, socket, directory) is refused unopened. Closes `pfd`. */
function reopenRegular(path: string, pfd: number, flags: number): { fd: number; stat: fs.Stats } {
  try {
    const stat = fs.fstatSync(pfd);
    if (!stat.isFile()) throw new FileFault('EFILE', `${path} is a ${typeOf(stat)}, not a regular file: refused`, stat.isDirectory() ? 21 : 22);
    const fd = fs.openSync(self(pfd), flags | libc.O_CLOEXEC);
    return { fd, stat };
  } catch (e) {
    throw asFault(e);
  } finally {
    libc.close(pfd);
  }
}

// ---- the primitives ------------------------------------------------------------------------------

/** The names of the primitives (the helper serves these and no other). */
export const PRIMITIVES = ['openRead', 'openWrite', 'setMode', 'stat', 'entry', 'list', 'mkdir', 'remove', 'symlink'] as const;
export type Primitive = (typeof PRIMITIVES)[number];

/**
 * The root-side primitives on an open root, synchronous, in this process. Ids given and returned
 * are container ids; `ids` maps them to this process's (the container's lxc.idmap for the host's
 * root, IDENTITY inside the container's user namespace). Every failure is a FileFault.
 */
export class RootOps {
  constructor(readonly fd: number, readonly ids: IdMap) {}

  close(): void {
    libc.close(this.fd);
  }

  /** An fd open for reading at `path`, and the size and mode it had then (a file that grows is read to that size). */
  openRead(path: string): { fd: number; size: number; mode: number } {
    const pfd = this.#lookup(path, true);
    if (pfd === null) throw fault(path, 'cannot read', 2);
    const { fd, stat } = reopenRegular(path, pfd, libc.O_RDONLY);
    return { fd, size: stat.size, mode: stat.mode & 0o7777 };
  }

  /** An fd open for writing at `path`: an existing regular file truncated, or a new one owned and moded. */
  openWrite(path: string, w: WriteSpec): { fd: number } {
    const [parent] = split(path);
    const uid = toHost(this.ids.uids, w.uid, 'uid');
    const gid = toHost(this.ids.gids, w.gid, 'gid');
    if (w.parents) this.mkdir(parent, 0o755, w.uid, w.gid, true);
    for (let attempt = 0; ; attempt++) {
      const existing = this.#lookup(path, true);
      if (existing !== null) {
        const { fd } = reopenRegular(path, existing, libc.O_WRONLY | libc.O_TRUNC);
        if (w.mode !== undefined) this.setMode(fd, w.mode);
        return { fd };
      }
      // O_EXCL: a final symlink (even dangling) is never followed, and a file made meanwhile is EEXIST.
      const fd = resolveAt(this.fd, path, libc.O_WRONLY | libc.O_CREAT | libc.O_EXCL | libc.O_NOFOLLOW, 0);
      if (fd >= 0) {
        try {
          fs.fchownSync(fd, uid, gid);
          fs.fchmodSync(fd, w.createMode);
        } catch (e) {
          // Not left behind owned by the process that made it.
          fs.closeSync(fd);
          this.#unlinkCreated(path);
          throw fault(path, 'cannot own', e as NodeJS.ErrnoException);
        }
        return { fd };
      }
      if (-fd !== 17 || attempt > 40) throw fault(path, 'cannot create', -fd);
      // EEXIST with nothing to follow: a dangling symlink. Its target is made, resolved in the root as it would be inside.
      const link = this.#lookup(path, false);
      if (link !== null) {
        const target = fs.fstatSync(link).isSymbolicLink() ? readlink(link) : '';
        libc.close(link);
        if (target !== '') path = target.startsWith('/') ? target : `${dirname(path)}/${target}`;
      }
    }
  }

  /** Sets the permission bits through an fd (after a copy: writing clears set-id bits). */
  setMode(fd: number, mode: number): void {
    try {
      fs.fchmodSync(fd, mode);
    } catch (e) {
      throw asFault(e);
    }
  }

  /** What `path` is; a final symlink is not followed. */
  stat(path: string): RawStat {
    const fd = this.#lookup(path, false);
    if (fd === null) throw fault(path, 'cannot stat', 2);
    try {
      const s = fs.fstatSync(fd);
      const out: RawStat = {
        type: typeOf(s), size: s.size, mode: s.mode & 0o7777, uid: toContainer(this.ids.uids, s.uid), gid: toContainer(this.ids.gids, s.gid), mtimeMs: s.mtimeMs,
      };
      if (s.isSymbolicLink()) out.target = readlink(fd);
      return out;
    } finally {
      libc.close(fd);
    }
  }

  /** What `path` is, for a copy out: a regular file open for reading, a symlink's text; null when missing. */
  entry(path: string, follow: boolean): Found | null {
    const pfd = this.#lookup(path, follow);
    if (pfd === null) return null;
    let s: fs.Stats;
    try {
      s = fs.fstatSync(pfd);
    } catch (e) {
      libc.close(pfd);
      throw asFault(e);
    }
    if (s.isFile()) {
      const { fd, stat } = reopenRegular(path, pfd, libc.O_RDONLY);
      return { type: 'file', size: stat.size, mode: stat.mode & 0o7777, fd };
    }
    const out: Found = { type: typeOf(s), size: s.size, mode: s.mode & 0o7777 };
    if (s.isSymbolicLink()) out.target = readlink(pfd);
    libc.close(pfd);
    return out;
  }

  /** A directory's entries, sorted by name. */
  list(path: string): FileEntry[] {
    const fd = resolveAt(this.fd, path, libc.O_PATH | libc.O_DIRECTORY);
    if (fd < 0) throw fault(path, 'cannot list', -fd);
    try {
      return fs.readdirSync(self(fd), { withFileTypes: true }).map((d) => ({ name: d.name, type: typeOf(d) }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (e) {
      throw asFault(e);
    } finally {
      libc.close(fd);
    }
  }

  /** mkdir -p inside the root. Each missing component is made by mkdirat on its pinned parent. */
  mkdir(path: string, mode: number, uid: number, gid: number, parents: boolean): void {
    libc.close(this.#mkdirs(path, mode, uid, gid, parents));
  }

  /** Removes a file, a symlink (not its target) or an (empty, unless `recursive`) directory. */
  remove(path: string, recursive: boolean, force: boolean): void {
    const [parent, name] = split(path);
    const pfd = resolveAt(this.fd, parent, libc.O_PATH | libc.O_DIRECTORY);
    if (pfd < 0) {
      if (pfd === -2 && force) return;
      throw fault(path, 'cannot remove', -pfd);
    }
    try {
      removeAt(pfd, name, path, recursive, force);
    } finally {
      libc.close(pfd);
    }
  }

  /** A symlink at `path` (never replacing anything), owned by uid/gid. */
  symlink(target: string, path: string, uid: number, gid: number): void {
    const [parent, name] = split(path);
    const hostUid = toHost(this.ids.uids, uid, 'uid');
    const hostGid = toHost(this.ids.gids, gid, 'gid');
    const pfd = resolveAt(this.fd, parent, libc.O_PATH | libc.O_DIRECTORY);
    if (pfd < 0) throw fault(path, 'cannot link', -pfd);
    try {
      if (libc.symlinkat(target, pfd, name) !== 0) throw fault(path, 'cannot link', errno());
      fs.lchownSync(self(pfd, name), hostUid, hostGid);
    } catch (e) {
      throw asFault(e);
    } finally {
      libc.close(pfd);
    }
  }

  /** An O_PATH fd of `path`, or null when it does not exist. */
  #lookup(path: string, follow: boolean): number | null {
    const fd = resolveAt(this.fd, path, libc.O_PATH | (follow ? 0 : libc.O_NOFOLLOW));
    if (fd === -2) return null;
    if (fd < 0) throw fault(path, 'cannot resolve', -fd);
    return fd;
  }

  #unlinkCreated(made: string): void {
    const [dir, base] = split(made);
    const pfd = resolveAt(this.fd, dir, libc.O_PATH | libc.O_DIRECTORY);
    if (pfd < 0) return;
    libc.unlinkat(pfd, base, 0);
    libc.close(pfd);
  }

  /** mkdir -p: an O_PATH fd of the directory. */
  #mkdirs(path: string, mode: number, uid: number, gid: number, parents: boolean): number {
    const hostUid = toHost(this.ids.uids, uid, 'uid');
    const hostGid = toHost(this.ids.gids, gid, 'gid');
    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    let fd = resolveAt(this.fd, '/', libc.O_PATH | libc.O_DIRECTORY);
    if (fd < 0) throw fault('/', 'cannot open', -fd);
    for (let i = 0; i < parts.length; i++) {
      const prefix = `/${parts.slice(0, i + 1).join('/')}`;
      for (let attempt = 0; ; attempt++) {
        const next = resolveAt(this.fd, prefix, libc.O_PATH | libc.O_DIRECTORY);
        if (next >= 0) {
          libc.close(fd);
          fd = next;
          break;
        }
        const last = i === parts.length - 1;
        if (-next !== 2 || parts[i] === '..' || (!parents && !last) || attempt > 4) {
          libc.close(fd);
          throw fault(prefix, 'cannot make directory', -next);
        }
        if (libc.mkdirat(fd, parts[i], mode) === 0) {
          // Owned through an fd of the new directory itself, opened O_NOFOLLOW: never by a path the
          // container could swap for a symlink (a host path walk would follow it out of the root).
          const made = libc.openat(fd, parts[i], libc.O_PATH | libc.O_DIRECTORY | libc.O_NOFOLLOW | libc.O_CLOEXEC);
          if (made < 0) {
            const e = errno();
            libc.close(fd);
            throw fault(prefix, 'the new directory was replaced:', e);
          }
          try {
            fs.chownSync(self(made), hostUid, hostGid);
            fs.chmodSync(self(made), mode);
          } catch (e) {
            libc.close(fd);
            throw fault(prefix, 'cannot own', e as NodeJS.ErrnoException);
          } finally {
            libc.close(made);
          }
        } else if (errno() !== 17) {
          const e = errno();
          libc.close(fd);
          throw fault(prefix, 'cannot make directory', e);
        }
        // made (or raced): resolve the prefix again, inside the root.
      }
    }
    return fd;
  }
}

/** Removes `name` in the pinned directory `dirfd`; a directory's entries through an fd opened O_NOFOLLOW, never by path. */
function removeAt(dirfd: number, name: string, shown: string, recursive: boolean, force: boolean): void {
  if (libc.unlinkat(dirfd, name, 0) === 0) return;
  let e = errno();
  if (e === 2 && force) return;
  if (e !== 21 && e !== 1) throw fault(shown, 'cannot remove', e);
  if (recursive) {
    const sub = libc.openat(dirfd, name, libc.O_RDONLY | libc.O_DIRECTORY | libc.O_NOFOLLOW | libc.O_CLOEXEC);
    if (sub < 0) throw fault(shown, 'cannot open', errno());
    try {
      let entries: string[];
      try {
        entries = fs.readdirSync(self(sub));
      } catch (x) {
        throw asFault(x);
      }
      for (const entry of entries) removeAt(sub, entry, `${shown}/${entry}`, true, force);
    } finally {
      libc.close(sub);
    }
  }
  if (libc.unlinkat(dirfd, name, libc.AT_REMOVEDIR) === 0) return;
  e = errno();
  if (!(e === 2 && force)) throw fault(shown, 'cannot remove', e);
}

// ---- the interface files.ts composes -------------------------------------------------------------

/**
 * The primitives of one open root, wherever they run: in this process (`localSide`) or in a helper
 * in the container's user namespace (files-remote.ts). Each returns a promise; the fds in results
 * are this process's own. `close()` releases the root (and ends a helper), resolving once it has.
 */
export type RootSide = { [K in Primitive]: (...args: Parameters<RootOps[K]>) => Promise<ReturnType<RootOps[K]>> } & { close(): Promise<void> };

/** The primitives run here, on `ops`. */
export function localSide(ops: RootOps): RootSide {
  const side = { close: () => Promise.resolve(ops.close()) } as RootSide;
  for (const name of PRIMITIVES) {
    (side as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      try {
        return Promise.resolve((ops[name] as (...a: unknown[]) => unknown)(...args));
      } catch (e) {
        return Promise.reject(asFault(e));
      }
    };
  }
  return side;
}

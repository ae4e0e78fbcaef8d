// The files family: files and directory trees in and out of a container (docs/files.md). The
// public calls, composed once from the root-side primitives of files-root.ts (every path resolved
// by the kernel inside the container's root), which run in this process when it is root, and in
// a helper inside the container's user namespace (files-remote.ts) for a normal user and an
// idmapped container. What stays here: arguments, the host side of push and pull (host paths are
// always opened by the caller), and the copies between fds (sendfile, streams).
import * as fs from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { join } from 'node:path';
import { sendAll } from '../proc/sendfile.js';
import { options } from '../options/parse.js';
import {
  fileWriteOptionsSchema, fileWriteDefaults, fileReadOptionsSchema, fileReadDefaults, fileRemoveOptionsSchema, fileRemoveDefaults,
  type FileWriteOptions,
} from '../options/files.js';
import { getConfigItem } from './config.js';
import type { Handle } from './handle.js';
import { LxcError } from '../errors.js';
import { FileFault, RootOps, asFault, fault, localSide, openRoot, split as splitPath, toHost, type IdMap, type IdRange, type RootSide, type RootSpec } from './files-root.js';
import { helperSide } from './files-remote.js';
import type { FileEntry, FileType } from './files-root.js';

export type { FileType, FileEntry } from './files-root.js';

/** `files.stat()`: one object of the container, its ids as the container sees them. */
export interface FileStat {
  /** What it is (a final symlink is not followed: `'symlink'`). */
  type: FileType;
  /** Size in bytes (a symlink's: the length of its target). */
  size: number;
  /** Permission bits (mode & 0o7777). */
  mode: number;
  /** Owner, a container uid (65534, the overflow id, when the host owner is not mapped). */
  uid: number;
  /** Group, a container gid (65534 when the host group is not mapped). */
  gid: number;
  /** Last modification. */
  mtime: Date;
  /** A symlink's target, as stored (never followed on the host). */
  target?: string;
}

/** What `files.push()` / `files.pull()` copied. */
export interface CopySummary {
  /** Regular files copied. */
  files: number;
  /** Directories made (or found) on the other side, the top one included. */
  directories: number;
  /** Symlinks copied as symlinks. */
  symlinks: number;
  /** Bytes of the regular files copied. */
  bytes: number;
  /** Paths not copied: fifos, sockets and device nodes (never opened). */
  skipped: string[];
}

// ---- the root ------------------------------------------------------------------------------------

function idRanges(h: Handle): IdMap & { lines: string[] } {
  const uids: IdRange[] = [];
  const gids: IdRange[] = [];
  const lines: string[] = [];
  for (const line of getConfigItem(h, 'lxc.idmap').split('\n')) {
    const m = /^\s*([ug])\s+(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
    if (!m) continue;
    (m[1] === 'u' ? uids : gids).push({ inside: +m[2], outside: +m[3], count: +m[4] });
    lines.push(line.trim());
  }
  return { uids, gids, lines };
}

/** An open root: its primitives, and the container's id map (ids are checked against it before any work). */
interface Root {
  side: RootSide;
  ids: IdMap;
}

/**
 * Opens the container's root: in this process, or, for a caller that is not root and a container
 * with an lxc.idmap, in a helper in the container's user namespace (files-remote.ts).
 */
async function openSide(h: Handle, op: string): Promise<Root> {
  h.need(op, 'defined');
  const ids = idRanges(h);
  const pid = h.query(op, 'init_pid');
  const spec: RootSpec = pid > 0 ? { pid } : { rootfs: getConfigItem(h, 'lxc.rootfs.path') };
  const helper = process.geteuid?.() !== 0 && ids.lines.length > 0;
  const stopped = () => h.error('ENOTRUNNING', op, 'the container stopped while its root was being opened');
  let side: RootSide;
  try {
    side = helper ? await helperSide(pid > 0 ? { pid } : { idmap: ids.lines }, spec) : localSide(new RootOps(openRoot(spec), ids));
  } catch (e) {
    // A helper that could not join init's namespace because init is gone: the same error as root's.
    if (pid > 0 && h.query(op, 'init_pid') !== pid) throw stopped();
    throw e;
  }
  // Still the container's init once the root is open: not a process that took a freed pid.
  if (pid > 0 && h.query(op, 'init_pid') !== pid) {
    await side.close();
    throw stopped();
  }
  return { side, ids };
}

/** A FileFault (or a Node fs error) as the one error type, its errno kept. */
function lxcError(h: Handle, op: string, e: unknown): unknown {
  if (e instanceof LxcError) return e;
  const f = asFault(e);
  if (!(f instanceof FileFault)) return f;
  return h.error(f.code, op, f.message, undefined, f.errno === undefined ? {} : { errno: f.errno });
}

/** Runs `f` with the root open; closes it after, even when `f` throws. */
async function withRoot<T>(h: Handle, op: string, f: (root: Root) => Promise<T> | T): Promise<T> {
  let root: Root;
  try {
    root = await openSide(h, op);
  } catch (e) {
    throw lxcError(h, op, e);
  }
  try {
    return await f(root);
  } catch (e) {
    throw lxcError(h, op, e);
  } finally {
    await root.side.close();
  }
}

/** Path checks: a string without NUL; relative paths are taken from the container's root. */
function pathArg(h: Handle, op: string, p: unknown): string {
  if (typeof p !== 'string' || p.length === 0 || p.includes('\0')) throw h.error('EINVAL', op, 'path must be a non-empty string without NUL');
  return p;
}

/** The parent of `path` and its last component, or EINVAL before any work. */
function split(h: Handle, op: string, path: string): [string, string] {
  try {
    return splitPath(path);
  } catch (e) {
    throw lxcError(h, op, e);
  }
}

/** A path that names no file ("/", "a/.."): the call's promise rejects with EINVAL before the root is opened. */
function namesNoFile(h: Handle, op: string, path: string): Promise<never> | null {
  try {
    splitPath(path);
    return null;
  } catch (e) {
    return Promise.reject(lxcError(h, op, e));
  }
}

/** uid and gid are container ids that the container's lxc.idmap maps: EINVAL before any work otherwise. */
function checkIds(h: Handle, op: string, ids: IdMap, o: { uid: number; gid: number }): void {
  try {
    toHost(ids.uids, o.uid, 'uid');
    toHost(ids.gids, o.gid, 'gid');
  } catch (e) {
    throw lxcError(h, op, e);
  }
}

function readStreamOf(fd: number, size: number): Readable {
  if (size === 0) {
    fs.closeSync(fd);
    return Readable.from([]);
  }
  return fs.createReadStream('', { fd, start: 0, end: size - 1, highWaterMark: 1 << 20 });
}

/** Copies the `size` bytes `from` had at open into `to` (sendfile, in the kernel), then `finish`es `to`; closes both. */
async function copyFd(from: number, to: number, size: number, finish: (fd: number) => Promise<void> | void): Promise<void> {
  try {
    await sendAll(to, from, size);
    await finish(to);
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
  return withRoot(h, op, async ({ side }) => {
    const { fd, size } = await side.openRead(path);
    if (size > o.maxBytes) {
      fs.closeSync(fd);
      throw h.error('EFILE', op, `${path} has ${size} bytes, over maxBytes ${o.maxBytes}: use files.readStream()`, undefined, { errno: 27 });
    }
    const chunks: Buffer[] = [];
    for await (const c of readStreamOf(fd, size)) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  });
}

export function readStream(h: Handle, path_: unknown): Promise<Readable> {
  const op = 'files.readStream';
  const path = pathArg(h, op, path_);
  return withRoot(h, op, async ({ side }) => {
    const { fd, size } = await side.openRead(path);
    return readStreamOf(fd, size);
  });
}

function writeOptions(op: string, options_: unknown) {
  return options(op, 'options', fileWriteOptionsSchema, options_, fileWriteDefaults);
}

/** An fd open for writing at `path` (made or truncated), its owner checked against the map first. */
async function openWrite(h: Handle, op: string, root: Root, path: string, o: FileWriteOptions & { uid: number; gid: number; parents: boolean }, createMode: number): Promise<number> {
  checkIds(h, op, root.ids, o);
  const { fd } = await root.side.openWrite(path, { uid: o.uid, gid: o.gid, parents: o.parents, mode: o.mode, createMode });
  return fd;
}

export function write(h: Handle, path_: unknown, data: unknown, options_: unknown): Promise<void> {
  const op = 'files.write';
  const path = pathArg(h, op, path_);
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) throw h.error('EINVAL', op, 'data must be a string, Buffer or Uint8Array');
  const o = writeOptions(op, options_);
  const bad = namesNoFile(h, op, path);
  if (bad) return bad;
  return withRoot(h, op, async (root) => {
    const fd = await openWrite(h, op, root, path, o, o.mode ?? 0o644);
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
  const bad = namesNoFile(h, op, path);
  if (bad) return bad;
  return withRoot(h, op, async (root) => {
    const fd = await openWrite(h, op, root, path, o, o.mode ?? 0o644);
    return fs.createWriteStream('', { fd, highWaterMark: 1 << 20 });
  });
}

export function stat(h: Handle, path_: unknown): Promise<FileStat> {
  const op = 'files.stat';
  const path = pathArg(h, op, path_);
  return withRoot(h, op, async ({ side }) => {
    const { mtimeMs, ...s } = await side.stat(path);
    return { ...s, mtime: new Date(mtimeMs) };
  });
}

export function list(h: Handle, path_: unknown): Promise<FileEntry[]> {
  const op = 'files.list';
  const path = pathArg(h, op, path_);
  return withRoot(h, op, ({ side }) => side.list(path));
}

export function mkdir(h: Handle, path_: unknown, options_: unknown): Promise<void> {
  const op = 'files.mkdir';
  const path = pathArg(h, op, path_);
  const o = writeOptions(op, options_);
  return withRoot(h, op, async (root) => {
    checkIds(h, op, root.ids, o);
    await root.side.mkdir(path, o.mode ?? 0o755, o.uid, o.gid, o.parents);
  });
}

export function remove(h: Handle, path_: unknown, options_: unknown): Promise<void> {
  const op = 'files.remove';
  const path = pathArg(h, op, path_);
  const o = options(op, 'options', fileRemoveOptionsSchema, options_, fileRemoveDefaults);
  const bad = namesNoFile(h, op, path);
  if (bad) return bad;
  return withRoot(h, op, ({ side }) => side.remove(path, o.recursive, o.force));
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
    const { side } = root;
    checkIds(h, op, root.ids, o);
    const copy = async (from: string, to: string, top: boolean): Promise<void> => {
      const s = await fs.promises.lstat(from);
      const mode = o.mode ?? s.mode & 0o7777;
      if (s.isDirectory()) {
        await side.mkdir(to, top ? o.mode ?? s.mode & 0o7777 : s.mode & 0o7777, o.uid, o.gid, top ? o.parents : false);
        done.directories++;
        for (const entry of await fs.promises.readdir(from)) await copy(join(from, entry), `${to}/${entry}`, false);
      } else if (s.isFile()) {
        const fd = await openWrite(h, op, root, to, { ...o, parents: top ? o.parents : false }, mode);
        let src: number;
        try {
          src = fs.openSync(from, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
        } catch (e) {
          fs.closeSync(fd);
          throw e;
        }
        // The mode after the bytes: a write clears set-user-id and set-group-id bits.
        await copyFd(src, fd, s.size, (to) => side.setMode(to, mode));
        done.files++;
        done.bytes += s.size;
      } else if (s.isSymbolicLink()) {
        split(h, op, to);
        await side.symlink(await fs.promises.readlink(from), to, o.uid, o.gid);
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
  return withRoot(h, op, async ({ side }) => {
    const copy = async (from: string, to: string, top: boolean): Promise<void> => {
      const found = await side.entry(from, top);
      if (found === null) throw fault(from, 'cannot read', 2);
      if (found.type === 'directory') {
        // The host side: a directory we make, never a symlink someone left there.
        await fs.promises.mkdir(to, { recursive: top, mode: found.mode }).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'EEXIST') throw e; });
        if (!(await fs.promises.lstat(to)).isDirectory()) throw h.error('EFILE', op, `${to} on the host is not a directory: refused`, undefined, { errno: 20 });
        done.directories++;
        for (const entry of await side.list(from)) await copy(`${from}/${entry.name}`, join(to, entry.name), false);
      } else if (found.type === 'file' && found.fd !== undefined) {
        const fd = found.fd;
        // O_NOFOLLOW: never through a symlink left on the host (an earlier pull of the same tree).
        let hostFd: number;
        try {
          hostFd = fs.openSync(to, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK, found.mode & 0o777);
        } catch (e) {
          fs.closeSync(fd);
          throw e;
        }
        await copyFd(fd, hostFd, found.size, (to) => fs.fchmodSync(to, found.mode & 0o777));
        done.files++;
        done.bytes += found.size;
      } else if (found.type === 'symlink') {
        await fs.promises.symlink(found.target ?? '', to);
        done.symlinks++;
      } else {
        done.skipped.push(from);
      }
    };
    await copy(path, hostPath, true);
    return done;
  });
}

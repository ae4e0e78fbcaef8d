// The clones and snapshots family: clone, snapshot, snapshotList, snapshotRestore, snapshotDestroy(All).
import * as ffi from '../../ffi/index.js';
import * as C from '../constants.js';
import { check, containerName, absolutePath } from '../validate.js';
import { options } from '../options/parse.js';
import { abortOptionsSchema, type AbortOptions } from '../options/lifecycle.js';
import { cloneOptionsSchema, cloneDefaults, cloneEphemeralOptionsSchema, cloneEphemeralDefaults } from '../options/snapshots.js';
import { armGuard } from '../guard/arm.js';
import { fs } from '../builtins.js';
import { reserveCid, sibling, type Handle, type Sibling } from './handle.js';
import { exists } from '../call/routes.js';
import { forgetInRunners, invoke } from '../call/invoke.js';
import { getConfigItem } from './config.js';
import { watchCopy, type CopyWatch } from '../copy-progress.js';
import type { EventFeed } from '../create/feed.js';

/** One snapshot of a container, as snapshotList() gives it. */
export interface Snapshot {
  /** Its name, e.g. 'snap0'. */
  name: string;
  /** The file holding its comment ('' when none). */
  commentPath: string;
  /** When it was taken, as liblxc writes it ('2026:11:29 14:02:03'). */
  timestamp: string;
  /** The lxcpath holding the snapshots (LXCPATH/NAME/snaps). */
  lxcpath: string;
}

/**
 * The source rootfs of a copy, for a total: a dir rootfs only (a copy-on-write clone or another
 * store copies nothing that a directory walk could count against it).
 */
function dirRootfs(h: Handle): string | null {
  let path: string;
  try {
    path = getConfigItem(h, 'lxc.rootfs.path').replace(/^dir:/, '');
  } catch {
    return null;
  }
  if (!path.startsWith('/') || path.includes(':')) return null;
  try {
    return fs.statSync(path).isDirectory() ? path : null;
  } catch {
    return null;
  }
}

/** Runs `work`, reporting its copy on `feed` when there is one. */
function copying<T>(feed: EventFeed | undefined, where: () => CopyWatch, work: () => Promise<T>): Promise<T> {
  return feed ? watchCopy(feed, where(), work) : work();
}

export async function clone(h: Handle, newName: unknown, options_: unknown, feed?: EventFeed): Promise<Sibling> {
  const op = 'clone';
  const name = check(op, 'newName', containerName, newName);
  const o = options(op, 'options', cloneOptionsSchema, options_, cloneDefaults);
  h.need(op, 'defined');
  const lxcpath = o.lxcpath ?? h.lxcpath;
  if (exists(name, lxcpath)) throw h.error('EEXIST', op, `"${name}" already exists in ${lxcpath}`);
  let flags = o.flags;
  if (o.snapshot) flags |= C.LXC_CLONE_SNAPSHOT;
  if (o.keepName) flags |= C.LXC_CLONE_KEEPNAME;
  if (o.keepMacAddr) flags |= C.LXC_CLONE_KEEPMACADDR;
  if (o.keepBdevType) flags |= C.LXC_CLONE_KEEPBDEVTYPE;
  if (o.maybeSnapshot) flags |= C.LXC_CLONE_MAYBE_SNAPSHOT;
  // The runner puts the struct clone() returns, answers whether there was one, then makes its struct
  // for the Container made below (its cid reserved now) while this process makes that Container.
  const cid = reserveCid();
  const where = (): CopyWatch => ({ source: flags & C.LXC_CLONE_SNAPSHOT ? null : dirRootfs(h), target: `${lxcpath}/${name}` });
  const { log } = await copying(feed, where, () => invoke(h, op, 'clone', { fails: { code: 'ECLONE', why: `liblxc could not clone it to "${name}"` }, signal: o.signal, adopt: { cid, name, lxcpath } },
    name, o.lxcpath, flags, o.bdevType, o.bdevData, BigInt(o.newSize), o.hookArgs === null ? null : [...o.hookArgs, null]));
  let made: Sibling;
  try {
    made = sibling(name, lxcpath, { cid, release: () => forgetInRunners(cid) });
  } catch (e) {
    forgetInRunners(cid);
    throw e;
  }
  if (o.signal?.aborted) {
    await discard(made);
    throw h.aborted(op, o.signal, log, {}, `aborted: the clone "${name}" was made, and is destroyed again`);
  }
  return made;
}

export async function cloneEphemeral(h: Handle, newName: unknown, options_: unknown): Promise<Sibling> {
  const op = 'cloneEphemeral';
  const o = options(op, 'options', cloneEphemeralOptionsSchema, options_, cloneEphemeralDefaults);
  const name = newName === undefined ? `${h.name}-eph-${Math.random().toString(36).slice(2, 8)}` : check(op, 'newName', containerName, newName);
  const lxcpath = o.lxcpath ?? h.lxcpath;
  const made = await clone(h, name, { ...(o.lxcpath === null ? {} : { lxcpath: o.lxcpath }), bdevType: 'overlayfs', snapshot: true, ...(o.signal ? { signal: o.signal } : {}) });
  try {
    if (o.tmpfs) made.setConfigItem('lxc.hook.pre-mount', tmpfsHook(made, name, lxcpath));
    // liblxc's monitor destroys the container when it stops (start.c, lxc_end), unless it reboots.
    made.setConfigItem('lxc.ephemeral', '1');
    made.saveConfig();
    // The guard covers what liblxc does not: this process going away while the container runs.
    armGuard(name, lxcpath);
  } catch (e) {
    await discard(made);
    throw h.error('ECLONE', op, `the ephemeral clone "${name}" could not be set up: ${(e as Error).message}`);
  }
  return made;
}

/**
 * lxc-copy -t's pre-mount hook (tools/lxc_copy.c, mount_tmpfs): a tmpfs over the overlay's private
 * directory, mounted in the container's mount namespace before its rootfs (so the host never sees
 * it and it goes with the namespace), and the clone's hostname written again into the new delta.
 */
function tmpfsHook(made: Sibling, name: string, lxcpath: string): string {
  const rootfs = made.getConfigItem('lxc.rootfs.path');
  const delta = rootfs.slice(rootfs.lastIndexOf(':') + 1);
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const file = `${lxcpath}/${name}/pre-mount-tmpfs`;
  fs.writeFileSync(file, [
    '#!/bin/sh',
    'set -e',
    `mount -n -t tmpfs -o mode=0755 none ${q(delta.slice(0, delta.lastIndexOf('/')))}`,
    `mkdir -p ${q(`${delta}/etc`)}`,
    `echo ${q(name)} > ${q(`${delta}/etc/hostname`)}`,
    '',
  ].join('\n'), { mode: 0o755 });
  return file;
}

/** Destroys and releases a container an aborted call made (its failure is not the caller's news). */
async function discard(made: Sibling): Promise<void> {
  await made.destroy().catch(() => undefined);
  made.release();
}

export async function snapshot(h: Handle, commentFile: unknown, options_: unknown, feed?: EventFeed): Promise<string> {
  const op = 'snapshot';
  const file = commentFile === undefined || commentFile === null ? null : check(op, 'commentFile', absolutePath, commentFile);
  const { signal }: AbortOptions = options(op, 'options', abortOptionsSchema, options_);
  const where = (): CopyWatch => {
    // liblxc's snapshot dir: <lxcpath>snaps/<name> when that old-style directory exists
    // (get_snappath_dir), then the first snapN that does not exist (get_next_index).
    const old = `${h.lxcpath.replace(/\/+$/, '')}snaps`;
    const dir = fs.existsSync(old) ? `${old}/${h.name}` : `${h.lxcpath}/${h.name}/snaps`;
    let i = 0;
    while (fs.existsSync(`${dir}/snap${i}`)) i++;
    return { source: dirRootfs(h), target: `${dir}/snap${i}` };
  };
  const { result, log } = await copying(feed, where, () => invoke(h, op, 'snapshot', { fails: { code: 'ESNAPSHOT', why: 'liblxc could not snapshot it', when: (n) => n < 0 }, signal }, file));
  const name = `snap${result}`;
  if (signal?.aborted) {
    await invoke(h, op, 'snapshot_destroy', { undo: true }, name).catch(() => undefined);
    throw h.aborted(op, signal, log, {}, `aborted: ${name} was made, and is destroyed again`);
  }
  return name;
}

export async function snapshotList(h: Handle): Promise<Snapshot[]> {
  const op = 'snapshotList';
  const out = new BigUint64Array(1);
  const { result } = await invoke(h, op, 'snapshot_list', { fails: { code: 'ESNAPSHOT', why: 'liblxc could not list snapshots', when: (n) => n < 0 } }, out);
  const list = ffi.takeSnapshots(ffi.types, out[0] || null, result).map((s) => ({
    name: s.name ?? '', commentPath: s.comment_pathname ?? '', timestamp: s.timestamp ?? '', lxcpath: s.lxcpath ?? '',
  }));
  // liblxc lists them in directory order: sort snap2 before snap10.
  return list.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

export async function snapshotRestore(h: Handle, self: Sibling, name: unknown, newName: unknown, options_: unknown): Promise<Sibling> {
  const op = 'snapshotRestore';
  const snap = check(op, 'name', containerName, name);
  const target = newName === undefined ? h.name : check(op, 'newName', containerName, newName);
  const { signal }: AbortOptions = options(op, 'options', abortOptionsSchema, options_);
  const { log } = await invoke(h, op, 'snapshot_restore', { fails: { code: 'ESNAPSHOT', why: `liblxc could not restore ${snap}` }, signal }, snap, target);
  if (target === h.name) {
    // Over this container: what it was is gone, so there is nothing to go back to.
    h.reopen();
    return self;
  }
  const made = sibling(target, h.lxcpath);
  if (signal?.aborted) {
    await discard(made);
    throw h.aborted(op, signal, log, {}, `aborted: "${target}" was restored, and is destroyed again`);
  }
  return made;
}

export async function snapshotDestroy(h: Handle, name: unknown): Promise<void> {
  const op = 'snapshotDestroy';
  const snap = check(op, 'name', containerName, name);
  await invoke(h, op, 'snapshot_destroy', { fails: { code: 'ESNAPSHOT', why: `liblxc could not destroy ${snap}` } }, snap);
}

export async function snapshotDestroyAll(h: Handle): Promise<void> {
  await invoke(h, 'snapshotDestroyAll', 'snapshot_destroy_all', { fails: { code: 'ESNAPSHOT', why: 'liblxc could not destroy the snapshots' } });
}

// What the caller's create pool (pool.ts) and a create worker (worker.ts) say to each other over
// Node's IPC channel, and the marker that ends one create's output on the worker's stdout/stderr.
import type { BdevSpecs, Canonical } from '../options.js';
import type { CacheLock } from './cachelock.js';

/** struct bdev_specs as koffi fills it: liblxc's member names. */
export interface BdevSpecsStruct {
  fstype?: string;
  fssize?: number;
  zfs?: { zfsroot?: string };
  lvm?: { vg?: string; lv?: string; thinpool?: string };
  dir?: string;
  rbd?: { rbdname?: string; rbdpool?: string };
}

/**
 * BdevSpecs (camelCase, as parsed) in liblxc's member names, for koffi.
 *
 * @example
 * bdevSpecsStruct({ fsType: 'ext4', lvm: { thinPool: 'tp' } }) // { fstype: 'ext4', lvm: { thinpool: 'tp' } }
 */
export function bdevSpecsStruct(s: Canonical<BdevSpecs>): BdevSpecsStruct {
  const out: BdevSpecsStruct = {};
  if (s.fsType !== undefined) out.fstype = s.fsType;
  if (s.fsSize !== undefined) out.fssize = s.fsSize;
  if (s.zfs) out.zfs = s.zfs.zfsRoot === undefined ? {} : { zfsroot: s.zfs.zfsRoot };
  if (s.lvm) out.lvm = { ...(s.lvm.vg !== undefined && { vg: s.lvm.vg }), ...(s.lvm.lv !== undefined && { lv: s.lvm.lv }), ...(s.lvm.thinPool !== undefined && { thinpool: s.lvm.thinPool }) };
  if (s.dir !== undefined) out.dir = s.dir;
  if (s.rbd) out.rbd = { ...(s.rbd.rbdName !== undefined && { rbdname: s.rbd.rbdName }), ...(s.rbd.rbdPool !== undefined && { rbdpool: s.rbd.rbdPool }) };
  return out;
}

/** What a worker needs to create one container. */
export interface CreateRequest {
  /** Matches the reply and the end marker on stdout/stderr to this request. */
  id: number;
  name: string;
  lxcpath: string;
  /** Template path, or null for an empty container (template "none"). */
  template: string | null;
  argv: string[];
  bdevtype: string | null;
  /** struct bdev_specs in liblxc's member names (bdevSpecsStruct()). */
  specs: BdevSpecsStruct | null;
  flags: number;
  /** A config file the worker loads first (what was set on the Container before create()). */
  configFile: string | null;
  /** The environment the template runs with: the caller's at the time of the call. */
  env: Record<string, string>;
  /** The download template's image cache, locked around the run; null for other templates. */
  cacheLock: CacheLock | null;
}

/** A worker's answer to one request. */
export interface CreateReply {
  id: number;
  ok: boolean;
}

/** What a worker writes on stdout and stderr after a create, so output is never misattributed. */
export function endMarker(id: number): string {
  return `\u0000lxc-ffi:create-end:${id}\u0000`;
}


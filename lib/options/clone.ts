// Options of `clone()`.
import { bdevTypes, type BdevType } from './create.js';

/** Options of `clone()`. */
export interface CloneOptions {
  /** Where the clone goes. Default: this container's lxcpath. */
  lxcpath?: string;
  /** Backing store of the clone ('overlayfs' for the seed's overlay snapshots). Default: the source's. */
  bdevtype?: BdevType;
  /** Backing-store specific data, passed to liblxc as bdevdata (liblxc 5.0 ignores it for every store). */
  bdevdata?: string;
  /** A copy-on-write snapshot clone (LXC_CLONE_SNAPSHOT). Default false. */
  snapshot?: boolean;
  /** Keep the source's hostname (LXC_CLONE_KEEPNAME). Default false. */
  keepName?: boolean;
  /** Keep the source's MAC addresses (LXC_CLONE_KEEPMACADDR). Default false. */
  keepMacAddr?: boolean;
  /** Keep the source's backing store type (LXC_CLONE_KEEPBDEVTYPE). Default false. */
  keepBdevType?: boolean;
  /** Snapshot if the backing store can, copy otherwise (LXC_CLONE_MAYBE_SNAPSHOT). Default false. */
  maybeSnapshot?: boolean;
  /** Size in bytes for block backing stores. Default 0: the source's. */
  newSize?: number;
  /** Arguments for the clone hook (lxc.hook.clone). Default: none. */
  hookArgs?: string[];
  /** Raw LXC_CLONE_* flags, or-ed with the booleans above. Default 0. */
  flags?: number;
}

export const cloneDefaults = { lxcpath: null, bdevtype: null, bdevdata: null, newSize: 0, hookArgs: null, flags: 0 } as const;

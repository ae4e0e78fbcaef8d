// Options of `clone()` (snapshot() and snapshotRestore() take AbortOptions: lifecycle.ts). Each type is one block: the
// interface (TSDoc per field, the default stated), its defaults object, its schema (checked
// against the interface at compile time). How they are parsed: parse.ts.
import { bdevTypes, type BdevType } from './lifecycle.js';
import { schema, boolean, abortSignal, int, path, value, type Assert, type Same, type Infer, type Defaults, type Canonical } from './parse.js';

// ---- clone --------------------------------------------------------------------------------------

/** Options of `clone()`. */
export interface CloneOptions {
  /** Where the clone goes. Default: this container's lxcpath. */
  lxcpath?: string;
  /** Backing store of the clone ('overlayfs' for an overlay snapshot): liblxc's clone() `bdevtype`. Default: the source's. */
  bdevType?: BdevType;
  /** Alias of bdevType (liblxc's and python3-lxc's name): `clone('web', { bdevtype: 'overlayfs', snapshot: true })`. */
  bdevtype?: BdevType;
  /** Backing-store specific data: liblxc's clone() `bdevdata` (liblxc 5.0 ignores it for every store). Default: none. */
  bdevData?: string;
  /** Alias of bdevData (liblxc's name). */
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
  /** Aborts the clone: while queued it never runs; once liblxc cloned, the clone is destroyed. Rejects with EABORT. */
  signal?: AbortSignal;
}

/** The defaults of `clone()`. */
export const cloneDefaults = {
  /** the source's lxcpath. */
  lxcpath: null,
  /** the source's backing store. */
  bdevType: null,
  /** none. */
  bdevData: null,
  /** the source's size. */
  newSize: 0,
  /** none. */
  hookArgs: null,
  /** no raw flags. */
  flags: 0,
} as const satisfies Defaults<CloneOptions>;

export const cloneOptionsSchema = schema((z) => z.strictObject({
  lxcpath: z.optional(path()),
  bdevType: z.optional(z.enum(bdevTypes)),
  bdevData: z.optional(value()),
  snapshot: z.optional(boolean()),
  keepName: z.optional(boolean()),
  keepMacAddr: z.optional(boolean()),
  keepBdevType: z.optional(boolean()),
  maybeSnapshot: z.optional(boolean()),
  newSize: z.optional(int(0)),
  hookArgs: z.optional(z.array(value())),
  flags: z.optional(int(0)),
  signal: z.optional(abortSignal()),
}));
type CloneChecked = Assert<Same<Infer<typeof cloneOptionsSchema>, Canonical<CloneOptions>>>;

// ---- cloneEphemeral -----------------------------------------------------------------------------

/** Options of `cloneEphemeral()`. */
export interface CloneEphemeralOptions {
  /** Where the clone goes. Default: this container's lxcpath. */
  lxcpath?: string;
  /** Its overlay's upper layer on a tmpfs in the container's mount namespace (lxc-copy -t): nothing it writes reaches the disk. Default false. */
  tmpfs?: boolean;
  /** Aborts the clone as clone()'s signal does. Rejects with EABORT. */
  signal?: AbortSignal;
}

/** The defaults of `cloneEphemeral()`. */
export const cloneEphemeralDefaults = {
  /** the source's lxcpath. */
  lxcpath: null,
  /** the upper layer on disk, in the clone's directory. */
  tmpfs: false,
} as const satisfies Defaults<CloneEphemeralOptions>;

export const cloneEphemeralOptionsSchema = schema((z) => z.strictObject({
  lxcpath: z.optional(path()),
  tmpfs: z.optional(boolean()),
  signal: z.optional(abortSignal()),
}));
type CloneEphemeralChecked = Assert<Same<Infer<typeof cloneEphemeralOptionsSchema>, CloneEphemeralOptions>>;

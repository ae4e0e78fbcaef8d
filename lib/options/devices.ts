// Options of `mount()` and `umount()` (the mount_injection API extension). Each type is one block: the
// interface (TSDoc per field, the default stated), its defaults object, its schema (checked
// against the interface at compile time). How they are parsed: parse.ts.
import { stringRules } from '../validate.js';
import { schema, checked, int, value, type Assert, type Same, type Infer, type Defaults, type Canonical } from './parse.js';

// ---- mount --------------------------------------------------------------------------------------

/** Options of `mount()`. */
export interface MountOptions {
  /** Filesystem type, such as ext4: lxc_mount's `fstype`. Default: none (a bind mount). */
  fsType?: string;
  /** Alias of fsType (liblxc's name). */
  fstype?: string;
  /** MS_* flags. Default 0. */
  flags?: number;
  /** Filesystem-specific mount data. Default: none. */
  data?: string;
}

/** The defaults of `mount()`. */
export const mountDefaults = {
  /** none: a bind mount. */
  fsType: null,
  /** no MS_* flags. */
  flags: 0,
  /** none. */
  data: null,
} as const satisfies Defaults<MountOptions>;

export const mountOptionsSchema = schema((z) => z.strictObject({
  fsType: z.optional(checked(stringRules([(s) => /^[a-z0-9.]*$/.test(s), 'must be a filesystem type such as ext4']))),
  flags: z.optional(int(0)),
  data: z.optional(value()),
}));
type MountChecked = Assert<Same<Infer<typeof mountOptionsSchema>, Canonical<MountOptions>>>;

// ---- umount -------------------------------------------------------------------------------------

/** Options of `umount()`. */
export interface UmountOptions {
  /** MNT_* / umount2() flags. Default 0. */
  flags?: number;
}

/** The defaults of `umount()`. */
export const umountDefaults = {
  /** no umount2() flags. */
  flags: 0,
} as const satisfies Defaults<UmountOptions>;

export const umountOptionsSchema = schema((z) => z.strictObject({ flags: z.optional(int(0)) }));
type UmountChecked = Assert<Same<Infer<typeof umountOptionsSchema>, UmountOptions>>;

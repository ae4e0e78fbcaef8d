// Options of `mount()` and `umount()` (the mount_injection API extension).

/** Options of `mount()`. */
export interface MountOptions {
  /** Filesystem type, such as ext4. Default: none (a bind mount). */
  fstype?: string;
  /** MS_* flags. Default 0. */
  flags?: number;
  /** Filesystem-specific mount data. Default: none. */
  data?: string;
}

export const mountDefaults = { fstype: null, flags: 0, data: null } as const;

/** Options of `umount()`. */
export interface UmountOptions {
  /** MNT_* / umount2() flags. Default 0. */
  flags?: number;
}

export const umountDefaults = { flags: 0 } as const;

// Options of `create()`: liblxc's own (backing store, flags) and the templates' (download, local, any other).

/** Backing stores liblxc knows by name. */
export const bdevTypes = ['dir', 'btrfs', 'zfs', 'lvm', 'loop', 'overlay', 'overlayfs', 'rbd', 'best'] as const;

export type BdevType = (typeof bdevTypes)[number];

/** struct bdev_specs, in camelCase: where and how a backing store is made. */
export interface BdevSpecs {
  /** Filesystem type for block backing stores (loop, lvm, rbd), such as ext4. Default: liblxc's (ext4). */
  fstype?: string;
  /** Size in bytes for block backing stores. Default: liblxc's (1 GiB). */
  fssize?: number;
  /** ZFS: the dataset under which the container's goes. */
  zfs?: { zfsroot?: string };
  /** LVM: volume group, logical volume name, thin pool. */
  lvm?: { vg?: string; lv?: string; thinpool?: string };
  /** Where a `dir` rootfs goes. Default: LXCPATH/NAME/rootfs. */
  dir?: string;
  /** Ceph RBD: image name and pool. */
  rbd?: { rbdname?: string; rbdpool?: string };
}

/** Options of `create()` that are not the template's. */
export interface CreateOptions {
  /** Drop the template's output instead of writing it to stdout (LXC_CREATE_QUIET). Default false. */
  quiet?: boolean;
  /** Backing store of the root filesystem. Default: liblxc's ('dir'). */
  bdevtype?: BdevType;
  /** Where and how the backing store is made. Default: liblxc's. */
  bdevSpecs?: BdevSpecs;
  /** Raw LXC_CREATE_* flags, or-ed in. Default 0. */
  flags?: number;
  /** Receives each line the template prints (stdout and stderr); when set, nothing is written to stdout. */
  onOutput?: (line: string) => void;
  /** Aborts the create: the template is killed, nothing stays defined, the call rejects with EABORT. */
  signal?: AbortSignal;
}

export const createDefaults = { quiet: false, bdevtype: null, bdevSpecs: null, flags: 0 } as const;

/** The typed options of the `download` template (LXC 5.0: no GPG options). */
export interface DownloadOptions {
  /** Distribution, such as 'debian'. */
  dist: string;
  /** Release, such as 'bookworm'. */
  release: string;
  /** Architecture, such as 'amd64'. */
  arch: string;
  /** Image variant. Default: the server's ('default'). */
  variant?: string;
  /** Image server host[:port]. Default: the template's. */
  server?: string;
  /** Download the image again even if it is cached. Default false. */
  flushCache?: boolean;
  /** Use the cached image only. Default false. */
  forceCache?: boolean;
  /** Only for download templates that take --keyserver (LXC 3.x/4.x). */
  keyserver?: string;
  /** Only for download templates that take --no-validate (LXC 3.x/4.x). */
  noValidate?: boolean;
}

/** The `local` template's options: a metadata tarball and a rootfs tarball. */
export interface LocalOptions {
  /** Absolute path of the metadata tarball. */
  metadata: string;
  /** Absolute path of the rootfs tarball. */
  fstree: string;
}

/** Any other template: `{ k: v }` → `--k v`, `{ k: true }` → `--k`, camelCase keys → kebab-case. */
export type TemplateOptions = Record<string, string | number | boolean>;

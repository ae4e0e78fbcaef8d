// Options of `create()`: liblxc's own (backing store, flags) and the templates' (download, local,
// any other), and what a create gives back (its events). Each option type is one block: the
// interface (TSDoc per field, the default stated), its defaults object, its schema (checked
// against the interface at compile time). How they are parsed: parse.ts.
import { stringRules } from '../validate.js';
import { schema, checked, boolean, abortSignal, int, text, path, value, templateArg, fn, type Assert, type Same, type Infer, type Defaults } from './parse.js';

/** Backing stores liblxc knows by name. */
export const bdevTypes = ['dir', 'btrfs', 'zfs', 'lvm', 'loop', 'overlay', 'overlayfs', 'rbd', 'best'] as const;

/** A backing store's name. */
export type BdevType = (typeof bdevTypes)[number];

// ---- bdevSpecs ----------------------------------------------------------------------------------

/** struct bdev_specs, in camelCase: where and how a backing store is made. */
export interface BdevSpecs {
  /** Filesystem type for block backing stores (loop, lvm, rbd), such as ext4. Default: liblxc's (ext4). */
  fstype?: string;
  /** Size in bytes for block backing stores. Default: liblxc's (1 GiB). */
  fssize?: number;
  /** ZFS: the dataset under which the container's goes. */
  zfs?: {
    /** The parent dataset. Default: the global lxc.bdev.zfs.root ('lxc'). */
    zfsroot?: string;
  };
  /** LVM: volume group, logical volume name, thin pool. */
  lvm?: {
    /** Volume group. Default: the global lxc.bdev.lvm.vg ('lxc'). */
    vg?: string;
    /** Logical volume name. Default: liblxc's. */
    lv?: string;
    /** Thin pool. Default: the global lxc.bdev.lvm.thin_pool ('lxc'). */
    thinpool?: string;
  };
  /** Where a `dir` rootfs goes. Default: LXCPATH/NAME/rootfs. */
  dir?: string;
  /** Ceph RBD: image name and pool. */
  rbd?: {
    /** Image name. Default: liblxc's. */
    rbdname?: string;
    /** Pool. Default: liblxc's. */
    rbdpool?: string;
  };
}

export const bdevSpecsSchema = schema((z) => z.strictObject({
  fstype: z.optional(checked(stringRules([(s) => /^[a-z0-9]+$/.test(s), 'must be a filesystem type such as ext4']))),
  fssize: z.optional(int(0)),
  zfs: z.optional(z.strictObject({ zfsroot: z.optional(text()) })),
  lvm: z.optional(z.strictObject({ vg: z.optional(text()), lv: z.optional(text()), thinpool: z.optional(text()) })),
  dir: z.optional(path()),
  rbd: z.optional(z.strictObject({ rbdname: z.optional(text()), rbdpool: z.optional(text()) })),
}));

type BdevChecked = Assert<Same<Infer<typeof bdevSpecsSchema>, BdevSpecs>>;

// ---- create -------------------------------------------------------------------------------------

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
  /**
   * Raw arguments for the template, after the ones templateOptions makes (python3-lxc's `args`,
   * go-lxc's ExtraArgs): positional, repeated or short options as given; none may hold NUL, CR or
   * LF, and liblxc's own (--name, --path, --rootfs, --mapped-uid, --mapped-gid) are refused.
   * Default: none.
   */
  templateArgs?: string[];
  /**
   * Receives each line the template prints, as it prints it, with the stream it came on: lines end
   * at `\n` or `\r` (a progress line the template rewrites arrives each time). When set, nothing is
   * written to stdout or stderr.
   */
  onOutput?: (line: string, stream: OutputStream) => void;
  /** Aborts the create: the template is killed, nothing stays defined, the call rejects with EABORT. */
  signal?: AbortSignal;
}

/** The defaults of `create()`. */
export const createDefaults = {
  /** the template's output is shown. */
  quiet: false,
  /** liblxc's ('dir'). */
  bdevtype: null,
  /** liblxc's. */
  bdevSpecs: null,
  /** no raw flags. */
  flags: 0,
  /** no raw template arguments. */
  templateArgs: [],
} as const satisfies Defaults<CreateOptions>;

export const createOptionsSchema = schema((z) => z.strictObject({
  quiet: z.optional(boolean()),
  bdevtype: z.optional(z.enum(bdevTypes)),
  bdevSpecs: z.optional(bdevSpecsSchema()),
  flags: z.optional(int(0)),
  templateArgs: z.optional(z.array(value())),
  onOutput: z.optional(fn<(line: string, stream: OutputStream) => void>()),
  signal: z.optional(abortSignal()),
}));

type CreateChecked = Assert<Same<Infer<typeof createOptionsSchema>, CreateOptions>>;

/** The template's stream a line came on. */
export type OutputStream = 'stdout' | 'stderr';

/**
 * A step of the download template, from the line it prints: 'index' (the image index), 'download'
 * (the rootfs), 'metadata', 'cache' (a cached image is used), 'unpack' (the rootfs is extracted),
 * 'configure' (config and file templates are written: once tar is seen ended, at the latest when the template ends).
 */
export type CreatePhase = 'index' | 'download' | 'metadata' | 'cache' | 'unpack' | 'configure';

/** What iterating a create gives: the template's lines, and for the download template its phases and byte counts. */
export type CreateEvent =
  /** A line of output; `end` is what ended it ('' for a last line with no end). */
  | {
    /** An output line. */
    type: 'output';
    /** Which of the template's streams it came from. */
    stream: OutputStream;
    /** The line, without its end. */
    line: string;
    /** What ended it: '\r' for a progress line that the next one overwrites. */
    end: '\n' | '\r' | '';
  }
  /** The download template entered `phase`. */
  | {
    /** A phase began. */
    type: 'phase';
    /** Which. */
    phase: CreatePhase;
  }
  /**
   * Bytes done in `phase`: 'download' and 'metadata' count the file wget is writing (no total: wget
   * runs with -q and the server's length is not seen), 'unpack' how far tar has read the archive, of `total`.
   */
  | {
    /** A byte count. */
    type: 'bytes';
    /** The phase it counts. */
    phase: CreatePhase;
    /** Bytes done so far. */
    bytes: number;
    /** Bytes in all, where known ('unpack'). */
    total?: number;
  };

/**
 * What `create()` returns: a promise of the create's end that is also an async iterable of its
 * {@link CreateEvent}s. Iterating ends when the create does and throws its LxcError when it fails;
 * an iterator takes the output over (it is no longer written to stdout/stderr). Events are kept from
 * the call on (the last 1000), so an iterator made after the call still sees the first ones.
 */
export type CreateTask = Promise<void> & AsyncIterable<CreateEvent>;

// ---- the download template ----------------------------------------------------------------------

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
  /** The GPG key server, for download templates that take --keyserver (LXC 3.0's). */
  keyserver?: string;
  /** The GPG key id to trust, for download templates that take --keyid (LXC 3.0's). */
  keyid?: string;
  /** Only for download templates that take --no-validate (LXC 3.x/4.x). */
  noValidate?: boolean;
}

export const downloadOptionsSchema = schema((z) => z.strictObject({
  dist: templateArg(),
  release: templateArg(),
  arch: templateArg(),
  variant: z.optional(templateArg()),
  server: z.optional(templateArg()),
  flushCache: z.optional(boolean()),
  forceCache: z.optional(boolean()),
  keyserver: z.optional(templateArg()),
  keyid: z.optional(templateArg()),
  noValidate: z.optional(boolean()),
}), { required: true });

type DownloadChecked = Assert<Same<Infer<typeof downloadOptionsSchema>, DownloadOptions>>;

// ---- the local template -------------------------------------------------------------------------

/** The `local` template's options: a metadata tarball and a rootfs tarball. */
export interface LocalOptions {
  /** Absolute path of the metadata tarball. */
  metadata: string;
  /** Absolute path of the rootfs tarball. */
  fstree: string;
}

export const localOptionsSchema = schema((z) => z.strictObject({ metadata: path(), fstree: path() }), { required: true });

type LocalChecked = Assert<Same<Infer<typeof localOptionsSchema>, LocalOptions>>;

// ---- any other template -------------------------------------------------------------------------

/** Any other template: `{ k: v }` → `--k v`, `{ k: true }` → `--k`, camelCase keys → kebab-case. */
export type TemplateOptions = Record<string, string | number | boolean>;

export const genericTemplateOptionsSchema = schema((z) => z.record(
  checked(stringRules([(s) => /^[A-Za-z][A-Za-z0-9_-]*$/.test(s), 'option names are letters, digits, "_" and "-"'])),
  z.union([templateArg(), z.boolean(), z.number().check(z.refine((n) => Number.isFinite(n)))], { error: 'must be a string, a boolean() or a finite number' }),
));

type TemplateChecked = Assert<Same<Infer<typeof genericTemplateOptionsSchema>, TemplateOptions>>;

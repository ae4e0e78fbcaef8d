// Options of the lifecycle family (lib/container/lifecycle.ts): start, execute, stop, destroy,
// shutdown, reboot, wait, and create: liblxc's own (backing store, flags) and the templates'
// (download, local, any other), with what a create gives back (its events). Each option type is
// one block: the interface (TSDoc per field, the default stated), its defaults object, its schema
// (checked against the interface at compile time). How they are parsed: parse.ts.
import { stringRules, positiveSeconds, timeoutSeconds } from '../validate.js';
import { schema, checked, seconds, boolean, abortSignal, int, text, path, value, templateArg, fn, type Assert, type Same, type Infer, type Defaults, type Canonical, type Seconds } from './parse.js';

/** Container states liblxc reports. */
export const states = ['STOPPED', 'STARTING', 'RUNNING', 'STOPPING', 'ABORTING', 'FREEZING', 'FROZEN', 'THAWED'] as const;

/** A state liblxc reports for a container. */
export type ContainerState = (typeof states)[number];

// ---- start --------------------------------------------------------------------------------------

/** Options of `start()`. */
export interface StartOptions {
  /** Run lxc-init as pid 1 in front of the command (application containers): liblxc's start() `useinit`. Default false. */
  useInit?: boolean;
  /** Alias of useInit (liblxc's and python3-lxc's name). */
  useinit?: boolean;
  /** Command to run as the container's init instead of lxc.init.cmd; never empty. Default: lxc.init.cmd. */
  argv?: string[];
  /**
   * false: the promise resolves when the container has stopped, with how its init ended (python3-lxc's
   * `daemonize=False`). The container still runs under its own monitor process: liblxc refuses a
   * foreground start in a threaded process, so lxc-ffi follows it on liblxc's monitor channel. Default true.
   */
  daemonize?: boolean;
  /** Close every fd the container's init would inherit (go-lxc's WantCloseAllFds). Default false (a daemonized start closes them anyway). */
  closeAllFds?: boolean;
  /** Aborts the start: while queued it never runs; once liblxc started it, the container is stopped. Rejects with EABORT, cause `signal.reason`. */
  signal?: AbortSignal;
}

/** The defaults of `start()` (no argv: lxc.init.cmd). */
export const startDefaults = {
  /** no lxc-init in front. */
  useInit: false,
  /** resolve once the container runs. */
  daemonize: true,
  /** keep the fds (a daemonized start closes them anyway). */
  closeAllFds: false,
} as const satisfies Defaults<StartOptions>;

export const startOptionsSchema = schema((z) => z.strictObject({
  useInit: z.optional(boolean()),
  // As exec's argv: an empty word (argv[0] above all) is a mistake that would reach C as a failed exec.
  argv: z.optional(z.array(checked(stringRules([(s) => s.length > 0, 'must not be empty'], [(s) => !s.includes('\u0000'), 'must not contain NUL']))).check(z.minLength(1, { message: 'must name a command (an empty argv makes init exec nothing)' }))),
  daemonize: z.optional(boolean()),
  closeAllFds: z.optional(boolean()),
  signal: z.optional(abortSignal()),
}));
type StartChecked = Assert<Same<Infer<typeof startOptionsSchema>, Canonical<StartOptions>>>;

// ---- execute ------------------------------------------------------------------------------------

/** Options of `execute()`. */
export interface ExecuteOptions {
  /** As StartOptions.closeAllFds. Default false. */
  closeAllFds?: boolean;
  /** As StartOptions.signal: the container is stopped. */
  signal?: AbortSignal;
}

/** The defaults of `execute()`. */
export const executeDefaults = {
  /** keep the fds. */
  closeAllFds: false,
} as const satisfies Defaults<ExecuteOptions>;

export const executeOptionsSchema = schema((z) => z.strictObject({ closeAllFds: z.optional(boolean()), signal: z.optional(abortSignal()) }));
type ExecuteChecked = Assert<Same<Infer<typeof executeOptionsSchema>, ExecuteOptions>>;

// ---- destroy ------------------------------------------------------------------------------------

/** Options of `destroy()`. */
export interface DestroyOptions {
  /** Also destroy the container's snapshots (a plain destroy when it has none, where liblxc's own call fails). Default false. */
  withSnapshots?: boolean;
  /** Fired while the destroy waits its turn, it never runs (EABORT); once liblxc has it, it runs to its end. */
  signal?: AbortSignal;
}

/** The defaults of `destroy()`. */
export const destroyDefaults = {
  /** refuse when snapshots exist. */
  withSnapshots: false,
} as const satisfies Defaults<DestroyOptions>;

export const destroyOptionsSchema = schema((z) => z.strictObject({ withSnapshots: z.optional(boolean()), signal: z.optional(abortSignal()) }));
type DestroyChecked = Assert<Same<Infer<typeof destroyOptionsSchema>, DestroyOptions>>;

// ---- stop, snapshot, snapshotRestore: a signal only ---------------------------------------------

/** Options of the calls whose one option is an AbortSignal: stop(), snapshot(), snapshotRestore(). No defaults. */
export interface AbortOptions {
  /** Fired while the call waits its turn, it never runs and rejects with EABORT (cause `signal.reason`); each method says what an abort does once liblxc has the call. */
  signal?: AbortSignal;
}

export const abortOptionsSchema = schema((z) => z.strictObject({ signal: z.optional(abortSignal()) }));
type AbortChecked = Assert<Same<Infer<typeof abortOptionsSchema>, AbortOptions>>;

// ---- shutdown, reboot, wait ---------------------------------------------------------------------

/** Options of the calls that wait (shutdown, reboot, wait). No defaults. */
export interface WaitOptions {
  /** Ends the wait early: the call rejects with EABORT. */
  signal?: AbortSignal;
}

/** The same object as abortOptionsSchema: both take a signal only. */
export const waitOptionsSchema = abortOptionsSchema;
type WaitChecked = Assert<Same<Infer<typeof waitOptionsSchema>, WaitOptions>>;

// ==== create ====================================================================================

/** Backing stores liblxc knows by name. */
export const bdevTypes = ['dir', 'btrfs', 'zfs', 'lvm', 'loop', 'overlay', 'overlayfs', 'rbd', 'best'] as const;

/** A backing store's name. */
export type BdevType = (typeof bdevTypes)[number];

// ---- bdevSpecs ----------------------------------------------------------------------------------

/** struct bdev_specs, in camelCase: where and how a backing store is made. */
export interface BdevSpecs {
  /** Filesystem type for block backing stores (loop, lvm, rbd), such as ext4: bdev_specs.fstype. Default: liblxc's (ext4). */
  fsType?: string;
  /** Alias of fsType (liblxc's name). */
  fstype?: string;
  /** Size in bytes for block backing stores: bdev_specs.fssize. Default: liblxc's (1 GiB). */
  fsSize?: number;
  /** Alias of fsSize (liblxc's name). */
  fssize?: number;
  /** ZFS: the dataset under which the container's goes. */
  zfs?: {
    /** The parent dataset: bdev_specs.zfs.zfsroot. Default: the global lxc.bdev.zfs.root ('lxc'). */
    zfsRoot?: string;
    /** Alias of zfsRoot (liblxc's name). */
    zfsroot?: string;
  };
  /** LVM: volume group, logical volume name, thin pool. */
  lvm?: {
    /** Volume group: bdev_specs.lvm.vg. Default: the global lxc.bdev.lvm.vg ('lxc'). */
    vg?: string;
    /** Logical volume name: bdev_specs.lvm.lv. Default: liblxc's. */
    lv?: string;
    /** Thin pool: bdev_specs.lvm.thinpool. Default: the global lxc.bdev.lvm.thin_pool ('lxc'). */
    thinPool?: string;
    /** Alias of thinPool (liblxc's name). */
    thinpool?: string;
  };
  /** Where a `dir` rootfs goes: bdev_specs.dir. Default: LXCPATH/NAME/rootfs. */
  dir?: string;
  /** Ceph RBD: image name and pool. */
  rbd?: {
    /** Image name: bdev_specs.rbd.rbdname. Default: liblxc's. */
    rbdName?: string;
    /** Alias of rbdName (liblxc's name). */
    rbdname?: string;
    /** Pool: bdev_specs.rbd.rbdpool. Default: liblxc's. */
    rbdPool?: string;
    /** Alias of rbdPool (liblxc's name). */
    rbdpool?: string;
  };
}

export const bdevSpecsSchema = schema((z) => z.strictObject({
  fsType: z.optional(checked(stringRules([(s) => /^[a-z0-9]+$/.test(s), 'must be a filesystem type such as ext4']))),
  fsSize: z.optional(int(0)),
  zfs: z.optional(z.strictObject({ zfsRoot: z.optional(text()) })),
  lvm: z.optional(z.strictObject({ vg: z.optional(text()), lv: z.optional(text()), thinPool: z.optional(text()) })),
  dir: z.optional(path()),
  rbd: z.optional(z.strictObject({ rbdName: z.optional(text()), rbdPool: z.optional(text()) })),
}));

type BdevChecked = Assert<Same<Infer<typeof bdevSpecsSchema>, Canonical<BdevSpecs>>>;

// ---- create -------------------------------------------------------------------------------------

/** Options of `create()` that are not the template's. */
export interface CreateOptions {
  /**
   * Drop the template's output instead of writing it to stdout and stderr (`onOutput` and the
   * task's events still get it). Default false. It does not set LXC_CREATE_QUIET: `flags` does.
   */
  quiet?: boolean;
  /** Backing store of the root filesystem: liblxc's create() `bdevtype`. Default: liblxc's ('dir'). */
  bdevType?: BdevType;
  /** Alias of bdevType (liblxc's and python3-lxc's name). */
  bdevtype?: BdevType;
  /** Where and how the backing store is made: liblxc's create() `specs` (struct bdev_specs). Default: liblxc's. */
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
  bdevType: null,
  /** liblxc's. */
  bdevSpecs: null,
  /** no raw flags. */
  flags: 0,
  /** no raw template arguments. */
  templateArgs: [],
} as const satisfies Defaults<CreateOptions>;

export const createOptionsSchema = schema((z) => z.strictObject({
  quiet: z.optional(boolean()),
  bdevType: z.optional(z.enum(bdevTypes)),
  bdevSpecs: z.optional(bdevSpecsSchema()),
  flags: z.optional(int(0)),
  templateArgs: z.optional(z.array(value())),
  onOutput: z.optional(fn<(line: string, stream: OutputStream) => void>()),
  signal: z.optional(abortSignal()),
}));

type CreateChecked = Assert<Same<Infer<typeof createOptionsSchema>, Canonical<CreateOptions>>>;

/** The template's stream a line came on. */
export type OutputStream = 'stdout' | 'stderr';

/**
 * A step of the download template, from the line it prints: 'index' (the image index), 'download'
 * (the rootfs), 'metadata', 'cache' (a cached image is used), 'unpack' (the rootfs is extracted),
 * 'configure' (config and file templates are written: once tar is seen ended, at the latest when the template ends).
 */
export type CreatePhase = 'index' | 'download' | 'metadata' | 'cache' | 'unpack' | 'configure' | 'copy';

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
   * runs with -q and the server's length is not seen), 'unpack' how far tar has read the archive, of `total`;
   * 'copy' (a clone or snapshot) the bytes its new rootfs holds so far, of the source rootfs's `total`.
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

/**
 * What `clone()` and `snapshot()` return: a promise of the new Container (of the snapshot's name)
 * that is also an async iterable of {@link CreateEvent}s: a 'copy' phase and its byte counts.
 */
export type CopyTask<T> = Promise<T> & AsyncIterable<CreateEvent>;

// ---- the download template ----------------------------------------------------------------------

/** The typed options of the `download` template (its GPG options only for LXC 3.0 to 4.0.11's template). */
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
  /** The GPG key server (--keyserver): LXC 3.0 to 4.0.11's download template; 4.0.12 and later's dropped it (EINVAL). */
  keyServer?: string;
  /** Alias of keyServer (the template's name, python3-lxc's). */
  keyserver?: string;
  /** The GPG key id to trust (--keyid): LXC 3.0 to 4.0.11's download template; 4.0.12 and later's dropped it (EINVAL). */
  keyId?: string;
  /** Alias of keyId (the template's name). */
  keyid?: string;
  /** Skip the GPG check (--no-validate): LXC 3.0 to 4.0.11's download template; 4.0.12 and later's dropped it (EINVAL). */
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
  keyServer: z.optional(templateArg()),
  keyId: z.optional(templateArg()),
  noValidate: z.optional(boolean()),
}), { required: true });

type DownloadChecked = Assert<Same<Infer<typeof downloadOptionsSchema>, Canonical<DownloadOptions>>>;

/** The typed template options whose long option is not their key in kebab-case: key → the template's own spelling. */
export const templateLongOptions: Readonly<Record<string, string>> = { keyServer: 'keyserver', keyId: 'keyid', fsTree: 'fstree' };

// ---- images(): a download server's catalogue ---------------------------------------------------

/** Options of `images()`. */
export interface ImagesOptions {
  /** Image server host[:port], as the download template's --server. Default: the template's ('images.linuxcontainers.org'). */
  server?: string;
  /**
   * PEM file of the CA to trust besides Node's. Default: the `ca_certificate` of the file $WGETRC
   * names, the CA the download template's wget trusts; none when unset.
   */
  caFile?: string;
  /** How old a cached index of this server may be and still be used; 0 fetches it again. Default 300 (5 minutes). */
  maxAge?: Seconds;
  /** How long the fetch may take in all, both index names tried. Default 30 (the template's wget -T 30). */
  timeout?: Seconds;
  /** Stops the wait: the call rejects with EABORT. */
  signal?: AbortSignal;
}

/** The defaults of `images()`. */
export const imagesDefaults = {
  /** the download template's own server. */
  server: 'images.linuxcontainers.org',
  /** 5 minutes: the servers publish builds once a day, and a REPL Tab should not fetch each time. */
  maxAge: 300,
  /** the template's wget -T 30. */
  timeout: 30,
} as const satisfies Defaults<ImagesOptions>;

export const imagesOptionsSchema = schema((z) => z.strictObject({
  server: z.optional(templateArg()),
  caFile: z.optional(path()),
  maxAge: z.optional(seconds(timeoutSeconds)),
  timeout: z.optional(seconds(positiveSeconds)),
  signal: z.optional(abortSignal()),
}));

type ImagesChecked = Assert<Same<Infer<typeof imagesOptionsSchema>, ImagesOptions>>;

// ---- the local template -------------------------------------------------------------------------

/** The `local` template's options: a metadata tarball and a rootfs tarball (fsTree, or fstree as the template spells it). */
export type LocalOptions = {
  /** Absolute path of the metadata tarball: the template's --metadata. */
  metadata: string;
} & ({
  /** Absolute path of the rootfs tarball: the template's --fstree. */
  fsTree: string;
  /** Not with fsTree: its alias. */
  fstree?: undefined;
} | {
  /** Alias of fsTree (the template's name). */
  fstree: string;
  /** Not with fstree: its alias. */
  fsTree?: undefined;
});

export const localOptionsSchema = schema((z) => z.strictObject({ metadata: path(), fsTree: path() }), { required: true });

type LocalChecked = Assert<Same<Infer<typeof localOptionsSchema>, { metadata: string; fsTree: string }>>;

// ---- any other template -------------------------------------------------------------------------

/** Any other template: `{ k: v }` → `--k v`, `{ k: true }` → `--k`, camelCase keys → kebab-case. */
export type TemplateOptions = Record<string, string | number | boolean>;

export const genericTemplateOptionsSchema = schema((z) => z.record(
  checked(stringRules([(s) => /^[A-Za-z][A-Za-z0-9_-]*$/.test(s), 'option names are letters, digits, "_" and "-"'])),
  z.union([templateArg(), z.boolean(), z.number().check(z.refine((n) => Number.isFinite(n)))], { error: 'must be a string, a boolean or a finite number' }),
));

type TemplateChecked = Assert<Same<Infer<typeof genericTemplateOptionsSchema>, TemplateOptions>>;

// Every option object of the public API: its interface, with each field's TSDoc and default, and
// the defaults object the calls use. The zod schema of each sits beside it in options.schema.ts,
// checked against the interface at compile time. No zod here: this module loads at import.
import * as C from './constants.js';

// ---- lifecycle ---------------------------------------------------------------------------------
// Options of the lifecycle calls (start, destroy, the waits) and of listing and opening containers.
/** Container states liblxc reports. */
export const states = ['STOPPED', 'STARTING', 'RUNNING', 'STOPPING', 'ABORTING', 'FREEZING', 'FROZEN', 'THAWED'] as const;

/** A state liblxc reports for a container. */
export type ContainerState = (typeof states)[number];

/** Options of `start()`. */
export interface StartOptions {
  /** Run lxc-init as pid 1 in front of the command (application containers). Default false. */
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

/** The defaults of `start()`. */
export const startDefaults = {
  /** no lxc-init in front. */
  useinit: false,
  /** lxc.init.cmd. */
  argv: undefined,
  /** resolve once the container runs. */
  daemonize: true,
  /** keep the fds (a daemonized start closes them anyway). */
  closeAllFds: false,
} as const;

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
} as const;

/** Options of `destroy()`. */
export interface DestroyOptions {
  /** Also destroy the container's snapshots (a plain destroy when it has none, where liblxc's own call fails). Default false. */
  withSnapshots?: boolean;
  /** Fired while the destroy waits its turn, it never runs (EABORT); once liblxc has it, it runs to its end. */
  signal?: AbortSignal;
}

/** Options of the calls whose one option is an AbortSignal: stop(), snapshot(), snapshotRestore(). */
export interface AbortOptions {
  /** Fired while the call waits its turn, it never runs and rejects with EABORT (cause `signal.reason`); each method says what an abort does once liblxc has the call. */
  signal?: AbortSignal;
}

/** The defaults of `destroy()`. */
export const destroyDefaults = {
  /** refuse when snapshots exist. */
  withSnapshots: false,
} as const;

/** Options of the calls that wait (shutdown, reboot, wait). */
export interface WaitOptions {
  /** Ends the wait early: the call rejects with EABORT. */
  signal?: AbortSignal;
}

/** Options of `listContainers()` / `containers()`. */
export interface ListOptions {
  /** Where to look. Default: the global lxc.lxcpath. */
  lxcpath?: string;
  /** Include running containers. Default true. */
  active?: boolean;
  /** Include containers with a config. Default true. */
  defined?: boolean;
}

/** The defaults of `listContainers()`. */
export const listDefaults = {
  /** list running containers. */
  active: true,
  /** list defined containers. */
  defined: true,
} as const;

/** liblxc's log levels, most verbose first. */
export const logLevels = ['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'ERROR', 'CRIT', 'ALERT', 'FATAL'] as const;
/** A liblxc log level. */
export type LogLevel = (typeof logLevels)[number];

/** Options of `logInit()`: liblxc's process-wide log (struct lxc_log). */
export interface LogOptions {
  /** The file every liblxc line of this process, its runners and create workers is appended to; absolute. */
  file: string;
  /** Lines at this level and above are written. Default 'ERROR'. */
  level?: LogLevel;
  /** Each line starts with this word (lxc-start writes 'lxc-start'). Default 'lxc'. */
  prefix?: string;
  /**
   * lxc_log_init's quiet. With a file, liblxc (3.0 to 7.0, log.c) copies ERROR lines to the
   * stderr of the process that logs them either way, as lxc-start does. Default true.
   */
  quiet?: boolean;
}

/** The defaults of `logInit()`. */
export const logDefaults = {
  /** errors and worse. */
  level: 'ERROR',
  /** the word each line starts with. */
  prefix: 'lxc',
  /** liblxc's quiet. */
  quiet: true,
} as const;

/** Options of the Container constructor. */
export interface ContainerOptions {
  /** The directory holding the container's directory. Default: the global lxc.lxcpath. */
  lxcpath?: string;
}

// ---- create ------------------------------------------------------------------------------------
// Options of `create()`: liblxc's own (backing store, flags) and the templates' (download, local, any other).
/** Backing stores liblxc knows by name. */
export const bdevTypes = ['dir', 'btrfs', 'zfs', 'lvm', 'loop', 'overlay', 'overlayfs', 'rbd', 'best'] as const;

/** A backing store's name. */
export type BdevType = (typeof bdevTypes)[number];

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
} as const;

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

/** The `local` template's options: a metadata tarball and a rootfs tarball. */
export interface LocalOptions {
  /** Absolute path of the metadata tarball. */
  metadata: string;
  /** Absolute path of the rootfs tarball. */
  fstree: string;
}

/** Any other template: `{ k: v }` → `--k v`, `{ k: true }` → `--k`, camelCase keys → kebab-case. */
export type TemplateOptions = Record<string, string | number | boolean>;

// ---- attach ------------------------------------------------------------------------------------
// Options of every attach call (attach, attachWait, exec, evaluate, openSession, attachShell).
/** Namespaces by name, as the CLONE_NEW* flags liblxc takes. */
export const namespaceFlags = {
  /** The mount namespace. */
  mount: C.CLONE_NEWNS,
  /** Hostname and domain name. */
  uts: C.CLONE_NEWUTS,
  /** System V IPC and POSIX message queues. */
  ipc: C.CLONE_NEWIPC,
  /** User and group ids. */
  user: C.CLONE_NEWUSER,
  /** Process ids. */
  pid: C.CLONE_NEWPID,
  /** Network devices, addresses, routes. */
  net: C.CLONE_NEWNET,
  /** The cgroup root. */
  cgroup: C.CLONE_NEWCGROUP,
  /** The boot and monotonic clocks. */
  time: C.CLONE_NEWTIME,
} as const;

/** A namespace by name: a key of namespaceFlags. */
export type Namespace = keyof typeof namespaceFlags;

/** Personalities by architecture name (sys/personality.h): 64-bit names are PER_LINUX, 32-bit PER_LINUX32. */
export const personalities: Record<string, number> = {
  x86_64: 0, amd64: 0, aarch64: 0, arm64: 0, ppc64le: 0, ppc64el: 0, s390x: 0, riscv64: 0,
  i386: 8, i486: 8, i586: 8, i686: 8, x86: 8, armhf: 8, armel: 8, armv7l: 8, arm: 8, ppc: 8,
};

/** Where one of the attached process's stdio goes. */
export type Stdio = number | 'inherit' | 'ignore' | 'pipe';

/** Options of every attach call. */
export interface AttachOptions {
  /** Namespaces to enter: a CLONE_NEW* mask or names. Default: all of the container's (functions always enter its mount and pid ones). */
  namespaces?: number | Namespace[];
  /** Keep the caller's environment ('keep') or start from an empty one ('clear'). Default 'keep'. */
  env?: 'keep' | 'clear';
  /** Variables to set inside. */
  extraEnv?: Record<string, string>;
  /** With env 'clear': variables of the caller's environment to keep. */
  keepEnv?: string[];
  /** Working directory inside the container. Default: commands the caller's cwd if it exists inside, else /; functions /. */
  cwd?: string;
  /** User id inside the container. Default: the container's root (0). */
  uid?: number;
  /** Group id inside the container. Default: the container's root (0). */
  gid?: number;
  /** Supplementary groups (liblxc ≥ 4.0.7). Default: none. */
  groups?: number[];
  /** fd, 'inherit' (the caller's), 'ignore' (/dev/null) or 'pipe' (a stream on the result). Default 'inherit' (exec and functions: 'ignore'). A terminal is relayed through a pty of its own. */
  stdin?: Stdio;
  /** As stdin. Default 'inherit' (exec: captured). */
  stdout?: Stdio;
  /** As stdin. Default 'inherit' (exec: captured). */
  stderr?: Stdio;
  /** Personality number or architecture name such as 'i686'. Default: the container's. */
  personality?: number | string;
  /** LSM label to run under (liblxc ≥ 4.0.7). Default: the container's. */
  lsmLabel?: string;
  /** Stay in the caller's cgroup, keep capabilities and LSM profile (lxc-attach's --elevated-privileges, go-lxc's ElevatedPrivileges). Default false. */
  elevatedPrivileges?: boolean;
  /** Remount /proc and /sys for the new process (with the mount namespace). Default false. */
  remountSysProc?: boolean;
  /**
   * Raw LXC_ATTACH_* flags in place of LXC_ATTACH_DEFAULT. The bits that `remountSysProc`,
   * `lsmLabel` and `groups` need are still added; `elevatedPrivileges` cannot be combined with it.
   */
  flags?: number;
  /** Kills the process (SIGKILL) when it fires. */
  signal?: AbortSignal;
  /**
   * An fd that receives a copy of everything the command writes on its terminal, when it runs on
   * one (stdin a terminal): what liblxc writes to lxc_attach_options_t.log_fd for a terminal it
   * allocates itself. lxc-ffi relays the terminal itself and writes the copy. Default: none.
   */
  logFd?: number;
}

/** Defaults: those of LXC_ATTACH_OPTIONS_DEFAULT; stdio defaults depend on the call. */
export const attachDefaults = {
  /** -1: every namespace of the container. */
  namespaces: -1,
  /** Keep the caller's environment. */
  env: 'keep',
  /** LXC_ATTACH_DEFAULT. */
  flags: C.LXC_ATTACH_DEFAULT,
  /** -1: the container's personality. */
  personality: -1,
  /** -1: the container's root. */
  uid: -1,
  /** -1: the container's root. */
  gid: -1,
} as const;

/** Options of `exec()`: AttachOptions (stdout and stderr are captured) plus bytes for the command's stdin. */
export interface ExecOptions extends Omit<AttachOptions, 'stdout' | 'stderr'> {
  /** Written to the command's stdin, which is then closed. Default: stdin as AttachOptions.stdin says ('ignore'). */
  input?: string | Buffer;
  /** Milliseconds after which the command is killed (SIGKILL) and the call rejects with EABORT, its cause a TimeoutError. Default: none. */
  timeout?: number;
  /** Most bytes kept of stdout and of stderr each; past it the command is killed and the call rejects with EMAXBUFFER. Default 100 MiB. */
  maxBuffer?: number;
  /** 'buffer': stdout and stderr are Buffers. Default 'utf8' (strings). */
  encoding?: 'utf8' | 'buffer';
  /** Reject with EEXIT when the command exits non-zero or is killed (the error carries exitCode, signal, stdout, stderr). Default false. */
  reject?: boolean;
}

/** The defaults of ExecOptions' own fields. */
export const execDefaults = {
  /** No timeout. */
  timeout: undefined,
  /** 100 MiB of stdout and of stderr each. */
  maxBuffer: 100 * 1024 * 1024,
  /** Strings. */
  encoding: 'utf8',
  /** Resolve however the command exits. */
  reject: false,
} as const;

// ---- clone -------------------------------------------------------------------------------------
// Options of `clone()`.
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
  /** Aborts the clone: while queued it never runs; once liblxc cloned, the clone is destroyed. Rejects with EABORT. */
  signal?: AbortSignal;
}

/** The defaults of `clone()`. */
export const cloneDefaults = {
  /** the source's lxcpath. */
  lxcpath: null,
  /** the source's backing store. */
  bdevtype: null,
  /** none. */
  bdevdata: null,
  /** the source's size. */
  newSize: 0,
  /** none. */
  hookArgs: null,
  /** no raw flags. */
  flags: 0,
} as const;

// ---- console -----------------------------------------------------------------------------------
// Options of `console()` and `consoleLog()`.
/** Options of `console()`. */
export interface ConsoleOptions {
  /** The tty to connect. Default -1: the first free one. */
  tty?: number;
  /** fd to read input from instead of the caller's terminal. Default 0. */
  stdinFd?: number;
  /** fd to write output to. Default 1. */
  stdoutFd?: number;
  /** fd to write errors to. Default 2. */
  stderrFd?: number;
  /** The escape letter: Ctrl-<escape> q ends the session. Default 'a'. */
  escape?: string;
}

/** The defaults of `console()`. */
export const consoleDefaults = {
  /** the first free tty. */
  tty: -1,
  /** the caller's stdin. */
  stdinFd: 0,
  /** the caller's stdout. */
  stdoutFd: 1,
  /** the caller's stderr. */
  stderrFd: 2,
  /** Ctrl-a q ends the session. */
  escape: 'a',
} as const;

/** Options of `consoleLog()`. */
export interface ConsoleLogOptions {
  /** Return the ring buffer's contents. Default true. */
  read?: boolean;
  /** Empty the ring buffer. Default false. */
  clear?: boolean;
  /** Read at most this many bytes. Default 1 MiB. */
  readMax?: number;
  /** 'utf8': the bytes decoded as a string; 'buffer': the raw bytes (a console may print anything). Default 'utf8'. */
  encoding?: 'utf8' | 'buffer';
}

/** The defaults of `consoleLog()`. */
export const consoleLogDefaults = {
  /** return the contents. */
  read: true,
  /** keep the ring buffer. */
  clear: false,
  /** 1 MiB. */
  readMax: 1024 * 1024,
  /** a string. */
  encoding: 'utf8',
} as const;

// ---- checkpoint --------------------------------------------------------------------------------
// Options of `checkpoint()`, `restore()` and `migrate()` (CRIU).
/** Options of `checkpoint()`. */
export interface CheckpointOptions {
  /** Stop the container once it is dumped. Default false. */
  stop?: boolean;
  /** CRIU's verbose output. Default false. */
  verbose?: boolean;
}

/** The defaults of `checkpoint()`. */
export const checkpointDefaults = {
  /** the container keeps running. */
  stop: false,
  /** CRIU's quiet output. */
  verbose: false,
} as const;

/** Options of `restore()`. */
export interface RestoreOptions {
  /** CRIU's verbose output. Default false. */
  verbose?: boolean;
  /** Aborts the restore: while queued it never runs; once CRIU restored it, the container is stopped. Rejects with EABORT. */
  signal?: AbortSignal;
}

/** The defaults of `restore()`. */
export const restoreDefaults = {
  /** CRIU's quiet output. */
  verbose: false,
} as const;

/** struct migrate_opts, in camelCase: what `migrate()` hands to CRIU. */
export interface MigrateOptions {
  /** Where the dump goes (or is read from). */
  directory: string;
  /** CRIU's verbose output. Default false. */
  verbose?: boolean;
  /** Stop the container once it is dumped. Default false. */
  stop?: boolean;
  /** A pre-dump's directory, for an incremental dump. Default: none. */
  predumpDir?: string;
  /** A CRIU page server to send the pages to. Default: none. */
  pageserverAddress?: string;
  /** The page server's port. Default: none. */
  pageserverPort?: string;
  /** The file system keeps inode numbers (no CRIU remap). Default false. */
  preservesInodes?: boolean;
  /** A script CRIU runs at its action points. Default: none. */
  actionScript?: string;
  /** Largest file CRIU keeps as a ghost file, in bytes. Default 0: CRIU's. */
  ghostLimit?: number;
  /** With MIGRATE_FEATURE_CHECK: the features to check (FEATURE_MEM_TRACK, FEATURE_LAZY_PAGES). Default 0. */
  featuresToCheck?: number;
}

/** The defaults of `migrate()`. */
export const migrateDefaults = {
  /** CRIU's quiet output. */
  verbose: false,
  /** The container keeps running. */
  stop: false,
  /** No pre-dump. */
  predumpDir: null,
  /** No page server. */
  pageserverAddress: null,
  /** No page server. */
  pageserverPort: null,
  /** CRIU remaps inodes. */
  preservesInodes: false,
  /** No action script. */
  actionScript: null,
  /** CRIU's ghost limit. */
  ghostLimit: 0,
  /** No features to check. */
  featuresToCheck: 0,
} as const;

// ---- devices -----------------------------------------------------------------------------------
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

/** The defaults of `mount()`. */
export const mountDefaults = {
  /** none: a bind mount. */
  fstype: null,
  /** no MS_* flags. */
  flags: 0,
  /** none. */
  data: null,
} as const;

/** Options of `umount()`. */
export interface UmountOptions {
  /** MNT_* / umount2() flags. Default 0. */
  flags?: number;
}

/** The defaults of `umount()`. */
export const umountDefaults = {
  /** no umount2() flags. */
  flags: 0,
} as const;

// ---- network -----------------------------------------------------------------------------------
// Options of `getIps()`.
/** Options of `getIps()`. */
export interface GetIpsOptions {
  /** Only this interface, e.g. 'eth0' (lo only when named). Default: every interface but lo. */
  interface?: string;
  /** 'inet' (IPv4) or 'inet6'. Default: both. */
  family?: 'inet' | 'inet6';
  /** IPv6 scope id. Default 0: global. */
  scope?: number;
  /** Seconds to keep polling for an address. Default 0: ask once. */
  timeout?: number;
  /** Ends the polling early: the call rejects with EABORT. */
  signal?: AbortSignal;
}

/** The defaults of `getIps()`. */
export const getIpsDefaults = {
  /** every interface but lo. */
  interface: null,
  /** IPv4 and IPv6. */
  family: null,
  /** global. */
  scope: 0,
  /** ask once. */
  timeout: 0,
} as const;

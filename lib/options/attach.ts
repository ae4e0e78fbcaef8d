// Options of every attach call (attach, attachWait, exec, evaluate, openSession, attachShell): the
// interface (TSDoc per field, the default stated), the defaults objects (a command's, a function's,
// exec's) and the schema, side by side, checked against each other at compile time. How they are
// parsed: parse.ts; what they become in lxc_attach_options_t: lib/attach/options.ts.
import * as C from '../constants.js';
export { personalities } from '../constants.js';
import { stringRules, positiveSeconds } from '../validate.js';
import { schema, zod, checked, seconds, boolean, abortSignal, int, text, type Assert, type Same, type Infer, type Defaults, type Seconds, type Z } from './parse.js';

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


/** Where one of the attached process's stdio goes. */
export type Stdio = number | 'inherit' | 'ignore' | 'pipe';

// ---- attach -------------------------------------------------------------------------------------

/** Options of every attach call. */
export interface AttachOptions {
  /** Namespaces to enter: a CLONE_NEW* mask or names. Default: all of the container's (functions always enter its mount and pid ones; a normal user's subset must include 'user', else EACCES). */
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
  /** Personality number (lxc_attach_options_t.personality) or an architecture name of the personality table such as 'i686'. Default: the container's. */
  personality?: number | C.Architecture;
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

/**
 * The defaults of a command's attach (attach, attachWait, attachShell): those of
 * LXC_ATTACH_OPTIONS_DEFAULT, and the caller's stdio.
 */
export const attachDefaults = {
  /** -1: every namespace of the container. */
  namespaces: -1,
  /** Keep the caller's environment. */
  env: 'keep',
  /** null: liblxc's, the caller's cwd if it exists inside, else /. */
  cwd: null,
  /** (uid_t)-1: the container's root. */
  uid: 0xffffffff,
  /** (gid_t)-1: the container's root. */
  gid: 0xffffffff,
  /** The caller's stdin. */
  stdin: 'inherit',
  /** The caller's stdout. */
  stdout: 'inherit',
  /** The caller's stderr. */
  stderr: 'inherit',
  /** -1: the container's personality. */
  personality: -1,
  /** LXC_ATTACH_DEFAULT. */
  flags: C.LXC_ATTACH_DEFAULT,
} as const satisfies Defaults<AttachOptions>;

/** The defaults of a function's attach (attach or attachWait of a function, evaluate, openSession): it starts in / and reads no stdin. */
export const functionDefaults = {
  ...attachDefaults,
  /** The container's root directory. */
  cwd: '/',
  /** /dev/null. */
  stdin: 'ignore',
} as const satisfies Defaults<AttachOptions>;

const namespaceNames = Object.keys(namespaceFlags) as [Namespace, ...Namespace[]];

const attachShape = schema((z) => {
  const id = int(0, 0xfffffffe);
  const stdio = z.union([int(0), z.enum(['inherit', 'ignore', 'pipe'])], { error: "must be an fd, 'inherit', 'ignore' or 'pipe'" });
  const envName = checked(stringRules([(s) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s), 'variable names are letters, digits and "_"']));
  return z.strictObject({
    namespaces: z.optional(z.union([int(), z.array(z.enum(namespaceNames))], { error: 'must be a CLONE_NEW* mask or an array of namespace names' })),
    env: z.optional(z.enum(['keep', 'clear'])),
    extraEnv: z.optional(z.record(envName, text())),
    keepEnv: z.optional(z.array(envName)),
    cwd: z.optional(checked(stringRules([(s) => !s.includes('\u0000'), 'must not contain NUL'], [(s) => s.startsWith('/'), 'must be an absolute path']))),
    uid: z.optional(id),
    gid: z.optional(id),
    groups: z.optional(z.array(id)),
    stdin: z.optional(stdio),
    stdout: z.optional(stdio),
    stderr: z.optional(stdio),
    // The table's names only: checked() yields a string, the check makes it one of them.
    personality: z.optional(z.union([int(), checked(stringRules([(s) => Object.hasOwn(C.personalities, s), 'is not a known architecture'])) as Z.ZodMiniType<C.Architecture>], { error: 'must be a personality number or a known architecture name' })),
    lsmLabel: z.optional(text()),
    elevatedPrivileges: z.optional(boolean()),
    remountSysProc: z.optional(boolean()),
    flags: z.optional(int(0)),
    signal: z.optional(abortSignal()),
    logFd: z.optional(int(0)),
  });
});

const oneOfFlagsOrElevated = () => zod().refine<{ flags?: number; elevatedPrivileges?: boolean }>((o) => !(o.flags !== undefined && o.elevatedPrivileges), {
  message: 'cannot be combined with options.flags (set the LXC_ATTACH_* bits there)', path: ['elevatedPrivileges'],
});

export const attachOptionsSchema = schema(() => attachShape().check(oneOfFlagsOrElevated()));
type AttachChecked = Assert<Same<Infer<typeof attachOptionsSchema>, AttachOptions>>;

// ---- exec ---------------------------------------------------------------------------------------

/** Options of `exec()`: AttachOptions (stdout and stderr are captured) plus bytes for the command's stdin. */
export interface ExecOptions extends Omit<AttachOptions, 'stdout' | 'stderr'> {
  /** Written to the command's stdin, which is then closed. Default: stdin as AttachOptions.stdin says ('ignore'). */
  input?: string | Buffer;
  /** Seconds (fractions allowed: 0.5) after which the command is killed (SIGKILL) and the call rejects with EABORT, its cause a TimeoutError; > 0, at most 2147483 (setTimeout's limit, ~24.8 days). Default: none. */
  timeout?: Seconds;
  /** Most bytes kept of stdout and of stderr each; past it the command is killed and the call rejects with EMAXBUFFER. Default 100 MiB. */
  maxBuffer?: number;
  /** 'buffer': stdout and stderr are Buffers. Default 'utf8' (strings). */
  encoding?: 'utf8' | 'buffer';
  /** Reject with EEXIT when the command exits non-zero or is killed (the error carries exitCode, signal, stdout, stderr). Default false. */
  reject?: boolean;
}

/** The defaults of `exec()`: a command's, with stdout and stderr captured and no stdin. */
export const execDefaults = {
  ...attachDefaults,
  /** /dev/null (or a pipe carrying `input`). */
  stdin: 'ignore',
  /** Captured. */
  stdout: 'pipe',
  /** Captured. */
  stderr: 'pipe',
  /** 100 MiB of stdout and of stderr each. */
  maxBuffer: 100 * 1024 * 1024,
  /** Strings. */
  encoding: 'utf8',
  /** Resolve however the command exits. */
  reject: false,
} as const satisfies Defaults<ExecOptions & Pick<AttachOptions, 'stdout' | 'stderr'>>;

export const execOptionsSchema = schema((z) => {
  const { stdout: _stdout, stderr: _stderr, ...execShape } = attachShape().def.shape;
  return z.strictObject({
    ...execShape,
    input: z.optional(z.union([z.string(), z.custom<Buffer>((v) => Buffer.isBuffer(v))], { error: 'must be a string or a Buffer' })),
    timeout: z.optional(seconds(positiveSeconds)),
    maxBuffer: z.optional(int(1)),
    encoding: z.optional(z.enum(['utf8', 'buffer'])),
    reject: z.optional(boolean()),
  }).check(oneOfFlagsOrElevated());
});
type ExecChecked = Assert<Same<Infer<typeof execOptionsSchema>, ExecOptions>>;

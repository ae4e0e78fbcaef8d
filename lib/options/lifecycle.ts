// Options of the lifecycle calls: start, execute, stop, destroy, shutdown, reboot, wait. Each type
// is one block: the interface (TSDoc per field, the default stated), its defaults object, its schema
// (checked against the interface at compile time). How they are parsed: parse.ts.
import { stringRules } from '../validate.js';
import { schema, checked, boolean, abortSignal, type Assert, type Same, type Infer, type Defaults } from './parse.js';

/** Container states liblxc reports. */
export const states = ['STOPPED', 'STARTING', 'RUNNING', 'STOPPING', 'ABORTING', 'FREEZING', 'FROZEN', 'THAWED'] as const;

/** A state liblxc reports for a container. */
export type ContainerState = (typeof states)[number];

// ---- start --------------------------------------------------------------------------------------

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

/** The defaults of `start()` (no argv: lxc.init.cmd). */
export const startDefaults = {
  /** no lxc-init in front. */
  useinit: false,
  /** resolve once the container runs. */
  daemonize: true,
  /** keep the fds (a daemonized start closes them anyway). */
  closeAllFds: false,
} as const satisfies Defaults<StartOptions>;

export const startOptionsSchema = schema((z) => z.strictObject({
  useinit: z.optional(boolean()),
  // As exec's argv: an empty word (argv[0] above all) is a mistake that would reach C as a failed exec.
  argv: z.optional(z.array(checked(stringRules([(s) => s.length > 0, 'must not be empty'], [(s) => !s.includes('\u0000'), 'must not contain NUL']))).check(z.minLength(1, { message: 'must name a command (an empty argv makes init exec nothing)' }))),
  daemonize: z.optional(boolean()),
  closeAllFds: z.optional(boolean()),
  signal: z.optional(abortSignal()),
}));
type StartChecked = Assert<Same<Infer<typeof startOptionsSchema>, StartOptions>>;

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

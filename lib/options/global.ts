// Options of the synchronous calls outside a container's methods: listContainers()/containers(),
// new Container(), logInit(), watch(). They cannot wait for zod to load, so each schema is
// `fields()`: a table of validate.ts's checks, run by hand (its fast path, which `options()` takes) and
// built into the equivalent zod schema for lxc-ffi/schemas. Each type is one block: the interface
// (TSDoc per field, the default stated), its defaults object, its schema.
import { absolutePath, abortSignal, arrayOf, bool, containerName, oneOf, stringRules } from '../validate.js';
import { fields, type Defaults } from './parse.js';

// ---- listContainers, containers -----------------------------------------------------------------

/** Options of `listContainers()` / `containers()`. */
export interface ListOptions {
  /** Where to look. Default: the global lxc.lxcpath. */
  lxcpath?: string;
  /** Include running containers. Default true. */
  active?: boolean;
  /** Include containers with a config. Default true. */
  defined?: boolean;
}

/** The defaults of `listContainers()` (lxcpath: the global lxc.lxcpath, read at the call). */
export const listDefaults = {
  /** list running containers. */
  active: true,
  /** list defined containers. */
  defined: true,
} as const satisfies Defaults<ListOptions>;

export const listOptionsSchema = fields<ListOptions>({ lxcpath: absolutePath, active: bool, defined: bool });

// ---- new Container ------------------------------------------------------------------------------

/** Options of the Container constructor. */
export interface ContainerOptions {
  /** The directory holding the container's directory. Default: the global lxc.lxcpath. */
  lxcpath?: string;
}

export const containerOptionsSchema = fields<ContainerOptions>({ lxcpath: absolutePath });

// ---- logInit ------------------------------------------------------------------------------------

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
} as const satisfies Defaults<LogOptions>;

export const logOptionsSchema = fields<LogOptions>({
  file: absolutePath,
  level: oneOf(logLevels, `must be one of ${logLevels.join(', ')}`),
  prefix: stringRules(
    [(s) => !s.includes('\u0000'), 'must not contain NUL'],
    [(s) => /^[\x21-\x7e]{1,32}$/.test(s), 'must be 1 to 32 printable characters without spaces (liblxc keeps 32)'],
  ),
  quiet: bool,
}, ['file']);

// ---- watch --------------------------------------------------------------------------------------

/** What watch() watches. No defaults object: an absent lxcpath is the global lxc.lxcpath, read at the call. */
export interface WatchOptions {
  /** The lxcpath whose containers are watched. Default: the global lxc.lxcpath. */
  lxcpath?: string;
  /** Only these containers. Default: every container of the lxcpath. */
  names?: string[];
  /** Ends the watch: the iterator finishes, the channel closes. */
  signal?: AbortSignal;
}

export const watchOptionsSchema = fields<WatchOptions>({
  lxcpath: absolutePath,
  names: arrayOf(containerName, 'must be an array of container names'),
  signal: abortSignal,
});

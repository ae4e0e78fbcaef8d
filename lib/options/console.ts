// Options of `console()` and `consoleLog()`. Each type is one block: the
// interface (TSDoc per field, the default stated), its defaults object, its schema (checked
// against the interface at compile time). How they are parsed: parse.ts.
import { stringRules } from '../validate.js';
import { schema, checked, boolean, int, type Assert, type Same, type Infer, type Defaults } from './parse.js';

// ---- console ------------------------------------------------------------------------------------

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
} as const satisfies Defaults<ConsoleOptions>;

export const consoleOptionsSchema = schema((z) => z.strictObject({
  tty: z.optional(int(-1)),
  stdinFd: z.optional(int(0)),
  stdoutFd: z.optional(int(0)),
  stderrFd: z.optional(int(0)),
  escape: z.optional(checked(stringRules([(s) => /^[a-z]$/.test(s), 'must be one letter a-z']))),
}));
type ConsoleChecked = Assert<Same<Infer<typeof consoleOptionsSchema>, ConsoleOptions>>;

// ---- consoleLog ---------------------------------------------------------------------------------

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
} as const satisfies Defaults<ConsoleLogOptions>;

export const consoleLogOptionsSchema = schema((z) => z.strictObject({
  read: z.optional(boolean()),
  clear: z.optional(boolean()),
  readMax: z.optional(int(0)),
  encoding: z.optional(z.enum(['utf8', 'buffer'])),
}));
type ConsoleLogChecked = Assert<Same<Infer<typeof consoleLogOptionsSchema>, ConsoleLogOptions>>;

// The small hand-written checks on names, paths, config keys and values: they run on the hot paths
// (every getConfigItem, every new Container) where loading zod or building a parser costs more
// than the C call they guard. Option objects are zod's (lib/options/parse.ts builds their schemas
// from these checks); the options of the synchronous calls run these checks alone (`fields()`).
import { invalid, LxcError } from './errors.js';

/** A check of one value: the value it accepts, or why it refuses it (a message such as 'must be string'). */
export interface Checker<T> {
  (value: unknown): T;
  /** Why `value` is refused, or null. */
  why(value: unknown): string | null;
}

/** A rule on a string: the predicate and the message when it fails. */
export type Rule = readonly [(s: string) => boolean, string];

class Refusal {
  constructor(readonly why: string) {}
}

function checker<T>(why: (v: unknown) => string | null): Checker<T> {
  return Object.assign((v: unknown) => {
    const w = why(v);
    if (w !== null) throw new Refusal(w);
    return v as T;
  }, { why });
}

// A lone surrogate has no UTF-8 form: the C string would carry U+FFFD instead, another name or path.
const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATE_WHY = 'must not contain a lone UTF-16 surrogate (it has no UTF-8 form)';

/** A string passing every rule, in order (and well-formed UTF-16: it reaches C as UTF-8). */
export function stringRules(...rules: Rule[]): Checker<string> {
  return checker((v) => {
    if (typeof v !== 'string') return 'must be string';
    if (LONE_SURROGATE.test(v)) return LONE_SURROGATE_WHY;
    for (const [ok, why] of rules) if (!ok(v)) return why;
    return null;
  });
}

/** An integer in [min, max]. */
export function int(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): Checker<number> {
  return checker((v) => {
    if (typeof v !== 'number' || Number.isNaN(v)) return 'must be number';
    if (!Number.isInteger(v)) return 'must be an integer';
    if (v < min) return `must be ≥ ${min}`;
    if (v > max) return `must be ≤ ${max}`;
    return null;
  });
}

/** Checks `value`, or throws LxcError EINVAL naming the argument and the problem. */
export function check<T>(op: string, arg: string, c: Checker<T>, value: unknown): T {
  try {
    return c(value);
  } catch (e) {
    // A getter or a Proxy trap of the caller's that throws: the value cannot be read, so it is bad input.
    if (!(e instanceof Refusal)) throw unreadable(op, arg, e);
    // A why that starts with a path ('.1 must not …') names a part of the argument.
    const part = /^(\.\S+) (.*)$/.exec(e.why);
    throw part ? invalid(op, arg + part[1], part[2]) : invalid(op, arg, e.why);
  }
}

/** EINVAL for an argument whose reading threw (a getter, a Proxy trap), the thrown error as its cause. */
export function unreadable(op: string, arg: string, e: unknown): LxcError {
  if (e instanceof LxcError) return e;
  let why: string;
  try {
    why = e instanceof Error ? e.message : String(e);
  } catch {
    why = 'a value that cannot be shown';
  }
  return new LxcError('EINVAL', `${op}: ${arg} cannot be read (reading it threw: ${why})`, { op, cause: e });
}

/** Whether `o` is a plain object (`{...}`, `Object.create(null)`), of this realm or another: its prototype's prototype is null. */
export function isPlainObject(o: object): boolean {
  const proto: object | null = Object.getPrototypeOf(o);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * The own entries of an options object checked by hand, or EINVAL: it must be a plain object (a
 * Date, a RegExp or a Map has no options, and would pass for `{}`), and reading it must not throw.
 */
export function optionEntries(op: string, arg: string, o: unknown): Array<[string, unknown]> {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw invalid(op, arg, 'must be object');
  try {
    if (!isPlainObject(o)) throw invalid(op, arg, 'must be a plain object');
    return Object.entries(o);
  } catch (e) {
    throw unreadable(op, arg, e);
  }
}

/** Whether `c` accepts `value`. */
export function accepts(c: Checker<unknown>, value: unknown): boolean {
  return c.why(value) === null;
}

// Control characters would end a config line or a C string early.
const CONTROL = /[\u0000-\u001f\u007f]/;
const NUL_OR_NEWLINE = /[\u0000\r\n]/;

/** A container name: one path component liblxc can use as a directory and a socket name. */
export const containerName = stringRules(
  [(s) => s.length > 0, 'must not be empty'],
  [(s) => s !== '.' && s !== '..', 'must not be "." or ".."'],
  [(s) => !s.includes('/'), 'must not contain "/"'],
  [(s) => !CONTROL.test(s), 'must not contain NUL, newline or other control characters'],
  [(s) => !s.startsWith('-'), 'must not start with "-"'],
  [(s) => Buffer.byteLength(s) <= 255, 'is too long for a path component (255 bytes at most)'],
);

/** An absolute filesystem path. */
export const absolutePath = stringRules(
  [(s) => s.length > 0, 'must not be empty'],
  [(s) => s.startsWith('/'), 'must be an absolute path'],
  [(s) => !CONTROL.test(s), 'must not contain NUL, newline or other control characters'],
  [(s) => Buffer.byteLength(s) < 4096, 'is longer than PATH_MAX'],
);

const CONFIG_KEY = /^lxc(\.[A-Za-z0-9_\-]+)+$/;
/** A config key such as lxc.net.0.link. */
export const configKey = stringRules(
  // liblxc's keys are tens of bytes (a sysctl's a hundred or so): a longer one is no key, and would reach C.
  [(s) => s.length <= 1024, 'is too long for a config key (1024 characters at most)'],
  [(s) => CONFIG_KEY.test(s), 'must look like lxc.section.key (letters, digits, "_", "-", ".")'],
);

/** A config value: one line, as liblxc writes it back into the config file. */
export const configValue = stringRules([(s) => !NUL_OR_NEWLINE.test(s), 'must not contain NUL, CR or LF']);

const CGROUP_KEY = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_\-]+)+$/;
/** A cgroup controller file name such as memory.max. */
export const cgroupKey = stringRules(
  [(s) => s.length <= 255, 'is too long for a file name (255 bytes at most)'],
  [(s) => CGROUP_KEY.test(s), 'must look like controller.file'],
);

/** A value handed to a template as an option argument. */
export const templateValue = stringRules(
  [(s) => s.length > 0, 'must not be empty'],
  [(s) => !s.startsWith('-'), 'must not start with "-" (the template would read it as an option)'],
  [(s) => !/\s/.test(s), 'must not contain whitespace'],
  [(s) => !s.includes('\u0000'), 'must not contain NUL'],
);

/** A string without NUL (it would end the C string early). */
export const noNul = stringRules([(s) => !s.includes('\u0000'), 'must not contain NUL']);

/** A network interface name as the kernel allows it (IFNAMSIZ − 1 bytes). */
export const ifaceName = stringRules([(s) => /^[A-Za-z0-9_.:@-]{1,15}$/.test(s), 'must be a network interface name (1-15 characters)']);

/** A command line: at least one word, none empty or holding NUL. */
export const argv = checker<string[]>((v) => {
  if (!Array.isArray(v)) return 'must be array';
  if (v.length < 1) return 'must name a command';
  // Indexed, not entries(): a hole is an element too (undefined), never skipped.
  for (let i = 0; i < v.length; i++) {
    const s: unknown = v[i];
    if (typeof s !== 'string') return `.${i} must be string`;
    if (s.length === 0) return `.${i} must not be empty`;
    if (s.includes('\u0000')) return `.${i} must not contain NUL`;
    if (LONE_SURROGATE.test(s)) return `.${i} ${LONE_SURROGATE_WHY}`;
  }
  return null;
});

/** A boolean. */
export const bool = checker<boolean>((v) => (typeof v === 'boolean' ? null : 'must be boolean'));

/** An AbortSignal. */
export const abortSignal = checker<AbortSignal>((v) => (v instanceof AbortSignal ? null : 'must be an AbortSignal'));

/** One of `values`, refused with `why` (the message names them as the caller wants them shown). */
export function oneOf<T extends string>(values: readonly T[], why: string): Checker<T> {
  return checker<T>((v) => (values.includes(v as T) ? null : why));
}

/**
 * An array whose every element passes `item`, refused with `notArray` when it is none; a refused
 * element is named by its index ('.2 must not be empty'). What passes is a copy, read once (a hole is
 * checked as undefined, never skipped; a Proxy's traps answer once).
 */
export function arrayOf<T>(item: Checker<T>, notArray: string): Checker<T[]> {
  const whyOf = (v: unknown[]): string | null => {
    for (let i = 0; i < v.length; i++) {
      const w = item.why(v[i]);
      if (w !== null) return `.${i} ${w}`;
    }
    return null;
  };
  const why = (v: unknown) => (Array.isArray(v) ? whyOf(Array.from(v)) : notArray);
  return Object.assign((v: unknown) => {
    if (!Array.isArray(v)) throw new Refusal(notArray);
    const copy = Array.from(v as unknown[]);
    const w = whyOf(copy);
    if (w !== null) throw new Refusal(w);
    return copy as T[];
  }, { why });
}

/** The longest timeout a timer can wait, in seconds: setTimeout's limit (2^31 - 1 ms) fires a longer one at once. */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** A timeout that must end (exec's): seconds > 0, finite, at most MAX_TIMER_SECONDS; fractions allowed. */
export const positiveSeconds = checker<number>((v) => {
  if (typeof v !== 'number' || Number.isNaN(v)) return 'must be number';
  if (!Number.isFinite(v)) return 'must be a finite number';
  if (v <= 0) return 'must be > 0 (seconds)';
  if (v > MAX_TIMER_SECONDS) return `must be ≤ ${MAX_TIMER_SECONDS} (seconds, ~24.8 days)`;
  return null;
});

/** Seconds to wait: a finite number ≥ 0, or -1 for "forever" where liblxc allows it. */
export const timeoutSeconds = checker<number>((v) => {
  if (typeof v !== 'number' || Number.isNaN(v)) return 'must be number';
  if (!Number.isFinite(v)) return 'must be a finite number';
  if (v < 0 && v !== -1) return 'must be ≥ 0 (or -1 to wait forever)';
  return null;
});

// The small hand-written checks on names, paths, config keys and values: they run on the hot paths
// (every getConfigItem, every new Container) where loading zod or building a parser costs more
// than the C call they guard. Option objects are zod's (lib/options/); its schemas reuse these.
import { invalid } from './errors.js';

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

/** A string passing every rule, in order. */
export function stringRules(...rules: Rule[]): Checker<string> {
  return checker((v) => {
    if (typeof v !== 'string') return 'must be string';
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
    if (!(e instanceof Refusal)) throw e;
    // A why that starts with a path ('.1 must not …') names a part of the argument.
    const part = /^(\.\S+) (.*)$/.exec(e.why);
    throw part ? invalid(op, arg + part[1], part[2]) : invalid(op, arg, e.why);
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
export const configKey = stringRules([(s) => CONFIG_KEY.test(s), 'must look like lxc.section.key (letters, digits, "_", "-", ".")']);

/** A config value: one line, as liblxc writes it back into the config file. */
export const configValue = stringRules([(s) => !NUL_OR_NEWLINE.test(s), 'must not contain NUL, CR or LF']);

const CGROUP_KEY = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_\-]+)+$/;
/** A cgroup controller file name such as memory.max. */
export const cgroupKey = stringRules([(s) => CGROUP_KEY.test(s), 'must look like controller.file']);

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
  for (const [i, s] of v.entries()) {
    if (typeof s !== 'string') return `.${i} must be string`;
    if (s.length === 0) return `.${i} must not be empty`;
    if (s.includes('\u0000')) return `.${i} must not contain NUL`;
  }
  return null;
});

/** Seconds to wait: a finite number ≥ 0, or -1 for "forever" where liblxc allows it. */
export const timeoutSeconds = checker<number>((v) => {
  if (typeof v !== 'number' || Number.isNaN(v)) return 'must be number';
  if (!Number.isFinite(v)) return 'must be a finite number';
  if (v < 0 && v !== -1) return 'must be ≥ 0 (or -1 to wait forever)';
  return null;
});

// Composable input checks. Hand-written rather than zod: zod's import alone costs 80–110 ms here
// (95 module files), above the 50 ms import budget of the whole package (docs/benchmarks.md).
import { invalid, type LxcError } from './errors.js';

/** Why a value was refused, and where below the argument (`options.stdin`, `argv.2`). */
export class Problem {
  readonly at: (string | number)[] = [];
  constructor(readonly why: string) {}
}

/** Returns the value it accepts (a fresh copy for objects and arrays) or throws a Problem. */
export type Checker<T> = (value: unknown) => T;
/** A checker whose key may be left out of an object. */
export type Optional<T> = Checker<T | undefined> & { readonly optional: true };
/** The type a checker accepts. */
export type Infer<C> = C extends Checker<infer T> ? T : never;

type Shape = Record<string, Checker<unknown>>;
type OptionalKey<S extends Shape> = { [K in keyof S]: S[K] extends { readonly optional: true } ? K : never }[keyof S];
/** The object type of a shape: optional checkers become optional keys (their TSDoc is kept). */
export type ObjectOf<S extends Shape> = Expand<
  { [K in keyof S as K extends OptionalKey<S> ? K : never]?: Infer<S[K]> } & {
    [K in keyof S as K extends OptionalKey<S> ? never : K]: Infer<S[K]>;
  }
>;
type Expand<T> = T extends infer O ? { [K in keyof O]: O[K] } : never;

/** A rule on an accepted value: the predicate and the message when it fails. */
export type Rule<T> = readonly [(value: T) => boolean, string];

/** Throws the Problem `why` (inside a checker). */
export function refuse(why: string): never {
  throw new Problem(why);
}

function applyRules<T>(value: T, rules: readonly Rule<T>[]): T {
  for (const [ok, why] of rules) if (!ok(value)) refuse(why);
  return value;
}

/** A string passing every rule, in order. */
export function string(...rules: Rule<string>[]): Checker<string> {
  return (v) => (typeof v === 'string' ? applyRules(v, rules) : refuse('must be string'));
}

/** A finite or infinite number (not NaN) passing every rule. */
export function number(...rules: Rule<number>[]): Checker<number> {
  return (v) => (typeof v === 'number' && !Number.isNaN(v) ? applyRules(v, rules) : refuse('must be number'));
}

/** An integer in [min, max]. */
export function int(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): Checker<number> {
  return (v) => {
    if (typeof v !== 'number' || Number.isNaN(v)) refuse('must be number');
    if (!Number.isInteger(v)) refuse('must be an integer');
    if (v < min) refuse(`must be ≥ ${min}`);
    if (v > max) refuse(`must be ≤ ${max}`);
    return v;
  };
}

/** true or false. */
export const boolean: Checker<boolean> = (v) => (typeof v === 'boolean' ? v : refuse('must be boolean'));

/** One of the listed strings. */
export function oneOf<const T extends readonly string[]>(values: T): Checker<T[number]> {
  const set = new Set<unknown>(values);
  const why = `must be one of ${values.map((x) => `'${x}'`).join(', ')}`;
  return (v) => (set.has(v) ? (v as T[number]) : refuse(why));
}

/** A value the predicate accepts (functions, AbortSignals). */
export function custom<T>(ok: (v: unknown) => boolean, why: string): Checker<T> {
  return (v) => (ok(v) ? (v as T) : refuse(why));
}

/** The first alternative that accepts the value; `why` when none does. */
export function union<A, B>(a: Checker<A>, b: Checker<B>, why: string): Checker<A | B> {
  return (v) => {
    for (const c of [a, b] as Checker<A | B>[]) {
      try {
        return c(v);
      } catch (e) {
        if (!(e instanceof Problem)) throw e;
      }
    }
    return refuse(why);
  };
}

/** Makes a checker's key optional in an object; undefined passes. */
export function optional<T>(c: Checker<T>): Optional<T> {
  return Object.assign((v: unknown) => (v === undefined ? undefined : c(v)), { optional: true as const });
}

// Runs `c` on a member, prefixing the member's key or index to any Problem's path.
function at<T>(key: string | number, c: Checker<T>, v: unknown): T {
  try {
    return c(v);
  } catch (e) {
    if (e instanceof Problem) e.at.unshift(key);
    throw e;
  }
}

/** An array of at least `min` items, each accepted by `item`. */
export function array<T>(item: Checker<T>, min = 0, tooShort = `must have at least ${min} items`): Checker<T[]> {
  return (v) => {
    if (!Array.isArray(v)) refuse('must be array');
    if (v.length < min) refuse(tooShort);
    return v.map((x, i) => at(i, item, x));
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An object with any keys the `key` checker accepts, each value accepted by `value`. */
export function record<T>(key: Checker<string>, value: Checker<T>): Checker<Record<string, T>> {
  return (v) => {
    if (!isPlainObject(v)) refuse('must be object');
    const out: Record<string, T> = {};
    for (const k of Object.keys(v)) {
      at(k, key, k);
      out[k] = at(k, value, v[k]);
    }
    return out;
  };
}

/** An object with exactly the shape's keys (unknown keys are refused, so typos do not pass silently). */
export function object<S extends Shape>(shape: S): Checker<ObjectOf<S>> {
  const keys = Object.keys(shape);
  return (v) => {
    if (!isPlainObject(v)) refuse('must be object');
    for (const k of Object.keys(v)) {
      if (!Object.hasOwn(shape, k)) {
        const p = new Problem('is not a known option');
        p.at.push(k);
        throw p;
      }
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const c = shape[k];
      const x = v[k];
      if (x === undefined && !(c as Partial<Optional<unknown>>).optional) {
        const p = new Problem('is required');
        p.at.push(k);
        throw p;
      }
      const y = at(k, c, x);
      if (y !== undefined) out[k] = y;
    }
    return out as ObjectOf<S>;
  };
}

/** Checks `value`, or throws LxcError EINVAL naming the argument (and the option) and the problem. */
export function check<T>(op: string, arg: string, checker: Checker<T>, value: unknown): T {
  try {
    return checker(value);
  } catch (e) {
    if (e instanceof Problem) throw problemError(op, arg, e);
    throw e;
  }
}

/** Whether `checker` accepts `value`. */
export function accepts(checker: Checker<unknown>, value: unknown): boolean {
  try {
    checker(value);
    return true;
  } catch (e) {
    if (e instanceof Problem) return false;
    throw e;
  }
}

function problemError(op: string, arg: string, p: Problem): LxcError {
  return invalid(op, [arg, ...p.at].join('.'), p.why);
}

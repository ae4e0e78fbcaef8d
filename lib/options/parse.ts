// How a call reads its options object: each family module of lib/options/ holds, per option
// type, the interface (TSDoc per field, the default stated), its defaults object and its schema,
// and every call site turns its argument into options with `options(op, arg, schema, value,
// defaults)`: parsed synchronously, in the turn the call starts (so that it is admitted before a
// release() that follows it), with the defaults under what was given.
//
// zod itself (its "mini" build, the smaller of its two to load) is imported by the first call that
// has an options object to parse, before that call starts (Container's delegates, Handle.later):
// an ES module import lets the event loop run between its files (largest timer lag ≈ 17–21 ms,
// against ≈ 45 ms for a require). This module and the families load at import and build no schema
// then: `import 'lxc-ffi'` never pays for zod. The synchronous calls (listContainers, new
// Container, logInit, watch) cannot wait for it: their options are `fields()`, a table of the
// hand-written checks of validate.ts that is run directly, and built into the published zod
// schema on demand. Those checks are reused by every schema, so a path, a name or a value is
// refused for the same reason alone or inside an option object.
import type * as Z from 'zod/mini';
import { LxcError } from '../errors.js';
import { unreadable, isPlainObject, optionEntries, int as intCheck, absolutePath, noNul, configValue, templateValue, type Checker } from '../validate.js';
import { optionKeyGuess } from '../suggest.js';
import { fs } from '../builtins.js';

const { readdirSync } = fs;

export type { Z };
let loaded: typeof Z | undefined;
let loading: Promise<typeof Z> | undefined;

/** Imports zod/mini (once); every parse needs it loaded first. */
export function loadSchemas(): Promise<typeof Z> {
  return (loading ??= stagedImport().then((m) => (loaded = m)));
}

// zod/mini's core files in the order they are imported, a few per event-loop turn (ZOD_BATCH),
// before its locales and zod/mini itself, dependencies first: an ES module graph is evaluated in
// one synchronous step once its files are in, and zod's (its core, the 64 locales its core
// re-exports) took 17–27 ms of the main thread in one turn; now no turn takes more than ≈ 7 ms.
// A file of another zod release that this list lacks comes with zod/mini at the end; a file
// missing is skipped.
const ZOD_CORE_ORDER = ['core', 'util', 'regexes', 'versions', 'doc', 'errors', 'parse', 'checks', 'memoizer', 'registries',
  'compile', 'api', 'to-json-schema', 'json-schema-processors', 'json-schema-generator', 'json-schema'];

// Files imported together in one turn: one a turn cost ≈ 25 ms of CPU more than the plain import
// (each import's own resolution and job), four ≈ 12 ms, with no turn above ≈ 7 ms.
const ZOD_BATCH = 4;

/** import('zod/mini'), its files first a few a turn (ZOD_CORE_ORDER, then the locales); plainly when zod's layout is not the one expected. */
async function stagedImport(): Promise<typeof Z> {
  // Not in the turn of the call that asked (sixteen new Containers and their creates, say), nor
  // in that iteration: an immediate queued there runs before the next timers.
  await new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
  let files: string[] = [];
  try {
    const core = import.meta.resolve('zod/v4/core');
    const inDir = (dir: URL) => readdirSync(dir).filter((f) => f.endsWith('.js') && f !== 'index.js');
    const coreFiles = inDir(new URL('./', core));
    const ordered = ZOD_CORE_ORDER.map((f) => `${f}.js`).filter((f) => coreFiles.includes(f));
    files = [
      ...ordered.map((f) => new URL(f, core).href),
      ...inDir(new URL('../locales/', core)).map((f) => new URL(`../locales/${f}`, core).href),
    ];
  } catch { /* not laid out as zod 4's package is: the plain import below */ }
  for (let i = 0; i < files.length; i += ZOD_BATCH) {
    // What zod/mini does not need may fail alone: its own import says.
    await Promise.all(files.slice(i, i + ZOD_BATCH).map((f) => import(f).catch(() => undefined)));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return import('zod/mini');
}

/** Takes zod/mini from a module that imported it statically (lxc-ffi/schemas), so that module needs no top-level await. */
export function provideZod(m: typeof Z): void {
  loaded ??= m;
  loading ??= Promise.resolve(loaded);
}

/** Whether zod is loaded: a parse can run now. */
export function schemasLoaded(): boolean {
  return loaded !== undefined;
}

/** zod/mini, loaded by loadSchemas(). */
export function zod(): typeof Z {
  if (!loaded) throw new Error('lxc-ffi: an options object was parsed before zod was loaded (loadSchemas())');
  return loaded;
}

/**
 * A zod schema built on its first call (zod must be loaded then). `required`: the options object
 * has keys that must be there, so even an absent or empty one is parsed (to say which).
 */
export type Lazy<S extends Z.ZodMiniType = Z.ZodMiniType> = (() => S) & { readonly required?: boolean };

/** A schema built on its first use (and zod required then). */
export function schema<T extends Z.ZodMiniType>(build: (z: typeof Z) => T, how: { required?: boolean } = {}): Lazy<T> {
  let built: T | undefined;
  return Object.assign(() => (built ??= build(zod())), { required: how.required === true });
}

/** The type a lazily built schema accepts. */
export type Infer<S extends () => Z.ZodMiniType> = Z.infer<ReturnType<S>>;

/** An array a defaults object holds: read-only, as `as const` makes it. */
type Frozen<V> = V extends Array<infer E> ? readonly E[] : V;

/** What a defaults object of options T may hold: a value for some of T's keys, or null ("none": what C is given for it). */
export type Defaults<T> = { readonly [K in keyof T]?: Frozen<Exclude<T[K], undefined>> | null };

/** Options T once `defaults` D are applied: each key D has is always set, to the caller's value or D's. */
export type Defaulted<T, D> = Omit<T, keyof D> & { -readonly [K in keyof D]: K extends keyof T ? Exclude<T[K], undefined> | D[K] : D[K] };

/** A zod string type refused for the reasons `c` gives. */
export function checked(c: Checker<string>): Z.ZodMiniType<string> {
  const z = zod();
  return z.string().check(z.superRefine((s, ctx) => {
    const why = c.why(s);
    if (why !== null) ctx.addIssue({ code: 'custom', message: why, input: s });
  }));
}

/** A number refused for the reasons `c` gives (integers in a range, timeouts). */
export function checkedNumber(c: Checker<number>): Z.ZodMiniType<number> {
  const z = zod();
  return z.number().check(z.superRefine((n, ctx) => {
    const why = c.why(n);
    if (why !== null) ctx.addIssue({ code: 'custom', message: why, input: n });
  }));
}

/** An integer in [min, max]. */
export const int = (min?: number, max?: number) => checkedNumber(intCheck(min, max));
/** An absolute path. */
export const path = schema(() => checked(absolutePath));
/** A string without NUL. */
export const text = schema(() => checked(noNul));
/** A config value: one line. */
export const value = schema(() => checked(configValue));
/** A template's option argument. */
export const templateArg = schema(() => checked(templateValue));
/** A boolean. */
export const boolean = schema((z) => z.boolean());

/** An AbortSignal, for the calls that can be cancelled. */
export const abortSignal = schema((z) => z.custom<AbortSignal>((v) => v instanceof AbortSignal, { message: 'must be an AbortSignal' }));

/** A function (callbacks such as onOutput). */
export function fn<T extends (...args: never[]) => unknown>(): Z.ZodMiniType<T> {
  return zod().custom<T>((v) => typeof v === 'function', { message: 'must be a function' });
}

/** `true` when A and B are the same type: a schema checked against its interface at compile time. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compiles only when T is true. */
export type Assert<T extends true> = T;

// ---- units and names ----------------------------------------------------------------------------

/**
 * A span of time in seconds, fractions allowed (0.5 is half a second): the one unit of every
 * timeout of lxc-ffi, as python3-lxc's `shutdown(timeout=30)` and `get_ips(timeout=30)` count.
 */
export type Seconds = number;

// The zod types that hold a Seconds: test/unit/options-names.test.ts holds every timeout key to one.
const secondsTypes = new WeakSet<object>();

/**
 * A zod number in seconds ({@link Seconds}), refused for the reasons `c` gives; every timeout key of
 * a schema is one (a test walks the schemas for keys named like a timeout that are not).
 *
 * @example
 * timeout: z.optional(seconds(timeoutSeconds))
 */
export function seconds(c: Checker<number>): Z.ZodMiniType<Seconds> {
  const t = checkedNumber(c);
  secondsTypes.add(t);
  return t;
}

/** Whether a schema's field type is a {@link seconds} one (optional or not). */
export function isSeconds(t: Z.ZodMiniType): boolean {
  return secondsTypes.has(unwrap(t));
}

/**
 * liblxc's and python3-lxc's spellings of option keys, alias → the camelCase key lxc-ffi spells
 * (docs/conventions.md). An options object may use either wherever the schema has the camelCase key
 * (parse() renames an alias before the check, at any depth); both in one object is EINVAL.
 */
export const optionAliases = {
  /** CreateOptions.bdevType, CloneOptions.bdevType: liblxc's create()/clone() `bdevtype`, python3-lxc's `bdevtype=`. */
  bdevtype: 'bdevType',
  /** CloneOptions.bdevData: liblxc's clone() `bdevdata`. */
  bdevdata: 'bdevData',
  /** StartOptions.useInit: liblxc's start() `useinit`, python3-lxc's `useinit=`. */
  useinit: 'useInit',
  /** DownloadOptions.keyServer: the download template's `--keyserver`. */
  keyserver: 'keyServer',
  /** DownloadOptions.keyId: the download template's `--keyid`. */
  keyid: 'keyId',
  /** LocalOptions.fsTree: the local template's `--fstree`. */
  fstree: 'fsTree',
  /** BdevSpecs.fsType, MountOptions.fsType: struct bdev_specs' and lxc_mount's `fstype`. */
  fstype: 'fsType',
  /** BdevSpecs.fsSize: struct bdev_specs' `fssize`. */
  fssize: 'fsSize',
  /** BdevSpecs.zfs.zfsRoot: struct bdev_specs' `zfs.zfsroot`. */
  zfsroot: 'zfsRoot',
  /** BdevSpecs.lvm.thinPool: struct bdev_specs' `lvm.thinpool`. */
  thinpool: 'thinPool',
  /** BdevSpecs.rbd.rbdName: struct bdev_specs' `rbd.rbdname`. */
  rbdname: 'rbdName',
  /** BdevSpecs.rbd.rbdPool: struct bdev_specs' `rbd.rbdpool`. */
  rbdpool: 'rbdPool',
} as const;

/** An alias of an option key (liblxc's spelling): a key of {@link optionAliases}. */
export type OptionAlias = keyof typeof optionAliases;

/**
 * Options T without their aliases, at any depth: what a schema accepts and a parse gives back. Signals,
 * Buffers, functions and arrays are values, kept as they are.
 */
export type Canonical<T> = T extends AbortSignal | Buffer | ((...args: never[]) => unknown) | readonly unknown[] ? T : T extends object ? { [K in keyof T as K extends OptionAlias ? never : K]: Canonical<T[K]> } : T;

/** The field types of a strict object schema (optional or not), or null for any other schema. */
function shapeOf(t: Z.ZodMiniType): Record<string, Z.ZodMiniType> | null {
  const def = unwrap(t)._zod.def as { type: string; shape?: Record<string, Z.ZodMiniType> };
  return def.type === 'object' && def.shape ? def.shape : null;
}

/** `t` without its optional/nullable/default wrappers. */
function unwrap(t: Z.ZodMiniType): Z.ZodMiniType {
  let def = t._zod.def as { type: string; innerType?: Z.ZodMiniType };
  while ((def.type === 'optional' || def.type === 'nullable' || def.type === 'default') && def.innerType) {
    t = def.innerType;
    def = t._zod.def as typeof def;
  }
  return t;
}

/** The schema at `path` below `root` (object fields, array items, record values), or null. */
function schemaAt(root: Z.ZodMiniType, path: readonly PropertyKey[]): Z.ZodMiniType | null {
  let t: Z.ZodMiniType | null = root;
  for (const k of path) {
    if (!t) return null;
    const def = unwrap(t)._zod.def as { type: string; shape?: Record<string, Z.ZodMiniType>; element?: Z.ZodMiniType; valueType?: Z.ZodMiniType };
    if (def.type === 'object') t = typeof k === 'string' && def.shape && Object.hasOwn(def.shape, k) ? def.shape[k] : null;
    else if (def.type === 'array') t = def.element ?? null;
    else if (def.type === 'record') t = def.valueType ?? null;
    else return null;
  }
  return t;
}

/** The alias of `k` that `keys` (a schema's) has, or undefined. */
function aliasTarget(k: string, has: (key: string) => boolean): string | undefined {
  if (!Object.hasOwn(optionAliases, k) || has(k)) return undefined;
  const canonical: string = optionAliases[k as OptionAlias];
  return has(canonical) ? canonical : undefined;
}

/** An alias given beside its camelCase key, found while the caller's object is read (parse() makes it EINVAL). */
class Conflict extends Error {}

/** What the message says of an alias given beside its camelCase key. */
function bothGiven(at: string, alias: string, canonical: string): string {
  return `${at}.${alias} and ${at}.${canonical} are one option (${alias} is liblxc's name for ${canonical}): give one of them`;
}

/**
 * `value` with liblxc's spellings (optionAliases) renamed to the keys `t` has, at any depth, and
 * copied only where one was; a Conflict for an alias given beside its camelCase key.
 */
function unalias(at: string, value: unknown, t: Z.ZodMiniType): unknown {
  const shape = shapeOf(t);
  if (shape === null || typeof value !== 'object' || value === null || !isPlainObject(value)) return value;
  const has = (k: string) => Object.hasOwn(shape, k);
  const keys = Object.keys(value as object);
  // Nothing to rename and no object field below: the caller's object as it is (zod reads it once).
  if (!keys.some((k) => aliasTarget(k, has) !== undefined || (has(k) && shapeOf(shape[k]) !== null))) return value;
  // Each value read once (a getter runs once), as zod would.
  const entries = new Map(keys.map((k) => [k, (value as Record<string, unknown>)[k]]));
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    const canonical = aliasTarget(k, has);
    if (canonical === undefined) {
      // Undefined beside its alias's value: the alias's stands.
      if (v === undefined && Object.hasOwn(out, k)) continue;
      define(out, k, has(k) ? unalias(`${at}.${k}`, v, shape[k]) : v);
      continue;
    }
    // An alias given as undefined is absent, as an undefined key is anywhere.
    const other = entries.get(canonical);
    if (v !== undefined && other !== undefined) throw new Conflict(bothGiven(at, k, canonical));
    if (v !== undefined || !entries.has(canonical)) define(out, canonical, unalias(`${at}.${canonical}`, v, shape[canonical]));
  }
  return out;
}

/** Sets an own key, "__proto__" included (a plain assignment would set the prototype). */
function define(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** "is not a known option", with the key of `keys` (or its alias) it looks like a slip of. */
function unknownKey(k: string, keys: readonly string[]): string {
  const aliases = Object.entries(optionAliases).filter(([a, c]) => keys.includes(c) && !keys.includes(a)).map(([a]) => a);
  const guess = optionKeyGuess(k, [...keys, ...aliases]);
  const meant = guess !== null && Object.hasOwn(optionAliases, guess) && !keys.includes(guess) ? optionAliases[guess as OptionAlias] : guess;
  return meant === null || meant === k ? 'is not a known option' : `is not a known option; did you mean ${meant}?`;
}

// ---- parsing ------------------------------------------------------------------------------------

type Issue = Z.core.$ZodIssue;

function at(value: unknown, path: PropertyKey[]): unknown {
  let v = value;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** One issue in the words of lib/validate.ts; `root` the schema, for the keys an unknown one is compared with. */
function describe(issue: Issue, input: unknown, root: Z.ZodMiniType): Array<[PropertyKey[], string]> {
  const here = issue.path;
  const custom = issue.message && issue.message !== 'Invalid input' ? issue.message : null;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const at = schemaAt(root, here);
      const keys = at ? Object.keys(shapeOf(at) ?? {}) : [];
      return issue.keys.map((k) => [[...here, k], unknownKey(k, keys)]);
    }
    case 'invalid_type': {
      const v = at(input, here);
      if (v === undefined) return [[here, 'is required']];
      if (issue.expected === 'int' && typeof v === 'number') return [[here, 'must be an integer']];
      return [[here, custom ?? `must be ${issue.expected === 'int' ? 'number' : issue.expected}`]];
    }
    case 'invalid_value':
      return [[here, custom ?? `must be one of ${issue.values.map((x) => `'${String(x)}'`).join(', ')}`]];
    case 'too_small':
      return [[here, custom ?? (issue.origin === 'array' ? `must have at least ${issue.minimum} items` : `must be ≥ ${issue.minimum}`)]];
    case 'too_big':
      return [[here, custom ?? `must be ≤ ${issue.maximum}`]];
    default:
      return [[here, custom ?? 'is not valid']];
  }
}

/**
 * `value` as `schema` accepts it, or LxcError EINVAL: "op: arg.path why; arg.path why". liblxc's
 * spellings of keys (optionAliases) are taken for the camelCase ones first; an unknown key is
 * named with the known one it looks like ("did you mean bdevType?").
 *
 * @example
 * const o = parse('start', 'options', startOptionsSchema, { useinit: true }); // { useInit: true }
 */
export function parse<T>(op: string, arg: string, schema: Z.ZodMiniType<T>, value: unknown): T {
  let problems: string[];
  try {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      // zod takes a String, a Date or a class instance with no own keys for `{}`: options are plain objects.
      if (!isPlainObject(value)) return failWith(op, [`${arg} must be a plain object`]);
      // zod drops an own "__proto__" key (JSON.parse makes them) without a word: refused as unknown instead.
      if (Object.hasOwn(value, '__proto__')) return failWith(op, [`${arg}.__proto__ is not a known option`]);
    }
    const named = unalias(arg, value, schema);
    const r = schema.safeParse(named);
    if (r.success) return r.data;
    problems = r.error.issues.flatMap((i) => describe(i, named, schema)).map(([p, why]) => `${[arg, ...p.map(String)].join('.')} ${why}`);
  } catch (e) {
    if (e instanceof Conflict) return failWith(op, [e.message]);
    // A getter or Proxy trap of the caller's threw while zod (or the message) read the object.
    throw unreadable(op, arg, e);
  }
  return failWith(op, problems);
}

function failWith(op: string, problems: string[]): never {
  throw new LxcError('EINVAL', `${op}: ${problems.join('; ')}`, { op });
}

/** Whether `value` is undefined or a plain `{}`: an all-optional schema has nothing to check then. */
export function empty(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  try {
    for (const _ in value) return false;
    return Object.getPrototypeOf(value) === Object.prototype;
  } catch {
    // A Proxy whose traps throw: not empty; the parse that follows reports it as EINVAL.
    return false;
  }
}

/** `given` with `defaults` under it: a key given as undefined keeps its default. */
function withDefaults<T, D>(given: T, defaults: D | undefined): Defaulted<T, D> {
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(given as object)) if (v !== undefined) out[k] = v;
  return out as Defaulted<T, D>;
}

/**
 * The options of a call: `value` as `schema` accepts it (or EINVAL), with `defaults` under it.
 * The one way a call site reads its options object. An absent or empty one of a schema without
 * required keys is the defaults at once; a `fields()` schema is checked by hand: neither needs zod.
 *
 * @example
 * const o = options('start', 'options', startOptionsSchema, options_, startDefaults);
 * o.daemonize // true unless the caller said false
 */
export function options<T, const D extends Defaults<T> = {}>(op: string, arg: string, schema: Lazy<Z.ZodMiniType<T>> | Fields<T>, value: unknown, defaults?: D): Defaulted<T, D> {
  let given: T;
  if (!schema.required && empty(value)) given = {} as T;
  else if ('fast' in schema) given = schema.fast(op, arg, value);
  else given = parse(op, arg, schema(), value);
  return withDefaults(given, defaults);
}

// ---- fields: options checked without zod --------------------------------------------------------

/** The checks of options T, one per key (validate.ts's hand-written checks). */
export type FieldChecks<T> = { readonly [K in keyof T]-?: Checker<Exclude<T[K], undefined>> };

/** A schema of plain fields: the zod schema (built on demand, published) and `check`, the same checks run without zod. */
export interface Fields<T> extends Lazy<Z.ZodMiniType<T>> {
  /** The fast path: `value` as the schema accepts it, or EINVAL naming every problem as parse() does; synchronous, zod never loaded. */
  fast(op: string, arg: string, value: unknown): T;
}

/** Splits a Checker's why into the path below the field it names ('.2 must …') and the reason. */
function splitWhy(why: string): [string[], string] {
  const part = /^(\.\S+) (.*)$/.exec(why);
  return part ? [part[1].slice(1).split('.'), part[2]] : [[], why];
}

/**
 * An options object of flat fields, each checked by one of validate.ts's Checkers, for the calls
 * that are synchronous (zod loads asynchronously): `fast()` runs the checks by hand; calling it
 * builds the equivalent zod schema for lxc-ffi/schemas. Both name the same problems in the same
 * words and order (test/unit/options-fast.test.ts holds them to it).
 *
 * @example
 * const listOptionsSchema = fields<ListOptions>({ lxcpath: absolutePath, active: bool, defined: bool });
 * listOptionsSchema.fast('listContainers', 'options', { active: 'yes' }); // EINVAL: options.active must be boolean
 */
export function fields<T>(checks: FieldChecks<T>, required: ReadonlyArray<keyof T & string> = []): Fields<T> {
  const keys = Object.keys(checks) as Array<keyof T & string>;
  const fast = (op: string, arg: string, value: unknown): T => {
    const given = new Map(optionEntries(op, arg, value));
    if (given.has('__proto__')) return failWith(op, [`${arg}.__proto__ is not a known option`]);
    // liblxc's spellings taken for the camelCase keys, as parse() does.
    for (const k of [...given.keys()]) {
      const canonical = aliasTarget(k, (x) => Object.hasOwn(checks, x));
      if (canonical === undefined) continue;
      const v = given.get(k);
      given.delete(k);
      if (given.get(canonical) !== undefined && v !== undefined) failWith(op, [bothGiven(arg, k, canonical)]);
      if (v !== undefined || !given.has(canonical)) given.set(canonical, v);
    }
    const out: Record<string, unknown> = {};
    const problems: string[] = [];
    // In zod's order: the fields in the table's order, then the unknown keys.
    for (const k of keys) {
      const v = given.get(k);
      if (v === undefined) {
        if (required.includes(k)) problems.push(`${arg}.${k} is required`);
        continue;
      }
      let taken: unknown;
      try {
        const why = checks[k].why(v);
        if (why !== null) {
          const [below, reason] = splitWhy(why);
          problems.push(`${[arg, k, ...below].join('.')} ${reason}`);
          continue;
        }
        taken = checks[k](v);
      } catch (e) {
        throw unreadable(op, `${arg}.${k}`, e);
      }
      out[k] = taken;
    }
    for (const k of given.keys()) if (!Object.hasOwn(checks, k)) problems.push(`${arg}.${k} ${unknownKey(k, keys)}`);
    if (problems.length) failWith(op, problems);
    return out as T;
  };
  const build = schema((z) => {
    const field = (k: keyof T & string) => {
      const c = checks[k];
      const t = z.unknown().check(z.superRefine((v, ctx) => {
        if (v === undefined) {
          ctx.addIssue({ code: 'custom', message: 'is required', input: v });
          return;
        }
        const why = c.why(v);
        if (why === null) return;
        const [below, reason] = splitWhy(why);
        ctx.addIssue({ code: 'custom', message: reason, input: v, path: below });
      }));
      return required.includes(k) ? t : z.optional(t);
    };
    return z.strictObject(Object.fromEntries(keys.map((k) => [k, field(k)]))) as unknown as Z.ZodMiniType<T>;
  }, { required: required.length > 0 });
  return Object.assign(build, { fast });
}

// The zod schema of every option object in options.ts, each checked against its interface at
// compile time, and how a call parses its options: synchronously, in the turn the call starts (so
// that it is admitted before a release() that follows it). zod itself (its "mini" build, the
// smaller of its two to load) is imported by the first call that has an options object to parse,
// before that call starts (Container's delegates, Handle.later): an ES module import lets the event
// loop run between its files (largest timer lag ≈ 17–21 ms, against ≈ 45 ms for a require).
// `import 'lxc-ffi'` never pays for it. The hand-written checks of validate.ts are reused, so a
// path, a name or a value is refused for the same reason alone or inside an option object.
import type * as Z from 'zod/mini';
import { LxcError } from './errors.js';
import { unreadable, isPlainObject, stringRules, absolutePath, noNul, configValue, templateValue, ifaceName, timeoutSeconds, int as intCheck, type Checker } from './validate.js';
import type { AbortOptions, AttachOptions, BdevSpecs, BdevType, CheckpointOptions, CloneOptions, ConsoleLogOptions, ConsoleOptions, ContainerOptions, ContainerState, CreateOptions, DestroyOptions, DownloadOptions, ExecOptions, ExecuteOptions, GetIpsOptions, ListOptions, LocalOptions, MigrateOptions, MountOptions, Namespace, OutputStream, RestoreOptions, StartOptions, Stdio, TemplateOptions, UmountOptions, WaitOptions } from './options.js';
import { bdevTypes, namespaceFlags, personalities } from './options.js';

export type { Z };
let loaded: typeof Z | undefined;
let loading: Promise<typeof Z> | undefined;

/** Imports zod/mini (once); every parse needs it loaded first. */
export function loadSchemas(): Promise<typeof Z> {
  return (loading ??= import('zod/mini').then((m) => (loaded = m)));
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

/** A schema built on its first use (and zod required then). */
export function schema<T extends Z.ZodMiniType>(build: (z: typeof Z) => T): () => T {
  let built: T | undefined;
  return () => (built ??= build(zod()));
}

/** The type a lazily built schema accepts. */
export type Infer<S extends () => Z.ZodMiniType> = Z.infer<ReturnType<S>>;

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
export const path = schema(() => checked(absolutePath));
export const text = schema(() => checked(noNul));
export const value = schema(() => checked(configValue));
export const templateArg = schema(() => checked(templateValue));
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

// ---- parsing -----------------------------------------------------------------------------------

type Issue = Z.core.$ZodIssue;

function at(value: unknown, path: PropertyKey[]): unknown {
  let v = value;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** One issue in the words of lib/validate.ts. */
function describe(issue: Issue, input: unknown): Array<[PropertyKey[], string]> {
  const here = issue.path;
  const custom = issue.message && issue.message !== 'Invalid input' ? issue.message : null;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => [[...here, k], 'is not a known option']);
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
 * `value` as `schema` accepts it, or LxcError EINVAL: "op: arg.path why; arg.path why".
 *
 * @example
 * const o = parse('start', 'options', startOptionsSchema, { useinit: true });
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
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    problems = r.error.issues.flatMap((i) => describe(i, value)).map(([p, why]) => `${[arg, ...p.map(String)].join('.')} ${why}`);
  } catch (e) {
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

/**
 * `value` as the lazily built `schema` accepts it, or EINVAL. An absent or empty options object of
 * a schema without required keys is `{}` at once, without requiring zod.
 *
 * @example
 * const o = options('start', 'options', startOptionsSchema, options);
 */
export function options<T>(op: string, arg: string, schema: () => Z.ZodMiniType<T>, value: unknown, allOptional = true): T {
  if (allOptional && empty(value)) return {} as T;
  return parse(op, arg, schema(), value);
}

// ---- lifecycle ---------------------------------------------------------------------------------
export const startOptionsSchema = schema((z) => z.strictObject({
  useinit: z.optional(boolean()),
  // As exec's argv: an empty word (argv[0] above all) is a mistake that would reach C as a failed exec.
  argv: z.optional(z.array(checked(stringRules([(s) => s.length > 0, 'must not be empty'], [(s) => !s.includes('\u0000'), 'must not contain NUL']))).check(z.minLength(1, { message: 'must name a command (an empty argv makes init exec nothing)' }))),
  daemonize: z.optional(boolean()),
  closeAllFds: z.optional(boolean()),
  signal: z.optional(abortSignal()),
}));

type StartChecked = Assert<Same<Infer<typeof startOptionsSchema>, StartOptions>>;

export const executeOptionsSchema = schema((z) => z.strictObject({ closeAllFds: z.optional(boolean()), signal: z.optional(abortSignal()) }));

type ExecuteChecked = Assert<Same<Infer<typeof executeOptionsSchema>, ExecuteOptions>>;

export const destroyOptionsSchema = schema((z) => z.strictObject({ withSnapshots: z.optional(boolean()), signal: z.optional(abortSignal()) }));

type DestroyChecked = Assert<Same<Infer<typeof destroyOptionsSchema>, DestroyOptions>>;

export const abortOptionsSchema = schema((z) => z.strictObject({ signal: z.optional(abortSignal()) }));

type AbortChecked = Assert<Same<Infer<typeof abortOptionsSchema>, AbortOptions>>;

export const waitOptionsSchema = schema((z) => z.strictObject({ signal: z.optional(abortSignal()) }));

type WaitChecked = Assert<Same<Infer<typeof waitOptionsSchema>, WaitOptions>>;

export const listOptionsSchema = schema((z) => z.strictObject({ lxcpath: z.optional(path()), active: z.optional(boolean()), defined: z.optional(boolean()) }));

type ListChecked = Assert<Same<Infer<typeof listOptionsSchema>, ListOptions>>;

export const containerOptionsSchema = schema((z) => z.strictObject({ lxcpath: z.optional(path()) }));

type ContainerChecked = Assert<Same<Infer<typeof containerOptionsSchema>, ContainerOptions>>;

// ---- create ------------------------------------------------------------------------------------
export const bdevSpecsSchema = schema((z) => z.strictObject({
  fstype: z.optional(checked(stringRules([(s) => /^[a-z0-9]+$/.test(s), 'must be a filesystem type such as ext4']))),
  fssize: z.optional(int(0)),
  zfs: z.optional(z.strictObject({ zfsroot: z.optional(text()) })),
  lvm: z.optional(z.strictObject({ vg: z.optional(text()), lv: z.optional(text()), thinpool: z.optional(text()) })),
  dir: z.optional(path()),
  rbd: z.optional(z.strictObject({ rbdname: z.optional(text()), rbdpool: z.optional(text()) })),
}));

type BdevChecked = Assert<Same<Infer<typeof bdevSpecsSchema>, BdevSpecs>>;

export const createOptionsSchema = schema((z) => z.strictObject({
  quiet: z.optional(boolean()),
  bdevtype: z.optional(z.enum(bdevTypes)),
  bdevSpecs: z.optional(bdevSpecsSchema()),
  flags: z.optional(int(0)),
  templateArgs: z.optional(z.array(value())),
  onOutput: z.optional(fn<(line: string, stream: OutputStream) => void>()),
  signal: z.optional(abortSignal()),
}));

type CreateChecked = Assert<Same<Infer<typeof createOptionsSchema>, CreateOptions>>;

export const downloadOptionsSchema = schema((z) => z.strictObject({
  dist: templateArg(),
  release: templateArg(),
  arch: templateArg(),
  variant: z.optional(templateArg()),
  server: z.optional(templateArg()),
  flushCache: z.optional(boolean()),
  forceCache: z.optional(boolean()),
  keyserver: z.optional(templateArg()),
  keyid: z.optional(templateArg()),
  noValidate: z.optional(boolean()),
}));

type DownloadChecked = Assert<Same<Infer<typeof downloadOptionsSchema>, DownloadOptions>>;

export const localOptionsSchema = schema((z) => z.strictObject({ metadata: path(), fstree: path() }));

type LocalChecked = Assert<Same<Infer<typeof localOptionsSchema>, LocalOptions>>;

export const genericTemplateOptionsSchema = schema((z) => z.record(
  checked(stringRules([(s) => /^[A-Za-z][A-Za-z0-9_-]*$/.test(s), 'option names are letters, digits, "_" and "-"'])),
  z.union([templateArg(), z.boolean(), z.number().check(z.refine((n) => Number.isFinite(n)))], { error: 'must be a string, a boolean() or a finite number' }),
));

type TemplateChecked = Assert<Same<Infer<typeof genericTemplateOptionsSchema>, TemplateOptions>>;

// ---- attach ------------------------------------------------------------------------------------
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
    personality: z.optional(z.union([int(), checked(stringRules([(s) => Object.hasOwn(personalities, s), 'is not a known architecture']))], { error: 'must be a personality number or a known architecture name' })),
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

export const execOptionsSchema = schema((z) => {
  const { stdout: _stdout, stderr: _stderr, ...execShape } = attachShape().def.shape;
  return z.strictObject({
    ...execShape,
    input: z.optional(z.union([z.string(), z.custom<Buffer>((v) => Buffer.isBuffer(v))], { error: 'must be a string or a Buffer' })),
    // setTimeout's limit: a longer delay fires at once.
    timeout: z.optional(int(1, 2 ** 31 - 1)),
    maxBuffer: z.optional(int(1)),
    encoding: z.optional(z.enum(['utf8', 'buffer'])),
    reject: z.optional(boolean()),
  }).check(oneOfFlagsOrElevated());
});
type ExecChecked = Assert<Same<Infer<typeof execOptionsSchema>, ExecOptions>>;

// ---- clone -------------------------------------------------------------------------------------
export const cloneOptionsSchema = schema((z) => z.strictObject({
  lxcpath: z.optional(path()),
  bdevtype: z.optional(z.enum(bdevTypes)),
  bdevdata: z.optional(value()),
  snapshot: z.optional(boolean()),
  keepName: z.optional(boolean()),
  keepMacAddr: z.optional(boolean()),
  keepBdevType: z.optional(boolean()),
  maybeSnapshot: z.optional(boolean()),
  newSize: z.optional(int(0)),
  hookArgs: z.optional(z.array(value())),
  flags: z.optional(int(0)),
  signal: z.optional(abortSignal()),
}));

type CloneChecked = Assert<Same<Infer<typeof cloneOptionsSchema>, CloneOptions>>;

// ---- console -----------------------------------------------------------------------------------
export const consoleOptionsSchema = schema((z) => z.strictObject({
  tty: z.optional(int(-1)),
  stdinFd: z.optional(int(0)),
  stdoutFd: z.optional(int(0)),
  stderrFd: z.optional(int(0)),
  escape: z.optional(checked(stringRules([(s) => /^[a-z]$/.test(s), 'must be one letter a-z']))),
}));

type ConsoleChecked = Assert<Same<Infer<typeof consoleOptionsSchema>, ConsoleOptions>>;

export const consoleLogOptionsSchema = schema((z) => z.strictObject({
  read: z.optional(boolean()),
  clear: z.optional(boolean()),
  readMax: z.optional(int(0)),
  encoding: z.optional(z.enum(['utf8', 'buffer'])),
}));

type ConsoleLogChecked = Assert<Same<Infer<typeof consoleLogOptionsSchema>, ConsoleLogOptions>>;

// ---- checkpoint --------------------------------------------------------------------------------
export const checkpointOptionsSchema = schema((z) => z.strictObject({ stop: z.optional(boolean()), verbose: z.optional(boolean()) }));

type CheckpointChecked = Assert<Same<Infer<typeof checkpointOptionsSchema>, CheckpointOptions>>;

export const restoreOptionsSchema = schema((z) => z.strictObject({ verbose: z.optional(boolean()), signal: z.optional(abortSignal()) }));

type RestoreChecked = Assert<Same<Infer<typeof restoreOptionsSchema>, RestoreOptions>>;

export const migrateOptionsSchema = schema((z) => z.strictObject({
  directory: path(),
  verbose: z.optional(boolean()),
  stop: z.optional(boolean()),
  predumpDir: z.optional(path()),
  pageserverAddress: z.optional(value()),
  pageserverPort: z.optional(value()),
  preservesInodes: z.optional(boolean()),
  actionScript: z.optional(path()),
  ghostLimit: z.optional(int(0)),
  featuresToCheck: z.optional(int(0)),
}));

type MigrateChecked = Assert<Same<Infer<typeof migrateOptionsSchema>, MigrateOptions>>;

// ---- devices -----------------------------------------------------------------------------------
export const mountOptionsSchema = schema((z) => z.strictObject({
  fstype: z.optional(checked(stringRules([(s) => /^[a-z0-9.]*$/.test(s), 'must be a filesystem type such as ext4']))),
  flags: z.optional(int(0)),
  data: z.optional(value()),
}));

type MountChecked = Assert<Same<Infer<typeof mountOptionsSchema>, MountOptions>>;

export const umountOptionsSchema = schema((z) => z.strictObject({ flags: z.optional(int(0)) }));

type UmountChecked = Assert<Same<Infer<typeof umountOptionsSchema>, UmountOptions>>;

// ---- network -----------------------------------------------------------------------------------
export const getIpsOptionsSchema = schema((z) => z.strictObject({
  interface: z.optional(checked(ifaceName)),
  family: z.optional(z.enum(['inet', 'inet6'])),
  scope: z.optional(int(0)),
  timeout: z.optional(z.number().check(z.superRefine((n, ctx) => {
    const why = timeoutSeconds.why(n);
    if (why !== null) ctx.addIssue({ code: 'custom', message: why, input: n });
  }))),
  signal: z.optional(abortSignal()),
}));

type GetIpsChecked = Assert<Same<Infer<typeof getIpsOptionsSchema>, GetIpsOptions>>;

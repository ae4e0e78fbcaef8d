// The C surface of liblxc, declared for the exact runtime version. No policy lives here.
import { koffi, liblxc, free, LibraryNotFoundError, type CFunction } from './library.js';
export { liblxcPath, liblxcPathAsync } from './library.js';
import { declare, type Declarations } from './types.js';
import { compareVersions, functionIn, functionName, functionSince, layoutOf, newest, structs, tags, type LxcVersion } from './layouts.js';

export * from './libc.js';
export { LibraryNotFoundError, compareVersions, functionSince, layoutOf, newest, structs, tags, type LxcVersion };
export { parseMember, type ParsedMember, type Declarations } from './types.js';
export type { LxcContainerMembers, MemberName, Member, ContainerPtr } from './members.js';
import type { MemberName, Member } from './members.js';

/** const char *lxc_get_version(void) */
export const lxc_get_version = liblxc.func('const char *lxc_get_version(void)');

/** Parses '5.0.2' (or '4.0.12-devel', '6.0.0~git') into [5, 0, 2]. */
export function parseVersion(text: string): LxcVersion {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) throw new Error(`unrecognised liblxc version '${text}'`);
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

/** The runtime liblxc version string, as lxc_get_version() reports it. */
export const versionString: string = lxc_get_version();
/** The runtime liblxc version, parsed. */
export const version: LxcVersion = parseVersion(versionString);
/**
 * The release whose structs and functions are used: the runtime's, or for a liblxc newer than
 * every tabled release the newest tabled one (its members are a prefix of the newer struct's as
 * long as liblxc keeps appending; members added since are not available).
 */
export const layoutVersion: LxcVersion = compareVersions(version, newest) > 0 ? newest : version;
/** Set in the environment of lxc-ffi's own child processes once the process that spawns them has warned. */
export const NEWER_WARNED_ENV = 'LXC_FFI_NEWER_LIBLXC_WARNED';
/** The environment entries lxc-ffi's child processes get, so that a warning is printed once per process tree. */
export const childEnv: Readonly<Record<string, string>> = layoutVersion === version ? {} : { [NEWER_WARNED_ENV]: versionString };
if (layoutVersion !== version && process.env[NEWER_WARNED_ENV] !== versionString) {
  process.emitWarning(
    `liblxc ${versionString} is newer than the newest release lxc-ffi knows (${newest.join('.')}): ` +
      `using ${newest.join('.')}'s struct layouts; members and functions added since are not available`,
    { code: 'LXC_FFI_NEWER_LIBLXC' },
  );
}
/** koffi types for the runtime version. */
export const types: Declarations = declare(layoutVersion);

type KoffiFunction = ReturnType<typeof liblxc.func>;

/** Thrown by a liblxc function that the runtime release does not export (code ENOTSUP). */
export class MissingFunctionError extends Error {
  override readonly name = 'MissingFunctionError';
  readonly code = 'ENOTSUP';
  constructor(readonly fn: string, readonly since: LxcVersion | undefined) {
    super(`${fn}() is not in liblxc ${versionString} (${since ? `added in liblxc ${since.join('.')}` : 'in no tabled liblxc release'})`);
  }
}

/**
 * Binds the liblxc function `prototype` declares if the runtime release exports it (by the table of
 * ffi/layouts.ts); otherwise a stand-in, synchronous and `.async`, that throws MissingFunctionError.
 */
function optional(prototype: string): KoffiFunction {
  const name = functionName(prototype);
  if (functionIn(name, layoutVersion)) return liblxc.func(prototype);
  const missing = (): never => { throw new MissingFunctionError(name, functionSince(name)); };
  return Object.assign(missing, { async: missing, info: undefined as unknown as KoffiFunction['info'] });
}
/** Whether the runtime release exports the liblxc function `name` (calling one it lacks throws MissingFunctionError). */
export function hasFunction(name: string): boolean {
  return functionIn(name, layoutVersion) !== undefined;
}

/** struct lxc_container *lxc_container_new(const char *name, const char *configpath) */
export const lxc_container_new = optional('lxc_container *lxc_container_new(const char *name, const char *configpath)');
/** int lxc_container_get(struct lxc_container *c) */
export const lxc_container_get = optional('int lxc_container_get(lxc_container *c)');
/** int lxc_container_put(struct lxc_container *c) */
export const lxc_container_put = optional('int lxc_container_put(lxc_container *c)');
/** int lxc_get_wait_states(const char **states) */
export const lxc_get_wait_states = optional('int lxc_get_wait_states(const char **states)');
/** const char *lxc_get_global_config_item(const char *key) */
export const lxc_get_global_config_item = optional('const char *lxc_get_global_config_item(const char *key)');
/** int list_defined_containers(const char *lxcpath, char ***names, struct lxc_container ***cret) */
export const list_defined_containers = optional('int list_defined_containers(const char *lxcpath, _Out_ void **names, void *cret)');
/** int list_active_containers(const char *lxcpath, char ***names, struct lxc_container ***cret) */
export const list_active_containers = optional('int list_active_containers(const char *lxcpath, _Out_ void **names, void *cret)');
/** int list_all_containers(const char *lxcpath, char ***names, struct lxc_container ***cret) */
export const list_all_containers = optional('int list_all_containers(const char *lxcpath, _Out_ void **names, void *cret)');
/** int lxc_attach_run_command(void *payload): its address, to pass as an lxc_attach_exec_t. */
export const lxc_attach_run_command: bigint = liblxc.symbol('lxc_attach_run_command');
/** int lxc_attach_run_shell(void *payload): its address, to pass as an lxc_attach_exec_t. */
export const lxc_attach_run_shell: bigint = liblxc.symbol('lxc_attach_run_shell');
/** int lxc_log_init(struct lxc_log *log) */
export const lxc_log_init = optional('int lxc_log_init(lxc_log *log)');
/** void lxc_log_close(void) */
export const lxc_log_close = optional('void lxc_log_close(void)');
/** bool lxc_config_item_is_supported(const char *key) */
export const lxc_config_item_is_supported = optional('bool lxc_config_item_is_supported(const char *key)');
/** bool lxc_has_api_extension(const char *extension): from liblxc 3.1.0; before, it throws MissingFunctionError. */
export const lxc_has_api_extension = optional('bool lxc_has_api_extension(const char *extension)');

/** Thrown when the runtime's struct lxc_container has no such member. */
export class MissingMemberError extends Error {
  override readonly name = 'MissingMemberError';
  readonly code = 'ENOTSUP';
  constructor(readonly member: string, readonly since: LxcVersion | undefined) {
    super(`lxc_container.${member} is not in liblxc ${versionString}`);
  }
}

/** First release whose struct lxc_container has `member`, if any release has it. */
export function memberSince(member: string, structName = 'lxc_container'): LxcVersion | undefined {
  for (const m of structs[structName] ?? []) if (memberName(m.decl) === member) return m.since;
  return undefined;
}

function memberName(decl: string): string {
  return /\(\s*\*\s*(\w+)\s*\)/.exec(decl)?.[1] ?? /(\w+)\s*(?:\[\w+\])?$/.exec(decl)![1];
}

const offsets = new Map<string, number>();
for (const m of types.members.lxc_container) offsets.set(m.name, koffi.offsetof(types.structs.lxc_container, m.name));

// Every container liblxc makes points at the same lxcapi_* functions: decode each address once.
const decodedByAddress = new Map<bigint, CFunction>();

/** A callable for the function pointer `member` of the struct lxc_container at `c`. */
export function method<K extends MemberName>(c: bigint, member: K): Member<K>;
export function method(c: bigint, member: string): CFunction;
export function method(c: bigint, member: string): CFunction {
  const offset = offsets.get(member);
  const proto = types.method(member);
  if (offset === undefined || !proto) throw new MissingMemberError(member, memberSince(member));
  const address = koffi.decode(c, offset, 'void *') as bigint;
  let fn = decodedByAddress.get(address);
  if (!fn) {
    fn = koffi.decode(address, proto) as CFunction;
    decodedByAddress.set(address, fn);
  }
  return fn;
}

/** Whether the runtime's struct lxc_container has the member `name`. */
export function hasMember(name: string): boolean {
  return offsets.has(name);
}

/** Reads a plain (non-function) member of the struct lxc_container at `c`. */
export function field(c: bigint, member: string): unknown {
  const offset = offsets.get(member);
  const m = types.members.lxc_container.find((x) => x.name === member);
  if (offset === undefined || !m || m.params !== undefined) throw new MissingMemberError(member, memberSince(member));
  return koffi.decode(c, offset, m.type.replace(/\bstruct\s+\w+\s*\*/, 'void *'));
}

// ---- marshalling: the C shapes that take more than one koffi call ---------------------------------
// NULL-terminated string arrays, the two-call buffer reads, struct lxc_snapshot arrays with their
// own free(), the struct lxc_console_log liblxc writes back into. No policy: errors are the caller's.

/** Reads a NULL-terminated `char **` (or its first `count` items) that the caller owns, then frees each string and the array. */
export function takeStringArray(ptr: bigint | null, count?: number): string[] {
  if (!ptr) return [];
  const out: string[] = [];
  for (let i = 0; count === undefined || i < count; i++) {
    const item = koffi.decode(ptr, i * 8, 'void *') as bigint | null;
    if (!item) break;
    out.push(koffi.decode(item, 'char', -1) as string);
    free(item);
  }
  free(ptr);
  return out;
}

/**
 * The two-call read of `int f(..., char *retv, int inlen)`: the length first (a NULL buffer), then
 * the value into a buffer of that size. null when the first call fails; `got` is what the second returned.
 */
export function readSized(call: (retv: Buffer | null, inlen: number) => number): { text: string; got: number } | null {
  const len = call(null, 0);
  if (len < 0) return null;
  const buf = Buffer.alloc(len + 1);
  const got = call(buf, len + 1);
  return { text: buf.toString('utf8', 0, Math.max(0, Math.min(got, len))), got };
}

/** struct lxc_snapshot's string members. */
export interface SnapshotEntry {
  name: string | null;
  comment_pathname: string | null;
  timestamp: string | null;
  lxcpath: string | null;
}

/** Reads `n` struct lxc_snapshot from the array snapshot_list() made, frees each through its free() member, then the array. */
export function takeSnapshots(types: Declarations, array: bigint | null, n: number): SnapshotEntry[] {
  if (!array) return [];
  const type = types.structs.lxc_snapshot;
  const size = koffi.sizeof(type);
  const out: SnapshotEntry[] = [];
  for (let i = 0; i < n; i++) {
    const entry = array + BigInt(i * size);
    const text = (member: keyof SnapshotEntry) => koffi.decode(entry, koffi.offsetof(type, member), 'const char *') as string | null;
    out.push({ name: text('name'), comment_pathname: text('comment_pathname'), timestamp: text('timestamp'), lxcpath: text('lxcpath') });
    const freeEntry = koffi.decode(entry, koffi.offsetof(type, 'free'), 'void *') as bigint | null;
    if (freeEntry) (koffi.decode(freeEntry, 'lxc_snapshot_free') as (s: bigint) => void)(entry);
  }
  free(array);
  return out;
}

/**
 * A struct lxc_console_log in C memory (liblxc writes `data`, a buffer it allocates, and
 * `*read_max` back into it). free() releases the struct, read_max and any data.
 */
export class ConsoleLogRequest {
  readonly ptr: bigint;
  readonly #readMax: bigint;
  readonly #type: Declarations['structs'][string];

  constructor(types: Declarations, fields: { clear: boolean; read: boolean; readMax: number }) {
    this.#type = types.structs.lxc_console_log;
    this.ptr = koffi.alloc(this.#type, 1) as bigint;
    this.#readMax = koffi.alloc('uint64_t', 1) as bigint;
    koffi.encode(this.#readMax, 'uint64_t', BigInt(fields.readMax));
    koffi.encode(this.ptr, this.#type, { clear: fields.clear, read: fields.read, read_max: this.#readMax, data: null });
  }

  /** The bytes liblxc read (a copy), or null when it returned none; frees liblxc's buffer. */
  takeData(): Buffer | null {
    const data = koffi.decode(this.ptr, koffi.offsetof(this.#type, 'data'), 'void *') as bigint | null;
    if (!data) return null;
    const len = Number(koffi.decode(this.#readMax, 'uint64_t'));
    // Copied (Buffer.from of a Uint8Array copies; of the ArrayBuffer it would alias memory freed next).
    const bytes = Buffer.from(new Uint8Array(koffi.view(data, len)));
    free(data);
    return bytes;
  }

  free(): void {
    koffi.free(this.ptr);
    koffi.free(this.#readMax);
  }
}

/** `values` reduced to the members the runtime's struct has (struct migrate_opts grew over releases), and its size. */
export function structFor(types: Declarations, struct: string, values: Record<string, unknown>): { value: Record<string, unknown>; size: number } {
  const members = new Set(types.members[struct].map((m) => m.name));
  const value = Object.fromEntries(Object.entries(values).filter(([k]) => members.has(k)));
  return { value, size: koffi.sizeof(types.structs[struct]) };
}

/** Whether the runtime's `struct` has `member`. */
export function structHas(types: Declarations, struct: string, member: string): boolean {
  return types.members[struct].some((m) => m.name === member);
}

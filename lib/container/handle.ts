// What every method family of Container works through: the struct lxc_container pointer and its
// lifetime, the decoded members, the per-container queue, and the one call path into a member.
// The call path owns the order of the checks, as go-lxc's makeSure(flags) does: released →
// member present in this runtime → API extension → required state → queue → log capture →
// fork safety (a runner process for forking members) → failure as the named LxcError code.
import * as ffi from '../../ffi/index.js';
import { LxcError, logReason, type LxcErrorCode, type LxcErrorDetails } from '../errors.js';
import type { LogTarget } from '../calllog.js';
import { u64Arg, u32Arg, type Arg, type MemberCall } from '../runner/protocol.js';
import type { RunSpec, RunResult } from '../runner/pool.js';
import { loadSchemas, schemasLoaded } from '../options/parse.js';
import { fs } from '../runtime.js';

// The log capture of calls made in this process, loaded with the first such call.
let callLogModule: Promise<typeof import('../calllog.js')> | undefined;
// Forking calls run in runner processes (lib/runner/), loaded with the first such call.
let runnerModule: Promise<typeof import('../runner/pool.js')> | undefined;
const runnerLib = () => (runnerModule ??= import('../runner/pool.js'));

/**
 * struct lxc_container members that fork or clone the calling process in some release or for some
 * backing store (docs/design.md, "Forks"): they run in a runner process, never in this one.
 */
export const FORKING: ReadonlySet<ffi.MemberName> = new Set<ffi.MemberName>([
  'start', 'clone', 'snapshot', 'snapshot_restore', 'snapshot_destroy', 'snapshot_destroy_all', 'destroy',
  'destroy_with_snapshots', 'rename', 'attach', 'get_ips', 'get_interfaces', 'add_device_node', 'remove_device_node',
  'attach_interface', 'detach_interface', 'mount', 'umount', 'checkpoint', 'restore', 'migrate',
]);

/**
 * Throws LxcError ENOTSUP, naming the release that added it, when `version`'s struct
 * lxc_container has no `member`; a member the runtime lacks is never called.
 *
 * @example
 * requireMember('devpts_fd', [4, 0, 0], 'devptsFd') // throws: added in liblxc 4.0.5
 */
export function requireMember(member: string, version: ffi.LxcVersion, op: string = member): void {
  if (ffi.layoutOf('lxc_container', version).some((m) => ffi.parseMember(m.decl).name === member)) return;
  const since = ffi.memberSince(member);
  const added = since ? `added in liblxc ${since.join('.')}` : 'in no tabled liblxc release';
  throw new LxcError('ENOTSUP', `${op}: liblxc ${version.join('.')} has no ${member}() (${added})`, { op });
}

/**
 * The API extensions of liblxc 3.1.0's list (the first release with lxc_has_api_extension()) whose
 * function or member liblxc 3.0's headers already have: lxc_log_init(),
 * lxc_config_item_is_supported(), lxc_container.console_log and .reboot2.
 */
const EXTENSIONS_IN_3_0: ReadonlySet<string> = new Set(['lxc_log', 'lxc_config_item_is_supported', 'console_log', 'reboot2']);

/**
 * Whether the runtime liblxc has the API extension `name`: lxc_has_api_extension(), or on liblxc
 * 3.0, which lacks that function, whether 3.0 has what the extension names (every later one: no).
 */
export function apiExtension(name: string): boolean {
  if (!ffi.hasFunction('lxc_has_api_extension')) return EXTENSIONS_IN_3_0.has(name);
  return ffi.lxc_has_api_extension(name) as boolean;
}

/** The state a call needs: checked before it is queued, in this order (defined first). */
export type Need = 'defined' | 'running' | 'stopped';

/** What a call needs before it reaches C, and how its failure is named. */
export interface CallSpec<R = unknown> {
  /** The container must exist / run / exist and be stopped. */
  needs?: Need;
  /** An API extension liblxc must report (lxc_has_api_extension). */
  extension?: string;
  /** The result that means failure (default: falsy), the code it becomes and the message when liblxc logged no reason. */
  fails?: { code: LxcErrorCode; why: string; when?: (result: R) => boolean };
  /** Fired before liblxc has the call (still queued): the call never runs and rejects with EABORT. */
  signal?: AbortSignal;
}

/** A call's result and liblxc's log lines for it. */
export interface Outcome<R> {
  result: R;
  log: string[];
}

// Backstop for Containers dropped without release(): put their liblxc reference. Containers join it
// a microtask after construction (Handle.register), so one released in the same turn never does:
// the registry's bookkeeping kept ≈ 7 MB of RSS over 100 000 new + release() (docs/benchmarks.md).
const finalizer = new FinalizationRegistry<bigint>((ptr) => ffi.lxc_container_put(ptr));
const toRegister = new Map<Handle, object>();
let flushQueued = false;

let nextCid = 1;

/** A JS argument as the runner protocol carries it: 64-bit integers, typed arrays and structs tagged. */
export function toArg(v: unknown): Arg {
  if (typeof v === 'bigint') return u64Arg(v);
  if (v instanceof Uint32Array) return u32Arg(Array.from(v));
  if (Array.isArray(v)) return v.map(toArg);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toArg(x)]));
  return v as Arg;
}

import type { Container } from '../container.js';

let makeContainer: ((name: string, lxcpath: string) => Container) | undefined;

/** Called once by container.ts: how the families make the Container a call resolves (clone, rename). */
export function setSiblingFactory(f: (name: string, lxcpath: string) => Container): void {
  makeContainer = f;
}

/** A new Container object for `name` in `lxcpath`, without the families importing the class. */
export function sibling(name: string, lxcpath: string): Container {
  return makeContainer!(name, lxcpath);
}

/** A family module loaded on its first call: `loaded` once it is. */
export interface Lazy<M> {
  loaded?: M;
  load(): Promise<M>;
}

/** A Lazy over `load` (a dynamic import). */
export function lazy<M>(load: () => Promise<M>): Lazy<M> {
  let loading: Promise<M> | undefined;
  const l: Lazy<M> = { load: () => (loading ??= load().then((m) => (l.loaded = m))) };
  return l;
}

/** Whether a container `name` is defined in `lxcpath` (a struct of its own, put at once). */
export function exists(name: string, lxcpath: string): boolean {
  const ptr = ffi.lxc_container_new(name, lxcpath) as bigint | null;
  if (!ptr) return false;
  try {
    return ffi.method(ptr, 'is_defined')(ptr);
  } finally {
    ffi.lxc_container_put(ptr);
  }
}

/** A family loaded with container.ts, as a Lazy (for Handle.later). */
export function loadedFamily<M>(m: M): Lazy<M> {
  return { loaded: m, load: () => Promise.resolve(m) };
}

/**
 * `family`, and zod too when the call has an options object to parse and zod is not loaded yet:
 * the call then starts once both are there (Handle.later admits it at once). zod's first import
 * thus never runs inside a call's synchronous start, where it would hold the event loop.
 */
export function withSchemas<M>(family: Lazy<M>, needed: boolean): Lazy<M> {
  if (!needed || schemasLoaded()) return family;
  return { load: () => Promise.all([family.load(), loadSchemas()]).then(([m]) => m) };
}

const NOT_ROOT_HINT = 'run as root (sudo), or see docs/guide.md for what unprivileged containers need (XDG_RUNTIME_DIR, subuid/subgid maps, lxc-usernsexec)';

/**
 * Why liblxc would refuse a Container to a caller that is not root, or null: lxc_container_new()
 * makes its lock directory under /run when the caller owns /run, else under $XDG_RUNTIME_DIR or
 * $HOME/.cache/lxc/run (get_rundir, lxclock_name), and prints "Failed to create lock" to stderr
 * when it cannot. The same directory is made here first, as liblxc would make it.
 */
function notRootProblem(lxcpath: string): string | null {
  const euid = process.geteuid?.();
  if (euid === undefined || euid === 0) return null;
  let rundir: string;
  try {
    const run = fs.statSync('/run');
    rundir = euid === run.uid || process.getegid?.() === run.gid ? '/run'
      : process.env.XDG_RUNTIME_DIR !== undefined ? process.env.XDG_RUNTIME_DIR : (process.env.HOME ? `${process.env.HOME}/.cache/lxc/run/` : '');
  } catch {
    return null;
  }
  if (!rundir) return `not root (uid ${euid}), and neither XDG_RUNTIME_DIR nor HOME is set for liblxc's lock directory; ${NOT_ROOT_HINT}`;
  const dir = `${rundir}/lxc/lock/${lxcpath}`.replace(/\/+/g, '/');
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    fs.accessSync(dir, fs.constants.W_OK);
    return null;
  } catch (e) {
    return `not root (uid ${euid}), and liblxc cannot make its lock directory ${dir} (${(e as NodeJS.ErrnoException).code}); ${NOT_ROOT_HINT}`;
  }
}

/** One Container's struct lxc_container and everything that calls into it. */
export class Handle {
  readonly name: string;
  lxcpath: string;
  /** The public object this handle belongs to (the finalizer's target). */
  readonly owner: object;
  /** Identifies this object to the runners. */
  readonly cid = nextCid++;
  /** Generation of the in-memory config; a runner whose copy is of another is sent it again. */
  gen = 0;
  /** The generation whose config is the one in the config file (loaded or saved there). */
  diskGen = 0;
  /** The command socket's receive timeout set by setTimeout() (liblxc ≥ 6.0), for the runners' structs too. */
  rcvTimeout: number | undefined;
  /** Per-family state that lives as long as the container (the attach family's spare worker). */
  readonly extras = new Map<string, unknown>();
  /** Called by release() before the struct goes (the families' own cleanup). */
  readonly onRelease: Array<() => void> = [];
  #ptr: bigint | null;
  // Decoded members by name (typed at member()'s boundary).
  #fns: Record<string, ffi.CFunction> = Object.create(null);
  // Async liblxc calls on one struct run one at a time, as go-lxc's per-container mutex does.
  #queue: Promise<unknown> = Promise.resolve();
  #busy = 0;
  #releasePending = false;
  // > 0 while a lazily loaded family runs the synchronous start of a call made before release().
  #grace = 0;

  constructor(owner: object, name: string, lxcpath: string) {
    this.owner = owner;
    this.name = name;
    this.lxcpath = lxcpath;
    // Not root: what liblxc would fail on (and print to stderr) is found first and explained.
    const denied = notRootProblem(lxcpath);
    if (denied) throw new LxcError('EACCES', `Container "${name}" in ${lxcpath}: ${denied}`, { op: 'Container', container: name, lxcpath });
    const ptr = ffi.lxc_container_new(name, lxcpath) as bigint | null;
    if (!ptr && process.geteuid?.() !== 0) throw new LxcError('EACCES', `Container "${name}" in ${lxcpath}: liblxc refused it to uid ${process.geteuid?.()}; ${NOT_ROOT_HINT}`, { op: 'Container', container: name, lxcpath });
    if (!ptr) throw new LxcError('EINVAL', `cannot allocate container "${name}" in ${lxcpath}`, { op: 'Container', container: name, lxcpath });
    this.#ptr = ptr;
    this.#register();
  }

  // ---- lifetime ---------------------------------------------------------------------------------

  #register(): void {
    toRegister.set(this, this.owner);
    if (flushQueued) return;
    flushQueued = true;
    queueMicrotask(() => {
      flushQueued = false;
      for (const [h, owner] of toRegister) if (h.#ptr !== null) finalizer.register(owner, h.#ptr, h);
      toRegister.clear();
    });
  }

  #unregister(): void {
    if (!toRegister.delete(this)) finalizer.unregister(this);
  }

  /** Whether release() was called. */
  get released(): boolean {
    return this.#ptr === null || this.#releasePending;
  }

  /** Drops the liblxc reference once the admitted async calls are done. */
  release(): void {
    if (this.#ptr === null || this.#releasePending) return;
    for (const f of [...this.onRelease]) f();
    this.#releasePending = true;
    if (runnerModule) void runnerModule.then((r) => r.forget(this.cid));
    if (this.#busy === 0) this.#put();
  }

  #put(): void {
    if (this.#ptr === null) return;
    this.#unregister();
    ffi.lxc_container_put(this.#ptr);
    this.#ptr = null;
  }

  /** A new struct for the container, read from disk (after create, or a restore over it). */
  reopen(): void {
    const old = this.#ptr!;
    const ptr = ffi.lxc_container_new(this.name, this.lxcpath) as bigint | null;
    if (!ptr) throw this.error('ELOAD', 'reload', 'liblxc could not allocate the container');
    this.#unregister();
    ffi.lxc_container_put(old);
    this.#ptr = ptr;
    this.diskGen = ++this.gen;
    this.#register();
  }

  // ---- the call path ----------------------------------------------------------------------------

  /** The struct, or ERELEASED. */
  ref(op: string): bigint {
    if (this.#ptr === null || (this.#releasePending && this.#grace === 0)) throw this.error('ERELEASED', op, 'the container was released');
    return this.#ptr;
  }

  /**
   * Runs a call of a family that loads on first use (lib/container/lazy.ts) as if it had been
   * loaded: admitted now, so a release() made while the module loads waits for the call's work
   * instead of failing it, exactly as for a call whose family was already there.
   */
  later<M, R>(op: string, family: Lazy<M>, run: (m: M) => Promise<R>): Promise<R> {
    if (family.loaded) return run(family.loaded);
    // An async call reports ERELEASED as a rejection, as the family's own check would.
    try {
      this.ref(op);
    } catch (e) {
      return Promise.reject(e);
    }
    this.#busy++;
    return family.load().then((m) => {
      // The call's synchronous start (its checks, then the queueing of its work) runs now.
      this.#grace++;
      try {
        return run(m);
      } finally {
        this.#grace--;
        this.#settle();
      }
    }, (e: unknown) => {
      this.#settle();
      throw e;
    });
  }

  #settle(): void {
    if (--this.#busy === 0 && this.#releasePending) this.#put();
  }

  /** The decoded member, cached; ENOTSUP naming the release that added it when this runtime lacks it. */
  member<K extends ffi.MemberName>(op: string, name: K, ptr: bigint = this.ref(op)): ffi.Member<K> {
    let fn = this.#fns[name];
    if (!fn) {
      requireMember(name, ffi.layoutVersion, op);
      fn = ffi.method(ptr, name as string);
      this.#fns[name] = fn;
    }
    return fn as unknown as ffi.Member<K>;
  }

  /**
   * The hot getters' path (defined, running, state, initPid): released check and the cached
   * member, nothing else. The generic path's rest arguments cost ≈ 0.15 µs of defined's 2 µs.
   */
  query<K extends 'is_defined' | 'is_running' | 'state' | 'init_pid' | 'may_control' | 'config_file_name'>(op: string, name: K): ReturnType<ffi.LxcContainerMembers[K]> {
    const ptr = this.ref(op);
    return ((this.#fns[name] ?? this.member(op, name, ptr)) as unknown as (c: bigint) => ReturnType<ffi.LxcContainerMembers[K]>)(ptr);
  }

  /** The checks before any call, in their fixed order; returns the struct and the member. */
  #admit<K extends ffi.MemberName>(op: string, name: K, spec: CallSpec<never>): [bigint, ffi.Member<K>] {
    const ptr = this.ref(op);
    const fn = this.member(op, name, ptr);
    if (spec.extension && !apiExtension(spec.extension)) {
      throw this.error('ENOTSUP', op, `liblxc ${ffi.versionString} lacks the ${spec.extension} API extension`);
    }
    if (spec.needs) this.need(op, spec.needs);
    return [ptr, fn];
  }

  /** Throws ENOTDEFINED / ENOTRUNNING / ERUNNING unless the container is in state `need`. */
  need(op: string, need: Need): void {
    if (!this.query(op, 'is_defined')) throw this.error('ENOTDEFINED', op, `no such container in ${this.lxcpath}`);
    if (need === 'running' && !this.query(op, 'is_running')) throw this.error('ENOTRUNNING', op, 'the container is not running');
    if (need === 'stopped' && this.query(op, 'is_running')) throw this.error('ERUNNING', op, 'the container is running: stop it first');
  }

  /** A synchronous call of a member that neither forks nor blocks. */
  call<K extends ffi.MemberName>(op: string, name: K, spec: CallSpec<ReturnType<ffi.LxcContainerMembers[K]>>, ...args: DropFirst<Parameters<ffi.LxcContainerMembers[K]>>): ReturnType<ffi.LxcContainerMembers[K]> {
    const [ptr, fn] = this.#admit(op, name, spec as CallSpec<never>);
    const result = (fn as unknown as (...a: unknown[]) => ReturnType<ffi.LxcContainerMembers[K]>)(ptr, ...args);
    if (spec.fails && (spec.fails.when ? spec.fails.when(result) : !result)) throw this.error(spec.fails.code, op, spec.fails.why);
    return result;
  }

  /**
   * An asynchronous call: admitted now (release() waits for it), queued behind earlier async work on
   * this container, its log captured; a forking member runs in a runner process, any other on
   * koffi's worker thread. A result that `spec.fails` names becomes that LxcError, explained by
   * the first reason liblxc logged.
   */
  async<K extends ffi.MemberName>(op: string, name: K, spec: CallSpec<ReturnType<ffi.LxcContainerMembers[K]>>, ...args: DropFirst<Parameters<ffi.LxcContainerMembers[K]>>): Promise<Outcome<ReturnType<ffi.LxcContainerMembers[K]>>> {
    type R = ReturnType<ffi.LxcContainerMembers[K]>;
    const [ptr, fn] = this.#admit(op, name, spec as CallSpec<never>);
    const done = FORKING.has(name)
      ? this.abortable(op, spec.signal, () => this.runForking(op, [{ member: name, args: (args as unknown[]).map(toArg) }])) as Promise<Outcome<R>>
      : this.abortable(op, spec.signal, () => this.#onWorkerThread<R>(op, ptr, fn as unknown as ffi.CFunction, args as unknown[]));
    if (!spec.fails) return done;
    const { fails } = spec;
    return done.then((outcome) => {
      if (fails.when ? fails.when(outcome.result) : !outcome.result) throw this.failed(fails.code, op, outcome.log, fails.why);
      return outcome;
    });
  }

  /** Several members in one runner call (want_daemonize then start; attach with its fds), queued. */
  forking(op: string, calls: MemberCall[], extra: Pick<RunSpec, 'result' | 'track' | 'fds'> = {}, spec: CallSpec<never> = {}): Promise<RunResult> {
    for (const [i, c] of calls.entries()) {
      // The state and extension checks once, before the first; every member must exist.
      if (i === 0) this.#admit(op, c.member as ffi.MemberName, spec);
      else this.member(op, c.member as ffi.MemberName);
    }
    return this.abortable(op, spec.signal, () => this.runForking(op, calls, extra));
  }

  /**
   * serial(), and `signal` rejects it with EABORT at once while it waits its turn; once its turn
   * came (liblxc has the call) it runs to its end, and the caller decides what to undo.
   */
  abortable<T>(op: string, signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T> {
    if (!signal) return this.serial(task);
    if (signal.aborted) return Promise.reject(this.aborted(op, signal));
    let started = false;
    const done = this.serial(() => {
      if (signal.aborted) throw this.aborted(op, signal);
      started = true;
      return task();
    });
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => { if (!started) reject(this.aborted(op, signal)); };
      signal.addEventListener('abort', onAbort, { once: true });
      done.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** Forking calls in a runner process, on its struct mirroring this one (not queued: for work already admitted). */
  async runForking(op: string, calls: MemberCall[], extra: Pick<RunSpec, 'result' | 'track' | 'fds'> = {}): Promise<RunResult> {
    if (this.#ptr === null) throw this.error('ERELEASED', op, 'the container was released');
    const { run } = await runnerLib();
    // A runner's struct mirrors this one: the same command timeout, when one was set.
    const all = this.rcvTimeout === undefined ? calls : [{ member: 'set_timeout', args: [this.rcvTimeout] }, ...calls];
    try {
      return await run({
        cid: this.cid, gen: this.gen, onDisk: this.gen === this.diskGen, name: this.name, lxcpath: this.lxcpath, calls: all, ...extra,
        saveConfig: (file) => {
          const now = this.#ptr;
          if (now === null || !ffi.field(now, 'lxc_conf')) return false;
          return this.member(op, 'save_config', now)(now, file);
        },
      });
    } catch (e) {
      // The runner process died or its channel broke: still the one error type, naming the call.
      if (e instanceof LxcError) throw e;
      throw new LxcError('ERUNNER', `${op} "${this.name}": ${(e as Error).message}`, { op, container: this.name, lxcpath: this.lxcpath, cause: e });
    }
  }

  async #onWorkerThread<R>(op: string, ptr: bigint, fn: ffi.CFunction, args: unknown[]): Promise<Outcome<R>> {
    const { CallLog } = await (callLogModule ??= import('../calllog.js'));
    const log = new CallLog(this.#logTarget(op, ptr));
    try {
      const result = await new Promise<R>((resolve, reject) =>
        fn.async(ptr, ...args, (err: unknown, r: R) => (err ? reject(err) : resolve(r))));
      return { result, log: log.finish() };
    } catch (e) {
      log.finish();
      throw e;
    }
  }

  /** Runs `task` after the earlier async work on this container; release() waits for it. */
  serial<T>(task: () => Promise<T>): Promise<T> {
    this.#busy++;
    const p = this.#queue.then(task);
    this.#queue = p.then(() => undefined, () => undefined).finally(() => this.#settle());
    return p;
  }

  #logTarget(op: string, ptr: bigint): LogTarget {
    return {
      name: this.name,
      getItem: (key) => this.item(key, ptr) ?? '',
      setItem: (key, value) => this.member(op, 'set_config_item', ptr)(ptr, key, value),
      clearItem: (key) => this.member(op, 'clear_config_item', ptr)(ptr, key),
    };
  }

  // ---- config values ----------------------------------------------------------------------------

  /** A config value as liblxc returns it (undefined: -1, a key this config cannot have). */
  item(key: string, ptr: bigint = this.ref('getConfigItem')): string | undefined {
    const fn = (this.#fns.get_config_item as unknown as ffi.Member<'get_config_item'> | undefined) ?? this.member('getConfigItem', 'get_config_item', ptr);
    // One call into a reused buffer; a second only for values longer than it.
    const len = fn(ptr, key, itemBuffer, itemBuffer.length);
    if (len < 0) return undefined;
    if (len < itemBuffer.length) return itemText(key, len);
    const buf = Buffer.allocUnsafe(len + 1);
    fn(ptr, key, buf, len + 1);
    return buf.toString('utf8', 0, len);
  }

  /** Whether the struct has a config at all (none after clearConfig(), or before create). */
  get hasConfig(): boolean {
    const conf = ffi.field(this.ref('config'), 'lxc_conf');
    return conf !== null && conf !== 0n;
  }

  // ---- errors -----------------------------------------------------------------------------------

  error(code: LxcErrorCode, op: string, message: string, log?: string[], extra: Omit<LxcErrorDetails, 'op' | 'container' | 'lxcpath' | 'log'> = {}): LxcError {
    return new LxcError(code, `${op} "${this.name}": ${message}`, {
      op, container: this.name, lxcpath: this.lxcpath, ...(log ? { log } : {}), ...extra,
    });
  }

  /** EABORT for a fired `signal`, its reason as the cause (a TimeoutError from AbortSignal.timeout(), ...). */
  aborted(op: string, signal: AbortSignal | undefined, log?: string[], extra: Omit<LxcErrorDetails, 'op' | 'container' | 'lxcpath' | 'log' | 'cause'> = {}, why = 'aborted'): LxcError {
    return this.error('EABORT', op, why, log, { ...extra, cause: signal?.reason });
  }

  /** An error for a liblxc call that returned failure, explained by its first logged reason. */
  failed(code: LxcErrorCode, op: string, log: string[], fallback: string): LxcError {
    const reasons = log.filter((l) => / ERROR /.test(l)).map(logReason);
    return this.error(code, op, reasons.length ? reasons[0] : fallback, log);
  }
}

type DropFirst<T extends unknown[]> = T extends [unknown, ...infer R] ? R : never;

// The buffer config values are read into, and the last short value read for each key.
const itemBuffer = Buffer.alloc(4096);
const lastValues = new Map<string, { bytes: Buffer; text: string }>();

/** The value in itemBuffer[0, len) as a string: the same bytes as last time for `key` give the same string back. */
function itemText(key: string, len: number): string {
  // Decoding costs more than the C call (≈ 70 ns of ≈ 400); comparing a few bytes costs ≈ 5.
  const last = lastValues.get(key);
  if (last && last.bytes.length === len) {
    let i = 0;
    while (i < len && last.bytes[i] === itemBuffer[i]) i++;
    if (i === len) return last.text;
  }
  const text = itemBuffer.toString('utf8', 0, len);
  if (len <= 256 && (last || lastValues.size < 1024)) lastValues.set(key, { bytes: Buffer.from(itemBuffer.subarray(0, len)), text });
  return text;
}

// What every method family of Container works through: the struct lxc_container pointer and its
// lifetime, the decoded members, and the per-container queue. Calls into a member go through
// lib/call/ (invoke(), and query() here for the hot getters).
import * as ffi from '../../ffi/index.js';
import { LxcError, logReason, withHint, type LxcErrorCode, type LxcErrorDetails } from '../errors.js';
import { decode } from '../call/routes.js';
import { fs } from '../builtins.js';
import { loadSchemas, schemasLoaded } from '../options/parse.js';
import type { Need } from '../call/routes.js';
import { ownTurn } from '../proc/turn.js';

// Backstop for Containers dropped without release(): put their liblxc reference. Containers join it
// a microtask after construction (Handle.register), so one released in the same turn never does:
// the registry's bookkeeping kept ≈ 7 MB of RSS over 100 000 new + release() (docs/benchmarks.md).
const finalizer = new FinalizationRegistry<bigint>((ptr) => ffi.lxc_container_put(ptr));
const toRegister = new Map<Handle, object>();
let flushQueued = false;

let nextCid = 1;
/** A struct a runner makes for a Container not made yet (a clone's): its cid (reserveCid()), and what drops it. */
export interface Adopted {
  cid: number;
  release: () => void;
}
// What the next Handle takes (sibling() sets it for the length of the constructor).
let given: Adopted | undefined;

/** A cid for a Container made later by sibling(): a runner can know it before the Container exists. */
export function reserveCid(): number {
  return nextCid++;
}

// Calls of lazily loaded families waiting for their module or their turn (Handle.later).
let waitingCalls = 0;

/**
 * The Container a family's call resolves with (clone, rename, snapshotRestore), as the family sees
 * it: the facade's object (container.ts gives it its type), which the family may destroy and release.
 */
export interface Sibling {
  destroy(): Promise<void>;
  release(): void;
  getConfigItem(key: string): string;
  setConfigItem(key: string, value: string): void;
  saveConfig(): void;
}

let makeContainer: ((name: string, lxcpath: string) => Sibling) | undefined;

/** Called once by container.ts: how the families make the Container a call resolves. */
export function setSiblingFactory(f: (name: string, lxcpath: string) => Sibling): void {
  makeContainer = f;
}

/** A new Container object for `name` in `lxcpath`, without the families importing the class; `adopted`: the struct a runner made for it. */
export function sibling(name: string, lxcpath: string, adopted?: Adopted): Sibling {
  given = adopted;
  try {
    return makeContainer!(name, lxcpath);
  } finally {
    given = undefined;
  }
}

// ---- families loaded on first call (container.ts): zod loaded beside a family whose call parses options,
// so its first import never runs inside a call's synchronous start.

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

const NOT_ROOT_HINT = "run as root (sudo), or set this user up for unprivileged containers: `npx lxc-ffi --check` says what is missing, docs/unprivileged.md how to add it";

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
  readonly cid = given?.cid ?? nextCid++;
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
  /** Awaited by stop() and shutdown() first: processes of lxc-ffi's own in the container end before it does. */
  readonly beforeStop: Array<() => Promise<void>> = [];
  /** Decoded members by name, filled by lib/call/routes.ts decode(). */
  readonly members: Record<string, ffi.CFunction> = Object.create(null);
  #ptr: bigint | null;
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
    if (given) this.onRelease.push(given.release);
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

  // ---- admission and queue ----------------------------------------------------------------------

  /** The struct while admitted work still holds it (a release() pending included): an undo's. */
  held(op: string): bigint {
    if (this.#ptr === null) throw this.error('ERELEASED', op, 'the container was released');
    return this.#ptr;
  }

  /** The struct, or ERELEASED. */
  ref(op: string): bigint {
    if (this.#ptr === null || (this.#releasePending && this.#grace === 0)) throw this.error('ERELEASED', op, 'the container was released');
    return this.#ptr;
  }

  /**
   * Runs a call of a family that loads on first use (lazy(), above) as if it had been
   * loaded: admitted now, so a release() made while the module loads waits for the call's work
   * instead of failing it, exactly as for a call whose family was already there.
   */
  later<M, R>(op: string, family: Lazy<M>, run: (m: M) => Promise<R>): Promise<R> {
    if (family.loaded && waitingCalls === 0) return run(family.loaded);
    // An async call reports ERELEASED as a rejection, as the family's own check would.
    try {
      this.ref(op);
    } catch (e) {
      return Promise.reject(e);
    }
    this.#busy++;
    // Calls made while the module loads (sixteen creates at once) start one per turn once it is
    // in; until the last has, later calls queue behind them, loaded family or not (calls start in
    // the order they were made).
    waitingCalls++;
    const turn = family.load().then((m) => ownTurn().then(() => m)).finally(() => { waitingCalls--; });
    return turn.then((m) => {
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

  /**
   * The hot getters' path (defined, running, state, initPid): released check and the cached
   * member, nothing else. The generic path's rest arguments cost ≈ 0.15 µs of defined's 2 µs.
   */
  query<K extends 'is_defined' | 'is_running' | 'state' | 'init_pid' | 'may_control' | 'config_file_name'>(op: string, name: K): ReturnType<ffi.LxcContainerMembers[K]> {
    const ptr = this.ref(op);
    return ((this.members[name] ?? decode(this.members, op, name, ptr)) as unknown as (c: bigint) => ReturnType<ffi.LxcContainerMembers[K]>)(ptr);
  }

  /** Throws ENOTDEFINED / ENOTRUNNING / ERUNNING unless the container is in state `need`. */
  need(op: string, need: Need): void {
    if (!this.query(op, 'is_defined')) throw this.error('ENOTDEFINED', op, `no such container in ${this.lxcpath}`);
    if (need === 'running' && !this.query(op, 'is_running')) throw this.error('ENOTRUNNING', op, 'the container is not running');
    if (need === 'stopped' && this.query(op, 'is_running')) throw this.error('ERUNNING', op, 'the container is running: stop it first');
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

  /** Runs `task` after the earlier async work on this container; release() waits for it. */
  serial<T>(task: () => Promise<T>): Promise<T> {
    this.#busy++;
    const p = this.#queue.then(task);
    this.#queue = p.then(() => undefined, () => undefined).finally(() => this.#settle());
    return p;
  }

  // ---- config ---------------------------------------------------------------------------------

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
    return this.error(code, op, reasons.length ? withHint(reasons[0]) : fallback, log);
  }
}


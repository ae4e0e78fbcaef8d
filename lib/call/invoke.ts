// The one call path into a struct lxc_container member (h.query() aside: the hot getters' own).
// invoke() admits the call (routes.ts), queues it when its route says so, captures its log, runs it
// in its lane (routes.ts) and names its failure: every C call of lib/container reads
// `invoke(h, op, 'member', { fails: { code } }, ...args)`, the way go-lxc's read `C.go_lxc_member`.
import * as ffi from '../../ffi/index.js';
import { LxcError, type LxcErrorCode } from '../errors.js';
import { u64Arg, u32Arg, type Arg, type MemberCall } from '../runner/protocol.js';
import type { LogTarget } from './log.js';
import type { Handle } from '../container/handle.js';
import type { CreateOutcome, runCreate } from '../create/pool.js';
import type { ExitWatch } from '../runner/pool.js';
import { ROUTES, apiExtension, decode, type Route, type SyncMember } from './routes.js';
import { ownTurn } from '../proc/turn.js';

/**
 * A module loaded by the first call that needs it. The calls that waited for it go on one per
 * event-loop iteration (ownTurn()): sixteen creates at once went on together in the turn it came
 * in, its evaluation and their first steps (scratch files, the pool, the first worker) in one
 * stretch of the main thread.
 */
function onDemand<M>(load: () => Promise<M>): OnDemand<M> {
  let loaded: M | undefined;
  let loading: Promise<M> | undefined;
  const get = async (): Promise<M> => {
    if (loaded !== undefined) return loaded;
    const m = await (loading ??= load().then((x) => (loaded = x)));
    await ownTurn();
    return m;
  };
  return Object.defineProperty(get, 'loaded', { get: () => loaded }) as OnDemand<M>;
}

/** onDemand()'s module: a call loads it; `loaded` is it once it is in. */
interface OnDemand<M> {
  (): Promise<M>;
  readonly loaded: M | undefined;
}

// The log capture of calls on koffi's thread, loaded with the first such call.
const callLogModule = onDemand(() => import('./log.js'));
// Runner processes (lib/runner/) and create workers (lib/create/), loaded with the first call that needs one.
const runnerModule = onDemand(() => import('../runner/pool.js'));
const createModule = onDemand(() => import('../create/pool.js'));

type Members = ffi.LxcContainerMembers;
type DropFirst<T extends unknown[]> = T extends [unknown, ...infer R] ? R : never;
type SizedMember = 'get_config_item' | 'get_keys' | 'get_cgroup_item';

/** What create's worker is told, beyond the container it is for. */
export type CreateCall = Omit<Parameters<typeof runCreate>[0], 'name' | 'lxcpath' | 'saveConfig' | 'signal'>;

/** A member's arguments after the struct: a sized read's key; create's request; attach's, tagged for the runner. */
export type CallArgs<K extends ffi.MemberName> =
  K extends SizedMember ? [key: string | null]
    : K extends 'create' ? [request: CreateCall]
      : K extends 'attach' ? Arg[]
        : DropFirst<Parameters<Members[K]>>;

/** What a call answers: a sized read's text (undefined: liblxc answered < 0); clone's whether it made one; get_ips' list. */
export type CallResult<K extends ffi.MemberName> =
  K extends SizedMember ? string | undefined
    : K extends 'create' ? CreateOutcome
      : K extends 'clone' ? boolean
        : K extends 'get_ips' | 'get_interfaces' ? string[]
          : ReturnType<Members[K]>;

/** An async call's result and liblxc's log lines for it; for a runner's, its out-parameters and the watch on a process it started. */
export interface Outcome<R> {
  result: R;
  log: string[];
  outs?: number[][];
  watch?: ExitWatch | null;
}

/** A sync lane's call answers its value; any other a Promise of its Outcome. */
export type Invoked<K extends ffi.MemberName> = K extends SyncMember ? CallResult<K> : Promise<Outcome<CallResult<K>>>;

/** How one call is made, beyond its route. */
export interface CallSpec<R = unknown> {
  /** The result that means failure (default: falsy), the code it becomes and the message when liblxc logged no reason. */
  fails?: { code: LxcErrorCode; why: string; when?: (result: R) => boolean };
  /** Fired before liblxc has the call (still queued): the call never runs and rejects with EABORT. */
  signal?: AbortSignal | undefined;
  /** runner: members called first in the same request, on the same struct (want_daemonize before start). */
  before?: MemberCall[];
  /** runner: fds handed over with the request (attach's stdio), and whether it watches the pid in out-parameter 0. */
  fds?: number[];
  track?: boolean;
  /** runner, clone: the runner makes its struct for the Container the caller makes with this cid (Handle's reserveCid) after it answers. */
  adopt?: { cid: number; name: string; lxcpath: string };
  /** Cleanup of work already admitted (an aborted call's undo): neither checked nor queued. */
  undo?: boolean;
  /** Runs in the call's queue turn, before it: stop's end of lxc-ffi's own processes in the container. */
  first?: () => Promise<void>;
  /** Runs in the call's queue turn, after it and before the next call: create's half-made cleanup. */
  settle?: (outcome: Outcome<R>) => Promise<void>;
}

/** A call with nothing beyond its route; shared, so that a hot call allocates no spec (≈ 15 ns of getConfigItem's 400). */
export const plain: Readonly<Record<string, never>> = Object.freeze({});

/**
 * Calls `member` of `h`'s struct by its route: checks, queue, log, lane, failure named `spec.fails.code`.
 *
 * @example
 * const v = invoke(h, 'getConfigItem', 'get_config_item', plain, 'lxc.uts.name');
 * await invoke(h, 'freeze', 'freeze', { fails: { code: 'EFREEZE', why: 'liblxc could not freeze it' } });
 */
export function invoke<K extends ffi.MemberName>(h: Handle, op: string, member: K, spec: CallSpec<CallResult<K>>, ...args: CallArgs<K>): Invoked<K> {
  // getConfigItem's (and setConfigItem's) member first, on a path of its own: past the generic
  // lookups below, which many members make megamorphic in a process that calls them all.
  // eslint-disable-next-line prefer-rest-params
  if (member === 'get_config_item') return configItem(h, op, spec as CallSpec, arguments[4] as string | null) as Invoked<K>;
  const r: Route = ROUTES[member];
  // The arguments are read from `arguments`, never from the unused rest parameter, which V8 then
  // does not allocate: a sync call (at most 3 arguments, test/unit/call-routes.test.ts) makes no array.
  // Two functions, not one: the async path's closures would cost every sync call a context allocation.
  // eslint-disable-next-line prefer-rest-params
  if (r.lane === 'sync') return syncCall(h, op, member, r, spec as CallSpec, arguments.length - 4, arguments[4], arguments[5], arguments[6]) as Invoked<K>;
  // eslint-disable-next-line prefer-rest-params
  return asyncCall(h, op, member, r, spec as CallSpec, Array.prototype.slice.call(arguments, 4) as unknown[]) as Invoked<K>;
}

function asyncCall(h: Handle, op: string, member: ffi.MemberName, r: Route, spec: CallSpec, args: unknown[]): Promise<Outcome<unknown>> {
  let ptr: bigint;
  try {
    ptr = spec.undo ? undoable(h, op, member) : admit(h, op, member, r);
  } catch (e) {
    return Promise.reject(e);
  }
  const run = async (): Promise<Outcome<unknown>> => {
    if (spec.first) await spec.first();
    const outcome = await lane(h, op, member, r, ptr, spec, args);
    if (spec.settle) await spec.settle(outcome);
    return outcome;
  };
  const done = spec.undo ? run() : h.abortable(op, spec.signal, run);
  const { fails } = spec;
  if (!fails) return done;
  return done.then((outcome) => {
    if (fails.when ? fails.when(outcome.result) : !outcome.result) throw h.failed(fails.code, op, outcome.log, fails.why);
    return outcome;
  });
}

/** The checks before any call, in their fixed order; returns the struct. */
function admit(h: Handle, op: string, member: ffi.MemberName, r: Route): bigint {
  const ptr = h.ref(op);
  decode(h.members, op, member, ptr);
  if (r.extension !== undefined && !apiExtension(r.extension)) throw h.error('ENOTSUP', op, `liblxc ${ffi.versionString} lacks the ${r.extension} API extension`);
  if (r.needs) h.need(op, r.needs);
  return ptr;
}

/** An undo's struct and member: no extension or state check (the call it undoes passed them). */
function undoable(h: Handle, op: string, member: ffi.MemberName): bigint {
  const ptr = h.held(op);
  decode(h.members, op, member, ptr);
  return ptr;
}

function syncCall(h: Handle, op: string, member: ffi.MemberName, r: Route, spec: CallSpec, n: number, a: unknown, b: unknown, c: unknown): unknown {
  // admit(), inlined: this is getConfigItem's and setConfigItem's whole path.
  const ptr = h.ref(op);
  const fn = (h.members[member] ?? decode(h.members, op, member, ptr)) as unknown as (...x: unknown[]) => unknown;
  if (r.extension !== undefined && !apiExtension(r.extension)) throw h.error('ENOTSUP', op, `liblxc ${ffi.versionString} lacks the ${r.extension} API extension`);
  if (r.needs !== null) h.need(op, r.needs);
  const result = r.sized ? sized(fn as never, ptr, member, a as string | null)
    : n === 0 ? fn(ptr) : n === 1 ? fn(ptr, a) : n === 2 ? fn(ptr, a, b) : fn(ptr, a, b, c);
  const { fails } = spec;
  if (fails !== undefined && (fails.when ? fails.when(result) : !result)) throw h.error(fails.code, op, fails.why);
  return result;
}

const CONFIG_ITEM: Route = ROUTES.get_config_item;

/** syncCall() for get_config_item: the same checks, in the same order, from its route. */
function configItem(h: Handle, op: string, spec: CallSpec, key: string | null): string | undefined {
  const ptr = h.ref(op);
  const fn = (h.members.get_config_item ?? decode(h.members, op, 'get_config_item', ptr)) as unknown as ItemReader;
  if (CONFIG_ITEM.extension !== undefined && !apiExtension(CONFIG_ITEM.extension)) throw h.error('ENOTSUP', op, `liblxc ${ffi.versionString} lacks the ${CONFIG_ITEM.extension} API extension`);
  if (CONFIG_ITEM.needs !== null) h.need(op, CONFIG_ITEM.needs);
  const result = key === null ? sized(fn, ptr, 'get_config_item', key) : configRead(fn, ptr, key);
  const { fails } = spec;
  if (fails !== undefined && (fails.when ? fails.when(result) : !result)) throw h.error(fails.code, op, fails.why);
  return result;
}

function lane(h: Handle, op: string, member: ffi.MemberName, r: Route, ptr: bigint, spec: CallSpec, args: unknown[]): Promise<Outcome<unknown>> {
  if (r.lane === 'thread') return onThread(h, op, ptr, h.members[member], args);
  if (r.lane === 'worker') return inWorker(h, op, spec, args[0] as CreateCall);
  return inRunner(h, op, ptr, r, spec, [...(spec.before ?? []), { member, args: args.map(toArg) }]);
}

// ---- lanes ---------------------------------------------------------------------------------------

async function onThread(h: Handle, op: string, ptr: bigint, fn: ffi.CFunction, args: unknown[]): Promise<Outcome<unknown>> {
  const { CallLog } = await callLogModule();
  const log = new CallLog(logTarget(h, op, ptr));
  try {
    const result = await new Promise((resolve, reject) => fn.async(ptr, ...args, (err: unknown, r: unknown) => (err ? reject(err) : resolve(r))));
    return { result, log: log.finish() };
  } catch (e) {
    log.finish();
    throw e;
  }
}

/** Forking calls in a runner process, on its struct mirroring this one. */
async function inRunner(h: Handle, op: string, ptr: bigint, r: Route, spec: CallSpec, calls: MemberCall[]): Promise<Outcome<unknown>> {
  const runners = await runnerModule();
  if (!h.extras.has(RUNNERS)) {
    h.extras.set(RUNNERS, true);
    // A released Container's structs in the runners go with it.
    h.onRelease.push(() => runners.forget(h.cid));
  }
  // A runner's struct mirrors this one: the same command timeout, when one was set.
  const all = h.rcvTimeout === undefined ? calls : [{ member: 'set_timeout', args: [h.rcvTimeout] }, ...calls];
  try {
    return await runners.run({
      cid: h.cid, gen: h.gen, onDisk: h.gen === h.diskGen, name: h.name, lxcpath: h.lxcpath, calls: all,
      result: r.result, ...(spec.track ? { track: true } : {}), ...(spec.fds ? { fds: spec.fds } : {}),
      ...(spec.adopt ? { adopt: spec.adopt } : {}),
      saveConfig: (file) => saveConfig(h, op, file),
    });
  } catch (e) {
    // The runner process died or its channel broke: still the one error type, naming the call.
    if (e instanceof LxcError) throw e;
    throw new LxcError('ERUNNER', `${op} "${h.name}": ${(e as Error).message}`, { op, container: h.name, lxcpath: h.lxcpath, cause: e });
  }
}
const RUNNERS = 'call:runners';

/** Drops the runners' structs of the Container `cid`: one a runner adopted (clone) for a Container released since, or never made. */
export function forgetInRunners(cid: number): void {
  runnerModule.loaded?.forget(cid);
}

/** create in a create worker: config set on this object before create() reaches it through a saved file. */
async function inWorker(h: Handle, op: string, spec: CallSpec, request: CreateCall): Promise<Outcome<CreateOutcome>> {
  const { runCreate } = await createModule();
  const outcome = await runCreate({
    ...request, name: h.name, lxcpath: h.lxcpath, signal: spec.signal,
    saveConfig: (file: string) => saveConfig(h, op, file),
  });
  return { result: outcome, log: outcome.log };
}

/** The in-memory config saved to `file` for a runner or worker; false when the struct has none (they read the disk). */
function saveConfig(h: Handle, op: string, file: string): boolean {
  // Admitted work holds the struct even once release() is pending: its config is still the one to use.
  let ptr: bigint;
  try {
    ptr = h.held(op);
  } catch {
    return false;
  }
  const conf = ffi.field(ptr, 'lxc_conf');
  if (conf === null || conf === 0n) return false;
  return decode(h.members, op, 'save_config', ptr)(ptr, file);
}

function logTarget(h: Handle, op: string, ptr: bigint): LogTarget {
  return {
    name: h.name,
    getItem: (key) => sized(decode(h.members, op, 'get_config_item', ptr) as never, ptr, 'get_config_item', key) ?? '',
    setItem: (key, value) => decode(h.members, op, 'set_config_item', ptr)(ptr, key, value),
    clearItem: (key) => decode(h.members, op, 'clear_config_item', ptr)(ptr, key),
  };
}

/** A JS argument as the runner protocol carries it: 64-bit integers, typed arrays and structs tagged. */
function toArg(v: unknown): Arg {
  if (typeof v === 'bigint') return u64Arg(v);
  if (v instanceof Uint32Array) return u32Arg(Array.from(v));
  if (Array.isArray(v)) return v.map(toArg);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toArg(x)]));
  return v as Arg;
}

// ---- sized reads ---------------------------------------------------------------------------------

/** A sized read's member: `member(c, key, retv, inlen)`. */
type ItemReader = (c: bigint, key: string | null, retv: Buffer | null, inlen: number) => number;

// The buffer config values are read into, and the last short value read for each key.
const itemBuffer = Buffer.alloc(4096);
const lastValues = new Map<string, { bytes: Buffer; text: string }>();

/**
 * `member(c, key, retv, inlen)` as a string, undefined when liblxc answers < 0. get_config_item: one
 * call into a reused buffer, a second only for longer values (it answers the whole length). The
 * others are sized by a first call without a buffer: get_cgroup_item answers only what it read.
 */
function sized(fn: ItemReader, ptr: bigint, member: ffi.MemberName, key: string | null): string | undefined {
  if (member !== 'get_config_item' || key === null) {
    const read = ffi.readSized((buf, len) => fn(ptr, key, buf, len));
    return !read || read.got < 0 ? undefined : read.text;
  }
  return configRead(fn, ptr, key);
}

/** get_config_item's read of `key`: one call into a reused buffer, a second only for longer values. */
function configRead(fn: ItemReader, ptr: bigint, key: string): string | undefined {
  const len = fn(ptr, key, itemBuffer, itemBuffer.length);
  if (len < 0) return undefined;
  if (len < itemBuffer.length) return itemText(key, len);
  const buf = Buffer.allocUnsafe(len + 1);
  fn(ptr, key, buf, len + 1);
  return buf.toString('utf8', 0, len);
}

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

// Where each struct lxc_container member runs, one row per member of ffi/members.ts, and the
// checks a call passes before its lane (admission, go-lxc's makeSure order: released → member
// present in this runtime → API extension → required state). The table is the only
// place that says which members fork (they run in a runner process), which wait (koffi's worker
// thread), which are queued, which move the caller's cgroup or keep their log, and the state a call
// needs. invoke() (invoke.ts) and the runner (lib/runner/main.ts) read it; docs/design.md's
// "Routes" table is tested to agree with it (test/unit/call-routes.test.ts).
import * as ffi from '../../ffi/index.js';
import { LxcError } from '../errors.js';
import { fs } from '../builtins.js';
type MemberName = ffi.MemberName;

/**
 * - `sync`: called on the main thread (it neither forks nor waits);
 * - `thread`: on koffi's worker thread (it may wait, never forks);
 * - `runner`: in a runner process (it forks or clones the caller in some release or backing store);
 * - `worker`: in a create worker (templates run there, fed by this process).
 */
export type Lane = 'sync' | 'thread' | 'runner' | 'worker';

/** The state a call needs: checked before it is queued, in this order (defined first). */
export type Need = 'defined' | 'running' | 'stopped';

/** How a runner answers: the value, a NULL-terminated char ** read and freed, a container put (answered as a boolean). */
export type RunnerResult = 'value' | 'strings' | 'put';

/** One member's row. Every row has every field (one object shape: invoke()'s reads of it stay monomorphic). */
export interface Route {
  lane: Lane;
  /** Queued behind the container's earlier async work (every async lane; sync calls never are). */
  queued: boolean;
  /** The state checked before the call (null: none, or the family checks a finer one itself). */
  needs: Need | null;
  /** An API extension liblxc must report (lxc_has_api_extension), or undefined. */
  extension: string | undefined;
  /** `get_*(c, key, retv, inlen)`: read into a buffer sized by a first call; answered as a string (undefined: < 0). */
  sized: boolean;
  /** runner: how the answer is carried back. */
  result: RunnerResult;
  /** runner: it moves the calling process into the container's cgroups (put back after). */
  movesCgroup: boolean;
  /** runner: its log stays open after the call (the monitor it leaves behind writes to it). */
  keepsLog: boolean;
  /** runner: what it forks runs inside the container before it executes: the runner's log files are hidden from it. */
  entersContainer: boolean;
}

type Extra = Partial<Pick<Route, 'extension' | 'sized' | 'result' | 'movesCgroup' | 'keepsLog' | 'entersContainer'>>;

// Rows keep their lane as a literal type: invoke() answers a sync lane's call with its value, any other with a Promise.
function row<L extends Lane>(lane: L, needs: Need | null, extra: Extra = {}): Route & { lane: L } {
  return {
    lane, queued: lane !== 'sync', needs, extension: extra.extension, sized: extra.sized ?? false,
    result: extra.result ?? 'value', movesCgroup: extra.movesCgroup ?? false, keepsLog: extra.keepsLog ?? false,
    entersContainer: extra.entersContainer ?? false,
  };
}
const sync = (needs: Need | null = null, extra?: Extra) => row('sync', needs, extra);
const thread = (needs: Need | null) => row('thread', needs);
const runner = (needs: Need | null, extra?: Extra) => row('runner', needs, extra);

/** Every member of struct lxc_container, and its route. */
export const ROUTES = {
  is_defined: sync(),
  state: sync(),
  is_running: sync(),
  freeze: thread('running'),
  unfreeze: thread('running'),
  init_pid: sync(),
  load_config: sync(),
  start: runner(null, { movesCgroup: true, keepsLog: true }),
  stop: thread('defined'),
  want_daemonize: sync(),
  want_close_all_fds: sync(),
  config_file_name: sync(),
  wait: thread(null),
  set_config_item: sync(),
  // liblxc refuses a running container before anything else (container_destroy, 3.0 to 7.0): whether it
  // runs is asked only when it fails (lifecycle.ts), which saves every destroy a round trip to its command socket.
  destroy: runner('defined'),
  save_config: sync(),
  create: row('worker', null),
  rename: runner('stopped'),
  reboot: sync(),
  shutdown: sync(),
  clear_config: sync(),
  clear_config_item: sync(),
  get_config_item: sync(null, { sized: true }),
  get_running_config_item: sync(),
  get_keys: sync(null, { sized: true }),
  get_interfaces: runner(null, { result: 'strings' }),
  get_ips: runner(null, { result: 'strings' }),
  get_cgroup_item: sync(null, { sized: true }),
  set_cgroup_item: sync('running'),
  get_config_path: sync(),
  set_config_path: sync(),
  clone: runner('defined', { result: 'put' }),
  console_getfd: sync('running'),
  console: thread('running'),
  attach: runner(null, { entersContainer: true }),
  attach_run_wait: runner('running', { entersContainer: true }),
  snapshot: runner('defined'),
  snapshot_list: thread('defined'),
  snapshot_restore: runner('stopped'),
  snapshot_destroy: runner('defined'),
  may_control: sync(),
  add_device_node: runner('running'),
  remove_device_node: runner('running'),
  attach_interface: runner('running'),
  detach_interface: runner('running'),
  checkpoint: runner('running'),
  restore: runner('defined', { movesCgroup: true }),
  destroy_with_snapshots: runner('stopped'),
  snapshot_destroy_all: runner('defined'),
  migrate: runner('defined'),
  console_log: thread('running'),
  reboot2: thread('running'),
  mount: runner('running', { extension: 'mount_injection' }),
  umount: runner('running', { extension: 'mount_injection' }),
  seccomp_notify_fd: sync('running'),
  seccomp_notify_fd_active: sync('running'),
  init_pidfd: sync('running'),
  devpts_fd: sync('running'),
  set_timeout: sync(),
} as const satisfies Record<MemberName, Route>;

/** A member's route. */
export function route(member: MemberName): Route {
  return ROUTES[member];
}

/** The members whose calls answer synchronously. */
export type SyncMember = { [K in MemberName]: (typeof ROUTES)[K]['lane'] extends 'sync' ? K : never }[MemberName];

// ---- admission ------------------------------------------------------------------------------------

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

// The members the loaded liblxc's struct lxc_container was found to have (requireMember passed).
const present = new Set<string>();

/** The decoded member, cached in `cache` (a Handle's members); ENOTSUP naming the release that added it when this runtime lacks it. */
export function decode<K extends ffi.MemberName>(cache: Record<string, ffi.CFunction>, op: string, name: K, ptr: bigint): ffi.Member<K> {
  let fn = cache[name];
  if (!fn) {
    // Checked once per member: it filters and parses the struct's layout (≈ 60 declarations), and
    // each new Container decodes its members again.
    if (!present.has(name)) {
      requireMember(name, ffi.layoutVersion, op);
      present.add(name);
    }
    fn = ffi.method(ptr, name as string);
    cache[name] = fn;
  }
  return fn as unknown as ffi.Member<K>;
}

/**
 * Whether a container `name` is defined in `lxcpath`: what is_defined() answers, a stat() of its
 * config file, without a struct of its own (lxc_container_new parses that file: 20× the cost).
 */
export function exists(name: string, lxcpath: string): boolean {
  return fs.existsSync(`${lxcpath}/${name}/config`);
}

// Where each struct lxc_container member runs, one row per member of ffi/members.ts: the only
// place that says which members fork (they run in a runner process), which wait (koffi's worker
// thread), which are queued, which move the caller's cgroup or keep their log, and the state a call
// needs. invoke() (invoke.ts) and the runner (lib/runner/main.ts) read it; docs/design.md's
// "Routes" table is tested to agree with it (test/unit/call-routes.test.ts).
import type { MemberName } from '../../ffi/index.js';

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
}

type Extra = Partial<Pick<Route, 'extension' | 'sized' | 'result' | 'movesCgroup' | 'keepsLog'>>;

// Rows keep their lane as a literal type: invoke() answers a sync lane's call with its value, any other with a Promise.
function row<L extends Lane>(lane: L, needs: Need | null, extra: Extra = {}): Route & { lane: L } {
  return {
    lane, queued: lane !== 'sync', needs, extension: extra.extension, sized: extra.sized ?? false,
    result: extra.result ?? 'value', movesCgroup: extra.movesCgroup ?? false, keepsLog: extra.keepsLog ?? false,
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
  destroy: runner('stopped'),
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
  attach: runner(null),
  attach_run_wait: runner('running'),
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

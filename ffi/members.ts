// The function-pointer members of struct lxc_container as koffi calls them from JavaScript, by
// their names in lxccontainer.h. The C prototype and the release that added each member are in
// layouts.ts (`structs.lxc_container`); this file gives each one its JavaScript types, so that
// lib/ calls a member without casts. A `*` out-parameter is an Int32Array / BigUint64Array of one.

/** struct lxc_container * (an address). */
export type ContainerPtr = bigint;
/** A pointer the caller frees, or NULL. */
type Owned = bigint | null;
/** `char * const argv[]`, NULL-terminated. */
type Argv = Array<string | null>;
/** lxc_attach_exec_t: the address of lxc_attach_run_command or lxc_attach_run_shell. */
type ExecFunction = bigint;

/** Every member function of struct lxc_container (liblxc 3.0 → 7.0). */
export interface LxcContainerMembers {
  is_defined(c: ContainerPtr): boolean;
  state(c: ContainerPtr): string;
  is_running(c: ContainerPtr): boolean;
  freeze(c: ContainerPtr): boolean;
  unfreeze(c: ContainerPtr): boolean;
  init_pid(c: ContainerPtr): number;
  load_config(c: ContainerPtr, alt_file: string | null): boolean;
  start(c: ContainerPtr, useinit: number, argv: Argv | null): boolean;
  stop(c: ContainerPtr): boolean;
  want_daemonize(c: ContainerPtr, state: boolean): boolean;
  want_close_all_fds(c: ContainerPtr, state: boolean): boolean;
  config_file_name(c: ContainerPtr): string | null;
  wait(c: ContainerPtr, state: string, timeout: number): boolean;
  set_config_item(c: ContainerPtr, key: string, value: string): boolean;
  destroy(c: ContainerPtr): boolean;
  save_config(c: ContainerPtr, alt_file: string | null): boolean;
  create(c: ContainerPtr, t: string | null, bdevtype: string | null, specs: object | null, flags: number, argv: Argv): boolean;
  rename(c: ContainerPtr, newname: string): boolean;
  reboot(c: ContainerPtr): boolean;
  shutdown(c: ContainerPtr, timeout: number): boolean;
  clear_config(c: ContainerPtr): void;
  clear_config_item(c: ContainerPtr, key: string): boolean;
  get_config_item(c: ContainerPtr, key: string, retv: Buffer | null, inlen: number): number;
  get_running_config_item(c: ContainerPtr, key: string): string | null;
  get_keys(c: ContainerPtr, key: string | null, retv: Buffer | null, inlen: number): number;
  get_interfaces(c: ContainerPtr): Owned;
  get_ips(c: ContainerPtr, iface: string | null, family: string | null, scope: number): Owned;
  get_cgroup_item(c: ContainerPtr, subsys: string, retv: Buffer | null, inlen: number): number;
  set_cgroup_item(c: ContainerPtr, subsys: string, value: string): boolean;
  get_config_path(c: ContainerPtr): string;
  set_config_path(c: ContainerPtr, path: string): boolean;
  clone(c: ContainerPtr, newname: string, lxcpath: string | null, flags: number, bdevtype: string | null, bdevdata: string | null, newsize: bigint, hookargs: Argv | null): Owned;
  console_getfd(c: ContainerPtr, ttynum: Int32Array, ptxfd: Int32Array): number;
  console(c: ContainerPtr, ttynum: number, stdinfd: number, stdoutfd: number, stderrfd: number, escape: number): number;
  attach(c: ContainerPtr, exec_function: ExecFunction, exec_payload: unknown, options: object, attached_process: Int32Array): number;
  attach_run_wait(c: ContainerPtr, options: object, program: string, argv: Argv): number;
  snapshot(c: ContainerPtr, commentfile: string | null): number;
  snapshot_list(c: ContainerPtr, snapshots: BigUint64Array): number;
  snapshot_restore(c: ContainerPtr, snapname: string, newname: string): boolean;
  snapshot_destroy(c: ContainerPtr, snapname: string): boolean;
  may_control(c: ContainerPtr): boolean;
  add_device_node(c: ContainerPtr, src_path: string, dest_path: string | null): boolean;
  remove_device_node(c: ContainerPtr, src_path: string, dest_path: string | null): boolean;
  attach_interface(c: ContainerPtr, dev: string, dst_dev: string | null): boolean;
  detach_interface(c: ContainerPtr, dev: string, dst_dev: string | null): boolean;
  checkpoint(c: ContainerPtr, directory: string, stop: boolean, verbose: boolean): boolean;
  restore(c: ContainerPtr, directory: string, verbose: boolean): boolean;
  destroy_with_snapshots(c: ContainerPtr): boolean;
  snapshot_destroy_all(c: ContainerPtr): boolean;
  migrate(c: ContainerPtr, cmd: number, opts: object, size: number): number;
  console_log(c: ContainerPtr, log: bigint): number;
  reboot2(c: ContainerPtr, timeout: number): boolean;
  mount(c: ContainerPtr, source: string, target: string, filesystemtype: string | null, mountflags: bigint, data: string | null, mnt: object): number;
  umount(c: ContainerPtr, target: string, mountflags: bigint, mnt: object): number;
  seccomp_notify_fd(c: ContainerPtr): number;
  seccomp_notify_fd_active(c: ContainerPtr): number;
  init_pidfd(c: ContainerPtr): number;
  devpts_fd(c: ContainerPtr): number;
  set_timeout(c: ContainerPtr, timeout: number): boolean;
}

/** A member's name, as in lxccontainer.h. */
export type MemberName = keyof LxcContainerMembers;

/** A decoded member: callable with its C arguments, and on koffi's worker thread with a callback last. */
export type Member<K extends MemberName> = LxcContainerMembers[K] & {
  async(...args: [...Parameters<LxcContainerMembers[K]>, (err: unknown, result: ReturnType<LxcContainerMembers[K]>) => void]): void;
};

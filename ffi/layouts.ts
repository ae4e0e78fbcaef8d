// Nested anonymous structs: a member `struct { ... } x;` of struct P is recorded as decl 'struct P.x x' and has its own key 'P.x' (in C: offsetof(struct P, x.member)).
/**
 * Version-exact member tables for liblxc's public structs, read off the
 * lxc/lxc release tags lxc-3.0.0 … v7.0.0 (src/lxc/lxccontainer.h and
 * src/lxc/attach_options.h). Pure data: no koffi, no policy.
 *
 * Conventions
 * - Keys ending in `_t` are typedef names (`typedef struct X_t {…} X_t`, tag
 *   and typedef name are identical); other keys are struct tags (`struct key`).
 * - `decl` is the header's declaration with comments and `__attribute__`s
 *   dropped, whitespace collapsed to single spaces (none after `(`, before `)`
 *   or `,`), one declarator per entry, and `T* x` / `T** x` written `T *x` /
 *   `T **x` (several releases spell a few members `char* x`; that is
 *   whitespace only and not treated as a change).
 * - Ranges are half-open, [since, until), and versions compare numerically,
 *   not by release date (lxc-3.0.4 shipped after lxc-3.1.0; that is fine
 *   here because no 3.0.x tag differs from 3.0.0 in these structs).
 * - `since: [3, 0, 0]` means "present in lxc-3.0.0, the oldest tag read"; the
 *   member may be older.
 * - A change in the declaration text (type or parameter name) ends the old
 *   entry and starts a new one, so one member name can have several entries
 *   with disjoint ranges (see lxc_container.console_getfd).
 * - `functions` lists the headers' exported functions the same way.
 * - test/unit/ffi-headers.test.ts checks every entry against the vendored headers of
 *   each release (test/fixtures/headers/<tag>), text and gcc's offsetof/sizeof.
 * - Tags read (every one checked against this table): lxc-3.0.0…lxc-3.0.4,
 *   lxc-3.1.0, lxc-3.2.0, lxc-3.2.1, lxc-4.0.0…lxc-4.0.12,
 *   lxc-5.0.0…lxc-5.0.3, v6.0.0…v6.0.6, v7.0.0.
 */

/** A liblxc release, as [major, minor, patch]. */
export type LxcVersion = readonly [number, number, number];

/** One member of a C struct, as declared in liblxc's headers. */
export interface MemberDecl {
  /** The declaration, normalised to one line, e.g. 'char *error_string' or
   *  'bool (*is_defined)(struct lxc_container *c)' or 'lxc_groups_t groups'. No trailing ';'. */
  readonly decl: string;
  /** First release whose header has this member (in this form). */
  readonly since: LxcVersion;
  /** First release whose header no longer has it (in this form), if any. */
  readonly until?: LxcVersion;
}

/** Oldest and newest releases the table was read for. */
export const oldest: LxcVersion = [3, 0, 0];
export const newest: LxcVersion = [7, 0, 0];

/** Tag each `since`/`until` version (and `oldest`/`newest`) was read from, for citation. */
export const tags: Readonly<Record<string, string>> = {
  '3.0.0': 'lxc-3.0.0',
  '3.1.0': 'lxc-3.1.0',
  '3.2.0': 'lxc-3.2.0',
  '4.0.0': 'lxc-4.0.0',
  '4.0.3': 'lxc-4.0.3',
  '4.0.4': 'lxc-4.0.4',
  '4.0.5': 'lxc-4.0.5',
  '4.0.7': 'lxc-4.0.7',
  '6.0.0': 'v6.0.0',
  '6.0.6': 'v6.0.6',
  '7.0.0': 'v7.0.0',
};

/**
 * Non-struct typedefs and enums used by the declarations, mapped to the C type
 * to treat them as (Linux/glibc). Enums are `int`-sized. Function-pointer
 * typedefs map to their signature as an abstract declarator. Standard C types
 * (bool, size_t, uint64_t, long, …) are used as-is and not listed; struct
 * typedefs (lxc_attach_options_t, lxc_groups_t, lxc_attach_command_t) are keys
 * of `structs`. Identical in every tag read.
 */
export const typedefs: Readonly<Record<string, string>> = {
  lxc_attach_env_policy_t: 'int',
  lxc_attach_exec_t: 'int (*)(void *payload)',
  pid_t: 'int',
  uid_t: 'unsigned int',
  gid_t: 'unsigned int',
};

/** Every member the struct ever had, in header order; a version's layout is the members whose range contains it. */
export const structs: Readonly<Record<string, readonly MemberDecl[]>> = {
  // lxc-3.1.0 appended mount, umount
  // lxc-3.2.0 appended seccomp_notify_fd
  // lxc-4.0.0 appended init_pidfd
  // lxc-4.0.3 and lxc-4.0.4 renamed console_getfd's last parameter (masterfd, then ptmxfd, then ptxfd); same ABI
  // lxc-4.0.5 inserted seccomp_notify_fd_active before init_pidfd (init_pidfd moves one slot) and appended devpts_fd
  // v6.0.0 appended rcv_timeout, set_timeout
  lxc_container: [
    { decl: 'char *name', since: [3, 0, 0] },
    { decl: 'char *configfile', since: [3, 0, 0] },
    { decl: 'char *pidfile', since: [3, 0, 0] },
    { decl: 'struct lxc_lock *slock', since: [3, 0, 0] },
    { decl: 'struct lxc_lock *privlock', since: [3, 0, 0] },
    { decl: 'int numthreads', since: [3, 0, 0] },
    { decl: 'struct lxc_conf *lxc_conf', since: [3, 0, 0] },
    { decl: 'char *error_string', since: [3, 0, 0] },
    { decl: 'int error_num', since: [3, 0, 0] },
    { decl: 'bool daemonize', since: [3, 0, 0] },
    { decl: 'char *config_path', since: [3, 0, 0] },
    { decl: 'bool (*is_defined)(struct lxc_container *c)', since: [3, 0, 0] },
    { decl: 'const char *(*state)(struct lxc_container *c)', since: [3, 0, 0] },
    { decl: 'bool (*is_running)(struct lxc_container *c)', since: [3, 0, 0] },
    { decl: 'bool (*freeze)(struct lxc_container *c)', since: [3, 0, 0] },
    { decl: 'bool (*unfreeze)(struct lxc_container *c)', since: [3, 0, 0] },
    { decl: 'pid_t (*init_pid)(struct lxc_container *c)', since: [3, 0, 0] },
    { decl: 'bool (*load_config)(struct lxc_container *c, const char *alt_file)', since: [3, 0, 0] },
    { decl: 'bool (*start)(struct lxc_container *c, int useinit, char * const argv[])', since: [3, 0, 0] },
    { decl: 'bool (*startl)(struct lxc_container *c, int useinit, ...)', since: [3, 0, 0] },
    { decl: 'bool (*stop)(struct lxc_container *c)', since: [3, 0, 0] },
    { decl: 'bool (*want_daemonize)(struct lxc_container *c, bool state)', since: [3, 0, 0] },
    { decl: 'bool (*want_close_all_fds)(struct lxc_container *c, bool state)', since: [3, 0, 0] },
    { decl: 'char *(*config_file_name)(struct lxc_container *c)', since: [3, 0, 0] },
    { decl: 'bool (*wait)(struct lxc_container *c, const char *state, int timeout)', since: [3, 0, 0] },
    { decl: 'bool (*set_config_item)(struct lxc_container *c, const char *key, const char *value)', since: [3, 0, 0] },
    { decl: 'bool (*destroy)(struct lxc_container *c)', since: [3, 0, 0] },
    { decl: 'bool (*save_config)(struct lxc_container *c, const char *alt_file)', since: [3, 0, 0] },
    { decl: 'bool (*create)(struct lxc_container *c, const char *t, const char *bdevtype, struct bdev_specs *specs, int flags, char *const argv[])', since: [3, 0, 0] },
    { decl: 'bool (*createl)(struct lxc_container *c, const char *t, const char *bdevtype, struct bdev_specs *specs, int flags, ...)', since: [3, 0, 0] },
    { decl: 'bool (*rename)(struct lxc_container *c, const char *newname)', since: [3, 0, 0] },
    { decl: 'bool (*reboot)(struct lxc_container *c)', since: [3, 0, 0] },
    { decl: 'bool (*shutdown)(struct lxc_container *c, int timeout)', since: [3, 0, 0] },
    { decl: 'void (*clear_config)(struct lxc_container *c)', since: [3, 0, 0] },
    { decl: 'bool (*clear_config_item)(struct lxc_container *c, const char *key)', since: [3, 0, 0] },
    { decl: 'int (*get_config_item)(struct lxc_container *c, const char *key, char *retv, int inlen)', since: [3, 0, 0] },
    { decl: 'char *(*get_running_config_item)(struct lxc_container *c, const char *key)', since: [3, 0, 0] },
    { decl: 'int (*get_keys)(struct lxc_container *c, const char *key, char *retv, int inlen)', since: [3, 0, 0] },
    { decl: 'char **(*get_interfaces)(struct lxc_container *c)', since: [3, 0, 0] },
    { decl: 'char **(*get_ips)(struct lxc_container *c, const char *interface, const char *family, int scope)', since: [3, 0, 0] },
    { decl: 'int (*get_cgroup_item)(struct lxc_container *c, const char *subsys, char *retv, int inlen)', since: [3, 0, 0] },
    { decl: 'bool (*set_cgroup_item)(struct lxc_container *c, const char *subsys, const char *value)', since: [3, 0, 0] },
    { decl: 'const char *(*get_config_path)(struct lxc_container *c)', since: [3, 0, 0] },
    { decl: 'bool (*set_config_path)(struct lxc_container *c, const char *path)', since: [3, 0, 0] },
    { decl: 'struct lxc_container *(*clone)(struct lxc_container *c, const char *newname, const char *lxcpath, int flags, const char *bdevtype, const char *bdevdata, uint64_t newsize, char **hookargs)', since: [3, 0, 0] },
    { decl: 'int (*console_getfd)(struct lxc_container *c, int *ttynum, int *masterfd)', since: [3, 0, 0], until: [4, 0, 3] },
    { decl: 'int (*console_getfd)(struct lxc_container *c, int *ttynum, int *ptmxfd)', since: [4, 0, 3], until: [4, 0, 4] },
    { decl: 'int (*console_getfd)(struct lxc_container *c, int *ttynum, int *ptxfd)', since: [4, 0, 4] },
    { decl: 'int (*console)(struct lxc_container *c, int ttynum, int stdinfd, int stdoutfd, int stderrfd, int escape)', since: [3, 0, 0] },
    { decl: 'int (*attach)(struct lxc_container *c, lxc_attach_exec_t exec_function, void *exec_payload, lxc_attach_options_t *options, pid_t *attached_process)', since: [3, 0, 0] },
    { decl: 'int (*attach_run_wait)(struct lxc_container *c, lxc_attach_options_t *options, const char *program, const char * const argv[])', since: [3, 0, 0] },
    { decl: 'int (*attach_run_waitl)(struct lxc_container *c, lxc_attach_options_t *options, const char *program, const char *arg, ...)', since: [3, 0, 0] },
    { decl: 'int (*snapshot)(struct lxc_container *c, const char *commentfile)', since: [3, 0, 0] },
    { decl: 'int (*snapshot_list)(struct lxc_container *c, struct lxc_snapshot **snapshots)', since: [3, 0, 0] },
    { decl: 'bool (*snapshot_restore)(struct lxc_container *c, const char *snapname, const char *newname)', since: [3, 0, 0] },
    { decl: 'bool (*snapshot_destroy)(struct lxc_container *c, const char *snapname)', since: [3, 0, 0] },
    { decl: 'bool (*may_control)(struct lxc_container *c)', since: [3, 0, 0] },
    { decl: 'bool (*add_device_node)(struct lxc_container *c, const char *src_path, const char *dest_path)', since: [3, 0, 0] },
    { decl: 'bool (*remove_device_node)(struct lxc_container *c, const char *src_path, const char *dest_path)', since: [3, 0, 0] },
    { decl: 'bool (*attach_interface)(struct lxc_container *c, const char *dev, const char *dst_dev)', since: [3, 0, 0] },
    { decl: 'bool (*detach_interface)(struct lxc_container *c, const char *dev, const char *dst_dev)', since: [3, 0, 0] },
    { decl: 'bool (*checkpoint)(struct lxc_container *c, char *directory, bool stop, bool verbose)', since: [3, 0, 0] },
    { decl: 'bool (*restore)(struct lxc_container *c, char *directory, bool verbose)', since: [3, 0, 0] },
    { decl: 'bool (*destroy_with_snapshots)(struct lxc_container *c)', since: [3, 0, 0] },
    { decl: 'bool (*snapshot_destroy_all)(struct lxc_container *c)', since: [3, 0, 0] },
    { decl: 'int (*migrate)(struct lxc_container *c, unsigned int cmd, struct migrate_opts *opts, unsigned int size)', since: [3, 0, 0] },
    { decl: 'int (*console_log)(struct lxc_container *c, struct lxc_console_log *log)', since: [3, 0, 0] },
    { decl: 'bool (*reboot2)(struct lxc_container *c, int timeout)', since: [3, 0, 0] },
    { decl: 'int (*mount)(struct lxc_container *c, const char *source, const char *target, const char *filesystemtype, unsigned long mountflags, const void *data, struct lxc_mount *mnt)', since: [3, 1, 0] },
    { decl: 'int (*umount)(struct lxc_container *c, const char *target, unsigned long mountflags, struct lxc_mount *mnt)', since: [3, 1, 0] },
    { decl: 'int (*seccomp_notify_fd)(struct lxc_container *c)', since: [3, 2, 0] },
    { decl: 'int (*seccomp_notify_fd_active)(struct lxc_container *c)', since: [4, 0, 5] },
    { decl: 'int (*init_pidfd)(struct lxc_container *c)', since: [4, 0, 0] },
    { decl: 'int (*devpts_fd)(struct lxc_container *c)', since: [4, 0, 5] },
    { decl: 'int rcv_timeout', since: [6, 0, 0] },
    { decl: 'bool (*set_timeout)(struct lxc_container *c, int timeout)', since: [6, 0, 0] },
  ],
  // lxc-4.0.7 appended lsm_label, groups (it also respaced `char* x` to `char *x`, whitespace only)
  lxc_attach_options_t: [
    { decl: 'int attach_flags', since: [3, 0, 0] },
    { decl: 'int namespaces', since: [3, 0, 0] },
    { decl: 'long personality', since: [3, 0, 0] },
    { decl: 'char *initial_cwd', since: [3, 0, 0] },
    { decl: 'uid_t uid', since: [3, 0, 0] },
    { decl: 'gid_t gid', since: [3, 0, 0] },
    { decl: 'lxc_attach_env_policy_t env_policy', since: [3, 0, 0] },
    { decl: 'char **extra_env_vars', since: [3, 0, 0] },
    { decl: 'char **extra_keep_env', since: [3, 0, 0] },
    { decl: 'int stdin_fd', since: [3, 0, 0] },
    { decl: 'int stdout_fd', since: [3, 0, 0] },
    { decl: 'int stderr_fd', since: [3, 0, 0] },
    { decl: 'int log_fd', since: [3, 0, 0] },
    { decl: 'char *lsm_label', since: [4, 0, 7] },
    { decl: 'lxc_groups_t groups', since: [4, 0, 7] },
  ],
  // introduced in lxc-4.0.7
  lxc_groups_t: [
    { decl: 'size_t size', since: [4, 0, 7] },
    { decl: 'gid_t *list', since: [4, 0, 7] },
  ],
  // unchanged since lxc-3.0.0 (lxc-4.0.7 respaced `char* program`, whitespace only)
  lxc_attach_command_t: [
    { decl: 'char *program', since: [3, 0, 0] },
    { decl: 'char **argv', since: [3, 0, 0] },
  ],
  // members unchanged since lxc-3.0.0, but its size grows at v6.0.6 (72 to 80 bytes on LP64) because rbd gained rbduser
  bdev_specs: [
    { decl: 'char *fstype', since: [3, 0, 0] },
    { decl: 'uint64_t fssize', since: [3, 0, 0] },
    { decl: 'struct bdev_specs.zfs zfs', since: [3, 0, 0] },
    { decl: 'struct bdev_specs.lvm lvm', since: [3, 0, 0] },
    { decl: 'char *dir', since: [3, 0, 0] },
    { decl: 'struct bdev_specs.rbd rbd', since: [3, 0, 0] },
  ],
  // unchanged since lxc-3.0.0
  'bdev_specs.zfs': [
    { decl: 'char *zfsroot', since: [3, 0, 0] },
  ],
  // unchanged since lxc-3.0.0
  'bdev_specs.lvm': [
    { decl: 'char *vg', since: [3, 0, 0] },
    { decl: 'char *lv', since: [3, 0, 0] },
    { decl: 'char *thinpool', since: [3, 0, 0] },
  ],
  // v6.0.6 appended rbduser
  'bdev_specs.rbd': [
    { decl: 'char *rbdname', since: [3, 0, 0] },
    { decl: 'char *rbdpool', since: [3, 0, 0] },
    { decl: 'char *rbduser', since: [6, 0, 6] },
  ],
  // unchanged since lxc-3.0.0
  lxc_snapshot: [
    { decl: 'char *name', since: [3, 0, 0] },
    { decl: 'char *comment_pathname', since: [3, 0, 0] },
    { decl: 'char *timestamp', since: [3, 0, 0] },
    { decl: 'char *lxcpath', since: [3, 0, 0] },
    { decl: 'void (*free)(struct lxc_snapshot *s)', since: [3, 0, 0] },
  ],
  // unchanged since lxc-3.0.0
  lxc_log: [
    { decl: 'const char *name', since: [3, 0, 0] },
    { decl: 'const char *lxcpath', since: [3, 0, 0] },
    { decl: 'const char *file', since: [3, 0, 0] },
    { decl: 'const char *level', since: [3, 0, 0] },
    { decl: 'const char *prefix', since: [3, 0, 0] },
    { decl: 'bool quiet', since: [3, 0, 0] },
  ],
  // unchanged since lxc-3.0.0
  lxc_console_log: [
    { decl: 'bool clear', since: [3, 0, 0] },
    { decl: 'bool read', since: [3, 0, 0] },
    { decl: 'uint64_t *read_max', since: [3, 0, 0] },
    { decl: 'char *data', since: [3, 0, 0] },
  ],
  // unchanged since lxc-3.0.0
  migrate_opts: [
    { decl: 'char *directory', since: [3, 0, 0] },
    { decl: 'bool verbose', since: [3, 0, 0] },
    { decl: 'bool stop', since: [3, 0, 0] },
    { decl: 'char *predump_dir', since: [3, 0, 0] },
    { decl: 'char *pageserver_address', since: [3, 0, 0] },
    { decl: 'char *pageserver_port', since: [3, 0, 0] },
    { decl: 'bool preserves_inodes', since: [3, 0, 0] },
    { decl: 'char *action_script', since: [3, 0, 0] },
    { decl: 'bool disable_skip_in_flight', since: [3, 0, 0] },
    { decl: 'uint64_t ghost_limit', since: [3, 0, 0] },
    { decl: 'uint64_t features_to_check', since: [3, 0, 0] },
  ],
  // introduced in lxc-3.1.0
  lxc_mount: [
    { decl: 'int version', since: [3, 1, 0] },
  ],
};

/**
 * Every function the public headers declare (lxccontainer.h, then attach_options.h), in header
 * order, with the releases that declare it. The same conventions as `structs`: `decl` is the
 * normalised prototype without `extern` and `;`; ranges are [since, until). A function a release
 * lacks is not exported by its liblxc.so.1 either.
 */
export const functions: readonly MemberDecl[] = [
  { decl: 'struct lxc_container *lxc_container_new(const char *name, const char *configpath)', since: [3, 0, 0] },
  { decl: 'int lxc_container_get(struct lxc_container *c)', since: [3, 0, 0] },
  { decl: 'int lxc_container_put(struct lxc_container *c)', since: [3, 0, 0] },
  { decl: 'int lxc_get_wait_states(const char **states)', since: [3, 0, 0] },
  { decl: 'const char *lxc_get_global_config_item(const char *key)', since: [3, 0, 0] },
  { decl: 'const char *lxc_get_version(void)', since: [3, 0, 0] },
  { decl: 'int list_defined_containers(const char *lxcpath, char ***names, struct lxc_container ***cret)', since: [3, 0, 0] },
  { decl: 'int list_active_containers(const char *lxcpath, char ***names, struct lxc_container ***cret)', since: [3, 0, 0] },
  { decl: 'int list_all_containers(const char *lxcpath, char ***names, struct lxc_container ***cret)', since: [3, 0, 0] },
  { decl: 'int lxc_log_init(struct lxc_log *log)', since: [3, 0, 0] },
  { decl: 'void lxc_log_close(void)', since: [3, 0, 0] },
  { decl: 'bool lxc_config_item_is_supported(const char *key)', since: [3, 0, 0] },
  // lxc-3.1.0 added it (with the api_extensions list it reads)
  { decl: 'bool lxc_has_api_extension(const char *extension)', since: [3, 1, 0] },
  // attach_options.h
  { decl: 'int lxc_attach_run_command(void *payload)', since: [3, 0, 0] },
  { decl: 'int lxc_attach_run_shell(void *payload)', since: [3, 0, 0] },
];

/** The C name a function declaration of `functions` declares: 'bool lxc_has_api_extension(…)' → 'lxc_has_api_extension'. */
export function functionName(decl: string): string {
  return /(\w+)\s*\(/.exec(decl)![1];
}

/** The entry of `functions` named `name` that `version` declares, if that release has it. */
export function functionIn(name: string, version: LxcVersion): MemberDecl | undefined {
  return functions.find((f) => functionName(f.decl) === name && inRange(f, version));
}

/** The first release that declares the function `name`, if any tabled release does. */
export function functionSince(name: string): LxcVersion | undefined {
  return functions.find((f) => functionName(f.decl) === name)?.since;
}

function inRange(m: MemberDecl, version: LxcVersion): boolean {
  return compareVersions(m.since, version) <= 0 && (!m.until || compareVersions(version, m.until) < 0);
}

export function compareVersions(a: LxcVersion, b: LxcVersion): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/**
 * The ordered member declarations of `structName` for `version`. Returns []
 * for a struct that does not exist yet in that version (lxc_mount before
 * 3.1.0, lxc_groups_t before 4.0.7). Throws RangeError for a version outside
 * [oldest, next major after newest) or for an unknown struct name.
 */
export function layoutOf(structName: string, version: LxcVersion): MemberDecl[] {
  if (
    version.length !== 3 ||
    !version.every((n) => Number.isInteger(n) && n >= 0) ||
    compareVersions(version, oldest) < 0 ||
    compareVersions(version, [newest[0] + 1, 0, 0]) >= 0
  ) {
    throw new RangeError(
      `liblxc ${version.join('.')} is outside the table's range [${oldest.join('.')}, ${newest[0] + 1}.0.0)`,
    );
  }
  const members = Object.prototype.hasOwnProperty.call(structs, structName)
    ? structs[structName]
    : undefined;
  if (!members) throw new RangeError(`no layout for struct '${structName}'`);
  return members.filter((m) => inRange(m, version));
}

// Constants of lxccontainer.h and attach_options.h under python3-lxc's names.

/** Create flag: send the template's output to /dev/null. */
export const LXC_CREATE_QUIET = 1 << 0;
/** Clone flag: keep the source's hostname. */
export const LXC_CLONE_KEEPNAME = 1 << 0;
/** Clone flag: keep the source's MAC addresses. */
export const LXC_CLONE_KEEPMACADDR = 1 << 1;
/** Clone flag: a copy-on-write snapshot. */
export const LXC_CLONE_SNAPSHOT = 1 << 2;
/** Clone flag: keep the source's backing store type. */
export const LXC_CLONE_KEEPBDEVTYPE = 1 << 3;
/** Clone flag: snapshot if the backing store can, copy otherwise. */
export const LXC_CLONE_MAYBE_SNAPSHOT = 1 << 4;
/** The number of clone flag bits, as lxccontainer.h has it. */
export const LXC_CLONE_MAXFLAGS = 1 << 5;
/** Clone flag: allow cloning a running container. */
export const LXC_CLONE_ALLOW_RUNNING = 1 << 6;

/** Attach flag: move the process into the container's cgroup. */
export const LXC_ATTACH_MOVE_TO_CGROUP = 0x00000001;
/** Attach flag: drop the capabilities the container drops. */
export const LXC_ATTACH_DROP_CAPABILITIES = 0x00000002;
/** Attach flag: set the container's personality. */
export const LXC_ATTACH_SET_PERSONALITY = 0x00000004;
/** Attach flag: apply the container's LSM profile at exec. */
export const LXC_ATTACH_LSM_EXEC = 0x00000008;
/** Attach flag: remount /proc and /sys. */
export const LXC_ATTACH_REMOUNT_PROC_SYS = 0x00010000;
/** Attach flag: apply the container's LSM profile now. */
export const LXC_ATTACH_LSM_NOW = 0x00020000;
/** Attach flag: set PR_SET_NO_NEW_PRIVS. */
export const LXC_ATTACH_NO_NEW_PRIVS = 0x00040000;
/** Attach flag: allocate a terminal for the process. */
export const LXC_ATTACH_TERMINAL = 0x00080000;
/** Attach flag: use the lsmLabel option. */
export const LXC_ATTACH_LSM_LABEL = 0x00100000;
/** Attach flag: set the groups option as supplementary groups. */
export const LXC_ATTACH_SETGROUPS = 0x00200000;
/** Attach flags: the default set (cgroup, capabilities, personality, LSM). */
export const LXC_ATTACH_DEFAULT = 0x0000ffff;
/** Attach env policy: keep the caller's environment. */
export const LXC_ATTACH_KEEP_ENV = 0;
/** Attach env policy: start from an empty environment. */
export const LXC_ATTACH_CLEAR_ENV = 1;

/** Namespace flag (linux/sched.h): mount. */
export const CLONE_NEWNS = 0x00020000;
/** Namespace flag: cgroup. */
export const CLONE_NEWCGROUP = 0x02000000;
/** Namespace flag: UTS (hostname). */
export const CLONE_NEWUTS = 0x04000000;
/** Namespace flag: IPC. */
export const CLONE_NEWIPC = 0x08000000;
/** Namespace flag: user. */
export const CLONE_NEWUSER = 0x10000000;
/** Namespace flag: PID. */
export const CLONE_NEWPID = 0x20000000;
// Namespace flag: network. Defined with the C constants lxc-ffi itself uses, and documented there.
export { CLONE_NEWNET } from '../ffi/constants.js';
/** Namespace flag: time. */
export const CLONE_NEWTIME = 0x00000080;

/** migrate() command: a pre-dump. */
export const MIGRATE_PRE_DUMP = 0;
/** migrate() command: a dump. */
export const MIGRATE_DUMP = 1;
/** migrate() command: a restore. */
export const MIGRATE_RESTORE = 2;
/** migrate() command: check CRIU's features (featuresToCheck). */
export const MIGRATE_FEATURE_CHECK = 3;
/** migrate() feature bit: memory tracking. */
export const FEATURE_MEM_TRACK = 1 << 0;
/** migrate() feature bit: lazy pages. */
export const FEATURE_LAZY_PAGES = 1 << 1;

/** Mount flag (sys/mount.h): read-only. */
export const MS_RDONLY = 1;
/** Mount flag: a bind mount. */
export const MS_BIND = 4096;
/** Mount flag: recursive. */
export const MS_REC = 16384;

/** An architecture name the personality table knows, such as 'i686' (attach's `personality` option). */
export type Architecture = 'x86_64' | 'amd64' | 'aarch64' | 'arm64' | 'ppc64le' | 'ppc64el' | 's390x' | 'riscv64'
  | 'i386' | 'i486' | 'i586' | 'i686' | 'x86' | 'armhf' | 'armel' | 'armv7l' | 'arm' | 'ppc';

/** Personalities by architecture name (sys/personality.h): 64-bit names are PER_LINUX (0), 32-bit PER_LINUX32 (8). */
export const personalities: Readonly<Record<Architecture, number>> = {
  x86_64: 0, amd64: 0, aarch64: 0, arm64: 0, ppc64le: 0, ppc64el: 0, s390x: 0, riscv64: 0,
  i386: 8, i486: 8, i586: 8, i686: 8, x86: 8, armhf: 8, armel: 8, armv7l: 8, arm: 8, ppc: 8,
};

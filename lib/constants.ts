// Constants of lxccontainer.h and attach_options.h under python3-lxc's names.

/** Create flag: send the template's output to /dev/null. */
export const LXC_CREATE_QUIET = 1 << 0;
/** Clone flags. */
export const LXC_CLONE_KEEPNAME = 1 << 0;
export const LXC_CLONE_KEEPMACADDR = 1 << 1;
export const LXC_CLONE_SNAPSHOT = 1 << 2;
export const LXC_CLONE_KEEPBDEVTYPE = 1 << 3;
export const LXC_CLONE_MAYBE_SNAPSHOT = 1 << 4;
export const LXC_CLONE_MAXFLAGS = 1 << 5;
export const LXC_CLONE_ALLOW_RUNNING = 1 << 6;

/** Attach flags. */
export const LXC_ATTACH_MOVE_TO_CGROUP = 0x00000001;
export const LXC_ATTACH_DROP_CAPABILITIES = 0x00000002;
export const LXC_ATTACH_SET_PERSONALITY = 0x00000004;
export const LXC_ATTACH_LSM_EXEC = 0x00000008;
export const LXC_ATTACH_REMOUNT_PROC_SYS = 0x00010000;
export const LXC_ATTACH_LSM_NOW = 0x00020000;
export const LXC_ATTACH_NO_NEW_PRIVS = 0x00040000;
export const LXC_ATTACH_TERMINAL = 0x00080000;
export const LXC_ATTACH_LSM_LABEL = 0x00100000;
export const LXC_ATTACH_SETGROUPS = 0x00200000;
export const LXC_ATTACH_DEFAULT = 0x0000ffff;
export const LXC_ATTACH_KEEP_ENV = 0;
export const LXC_ATTACH_CLEAR_ENV = 1;

/** Namespace flags (linux/sched.h). */
export const CLONE_NEWNS = 0x00020000;
export const CLONE_NEWCGROUP = 0x02000000;
export const CLONE_NEWUTS = 0x04000000;
export const CLONE_NEWIPC = 0x08000000;
export const CLONE_NEWUSER = 0x10000000;
export const CLONE_NEWPID = 0x20000000;
export const CLONE_NEWNET = 0x40000000;
export const CLONE_NEWTIME = 0x00000080;

/** migrate() commands. */
export const MIGRATE_PRE_DUMP = 0;
export const MIGRATE_DUMP = 1;
export const MIGRATE_RESTORE = 2;
export const MIGRATE_FEATURE_CHECK = 3;
/** migrate() features_to_check bits. */
export const FEATURE_MEM_TRACK = 1 << 0;
export const FEATURE_LAZY_PAGES = 1 << 1;

/** Mount flags for mount() (sys/mount.h). */
export const MS_RDONLY = 1;
export const MS_BIND = 4096;
export const MS_REC = 16384;

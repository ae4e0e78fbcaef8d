// The C constants lxc-ffi needs, by their C names and grouped by header (x86_64 and aarch64 Linux,
// glibc): values only, no library loaded, so that lib/constants.ts (and with it lxc-ffi/schemas)
// can take its CLONE_NEWNET from here without loading koffi. ffi/libc.ts re-exports them all.

// fcntl.h / unistd.h
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_NOCTTY = 0o400;
export const O_NONBLOCK = 0o4000;
export const O_APPEND = 0o2000;
export const O_CLOEXEC = 0o2000000;
// aarch64's asm/fcntl.h gives these two values of their own.
export const O_DIRECTORY = process.arch === 'arm64' ? 0o40000 : 0o200000;
export const O_NOFOLLOW = process.arch === 'arm64' ? 0o100000 : 0o400000;
export const AT_FDCWD = -100;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_TRUNC = 0o1000;
export const O_PATH = 0o10000000;
export const AT_REMOVEDIR = 0x200;
export const F_DUPFD_CLOEXEC = 1030;
export const F_GETFD = 1;
export const F_SETFD = 2;
export const F_SETFL = 4;
export const FD_CLOEXEC = 1;
export const F_SETPIPE_SZ = 1031;
export const F_ADD_SEALS = 1033;
export const F_SEAL_SEAL = 1;
export const F_SEAL_SHRINK = 2;
export const F_SEAL_GROW = 4;
export const F_SEAL_WRITE = 8;
export const MFD_CLOEXEC = 1;
export const MFD_ALLOW_SEALING = 2;
export const MFD_EXEC = 0x10;

// dirent.h: struct dirent (glibc, 64-bit): d_ino, d_off (8 bytes each), d_reclen (2), d_type (1), d_name
export const DIRENT_RECLEN_OFFSET = 16;
export const DIRENT_NAME_OFFSET = 19;

// errno.h
export const ENOENT = 2;
export const EINTR = 4;
export const EAGAIN = 11;
export const EISDIR = 21;
export const ENODATA = 61;
export const ENOBUFS = 105;

// limits.h
export const INT_MAX = 2 ** 31 - 1;

// dlfcn.h: dlopen() flags
export const RTLD_NOW = 0x2;
export const RTLD_NOLOAD = 0x4;
export const RTLD_NODELETE = 0x1000;

// sys/file.h: flock() operations
export const LOCK_SH = 1;
export const LOCK_EX = 2;
export const LOCK_NB = 4;
export const LOCK_UN = 8;

// sys/wait.h
export const P_PIDFD = 3;
export const WEXITED = 4;
export const CLD_EXITED = 1;
/** sizeof(siginfo_t) (SI_MAX_SIZE), and where waitid() puts si_code (how: CLD_EXITED, ...) and si_status. */
export const SIGINFO_SIZE = 128;
export const SIGINFO_CODE_OFFSET = 8;
export const SIGINFO_STATUS_OFFSET = 24;

// signal.h
export const SIGINT = 2;
export const SIGQUIT = 3;
export const SIGPIPE = 13;
export const SIGCHLD = 17;
export const SIGXFSZ = 25;
/** A buffer that holds a struct sigaction (152 bytes on x86_64 and aarch64 glibc) with room to spare. */
export const SIGACTION_SIZE = 256;

// poll.h: struct pollfd is { int fd; short events; short revents; }
export const POLLIN = 1;
export const POLLFD_SIZE = 8;
export const POLLFD_EVENTS_OFFSET = 4;
export const POLLFD_REVENTS_OFFSET = 6;

// termios.h / sys/ioctl.h
export const TCSANOW = 0;
export const TCSADRAIN = 1;
/** c_oflag bit: output processing (\n to \r\n, ...). c_oflag is the struct's second u32. */
export const OPOST = 1;
export const TERMIOS_OFLAG_OFFSET = 4;
/** c_cc (after four u32 flags and c_line) and its VEOF slot: the end-of-file character. */
export const TERMIOS_CC_OFFSET = 17;
export const VEOF = 4;
/** sizeof(struct winsize): ws_row, ws_col, ws_xpixel, ws_ypixel, u16 each. */
export const WINSIZE_SIZE = 8;
export const TIOCGWINSZ = 0x5413;
export const TIOCSWINSZ = 0x5414;
export const TIOCGPTPEER = 0x5441;

// sched.h (lib/constants.ts exports CLONE_NEWNET to users with the other namespace flags)
/** Namespace flag: network. */
export const CLONE_NEWNET = 0x40000000;

// sys/socket.h
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;
export const SOCK_STREAM = 1;
export const SOCK_RAW = 3;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
export const SOL_SOCKET = 1;
export const SCM_RIGHTS = 1;
export const MSG_NOSIGNAL = 0x4000;
export const MSG_DONTWAIT = 0x40;
export const MSG_CMSG_CLOEXEC = 0x40000000;

// linux/netlink.h, linux/rtnetlink.h, linux/if_link.h, linux/if_addr.h
export const NETLINK_ROUTE = 0;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLM_F_REQUEST = 0x1;
export const NLM_F_DUMP = 0x300;
/** sizeof(struct sockaddr_nl): nl_family (u16), nl_pad (u16), nl_pid (u32), nl_groups (u32). */
export const SOCKADDR_NL_SIZE = 12;
export const RTM_NEWLINK = 16;
export const RTM_GETLINK = 18;
export const RTM_NEWADDR = 20;
export const RTM_GETADDR = 22;
export const IFLA_IFNAME = 3;
export const IFLA_STATS64 = 23;
export const IFA_ADDRESS = 1;
export const IFA_LOCAL = 2;
export const IFA_LABEL = 3;

// linux/openat2.h: struct open_how's resolve flags
export const RESOLVE_NO_XDEV = 0x01;
export const RESOLVE_NO_MAGICLINKS = 0x02;
export const RESOLVE_NO_SYMLINKS = 0x04;
export const RESOLVE_BENEATH = 0x08;
export const RESOLVE_IN_ROOT = 0x10;
// asm/unistd.h: the same numbers on x86_64 and aarch64 (the unified table of Linux ≥ 5.1)
export const SYS_fsopen = 430;
export const SYS_fsconfig = 431;
export const SYS_fsmount = 432;
export const SYS_openat2 = 437;
// linux/mount.h: the new mount API
export const FSOPEN_CLOEXEC = 0x1;
export const FSCONFIG_SET_STRING = 1;
export const FSCONFIG_CMD_CREATE = 6;
export const FSMOUNT_CLOEXEC = 0x1;

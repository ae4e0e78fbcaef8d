// The few libc functions lxc-ffi needs, as C declares them. Loaded apart from liblxc so the
// processes that never call liblxc (create workers) can use them alone.
import { createRequire } from 'node:module';
import type { TypeObject } from 'koffi';
import { koffi } from './koffi.js';
import { RTLD_NODELETE, RTLD_NOLOAD, RTLD_NOW } from './constants.js';

/** The C library. */
export const libc = koffi.load('libc.so.6');

/** void free(void *ptr) */
export const free = libc.func('void free(void *ptr)');
/** int fcntl(int fd, int cmd, int arg) */
export const fcntl = libc.func('int fcntl(int fd, int cmd, int arg)');
/** int sigaction(int signum, const struct sigaction *act, struct sigaction *oldact), with the structs as raw bytes. */
export const sigaction = libc.func('int sigaction(int signum, const void *act, void *oldact)');
/** int dup3(int oldfd, int newfd, int flags) */
export const dup3 = libc.func('int dup3(int oldfd, int newfd, int flags)');
/** int pipe2(int pipefd[2], int flags) */
export const pipe2 = libc.func('int pipe2(_Out_ int *pipefd, int flags)');
/** int open(const char *pathname, int flags) (no O_CREAT: no mode argument) */
export const open = libc.func('int open(const char *pathname, int flags)');
/** int openat(int dirfd, const char *pathname, int flags) (no O_CREAT: no mode argument) */
export const openat = libc.func('int openat(int dirfd, const char *pathname, int flags)');
/** int unlinkat(int dirfd, const char *pathname, int flags) */
export const unlinkat = libc.func('int unlinkat(int dirfd, const char *pathname, int flags)');
/** DIR *fdopendir(int fd); the DIR owns fd from then on (closedir closes it) */
export const fdopendir = libc.func('void *fdopendir(int fd)');
/** struct dirent *readdir(DIR *dirp); NULL at the end or on error (errno tells) */
export const readdir = libc.func('void *readdir(void *dirp)');
/** int closedir(DIR *dirp) */
export const closedir = libc.func('int closedir(void *dirp)');
/** int mkdirat(int dirfd, const char *pathname, mode_t mode) */
export const mkdirat = libc.func('int mkdirat(int dirfd, const char *pathname, uint32_t mode)');
/** int symlinkat(const char *target, int newdirfd, const char *linkpath) */
export const symlinkat = libc.func('int symlinkat(const char *target, int newdirfd, const char *linkpath)');
/** ssize_t readlinkat(int dirfd, const char *pathname, char *buf, size_t bufsiz) */
export const readlinkat = libc.func('int64_t readlinkat(int dirfd, const char *pathname, _Out_ uint8_t *buf, size_t bufsiz)');
/** int close(int fd) */
export const close = libc.func('int close(int fd)');
/** int pidfd_open(pid_t pid, unsigned int flags) */
export const pidfd_open = libc.func('int pidfd_open(int pid, unsigned int flags)');
/** int waitid(idtype_t idtype, id_t id, siginfo_t *infop, int options), siginfo_t as raw bytes */
export const waitid = libc.func('int waitid(int idtype, int id, void *infop, int options)');
/** int memfd_create(const char *name, unsigned int flags) */
export const memfd_create = libc.func('int memfd_create(const char *name, unsigned int flags)');
/** int fchmod(int fd, mode_t mode) */
export const fchmod = libc.func('int fchmod(int fd, uint32_t mode)');
/** ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count) */
export const sendfile = libc.func('int64_t sendfile(int out_fd, int in_fd, void *offset, size_t count)');
/** int setns(int fd, int nstype) */
export const setns = libc.func('int setns(int fd, int nstype)');
/** int socket(int domain, int type, int protocol) */
export const socket = libc.func('int socket(int domain, int type, int protocol)');
/** int bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen), the address as raw bytes */
export const bind = libc.func('int bind(int sockfd, const void *addr, uint32_t addrlen)');
/** int getsockname(int sockfd, struct sockaddr *addr, socklen_t *addrlen), the address as raw bytes */
export const getsockname = libc.func('int getsockname(int sockfd, _Out_ void *addr, _Inout_ uint32_t *addrlen)');
/** ssize_t recvfrom(int sockfd, void *buf, size_t len, int flags, struct sockaddr *src_addr, socklen_t *addrlen), the address as raw bytes */
export const recvfrom = libc.func('int64_t recvfrom(int sockfd, _Out_ void *buf, size_t len, int flags, _Out_ void *src_addr, _Inout_ uint32_t *addrlen)');

// openat2(2) and the new mount API have no glibc wrappers: syscall(2) with the argument types of
// each, declared once per syscall (the numbers are in constants.ts: SYS_openat2, ...).
/** struct open_how { __u64 flags; __u64 mode; __u64 resolve; } (linux/openat2.h) */
export const open_how = koffi.struct('open_how', { flags: 'uint64_t', mode: 'uint64_t', resolve: 'uint64_t' });
/** long syscall(SYS_openat2, int dirfd, const char *pathname, struct open_how *how, size_t size) */
export const syscall_openat2 = libc.func('syscall', 'int64_t', ['int64_t', 'int', 'const char *', koffi.pointer(open_how), 'size_t']);
/** long syscall(SYS_fsopen, const char *fsname, unsigned int flags) */
export const syscall_fsopen = libc.func('syscall', 'int64_t', ['int64_t', 'const char *', 'unsigned int']);
/** long syscall(SYS_fsconfig, int fd, unsigned int cmd, const char *key, const void *value, int aux) */
export const syscall_fsconfig = libc.func('syscall', 'int64_t', ['int64_t', 'int', 'unsigned int', 'const char *', 'const char *', 'int']);
/** long syscall(SYS_fsmount, int fd, unsigned int flags, unsigned int attr_flags) */
export const syscall_fsmount = libc.func('syscall', 'int64_t', ['int64_t', 'int', 'unsigned int', 'unsigned int']);

export { koffi };
/** A koffi type object. */
export type CType = TypeObject;
/** A callable C function as koffi makes it, with its `.async(..., callback)` form. */
export type CFunction = ((...args: any[]) => any) & { async: (...args: any[]) => void };

// Sockets with fds attached, polling and terminals, for the call runners (lib/runner/).
/** int connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen) */
export const connect = libc.func('int connect(int sockfd, const void *addr, uint32_t addrlen)');
/** int socketpair(int domain, int type, int protocol, int sv[2]) */
export const socketpair = libc.func('int socketpair(int domain, int type, int protocol, _Out_ int *sv)');
/** ssize_t sendmsg(int sockfd, const struct msghdr *msg, int flags), the msghdr in C memory */
export const sendmsg = libc.func('int64_t sendmsg(int sockfd, void *msg, int flags)');
/** ssize_t recvmsg(int sockfd, struct msghdr *msg, int flags), the msghdr in C memory */
export const recvmsg = libc.func('int64_t recvmsg(int sockfd, void *msg, int flags)');
/** int poll(struct pollfd *fds, nfds_t nfds, int timeout), the pollfd array as raw bytes */
export const poll = libc.func('int poll(_Inout_ void *fds, uint64_t nfds, int timeout)');
/** int isatty(int fd) */
export const isatty = libc.func('int isatty(int fd)');
/** int posix_openpt(int flags) */
export const posix_openpt = libc.func('int posix_openpt(int flags)');
/** int grantpt(int fd) */
export const grantpt = libc.func('int grantpt(int fd)');
/** int unlockpt(int fd) */
export const unlockpt = libc.func('int unlockpt(int fd)');
/** int ptsname_r(int fd, char *buf, size_t buflen) */
export const ptsname_r = libc.func('int ptsname_r(int fd, _Out_ uint8_t *buf, size_t buflen)');
/** int ioctl(int fd, unsigned long request, void *arg), arg as raw bytes */
export const ioctl = libc.func('int ioctl(int fd, unsigned long request, _Inout_ void *arg)');
/** int tcgetattr(int fd, struct termios *termios_p), the struct as raw bytes */
export const tcgetattr = libc.func('int tcgetattr(int fd, _Out_ void *termios_p)');
/** int tcsetattr(int fd, int optional_actions, const struct termios *termios_p), the struct as raw bytes */
export const tcsetattr = libc.func('int tcsetattr(int fd, int optional_actions, const void *termios_p)');
/** void cfmakeraw(struct termios *termios_p), the struct as raw bytes */
export const cfmakeraw = libc.func('void cfmakeraw(_Inout_ void *termios_p)');
/** pid_t fork(void) */
export const fork = libc.func('int fork(void)');
/** void _exit(int status) */
export const _exit = libc.func('void _exit(int status)');
/** ssize_t write(int fd, const void *buf, size_t count) */
export const write = libc.func('int64_t write(int fd, const void *buf, size_t count)');
/** ssize_t read(int fd, void *buf, size_t count) */
export const read = libc.func('int64_t read(int fd, _Out_ void *buf, size_t count)');
/** int kill(pid_t pid, int sig) */
export const kill = libc.func('int kill(int pid, int sig)');
/** pid_t tcgetpgrp(int fd) */
export const tcgetpgrp = libc.func('int tcgetpgrp(int fd)');
/** pid_t getpgrp(void) */
export const getpgrp = libc.func('int getpgrp(void)');
/** void *dlopen(const char *filename, int flags) */
export const dlopen = libc.func('void *dlopen(const char *filename, int flags)');
/** void *dlsym(void *handle, const char *symbol); a NULL handle is RTLD_DEFAULT */
export const dlsym = libc.func('void *dlsym(void *handle, const char *symbol)');
/** int on_exit(void (*function)(int, void *), void *arg), the function as an address */
export const on_exit = libc.func('int on_exit(void *function, void *arg)');
/** ssize_t getxattr(const char *path, const char *name, void *value, size_t size); NULL and 0 ask the size */
export const getxattr = libc.func('int64_t getxattr(const char *path, const char *name, void *value, size_t size)');
/** int flock(int fd, int operation) */
export const flock = libc.func('int flock(int fd, int operation)');
/** int ioctl(int fd, unsigned long request, int arg), for requests whose argument is a value */
export const ioctl_value = libc.func('ioctl', 'int', ['int', 'unsigned long', 'long']);

/**
 * The address of `char **environ` as the program sees it (the executable's copy: libc's own symbol
 * is left behind by the copy relocation).
 */
export const environ: bigint = koffi.load(null as unknown as string).symbol('environ', 'void *') as bigint;

const POINTERS = koffi.array('void *', 32);

/** The value of `environ` and the address of each of its strings, in order (null: environ is NULL). */
export function environAddresses(): bigint[] | null {
  const array = koffi.decode(environ, 'void *') as bigint | null;
  if (array === null) return null;
  const out = [array];
  for (let offset = 0; ; offset += 32 * 8) {
    for (const p of koffi.decode(array, offset, POINTERS) as Array<bigint | null>) {
      if (p === null) return out;
      out.push(p);
    }
  }
}


/** A struct msghdr with one iovec, a control buffer and a data buffer, all in C memory (x86_64/aarch64 layout). */
export class MessageBuffers {
  readonly msg = koffi.alloc('uint8_t', 56) as bigint;
  readonly iov = koffi.alloc('uint8_t', 16) as bigint;
  readonly control: bigint;
  readonly data: bigint;
  readonly msgView = new DataView(koffi.view(this.msg, 56));
  readonly iovView = new DataView(koffi.view(this.iov, 16));
  readonly controlView: DataView;
  readonly dataBytes: Uint8Array;

  constructor(controlSize: number, dataSize: number) {
    this.control = koffi.alloc('uint8_t', controlSize) as bigint;
    this.data = koffi.alloc('uint8_t', dataSize) as bigint;
    this.controlView = new DataView(koffi.view(this.control, controlSize));
    this.dataBytes = new Uint8Array(koffi.view(this.data, dataSize));
  }

  /** Points the msghdr at `len` bytes of data and `controlLen` bytes of control. */
  prepare(len: number, controlLen: number): void {
    const m = this.msgView;
    m.setBigUint64(0, 0n, true);
    m.setUint32(8, 0, true);
    m.setBigUint64(16, this.iov, true);
    m.setBigUint64(24, 1n, true);
    m.setBigUint64(32, controlLen ? this.control : 0n, true);
    m.setBigUint64(40, BigInt(controlLen), true);
    m.setInt32(48, 0, true);
    this.iovView.setBigUint64(0, this.data, true);
    this.iovView.setBigUint64(8, BigInt(len), true);
  }
}

export * from './constants.js';

// koffi 3.3 closes its poll handles (runners, attached processes, terminals) when a worker thread
// ends, then unloads its addon before their close callbacks run: the whole process segfaults.
// Marking the loaded addon RTLD_NODELETE keeps that code mapped (test/integration/worker-thread.test.ts).
// Here because every process and thread that uses koffi loads this file, right after koffi.
{
  const addon = Object.keys(createRequire(import.meta.url).cache).find((p) => p.endsWith('/koffi.node'));
  if (addon) dlopen(addon, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
}

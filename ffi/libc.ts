// The few libc functions lxc-ffi needs, as C declares them. Loaded apart from liblxc so the attach
// worker (which never calls liblxc) can use them alone.
import type { TypeObject } from 'koffi';
import { koffi } from './koffi.js';

/** The C library. */
export const libc = koffi.load('libc.so.6');

/** void free(void *ptr) */
export const free = libc.func('void free(void *ptr)');
/** int fcntl(int fd, int cmd, int arg) */
export const fcntl = libc.func('int fcntl(int fd, int cmd, int arg)');
/** int sigaction(int signum, const struct sigaction *act, struct sigaction *oldact), with the structs as raw bytes. */
export const sigaction = libc.func('int sigaction(int signum, const void *act, void *oldact)');
/** int pthread_sigmask(int how, const sigset_t *set, sigset_t *oldset), the sets as raw bytes */
export const pthread_sigmask = libc.func('int pthread_sigmask(int how, const void *set, void *oldset)');
/** int pipe2(int pipefd[2], int flags) */
export const pipe2 = libc.func('int pipe2(_Out_ int *pipefd, int flags)');
/** int dup(int oldfd) */
export const dup = libc.func('int dup(int oldfd)');
/** int dup2(int oldfd, int newfd) */
export const dup2 = libc.func('int dup2(int oldfd, int newfd)');
/** int close(int fd) */
export const close = libc.func('int close(int fd)');
/** int pidfd_open(pid_t pid, unsigned int flags) */
export const pidfd_open = libc.func('int pidfd_open(int pid, unsigned int flags)');
/** int waitid(idtype_t idtype, id_t id, siginfo_t *infop, int options), siginfo_t as raw bytes */
export const waitid = libc.func('int waitid(int idtype, int id, void *infop, int options)');
/** int memfd_create(const char *name, unsigned int flags) */
export const memfd_create = libc.func('int memfd_create(const char *name, unsigned int flags)');
/** ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count) */
export const sendfile = libc.func('int64_t sendfile(int out_fd, int in_fd, void *offset, size_t count)');
/** int chroot(const char *path) */
export const chroot = libc.func('int chroot(const char *path)');
/** int setgroups(size_t size, const gid_t *list) */
export const setgroups = libc.func('int setgroups(size_t size, const uint32_t *list)');
/** int setresgid(gid_t rgid, gid_t egid, gid_t sgid) */
export const setresgid = libc.func('int setresgid(uint32_t rgid, uint32_t egid, uint32_t sgid)');
/** int setresuid(uid_t ruid, uid_t euid, uid_t suid) */
export const setresuid = libc.func('int setresuid(uint32_t ruid, uint32_t euid, uint32_t suid)');
/** int setns(int fd, int nstype) */
export const setns = libc.func('int setns(int fd, int nstype)');
/** int socket(int domain, int type, int protocol) */
export const socket = libc.func('int socket(int domain, int type, int protocol)');

export { koffi };
/** A koffi type object. */
export type CType = TypeObject;
/** A callable C function as koffi makes it, with its `.async(..., callback)` form. */
export type CFunction = ((...args: any[]) => any) & { async: (...args: any[]) => void };

// Options of every attach call (attach, attachWait, exec, evaluate, openSession, attachShell).
import * as C from '../constants.js';

/** Namespaces by name, as the CLONE_NEW* flags liblxc takes. */
export const namespaceFlags = {
  mount: C.CLONE_NEWNS, uts: C.CLONE_NEWUTS, ipc: C.CLONE_NEWIPC, user: C.CLONE_NEWUSER,
  pid: C.CLONE_NEWPID, net: C.CLONE_NEWNET, cgroup: C.CLONE_NEWCGROUP, time: C.CLONE_NEWTIME,
} as const;

export type Namespace = keyof typeof namespaceFlags;

/** Personalities by architecture name (sys/personality.h): 64-bit names are PER_LINUX, 32-bit PER_LINUX32. */
export const personalities: Record<string, number> = {
  x86_64: 0, amd64: 0, aarch64: 0, arm64: 0, ppc64le: 0, ppc64el: 0, s390x: 0, riscv64: 0,
  i386: 8, i486: 8, i586: 8, i686: 8, x86: 8, armhf: 8, armel: 8, armv7l: 8, arm: 8, ppc: 8,
};

/** Where one of the attached process's stdio goes. */
export type Stdio = number | 'inherit' | 'ignore' | 'pipe';

/** Options of every attach call. */
export interface AttachOptions {
  /** Namespaces to enter: a CLONE_NEW* mask or names. Default: all of the container's (functions: uts, ipc, pid, net, cgroup). */
  namespaces?: number | Namespace[];
  /** Keep the caller's environment ('keep') or start from an empty one ('clear'). Default 'keep'. */
  env?: 'keep' | 'clear';
  /** Variables to set inside. */
  extraEnv?: Record<string, string>;
  /** With env 'clear': variables of the caller's environment to keep. */
  keepEnv?: string[];
  /** Working directory inside the container. Default: commands the caller's cwd if it exists inside, else /; functions /. */
  cwd?: string;
  /** User id inside the container. Default: the container's root (0). */
  uid?: number;
  /** Group id inside the container. Default: the container's root (0). */
  gid?: number;
  /** Supplementary groups (liblxc ≥ 4.0.7). Default: none. */
  groups?: number[];
  /** fd, 'inherit' (the caller's), 'ignore' (/dev/null) or 'pipe' (a stream on the result). Default 'inherit' (exec: 'ignore'). */
  stdin?: Stdio;
  /** As stdin. Default 'inherit' (exec: captured). */
  stdout?: Stdio;
  /** As stdin. Default 'inherit' (exec: captured). */
  stderr?: Stdio;
  /** Personality number or architecture name such as 'i686'. Default: the container's. */
  personality?: number | string;
  /** LSM label to run under (liblxc ≥ 4.0.7). Default: the container's. */
  lsmLabel?: string;
  /** Stay in the caller's cgroup, keep capabilities and LSM profile (lxc-attach's --elevated-privileges, go-lxc's ElevatedPrivileges). Default false. */
  elevatedPrivileges?: boolean;
  /** Remount /proc and /sys for the new process (with the mount namespace). Default false. */
  remountSysProc?: boolean;
  /**
   * Raw LXC_ATTACH_* flags in place of LXC_ATTACH_DEFAULT. The bits that `remountSysProc`,
   * `lsmLabel` and `groups` need are still added; `elevatedPrivileges` cannot be combined with it.
   */
  flags?: number;
  /** Kills the process (SIGKILL) when it fires. */
  signal?: AbortSignal;
}

/** Defaults: those of LXC_ATTACH_OPTIONS_DEFAULT; stdio defaults depend on the call. */
export const attachDefaults = {
  namespaces: -1,
  env: 'keep',
  flags: C.LXC_ATTACH_DEFAULT,
  personality: -1,
  uid: -1,
  gid: -1,
} as const;


/** Options of `exec()`: AttachOptions (stdout and stderr are captured) plus bytes for the command's stdin. */
export interface ExecOptions extends Omit<AttachOptions, 'stdout' | 'stderr'> {
  /** Written to the command's stdin, which is then closed. Default: stdin as AttachOptions.stdin says ('ignore'). */
  input?: string | Buffer;
}

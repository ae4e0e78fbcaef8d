// AttachOptions: the checker, its defaults, and the mapping onto lxc_attach_options_t.
import { object, optional, string, int, boolean, oneOf, record, array, union, type Infer } from '../check.js';
import { noNul } from '../validate.js';
import { abortSignal } from '../options.js';
import { constants } from 'node:os';
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

const id = int(0, 0xfffffffe);
const stdio = union(int(0), oneOf(['inherit', 'ignore', 'pipe'] as const), "must be an fd, 'inherit', 'ignore' or 'pipe'");
const envName = string([(s) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s), 'variable names are letters, digits and "_"']);
const namespaceNames = Object.keys(namespaceFlags) as Namespace[];

/** Options of every attach call. */
export const attachOptionsSchema = object({
  /** Namespaces to enter: a CLONE_NEW* mask or names. Default: all of the container's (functions: uts, ipc, pid, net, cgroup). */
  namespaces: optional(union(int(), array(oneOf(namespaceNames)), 'must be a CLONE_NEW* mask or an array of namespace names')),
  /** Keep the caller's environment ('keep', the default) or start from an empty one ('clear'). */
  env: optional(oneOf(['keep', 'clear'] as const)),
  /** Variables to set inside. */
  extraEnv: optional(record(envName, noNul)),
  /** With env 'clear': variables of the caller's environment to keep. */
  keepEnv: optional(array(envName)),
  /** Working directory inside the container (commands default to the caller's cwd if it exists inside, else /; functions to /). */
  cwd: optional(string([(s) => !s.includes('\u0000'), 'must not contain NUL'], [(s) => s.startsWith('/'), 'must be an absolute path'])),
  /** User and group ids inside the container (default: the container's root). */
  uid: optional(id),
  gid: optional(id),
  /** Supplementary groups (liblxc ≥ 4.0.7). */
  groups: optional(array(id)),
  /** fd, 'inherit' (the caller's), 'ignore' (/dev/null) or 'pipe' (a stream on the result). */
  stdin: optional(stdio),
  stdout: optional(stdio),
  stderr: optional(stdio),
  /** Personality number or architecture name such as 'i686'; default: the container's. */
  personality: optional(union(int(), string([(s) => Object.hasOwn(personalities, s), 'is not a known architecture']), 'must be a personality number or a known architecture name')),
  /** LSM label to run under (liblxc ≥ 4.0.7). */
  lsmLabel: optional(noNul),
  /** Stay in the caller's cgroup, keep capabilities and LSM profile (lxc-attach's --elevated-privileges, go-lxc's ElevatedPrivileges). */
  elevatedPrivileges: optional(boolean),
  /** Remount /proc and /sys for the new process (with the mount namespace). */
  remountSysProc: optional(boolean),
  /**
   * Raw LXC_ATTACH_* flags in place of LXC_ATTACH_DEFAULT. The bits that `remountSysProc`,
   * `lsmLabel` and `groups` need are still added; `elevatedPrivileges` cannot be combined with it.
   */
  flags: optional(int(0)),
  signal: optional(abortSignal),
});
export type AttachOptions = Infer<typeof attachOptionsSchema>;
export type ParsedAttachOptions = AttachOptions;

/** Defaults: those of LXC_ATTACH_OPTIONS_DEFAULT, with stdio per call kind. */
export const attachDefaults = {
  namespaces: -1,
  env: 'keep',
  flags: C.LXC_ATTACH_DEFAULT,
  personality: -1,
  uid: -1,
  gid: -1,
} as const;

/** The namespace mask for `namespaces`. */
export function namespaceMask(ns: ParsedAttachOptions['namespaces']): number {
  if (ns === undefined) return attachDefaults.namespaces;
  if (typeof ns === 'number') return ns;
  return ns.reduce((m, n) => m | namespaceFlags[n], 0);
}

/** LXC_ATTACH_* flags for the options. */
export function attachFlags(o: ParsedAttachOptions): number {
  let flags = o.flags ?? C.LXC_ATTACH_DEFAULT;
  // lxc-attach's --elevated-privileges: no cgroup move, no capability drop, no LSM profile.
  if (o.elevatedPrivileges) flags &= ~(C.LXC_ATTACH_MOVE_TO_CGROUP | C.LXC_ATTACH_DROP_CAPABILITIES | C.LXC_ATTACH_LSM_EXEC);
  // Without these bits liblxc silently ignores the option that asked for them.
  if (o.remountSysProc) flags |= C.LXC_ATTACH_REMOUNT_PROC_SYS;
  if (o.lsmLabel !== undefined) flags |= C.LXC_ATTACH_LSM_LABEL;
  if (o.groups !== undefined) flags |= C.LXC_ATTACH_SETGROUPS;
  return flags;
}

/** The personality number for the options (-1: detect from the container). */
export function personality(p: ParsedAttachOptions['personality']): number {
  if (p === undefined) return -1;
  return typeof p === 'number' ? p : personalities[p];
}

/** Signal name for a number, e.g. 9 → 'SIGKILL'. */
export function signalName(n: number): string {
  return Object.entries(constants.signals).find(([, v]) => v === n)?.[0] ?? `SIG${n}`;
}

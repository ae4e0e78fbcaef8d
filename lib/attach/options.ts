// AttachOptions mapped onto lxc_attach_options_t: the namespace mask, the LXC_ATTACH_* flags,
// the personality. The options themselves, their defaults and schema: lib/options/attach.ts.
import * as C from '../constants.js';
import { namespaceFlags, type AttachOptions, type attachDefaults } from '../options/attach.js';
import { personalities } from '../constants.js';
import type { Defaulted } from '../options/parse.js';

/** AttachOptions with a call's defaults applied (attachDefaults, functionDefaults, execDefaults): what lib/attach/ reads. */
export type AttachSettings = Defaulted<AttachOptions, typeof attachDefaults>;

/** The namespace mask for `namespaces` (-1: every namespace of the container). */
export function namespaceMask(ns: AttachSettings['namespaces']): number {
  if (typeof ns === 'number') return ns;
  return ns.reduce((m, n) => m | namespaceFlags[n], 0);
}

/** LXC_ATTACH_* flags for the options. */
export function attachFlags(o: Pick<AttachSettings, 'flags' | 'elevatedPrivileges' | 'remountSysProc' | 'lsmLabel' | 'groups'>): number {
  let flags = o.flags;
  // lxc-attach's --elevated-privileges: no cgroup move, no capability drop, no LSM profile.
  if (o.elevatedPrivileges) flags &= ~(C.LXC_ATTACH_MOVE_TO_CGROUP | C.LXC_ATTACH_DROP_CAPABILITIES | C.LXC_ATTACH_LSM_EXEC);
  // Without these bits liblxc silently ignores the option that asked for them.
  if (o.remountSysProc) flags |= C.LXC_ATTACH_REMOUNT_PROC_SYS;
  if (o.lsmLabel !== undefined) flags |= C.LXC_ATTACH_LSM_LABEL;
  if (o.groups !== undefined) flags |= C.LXC_ATTACH_SETGROUPS;
  return flags;
}

/** The personality number for the options (-1: detect from the container). */
export function personality(p: AttachSettings['personality']): number {
  return typeof p === 'number' ? p : personalities[p];
}

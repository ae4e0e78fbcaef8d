// What attach options become for liblxc (lib/attach/options.ts): the namespace mask, the
// LXC_ATTACH_* flags, the personality and signal names, from the options with their defaults
// applied (lib/options/attach.ts).
import t from 'tap';
import { constants as os } from 'node:os';
import * as C from '../../lib/constants.js';
import { namespaceMask, attachFlags, personality } from '../../lib/attach/options.js';
import { signalName } from '../../lib/proc/exit.js';
import { namespaceFlags, personalities, attachDefaults } from '../../lib/options.js';

const flagsOf = (o: object) => attachFlags({ ...attachDefaults, ...o });

t.test('namespaces: all by default, a number as given, names OR-ed', async (t) => {
  t.equal(namespaceMask(attachDefaults.namespaces), -1);
  t.equal(namespaceMask(0x20000), 0x20000);
  t.equal(namespaceMask(['net', 'uts']), namespaceFlags.net | namespaceFlags.uts);
  t.equal(namespaceMask([]), 0, 'an empty list attaches to none');
});

t.test('flags: the default, each option moving its bits, a raw value as given', async (t) => {
  t.equal(flagsOf({}), C.LXC_ATTACH_DEFAULT);
  const elevated = flagsOf({ elevatedPrivileges: true });
  for (const bit of [C.LXC_ATTACH_MOVE_TO_CGROUP, C.LXC_ATTACH_DROP_CAPABILITIES, C.LXC_ATTACH_LSM_EXEC]) t.equal(elevated & bit, 0, `elevatedPrivileges clears ${bit}`);
  t.equal(flagsOf({ remountSysProc: true }) & C.LXC_ATTACH_REMOUNT_PROC_SYS, C.LXC_ATTACH_REMOUNT_PROC_SYS);
  t.equal(flagsOf({ lsmLabel: 'unconfined' }) & C.LXC_ATTACH_LSM_LABEL, C.LXC_ATTACH_LSM_LABEL);
  t.equal(flagsOf({ groups: [0] }) & C.LXC_ATTACH_SETGROUPS, C.LXC_ATTACH_SETGROUPS);
  t.equal(flagsOf({ flags: 3 }), 3);
  // A raw value keeps the bits the other options need: liblxc would ignore them silently.
  t.equal(flagsOf({ flags: 3, groups: [0] }), 3 | C.LXC_ATTACH_SETGROUPS);
  t.equal(flagsOf({ flags: 0, lsmLabel: 'x', remountSysProc: true }), C.LXC_ATTACH_LSM_LABEL | C.LXC_ATTACH_REMOUNT_PROC_SYS);
});

t.test('personality and signal names', async (t) => {
  t.equal(personality(attachDefaults.personality), -1, 'detected from the container');
  t.equal(personality(8), 8);
  t.equal(personality('x86'), personalities.x86);
  t.equal(signalName(os.signals.SIGKILL), 'SIGKILL');
  t.equal(signalName(200), 'SIG200', 'an unknown number is still named');
});

// The configuration family: config items (in memory, saved, loaded, the running ones) and cgroup items.
import * as ffi from '../../ffi/index.js';
import { invalid } from '../errors.js';
import { check, unreadable, absolutePath, configKey, configValue, cgroupKey, timeoutSeconds } from '../validate.js';
import { NetworkList } from '../net/list.js';
import { nearest } from '../suggest.js';
import type { Handle } from './handle.js';
import { invoke, plain } from '../call/invoke.js';

// Key families liblxc matches by prefix (lxc.net.0.link, lxc.cgroup2.memory.max, ...).
// lxc.namespace.share.<ns>: liblxc ≥ 5.0 lists the family as "lxc.namespace.share." (with the dot), 4.0 without.
const PREFIX_FAMILIES = new Set(['lxc.net', 'lxc.cgroup', 'lxc.cgroup2', 'lxc.limit', 'lxc.prlimit', 'lxc.sysctl', 'lxc.proc', 'lxc.namespace.share']);

/** Whether liblxc knows `key`: exactly, or as a member of a prefix family. */
export function isKnownKey(key: string): boolean {
  if (ffi.lxc_config_item_is_supported(key)) return true;
  for (let p = key.lastIndexOf('.'); p > 0; p = key.lastIndexOf('.', p - 1)) {
    const prefix = key.slice(0, p);
    if (PREFIX_FAMILIES.has(prefix)) return (ffi.lxc_config_item_is_supported(prefix) || ffi.lxc_config_item_is_supported(`${prefix}.`)) as boolean;
  }
  return false;
}

// Config keys already validated and known to liblxc.
const knownKeys = new Set<string>();

// The keys LXC 2.1 renamed, old → new, as lxc-update-config rewrites them (lxc.network.N.* → lxc.net.N.*).
const LEGACY: Record<string, string> = {
  'lxc.id_map': 'lxc.idmap', 'lxc.pts': 'lxc.pty.max', 'lxc.tty': 'lxc.tty.max', 'lxc.devttydir': 'lxc.tty.dir',
  'lxc.aa_profile': 'lxc.apparmor.profile', 'lxc.aa_allow_incomplete': 'lxc.apparmor.allow_incomplete',
  'lxc.se_context': 'lxc.selinux.context', 'lxc.mount': 'lxc.mount.fstab', 'lxc.utsname': 'lxc.uts.name',
  'lxc.seccomp': 'lxc.seccomp.profile', 'lxc.console': 'lxc.console.path', 'lxc.haltsignal': 'lxc.signal.halt',
  'lxc.rebootsignal': 'lxc.signal.reboot', 'lxc.stopsignal': 'lxc.signal.stop', 'lxc.syslog': 'lxc.log.syslog',
  'lxc.loglevel': 'lxc.log.level', 'lxc.logfile': 'lxc.log.file', 'lxc.init_cmd': 'lxc.init.cmd',
  'lxc.init_uid': 'lxc.init.uid', 'lxc.init_gid': 'lxc.init.gid', 'lxc.limit': 'lxc.prlimit', 'lxc.rootfs': 'lxc.rootfs.path',
};
// Removed in LXC 2.1 with no successor.
const REMOVED = new Set(['lxc.rootfs.backend', 'lxc.pivotdir', 'lxc.kmsg']);
// The items of a nic (lxc.net.N.<item>) across releases, for "did you mean".
const NIC_ITEMS = [
  'type', 'flags', 'link', 'l2proxy', 'mtu', 'name', 'hwaddr', 'script.up', 'script.down', 'ipv4.address', 'ipv4.gateway',
  'ipv6.address', 'ipv6.gateway', 'veth.pair', 'veth.mode', 'veth.ipv4.route', 'veth.ipv6.route', 'veth.vlan.id',
  'veth.vlan.tagged.id', 'macvlan.mode', 'ipvlan.mode', 'ipvlan.isolation', 'vlan.id',
];

/** What to tell about a key liblxc does not know: its new name, or the known key it is a typo of. */
export function keyHint(k: string, known: () => readonly string[]): string {
  const net = /^lxc\.network(\.\d+)?(\..+)?$/.exec(k);
  if (net) return `: it is a legacy key (LXC < 2.1); nics are lxc.net.N.* now${net[1] ? ` ("lxc.net${net[1]}${net[2] ?? ''}")` : ''} (lxc-update-config converts a file)`;
  if (Object.hasOwn(LEGACY, k)) return `: it is a legacy key (LXC < 2.1), now "${LEGACY[k]}" (lxc-update-config converts a file)`;
  if (REMOVED.has(k)) return ': it was removed in LXC 2.1';
  const nic = /^(lxc\.net\.\d+)\.(.+)$/.exec(k);
  const guess = nic ? ((g) => g && `${nic[1]}.${g}`)(nearest(nic[2], NIC_ITEMS)) : nearest(k, known());
  return guess && guess !== k ? `; did you mean "${guess}"?` : '';
}

/** The keys liblxc knows, for suggestions (get_keys with no prefix lists them all); none without a container. */
function allKeys(h: Handle | undefined): readonly string[] {
  if (!h) return [];
  try {
    return getKeys(h, undefined);
  } catch {
    return [];
  }
}

/** `key` checked, and known to this liblxc; checked once per distinct key (the check costs more than the C call). */
export function key(op: string, k: unknown, h?: Handle): string {
  if (typeof k === 'string' && knownKeys.has(k)) return k;
  const valid = check(op, 'key', configKey, k);
  if (!isKnownKey(valid)) throw invalid(op, 'key', `"${valid}" is not a config key liblxc ${ffi.versionString} knows${keyHint(valid, () => allKeys(h))}`);
  if (knownKeys.size < 4096) knownKeys.add(valid);
  return valid;
}

export function getConfigItem(h: Handle, k: unknown): string {
  const op = 'getConfigItem';
  const name = key(op, k, h);
  const v = invoke(h, op, 'get_config_item', plain, name);
  // -1 from liblxc: a key of a known family that this config cannot have (e.g. lxc.net.7.* without nic 7).
  if (v === undefined) {
    // No config at all (clearConfig(), or not created yet): a known key is simply unset.
    if (!h.hasConfig) return '';
    // A key liblxc lists but has no reader for (lxc.include, the lxc.hook family) is not a typo.
    if (allKeys(h).includes(name)) throw h.error('EINVAL', op, `liblxc cannot read "${name}" (it has no getter for it)`);
    throw h.error('EINVAL', op, `liblxc does not know "${name}" for this container${keyHint(name, () => allKeys(h))}`);
  }
  return v.charCodeAt(v.length - 1) === 10 ? v.slice(0, -1) : v;
}

export function setConfigItem(h: Handle, k: unknown, value: unknown): void {
  const op = 'setConfigItem';
  const name = key(op, k, h);
  h.gen++;
  // Array.from, not map: a hole is checked (as undefined) instead of skipped and later sent to C.
  const values = Array.isArray(value) ? listValues(op, value) : [check(op, 'value', configValue, value)];
  const before = invoke(h, op, 'get_config_item', plain, name);
  // liblxc's setters add to an item that already holds something, on several lines (lxc.cap.drop)
  // or on one (lxc.idmap, lxc.init.groups, lxc.mount.auto, lxc.proc.*: "allow" then "deny" read
  // "allowdeny"), so an item that holds something is cleared first.
  if (Array.isArray(value) || (before !== undefined && before !== '')) invoke(h, op, 'clear_config_item', plain, name);
  for (const v of values) {
    if (!invoke(h, op, 'set_config_item', plain, name, v)) {
      // Put back what was there so a failed set loses nothing.
      invoke(h, op, 'clear_config_item', plain, name);
      for (const old of (before ?? '').split('\n').filter(Boolean)) invoke(h, op, 'set_config_item', plain, name, old);
      throw rejected(h, op, name, v);
    }
  }
}

/** Each element of a list value checked, holes included; a Proxy's throwing traps are EINVAL. */
function listValues(op: string, value: unknown[]): string[] {
  let items: unknown[];
  try {
    items = Array.from(value);
  } catch (e) {
    throw unreadable(op, 'value', e);
  }
  return items.map((v, i) => check(op, `value[${i}]`, configValue, v));
}

export function appendConfigItem(h: Handle, k: unknown, value: unknown): void {
  const op = 'appendConfigItem';
  const name = key(op, k, h);
  const v = check(op, 'value', configValue, value);
  h.gen++;
  if (!invoke(h, op, 'set_config_item', plain, name, v)) throw rejected(h, op, name, v);
}

/** A failed set, told apart as getConfigItem tells it: a key this config cannot have, or a value liblxc refused. */
function rejected(h: Handle, op: string, name: string, v: string) {
  if (h.hasConfig && invoke(h, op, 'get_config_item', plain, name) === undefined) return h.error('EINVAL', op, `liblxc does not know "${name}" for this container${keyHint(name, () => allKeys(h))}`);
  return h.error('EINVAL', op, `liblxc rejected ${name} = ${JSON.stringify(v)}`);
}

export function clearConfigItem(h: Handle, k: unknown): void {
  const op = 'clearConfigItem';
  const name = key(op, k, h);
  h.gen++;
  invoke(h, op, 'clear_config_item', { fails: { code: 'ECONFIG', why: `liblxc could not clear ${name}` } }, name);
}

export function clearConfig(h: Handle): void {
  h.gen++;
  invoke(h, 'clearConfig', 'clear_config', plain);
}

export function getKeys(h: Handle, prefix: unknown): string[] {
  const op = 'getKeys';
  const p = prefix === undefined ? null : check(op, 'prefix', configKey, prefix);
  const text = invoke(h, op, 'get_keys', { fails: { code: 'ECONFIG', why: `liblxc has no keys under ${p}`, when: (t) => t === undefined } }, p);
  return text!.split('\n').filter(Boolean);
}

export function getRunningConfigItem(h: Handle, k: unknown): string | undefined {
  const op = 'getRunningConfigItem';
  const v = invoke(h, op, 'get_running_config_item', plain, key(op, k, h));
  return v === null ? undefined : v.replace(/\n$/, '');
}

/** A cgroup file of the container as liblxc reads it, or null when it cannot (no such file, not running). */
export function readCgroupItem(h: Handle, op: string, key: string): string | null {
  return invoke(h, op, 'get_cgroup_item', plain, key) ?? null;
}

export function getCgroupItem(h: Handle, k: unknown): string {
  const op = 'getCgroupItem';
  const name = check(op, 'key', cgroupKey, k);
  h.need(op, 'running');
  const text = readCgroupItem(h, op, name);
  if (text === null) throw h.error('ECGROUP', op, `cannot read cgroup item ${name}`);
  return text.replace(/\n$/, '');
}

export function setCgroupItem(h: Handle, k: unknown, value: unknown): void {
  const op = 'setCgroupItem';
  const name = check(op, 'key', cgroupKey, k);
  const v = check(op, 'value', configValue, value);
  invoke(h, op, 'set_cgroup_item', { fails: { code: 'ECGROUP', why: `cannot set cgroup item ${name} = ${JSON.stringify(v)}` } }, name, v);
}

export function saveConfig(h: Handle, path: unknown): void {
  const op = 'saveConfig';
  const p = path === undefined ? null : check(op, 'path', absolutePath, path);
  if (!invoke(h, op, 'save_config', plain, p)) throw h.error('ESAVE', op, `cannot write ${p ?? h.query(op, 'config_file_name')}`);
  if (p === null) h.diskGen = h.gen;
}

export function loadConfig(h: Handle, path: unknown): void {
  const op = 'loadConfig';
  const p = path === undefined ? null : check(op, 'path', absolutePath, path);
  h.gen++;
  if (!invoke(h, op, 'load_config', plain, p)) throw h.error('ELOAD', op, `cannot load ${p ?? h.query(op, 'config_file_name')}`);
}

export function setCommandTimeout(h: Handle, seconds: unknown): void {
  const op = 'setTimeout';
  const t = check(op, 'seconds', timeoutSeconds, seconds);
  if (!Number.isInteger(t) || t === 0) throw invalid(op, 'seconds', 'must be a whole number of seconds > 0, or -1 to wait forever');
  invoke(h, op, 'set_timeout', { fails: { code: 'EINVAL', why: `liblxc refused a timeout of ${t}` } }, t);
  h.rcvTimeout = t;
}

export function setConfigPath(h: Handle, path: unknown): void {
  const op = 'setConfigPath';
  const p = check(op, 'path', absolutePath, path);
  invoke(h, op, 'set_config_path', { fails: { code: 'ECONFIG', why: `cannot use lxcpath ${p}` } }, p);
  h.lxcpath = p;
  h.gen++;
}

/** The nics as a list over lxc.net.N.* (python's ContainerNetworkList). */
export function network(h: Handle): NetworkList {
  h.ref('network');
  return new NetworkList({
    getConfigItem: (k) => getConfigItem(h, k),
    tryConfigItem: (k) => invoke(h, 'network', 'get_config_item', plain, k),
    setConfigItem: (k, v) => setConfigItem(h, k, v),
    clearConfigItem: (k) => clearConfigItem(h, k),
    getKeys: (prefix) => getKeys(h, prefix),
  });
}

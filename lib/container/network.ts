// The network state family: the running container's interfaces and addresses (the nic list over
// lxc.net.N.* is config: config.ts).
import type { InterfaceAddress, InterfaceStats } from '../net/netlink.js';
import { options, type Defaulted } from '../options/parse.js';
import { getIpsOptionsSchema } from '../options/network.js';
import { getIpsDefaults, type GetIpsOptions } from '../options/network.js';
import { sleep, deadline } from './waits.js';
import type { Handle } from './handle.js';
import { invoke, plain } from '../call/invoke.js';
import { fs } from '../builtins.js';

// The netlink reader, loaded with the first getIps().
let netlinkModule: Promise<typeof import('../net/netlink.js')> | undefined;

export async function getInterfaces(h: Handle): Promise<string[]> {
  const op = 'getInterfaces';
  h.need(op, 'running');
  const { result } = await invoke(h, op, 'get_interfaces', plain);
  return result as string[];
}

export async function getIps(h: Handle, options_: unknown): Promise<string[]> {
  const op = 'getIps';
  const o = options(op, 'options', getIpsOptionsSchema, options_, getIpsDefaults);
  h.need(op, 'defined');
  // initPid answers "running?" too: one round trip to the monitor instead of two.
  let pid = h.query(op, 'init_pid');
  if (pid <= 0) throw h.error('ENOTRUNNING', op, 'the container is not running');
  const netlink = await (netlinkModule ??= import('../net/netlink.js'));
  const end = deadline(o.timeout);
  for (let delay = 50; ; delay = Math.min(delay * 2, 500), pid = h.query(op, 'init_pid')) {
    const ips = readIps(netlink, pid, o) ?? (await invoke(h, op, 'get_ips', plain, o.interface, o.family, o.scope)).result;
    if (ips.length || Date.now() >= end) return ips;
    if (o.signal?.aborted) throw h.aborted(op, o.signal);
    await sleep(Math.min(delay, Math.max(0, end - Date.now())), o.signal).catch(() => {
      throw h.aborted(op, o.signal);
    });
  }
}

export async function interfaceStats(h: Handle): Promise<InterfaceStats[]> {
  const op = 'interfaceStats';
  h.need(op, 'defined');
  const pid = h.query(op, 'init_pid');
  if (pid <= 0) throw h.error('ENOTRUNNING', op, 'the container is not running');
  const netlink = await (netlinkModule ??= import('../net/netlink.js'));
  const byName = (a: InterfaceStats, b: InterfaceStats) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  try {
    return netlink.namespaceLinkStats(pid).sort(byName);
  } catch (e) {
    if (!(e instanceof netlink.NetlinkUnavailable)) throw e;
    // As root: the namespace's answer was refused (see NETLINK_LIMITS).
    if (process.getuid?.() === 0) throw h.error('ENOTSUP', op, `the container's network namespace cannot be read here (${e.message})`);
    // A normal user may not setns() into it from outside its user namespace, but may read its
    // init's /proc/<pid>/net/dev; init is asked again after, so a pid reused meanwhile is not read.
    let text: string;
    try {
      text = fs.readFileSync(`/proc/${pid}/net/dev`, 'utf8');
    } catch (err) {
      throw h.error('ENOTSUP', op, `the container's network namespace cannot be read here (${e.message}; /proc/${pid}/net/dev: ${(err as Error).message})`);
    }
    if (h.query(op, 'init_pid') !== pid) throw h.error('ENOTRUNNING', op, 'the container stopped while its counters were read');
    return netlink.procNetDevStats(text).sort(byName);
  }
}

/**
 * get_ips() without its fork: the same addresses, filtered as liblxc filters them, read over
 * netlink in the container's network namespace. null when that cannot be done here (not root, or
 * init just exited); liblxc then answers.
 */
function readIps(netlink: typeof import('../net/netlink.js'), pid: number, o: Defaulted<GetIpsOptions, typeof getIpsDefaults>): string[] | null {
  if (pid <= 0) return null;
  let all: InterfaceAddress[];
  try {
    all = netlink.namespaceAddresses(pid);
  } catch (e) {
    if (e instanceof netlink.NetlinkUnavailable || (e as NodeJS.ErrnoException).syscall === 'open') return null;
    throw e;
  }
  const out: string[] = [];
  for (const a of all) {
    if (o.family !== null && a.family !== o.family) continue;
    if (a.family === 'inet6' && a.scopeId !== o.scope) continue;
    if (o.interface !== null ? a.name !== o.interface : a.name === 'lo') continue;
    out.push(a.address);
  }
  // liblxc sorts them (strcmp; add_to_array in lxccontainer.c): so do we, for the same answer.
  return out.sort();
}

// The network state family: the running container's interfaces and addresses (the nic list over
// lxc.net.N.* is config: config.ts).
import type { InterfaceAddress, InterfaceStats, RouteSocket } from '../net/netlink.js';
import { options, type Defaulted } from '../options/parse.js';
import { getIpsOptionsSchema } from '../options/network.js';
import { getIpsDefaults, type GetIpsOptions } from '../options/network.js';
import { sleep, deadline } from './waits.js';
import type { Handle } from './handle.js';
import { invoke, plain } from '../call/invoke.js';
import { fs } from '../builtins.js';
import { LxcError } from '../errors.js';

// The netlink reader, loaded with the first getIps().
let netlinkModule: Promise<typeof import('../net/netlink.js')> | undefined;
// nsenter's way in, where a normal user's netlink socket is opened (getAddresses()).
let enteredModule: Promise<typeof import('../net/entered.js')> | undefined;

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

/** One address of a running container, as getAddresses() returns it. */
export interface ContainerAddress {
  /** The interface it is on, by its own name (`eth0`, never an IPv4 label). */
  interface: string;
  /** The IPv4 label (`eth0:1`) when the address has one that differs from the interface's name. */
  label?: string;
  /** `'inet'` (IPv4) or `'inet6'` (IPv6). */
  family: 'inet' | 'inet6';
  /** In inet_ntop()'s notation, without a prefix or a %scope. */
  address: string;
  /** The prefix length: 24 for 10.0.3.5/24. */
  prefixLength: number;
  /** `ip addr`'s scope: 'global', 'site', 'link', 'host' or 'nowhere'; else the kernel's number as text. */
  scope: string;
}

const scopeNames: Record<number, string> = { 0: 'global', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere' };

export async function getAddresses(h: Handle): Promise<ContainerAddress[]> {
  const op = 'getAddresses';
  h.need(op, 'defined');
  const pid = h.query(op, 'init_pid');
  if (pid <= 0) throw h.error('ENOTRUNNING', op, 'the container is not running');
  const netlink = await (netlinkModule ??= import('../net/netlink.js'));
  let all: InterfaceAddress[];
  try {
    // Root joins the namespace on this thread; a normal user's socket is opened by a child (entered.ts).
    all = process.getuid?.() === 0 ? netlink.namespaceAddresses(pid) : netlink.namespaceAddresses(pid, await enteredSocket(h, op, netlink, pid));
  } catch (e) {
    if (e instanceof LxcError) throw e;
    if ((e as NodeJS.ErrnoException).syscall === 'open') throw h.error('ENOTRUNNING', op, 'the container stopped while its addresses were read');
    if (!(e instanceof netlink.NetlinkUnavailable)) throw e;
    // liblxc's get_ips() knows no prefix or scope, so there is nothing to fall back on.
    throw h.error('ENOTSUP', op, `the container's network namespace cannot be read here (${e.message})`);
  }
  // init is asked again: a pid reused meanwhile would have been another namespace.
  if (h.query(op, 'init_pid') !== pid) throw h.error('ENOTRUNNING', op, 'the container stopped while its addresses were read');
  const out = all.map((a): ContainerAddress => {
    const iface = a.link || a.name;
    return {
      interface: iface, ...(a.name !== iface ? { label: a.name } : {}),
      family: a.family, address: a.address, prefixLength: a.prefixLength, scope: scopeNames[a.scope] ?? String(a.scope),
    };
  });
  const key = (a: ContainerAddress) => `${a.interface}\0${a.family}\0${a.address}`;
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * A socket in the network namespace of `pid`, opened there by a child that first joins the
 * container's user namespace (nsenter; lib/net/entered.ts), as liblxc's get_ips() enters it:
 * what a normal user, whose threads keep this process from joining a user namespace, reads the
 * addresses through.
 */
async function enteredSocket(h: Handle, op: string, netlink: typeof import('../net/netlink.js'), pid: number): Promise<RouteSocket> {
  const { enteredRouteSocket, EnterFailure } = await (enteredModule ??= import('../net/entered.js'));
  try {
    return netlink.routeSocketOf(await enteredRouteSocket(pid));
  } catch (e) {
    if (!(e instanceof EnterFailure)) throw e;
    if (e.gone) throw h.error('ENOTRUNNING', op, 'the container stopped while its addresses were read');
    if (e.missing) throw h.error('ENOTSUP', op, `a normal user reads a container's addresses through ${e.message}`);
    throw h.error('ENOTSUP', op, `its network namespace cannot be entered by this user (uid ${process.getuid?.() ?? -1}: ${e.message}): a normal user enters only the namespaces of containers it started in a user namespace of its own (lxc.idmap); root may enter any`);
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

// The addresses of a container's interfaces, read over rtnetlink from inside its network namespace.
// liblxc's get_ips() forks the caller to enter the namespace, which for a Node process costs
// milliseconds (docs/benchmarks.md). setns() is per thread, and a netlink socket answers for the
// namespace it was opened in: join on this thread, open the socket, go back, then ask.
import { fs } from './runtime.js';
import * as libc from '../ffi/libc.js';
import { AF_INET, AF_INET6, AF_NETLINK, CLONE_NEWNET, IFA_ADDRESS, IFA_LABEL, IFA_LOCAL, IFLA_IFNAME, IFLA_STATS64, NETLINK_ROUTE, NLMSG_DONE, NLMSG_ERROR, NLM_F_DUMP, NLM_F_REQUEST, RTM_GETADDR, RTM_GETLINK, RTM_NEWADDR, RTM_NEWLINK, SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_RAW } from '../ffi/libc.js';

/** One address of an interface, as getifaddrs() reports it. */
export interface InterfaceAddress {
  /** The interface's name (an IPv4 address's label, such as eth0:1, when it has one). */
  name: string;
  family: 'inet' | 'inet6';
  /** In inet_ntop()'s notation. */
  address: string;
  /** IPv6 scope id: the interface index for link-local addresses, else 0. */
  scopeId: number;
}

/** Thrown when the namespace cannot be joined or netlink misbehaves; the caller falls back to liblxc. */
export class NetlinkUnavailable extends Error {
  override readonly name = 'NetlinkUnavailable';
}

/** Opens an rtnetlink socket in the network namespace of `pid` (the container's init). */
function routeSocketIn(pid: number): number {
  const target = fs.openSync(`/proc/${pid}/ns/net`, 'r');
  let home = -1;
  try {
    home = fs.openSync('/proc/thread-self/ns/net', 'r');
    if (libc.setns(target, CLONE_NEWNET) !== 0) throw new NetlinkUnavailable(`setns: errno ${libc.koffi.errno()}`);
    let sock = -1;
    try {
      sock = libc.socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
    } finally {
      // Back home before anything else runs on this thread; failing that, nothing here is safe.
      if (libc.setns(home, CLONE_NEWNET) !== 0) {
        throw new Error(`lxc-ffi: could not return the main thread to its network namespace (errno ${libc.koffi.errno()})`);
      }
    }
    if (sock < 0) throw new NetlinkUnavailable(`socket: errno ${libc.koffi.errno()}`);
    return sock;
  } finally {
    fs.closeSync(target);
    if (home >= 0) fs.closeSync(home);
  }
}

const recvBuffer = Buffer.alloc(65536);

/** Sends one dump request and returns the payloads (after the nlmsghdr) of the messages of `type`. */
function dump(sock: number, request: number, reply: number, family: number, seq: number): Buffer[] {
  const req = Buffer.alloc(32);
  req.writeUInt32LE(32, 0);
  req.writeUInt16LE(request, 4);
  req.writeUInt16LE(NLM_F_REQUEST | NLM_F_DUMP, 6);
  req.writeUInt32LE(seq, 8);
  req.writeUInt8(family, 16); // ifinfomsg / ifaddrmsg family; the rest stays zero
  fs.writeSync(sock, req);
  const out: Buffer[] = [];
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(sock, recvBuffer, 0, recvBuffer.length, null);
    } catch (e) {
      // The kernel queues each part of a dump before read() asks for it; EAGAIN means it did not.
      throw new NetlinkUnavailable(`netlink read: ${(e as Error).message}`);
    }
    for (let off = 0; off + 16 <= n; ) {
      const len = recvBuffer.readUInt32LE(off);
      const type = recvBuffer.readUInt16LE(off + 4);
      if (len < 16 || off + len > n) throw new NetlinkUnavailable('netlink: truncated message');
      if (recvBuffer.readUInt32LE(off + 8) === seq) {
        if (type === NLMSG_DONE) return out;
        if (type === NLMSG_ERROR) throw new NetlinkUnavailable(`netlink: error ${recvBuffer.readInt32LE(off + 16)}`);
        if (type === reply) out.push(Buffer.from(recvBuffer.subarray(off + 16, off + len)));
      }
      off += (len + 3) & ~3;
    }
  }
}

/** Calls `fn(type, data)` for each rtattr in `buf` from `start`. */
function attributes(buf: Buffer, start: number, fn: (type: number, data: Buffer) => void): void {
  for (let off = start; off + 4 <= buf.length; ) {
    const len = buf.readUInt16LE(off);
    if (len < 4 || off + len > buf.length) return;
    fn(buf.readUInt16LE(off + 2) & 0x3fff, buf.subarray(off + 4, off + len));
    off += (len + 3) & ~3;
  }
}

function cString(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.toString('utf8', 0, nul < 0 ? b.length : nul);
}

/** An IPv6 address in inet_ntop()'s notation (RFC 5952, with glibc's embedded-IPv4 forms). */
export function ipv6Text(b: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i] << 8) | b[i + 1]);
  // The longest run of two or more zero words (the first of equals) becomes '::'.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  if (bestLen < 2) best = -1;
  const ipv4 = `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  if (best === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
    return bestLen === 6 ? `::${ipv4}` : `::ffff:${ipv4}`;
  }
  const parts: string[] = [];
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      parts.push(i === 0 ? ':' : '');
      i += bestLen - 1;
      if (i === 7) parts.push('');
      continue;
    }
    parts.push(words[i].toString(16));
  }
  return parts.join(':');
}

/** The counters of one interface (struct rtnl_link_stats64), as the namespace it is in sees them. */
export interface InterfaceStats {
  /** The interface's name inside the container. */
  name: string;
  /** Bytes received. */
  rxBytes: number;
  /** Bytes sent. */
  txBytes: number;
  /** Packets received. */
  rxPackets: number;
  /** Packets sent. */
  txPackets: number;
  /** Receive errors. */
  rxErrors: number;
  /** Send errors. */
  txErrors: number;
  /** Packets dropped on receipt. */
  rxDropped: number;
  /** Packets dropped on sending. */
  txDropped: number;
}

/** The counters of every interface in the network namespace of `pid` (RTM_GETLINK's IFLA_STATS64). */
export function namespaceLinkStats(pid: number): InterfaceStats[] {
  const sock = routeSocketIn(pid);
  try {
    const out: InterfaceStats[] = [];
    for (const m of dump(sock, RTM_GETLINK, RTM_NEWLINK, 0, 1)) {
      let name: string | undefined;
      let stats: Buffer | undefined;
      attributes(m, 16, (type, data) => {
        if (type === IFLA_IFNAME) name = cString(data);
        else if (type === IFLA_STATS64) stats = data;
      });
      if (name === undefined || !stats || stats.length < 64) continue;
      // rx_packets, tx_packets, rx_bytes, tx_bytes, rx_errors, tx_errors, rx_dropped, tx_dropped: u64 each.
      const u64 = (i: number) => Number(stats!.readBigUInt64LE(8 * i));
      out.push({
        name, rxPackets: u64(0), txPackets: u64(1), rxBytes: u64(2), txBytes: u64(3),
        rxErrors: u64(4), txErrors: u64(5), rxDropped: u64(6), txDropped: u64(7),
      });
    }
    return out;
  } finally {
    libc.close(sock);
  }
}

/** Every address of every interface in the network namespace of `pid`, in the kernel's order. */
export function namespaceAddresses(pid: number): InterfaceAddress[] {
  const sock = routeSocketIn(pid);
  try {
    const names = new Map<number, string>();
    for (const m of dump(sock, RTM_GETLINK, RTM_NEWLINK, 0, 1)) {
      const index = m.readInt32LE(4);
      attributes(m, 16, (type, data) => { if (type === IFLA_IFNAME) names.set(index, cString(data)); });
    }
    const out: InterfaceAddress[] = [];
    for (const m of dump(sock, RTM_GETADDR, RTM_NEWADDR, 0, 2)) {
      const af = m.readUInt8(0);
      if (af !== AF_INET && af !== AF_INET6) continue;
      const index = m.readUInt32LE(4);
      let local: Buffer | undefined;
      let address: Buffer | undefined;
      let label: string | undefined;
      attributes(m, 8, (type, data) => {
        if (type === IFA_LOCAL) local = data;
        else if (type === IFA_ADDRESS) address = data;
        else if (type === IFA_LABEL) label = cString(data);
      });
      // As getifaddrs(): IFA_LOCAL is the address when present (IFA_ADDRESS is then the peer).
      const bytes = local ?? address;
      const name = label ?? names.get(index);
      if (!bytes || name === undefined) continue;
      if (af === AF_INET) {
        if (bytes.length < 4) continue;
        out.push({ name, family: 'inet', address: `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`, scopeId: 0 });
      } else {
        if (bytes.length < 16) continue;
        // Link-local unicast (fe80::/10) and multicast (ff02::/16) carry the interface as scope id.
        const linkLocal = (bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0x80) || (bytes[0] === 0xff && (bytes[1] & 0x0f) === 0x02);
        out.push({ name, family: 'inet6', address: ipv6Text(bytes), scopeId: linkLocal ? index : 0 });
      }
    }
    return out;
  } finally {
    libc.close(sock);
  }
}

// The addresses of a container's interfaces, read over rtnetlink from inside its network namespace.
// liblxc's get_ips() forks the caller to enter the namespace, which for a Node process costs
// milliseconds (docs/benchmarks.md). setns() is per thread, and a netlink socket answers for the
// namespace it was opened in: join on this thread, open the socket, go back, then ask. A normal
// user's socket is opened by a child in the container's user namespace instead (entered.ts).
import { fs } from '../builtins.js';
import * as libc from '../../ffi/libc.js';
import { AF_INET, AF_INET6, AF_NETLINK, CLONE_NEWNET, EAGAIN, EINTR, ENOBUFS, IFA_ADDRESS, IFA_LABEL, IFA_LOCAL, IFLA_IFNAME, IFLA_STATS64, MSG_DONTWAIT, NETLINK_ROUTE, NLMSG_DONE, NLMSG_ERROR, NLM_F_DUMP, NLM_F_REQUEST, POLLIN, RTM_GETADDR, RTM_GETLINK, RTM_NEWADDR, RTM_NEWLINK, SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_RAW, SOCKADDR_NL_SIZE } from '../../ffi/libc.js';

/** One address of an interface, as getifaddrs() reports it. */
export interface InterfaceAddress {
  /** The interface's name (an IPv4 address's label, such as eth0:1, when it has one). */
  name: string;
  family: 'inet' | 'inet6';
  /** In inet_ntop()'s notation. */
  address: string;
  /** IPv6 scope id: the interface index for link-local addresses, else 0. */
  scopeId: number;
  /** The interface's own name (never a label); '' when the link dump did not name its index. */
  link: string;
  /** The prefix length (ifa_prefixlen). */
  prefixLength: number;
  /** The kernel's scope (ifa_scope): 0 global, 200 site, 253 link, 254 host, 255 nowhere. */
  scope: number;
}

/** Thrown when the namespace cannot be joined or netlink misbehaves; the caller falls back to liblxc. */
export class NetlinkUnavailable extends Error {
  override readonly name = 'NetlinkUnavailable';
}

/**
 * What one call may take from the namespace it reads, on the caller's main thread: a container's
 * real tables (thousands of links, ~1 KiB each; addresses ~100 bytes) fit well within them, and
 * past them the answer is not worth holding the event loop or the heap for. Messages and bytes
 * count per dump; `ms` is the whole call's deadline, waits for the kernel included.
 */
export const NETLINK_LIMITS = { messages: 65_536, bytes: 32 * 1024 * 1024, ms: 250 } as const;

/** A NETLINK_ROUTE socket in a container's network namespace, and the port the kernel gave it. */
export interface RouteSocket {
  fd: number;
  port: number;
}

/**
 * Opens an rtnetlink socket in the network namespace of `pid` (the container's init). It is
 * connect()ed to the kernel: the kernel then refuses what other sockets of the namespace (the
 * container's processes, which can see our port in their /proc/net/netlink) send to it.
 * `kernelOnly: false` leaves it unconnected, for the tests of the read loop's own checks.
 */
export function openRouteSocket(pid: number, { kernelOnly = true }: { kernelOnly?: boolean } = {}): RouteSocket {
  const target = fs.openSync(`/proc/${pid}/ns/net`, 'r');
  let home = -1;
  let sock = -1;
  try {
    home = fs.openSync('/proc/thread-self/ns/net', 'r');
    if (libc.setns(target, CLONE_NEWNET) !== 0) throw new NetlinkUnavailable(`setns: errno ${libc.koffi.errno()}`);
    try {
      sock = libc.socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
    } finally {
      // Back home before anything else runs on this thread; failing that, nothing here is safe.
      if (libc.setns(home, CLONE_NEWNET) !== 0) {
        throw new Error(`lxc-ffi: could not return the main thread to its network namespace (errno ${libc.koffi.errno()})`);
      }
    }
    if (sock < 0) throw new NetlinkUnavailable(`socket: errno ${libc.koffi.errno()}`);
  } catch (e) {
    if (sock >= 0) libc.close(sock);
    throw e;
  } finally {
    fs.closeSync(target);
    if (home >= 0) fs.closeSync(home);
  }
  return routeSocketOf(sock, { kernelOnly });
}

/**
 * Makes `fd`, a NETLINK_ROUTE socket opened in some namespace (by openRouteSocket(), or by a
 * child in the container's user namespace for a normal user: entered.ts), a RouteSocket: connect()ed
 * to the kernel as openRouteSocket() says, its port read. Takes `fd` over: closed on failure.
 */
export function routeSocketOf(fd: number, { kernelOnly = true }: { kernelOnly?: boolean } = {}): RouteSocket {
  try {
    // sockaddr_nl { AF_NETLINK, 0, nl_pid 0 (the kernel), nl_groups 0 }; connect() binds us a port too.
    const kernel = Buffer.alloc(SOCKADDR_NL_SIZE);
    kernel.writeUInt16LE(AF_NETLINK, 0);
    const bound = kernelOnly ? libc.connect(fd, kernel, kernel.length) : libc.bind(fd, kernel, kernel.length);
    if (bound !== 0) throw new NetlinkUnavailable(`${kernelOnly ? 'connect' : 'bind'}: errno ${libc.koffi.errno()}`);
    const self = Buffer.alloc(SOCKADDR_NL_SIZE);
    const selfLen = new Uint32Array([self.length]);
    if (libc.getsockname(fd, self, selfLen) !== 0) throw new NetlinkUnavailable(`getsockname: errno ${libc.koffi.errno()}`);
    return { fd, port: self.readUInt32LE(4) };
  } catch (e) {
    libc.close(fd);
    throw e;
  }
}

/** Closes what openRouteSocket() opened. */
export function closeRouteSocket(sock: RouteSocket): void {
  libc.close(sock.fd);
}

/** The deadline (performance.now() time) of a call that starts now. */
export function deadlineFromNow(): number {
  return performance.now() + NETLINK_LIMITS.ms;
}

/** One message of a netlink datagram: its header's fields and its payload (a view, not a copy). */
export interface NetlinkMessage {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  payload: Buffer;
}

/**
 * The messages of a datagram's first `length` bytes. A message whose nlmsg_len is shorter than its
 * header or runs past the datagram ends it: what follows cannot be framed.
 */
export function netlinkMessages(buf: Buffer, length: number): NetlinkMessage[] {
  const out: NetlinkMessage[] = [];
  const end = Math.min(length, buf.length);
  for (let off = 0; off + 16 <= end; ) {
    const len = buf.readUInt32LE(off);
    if (len < 16 || len > end - off) break;
    out.push({
      type: buf.readUInt16LE(off + 4), flags: buf.readUInt16LE(off + 6), seq: buf.readUInt32LE(off + 8), pid: buf.readUInt32LE(off + 12),
      payload: buf.subarray(off + 16, off + len),
    });
    off += (len + 3) & ~3;
  }
  return out;
}

// sizeof(struct ifinfomsg), sizeof(struct ifaddrmsg): the attributes follow them.
const IFINFOMSG_SIZE = 16;
const IFADDRMSG_SIZE = 8;
const recvBuffer = Buffer.alloc(65536);
const source = Buffer.alloc(SOCKADDR_NL_SIZE);
const sourceLen = new Uint32Array(1);
const pollfd = Buffer.alloc(8);
// A dump's answer carries its request's sequence number: a new one each request, from a random start.
let lastSeq = Math.floor(Math.random() * 0x7fffffff);

const DUMPS = {
  link: { request: RTM_GETLINK, reply: RTM_NEWLINK },
  address: { request: RTM_GETADDR, reply: RTM_NEWADDR },
} as const;

/**
 * Sends one dump request (links or addresses, every family) and returns the payloads (after the
 * nlmsghdr, copied) of the answer's messages. Takes only what the kernel sent (the sender's nl_pid,
 * from recvfrom(), is 0) carrying this request's sequence number and our port; throws
 * NetlinkUnavailable past NETLINK_LIMITS or `deadline` (a performance.now() time), or when the
 * kernel says it failed.
 */
export function readDump(sock: RouteSocket, what: keyof typeof DUMPS, deadline: number): Buffer[] {
  const { request, reply } = DUMPS[what];
  const seq = lastSeq = (lastSeq % 0x7fffffff) + 1;
  const req = Buffer.alloc(32);
  req.writeUInt32LE(32, 0);
  req.writeUInt16LE(request, 4);
  req.writeUInt16LE(NLM_F_REQUEST | NLM_F_DUMP, 6);
  req.writeUInt32LE(seq, 8);
  req.writeUInt32LE(sock.port, 12);
  // ifinfomsg / ifaddrmsg: family 0 (AF_UNSPEC), the rest zero.
  fs.writeSync(sock.fd, req);
  const out: Buffer[] = [];
  let bytes = 0;
  for (;;) {
    const left = deadline - performance.now();
    if (left <= 0) throw new NetlinkUnavailable(`netlink: no complete answer within ${NETLINK_LIMITS.ms} ms`);
    sourceLen[0] = source.length;
    const n = Number(libc.recvfrom(sock.fd, recvBuffer, recvBuffer.length, MSG_DONTWAIT, source, sourceLen));
    if (n < 0) {
      const errno = libc.koffi.errno();
      if (errno === EINTR) continue;
      if (errno === ENOBUFS) throw new NetlinkUnavailable('netlink: the socket\'s queue overflowed, the answer is incomplete');
      if (errno !== EAGAIN) throw new NetlinkUnavailable(`netlink recvfrom: errno ${errno}`);
      // Nothing queued and no NLMSG_DONE yet: wait for the kernel, not past the deadline.
      pollfd.writeInt32LE(sock.fd, 0);
      pollfd.writeInt16LE(POLLIN, 4);
      pollfd.writeInt16LE(0, 6);
      if (libc.poll(pollfd, 1, Math.max(1, Math.ceil(left))) < 0 && libc.koffi.errno() !== EINTR) {
        throw new NetlinkUnavailable(`netlink poll: errno ${libc.koffi.errno()}`);
      }
      continue;
    }
    // Only the kernel answers requests; anything else came from a process in the namespace.
    if (sourceLen[0] < SOCKADDR_NL_SIZE || source.readUInt16LE(0) !== AF_NETLINK || source.readUInt32LE(4) !== 0) continue;
    for (const m of netlinkMessages(recvBuffer, n)) {
      if (m.seq !== seq || m.pid !== sock.port) continue;
      if (m.type === NLMSG_DONE) return out;
      if (m.type === NLMSG_ERROR) throw new NetlinkUnavailable(`netlink: error ${m.payload.length >= 4 ? m.payload.readInt32LE(0) : '(truncated)'}`);
      if (m.type !== reply) continue;
      bytes += m.payload.length;
      if (out.length >= NETLINK_LIMITS.messages || bytes > NETLINK_LIMITS.bytes) {
        throw new NetlinkUnavailable(`netlink: the answer passed ${NETLINK_LIMITS.messages} messages or ${NETLINK_LIMITS.bytes} bytes`);
      }
      out.push(Buffer.from(m.payload));
    }
  }
}

/** Calls `fn(type, data)` for each rtattr in `buf` from `start`; stops at one whose rta_len is out of range. */
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

/**
 * The counters of /proc/<pid>/net/dev, which a normal user may read for its containers' init where
 * it may not setns() into their network namespace. Lines that do not parse are skipped.
 */
export function procNetDevStats(text: string): InterfaceStats[] {
  const out: InterfaceStats[] = [];
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const n = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (n.length < 16 || n.some((x) => !Number.isFinite(x))) continue;
    out.push({ name: line.slice(0, colon).trim(), rxBytes: n[0], rxPackets: n[1], rxErrors: n[2], rxDropped: n[3], txBytes: n[8], txPackets: n[9], txErrors: n[10], txDropped: n[11] });
  }
  return out;
}

/** The counters of each RTM_NEWLINK payload (ifinfomsg and attributes) that has a name and IFLA_STATS64; malformed ones are skipped. */
export function linkStatsOf(links: Buffer[]): InterfaceStats[] {
  const out: InterfaceStats[] = [];
  for (const m of links) {
    if (m.length < IFINFOMSG_SIZE) continue;
    let name: string | undefined;
    let stats: Buffer | undefined;
    attributes(m, IFINFOMSG_SIZE, (type, data) => {
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
}

/** Interface index → name, from RTM_NEWLINK payloads; malformed ones are skipped. */
export function linkNamesOf(links: Buffer[]): Map<number, string> {
  const names = new Map<number, string>();
  for (const m of links) {
    if (m.length < IFINFOMSG_SIZE) continue;
    const index = m.readInt32LE(4);
    attributes(m, IFINFOMSG_SIZE, (type, data) => { if (type === IFLA_IFNAME) names.set(index, cString(data)); });
  }
  return names;
}

/** The IPv4 and IPv6 addresses of RTM_NEWADDR payloads (ifaddrmsg and attributes), named from `names`; malformed ones are skipped. */
export function addressesOf(addresses: Buffer[], names: Map<number, string>): InterfaceAddress[] {
  const out: InterfaceAddress[] = [];
  for (const m of addresses) {
    if (m.length < IFADDRMSG_SIZE) continue;
    const af = m.readUInt8(0);
    if (af !== AF_INET && af !== AF_INET6) continue;
    const index = m.readUInt32LE(4);
    let local: Buffer | undefined;
    let address: Buffer | undefined;
    let label: string | undefined;
    attributes(m, IFADDRMSG_SIZE, (type, data) => {
      if (type === IFA_LOCAL) local = data;
      else if (type === IFA_ADDRESS) address = data;
      else if (type === IFA_LABEL) label = cString(data);
    });
    // As getifaddrs(): IFA_LOCAL is the address when present (IFA_ADDRESS is then the peer).
    const bytes = local ?? address;
    const name = label ?? names.get(index);
    if (!bytes || name === undefined) continue;
    const link = names.get(index) ?? '';
    const prefixLength = m.readUInt8(1);
    const scope = m.readUInt8(3);
    if (af === AF_INET) {
      if (bytes.length < 4) continue;
      out.push({ name, family: 'inet', address: `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`, scopeId: 0, link, prefixLength, scope });
    } else {
      if (bytes.length < 16) continue;
      // Link-local unicast (fe80::/10) and multicast (ff02::/16) carry the interface as scope id.
      const linkLocal = (bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0x80) || (bytes[0] === 0xff && (bytes[1] & 0x0f) === 0x02);
      out.push({ name, family: 'inet6', address: ipv6Text(bytes), scopeId: linkLocal ? index : 0, link, prefixLength, scope });
    }
  }
  return out;
}

/** The counters of every interface in the network namespace of `pid` (RTM_GETLINK's IFLA_STATS64). */
export function namespaceLinkStats(pid: number): InterfaceStats[] {
  const deadline = deadlineFromNow();
  const sock = openRouteSocket(pid);
  try {
    return linkStatsOf(readDump(sock, 'link', deadline));
  } finally {
    closeRouteSocket(sock);
  }
}

/**
 * Every address of every interface in the network namespace of `pid` (or of `sock`, a socket
 * opened there, which this closes), in the kernel's order.
 */
export function namespaceAddresses(pid: number, sock: RouteSocket = openRouteSocket(pid)): InterfaceAddress[] {
  const deadline = deadlineFromNow();
  try {
    const names = linkNamesOf(readDump(sock, 'link', deadline));
    return addressesOf(readDump(sock, 'address', deadline), names);
  } finally {
    closeRouteSocket(sock);
  }
}

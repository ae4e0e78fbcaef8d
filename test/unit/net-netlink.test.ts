// ipv6Text against glibc's inet_ntop (through Python's socket module, which calls it).
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { ipv6Text } from '../../lib/net/netlink.js';

t.test('ipv6Text writes what inet_ntop writes', async (t) => {
  const samples: number[][] = [];
  const words = (w: number[]) => w.flatMap((x) => [x >> 8, x & 0xff]);
  for (const w of [
    [0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 1], [0xfe80, 0, 0, 0, 0x1, 0x2, 0x3, 0x4], [0x2001, 0xdb8, 0, 0, 1, 0, 0, 1],
    [0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304], [0, 0, 0, 0, 0, 0, 0x0102, 0x0304], [1, 0, 0, 0, 0, 0, 0, 0], [1, 0, 1, 0, 1, 0, 1, 0],
    [0, 1, 0, 1, 0, 1, 0, 1], [0xfd00, 0x97, 0, 0, 0, 0, 0, 7], [0, 0, 1, 0, 0, 0, 0, 0], [0xff02, 0, 0, 0, 0, 0, 0, 1],
  ]) samples.push(words(w));
  // Random addresses, most words zero so runs of zeros of every length and place occur.
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < 300; i++) samples.push(words(Array.from({ length: 8 }, () => (rand() < 0.6 ? 0 : Math.floor(rand() * 0x10000)))));
  const script = 'import socket, sys, json\nprint(json.dumps([socket.inet_ntop(socket.AF_INET6, bytes(b)) for b in json.loads(sys.argv[1])]))';
  const expected = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(samples)]).toString()) as string[];
  const got = samples.map((b) => ipv6Text(Uint8Array.from(b)));
  const wrong = got.map((g, i) => [g, expected[i]]).filter(([g, e]) => g !== e);
  t.same(wrong, [], `${samples.length} addresses`);
});

// The parsers behind namespaceAddresses() and namespaceLinkStats(), on malformed messages: each is
// skipped, none throws (a 16-byte RTM_NEWLINK used to make getIps reject with a RangeError).
import { addressesOf, linkNamesOf, linkStatsOf, netlinkMessages } from '../../lib/net/netlink.js';

/** An rtattr: u16 rta_len, u16 rta_type, data, padded to 4. */
function rta(type: number, data: Buffer, len = 4 + data.length): Buffer {
  const b = Buffer.alloc((4 + data.length + 3) & ~3);
  b.writeUInt16LE(len, 0);
  b.writeUInt16LE(type, 2);
  data.copy(b, 4);
  return b;
}
/** An ifinfomsg of `index` and its attributes. */
const link = (index: number, ...attrs: Buffer[]) => { const h = Buffer.alloc(16); h.writeInt32LE(index, 4); return Buffer.concat([h, ...attrs]); };
/** An ifaddrmsg (AF_INET, `index`) and its attributes. */
const addr = (index: number, ...attrs: Buffer[]) => { const h = Buffer.alloc(8); h.writeUInt8(2, 0); h.writeUInt8(24, 1); h.writeUInt32LE(index, 4); return Buffer.concat([h, ...attrs]); };
const name = (s: string) => rta(3, Buffer.from(`${s}\0`));
const stats = rta(23, Buffer.alloc(64, 1));
const ipv4 = (a: number[]) => rta(2, Buffer.from(a));
/** A netlink message: nlmsghdr (length `len`, type, seq, pid) and payload, padded to 4. */
function msg(type: number, payload: Buffer, { len = 16 + payload.length, seq = 7, pid = 9 } = {}): Buffer {
  const b = Buffer.alloc((16 + payload.length + 3) & ~3);
  b.writeUInt32LE(len >>> 0, 0);
  b.writeUInt16LE(type, 4);
  b.writeUInt32LE(seq, 8);
  b.writeUInt32LE(pid, 12);
  payload.copy(b, 16);
  return b;
}

t.test('netlinkMessages frames what it can and stops where it cannot', async (t) => {
  const good = msg(16, link(2, name('eth0')));
  const frame = (b: Buffer) => netlinkMessages(b, b.length).map((m) => [m.type, m.seq, m.pid, m.payload.length]);
  t.same(frame(Buffer.concat([good, good])), [[16, 7, 9, 28], [16, 7, 9, 28]], 'two messages');
  t.same(frame(Buffer.alloc(0)), [], 'empty');
  t.same(frame(Buffer.alloc(7)), [], 'shorter than a header');
  t.same(frame(msg(16, Buffer.alloc(0))), [[16, 7, 9, 0]], 'a header alone (16 bytes) is a message with no payload');
  for (const len of [0, 7, 15, 0xffffffff, 0xfffffff0, 200]) {
    t.same(frame(Buffer.concat([good, msg(16, Buffer.alloc(24), { len }), good])), [[16, 7, 9, 28]], `nlmsg_len ${len}: the rest of the datagram is dropped`);
  }
  t.same(netlinkMessages(Buffer.concat([good, good]), good.length + 10).length, 1, 'only the first `length` bytes count');
});

t.test('the payload parsers skip malformed messages', async (t) => {
  const eth0 = link(2, name('eth0'), stats);
  t.doesNotThrow(() => linkNamesOf([Buffer.alloc(0), Buffer.alloc(3), Buffer.alloc(15)]));
  t.same([...linkNamesOf([Buffer.alloc(0), Buffer.alloc(15), eth0])], [[2, 'eth0']], 'short ifinfomsg skipped');
  t.same(linkStatsOf([Buffer.alloc(0), Buffer.alloc(12), eth0]).map((s) => s.name), ['eth0'], 'short ifinfomsg skipped (stats)');
  t.same(linkStatsOf([link(3, name('x'), rta(23, Buffer.alloc(40)))]), [], 'IFLA_STATS64 shorter than 64 bytes: skipped');
  // rta_len out of range: past the message, below a header, zero.
  for (const len of [2000, 3, 0]) {
    const bad = link(4, rta(3, Buffer.from('evil\0'), len), stats);
    t.same([...linkNamesOf([bad])], [], `rta_len ${len}: no attribute read`);
    t.same(linkStatsOf([bad]), [], `rta_len ${len}: no stats`);
  }
  const names = new Map([[2, 'eth0']]);
  t.same(addressesOf([Buffer.alloc(0), Buffer.alloc(7), addr(2, ipv4([10, 0, 0, 5]))], names),
    [{ name: 'eth0', family: 'inet', address: '10.0.0.5', scopeId: 0, link: 'eth0', prefixLength: 24, scope: 0 }], 'short ifaddrmsg skipped');
  t.same(addressesOf([addr(2, ipv4([10, 0]))], names), [], 'a 2-byte IPv4 address: skipped');
  t.same(addressesOf([addr(2, rta(2, Buffer.from([10, 0, 0, 5]), 200))], names), [], 'IFA_LOCAL whose rta_len runs past: skipped');
  t.same(addressesOf([addr(9, ipv4([10, 0, 0, 5]))], names), [], 'an unknown interface, no label: skipped');
  // Random bytes never throw.
  let seed = 99;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256);
  for (let i = 0; i < 2000; i++) {
    const b = Buffer.from(Array.from({ length: rand() % 96 }, rand));
    const ms = netlinkMessages(b, b.length).map((m) => m.payload);
    linkNamesOf([b, ...ms]); linkStatsOf([b, ...ms]); addressesOf([b, ...ms], names);
  }
  t.pass('2000 random buffers parsed without throwing');
});

// ipv6Text against glibc's inet_ntop (through Python's socket module, which calls it).
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { ipv6Text } from '../../lib/netlink.js';

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

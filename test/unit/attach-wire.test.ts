// The attach worker's framing (lib/attach/wire.ts): structured-clone messages survive a round trip
// however the byte stream is cut.
import t from 'tap';
import { frame, Unframer, type Reply } from '../../lib/attach/wire.js';

const messages: Reply[] = [
  { ready: true, pid: 42 },
  { id: 1, ok: true, value: { when: new Date(0), set: new Set([1, 2]), map: new Map([['k', [1n, 'v']]]), bytes: new Uint8Array([1, 2, 3]) } },
  { id: 2, ok: false, error: { name: 'TypeError', message: 'bad\nline', stack: 'at x' } },
  { fatal: 'é — unicode survives' },
];

t.test('a stream of frames, cut at every byte, gives back every message in order', async (t) => {
  const stream = Buffer.concat(messages.map(frame));
  const u = new Unframer();
  const out: unknown[] = [];
  for (let i = 0; i < stream.length; i++) out.push(...u.push(stream.subarray(i, i + 1)));
  t.same(out, messages);
});

t.test('several frames in one chunk, and a partial one held until its rest arrives', async (t) => {
  const [a, b, c] = messages.slice(0, 3).map(frame);
  const u = new Unframer();
  const first = u.push(Buffer.concat([a, b, c.subarray(0, 5)]));
  t.equal(first.length, 2, 'the two whole frames');
  t.same(u.push(Buffer.alloc(0)), [], 'nothing new from an empty chunk');
  t.same(u.push(c.subarray(5)), [messages[2]], 'the third once complete');
});

t.test('the length prefix is 4 bytes big-endian', async (t) => {
  const f = frame({ fatal: 'x' });
  t.equal(f.readUInt32BE(0), f.length - 4);
});

// lib/proc/frames.ts: the one framing of the helper channels (a 4-byte big-endian length, then the
// body): frames reassembled from any split, the bound checked on the header before any body byte
// is held, a body that does not decode, and a broken stream staying broken.
import t from 'tap';
import { FrameError, HEADER, Unframer, frameBytes } from '../../lib/proc/frames.js';

const json = (m: unknown) => frameBytes(Buffer.from(JSON.stringify(m)), 1 << 20);
const reader = (max = 1 << 20) => new Unframer((b) => JSON.parse(b.toString('utf8')), max);

t.test('the header: the body length, big-endian', { timeout: 5000 }, async (t) => {
  const f = frameBytes(Buffer.from('abc'), 10);
  t.equal(HEADER, 4);
  t.same([...f], [0, 0, 0, 3, 97, 98, 99]);
  t.equal(frameBytes(Buffer.alloc(0), 10).length, 4, 'an empty body is a header alone');
  t.throws(() => frameBytes(Buffer.alloc(11), 10, 'a test frame'), { name: 'FrameError', message: /11 bytes encoded, more than .* \(10 bytes\) a test frame may carry/ });
  t.doesNotThrow(() => frameBytes(Buffer.alloc(10), 10), 'exactly max is allowed');
});

t.test('split at every byte, or one byte at a time: the same messages', { timeout: 10_000 }, async (t) => {
  const messages = [{ a: 1 }, { text: 'é'.repeat(300) }, [], 'x', null];
  const bytes = Buffer.concat(messages.map(json));
  for (let cut = 0; cut <= bytes.length; cut++) {
    const r = reader();
    const got = [...r.push(bytes.subarray(0, cut)), ...r.push(bytes.subarray(cut))];
    if (JSON.stringify(got) !== JSON.stringify(messages)) { t.fail(`cut at ${cut}: ${JSON.stringify(got)}`); return; }
  }
  t.pass(`all ${bytes.length + 1} cuts`);
  const r = reader();
  const got: unknown[] = [];
  for (let i = 0; i < bytes.length; i++) {
    got.push(...r.push(bytes.subarray(i, i + 1)));
    if (i < bytes.length - 1) t.ok(r.buffered < bytes.length, 'holds only what is not yet a message');
  }
  t.same(got, messages, 'one byte at a time');
  t.equal(r.buffered, 0, 'nothing left over');
});

t.test('a partial frame is held, not decoded, until its last byte', { timeout: 5000 }, async (t) => {
  let decoded = 0;
  const r = new Unframer((b) => { decoded++; return b.toString(); }, 100);
  const f = frameBytes(Buffer.from('hello'), 100);
  t.same(r.push(f.subarray(0, 2)), [], 'half a header');
  t.same(r.push(f.subarray(2, 6)), [], 'header and part of the body');
  t.equal(decoded, 0, 'nothing decoded yet');
  t.equal(r.buffered, 2, 'the body bytes that came are held');
  t.same(r.push(f.subarray(6)), ['hello']);
  t.equal(decoded, 1);
});

t.test('a header over the bound fails before any body byte is held; the failure sticks', { timeout: 5000 }, async (t) => {
  const r = reader(16);
  const big = Buffer.alloc(4);
  big.writeUInt32BE(17, 0);
  t.throws(() => r.push(big), { name: 'FrameError', message: /announces 17 bytes, more than .* \(16 bytes\) allowed/ });
  t.equal(r.buffered, 0, 'nothing held');
  t.throws(() => r.push(json({ ok: 1 })), FrameError, 'a good frame after it still throws');
  const r2 = reader(16);
  big.writeUInt32BE(0xffffffff, 0);
  t.throws(() => r2.push(big), /4294967295 bytes/, 'the largest header is refused too');
});

t.test('a body that does not decode: the frames before it are taken first', { timeout: 5000 }, async (t) => {
  const r = reader();
  const bad = frameBytes(Buffer.from('{not json'), 100);
  const taken: unknown[] = [];
  t.throws(() => { for (const m of r.messages(Buffer.concat([json(1), json(2), bad, json(3)]))) taken.push(m); }, { name: 'FrameError', message: /a frame of 9 bytes does not decode/ });
  t.same(taken, [1, 2], 'the two good frames came out before the error');
  t.throws(() => r.push(Buffer.alloc(0)), FrameError, 'and it stays failed');
});

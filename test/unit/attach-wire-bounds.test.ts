// The caller's side of the attach channel reads bytes from inside the container, so they are
// hostile: lib/attach/wire.ts bounds a frame (MAX_FRAME), reassembles a frame from its chunks in
// linear time, and turns bytes that are not a frame or a Reply into a FrameError.
import t, { type Test } from 'tap';
import fc from 'fast-check';
import { serialize } from 'node:v8';
import * as wire from '../../lib/attach/wire.js';

const { frame, Unframer } = wire;
const MAX = 64 * 1024 * 1024;
const KIB4 = 4096;
const header = (len: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(len, 0); return b; };
const frameError = (message: RegExp) => ({ name: 'FrameError', message });

t.test('MAX_FRAME is 64 MiB', async (t) => {
  t.equal(wire.MAX_FRAME, MAX);
});

t.test('a header announcing 4 GiB is refused at once, without buffering or allocating', async (t) => {
  const u = new Unframer();
  const before = process.memoryUsage().arrayBuffers;
  t.throws(() => u.push(header(0xffffffff)), frameError(/announces 4294967295 bytes, more than the 64 MiB/), 'the 4 header bytes alone are enough');
  t.ok(process.memoryUsage().arrayBuffers - before < 1024 * 1024, 'no buffer of that size was made');
  t.equal(u.buffered, 0, 'nothing kept');
  t.throws(() => u.push(Buffer.alloc(KIB4)), frameError(/announces/), 'and it stays refused: later bytes are not buffered');
  t.equal(u.buffered, 0);
});

t.test('the bound is MAX_FRAME exactly: one byte over is refused, MAX_FRAME waits for its body', async (t) => {
  t.throws(() => new Unframer().push(header(MAX + 1)), frameError(/announces 67108865 bytes/));
  const u = new Unframer();
  t.same(u.push(header(MAX)), [], 'a header announcing MAX_FRAME is taken');
  t.same(u.push(Buffer.alloc(KIB4)), [], 'and waits for the rest');
  t.throws(() => new Unframer(100).push(header(101)), frameError(/more than the 0\.0 MiB \(100 bytes\)/), 'a smaller max for a test');
});

t.test('the header may come split, and the check holds then too', async (t) => {
  const u = new Unframer();
  const h = header(0x80000000);
  t.same(u.push(h.subarray(0, 1)), []);
  t.same(u.push(h.subarray(1, 3)), []);
  t.throws(() => u.push(Buffer.concat([h.subarray(3), Buffer.alloc(10)])), frameError(/announces 2147483648 bytes/));
});

t.test('frame() refuses to make a frame over MAX_FRAME, and makes one just under it', async (t) => {
  t.throws(() => frame({ id: 1, src: '() => 1', arg: Buffer.alloc(MAX) }), frameError(/is \d+ bytes encoded, more than the 64 MiB \(67108864 bytes\)/));
  const ok = frame({ id: 1, ok: true, value: Buffer.alloc(MAX - 64) });
  t.equal(ok.readUInt32BE(0), ok.length - 4);
  t.ok(ok.length - 4 <= MAX);
  const out = new Unframer().push(ok) as [{ value: Buffer }];
  t.equal(out[0].value.length, MAX - 64, 'and it is read back whole');
});

/** A reply frame of about `n` bytes. */
const make = (n: number) => frame({ id: 1, ok: true, value: Buffer.alloc(n - 64, 7) });

/**
 * Feeds `f` in 4 KiB chunks; returns the ms the chunks before the last one took (the last one
 * decodes the frame: one allocation and copy of its size, whose time depends on the garbage
 * collector more than on the Unframer). Fails once `deadline` ms pass: a quadratic one takes minutes.
 */
function feed(t: Test, f: Buffer, deadline: number): number {
  const u = new Unframer();
  const start = process.hrtime.bigint();
  let ms = 0;
  let got: unknown[] = [];
  for (let at = 0; at < f.length; at += KIB4) {
    if (at + KIB4 >= f.length) ms = Number(process.hrtime.bigint() - start) / 1e6;
    got = u.push(f.subarray(at, at + KIB4));
    if (at % (256 * KIB4) === 0 && Number(process.hrtime.bigint() - start) / 1e6 > deadline) {
      t.fail(`feeding ${f.length} bytes in 4 KiB chunks passed ${deadline} ms at byte ${at}`);
      return Infinity;
    }
  }
  t.equal(got.length, 1, 'the frame came out at the last chunk');
  return ms;
}

t.test('a 32 MiB frame in 4 KiB chunks: each byte copied once, time linear in the size (8 vs 32 MiB)', async (t) => {
  // Whatever the implementation copies with, the bytes copied stay within twice the frame.
  const big = make(32 * 1024 * 1024);
  let copied = 0;
  const concat = Buffer.concat;
  const copy = Buffer.prototype.copy;
  const budget = 2 * big.length;
  const count = (n: number) => { copied += n; if (copied > budget) throw new Error(`copied ${copied} bytes reassembling a ${big.length}-byte frame`); };
  Buffer.concat = function (list: readonly Uint8Array[], total?: number) { count(total ?? list.reduce((s, b) => s + b.length, 0)); return concat.call(Buffer, list, total); } as typeof Buffer.concat;
  Buffer.prototype.copy = function (this: Buffer, target: Uint8Array, ts?: number, ss?: number, se?: number) { const n = copy.call(this, target, ts, ss, se); count(n); return n; };
  try {
    const u = new Unframer();
    let got: unknown[] = [];
    for (let at = 0; at < big.length; at += KIB4) got = u.push(big.subarray(at, at + KIB4));
    t.equal(got.length, 1, 'one message, at the last chunk');
    t.ok(copied <= budget, `${copied} bytes copied for a ${big.length}-byte frame`);
  } catch (e) {
    t.fail((e as Error).message);
  } finally {
    Buffer.concat = concat;
    Buffer.prototype.copy = copy;
  }

  // Time: N and 4N bytes, best of 7 each; linear gives a ratio near 4, quadratic near 16. The
  // 2 ms allow for a scheduler's hiccup in runs this short.
  const quarter = make(8 * 1024 * 1024);
  const best = (f: Buffer) => {
    let min = Infinity;
    for (let i = 0; i < 7 && (i === 0 || min < Infinity); i++) min = Math.min(min, feed(t, f, 5000));
    return min;
  };
  const tN = best(quarter);
  const t4N = best(big);
  t.ok(t4N < 10 * tN + 2, `8 MiB: ${tN.toFixed(2)} ms, 32 MiB: ${t4N.toFixed(2)} ms, ratio ${(t4N / tN).toFixed(2)} (bound: 10 × + 2 ms)`);
});

t.test('garbage: a body v8.deserialize() rejects is a FrameError, and the stream stays refused', async (t) => {
  const u = new Unframer();
  t.throws(() => u.push(Buffer.concat([header(10), Buffer.alloc(10, 0xab)])), frameError(/a frame of 10 bytes does not decode/));
  t.throws(() => u.push(frame({ fatal: 'x' })), frameError(/does not decode/), 'a good frame after it is not read');
  t.throws(() => new Unframer().push(header(0)), frameError(/a frame of 0 bytes does not decode/), 'an empty body');
});

t.test('the messages before a bad frame are yielded before its FrameError', async (t) => {
  const u = new Unframer();
  const got: unknown[] = [];
  t.throws(() => { for (const m of u.messages(Buffer.concat([frame({ fatal: 'a' }), frame({ fatal: 'b' }), header(3), Buffer.from('xyz')]))) got.push(m); }, frameError(/does not decode/));
  t.same(got, [{ fatal: 'a' }, { fatal: 'b' }]);
});

t.test('any bytes, cut anywhere: messages or a FrameError, never another throw, never over the bound', async (t) => {
  const max = 4096;
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 600 }),
    // Valid headers with bodies that start as v8 data would (0xff 0x0f), then noise.
    fc.tuple(fc.nat(700), fc.uint8Array({ maxLength: 600 })).map(([len, rest]) => Buffer.concat([header(len), Buffer.from([0xff, 0x0f]), rest])),
    // Real frames with a byte flipped.
    fc.tuple(fc.string(), fc.nat(), fc.nat(255)).map(([s, at, x]) => { const f = Buffer.from(frame({ id: 1, ok: true, value: { s, n: [1, 2n, new Date(0)] } })); f[4 + (at % (f.length - 4))] ^= x; return f; }),
  );
  fc.assert(fc.property(bytes, fc.array(fc.nat(64), { maxLength: 20 }), (b, cuts) => {
    const u = new Unframer(max);
    const buf = Buffer.from(b);
    let at = 0;
    try {
      for (const c of [...cuts, buf.length]) {
        u.push(buf.subarray(at, at + c + 1));
        at += c + 1;
        if (u.buffered > max + 4 + 65) return false;
        if (at >= buf.length) break;
      }
    } catch (e) {
      return (e as Error).name === 'FrameError';
    }
    return true;
  }), { seed: Number(process.env.FC_SEED ?? 20), numRuns: 3000 });
  t.pass('3000 cases');
});

t.test('toReply(): the four shapes pass, anything else is a FrameError', async (t) => {
  const good: wire.Reply[] = [
    { ready: true, pid: 42 },
    { fatal: 'no chroot' },
    { id: 1, ok: true, value: undefined },
    { id: 2, ok: true, value: { a: [1, 2n] } },
    { id: 3, ok: false, error: { name: 'Error', message: 'boom' } },
    { id: 4, ok: false, error: { name: 'Error', message: 'boom', stack: 'at x' } },
  ];
  for (const r of good) t.same(wire.toReply(r), r);
  const bad: unknown[] = [
    null, undefined, 42, 'ready', [], [{ ready: true }], {},
    { ready: 'yes', pid: 1 }, { ready: true }, { ready: true, pid: '1' },
    { fatal: 3 },
    { id: 1 }, { id: 0, ok: true, value: 1 }, { id: -1, ok: true }, { id: 1.5, ok: true }, { id: '1', ok: true }, { id: 1, ok: 'yes' },
    { id: 1, ok: false }, { id: 1, ok: false, error: 'boom' }, { id: 1, ok: false, error: { name: 1, message: 'x' } },
    { id: 1, ok: false, error: { name: 'E', message: 'x', stack: 5 } },
  ];
  for (const v of bad) t.throws(() => wire.toReply(v), { name: 'FrameError' }, JSON.stringify(v) ?? String(v));
  t.same(wire.toReply({ id: 5, ok: true, value: 1, extra: 'dropped' }), { id: 5, ok: true, value: 1 }, 'extra keys are dropped');
});

// The attach channel under a hostile or greedy worker, on a real busybox container: a return value
// over MAX_FRAME (64 MiB) fails clearly, a worker that writes forged frames (a 4 GiB header,
// garbage, a value that is not a Reply, a reply to no call) ends its session with EATTACH and is
// killed, and a 50 MB reply keeps the caller's memory and event loop bounded.
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { serialize } from 'node:v8';
import * as lxc from '../../lib/index.js';
import { tempLxcpath, busybox } from '../helpers.js';

const MiB = 1024 * 1024;
let c: lxc.Container;

t.before(async () => {
  const lxcpath = tempLxcpath(t);
  c = await busybox(lxcpath, 'chan');
  await c.start();
  t.teardown(() => c.release());
});

/**
 * Runs inside the worker: writes `bytes` straight onto its channel to the caller, ahead of the
 * worker's own reply. The channel is the one write-only, non-blocking pipe fd above 2 whose other
 * end is not in this process (libuv's own pipes have both ends here).
 */
const forge = (bytes: Uint8Array) => {
  const fs = require('node:fs');
  const fds = fs.readdirSync('/proc/self/fd').map(Number).filter((fd: number) => fd > 2);
  const seen = new Map<string, number[]>();
  for (const fd of fds) {
    let link = '';
    try { link = fs.readlinkSync(`/proc/self/fd/${fd}`); } catch { continue; }
    if (!link.startsWith('pipe:')) continue;
    seen.set(link, [...(seen.get(link) ?? []), fd]);
  }
  const channel: number[] = [];
  for (const [, list] of seen) {
    if (list.length !== 1) continue;
    const flags = /flags:\s+(\d+)/.exec(fs.readFileSync(`/proc/self/fdinfo/${list[0]}`, 'utf8'));
    // O_WRONLY, and O_NONBLOCK as libuv set it: not a blocking fd the worker merely inherited.
    if (flags && (parseInt(flags[1], 8) & 0o4003) === 0o4001) channel.push(list[0]);
  }
  if (channel.length !== 1) throw new Error(`channel fd not found: ${channel.join()}`);
  fs.writeSync(channel[0], Buffer.from(bytes));
  return 'sent';
};

const header = (len: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(len, 0); return b; };
const withHeader = (body: Buffer) => Buffer.concat([header(body.length), body]);
// Peak RSS (VmHWM) since the last reset; writing 5 to clear_refs resets it (Linux ≥ 4.0).
const resetPeak = () => writeFileSync('/proc/self/clear_refs', '5');
const peakRss = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;

t.test('a 50 MB reply: the caller\'s peak memory and event-loop lag stay bounded, against a control', async (t) => {
  const SIZE = 50_000_000;
  await using s = await c.openSession();
  const measure = async (fn: (n: number) => unknown) => {
    const h = monitorEventLoopDelay({ resolution: 10 });
    globalThis.gc?.();
    const base = rss();
    resetPeak();
    h.enable();
    const started = performance.now();
    const value = await s.evaluate(fn, SIZE);
    const ms = performance.now() - started;
    h.disable();
    return { value, ms, peak: peakRss() - base, lagMax: h.max / 1e6, lagP99: h.percentile(99) / 1e6 };
  };
  // Control: the worker makes the same 50 MB but sends back only its length.
  const control = await measure((n) => Buffer.alloc(n, 1).length);
  t.equal(control.value, SIZE);
  const flood = await measure((n) => Buffer.alloc(n, 1));
  t.ok(Buffer.isBuffer(flood.value) || flood.value instanceof Uint8Array, 'a Buffer came back');
  t.equal((flood.value as Uint8Array).length, SIZE, 'whole');
  t.equal((flood.value as Uint8Array)[SIZE - 1], 1);
  const f = (n: number) => n.toFixed(0);
  t.comment(`control: ${f(control.ms)} ms, peak +${f(control.peak / MiB)} MiB, lag max ${f(control.lagMax)} ms; 50 MB reply: ${f(flood.ms)} ms, peak +${f(flood.peak / MiB)} MiB, lag max ${f(flood.lagMax)} ms, p99 ${f(flood.lagP99)} ms`);
  // The reply is held as its chunks, one copy of the frame, and the decoded Buffer: about 3 × 50 MB.
  t.ok(flood.peak < control.peak + 5 * SIZE, `peak RSS growth ${f(flood.peak / MiB)} MiB < control + 5 × 50 MB`);
  // One copy and one decode of 50 MB block the loop once; chunks on the way cost O(1) each.
  t.ok(flood.lagMax < 5 * control.lagMax + 1000, `event-loop lag max ${f(flood.lagMax)} ms < 5 × control + 1 s`);
  t.ok(flood.ms < 5 * control.ms + 10_000, `${f(flood.ms)} ms < 5 × control + 10 s`);
});

t.test('a return value over 64 MiB rejects clearly; the session and the container stay usable', async (t) => {
  const big = () => Buffer.alloc(65 * 1024 * 1024);
  const e = (await c.evaluate(big).then(() => null, (err: unknown) => err)) as lxc.LxcError;
  t.ok(e instanceof lxc.LxcError, 'an LxcError');
  t.equal(e.code, 'EEVAL');
  t.match(e.message, /cannot be sent back: .*more than the 64 MiB/);
  t.equal(await c.evaluate(() => 'next'), 'next', 'the next evaluate works');
  await using s = await c.openSession();
  await t.rejects(s.evaluate(big), { code: 'EEVAL', message: /64 MiB/ });
  t.ok(s.alive);
  t.equal(await s.evaluate(() => 2), 2, 'the session too');
});

t.test('an argument over 64 MiB rejects before anything is sent', async (t) => {
  await using s = await c.openSession();
  await t.rejects(s.evaluate((b: Buffer) => b.length, Buffer.alloc(65 * 1024 * 1024)), { name: 'LxcError', code: 'EINVAL', message: /arg cannot be sent to the worker: .*more than the 64 MiB/ });
  await t.rejects(c.evaluate((b: Buffer) => b.length, Buffer.alloc(65 * 1024 * 1024)), { code: 'EINVAL', message: /64 MiB/ });
  t.ok(s.alive, 'the session is untouched');
  t.equal(await s.evaluate((b: Buffer) => b.length, Buffer.alloc(MiB)), MiB);
});

const hostile: [string, Buffer, RegExp][] = [
  ['a header announcing 4 GiB', header(0xffffffff), /announces 4294967295 bytes, more than the 64 MiB/],
  ['a header announcing 64 MiB + 1', header(64 * MiB + 1), /announces 67108865 bytes/],
  ['garbage that does not decode', withHeader(Buffer.alloc(10, 0xab)), /a frame of 10 bytes does not decode/],
  ['an empty frame', header(0), /a frame of 0 bytes does not decode/],
  ['a value that is not a Reply', withHeader(serialize({ hello: 'world' })), /has not the shape of one \(keys: hello\)/],
  ['a reply with a bad error', withHeader(serialize({ id: 1, ok: false, error: 'x' })), /has not the shape/],
  ['a reply to a call that is not pending', withHeader(serialize({ id: 999, ok: true, value: 1 })), /a reply to call 999, which is not pending/],
  ['a second ready message', withHeader(serialize({ ready: true, pid: 1 })), /a second ready message/],
];

for (const [what, bytes, why] of hostile) {
  t.test(`a worker that writes ${what}: EATTACH for every pending call, the worker killed`, async (t) => {
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    t.teardown(() => { process.off('uncaughtException', onUncaught); });
    const before = rss();
    const s = await c.openSession();
    t.teardown(() => s.kill());
    const other = s.evaluate(() => new Promise(() => undefined));
    const e = (await s.evaluate(forge, new Uint8Array(bytes)).then(() => null, (err: unknown) => err)) as lxc.LxcError;
    if (e?.code !== 'EATTACH') s.kill();
    t.ok(e instanceof lxc.LxcError, 'an LxcError');
    t.equal(e?.code, 'EATTACH');
    t.match(e?.message, /the attach worker broke the channel protocol/);
    t.match(e?.message, why);
    t.match(e?.message, /it was killed/);
    await t.rejects(other, { code: 'EATTACH', message: why }, 'the other pending call too');
    t.notOk(s.alive);
    await t.rejects(s.evaluate(() => 1), { code: 'EATTACH', message: why }, 'and later calls');
    t.same(await s.close(), { exitCode: null, signal: 'SIGKILL' }, 'the worker was killed');
    t.same(uncaught, [], 'no uncaught exception in the caller');
    t.ok(rss() - before < 64 * MiB, `the caller's RSS grew ${((rss() - before) / MiB).toFixed(1)} MiB`);
    t.equal(await c.evaluate(() => 'still fine'), 'still fine', 'the container stays usable');
  });
}

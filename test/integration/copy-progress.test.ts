// Progress of a copy clone and of a snapshot of a dir container (lib/copy-progress.ts): a 'copy'
// phase and byte counts of the source rootfs's total while liblxc's rsync runs, through the same
// events and renderProgress() as create's; the walks run on a worker thread, so the caller's event
// loop keeps turning. The rootfs is padded with a few hundred MiB here and removed at teardown.
// As root and as a normal user (whose rsync liblxc runs as the container's root).
import t, { type Test } from 'tap';
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as lxc from '../../lib/index.js';
import { asRootfsOwner, busybox, tempLxcpath } from '../helpers.js';

const MiB = 1 << 20;
const PAD_MIB = 320;

/** Collects a task's events and the event loop's worst delay while it runs. */
async function follow<T>(task: Promise<T> & AsyncIterable<lxc.CreateEvent>): Promise<{ value: T; events: lxc.CreateEvent[]; maxLagMs: number; ms: number }> {
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const started = performance.now();
  const events: lxc.CreateEvent[] = [];
  for await (const ev of task) events.push(ev);
  const value = await task;
  lag.disable();
  return { value, events, maxLagMs: Math.round(lag.max / 1e6), ms: Math.round(performance.now() - started) };
}

function checkCopy(t: Test, what: string, events: lxc.CreateEvent[], padded: number): void {
  t.same(events[0], { type: 'phase', phase: 'copy' }, `${what}: a 'copy' phase first`);
  const bytes = events.filter((e): e is Extract<lxc.CreateEvent, { type: 'bytes' }> => e.type === 'bytes');
  t.comment(`${what}: ${bytes.length} byte counts: ${bytes.map((b) => `${Math.round(b.bytes / MiB)}`).join(' ')} MiB of ${Math.round((bytes[0]?.total ?? 0) / MiB)} MiB`);
  t.ok(bytes.length >= 3, `${what}: several counts while it copied (${bytes.length})`);
  t.ok(bytes.every((b, i) => i === 0 || b.bytes >= bytes[i - 1].bytes), `${what}: never going back`);
  const total = bytes[0]?.total ?? 0;
  t.ok(total >= padded && total < padded + 64 * MiB, `${what}: the total is the source rootfs (${Math.round(total / MiB)} MiB, ${PAD_MIB} MiB of it padding)`);
  const last = bytes.at(-1)!;
  t.ok(last.bytes >= 0.99 * total, `${what}: the last count is the whole (${last.bytes} of ${total})`);
  t.ok(bytes.some((b) => b.bytes > 0.05 * total && b.bytes < 0.95 * total), `${what}: counts in between, while rsync ran`);
}

t.test('a copy clone and a snapshot of a large dir rootfs report bytes done of the total', async (t) => {
  const lxcpath = tempLxcpath(t);
  const base = await busybox(lxcpath, 'bigbase');
  t.teardown(() => base.release());
  const rootfs = base.getConfigItem('lxc.rootfs.path').replace(/^dir:/, '');
  // Not zeros: rsync -S would write holes. One random MiB, repeated, written as the rootfs's owner
  // (a normal user's container root, a subordinate id, must read the chunk: the lxcpath is 0711).
  const chunk = `${lxcpath}/chunk`;
  writeFileSync(chunk, randomBytes(MiB), { mode: 0o644 });
  asRootfsOwner(base, 'mkdir "$1/pad" && for f in $(seq 1 "$3"); do for i in $(seq 1 32); do cat "$2"; done > "$1/pad/file$f"; done', [rootfs, chunk, String(PAD_MIB / 32)]);
  const padded = PAD_MIB * MiB;

  const c = await follow(base.clone('bigcopy'));
  t.teardown(() => c.value.release());
  t.comment(`clone: ${c.ms} ms, event-loop lag at most ${c.maxLagMs} ms`);
  t.ok(c.value.defined, 'the clone is made');
  checkCopy(t, 'clone', c.events, padded);
  // The same copy not iterated (no walks): the event loop's lag without them, for comparison.
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const control = await base.clone('bigctl');
  lag.disable();
  t.comment(`control clone, not iterated: event-loop lag at most ${Math.round(lag.max / 1e6)} ms`);
  await control.destroy();
  control.release();
  t.ok(c.maxLagMs < Math.max(250, 3 * lag.max / 1e6), `the event loop kept turning (${c.maxLagMs} ms at most; control ${Math.round(lag.max / 1e6)} ms)`);

  const s = await follow(base.snapshot());
  t.equal(s.value, 'snap0');
  t.comment(`snapshot: ${s.ms} ms, event-loop lag at most ${s.maxLagMs} ms`);
  checkCopy(t, 'snapshot', s.events, padded);

  // renderProgress, as for a create: a plain line per phase with its count, off a TTY.
  let text = '';
  await lxc.renderProgress(base.clone('bigcopy2'), { write: (s: string) => { text += s; } });
  t.match(text, /^copy: 100% \(\d+\.\d MiB of \d+\.\d MiB\)\n$/, `renderProgress: ${JSON.stringify(text)}`);
  // Not iterated: no walk, a plain promise of the Container as before.
  const quiet = await base.clone('bigcopy3', { bdevtype: 'overlayfs', snapshot: true });
  t.ok(quiet.defined, 'an overlay clone, not iterated');
  quiet.release();
  for (const n of ['bigcopy2', 'bigcopy3']) {
    const x = new lxc.Container(n, lxcpath);
    await x.destroy();
    x.release();
  }
  await base.snapshotDestroyAll();
  await c.value.destroy();
});

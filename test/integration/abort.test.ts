// AbortSignal on the long operations (start, stop, clone, snapshot, snapshotRestore, restore,
// destroy), exec's timeout/maxBuffer/encoding/reject, and one abort behaviour for exec and
// attachWait, on real busybox containers.
import t from 'tap';
import * as lxc from '../../lib/index.js';
import { tempLxcpath, busybox, within } from '../helpers.js';

const reason = () => new Error('enough');

t.test('an aborted signal: nothing runs, EABORT carries the reason as cause', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'pre');
  t.teardown(() => c.release());
  const why = reason();
  const signal = AbortSignal.abort(why);
  const calls: Array<[string, () => Promise<unknown>]> = [
    ['start', () => c.start({ signal })],
    ['start foreground', () => c.start({ daemonize: false, signal })],
    ['execute', () => c.execute(['/bin/true'], { signal })],
    ['clone', () => c.clone('pre2', { signal })],
    ['snapshot', () => c.snapshot(undefined, { signal })],
    ['destroy', () => c.destroy({ signal })],
    ['restore', () => c.restore('/tmp/nowhere', { signal })],
  ];
  for (const [what, call] of calls) {
    const e = await call().then(() => null, (x: unknown) => x as lxc.LxcError);
    t.equal(e?.code, 'EABORT', `${what}: EABORT`);
    t.equal(e?.cause, why, `${what}: cause is signal.reason`);
  }
  t.equal(c.state, 'STOPPED', 'not started');
  t.equal(c.defined, true, 'not destroyed');
  t.same(await c.snapshotList(), [], 'no snapshot');
  t.equal(new lxc.Container('pre2', lxcpath).defined, false, 'no clone');
  await c.start();
  const timeout = await c.stop({ signal: AbortSignal.timeout(0) }).then(() => null, (x: unknown) => x as lxc.LxcError);
  // AbortSignal.timeout(0) fires on a later turn: the stop was queued by then, or ran.
  if (timeout) {
    t.equal(timeout.code, 'EABORT');
    t.equal((timeout.cause as Error).name, 'TimeoutError', 'the cause is the TimeoutError');
  } else t.pass('stop ran before the timeout fired');
  await c.stop();
});

t.test('fired while queued behind other work on the container: rejects at once, never runs', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'queued');
  t.teardown(() => c.release());
  const ac = new AbortController();
  // The clone holds the container's queue; start and destroy wait behind it.
  const cloning = c.clone('copy');
  const started = c.start({ signal: ac.signal });
  const destroyed = c.destroy({ signal: ac.signal });
  const t0 = Date.now();
  ac.abort(reason());
  await t.rejects(within(5_000, 'start rejects', started), { code: 'EABORT' });
  await t.rejects(within(5_000, 'destroy rejects', destroyed), { code: 'EABORT' });
  t.ok(Date.now() - t0 < 1_000, `both rejected without waiting for the clone (${Date.now() - t0} ms)`);
  const copy = await within(60_000, 'clone', cloning);
  t.teardown(() => copy.release());
  t.equal(copy.defined, true, 'the clone ahead of them ran');
  t.equal(c.state, 'STOPPED', 'the aborted start never ran');
  t.equal(c.defined, true, 'the aborted destroy never ran');
});

t.test('fired once liblxc has the call: start is stopped, clone and snapshot are destroyed', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'undo');
  t.teardown(() => c.release());
  for (let round = 0; round < 3; round++) {
    const ac = new AbortController();
    const p = c.start({ signal: ac.signal });
    setImmediate(() => ac.abort(reason()));
    await t.rejects(within(30_000, 'start', p), { code: 'EABORT' }, `start round ${round}`);
    t.equal(c.state, 'STOPPED', 'not left running');
  }
  const ac = new AbortController();
  const cloned = c.clone('gone', { signal: ac.signal });
  setImmediate(() => ac.abort(reason()));
  await t.rejects(within(60_000, 'clone', cloned), { code: 'EABORT' });
  t.equal(new lxc.Container('gone', lxcpath).defined, false, 'no clone left');
  const as = new AbortController();
  const snapped = c.snapshot(undefined, { signal: as.signal });
  setImmediate(() => as.abort(reason()));
  await t.rejects(within(60_000, 'snapshot', snapped), { code: 'EABORT' });
  t.same(await c.snapshotList(), [], 'no snapshot left');
  await c.snapshot();
  const ar = new AbortController();
  const restored = c.snapshotRestore('snap0', 'fromsnap', { signal: ar.signal });
  setImmediate(() => ar.abort(reason()));
  await t.rejects(within(60_000, 'restore', restored), { code: 'EABORT' });
  t.equal(new lxc.Container('fromsnap', lxcpath).defined, false, 'no restored container left');
});

t.test('a foreground start aborted while the container runs: stopped, EABORT', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'fgabort');
  t.teardown(() => c.release());
  const ac = new AbortController();
  const run = c.start({ daemonize: false, signal: ac.signal });
  await within(30_000, 'RUNNING', c.wait('RUNNING', 20));
  const why = reason();
  ac.abort(why);
  const e = await within(30_000, 'the abort', run.then(() => null, (x: unknown) => x as lxc.LxcError));
  t.equal(e?.code, 'EABORT');
  t.equal(e?.cause, why);
  // RUNNING can be seen before liblxc's start() has returned to the runner: either way it is stopped.
  t.match(e?.message, /stopped/, e?.message ?? 'no error');
  t.equal(c.state, 'STOPPED');
});

t.test('exec: timeout, maxBuffer, encoding buffer, reject; attachWait aborts as exec does', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'exec');
  t.teardown(async () => { await c.stop().catch(() => undefined); c.release(); });
  await c.start();

  // The timeout must leave the command time to print: its bound comes from a control exec of the
  // same output, run first (which also starts the runner), with a floor for a loaded machine.
  const t0 = performance.now();
  t.equal((await within(30_000, 'control exec', c.exec(['/bin/sh', '-c', 'echo started']))).stdout, 'started\n', 'control exec');
  const control = performance.now() - t0;
  // exec's timeout is in seconds, fractions allowed: the bound is whole milliseconds of it.
  const timeoutMs = Math.max(1_000, Math.ceil(5 * control));
  const timeout = timeoutMs / 1000;
  const t1 = performance.now();
  const slow = await within(60_000, 'the timed-out exec', c.exec(['/bin/sh', '-c', 'echo started; sleep 30'], { timeout }).then(() => null, (x: unknown) => x as lxc.LxcError));
  const took = performance.now() - t1;
  t.equal(slow?.code, 'EABORT', 'timeout: EABORT');
  t.equal((slow?.cause as Error | undefined)?.name, 'TimeoutError', 'its cause is a TimeoutError');
  t.match(slow?.message, new RegExp(`timed out after ${timeout} s`));
  t.ok(took >= timeoutMs - 2 && took < timeoutMs + 15_000, `ended by its timeout, not by the command (${took.toFixed(0)} ms, timeout ${timeout} s, control ${control.toFixed(0)} ms)`);
  t.equal(slow?.stdout, 'started\n', 'with what it wrote before');
  t.equal(slow?.signal, 'SIGKILL');

  const big = await c.exec(['/bin/sh', '-c', 'yes | head -c 100000'], { maxBuffer: 1000 }).then(() => null, (x: unknown) => x as lxc.LxcError);
  t.equal(big?.code, 'EMAXBUFFER');
  t.equal((big?.stdout as string).length, 1000, 'stdout kept up to maxBuffer');

  const bytes = await c.exec(['/bin/sh', '-c', 'printf "\\377\\000\\001"'], { encoding: 'buffer' });
  t.ok(Buffer.isBuffer(bytes.stdout), 'a Buffer');
  t.same([...bytes.stdout], [255, 0, 1], 'the raw bytes, not UTF-8 decoded');

  t.same(await c.exec(['/bin/sh', '-c', 'exit 3']).then((r) => r.exitCode), 3, 'without reject: resolves the exit code');
  const failed = await c.exec(['/bin/sh', '-c', 'echo out; echo err >&2; exit 3'], { reject: true }).then(() => null, (x: unknown) => x as lxc.LxcError);
  t.equal(failed?.code, 'EEXIT');
  t.equal(failed?.exitCode, 3);
  t.equal(failed?.stdout, 'out\n');
  t.equal(failed?.stderr, 'err\n');
  t.match(failed?.message, /exited with code 3/);
  t.same((await c.exec(['/bin/true'], { reject: true })).exitCode, 0, 'reject: a zero exit resolves');

  for (const bad of [{ timeout: 0 }, { timeout: -1 }, { timeout: Infinity }, { timeout: 2 ** 31 }, { maxBuffer: -1 }, { encoding: 'latin1' }, { reject: 'yes' }]) {
    await t.rejects(c.exec(['/bin/true'], bad as never), { code: 'EINVAL' }, `refused: ${JSON.stringify(bad)}`);
  }

  const ac = new AbortController();
  const waiting = c.attachWait(['/bin/sleep', '30'], { signal: ac.signal, stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' });
  setTimeout(() => ac.abort(reason()), 200);
  const aborted = await within(10_000, 'attachWait abort', waiting.then(() => null, (x: unknown) => x as lxc.LxcError));
  t.equal(aborted?.code, 'EABORT', 'attachWait rejects on abort, as exec does (it resolved 137 before)');
  t.equal(aborted?.signal, 'SIGKILL');
});

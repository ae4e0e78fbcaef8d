// lxc.watch() (lib/watch.ts) on real containers: liblxc's monitor channel, through lxc-monitord,
// reports start, freeze, unfreeze and stop of two containers in order; two watchers at once see the
// same; an abort ends the iteration; nothing is left behind (the lxc-monitord this test's watch
// started is told to quit, as lxc-monitor's clients may).
import t from 'tap';
import { readdirSync } from 'node:fs';
import * as lxc from '../../lib/index.js';
import { tempLxcpath, busybox, within, monitords } from '../helpers.js';

/** Whether `want` appears in `seen` in order (other states may come between). */
function inOrder(seen: string[], want: string[]): boolean {
  let i = 0;
  for (const s of seen) if (s === want[i]) i++;
  return i === want.length;
}

t.test('two containers: start, freeze, unfreeze, stop arrive in order, for two watchers', async (t) => {
  const lxcpath = tempLxcpath(t);
  const a = await busybox(lxcpath, 'wa');
  const b = await busybox(lxcpath, 'wb');
  t.teardown(async () => {
    for (const c of [a, b]) { await c.stop().catch(() => undefined); c.release(); }
    // lxc-monitord leaves 30 s after its last client; this test's is stopped now.
    for (const pid of monitords(lxcpath)) { try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ } }
  });
  const ac = new AbortController();
  const first = lxc.watch({ lxcpath, names: ['wa', 'wb'], signal: ac.signal });
  const second = lxc.watch({ lxcpath });
  const emitted: lxc.StateChange[] = [];
  const events: string[] = [];
  second.on('change', (c) => { emitted.push(c); events.push(`${c.name}:${c.state}`); });
  second.on('exit', (e: lxc.ContainerExit) => events.push(`${e.name}:exit ${e.signal ?? e.exitCode}`));
  await within(30_000, 'both watchers listening', Promise.all([first.ready, second.ready]));
  t.equal(monitords(lxcpath).length, 1, 'one lxc-monitord for the lxcpath, started by the first watch');

  const seen: lxc.StateChange[] = [];
  const reading = (async () => {
    for await (const change of first) {
      seen.push(change);
      if (change.name === 'wb' && change.state === 'STOPPED') break;
    }
  })();
  await within(30_000, 'start wa', a.start());
  await within(30_000, 'start wb', b.start());
  await within(30_000, 'freeze wa', a.freeze());
  await within(30_000, 'unfreeze wa', a.unfreeze());
  await within(30_000, 'stop wa', a.stop());
  await within(30_000, 'stop wb', b.stop());
  await within(30_000, "wb's STOPPED reaches the watcher", reading);

  const of = (list: lxc.StateChange[], name: string) => list.filter((c) => c.name === name).map((c) => c.state);
  t.ok(inOrder(of(seen, 'wa'), ['STARTING', 'RUNNING', 'FREEZING', 'FROZEN', 'THAWED', 'RUNNING', 'STOPPING', 'STOPPED']), `wa: ${of(seen, 'wa').join(' ')}`);
  t.ok(inOrder(of(seen, 'wb'), ['STARTING', 'RUNNING', 'STOPPING', 'STOPPED']), `wb: ${of(seen, 'wb').join(' ')}`);
  const order = seen.map((c) => `${c.name}:${c.state}`);
  t.ok(order.indexOf('wa:RUNNING') < order.indexOf('wb:STARTING'), 'wa ran before wb started (the calls were awaited in turn)');
  t.ok(inOrder(emitted.map((c) => `${c.name}:${c.state}`), ['wa:STARTING', 'wa:RUNNING', 'wb:STARTING', 'wa:FROZEN', 'wa:THAWED', 'wa:STOPPED', 'wb:STOPPED']),
    "the second watcher (every container, through 'change' events) saw the same, in order");
  t.ok(inOrder(events, ['wa:RUNNING', 'wa:exit SIGKILL', 'wa:STOPPED', 'wb:exit SIGKILL', 'wb:STOPPED']),
    `'exit' tells how each init ended, before its STOPPED: ${events.filter((e) => /exit|STOPPED/.test(e)).join(' ')}`);

  // Leaving the for-await loop closed the first; close() ends the second, and its socket goes.
  t.same(await first.next(), { value: undefined, done: true }, 'the first is done once its loop was left');
  ac.abort();
  const fds = () => readdirSync('/proc/self/fd').length;
  const withSecond = fds();
  second.close();
  await new Promise((r) => setTimeout(r, 100));
  const left = fds();
  t.equal(left, withSecond - 1, `its socket closed, no other fd left (${withSecond} with it, ${left} after)`);
  t.same(await second.next(), { value: undefined, done: true }, 'and its iteration is done');
});

t.test('an abort ends an iteration that waits', async (t) => {
  const lxcpath = tempLxcpath(t);
  t.teardown(() => { for (const pid of monitords(lxcpath)) { try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ } } });
  const ac = new AbortController();
  const w = lxc.watch({ lxcpath, signal: ac.signal });
  await within(30_000, 'listening', w.ready);
  const waiting = w.next();
  setTimeout(() => ac.abort(), 50);
  t.same(await within(5_000, 'the abort to end the wait', waiting), { value: undefined, done: true });
  let ended = false;
  const w2 = lxc.watch({ lxcpath, signal: AbortSignal.abort() });
  w2.on('end', () => { ended = true; });
  await new Promise((r) => setTimeout(r, 50));
  t.ok(ended || (await w2.next()).done, 'an aborted signal ends it at once');
});

t.test('bad input is refused before any socket', async (t) => {
  t.throws(() => lxc.watch({ lxcpath: 'relative' }), { code: 'EINVAL', message: /options\.lxcpath/ });
  t.throws(() => lxc.watch({ names: 'wa' } as never), { code: 'EINVAL', message: /options\.names/ });
  t.throws(() => lxc.watch({ names: ['../x'] }), { code: 'EINVAL', message: /options\.names\.0/ });
  t.throws(() => lxc.watch({ nope: 1 } as never), { code: 'EINVAL', message: /options\.nope is not a known option/ });
});

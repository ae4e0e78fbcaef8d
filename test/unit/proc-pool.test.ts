// lib/proc/pool.ts: the one pool of helper processes, with stand-in members: started up to the cap,
// reused (the preferred one first), retired after idleMs when nothing needs them, stale ones
// retired, a request beyond the cap waiting (and abortable), a dead member's slot reused.
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { IdlePool } from '../../lib/proc/pool.js';

class Fake {
  static n = 0;
  readonly id = ++Fake.n;
  dead = false;
  retired = false;
  watching = false;
  gen = 1;
  get unused() { return !this.watching; }
  retire() { this.retired = true; }
}

function make(cap: number, idleMs = 60_000, gen = { now: 1 }) {
  const started: Fake[] = [];
  const pool = new IdlePool<Fake>({
    start: () => { const f = new Fake(); f.gen = gen.now; started.push(f); return f; },
    cap: () => cap,
    idleMs,
    current: (f) => f.gen === gen.now,
  });
  return { pool, started, gen };
}

t.test('started on demand up to the cap, then reused', { timeout: 5000 }, async (t) => {
  const { pool, started } = make(2);
  const a = pool.take()!;
  const b = pool.take()!;
  t.equal(started.length, 2);
  t.equal(pool.take(), null, 'at the cap: null');
  pool.release(a);
  t.equal(pool.take(), a, 'the freed one is handed out again, not a new one');
  t.equal(started.length, 2);
  pool.release(a);
  pool.release(b);
  t.equal(pool.take((f) => f === a), a, 'prefer picks its member among the idle');
  t.equal(pool.take(), b);
  t.same(pool.members.map((f) => f.id).sort(), [a.id, b.id].sort());
});

t.test('an idle member is retired after idleMs, unless something still needs it', { timeout: 5000 }, async (t) => {
  const { pool } = make(4, 40);
  const a = pool.take()!;
  const b = pool.take()!;
  b.watching = true;
  pool.release(a);
  pool.release(b);
  await sleep(25);
  const c = pool.take()!;
  t.equal(c === a || c === b, true, 'taken before idleMs: reused');
  pool.release(c);
  await sleep(120);
  t.ok(a.retired, 'a (unused) retired after idleMs');
  t.notOk(b.retired, 'b (still watching) kept past idleMs');
  t.notOk(pool.members.includes(a), 'and out of the pool');
  b.watching = false;
  await sleep(80);
  t.ok(b.retired, 'retired at the next idle period once unused');
  t.same(pool.members, []);
});

t.test('a member of an older setting is not handed out: retired once unused', { timeout: 5000 }, async (t) => {
  const { pool, gen } = make(4);
  const a = pool.take()!;
  const b = pool.take()!;
  pool.release(a);
  gen.now = 2;
  pool.release(b);
  t.ok(b.retired, 'released stale and unused: retired at once');
  const c = pool.take()!;
  t.not(c, a, 'the stale idle one is skipped');
  t.ok(a.retired, 'and retired');
  t.equal(c.gen, 2);
});

t.test('beyond the cap a request waits; release hands it the member; abort takes it out', { timeout: 5000 }, async (t) => {
  const { pool, started } = make(1);
  const a = pool.take()!;
  const ac = new AbortController();
  const aborted = pool.acquire(undefined, ac.signal);
  const waiting = pool.acquire();
  let got: Fake | null = null;
  void waiting.then((m) => { got = m; });
  await sleep(5);
  t.equal(got, null, 'still waiting');
  ac.abort();
  t.equal(await aborted, null, 'the aborted wait resolves null');
  pool.release(a);
  t.equal(await waiting, a, 'the other one gets the freed member');
  t.equal(started.length, 1);
  t.equal(await pool.acquire(undefined, AbortSignal.abort()), null, 'an aborted signal: null at once');
});

t.test('a dead member leaves the pool; a waiting request gets a new one', { timeout: 5000 }, async (t) => {
  const { pool, started } = make(1);
  const a = pool.take()!;
  const waiting = pool.acquire();
  a.dead = true;
  pool.gone(a);
  const b = await waiting;
  t.not(b, a);
  t.equal(started.length, 2, 'a new member started in the freed slot');
  pool.release(a);
  t.same(pool.members, [b], 'releasing the dead one changes nothing');
});

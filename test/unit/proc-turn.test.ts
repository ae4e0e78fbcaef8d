// Spreading work over event-loop iterations: ownTurn() (lib/proc/turn.ts) resolves its callers in
// order, one per iteration, with the timers of each iteration between two of them; and the loaded
// liblxc's built-in paths (ffi's liblxcPath) are found by a byte search as the regular expression
// over the whole file found them.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { ownTurn } from '../../lib/proc/turn.js';
import { liblxcPath, liblxcPathAsync } from '../../ffi/index.js';

t.test('ownTurn: in call order, one per iteration, a timer between two', async (t) => {
  const order: string[] = [];
  let ticks = 0;
  const timer = setInterval(() => { ticks++; }, 0);
  t.teardown(() => clearInterval(timer));
  // Let the interval run once, so that it is due in every iteration after.
  await new Promise((resolve) => setTimeout(resolve, 5));
  const seen: number[] = [];
  // Each turn works 2 ms: the 1 ms interval is due by the next iteration's timers phase.
  const work = () => { const end = performance.now() + 2; while (performance.now() < end); };
  await Promise.all([1, 2, 3, 4].map((n) => ownTurn().then(() => { order.push(`turn ${n}`); seen.push(ticks); work(); })));
  t.same(order, ['turn 1', 'turn 2', 'turn 3', 'turn 4'], 'in the order asked');
  for (let i = 1; i < seen.length; i++) t.ok(seen[i] > seen[i - 1], `a timer ran between turn ${i} and turn ${i + 1}`);
});

t.test('liblxcPath: the paths the regular expression over the file finds', async (t) => {
  const lib = /\s(\/\S*liblxc\.so[^\s]*)$/m.exec(readFileSync('/proc/self/maps', 'utf8'))?.[1];
  if (!lib) { t.comment('no liblxc mapped'); return; }
  const text = readFileSync(lib).toString('latin1');
  for (const tail of ['lxc/templates', 'lxc-monitord', 'lxc-user-nic', 'no/such-path-in-liblxc']) {
    const escaped = tail.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    const expected = new RegExp(`\\0(\\/[\\x21-\\x7e]*\\/${escaped})\\0`).exec(text)?.[1] ?? null;
    t.equal(await liblxcPathAsync(tail), expected, `${tail}: ${expected}`);
    t.equal(liblxcPath(tail), expected, `${tail} again, synchronously`);
  }
});

// The benchmark report's floors (scripts/bench/report.ts): summed from control rows of the same run,
// and stated beside a missed target only.
import t from 'tap';
import { rowResult, goalLines, type Cell } from '../../scripts/bench/report.js';
import { rows, type Row } from '../../scripts/bench/rows.js';
import type { TargetId } from '../../scripts/bench/targets/target.js';

const cell = (median: number): Cell => ({ op: 'x', summary: { n: 1, median, p95: median, mean: median, min: median, max: median } });

const row: Row = {
  id: 'op',
  label: 'an operation',
  ops: { c: 'op', 'lxc-ffi': 'op' },
  goals: [{ against: 'c', max: 1.2, text: 'op ≤ 1.2× C' }],
  floor: { terms: [{ row: 'heavy', target: 'c' }, { row: 'trip', target: 'lxc-ffi', times: 2 }, { row: 'base', target: 'c', times: -1 }], text: 'a floor' },
};
const controls: Record<string, Partial<Record<TargetId, Cell>>> = { heavy: { c: cell(100) }, trip: { 'lxc-ffi': cell(20) }, base: { c: cell(10) } };
const cellOf = (r: string, target: TargetId) => controls[r]?.[target];

t.test('a floor is the signed sum of its terms, and lxc-ffi is divided by it', async (t) => {
  const r = rowResult(row, { c: cell(100), 'lxc-ffi': cell(156) }, cellOf);
  t.equal(r.floor?.value, 130, '100 + 2 × 20 − 10');
  t.equal(r.floor?.ratio, 1.2);
  t.match(r.floor?.terms, /^heavy \(c\) .* \+ 2 × trip \(lxc-ffi\) .* − base \(c\) /);
  const [line] = goalLines([r], []);
  t.equal(line.met, false, '1.56× C misses 1.2×');
  t.match(line.details?.[0], /^floor 130 µs: a floor \(.*\); lxc-ffi at 1\.20× its floor$/, 'the missed target states its floor');
});

t.test('a met target has no floor line; a term without a number leaves the floor unknown', async (t) => {
  const met = rowResult(row, { c: cell(100), 'lxc-ffi': cell(110) }, cellOf);
  t.equal(goalLines([met], [])[0].details, undefined);
  const unknown = rowResult(row, { c: cell(100), 'lxc-ffi': cell(200) }, () => undefined);
  t.equal(unknown.floor?.value, null);
  t.match(goalLines([unknown], [])[0].details?.[0], /^floor —: .*lxc-ffi at — its floor$/);
});

t.test("every floor term names a row of the table and a target that row measures", async (t) => {
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const r of rows.filter((x) => x.floor)) {
    for (const term of r.floor!.terms) {
      t.ok(byId.get(term.row)?.ops[term.target], `${r.id}: ${term.row} has a ${term.target} operation`);
    }
  }
});

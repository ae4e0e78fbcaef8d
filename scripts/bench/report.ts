// Turns measurements into scripts/bench/results.json, docs/benchmarks.md and the tables printed at the end.
import { formatUs, formatRatio, ratio, type Summary } from './stats.js';
import type { Machine } from './machine.js';
import { QUERY_VS_TOOLS_MAX, type Plan, type Row } from './rows.js';
import type { TargetId } from './targets/target.js';
import type { ProbeResult, Unit } from './probes/index.js';

/** One target's measurement of one operation. */
export interface Cell {
  op: string;
  summary?: Summary;
  /** The median of each interleaved round: how much the run drifted. */
  roundMedians?: number[];
  /** CPU time per timed call (µs): the measuring process and the children it reaped. */
  cpuPerCall?: number;
  error?: string;
}

/** The baselines lxc-ffi is divided by. */
export const BASELINES = ['c', 'python3-lxc', 'lxc-tools'] as const;
export type Baseline = (typeof BASELINES)[number];
export type RatioKey = `lxc-ffi/${Baseline}`;

/** One of the issue's targets on a row: lxc-ffi's median ≤ max × the baseline's. */
export interface RowGoal {
  text: string;
  against: TargetId;
  max: number;
  ratio: number | null;
  roundRatios: number[];
  cpuRatio: number | null;
  met: boolean | null;
}

export interface RowResult {
  id: string;
  label: string;
  cells: Partial<Record<TargetId, Cell>>;
  /** lxc-ffi's median over each baseline's median, in this run (all rounds pooled). */
  ratios: Partial<Record<RatioKey, number>>;
  /** The same ratio within each round (where both measured in the same rounds): how steady it was. */
  roundRatios: Partial<Record<RatioKey, number[]>>;
  goals: RowGoal[];
  query?: boolean;
  /** A control row (not an operation of the binding). */
  control?: true;
  /** lxc-ffi's CPU per call over each baseline's, where the row's work is all in reaped processes. */
  cpuRatios?: Partial<Record<RatioKey, number>>;
  note?: string;
  floor?: FloorResult;
}

/** A row's floor (rows.ts Floor) as measured in this run. */
export interface FloorResult {
  text: string;
  /** The sum of its terms (µs); null when a term has no number. */
  value: number | null;
  /** How it was summed: each term's row, target and median. */
  terms: string;
  /** lxc-ffi's median over the floor. */
  ratio: number | null;
}

/** One line of the "targets" section: one target of the issue, met or not, and what was measured. */
export interface GoalLine {
  text: string;
  met: boolean | null;
  measured: string;
  details?: string[];
}

export interface TargetInfo {
  id: TargetId;
  label: string;
  skipped?: string;
  versions: Record<string, string>;
}

export interface Results {
  mode: 'quick' | 'full';
  unit: 'us';
  /** How lxc-ffi was loaded: compiled JavaScript (as published), or TypeScript under tsx. */
  lxcffiLoadedAs: string;
  machine: Machine;
  plan: Plan;
  targets: TargetInfo[];
  rows: RowResult[];
  probes: ProbeResult[];
  /** The issue's targets, one line each (rows and probes together). */
  goals: GoalLine[];
  durationSeconds: number;
  /** 1-minute load average when the run started and ended: other work on the machine stretches wall times. */
  loadAverage: { start: number; end: number };
}

const finite = (x: number | undefined | null): x is number => x !== undefined && x !== null && Number.isFinite(x);

/** Another row's cell of a target, in the same run (a goal's control row). */
export type CellOf = (row: string, target: TargetId) => Cell | undefined;

export function rowResult(row: Row, cells: Partial<Record<TargetId, Cell>>, cellOf: CellOf = () => undefined): RowResult {
  const med = (t: TargetId) => cells[t]?.summary?.median;
  const ffi = med('lxc-ffi');
  const perRound = (t: TargetId) => {
    const a = cells['lxc-ffi']?.roundMedians ?? [];
    const b = cells[t]?.roundMedians ?? [];
    return a.length === b.length ? a.map((x, i) => ratio(x, b[i])) : [];
  };
  const cpuOf = (t: TargetId) => (row.cpu ? cells[t]?.cpuPerCall : undefined);
  const r: RowResult = { id: row.id, label: row.label, cells, ratios: {}, roundRatios: {}, goals: [] };
  if (row.query) r.query = true;
  if (row.control) r.control = true;
  if (row.cpu) r.cpuRatios = {};
  for (const b of BASELINES) {
    if (!row.ops[b]) continue;
    const key: RatioKey = `lxc-ffi/${b}`;
    r.ratios[key] = ratio(ffi, med(b));
    r.roundRatios[key] = perRound(b);
    if (r.cpuRatios) r.cpuRatios[key] = ratio(cpuOf('lxc-ffi'), cpuOf(b));
  }
  for (const g of row.goals ?? []) {
    const other = g.row === undefined ? null : cellOf(g.row, g.against);
    const x = other === null ? ratio(ffi, med(g.against)) : ratio(ffi, other?.summary?.median);
    const cx = other === null ? ratio(cpuOf('lxc-ffi'), cpuOf(g.against)) : NaN;
    const rounds = other === null ? perRound(g.against)
      : (cells['lxc-ffi']?.roundMedians ?? []).map((v, i) => ratio(v, other?.roundMedians?.[i]));
    r.goals.push({
      text: g.text, against: g.against, max: g.max,
      ratio: finite(x) ? x : null, roundRatios: rounds, cpuRatio: finite(cx) ? cx : null,
      met: finite(x) ? x <= g.max : null,
    });
  }
  if (row.note) r.note = row.note;
  if (row.floor) r.floor = floorResult(row, ffi, cellOf);
  return r;
}

function floorResult(row: Row, ffi: number | undefined, cellOf: CellOf): FloorResult {
  const parts = row.floor!.terms.map((t) => ({ t, median: cellOf(t.row, t.target)?.summary?.median }));
  const sum = parts.reduce((a, p) => a + (p.t.times ?? 1) * (p.median ?? Number.NaN), 0);
  const terms = parts.map(({ t, median }, i) => {
    const k = t.times ?? 1;
    const sign = i === 0 ? (k < 0 ? '− ' : '') : k < 0 ? ' − ' : ' + ';
    const n = Math.abs(k) === 1 ? '' : `${Math.abs(k)} × `;
    return `${sign}${n}${t.row} (${t.target}) ${finite(median) ? formatUs(median) : '—'}`;
  }).join('');
  const x = ratio(ffi, sum);
  return { text: row.floor!.text, value: finite(sum) ? sum : null, terms, ratio: finite(x) ? x : null };
}

/** The floor beside a missed target: its value, how it was summed, lxc-ffi against it. */
function floorLine(f: FloorResult): string {
  return `floor ${f.value === null ? '—' : formatUs(f.value)}: ${f.text} (${f.terms}); lxc-ffi at ${f.ratio === null ? '—' : formatRatio(f.ratio)} its floor`;
}

/** Cells and probes that should hold a number and do not: a target that ran but failed its op or gave no samples. */
export function missing(results: Pick<Results, 'targets' | 'rows' | 'probes'>): string[] {
  const skipped = new Set(results.targets.filter((t) => t.skipped).map((t) => t.id));
  const out: string[] = [];
  for (const row of results.rows) {
    for (const [t, cell] of Object.entries(row.cells) as [TargetId, Cell][]) {
      if (skipped.has(t)) continue;
      // A failure in any round counts, even when other rounds gave samples.
      if (cell.error || !finite(cell.summary?.median) || !finite(cell.summary?.p95)) out.push(`${row.id} / ${t}: ${cell.error ?? 'no number'}`);
    }
  }
  for (const p of results.probes) {
    if (p.error) out.push(`probe ${p.id}: ${p.error}`);
    for (const [k, m] of Object.entries(p.metrics)) if (!finite(m.value)) out.push(`probe ${p.id} / ${k}: no number`);
  }
  return out;
}

const TARGET_ORDER: TargetId[] = ['c', 'python3-lxc', 'lxc-tools', 'lxc-ffi'];
const RATIO_HEADS: Record<Baseline, string> = { c: 'lxc-ffi / C', 'python3-lxc': 'lxc-ffi / python3-lxc', 'lxc-tools': 'lxc-ffi / lxc-* tools' };

function markdown(head: string[], body: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...body.map((l) => `| ${l.join(' | ')} |`)].join('\n');
}

const showRatio = (x: number | undefined) => (x === undefined ? '—' : formatRatio(x));

/** The markdown table: median and p95 per target, then lxc-ffi's ratios. */
export function table(results: Results): string {
  const label = (t: TargetId) => results.targets.find((x) => x.id === t)?.label ?? t;
  const head = ['operation', ...TARGET_ORDER.flatMap((t) => [`${label(t)} median`, `${label(t)} p95`]), ...BASELINES.map((b) => RATIO_HEADS[b])];
  return markdown(head, results.rows.map((row) => [
    row.label,
    ...TARGET_ORDER.flatMap((t) => {
      const c = row.cells[t];
      if (!c) return ['—', '—'];
      if (!c.summary) return ['error', 'error'];
      return [formatUs(c.summary.median), formatUs(c.summary.p95)];
    }),
    ...BASELINES.map((b) => showRatio(row.ratios[`lxc-ffi/${b}`])),
  ]));
}

/** CPU per call where it captures a row's whole work: the comparison the machine's other load moves least. */
export function cpuTable(results: Results): string {
  const label = (t: TargetId) => results.targets.find((x) => x.id === t)?.label ?? t;
  const head = ['operation', ...TARGET_ORDER.map((t) => `${label(t)} CPU/call`), ...BASELINES.map((b) => RATIO_HEADS[b])];
  return markdown(head, results.rows.filter((r) => r.cpuRatios).map((row) => [
    row.label,
    ...TARGET_ORDER.map((t) => (row.cells[t] ? formatUs(row.cells[t]!.cpuPerCall ?? Number.NaN) : '—')),
    ...BASELINES.map((b) => showRatio(row.cpuRatios![`lxc-ffi/${b}`])),
  ]));
}

export function formatValue(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return '—';
  switch (unit) {
    case 'ms': return formatUs(value * 1000);
    case 'us': return formatUs(value);
    case 'MB': return `${value.toFixed(2)} MB`;
    case 'x': return formatRatio(value);
    default: return String(Math.round(value));
  }
}

/** The probes as one table: each probe a header line, then its metrics. */
export function probeTable(results: Results): string {
  const body: string[][] = [];
  for (const p of results.probes) {
    body.push([`**${p.label}**`, p.error ? `error: ${p.error}` : '']);
    for (const m of Object.values(p.metrics)) body.push([`  ${m.label}`, formatValue(m.value, m.unit)]);
  }
  return markdown(['measurement', 'value'], body);
}

const verdict = (met: boolean | null) => (met === null ? 'not measured' : met ? 'met' : 'NOT met');

/** A ratio against a threshold, with a third decimal when two would hide which side of it it is on. */
function near(x: number, max: number): string {
  const shown = formatRatio(x);
  return Number.isFinite(x) && shown === formatRatio(max) && x !== max ? `${x.toFixed(3)}×` : shown;
}

/** The issue's targets, one line each, from the rows and probes measured. */
export function goalLines(rows: RowResult[], probes: ProbeResult[]): GoalLine[] {
  const lines: GoalLine[] = [];
  for (const r of rows) {
    for (const g of r.goals) {
      const rounds = g.roundRatios.filter(Number.isFinite);
      const spread = rounds.length > 1 ? ` (per round: ${formatRatio(Math.min(...rounds))}–${formatRatio(Math.max(...rounds))})` : '';
      const cpu = g.cpuRatio === null ? '' : `; CPU per call ${formatRatio(g.cpuRatio)}`;
      lines.push({
        text: g.text, met: g.met, measured: `${g.ratio === null ? '—' : near(g.ratio, g.max)}${spread}${cpu}`,
        ...(g.met === false && r.floor ? { details: [floorLine(r.floor)] } : {}),
      });
    }
  }
  // Every row with a python3-lxc operation: lxc-ffi's median ≤ python3-lxc's.
  const vsPython = rows.filter((r) => 'lxc-ffi/python3-lxc' in r.ratios && !r.control);
  if (vsPython.length) {
    const each = vsPython.map((r) => ({ r, x: r.ratios['lxc-ffi/python3-lxc']! }));
    const missed = each.filter(({ x }) => finite(x) && x > 1);
    const unmeasured = each.some(({ x }) => !finite(x));
    lines.push({
      text: 'every measured operation ≤ python3-lxc',
      met: missed.length ? false : unmeasured ? null : true,
      measured: missed.length ? `${missed.length} of ${each.length} operations slower: ${missed.map(({ r, x }) => `${r.label} ${near(x, 1)}`).join(', ')}` : `all ${each.length} at or below 1×`,
      details: each.map(({ r, x }) => `${r.label}: ${near(x, 1)} → ${verdict(finite(x) ? x <= 1 : null)}${finite(x) && x > 1 && r.floor ? `; ${floorLine(r.floor)}` : ''}`),
    });
  }
  // The queries: lxc-ffi ≥ 10× faster than the lxc-* tools.
  const queries = rows.filter((r) => r.query && 'lxc-ffi/lxc-tools' in r.ratios);
  if (queries.length) {
    const each = queries.map((r) => ({ r, x: r.ratios['lxc-ffi/lxc-tools']! }));
    const missed = each.filter(({ x }) => finite(x) && x > QUERY_VS_TOOLS_MAX);
    const unmeasured = each.some(({ x }) => !finite(x));
    const faster = (x: number) => (finite(x) ? `${(1 / x).toFixed(1 / x >= 100 ? 0 : 1)}× faster` : '—');
    lines.push({
      text: 'queries ≥ 10× faster than the lxc-* tools',
      met: missed.length ? false : unmeasured ? null : true,
      measured: `slowest margin ${faster(Math.max(...each.map(({ x }) => x).filter(finite)))}${missed.length ? `; under 10×: ${missed.map(({ r }) => r.label).join(', ')}` : ''}`,
      details: each.map(({ r, x }) => `${r.label}: ${faster(x)} (${formatRatio(x)}) → ${verdict(finite(x) ? x <= QUERY_VS_TOOLS_MAX : null)}`),
    });
  }
  for (const p of probes) {
    if (p.error) {
      lines.push({ text: p.label, met: null, measured: `error: ${p.error}` });
      continue;
    }
    for (const g of p.goals) lines.push({ text: g.text, met: g.met, measured: g.value === null ? '—' : formatValue(g.value, g.unit), ...(g.details ? { details: g.details } : {}) });
  }
  return lines;
}

/** The targets as printed lines. */
export function goals(results: Pick<Results, 'goals'>): string[] {
  return results.goals.flatMap((g) => [
    `${g.text}: ${g.measured} → ${verdict(g.met)}`,
    ...(g.details ?? []).map((d) => `    ${d}`),
  ]);
}

export function machineLines(m: Machine, targets: TargetInfo[], loadedAs?: string): string[] {
  const pkgs = Object.entries(m.packages).map(([k, v]) => `${k} ${v}`).join(', ');
  const lines = [
    `- CPU: ${m.cpu}, ${m.cores} cores; ${m.memoryGiB} GiB RAM`,
    `- OS: ${m.os}, kernel ${m.kernel}`,
    `- Node ${m.node}, koffi ${m.koffi}, liblxc ${m.liblxc}${pkgs ? ` (${pkgs})` : ''}`,
  ];
  for (const t of targets) {
    const v = Object.entries(t.versions).map(([k, x]) => `${k} ${x}`).join(', ');
    const how = t.id === 'lxc-ffi' && loadedAs ? `; ${loadedAs}` : '';
    lines.push(`- ${t.label}: ${t.skipped ? `skipped: ${t.skipped}` : v}${how}`);
  }
  lines.push(`- Source: commit ${m.source.commit}${m.source.uncommittedLib ? ' with uncommitted changes in lib/ or ffi/' : ''}`);
  lines.push(`- Date: ${m.date}`);
  return lines;
}


/**
 * Where the time goes for the targets missed: measured by hand (the commands are given) on the
 * machine of the run, 2026-11-28 and 2026-11-29, not recomputed by each run. Update it when lib/ changes them.
 */
const FINDINGS = `## Where the time goes (targets missed)

Measured on 2026-11-28 and 2026-11-29 on the benchmark host, a 2-vCPU VM whose kernel is paravirtualized: page-table updates
and system calls are expensive (\`perf record\` of 60 \`attachWait(['true'])\`: \`pvm_irq_enable\` 26 %, then
\`clear_page_erms\`, \`copy_page_range\`, \`native_set_pte\`/\`native_set_pmd\`). The numbers below are from the
full run above and the one before it on the same code (two runs: ranges) unless a command is named.

What changed since the first full run (commit 228ec2f → this one): \`getIps\` reads the addresses over
netlink in the container's network namespace instead of liblxc's fork (7.41 ms → 0.20–0.25 ms; 3.48× C →
0.10–0.11× C; 2.3× → 73–79× faster than \`lxc-info -i\`); the import lost zod and loads the attach and create
machinery on first use (178 ms → 62–66 ms); Containers join the FinalizationRegistry a microtask after
construction (RSS growth over 100 000 new + release 6.34 MB → 0.97–1.08 MB); create runs in long-lived workers,
then at most max(1, cores − 1) of them (now min(2 × cores, free memory / 64 MiB)), instead of a Node process per create (largest event-loop lag in the 16 lifecycles:
50–98 ms in the earlier full runs, 28–52 ms since); the hot getters call liblxc without the generic wrapper.

- **Every liblxc call that forks: attach ≤ 1.2× C and < python3-lxc, exec ≤ 1.3× C, overlay clone ≤ 1.2× C,
  lifecycle ≤ 1.05× C.** These calls run in a runner process (docs/design.md, "Forking calls run in runner
  processes"), and the runner is a Node process: ≈ 7 MB of anonymous memory at its smallest (\`node
  --single-threaded\` with koffi and liblxc loaded: RssAnon 7.1–7.3 MB with any of \`--max-semi-space-size=1\`,
  \`--jitless\`, \`--lite-mode\`), ≈ 10 MB once it has served calls. liblxc forks that process for every attach
  (and the intermediate forks again), and a fork's cost grows with the anonymous memory: page tables are
  copied and the pages write-protected, and each page written afterwards is a copy-on-write fault.
  - *The floor, in C.* bench.c's own operations from a C process that carries a Node-sized heap:
    \`LXC_BENCH_BALLAST_MB=10\` touches 10 MiB of \`malloc\`ed memory first, \`LXC_BENCH_RETOUCH_MB=2\` writes
    2 MiB of it again before each call, as a JavaScript heap is written between calls. On the benchmark host
    (2026-11-29, medians; same containers): attach 1.73 ms → 2.15 ms (1.24×) → 2.54 ms (1.47×); exec
    1.70 → 2.08 (1.22×) → 2.51 ms (1.48×); overlay clone + destroy 2.80 → 3.04 (1.09×) → 3.09 ms (1.10×).
    Reproduce: \`LXC_BENCH_BALLAST_MB=10 LXC_BENCH_RETOUCH_MB=2 ./bench LXCPATH NAME attach_run_wait_true 20 200\`
    (bench.c built as \`gcc -O2 -o bench scripts/bench/c/bench.c -llxc\`; NAME a running busybox container).
    So C itself, from a process of the runner's size, lands at 1.2–1.5× C-from-a-small-process for attach
    and exec: below 1.2× is out of reach for any caller that carries a Node heap.
  - *Above the floor: the round trip, and what was cut from it.* Time stamps on both sides
    (\`process.hrtime\`, one monotonic clock) of 100 \`attachWait(['true'])\` on a compiled build, medians,
    2026-11-29: 160 µs in the caller before the request is sent (options, stdio plan, the frame), 49 µs
    until the runner's \`poll\` wakes, 73 µs in the runner before \`lxc_attach\`, \`lxc_attach\` itself
    1.72 ms (the fork floor above), 69 µs after it, 68 µs until the caller's poll callback and 32 µs to
    read and dispatch the reply; the command's exit 0.34–0.52 ms later, then 35 µs to reap it, 34 + 25 µs
    to the caller, 17–28 µs to the awaiting code. Cut in this change, each measured the same way: the
    runner's log capture (a file set, opened, read and removed per call, ≈ 0.1 ms, and more on a cold
    cache after a fork) is now one file per struct read from where the last call stopped; the runner reads
    \`/proc/self/cgroup\` (0.12–0.16 ms here) only after \`start\` and \`restore\`, the calls that move it; the
    caller no longer serialises \`process.env\` per call (27–90 µs) but compares the addresses of
    \`environ\`'s strings (≈ 9 µs), and asks whether the container runs (≈ 0.1 ms, a round trip to its
    command socket) only when liblxc fails. Runner overhead per call 0.43–0.50 → 0.18–0.21 ms; caller
    before the send 0.26–0.44 → 0.16 ms; the same 200 attaches and execs, old and new builds alternated
    three times: attach 3.56–3.80 → 2.85–3.04 ms, exec 3.79–3.91 → 3.04–3.33 ms.
  - *The round trip's floor, in C:* \`scripts/bench/c/pingpong.c\`, two C processes exchanging one small
    message over a socketpair, both blocked in \`poll()\` as the caller's event loop and the runner are:
    median 8.9–9.8 µs back to back, 20.8 µs with 1 ms between rounds and 27.2 µs with 2 ms (an idle vCPU
    is woken for each message). Reproduce: \`gcc -O2 -o pingpong scripts/bench/c/pingpong.c && ./pingpong 3000 1000\`.
    A Node process takes 35–70 µs to be woken into its poll callback and ≈ 30 µs to read and parse a frame,
    on each side, for each of the three messages of an attach (request, reply, exit): ≈ 0.3 ms that a
    helper written in C would not pay. Such a helper is a compiled binary, which lxc-ffi does not ship (nothing compiles at install);
    with a Node runner, the fork floor plus these wakes is where attach and exec stand.
  - *The lifecycle* (1.25× C in the full run above, per round 0.90–1.47×): each step timed alone, 12 rounds,
    medians (C: a small program making the bench's calls; lxc-ffi: the same from compiled JavaScript):
    create 385–437 ms in C against 371–412 ms, start 14.7–16.3 against 22.4–24.3 ms, stop 2.4–2.5 against
    4.5–5.2 ms, destroy 5.7–5.8 against 6.8–7.3 ms. Everything but create costs ≈ 11 ms more (start: the
    runner's daemonize forks and the monitor, a copy of the runner, cloning init); create, 95 % of the row,
    is the busybox template and varies by ± 30 ms between rounds, which is what moves the ratio. Again on
    2026-11-29 (8 rounds, a busier machine): C start 14.6–20.9, stop 2.5–2.9, destroy 5.3–5.8 ms against
    lxc-ffi 24.2–27.7, 4.8–6.2, 6.8–7.2 ms; create 343–486 ms in C and 410–576 ms in lxc-ffi, which moved
    by 100 ms between runs of the same code. The floor, in C: \`LXC_BENCH_BALLAST_MB=10 ./bench LXCPATH
    PREFIX lifecycle 1 8\` (a C caller carrying 10 MiB, the runner's and the create worker's size): 516 and
    529 ms against 508 and 511 ms without it, +1.6–3.7 %; the rest of the 1.05× budget (≈ 25 ms) is what
    the round trips and the create worker's template fork cost on top, inside the spread of create itself.
- **getConfigItem ≤ 1.5× the one-call C**: the C row is one call into a buffer sized beforehand
  (0.25 µs). In one process (2026-11-29, 300 000 calls each): the bare koffi call of \`get_config_item\`
  with the key as a JavaScript string and a reused buffer takes 337–365 ns (the key passed as a
  ready-made NUL-terminated Buffer: the same, 338–348 ns), the same plus the UTF-8 decode of the value
  404–421 ns. \`getConfigItem\` now hands back the string it made last time for the key when the value's
  bytes are the same (comparing a few bytes costs ≈ 5 ns, decoding ≈ 70): 416 → 359–379 ns. What is
  left over C is koffi's call (≈ 90 ns, the control row's \`getppid()\` shows the same step). In the
  quick runs of this change the ratio was 1.17× and 1.50× (per round 1.00–2.40×) and once 2.63× on a
  busy machine (per round 1.08–4.53×): at 0.25 µs per call the spread between rounds is larger than the gap.
- **defined** (1.49–1.51× C, per round 1.09–2.01×; 1.21–1.26× python3-lxc): liblxc's is_defined is a mutex and a
  \`stat()\`, 1.82 µs from C. The control row measures one bare system call, \`getppid()\`, from each side in the
  same run: 1.07–1.10 µs from C, 1.31–1.35 µs from Python, 1.57–1.58 µs from Node through koffi (1.43–1.48× C,
  1.17–1.20× Python), while a koffi call without a system call (\`abs(int)\`) costs ≈ 50 ns. A system call simply costs ≈ 0.5 µs
  more from the Node process on this VM, and is_defined's ratio is that floor: the getter now calls the
  cached function directly (the generic path's ≈ 0.15 µs is gone). Nothing in lib/ closes the rest; a
  \`stat()\` through \`fs.existsSync\` costs the same (2.36 µs).
- **import** (met: 30.6 ms over a bare \`node -e 0\` in the full run of 2026-11-29 before the
  structure change; 178 ms at the first full run). The structure change (one module per method
  family, option schemas in zod) kept it: zod/mini is \`require\`d by the first option object parsed
  (61–88 ms once, in a fresh process: \`node firstexec.mjs\` timing a second \`exec\` with options
  against a third), and the families whose calls are all asynchronous (attach, network state,
  snapshots, checkpoint) load with their first call. Same-run medians of 40 spawns, old tree
  (81ce00a) against new, both compiled: 36.1 against 33.5 ms and 37.7 against 32.3 ms over \`node -e 0\`
  (21 ES modules at import before, 19 after; with every family loaded at import it was 26 modules and
  +2.5–3 ms). In one process (\`--cpu-prof\`): Node's ES module loader costs 10–13 ms the first time
  anything is \`import()\`ed; koffi's \`require\` 12–17 ms; \`dlopen\` of liblxc 2 ms; the struct
  declarations 3–5 ms; each ES module of ffi/ and lib/ ≈ 0.5 ms beyond its code.
- **Overlay clone + destroy ≤ 1.2× C and ≤ python3-lxc.** Every missed target of a forking call now
  states its floor from control rows of the same run: C's own call from a process carrying a
  Node-sized heap (\`LXC_BENCH_BALLAST_MB=10 LXC_BENCH_RETOUCH_MB=2\`, the \`*_heap\` rows) plus lxc-ffi's
  runner round trip with the cheapest member (\`runner_roundtrip\`), once per runner call. The clone is
  the furthest above it. Each step of 100 clone + destroy + release, timed on compiled builds of the code
  before (c81a338) and after the clone changes, alternated three times, medians in µs (2026-12-08;
  stamps in the caller, liblxc's call timed inside the runner; C: the same calls from a small program
  in the same minutes, clone 2828–3306, destroy 1520–1636, total 4361–4934):

  | step | before | after |
  |---|---:|---:|
  | \`clone()\` called → request sent | 265–326 | 270–332 |
  | clone round trip | 4171–4715 | 4614–5285 |
  | of it, liblxc's \`clone\` in the runner | 3673–4051 | 3989–4404 |
  | answer → \`clone()\` resolved (the new Container made) | 281–353 | 289–372 |
  | \`destroy()\` called → request sent | 203–236 | 121–159 |
  | destroy round trip | 2147–2560 | 2089–2346 |
  | of it, liblxc's \`destroy\` in the runner | 1412–1586 | 1605–1678 |
  | \`release()\` | 71–90 | 29–36 |
  | total | 7333–8513 | 7521–8723 |

  What was cut: \`destroy()\` asked twice whether the container runs (a round trip to its command
  socket each) and now asks only when liblxc refuses it; the runner makes the new Container's struct
  right after answering the clone instead of in that Container's first call; a \`release()\` no longer
  sends a frame of its own (the runner puts the struct after its next answer); the target's existence
  is a \`stat()\` of its config file, not a struct of its own. Those steps shrank as the table shows,
  but liblxc's clone inside the runner took 0.3–0.45 ms longer in every run after the change, which
  eats the gain; the runner's memory was the same (RssAnon 13.3 MB, 166 mappings), and the cause is
  not found yet. Where the rest goes: CPU per clone + destroy (\`process.cpuUsage\` and the runner's
  \`/proc/<pid>/stat\`, 200 rounds, three runs): C 2.5–2.9 ms, lxc-ffi 1.35–2.0 ms in the caller plus
  4.35–5.35 ms in the runner and its children. \`perf record\` of the runner over 300 rounds against
  the C program over 300 (cpu-clock samples, 3974 against 2755): the kernel's fork of the runner
  (\`copy_page_range\`, \`dup_mmap\`, page faults: +≈ 300 samples, ≈ 0.25 ms a round), Node's own code
  in the runner (+≈ 430 samples in node and libc, ≈ 0.35 ms: frames, the log capture, the poll loop),
  and the runner's system calls around each call (≈ 0.4 ms: \`poll\`, \`recvmsg\`, \`sendmsg\`, the log
  file's reads, and a scratch log file created and unlinked on the disk for each struct).
- **16 lifecycles at once ≤ 0.55× python3-lxc one after another, event-loop lag ≤ 20 ms.** Creates
  now run in as many workers as the host takes (min(2 × cores, free memory / 64 MiB): 4 here, against
  max(1, cores − 1) = 1 before), at nice 10 with their templates, and runners and create workers are
  started one per event-loop turn (two \`child_process.spawn()\` calls, 5–18 ms each on the main thread,
  used to fall into one timer gap). \`npx tsx scripts/bench/index.ts --only concurrent\`, 2026-11-29: before
  the pool change 0.57–0.64× python3-lxc with a largest lag of 37–43 ms (the largest gap held 30–32 ms of
  spawn()); after it 0.49× and 0.58× (C's control, 16 processes at once: 0.50× and 0.44× in the same runs),
  largest lag 15.7 ms and 59 ms. Since option objects are parsed with zod, the first call that has
  one (here the 16 creates' \`{ quiet: true }\`) imports zod first: as an ES module the event loop
  runs between its files, but evaluating its module graph holds the main thread ≈ 17–21 ms once
  (\`node zlag.mjs import\`: largest 1 ms-timer lag 17.1, 17.5, 21.2 ms; a \`require\` held it 43–49 ms).
  The concurrent probe's most blocking gap was 18.9–22.9 ms in three runs after that change. In the 59 ms gap the main thread ran 0.14 ms; under \`strace -T\` the
  main thread's \`epoll_pwait(…, 5)\` calls returned up to 33 ms late: the thread was runnable and waited
  for one of the two cores. The floor, in C: \`scripts/bench/c/timer-lag.c\`, a 5 ms \`nanosleep\` loop in its own process (no event loop,
  no JavaScript) while 16 bench.c lifecycles run at once saw a largest lateness of 15.1, 19.8 and 27.3 ms
  (p99 6.1–8.8 ms) in three runs: on this 2-core host the target is at the scheduler's own spread. Runners
  stay at the caller's priority: a container started from a niced runner would inherit its nice value.
  Beside the lag, the probe reports what this process holds the loop for: the most CPU its main
  thread ran within one timer gap (goal ≤ 10 ms) and the longest garbage collection (goal ≤ 20 ms,
  with the thread's CPU in the gaps it overlaps). 2026-12-08, \`--only concurrent\` on a host at load
  5–7: 30.9 and 27.7 ms before; 8.2, 10.0, 7.7 and 6.8 ms after (longest GC 14.8 and 23.1 ms before; 4.7,
  5.7, 8.5 and 8.1 ms after). At load 7–8 the probe alone saw 7.6–12.3 ms, and collections of 12–27 ms
  wall in which the main thread ran ≤ 4.9 ms.
  The busy gaps were all in the first ≈ 150 ms (\`node --cpu-prof\` of the probe, samples mapped to
  its gaps): zod's module graph evaluated in one turn (17–27 ms; now four files a turn), the
  sixteen create() calls that waited for their family all starting in the turn it came in, beside
  the first worker's fork (now one per event-loop iteration, as are the spawns), and the first
  create's one-time work (liblxc's file read for its template directory, 1–5 ms, now on the
  thread pool; the scratch sweep; the first runner's ELF reads, 7–10 ms, now eight per turn). A
  spawn() costs this thread ≤ 6 ms of CPU (the fork), the floor of a gap that holds one. Under a
  CPU quota of 0.6 core (cgroup \`cpu.cfs_quota_us\`), collections of 65–97 ms wall held ≤ 7.7 ms of
  the main thread's CPU: a long collection on a saturated host is the scheduler's, as the lag is.
- **One-shot \`evaluate\`** (12.1–12.7× python3-lxc's \`attach_wait(func)\`): a fresh Node worker per call; Node's
  start alone is ≈ 120 ms here, while python3-lxc forks its interpreter (14 ms). The spare worker that
  \`evaluate\` starts ahead only helps calls spaced further apart than a worker's start: called back to
  back, as here, each call waits for the spare the previous one started. A session (\`openSession\`,
  0.0075–0.0078× python3-lxc) is the way to run functions often.
  *Against \`node -e 0\`* (the node_e0 control row, run with a worker's environment: a NODE_EXTRA_CA_CERTS
  in the bench's environment alone added ≈ 40 ms to every bare Node start on this host). Since 2026-12-08 a
  call that takes a current spare starts the next one at once instead of once its own is ready, so calls back
  to back overlap two starts: 1.57×, 1.72×, 1.76×, 1.85× → 1.06×, 1.01×, 1.74×, 1.27× (\`--only
  evaluate_oneshot,node_e0,evaluate_floor\`, full plan, old and new code alternated, 4 runs each, load average
  5–9 on the 2 cores from other work: under such load the target is met in some runs only). A call with no
  spare ready (the first, or \`attachWait(fn)\`) cannot get within 1.2×: the evaluate_floor control row, the
  sealed image attached with \`-e 0\` and no worker code, was 1.27–1.60× \`node -e 0\` in those runs (liblxc's attach from a
  runner, and the exec after a fork of it: ≈ 2 ms more system CPU at Node's start), and the worker adds
  ≈ 6 ms of CPU (≈ 2.4 ms of it Node's streams, which node:v8 loads for \`serialize\` and node:net for the
  channel). Measured and dropped: a startup snapshot of the worker (\`--build-snapshot\`: 1.25× slower to
  start than \`node -e 0\`), Node and V8 start-up flags (\`--single-threaded\`, \`--v8-pool-size=0\`,
  \`--max-semi-space-size\`, \`--no-opt\`, \`--max-lazy\`, \`--lite-mode\`, \`--disable-wasm-trap-handler\`:
  0.94–1.04× CPU, within noise), the ready message sent before node:v8 and node:net load (its answer waits
  for the runner's attach reply anyway: no change).
- **state and init_pid against python3-lxc** (0.89–1.07× across the full runs): one round trip to the
  container's monitor socket either way (≈ 45–50 µs); the per-round ratios spread over 0.70–1.74×, so a
  median above 1× in one run is a tie, not a gap.
`;

export function docs(results: Results): string {
  const p = results.plan;
  const counts = Object.entries(p.counts).map(([k, v]) => `${k}: ${v.warmup} + ${v.iterations}`).join('; ');
  const load = results.loadAverage;
  const goalList = results.goals.flatMap((g) => [
    `- ${g.text}: ${g.measured} → **${verdict(g.met)}**`,
    ...(g.details ?? []).map((d) => `  - ${d}`),
  ]);
  return `# Benchmarks

How fast lxc-ffi is against liblxc called from C, against python3-lxc (the reference binding) and
against the \`lxc-*\` command-line tools driven from Node with \`execFile\` (as CLI wrappers do),
measured in one run on busybox containers in a temporary lxcpath.
This file and \`scripts/bench/results.json\` are written by \`npm run bench\` (\`scripts/bench/index.ts\`); do not edit them by hand.

## Results (${results.mode} run)

${table(results)}

Each C row is the best C can do for its operation (for get_config_item, one call into a buffer sized
beforehand), each python3-lxc row the binding's idiomatic call; "What each row runs" below has the calls.
Times are wall-clock per call: the median and the 95th percentile. Ratios divide lxc-ffi's median by the
baseline's median from the same run (the machine is noisy; compare ratios, not absolute times across runs).
A ratio below 1× means lxc-ffi is faster.

CPU time per call (user + system of the measuring process and of the children it reaped: liblxc's
intermediate and attached processes, one-shot workers, the lxc-* tools), for the rows whose whole work is
counted that way. Other load on the machine stretches wall time but hardly CPU time, so these ratios are the steadier ones:

${cpuTable(results)}

Measurements that are not one operation's time per call (each in a fresh Node process):

${probeTable(results)}

## Performance targets

${goalList.join('\n')}

${FINDINGS}
## What each row runs

${results.rows.filter((r) => r.note).map((r) => `- **${r.label}**: ${r.note}`).join('\n')}
${results.probes.filter((x) => x.note).map((x) => `- **${x.label}**: ${x.note}`).join('\n')}

## Machine

${machineLines(results.machine, results.targets, results.lxcffiLoadedAs).join('\n')}

## How to run

\`\`\`sh
npm run bench                                # full run: writes scripts/bench/results.json and this file (under 10 minutes)
npx tsx scripts/bench/index.ts --quick       # smoke run (< 1 min): prints the tables, exits 1 if a measurement has no number
\`\`\`

\`scripts/test.sh\` ends with \`npx tsx scripts/bench/index.ts --quick --no-write\`; its failure counts as one failed test.

It needs root and a host that runs containers (\`lxc-checkconfig\`), and \`ip\` and \`dnsmasq\` for the
get_ips row's bridge. Under tsx the runner first compiles \`lib/\`, \`ffi/\` and \`scripts/bench/\` with the
project's tsc into a temporary directory and re-runs itself from there under plain node, so lxc-ffi, its
attach workers and the probes' processes run as the published JavaScript does
(\`--source\` measures the TypeScript under tsx instead: every attach worker then starts tsx's loader too,
about 0.3 s more per one-shot \`evaluate\`). This run: ${results.lxcffiLoadedAs}.

The C baseline (\`scripts/bench/c/bench.c\`) is compiled at run time with \`gcc -O2 … -llxc\` and is skipped,
with a note, when gcc or lxc-dev's headers are missing; the python3-lxc baseline
(\`scripts/bench/python/bench.py\`) runs under \`/usr/bin/python3\` and is skipped when \`import lxc\` fails
there; the lxc-* tools are skipped when the lxc package's tools are missing. C and Python run as child
processes (argv, no shell) that open their own handle on the container and print JSON samples. lxc-ffi
and the lxc-* tools are timed in the runner's own process.

Method: every operation gets untimed warm-up calls, then timed calls, split over ${p.rounds}
interleaved round(s) (the targets take turns, the order reversed every other round) so drift in the
machine's load hits every target alike; an operation with fewer calls than rounds runs in some rounds only.
Samples of all rounds are pooled, and the targets' lines also give the range of the ratio computed within
each round. Calls per operation (warm-up in each round that runs it + timed in all): ${counts}.
Probes: ${p.probes.lifecycles} concurrent lifecycles, ${p.probes.importRuns} fresh processes per import variant,
${p.probes.churn} new/release, ${p.probes.execs} exec. This run took ${results.durationSeconds.toFixed(0)} s;
the 1-minute load average was ${load.start.toFixed(2)} at its start and ${load.end.toFixed(2)} at its end on ${results.machine.cores} cores.
The targets are reported, not asserted: a run fails only when some measurement gives no number.

Other options: \`--only ID[,ID…]\` (rows: ${results.rows.map((r) => r.id).join(', ')}; probes:
${results.probes.map((x) => x.id).join(', ') || 'import, churn, leak, concurrent'}; implies \`--no-write\`), \`--write\` / \`--no-write\`.
The containers are created in \`/tmp/lxcffi-bench-*/lxc\` and are stopped, destroyed and removed at the
end, with the bridge and its dnsmasq, also on failure, Ctrl-C or SIGTERM.
`;
}

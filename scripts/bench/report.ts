// Turns measurements into bench/results.json, docs/benchmarks.md and the table printed at the end.
import { formatUs, formatRatio, ratio, type Summary } from './stats.js';
import type { Machine } from './machine.js';
import type { Plan, Row } from './rows.js';
import type { TargetId } from './targets/target.js';

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

export interface RowResult {
  id: string;
  label: string;
  cells: Partial<Record<TargetId, Cell>>;
  /** lxc-ffi's median over each baseline's median, in this run (all rounds pooled). */
  ratios: { 'lxc-ffi/c'?: number; 'lxc-ffi/python3-lxc'?: number };
  /** The same ratio within each round: how steady it was while the machine's load changed. */
  roundRatios: { 'lxc-ffi/c'?: number[]; 'lxc-ffi/python3-lxc'?: number[] };
  goal?: { text: string; against: TargetId; max: number; ratio: number | null; roundRatios: number[]; cpuRatio: number | null; met: boolean | null };
  /** lxc-ffi's CPU per call over each baseline's, where the row's work is all in reaped processes. */
  cpuRatios?: { 'lxc-ffi/c'?: number; 'lxc-ffi/python3-lxc'?: number };
  note?: string;
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
  durationSeconds: number;
  /** 1-minute load average when the run started and ended: other work on the machine stretches wall times. */
  loadAverage: { start: number; end: number };
}

const finite = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x);

export function rowResult(row: Row, cells: Partial<Record<TargetId, Cell>>): RowResult {
  const med = (t: TargetId) => cells[t]?.summary?.median;
  const ffi = med('lxc-ffi');
  const perRound = (t: TargetId) => {
    const a = cells['lxc-ffi']?.roundMedians ?? [];
    const b = cells[t]?.roundMedians ?? [];
    return a.length === b.length ? a.map((x, i) => ratio(x, b[i])) : [];
  };
  const cpuOf = (t: TargetId) => (row.cpu ? cells[t]?.cpuPerCall : undefined);
  const r: RowResult = { id: row.id, label: row.label, cells, ratios: {}, roundRatios: {} };
  if (row.cpu) {
    r.cpuRatios = {};
    if (row.ops.c) r.cpuRatios['lxc-ffi/c'] = ratio(cpuOf('lxc-ffi'), cpuOf('c'));
    if (row.ops['python3-lxc']) r.cpuRatios['lxc-ffi/python3-lxc'] = ratio(cpuOf('lxc-ffi'), cpuOf('python3-lxc'));
  }
  if (row.ops.c) {
    r.ratios['lxc-ffi/c'] = ratio(ffi, med('c'));
    r.roundRatios['lxc-ffi/c'] = perRound('c');
  }
  if (row.ops['python3-lxc']) {
    r.ratios['lxc-ffi/python3-lxc'] = ratio(ffi, med('python3-lxc'));
    r.roundRatios['lxc-ffi/python3-lxc'] = perRound('python3-lxc');
  }
  if (row.goal) {
    const x = ratio(ffi, med(row.goal.against));
    const cx = ratio(cpuOf('lxc-ffi'), cpuOf(row.goal.against));
    r.goal = {
      text: row.goal.text, against: row.goal.against, max: row.goal.max,
      ratio: finite(x) ? x : null, roundRatios: perRound(row.goal.against), cpuRatio: finite(cx) ? cx : null,
      met: finite(x) ? x <= row.goal.max : null,
    };
  }
  if (row.note) r.note = row.note;
  return r;
}

/** Cells that should hold a number and do not: a target that ran but failed its op or gave no samples. */
export function missing(results: Results): string[] {
  const skipped = new Set(results.targets.filter((t) => t.skipped).map((t) => t.id));
  const out: string[] = [];
  for (const row of results.rows) {
    for (const [t, cell] of Object.entries(row.cells) as [TargetId, Cell][]) {
      if (skipped.has(t)) continue;
      // A failure in any round counts, even when other rounds gave samples.
      if (cell.error || !finite(cell.summary?.median) || !finite(cell.summary?.p95)) out.push(`${row.id} / ${t}: ${cell.error ?? 'no number'}`);
    }
  }
  return out;
}

const TARGET_ORDER: TargetId[] = ['c', 'python3-lxc', 'lxc-ffi'];

/** The markdown table: median and p95 per target, then lxc-ffi's ratios. */
export function table(results: Results): string {
  const label = (t: TargetId) => results.targets.find((x) => x.id === t)?.label ?? t;
  const head = ['operation', ...TARGET_ORDER.flatMap((t) => [`${label(t)} median`, `${label(t)} p95`]), 'lxc-ffi / C', 'lxc-ffi / python3-lxc'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const row of results.rows) {
    const cells = TARGET_ORDER.flatMap((t) => {
      const c = row.cells[t];
      if (!c) return ['—', '—'];
      if (!c.summary) return ['error', 'error'];
      return [formatUs(c.summary.median), formatUs(c.summary.p95)];
    });
    const rc = row.ratios['lxc-ffi/c'];
    const rp = row.ratios['lxc-ffi/python3-lxc'];
    lines.push(`| ${[row.label, ...cells, rc === undefined ? '—' : formatRatio(rc), rp === undefined ? '—' : formatRatio(rp)].join(' | ')} |`);
  }
  return lines.join('\n');
}

/** CPU per call where it captures a row's whole work: the comparison the machine's other load moves least. */
export function cpuTable(results: Results): string {
  const label = (t: TargetId) => results.targets.find((x) => x.id === t)?.label ?? t;
  const head = ['operation', ...TARGET_ORDER.map((t) => `${label(t)} CPU/call`), 'lxc-ffi / C', 'lxc-ffi / python3-lxc'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const row of results.rows.filter((r) => r.cpuRatios)) {
    const cells = TARGET_ORDER.map((t) => (row.cells[t] ? formatUs(row.cells[t]!.cpuPerCall ?? Number.NaN) : '—'));
    const rc = row.cpuRatios!['lxc-ffi/c'];
    const rp = row.cpuRatios!['lxc-ffi/python3-lxc'];
    lines.push(`| ${[row.label, ...cells, rc === undefined ? '—' : formatRatio(rc), rp === undefined ? '—' : formatRatio(rp)].join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The issue's targets, one line each. */
export function goals(results: Results): string[] {
  return results.rows.filter((r) => r.goal).map((r) => {
    const g = r.goal!;
    const verdict = g.met === null ? 'not measured' : g.met ? 'met' : 'NOT met';
    const rounds = g.roundRatios.filter(Number.isFinite);
    const spread = rounds.length > 1 ? ` (per round: ${formatRatio(Math.min(...rounds))}–${formatRatio(Math.max(...rounds))})` : '';
    const cpu = g.cpuRatio === null ? '' : `; CPU per call ${formatRatio(g.cpuRatio)}`;
    return `${g.text}: ${g.ratio === null ? '—' : formatRatio(g.ratio)}${spread}${cpu} → ${verdict}`;
  });
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

export function docs(results: Results): string {
  const p = results.plan;
  const counts = Object.entries(p.counts).map(([k, v]) => `${k}: ${v.warmup} + ${v.iterations}`).join('; ');
  const load = results.loadAverage;
  return `# Benchmarks

How fast lxc-ffi is against liblxc called from C and against python3-lxc, the reference binding,
measured in one run on one running busybox container (no network) in a temporary lxcpath.
This file and \`bench/results.json\` are written by \`scripts/bench/index.ts\`; do not edit them by hand.

## Results (${results.mode} run)

${table(results)}

Times are wall-clock per call: the median and the 95th percentile. Ratios divide lxc-ffi's median by the
baseline's median from the same run (the machine is noisy; compare ratios, not absolute times across runs).

CPU time per call (user + system of the measuring process and of the children it reaped: liblxc's
intermediate and attached processes, one-shot workers), for the rows whose whole work is counted
that way. Other load on the machine stretches wall time but hardly CPU time, so these ratios are the steadier ones:

${cpuTable(results)}

Targets from the issue:

${goals(results).map((g) => `- ${g}`).join('\n')}

What each row runs:

${results.rows.filter((r) => r.note).map((r) => `- **${r.label}**: ${r.note}`).join('\n')}

## Machine

${machineLines(results.machine, results.targets, results.lxcffiLoadedAs).join('\n')}

## How to run

\`\`\`sh
npx tsx scripts/bench/index.ts           # full run: writes bench/results.json and this file (a few minutes)
npx tsx scripts/bench/index.ts --quick   # smoke run (< 1 min): prints the table, checks every row has numbers
\`\`\`

It needs root and a host that runs containers (\`lxc-checkconfig\`). Under tsx the runner first compiles
\`lib/\`, \`ffi/\` and \`scripts/bench/\` with the project's tsc into a temporary directory and re-runs itself
from there under plain node, so lxc-ffi and its attach workers run as the published JavaScript does
(\`--source\` measures the TypeScript under tsx instead: every attach worker then starts tsx's loader too,
about 0.3 s more per one-shot \`evaluate\`). This run: ${results.lxcffiLoadedAs}.

The C baseline (\`scripts/bench/c/bench.c\`) is compiled at run time with \`gcc -O2 … -llxc\` and is skipped,
with a note, when gcc or lxc-dev's headers are missing; the python3-lxc baseline
(\`scripts/bench/python/bench.py\`) runs under \`/usr/bin/python3\` and is skipped when \`import lxc\` fails
there. Both run as child processes (argv, no shell) that open their own handle on the container and print
JSON samples. lxc-ffi runs in the runner's own process.

Method: every operation gets untimed warm-up calls, then timed calls, split over ${p.rounds}
interleaved round(s) (C, python3-lxc and lxc-ffi take turns, the order reversed every other round) so drift
in the machine's load hits every target alike; samples of all rounds are pooled, and the targets' lines
also give the range of the ratio computed within each round. Calls per operation (warm-up in each round
\+ timed in all): ${counts}. This run took ${results.durationSeconds.toFixed(0)} s; the 1-minute load average
was ${load.start.toFixed(2)} at its start and ${load.end.toFixed(2)} at its end on ${results.machine.cores} cores.
The issue's targets are reported, not asserted: a run fails only when some measurement gives no number.

Other options: \`--only ROW[,ROW…]\` (rows: ${results.rows.map((r) => r.id).join(', ')}; implies
\`--no-write\`), \`--write\` / \`--no-write\`. \`scripts/bench/profile-attach.ts\` breaks
\`attachWait(['true'])\` down into phases and compares its CPU time and page faults with C's.

The container is created and started in \`/tmp/lxcffi-bench-*/lxc\` and is stopped, destroyed and removed
at the end, also on failure or Ctrl-C.
`;
}

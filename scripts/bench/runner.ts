// The benchmark run itself (scripts/bench/index.ts decides how it is loaded): set up the container,
// prepare every target, measure each row's operations in interleaved rounds, report.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { setUp, type Fixture } from './setup.js';
import { rows, plans } from './rows.js';
import { targets, isSkip, type Prepared, type TargetId } from './targets/index.js';
import { summarize, median, formatUs } from './stats.js';
import { describeMachine } from './machine.js';
import { rowResult, table, cpuTable, goals, missing, docs, machineLines, type Cell, type Results, type TargetInfo } from './report.js';
import { killChildren } from './child.js';
import { repoRoot } from './paths.js';

export interface RunOptions {
  quick: boolean;
  /** Write bench/results.json and docs/benchmarks.md (default: full runs of every row). */
  write?: boolean;
  /** Row ids to measure (default: all). */
  only?: string[];
  /** How lxc-ffi was loaded, for the report ('compiled JavaScript' or why not). */
  loadedAs: string;
}

const log = (s: string) => process.stderr.write(`${s}\n`);

export async function main(opts: RunOptions): Promise<number> {
  const mode = opts.quick ? 'quick' : 'full';
  const plan = plans[mode];
  const only = opts.only ? new Set(opts.only) : null;
  const selected = rows.filter((r) => !only || only.has(r.id));
  if (only && selected.length !== only.size) {
    console.error(`unknown row in --only; rows are: ${rows.map((r) => r.id).join(', ')}`);
    return 2;
  }
  const write = opts.write ?? (mode === 'full' && !only);
  const started = Date.now();
  const loadStart = loadavg()[0];
  if (process.getuid?.() !== 0) log('warning: not root; creating and attaching to containers will likely fail');
  const machine = await describeMachine();
  log(`bench (${mode}): setting up a busybox container…`);
  let fixture: Fixture | undefined;
  const prepared = new Map<TargetId, Prepared>();
  const infos: TargetInfo[] = [];
  const samples = new Map<string, number[]>();
  const roundMedians = new Map<string, number[]>();
  // CPU over timed calls, and how many calls it covers (a target may not report it).
  const cpu = new Map<string, { us: number; calls: number }>();
  const errors = new Map<string, string>();

  // Ctrl-C or a TERM: stop our helpers, remove the container, then leave.
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`bench: ${sig}, cleaning up…`);
    killChildren();
    void Promise.all([...prepared.values()].map((p) => p.dispose().catch(() => undefined)))
      .then(() => fixture?.teardown())
      .finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    fixture = await setUp(mode === 'quick');
    const ctx = fixture.ctx;
    for (const t of targets) {
      const p = await t.prepare(ctx);
      if (isSkip(p)) {
        if (t.id === 'lxc-ffi') throw new Error(`lxc-ffi cannot run: ${p.skip}`);
        log(`bench: ${t.label} skipped: ${p.skip}`);
        infos.push({ id: t.id, label: t.label, skipped: p.skip, versions: {} });
      } else {
        prepared.set(t.id, p);
        infos.push({ id: t.id, label: t.label, versions: p.versions });
      }
    }

    // What each target measures: every (target, op) the selected rows name, once.
    const work = targets.map((t) => ({
      target: t,
      ops: [...new Set(selected.map((r) => r.ops[t.id]).filter((op): op is string => op !== undefined))],
    }));
    for (const { target, ops } of work) {
      for (const op of ops) if (!(op in target.ops)) throw new Error(`row names ${target.id} op ${op}, which ${target.id} does not know`);
    }

    for (let round = 0; round < plan.rounds && !interrupted; round++) {
      const order = round % 2 === 0 ? work : [...work].reverse();
      for (const { target, ops } of order) {
        const p = prepared.get(target.id);
        if (!p) continue;
        for (const op of ops) {
          const key = `${target.id}:${op}`;
          if (errors.has(key) || interrupted) continue;
          const { warmup, iterations } = plan.counts[target.ops[op]];
          const n = Math.ceil(iterations / plan.rounds);
          try {
            const { samples: got, cpuUs } = await p.run(op, warmup, n);
            samples.set(key, [...(samples.get(key) ?? []), ...got]);
            roundMedians.set(key, [...(roundMedians.get(key) ?? []), median(got)]);
            if (cpuUs !== undefined) {
              const c = cpu.get(key) ?? { us: 0, calls: 0 };
              cpu.set(key, { us: c.us + cpuUs, calls: c.calls + got.length });
            }
            const cpuNote = cpuUs === undefined ? '' : `, cpu ${formatUs(cpuUs / got.length)}/call`;
            log(`[${round + 1}/${plan.rounds}] ${target.label.padEnd(12)} ${op.padEnd(22)} n=${String(n).padStart(5)} median ${formatUs(median(got))}${cpuNote}`);
          } catch (e) {
            errors.set(key, (e as Error).message);
            log(`[${round + 1}/${plan.rounds}] ${target.label.padEnd(12)} ${op.padEnd(22)} FAILED: ${(e as Error).message}`);
          }
        }
      }
    }
  } finally {
    for (const p of prepared.values()) await p.dispose().catch((e) => log(`bench: dispose failed: ${(e as Error).message}`));
    await fixture?.teardown();
  }
  if (interrupted) return 130;

  const results: Results = {
    mode,
    unit: 'us',
    lxcffiLoadedAs: opts.loadedAs,
    machine,
    plan,
    targets: infos,
    rows: selected.map((row) => {
      const cells: Partial<Record<TargetId, Cell>> = {};
      for (const [t, op] of Object.entries(row.ops) as [TargetId, string][]) {
        const key = `${t}:${op}`;
        const s = samples.get(key);
        const c = cpu.get(key);
        cells[t] = {
          op,
          ...(s?.length ? { summary: summarize(s), roundMedians: roundMedians.get(key) } : {}),
          ...(c && c.calls === s?.length ? { cpuPerCall: c.us / c.calls } : {}),
          ...(errors.has(key) ? { error: errors.get(key) } : {}),
        };
      }
      return rowResult(row, cells);
    }),
    durationSeconds: (Date.now() - started) / 1000,
    loadAverage: { start: loadStart, end: loadavg()[0] },
  };

  console.log(`\n${table(results)}\n\n${cpuTable(results)}\n`);
  for (const g of goals(results)) console.log(`target: ${g}`);
  console.log(`\n${machineLines(results.machine, results.targets, results.lxcffiLoadedAs).join('\n')}`);
  console.log(`run took ${results.durationSeconds.toFixed(1)} s (${mode}); load average ${results.loadAverage.start.toFixed(2)} → ${results.loadAverage.end.toFixed(2)}`);

  if (write) {
    const json = join(repoRoot, 'bench', 'results.json');
    const md = join(repoRoot, 'docs', 'benchmarks.md');
    mkdirSync(dirname(json), { recursive: true });
    writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(md, docs(results));
    console.log(`wrote ${json} and ${md}`);
  }

  // Quick and full alike: every row must have produced numbers. The timing targets are reported, not asserted.
  const gaps = missing(results);
  if (gaps.length) {
    console.error(`bench: ${gaps.length} measurement(s) produced no number:\n  ${gaps.join('\n  ')}`);
    return 1;
  }
  return 0;
}

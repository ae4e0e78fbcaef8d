// The benchmark run itself (scripts/bench/index.ts decides how it is loaded): set up the containers,
// prepare every target, measure each row's operations in interleaved rounds, run the probes, report.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { setUp, type Fixture, type Needs } from './setup.js';
import { rows, plans, share, type Row } from './rows.js';
import { targets, isSkip, type Prepared, type TargetId } from './targets/index.js';
import { probes, type ProbeResult } from './probes/index.js';
import { summarize, median, formatUs } from './stats.js';
import { describeMachine } from './machine.js';
import { rowResult, table, cpuTable, probeTable, goalLines, goals, missing, docs, machineLines, type Cell, type Results, type TargetInfo } from './report.js';
import { stopChildren } from './child.js';
import { repoRoot } from './paths.js';
import { watchdog } from '../watchdog.js';

export interface RunOptions {
  quick: boolean;
  /** Write scripts/bench/results.json and docs/benchmarks.md (default: full runs of every row). */
  write?: boolean;
  /** Row and probe ids to measure (default: all). */
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
  const selectedProbes = probes.filter((p) => !only || only.has(p.id));
  if (only && selected.length + selectedProbes.length !== only.size) {
    console.error(`unknown id in --only; rows are: ${rows.map((r) => r.id).join(', ')}; probes are: ${probes.map((p) => p.id).join(', ')}`);
    return 2;
  }
  const write = opts.write ?? (mode === 'full' && !only);
  const started = Date.now();
  const loadStart = loadavg()[0];
  if (process.getuid?.() !== 0) log('warning: not root; creating and attaching to containers will likely fail');
  const machine = await describeMachine();
  const needs: Needs = { clone: selected.some((r) => r.needs?.clone), net: selected.some((r) => r.needs?.net) };
  log(`bench (${mode}): setting up busybox containers${needs.net ? ' and a bridge' : ''}…`);
  let fixture: Fixture | undefined;
  // Set before setUp() settles: an interrupt during it waits for it, then tears down what it made.
  let setup: Promise<Fixture> | undefined;
  const prepared = new Map<TargetId, Prepared>();
  const infos: TargetInfo[] = [];
  const samples = new Map<string, number[]>();
  const roundMedians = new Map<string, number[]>();
  // CPU over timed calls, and how many calls it covers (a target may not report it).
  const cpu = new Map<string, { us: number; calls: number }>();
  const errors = new Map<string, string>();
  const probeResults: ProbeResult[] = [];

  // Ctrl-C or a TERM: stop our helpers (a probe cleans up what it made), remove the containers, then leave.
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`bench: ${sig}, cleaning up…`);
    void stopChildren(20_000)
      .then(() => Promise.all([...prepared.values()].map((p) => p.dispose().catch(() => undefined))))
      .then(() => setup?.catch(() => undefined))
      .then((f) => f?.teardown())
      .catch((e) => log(`bench: cleanup failed: ${(e as Error).message}`))
      .finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Every step has a deadline: a hang ends the run naming the step, never a stuck CI.
  const dog = watchdog();
  const stepMs = mode === 'quick' ? 300_000 : 1_800_000;

  try {
    dog.arm('bench set-up', stepMs);
    setup = setUp(mode === 'quick', 'bench', needs);
    fixture = await setup;
    log(`bench: set up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const ctx = fixture.ctx;
    for (const t of targets) {
      if (interrupted) break;
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
          const n = share(iterations, plan.rounds, round);
          if (n === 0) continue;
          try {
            dog.arm(`bench ${target.label} ${op}, round ${round + 1}`, stepMs);
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

    // The session (and whatever else a target holds) goes before the probes: they run on their own.
    for (const p of prepared.values()) await p.dispose().catch((e) => log(`bench: dispose failed: ${(e as Error).message}`));
    for (const probe of selectedProbes) {
      if (interrupted) break;
      const t0 = Date.now();
      try {
        dog.arm(`bench probe ${probe.id}`, stepMs);
        const r = await probe.run({ bench: ctx, plan: plan.probes, python: prepared.has('python3-lxc'), log });
        probeResults.push(r);
      } catch (e) {
        probeResults.push({ id: probe.id, label: probe.id, metrics: {}, goals: [], error: (e as Error).message });
        log(`probe ${probe.id} FAILED: ${(e as Error).message}`);
      }
      log(`probe ${probe.id}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    dog.arm('bench teardown', stepMs);
    for (const p of prepared.values()) await p.dispose().catch((e) => log(`bench: dispose failed: ${(e as Error).message}`));
    if (!interrupted) await fixture?.teardown();
    dog.close();
  }
  if (interrupted) return new Promise<number>(() => undefined); // onSignal exits once the cleanup is done

  const cellsOf = (row: Row): Partial<Record<TargetId, Cell>> => {
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
    return cells;
  };
  const measured = new Map(selected.map((row) => [row.id, cellsOf(row)]));
  const rowResults = selected.map((row) => rowResult(row, measured.get(row.id)!, (id, t) => measured.get(id)?.[t]));
  const results: Results = {
    mode,
    unit: 'us',
    lxcffiLoadedAs: opts.loadedAs,
    machine,
    plan,
    targets: infos,
    rows: rowResults,
    probes: probeResults,
    goals: goalLines(rowResults, probeResults),
    durationSeconds: (Date.now() - started) / 1000,
    loadAverage: { start: loadStart, end: loadavg()[0] },
  };

  console.log(`\n${table(results)}\n\n${cpuTable(results)}\n${results.probes.length ? `\n${probeTable(results)}\n` : ''}`);
  for (const g of goals(results)) console.log(g.startsWith(' ') ? g : `target: ${g}`);
  console.log(`\n${machineLines(results.machine, results.targets, results.lxcffiLoadedAs).join('\n')}`);
  console.log(`run took ${results.durationSeconds.toFixed(1)} s (${mode}); load average ${results.loadAverage.start.toFixed(2)} → ${results.loadAverage.end.toFixed(2)}`);

  if (write) {
    const json = join(repoRoot, 'scripts', 'bench', 'results.json');
    const md = join(repoRoot, 'docs', 'benchmarks.md');
    mkdirSync(dirname(json), { recursive: true });
    writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(md, docs(results));
    console.log(`wrote ${json} and ${md}`);
  }

  // Quick and full alike: every row and probe must have produced numbers. The timing targets are reported, not asserted.
  const gaps = missing(results);
  if (gaps.length) {
    console.error(`bench: ${gaps.length} measurement(s) produced no number:\n  ${gaps.join('\n  ')}`);
    return 1;
  }
  return 0;
}

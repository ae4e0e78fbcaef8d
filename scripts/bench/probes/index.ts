// The measurements that are not per-call timings of one operation: N lifecycles at once and the
// event loop meanwhile, the import of lxc-ffi in a fresh process, RSS over many new/release, fds
// and children after many exec. Each runs lxc-ffi in a fresh Node process (concurrent.ts, churn.ts,
// leak.ts beside this file; the import with `node -e`), so nothing of the runner's own state
// (its heap, its session, its helpers) colours them.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { run, parseBatch, type Outcome } from '../child.js';
import { repoRoot } from '../paths.js';
import { median, quantile } from '../stats.js';
import { PYTHON, pythonScript } from '../targets/python.js';
import { compile } from '../targets/c.js';
import type { BenchContext } from '../setup.js';
import type { ProbePlan } from '../rows.js';

export type Unit = 'ms' | 'us' | 'MB' | 'count' | 'x';

export interface Metric {
  label: string;
  value: number;
  unit: Unit;
}

/** One of the issue's targets on a probe: `value` ≤ `max` (in `unit`). */
export interface ProbeGoal {
  text: string;
  value: number | null;
  max: number;
  unit: Unit;
  met: boolean | null;
  /** Lines printed under the goal (what else bears on it: the floor a missed one cannot go under). */
  details?: string[];
}

export interface ProbeResult {
  id: string;
  label: string;
  /** Every metric must be a number; one that cannot be measured on this machine is left out (see `skipped`). */
  metrics: Record<string, Metric>;
  goals: ProbeGoal[];
  /** Parts not measured and why (python3-lxc missing). */
  skipped?: string;
  note?: string;
  error?: string;
}

export interface ProbeContext {
  bench: BenchContext;
  plan: ProbePlan;
  /** Whether the python3-lxc target runs on this machine. */
  python: boolean;
  log(s: string): void;
}

export interface Probe {
  id: string;
  run(ctx: ProbeContext): Promise<ProbeResult>;
}

const here = fileURLToPath(import.meta.url);
const compiled = here.endsWith('.js');

/** argv (after node) to run the probe script `name` beside this file, as this process runs (compiled or under tsx). */
function nodeArgs(name: string, flags: string[] = []): string[] {
  const file = join(dirname(here), `${name}.${compiled ? 'js' : 'ts'}`);
  // Under tsx, process.execArgv holds its loader: the child needs it too.
  return [...flags, ...(compiled ? [] : process.execArgv), file];
}

/** Runs a probe script and parses its one-line JSON answer. */
async function probeChild<T>(name: string, args: string[], flags: string[], timeoutMs: number): Promise<T> {
  const out = await run(process.execPath, [...nodeArgs(name, flags), ...args], { timeoutMs });
  const line = out.stdout.trim().split('\n').pop() ?? '';
  let parsed: T | undefined;
  try {
    parsed = JSON.parse(line) as T;
  } catch { /* reported below */ }
  if (out.code !== 0 || parsed === undefined) {
    const how = out.signal ? `was killed by ${out.signal}` : `exited with ${out.code}`;
    throw new Error(`probe ${name} ${how}: ${(out.stderr.trim() || line).split('\n').slice(-3).join(' | ')}${parsed ? ` (${line})` : ''}`);
  }
  return parsed;
}

const goal = (text: string, value: number, max: number, unit: Unit, details?: string[]): ProbeGoal => ({
  text, value: Number.isFinite(value) ? value : null, max, unit, met: Number.isFinite(value) ? value <= max : null,
  ...(details ? { details } : {}),
});

// The issue's goals for the concurrent run beside the lag: what this process holds the loop for.
const MAX_GAP_CPU_MS = 10;
const MAX_GC_MS = 20;

const concurrent: Probe = {
  id: 'concurrent',
  async run({ bench, plan, python, log }) {
    const n = plan.lifecycles;
    const label = `${n} lifecycles: lxc-ffi all at once (Promise.all) vs python3-lxc one after another`;
    log(`probe: ${label}…`);
    const ffi = await probeChild<{ wallMs: number; maxLagMs: number; p99LagMs: number; ticks: number; rssMB: number; cpuMs: number; spawns: number; maxSpawnMs: number; medianSpawnMs: number; maxSpawnCpuMs: number; maxGcMs: number; maxGcGapCpuMs: number; worstGapThreadCpuMs: number; maxGapThreadCpuMs: number; busiestGap: { atMs: number; ms: number; spawnMs: number; gcMs: number } | null }>(
      'concurrent', [bench.lxcpath, `${bench.lifecyclePrefix}-conc`, String(n)], [], 300_000);
    const metrics: Record<string, Metric> = {
      ffiWallMs: { label: `lxc-ffi: ${n} at once, wall time`, value: ffi.wallMs, unit: 'ms' },
      maxLagMs: { label: 'event loop meanwhile: largest lag of a 5 ms timer', value: ffi.maxLagMs, unit: 'ms' },
      p99LagMs: { label: 'event loop meanwhile: p99 lag', value: ffi.p99LagMs, unit: 'ms' },
      ticks: { label: 'timer ticks seen', value: ffi.ticks, unit: 'count' },
      worstGapCpuMs: { label: 'main thread on CPU during the largest gap', value: ffi.worstGapThreadCpuMs, unit: 'ms' },
      maxGapCpuMs: { label: 'main thread on CPU within any one gap, most (blocking by this process)', value: ffi.maxGapThreadCpuMs, unit: 'ms' },
      ...(ffi.busiestGap ? {
        busiestAt: { label: '  that gap: started after', value: ffi.busiestGap.atMs, unit: 'ms' as const },
        busiestSpawn: { label: '  that gap: in child_process.spawn()', value: ffi.busiestGap.spawnMs, unit: 'ms' as const },
        busiestGc: { label: '  that gap: in garbage collection', value: ffi.busiestGap.gcMs, unit: 'ms' as const },
      } : {}),
      maxSpawnMs: { label: `longest child_process.spawn() call meanwhile (of ${ffi.spawns}; median ${ffi.medianSpawnMs.toFixed(1)} ms)`, value: ffi.maxSpawnMs, unit: 'ms' },
      maxSpawnCpuMs: { label: '  the main thread\'s CPU inside one spawn() call, most (the fork: the kernel\'s work)', value: ffi.maxSpawnCpuMs, unit: 'ms' },
      maxGcMs: { label: 'longest garbage collection meanwhile (wall time)', value: ffi.maxGcMs, unit: 'ms' },
      maxGcGapCpuMs: { label: '  main thread on CPU in the timer gaps that collection overlaps (bounds its own work)', value: ffi.maxGcGapCpuMs, unit: 'ms' },
      ffiCpuMs: { label: 'lxc-ffi: CPU of the process and its reaped children (create workers, templates)', value: ffi.cpuMs, unit: 'ms' },
    };
    let ratio = Number.NaN;
    if (python) {
      log(`probe: python3-lxc, ${n} lifecycles one after another…`);
      const out = await run(PYTHON, [pythonScript, bench.lxcpath, `${bench.lifecyclePrefix}-seq`, 'lifecycle', '0', String(n)], { timeoutMs: n * 60_000 });
      const { samples, cpuUs } = parseBatch(out, 'bench.py lifecycle');
      const seq = samples.reduce((s, x) => s + x, 0) / 1000;
      metrics.pyWallMs = { label: `python3-lxc: ${n} one after another, wall time (sum of its lifecycles)`, value: seq, unit: 'ms' };
      metrics.pyMedianMs = { label: 'python3-lxc: one lifecycle, median', value: median(samples) / 1000, unit: 'ms' };
      if (cpuUs !== undefined) metrics.pyCpuMs = { label: 'python3-lxc: CPU of the process and its reaped children', value: cpuUs / 1000, unit: 'ms' };
      ratio = ffi.wallMs / seq;
      metrics.ratio = { label: 'lxc-ffi at once / python3-lxc one after another', value: ratio, unit: 'x' };
    }
    if (plan.cControl) {
      // The same lifecycles as N C processes started together: what running them at once gains on
      // this host without Node or lxc-ffi in the way (on a 2-core VM the template's hundreds of
      // fork/exec barely run faster side by side).
      const built = await compile(bench.scratch, undefined, 'bench-c-control');
      if (!('skip' in built)) {
        log(`probe: control, ${n} C processes at once…`);
        const t0 = performance.now();
        const outs = await Promise.all(Array.from({ length: n }, () => run(built.binary, [bench.lxcpath, `${bench.lifecyclePrefix}-ctl`, 'lifecycle', '0', '1'], { timeoutMs: n * 60_000 })));
        const wall = performance.now() - t0;
        outs.forEach((o) => parseBatch(o, 'bench-c lifecycle'));
        metrics.cConcurrentMs = { label: `control: C, ${n} processes at once, wall time`, value: wall, unit: 'ms' };
        if (metrics.pyWallMs) metrics.cRatio = { label: 'control: C at once / python3-lxc one after another', value: wall / metrics.pyWallMs.value, unit: 'x' };
      }
    }
    return {
      id: 'concurrent', label, metrics,
      goals: [
        goal(`${n} concurrent lifecycles ≤ 0.55× python3-lxc sequential wall time`, ratio, 0.55, 'x'),
        goal(`event-loop lag during them: max ≤ 20 ms (p99 ${ffi.p99LagMs.toFixed(1)} ms)`, ffi.maxLagMs, 20, 'ms'),
        // The lag is wall time: on a saturated host most of it is the scheduler's (the thread waits
        // for a core). What this process itself holds the loop for is its main thread's CPU.
        goal(`main thread's own CPU within any one timer gap ≤ ${MAX_GAP_CPU_MS} ms (beside the largest lag, ${ffi.maxLagMs.toFixed(1)} ms wall)`, ffi.maxGapThreadCpuMs, MAX_GAP_CPU_MS, 'ms', [
          `that gap started ${ffi.busiestGap ? `${ffi.busiestGap.atMs.toFixed(0)} ms into the run, ${ffi.busiestGap.ms.toFixed(1)} ms long: ${ffi.busiestGap.spawnMs.toFixed(1)} ms of it in spawn(), ${ffi.busiestGap.gcMs.toFixed(1)} ms in GC` : '—'}`,
          `floor: a gap holding a spawn() holds its fork, up to ${ffi.maxSpawnCpuMs.toFixed(1)} ms of this thread's CPU here (the kernel copying the page tables of a ${ffi.rssMB.toFixed(0)} MiB process)`,
        ]),
        goal(`longest garbage collection ≤ ${MAX_GC_MS} ms (wall time)`, ffi.maxGcMs, MAX_GC_MS, 'ms', [
          `the main thread ran ${ffi.maxGcGapCpuMs.toFixed(1)} ms in the timer gaps it overlaps: the rest of its ${ffi.maxGcMs.toFixed(1)} ms was waiting for a core (its own or its helper threads')`,
        ]),
      ],
      ...(python ? {} : { skipped: 'python3-lxc is not available: no sequential reference' }),
      note: `Fresh Node process (rss ${ffi.rssMB.toFixed(0)} MiB at the end) running ${n} × (create busybox quiet, no network, start, stop, destroy) with Promise.all; a 5 ms setInterval records its gaps, lag = gap − 5 ms. python3-lxc: bench.py's lifecycle op, ${n} times in one process.`,
    };
  },
};

const importTime: Probe = {
  id: 'import',
  async run({ plan, log }) {
    // The library as published: this run's tsc build of lib/ (compiled mode), else the repository's dist/.
    const built = compiled ? fileURLToPath(new URL('../../../lib/index.js', import.meta.url)) : join(repoRoot, 'dist', 'lib', 'index.js');
    if (!existsSync(built)) throw new Error(`${built} does not exist (npm run build)`);
    const url = pathToFileURL(built).href;
    const where = compiled ? "this run's tsc build of lib/" : 'dist/lib/index.js (npm run build)';
    log(`probe: import of ${where} in a fresh process, ${plan.importRuns} runs…`);
    const spawnMs = async (args: string[]) => {
      const t0 = performance.now();
      const out: Outcome = await run(process.execPath, args, { timeoutMs: 30_000 });
      const ms = performance.now() - t0;
      if (out.code !== 0) throw new Error(`node ${args.join(' ')} exited with ${out.code}: ${out.stderr.trim().split('\n').slice(-2).join(' | ')}`);
      return ms;
    };
    const bareArgs = ['-e', '0'];
    const importArgs = ['-e', `import(${JSON.stringify(url)})`];
    // Warm the page cache, then alternate so drift hits both alike.
    for (let i = 0; i < (plan.importRuns >= 10 ? 2 : 1); i++) {
      await spawnMs(bareArgs);
      await spawnMs(importArgs);
    }
    const bare: number[] = [];
    const imp: number[] = [];
    for (let i = 0; i < plan.importRuns; i++) {
      bare.push(await spawnMs(bareArgs));
      imp.push(await spawnMs(importArgs));
    }
    const net = median(imp) - median(bare);
    return {
      id: 'import', label: "import 'lxc-ffi' in a fresh process",
      metrics: {
        netMs: { label: `median(node -e "import(…)") − median(node -e 0), ${plan.importRuns} runs each`, value: net, unit: 'ms' },
        importMs: { label: 'node -e "import(…)", spawn to exit, median', value: median(imp), unit: 'ms' },
        importP95Ms: { label: 'node -e "import(…)", p95', value: quantile([...imp].sort((a, b) => a - b), 0.95), unit: 'ms' },
        bareMs: { label: 'node -e 0, spawn to exit, median', value: median(bare), unit: 'ms' },
      },
      goals: [goal('import in a fresh process ≤ 40 ms over `node -e 0`', net, 40, 'ms')],
      note: `Imports ${where}: koffi, liblxc.so.1 and the global config read included. Timed from spawn to exit with execFile.`,
    };
  },
};

const churn: Probe = {
  id: 'churn',
  async run({ bench, plan, log }) {
    log(`probe: ${plan.churn} new Container() + release() in a fresh process…`);
    const r = await probeChild<{ perPairUs: number; rssBeforeMB: number; rssAfterMB: number; growthMB: number; heapGrowthMB: number; externalGrowthMB: number }>(
      'churn', [bench.lxcpath, bench.name, String(plan.churn)], ['--expose-gc'], 300_000);
    return {
      id: 'churn', label: `RSS over ${plan.churn.toLocaleString('en')} new Container() + release()`,
      metrics: {
        growthMB: { label: 'RSS growth', value: r.growthMB, unit: 'MB' },
        rssBeforeMB: { label: 'RSS before (after warm-up and gc)', value: r.rssBeforeMB, unit: 'MB' },
        rssAfterMB: { label: 'RSS after (after gc)', value: r.rssAfterMB, unit: 'MB' },
        heapGrowthMB: { label: 'V8 heap used, growth', value: r.heapGrowthMB, unit: 'MB' },
        perPairUs: { label: 'time per new + release', value: r.perPairUs, unit: 'us' },
      },
      goals: [goal(`${plan.churn.toLocaleString('en')} new/release: RSS growth ≤ 5 MB`, r.growthMB, 5, 'MB')],
      note: `Fresh \`node --expose-gc\` process; \`new Container('${bench.name}', lxcpath)\` on the defined, running bench container (liblxc parses its config each time), then \`release()\`; 2 000 pairs of warm-up, gc() twice around a 50 ms pause before and after. MB = MiB.`,
    };
  },
};

const leak: Probe = {
  id: 'leak',
  async run({ bench, plan, log }) {
    log(`probe: fds and children around ${plan.execs} exec(['true']) in a fresh process…`);
    const r = await probeChild<{ perExecMs: number; fdsBefore: number; fdsAfter: number; fdsLeaked: number; appeared: string[]; gone: string[]; childrenBefore: number; childrenAfter: number; childrenLeaked: number; zombiesAfter: number }>(
      'leak', [bench.lxcpath, bench.name, String(plan.execs)], [], 300_000);
    const leaked = Math.max(0, r.fdsLeaked) + Math.max(0, r.childrenLeaked) + r.zombiesAfter;
    return {
      id: 'leak', label: `fds and child processes after ${plan.execs.toLocaleString('en')} exec(['true'])`,
      metrics: {
        fdsLeaked: { label: `open fds: ${r.fdsBefore} before, ${r.fdsAfter} after; leaked`, value: r.fdsLeaked, unit: 'count' },
        childrenLeaked: { label: `child processes: ${r.childrenBefore} before, ${r.childrenAfter} after; leaked`, value: r.childrenLeaked, unit: 'count' },
        zombiesAfter: { label: 'zombies after', value: r.zombiesAfter, unit: 'count' },
        perExecMs: { label: "time per exec(['true'])", value: r.perExecMs, unit: 'ms' },
      },
      goals: [{
        text: `${plan.execs.toLocaleString('en')} exec: 0 fds and 0 children leaked (${r.fdsLeaked} fds, ${r.childrenLeaked} children, ${r.zombiesAfter} zombies)`,
        value: leaked, max: 0, unit: 'count', met: leaked === 0,
      }],
      note: `Fresh Node process; 5 exec of warm-up and 100 ms, then /proc/self/fd and the processes whose parent it is (zombies apart) counted before and 200 ms after.${r.appeared.length || r.gone.length ? ` Fds that changed: before ${r.gone.join(', ') || 'none'}; after ${r.appeared.join(', ') || 'none'}.` : ''}`,
    };
  },
};

/** In the order they run: the container-making one last. */
export const probes: readonly Probe[] = [importTime, churn, leak, concurrent];

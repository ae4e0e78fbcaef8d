// The C baseline: scripts/bench/c/bench.c, compiled now against lxc-dev, one process per measured
// batch (it opens its own struct lxc_container, warms up, then times each call).
import { join } from 'node:path';
import { run, parseBatch } from '../child.js';
import { benchDir } from '../paths.js';
import type { BenchContext } from '../setup.js';
import type { Target, Prepared, Skip } from './target.js';

const source = join(benchDir, 'c', 'bench.c');

/**
 * An op named `op+heap` runs from a C process that first touches HEAP_MB MiB of malloc'ed memory
 * and writes RETOUCH_MB MiB of it again before each call (bench.c): what a runner, a Node process,
 * carries into every fork liblxc makes of it, and what its JavaScript writes between calls.
 */
export const HEAP_MB = 10;
export const RETOUCH_MB = 2;

/** A helper batch that takes longer than this is killed (and its row has no number). */
export const BATCH_TIMEOUT_MS = 240_000;

/**
 * The NAME argument of the C and Python helpers for `op`: the container it works on, or for the
 * lifecycle the prefix of the containers it makes.
 */
export function subject(ctx: BenchContext, op: string): string {
  if (op === 'get_ips') return ctx.net?.name ?? ctx.name;
  if (op === 'clone_overlay') return ctx.base?.name ?? ctx.name;
  if (op === 'lifecycle') return ctx.lifecyclePrefix;
  return ctx.name;
}

/** Compiles bench.c into `dir`; a Skip when gcc, the lxc headers or liblxc's link library are missing. */
export async function compile(dir: string, src = source, out = 'bench-c'): Promise<{ binary: string; gcc: string } | Skip> {
  const version = await run('gcc', ['--version']);
  if (version.code !== 0) return { skip: 'gcc is not installed (apt-get install gcc)' };
  const binary = join(dir, out);
  const built = await run('gcc', ['-O2', '-Wall', '-o', binary, src, '-llxc']);
  if (built.code !== 0) {
    if (/lxc\/[\w]+\.h: No such file/.test(built.stderr)) return { skip: 'the liblxc headers are missing (apt-get install lxc-dev)' };
    if (/cannot find -llxc/.test(built.stderr)) return { skip: 'liblxc.so is missing for linking (apt-get install lxc-dev)' };
    throw new Error(`gcc could not build ${src}: ${built.stderr.trim()}`);
  }
  return { binary, gcc: version.stdout.split('\n')[0].replace(/^gcc\s+/, '').trim() };
}

export const c: Target = {
  id: 'c',
  label: 'C',
  ops: {
    attach_run_wait_true: 'attach', attach_echo_capture: 'attach',
    get_config_item: 'cheap', is_defined: 'cheap', getppid: 'cheap', state: 'cheap', init_pid: 'cheap', get_ips: 'fork',
    lifecycle: 'lifecycle', clone_overlay: 'clone',
    // The same operations from a C process that carries a Node-sized heap (the floor rows of rows.ts).
    'attach_run_wait_true+heap': 'attach', 'attach_echo_capture+heap': 'attach', 'clone_overlay+heap': 'clone', 'lifecycle+heap': 'lifecycle',
  },
  async prepare(ctx: BenchContext): Promise<Prepared | Skip> {
    const built = await compile(ctx.scratch);
    if ('skip' in built) return built;
    const versions: Record<string, string> = { gcc: built.gcc };
    return {
      versions,
      async run(name, warmup, iterations) {
        const [op, heap] = name.split('+');
        const env = heap ? { ...process.env, LXC_BENCH_BALLAST_MB: String(HEAP_MB), LXC_BENCH_RETOUCH_MB: String(RETOUCH_MB) } : process.env;
        const out = await run(built.binary, [ctx.lxcpath, subject(ctx, op), op, String(warmup), String(iterations)], { timeoutMs: BATCH_TIMEOUT_MS, env });
        const batch = parseBatch(out, `bench-c ${op}`);
        versions.liblxc ??= (JSON.parse(out.stdout.trim().split('\n').pop()!) as { version: string }).version;
        return batch;
      },
      async dispose() {},
    };
  },
};

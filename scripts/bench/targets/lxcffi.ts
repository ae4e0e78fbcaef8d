// lxc-ffi itself, in this process: the public API on the bench container, as a user calls it.
import { performance } from 'node:perf_hooks';
import * as lxc from '../../../lib/index.js';
import * as ffi from '../../../ffi/index.js';
import type { BenchContext } from '../setup.js';
import type { Target, Prepared, Batch } from './target.js';

type Op = () => unknown;

const getrusage = ffi.libc.func('int getrusage(int who, void *usage)');
const RUSAGE_SELF = 0;
const RUSAGE_CHILDREN = -1;

/** User + system CPU (µs) of this process (every thread) or of its reaped children. */
function cpuUs(who: number): number {
  const ru = Buffer.alloc(144); // struct rusage on LP64: two timevals first
  getrusage(who, ru);
  const tv = (o: number) => Number(ru.readBigInt64LE(o)) * 1e6 + Number(ru.readBigInt64LE(o + 8));
  return tv(0) + tv(16);
}

/** Times `call` (sync or async): warm-up, then one sample (µs) per call, and the CPU they used. */
async function time(call: Op, warmup: number, iterations: number): Promise<Batch> {
  for (let i = 0; i < warmup; i++) await call();
  const samples = new Array<number>(iterations);
  const cpu0 = cpuUs(RUSAGE_SELF) + cpuUs(RUSAGE_CHILDREN);
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    const r = call();
    if (r instanceof Promise) await r;
    samples[i] = (performance.now() - t0) * 1000;
  }
  return { samples, cpuUs: cpuUs(RUSAGE_SELF) + cpuUs(RUSAGE_CHILDREN) - cpu0 };
}

function expect(what: string, ok: boolean, got: unknown): void {
  if (!ok) throw new Error(`${what} gave ${JSON.stringify(got)}`);
}

export const lxcffi: Target = {
  id: 'lxc-ffi',
  label: 'lxc-ffi',
  ops: {
    attachWait_true: 'attach', exec_true: 'attach', evaluate_oneshot: 'worker', session_evaluate: 'session',
    get_config_item: 'cheap', is_defined: 'cheap', state: 'cheap', init_pid: 'cheap',
  },
  async prepare(ctx: BenchContext): Promise<Prepared> {
    const c = ctx.container;
    let session: lxc.Session | undefined;
    const ignore = { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' } as const;
    const ops: Record<string, Op> = {
      attachWait_true: async () => {
        const code = await c.attachWait(['true'], ignore);
        expect("attachWait(['true'])", code === 0, code);
      },
      exec_true: async () => {
        const r = await c.exec(['true']);
        expect("exec(['true'])", r.exitCode === 0, r);
      },
      evaluate_oneshot: async () => {
        const v = await c.evaluate(() => 1);
        expect('evaluate(() => 1)', v === 1, v);
      },
      session_evaluate: async () => {
        const v = await session!.evaluate(() => 1);
        expect('session.evaluate(() => 1)', v === 1, v);
      },
      get_config_item: () => {
        const v = c.getConfigItem('lxc.uts.name');
        if (!v) expect("getConfigItem('lxc.uts.name')", false, v);
      },
      is_defined: () => {
        if (!c.defined) expect('defined', false, false);
      },
      state: () => {
        const s = c.state;
        if (s !== 'RUNNING') expect('state', false, s);
      },
      init_pid: () => {
        const p = c.initPid;
        if (!(p > 0)) expect('initPid', false, p);
      },
    };
    return {
      versions: { liblxc: lxc.version, node: process.version },
      async run(op, warmup, iterations) {
        const call = ops[op];
        if (!call) throw new Error(`lxc-ffi has no bench operation ${op}`);
        // The session is opened once, outside the timings: the row measures calls on it.
        if (op === 'session_evaluate') session ??= await c.openSession();
        return time(call, warmup, iterations);
      },
      async dispose() {
        await session?.close();
        session = undefined;
      },
    };
  },
};

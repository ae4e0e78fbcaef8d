// What a comparison target is: something that can time named operations against the bench
// containers. One module per target (c.ts, python.ts, tools.ts, lxcffi.ts); a new target is a new
// module plus a line in targets/index.ts.
import type { BenchContext } from '../setup.js';

export type TargetId = 'c' | 'python3-lxc' | 'lxc-tools' | 'lxc-ffi';

/**
 * How expensive one call is, which sets its iteration counts (rows.ts, plans): an attached
 * process, a fresh Node worker, a call on a session, a call that stays in this process, one fork
 * (get_ips), one run of an lxc-* tool, a whole create → start → stop → destroy, an overlay clone,
 * a 100 MiB file copied.
 */
export type Cost = 'attach' | 'worker' | 'session' | 'cheap' | 'fork' | 'tool' | 'lifecycle' | 'clone' | 'file';

/** Why a target cannot run on this machine (gcc or headers missing, `import lxc` failing, ...). */
export interface Skip {
  skip: string;
}

/** What one measured batch gives. */
export interface Batch {
  /** One wall-clock sample (µs) per timed call. */
  samples: number[];
  /**
   * CPU time (user + system, µs) over the timed calls, of the measuring process and of the children
   * it reaped meanwhile (liblxc's intermediate and attached processes, one-shot workers): unlike
   * wall time, barely moved by other load on the machine.
   */
  cpuUs?: number;
}

/** A target made ready for this run. */
export interface Prepared {
  /** Version facts for results.json (liblxc as the target sees it, compiler, binding). */
  versions: Record<string, string>;
  /** Times `op`: `warmup` untimed calls, then `iterations` timed ones. */
  run(op: string, warmup: number, iterations: number): Promise<Batch>;
  /** Frees what prepare() made (sessions, processes); temporary files go with the context. */
  dispose(): Promise<void>;
}

export interface Target {
  id: TargetId;
  /** How the table heads its column. */
  label: string;
  /** The operations it knows, by the names the rows use, with what one call costs. */
  ops: Readonly<Record<string, Cost>>;
  prepare(ctx: BenchContext): Promise<Prepared | Skip>;
}

export function isSkip(p: Prepared | Skip): p is Skip {
  return 'skip' in p;
}

// The resources family: memory, CPU and block I/O figures of the running container, and its
// memory limit, read from its cgroup files through liblxc (get_cgroup_item finds the container's
// cgroup in each hierarchy). A controller on the unified hierarchy (cgroup v2) answers in v2 file
// names, one on a v1 hierarchy in v1's; each figure is asked in v2's names first.
import type { Handle } from './handle.js';
import { invoke } from '../call/invoke.js';
import { invalid } from '../errors.js';
import { readCgroupItem } from './config.js';

/** Memory figures in bytes; null where the kernel keeps none or there is no limit. */
export interface MemoryFigures {
  /** Memory in use (v2 memory.current, v1 memory.usage_in_bytes). */
  usage: number;
  /** The limit (memory.max / memory.limit_in_bytes); null: unlimited. */
  limit: number | null;
  /** Swap in use (v2 memory.swap.current; v1 memory.memsw.usage_in_bytes − usage); null without swap accounting. */
  swapUsage: number | null;
  /** Swap limit (v2 memory.swap.max; v1 memory.memsw.limit_in_bytes − limit); null: unlimited or no accounting. */
  swapLimit: number | null;
  /** Kernel memory in use (v1 memory.kmem.usage_in_bytes); null on v2, which counts it in usage. */
  kernelUsage: number | null;
}

/** CPU time in nanoseconds. */
export interface CpuFigures {
  /** Total CPU time (v2 cpu.stat usage_usec, v1 cpuacct.usage). */
  usage: number;
  /** In user mode (v2 user_usec, v1 cpuacct.stat user, in clock ticks of 10 ms). */
  user: number;
  /** In kernel mode (v2 system_usec, v1 cpuacct.stat system). */
  system: number;
  /** Per CPU (v1 cpuacct.usage_percpu); null on v2, which keeps none. */
  perCpu: number[] | null;
}

/** Block I/O, summed over every device. */
export interface IoFigures {
  /** Bytes read (v2 io.stat rbytes, v1 blkio.throttle.io_service_bytes Read). */
  readBytes: number;
  /** Bytes written (v2 wbytes, v1 Write). */
  writeBytes: number;
  /** Read operations (v2 rios, v1 blkio.throttle.io_serviced Read). */
  reads: number;
  /** Write operations (v2 wios, v1 Write). */
  writes: number;
}

// A v1 limit of "unlimited" is PAGE_COUNTER_MAX pages, 2^63 − 4096 on 4 KiB pages.
const UNLIMITED_V1 = 2 ** 62;
// cpuacct.stat counts USER_HZ ticks: 100 per second on every Linux architecture.
const NS_PER_TICK = 1e9 / 100;

/** The value of a cgroup file, or null when this hierarchy has no such file. */
function item(h: Handle, op: string, key: string): string | null {
  return readCgroupItem(h, op, key)?.trim() ?? null;
}

/** A number file: 'max' (v2) or a v1 page-counter maximum is null. */
function bytes(text: string | null): number | null {
  if (text === null || text === 'max') return null;
  const n = Number(text);
  return Number.isFinite(n) && n < UNLIMITED_V1 ? n : null;
}

/** "key value" lines (cpu.stat, memory.stat, cpuacct.stat) as a map. */
export function keyed(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out.set(k, Number(v));
  }
  return out;
}

/** io.stat ("8:0 rbytes=1 wbytes=2 rios=3 wios=4 ...", a line per device) summed. */
export function ioStatV2(text: string): IoFigures {
  const sum = { readBytes: 0, writeBytes: 0, reads: 0, writes: 0 };
  const names = { rbytes: 'readBytes', wbytes: 'writeBytes', rios: 'reads', wios: 'writes' } as const;
  for (const line of text.split('\n')) {
    for (const field of line.trim().split(/\s+/).slice(1)) {
      const [k, v] = field.split('=');
      if (k in names && /^\d+$/.test(v ?? '')) sum[names[k as keyof typeof names]] += Number(v);
    }
  }
  return sum;
}

/** blkio.throttle.io_service_bytes / io_serviced ("8:0 Read 123", ..., "Total 456") as read and write sums. */
export function blkioV1(text: string): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const line of text.split('\n')) {
    const [dev, op, v] = line.trim().split(/\s+/);
    if (!dev?.includes(':') || !/^\d+$/.test(v ?? '')) continue;
    if (op === 'Read') read += Number(v);
    else if (op === 'Write') write += Number(v);
  }
  return { read, write };
}

export function memory(h: Handle): MemoryFigures {
  const op = 'memory';
  h.need(op, 'running');
  const v2 = item(h, op, 'memory.current');
  if (v2 !== null) {
    return {
      usage: Number(v2), limit: bytes(item(h, op, 'memory.max')),
      swapUsage: bytes(item(h, op, 'memory.swap.current')), swapLimit: bytes(item(h, op, 'memory.swap.max')),
      kernelUsage: null,
    };
  }
  const usage = bytes(item(h, op, 'memory.usage_in_bytes'));
  if (usage === null) throw h.error('ECGROUP', op, 'the container has no memory controller');
  const limit = bytes(item(h, op, 'memory.limit_in_bytes'));
  const memsw = bytes(item(h, op, 'memory.memsw.usage_in_bytes'));
  const memswLimit = bytes(item(h, op, 'memory.memsw.limit_in_bytes'));
  return {
    usage, limit,
    swapUsage: memsw === null ? null : Math.max(0, memsw - usage),
    swapLimit: memswLimit === null || limit === null ? null : Math.max(0, memswLimit - limit),
    kernelUsage: bytes(item(h, op, 'memory.kmem.usage_in_bytes')),
  };
}

export function setMemoryLimit(h: Handle, limit: unknown): void {
  const op = 'setMemoryLimit';
  if (limit !== null && (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 4096)) {
    throw invalid(op, 'bytes', 'must be a whole number of bytes ≥ 4096, or null for no limit');
  }
  h.need(op, 'running');
  const v2 = item(h, op, 'memory.max') !== null;
  const key = v2 ? 'memory.max' : 'memory.limit_in_bytes';
  const value = limit === null ? (v2 ? 'max' : '-1') : String(limit);
  invoke(h, op, 'set_cgroup_item', { fails: { code: 'ECGROUP', why: `cannot set ${key} = ${value}` } }, key, value);
}

export function cpu(h: Handle): CpuFigures {
  const op = 'cpu';
  h.need(op, 'running');
  const stat = item(h, op, 'cpu.stat');
  const v2 = stat === null ? undefined : keyed(stat);
  if (v2?.has('usage_usec')) {
    return { usage: v2.get('usage_usec')! * 1000, user: (v2.get('user_usec') ?? 0) * 1000, system: (v2.get('system_usec') ?? 0) * 1000, perCpu: null };
  }
  const usage = item(h, op, 'cpuacct.usage');
  if (usage === null) throw h.error('ECGROUP', op, 'the container has no cpu accounting (cpu.stat usage_usec or cpuacct.usage)');
  const ticks = keyed(item(h, op, 'cpuacct.stat') ?? '');
  const perCpu = item(h, op, 'cpuacct.usage_percpu');
  return {
    usage: Number(usage), user: (ticks.get('user') ?? 0) * NS_PER_TICK, system: (ticks.get('system') ?? 0) * NS_PER_TICK,
    perCpu: perCpu === null ? null : perCpu.split(/\s+/).filter(Boolean).map(Number),
  };
}

export function io(h: Handle): IoFigures {
  const op = 'io';
  h.need(op, 'running');
  const v2 = item(h, op, 'io.stat');
  if (v2 !== null) return ioStatV2(v2);
  const bytesV1 = item(h, op, 'blkio.throttle.io_service_bytes');
  if (bytesV1 === null) throw h.error('ECGROUP', op, 'the container has no io or blkio controller');
  const b = blkioV1(bytesV1);
  const ops = blkioV1(item(h, op, 'blkio.throttle.io_serviced') ?? '');
  return { readBytes: b.read, writeBytes: b.write, reads: ops.read, writes: ops.write };
}

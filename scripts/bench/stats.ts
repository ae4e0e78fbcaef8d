// Summary statistics of timing samples, shared by every target of the benchmark.

/** What a row keeps of one operation's samples (microseconds). */
export interface Summary {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
  mean: number;
}

/** The q-quantile (0..1) of sorted samples, by linear interpolation between closest ranks. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Median of samples (any order). */
export function median(samples: readonly number[]): number {
  return quantile([...samples].sort((a, b) => a - b), 0.5);
}

/** 95th percentile of samples (any order). */
export function p95(samples: readonly number[]): number {
  return quantile([...samples].sort((a, b) => a - b), 0.95);
}

/** Median, p95, extremes and mean of samples (any order); NaNs when there are none. */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  return {
    n,
    median: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    min: n ? sorted[0] : Number.NaN,
    max: n ? sorted[n - 1] : Number.NaN,
    mean: n ? sorted.reduce((s, x) => s + x, 0) / n : Number.NaN,
  };
}

/** a / b, or NaN when either is missing. */
export function ratio(a: number | undefined, b: number | undefined): number {
  return a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? Number.NaN : a / b;
}

/** A duration in µs for a table: 0.58 µs, 170 µs, 3.81 ms, 1.45 s. */
export function formatUs(us: number): string {
  if (!Number.isFinite(us)) return '—';
  if (us < 10) return `${us.toFixed(2)} µs`;
  if (us < 1000) return `${us.toFixed(us < 100 ? 1 : 0)} µs`;
  if (us < 1e6) return `${(us / 1000).toFixed(us < 1e4 ? 2 : 1)} ms`;
  return `${(us / 1e6).toFixed(2)} s`;
}

/** A ratio for a table: 1.12×, 0.041×, 0.000031× (two significant digits below 0.1). */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return '—';
  return `${r < 0.1 && r > 0 ? Number(r.toPrecision(2)).toString() : r.toFixed(2)}×`;
}

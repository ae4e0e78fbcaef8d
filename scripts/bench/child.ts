// Runs the helper programs of the baselines: argv arrays, no shell; the pids are ours to stop.
import { execFile, type ChildProcess } from 'node:child_process';

const running = new Set<ChildProcess>();

export interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `file` with `args`; resolves however it ends (never rejects for a non-zero exit). */
export function run(file: string, args: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = execFile(file, args, {
      maxBuffer: 64 * 1024 * 1024,
      timeout: options.timeoutMs ?? 0,
      killSignal: 'SIGKILL',
      env: options.env ?? process.env,
    }, (err, stdout, stderr) => {
      running.delete(child);
      const e = err as (NodeJS.ErrnoException & { code?: number | string; signal?: NodeJS.Signals }) | null;
      if (e && typeof e.code === 'string') {
        // Could not start it at all (ENOENT, EACCES).
        resolve({ code: null, signal: null, stdout: String(stdout), stderr: `${String(stderr)}${e.message}` });
        return;
      }
      resolve({ code: child.exitCode, signal: child.signalCode, stdout: String(stdout), stderr: String(stderr) });
    });
    running.add(child);
  });
}

/** Kills the helper processes this module started that are still running (for an interrupted run). */
export function killChildren(): void {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/**
 * Asks the helper processes still running to stop (SIGTERM: a probe stops and destroys what it
 * made), waits up to `graceMs` for them, then kills what is left.
 */
export async function stopChildren(graceMs: number): Promise<void> {
  const alive = [...running].filter((c) => c.exitCode === null && c.signalCode === null);
  if (!alive.length) return;
  const gone = Promise.all(alive.map((c) => new Promise<void>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) resolve();
    else c.once('exit', () => resolve());
  })));
  for (const c of alive) c.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([gone, new Promise<void>((resolve) => { timer = setTimeout(resolve, graceMs); })]);
  clearTimeout(timer);
  killChildren();
}

/** Parses a helper's one-line JSON answer: { samples: number[], rusage?: { self_cpu_us, children_cpu_us } }. */
export function parseBatch(out: Outcome, what: string): { samples: number[]; cpuUs?: number } {
  if (out.code !== 0) {
    const how = out.signal ? `was killed by ${out.signal}` : `exited with ${out.code}`;
    throw new Error(`${what} ${how}: ${out.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  const line = out.stdout.trim().split('\n').pop() ?? '';
  const parsed = JSON.parse(line) as { samples?: unknown; rusage?: { self_cpu_us?: number; children_cpu_us?: number } };
  if (!Array.isArray(parsed.samples) || !parsed.samples.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new Error(`${what} printed no samples`);
  }
  const ru = parsed.rusage;
  const cpuUs = ru && typeof ru.self_cpu_us === 'number' && typeof ru.children_cpu_us === 'number' ? ru.self_cpu_us + ru.children_cpu_us : undefined;
  return { samples: parsed.samples as number[], ...(cpuUs === undefined ? {} : { cpuUs }) };
}

/** The samples alone of a helper's answer. */
export function parseSamples(out: Outcome, what: string): number[] {
  return parseBatch(out, what).samples;
}

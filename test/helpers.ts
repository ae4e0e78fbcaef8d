// Shared pieces of the integration tests: temporary lxcpaths that clean up after themselves.
import { mkdtempSync, readdirSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { Worker } from 'node:worker_threads';
import { Container } from '../lib/index.js';

/**
 * A fresh lxcpath under the temp dir; at teardown every container in it is stopped and destroyed
 * (even when the test failed) and the directory removed.
 */
export function tempLxcpath(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'lxcffi-test-'));
  t.teardown(async () => {
    await destroyAll(dir);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Stops and destroys every container under `lxcpath`. */
export async function destroyAll(lxcpath: string): Promise<void> {
  if (!existsSync(lxcpath)) return;
  for (const name of readdirSync(lxcpath)) {
    if (!existsSync(join(lxcpath, name, 'config'))) continue;
    const c = new Container(name, lxcpath);
    try {
      if (c.running) await c.stop().catch(() => undefined);
      if (c.defined) await c.destroy({ withSnapshots: true }).catch(() => undefined);
    } finally {
      c.release();
    }
  }
}

/** Network config for a container: a veth on `bridge`, or no network at all. */
export function netConfig(c: Container, bridge?: string): void {
  if (bridge) {
    c.setConfigItem('lxc.net.0.type', 'veth');
    c.setConfigItem('lxc.net.0.link', bridge);
    c.setConfigItem('lxc.net.0.flags', 'up');
  } else {
    c.clearConfigItem('lxc.net');
    c.setConfigItem('lxc.net.0.type', 'empty');
  }
}

/** A busybox container made by the busybox template, its network set, its config saved. */
export async function busybox(lxcpath: string, name: string, bridge?: string): Promise<Container> {
  const c = new Container(name, lxcpath);
  await c.create('busybox', {}, { quiet: true });
  netConfig(c, bridge);
  c.saveConfig();
  return c;
}

/** Every path below `dir` (relative), for before/after comparisons. */
export function listTree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}

/**
 * Resolves what `work` resolves, or rejects naming `step` once `ms` pass: a hang is a failure with
 * a message, never a stuck run.
 */
export async function within<T>(ms: number, step: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${step}: no answer after ${ms} ms (hung)`)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Pids of this process's children that are still a copy of it (forked, never exec'd). */
export function unexecedChildren(): number[] {
  const self = process.pid;
  const cmdline = readFileSync('/proc/self/cmdline', 'utf8');
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === self && readFileSync(`/proc/${name}/cmdline`, 'utf8') === cmdline) out.push(Number(name));
    } catch { /* gone meanwhile */ }
  }
  return out;
}

/**
 * A watchdog on its own thread, for hangs that `within` cannot see: when a call blocks this
 * process's main thread inside C, no timer of it fires. Past an armed step's deadline the watchdog
 * prints the step and kills the process, so the run ends with a message instead of hanging.
 */
export function watchdog(): { arm(step: string, ms: number): void; disarm(): void; close(): void } {
  const shared = new SharedArrayBuffer(8 + 4 + 1024);
  const deadline = new BigInt64Array(shared, 0, 1);
  const length = new Int32Array(shared, 8, 1);
  const label = new Uint8Array(shared, 12, 1024);
  const worker = new Worker(`
    const { workerData } = require('node:worker_threads');
    const deadline = new BigInt64Array(workerData, 0, 1);
    const length = new Int32Array(workerData, 8, 1);
    const label = new Uint8Array(workerData, 12, 1024);
    setInterval(() => {
      const at = Atomics.load(deadline, 0);
      if (at === 0n || BigInt(Date.now()) < at) return;
      const step = Buffer.from(label.subarray(0, Atomics.load(length, 0))).toString();
      require('node:fs').writeSync(2, '\\n# watchdog: "' + step + '" hung past its deadline; killing the test process\\n');
      process.kill(process.pid, 'SIGKILL');
    }, 250);
  `, { eval: true, workerData: shared });
  worker.unref();
  return {
    arm(step, ms) {
      const bytes = Buffer.from(step).subarray(0, 1024);
      label.set(bytes);
      Atomics.store(length, 0, bytes.length);
      Atomics.store(deadline, 0, BigInt(Date.now() + ms));
    },
    disarm() {
      Atomics.store(deadline, 0, 0n);
    },
    close() {
      Atomics.store(deadline, 0, 0n);
      void worker.terminate();
    },
  };
}

// Bytes done of a clone or snapshot while liblxc copies (rsync through run_command, whose output
// liblxc keeps): the source rootfs is walked once for the total, the destination directory is
// walked again and again while the call runs. The walks run on a worker thread (synchronous
// lstat() there, none on the caller's main thread), one at a time, each followed by a pause of
// four times its length (at least POLL_MS): a walk costs at most a fifth of a core.
import type { EventFeed } from './create/feed.js';

const POLL_MS = 250;

// The walker, as source text: a worker made from a string needs no loader (tsx or compiled alike).
// A walk sums st_size of regular files, each inode once, and stops at MAX_ENTRIES entries.
const WALKER = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const MAX_ENTRIES = 2000000;
parentPort.on('message', ({ id, root }) => {
  const started = performance.now();
  const seen = new Set();
  let bytes = 0, entries = 0;
  const stack = [root];
  while (stack.length && entries < MAX_ENTRIES) {
    const dir = stack.pop();
    let list;
    try { list = fs.readdirSync(dir, { withFileTypes: true }); } catch { continue; }
    for (const e of list) {
      entries++;
      const p = dir + '/' + e.name;
      if (e.isDirectory()) { stack.push(p); continue; }
      if (!e.isFile()) continue;
      try {
        const s = fs.lstatSync(p, { bigint: false });
        const key = s.dev + ':' + s.ino;
        if (s.nlink > 1) { if (seen.has(key)) continue; seen.add(key); }
        bytes += s.size;
      } catch {}
    }
  }
  parentPort.postMessage({ id, bytes, entries, ms: performance.now() - started });
});
`;

interface Walk {
  bytes: number;
  entries: number;
  ms: number;
}

/** A worker thread that walks directories on request. */
class Walker {
  #worker: import('node:worker_threads').Worker;
  #next = 1;
  #pending = new Map<number, (w: Walk) => void>();

  constructor(Worker: typeof import('node:worker_threads').Worker) {
    this.#worker = new Worker(WALKER, { eval: true });
    this.#worker.unref();
    this.#worker.on('message', (m: Walk & { id: number }) => {
      this.#pending.get(m.id)?.(m);
      this.#pending.delete(m.id);
    });
    this.#worker.on('error', () => { for (const r of this.#pending.values()) r({ bytes: 0, entries: 0, ms: 0 }); this.#pending.clear(); });
  }

  walk(root: string): Promise<Walk> {
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#worker.postMessage({ id, root });
    });
  }

  close(): void {
    void this.#worker.terminate();
  }
}

/** What a copy watch needs. */
export interface CopyWatch {
  /** The source's rootfs directory; null: no total. */
  source: string | null;
  /** The directory the copy makes and grows (it does not exist before). */
  target: string;
}

/**
 * Runs `work` (a clone or snapshot call) while reporting its copy on `feed`: a 'copy' phase, then
 * 'bytes' events (bytes of `target` grown since the start, of the source's total), the last one
 * after `work` settled. Nothing is walked while no one iterates the feed.
 *
 * @example
 * const made = await watchCopy(feed, { source: '/var/lib/lxc/base/rootfs', target: '/var/lib/lxc/web' }, () => invoke(...));
 */
export async function watchCopy<T>(feed: EventFeed, where: CopyWatch, work: () => Promise<T>): Promise<T> {
  feed.push({ type: 'phase', phase: 'copy' });
  let walker: Walker | null = null;
  let done = false;
  let total: number | undefined;
  let last = -1;
  const report = (bytes: number) => {
    const b = bytes;
    if (b === last) return;
    last = b;
    feed.push({ type: 'bytes', phase: 'copy', bytes: total === undefined ? b : Math.min(b, total), ...(total === undefined ? {} : { total }) });
  };
  let wake: (() => void) | null = null;
  const loop = (async () => {
    // Waits for an iterator; the call's first turn may come before one is made.
    while (!done && !feed.taken) await new Promise<void>((r) => { wake = r; setTimeout(r, POLL_MS).unref(); });
    if (done) return;
    walker = new Walker((await import('node:worker_threads')).Worker);
    if (where.source !== null) total = (await walker.walk(where.source)).bytes;
    while (!done) {
      const w = await walker.walk(where.target);
      if (done) break;
      report(w.bytes);
      await new Promise<void>((r) => { wake = r; setTimeout(r, Math.max(POLL_MS, 4 * w.ms)).unref(); });
    }
  })();
  try {
    return await work();
  } finally {
    done = true;
    (wake as (() => void) | null)?.();
    await loop.catch(() => undefined);
    const w = walker as Walker | null;
    if (w) {
      report((await w.walk(where.target)).bytes);
      w.close();
    }
  }
}

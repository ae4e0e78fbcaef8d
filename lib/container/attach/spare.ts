// The spare function worker evaluate() keeps ready, one per container, in the Handle's extras:
// each evaluate() takes it and starts the next, so a call does not wait for Node to start inside
// the container (a one-shot worker costs ≈ 45 ms). Taking a current spare starts the next at once,
// before the one taken is ready: calls back to back each wait for part of a start, not a whole one.
import type { AttachSettings } from '../../attach/options.js';
import type { Session } from '../../attach/session.js';
import type { Handle } from '../handle.js';
import { worker, type AttachLib } from './plan.js';

// How long a worker started ahead for evaluate() waits for its call.
const SPARE_IDLE_MS = 30_000;
// How long a stop waits for the spare to end before it goes on anyway.
const END_SPARE_MS = 5_000;

interface Spare {
  key: string;
  initPid: number;
  ready: Promise<Session>;
  timer: NodeJS.Timeout;
}
const SPARE = 'attach.spare';

/** The spare worker for these options if one is current (awaited while it starts), else a new one; prepares the next. */
export async function takeSpare(lib: AttachLib, h: Handle, op: string, o: AttachSettings): Promise<Session> {
  h.need(op, 'running');
  if (!h.extras.has(SPARE)) {
    h.onRelease.push(() => dropSpare(h));
    h.beforeStop.push(() => endSpare(h));
  }
  const key = JSON.stringify(o);
  const initPid = h.query(op, 'init_pid');
  const spare = h.extras.get(SPARE) as Spare | null | undefined;
  h.extras.set(SPARE, null);
  const current = spare?.key === key && spare.initPid === initPid;
  // Calls back to back: the next call's worker starts now, while this one's may still be starting
  // (half the wait of each such call, where the cores allow). A first call, or one with other
  // options, starts its own worker alone first: two Node starts at once would slow it.
  if (current) prepareSpare(lib, h, op, o, key, initPid);
  let session: Session | null = null;
  if (spare) {
    clearTimeout(spare.timer);
    const ready = current ? await spare.ready.catch(() => null) : null;
    // Its death (the container restarted, someone killed it) may not have been reported yet.
    if (ready?.alive && lib.running(ready.pid)) {
      ready.ref();
      session = ready;
    } else {
      void spare.ready.then((s) => s.kill(), () => undefined);
    }
  }
  session ??= (await worker(lib, h, op, o, false)).session;
  if (!current) prepareSpare(lib, h, op, o, key, initPid);
  return session;
}

function prepareSpare(lib: AttachLib, h: Handle, op: string, o: AttachSettings, key: string, initPid: number): void {
  const ready = worker(lib, h, op, o, false).then(({ session }) => {
    session.unref();
    return session;
  });
  ready.catch(() => undefined);
  // An idle spare ends after a while; its timer does not keep Node alive.
  const timer = setTimeout(() => {
    if ((h.extras.get(SPARE) as Spare | null)?.ready === ready) h.extras.set(SPARE, null);
    void ready.then((s) => s.close(), () => undefined);
  }, SPARE_IDLE_MS);
  timer.unref();
  h.extras.set(SPARE, { key, initPid, ready, timer } satisfies Spare);
}

/** The spare worker killed and its exit seen (stop() and shutdown() wait for it, END_SPARE_MS at most). */
async function endSpare(h: Handle): Promise<void> {
  const spare = h.extras.get(SPARE) as Spare | null | undefined;
  h.extras.set(SPARE, null);
  if (!spare) return;
  clearTimeout(spare.timer);
  const ended = (async () => {
    const session = await spare.ready.catch(() => null);
    if (!session) return;
    session.kill();
    await session.close().catch(() => undefined);
  })();
  // A ref'd timer holds the event loop while the stop waits: a spare's own handles (its start
  // included) are unref'd, and Node would otherwise end mid-stop with the container running.
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => { timer = setTimeout(resolve, END_SPARE_MS); });
  try {
    await Promise.race([ended, bound]);
  } finally {
    clearTimeout(timer);
  }
}

function dropSpare(h: Handle): void {
  const spare = h.extras.get(SPARE) as Spare | null | undefined;
  h.extras.set(SPARE, null);
  if (!spare) return;
  clearTimeout(spare.timer);
  void spare.ready.then((s) => s.kill(), () => undefined);
}

// Timer helpers for the calls that wait in JavaScript rather than on a libuv thread.
import { setTimeout as delay } from 'node:timers/promises';

/** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal ? { signal } : undefined).catch((e) => {
    if (signal?.aborted) throw e;
  });
}

/** The Date.now() at which `timeoutSec` seconds from now have passed; -1 means never. */
export function deadline(timeoutSec: number): number {
  return timeoutSec < 0 ? Number.POSITIVE_INFINITY : Date.now() + timeoutSec * 1000;
}

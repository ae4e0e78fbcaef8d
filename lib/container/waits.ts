// Timer helpers for the calls that wait in JavaScript rather than on a libuv thread.

/** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The Date.now() at which `timeoutSec` seconds from now have passed; -1 means never. */
export function deadline(timeoutSec: number): number {
  return timeoutSec < 0 ? Number.POSITIVE_INFINITY : Date.now() + timeoutSec * 1000;
}

// The caller's environment handed to a helper process for one request: liblxc gives its own
// environment to what it runs (templates, hooks, rsync, attach's env 'keep').
import { isMainThread } from 'node:worker_threads';
import * as libc from '../../ffi/libc.js';
import { childEnv } from '../../ffi/index.js';
import { logEnv } from '../logging.js';

/**
 * Which environment this process has now, cheaply: the address of `environ` and of each of its
 * strings. glibc's setenv() (behind process.env on the main thread) makes a new "name=value"
 * string for each new value and never frees or rewrites one, so the same addresses are the same
 * environment; reading them costs ≈ 9 µs where serialising process.env costs 27–90 µs per call.
 * A worker thread's process.env is its own copy, not environ: there the environment is serialised.
 */
export function envPrint(): string {
  if (!isMainThread) return JSON.stringify(process.env);
  return libc.environAddresses()?.join(',') ?? 'empty';
}

/** The caller's environment as a plain object, to send with a request. */
export function envSnapshot(): Record<string, string> {
  return { ...process.env } as Record<string, string>;
}

/** In the helper: makes `env` this process's whole environment (variables it lacks are removed). */
export function adoptEnv(env: Record<string, string>): void {
  for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
  Object.assign(process.env, env);
}

/** The environment a helper process starts with: this one's, with lxc-ffi's settings for its children. */
export function helperEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  return { ...process.env, ...logEnv(), ...childEnv, ...extra };
}

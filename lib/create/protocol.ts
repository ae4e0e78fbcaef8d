// What the caller's create pool (pool.ts) and a create worker (worker.ts) say to each other over
// Node's IPC channel, and the marker that ends one create's output on the worker's stdout/stderr.
import type { BdevSpecs } from '../options.js';

/** What a worker needs to create one container. */
export interface CreateRequest {
  /** Matches the reply and the end marker on stdout/stderr to this request. */
  id: number;
  name: string;
  lxcpath: string;
  /** Template path, or null for an empty container (template "none"). */
  template: string | null;
  argv: string[];
  bdevtype: string | null;
  specs: BdevSpecs | null;
  flags: number;
  /** A config file the worker loads first (what was set on the Container before create()). */
  configFile: string | null;
  /** The environment the template runs with: the caller's at the time of the call. */
  env: Record<string, string>;
}

/** A worker's answer to one request. */
export interface CreateReply {
  id: number;
  ok: boolean;
}

/** What a worker writes on stdout and stderr after a create, so output is never misattributed. */
export function endMarker(id: number): string {
  return `\u0000lxc-ffi:create-end:${id}\u0000`;
}


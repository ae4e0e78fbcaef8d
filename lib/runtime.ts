// Per-process scratch space (liblxc call logs and create requests, removed at exit), and the Node
// built-ins that only some calls need.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * node:fs, required rather than imported: the ESM wrapper of node:fs evaluates its lazy exports
 * (fs.promises, the stream classes), ≈ 10 ms at import that no call here needs.
 */
export const fs: typeof import('node:fs') = require('node:fs');
const { mkdtempSync, rmSync } = fs;

/**
 * Built-ins loaded on first use: net, v8, child_process and their streams are not in Node's
 * startup snapshot, and compiling them at import cost ≈ 15 ms of the 50 ms import budget.
 */
export const builtins = {
  get net(): typeof import('node:net') { return require('node:net'); },
  get v8(): typeof import('node:v8') { return require('node:v8'); },
  get childProcess(): typeof import('node:child_process') { return require('node:child_process'); },
};

/** The variable through which a runner is given its caller's scratch directory. */
export const SCRATCH_ENV = 'LXC_FFI_SCRATCH_DIR';
// Read at load: a runner's environment is replaced by its caller's for each call. A runner writes
// into its caller's directory, which the caller removes at exit even if the runner was killed.
let dir: string | undefined = process.env[SCRATCH_ENV];
let seq = 0;

/** This process's private scratch directory (created on first use; removed at exit by its creator). */
export function scratchDir(): string {
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'lxc-ffi-'));
    const made = dir;
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  }
  return dir;
}

/** A fresh file name in the scratch directory. */
export function scratchFile(suffix: string): string {
  return join(scratchDir(), `${process.pid}-${++seq}${suffix}`);
}

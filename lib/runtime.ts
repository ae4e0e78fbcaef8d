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

let dir: string | undefined;
let seq = 0;

/** A fresh file name in this process's private scratch directory (created on first use). */
export function scratchFile(suffix: string): string {
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'lxc-ffi-'));
    const made = dir;
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  }
  return join(dir, `${process.pid}-${++seq}${suffix}`);
}

// Per-process scratch space: liblxc call logs and create requests live here, removed at exit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

// The file of the files rows: 100 MiB of random bytes in the run's scratch directory, made once,
// and what each side copies it to. Random, so no layer can compress or skip zeros.
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { join } from 'node:path';
import type { BenchContext } from '../setup.js';

/** The size of the files rows' file. */
export const PAYLOAD_BYTES = 100 * 1024 * 1024;
/** Where the push rows write it inside the container, and where the pull rows read it from. */
export const PUSHED = '/bench-pushed';
export const PULL_SOURCE = '/bench-pull-source';

/** The host file (made on the first call). */
export function payload(ctx: BenchContext): string {
  const file = join(ctx.scratch, 'payload-100m');
  if (existsSync(file)) return file;
  const fd = openSync(file, 'w', 0o600);
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < PAYLOAD_BYTES / chunk.length; i++) writeSync(fd, randomFillSync(chunk));
  closeSync(fd);
  return file;
}

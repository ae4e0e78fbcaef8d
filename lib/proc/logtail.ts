// Reading what a log file gained since an offset: a call's lines in the caller (lib/call/log.ts), in a
// runner (runner/log.ts) and a create worker's (create/pool.ts) all come this way.
import { fs } from '../builtins.js';

const { openSync, closeSync, fstatSync, readSync, statSync } = fs;

/** At most this much of one read is kept, the end (which explains a failure). */
export const TAIL_MAX = 256 * 1024;
const CHUNK = 64 * 1024;
const chunk = Buffer.allocUnsafe(CHUNK);

/** What a read found: the bytes kept, and the offset the next read starts at. */
export interface Tail {
  bytes: Buffer;
  next: number;
}

/**
 * Reads the file open on `fd` from `offset` to its end, keeping at most its last `max` bytes. When
 * nothing is there and `shrunk` allows, a file now shorter than `offset` (truncated by its owner,
 * or another file under a rotated name) is read from its start. One pread when nothing was
 * written (the usual case): fstat costs ≈ 20 µs from Node here, and only that case needs it.
 */
export function readFrom(fd: number, offset: number, max = TAIL_MAX, shrunk = true): Tail {
  const chunks: Buffer[] = [];
  let kept = 0;
  let at = offset;
  for (;;) {
    const got = readSync(fd, chunk, 0, CHUNK, at);
    if (got === 0) break;
    at += got;
    chunks.push(Buffer.from(chunk.subarray(0, got)));
    kept += got;
    // Whole chunks past `max` are dropped as they come; the first kept one is cut below.
    while (kept - chunks[0].length >= max) kept -= chunks.shift()!.length;
  }
  if (chunks.length === 0) {
    if (shrunk && offset > 0 && fstatSync(fd).size < offset) return readFrom(fd, 0, max, false);
    return { bytes: Buffer.alloc(0), next: at };
  }
  const bytes = Buffer.concat(chunks, kept);
  return { bytes: bytes.length > max ? bytes.subarray(bytes.length - max) : bytes, next: at };
}

/** What the file at `path` holds past `offset` (at most its last `max` bytes); empty when it cannot be read. */
export function tailFile(path: string, offset: number, max = TAIL_MAX): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return Buffer.alloc(0);
  }
  try {
    return readFrom(fd, offset, max).bytes;
  } finally {
    closeSync(fd);
  }
}

/** The size of the file at `path`, 0 when there is none: the offset to read a call's lines from. */
export function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The non-blank lines of a log's bytes. */
export function logLines(bytes: Buffer): string[] {
  return bytes.toString('utf8').split('\n').filter((l) => l.trim() !== '');
}

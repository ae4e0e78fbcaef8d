// Marshalling of liblxc's C shapes that need more than one koffi call: NULL-terminated string
// arrays, the two-call buffer reads, struct lxc_snapshot arrays with their own free(), and the
// struct lxc_console_log liblxc writes back into. No policy: errors are the caller's to make.
import { koffi, free } from './library.js';
import type { Declarations } from './types.js';

/** Reads a NULL-terminated `char **` (or its first `count` items) that the caller owns, then frees each string and the array. */
export function takeStringArray(ptr: bigint | null, count?: number): string[] {
  if (!ptr) return [];
  const out: string[] = [];
  for (let i = 0; count === undefined || i < count; i++) {
    const item = koffi.decode(ptr, i * 8, 'void *') as bigint | null;
    if (!item) break;
    out.push(koffi.decode(item, 'char', -1) as string);
    free(item);
  }
  free(ptr);
  return out;
}

/**
 * The two-call read of `int f(..., char *retv, int inlen)`: the length first (a NULL buffer), then
 * the value into a buffer of that size. null when the first call fails; `got` is what the second returned.
 */
export function readSized(call: (retv: Buffer | null, inlen: number) => number): { text: string; got: number } | null {
  const len = call(null, 0);
  if (len < 0) return null;
  const buf = Buffer.alloc(len + 1);
  const got = call(buf, len + 1);
  return { text: buf.toString('utf8', 0, Math.max(0, Math.min(got, len))), got };
}

/** struct lxc_snapshot's string members. */
export interface SnapshotEntry {
  name: string | null;
  comment_pathname: string | null;
  timestamp: string | null;
  lxcpath: string | null;
}

/** Reads `n` struct lxc_snapshot from the array snapshot_list() made, frees each through its free() member, then the array. */
export function takeSnapshots(types: Declarations, array: bigint | null, n: number): SnapshotEntry[] {
  if (!array) return [];
  const type = types.structs.lxc_snapshot;
  const size = koffi.sizeof(type);
  const out: SnapshotEntry[] = [];
  for (let i = 0; i < n; i++) {
    const entry = array + BigInt(i * size);
    const text = (member: keyof SnapshotEntry) => koffi.decode(entry, koffi.offsetof(type, member), 'const char *') as string | null;
    out.push({ name: text('name'), comment_pathname: text('comment_pathname'), timestamp: text('timestamp'), lxcpath: text('lxcpath') });
    const freeEntry = koffi.decode(entry, koffi.offsetof(type, 'free'), 'void *') as bigint | null;
    if (freeEntry) (koffi.decode(freeEntry, 'lxc_snapshot_free') as (s: bigint) => void)(entry);
  }
  free(array);
  return out;
}

/**
 * A struct lxc_console_log in C memory (liblxc writes `data`, a buffer it allocates, and
 * `*read_max` back into it). free() releases the struct, read_max and any data.
 */
export class ConsoleLogRequest {
  readonly ptr: bigint;
  readonly #readMax: bigint;
  readonly #type: Declarations['structs'][string];

  constructor(types: Declarations, fields: { clear: boolean; read: boolean; readMax: number }) {
    this.#type = types.structs.lxc_console_log;
    this.ptr = koffi.alloc(this.#type, 1) as bigint;
    this.#readMax = koffi.alloc('uint64_t', 1) as bigint;
    koffi.encode(this.#readMax, 'uint64_t', BigInt(fields.readMax));
    koffi.encode(this.ptr, this.#type, { clear: fields.clear, read: fields.read, read_max: this.#readMax, data: null });
  }

  /** The bytes liblxc read (a copy), or null when it returned none; frees liblxc's buffer. */
  takeData(): Buffer | null {
    const data = koffi.decode(this.ptr, koffi.offsetof(this.#type, 'data'), 'void *') as bigint | null;
    if (!data) return null;
    const len = Number(koffi.decode(this.#readMax, 'uint64_t'));
    // Copied (Buffer.from of a Uint8Array copies; of the ArrayBuffer it would alias memory freed next).
    const bytes = Buffer.from(new Uint8Array(koffi.view(data, len)));
    free(data);
    return bytes;
  }

  free(): void {
    koffi.free(this.ptr);
    koffi.free(this.#readMax);
  }
}

/** `values` reduced to the members the runtime's struct has (struct migrate_opts grew over releases), and its size. */
export function structFor(types: Declarations, struct: string, values: Record<string, unknown>): { value: Record<string, unknown>; size: number } {
  const members = new Set(types.members[struct].map((m) => m.name));
  const value = Object.fromEntries(Object.entries(values).filter(([k]) => members.has(k)));
  return { value, size: koffi.sizeof(types.structs[struct]) };
}

/** Whether the runtime's `struct` has `member`. */
export function structHas(types: Declarations, struct: string, member: string): boolean {
  return types.members[struct].some((m) => m.name === member);
}

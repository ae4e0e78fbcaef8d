// Messages between the caller and the attach worker: a 4-byte length, then v8.serialize() bytes
// (the structured-clone format: Date, Map, Set, typed arrays, Buffer, errors as plain objects).
// The worker runs inside the container, so the caller treats what it reads as hostile: a frame
// may announce at most MAX_FRAME bytes, bytes are buffered once (no re-concatenation), and a body
// that does not decode, or a value that is not a Reply, is a FrameError for the caller to act on.
import { builtins } from '../builtins.js';

/** Caller → worker: run `src` (a function's source) on `arg`. */
export interface Call { id: number; src: string; arg: unknown }
/** Worker → caller. */
export type Reply =
  | { ready: true; pid: number }
  | { fatal: string }
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { name: string; message: string; stack?: string } };

/**
 * Most bytes one frame's body may hold (64 MiB): a reply is held whole in the caller's memory
 * before it is decoded, so this bounds what a hostile worker can make the caller buffer. Larger
 * data belongs in a file or a command's output stream.
 */
export const MAX_FRAME = 64 * 1024 * 1024;

const HEADER = 4;

/** A frame that cannot be made, or bytes that are not a valid frame. */
export class FrameError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FrameError';
  }
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) ? 1 : 0)} MiB`;

/** Frames one message; a FrameError if its encoding is over MAX_FRAME bytes. */
export function frame(message: Call | Reply): Buffer {
  const body = builtins.v8.serialize(message);
  if (body.length > MAX_FRAME) throw new FrameError(`the message is ${body.length} bytes encoded, more than the ${mib(MAX_FRAME)} (${MAX_FRAME} bytes) a frame of the attach channel may carry`);
  const out = Buffer.allocUnsafe(HEADER + body.length);
  out.writeUInt32BE(body.length, 0);
  body.copy(out, HEADER);
  return out;
}

/**
 * Splits a byte stream back into messages. Chunks are kept as they come; a frame's bytes are
 * copied once, when all of them are there. Throws FrameError for a header announcing more than
 * `max` bytes (before any of them is buffered) or a body that v8.deserialize() rejects; after a
 * FrameError every push throws it again.
 */
export class Unframer {
  readonly max: number;
  #chunks: Buffer[] = [];
  #size = 0;
  /** Body length of the frame being read, once its header is in; -1 before. */
  #len = -1;
  #failed: FrameError | null = null;

  constructor(max = MAX_FRAME) {
    this.max = max;
  }

  /** Bytes held, waiting for the rest of their frame. */
  get buffered(): number {
    return this.#size;
  }

  /** Adds bytes; returns the messages they complete. */
  push(chunk: Buffer): unknown[] {
    return [...this.messages(chunk)];
  }

  /**
   * Adds bytes; yields the messages they complete, one at a time, so the ones before a bad
   * frame are taken before its FrameError is thrown.
   */
  *messages(chunk: Buffer): Generator<unknown, void, undefined> {
    if (this.#failed) throw this.#failed;
    if (chunk.length) {
      this.#chunks.push(chunk);
      this.#size += chunk.length;
    }
    for (;;) {
      if (this.#len < 0) {
        if (this.#size < HEADER) return;
        const len = this.#take(HEADER).readUInt32BE(0);
        if (len > this.max) this.#fail(`a frame announces ${len} bytes, more than the ${mib(this.max)} (${this.max} bytes) allowed`);
        this.#len = len;
      }
      if (this.#size < this.#len) return;
      const body = this.#take(this.#len);
      this.#len = -1;
      let message: unknown;
      try {
        message = builtins.v8.deserialize(body);
      } catch (e) {
        this.#fail(`a frame of ${body.length} bytes does not decode: ${(e as Error).message}`, e);
      }
      yield message;
    }
  }

  /** Removes the first `n` (≤ #size) bytes: a view when one chunk holds them, else one copy. */
  #take(n: number): Buffer {
    const first = this.#chunks[0];
    if (n === 0) return Buffer.alloc(0);
    if (first.length >= n) {
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
      this.#size -= n;
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let at = 0;
    while (at < n) {
      const c = this.#chunks[0];
      const k = Math.min(c.length, n - at);
      c.copy(out, at, 0, k);
      at += k;
      if (k === c.length) this.#chunks.shift();
      else this.#chunks[0] = c.subarray(k);
    }
    this.#size -= n;
    return out;
  }

  #fail(message: string, cause?: unknown): never {
    this.#chunks = [];
    this.#size = 0;
    this.#failed = new FrameError(message, cause === undefined ? undefined : { cause });
    throw this.#failed;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

/** `value` as a Reply, or a FrameError saying why it is not one. */
export function toReply(value: unknown): Reply {
  if (!isObject(value)) throw new FrameError(`a reply is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}, not an object`);
  if ('ready' in value) {
    if (value.ready === true && Number.isSafeInteger(value.pid)) return { ready: true, pid: value.pid as number };
  } else if ('fatal' in value) {
    if (typeof value.fatal === 'string') return { fatal: value.fatal };
  } else if (isId(value.id) && value.ok === true) {
    return { id: value.id, ok: true, value: value.value };
  } else if (isId(value.id) && value.ok === false && isObject(value.error)) {
    const { name, message, stack } = value.error;
    if (typeof name === 'string' && typeof message === 'string' && (stack === undefined || typeof stack === 'string')) {
      return { id: value.id, ok: false, error: { name, message, ...(stack === undefined ? {} : { stack }) } };
    }
  }
  const keys = Object.keys(value).slice(0, 5).join(', ');
  throw new FrameError(`a reply has not the shape of one (keys: ${keys || 'none'})`);
}

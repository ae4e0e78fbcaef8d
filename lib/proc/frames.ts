// Length-prefixed frames, the one framing of lxc-ffi's channels to its helpers: a 4-byte
// big-endian length, then the body. Each channel keeps its own body encoding (JSON to a runner,
// v8.serialize to an attach worker); the header, its bound and the reassembly of partial reads
// are these. The attach worker's own side is inlined in its source (attach/worker.ts): it runs
// inside the container and imports no file.

/** Bytes of a frame's header: the body's length, big-endian. */
export const HEADER = 4;

/** A frame that cannot be made, or bytes that are not a valid frame. */
export class FrameError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FrameError';
  }
}

/** `n` bytes as MiB, for messages. */
export const mib = (n: number) => `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) ? 1 : 0)} MiB`;

/** One frame around `body`; a FrameError, saying `what` it carries, when the body is over `max` bytes. */
export function frameBytes(body: Buffer, max: number, what = 'a frame'): Buffer {
  if (body.length > max) throw new FrameError(`the message is ${body.length} bytes encoded, more than the ${mib(max)} (${max} bytes) ${what} may carry`);
  const out = Buffer.allocUnsafe(HEADER + body.length);
  out.writeUInt32BE(body.length, 0);
  body.copy(out, HEADER);
  return out;
}

/**
 * Splits a byte stream back into messages. Chunks are kept as they come; a frame's bytes are
 * copied once, when all of them are there. Throws FrameError for a header announcing more than
 * `max` bytes (before any of them is buffered) or a body that `decode` rejects; after a
 * FrameError every push throws it again.
 */
export class Unframer<T = unknown> {
  readonly max: number;
  readonly #decode: (body: Buffer) => T;
  #chunks: Buffer[] = [];
  #size = 0;
  /** Body length of the frame being read, once its header is in; -1 before. */
  #len = -1;
  #failed: FrameError | null = null;

  constructor(decode: (body: Buffer) => T, max: number) {
    this.#decode = decode;
    this.max = max;
  }

  /** Bytes held, waiting for the rest of their frame. */
  get buffered(): number {
    return this.#size;
  }

  /** Adds bytes; returns the messages they complete. */
  push(chunk: Buffer): T[] {
    return [...this.messages(chunk)];
  }

  /**
   * Adds bytes; yields the messages they complete, one at a time, so the ones before a bad
   * frame are taken before its FrameError is thrown.
   */
  *messages(chunk: Buffer): Generator<T, void, undefined> {
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
      let message: T;
      try {
        message = this.#decode(body);
      } catch (e) {
        this.#fail(`a frame of ${body.length} bytes does not decode: ${(e as Error).message}`, e);
      }
      yield message;
    }
  }

  /** Removes the first `n` (≤ #size) bytes: a view when one chunk holds them, else one copy. */
  #take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.#chunks[0];
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

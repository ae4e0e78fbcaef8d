// Messages between the caller and the attach worker: a 4-byte length, then v8.serialize() bytes
// (the structured-clone format: Date, Map, Set, typed arrays, Buffer, errors as plain objects).
import { builtins } from '../runtime.js';

/** The largest message either side sends. */
export const MAX_FRAME = 256 * 1024 * 1024;

/** Caller → worker: run `src` (a function's source) on `arg`. */
export interface Call { id: number; src: string; arg: unknown }
/** Worker → caller. */
export type Reply =
  | { ready: true; pid: number }
  | { fatal: string }
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { name: string; message: string; stack?: string } };

/** Frames one message. */
export function frame(message: Call | Reply): Buffer {
  const body = builtins.v8.serialize(message);
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

/** Splits a byte stream back into messages. */
export class Unframer {
  #pending: Buffer[] = [];
  #size = 0;

  /** Adds bytes; returns the messages they complete. */
  push(chunk: Buffer): unknown[] {
    this.#pending.push(chunk);
    this.#size += chunk.length;
    const out: unknown[] = [];
    let buf = this.#pending.length === 1 ? this.#pending[0] : Buffer.concat(this.#pending, this.#size);
    while (buf.length >= 4) {
      const len = buf.readUInt32BE(0);
      if (buf.length < 4 + len) break;
      out.push(builtins.v8.deserialize(buf.subarray(4, 4 + len)));
      buf = buf.subarray(4 + len);
    }
    this.#pending = buf.length ? [buf] : [];
    this.#size = buf.length;
    return out;
  }
}

// Messages between the caller and the attach worker: a 4-byte length, then v8.serialize() bytes
// (the structured-clone format: Date, Map, Set, typed arrays, Buffer, errors as plain objects).
// The worker runs inside the container, so the caller treats what it reads as hostile: a frame
// may announce at most MAX_FRAME bytes, bytes are buffered once (no re-concatenation), and a body
// that does not decode, or a value that is not a Reply, is a FrameError for the caller to act on.
// The framing itself (header, bound, partial reads) is lib/proc/frames.ts's.
import { builtins } from '../builtins.js';
import { FrameError, Unframer as Frames, frameBytes } from '../proc/frames.js';

export { FrameError };

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

/** Frames one message; a FrameError if its encoding is over MAX_FRAME bytes. */
export function frame(message: Call | Reply): Buffer {
  return frameBytes(builtins.v8.serialize(message), MAX_FRAME, 'a frame of the attach channel');
}

/** Splits the attach channel's byte stream back into messages (v8.deserialize of each frame, at most `max` bytes). */
export class Unframer extends Frames<unknown> {
  constructor(max = MAX_FRAME) {
    super((body) => builtins.v8.deserialize(body), max);
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

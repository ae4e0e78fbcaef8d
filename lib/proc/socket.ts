// A unix stream socket carrying JSON frames (frames.ts) with fds attached by SCM_RIGHTS, through
// libc's sendmsg/recvmsg: Node has no public way to pass an arbitrary fd to another process. The
// channel between the caller and a runner.
import * as libc from '../../ffi/libc.js';
import { EAGAIN, EINTR, MSG_CMSG_CLOEXEC, MSG_DONTWAIT, MSG_NOSIGNAL, SCM_RIGHTS, SOL_SOCKET } from '../../ffi/libc.js';
import { Unframer, frameBytes } from './frames.js';

const { koffi } = libc;

/**
 * Most fds one frame carries: stdio, and for a function worker the Node image (linker, libraries:
 * a distribution's Node links twenty or so) and its channel. The kernel's own limit is 253.
 */
export const MAX_FDS = 64;
/** The largest JSON frame either side sends: a call's arguments, its log lines (256 KiB at most). */
export const MAX_JSON_FRAME = 64 * 1024 * 1024;
const CMSG_HDR = 16;
const CONTROL_SIZE = CMSG_HDR + 8 * Math.ceil((4 * MAX_FDS) / 8);
const BUFFER_SIZE = 256 * 1024;

let buffers: libc.MessageBuffers | undefined;
const shared = () => (buffers ??= new libc.MessageBuffers(CONTROL_SIZE, BUFFER_SIZE));

/** Encodes one frame of JSON. */
export function frame(message: unknown): Buffer {
  return frameBytes(Buffer.from(JSON.stringify(message)), MAX_JSON_FRAME, 'a frame of a runner channel');
}

/**
 * Sends `bytes` on `fd`, the fds attached to its first byte. A blocking socket takes it all; a
 * non-blocking one returns how many bytes went (the rest is the caller's to send when writable).
 */
export function sendBytes(fd: number, bytes: Buffer, fds: number[] = []): number {
  if (fds.length > MAX_FDS) throw new Error(`at most ${MAX_FDS} fds per frame`);
  const b = shared();
  let sent = 0;
  while (sent < bytes.length) {
    const len = Math.min(bytes.length - sent, BUFFER_SIZE);
    b.dataBytes.set(bytes.subarray(sent, sent + len));
    let controlLen = 0;
    if (sent === 0 && fds.length) {
      controlLen = CMSG_HDR + 8 * Math.ceil((4 * fds.length) / 8);
      const c = b.controlView;
      c.setBigUint64(0, BigInt(CMSG_HDR + 4 * fds.length), true);
      c.setInt32(8, SOL_SOCKET, true);
      c.setInt32(12, SCM_RIGHTS, true);
      fds.forEach((f, i) => c.setInt32(CMSG_HDR + 4 * i, f, true));
    }
    b.prepare(len, controlLen);
    const n = Number(libc.sendmsg(fd, b.msg, MSG_NOSIGNAL));
    if (n < 0) {
      const errno = koffi.errno();
      if (errno === EINTR) continue;
      if (errno === EAGAIN && sent > 0) return sent;
      if (errno === EAGAIN) return 0;
      throw Object.assign(new Error(`sendmsg() failed (errno ${errno})`), { errno });
    }
    sent += n;
  }
  return sent;
}

/**
 * Reads what is there on `fd` (blocking unless `nonBlocking`): the bytes, the fds that came with
 * them (close-on-exec), and whether the peer closed. null: nothing to read now.
 */
export function receive(fd: number, nonBlocking: boolean): { bytes: Buffer; fds: number[]; closed: boolean } | null {
  const b = shared();
  for (;;) {
    b.prepare(BUFFER_SIZE, CONTROL_SIZE);
    const n = Number(libc.recvmsg(fd, b.msg, MSG_CMSG_CLOEXEC | (nonBlocking ? MSG_DONTWAIT : 0)));
    if (n < 0) {
      const errno = koffi.errno();
      if (errno === EINTR) continue;
      if (errno === EAGAIN) return null;
      throw Object.assign(new Error(`recvmsg() failed (errno ${errno})`), { errno });
    }
    const fds: number[] = [];
    const controlLen = Number(b.msgView.getBigUint64(40, true));
    if (controlLen >= CMSG_HDR) {
      const c = b.controlView;
      const len = Number(c.getBigUint64(0, true));
      if (c.getInt32(8, true) === SOL_SOCKET && c.getInt32(12, true) === SCM_RIGHTS) {
        for (let i = 0; CMSG_HDR + 4 * (i + 1) <= len; i++) fds.push(c.getInt32(CMSG_HDR + 4 * i, true));
      }
    }
    return { bytes: Buffer.from(b.dataBytes.subarray(0, n)), fds, closed: n === 0 };
  }
}

/** Splits a byte stream into JSON frames; fds are handed out to frames in arrival order. */
export class FrameReader {
  #frames = new Unframer<any>((body) => JSON.parse(body.toString('utf8')), MAX_JSON_FRAME);
  #fds: number[] = [];

  /** Adds received bytes and fds; returns the complete frames, each with the `fds` count it claims. */
  push(bytes: Buffer, fds: number[]): Array<{ message: any; fds: number[] }> {
    if (fds.length) this.#fds.push(...fds);
    const out: Array<{ message: any; fds: number[] }> = [];
    for (const message of this.#frames.messages(bytes)) {
      const n = typeof message?.fds === 'number' ? message.fds : 0;
      out.push({ message, fds: n ? this.#fds.splice(0, n) : [] });
    }
    return out;
  }
}

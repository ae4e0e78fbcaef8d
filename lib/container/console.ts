// The console family: a tty's fds, the console on the caller's terminal, the console ring buffer.
import * as ffi from '../../ffi/index.js';
import { check, int } from '../validate.js';
import { options } from '../options/parse.js';
import { consoleLogOptionsSchema, consoleOptionsSchema } from '../options/console.js';
import { consoleDefaults, consoleLogDefaults } from '../options/console.js';
import type { Handle } from './handle.js';
import { invoke, plain } from '../call/invoke.js';

/** A container tty from consoleGetFd(). */
export interface ConsoleTty {
  /** The pty's controlling side: read what the tty prints, write what it reads. */
  fd: number;
  /** The tty it is (lxc.tty.max numbering). */
  ttynum: number;
  /** liblxc's command socket: the tty stays allocated while it is open. */
  socketFd: number;
  /** Closes both fds (once). */
  close(): void;
}

export function consoleGetFd(h: Handle, tty: unknown): ConsoleTty {
  const op = 'consoleGetFd';
  // ttynum is a C int: a larger number would wrap to another tty.
  const n = check(op, 'tty', int(-1, ffi.INT_MAX), tty);
  const ttynum = new Int32Array([n]);
  const ptx = new Int32Array([-1]);
  const socketFd = invoke(h, op, 'console_getfd', plain, ttynum, ptx);
  if (socketFd < 0) throw h.error('ECONSOLE', op, `no free tty${n >= 0 ? ` ${n}` : ''} (lxc.tty.max may be 0)`);
  const fd = ptx[0];
  let open = true;
  return {
    fd, ttynum: ttynum[0], socketFd,
    close() {
      if (!open) return;
      open = false;
      // Both came from liblxc: closed through libc (fs.closeSync warns in a worker thread).
      for (const f of [fd, socketFd]) ffi.close(f);
    },
  };
}

export async function console(h: Handle, options_: unknown): Promise<void> {
  const op = 'console';
  const o = options(op, 'options', consoleOptionsSchema, options_, consoleDefaults);
  const escape = o.escape!.charCodeAt(0) - 'a'.charCodeAt(0) + 1;
  await invoke(h, op, 'console', { fails: { code: 'ECONSOLE', why: 'liblxc could not attach the console', when: (r) => r !== 0 } },
    o.tty!, o.stdinFd!, o.stdoutFd!, o.stderrFd!, escape);
}

export async function consoleLog(h: Handle, options_: unknown): Promise<string | Buffer> {
  const op = 'consoleLog';
  const o = options(op, 'options', consoleLogOptionsSchema, options_, consoleLogDefaults);
  // liblxc writes data (a buffer it allocates) and read_max back into the struct: it lives in C memory.
  const request = new ffi.ConsoleLogRequest(ffi.types, { clear: o.clear!, read: o.read!, readMax: o.readMax! });
  try {
    // -ENODATA: the ring buffer is there but empty (or was just cleared).
    const { result } = await invoke(h, op, 'console_log', {
      fails: { code: 'ECONSOLE', why: 'no console ring buffer (set lxc.console.buffer.size)', when: (r) => r < 0 && r !== -ffi.ENODATA },
    }, request.ptr);
    const bytes = result === -ffi.ENODATA ? null : request.takeData();
    if (o.encoding === 'buffer') return bytes ?? Buffer.alloc(0);
    return bytes?.toString('utf8') ?? '';
  } finally {
    request.free();
  }
}

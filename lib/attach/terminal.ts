// A command attached from a terminal gets a pseudo-terminal of its own, relayed to the caller's, as
// lxc-attach does. liblxc makes a tty stdin (fd > 0) the attached process's controlling terminal;
// the caller's own terminal cannot be (it belongs to the caller's session: "Failed to attach to
// container", exit 1, no output). A fresh pty can: the command gets job control, and with the
// caller's terminal in raw mode Ctrl-C reaches the command as a byte, never the caller as SIGINT.
import * as libc from '../../ffi/libc.js';
import { fs } from '../runtime.js';
import { EAGAIN, O_CLOEXEC, O_NOCTTY, O_NONBLOCK, O_RDWR, TCSADRAIN, TIOCGPTPEER, TIOCGWINSZ, TIOCSWINSZ } from '../../ffi/libc.js';

const { readSync, writeSync } = fs;

// struct termios is 60 bytes on x86_64/aarch64 glibc.
const TERMIOS_SIZE = 64;

/** Whether `fd` is a terminal. */
export function isTerminal(fd: number): boolean {
  return libc.isatty(fd) === 1;
}

/** Whether this process is in the foreground of terminal `fd` (may read it and change its modes). */
export function inForeground(fd: number): boolean {
  return libc.tcgetpgrp(fd) === libc.getpgrp();
}

// O_NOCTTY on both sides: the pty must stay nobody's controlling terminal until the attached process takes it.
const OPEN_FLAGS = O_RDWR | O_NOCTTY | O_CLOEXEC;

/** A pty of the host's devpts. */
function hostPty(): { controller: number; subsidiary: number } {
  const controller = libc.posix_openpt(OPEN_FLAGS) as number;
  if (controller < 0) throw new Error(`posix_openpt() failed (errno ${libc.koffi.errno()})`);
  try {
    if (libc.grantpt(controller) !== 0 || libc.unlockpt(controller) !== 0) throw new Error('grantpt()/unlockpt() failed');
    const name = Buffer.alloc(128);
    if (libc.ptsname_r(controller, name, name.length) !== 0) throw new Error('ptsname_r() failed');
    const subsidiary = libc.open(name.toString('utf8', 0, name.indexOf(0)), OPEN_FLAGS) as number;
    if (subsidiary < 0) throw new Error(`opening the pty's subsidiary side failed (errno ${libc.koffi.errno()})`);
    return { controller, subsidiary };
  } catch (e) {
    libc.close(controller);
    throw e;
  }
}

/** A pty of the container's own devpts instance (as lxc-attach allocates it), or null. */
function containerPty(devpts: number): { controller: number; subsidiary: number } | null {
  const controller = libc.open(`/proc/self/fd/${devpts}/ptmx`, OPEN_FLAGS) as number;
  if (controller < 0) return null;
  const subsidiary = libc.unlockpt(controller) === 0 ? libc.ioctl_value(controller, TIOCGPTPEER, OPEN_FLAGS) as number : -1;
  if (subsidiary < 0) {
    libc.close(controller);
    return null;
  }
  return { controller, subsidiary };
}

/** A pty whose subsidiary side stands in for the caller's terminal. */
export class TerminalRelay {
  /** The pty's subsidiary side: the attached process's stdio where the caller's was the terminal. */
  readonly subsidiary: number;
  readonly #controller: number;
  readonly #saved = Buffer.alloc(TERMIOS_SIZE);
  #polls: Array<{ close(): void }> = [];
  #raw = false;
  #closed = false;
  readonly #onResize = () => this.#copySize();

  /**
   * `input`: the caller's terminal to read (and make raw); `output`: where the command's output
   * goes; `devpts`: an fd of the container's devpts, so the pty has a name inside the container
   * (else the host's devpts is used, and `tty` in the container says "not a tty").
   */
  constructor(private readonly input: number, private readonly output: number, devpts?: number, private readonly log?: number) {
    const pty = (devpts !== undefined ? containerPty(devpts) : null) ?? hostPty();
    this.subsidiary = pty.subsidiary;
    const controller = pty.controller;
    this.#controller = controller;
    libc.fcntl(controller, 4 /* F_SETFL */, O_RDWR | O_NONBLOCK);
    this.#copySize();
  }

  /** Starts relaying: the caller's terminal goes raw until close(). */
  start(): void {
    if (libc.tcgetattr(this.input, this.#saved) === 0) {
      const raw = Buffer.from(this.#saved);
      libc.cfmakeraw(raw);
      this.#raw = libc.tcsetattr(this.input, TCSADRAIN, raw) === 0;
    }
    process.on('SIGWINCH', this.#onResize);
    const buf = Buffer.alloc(16 * 1024);
    this.#polls.push(libc.koffi.node.poll(this.#controller, { readable: true }, () => this.#drain(buf)));
    this.#polls.push(libc.koffi.node.poll(this.input, { readable: true }, () => {
      let n: number;
      try { n = readSync(this.input, buf, 0, buf.length, null); } catch { return; }
      if (n > 0) this.#write(buf.subarray(0, n));
    }));
  }

  /** Copies what the command wrote to the caller's terminal; false once the pty has hung up. */
  #drain(buf: Buffer): boolean {
    for (;;) {
      let n: number;
      try {
        n = readSync(this.#controller, buf, 0, buf.length, null);
      } catch (e) {
        // EAGAIN: all read; EIO: every holder of the subsidiary side has closed it.
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') return true;
        this.#stopPolling();
        return false;
      }
      if (n <= 0) return true;
      try { writeSync(this.output, buf, 0, n); } catch { /* the caller's terminal went away */ }
      // A copy of the session for AttachOptions.logFd, as liblxc's own terminal writes its log_fd.
      if (this.log !== undefined) try { writeSync(this.log, buf, 0, n); } catch { /* the log went away */ }
    }
  }

  #write(bytes: Buffer): void {
    let off = 0;
    while (off < bytes.length) {
      try {
        off += writeSync(this.#controller, bytes, off, bytes.length - off);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).errno !== -EAGAIN && (e as NodeJS.ErrnoException).code !== 'EAGAIN') return;
      }
    }
  }

  #copySize(): void {
    const size = Buffer.alloc(8);
    const from = isTerminal(this.output) ? this.output : this.input;
    if (libc.ioctl(from, TIOCGWINSZ, size) === 0) libc.ioctl(this.#controller, TIOCSWINSZ, size);
  }

  #stopPolling(): void {
    for (const p of this.#polls) p.close();
    this.#polls = [];
  }

  /** Relays what is left, then puts the caller's terminal back as it was and frees the pty. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#drain(Buffer.alloc(16 * 1024));
    this.#stopPolling();
    process.removeListener('SIGWINCH', this.#onResize);
    if (this.#raw) libc.tcsetattr(this.input, TCSADRAIN, this.#saved);
    // Every fd here came from libc (posix_openpt, open, ioctl): closed there too, as fs.closeSync()
    // of an fd fs did not open warns in a worker thread.
    for (const fd of [this.subsidiary, this.#controller]) libc.close(fd);
  }
}

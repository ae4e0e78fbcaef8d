// A command attached from a terminal gets a pseudo-terminal of its own, relayed to the caller's, as
// lxc-attach does whenever any of fds 0-2 is a terminal: the caller's terminal itself never enters
// the container, where a process could keep it open after the command ended, read what the
// operator types later or (TIOCSTI) type into the operator's shell. liblxc makes a tty stdin
// (fd > 0) the attached process's controlling terminal; the caller's own terminal cannot be (it
// belongs to the caller's session: "Failed to attach to container", exit 1, no output). A fresh
// pty can: the command gets job control, and with the caller's terminal in raw mode Ctrl-C reaches
// the command as a byte, never the caller as SIGINT.
import * as libc from '../../ffi/libc.js';
import { fs } from '../builtins.js';
import { EAGAIN, F_DUPFD_CLOEXEC, F_SETFL, O_CLOEXEC, O_NOCTTY, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY, OPOST, TCSADRAIN, TCSANOW, TERMIOS_CC_OFFSET, TERMIOS_OFLAG_OFFSET, TIOCGPTPEER, VEOF, TIOCGWINSZ, TIOCSWINSZ, WINSIZE_SIZE } from '../../ffi/libc.js';

const { readSync, writeSync, readlinkSync, fstatSync } = fs;

/** Bytes moved per event-loop turn and direction: the relay never holds the event loop longer. */
const CHUNK = 16 * 1024;
/** At close: how long the pty may stay silent before what the command left in it counts as relayed. */
const QUIET_MS = 50;
/** At close: the most time spent relaying what is left (a stalled terminal, a process that keeps writing). */
const FLUSH_MS = 2_000;

type PollHandle = ReturnType<typeof libc.koffi.node.poll>;

// struct termios is 60 bytes on x86_64/aarch64 glibc.
const TERMIOS_SIZE = 64;
/** ptsname_r()'s buffer: "/dev/pts/<n>" needs far less. */
const PTS_NAME_SIZE = 128;
/** The lowest fd number a copy may take: never 0-2, which the caller's stdio may leave free. */
const ABOVE_STDIO = 3;

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
    const name = Buffer.alloc(PTS_NAME_SIZE);
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


/** Whether a read or write failed because it would block. */
function isAgain(e: unknown): boolean {
  const err = e as NodeJS.ErrnoException;
  return err.code === 'EAGAIN' || err.errno === -EAGAIN;
}

/**
 * A description of the caller's terminal of our own, non-blocking (as libuv opens one for
 * process.stdout): O_NONBLOCK on the caller's own fd would change it for every process sharing it
 * (the shell). Anything that is not a named terminal device (a pty's controller side, say, which
 * reopening would replace by a new pty) gets a plain copy of the fd, blocking.
 */
function ownDescription(fd: number, mode: number): number {
  let path = '';
  try { path = readlinkSync(`/proc/self/fd/${fd}`); } catch { /* not a path */ }
  if (/^\/dev\/(pts\/\d+|tty\w*|console)$/.test(path)) {
    const own = libc.open(`/proc/self/fd/${fd}`, mode | O_NOCTTY | O_NONBLOCK | O_CLOEXEC) as number;
    if (own >= 0) {
      try {
        if (fstatSync(own).rdev === fstatSync(fd).rdev) return own;
      } catch { /* compared below as different */ }
      libc.close(own);
    }
  }
  const copy = libc.fcntl(fd, F_DUPFD_CLOEXEC, ABOVE_STDIO) as number;
  if (copy < 0) throw new Error(`copying fd ${fd} failed (errno ${libc.koffi.errno()})`);
  return copy;
}

/**
 * A libuv poll of `fd` for the events wanted now: stopped when none is wanted (one handle per fd,
 * as libuv requires), restarted only when they change.
 */
class Watch {
  #handle: PollHandle | null = null;
  #readable = false;
  #writable = false;
  constructor(private readonly fd: number, private readonly onEvent: () => void) {}

  set(readable: boolean, writable: boolean): void {
    if (readable === this.#readable && writable === this.#writable) return;
    this.#readable = readable;
    this.#writable = writable;
    const cb = (status: number) => {
      // An error (POLLERR) stops the handle in libuv: what it wanted must be asked again.
      if (status < 0) this.#readable = this.#writable = false;
      this.onEvent();
    };
    if (!readable && !writable) this.#handle?.stop();
    else if (this.#handle) this.#handle.start({ readable, writable }, cb as never);
    else this.#handle = libc.koffi.node.poll(this.fd, { readable, writable }, cb as never);
  }

  close(): void {
    this.#handle?.close();
    this.#handle = null;
  }
}

/** A pty whose subsidiary side stands in for the caller's terminal. */
/**
 * Writes what a non-blocking `fd` takes of `bytes`: the rest, or null once all went. EAGAIN (the
 * reader is full, stopped, or ^S'd) keeps the rest for when `fd` polls writable; any other error
 * means the reader went away, and the rest is dropped.
 */
function writeSome(fd: number, bytes: Buffer): Buffer | null {
  try {
    const n = writeSync(fd, bytes);
    return n < bytes.length ? bytes.subarray(n) : null;
  } catch (e) {
    return isAgain(e) ? bytes : null;
  }
}

export class TerminalRelay {
  /** The pty's subsidiary side: the attached process's stdio where the caller's was the terminal. */
  readonly subsidiary: number;
  readonly #controller: number;
  /** The caller's terminal, read (and made raw) only when the command's stdin is relayed. */
  readonly #input: number | null;
  /** Our own descriptions of the caller's terminal (non-blocking), or dups of its fds. */
  readonly #in: number | null;
  readonly #out: number;
  readonly #saved = Buffer.alloc(TERMIOS_SIZE);
  readonly #buf = Buffer.alloc(CHUNK);
  readonly #ctlWatch: Watch;
  readonly #inWatch: Watch | null;
  readonly #outWatch: Watch;
  /** Read from the pty, not yet written to the caller's terminal: the pty is not read meanwhile. */
  #toCaller: Buffer | null = null;
  /** Read from the caller's terminal, not yet taken by the pty: the terminal is not read meanwhile. */
  #toPty: Buffer | null = null;
  #hungUp = false;
  #inputDone = false;
  #raw = false;
  #started = false;
  #closing: Promise<void> | null = null;
  #released = false;
  #finish: (() => void) | null = null;
  #quiet: NodeJS.Timeout | undefined;
  readonly #onResize = () => this.#copySize();

  /**
   * `input`: the caller's terminal to read (and make raw), or null when the command's stdin is not
   * a terminal (its output alone is relayed, the caller's terminal keeps its modes); `output`:
   * where the command's output goes; `devpts`: an fd of the container's devpts, so the pty has a
   * name inside the container (else the host's devpts is used, and `tty` in the container says
   * "not a tty").
   */
  constructor(input: number | null, private readonly output: number, devpts?: number, private readonly log?: number) {
    const pty = (devpts !== undefined ? containerPty(devpts) : null) ?? hostPty();
    this.subsidiary = pty.subsidiary;
    this.#controller = pty.controller;
    this.#input = input;
    libc.fcntl(this.#controller, F_SETFL, O_RDWR | O_NONBLOCK);
    try {
      this.#out = ownDescription(output, O_WRONLY);
      this.#in = input === null ? null : ownDescription(input, O_RDONLY);
    } catch (e) {
      for (const fd of [this.subsidiary, this.#controller]) libc.close(fd);
      throw e;
    }
    this.#ctlWatch = new Watch(this.#controller, () => this.#onController());
    this.#inWatch = this.#in === null ? null : new Watch(this.#in, () => this.#readCaller());
    this.#outWatch = new Watch(this.#out, () => this.#writeCaller());
    // The caller's terminal stays cooked when stdin is not relayed, and does the output processing
    // (\n to \r\n) itself: the pty must not do it a second time.
    if (input === null) {
      const t = Buffer.alloc(TERMIOS_SIZE);
      if (libc.tcgetattr(this.subsidiary, t) === 0) {
        t.writeUInt32LE(t.readUInt32LE(TERMIOS_OFLAG_OFFSET) & ~OPOST, TERMIOS_OFLAG_OFFSET);
        libc.tcsetattr(this.subsidiary, TCSANOW, t);
      }
    }
    this.#copySize();
  }

  /** Starts relaying; with stdin relayed, the caller's terminal goes raw until close(). */
  start(): void {
    if (this.#started || this.#closing) return;
    this.#started = true;
    if (this.#input !== null && libc.tcgetattr(this.#input, this.#saved) === 0) {
      this.#takeCooked();
      const raw = Buffer.from(this.#saved);
      libc.cfmakeraw(raw);
      this.#raw = libc.tcsetattr(this.#input, TCSADRAIN, raw) === 0;
    }
    process.on('SIGWINCH', this.#onResize);
    this.#update();
  }

  /**
   * What the caller's terminal holds, read while it is still cooked: raw, a pending end of file
   * (Ctrl-D, or what `script` sends once its own input ends) would read as a NUL byte that the
   * command's pty echoes as "^@". Whole lines go to the command as typed; an end of file becomes
   * the pty's own end-of-file character, which the pty does not echo.
   */
  #takeCooked(): void {
    const taken: Buffer[] = [];
    for (let i = 0; i < 64; i++) {
      let n: number;
      try {
        n = readSync(this.#in!, this.#buf, 0, this.#buf.length, null);
      } catch {
        break; // EAGAIN: nothing pending; anything else: the relay's own reads will see it
      }
      if (n > 0) taken.push(Buffer.from(this.#buf.subarray(0, n)));
      else {
        const t = Buffer.alloc(TERMIOS_SIZE);
        taken.push(Buffer.of(libc.tcgetattr(this.subsidiary, t) === 0 ? t[TERMIOS_CC_OFFSET + VEOF] : 4));
        break;
      }
    }
    if (taken.length) this.#toPty = Buffer.concat(taken);
  }

  /**
   * (Re)arms the three polls from the state: the pty is read only while nothing read from it
   * waits for the caller's terminal, the caller's terminal only while nothing read from it waits
   * for the pty. A full destination stops its source; its writability resumes it.
   */
  #update(): void {
    const closing = this.#closing !== null;
    if (this.#released) return;
    this.#ctlWatch.set(!this.#hungUp && this.#toCaller === null, !this.#hungUp && this.#toPty !== null);
    this.#inWatch?.set(!closing && !this.#inputDone && this.#toPty === null, false);
    this.#outWatch.set(false, this.#toCaller !== null);
  }

  #onController(): void {
    if (this.#toPty !== null) this.#writePty();
    if (this.#toCaller === null && !this.#hungUp) this.#readPty();
    this.#update();
  }

  /** One chunk from the pty to the caller's terminal (one per turn of the event loop). */
  #readPty(): void {
    let n: number;
    try {
      n = readSync(this.#controller, this.#buf, 0, this.#buf.length, null);
    } catch (e) {
      // EAGAIN: nothing more for now; EIO: every holder of the subsidiary side has closed it.
      if (isAgain(e)) return this.#idle();
      this.#hungUp = true;
      return this.#done();
    }
    if (n <= 0) {
      this.#hungUp = true;
      return this.#done();
    }
    clearTimeout(this.#quiet);
    const bytes = this.#buf.subarray(0, n);
    // A copy of the session for AttachOptions.logFd, as liblxc's own terminal writes its log_fd.
    if (this.log !== undefined) try { writeSync(this.log, bytes); } catch { /* the log went away */ }
    this.#toCaller = Buffer.from(bytes);
    this.#writeCaller();
  }

  #writeCaller(): void {
    if (this.#toCaller === null) return;
    this.#toCaller = writeSome(this.#out, this.#toCaller);
    // Closing: all read so far is out; the quiet period starts again (a read clears it).
    if (this.#toCaller === null) {
      if (this.#hungUp) this.#done();
      else this.#idle();
    }
    this.#update();
  }

  /** One chunk from the caller's terminal to the pty. */
  #readCaller(): void {
    let n: number;
    try {
      n = readSync(this.#in!, this.#buf, 0, this.#buf.length, null);
    } catch (e) {
      if (isAgain(e)) return;
      n = 0;
    }
    // End of file or an error (the caller's terminal hung up): nothing more to relay that way.
    if (n <= 0) this.#inputDone = true;
    else {
      this.#toPty = Buffer.from(this.#buf.subarray(0, n));
      this.#writePty();
    }
    this.#update();
  }

  #writePty(): void {
    if (this.#toPty !== null) this.#toPty = writeSome(this.#controller, this.#toPty);
  }

  #copySize(): void {
    const size = Buffer.alloc(WINSIZE_SIZE);
    const from = isTerminal(this.output) ? this.output : this.#input ?? this.output;
    if (libc.ioctl(from, TIOCGWINSZ, size) === 0) libc.ioctl(this.#controller, TIOCSWINSZ, size);
  }

  /** While closing: nothing to read right now; done if nothing comes for a moment. */
  #idle(): void {
    if (this.#closing === null) return;
    clearTimeout(this.#quiet);
    this.#quiet = setTimeout(() => this.#done(), QUIET_MS);
  }

  /** While closing: the end of the relay once what the command wrote is on the caller's terminal. */
  #done(): void {
    if (this.#closing !== null && this.#toCaller === null) this.#finish?.();
  }

  /**
   * Relays what the command left in the pty, then puts the caller's terminal back as it was and
   * frees the pty: a process left in the container with the pty open then holds a hung-up
   * terminal, never the caller's. Bounded: at most FLUSH_MS, so a stalled terminal or a process
   * that keeps writing cannot hold it up.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    let resolve!: () => void;
    this.#closing = new Promise<void>((r) => (resolve = r));
    // Ours closed: once nobody in the container holds the pty, reading it ends with EIO.
    libc.close(this.subsidiary);
    this.#toPty = null;
    if (!this.#started) {
      this.#release();
      resolve();
      return this.#closing;
    }
    const deadline = setTimeout(() => this.#finish?.(), FLUSH_MS);
    this.#finish = () => {
      this.#finish = null;
      clearTimeout(deadline);
      clearTimeout(this.#quiet);
      this.#release();
      resolve();
    };
    this.#idle();
    if (this.#hungUp) this.#done();
    else this.#update();
    return this.#closing;
  }

  #release(): void {
    this.#released = true;
    for (const w of [this.#ctlWatch, this.#inWatch, this.#outWatch]) w?.close();
    process.removeListener('SIGWINCH', this.#onResize);
    if (this.#raw) libc.tcsetattr(this.#input!, TCSADRAIN, this.#saved);
    // Every fd here came from libc (posix_openpt, open, ioctl, fcntl): closed there too, as
    // fs.closeSync() of an fd fs did not open warns in a worker thread.
    for (const fd of [this.#controller, this.#out, this.#in]) if (fd !== null) libc.close(fd);
  }
}

// Options of `console()` and `consoleLog()`.

/** Options of `console()`. */
export interface ConsoleOptions {
  /** The tty to connect. Default -1: the first free one. */
  tty?: number;
  /** fds to use instead of the caller's terminal. Default 0, 1, 2. */
  stdinFd?: number;
  stdoutFd?: number;
  stderrFd?: number;
  /** The escape letter: Ctrl-<escape> q ends the session. Default 'a'. */
  escape?: string;
}

export const consoleDefaults = { tty: -1, stdinFd: 0, stdoutFd: 1, stderrFd: 2, escape: 'a' } as const;

/** Options of `consoleLog()`. */
export interface ConsoleLogOptions {
  /** Return the ring buffer's contents. Default true. */
  read?: boolean;
  /** Empty the ring buffer. Default false. */
  clear?: boolean;
  /** Read at most this many bytes. Default 1 MiB. */
  readMax?: number;
}

export const consoleLogDefaults = { read: true, clear: false, readMax: 1024 * 1024 } as const;

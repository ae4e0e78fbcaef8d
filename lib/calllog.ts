// Captures liblxc's log lines for one call on one container: liblxc writes ERROR lines to the
// container's log fd, which we open on a scratch file for the call (or tap the user's lxc.log.file).
import { fs } from './builtins.js';
import { scratchFile } from './scratch.js';
import { sessionLog, linesOf } from './logging.js';

const { openSync, readSync, closeSync, statSync, unlinkSync } = fs;

/** The hooks calllog needs from a container: read, set and clear one config item. */
export interface LogTarget {
  /** The container's name, which picks its lines out of a session log. */
  name: string;
  getItem(key: string): string;
  setItem(key: string, value: string): boolean;
  clearItem(key: string): boolean;
}

/** Where one call's log lines go, and how to read them back. */
export class CallLog {
  private readonly own: boolean;
  private path: string;
  private readonly start: number;

  constructor(private readonly target: LogTarget) {
    // With a session log (logInit) liblxc writes every line there and nowhere else.
    const user = sessionLog()?.file ?? target.getItem('lxc.log.file');
    this.own = !user;
    this.path = user || scratchFile('.log');
    this.start = this.own ? 0 : sizeOf(this.path);
    // Setting the key opens the container's log fd; clearing it at once takes the line out of the
    // in-memory config but leaves that fd open. So the call's lines still reach our file, while a
    // save, a clone, a snapshot or a rename made during the call never writes our path into a config.
    if (this.own) {
      if (!target.setItem('lxc.log.file', this.path)) this.path = '';
      target.clearItem('lxc.log.file');
    }
  }

  /** Stops capturing and returns the lines written since construction. */
  finish(): string[] {
    if (!this.path) return [];
    const text = readFrom(this.path, this.start);
    if (this.own) {
      try { unlinkSync(this.path); } catch { /* never created: nothing was logged */ }
    }
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const session = sessionLog();
    return session ? linesOf(lines, this.target.name, session) : lines;
  }
}

function sizeOf(path: string): number {
  try { return statSync(path).size; } catch { return 0; }
}

function readFrom(path: string, offset: number): string {
  let fd: number;
  try { fd = openSync(path, 'r'); } catch { return ''; }
  try {
    const size = statSync(path).size - offset;
    if (size <= 0) return '';
    // The tail is what explains a failure; cap what is read from a long-lived user log.
    const len = Math.min(size, 256 * 1024);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, offset + size - len);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

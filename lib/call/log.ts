// Captures liblxc's log lines for one call on one container: liblxc writes ERROR lines to the
// container's log fd, which we open on a scratch file for the call (or tap the user's lxc.log.file).
import { fs } from '../builtins.js';
import { scratchFile } from '../scratch.js';
import { sessionLog, linesOf } from '../logging.js';
import { logLines, sizeOf, tailFile } from '../proc/logtail.js';

const { unlinkSync } = fs;

/** The hooks CallLog needs from a container: read, set and clear one config item. */
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
    // The tail is what explains a failure: at most the last 256 KiB of a long-lived user log.
    const lines = logLines(tailFile(this.path, this.start));
    if (this.own) {
      try { unlinkSync(this.path); } catch { /* never created: nothing was logged */ }
    }
    const session = sessionLog();
    return session ? linesOf(lines, this.target.name, session) : lines;
  }
}

// liblxc's log lines of the calls made on one of a runner's structs. The struct's log fd is opened
// once on a scratch file and kept for the struct's life: opening, reading and removing a file for
// every call cost ≈ 0.1 ms of each call's ≈ 0.25 ms in the runner. Each call reads what was appended
// since the one before. The caller's own process captures its calls with CallLog (lib/call/log.ts).
import { fs } from '../builtins.js';
import { scratchFile } from '../scratch.js';
import { sessionLog, linesOf } from '../logging.js';
import { logLines, readFrom } from '../proc/logtail.js';

const { openSync, closeSync, fstatSync, ftruncateSync, unlinkSync } = fs;

/** A long-lived log is emptied past this size (the lines read are all that matter). */
const TRUNCATE_AT = 1 << 20;

/** The config items StructLog needs from its struct. */
export interface LogItems {
  /** The container's name, which picks its lines out of a session log. */
  name: string;
  get(key: string): string;
  set(key: string, value: string): boolean;
  clear(key: string): boolean;
  /** The struct's config (struct lxc_conf *), whose log fd this is: a new config has none open. */
  conf(): unknown;
}

/** The log capture of one struct lxc_container in a runner. */
export class StructLog {
  #path = '';
  #fd = -1;
  #offset = 0;
  /** Whether the file is ours (a scratch file) rather than the container's own lxc.log.file. */
  #own = false;
  /** The config whose log fd was pointed at our file. */
  #conf: unknown = null;

  constructor(private readonly items: LogItems) {
    this.open();
  }

  /**
   * Points the struct's log at a new file: at first, after its config was replaced, and after a
   * call that leaves a process holding the old fd (start's monitor keeps logging to it).
   */
  open(): void {
    this.close();
    // With a session log (logInit) liblxc writes every line there and nowhere else.
    const user = sessionLog()?.file ?? this.items.get('lxc.log.file');
    this.#own = !user;
    this.#path = user || scratchFile('.log');
    this.#conf = null;
    if (this.#own) {
      // Setting the key opens the struct's log fd; clearing it keeps our path out of any config
      // the struct saves, clones or snapshots, while the fd stays open (lib/call/log.ts says why).
      const set = this.items.set('lxc.log.file', this.#path);
      this.items.clear('lxc.log.file');
      if (!set) {
        this.#path = '';
        return;
      }
    }
    this.#conf = this.items.conf();
    try {
      this.#fd = openSync(this.#path, this.#own ? 'r+' : 'r');
      this.#offset = fstatSync(this.#fd).size;
    } catch {
      this.#fd = -1;
    }
  }

  /** Before a call: opens the capture again if the struct's config was replaced since (clear_config, a reload). */
  ready(): void {
    if (this.items.conf() !== this.#conf) this.open();
  }

  /** The lines written since the last read (at most the last 256 KiB of them). */
  read(): string[] {
    if (this.#fd < 0) return [];
    // Only the owner of the container's own file may have truncated it: ours is truncated here.
    const { bytes, next } = readFrom(this.#fd, this.#offset, undefined, !this.#own);
    this.#offset = next;
    if (bytes.length === 0) return [];
    // liblxc appends (O_APPEND), so after emptying the file its next line lands at offset 0.
    if (this.#own && this.#offset > TRUNCATE_AT) {
      ftruncateSync(this.#fd, 0);
      this.#offset = 0;
    }
    const lines = logLines(bytes);
    const session = sessionLog();
    return session ? linesOf(lines, this.items.name, session) : lines;
  }

  /** Stops reading; our scratch file is removed (the struct's own fd closes with the struct). */
  close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
    if (this.#own && this.#path) {
      try { unlinkSync(this.#path); } catch { /* never created */ }
    }
    this.#path = '';
  }
}

// liblxc's log lines of the calls made on one of a runner's structs. The struct's log fd is opened
// once on a scratch file and kept for the struct's life: opening, reading and removing a file for
// every call cost ≈ 0.1 ms of each call's ≈ 0.25 ms in the runner. Each call reads what was appended
// since the one before. The caller's own process captures its calls with CallLog (lib/call/log.ts).
//
// An attach forks this process into the container, where its child holds every fd of ours until it
// executes; a container's root can open them through /proc/<pid>/fd meanwhile. So before an attach
// no scratch file is open here: liblxc's fd on each is pointed at the capture pipe (hide()), and the
// attach's lines are read from that pipe. The files come back before the struct's next other call.
import * as ffi from '../../ffi/index.js';
import { F_SETPIPE_SZ, O_APPEND, O_CLOEXEC, O_NONBLOCK, O_RDONLY, O_WRONLY } from '../../ffi/libc.js';
import { fs } from '../builtins.js';
import { scratchFile } from '../scratch.js';
import { sessionLog, linesOf } from '../logging.js';
import { TAIL_MAX, logLines, readFrom } from '../proc/logtail.js';

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

/** A pipe shared by a runner's hidden logs: lines written while hidden land here (never blocking liblxc). */
class CapturePipe {
  readonly read: number;
  readonly write: number;
  /** Its inode: how a hidden fd is known to be still ours (liblxc may have closed and reused it). */
  readonly ino: number;
  #buf = Buffer.allocUnsafe(64 * 1024);

  constructor() {
    const ends = new Int32Array(2);
    if (ffi.pipe2(ends, O_CLOEXEC | O_NONBLOCK) !== 0) throw new Error(`pipe2() failed (errno ${koffiErrno()})`);
    [this.read, this.write] = ends;
    // Room for a traced attach's lines (64 KiB by default); a full pipe drops lines, never blocks.
    ffi.fcntl(this.write, F_SETPIPE_SZ, 1 << 20);
    this.ino = fstatSync(this.read).ino;
  }

  /** What the pipe holds (at most its last 256 KiB). */
  drain(): Buffer {
    const chunks: Buffer[] = [];
    let kept = 0;
    for (;;) {
      // libc's read: an empty pipe's EAGAIN is -1 here, not a thrown error (the usual case).
      const got = Number(ffi.read(this.read, this.#buf, this.#buf.length));
      if (got <= 0) break;
      chunks.push(Buffer.from(this.#buf.subarray(0, got)));
      kept += got;
      while (kept - chunks[0].length >= TAIL_MAX) kept -= chunks.shift()!.length;
    }
    const bytes = Buffer.concat(chunks, kept);
    return bytes.length > TAIL_MAX ? bytes.subarray(bytes.length - TAIL_MAX) : bytes;
  }
}

const koffiErrno = (): number => ffi.koffi.errno() as number;
let capture: CapturePipe | null = null;

/** The log capture of one struct lxc_container in a runner. */
export class StructLog {
  #path = '';
  #fd = -1;
  #offset = 0;
  /** Whether the file is ours (a scratch file) rather than the container's own lxc.log.file. */
  #own = false;
  /** The config whose log fd was pointed at our file. */
  #conf: unknown = null;
  /** liblxc's own fd on our file (the config's logfd), -1 when not found. */
  #lib = -1;
  /** Whether #lib points at the capture pipe (and #fd is closed) rather than our file. */
  #hidden = false;

  constructor(private readonly items: LogItems) {
    this.open();
  }

  /**
   * Points the struct's log at a new file: at first, after its config was replaced, and after a
   * call that leaves a process holding the old fd (start's monitor keeps logging to it).
   */
  open(): void {
    const before = this.#lib;
    this.close();
    // With a session log (logInit) liblxc writes every line there and nowhere else.
    const user = sessionLog()?.file ?? this.items.get('lxc.log.file');
    this.#own = !user;
    this.#path = user || scratchFile('.log');
    this.#conf = null;
    // liblxc's fd will be the lowest free number, or the one it closes first (its previous fd).
    const probe = ffi.open('/dev/null', O_RDONLY | O_CLOEXEC) as number;
    if (probe >= 0) ffi.close(probe);
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
      const st = fstatSync(this.#fd);
      this.#offset = st.size;
      if (this.#own) this.#lib = [probe, before].find((fd) => fd >= 0 && fd !== this.#fd && sameFile(fd, st)) ?? -1;
    } catch {
      this.#fd = -1;
    }
  }

  /**
   * Before a call: opens the capture again if the struct's config was replaced since (clear_config,
   * a reload); a hidden log comes back unless `attaching` (another attach) keeps it hidden.
   */
  ready(attaching = false): void {
    if (this.items.conf() !== this.#conf) this.open();
    else if (this.#hidden && !attaching) this.#show();
  }

  /**
   * Before an attach: no fd of ours on the file stays open in this process, and liblxc's writes on
   * this struct go to the capture pipe. A file that is not ours (lxc.log.file, logInit) stays open,
   * as it does in any program that attaches with it set.
   */
  hide(): void {
    if (this.#hidden || !this.#own || this.#lib < 0 || this.#fd < 0) return;
    if (!sameFile(this.#lib, fstatSync(this.#fd))) {
      // liblxc closed its fd (destroy does): nothing of ours is left but the reading fd.
      this.#lib = -1;
      return;
    }
    capture ??= new CapturePipe();
    if ((ffi.dup3(capture.write, this.#lib, O_CLOEXEC) as number) < 0) return;
    closeSync(this.#fd);
    this.#fd = -1;
    this.#hidden = true;
  }

  /** The file again, where the pipe was (only if that fd is still the pipe: liblxc may have closed it since). */
  #show(): void {
    this.#hidden = false;
    let still = false;
    try {
      still = fstatSync(this.#lib).ino === capture!.ino;
    } catch { /* closed */ }
    if (!still) {
      this.open();
      return;
    }
    const fd = ffi.open(this.#path, O_WRONLY | O_APPEND | O_CLOEXEC) as number;
    if (fd < 0) {
      this.open();
      return;
    }
    ffi.dup3(fd, this.#lib, O_CLOEXEC);
    ffi.close(fd);
    this.#fd = openSync(this.#path, 'r+');
  }

  /** The lines written since the last read (at most the last 256 KiB of them). */
  read(): string[] {
    let bytes: Buffer;
    if (this.#hidden) bytes = capture!.drain();
    else {
      if (this.#fd < 0) return [];
      // Only the owner of the container's own file may have truncated it: ours is truncated here.
      const tail = readFrom(this.#fd, this.#offset, undefined, !this.#own);
      bytes = tail.bytes;
      this.#offset = tail.next;
    }
    if (bytes.length === 0) return [];
    // liblxc appends (O_APPEND), so after emptying the file its next line lands at offset 0.
    if (this.#own && !this.#hidden && this.#offset > TRUNCATE_AT) {
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
    this.#lib = -1;
    this.#hidden = false;
    if (this.#own && this.#path) {
      try { unlinkSync(this.#path); } catch { /* never created */ }
    }
    this.#path = '';
  }
}

/** Whether fd is open on the file `st` describes. */
function sameFile(fd: number, st: { dev: number; ino: number }): boolean {
  try {
    const other = fstatSync(fd);
    return other.dev === st.dev && other.ino === st.ino;
  } catch {
    return false;
  }
}

// The download template's phases, read from the lines it prints (lxc-download of LXC 3.0 to 6.0),
// and byte counts read from /proc: the template runs `wget -q -O FILE` (no progress of its own) and
// `tar -xpJf ARCHIVE`, so the size of FILE and the read offset of ARCHIVE are what can be had.
import { fs } from '../builtins.js';
import type { CreateEvent, CreatePhase } from '../options.js';

const { readdirSync, readFileSync, readlinkSync, statSync, realpathSync } = fs;

// How often /proc is read while a phase with a byte count runs: ≈ 30 µs of syscalls a time.
const POLL_MS = 100;

const PHASE_LINES: Array<[RegExp, CreatePhase]> = [
  [/^Downloading the image index$/, 'index'],
  [/^Downloading the rootfs$/, 'download'],
  [/^Downloading the metadata$/, 'metadata'],
  [/^Using image from local cache$/, 'cache'],
  [/^Unpacking the rootfs$/, 'unpack'],
];

/**
 * The download template's DOWNLOAD_MODE for a create by this process (its in_userns()): 'user' when
 * it runs in a user namespace, as a normal user's template always does and root's does inside an
 * unprivileged container; it then asks for index-user and reads the cache's NAME-user files.
 *
 * @example
 * downloadMode() // 'system' for root on the host
 */
export function downloadMode(): 'system' | 'user' {
  if (process.getuid?.() !== 0) return 'user';
  const first = (read('/proc/self/uid_map') ?? '0 0 4294967295').trim().split('\n')[0].trim().split(/\s+/).join(' ');
  return first === '0 0 4294967295' ? 'system' : 'user';
}

/** Where lxc-download keeps the rootfs of an image (its LXC_CACHE_PATH logic, system mode). */
export function cachedRootfs(env: Record<string, string>, image: { dist: string; release: string; arch: string; variant?: string }): string {
  // The template caches under $HOME only in a user namespace, where liblxc runs it unprivileged.
  const base = env.LXC_CACHE_PATH ?? (process.getuid?.() === 0 ? '/var/cache/lxc/' : `${env.HOME ?? ''}/.cache/lxc/`);
  return `${base}/download/${image.dist}/${image.release}/${image.arch}//${image.variant ?? 'default'}/rootfs.tar.xz`;
}

/** Every process below `pid`, through /proc/PID/task/TID/children. */
function descendants(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      let kids: string;
      try {
        kids = readFileSync(`/proc/${p}/task/${t}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const k of kids.split(' ')) {
        if (!k.trim()) continue;
        out.push(Number(k));
        stack.push(Number(k));
      }
    }
  }
  return out;
}

function read(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function sizeOf(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}

/** The read offset of `file` in any of `pids`, from /proc/PID/fdinfo. */
function offsetIn(pids: number[], file: string): number | null {
  for (const p of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${p}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${p}/fd/${fd}`) !== file) continue;
      } catch {
        continue;
      }
      const pos = /^pos:\s*(\d+)/m.exec(read(`/proc/${p}/fdinfo/${fd}`) ?? '');
      if (pos) return Number(pos[1]);
    }
  }
  return null;
}

/** Follows one run of the download template: phase events from its stdout lines, byte counts from /proc. */
export class DownloadPhases {
  #phase: CreatePhase | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** The file wget writes in this phase, once seen on its command line. */
  #target: string | null = null;
  #bytes = -1;
  #archive: string | null = null;
  #sawTar = false;
  /** Phases a count was given for. */
  #counted = new Set<CreatePhase>();

  /**
   * @param root the pid whose descendants run the template (the create worker's); undefined while no one iterates (no /proc reads)
   * @param rootfs where the template caches the rootfs archive it then unpacks (cachedRootfs())
   */
  constructor(private readonly push: (ev: CreateEvent) => void, private readonly root: () => number | undefined, private readonly rootfs: string) {}

  /** One stdout line of the template. */
  line(text: string): void {
    if (text === 'The image cache is now ready') {
      // A download too quick for a poll to see wget: its size once it is in the cache.
      const size = sizeOf(this.rootfs);
      if (size !== null && !this.#counted.has('download')) this.#count('download', size);
      return;
    }
    const hit = PHASE_LINES.find(([re]) => re.test(text));
    if (hit) this.#enter(hit[1]);
    // The template prints nothing more until configuration is done (then its create-message).
    else if (this.#phase === 'unpack') this.#configure();
  }

  /** The template is over; `completed`: it succeeded, so an unpack seen running was followed by configuration. */
  stop(completed = false): void {
    if (completed && this.#phase === 'unpack') this.#configure();
    this.#halt();
  }

  #halt(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Unpacking is over: its last count (the whole archive), then the configure phase. */
  #configure(): void {
    const total = sizeOf(this.rootfs);
    if (total !== null && this.#bytes !== total) this.#count('unpack', total, total);
    this.#enter('configure');
  }

  #enter(phase: CreatePhase): void {
    this.#finish();
    this.#phase = phase;
    this.#target = null;
    this.#bytes = -1;
    this.push({ type: 'phase', phase });
    this.#halt();
    if (phase === 'download' || phase === 'metadata' || phase === 'unpack') {
      this.#timer = setInterval(() => this.#poll(), POLL_MS);
      this.#timer.unref();
    }
  }

  /** The last count of the phase that ends (the poll may not have seen its end). */
  #finish(): void {
    if ((this.#phase === 'download' || this.#phase === 'metadata') && this.#target) {
      const size = sizeOf(this.#target);
      if (size !== null && size !== this.#bytes) {
        this.#count(this.#phase, size);
      }
    }
  }

  #count(phase: CreatePhase, bytes: number, total?: number): void {
    this.#bytes = bytes;
    this.#counted.add(phase);
    this.push(total === undefined ? { type: 'bytes', phase, bytes } : { type: 'bytes', phase, bytes, total });
  }

  #poll(): void {
    const pid = this.root();
    if (pid === undefined) return;
    const procs = descendants(pid).map((p) => ({ pid: p, comm: (read(`/proc/${p}/comm`) ?? '').trim() }));
    if (this.#phase === 'download' || this.#phase === 'metadata') {
      const wget = procs.find((p) => p.comm === 'wget');
      if (wget && !this.#target) {
        const argv = (read(`/proc/${wget.pid}/cmdline`) ?? '').split('\0');
        const i = argv.indexOf('-O');
        if (i >= 0 && argv[i + 1]) this.#target = argv[i + 1];
      }
      const size = this.#target ? sizeOf(this.#target) : null;
      if (size !== null && size !== this.#bytes) {
        this.#count(this.#phase, size);
      }
    } else if (this.#phase === 'unpack') {
      const tar = procs.filter((p) => p.comm === 'tar' || p.comm === 'xz');
      if (tar.length) this.#sawTar = true;
      // tar has ended (or the template is past it): the rest is sed on config and file templates.
      if ((this.#sawTar && !tar.length) || procs.some((p) => p.comm === 'sed')) {
        this.#configure();
        return;
      }
      if (!tar.length) return;
      try {
        this.#archive ??= realpathSync(this.rootfs);
      } catch {
        return;
      }
      const total = sizeOf(this.#archive);
      const pos = offsetIn(tar.map((p) => p.pid), this.#archive);
      if (pos !== null && total !== null && pos !== this.#bytes) {
        this.#count('unpack', pos, total);
      }
    }
  }
}

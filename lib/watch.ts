// lxc.watch(): the state changes of the containers of an lxcpath, as liblxc's own monitor channel
// reports them (what lxc-monitor reads), not by polling. Each container's monitor writes a
// struct lxc_msg to the FIFO of its lxcpath; lxc-monitord relays them to the clients of an
// abstract unix socket named after the lxcpath (lxc_monitor_sock_name in monitor.c). lxc-ffi
// connects to that socket, starting lxc-monitord first when nobody has (lxc_monitord_spawn); it
// exits by itself 30 s after its last client leaves.
import { EventEmitter, once } from 'node:events';
import type { Socket } from 'node:net';
import * as ffi from '../ffi/index.js';
import { builtins, fs } from './builtins.js';
import { LxcError } from './errors.js';
import { states, type ContainerState } from './options/lifecycle.js';
import { watchOptionsSchema, type WatchOptions } from './options/global.js';
import { options as optionsOf } from './options/parse.js';
import type { ExitStatus } from './proc/exit.js';

// The wait-status decoding (lib/proc/exit.ts), loaded by the first Watcher before it listens: not at import.
let exitModule: Promise<typeof import('./proc/exit.js')> | undefined;
let exitCodes: typeof import('./proc/exit.js') | undefined;

/** One state change of one container. */
export interface StateChange {
  /** The container's name. */
  name: string;
  /** The state it entered. */
  state: ContainerState;
}

/** How one container's init ended, as its monitor reported it (sent just before STOPPED). */
export interface ContainerExit extends ExitStatus {
  /** The container's name. */
  name: string;
}

export type { WatchOptions } from './options/global.js';

// struct lxc_msg: lxc_msg_type_t type; char name[NAME_MAX + 1]; int value.
const MSG_SIZE = 4 + 256 + 4;
// lxc_msg_type_t (monitor.h).
const LXC_MSG_STATE = 0;
const LXC_MSG_EXIT_CODE = 2;

/** FNV-1a, 64 bits, as liblxc hashes the monitor socket's name. */
function fnv1a64(bytes: Buffer): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h;
}

/** The abstract socket lxc-monitord listens on for `lxcpath` (without its leading NUL). */
export function monitorSocketName(lxcpath: string): string {
  const hash = fnv1a64(Buffer.from(`lxc/${lxcpath}/monitor-sock`)).toString(16).padStart(16, '0');
  // sun_path is 108 bytes; liblxc keeps 105 meaningful characters after the '@'.
  return Buffer.from(`lxc/${hash}/${lxcpath}`).subarray(0, 105).toString();
}

let monitordPath: string | null | undefined;

/** LXC_MONITORD_PATH of the loaded liblxc: compiled in, read from the library file. */
function monitord(): string | null {
  if (monitordPath !== undefined) return monitordPath;
  monitordPath = ffi.liblxcPath('lxc-monitord')
    ?? ['/usr/libexec/lxc/lxc-monitord', '/usr/lib/x86_64-linux-gnu/lxc/lxc-monitord', '/usr/lib/lxc/lxc-monitord'].find((p) => fs.existsSync(p)) ?? null;
  return monitordPath;
}

/**
 * A stream on the abstract unix socket `name`, connected with the exact address length liblxc
 * binds it with (offsetof(sun_path) + 1 + strlen): Node's own connect() pads the name with NULs,
 * which names another socket.
 */
function connect(name: string): Socket {
  const bytes = Buffer.from(name);
  const addr = Buffer.alloc(2 + 1 + bytes.length);
  addr.writeUInt16LE(ffi.AF_UNIX, 0);
  bytes.copy(addr, 3);
  const fd = ffi.socket(ffi.AF_UNIX, ffi.SOCK_STREAM | ffi.SOCK_CLOEXEC, 0) as number;
  if (fd < 0) throw new Error(`socket() failed (errno ${ffi.koffi.errno()})`);
  if (ffi.connect(fd, addr, addr.length) !== 0) {
    const errno = ffi.koffi.errno();
    ffi.close(fd);
    throw Object.assign(new Error(`connect(@${name}) failed (errno ${errno})`), { errno });
  }
  return new builtins.net.Socket({ fd, readable: true, writable: false });
}

/** Starts lxc-monitord for `lxcpath` and waits until its socket is there (it writes a byte, as liblxc's spawn waits for). */
async function startMonitord(lxcpath: string): Promise<void> {
  const path = monitord();
  if (!path) throw new LxcError('ENOTSUP', `watch: lxc-monitord is not installed next to liblxc ${ffi.versionString}`, { op: 'watch' });
  const child = builtins.childProcess.spawn(path, [lxcpath, '3'], { detached: true, stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  child.unref();
  const ready = child.stdio[3] as Socket;
  await Promise.race([
    new Promise<void>((resolve) => { ready.once('data', () => resolve()); ready.once('end', () => resolve()); ready.once('close', () => resolve()); }),
    once(child, 'error').then(([e]) => { throw e; }),
  ]);
  ready.destroy();
}

/**
 * The state changes of the containers of an lxcpath as they happen: an async iterator of
 * `{ name, state }`, also an EventEmitter ('change', 'exit', 'error', 'end'). 'exit' gives how a
 * container's init ended (`{ name, exitCode }` or `{ name, exitCode: null, signal }`), just before
 * its STOPPED. Fed by liblxc's monitor channel; lxc-monitord is started for the lxcpath when no one has. Ends with `close()` or the signal.
 *
 * @example
 * for await (const { name, state } of lxc.watch({ names: ['web'], signal })) console.log(name, state);
 */
export class Watcher extends EventEmitter implements AsyncIterableIterator<StateChange> {
  #socket: Socket | null = null;
  #queue: StateChange[] = [];
  #waiting: Array<{ resolve: (r: IteratorResult<StateChange>) => void; reject: (e: unknown) => void }> = [];
  #buffer: Buffer = Buffer.alloc(0);
  #ended = false;
  #iterating = false;
  #failure: unknown = null;
  readonly #names: Set<string> | null;
  readonly #abort = () => this.close();
  /** Resolves once the watcher listens (state changes from then on are reported). */
  readonly ready: Promise<void>;

  /** The lxcpath whose containers are watched. */
  readonly lxcpath: string;

  constructor(lxcpath: string, names: string[] | undefined, private readonly signal?: AbortSignal) {
    super();
    this.lxcpath = lxcpath;
    this.#names = names ? new Set(names) : null;
    signal?.addEventListener('abort', this.#abort, { once: true });
    this.ready = this.#open();
    this.ready.catch((e: unknown) => this.#fail(e));
    if (signal?.aborted) this.close();
  }

  async #open(): Promise<void> {
    exitCodes ??= await (exitModule ??= import('./proc/exit.js'));
    const name = monitorSocketName(this.lxcpath);
    let socket: Socket;
    try {
      socket = connect(name);
    } catch {
      await startMonitord(this.lxcpath);
      socket = connect(name);
    }
    if (this.#ended) {
      socket.destroy();
      return;
    }
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#data(chunk));
    socket.on('error', (e) => this.#fail(e));
    socket.on('close', () => this.close());
  }

  #data(chunk: Buffer): void {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    while (this.#buffer.length >= MSG_SIZE) {
      const msg = this.#buffer.subarray(0, MSG_SIZE);
      this.#buffer = this.#buffer.subarray(MSG_SIZE);
      const type = msg.readInt32LE(0);
      if (type !== LXC_MSG_STATE && type !== LXC_MSG_EXIT_CODE) continue;
      const nameBytes = msg.subarray(4, 260);
      const end = nameBytes.indexOf(0);
      const name = nameBytes.toString('utf8', 0, end < 0 ? nameBytes.length : end);
      if (this.#names && !this.#names.has(name)) continue;
      if (type === LXC_MSG_EXIT_CODE) {
        this.emit('exit', { name, ...exitCodes!.exitStatus(exitCodes!.fromWaitStatus(msg.readInt32LE(260))) } satisfies ContainerExit);
        continue;
      }
      const state = states[msg.readInt32LE(260)];
      if (!state) continue;
      this.#push({ name, state });
    }
  }

  #push(change: StateChange): void {
    this.emit('change', change);
    const w = this.#waiting.shift();
    if (w) w.resolve({ value: change, done: false });
    // Kept for an iteration only: a watcher used through 'change' events alone keeps nothing.
    else if (this.#iterating) this.#queue.push(change);
  }

  #fail(e: unknown): void {
    if (this.#ended) return;
    this.#failure = new LxcError('ENOTSUP', `watch "${this.lxcpath}": ${(e as Error).message}`, { op: 'watch', lxcpath: this.lxcpath, cause: e });
    if (this.listenerCount('error')) this.emit('error', this.#failure);
    for (const w of this.#waiting.splice(0)) w.reject(this.#failure);
    this.close();
  }

  /** Stops watching: the iterator finishes once the changes already received are read. */
  close(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.signal?.removeEventListener('abort', this.#abort);
    this.#socket?.destroy();
    this.#socket = null;
    for (const w of this.#waiting.splice(0)) w.resolve({ value: undefined, done: true });
    this.emit('end');
  }

  /**
   * The next state change (async iterator protocol); done once the watch has ended.
   *
   * @example
   * const { value } = await w.next(); // { name: 'web', state: 'RUNNING' }
   */
  next(): Promise<IteratorResult<StateChange>> {
    this.#iterating = true;
    const change = this.#queue.shift();
    if (change) return Promise.resolve({ value: change, done: false });
    if (this.#failure) {
      // Once: the iteration that meets the failure rejects with it, later ones are done.
      const f = this.#failure;
      this.#failure = null;
      return Promise.reject(f);
    }
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /**
   * Ends the watch, as `close()` does (async iterator protocol: a `break` out of `for await`).
   *
   * @example
   * for await (const ch of w) if (ch.state === 'STOPPED') break; // calls return()
   */
  return(): Promise<IteratorResult<StateChange>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  /**
   * The watcher itself, as an async iterator of StateChange.
   *
   * @example
   * for await (const { name, state } of lxc.watch()) console.log(name, state);
   */
  [Symbol.asyncIterator](): this {
    // Changes from here on are kept until read.
    this.#iterating = true;
    return this;
  }
}

/**
 * Watches the containers of an lxcpath change state (see Watcher).
 *
 * @example
 * const w = lxc.watch({ lxcpath: '/var/lib/lxc', names: ['web'] });
 * w.on('change', ({ name, state }) => console.log(name, state));
 */
export function watch(options: WatchOptions = {}): Watcher {
  // Read once (a getter answers one value, checked and used; names is a copy); a plain object only.
  const o = optionsOf('watch', 'options', watchOptionsSchema, options);
  const lxcpath = o.lxcpath ?? ffi.lxc_get_global_config_item('lxc.lxcpath') ?? '/var/lib/lxc';
  return new Watcher(lxcpath, o.names, o.signal);
}

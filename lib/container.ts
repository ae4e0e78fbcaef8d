// Container: one public class for one liblxc struct lxc_container.
import { fs } from './runtime.js';
import { constants as osConstants } from 'node:os';
import * as ffi from '../ffi/index.js';
import { LxcError, logReason, invalid, type LxcErrorCode } from './errors.js';
import { CallLog } from './calllog.js';
import { check, accepts, containerName, absolutePath, configKey, configValue, cgroupKey, timeoutSeconds, ifaceName } from './validate.js';
import { object, optional, string, int, boolean, oneOf, array, custom, type Infer } from './check.js';
import {
  containerOptionsSchema, startOptionsSchema, destroyOptionsSchema, createOptionsSchema, waitOptionsSchema,
  downloadOptionsSchema, localOptionsSchema, genericTemplateOptionsSchema, states, bdevTypes, abortSignal,
  type ContainerOptions, type StartOptions, type DestroyOptions, type CreateOptions, type ContainerState,
  type DownloadOptions, type LocalOptions, type TemplateOptions, type WaitOptions,
} from './options.js';
import { NetworkList } from './network.js';
import * as C from './constants.js';
import { sleep, deadline } from './poll.js';
import { namespaceAddresses, NetlinkUnavailable, type InterfaceAddress } from './netlink.js';
import { requireMember } from './support.js';
import { attachOptionsSchema, attachFlags, namespaceMask, personality, namespaceFlags, type AttachOptions, type ParsedAttachOptions } from './attach/options.js';
import type { AttachedProcess, StdioSpec, ExitStatus } from './attach/process.js';
import type { Session } from './attach/session.js';
import { fileURLToPath } from 'node:url';
import { u64Arg, u32Arg, asArg, symbolArg, outArg, fdArg, type Arg, type MemberCall } from './runner/protocol.js';
import type { RunSpec, RunResult } from './runner/pool.js';

const { closeSync } = fs;

// The attach and create machinery is loaded on the first call that needs it: it brings node:net,
// node:v8 and node:child_process, which would otherwise add ≈ 10 ms to every import of the package.
let attachModules: Promise<[typeof import('./attach/process.js'), typeof import('./attach/session.js'), typeof import('./attach/sealed.js')]> | undefined;
const attachLib = () => (attachModules ??= Promise.all([import('./attach/process.js'), import('./attach/session.js'), import('./attach/sealed.js')]));
// Forking calls run in runner processes (lib/runner/), loaded with the first such call.
let runnerModule: Promise<typeof import('./runner/pool.js')> | undefined;
const runnerLib = () => (runnerModule ??= import('./runner/pool.js'));
let createModules: Promise<[typeof import('./create.js'), typeof import('./templates.js')]> | undefined;
const createLib = () => (createModules ??= Promise.all([import('./create.js'), import('./templates.js')]));

/** Marker for `attachWait(attachRunCommand, argv)`, so python3-lxc code ports literally. */
export const attachRunCommand: unique symbol = Symbol('lxc.attachRunCommand');

/** Options of `clone()`. */
const cloneOptionsSchema = object({
  /** Where the clone goes (default: this container's lxcpath). */
  lxcpath: optional(absolutePath),
  /** Backing store of the clone ('overlayfs' for the seed's overlay snapshots). */
  bdevtype: optional(oneOf(bdevTypes)),
  /** Backing-store specific data, passed to liblxc as bdevdata (liblxc 5.0 ignores it for every store). */
  bdevdata: optional(configValue),
  /** A copy-on-write snapshot clone (LXC_CLONE_SNAPSHOT). */
  snapshot: optional(boolean),
  keepName: optional(boolean),
  keepMacAddr: optional(boolean),
  keepBdevType: optional(boolean),
  maybeSnapshot: optional(boolean),
  /** Size in bytes for block backing stores (0: the source's). */
  newSize: optional(int(0)),
  /** Arguments for the clone hook (lxc.hook.clone). */
  hookArgs: optional(array(configValue)),
  /** Raw LXC_CLONE_* flags, or-ed with the booleans above. */
  flags: optional(int(0)),
});
export type CloneOptions = Infer<typeof cloneOptionsSchema>;

/** A tty handed out by consoleGetFd(). */
export interface ConsoleTty {
  /** The pty's controlling side: read what the tty prints, write what it reads. */
  fd: number;
  ttynum: number;
  /** The command socket that keeps the tty allocated. */
  socketFd: number;
  /** Closes fd and socketFd, releasing the tty. */
  close(): void;
}

/** A snapshot of a container. */
export interface Snapshot {
  name: string;
  commentPath: string;
  timestamp: string;
  lxcpath: string;
}

const consoleOptionsSchema = object({
  tty: optional(int(-1)),
  stdinFd: optional(int(0)),
  stdoutFd: optional(int(0)),
  stderrFd: optional(int(0)),
  /** The escape letter: Ctrl-<escape> then q detaches (default 'a'). */
  escape: optional(string([(s) => /^[a-z]$/.test(s), 'must be one letter a-z'])),
});
export type ConsoleOptions = Infer<typeof consoleOptionsSchema>;

const consoleLogOptionsSchema = object({
  clear: optional(boolean),
  read: optional(boolean),
  /** Bytes to read at most (default 1 MiB). */
  readMax: optional(int(0)),
});
export type ConsoleLogOptions = Infer<typeof consoleLogOptionsSchema>;

const migrateOptionsSchema = object({
  directory: absolutePath,
  verbose: optional(boolean),
  stop: optional(boolean),
  predumpDir: optional(absolutePath),
  pageserverAddress: optional(configValue),
  pageserverPort: optional(configValue),
  preservesInodes: optional(boolean),
  actionScript: optional(absolutePath),
  ghostLimit: optional(int(0)),
  featuresToCheck: optional(int(0)),
});
export type MigrateOptions = Infer<typeof migrateOptionsSchema>;

const checkpointOptionsSchema = object({ stop: optional(boolean), verbose: optional(boolean) });
const restoreOptionsSchema = object({ verbose: optional(boolean) });

/** Options of `mount()`. */
const mountOptionsSchema = object({
  fstype: optional(string([(s) => /^[a-z0-9.]*$/.test(s), 'must be a filesystem type such as ext4'])),
  /** MS_* flags. */
  flags: optional(int(0)),
  data: optional(configValue),
});
export type MountOptions = Infer<typeof mountOptionsSchema>;
const umountOptionsSchema = object({ flags: optional(int(0)) });
export type UmountOptions = Infer<typeof umountOptionsSchema>;

/** Options of `getIps()`. */
const getIpsOptionsSchema = object({
  /** Only this interface, e.g. 'eth0'. */
  interface: optional(ifaceName),
  /** 'inet' (IPv4) or 'inet6'. */
  family: optional(oneOf(['inet', 'inet6'] as const)),
  /** IPv6 scope id (0: global). */
  scope: optional(int(0)),
  /** Seconds to keep polling for an address (default 0: ask once). */
  timeout: optional(timeoutSeconds),
  signal: optional(abortSignal),
});
export type GetIpsOptions = Infer<typeof getIpsOptionsSchema>;

/** What `exec()` resolves: how the command ended and what it printed. */
export interface ExecResult extends ExitStatus {
  stdout: string;
  stderr: string;
}

/** Options of `exec()`: AttachOptions plus bytes for the command's stdin. */
export type ExecOptions = Omit<AttachOptions, 'stdout' | 'stderr'> & { input?: string | Buffer };

const argvSchema = array(string([(s) => s.length > 0, 'must not be empty'], [(s) => !s.includes('\u0000'), 'must not contain NUL']), 1, 'must name a command');
// The worker enters these namespaces; the mount and user ones it replaces by chroot() and setresuid().
const WORKER_NAMESPACES = ['uts', 'ipc', 'pid', 'net', 'cgroup'] as const;
// How long a worker started ahead for evaluate() waits for its call.
const SPARE_IDLE_MS = 30_000;
const here = fileURLToPath(import.meta.url);
const workerScript = here.replace(/container\.(ts|js)$/, 'attach/worker.$1');
// Under tsx the worker is TypeScript too: hand it the same loader flags.
const workerNodeArgs = here.endsWith('.ts') ? [...process.execArgv, workerScript] : [workerScript];


// shutdown(): how often the halt signal is sent again while init runs, once it handles the signal
// and while it does not (yet).
const SHUTDOWN_RESEND_MS = 5000;
const SHUTDOWN_UNHANDLED_RESEND_MS = 1000;
// glibc's SIGRTMIN (the kernel's 32, less the two glibc keeps), as liblxc's SIGRTMIN + 3 means it.
const SIGRTMIN = 34;

// freeze(): how long a FREEZING state may last before the container is thawed and frozen again.
const FREEZE_RETRY_MS = 1000;
// reboot() without a timeout: how long it waits for init to handle the reboot signal before sending it anyway.
const REBOOT_SEND_MS = 5000;

/**
 * The signals liblxc sends for a lxc.signal.halt or lxc.signal.reboot value; unset: SIGPWR, or
 * SIGRTMIN+3 for an init that blocks it, to halt; SIGINT to reboot.
 */
function initSignals(value: string, kind: 'halt' | 'reboot'): number[] {
  const v = value.trim().toUpperCase().replace(/^SIG/, '');
  if (!v && kind === 'reboot') return [(osConstants.signals as Record<string, number>).SIGINT];
  if (!v) return [(osConstants.signals as Record<string, number>).SIGPWR, SIGRTMIN + 3];
  if (/^\d+$/.test(v)) return [Number(v)];
  const rt = /^RTMIN\+(\d+)$/.exec(v);
  if (rt) return [SIGRTMIN + Number(rt[1])];
  const n = (osConstants.signals as Record<string, number>)[`SIG${v}`];
  return n ? [n] : [];
}

/** Whether process `pid` catches or blocks (signalfd) any of `signals`: whether a signal sent now is not dropped. */
function initHandles(pid: number, signals: number[]): boolean {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return false;
  }
  const mask = (name: string) => BigInt(`0x${/^${name}:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? '0'}`);
  const handled = mask('SigCgt') | mask('SigBlk');
  return signals.some((sig) => (handled >> BigInt(sig - 1)) & 1n);
}

/** An exit status as a number: the exit code, or 128 + the signal's number (as shells report it). */
function exitNumber(st: ExitStatus): number {
  if (st.exitCode !== null) return st.exitCode;
  const n = (osConstants.signals as Record<string, number>)[st.signal ?? ''] ?? 0;
  return 128 + n;
}

// Backstop for Containers dropped without release(): put their liblxc reference. Containers join it
// a microtask after construction (Container.#register), so one released in the same turn never does:
// the registry's bookkeeping kept ≈ 7 MB of RSS over 100 000 new + release() (docs/benchmarks.md).
const finalizer = new FinalizationRegistry<bigint>((ptr) => ffi.lxc_container_put(ptr));

// Key families liblxc matches by prefix (lxc.net.0.link, lxc.cgroup2.memory.max, ...).
const PREFIX_FAMILIES = new Set(['lxc.net', 'lxc.cgroup', 'lxc.cgroup2', 'lxc.limit', 'lxc.prlimit', 'lxc.sysctl', 'lxc.proc']);

/** Whether liblxc knows `key`: exactly, or as a member of a prefix family. */
export function isKnownKey(key: string): boolean {
  if (ffi.lxc_config_item_is_supported(key)) return true;
  for (let p = key.lastIndexOf('.'); p > 0; p = key.lastIndexOf('.', p - 1)) {
    const prefix = key.slice(0, p);
    if (PREFIX_FAMILIES.has(prefix)) return ffi.lxc_config_item_is_supported(prefix) as boolean;
  }
  return false;
}

// Config keys already validated and known to liblxc, and the buffer config values are read into.
const knownKeys = new Set<string>();
const itemBuffer = Buffer.alloc(4096);
/** The last short value read for each key, as bytes and as the string made from them. */
const lastValues = new Map<string, { bytes: Buffer; text: string }>();

/** The value in itemBuffer[0, len) as a string: the same bytes as last time for `key` give the same string back. */
function itemText(key: string, len: number): string {
  // Decoding costs more than the C call (≈ 70 ns of ≈ 400); comparing a few bytes costs ≈ 5.
  const last = lastValues.get(key);
  if (last && last.bytes.length === len) {
    let i = 0;
    while (i < len && last.bytes[i] === itemBuffer[i]) i++;
    if (i === len) return last.text;
  }
  const text = itemBuffer.toString('utf8', 0, len);
  if (len <= 256 && (last || lastValues.size < 1024)) lastValues.set(key, { bytes: Buffer.from(itemBuffer.subarray(0, len)), text });
  return text;
}

// struct lxc_container members that fork or clone the calling process in some release or for some
// backing store (docs/design.md, "Forks"): they run in a runner process, never in this one.
const FORKING = new Set([
  'start', 'clone', 'snapshot', 'snapshot_restore', 'snapshot_destroy', 'snapshot_destroy_all', 'destroy',
  'destroy_with_snapshots', 'rename', 'attach', 'get_ips', 'get_interfaces', 'add_device_node', 'remove_device_node',
  'attach_interface', 'detach_interface', 'mount', 'umount', 'checkpoint', 'restore', 'migrate',
]);
let nextCid = 1;

/** A JS argument as the runner protocol carries it: 64-bit integers, typed arrays and structs tagged. */
function toArg(v: unknown): Arg {
  if (typeof v === 'bigint') return u64Arg(v);
  if (v instanceof Uint32Array) return u32Arg(Array.from(v));
  if (Array.isArray(v)) return v.map(toArg);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toArg(x)]));
  return v as Arg;
}

/** The default lxcpath (lxc.lxcpath of the global config). */
export function globalLxcpath(): string {
  return ffi.lxc_get_global_config_item('lxc.lxcpath') ?? '/var/lib/lxc';
}

/**
 * A container named `name` in `lxcpath` (default: the global lxc.lxcpath). It need not exist yet.
 *
 * @example
 * const c = new Container('web', '/var/lib/lxc');
 * if (!c.defined) await c.create('busybox');
 */
export class Container {
  /** The container's name. */
  readonly name: string;
  #lxcpath: string;
  #ptr: bigint | null;
  #fns: Record<string, ffi.CFunction> = Object.create(null);
  // Async liblxc calls on one struct run one at a time, as go-lxc's per-container mutex does.
  #queue: Promise<unknown> = Promise.resolve();
  #busy = 0;
  // A worker started ahead for the next evaluate() (see #takeSpare).
  #spare: { key: string; initPid: number; ready: Promise<Session>; timer: NodeJS.Timeout } | null = null;
  #releasePending = false;
  // Identifies this object to the runners, and the generation of its in-memory config: a runner whose
  // copy is of another generation is sent the config again before its next call.
  readonly #cid = nextCid++;
  #gen = 0;
  // The generation whose config is the one in the config file (loaded or saved there).
  #diskGen = 0;

  constructor(name: string, lxcpath?: string | ContainerOptions) {
    this.name = check('Container', 'name', containerName, name);
    const opts = typeof lxcpath === 'object' && lxcpath !== null ? check('Container', 'options', containerOptionsSchema, lxcpath) : {};
    const path = typeof lxcpath === 'string' ? check('Container', 'lxcpath', absolutePath, lxcpath) : (opts.lxcpath ?? undefined);
    if (lxcpath !== undefined && typeof lxcpath !== 'string' && (typeof lxcpath !== 'object' || lxcpath === null)) {
      throw invalid('Container', 'lxcpath', 'must be a string or { lxcpath }');
    }
    this.#lxcpath = path ?? globalLxcpath();
    if (Buffer.byteLength(`${this.#lxcpath}/${this.name}/rootfs`) >= 4096) throw invalid('Container', 'name', 'is too long for a path under lxcpath');
    const ptr = ffi.lxc_container_new(this.name, this.#lxcpath) as bigint | null;
    if (!ptr) throw new LxcError('EINVAL', `cannot allocate container "${this.name}" in ${this.#lxcpath}`, { op: 'Container', container: this.name, lxcpath: this.#lxcpath });
    this.#ptr = ptr;
    Container.#register(this);
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  static #toRegister = new Set<Container>();
  static #flushQueued = false;

  static #register(c: Container): void {
    Container.#toRegister.add(c);
    if (Container.#flushQueued) return;
    Container.#flushQueued = true;
    queueMicrotask(() => {
      Container.#flushQueued = false;
      for (const x of Container.#toRegister) if (x.#ptr !== null) finalizer.register(x, x.#ptr, x);
      Container.#toRegister.clear();
    });
  }

  #unregister(): void {
    if (!Container.#toRegister.delete(this)) finalizer.unregister(this);
  }

  #ref(op: string): bigint {
    if (this.#ptr === null || this.#releasePending) throw this.#error('ERELEASED', op, 'the container was released');
    return this.#ptr;
  }

  #fn(op: string, member: string): ffi.CFunction {
    return this.#member(op, this.#ref(op), member);
  }

  /** The decoded method `member`, cached; no release check (internal use by calls already admitted). */
  #member(op: string, ptr: bigint, member: string): ffi.CFunction {
    let fn = this.#fns[member];
    if (!fn) {
      requireMember(member, ffi.version, op);
      fn = ffi.method(ptr, member);
      this.#fns[member] = fn;
    }
    return fn;
  }

  /** Synchronous call of a struct lxc_container method. */
  #sync(op: string, member: string, ...args: unknown[]): any {
    return this.#fn(op, member)(this.#ptr, ...args);
  }

  /**
   * Asynchronous call, queued behind earlier async calls on this container, with its log captured:
   * a forking member in a runner process, any other on koffi's worker thread.
   */
  #async(op: string, member: string, ...args: unknown[]): Promise<{ result: any; log: string[] }> {
    const fn = this.#fn(op, member);
    // Admitted now: a release() before it runs waits for it rather than failing it.
    const ptr = this.#ptr!;
    if (FORKING.has(member)) return this.#forking(op, [{ member, args: args.map(toArg) }]);
    return this.#serial(() => this.#callAsync(op, ptr, fn, args));
  }

  /** Forking calls in a runner process, admitted now (release() waits for them), queued behind earlier async work. */
  #forking(op: string, calls: MemberCall[], extra: Pick<RunSpec, 'result' | 'track' | 'fds'> = {}): Promise<RunResult> {
    const ptr = this.#ref(op);
    for (const c of calls) this.#member(op, ptr, c.member);
    return this.#serial(() => this.#runForking(op, calls, extra));
  }

  /** Forking calls in a runner process, on its struct mirroring this one (not queued: for work already admitted). */
  async #runForking(op: string, calls: MemberCall[], extra: Pick<RunSpec, 'result' | 'track' | 'fds'> = {}): Promise<RunResult> {
    if (this.#ptr === null) throw this.#error('ERELEASED', op, 'the container was released');
    const { run } = await runnerLib();
    try {
      return await run({
        cid: this.#cid, gen: this.#gen, onDisk: this.#gen === this.#diskGen, name: this.name, lxcpath: this.#lxcpath, calls, ...extra,
        saveConfig: (file) => {
          const now = this.#ptr;
          if (now === null || !ffi.field(now, 'lxc_conf')) return false;
          return this.#member(op, now, 'save_config')(now, file) as boolean;
        },
      });
    } catch (e) {
      // The runner process died or its channel broke: still the one error type, naming the call.
      if (e instanceof LxcError) throw e;
      throw new LxcError('ERUNNER', `${op} "${this.name}": ${(e as Error).message}`, { op, container: this.name, lxcpath: this.#lxcpath, cause: e });
    }
  }

  async #callAsync(op: string, ptr: bigint, fn: ffi.CFunction, args: unknown[]): Promise<{ result: any; log: string[] }> {
    const log = new CallLog(this.#logTarget(op, ptr));
    try {
      const result = await new Promise<any>((resolve, reject) =>
        fn.async(ptr, ...args, (err: unknown, r: unknown) => (err ? reject(err) : resolve(r))));
      return { result, log: log.finish() };
    } catch (e) {
      log.finish();
      throw e;
    }
  }

  /** An async call whose false result becomes LxcError `code`, explained by liblxc's log. */
  async #checked(op: string, member: string, code: LxcErrorCode, fallback: string, ...args: unknown[]): Promise<void> {
    const { result, log } = await this.#async(op, member, ...args);
    if (!result) throw this.#failed(code, op, log, fallback);
  }

  /** Runs `task` after the earlier async work on this container; release() waits for it. */
  #serial<T>(task: () => Promise<T>): Promise<T> {
    this.#busy++;
    const p = this.#queue.then(task);
    this.#queue = p.then(() => undefined, () => undefined).finally(() => {
      if (--this.#busy === 0 && this.#releasePending) this.#put();
    });
    return p;
  }

  #logTarget(op: string, ptr: bigint) {
    return {
      getItem: (key: string) => this.#getItem(key, ptr) ?? '',
      setItem: (key: string, value: string) => this.#member(op, ptr, 'set_config_item')(ptr, key, value) as boolean,
      clearItem: (key: string) => this.#member(op, ptr, 'clear_config_item')(ptr, key) as boolean,
    };
  }

  #error(code: LxcErrorCode, op: string, message: string, log?: string[], extra: { output?: string[] } = {}): LxcError {
    return new LxcError(code, `${op} "${this.name}": ${message}`, {
      op, container: this.name, lxcpath: this.#lxcpath, ...(log ? { log } : {}), ...extra,
    });
  }

  /** An error for a liblxc call that returned failure, explained by its first logged reason. */
  #failed(code: LxcErrorCode, op: string, log: string[], fallback: string): LxcError {
    const reasons = log.filter((l) => / ERROR /.test(l)).map(logReason);
    return this.#error(code, op, reasons.length ? reasons[0] : fallback, log);
  }

  #needDefined(op: string): void {
    if (!this.defined) throw this.#error('ENOTDEFINED', op, `no such container in ${this.#lxcpath}`);
  }

  #needRunning(op: string): void {
    this.#needDefined(op);
    if (!this.running) throw this.#error('ENOTRUNNING', op, 'the container is not running');
  }

  #getItem(key: string, ptr: bigint = this.#ref('getConfigItem')): string | undefined {
    const fn = this.#fns.get_config_item ?? this.#member('getConfigItem', ptr, 'get_config_item');
    // One call into a reused buffer; a second only for values longer than it.
    const len = fn(ptr, key, itemBuffer, itemBuffer.length) as number;
    if (len < 0) return undefined;
    if (len < itemBuffer.length) return itemText(key, len);
    const buf = Buffer.allocUnsafe(len + 1);
    fn(ptr, key, buf, len + 1);
    return buf.toString('utf8', 0, len);
  }

  #reopen(): void {
    const old = this.#ptr!;
    const ptr = ffi.lxc_container_new(this.name, this.#lxcpath) as bigint | null;
    if (!ptr) throw this.#error('ELOAD', 'reload', 'liblxc could not allocate the container');
    this.#unregister();
    ffi.lxc_container_put(old);
    this.#ptr = ptr;
    this.#diskGen = ++this.#gen;
    Container.#register(this);
  }

  // ---- properties -----------------------------------------------------------------------------

  /** The directory holding this container's directory. */
  get lxcpath(): string {
    return this.#lxcpath;
  }

  /** Path of the container's config file. @example console.log(c.configFileName) // '/var/lib/lxc/web/config' */
  get configFileName(): string {
    return this.#sync('configFileName', 'config_file_name') as string;
  }

  // The four getters below call the cached method directly: they are the hot queries, and the
  // generic #sync path (rest arguments, two lookups) cost ≈ 0.15 µs of defined's 2 µs.

  /** Whether the container has a config (exists). @example if (!c.defined) await c.create('busybox') */
  get defined(): boolean {
    const ptr = this.#ref('defined');
    return (this.#fns.is_defined ?? this.#member('defined', ptr, 'is_defined'))(ptr) as boolean;
  }

  /** Whether the container is running. @example if (c.running) await c.stop() */
  get running(): boolean {
    const ptr = this.#ref('running');
    return (this.#fns.is_running ?? this.#member('running', ptr, 'is_running'))(ptr) as boolean;
  }

  /** The container's state. @example console.log(c.state) // 'RUNNING' */
  get state(): ContainerState {
    const ptr = this.#ref('state');
    return (this.#fns.state ?? this.#member('state', ptr, 'state'))(ptr) as ContainerState;
  }

  /** PID of the container's init on the host, -1 when not running. @example console.log(c.initPid) */
  get initPid(): number {
    const ptr = this.#ref('initPid');
    return (this.#fns.init_pid ?? this.#member('initPid', ptr, 'init_pid'))(ptr) as number;
  }

  /** Whether the caller may control the container. @example if (c.controllable) await c.start() */
  get controllable(): boolean {
    return this.#sync('controllable', 'may_control') as boolean;
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /**
   * Creates the container's root filesystem and config from a template; `'none'` makes an empty one.
   * On failure nothing stays defined.
   *
   * @example
   * await c.create('download', { dist: 'debian', release: 'bookworm', arch: 'amd64' }, { quiet: true });
   * await c.create('busybox');
   */
  async create(template: 'download', templateOptions: DownloadOptions, createOptions?: CreateOptions): Promise<void>;
  async create(template: 'local', templateOptions: LocalOptions, createOptions?: CreateOptions): Promise<void>;
  async create(template: string, templateOptions?: TemplateOptions, createOptions?: CreateOptions): Promise<void>;
  async create(template: string, templateOptions: Record<string, unknown> = {}, createOptions: CreateOptions = {}): Promise<void> {
    const op = 'create';
    this.#ref(op);
    // The template runs with the environment as it is now, whatever the caller changes while it waits.
    const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
    if (typeof template !== 'string' || !(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(template) || accepts(absolutePath, template))) {
      throw invalid(op, 'template', 'must be a template name (letters, digits, "_", "-", ".") or an absolute path');
    }
    if (typeof templateOptions !== 'object' || templateOptions === null || Array.isArray(templateOptions)) throw invalid(op, 'templateOptions', 'must be an object');
    const opts = check(op, 'createOptions', createOptionsSchema, createOptions);
    let argv: string[] = [];
    let path: string | null = null;
    if (template === 'none') {
      if (Object.keys(templateOptions).length) throw invalid(op, 'templateOptions', 'must be empty for template "none"');
    } else {
      const schema = template === 'download' ? downloadOptionsSchema : template === 'local' ? localOptionsSchema : genericTemplateOptionsSchema;
      const parsed = check(op, 'templateOptions', schema, templateOptions) as Record<string, string | number | boolean>;
      const [, { findTemplate, templateArgv }] = await createLib();
      const info = findTemplate(template);
      argv = templateArgv(info, template, parsed);
      path = info.path;
    }
    if (this.defined) throw this.#error('EEXIST', op, `already exists in ${this.#lxcpath}`);
    if (opts.signal?.aborted) throw this.#error('EABORT', op, 'aborted before it started');
    const ptr = this.#ref(op);
    await this.#serial(async () => {
      const hasConfig = ffi.field(ptr, 'lxc_conf') !== null && ffi.field(ptr, 'lxc_conf') !== 0n;
      const [{ runCreate }] = await createLib();
      const outcome = await runCreate({
        name: this.name, lxcpath: this.#lxcpath, template: path, argv,
        bdevtype: opts.bdevtype ?? null, specs: opts.bdevSpecs ?? null, flags: opts.flags ?? 0,
        // Config set on this object before create() must reach the worker: save it for it to load.
        saveConfig: hasConfig ? (file: string) => this.#member(op, ptr, 'save_config')(ptr, file) as boolean : null,
        quiet: opts.quiet ?? false, onOutput: opts.onOutput, signal: opts.signal, env,
      });
      this.#reopen();
      if (!outcome.ok) {
        const now = this.#ptr!;
        if (this.#member(op, now, 'is_defined')(now)) await this.#runForking(op, [{ member: 'destroy', args: [] }]).catch(() => undefined);
        if (outcome.aborted) throw this.#error('EABORT', op, 'aborted', outcome.log, { output: outcome.output });
        const reasons = outcome.log.filter((l) => / ERROR /.test(l)).map(logReason);
        const tail = outcome.output.filter((l) => l.trim()).slice(-3).join(' | ');
        const why = tail || reasons[0] || `template "${template}" failed`;
        throw this.#error('ECREATE', op, why, outcome.log, { output: outcome.output });
      }
    });
  }

  /**
   * Starts the container in the background (daemonised).
   *
   * @example
   * await c.start();
   * await c.start({ useinit: true, argv: ['/bin/sleep', '60'] });
   */
  async start(options: StartOptions = {}): Promise<void> {
    const op = 'start';
    const opts = check(op, 'options', startOptionsSchema, options);
    this.#needDefined(op);
    if (this.running) throw this.#error('ERUNNING', op, 'the container is already running');
    // NULL, not an empty argv: an empty one makes init exec nothing.
    const argv = opts.argv ? [...opts.argv, null] : null;
    const { result, log } = await this.#forking(op, [
      { member: 'want_daemonize', args: [true] },
      { member: 'start', args: [opts.useinit ? 1 : 0, argv] },
    ]);
    if (!result) throw this.#failed('ESTART', op, log, 'liblxc could not start it');
  }

  /**
   * Kills the container (SIGKILL to init) and waits until it stopped.
   *
   * @example
   * await c.stop();
   */
  async stop(): Promise<void> {
    const op = 'stop';
    this.#needDefined(op);
    await this.#checked(op, 'stop', 'ESTOP', 'liblxc could not stop it');
  }

  /**
   * Asks init to halt and waits up to `timeoutSec` for STOPPED; false when it is still running then.
   * An init that has just started drops a signal it has no handler for yet, so the halt signal is
   * sent once init handles it (its SigCgt/SigBlk in /proc), and again every 5 s while it runs
   * (every 1 s while it does not handle it).
   *
   * @example
   * if (!(await c.shutdown(30))) await c.stop();
   */
  async shutdown(timeoutSec = 30, options: WaitOptions = {}): Promise<boolean> {
    const op = 'shutdown';
    const timeout = check(op, 'timeoutSec', timeoutSeconds, timeoutSec);
    const { signal } = check(op, 'options', waitOptionsSchema, options);
    this.#needDefined(op);
    if (!this.running) return true;
    return this.#signalInit(op, 'shutdown', initSignals(this.getConfigItem('lxc.signal.halt'), 'halt'), () => this.state === 'STOPPED', timeout, signal);
  }

  /**
   * Asks init to reboot; with a timeout, waits until a new init runs (false if none in time). As
   * with shutdown(), the signal goes once init handles it (waiting up to 5 s for that when no
   * timeout is given), and again while the same init runs.
   *
   * @example
   * await c.reboot(30);
   */
  async reboot(timeoutSec?: number, options: WaitOptions = {}): Promise<boolean> {
    const op = 'reboot';
    const timeout = timeoutSec === undefined ? undefined : check(op, 'timeoutSec', timeoutSeconds, timeoutSec);
    const { signal } = check(op, 'options', waitOptionsSchema, options);
    this.#needRunning(op);
    const before = this.initPid;
    const signals = initSignals(this.getConfigItem('lxc.signal.reboot'), 'reboot');
    const rebooted = () => { const pid = this.initPid; return pid > 0 && pid !== before && this.state === 'RUNNING'; };
    // Without a timeout: sent once init can take it (waiting at most REBOOT_SEND_MS for that), then resolved.
    if (timeout === undefined) {
      let sent = false;
      await this.#signalInit(op, 'reboot', signals, () => sent, REBOOT_SEND_MS / 1000, signal, before, () => { sent = true; });
      if (!sent && !this.#sync(op, 'reboot')) throw this.#error('EREBOOT', op, 'could not signal init');
      return true;
    }
    return this.#signalInit(op, 'reboot', signals, rebooted, timeout, signal, before);
  }

  /**
   * Sends init a signal through liblxc's `member` (shutdown with timeout 0, or reboot) until
   * `done()`: once init catches or blocks it, again every SHUTDOWN_RESEND_MS while it runs, every
   * SHUTDOWN_UNHANDLED_RESEND_MS while it does not handle it. An init that has just started drops a
   * signal it has no handler for yet (PID 1 ignores those), and liblxc sends it only once.
   */
  #signalInit(op: string, member: 'shutdown' | 'reboot', signals: number[], done: () => boolean, timeoutSec: number, abort?: AbortSignal, only?: number, onSent?: () => void): Promise<boolean> {
    const code: LxcErrorCode = member === 'shutdown' ? 'ESHUTDOWN' : 'EREBOOT';
    let sentTo = 0;
    let sentAt = 0;
    return this.#poll(op, () => {
      if (done()) return true;
      const pid = this.initPid;
      if (pid <= 0) return member === 'shutdown';
      // A reboot goes to the init that was running: the next one is left alone.
      if (only !== undefined && pid !== only) return false;
      const handled = initHandles(pid, signals);
      const interval = handled ? SHUTDOWN_RESEND_MS : SHUTDOWN_UNHANDLED_RESEND_MS;
      if ((handled && pid !== sentTo) || Date.now() - sentAt >= interval) {
        const ok = member === 'shutdown' ? this.#sync(op, 'shutdown', 0) : this.#sync(op, 'reboot');
        if (!ok) {
          if (!this.running) return member === 'shutdown';
          if (sentAt === 0) throw this.#error(code, op, 'could not signal init');
          return false;
        }
        if (handled) onSent?.();
        sentTo = pid;
        sentAt = Date.now();
      }
      return false;
    }, timeoutSec, abort);
  }

  /**
   * Freezes every process of the container. On cgroup v1 a freeze can stick in FREEZING (a task in
   * vfork() waits for a child that is already frozen, and liblxc polls for FROZEN forever): while
   * it stays FREEZING, the container is thawed and frozen again every second until it takes.
   *
   * @example
   * await c.freeze();
   */
  async freeze(): Promise<void> {
    const op = 'freeze';
    this.#needRunning(op);
    const frozen = this.#checked(op, 'freeze', 'EFREEZE', 'liblxc could not freeze it');
    let settled = false;
    const done = frozen.then(() => { settled = true; }, () => { settled = true; });
    for (let stuck = 0; !settled;) {
      await Promise.race([done, sleep(FREEZE_RETRY_MS)]);
      if (settled || this.released) break;
      stuck = this.state === 'FREEZING' ? stuck + 1 : 0;
      // Only the v1 freezer has freezer.state; liblxc's own loop sees FROZEN once it takes.
      if (stuck > 0) {
        try {
          this.setCgroupItem('freezer.state', 'THAWED');
          this.setCgroupItem('freezer.state', 'FROZEN');
        } catch { /* no v1 freezer: nothing to retry */ }
      }
    }
    await frozen;
  }

  /** Thaws a frozen container. @example await c.unfreeze() */
  async unfreeze(): Promise<void> {
    const op = 'unfreeze';
    this.#needRunning(op);
    await this.#checked(op, 'unfreeze', 'EUNFREEZE', 'liblxc could not thaw it');
  }

  /**
   * Waits until the container reaches `state`; false when `timeoutSec` passes first (-1: forever).
   *
   * @example
   * await c.start();
   * await c.wait('RUNNING', 3);
   */
  async wait(state: ContainerState, timeoutSec = -1, options: WaitOptions = {}): Promise<boolean> {
    const op = 'wait';
    if (!states.includes(state)) throw invalid(op, 'state', `must be one of ${states.join(', ')}`);
    const timeout = check(op, 'timeoutSec', timeoutSeconds, timeoutSec);
    const { signal } = check(op, 'options', waitOptionsSchema, options);
    this.#ref(op);
    return this.#poll(op, () => this.state === state, timeout, signal);
  }

  /** Polls `done` (cheap, synchronous) until true or the timeout; never holds a libuv thread. */
  async #poll(op: string, done: () => boolean, timeoutSec: number, signal?: AbortSignal): Promise<boolean> {
    const end = deadline(timeoutSec);
    for (let delay = 5; ; delay = Math.min(delay * 2, 50)) {
      if (done()) return true;
      if (Date.now() >= end) return false;
      if (signal?.aborted) throw this.#error('EABORT', op, 'aborted');
      await sleep(Math.min(delay, Math.max(0, end - Date.now())), signal).catch(() => {
        throw this.#error('EABORT', op, 'aborted');
      });
    }
  }

  /**
   * Deletes the container and its root filesystem; it must be stopped.
   *
   * @example
   * await c.destroy({ withSnapshots: true });
   */
  async destroy(options: DestroyOptions = {}): Promise<void> {
    const op = 'destroy';
    const opts = check(op, 'options', destroyOptionsSchema, options);
    this.#needDefined(op);
    if (this.running) throw this.#error('ERUNNING', op, 'the container is running: stop it first');
    // liblxc (3.0 to 7.0) fails destroy_with_snapshots on a container that has never had a
    // snapshot (remove_all_snapshots cannot open the missing snaps directory); nothing to remove then.
    const withSnapshots = opts.withSnapshots === true && (await this.snapshotList()).length > 0;
    await this.#checked(op, withSnapshots ? 'destroy_with_snapshots' : 'destroy', 'EDESTROY', 'liblxc could not destroy it');
  }

  /**
   * Renames the (stopped) container; resolves the Container under its new name.
   *
   * @example
   * const renamed = await c.rename('web2');
   */
  async rename(newName: string): Promise<Container> {
    const op = 'rename';
    const name = check(op, 'newName', containerName, newName);
    this.#needDefined(op);
    if (this.running) throw this.#error('ERUNNING', op, 'the container is running: stop it first');
    const target = new Container(name, this.#lxcpath);
    try {
      if (target.defined) throw this.#error('EEXIST', op, `"${name}" already exists in ${this.#lxcpath}`);
    } catch (e) {
      target.release();
      throw e;
    }
    target.release();
    await this.#checked(op, 'rename', 'ERENAME', `liblxc could not rename it to "${name}"`, name);
    return new Container(name, this.#lxcpath);
  }

  // ---- attach ---------------------------------------------------------------------------------

  #attachOptions(op: string, options: unknown): ParsedAttachOptions {
    const o = check(op, 'options', attachOptionsSchema, options ?? {});
    // Both say which privilege bits to use: neither may silently win.
    if (o.flags !== undefined && o.elevatedPrivileges) throw invalid(op, 'options.elevatedPrivileges', 'cannot be combined with options.flags (set the LXC_ATTACH_* bits there)');
    return o;
  }

  /** The lxc_attach_options_t for one call, with only the members the runtime's struct has. */
  #cAttachOptions(op: string, o: ParsedAttachOptions, fds: [Arg, Arg, Arg], worker: boolean, namespaces: number): Record<string, unknown> {
    const members = new Set(ffi.types.members.lxc_attach_options_t.map((m) => m.name));
    const unset = 0xffffffff;
    const c: Record<string, unknown> = {
      attach_flags: attachFlags(o),
      namespaces,
      personality: personality(o.personality),
      // The worker changes directory and ids itself, after chroot().
      initial_cwd: worker ? null : (o.cwd ?? null),
      uid: worker || o.uid === undefined ? unset : o.uid,
      gid: worker || o.gid === undefined ? unset : o.gid,
      env_policy: o.env === 'clear' ? 1 : 0,
      extra_env_vars: o.extraEnv ? [...Object.entries(o.extraEnv).map(([k, v]) => `${k}=${v}`), null] : null,
      extra_keep_env: o.keepEnv ? [...o.keepEnv, null] : null,
      stdin_fd: fds[0], stdout_fd: fds[1], stderr_fd: fds[2],
      log_fd: -9,
    };
    for (const [member, value, since] of [['lsm_label', o.lsmLabel, 'lsmLabel'], ['groups', worker ? undefined : o.groups, 'groups']] as const) {
      if (members.has(member)) {
        if (member === 'lsm_label') c.lsm_label = value ?? null;
        else c.groups = value ? { size: (value as number[]).length, list: u32Arg(value as number[]) } : { size: 0, list: null };
      } else if (value !== undefined) {
        throw this.#error('ENOTSUP', op, `options.${since} needs liblxc 4.0.7 (this is ${ffi.versionString})`);
      }
    }
    return c;
  }

  /**
   * Attaches a process running liblxc's `execFn(payload)` (lxc_attach_run_command or _shell);
   * resolves once liblxc has forked it. The runner that made it reaps it and reports its exit.
   */
  async #spawn(op: string, execFn: 'lxc_attach_run_command' | 'lxc_attach_run_shell', payload: Arg, o: ParsedAttachOptions, stdio: [StdioSpec, StdioSpec, StdioSpec], worker = false, namespaces = namespaceMask(o.namespaces)): Promise<AttachedProcess> {
    // Whether it runs is asked only when liblxc fails: the question costs a round trip to the
    // container's command socket (≈ 0.1 ms), and attach asks it again anyway.
    this.#ref(op);
    const [{ planStdio, releaseStdio, AttachedProcess, TerminalError }] = await attachLib();
    let plan;
    try {
      // The container's devpts (liblxc ≥ 4.0.5), for a pty that has a name inside the container.
      plan = planStdio(stdio, () => (ffi.hasMember('devpts_fd') ? (() => { try { return this.devptsFd(); } catch { return undefined; } })() : undefined));
    } catch (e) {
      if (e instanceof TerminalError) throw this.#error('EINVAL', op, e.message);
      throw e;
    }
    try {
      const copts = this.#cAttachOptions(op, o, [fdArg(0), fdArg(1), fdArg(2)], worker, namespaces);
      const args = [symbolArg(execFn), payload, toArg(copts), outArg(1)];
      const { result, log, outs, watch } = await this.#forking(op, [{ member: 'attach', args }], { track: true, fds: plan.fds });
      const pid = outs[0]?.[0] ?? -1;
      if (result !== 0 || pid <= 0 || !watch) {
        this.#needRunning(op);
        throw this.#failed('EATTACH', op, log, 'liblxc could not attach to the container');
      }
      releaseStdio(plan);
      const proc = new AttachedProcess(pid, plan.parentEnds, watch, plan.relay);
      if (o.signal) {
        const kill = () => proc.kill('SIGKILL');
        if (o.signal.aborted) kill();
        else o.signal.addEventListener('abort', kill, { once: true });
        void proc.wait().finally(() => o.signal!.removeEventListener('abort', kill));
      }
      return proc;
    } catch (e) {
      releaseStdio(plan, true);
      throw e;
    }
  }

  #spawnCommand(op: string, argv: unknown, o: ParsedAttachOptions, stdio: [StdioSpec, StdioSpec, StdioSpec]): Promise<AttachedProcess> {
    const args = check(op, 'argv', argvSchema, argv);
    const payload = asArg('lxc_attach_command_t *', { program: args[0], argv: [...args, null] });
    return this.#spawn(op, 'lxc_attach_run_command', payload, o, stdio);
  }

  /** Host ids for container ids, through the container's lxc.idmap (identity when it has none). */
  #hostIds(op: string, o: ParsedAttachOptions): { uid?: number; gid?: number; groups?: number[] } {
    const maps = this.getConfigList('lxc.idmap').map((l) => l.trim().split(/\s+/));
    const map = (kind: 'u' | 'g', id: number) => {
      const m = maps.find(([k, inside, , range]) => k === kind && id >= Number(inside) && id < Number(inside) + Number(range));
      if (!maps.length) return id;
      if (!m) throw this.#error('EINVAL', op, `${kind === 'u' ? 'uid' : 'gid'} ${id} is not mapped by lxc.idmap`);
      return Number(m[2]) + id - Number(m[1]);
    };
    if (!maps.length && o.uid === undefined && o.gid === undefined && o.groups === undefined) return {};
    const uid = o.uid ?? 0;
    const gid = o.gid ?? 0;
    return { uid: map('u', uid), gid: map('g', gid), groups: (o.groups ?? []).map((g) => map('g', g)) };
  }

  /** Starts an attach worker (a Node process rooted in the container) and waits until it is ready. */
  async #worker(op: string, o: ParsedAttachOptions, once: boolean): Promise<{ session: Session; proc: AttachedProcess }> {
    let namespaces = WORKER_NAMESPACES.reduce((m, n) => m | namespaceFlags[n], 0);
    if (o.namespaces !== undefined) {
      namespaces = namespaceMask(o.namespaces);
      if (namespaces & (namespaceFlags.mount | namespaceFlags.user)) {
        throw this.#error('ENOTSUP', op, 'functions cannot enter the mount or user namespace (a Node process cannot setns() into them); the worker roots itself in the container with chroot() and runs as its mapped ids instead');
      }
    }
    this.#needRunning(op);
    const initPid = this.initPid;
    const ids = this.#hostIds(op, o);
    const [, { Session }, { sealedNodePath }] = await attachLib();
    const node = await sealedNodePath();
    const config = { root: `/proc/${initPid}/root`, cwd: o.cwd ?? '/', once, ...ids };
    const argv = [node, ...workerNodeArgs, JSON.stringify(config)];
    const payload = asArg('lxc_attach_command_t *', { program: node, argv: [...argv, null] });
    const proc = await this.#spawn(op, 'lxc_attach_run_command', payload, o, ['pipe', 'pipe', o.stdout === undefined || o.stdout === 'inherit' ? 1 : o.stdout], true, namespaces);
    const session = new Session(proc, { container: this.name, lxcpath: this.#lxcpath }, o.signal);
    await session.ready();
    return { session, proc };
  }

  /**
   * Runs a command (or a function, in a Node worker) inside the container with the caller's stdio;
   * resolves its exit code, or 128 + the signal number when a signal killed it (as a shell reports
   * it; python3-lxc returns the raw waitpid() status instead).
   *
   * @example
   * await c.attachWait(['apt-get', 'update']);
   * await c.attachWait(lxc.attachRunCommand, ['apt-get', 'dist-upgrade', '-y']);
   * await c.attachWait(() => console.log(require('node:os').hostname()));
   */
  async attachWait(command: string[] | typeof attachRunCommand | (() => unknown), argvOrOptions?: string[] | AttachOptions, options?: AttachOptions): Promise<number> {
    const op = 'attachWait';
    let argv: unknown = command;
    let raw: unknown = argvOrOptions;
    if (command === attachRunCommand) {
      argv = argvOrOptions;
      raw = options;
    }
    const o = this.#attachOptions(op, raw);
    if (typeof command === 'function') {
      const { session, proc } = await this.#worker(op, o, true);
      session.evaluate(command).catch(() => undefined);
      return exitNumber(await proc.wait());
    }
    const proc = await this.#spawnCommand(op, argv, o, [o.stdin ?? 'inherit', o.stdout ?? 'inherit', o.stderr ?? 'inherit']);
    return exitNumber(await proc.wait());
  }

  /**
   * Runs a command inside the container and captures what it prints.
   *
   * @example
   * const { exitCode, stdout } = await c.exec(['cat', '/etc/hostname']);
   * await c.exec(['sh', '-c', 'cat > /tmp/x'], { input: 'data' });
   */
  async exec(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const op = 'exec';
    const { input, ...rest } = (options ?? {}) as ExecOptions;
    if (input !== undefined && typeof input !== 'string' && !Buffer.isBuffer(input)) throw invalid(op, 'options.input', 'must be a string or a Buffer');
    const o = this.#attachOptions(op, rest);
    const proc = await this.#spawnCommand(op, argv, o, [input !== undefined ? 'pipe' : (o.stdin ?? 'ignore'), 'pipe', 'pipe']);
    const collect = (s: NodeJS.ReadableStream) => new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      s.on('data', (b: Buffer) => chunks.push(b));
      s.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
      s.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    const out = collect(proc.stdout!);
    const err = collect(proc.stderr!);
    if (proc.stdin) {
      // Without input, a 'pipe' stdin is closed at once: the command reads EOF instead of hanging.
      proc.stdin.on('error', () => undefined);
      proc.stdin.end(input);
    }
    const [status, stdout, stderr] = await Promise.all([proc.wait(), out, err]);
    if (o.signal?.aborted) throw this.#error('EABORT', op, 'aborted');
    return { ...status, stdout, stderr };
  }

  /**
   * Starts a command (or a function) inside the container without waiting for it.
   *
   * @example
   * const p = await c.attach(['sleep', '60'], { stdout: 'pipe' });
   * p.kill(); await p.wait();
   */
  async attach(command: string[] | ((...args: never[]) => unknown), options: AttachOptions = {}): Promise<AttachedProcess> {
    const op = 'attach';
    const o = this.#attachOptions(op, options);
    if (typeof command === 'function') {
      const { session, proc } = await this.#worker(op, o, true);
      session.evaluate(command as () => unknown).catch(() => undefined);
      return proc;
    }
    return this.#spawnCommand(op, command, o, [o.stdin ?? 'inherit', o.stdout ?? 'inherit', o.stderr ?? 'inherit']);
  }

  /**
   * Runs `fn(arg)` inside the container in a fresh Node worker and resolves its return value.
   *
   * @example
   * const name = await c.evaluate(() => require('node:os').hostname());
   * const n = await c.evaluate((x: number) => x * 2, 21);
   */
  async evaluate<A, T>(fn: (arg: A) => T | Promise<T>, arg?: A, options: AttachOptions = {}): Promise<Awaited<T>> {
    const op = 'evaluate';
    if (typeof fn !== 'function') throw invalid(op, 'fn', 'must be a function');
    const o = this.#attachOptions(op, options);
    // Each call gets a worker of its own; the next one is started meanwhile, so a second call does
    // not wait for Node to start inside the container (a one-shot worker costs ~170 ms).
    const session = o.signal ? (await this.#worker(op, o, false)).session : await this.#takeSpare(op, o);
    try {
      return await session.evaluate(fn, arg);
    } finally {
      // The worker ends on its own once its channel closes; the result need not wait for its exit.
      session.close().catch(() => undefined);
    }
  }

  /** The spare worker for these options if one is ready and current, else a new one; then prepares the next. */
  async #takeSpare(op: string, o: ParsedAttachOptions): Promise<Session> {
    this.#needRunning(op);
    const key = JSON.stringify(o);
    const initPid = this.initPid;
    const spare = this.#spare;
    this.#spare = null;
    let session: Session | null = null;
    if (spare) {
      clearTimeout(spare.timer);
      const ready = spare.key === key && spare.initPid === initPid ? await spare.ready.catch(() => null) : null;
      if (ready?.alive) {
        ready.ref();
        session = ready;
      } else {
        void spare.ready.then((s) => s.kill(), () => undefined);
      }
    }
    session ??= (await this.#worker(op, o, false)).session;
    this.#prepareSpare(op, o, key, initPid);
    return session;
  }

  #prepareSpare(op: string, o: ParsedAttachOptions, key: string, initPid: number): void {
    const ready = this.#worker(op, o, false).then(({ session }) => {
      session.unref();
      return session;
    });
    ready.catch(() => undefined);
    // An idle spare ends after a while; its timer does not keep Node alive.
    const timer = setTimeout(() => {
      if (this.#spare?.ready === ready) this.#spare = null;
      void ready.then((s) => s.close(), () => undefined);
    }, SPARE_IDLE_MS);
    timer.unref();
    this.#spare = { key, initPid, ready, timer };
  }

  #dropSpare(): void {
    const spare = this.#spare;
    this.#spare = null;
    if (!spare) return;
    clearTimeout(spare.timer);
    void spare.ready.then((s) => s.kill(), () => undefined);
  }

  /**
   * A long-lived Node worker attached to the container, for many `evaluate` calls.
   *
   * @example
   * await using s = await c.openSession();
   * for (let i = 0; i < 100; i++) await s.evaluate((n: number) => n + 1, i);
   */
  async openSession(options: AttachOptions = {}): Promise<Session> {
    const o = this.#attachOptions('openSession', options);
    return (await this.#worker('openSession', o, false)).session;
  }

  /**
   * An interactive shell inside the container on the caller's terminal; resolves its exit status.
   *
   * @example
   * await c.attachShell();
   */
  async attachShell(options: AttachOptions = {}): Promise<number> {
    const o = this.#attachOptions('attachShell', options);
    const proc = await this.#spawn('attachShell', 'lxc_attach_run_shell', null, o, [o.stdin ?? 'inherit', o.stdout ?? 'inherit', o.stderr ?? 'inherit']);
    return exitNumber(await proc.wait());
  }

  // ---- network state ----------------------------------------------------------------------------

  /**
   * Names of the network interfaces inside the running container.
   *
   * @example
   * await c.getInterfaces() // ['eth0', 'lo']
   */
  async getInterfaces(): Promise<string[]> {
    const op = 'getInterfaces';
    this.#needRunning(op);
    const { result } = await this.#forking(op, [{ member: 'get_interfaces', args: [] }], { result: 'strings' });
    return result as string[];
  }

  /**
   * Addresses of the running container, polling until one appears or `timeout` seconds pass
   * (then `[]`), as python3-lxc's `get_ips(timeout=)` does. The answer is liblxc's `get_ips`
   * (sorted, `lo` only by name), read over netlink in the container's network namespace without a
   * fork when running as root, else from liblxc itself.
   *
   * @example
   * const [ip] = await c.getIps({ family: 'inet', timeout: 30 });
   */
  async getIps(options: GetIpsOptions = {}): Promise<string[]> {
    const op = 'getIps';
    const o = check(op, 'options', getIpsOptionsSchema, options);
    this.#needDefined(op);
    // initPid answers "running?" too: one round trip to the monitor instead of two.
    let pid = this.initPid;
    if (pid <= 0) throw this.#error('ENOTRUNNING', op, 'the container is not running');
    const end = deadline(o.timeout ?? 0);
    for (let delay = 50; ; delay = Math.min(delay * 2, 500), pid = this.initPid) {
      const ips = this.#readIps(pid, o) ?? (await this.#forking(op, [{ member: 'get_ips', args: [o.interface ?? null, o.family ?? null, o.scope ?? 0] }], { result: 'strings' })).result as string[];
      if (ips.length || Date.now() >= end) return ips;
      if (o.signal?.aborted) throw this.#error('EABORT', op, 'aborted');
      await sleep(Math.min(delay, Math.max(0, end - Date.now())), o.signal).catch(() => {
        throw this.#error('EABORT', op, 'aborted');
      });
    }
  }

  /**
   * get_ips() without its fork: the same addresses, filtered as liblxc filters them, read over
   * netlink in the container's network namespace. null when that cannot be done here (not root, or
   * init just exited); liblxc then answers.
   */
  #readIps(pid: number, o: Infer<typeof getIpsOptionsSchema>): string[] | null {
    if (pid <= 0) return null;
    let all: InterfaceAddress[];
    try {
      all = namespaceAddresses(pid);
    } catch (e) {
      if (e instanceof NetlinkUnavailable || (e as NodeJS.ErrnoException).syscall === 'open') return null;
      throw e;
    }
    const scope = o.scope ?? 0;
    const out: string[] = [];
    for (const a of all) {
      if (o.family !== undefined && a.family !== o.family) continue;
      if (a.family === 'inet6' && a.scopeId !== scope) continue;
      if (o.interface !== undefined ? a.name !== o.interface : a.name === 'lo') continue;
      out.push(a.address);
    }
    // liblxc sorts them (strcmp; add_to_array in lxccontainer.c): so do we, for the same answer.
    return out.sort();
  }

  // ---- clones and snapshots ---------------------------------------------------------------------

  /**
   * Copies the (stopped) container to `newName`; with `snapshot`, a copy-on-write clone
   * (overlayfs, btrfs, lvm, zfs). Resolves the new Container.
   *
   * @example
   * const web = await base.clone('web', { bdevtype: 'overlayfs', snapshot: true });
   */
  async clone(newName: string, options: CloneOptions = {}): Promise<Container> {
    const op = 'clone';
    const name = check(op, 'newName', containerName, newName);
    const o = check(op, 'options', cloneOptionsSchema, options);
    this.#needDefined(op);
    const lxcpath = o.lxcpath ?? this.#lxcpath;
    const target = new Container(name, lxcpath);
    const exists = target.defined;
    target.release();
    if (exists) throw this.#error('EEXIST', op, `"${name}" already exists in ${lxcpath}`);
    let flags = o.flags ?? 0;
    if (o.snapshot) flags |= C.LXC_CLONE_SNAPSHOT;
    if (o.keepName) flags |= C.LXC_CLONE_KEEPNAME;
    if (o.keepMacAddr) flags |= C.LXC_CLONE_KEEPMACADDR;
    if (o.keepBdevType) flags |= C.LXC_CLONE_KEEPBDEVTYPE;
    if (o.maybeSnapshot) flags |= C.LXC_CLONE_MAYBE_SNAPSHOT;
    const hookArgs = o.hookArgs ? [...o.hookArgs, null] : null;
    const args = [name, o.lxcpath ?? null, flags, o.bdevtype ?? null, o.bdevdata ?? null, u64Arg(o.newSize ?? 0), hookArgs];
    const { result, log } = await this.#forking(op, [{ member: 'clone', args }], { result: 'put' });
    if (!result) throw this.#failed('ECLONE', op, log, `liblxc could not clone it to "${name}"`);
    return new Container(name, lxcpath);
  }

  /**
   * Snapshots the (stopped) container; resolves the snapshot's name, e.g. 'snap0'.
   *
   * @example
   * const name = await c.snapshot();
   */
  async snapshot(commentFile?: string): Promise<string> {
    const op = 'snapshot';
    const file = commentFile === undefined ? null : check(op, 'commentFile', absolutePath, commentFile);
    this.#needDefined(op);
    const { result, log } = await this.#async(op, 'snapshot', file);
    if ((result as number) < 0) throw this.#failed('ESNAPSHOT', op, log, 'liblxc could not snapshot it');
    return `snap${result as number}`;
  }

  /**
   * The container's snapshots.
   *
   * @example
   * for (const s of await c.snapshotList()) console.log(s.name, s.timestamp);
   */
  async snapshotList(): Promise<Snapshot[]> {
    const op = 'snapshotList';
    this.#needDefined(op);
    const out = new BigUint64Array(1);
    const { result, log } = await this.#async(op, 'snapshot_list', out);
    const n = result as number;
    if (n < 0) throw this.#failed('ESNAPSHOT', op, log, 'liblxc could not list snapshots');
    const list: Snapshot[] = [];
    const array = out[0];
    if (!array) return list;
    const type = ffi.types.structs.lxc_snapshot;
    const size = ffi.koffi.sizeof(type);
    for (let i = 0; i < n; i++) {
      const entry = array + BigInt(i * size);
      const text = (member: string) => ffi.koffi.decode(entry, ffi.koffi.offsetof(type, member), 'const char *') as string | null;
      list.push({ name: text('name') ?? '', commentPath: text('comment_pathname') ?? '', timestamp: text('timestamp') ?? '', lxcpath: text('lxcpath') ?? '' });
      // Each entry frees its own strings through its free() member; the array is ours to free.
      const freeEntry = ffi.koffi.decode(entry, ffi.koffi.offsetof(type, 'free'), 'void *') as bigint;
      if (freeEntry) (ffi.koffi.decode(freeEntry, 'lxc_snapshot_free') as ffi.CFunction)(entry);
    }
    ffi.free(array);
    // liblxc lists them in directory order: sort snap2 before snap10.
    return list.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  }

  /**
   * Restores a snapshot over the container, or to a new container `newName`.
   *
   * @example
   * await c.snapshotRestore('snap0');
   */
  async snapshotRestore(name: string, newName?: string): Promise<Container> {
    const op = 'snapshotRestore';
    const snap = check(op, 'name', containerName, name);
    const target = newName === undefined ? this.name : check(op, 'newName', containerName, newName);
    this.#needDefined(op);
    if (this.running) throw this.#error('ERUNNING', op, 'the container is running: stop it first');
    await this.#checked(op, 'snapshot_restore', 'ESNAPSHOT', `liblxc could not restore ${snap}`, snap, target);
    if (target === this.name) {
      this.#reopen();
      return this;
    }
    return new Container(target, this.#lxcpath);
  }

  /** Destroys one snapshot. @example await c.snapshotDestroy('snap0') */
  async snapshotDestroy(name: string): Promise<void> {
    const op = 'snapshotDestroy';
    const snap = check(op, 'name', containerName, name);
    this.#needDefined(op);
    await this.#checked(op, 'snapshot_destroy', 'ESNAPSHOT', `liblxc could not destroy ${snap}`, snap);
  }

  /** Destroys every snapshot of the container. @example await c.snapshotDestroyAll() */
  async snapshotDestroyAll(): Promise<void> {
    const op = 'snapshotDestroyAll';
    this.#needDefined(op);
    await this.#checked(op, 'snapshot_destroy_all', 'ESNAPSHOT', 'liblxc could not destroy the snapshots');
  }

  // ---- network config, devices, interfaces, fds -----------------------------------------------------

  /**
   * The container's nics as a list over lxc.net.N.* (python's ContainerNetworkList).
   *
   * @example
   * c.network[0].link = 'br0'; c.saveConfig();
   */
  get network(): NetworkList {
    this.#ref('network');
    return new NetworkList({
      getConfigItem: (k) => this.getConfigItem(k),
      tryConfigItem: (k) => this.#getItem(k),
      setConfigItem: (k, v) => this.setConfigItem(k, v),
      clearConfigItem: (k) => this.clearConfigItem(k),
    });
  }

  /**
   * Makes a host device node available in the running container at the same path. With `dst`,
   * liblxc 5.0 creates the host node at `dst` (it ignores `src` then).
   *
   * @example
   * await c.addDeviceNode('/dev/net/tun');
   */
  async addDeviceNode(src: string, dst?: string): Promise<void> {
    await this.#deviceNode('addDeviceNode', 'add_device_node', src, dst);
  }

  /** Removes a device node added by addDeviceNode(). @example await c.removeDeviceNode('/dev/net/tun') */
  async removeDeviceNode(src: string, dst?: string): Promise<void> {
    await this.#deviceNode('removeDeviceNode', 'remove_device_node', src, dst);
  }

  async #deviceNode(op: string, member: string, src: string, dst?: string): Promise<void> {
    const from = check(op, 'src', absolutePath, src);
    const to = dst === undefined ? null : check(op, 'dst', absolutePath, dst);
    this.#needRunning(op);
    await this.#checked(op, member, 'EDEVICE', `liblxc could not ${member.startsWith('add') ? 'add' : 'remove'} ${from}`, from, to);
  }

  /**
   * Moves a host network interface into the running container (renamed `dst` if given).
   *
   * @example
   * await c.attachInterface('veth-host1', 'eth1');
   */
  async attachInterface(dev: string, dst?: string): Promise<void> {
    await this.#iface('attachInterface', 'attach_interface', dev, dst);
  }

  /** Moves an interface out of the container back to the host. @example await c.detachInterface('eth1', 'veth-host1') */
  async detachInterface(dev: string, dst?: string): Promise<void> {
    await this.#iface('detachInterface', 'detach_interface', dev, dst);
  }

  async #iface(op: string, member: string, dev: string, dst?: string): Promise<void> {
    const name = check(op, 'dev', ifaceName, dev);
    const to = dst === undefined ? null : check(op, 'dst', ifaceName, dst);
    this.#needRunning(op);
    await this.#checked(op, member, 'EDEVICE', `liblxc could not move ${name}`, name, to);
  }

  /** A pidfd for the container's init (liblxc ≥ 4.0); the caller closes it. @example const fd = c.initPidFd() */
  initPidFd(): number {
    return this.#fdCall('initPidFd', 'init_pidfd');
  }

  /** The seccomp notify fd of the running container (liblxc ≥ 3.2); the caller closes it. @example c.seccompNotifyFd() */
  seccompNotifyFd(): number {
    return this.#fdCall('seccompNotifyFd', 'seccomp_notify_fd');
  }

  /** An fd of the container's devpts instance (liblxc ≥ 4.0.5); the caller closes it. @example c.devptsFd() */
  devptsFd(): number {
    return this.#fdCall('devptsFd', 'devpts_fd');
  }

  #fdCall(op: string, member: string): number {
    this.#fn(op, member);
    this.#needRunning(op);
    const fd = this.#sync(op, member) as number;
    if (fd < 0) throw new LxcError('EFD', `${op} "${this.name}": liblxc returned ${fd}`, { op, container: this.name, lxcpath: this.#lxcpath, errno: -fd });
    return fd;
  }

  // ---- console ------------------------------------------------------------------------------------

  /**
   * A tty of the running container: `fd` is the pty's controlling side, `ttynum` the tty it is.
   * liblxc keeps the tty allocated while `socketFd` is open: `close()` releases both.
   *
   * @example
   * const tty = c.consoleGetFd(); /* read and write tty.fd *\/ tty.close();
   */
  consoleGetFd(tty = -1): ConsoleTty {
    const op = 'consoleGetFd';
    const n = check(op, 'tty', int(-1), tty);
    this.#needRunning(op);
    const ttynum = new Int32Array([n]);
    const ptx = new Int32Array([-1]);
    const socketFd = this.#sync(op, 'console_getfd', ttynum, ptx) as number;
    if (socketFd < 0) throw this.#error('ECONSOLE', op, `no free tty${n >= 0 ? ` ${n}` : ''} (lxc.tty.max may be 0)`);
    const fd = ptx[0];
    let open = true;
    return {
      fd, ttynum: ttynum[0], socketFd,
      close() {
        if (!open) return;
        open = false;
        for (const f of [fd, socketFd]) try { closeSync(f); } catch { /* already closed by the caller */ }
      },
    };
  }

  /**
   * Connects the caller's terminal (or the given fds) to a container tty until the escape
   * sequence (Ctrl-<escape> q, default Ctrl-a q); runs on libuv's pool.
   *
   * @example
   * await c.console({ tty: 0 });
   */
  async console(options: ConsoleOptions = {}): Promise<void> {
    const op = 'console';
    const o = check(op, 'options', consoleOptionsSchema, options);
    this.#needRunning(op);
    const escape = (o.escape ?? 'a').charCodeAt(0) - 'a'.charCodeAt(0) + 1;
    const { result, log } = await this.#async(op, 'console', o.tty ?? -1, o.stdinFd ?? 0, o.stdoutFd ?? 1, o.stderrFd ?? 2, escape);
    if ((result as number) !== 0) throw this.#failed('ECONSOLE', op, log, 'liblxc could not attach the console');
  }

  /**
   * Reads (and/or clears) the container's console ring buffer (lxc.console.buffer.size).
   *
   * @example
   * const text = await c.consoleLog({ read: true });
   */
  async consoleLog(options: ConsoleLogOptions = {}): Promise<string> {
    const op = 'consoleLog';
    const o = check(op, 'options', consoleLogOptionsSchema, options);
    this.#needRunning(op);
    // liblxc writes data (a buffer it allocates) and read_max back into the struct: it must live in C memory.
    const type = ffi.types.structs.lxc_console_log;
    const struct = ffi.koffi.alloc(type, 1);
    const readMax = ffi.koffi.alloc('uint64_t', 1);
    try {
      ffi.koffi.encode(readMax, 'uint64_t', BigInt(o.readMax ?? 1024 * 1024));
      ffi.koffi.encode(struct, type, { clear: o.clear ?? false, read: o.read ?? true, read_max: readMax, data: null });
      const { result, log: lines } = await this.#async(op, 'console_log', struct);
      // -ENODATA: the ring buffer is there but empty (or was just cleared).
      if ((result as number) === -61) return '';
      if ((result as number) < 0) throw this.#failed('ECONSOLE', op, lines, 'no console ring buffer (set lxc.console.buffer.size)');
      const data = ffi.koffi.decode(struct, ffi.koffi.offsetof(type, 'data'), 'void *') as bigint | null;
      if (!data) return '';
      const len = Number(ffi.koffi.decode(readMax, 'uint64_t'));
      const text = Buffer.from(ffi.koffi.view(data, len)).toString('utf8');
      ffi.free(data);
      return text;
    } finally {
      ffi.koffi.free(struct);
      ffi.koffi.free(readMax);
    }
  }

  // ---- checkpoint, restore, migrate, mounts -------------------------------------------------------

  /**
   * Checkpoints the running container into `directory` with CRIU; `stop` ends it afterwards.
   *
   * @example
   * await c.checkpoint('/var/tmp/ckpt', { stop: true });
   */
  async checkpoint(directory: string, options: { stop?: boolean; verbose?: boolean } = {}): Promise<void> {
    const op = 'checkpoint';
    const dir = check(op, 'directory', absolutePath, directory);
    const o = check(op, 'options', checkpointOptionsSchema, options);
    this.#needRunning(op);
    await this.#checked(op, 'checkpoint', 'ECHECKPOINT', 'CRIU could not checkpoint it', dir, o.stop ?? false, o.verbose ?? false);
  }

  /**
   * Restores the container from a checkpoint made by checkpoint().
   *
   * @example
   * await c.restore('/var/tmp/ckpt');
   */
  async restore(directory: string, options: { verbose?: boolean } = {}): Promise<void> {
    const op = 'restore';
    const dir = check(op, 'directory', absolutePath, directory);
    const o = check(op, 'options', restoreOptionsSchema, options);
    this.#needDefined(op);
    await this.#checked(op, 'restore', 'ECHECKPOINT', 'CRIU could not restore it', dir, o.verbose ?? false);
  }

  /**
   * liblxc's migrate(): MIGRATE_PRE_DUMP (0), MIGRATE_DUMP (1), MIGRATE_RESTORE (2), MIGRATE_FEATURE_CHECK (3).
   *
   * @example
   * await c.migrate(lxc.MIGRATE_DUMP, { directory: '/var/tmp/ckpt', stop: true });
   */
  async migrate(cmd: number, options: MigrateOptions): Promise<void> {
    const op = 'migrate';
    const command = check(op, 'cmd', int(0, 3), cmd);
    const o = check(op, 'options', migrateOptionsSchema, options);
    this.#needDefined(op);
    const members = ffi.types.members.migrate_opts.map((m) => m.name);
    const c: Record<string, unknown> = {
      directory: o.directory, verbose: o.verbose ?? false, stop: o.stop ?? false, predump_dir: o.predumpDir ?? null,
      pageserver_address: o.pageserverAddress ?? null, pageserver_port: o.pageserverPort ?? null,
      preserves_inodes: o.preservesInodes ?? false, action_script: o.actionScript ?? null, disable_skip_in_flight: false,
      ghost_limit: BigInt(o.ghostLimit ?? 0), features_to_check: BigInt(o.featuresToCheck ?? 0),
    };
    for (const k of Object.keys(c)) if (!members.includes(k)) delete c[k];
    const { result, log } = await this.#async(op, 'migrate', command, c, ffi.koffi.sizeof(ffi.types.structs.migrate_opts));
    if ((result as number) !== 0) throw this.#failed('ECHECKPOINT', op, log, `migrate command ${command} failed (${result})`);
  }

  /**
   * Mounts `source` at `target` inside the running container (the mount_injection API extension).
   *
   * @example
   * await c.mount('/srv/data', '/mnt/data', { flags: lxc.MS_BIND });
   */
  async mount(source: string, target: string, options: MountOptions = {}): Promise<void> {
    const op = 'mount';
    const src = check(op, 'source', absolutePath, source);
    const dst = check(op, 'target', absolutePath, target);
    const o = check(op, 'options', mountOptionsSchema, options);
    this.#fn(op, 'mount');
    if (!ffi.lxc_has_api_extension('mount_injection')) throw this.#error('ENOTSUP', op, `liblxc ${ffi.versionString} lacks the mount_injection API extension`);
    this.#needRunning(op);
    const { result, log } = await this.#async(op, 'mount', src, dst, o.fstype ?? null, BigInt(o.flags ?? 0), o.data ?? null, { version: 1 });
    if ((result as number) !== 0) throw this.#failed('EMOUNT', op, log, `could not mount ${src} at ${dst}`);
  }

  /** Unmounts `target` inside the running container. @example await c.umount('/mnt/data') */
  async umount(target: string, options: UmountOptions = {}): Promise<void> {
    const op = 'umount';
    const dst = check(op, 'target', absolutePath, target);
    const o = check(op, 'options', umountOptionsSchema, options);
    this.#fn(op, 'umount');
    if (!ffi.lxc_has_api_extension('mount_injection')) throw this.#error('ENOTSUP', op, `liblxc ${ffi.versionString} lacks the mount_injection API extension`);
    this.#needRunning(op);
    const { result, log } = await this.#async(op, 'umount', dst, BigInt(o.flags ?? 0), { version: 1 });
    // liblxc 5.0 returns +1 (not -1) when the unmount inside failed: anything but 0 is failure.
    if ((result as number) !== 0) throw this.#failed('EMOUNT', op, log, `could not unmount ${dst}`);
  }

  // ---- configuration --------------------------------------------------------------------------

  #key(op: string, key: unknown): string {
    // Checked once per distinct key: the check costs more than the C call it guards.
    if (typeof key === 'string' && knownKeys.has(key)) return key;
    const k = check(op, 'key', configKey, key);
    if (!isKnownKey(k)) throw invalid(op, 'key', `"${k}" is not a config key liblxc ${ffi.versionString} knows`);
    if (knownKeys.size < 4096) knownKeys.add(k);
    return k;
  }

  /**
   * A config item's value; list items joined by '\n'; '' when unset.
   *
   * @example
   * c.getConfigItem('lxc.uts.name') // 'web'
   */
  getConfigItem(key: string): string {
    const k = this.#key('getConfigItem', key);
    const v = this.#getItem(k);
    // -1 from liblxc: a key of a known family that this config cannot have (e.g. lxc.net.7.* without nic 7).
    if (v === undefined) {
      // No config at all (clearConfig(), or not created yet): a known key is simply unset.
      if (!ffi.field(this.#ptr!, 'lxc_conf')) return '';
      throw this.#error('EINVAL', 'getConfigItem', `liblxc does not know "${k}" for this container`);
    }
    return v.charCodeAt(v.length - 1) === 10 ? v.slice(0, -1) : v;
  }

  /**
   * A config item as a list of values (one per line).
   *
   * @example
   * c.getConfigList('lxc.cap.drop') // ['mac_admin', 'sys_time']
   */
  getConfigList(key: string): string[] {
    const v = this.getConfigItem(key);
    return v === '' ? [] : v.split('\n');
  }

  /**
   * Sets a config item, replacing what it held; an array sets a list item. In memory until saveConfig().
   *
   * @example
   * c.setConfigItem('lxc.net.0.link', 'br0');
   * c.setConfigItem('lxc.cap.drop', ['sys_time', 'mac_admin']);
   */
  setConfigItem(key: string, value: string | string[]): void {
    const op = 'setConfigItem';
    const k = this.#key(op, key);
    this.#gen++;
    const values = Array.isArray(value) ? value.map((v, i) => check(op, `value[${i}]`, configValue, v)) : [check(op, 'value', configValue, value)];
    const before = this.#getItem(k);
    if (Array.isArray(value) || (before !== undefined && before.includes('\n'))) {
      this.#sync(op, 'clear_config_item', k);
    }
    for (const v of values) {
      if (!this.#sync(op, 'set_config_item', k, v)) {
        // Put back what was there so a failed set loses nothing.
        this.#sync(op, 'clear_config_item', k);
        for (const old of (before ?? '').split('\n').filter(Boolean)) this.#sync(op, 'set_config_item', k, old);
        throw this.#error('EINVAL', op, `liblxc rejected ${k} = ${JSON.stringify(v)}`);
      }
    }
  }

  /**
   * Adds a value to a list item (for single-valued keys this replaces the value).
   *
   * @example
   * c.appendConfigItem('lxc.environment', 'FOO=bar');
   */
  appendConfigItem(key: string, value: string): void {
    const op = 'appendConfigItem';
    const k = this.#key(op, key);
    const v = check(op, 'value', configValue, value);
    this.#gen++;
    if (!this.#sync(op, 'set_config_item', k, v)) throw this.#error('EINVAL', op, `liblxc rejected ${k} = ${JSON.stringify(v)}`);
  }

  /** Unsets a config item. @example c.clearConfigItem('lxc.cap.drop') */
  clearConfigItem(key: string): void {
    const op = 'clearConfigItem';
    const k = this.#key(op, key);
    this.#gen++;
    if (!this.#sync(op, 'clear_config_item', k)) throw this.#error('ECONFIG', op, `liblxc could not clear ${k}`);
  }

  /** Drops the whole in-memory config. @example c.clearConfig() */
  clearConfig(): void {
    this.#gen++;
    this.#sync('clearConfig', 'clear_config');
  }

  /**
   * Config keys liblxc knows, optionally under a prefix such as 'lxc.net.0'.
   *
   * @example
   * c.getKeys('lxc.net.0') // ['type', 'link', ...]
   */
  getKeys(prefix?: string): string[] {
    const op = 'getKeys';
    const p = prefix === undefined ? null : check(op, 'prefix', configKey, prefix);
    const fn = this.#fn(op, 'get_keys');
    const len = fn(this.#ptr, p, null, 0) as number;
    if (len < 0) throw this.#error('ECONFIG', op, `liblxc has no keys under ${p}`);
    const buf = Buffer.alloc(len + 1);
    fn(this.#ptr, p, buf, len + 1);
    return buf.toString('utf8', 0, len).split('\n').filter(Boolean);
  }

  /**
   * A config item as the running container sees it; undefined when not running.
   *
   * @example
   * c.getRunningConfigItem('lxc.net.0.veth.pair')
   */
  getRunningConfigItem(key: string): string | undefined {
    const k = this.#key('getRunningConfigItem', key);
    const v = this.#sync('getRunningConfigItem', 'get_running_config_item', k) as string | null;
    return v === null ? undefined : v.replace(/\n$/, '');
  }

  /**
   * Reads a cgroup file of the running container.
   *
   * @example
   * c.getCgroupItem('pids.current') // '3'
   */
  getCgroupItem(key: string): string {
    const op = 'getCgroupItem';
    const k = check(op, 'key', cgroupKey, key);
    this.#needRunning(op);
    const fn = this.#fn(op, 'get_cgroup_item');
    const len = fn(this.#ptr, k, null, 0) as number;
    if (len < 0) throw this.#error('ECGROUP', op, `cannot read cgroup item ${k}`);
    const buf = Buffer.alloc(len + 1);
    const got = fn(this.#ptr, k, buf, len + 1) as number;
    if (got < 0) throw this.#error('ECGROUP', op, `cannot read cgroup item ${k}`);
    return buf.toString('utf8', 0, Math.min(got, len)).replace(/\n$/, '');
  }

  /**
   * Writes a cgroup file of the running container.
   *
   * @example
   * c.setCgroupItem('pids.max', '100');
   */
  setCgroupItem(key: string, value: string): void {
    const op = 'setCgroupItem';
    const k = check(op, 'key', cgroupKey, key);
    const v = check(op, 'value', configValue, value);
    this.#needRunning(op);
    if (!this.#sync(op, 'set_cgroup_item', k, v)) throw this.#error('ECGROUP', op, `cannot set cgroup item ${k} = ${JSON.stringify(v)}`);
  }

  /**
   * Writes the in-memory config to the container's config file, or to `path`.
   *
   * @example
   * c.setConfigItem('lxc.uts.name', 'web');
   * c.saveConfig();
   */
  saveConfig(path?: string): void {
    const op = 'saveConfig';
    const p = path === undefined ? null : check(op, 'path', absolutePath, path);
    if (!this.#sync(op, 'save_config', p)) throw this.#error('ESAVE', op, `cannot write ${p ?? this.configFileName}`);
    if (p === null) this.#diskGen = this.#gen;
  }

  /**
   * Loads a config file (default: the container's own) into memory, on top of what is there.
   *
   * @example
   * c.loadConfig('/tmp/web.conf');
   */
  loadConfig(path?: string): void {
    const op = 'loadConfig';
    const p = path === undefined ? null : check(op, 'path', absolutePath, path);
    this.#gen++;
    if (!this.#sync(op, 'load_config', p)) throw this.#error('ELOAD', op, `cannot load ${p ?? this.configFileName}`);
  }

  /**
   * Moves this object to another lxcpath (the container's files do not move).
   *
   * @example
   * c.setConfigPath('/srv/lxc');
   */
  setConfigPath(path: string): void {
    const op = 'setConfigPath';
    const p = check(op, 'path', absolutePath, path);
    if (!this.#sync(op, 'set_config_path', p)) throw this.#error('ECONFIG', op, `cannot use lxcpath ${p}`);
    this.#lxcpath = p;
    this.#gen++;
  }

  // ---- lifetime -------------------------------------------------------------------------------

  /**
   * Drops the liblxc reference; later calls throw ERELEASED. Waits for in-flight async calls.
   *
   * @example
   * const c = new Container('web'); try { console.log(c.state); } finally { c.release(); }
   */
  release(): void {
    if (this.#ptr === null || this.#releasePending) return;
    this.#dropSpare();
    this.#releasePending = true;
    if (runnerModule) void runnerModule.then((r) => r.forget(this.#cid));
    if (this.#busy === 0) this.#put();
  }

  #put(): void {
    if (this.#ptr === null) return;
    this.#unregister();
    ffi.lxc_container_put(this.#ptr);
    this.#ptr = null;
  }

  /** `using c = new Container('web')` releases it at the end of the block. */
  [Symbol.dispose](): void {
    this.release();
  }

  /** Whether release() was called. */
  get released(): boolean {
    return this.#ptr === null || this.#releasePending;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    if (this.released) return `Container { name: '${this.name}', lxcpath: '${this.#lxcpath}', released }`;
    const state = this.state;
    const pid = state === 'RUNNING' || state === 'FROZEN' ? `, pid: ${this.initPid}` : '';
    return `Container { name: '${this.name}', lxcpath: '${this.#lxcpath}', state: '${state}'${pid} }`;
  }
}

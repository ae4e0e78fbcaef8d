// Container: one public class for one liblxc struct lxc_container.
import { inspect } from 'node:util';
import { constants as osConstants } from 'node:os';
import * as ffi from '../ffi/index.js';
import { LxcError, logReason, invalid, type LxcErrorCode } from './errors.js';
import { CallLog } from './calllog.js';
import { check, containerName, absolutePath, configKey, configValue, cgroupKey, timeoutSeconds, fromZod } from './validate.js';
import {
  containerOptionsSchema, startOptionsSchema, destroyOptionsSchema, createOptionsSchema, waitOptionsSchema,
  downloadOptionsSchema, localOptionsSchema, genericTemplateOptionsSchema, states,
  type ContainerOptions, type StartOptions, type DestroyOptions, type CreateOptions, type ContainerState,
  type DownloadOptions, type LocalOptions, type TemplateOptions, type WaitOptions,
} from './options.js';
import { findTemplate, templateArgv } from './templates.js';
import { runCreate } from './create.js';
import { sleep, deadline } from './poll.js';
import { forkSafe } from './forksafe.js';
import { attachOptionsSchema, attachFlags, namespaceMask, personality, namespaceFlags, type AttachOptions, type ParsedAttachOptions } from './attach/options.js';
import { planStdio, releaseStdio, AttachedProcess, type StdioSpec, type ExitStatus } from './attach/process.js';
import { Session } from './attach/session.js';
import { sealedNodePath } from './attach/sealed.js';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Marker for `attachWait(attachRunCommand, argv)`, so python3-lxc code ports literally. */
export const attachRunCommand: unique symbol = Symbol('lxc.attachRunCommand');

/** Options of `getIps()`. */
const getIpsOptionsSchema = z.strictObject({
  /** Only this interface, e.g. 'eth0'. */
  interface: z.string().regex(/^[A-Za-z0-9_.:@-]{1,15}$/, 'must be an interface name').optional(),
  /** 'inet' (IPv4) or 'inet6'. */
  family: z.enum(['inet', 'inet6']).optional(),
  /** IPv6 scope id (0: global). */
  scope: z.number().int().min(0).optional(),
  /** Seconds to keep polling for an address (default 0: ask once). */
  timeout: timeoutSeconds.optional(),
  signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal, 'must be an AbortSignal').optional(),
});
export type GetIpsOptions = z.input<typeof getIpsOptionsSchema>;

/** What `exec()` resolves: how the command ended and what it printed. */
export interface ExecResult extends ExitStatus {
  stdout: string;
  stderr: string;
}

/** Options of `exec()`: AttachOptions plus bytes for the command's stdin. */
export type ExecOptions = Omit<AttachOptions, 'stdout' | 'stderr'> & { input?: string | Buffer };

const argvSchema = z.array(z.string().min(1).refine((s) => !s.includes('\u0000'), 'must not contain NUL')).min(1, 'must name a command');
// The worker enters these namespaces; the mount and user ones it replaces by chroot() and setresuid().
const WORKER_NAMESPACES = ['uts', 'ipc', 'pid', 'net', 'cgroup'] as const;
const here = fileURLToPath(import.meta.url);
const workerScript = here.replace(/container\.(ts|js)$/, 'attach/worker.$1');
// Under tsx the worker is TypeScript too: hand it the same loader flags.
const workerNodeArgs = here.endsWith('.ts') ? [...process.execArgv, workerScript] : [workerScript];


/** An exit status as a number: the exit code, or 128 + the signal's number (as shells report it). */
function exitNumber(st: ExitStatus): number {
  if (st.exitCode !== null) return st.exitCode;
  const n = (osConstants.signals as Record<string, number>)[st.signal ?? ''] ?? 0;
  return 128 + n;
}

// Backstop for Containers dropped without release(): put their liblxc reference.
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
  // The log capture of the async call in flight, if any: saveConfig() keeps its file out of the config.
  #activeLog: CallLog | null = null;
  #releasePending = false;

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
    finalizer.register(this, ptr, this);
  }

  // ---- plumbing -------------------------------------------------------------------------------

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
      try {
        fn = ffi.method(ptr, member);
      } catch (e) {
        if (e instanceof ffi.MissingMemberError) {
          const since = e.since ? `added in liblxc ${e.since.join('.')}` : 'not in any tabled liblxc';
          throw this.#error('ENOTSUP', op, `liblxc ${ffi.versionString} has no ${member}() (${since})`);
        }
        throw e;
      }
      this.#fns[member] = fn;
    }
    return fn;
  }

  /** Synchronous call of a struct lxc_container method. */
  #sync(op: string, member: string, ...args: unknown[]): any {
    return this.#fn(op, member)(this.#ptr, ...args);
  }

  /** Asynchronous call on koffi's worker, queued behind earlier async calls on this container, with its log captured. */
  #async(op: string, member: string, ...args: unknown[]): Promise<{ result: any; log: string[] }> {
    const fn = this.#fn(op, member);
    // Admitted now: a release() before it runs waits for it rather than failing it.
    const ptr = this.#ptr!;
    return this.#serial(() => this.#callAsync(op, ptr, fn, args));
  }

  async #callAsync(op: string, ptr: bigint, fn: ffi.CFunction, args: unknown[]): Promise<{ result: any; log: string[] }> {
    const log = new CallLog(this.#logTarget(op, ptr));
    this.#activeLog = log;
    try {
      const result = await forkSafe(() => new Promise<any>((resolve, reject) =>
        fn.async(ptr, ...args, (err: unknown, r: unknown) => (err ? reject(err) : resolve(r)))));
      return { result, log: log.finish() };
    } catch (e) {
      log.finish();
      throw e;
    } finally {
      this.#activeLog = null;
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
    const fn = this.#member('getConfigItem', ptr, 'get_config_item');
    const len = fn(ptr, key, null, 0) as number;
    if (len < 0) return undefined;
    if (len === 0) return '';
    const buf = Buffer.alloc(len + 1);
    fn(ptr, key, buf, len + 1);
    return buf.toString('utf8', 0, len);
  }

  #reopen(): void {
    const old = this.#ptr!;
    const ptr = ffi.lxc_container_new(this.name, this.#lxcpath) as bigint | null;
    if (!ptr) throw this.#error('ELOAD', 'reload', 'liblxc could not allocate the container');
    finalizer.unregister(this);
    ffi.lxc_container_put(old);
    this.#ptr = ptr;
    finalizer.register(this, ptr, this);
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

  /** Whether the container has a config (exists). @example if (!c.defined) await c.create('busybox') */
  get defined(): boolean {
    return this.#sync('defined', 'is_defined') as boolean;
  }

  /** Whether the container is running. @example if (c.running) await c.stop() */
  get running(): boolean {
    return this.#sync('running', 'is_running') as boolean;
  }

  /** The container's state. @example console.log(c.state) // 'RUNNING' */
  get state(): ContainerState {
    return this.#sync('state', 'state') as ContainerState;
  }

  /** PID of the container's init on the host, -1 when not running. @example console.log(c.initPid) */
  get initPid(): number {
    return this.#sync('initPid', 'init_pid') as number;
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
    if (typeof template !== 'string' || !(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(template) || absolutePath.safeParse(template).success)) {
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
      const parsed = schema.safeParse(templateOptions);
      if (!parsed.success) throw fromZod(op, 'templateOptions', parsed.error);
      const info = findTemplate(template);
      argv = templateArgv(info, template, parsed.data as Record<string, string | number | boolean>);
      path = info.path;
    }
    if (this.defined) throw this.#error('EEXIST', op, `already exists in ${this.#lxcpath}`);
    if (opts.signal?.aborted) throw this.#error('EABORT', op, 'aborted before it started');
    const ptr = this.#ref(op);
    await this.#serial(async () => {
      const hasConfig = ffi.field(ptr, 'lxc_conf') !== null && ffi.field(ptr, 'lxc_conf') !== 0n;
      const outcome = await runCreate({
        name: this.name, lxcpath: this.#lxcpath, template: path, argv,
        bdevtype: opts.bdevtype ?? null, specs: opts.bdevSpecs ?? null, flags: opts.flags ?? 0,
        // Config set on this object before create() must reach the worker: save it for it to load.
        saveConfig: hasConfig ? (file: string) => this.#member(op, ptr, 'save_config')(ptr, file) as boolean : null,
        quiet: opts.quiet ?? false, onOutput: opts.onOutput, signal: opts.signal,
      });
      this.#reopen();
      if (!outcome.ok) {
        const now = this.#ptr!;
        if (this.#member(op, now, 'is_defined')(now)) await this.#callAsync(op, now, this.#member(op, now, 'destroy'), []).catch(() => undefined);
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
    this.#sync(op, 'want_daemonize', true);
    // NULL, not an empty argv: an empty one makes init exec nothing (NOTES.md).
    const argv = opts.argv ? [...opts.argv, null] : null;
    await this.#checked(op, 'start', 'ESTART', 'liblxc could not start it', opts.useinit ? 1 : 0, argv);
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
    // Timeout 0 only sends the halt signal; waiting in JS keeps libuv's pool free for other work.
    if (!this.#sync(op, 'shutdown', 0)) throw this.#error('ESHUTDOWN', op, 'could not signal init');
    return this.#poll(op, () => this.state === 'STOPPED', timeout, signal);
  }

  /**
   * Asks init to reboot; with a timeout, waits until a new init runs (false if none in time).
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
    if (!this.#sync(op, 'reboot')) throw this.#error('EREBOOT', op, 'could not signal init');
    if (timeout === undefined) return true;
    return this.#poll(op, () => { const pid = this.initPid; return pid > 0 && pid !== before && this.state === 'RUNNING'; }, timeout, signal);
  }

  /** Freezes every process of the container. @example await c.freeze() */
  async freeze(): Promise<void> {
    const op = 'freeze';
    this.#needRunning(op);
    await this.#checked(op, 'freeze', 'EFREEZE', 'liblxc could not freeze it');
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
    await this.#checked(op, opts.withSnapshots ? 'destroy_with_snapshots' : 'destroy', 'EDESTROY', 'liblxc could not destroy it');
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
    return check(op, 'options', attachOptionsSchema, options ?? {});
  }

  /** The lxc_attach_options_t for one call, with only the members the runtime's struct has. */
  #cAttachOptions(op: string, o: ParsedAttachOptions, fds: [number, number, number], worker: boolean, namespaces: number): Record<string, unknown> {
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
        else c.groups = value ? { size: (value as number[]).length, list: new Uint32Array(value as number[]) } : { size: 0, list: null };
      } else if (value !== undefined) {
        throw this.#error('ENOTSUP', op, `options.${since} needs liblxc 4.0.7 (this is ${ffi.versionString})`);
      }
    }
    return c;
  }

  /** Attaches a process running `execFn(payload)`; resolves once liblxc has forked it. */
  async #spawn(op: string, execFn: bigint, payload: unknown, o: ParsedAttachOptions, stdio: [StdioSpec, StdioSpec, StdioSpec], worker = false, namespaces = namespaceMask(o.namespaces)): Promise<AttachedProcess> {
    this.#needRunning(op);
    const plan = planStdio(stdio);
    try {
      const copts = this.#cAttachOptions(op, o, plan.fds, worker, namespaces);
      const pid = new Int32Array(1);
      const { result, log } = await this.#async(op, 'attach', execFn, payload, copts, pid);
      if (result !== 0 || pid[0] <= 0) throw this.#failed('EATTACH', op, log, 'liblxc could not attach to the container');
      releaseStdio(plan);
      const proc = new AttachedProcess(pid[0], plan.parentEnds);
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
    const payload = ffi.koffi.as({ program: args[0], argv: [...args, null] }, 'lxc_attach_command_t *');
    return this.#spawn(op, ffi.lxc_attach_run_command, payload, o, stdio);
  }

  /** Host ids for container ids, through the container's lxc.idmap (identity when it has none). */
  #hostIds(o: ParsedAttachOptions): { uid?: number; gid?: number; groups?: number[] } {
    const maps = this.getConfigList('lxc.idmap').map((l) => l.trim().split(/\s+/));
    const map = (kind: 'u' | 'g', id: number) => {
      const m = maps.find(([k, inside, , range]) => k === kind && id >= Number(inside) && id < Number(inside) + Number(range));
      if (!maps.length) return id;
      if (!m) throw this.#error('EINVAL', 'attach', `${kind === 'u' ? 'uid' : 'gid'} ${id} is not mapped by lxc.idmap`);
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
    const ids = this.#hostIds(o);
    const node = await sealedNodePath();
    const config = { root: `/proc/${initPid}/root`, cwd: o.cwd ?? '/', once, ...ids };
    const argv = [node, ...workerNodeArgs, JSON.stringify(config)];
    const payload = ffi.koffi.as({ program: node, argv: [...argv, null] }, 'lxc_attach_command_t *');
    const proc = await this.#spawn(op, ffi.lxc_attach_run_command, payload, o, ['pipe', 'pipe', o.stdout ?? 1], true, namespaces);
    const session = new Session(proc, { container: this.name, lxcpath: this.#lxcpath }, o.signal);
    await session.ready();
    return { session, proc };
  }

  /**
   * Runs a command (or a function, in a Node worker) inside the container with the caller's stdio;
   * resolves its exit status (128 + signal number when a signal killed it), as python3-lxc does.
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
    if (input !== undefined) {
      proc.stdin!.on('error', () => undefined);
      proc.stdin!.end(input);
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
    const { session } = await this.#worker(op, o, false);
    try {
      return await session.evaluate(fn, arg);
    } finally {
      await session.close();
    }
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
    const proc = await this.#spawn('attachShell', ffi.lxc_attach_run_shell, null, o, [o.stdin ?? 'inherit', o.stdout ?? 'inherit', o.stderr ?? 'inherit']);
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
    const { result } = await this.#async(op, 'get_interfaces');
    return ffi.takeStringArray(result as bigint | null);
  }

  /**
   * Addresses of the running container, polling until one appears or `timeout` seconds pass
   * (then `[]`), as python3-lxc's `get_ips(timeout=)` does.
   *
   * @example
   * const [ip] = await c.getIps({ family: 'inet', timeout: 30 });
   */
  async getIps(options: GetIpsOptions = {}): Promise<string[]> {
    const op = 'getIps';
    const o = check(op, 'options', getIpsOptionsSchema, options);
    this.#needRunning(op);
    const end = deadline(o.timeout ?? 0);
    for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
      const { result } = await this.#async(op, 'get_ips', o.interface ?? null, o.family ?? null, o.scope ?? 0);
      const ips = ffi.takeStringArray(result as bigint | null);
      if (ips.length || Date.now() >= end) return ips;
      if (o.signal?.aborted) throw this.#error('EABORT', op, 'aborted');
      await sleep(Math.min(delay, Math.max(0, end - Date.now())), o.signal).catch(() => {
        throw this.#error('EABORT', op, 'aborted');
      });
    }
  }

  // ---- configuration --------------------------------------------------------------------------

  #key(op: string, key: unknown): string {
    const k = check(op, 'key', configKey, key);
    if (!isKnownKey(k)) throw invalid(op, 'key', `"${k}" is not a config key liblxc ${ffi.versionString} knows`);
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
    return v.replace(/\n$/, '');
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
    if (!this.#sync(op, 'set_config_item', k, v)) throw this.#error('EINVAL', op, `liblxc rejected ${k} = ${JSON.stringify(v)}`);
  }

  /** Unsets a config item. @example c.clearConfigItem('lxc.cap.drop') */
  clearConfigItem(key: string): void {
    const op = 'clearConfigItem';
    const k = this.#key(op, key);
    if (!this.#sync(op, 'clear_config_item', k)) throw this.#error('ECONFIG', op, `liblxc could not clear ${k}`);
  }

  /** Drops the whole in-memory config. @example c.clearConfig() */
  clearConfig(): void {
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
    const log = this.#activeLog;
    log?.suspend();
    try {
      if (!this.#sync(op, 'save_config', p)) throw this.#error('ESAVE', op, `cannot write ${p ?? this.configFileName}`);
    } finally {
      log?.resume();
    }
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
    this.#releasePending = true;
    if (this.#busy === 0) this.#put();
  }

  #put(): void {
    if (this.#ptr === null) return;
    finalizer.unregister(this);
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

  [inspect.custom](): string {
    if (this.released) return `Container { name: '${this.name}', lxcpath: '${this.#lxcpath}', released }`;
    const state = this.state;
    const pid = state === 'RUNNING' || state === 'FROZEN' ? `, pid: ${this.initPid}` : '';
    return `Container { name: '${this.name}', lxcpath: '${this.#lxcpath}', state: '${state}'${pid} }`;
  }
}

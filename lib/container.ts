// Container: one public class for one liblxc struct lxc_container. Each family of methods lives in
// its own module under lib/container/ (lifecycle, config, attach, network, snapshots, devices,
// console, checkpoint, files); this class holds their TSDoc and delegates to them through its Handle,
// the one path into C (lib/container/handle.ts).
import * as ffi from '../ffi/index.js';
import { invalid } from './errors.js';
import { check, containerName, absolutePath } from './validate.js';
import { Handle, setSiblingFactory } from './container/handle.js';
import { lazy, loadedFamily, withSchemas } from './container/handle.js';
import { empty, options } from './options/parse.js';
import { containerOptionsSchema } from './options/global.js';
import * as lifecycle from './container/lifecycle.js';
import * as config from './container/config.js';
import * as devices from './container/devices.js';
import * as consoles from './container/console.js';
import * as resources from './container/resources.js';
import type { NetworkList } from './net/list.js';
import type { AttachedProcess, ExitStatus } from './attach/process.js';
import type { Session } from './attach/session.js';
import type { AttachOptions, ExecOptions } from './options.js';
import type { ContainerOptions, ContainerState, StartOptions, ExecuteOptions, DestroyOptions, WaitOptions, AbortOptions } from './options.js';
import type { CreateOptions, CreateTask, DownloadOptions, LocalOptions, TemplateOptions } from './options.js';
import { EventFeed } from './create/feed.js';
import type { CloneOptions, CloneEphemeralOptions, CopyTask } from './options.js';
import type { ConsoleOptions, ConsoleLogOptions } from './options.js';
import type { CheckpointOptions, RestoreOptions, MigrateOptions } from './options.js';
import type { MountOptions, UmountOptions } from './options.js';
import type { GetIpsOptions, Seconds } from './options.js';
import type { FileWriteOptions, FileReadOptions, FileRemoveOptions } from './options.js';
import type { FileStat, FileEntry, CopySummary } from './container/files.js';
import type { Readable, Writable } from 'node:stream';
import type { ExecResult } from './container/attach/index.js';
import type { Snapshot } from './container/snapshots.js';
import type { ConsoleTty } from './container/console.js';
import type { MemoryFigures, CpuFigures, IoFigures } from './container/resources.js';
import type { InterfaceStats } from './net/netlink.js';
import type { ContainerAddress } from './container/network.js';

export type { ExecResult } from './container/attach/index.js';
export type { Snapshot } from './container/snapshots.js';
export type { ConsoleTty } from './container/console.js';
export type { MemoryFigures, CpuFigures, IoFigures } from './container/resources.js';
export type { InterfaceStats } from './net/netlink.js';
export type { ContainerAddress } from './container/network.js';
export type { FileStat, FileEntry, FileType, CopySummary } from './container/files.js';
export { isKnownKey } from './container/config.js';

/** Marker for `attachWait(attachRunCommand, argv)`, so python3-lxc code ports literally. */
export const attachRunCommand: unique symbol = Symbol('lxc.attachRunCommand');

// The families whose calls are all asynchronous load with their first call (Handle.later admits
// that call at once; its inputs are read when the module has loaded, ≈ 1 ms later): each module
// costs `import 'lxc-ffi'` ≈ 0.5 ms. config, devices and console have synchronous calls, and
// lifecycle's create() takes the environment at the call: they load with this module.
// The families loaded with this module, as Lazy values for Handle.later.
const lifecycleNow = loadedFamily(lifecycle);
const devicesNow = loadedFamily(devices);
const consolesNow = loadedFamily(consoles);
/** Whether any of the values is an options object with something to parse (zod is needed). */
const parses = (...values: unknown[]) => values.some((v) => !empty(v));

const attachFamily = lazy(() => import('./container/attach/index.js'));
const netState = lazy(() => import('./container/network.js'));
const snapshots = lazy(() => import('./container/snapshots.js'));
const checkpoints = lazy(() => import('./container/checkpoint.js'));
const filesFamily = lazy(() => import('./container/files.js'));

/** The default lxcpath (lxc.lxcpath of the global config). */
export function globalLxcpath(): string {
  return ffi.lxc_get_global_config_item('lxc.lxcpath') ?? '/var/lib/lxc';
}

/** The lxcpath argument of the constructor: a path or { lxcpath } (a hot path: checked without zod). */
function lxcpathOf(arg: string | ContainerOptions | undefined): string | undefined {
  if (arg === undefined || typeof arg === 'string') return arg === undefined ? undefined : check('Container', 'lxcpath', absolutePath, arg);
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) throw invalid('Container', 'lxcpath', 'must be a string or { lxcpath }');
  return options('Container', 'options', containerOptionsSchema, arg).lxcpath;
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
  readonly #h: Handle;
  #files?: ContainerFiles;

  /**
   * Files and directory trees in and out of the container, running or stopped (docs/files.md).
   * Every path is resolved inside the container's root, whatever symlinks or `..` it holds.
   *
   * @example
   * await c.files.write('/etc/motd', 'hello\n', { mode: 0o644 });
   * const text = (await c.files.read('/etc/os-release')).toString();
   */
  get files(): ContainerFiles {
    return (this.#files ??= new ContainerFiles(this.#h));
  }

  constructor(name: string, lxcpath?: string | ContainerOptions) {
    this.name = check('Container', 'name', containerName, name);
    const path = lxcpathOf(lxcpath) ?? globalLxcpath();
    if (Buffer.byteLength(`${path}/${this.name}/rootfs`) >= 4096) throw invalid('Container', 'name', 'is too long for a path under lxcpath');
    this.#h = new Handle(this, this.name, path);
  }

  /** The directory holding this container's directory. */
  get lxcpath(): string {
    return this.#h.lxcpath;
  }

  /** Path of the container's config file. @example console.log(c.configFileName) // '/var/lib/lxc/web/config' */
  get configFileName(): string {
    return this.#h.query('configFileName', 'config_file_name') as string;
  }

  /** Whether the container has a config (exists). @example if (!c.defined) await c.create('busybox') */
  get defined(): boolean {
    return this.#h.query('defined', 'is_defined');
  }

  /** Whether the container is running. @example if (c.running) await c.stop() */
  get running(): boolean {
    return this.#h.query('running', 'is_running');
  }

  /** The container's state. @example console.log(c.state) // 'RUNNING' */
  get state(): ContainerState {
    return this.#h.query('state', 'state') as ContainerState;
  }

  /** PID of the container's init on the host, -1 when not running. @example console.log(c.initPid) */
  get initPid(): number {
    return this.#h.query('initPid', 'init_pid');
  }

  /** Whether the caller may control the container. @example if (c.controllable) await c.start() */
  get controllable(): boolean {
    return this.#h.query('controllable', 'may_control');
  }

  /**
   * Creates the container's root filesystem and config from a template; `'none'` makes an empty one.
   * On failure nothing stays defined. The template's lines go to stdout and stderr as it prints
   * them, unless `quiet`, `onOutput`, or iterating the returned task: it is a promise that is also
   * an async iterable of {@link CreateEvent}s (lines, and the download template's phases and byte
   * counts), which ends with the create and throws its error.
   *
   * @example
   * for await (const ev of c.create('download', { dist: 'debian', release: 'bookworm', arch: 'amd64' })) if (ev.type === 'phase') console.log(ev.phase);
   * await c.create('busybox', {}, { quiet: true });
   */
  create(template: 'download', templateOptions: DownloadOptions, createOptions?: CreateOptions): CreateTask;
  create(template: 'local', templateOptions: LocalOptions, createOptions?: CreateOptions): CreateTask;
  // Any other template; 'download' and 'local' are kept out so their required options are never skipped.
  create<T extends string>(template: T & (T extends 'download' | 'local' ? never : unknown), templateOptions?: TemplateOptions, createOptions?: CreateOptions): CreateTask;
  create(template: string, templateOptions: object = {}, createOptions: CreateOptions = {}): CreateTask {
    // The template runs with the environment as it is at the call, whatever changes while it waits.
    const env = lifecycle.environment();
    const feed = new EventFeed();
    return feed.task(this.#h.later('create', withSchemas(lifecycleNow, template === 'download' || template === 'local' || parses(templateOptions, createOptions)), (f) => f.create(this.#h, template, templateOptions, createOptions, env, feed)));
  }

  /**
   * Starts the container in the background (daemonised) and resolves once it runs. With
   * `{ daemonize: false }` it resolves when the container has stopped instead, with how its init
   * ended (a reboot is followed through).
   *
   * @example
   * await c.start();
   * await c.start({ useInit: true, argv: ['/bin/sleep', '60'] });
   * const { exitCode, signal } = await c.start({ daemonize: false }); // after c.stop(): signal 'SIGKILL'
   */
  start(options: StartOptions & { daemonize: false }): Promise<ExitStatus>;
  start(options?: StartOptions): Promise<void>;
  start(options: StartOptions = {}): Promise<void | ExitStatus> {
    return this.#h.later('start', withSchemas(lifecycleNow, parses(options)), (f) => f.start(this.#h, options));
  }

  /**
   * Runs a command as an application container (lxc-execute, go-lxc's Execute): init.lxc is PID 1
   * and runs `argv` (default: lxc.execute.cmd); resolves when it has exited, with its exit code or
   * the signal that killed it. Its output goes to the container's console (lxc.console.logfile).
   *
   * @example
   * const { exitCode } = await c.execute(['/bin/sh', '-c', 'exit 3']); // 3
   */
  execute(argv?: string[], options: ExecuteOptions = {}): Promise<ExitStatus> {
    return this.#h.later('execute', withSchemas(lifecycleNow, true), (f) => f.execute(this.#h, argv, options));
  }

  /**
   * Has liblxc's monitor send init `lxc.signal.stop` (SIGKILL unless the config sets another) and
   * waits until the container stopped. An abort while it waits its
   * turn keeps it from running (EABORT); once liblxc has it, it runs to its end.
   *
   * @example
   * await c.stop();
   * await c.stop({ signal: AbortSignal.timeout(10_000) });
   */
  stop(options: AbortOptions = {}): Promise<void> {
    return this.#h.later('stop', withSchemas(lifecycleNow, parses(options)), (f) => f.stop(this.#h, options));
  }

  /**
   * Asks init to halt and waits up to `timeoutSec` seconds (default 30) for STOPPED; false when it is still running then.
   * An init that has just started drops a signal it has no handler for yet, so the halt signal is
   * sent once init handles it (its SigCgt/SigBlk in /proc), and again every 5 s while it runs
   * (every 1 s while it does not handle it).
   *
   * @example
   * if (!(await c.shutdown(30))) await c.stop();
   */
  shutdown(timeoutSec: Seconds = 30, options: WaitOptions = {}): Promise<boolean> {
    return this.#h.later('shutdown', withSchemas(lifecycleNow, parses(options)), (f) => f.shutdown(this.#h, timeoutSec, options));
  }

  /**
   * Asks init to reboot; with a timeout (`timeoutSec`, in seconds), waits until a new init runs (false if none in time). As
   * with shutdown(), the signal goes once init handles it (waiting up to 5 s for that when no
   * timeout is given), and again while the same init runs.
   *
   * @example
   * await c.reboot(30);
   */
  reboot(timeoutSec?: Seconds, options: WaitOptions = {}): Promise<boolean> {
    return this.#h.later('reboot', withSchemas(lifecycleNow, parses(options)), (f) => f.reboot(this.#h, timeoutSec, options));
  }

  /**
   * Freezes every process of the container. On cgroup v1 a freeze can stick in FREEZING (a task in
   * vfork() waits for a child that is already frozen, and liblxc polls for FROZEN forever): while
   * it stays FREEZING, the container is thawed and frozen again every second until it takes.
   *
   * @example
   * await c.freeze();
   */
  freeze(): Promise<void> {
    return lifecycle.freeze(this.#h);
  }

  /** Thaws a frozen container. @example await c.unfreeze() */
  unfreeze(): Promise<void> {
    return lifecycle.unfreeze(this.#h);
  }

  /**
   * Waits until the container reaches `state`; false when `timeoutSec` seconds pass first (-1, the default: forever).
   *
   * @example
   * await c.start();
   * await c.wait('RUNNING', 3);
   */
  wait(state: ContainerState, timeoutSec: Seconds = -1, options: WaitOptions = {}): Promise<boolean> {
    return this.#h.later('wait', withSchemas(lifecycleNow, parses(options)), (f) => f.wait(this.#h, state, timeoutSec, options));
  }

  /**
   * Deletes the container and its root filesystem; it must be stopped.
   *
   * @example
   * await c.destroy({ withSnapshots: true });
   */
  destroy(options: DestroyOptions = {}): Promise<void> {
    return this.#h.later('destroy', withSchemas(lifecycleNow, parses(options)), (f) => f.destroy(this.#h, options));
  }

  /**
   * Renames the (stopped) container; resolves the Container under its new name.
   *
   * @example
   * const renamed = await c.rename('web2');
   */
  rename(newName: string): Promise<Container> {
    return lifecycle.rename(this.#h, newName) as Promise<Container>;
  }

  /**
   * Runs a command (or a function, in a Node worker) inside the container with the caller's stdio;
   * resolves its exit code, or 128 + the signal number when a signal killed it (as a shell reports
   * it; python3-lxc returns the raw waitpid() status instead). An abort of `signal` kills it and
   * rejects with EABORT (`cause`: the signal's reason), as exec() does.
   *
   * @example
   * await c.attachWait(['apt-get', 'update']);
   * await c.attachWait(lxc.attachRunCommand, ['apt-get', 'dist-upgrade', '-y']);
   * await c.attachWait(() => console.log(require('node:os').hostname()));
   */
  attachWait(command: string[] | typeof attachRunCommand | (() => unknown), argvOrOptions?: string[] | AttachOptions, options?: AttachOptions): Promise<number> {
    return this.#h.later('attachWait', withSchemas(attachFamily, parses(command === attachRunCommand ? options : argvOrOptions)), (f) => (command === attachRunCommand ? f.attachWait(this.#h, argvOrOptions, options, true) : f.attachWait(this.#h, command, argvOrOptions)));
  }

  /**
   * Runs a command inside the container and captures what it prints. Resolves however the command
   * exits (`reject: true`: EEXIT unless it exits 0); an abort or `timeout` (in seconds) kills it and rejects
   * with EABORT, as attachWait() does.
   *
   * @example
   * const { exitCode, stdout } = await c.exec(['cat', '/etc/hostname']);
   * await c.exec(['sh', '-c', 'cat > /tmp/x'], { input: 'data', timeout: 5, reject: true });
   */
  exec(argv: string[], options: ExecOptions & { encoding: 'buffer' }): Promise<ExecResult<Buffer>>;
  exec(argv: string[], options?: ExecOptions): Promise<ExecResult>;
  exec(argv: string[], options: ExecOptions = {}): Promise<ExecResult<string | Buffer>> {
    return this.#h.later('exec', withSchemas(attachFamily, parses(options)), (f) => f.exec(this.#h, argv, options));
  }

  /**
   * Starts a command (or a function) inside the container without waiting for it.
   *
   * @example
   * const p = await c.attach(['sleep', '60'], { stdout: 'pipe' });
   * p.kill(); await p.wait();
   */
  attach(command: string[] | ((...args: never[]) => unknown), options: AttachOptions = {}): Promise<AttachedProcess> {
    return this.#h.later('attach', withSchemas(attachFamily, parses(options)), (f) => f.attach(this.#h, command, options));
  }

  /**
   * Runs `fn(arg)` inside the container in a fresh Node worker and resolves its return value.
   *
   * @example
   * const name = await c.evaluate(() => require('node:os').hostname());
   * const n = await c.evaluate((x: number) => x * 2, 21);
   */
  evaluate<A, T>(fn: (arg: A) => T | Promise<T>, arg?: A, options: AttachOptions = {}): Promise<Awaited<T>> {
    return this.#h.later('evaluate', withSchemas(attachFamily, parses(options)), (f) => f.evaluate<A, T>(this.#h, fn, arg as A, options));
  }

  /**
   * A long-lived Node worker attached to the container, for many `evaluate` calls.
   *
   * @example
   * await using s = await c.openSession();
   * for (let i = 0; i < 100; i++) await s.evaluate((n: number) => n + 1, i);
   */
  openSession(options: AttachOptions = {}): Promise<Session> {
    return this.#h.later('openSession', withSchemas(attachFamily, parses(options)), (f) => f.openSession(this.#h, options));
  }

  /**
   * An interactive shell inside the container on the caller's stdio; resolves its exit status. When
   * any of fds 0–2 is a terminal, the shell gets a pseudo-terminal of its own relayed to it, as with
   * lxc-attach.
   *
   * @example
   * await c.attachShell();
   */
  attachShell(options: AttachOptions = {}): Promise<number> {
    return this.#h.later('attachShell', withSchemas(attachFamily, parses(options)), (f) => f.attachShell(this.#h, options));
  }

  /**
   * Names of the network interfaces inside the running container.
   *
   * @example
   * await c.getInterfaces() // ['eth0', 'lo']
   */
  getInterfaces(): Promise<string[]> {
    return this.#h.later('getInterfaces', netState, (f) => f.getInterfaces(this.#h));
  }

  /**
   * Traffic counters of each network interface of the running container, as the container sees
   * them (rx: received by the container), sorted by name; go-lxc's InterfaceStats. Read over
   * netlink in the container's network namespace, without a fork; for a normal user, who may not
   * enter that namespace, from the container init's /proc/<pid>/net/dev (the same figures).
   *
   * @example
   * const eth0 = (await c.interfaceStats()).find((i) => i.name === 'eth0');
   */
  interfaceStats(): Promise<InterfaceStats[]> {
    return this.#h.later('interfaceStats', netState, (f) => f.interfaceStats(this.#h));
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
  getIps(options: GetIpsOptions = {}): Promise<string[]> {
    return this.#h.later('getIps', withSchemas(netState, parses(options)), (f) => f.getIps(this.#h, options));
  }

  /**
   * Every address of the running container, `lo`'s and link-local ones included, each with its
   * interface, family, prefix length and scope, sorted by interface, family and address. Read
   * over netlink in the container's network namespace, as getIps() is; for a normal user through
   * a socket a child process opens there from inside the container's user namespace, as liblxc's
   * get_ips enters it (`ENOTSUP` when the kernel refuses that: a container not in a user namespace
   * of this user's).
   *
   * @example
   * const v4 = (await c.getAddresses()).filter((a) => a.family === 'inet' && a.interface === 'eth0');
   * // [{ interface: 'eth0', family: 'inet', address: '10.0.3.57', prefixLength: 24, scope: 'global' }]
   */
  getAddresses(): Promise<ContainerAddress[]> {
    return this.#h.later('getAddresses', netState, (f) => f.getAddresses(this.#h));
  }

  /**
   * Copies the (stopped) container to `newName`; with `snapshot`, a copy-on-write clone
   * (overlayfs, btrfs, lvm, zfs). Resolves the new Container. Iterate it for the copy's progress
   * (a 'copy' phase, bytes of the source rootfs's total), or hand it to renderProgress().
   *
   * @example
   * // bdevtype: liblxc's and python3-lxc's name, an alias of bdevType
   * const web = await base.clone('web', { bdevtype: 'overlayfs', snapshot: true });
   * const copy = base.clone('copy'); await renderProgress(copy); (await copy).release();
   */
  clone(newName: string, options: CloneOptions = {}): CopyTask<Container> {
    const feed = new EventFeed();
    return feed.taskOf(this.#h.later('clone', withSchemas(snapshots, parses(options)), (f) => f.clone(this.#h, newName, options, feed) as Promise<Container>));
  }

  /**
   * A throw-away overlayfs snapshot of this (stopped) container, as `lxc-copy -e` makes (with
   * `tmpfs`, `-t`): marked `lxc.ephemeral`, so that liblxc destroys it when it stops (stop,
   * shutdown, its init exiting), and watched by a guard process that stops it (so it is destroyed)
   * once this Node process is gone, even by SIGKILL. Resolves the new Container, not started.
   * `newName` defaults to `NAME-eph-XXXXXX`.
   *
   * @example
   * const job = await base.cloneEphemeral(undefined, { tmpfs: true });
   * await job.start(); // ... await job.stop(): nothing of it is left
   */
  cloneEphemeral(newName?: string, options: CloneEphemeralOptions = {}): Promise<Container> {
    return this.#h.later('cloneEphemeral', withSchemas(snapshots, parses(options)), (f) => f.cloneEphemeral(this.#h, newName, options) as Promise<Container>);
  }

  /**
   * Snapshots the (stopped) container; resolves the snapshot's name, e.g. 'snap0'. An abort
   * once liblxc made it destroys the new snapshot and rejects with EABORT. Iterable for the
   * copy's progress, as clone() is.
   *
   * @example
   * const name = await c.snapshot();
   * await c.snapshot('/tmp/comment.txt', { signal });
   */
  snapshot(commentFile?: string, options: AbortOptions = {}): CopyTask<string> {
    const feed = new EventFeed();
    return feed.taskOf(this.#h.later('snapshot', withSchemas(snapshots, parses(options)), (f) => f.snapshot(this.#h, commentFile, options, feed)));
  }

  /**
   * The container's snapshots.
   *
   * @example
   * for (const s of await c.snapshotList()) console.log(s.name, s.timestamp);
   */
  snapshotList(): Promise<Snapshot[]> {
    return this.#h.later('snapshotList', snapshots, (f) => f.snapshotList(this.#h));
  }

  /**
   * Restores a snapshot over the container, or to a new container `newName`. An abort once
   * liblxc restored to a new container destroys it (EABORT); a restore over this one cannot be
   * undone and resolves.
   *
   * @example
   * await c.snapshotRestore('snap0');
   */
  snapshotRestore(name: string, newName?: string, options: AbortOptions = {}): Promise<Container> {
    return this.#h.later('snapshotRestore', withSchemas(snapshots, parses(options)), (f) => f.snapshotRestore(this.#h, this, name, newName, options) as Promise<Container>);
  }

  /** Destroys one snapshot. @example await c.snapshotDestroy('snap0') */
  snapshotDestroy(name: string): Promise<void> {
    return this.#h.later('snapshotDestroy', snapshots, (f) => f.snapshotDestroy(this.#h, name));
  }

  /** Destroys every snapshot of the container. @example await c.snapshotDestroyAll() */
  snapshotDestroyAll(): Promise<void> {
    return this.#h.later('snapshotDestroyAll', snapshots, (f) => f.snapshotDestroyAll(this.#h));
  }

  /**
   * The container's nics as a list over lxc.net.N.* (python's ContainerNetworkList).
   *
   * @example
   * c.network[0].link = 'br0'; c.saveConfig();
   */
  get network(): NetworkList {
    return config.network(this.#h);
  }

  /**
   * Makes a host device node available in the running container at the same path. With `dst`,
   * liblxc 5.0 creates the host node at `dst` (it ignores `src` then).
   *
   * @example
   * await c.addDeviceNode('/dev/net/tun');
   */
  addDeviceNode(src: string, dst?: string): Promise<void> {
    return devices.deviceNode(this.#h, 'addDeviceNode', src, dst);
  }

  /** Removes a device node added by addDeviceNode(). @example await c.removeDeviceNode('/dev/net/tun') */
  removeDeviceNode(src: string, dst?: string): Promise<void> {
    return devices.deviceNode(this.#h, 'removeDeviceNode', src, dst);
  }

  /**
   * Moves a host network interface into the running container (renamed `dst` if given).
   *
   * @example
   * await c.attachInterface('veth-host1', 'eth1');
   */
  attachInterface(dev: string, dst?: string): Promise<void> {
    return devices.iface(this.#h, 'attachInterface', dev, dst);
  }

  /** Moves an interface out of the container back to the host. @example await c.detachInterface('eth1', 'veth-host1') */
  detachInterface(dev: string, dst?: string): Promise<void> {
    return devices.iface(this.#h, 'detachInterface', dev, dst);
  }

  /** A pidfd for the container's init (liblxc ≥ 4.0); the caller closes it. @example const fd = c.initPidFd() */
  initPidFd(): number {
    return devices.fd(this.#h, 'initPidFd', 'init_pidfd');
  }

  /** The seccomp notify fd of the running container (liblxc ≥ 3.2); the caller closes it. @example c.seccompNotifyFd() */
  seccompNotifyFd(): number {
    return devices.fd(this.#h, 'seccompNotifyFd', 'seccomp_notify_fd');
  }

  /**
   * The seccomp notify fd of the running container, asked of its monitor (liblxc ≥ 4.0.5): unlike
   * seccompNotifyFd(), it works from any process, not only the one that started the container.
   * The caller closes it.
   *
   * @example
   * const fd = c.seccompNotifyFdActive();
   */
  seccompNotifyFdActive(): number {
    return devices.fd(this.#h, 'seccompNotifyFdActive', 'seccomp_notify_fd_active');
  }

  /** An fd of the container's devpts instance (liblxc ≥ 4.0.5); the caller closes it. @example c.devptsFd() */
  devptsFd(): number {
    return devices.fd(this.#h, 'devptsFd', 'devpts_fd');
  }

  /**
   * A tty of the running container: `fd` is the pty's controlling side, `ttynum` the tty it is.
   * liblxc keeps the tty allocated while `socketFd` is open: `close()` releases both.
   *
   * @example
   * const tty = c.consoleGetFd(); /* read and write tty.fd *\/ tty.close();
   */
  consoleGetFd(tty = -1): ConsoleTty {
    return consoles.consoleGetFd(this.#h, tty);
  }

  /**
   * Connects the caller's terminal (or the given fds) to a container tty until the escape
   * sequence (Ctrl-<escape> q, default Ctrl-a q); runs on libuv's pool.
   *
   * @example
   * await c.console({ tty: 0 });
   */
  console(options: ConsoleOptions = {}): Promise<void> {
    return this.#h.later('console', withSchemas(consolesNow, parses(options)), (f) => f.console(this.#h, options));
  }

  /**
   * Reads (and/or clears) the container's console ring buffer (lxc.console.buffer.size): a string,
   * or with `encoding: 'buffer'` the raw bytes.
   *
   * @example
   * const text = await c.consoleLog({ read: true });
   * const bytes = await c.consoleLog({ encoding: 'buffer' });
   */
  consoleLog(options: ConsoleLogOptions & { encoding: 'buffer' }): Promise<Buffer>;
  consoleLog(options?: ConsoleLogOptions): Promise<string>;
  consoleLog(options: ConsoleLogOptions = {}): Promise<string | Buffer> {
    return this.#h.later('consoleLog', withSchemas(consolesNow, parses(options)), (f) => f.consoleLog(this.#h, options));
  }

  /**
   * Checkpoints the running container into `directory` with CRIU; `stop` ends it afterwards.
   *
   * @example
   * await c.checkpoint('/var/tmp/ckpt', { stop: true });
   */
  checkpoint(directory: string, options: CheckpointOptions = {}): Promise<void> {
    return this.#h.later('checkpoint', withSchemas(checkpoints, parses(options)), (f) => f.checkpoint(this.#h, directory, options));
  }

  /**
   * Restores the container from a checkpoint made by checkpoint().
   *
   * @example
   * await c.restore('/var/tmp/ckpt');
   */
  restore(directory: string, options: RestoreOptions = {}): Promise<void> {
    return this.#h.later('restore', withSchemas(checkpoints, parses(options)), (f) => f.restore(this.#h, directory, options));
  }

  /**
   * liblxc's migrate(): MIGRATE_PRE_DUMP (0), MIGRATE_DUMP (1), MIGRATE_RESTORE (2), MIGRATE_FEATURE_CHECK (3).
   *
   * @example
   * await c.migrate(lxc.MIGRATE_DUMP, { directory: '/var/tmp/ckpt', stop: true });
   */
  migrate(cmd: number, options: MigrateOptions): Promise<void> {
    return this.#h.later('migrate', withSchemas(checkpoints, true), (f) => f.migrate(this.#h, cmd, options));
  }

  /**
   * Mounts `source` at `target` inside the running container (the mount_injection API extension).
   *
   * @example
   * await c.mount('/srv/data', '/mnt/data', { flags: lxc.MS_BIND });
   */
  mount(source: string, target: string, options: MountOptions = {}): Promise<void> {
    return this.#h.later('mount', withSchemas(devicesNow, parses(options)), (f) => f.mount(this.#h, source, target, options));
  }

  /** Unmounts `target` inside the running container. @example await c.umount('/mnt/data') */
  umount(target: string, options: UmountOptions = {}): Promise<void> {
    return this.#h.later('umount', withSchemas(devicesNow, parses(options)), (f) => f.umount(this.#h, target, options));
  }

  /**
   * A config item's value; list items joined by '\n'; '' when unset.
   *
   * @example
   * c.getConfigItem('lxc.uts.name') // 'web'
   */
  getConfigItem(key: string): string {
    return config.getConfigItem(this.#h, key);
  }

  /**
   * A config item as a list of values (one per line).
   *
   * @example
   * c.getConfigList('lxc.cap.drop') // ['mac_admin', 'sys_time']
   */
  getConfigList(key: string): string[] {
    const v = config.getConfigItem(this.#h, key);
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
    config.setConfigItem(this.#h, key, value);
  }

  /**
   * Adds a value to a list item (for single-valued keys this replaces the value).
   *
   * @example
   * c.appendConfigItem('lxc.environment', 'FOO=bar');
   */
  appendConfigItem(key: string, value: string): void {
    config.appendConfigItem(this.#h, key, value);
  }

  /** Unsets a config item. @example c.clearConfigItem('lxc.cap.drop') */
  clearConfigItem(key: string): void {
    config.clearConfigItem(this.#h, key);
  }

  /** Drops the whole in-memory config. @example c.clearConfig() */
  clearConfig(): void {
    config.clearConfig(this.#h);
  }

  /**
   * Config keys liblxc knows, optionally under a prefix such as 'lxc.net.0'.
   *
   * @example
   * c.getKeys('lxc.net.0') // ['type', 'link', ...]
   */
  getKeys(prefix?: string): string[] {
    return config.getKeys(this.#h, prefix);
  }

  /**
   * A config item as the running container sees it; undefined when not running.
   *
   * @example
   * c.getRunningConfigItem('lxc.net.0.veth.pair')
   */
  getRunningConfigItem(key: string): string | undefined {
    return config.getRunningConfigItem(this.#h, key);
  }

  /**
   * Reads a cgroup file of the running container.
   *
   * @example
   * c.getCgroupItem('pids.current') // '3'
   */
  getCgroupItem(key: string): string {
    return config.getCgroupItem(this.#h, key);
  }

  /**
   * Writes a cgroup file of the running container.
   *
   * @example
   * c.setCgroupItem('pids.max', '100');
   */
  setCgroupItem(key: string, value: string): void {
    config.setCgroupItem(this.#h, key, value);
  }

  /**
   * Writes the in-memory config to the container's config file, or to `path`.
   *
   * @example
   * c.setConfigItem('lxc.uts.name', 'web');
   * c.saveConfig();
   */
  saveConfig(path?: string): void {
    config.saveConfig(this.#h, path);
  }

  /**
   * Loads a config file (default: the container's own) into memory, on top of what is there.
   *
   * @example
   * c.loadConfig('/tmp/web.conf');
   */
  loadConfig(path?: string): void {
    config.loadConfig(this.#h, path);
  }

  /**
   * How long liblxc waits for the container's monitor to answer a command, in seconds (-1: forever,
   * the default); python3-lxc's `set_timeout`, go-lxc's `SetTimeout`. liblxc ≥ 6.0: ENOTSUP before,
   * naming the release.
   *
   * @example
   * c.setTimeout(5);
   */
  setTimeout(seconds: Seconds): void {
    config.setCommandTimeout(this.#h, seconds);
  }

  /**
   * Memory figures of the running container in bytes (go-lxc's MemoryUsage, MemoryLimit,
   * MemorySwapUsage, MemorySwapLimit, KernelMemoryUsage), from its cgroup (v2 or v1).
   *
   * @example
   * const { usage, limit } = c.memory(); // limit null: unlimited
   */
  memory(): MemoryFigures {
    return resources.memory(this.#h);
  }

  /**
   * Sets the running container's memory limit in bytes; null removes it (go-lxc's SetMemoryLimit).
   * In the running cgroup only: lxc.cgroup2.memory.max / lxc.cgroup.memory.limit_in_bytes keep it.
   *
   * @example
   * c.setMemoryLimit(256 * 2 ** 20);
   */
  setMemoryLimit(bytes: number | null): void {
    resources.setMemoryLimit(this.#h, bytes);
  }

  /**
   * CPU time of the running container in nanoseconds, total, user, system and per CPU where the
   * cgroup keeps it (go-lxc's CPUTime, CPUTimePerCPU, CPUStats).
   *
   * @example
   * const { usage } = c.cpu(); console.log(usage / 1e9, 'seconds');
   */
  cpu(): CpuFigures {
    return resources.cpu(this.#h);
  }

  /**
   * Block I/O of the running container, bytes and operations summed over its devices (go-lxc's BlkioUsage).
   *
   * @example
   * const { readBytes, writeBytes } = c.io();
   */
  io(): IoFigures {
    return resources.io(this.#h);
  }

  /**
   * Moves this object to another lxcpath (the container's files do not move).
   *
   * @example
   * c.setConfigPath('/srv/lxc');
   */
  setConfigPath(path: string): void {
    config.setConfigPath(this.#h, path);
  }

  /**
   * Drops the liblxc reference; later calls throw ERELEASED. Returns at once: calls already in
   * flight finish normally, and the reference goes after the last of them.
   *
   * @example
   * const c = new Container('web'); try { console.log(c.state); } finally { c.release(); }
   */
  release(): void {
    this.#h.release();
  }

  /** `using c = new Container('web')` releases it at the end of the block. */
  [Symbol.dispose](): void {
    this.#h.release();
  }

  /** Whether release() was called. */
  get released(): boolean {
    return this.#h.released;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const h = this.#h;
    if (h.released) return `Container { name: '${this.name}', lxcpath: '${h.lxcpath}', released }`;
    const state = this.state;
    const pid = state === 'RUNNING' || state === 'FROZEN' ? `, pid: ${this.initPid}` : '';
    return `Container { name: '${this.name}', lxcpath: '${h.lxcpath}', state: '${state}'${pid} }`;
  }
}

// The families' Siblings are these Containers (hence their casts above).
setSiblingFactory((name, lxcpath) => new Container(name, lxcpath));

/**
 * The files of one container: `c.files`. Paths are paths of the container (relative ones are
 * taken from its root); uid/gid are container ids, mapped through lxc.idmap. Errors: LxcError
 * `EFILE` with the errno.
 */
export class ContainerFiles {
  readonly #h: Handle;

  /** @internal */
  constructor(h: Handle) {
    this.#h = h;
  }

  /** A file's content (up to `maxBytes`, default 64 MiB). @example const b = await c.files.read('/etc/hostname') */
  read(path: string, options: FileReadOptions = {}): Promise<Buffer> {
    return this.#h.later('files.read', withSchemas(filesFamily, parses(options)), (f) => f.read(this.#h, path, options));
  }

  /** Writes a string or bytes, creating the file (and its parents) owned by uid/gid of the container. @example await c.files.write('/root/a.txt', 'hi', { uid: 1000, gid: 1000 }) */
  write(path: string, data: string | Uint8Array, options: FileWriteOptions = {}): Promise<void> {
    return this.#h.later('files.write', withSchemas(filesFamily, parses(options)), (f) => f.write(this.#h, path, data, options));
  }

  /** A stream of a file's bytes, as large as it was when opened. @example (await c.files.readStream('/var/log/big')).pipe(process.stdout) */
  readStream(path: string): Promise<Readable> {
    return this.#h.later('files.readStream', filesFamily, (f) => f.readStream(this.#h, path));
  }

  /** A stream into a file (created or truncated). @example await pipeline(fs.createReadStream('img'), await c.files.writeStream('/img')) */
  writeStream(path: string, options: FileWriteOptions = {}): Promise<Writable> {
    return this.#h.later('files.writeStream', withSchemas(filesFamily, parses(options)), (f) => f.writeStream(this.#h, path, options));
  }

  /** Copies a host file or directory tree into the container. @example await c.files.push('./site', '/srv/www', { uid: 33, gid: 33 }) */
  push(hostPath: string, path: string, options: FileWriteOptions = {}): Promise<CopySummary> {
    return this.#h.later('files.push', withSchemas(filesFamily, parses(options)), (f) => f.push(this.#h, hostPath, path, options));
  }

  /** Copies a file or directory tree of the container to the host. @example await c.files.pull('/var/log', './logs') */
  pull(path: string, hostPath: string): Promise<CopySummary> {
    return this.#h.later('files.pull', filesFamily, (f) => f.pull(this.#h, path, hostPath));
  }

  /** What a path is (a final symlink is not followed). @example const s = await c.files.stat('/etc/passwd'); s.uid // 0 */
  stat(path: string): Promise<FileStat> {
    return this.#h.later('files.stat', filesFamily, (f) => f.stat(this.#h, path));
  }

  /** A directory's entries, sorted by name. @example for (const e of await c.files.list('/etc')) console.log(e.name, e.type) */
  list(path: string): Promise<FileEntry[]> {
    return this.#h.later('files.list', filesFamily, (f) => f.list(this.#h, path));
  }

  /** Makes a directory, and its parents unless `parents: false`. @example await c.files.mkdir('/srv/a/b', { mode: 0o750 }) */
  mkdir(path: string, options: FileWriteOptions = {}): Promise<void> {
    return this.#h.later('files.mkdir', withSchemas(filesFamily, parses(options)), (f) => f.mkdir(this.#h, path, options));
  }

  /** Removes a file, a symlink (not its target) or an empty directory; a tree with `recursive`. @example await c.files.remove('/tmp/x', { recursive: true }) */
  remove(path: string, options: FileRemoveOptions = {}): Promise<void> {
    return this.#h.later('files.remove', withSchemas(filesFamily, parses(options)), (f) => f.remove(this.#h, path, options));
  }
}

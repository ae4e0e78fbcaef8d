// lxc-ffi: the public surface.
import * as ffi from '../ffi/index.js';
import { Container, globalLxcpath, isKnownKey } from './container.js';
import { apiExtension } from './call/routes.js';
import { check, configKey } from './validate.js';
import { invalid } from './errors.js';
import { personalities } from './constants.js';
import { listDefaults, listOptionsSchema, hostCheckOptionsSchema, type ListOptions, type HostCheckOptions } from './options/global.js';
import type { HostReport } from './host/findings.js';
import { options as optionsOf } from './options/parse.js';

export { Container, attachRunCommand, type ExecResult, type Snapshot, type ConsoleTty, type MemoryFigures, type CpuFigures, type IoFigures, type InterfaceStats, type ContainerAddress, ContainerFiles, type FileStat, type FileEntry, type FileType, type CopySummary } from './container.js';
export { NetworkList, NetworkInterface, netTypes, type NetType, type NetworkKey, type NetworkSubkey, type NetworkItems, type Inspect } from './net/list.js';
// Types only: the classes load with the first attach call (lib/container/attach/).
export type { Session } from './attach/session.js';
export type { AttachedProcess, ExitStatus } from './attach/process.js';
export type { SignalName } from './proc/exit.js';
export { LxcError, type LxcErrorCode, type LxcErrorDetails } from './errors.js';
export { logInit } from './logging.js';
export { renderProgress, progressRenderer, formatBytes, type ProgressRenderer, type ProgressStream } from './progress.js';
export { images, type ImageEntry } from './images.js';
export { watch, Watcher, type StateChange, type ContainerExit, type WatchOptions } from './watch.js';
// Option types only: their schemas (and zod) load with the first call that parses one; a program
// can validate them itself with the lxc-ffi/schemas subpath.
export type { AttachOptions, ExecOptions, Namespace, Stdio } from './options.js';
export type { CreateOptions, CreateTask, CopyTask, CreateEvent, CreatePhase, OutputStream, DownloadOptions, LocalOptions, TemplateOptions, BdevSpecs, BdevType } from './options.js';
export type { StartOptions, ExecuteOptions, DestroyOptions, AbortOptions, WaitOptions, ListOptions, ContainerOptions, ContainerState, LogOptions, LogLevel } from './options.js';
export type { CloneOptions, CloneEphemeralOptions, ImagesOptions } from './options.js';
export type { ConsoleOptions, ConsoleLogOptions } from './options.js';
export type { CheckpointOptions, RestoreOptions, MigrateOptions } from './options.js';
export type { MountOptions, UmountOptions } from './options.js';
export type { GetIpsOptions } from './options.js';
export type { FileWriteOptions, FileReadOptions, FileRemoveOptions } from './options.js';
// The convention's types (docs/conventions.md); the alias table itself is exported by lxc-ffi/schemas.
export type { Seconds, OptionAlias } from './options.js';
export type { HostCheckOptions } from './options.js';
// Types only: the check itself loads with the first checkHost() (lib/host/).
export type { HostReport, HostFinding, HostSeverity } from './host/findings.js';
export * from './constants.js';

/** The runtime liblxc version, e.g. '5.0.2'. */
export const version: string = ffi.versionString;

/** The runtime liblxc version as numbers, e.g. [5, 0, 2]. */
export const versionNumber: readonly [major: number, minor: number, micro: number] = Object.freeze([...ffi.version] as [number, number, number]);

/**
 * Whether the runtime liblxc is at least major.minor.micro (go-lxc's VersionAtLeast).
 *
 * @example
 * if (lxc.versionAtLeast(4, 0, 5)) fd = c.devptsFd();
 */
export function versionAtLeast(major: number, minor = 0, micro = 0): boolean {
  for (const [name, n] of [['major', major], ['minor', minor], ['micro', micro]] as const) {
    if (!Number.isInteger(n) || n < 0) throw invalid('versionAtLeast', name, 'must be an integer ≥ 0');
  }
  return ffi.compareVersions(ffi.version, [major, minor, micro]) >= 0;
}

/** The global lxc.lxcpath, where containers live by default. */
export const defaultConfigPath: string = globalLxcpath();

/**
 * A value of liblxc's global config (lxc.lxcpath, lxc.default_config, lxc.bdev.lvm.vg, ...).
 *
 * @example
 * lxc.getGlobalConfigItem('lxc.lxcpath') // '/var/lib/lxc'
 */
export function getGlobalConfigItem(key: string): string | undefined {
  const k = check('getGlobalConfigItem', 'key', configKey, key);
  return ffi.lxc_get_global_config_item(k) ?? undefined;
}

/**
 * Whether the runtime liblxc has an API extension. liblxc 3.0 has no lxc_has_api_extension()
 * (3.1.0 added it): there the answer is true for the four extensions 3.0 already provides
 * (lxc_log, lxc_config_item_is_supported, console_log, reboot2) and false for any other.
 *
 * @example
 * lxc.hasApiExtension('mount_injection_file') // true on 5.0
 */
export function hasApiExtension(name: string): boolean {
  if (typeof name !== 'string' || !/^[a-z0-9_]+$/.test(name)) throw invalid('hasApiExtension', 'name', 'must be an extension name (a-z, 0-9, "_")');
  return apiExtension(name);
}

/**
 * Whether the runtime liblxc knows a config key.
 *
 * @example
 * lxc.isConfigItemSupported('lxc.net.0.type') // true
 */
export function isConfigItemSupported(key: string): boolean {
  if (typeof key !== 'string' || !/^lxc(\.[A-Za-z0-9_\-]+)+$/.test(key)) return false;
  return isKnownKey(key);
}


/**
 * Names of the containers in an lxcpath: running ones, defined ones, or both (the default).
 *
 * @example
 * lxc.listContainers({ active: true, defined: false }) // running only
 */
export function listContainers(options: ListOptions = {}): string[] {
  const opts = optionsOf('listContainers', 'options', listOptionsSchema, options, listDefaults);
  const lxcpath = opts.lxcpath ?? globalLxcpath();
  if (!opts.active && !opts.defined) return [];
  const list = opts.active && opts.defined ? ffi.list_all_containers : opts.active ? ffi.list_active_containers : ffi.list_defined_containers;
  const names: [bigint | null] = [null];
  const n = list(lxcpath, names, null) as number;
  if (n < 0) return [];
  return ffi.takeStringArray(names[0], n).sort();
}

/**
 * The containers of an lxcpath as Container objects (python's `list_containers(as_object=True)`).
 *
 * @example
 * for (const c of lxc.containers()) console.log(c.name, c.state);
 */
export function containers(options: ListOptions = {}): Container[] {
  // Checked once, then read from the checked copy (the caller's object may be a Proxy or have getters).
  const checked: ListOptions = optionsOf('containers', 'options', listOptionsSchema, options);
  const lxcpath = checked.lxcpath;
  return listContainers(checked).map((n) => new Container(n, lxcpath === undefined ? undefined : lxcpath));
}

/**
 * The personality number for an architecture name, as attach's `personality` option uses it.
 *
 * @example
 * lxc.archToPersonality('i686') // 8 (PER_LINUX32)
 */
export function archToPersonality(arch: string): number {
  if (typeof arch !== 'string' || !Object.hasOwn(personalities, arch)) throw invalid('archToPersonality', 'arch', `must be one of ${Object.keys(personalities).join(', ')}`);
  return personalities[arch as keyof typeof personalities];
}

/**
 * What the calling user lacks to run containers on this host: one finding per check, each with a
 * fix line when it fails. For root: liblxc, the default config's bridge, the templates,
 * lxc-monitord. For any other user also: subordinate uids and gids, newuidmap and newgidmap, the
 * id map of ~/.config/lxc/default.conf, the lxc-usernet quota for its bridge, lxc-user-nic, search
 * permission on the lxcpath's directories, writable cgroups, XDG_RUNTIME_DIR. It reads small files
 * and stats only (no process is started); `report.ok` is false when a finding of severity 'error'
 * fails. `npx lxc-ffi --check` prints the same report.
 *
 * @example
 * const report = await lxc.checkHost();
 * for (const f of report.findings) if (!f.ok) console.log(`${f.summary}\n  fix: ${f.fix}`);
 */
export async function checkHost(options: HostCheckOptions = {}): Promise<HostReport> {
  const o = optionsOf('checkHost', 'options', hostCheckOptionsSchema, options);
  const { checkHost: check } = await import('./host/check.js');
  return check({ version: ffi.versionString, paths: ffi.liblxcPath }, o.lxcpath ?? globalLxcpath());
}

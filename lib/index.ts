// lxc-ffi: the public surface.
import * as ffi from '../ffi/index.js';
import { Container, globalLxcpath, isKnownKey } from './container.js';
import { check, configKey } from './validate.js';
import { invalid } from './errors.js';
import { personalities } from './attach/options.js';
import { listOptionsSchema, listDefaults, type ListOptions } from './options.js';

export {
  Container, attachRunCommand, type ExecResult, type ExecOptions, type GetIpsOptions, type CloneOptions, type Snapshot,
  type ConsoleOptions, type ConsoleLogOptions, type MigrateOptions, type ConsoleTty, type MountOptions, type UmountOptions,
} from './container.js';
export { NetworkList, NetworkInterface, type NetworkKey } from './network.js';
// Types only: the classes load with the first attach call (lib/container.ts).
export type { Session } from './attach/session.js';
export type { AttachedProcess, ExitStatus } from './attach/process.js';
export type { AttachOptions, Namespace } from './attach/options.js';
export { LxcError, type LxcErrorCode } from './errors.js';
export type {
  CreateOptions, DownloadOptions, LocalOptions, TemplateOptions, StartOptions, DestroyOptions,
  WaitOptions, ListOptions, ContainerOptions, ContainerState, BdevSpecs, BdevType,
} from './options.js';
export * from './constants.js';

/** The runtime liblxc version, e.g. '5.0.2'. */
export const version: string = ffi.versionString;

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
 * Whether the runtime liblxc has an API extension.
 *
 * @example
 * lxc.hasApiExtension('mount_injection_file') // true on 5.0
 */
export function hasApiExtension(name: string): boolean {
  if (typeof name !== 'string' || !/^[a-z0-9_]+$/.test(name)) throw invalid('hasApiExtension', 'name', 'must be an extension name (a-z, 0-9, "_")');
  return ffi.lxc_has_api_extension(name) as boolean;
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
  const opts = { ...listDefaults, ...check('listContainers', 'options', listOptionsSchema, options) };
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
  const lxcpath = options.lxcpath;
  return listContainers(options).map((n) => new Container(n, lxcpath === undefined ? undefined : lxcpath));
}

/**
 * The personality number for an architecture name, as attach's `personality` option uses it.
 *
 * @example
 * lxc.archToPersonality('i686') // 8 (PER_LINUX32)
 */
export function archToPersonality(arch: string): number {
  if (typeof arch !== 'string' || !(arch in personalities)) throw invalid('archToPersonality', 'arch', `must be one of ${Object.keys(personalities).join(', ')}`);
  return personalities[arch];
}

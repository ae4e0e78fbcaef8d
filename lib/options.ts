// Every option object of the public API: its checker, its type and its defaults side by side.
import { object, optional, string, int, boolean, oneOf, custom, record, array, refuse, type Infer } from './check.js';
import { absolutePath, templateValue, noNul } from './validate.js';

/** An AbortSignal, for the calls that can be cancelled. */
export const abortSignal = custom<AbortSignal>((v) => v instanceof AbortSignal, 'must be an AbortSignal');

/** Backing stores liblxc knows by name. */
export const bdevTypes = ['dir', 'btrfs', 'zfs', 'lvm', 'loop', 'overlay', 'overlayfs', 'rbd', 'best'] as const;
export type BdevType = (typeof bdevTypes)[number];

/** struct bdev_specs, in camelCase. */
export const bdevSpecsSchema = object({
  /** Filesystem type for block backing stores (loop, lvm, rbd). */
  fstype: optional(string([(s) => /^[a-z0-9]+$/.test(s), 'must be a filesystem type such as ext4'])),
  /** Size in bytes for block backing stores. */
  fssize: optional(int(0)),
  zfs: optional(object({ zfsroot: optional(noNul) })),
  lvm: optional(object({ vg: optional(noNul), lv: optional(noNul), thinpool: optional(noNul) })),
  /** Where a `dir` rootfs goes. */
  dir: optional(absolutePath),
  rbd: optional(object({ rbdname: optional(noNul), rbdpool: optional(noNul) })),
});
export type BdevSpecs = Infer<typeof bdevSpecsSchema>;

/** Options of `create()` that are not the template's. */
export const createOptionsSchema = object({
  /** Drop the template's output instead of writing it to stdout (LXC_CREATE_QUIET). */
  quiet: optional(boolean),
  /** Backing store of the root filesystem. */
  bdevtype: optional(oneOf(bdevTypes)),
  bdevSpecs: optional(bdevSpecsSchema),
  /** Raw LXC_CREATE_* flags, or-ed in. */
  flags: optional(int(0)),
  /** Receives each line the template prints (stdout and stderr); set, nothing is written to stdout. */
  onOutput: optional(custom<(line: string) => void>((v) => typeof v === 'function', 'must be a function')),
  signal: optional(abortSignal),
});
export type CreateOptions = Infer<typeof createOptionsSchema>;
export const createDefaults = { quiet: false, bdevtype: undefined, flags: 0 } as const;

/** The typed options of the `download` template (LXC 5.0: no GPG options). */
export const downloadOptionsSchema = object({
  dist: templateValue,
  release: templateValue,
  arch: templateValue,
  variant: optional(templateValue),
  /** Image server host[:port]. */
  server: optional(templateValue),
  flushCache: optional(boolean),
  forceCache: optional(boolean),
  /** Only for download templates that take --keyserver (LXC 3.x/4.x). */
  keyserver: optional(templateValue),
  /** Only for download templates that take --no-validate (LXC 3.x/4.x). */
  noValidate: optional(boolean),
});
export type DownloadOptions = Infer<typeof downloadOptionsSchema>;

/** The `local` template's options: a metadata tarball and a rootfs tarball. */
export const localOptionsSchema = object({ metadata: absolutePath, fstree: absolutePath });
export type LocalOptions = Infer<typeof localOptionsSchema>;

// A string is checked as a template value (its message says why); flags and numbers pass as they are.
function templateOptionValue(v: unknown): string | boolean | number {
  if (typeof v === 'string') return templateValue(v);
  if (typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return v;
  return refuse('must be a string, a boolean or a finite number');
}

/** Any other template: `{ k: v }` → `--k v`, `{ k: true }` → `--k`, camelCase keys → kebab-case. */
export const genericTemplateOptionsSchema = record(
  string([(s) => /^[A-Za-z][A-Za-z0-9_-]*$/.test(s), 'option names are letters, digits, "_" and "-"']),
  templateOptionValue,
);
export type TemplateOptions = Record<string, string | number | boolean>;

/** Options of `start()`. */
export const startOptionsSchema = object({
  /** Run lxc-init as pid 1 in front of the command (application containers). */
  useinit: optional(boolean),
  /** Command to run as the container's init instead of lxc.init.cmd; never empty. */
  argv: optional(array(noNul, 1, 'must name a command (an empty argv makes init exec nothing)')),
});
export type StartOptions = Infer<typeof startOptionsSchema>;
export const startDefaults = { useinit: false, argv: undefined } as const;

/** Options of `destroy()`. */
export const destroyOptionsSchema = object({
  /** Also destroy the container's snapshots (a plain destroy when it has none, where liblxc's own call fails). */
  withSnapshots: optional(boolean),
});
export type DestroyOptions = Infer<typeof destroyOptionsSchema>;
export const destroyDefaults = { withSnapshots: false } as const;

/** Options of `wait()`-like polling calls. */
export const waitOptionsSchema = object({ signal: optional(abortSignal) });
export type WaitOptions = Infer<typeof waitOptionsSchema>;

/** Options of `listContainers()` / `containers()`. */
export const listOptionsSchema = object({
  lxcpath: optional(absolutePath),
  /** Include running containers. */
  active: optional(boolean),
  /** Include containers with a config. */
  defined: optional(boolean),
});
export type ListOptions = Infer<typeof listOptionsSchema>;
export const listDefaults = { active: true, defined: true } as const;

/** Options of the Container constructor. */
export const containerOptionsSchema = object({ lxcpath: optional(absolutePath) });
export type ContainerOptions = Infer<typeof containerOptionsSchema>;

/** Container states liblxc reports. */
export const states = ['STOPPED', 'STARTING', 'RUNNING', 'STOPPING', 'ABORTING', 'FREEZING', 'FROZEN', 'THAWED'] as const;
export type ContainerState = (typeof states)[number];

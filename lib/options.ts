// Every option object of the public API: its zod schema, its type and its defaults side by side.
import { z } from 'zod';
import { absolutePath, templateValue } from './validate.js';

const signal = z.custom<AbortSignal>((v) => v instanceof AbortSignal, 'must be an AbortSignal');
const noNul = z.string().refine((s) => !s.includes('\u0000'), 'must not contain NUL');

/** Backing stores liblxc knows by name. */
export const bdevTypes = ['dir', 'btrfs', 'zfs', 'lvm', 'loop', 'overlay', 'overlayfs', 'rbd', 'best'] as const;
export type BdevType = (typeof bdevTypes)[number];

/** struct bdev_specs, in camelCase. */
export const bdevSpecsSchema = z.strictObject({
  /** Filesystem type for block backing stores (loop, lvm, rbd). */
  fstype: z.string().regex(/^[a-z0-9]+$/).optional(),
  /** Size in bytes for block backing stores. */
  fssize: z.number().int().nonnegative().optional(),
  zfs: z.strictObject({ zfsroot: noNul.optional() }).optional(),
  lvm: z.strictObject({ vg: noNul.optional(), lv: noNul.optional(), thinpool: noNul.optional() }).optional(),
  /** Where a `dir` rootfs goes. */
  dir: absolutePath.optional(),
  rbd: z.strictObject({ rbdname: noNul.optional(), rbdpool: noNul.optional() }).optional(),
});
export type BdevSpecs = z.infer<typeof bdevSpecsSchema>;

/** Options of `create()` that are not the template's. */
export const createOptionsSchema = z.strictObject({
  /** Drop the template's output instead of writing it to stdout (LXC_CREATE_QUIET). */
  quiet: z.boolean().optional(),
  /** Backing store of the root filesystem. */
  bdevtype: z.enum(bdevTypes).optional(),
  bdevSpecs: bdevSpecsSchema.optional(),
  /** Raw LXC_CREATE_* flags, or-ed in. */
  flags: z.number().int().nonnegative().optional(),
  /** Receives each line the template prints (stdout and stderr); set, nothing is written to stdout. */
  onOutput: z.custom<(line: string) => void>((v) => typeof v === 'function', 'must be a function').optional(),
  signal: signal.optional(),
});
export type CreateOptions = z.input<typeof createOptionsSchema>;
export const createDefaults = { quiet: false, bdevtype: undefined, flags: 0 } as const;

/** The typed options of the `download` template (LXC 5.0: no GPG options). */
export const downloadOptionsSchema = z.strictObject({
  dist: templateValue,
  release: templateValue,
  arch: templateValue,
  variant: templateValue.optional(),
  /** Image server host[:port]. */
  server: templateValue.optional(),
  flushCache: z.boolean().optional(),
  forceCache: z.boolean().optional(),
  /** Only for download templates that take --keyserver (LXC 3.x/4.x). */
  keyserver: templateValue.optional(),
  /** Only for download templates that take --no-validate (LXC 3.x/4.x). */
  noValidate: z.boolean().optional(),
});
export type DownloadOptions = z.input<typeof downloadOptionsSchema>;

/** The `local` template's options: a metadata tarball and a rootfs tarball. */
export const localOptionsSchema = z.strictObject({ metadata: absolutePath, fstree: absolutePath });
export type LocalOptions = z.input<typeof localOptionsSchema>;

/** Any other template: `{ k: v }` → `--k v`, `{ k: true }` → `--k`, camelCase keys → kebab-case. */
export const genericTemplateOptionsSchema = z.record(
  z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'option names are letters, digits, "_" and "-"'),
  z.union([templateValue, z.boolean(), z.number().finite()]),
);
export type TemplateOptions = Record<string, string | number | boolean>;

/** Options of `start()`. */
export const startOptionsSchema = z.strictObject({
  /** Run lxc-init as pid 1 in front of the command (application containers). */
  useinit: z.boolean().optional(),
  /** Command to run as the container's init instead of lxc.init.cmd; never empty. */
  argv: z.array(noNul).min(1, 'must name a command (an empty argv makes init exec nothing)').optional(),
});
export type StartOptions = z.input<typeof startOptionsSchema>;
export const startDefaults = { useinit: false, argv: undefined } as const;

/** Options of `destroy()`. */
export const destroyOptionsSchema = z.strictObject({
  /** Also destroy the container's snapshots. */
  withSnapshots: z.boolean().optional(),
});
export type DestroyOptions = z.input<typeof destroyOptionsSchema>;
export const destroyDefaults = { withSnapshots: false } as const;

/** Options of `wait()`-like polling calls. */
export const waitOptionsSchema = z.strictObject({ signal: signal.optional() });
export type WaitOptions = z.input<typeof waitOptionsSchema>;

/** Options of `listContainers()` / `containers()`. */
export const listOptionsSchema = z.strictObject({
  lxcpath: absolutePath.optional(),
  /** Include running containers. */
  active: z.boolean().optional(),
  /** Include containers with a config. */
  defined: z.boolean().optional(),
});
export type ListOptions = z.input<typeof listOptionsSchema>;
export const listDefaults = { active: true, defined: true } as const;

/** Options of the Container constructor. */
export const containerOptionsSchema = z.strictObject({ lxcpath: absolutePath.optional() });
export type ContainerOptions = z.input<typeof containerOptionsSchema>;

/** Container states liblxc reports. */
export const states = ['STOPPED', 'STARTING', 'RUNNING', 'STOPPING', 'ABORTING', 'FREEZING', 'FROZEN', 'THAWED'] as const;
export type ContainerState = (typeof states)[number];

// The zod schemas of create.ts's option types, each checked against its interface at compile time.
import { schema, abortSignal, path, text, templateArg, boolean, int, fn, checked, type Same, type Infer, type Assert } from './common.js';
import { stringRules } from '../validate.js';
import type { BdevSpecs, BdevType, CreateOptions, DownloadOptions, LocalOptions, TemplateOptions } from './create.js';
import { bdevTypes } from './create.js';

export const bdevSpecsSchema = schema((z) => z.strictObject({
  fstype: z.optional(checked(stringRules([(s) => /^[a-z0-9]+$/.test(s), 'must be a filesystem type such as ext4']))),
  fssize: z.optional(int(0)),
  zfs: z.optional(z.strictObject({ zfsroot: z.optional(text()) })),
  lvm: z.optional(z.strictObject({ vg: z.optional(text()), lv: z.optional(text()), thinpool: z.optional(text()) })),
  dir: z.optional(path()),
  rbd: z.optional(z.strictObject({ rbdname: z.optional(text()), rbdpool: z.optional(text()) })),
}));

type BdevChecked = Assert<Same<Infer<typeof bdevSpecsSchema>, BdevSpecs>>;

export const createOptionsSchema = schema((z) => z.strictObject({
  quiet: z.optional(boolean()),
  bdevtype: z.optional(z.enum(bdevTypes)),
  bdevSpecs: z.optional(bdevSpecsSchema()),
  flags: z.optional(int(0)),
  onOutput: z.optional(fn<(line: string) => void>()),
  signal: z.optional(abortSignal()),
}));

type CreateChecked = Assert<Same<Infer<typeof createOptionsSchema>, CreateOptions>>;

export const downloadOptionsSchema = schema((z) => z.strictObject({
  dist: templateArg(),
  release: templateArg(),
  arch: templateArg(),
  variant: z.optional(templateArg()),
  server: z.optional(templateArg()),
  flushCache: z.optional(boolean()),
  forceCache: z.optional(boolean()),
  keyserver: z.optional(templateArg()),
  noValidate: z.optional(boolean()),
}));

type DownloadChecked = Assert<Same<Infer<typeof downloadOptionsSchema>, DownloadOptions>>;

export const localOptionsSchema = schema((z) => z.strictObject({ metadata: path(), fstree: path() }));

type LocalChecked = Assert<Same<Infer<typeof localOptionsSchema>, LocalOptions>>;

export const genericTemplateOptionsSchema = schema((z) => z.record(
  checked(stringRules([(s) => /^[A-Za-z][A-Za-z0-9_-]*$/.test(s), 'option names are letters, digits, "_" and "-"'])),
  z.union([templateArg(), z.boolean(), z.number().check(z.refine((n) => Number.isFinite(n)))], { error: 'must be a string, a boolean() or a finite number' }),
));

type TemplateChecked = Assert<Same<Infer<typeof genericTemplateOptionsSchema>, TemplateOptions>>;

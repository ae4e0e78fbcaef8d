// The zod schemas of devices.ts's option types, each checked against its interface at compile time.
import { schema, value, int, checked, type Same, type Infer, type Assert } from './common.js';
import { stringRules } from '../validate.js';
import type { MountOptions, UmountOptions } from './devices.js';

export const mountOptionsSchema = schema((z) => z.strictObject({
  fstype: z.optional(checked(stringRules([(s) => /^[a-z0-9.]*$/.test(s), 'must be a filesystem type such as ext4']))),
  flags: z.optional(int(0)),
  data: z.optional(value()),
}));

type MountChecked = Assert<Same<Infer<typeof mountOptionsSchema>, MountOptions>>;

export const umountOptionsSchema = schema((z) => z.strictObject({ flags: z.optional(int(0)) }));

type UmountChecked = Assert<Same<Infer<typeof umountOptionsSchema>, UmountOptions>>;

// The zod schemas of clone.ts's option types, each checked against its interface at compile time.
import { schema, path, value, boolean, int, type Same, type Infer, type Assert } from './common.js';
import { bdevTypes, type BdevType } from './create.js';
import type { CloneOptions } from './clone.js';

export const cloneOptionsSchema = schema((z) => z.strictObject({
  lxcpath: z.optional(path()),
  bdevtype: z.optional(z.enum(bdevTypes)),
  bdevdata: z.optional(value()),
  snapshot: z.optional(boolean()),
  keepName: z.optional(boolean()),
  keepMacAddr: z.optional(boolean()),
  keepBdevType: z.optional(boolean()),
  maybeSnapshot: z.optional(boolean()),
  newSize: z.optional(int(0)),
  hookArgs: z.optional(z.array(value())),
  flags: z.optional(int(0)),
}));

type CloneChecked = Assert<Same<Infer<typeof cloneOptionsSchema>, CloneOptions>>;

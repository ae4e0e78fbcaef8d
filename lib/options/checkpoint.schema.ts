// The zod schemas of checkpoint.ts's option types, each checked against its interface at compile time.
import { schema, path, value, boolean, int, type Same, type Infer, type Assert } from './common.js';
import type { CheckpointOptions, MigrateOptions, RestoreOptions } from './checkpoint.js';

export const checkpointOptionsSchema = schema((z) => z.strictObject({ stop: z.optional(boolean()), verbose: z.optional(boolean()) }));

type CheckpointChecked = Assert<Same<Infer<typeof checkpointOptionsSchema>, CheckpointOptions>>;

export const restoreOptionsSchema = schema((z) => z.strictObject({ verbose: z.optional(boolean()) }));

type RestoreChecked = Assert<Same<Infer<typeof restoreOptionsSchema>, RestoreOptions>>;

export const migrateOptionsSchema = schema((z) => z.strictObject({
  directory: path(),
  verbose: z.optional(boolean()),
  stop: z.optional(boolean()),
  predumpDir: z.optional(path()),
  pageserverAddress: z.optional(value()),
  pageserverPort: z.optional(value()),
  preservesInodes: z.optional(boolean()),
  actionScript: z.optional(path()),
  ghostLimit: z.optional(int(0)),
  featuresToCheck: z.optional(int(0)),
}));

type MigrateChecked = Assert<Same<Infer<typeof migrateOptionsSchema>, MigrateOptions>>;

// Options of `checkpoint()`, `restore()` and `migrate()` (CRIU). Each type is one block: the
// interface (TSDoc per field, the default stated), its defaults object, its schema (checked
// against the interface at compile time). How they are parsed: parse.ts.
import { schema, boolean, abortSignal, int, path, value, type Assert, type Same, type Infer, type Defaults } from './parse.js';

// ---- checkpoint ---------------------------------------------------------------------------------

/** Options of `checkpoint()`. */
export interface CheckpointOptions {
  /** Stop the container once it is dumped. Default false. */
  stop?: boolean;
  /** CRIU's verbose output. Default false. */
  verbose?: boolean;
}

/** The defaults of `checkpoint()`. */
export const checkpointDefaults = {
  /** the container keeps running. */
  stop: false,
  /** CRIU's quiet output. */
  verbose: false,
} as const satisfies Defaults<CheckpointOptions>;

export const checkpointOptionsSchema = schema((z) => z.strictObject({ stop: z.optional(boolean()), verbose: z.optional(boolean()) }));
type CheckpointChecked = Assert<Same<Infer<typeof checkpointOptionsSchema>, CheckpointOptions>>;

// ---- restore ------------------------------------------------------------------------------------

/** Options of `restore()`. */
export interface RestoreOptions {
  /** CRIU's verbose output. Default false. */
  verbose?: boolean;
  /** Aborts the restore: while queued it never runs; once CRIU restored it, the container is stopped. Rejects with EABORT. */
  signal?: AbortSignal;
}

/** The defaults of `restore()`. */
export const restoreDefaults = {
  /** CRIU's quiet output. */
  verbose: false,
} as const satisfies Defaults<RestoreOptions>;

export const restoreOptionsSchema = schema((z) => z.strictObject({ verbose: z.optional(boolean()), signal: z.optional(abortSignal()) }));
type RestoreChecked = Assert<Same<Infer<typeof restoreOptionsSchema>, RestoreOptions>>;

// ---- migrate ------------------------------------------------------------------------------------

/** struct migrate_opts, in camelCase: what `migrate()` hands to CRIU. */
export interface MigrateOptions {
  /** Where the dump goes (or is read from). */
  directory: string;
  /** CRIU's verbose output. Default false. */
  verbose?: boolean;
  /** Stop the container once it is dumped. Default false. */
  stop?: boolean;
  /** A pre-dump's directory, for an incremental dump. Default: none. */
  predumpDir?: string;
  /** A CRIU page server to send the pages to. Default: none. */
  pageserverAddress?: string;
  /** The page server's port. Default: none. */
  pageserverPort?: string;
  /** The file system keeps inode numbers (no CRIU remap). Default false. */
  preservesInodes?: boolean;
  /** A script CRIU runs at its action points. Default: none. */
  actionScript?: string;
  /** Largest file CRIU keeps as a ghost file, in bytes. Default 0: CRIU's. */
  ghostLimit?: number;
  /** With MIGRATE_FEATURE_CHECK: the features to check (FEATURE_MEM_TRACK, FEATURE_LAZY_PAGES). Default 0. */
  featuresToCheck?: number;
}

/** The defaults of `migrate()`. */
export const migrateDefaults = {
  /** CRIU's quiet output. */
  verbose: false,
  /** The container keeps running. */
  stop: false,
  /** No pre-dump. */
  predumpDir: null,
  /** No page server. */
  pageserverAddress: null,
  /** No page server. */
  pageserverPort: null,
  /** CRIU remaps inodes. */
  preservesInodes: false,
  /** No action script. */
  actionScript: null,
  /** CRIU's ghost limit. */
  ghostLimit: 0,
  /** No features to check. */
  featuresToCheck: 0,
} as const satisfies Defaults<MigrateOptions>;

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
}), { required: true });
type MigrateChecked = Assert<Same<Infer<typeof migrateOptionsSchema>, MigrateOptions>>;

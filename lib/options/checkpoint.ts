// Options of `checkpoint()`, `restore()` and `migrate()` (CRIU).

/** Options of `checkpoint()`. */
export interface CheckpointOptions {
  /** Stop the container once it is dumped. Default false. */
  stop?: boolean;
  /** CRIU's verbose output. Default false. */
  verbose?: boolean;
}

export const checkpointDefaults = { stop: false, verbose: false } as const;

/** Options of `restore()`. */
export interface RestoreOptions {
  /** CRIU's verbose output. Default false. */
  verbose?: boolean;
}

export const restoreDefaults = { verbose: false } as const;

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

export const migrateDefaults = {
  verbose: false, stop: false, predumpDir: null, pageserverAddress: null, pageserverPort: null,
  preservesInodes: false, actionScript: null, ghostLimit: 0, featuresToCheck: 0,
} as const;

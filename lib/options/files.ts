// Options of `c.files` (files in and out of a container: docs/files.md). Each type is one block:
// the interface (TSDoc per field, the default stated), its defaults object, its schema (checked
// against the interface at compile time). How they are parsed: parse.ts.
import { schema, int, boolean, type Assert, type Same, type Infer, type Defaults } from './parse.js';

// ---- write, writeStream, push, mkdir -------------------------------------------------------------

/** Options of `files.write()`, `files.writeStream()`, `files.push()` and `files.mkdir()`. */
export interface FileWriteOptions {
  /** Permission bits of what is created (exactly, no umask). Default: 0o644 for files, 0o755 for directories; push keeps the host file's. */
  mode?: number;
  /** Owner, a uid of the container (mapped through lxc.idmap). Default 0: the container's root. */
  uid?: number;
  /** Group, a gid of the container (mapped through lxc.idmap). Default 0. */
  gid?: number;
  /** Create missing parent directories (mkdir -p), owned by uid/gid. Default true. */
  parents?: boolean;
}

/** The defaults of the write calls. */
export const fileWriteDefaults = {
  /** the container's root. */
  uid: 0,
  /** the container's root group. */
  gid: 0,
  /** mkdir -p the parents. */
  parents: true,
} as const satisfies Defaults<FileWriteOptions>;

export const fileWriteOptionsSchema = schema((z) => z.strictObject({
  mode: z.optional(int(0, 0o7777)),
  uid: z.optional(int(0, 0xfffffffe)),
  gid: z.optional(int(0, 0xfffffffe)),
  parents: z.optional(boolean()),
}));
type FileWriteChecked = Assert<Same<Infer<typeof fileWriteOptionsSchema>, FileWriteOptions>>;

// ---- read ----------------------------------------------------------------------------------------

/** Options of `files.read()`. */
export interface FileReadOptions {
  /** Refuse a file larger than this many bytes (use readStream()). Default 64 MiB. */
  maxBytes?: number;
}

/** The defaults of `files.read()`. */
export const fileReadDefaults = {
  /** 64 MiB. */
  maxBytes: 64 * 1024 * 1024,
} as const satisfies Defaults<FileReadOptions>;

export const fileReadOptionsSchema = schema((z) => z.strictObject({ maxBytes: z.optional(int(0)) }));
type FileReadChecked = Assert<Same<Infer<typeof fileReadOptionsSchema>, FileReadOptions>>;

// ---- remove --------------------------------------------------------------------------------------

/** Options of `files.remove()`. */
export interface FileRemoveOptions {
  /** Remove a directory and everything under it (rm -r). Default false: a directory must be empty. */
  recursive?: boolean;
  /** No error when the path does not exist (rm -f). Default false. */
  force?: boolean;
}

/** The defaults of `files.remove()`. */
export const fileRemoveDefaults = {
  /** a directory must be empty. */
  recursive: false,
  /** a missing path is an error. */
  force: false,
} as const satisfies Defaults<FileRemoveOptions>;

export const fileRemoveOptionsSchema = schema((z) => z.strictObject({
  recursive: z.optional(boolean()),
  force: z.optional(boolean()),
}));
type FileRemoveChecked = Assert<Same<Infer<typeof fileRemoveOptionsSchema>, FileRemoveOptions>>;

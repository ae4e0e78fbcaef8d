// lxc-ffi/schemas: the zod schema of every option object, with the option types and the defaults
// the calls use, for programs that validate container specs (a file of them, a request body)
// before calling anything. Importing this module loads zod; `import 'lxc-ffi'` does not. zod is
// imported statically (no top-level await), so CommonJS can require('lxc-ffi/schemas') too.
//
// @example
// import { createOptionsSchema, parse } from 'lxc-ffi/schemas';
// const r = createOptionsSchema.safeParse(spec.createOptions); // zod's own result
// const o = parse('create', 'createOptions', createOptionsSchema, spec.createOptions); // or LxcError EINVAL
import * as zodMini from 'zod/mini';
import * as P from './options/parse.js';
import * as S from './options.js';

P.provideZod(zodMini);

import type { AbortOptions, AttachOptions, BdevSpecs, CheckpointOptions, CloneEphemeralOptions, CloneOptions, ConsoleLogOptions, ConsoleOptions, ContainerOptions, CreateOptions, DestroyOptions, DownloadOptions, ExecOptions, ExecuteOptions, GetIpsOptions, HostCheckOptions, ListOptions, LocalOptions, LogOptions, MigrateOptions, MountOptions, RestoreOptions, StartOptions, TemplateOptions, UmountOptions, WaitOptions, WatchOptions, FileWriteOptions, FileReadOptions, FileRemoveOptions, ImagesOptions } from './options.js';

export { parse, type Z } from './options/parse.js';
export * from './options.js';

/** A zod/mini schema whose parse yields T: `safeParse`, `parse`, `check` as zod has them. */
export type Schema<T> = P.Z.ZodMiniType<T>;

/** zod/mini, as the schemas are built with it. */
export const z = P.zod();
/** The StartOptions of Container.start. */
export const startOptionsSchema: Schema<StartOptions> = S.startOptionsSchema();
/** The ExecuteOptions of Container.execute. */
export const executeOptionsSchema: Schema<ExecuteOptions> = S.executeOptionsSchema();
/** The AbortOptions of Container.stop, snapshot and snapshotRestore. */
export const abortOptionsSchema: Schema<AbortOptions> = S.abortOptionsSchema();
/** The DestroyOptions of Container.destroy. */
export const destroyOptionsSchema: Schema<DestroyOptions> = S.destroyOptionsSchema();
/** The WaitOptions of Container.wait. */
export const waitOptionsSchema: Schema<WaitOptions> = S.waitOptionsSchema();
/** The ListOptions of listContainers. */
export const listOptionsSchema: Schema<ListOptions> = S.listOptionsSchema();
/** The ContainerOptions of new Container. */
export const containerOptionsSchema: Schema<ContainerOptions> = S.containerOptionsSchema();
/** The LogOptions of logInit. */
export const logOptionsSchema: Schema<LogOptions> = S.logOptionsSchema();
/** The WatchOptions of watch. */
export const watchOptionsSchema: Schema<WatchOptions> = S.watchOptionsSchema();
/** The HostCheckOptions of checkHost. */
export const hostCheckOptionsSchema: Schema<HostCheckOptions> = S.hostCheckOptionsSchema();
/** The BdevSpecs of CreateOptions.bdevSpecs. */
export const bdevSpecsSchema: Schema<BdevSpecs> = S.bdevSpecsSchema();
/** The CreateOptions of Container.create. */
export const createOptionsSchema: Schema<CreateOptions> = S.createOptionsSchema();
/** The DownloadOptions of the download template. */
export const downloadOptionsSchema: Schema<DownloadOptions> = S.downloadOptionsSchema();
/** The LocalOptions of the local template. */
export const localOptionsSchema: Schema<LocalOptions> = S.localOptionsSchema();
/** The TemplateOptions of any other template. */
export const genericTemplateOptionsSchema: Schema<TemplateOptions> = S.genericTemplateOptionsSchema();
/** The AttachOptions of Container.attach. */
export const attachOptionsSchema: Schema<AttachOptions> = S.attachOptionsSchema();
/** The ExecOptions of Container.exec. */
export const execOptionsSchema: Schema<ExecOptions> = S.execOptionsSchema();
/** The CloneOptions of Container.clone. */
export const cloneOptionsSchema: Schema<CloneOptions> = S.cloneOptionsSchema();
/** The CloneEphemeralOptions of Container.cloneEphemeral. */
export const cloneEphemeralOptionsSchema: Schema<CloneEphemeralOptions> = S.cloneEphemeralOptionsSchema();
/** The ConsoleOptions of Container.console. */
export const consoleOptionsSchema: Schema<ConsoleOptions> = S.consoleOptionsSchema();
/** The ConsoleLogOptions of Container.consoleLog. */
export const consoleLogOptionsSchema: Schema<ConsoleLogOptions> = S.consoleLogOptionsSchema();
/** The CheckpointOptions of Container.checkpoint. */
export const checkpointOptionsSchema: Schema<CheckpointOptions> = S.checkpointOptionsSchema();
/** The RestoreOptions of Container.restore. */
export const restoreOptionsSchema: Schema<RestoreOptions> = S.restoreOptionsSchema();
/** The MigrateOptions of Container.migrate. */
export const migrateOptionsSchema: Schema<MigrateOptions> = S.migrateOptionsSchema();
/** The MountOptions of Container.mount. */
export const mountOptionsSchema: Schema<MountOptions> = S.mountOptionsSchema();
/** The UmountOptions of Container.umount. */
export const umountOptionsSchema: Schema<UmountOptions> = S.umountOptionsSchema();
/** The FileWriteOptions of files.write, writeStream, push and mkdir. */
export const fileWriteOptionsSchema: Schema<FileWriteOptions> = S.fileWriteOptionsSchema();
/** The FileReadOptions of files.read. */
export const fileReadOptionsSchema: Schema<FileReadOptions> = S.fileReadOptionsSchema();
/** The FileRemoveOptions of files.remove. */
export const fileRemoveOptionsSchema: Schema<FileRemoveOptions> = S.fileRemoveOptionsSchema();
/** The ImagesOptions of images. */
export const imagesOptionsSchema: Schema<ImagesOptions> = S.imagesOptionsSchema();
/** The GetIpsOptions of Container.getIps. */
export const getIpsOptionsSchema: Schema<GetIpsOptions> = S.getIpsOptionsSchema();

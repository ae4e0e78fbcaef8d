// lxc-ffi/schemas: the zod schema of every option object, with the option types and the defaults
// the calls use, for programs that validate container specs (a file of them, a request body)
// before calling anything. Importing this module requires zod; `import 'lxc-ffi'` does not.
//
// @example
// import { createOptionsSchema, parse } from 'lxc-ffi/schemas';
// const r = createOptionsSchema.safeParse(spec.createOptions); // zod's own result
// const o = parse('create', 'createOptions', createOptionsSchema, spec.createOptions); // or LxcError EINVAL
import * as S from './options.schema.js';

await S.loadSchemas();

export { parse, type Z } from './options.schema.js';
export * from './options.js';

/** zod/mini, as the schemas are built with it. */
export const z = S.zod();
export const startOptionsSchema = S.startOptionsSchema();
export const executeOptionsSchema = S.executeOptionsSchema();
export const abortOptionsSchema = S.abortOptionsSchema();
export const destroyOptionsSchema = S.destroyOptionsSchema();
export const waitOptionsSchema = S.waitOptionsSchema();
export const listOptionsSchema = S.listOptionsSchema();
export const containerOptionsSchema = S.containerOptionsSchema();
export const bdevSpecsSchema = S.bdevSpecsSchema();
export const createOptionsSchema = S.createOptionsSchema();
export const downloadOptionsSchema = S.downloadOptionsSchema();
export const localOptionsSchema = S.localOptionsSchema();
export const genericTemplateOptionsSchema = S.genericTemplateOptionsSchema();
export const attachOptionsSchema = S.attachOptionsSchema();
export const execOptionsSchema = S.execOptionsSchema();
export const cloneOptionsSchema = S.cloneOptionsSchema();
export const consoleOptionsSchema = S.consoleOptionsSchema();
export const consoleLogOptionsSchema = S.consoleLogOptionsSchema();
export const checkpointOptionsSchema = S.checkpointOptionsSchema();
export const restoreOptionsSchema = S.restoreOptionsSchema();
export const migrateOptionsSchema = S.migrateOptionsSchema();
export const mountOptionsSchema = S.mountOptionsSchema();
export const umountOptionsSchema = S.umountOptionsSchema();
export const getIpsOptionsSchema = S.getIpsOptionsSchema();

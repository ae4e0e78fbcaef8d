// lxc-ffi/schemas: the zod schema of every option object, with the option types and the defaults
// the calls use, for programs that validate container specs (a file of them, a request body)
// before calling anything. Importing this module requires zod; `import 'lxc-ffi'` does not.
//
// @example
// import { createOptionsSchema, parse } from 'lxc-ffi/schemas';
// const r = createOptionsSchema.safeParse(spec.createOptions); // zod's own result
// const o = parse('create', 'createOptions', createOptionsSchema, spec.createOptions); // or LxcError EINVAL
import { zod } from './options/common.js';
import * as lifecycleSchemas from './options/lifecycle.schema.js';
import * as createSchemas from './options/create.schema.js';
import * as attachSchemas from './options/attach.schema.js';
import * as cloneSchemas from './options/clone.schema.js';
import * as consoleSchemas from './options/console.schema.js';
import * as checkpointSchemas from './options/checkpoint.schema.js';
import * as devicesSchemas from './options/devices.schema.js';
import * as networkSchemas from './options/network.schema.js';

export { parse } from './options/parse.js';
export * from './options/lifecycle.js';
export * from './options/create.js';
export * from './options/attach.js';
export * from './options/clone.js';
export * from './options/console.js';
export * from './options/checkpoint.js';
export * from './options/devices.js';
export * from './options/network.js';

/** zod/mini, as the schemas are built with it. */
export const z = zod();
export const startOptionsSchema = lifecycleSchemas.startOptionsSchema();
export const destroyOptionsSchema = lifecycleSchemas.destroyOptionsSchema();
export const waitOptionsSchema = lifecycleSchemas.waitOptionsSchema();
export const listOptionsSchema = lifecycleSchemas.listOptionsSchema();
export const containerOptionsSchema = lifecycleSchemas.containerOptionsSchema();
export const bdevSpecsSchema = createSchemas.bdevSpecsSchema();
export const createOptionsSchema = createSchemas.createOptionsSchema();
export const downloadOptionsSchema = createSchemas.downloadOptionsSchema();
export const localOptionsSchema = createSchemas.localOptionsSchema();
export const genericTemplateOptionsSchema = createSchemas.genericTemplateOptionsSchema();
export const attachOptionsSchema = attachSchemas.attachOptionsSchema();
export const execOptionsSchema = attachSchemas.execOptionsSchema();
export const cloneOptionsSchema = cloneSchemas.cloneOptionsSchema();
export const consoleOptionsSchema = consoleSchemas.consoleOptionsSchema();
export const consoleLogOptionsSchema = consoleSchemas.consoleLogOptionsSchema();
export const checkpointOptionsSchema = checkpointSchemas.checkpointOptionsSchema();
export const restoreOptionsSchema = checkpointSchemas.restoreOptionsSchema();
export const migrateOptionsSchema = checkpointSchemas.migrateOptionsSchema();
export const mountOptionsSchema = devicesSchemas.mountOptionsSchema();
export const umountOptionsSchema = devicesSchemas.umountOptionsSchema();
export const getIpsOptionsSchema = networkSchemas.getIpsOptionsSchema();

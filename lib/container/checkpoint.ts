// The checkpoint family (CRIU): checkpoint, restore, migrate.
import * as ffi from '../../ffi/index.js';
import { check, absolutePath, int } from '../validate.js';
import { options } from '../options/parse.js';
import { checkpointOptionsSchema, migrateOptionsSchema, restoreOptionsSchema } from '../options/checkpoint.js';
import { checkpointDefaults, restoreDefaults, migrateDefaults } from '../options/checkpoint.js';
import { undoStart } from './lifecycle.js';
import type { Handle } from './handle.js';
import { invoke, plain } from '../call/invoke.js';

export async function checkpoint(h: Handle, directory: unknown, options_: unknown): Promise<void> {
  const op = 'checkpoint';
  const dir = check(op, 'directory', absolutePath, directory);
  const o = options(op, 'options', checkpointOptionsSchema, options_, checkpointDefaults);
  await invoke(h, op, 'checkpoint', { fails: { code: 'ECHECKPOINT', why: 'CRIU could not checkpoint it' } }, dir, o.stop!, o.verbose!);
}

export async function restore(h: Handle, directory: unknown, options_: unknown): Promise<void> {
  const op = 'restore';
  const dir = check(op, 'directory', absolutePath, directory);
  const o = options(op, 'options', restoreOptionsSchema, options_, restoreDefaults);
  const { log } = await invoke(h, op, 'restore', { fails: { code: 'ECHECKPOINT', why: 'CRIU could not restore it' }, signal: o.signal }, dir, o.verbose!);
  if (o.signal?.aborted) {
    await undoStart(h, op);
    throw h.aborted(op, o.signal, log, {}, 'aborted: it was restored, and is stopped again');
  }
}

export async function migrate(h: Handle, cmd: unknown, options_: unknown): Promise<void> {
  const op = 'migrate';
  const command = check(op, 'cmd', int(0, 3), cmd);
  const o = options(op, 'options', migrateOptionsSchema, options_, migrateDefaults);
  // struct migrate_opts grew over releases: only the members the runtime's has.
  const { value, size } = ffi.structFor(ffi.types, 'migrate_opts', {
    directory: o.directory, verbose: o.verbose, stop: o.stop, predump_dir: o.predumpDir,
    pageserver_address: o.pageserverAddress, pageserver_port: o.pageserverPort,
    preserves_inodes: o.preservesInodes, action_script: o.actionScript, disable_skip_in_flight: false,
    ghost_limit: BigInt(o.ghostLimit), features_to_check: BigInt(o.featuresToCheck),
  });
  const { result, log } = await invoke(h, op, 'migrate', plain, command, value, size);
  if (result !== 0) throw h.failed('ECHECKPOINT', op, log, `migrate command ${command} failed (${result})`);
}

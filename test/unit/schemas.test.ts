// The option schemas (lib/options/*.schema.ts, zod): strict objects, typed fields, every problem
// named by its path below the argument, and the loader's fast path that leaves zod unloaded for an
// absent or empty options object. Pure TypeScript: no liblxc behaviour is claimed here.
import t from 'tap';
import * as s from '../../lib/schemas.js';
import { options } from '../../lib/options.schema.js';
import { startOptionsSchema } from '../../lib/options.schema.js';
import { migrateOptionsSchema } from '../../lib/options.schema.js';
import { LxcError } from '../../lib/errors.js';

const { parse } = s;

t.test('option objects are strict and typed', async (t) => {
  t.throws(() => parse('create', 'createOptions', s.createOptionsSchema, { quite: true }), { message: /createOptions\.quite is not a known option/ }, 'typo in an option name');
  t.throws(() => parse('start', 'options', s.startOptionsSchema, { argv: [] }), { message: /options\.argv must name a command/ }, 'empty argv');
  t.throws(() => parse('start', 'options', s.startOptionsSchema, { argv: ['/bin/sh', 'a\0'] }), { message: /options\.argv\.1 must not contain NUL/ }, 'the failing item is named');
  t.same(parse('start', 'options', s.startOptionsSchema, { argv: ['/bin/sh'] }), { argv: ['/bin/sh'] });
  t.throws(() => parse('create', 'templateOptions', s.downloadOptionsSchema, { dist: 'x', release: 'y' }), { message: /templateOptions\.arch is required/ }, 'arch is required');
  t.throws(() => parse('create', 'templateOptions', s.downloadOptionsSchema, { dist: 'x', release: 'y', arch: 'z', gpg: 'k' }), { message: /templateOptions\.gpg is not a known option/ }, 'unknown option');
  t.throws(() => parse('create', 'createOptions', s.createOptionsSchema, { bdevtype: 'zfs; rm' }), { message: /bdevtype must be one of 'dir'/ });
  t.throws(() => parse('create', 'createOptions', s.createOptionsSchema, { flags: 1.5 }), { message: /flags must be an integer/ });
  t.throws(() => parse('create', 'createOptions', s.createOptionsSchema, { flags: -1 }), { message: /flags must be ≥ 0/ });
  t.throws(() => parse('create', 'createOptions', s.createOptionsSchema, []), { message: /createOptions must be object/ });
  t.throws(() => parse('create', 'createOptions', s.createOptionsSchema, { bdevSpecs: { lvm: { vg: 'a\0' } } }), { message: /createOptions\.bdevSpecs\.lvm\.vg must not contain NUL/ });
  t.throws(() => parse('exec', 'options', s.execOptionsSchema, { input: 5 }), { message: /options\.input must be a string or a Buffer/ });
  t.throws(() => parse('attach', 'options', s.attachOptionsSchema, { flags: 0, elevatedPrivileges: true }), { message: /options\.elevatedPrivileges cannot be combined with options\.flags/ });
  t.throws(() => parse('attach', 'options', s.attachOptionsSchema, { stdin: 'tty' }), { message: /options\.stdin must be an fd, 'inherit', 'ignore' or 'pipe'/ });
  t.throws(() => parse('getIps', 'options', s.getIpsOptionsSchema, { timeout: -3 }), { message: /options\.timeout must be ≥ 0 \(or -1/ });
  t.throws(() => parse('attach', 'options', s.attachOptionsSchema, { logFd: -1 }), { message: /options\.logFd must be ≥ 0/ });
  t.same(parse('attach', 'options', s.attachOptionsSchema, { logFd: 7 }), { logFd: 7 });
});

t.test('every problem is listed, each with its path', async (t) => {
  const e = t.throws(() => parse('create', 'createOptions', s.createOptionsSchema, { quiet: 'yes', flags: -1, bdevtype: 'nope', extra: 1 })) as LxcError;
  t.ok(e instanceof LxcError);
  t.equal(e.code, 'EINVAL');
  t.equal(e.op, 'create');
  for (const part of [/createOptions\.quiet must be boolean/, /createOptions\.flags must be ≥ 0/, /createOptions\.bdevtype must be one of/, /createOptions\.extra is not a known option/]) {
    t.match(e.message, part);
  }
  t.equal(e.message.split('; ').length, 4, `four problems: ${e.message}`);
});

t.test('the defaults the code uses cover the optional fields they name', async (t) => {
  t.same(s.startDefaults, { useinit: false, argv: undefined, daemonize: true, closeAllFds: false });
  t.same(s.executeDefaults, { closeAllFds: false });
  t.same(s.logDefaults, { level: 'ERROR', prefix: 'lxc', quiet: true });
  t.same(s.attachDefaults.env, 'keep');
  t.equal(s.consoleLogDefaults.readMax, 1024 * 1024);
  t.equal(s.cloneDefaults.flags, 0);
});

t.test('the loader: {} and undefined need no schema; anything else is parsed, synchronously', async (t) => {
  let built = 0;
  const counted = () => { built++; return startOptionsSchema(); };
  t.same(options('start', 'options', counted, undefined), {});
  t.same(options('start', 'options', counted, {}), {});
  t.equal(built, 0, 'no schema was asked for');
  t.throws(() => options('start', 'options', counted, { nope: 1 }), { code: 'EINVAL', message: /options\.nope is not a known option/ });
  t.throws(() => options('migrate', 'options', migrateOptionsSchema, {}, false), { code: 'EINVAL', message: /options\.directory is required/ }, 'a schema with required keys is parsed even when empty');
});

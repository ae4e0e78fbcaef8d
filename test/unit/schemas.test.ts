// The option schemas (lib/options/<family>.ts, zod): strict objects, typed fields, every problem
// named by its path below the argument, the defaults under what was given (options()), and the
// fast path that leaves zod unloaded for an absent or empty options object. Pure TypeScript: no
// liblxc behaviour is claimed here.
import t from 'tap';
import * as s from '../../lib/schemas.js';
import { options, schema } from '../../lib/options/parse.js';
import { startOptionsSchema, migrateOptionsSchema, cloneOptionsSchema, attachOptionsSchema, execOptionsSchema, startDefaults, cloneDefaults, attachDefaults, functionDefaults, execDefaults } from '../../lib/options.js';
import { LxcError } from '../../lib/errors.js';

const { parse } = s;

t.test('option objects are strict and typed', async (t) => {
  t.throws(() => parse('create', 'createOptions', s.createOptionsSchema, { quite: true }), { message: /createOptions\.quite is not a known option/ }, 'typo in an option name');
  t.throws(() => parse('start', 'options', s.startOptionsSchema, { argv: [] }), { message: /options\.argv must name a command/ }, 'empty argv');
  t.throws(() => parse('start', 'options', s.startOptionsSchema, { argv: ['/bin/sh', 'a\0'] }), { message: /options\.argv\.1 must not contain NUL/ }, 'the failing item is named');
  t.same(parse('start', 'options', s.startOptionsSchema, { argv: ['/bin/sh'] }), { argv: ['/bin/sh'] });
  t.throws(() => parse('create', 'templateOptions', s.downloadOptionsSchema, { dist: 'x', release: 'y' }), { message: /templateOptions\.arch is required/ }, 'arch is required');
  t.throws(() => parse('create', 'templateOptions', s.downloadOptionsSchema, { dist: 'x', release: 'y', arch: 'z', gpg: 'k' }), { message: /templateOptions\.gpg is not a known option/ }, 'unknown option');
  t.throws(() => parse('create', 'createOptions', s.createOptionsSchema, { bdevType: 'zfs; rm' }), { message: /bdevType must be one of 'dir'/ });
  t.throws(() => parse('create', 'createOptions', s.createOptionsSchema, { flags: 1.5 }), { message: /flags must be an integer/ });
  t.throws(() => parse('create', 'createOptions', s.createOptionsSchema, { flags: -1 }), { message: /flags must be ≥ 0/ });
  t.throws(() => parse('create', 'createOptions', s.createOptionsSchema, []), { message: /createOptions must be object/ });
  t.throws(() => parse('create', 'createOptions', s.createOptionsSchema, { bdevSpecs: { lvm: { vg: 'a\0' } } }), { message: /createOptions\.bdevSpecs\.lvm\.vg must not contain NUL/ });
  t.throws(() => parse('exec', 'options', s.execOptionsSchema, { input: 5 }), { message: /options\.input must be a string or a Buffer/ });
  t.throws(() => parse('attach', 'options', s.attachOptionsSchema, { flags: 0, elevatedPrivileges: true }), { message: /options\.elevatedPrivileges cannot be combined with options\.flags/ });
  t.throws(() => parse('attach', 'options', s.attachOptionsSchema, { stdin: 'tty' }), { message: /options\.stdin must be an fd, 'inherit', 'ignore' or 'pipe'/ });
  t.throws(() => parse('create', 'templateOptions', s.genericTemplateOptionsSchema, { release: [] }), { message: /templateOptions\.release must be a string, a boolean or a finite number/ });
  t.throws(() => parse('getIps', 'options', s.getIpsOptionsSchema, { timeout: -3 }), { message: /options\.timeout must be ≥ 0 \(or -1/ });
  t.throws(() => parse('attach', 'options', s.attachOptionsSchema, { logFd: -1 }), { message: /options\.logFd must be ≥ 0/ });
  t.same(parse('attach', 'options', s.attachOptionsSchema, { logFd: 7 }), { logFd: 7 });
});

t.test('every problem is listed, each with its path', async (t) => {
  const e = t.throws(() => parse('create', 'createOptions', s.createOptionsSchema, { quiet: 'yes', flags: -1, bdevType: 'nope', extra: 1 })) as LxcError;
  t.ok(e instanceof LxcError);
  t.equal(e.code, 'EINVAL');
  t.equal(e.op, 'create');
  for (const part of [/createOptions\.quiet must be boolean/, /createOptions\.flags must be ≥ 0/, /createOptions\.bdevType must be one of/, /createOptions\.extra is not a known option/]) {
    t.match(e.message, part);
  }
  t.equal(e.message.split('; ').length, 4, `four problems: ${e.message}`);
});

t.test('the defaults the code uses cover the optional fields they name', async (t) => {
  t.same(s.startDefaults, { useInit: false, daemonize: true, closeAllFds: false });
  t.same(s.executeDefaults, { closeAllFds: false });
  t.same(s.logDefaults, { level: 'ERROR', prefix: 'lxc', quiet: true });
  t.same(s.attachDefaults.env, 'keep');
  t.equal(s.consoleLogDefaults.readMax, 1024 * 1024);
  t.equal(s.cloneDefaults.flags, 0);
});

t.test('the loader: {} and undefined need no schema; anything else is parsed, synchronously', async (t) => {
  let built = 0;
  const counted = schema(() => { built++; return startOptionsSchema(); });
  t.same(options('start', 'options', counted, undefined), {});
  t.same(options('start', 'options', counted, {}), {});
  t.same(options('start', 'options', counted, {}, startDefaults), startDefaults, 'the defaults, without zod');
  t.equal(built, 0, 'no schema was asked for');
  t.throws(() => options('start', 'options', counted, { nope: 1 }), { code: 'EINVAL', message: /options\.nope is not a known option/ });
  t.throws(() => options('migrate', 'options', migrateOptionsSchema, {}), { code: 'EINVAL', message: /options\.directory is required/ }, 'a schema with required keys is parsed even when empty');
});

t.test('options(): the defaults under what was given, one way for every call', async (t) => {
  t.same(options('start', 'options', startOptionsSchema, { daemonize: false }, startDefaults), { useInit: false, daemonize: false, closeAllFds: false });
  t.same(options('start', 'options', startOptionsSchema, { daemonize: undefined }, startDefaults), startDefaults, 'a key given as undefined keeps its default');
  const clone = options('clone', 'options', cloneOptionsSchema, { newSize: 5 }, cloneDefaults);
  t.same(clone, { ...cloneDefaults, newSize: 5 });
  const signal = new AbortController().signal;
  const fn = options('evaluate', 'options', attachOptionsSchema, { signal }, functionDefaults);
  t.equal(fn.signal, signal, 'a given value is kept as given');
  t.equal(fn.stdin, 'ignore', "a function's stdin is /dev/null");
  t.equal(fn.cwd, '/', 'a function starts in /');
  const cmd = options('attach', 'options', attachOptionsSchema, { uid: 5 }, attachDefaults);
  t.same([cmd.stdin, cmd.stdout, cmd.stderr, cmd.cwd, cmd.uid, cmd.gid], ['inherit', 'inherit', 'inherit', null, 5, 0xffffffff]);
  const exec = options('exec', 'options', execOptionsSchema, {}, execDefaults);
  t.same([exec.stdin, exec.stdout, exec.stderr, exec.maxBuffer, exec.encoding, exec.reject], ['ignore', 'pipe', 'pipe', 100 * 1024 * 1024, 'utf8', false]);
  t.notOk('timeout' in exec, 'no timeout unless given');
});

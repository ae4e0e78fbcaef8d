// Pure TypeScript checks: names, keys, values, template options (option objects: schemas.test.ts).
// No liblxc behaviour is claimed here.
import t from 'tap';
import { check, containerName, configKey, configValue, templateValue, timeoutSeconds, absolutePath } from '../../lib/validate.js';
import { LxcError } from '../../lib/errors.js';
import { readLongOptions, templateArgv, kebab } from '../../lib/create/templates.js';

t.test('container names', async (t) => {
  for (const good of ['web', 'a', 'my-site_1.2', 'x'.repeat(255)]) t.equal(check('t', 'name', containerName, good), good);
  const bad: [unknown, RegExp][] = [
    ['', /empty/], ['.', /"\."/], ['..', /"\."/], ['a/b', /"\/"/], ['../evil', /"\/"/], ['a\0b', /NUL/],
    ['a\nb', /newline/], ['-rf', /start with "-"/], ['x'.repeat(256), /too long/], [42, /string/], [undefined, /string/],
  ];
  for (const [value, why] of bad) {
    const e = t.throws(() => check('Container', 'name', containerName, value)) as LxcError;
    t.ok(e instanceof LxcError, `${JSON.stringify(value)} gives LxcError`);
    t.equal(e.code, 'EINVAL');
    t.match(e.message, /Container: name /, 'names the argument');
    t.match(e.message, why);
  }
});

t.test('config keys and values', async (t) => {
  t.equal(check('t', 'key', configKey, 'lxc.net.0.link'), 'lxc.net.0.link');
  for (const k of ['', 'net.0.link', 'lxc.', 'lxc..x', 'lxc.a b', 'lxc.a\nlxc.hook.pre-start', 'lxc.x=1']) {
    t.throws(() => check('t', 'key', configKey, k), { code: 'EINVAL' }, `key ${JSON.stringify(k)}`);
  }
  t.equal(check('t', 'value', configValue, 'a b = c'), 'a b = c');
  for (const v of ['x\nlxc.hook.pre-start = /bin/false', 'x\r', 'x\0y']) {
    t.throws(() => check('t', 'value', configValue, v), { code: 'EINVAL', message: /NUL, CR or LF/ });
  }
  t.throws(() => check('t', 'value', configValue, 3), { code: 'EINVAL', message: /must be string/ });
});

t.test('paths, timeouts, template values', async (t) => {
  t.throws(() => check('t', 'path', absolutePath, 'relative/x'), { message: /absolute/ });
  t.throws(() => check('t', 'path', absolutePath, '/a\nb'), { message: /control/ });
  for (const n of [0, 1.5, 30, -1]) t.equal(check('t', 'timeoutSec', timeoutSeconds, n), n);
  for (const n of [NaN, Infinity, -2, '3']) t.throws(() => check('t', 'timeoutSec', timeoutSeconds, n), { code: 'EINVAL', message: /timeoutSec/ });
  for (const v of ['', '-x', '--server=evil', 'a b', 'a\tb', 'a\0']) t.throws(() => check('t', 'v', templateValue, v), { code: 'EINVAL' });
});

t.test('template getopt lines', async (t) => {
  const script = 'if ! options=$(getopt -o d:r:a:hl -l dist:,release:,arch:,help,list,variant:,\\\nserver:,flush-cache,force-cache,name:,path:,\\\nrootfs:,mapped-uid:,mapped-gid: -- "$@"); then';
  const opts = readLongOptions(script)!;
  t.same([...opts.entries()].slice(0, 4), [['dist', true], ['release', true], ['arch', true], ['help', false]]);
  t.equal(opts.get('flush-cache'), false);
  t.equal(opts.get('server'), true);
  const viaVariable = readLongOptions('lopts=help,path:,release:\noptions=`getopt -o $sopts -l $lopts -- "$@"`');
  t.same([...viaVariable!.keys()], ['help', 'path', 'release']);
  t.equal(readLongOptions('#!/bin/sh\necho no getopt here'), undefined);
  t.equal(kebab('flushCache'), 'flush-cache');

  const info = { path: '/x', options: opts };
  t.same(templateArgv(info, 'download', { dist: 'busybox', flushCache: true, forceCache: false, variant: undefined }), ['--dist', 'busybox', '--flush-cache']);
  t.throws(() => templateArgv(info, 'download', { keyserver: 'k' }), { code: 'EINVAL', message: /templateOptions\.keyserver is not an option of the installed "download" template/ });
  t.throws(() => templateArgv(info, 'download', { path: '/etc' }), { message: /set by liblxc itself/ });
  t.throws(() => templateArgv(info, 'download', { rootfs: '/' }), { message: /set by liblxc itself/ });
  t.throws(() => templateArgv(info, 'download', { dist: true }), { message: /needs a value/ });
  t.throws(() => templateArgv(info, 'download', { flushCache: 'yes' }), { message: /is a flag/ });
  t.same(templateArgv({ path: '/y' }, 'custom', { anything: 'goes', on: true }), ['--anything', 'goes', '--on'], 'undiscoverable templates take any option');

  // LXC 3.0's download template (lxc-3.0.4, templates/lxc-download.in) still took GPG options.
  const old = readLongOptions('if ! options=$(getopt -o d:r:a:hl -l dist:,release:,arch:,help,list,variant:,\\\nserver:,keyid:,keyserver:,no-validate,flush-cache,force-cache,name:,path:,\\\nrootfs:,mapped-uid:,mapped-gid: -- "$@"); then')!;
  t.same(templateArgv({ path: '/x', options: old }, 'download', { dist: 'd', keyid: 'ABCD', keyserver: 'hkp://k', noValidate: true }),
    ['--dist', 'd', '--keyid', 'ABCD', '--keyserver', 'hkp://k', '--no-validate'], "a 3.0 download template gets keyid, keyserver and no-validate");
  t.throws(() => templateArgv(info, 'download', { keyid: 'ABCD' }), { message: /templateOptions\.keyid is not an option of the installed "download" template/ }, "5.0's does not take keyid");
});

// Bad input is rejected before any C call: nothing appears outside the lxcpath, no config line
// or template option is injected, and no half-created container stays defined.
import t from 'tap';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as lxc from '../../lib/index.js';
import { tempLxcpath, busybox, listTree } from '../helpers.js';

/** Entries next to the lxcpath (in its parent) and in the default lxcpath, to prove nothing leaked. */
function around(lxcpath: string): string[] {
  const parent = readdirSync(dirname(lxcpath)).filter((n) => !n.startsWith('lxc-ffi-') && !n.startsWith('lxcffi'));
  const global = existsSync(lxc.defaultConfigPath) ? readdirSync(lxc.defaultConfigPath) : [];
  return [...parent.map((n) => `parent:${n}`), ...global.map((n) => `global:${n}`)].sort();
}

t.test('container names', async (t) => {
  const lxcpath = tempLxcpath(t);
  const before = around(lxcpath);
  const bad = ['', '.', '..', '../evil', 'a/b', '/abs', 'nul\0x', 'new\nline', '-rf', 'x'.repeat(256)];
  for (const name of bad) {
    const e = t.throws(() => new lxc.Container(name, lxcpath), `${JSON.stringify(name).slice(0, 30)} rejected`) as lxc.LxcError;
    t.equal(e.code, 'EINVAL');
    t.match(e.message, /name/);
  }
  for (const v of [42, null, {}]) t.throws(() => new lxc.Container(v as never, lxcpath), { code: 'EINVAL', message: /name/ });
  t.throws(() => new lxc.Container('ok', 'relative/path'), { code: 'EINVAL', message: /lxcpath/ });
  t.throws(() => new lxc.Container('ok', { lxcpath: 'x', extra: 1 } as never), { code: 'EINVAL' });
  t.throws(() => new lxc.Container('x'.repeat(250), `/${'d'.repeat(3900)}`), { code: 'EINVAL', message: /too long/ });
  t.same(listTree(lxcpath), [], 'nothing in the lxcpath');
  t.same(around(lxcpath), before, 'nothing next to it or in the default lxcpath');
});

t.test('config keys and values cannot inject lines', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'inj');
  t.teardown(() => c.release());
  const injected = 'x\nlxc.hook.pre-start = /bin/false';
  t.throws(() => c.setConfigItem('lxc.uts.name', injected), { code: 'EINVAL', message: /value/ });
  t.throws(() => c.setConfigItem('lxc.uts.name', 'x\rlxc.hook.pre-start = /bin/false'), { code: 'EINVAL' });
  t.throws(() => c.appendConfigItem('lxc.environment', 'A=1\nlxc.hook.pre-start=/bin/false'), { code: 'EINVAL' });
  t.throws(() => c.setConfigItem('lxc.uts.name\nlxc.hook.pre-start', 'x'), { code: 'EINVAL', message: /key/ });
  t.throws(() => c.setConfigItem('lxc.uts.name', 'a\0b'), { code: 'EINVAL' });
  t.throws(() => c.setConfigItem('lxc.uts.name', 5 as never), { code: 'EINVAL', message: /value/ });
  t.throws(() => c.setCgroupItem('pids.max', '1\n2'), { code: 'EINVAL' });
  c.saveConfig();
  const config = readFileSync(c.configFileName, 'utf8');
  t.notMatch(config, /lxc\.hook\.pre-start/, 'no hook line in the saved config');
  t.equal(c.getConfigItem('lxc.uts.name'), 'inj', 'the value is unchanged');
});

t.test('numbers, states and options', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'num');
  t.teardown(() => c.release());
  for (const n of [NaN, -5, Infinity, '30']) {
    await t.rejects(c.shutdown(n as never), { code: 'EINVAL', message: /timeoutSec/ }, `shutdown(${String(n)})`);
    await t.rejects(c.wait('RUNNING', n as never), { code: 'EINVAL', message: /timeoutSec/ });
  }
  await t.rejects(c.reboot(NaN), { code: 'EINVAL' });
  await t.rejects(c.start({ argv: ['/bin/sh', 'a\0b'] }), { code: 'EINVAL', message: /argv/ });
  await t.rejects(c.start({ useinit: 'yes' } as never), { code: 'EINVAL', message: /useInit must be boolean/ });
  await t.rejects(c.destroy({ snapshots: true } as never), { code: 'EINVAL', message: /snapshots/ });
  await t.rejects(c.create('busybox', {}, { bdevtype: 'zfs; rm -rf /' } as never), { code: 'EINVAL', message: /bdevType must be one of/ });
  t.equal(c.defined, true, 'the container is untouched');
  t.equal(c.state, 'STOPPED');
});

t.test('template names and options', async (t) => {
  const lxcpath = tempLxcpath(t);
  const before = around(lxcpath);
  const c = new lxc.Container('tpl', lxcpath);
  t.teardown(() => c.release());
  await t.rejects(c.create('../../bin/sh'), { code: 'EINVAL', message: /template/ });
  await t.rejects(c.create('busybox; true'), { code: 'EINVAL', message: /template/ });
  await t.rejects(c.create('/nonexistent/template'), { code: 'EINVAL', message: /not an installed template/ });
  await t.rejects(c.create('busybox', { path: '/etc' }), { code: 'EINVAL', message: /set by liblxc/ });
  await t.rejects(c.create('busybox', { rootfs: '/' }), { code: 'EINVAL', message: /set by liblxc/ });
  await t.rejects(c.create('busybox', { busyboxPath: '-x' }), { code: 'EINVAL', message: /start with "-"/ });
  await t.rejects(c.create('busybox', { busyboxPath: '/bin/busybox --path=/etc' }), { code: 'EINVAL', message: /whitespace/ });
  await t.rejects(c.create('busybox', { 'bad name': 'x' }), { code: 'EINVAL' });
  await t.rejects(c.create('local', { metadata: 'relative.tar' } as never), { code: 'EINVAL', message: /metadata/ });
  await t.rejects(c.create('busybox', [] as never), { code: 'EINVAL', message: /templateOptions/ });
  t.equal(c.defined, false);
  t.same(listTree(lxcpath), [], 'nothing written in the lxcpath');
  t.same(around(lxcpath), before, 'nothing written next to it');
});

t.test('a create that fails in the template leaves nothing defined', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = new lxc.Container('half', lxcpath);
  t.teardown(() => c.release());
  // The busybox template fails when the busybox it is pointed at does not exist, after liblxc made the directory.
  const e = (await c.create('busybox', { busyboxPath: '/nonexistent/busybox' }, { quiet: true }).then(() => undefined, (err) => err)) as lxc.LxcError;
  t.equal(e?.code, 'ECREATE', e?.message);
  t.ok(e.output && e.output.length > 0, 'the template output is attached');
  t.equal(c.defined, false, 'not defined');
  t.same(lxc.listContainers({ lxcpath }), []);
  t.notOk(existsSync(`${lxcpath}/half/config`), 'no config file left');
});

t.test('an aborted create is killed and cleaned up', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = new lxc.Container('aborted', lxcpath);
  t.teardown(() => c.release());
  const ac = new AbortController();
  ac.abort();
  await t.rejects(c.create('busybox', {}, { signal: ac.signal }), { code: 'EABORT' }, 'an already-aborted signal stops it before anything runs');
  t.equal(c.defined, false);
  const ac2 = new AbortController();
  const p = c.create('busybox', {}, { signal: ac2.signal, quiet: true });
  setTimeout(() => ac2.abort(), 150);
  const err = await p.then(() => undefined, (e) => e);
  // Aborts that land after the template finished let the create complete; either way nothing half-made stays.
  if (err) {
    t.equal(err.code, 'EABORT');
    t.equal(c.defined, false, 'not defined after the abort');
  } else {
    t.equal(c.defined, true, 'the create had finished before the abort');
  }
});

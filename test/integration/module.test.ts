// Module-level functions against the installed liblxc.
import t from 'tap';
import * as lxc from '../../lib/index.js';
import { tempLxcpath, busybox } from '../helpers.js';

t.test('version and global config', async (t) => {
  t.match(lxc.version, /^\d+\.\d+\.\d+/);
  t.equal(lxc.defaultConfigPath, lxc.getGlobalConfigItem('lxc.lxcpath'));
  t.ok(lxc.defaultConfigPath.startsWith('/'));
  t.match(lxc.getGlobalConfigItem('lxc.default_config') ?? '', /\.conf$/);
  t.throws(() => lxc.getGlobalConfigItem('lxc.x\n'), { code: 'EINVAL' });
});

t.test('versionNumber and versionAtLeast', async (t) => {
  const [major, minor, micro] = lxc.versionNumber;
  t.equal(`${major}.${minor}.${micro}`, lxc.version.replace(/^(\d+\.\d+\.\d+).*$/, '$1'), 'the same release as the version string');
  t.equal(lxc.versionAtLeast(major, minor, micro), true, 'itself');
  t.equal(lxc.versionAtLeast(major), true);
  t.equal(lxc.versionAtLeast(3, 0, 0), true, 'every supported release is ≥ 3.0.0');
  t.equal(lxc.versionAtLeast(major, minor, micro + 1), false, 'the next micro');
  t.equal(lxc.versionAtLeast(major + 1), false, 'the next major');
  t.throws(() => lxc.versionAtLeast(-1), { code: 'EINVAL', message: /major must be an integer/ });
  t.throws(() => lxc.versionAtLeast(5, 0.5), { code: 'EINVAL', message: /minor/ });
  t.throws(() => (lxc.versionNumber as unknown as number[]).push(1), TypeError, 'frozen');
});

t.test('API extensions and config keys', async (t) => {
  t.equal(lxc.hasApiExtension('lxc_log'), true);
  t.equal(lxc.hasApiExtension('no_such_extension_here'), false);
  t.throws(() => lxc.hasApiExtension('bad name'), { code: 'EINVAL' });
  t.equal(lxc.isConfigItemSupported('lxc.uts.name'), true);
  t.equal(lxc.isConfigItemSupported('lxc.net.0.link'), true);
  t.equal(lxc.isConfigItemSupported('lxc.cgroup2.memory.max'), true);
  t.equal(lxc.isConfigItemSupported('lxc.nope'), false);
  t.equal(lxc.isConfigItemSupported('lxc.uts.name\nlxc.x'), false);
});

t.test('listContainers and containers', async (t) => {
  const lxcpath = tempLxcpath(t);
  t.same(lxc.listContainers({ lxcpath }), []);
  const a = await busybox(lxcpath, 'a1');
  const b = await busybox(lxcpath, 'b1');
  t.teardown(() => { a.release(); b.release(); });
  t.same(lxc.listContainers({ lxcpath }), ['a1', 'b1']);
  t.same(lxc.listContainers({ lxcpath, active: true, defined: false }), []);
  await a.start();
  t.same(lxc.listContainers({ lxcpath, active: true, defined: false }), ['a1'], 'active only');
  t.same(lxc.listContainers({ lxcpath, active: false, defined: true }), ['a1', 'b1']);
  t.same(lxc.listContainers({ lxcpath, active: false, defined: false }), []);
  const objs = lxc.containers({ lxcpath });
  t.same(objs.map((c) => [c.name, c.lxcpath, c.state]), [['a1', lxcpath, 'RUNNING'], ['b1', lxcpath, 'STOPPED']]);
  for (const c of objs) c.release();
  await a.stop();
  t.throws(() => lxc.listContainers({ lxcpath: 'relative' }), { code: 'EINVAL' });
  t.throws(() => lxc.listContainers({ activ: true } as never), { code: 'EINVAL', message: /activ/ });
});

t.test('koffi already configured by someone else: a clear error at import, or none when its stacks are big enough', async (t) => {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const run = promisify(execFile);
  const lib = new URL('../../lib/index.ts', import.meta.url).href;
  // Another user of koffi in the process loads a library first, with koffi's default 128 KiB stacks.
  const before = (stack: number) => `import { createRequire } from 'node:module';
    const koffi = createRequire(${JSON.stringify(lib)})('koffi');
    ${stack ? `koffi.config({ ...koffi.config(), async_stack_size: ${stack} });` : ''}
    koffi.load('libc.so.6');
    try { const lxc = await import(${JSON.stringify(lib)}); console.log('ok', lxc.version); }
    catch (e) { console.log('error', e.message); }`;
  const small = await run(process.execPath, ['--import=tsx', '--input-type=module', '-e', before(0)]);
  t.match(small.stdout, /^error lxc-ffi needs koffi's async_stack_size ≥ 2097152 \(it is 131072\).*import lxc-ffi before/m);
  const big = await run(process.execPath, ['--import=tsx', '--input-type=module', '-e', before(4 * 1024 * 1024)]);
  t.match(big.stdout, /^ok \d+\.\d+/m, 'larger stacks set by the other user are kept');
});

t.test('zod is not loaded by the import, nor by calls without options; the first option object loads it', async (t) => {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const run = promisify(execFile);
  const lxcpath = tempLxcpath(t);
  const lib = new URL('../../lib/index.ts', import.meta.url).href;
  const schemaModule = new URL('../../lib/options/parse.ts', import.meta.url).href;
  const script = `const lxc = await import(${JSON.stringify(lib)});
    const { schemasLoaded } = await import(${JSON.stringify(schemaModule)});
    const c = new lxc.Container('z', ${JSON.stringify(lxcpath)});
    const seen = [schemasLoaded()];
    c.getConfigItem('lxc.uts.name'); await c.wait('STOPPED', 0);
    seen.push(schemasLoaded());
    await c.wait('STOPPED', 0, { signal: new AbortController().signal });
    seen.push(schemasLoaded());
    c.release();
    console.log(seen.join(' '));`;
  const { stdout } = await run(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], { timeout: 60_000 });
  t.equal(stdout.trim(), 'false false true', 'after import, after calls without options, after one with an options object');
});

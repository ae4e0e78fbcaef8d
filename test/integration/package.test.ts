// The packed tarball installs without running any script and imports from plain Node (no tsx).
import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

t.test('npm pack, npm install --ignore-scripts, node x.mjs', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcffi-pack-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  await run('npm', ['pack', '--pack-destination', dir], { cwd: process.cwd(), timeout: 300_000 });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  t.ok(tarball, `packed ${tarball}`);
  const app = join(dir, 'app');
  const lxcpath = join(dir, 'lxc');
  await run('mkdir', ['-p', app, lxcpath]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
  await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', join(dir, tarball!)], { cwd: app, timeout: 300_000 });
  const files = (readdirSync(join(app, 'node_modules', 'lxc-ffi'), { recursive: true }) as string[]);
  t.ok(files.some((f) => f.endsWith('index.d.ts')), 'types are shipped');
  t.notOk(files.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), 'no TypeScript source needs compiling');
  writeFileSync(join(app, 'x.mjs'), [
    "import * as lxc from 'lxc-ffi';",
    'console.log(lxc.version);',
    `const c = new lxc.Container('pkg', ${JSON.stringify(lxcpath)});`,
    "await c.create('busybox', {}, { quiet: true });",
    "console.log(c.defined, c.getConfigItem('lxc.uts.name'));",
    'await c.destroy();',
    'console.log(c.defined);',
    'c.release();',
  ].join('\n'));
  const { stdout } = await run(process.execPath, ['x.mjs'], { cwd: app, timeout: 120_000 });
  const [version, created, destroyed] = stdout.trim().split('\n');
  t.match(version, /^\d+\.\d+\.\d+/, `plain node printed version ${version}`);
  t.equal(created, 'true pkg', 'create through the packaged create worker (compiled JS)');
  t.equal(destroyed, 'false');

  // The option types keep their per-field docs in the published declarations.
  const text = readFileSync(join(app, 'node_modules', 'lxc-ffi', 'dist', 'lib', 'options.d.ts'), 'utf8');
  for (const [iface, fields] of [
    ['CreateOptions', ['quiet', 'bdevtype', 'bdevSpecs', 'flags', 'onOutput', 'signal']],
    ['AttachOptions', ['namespaces', 'env', 'cwd', 'uid', 'stdin', 'flags', 'signal']],
    ['CloneOptions', ['lxcpath', 'bdevtype', 'snapshot', 'newSize', 'hookArgs', 'flags']],
  ] as const) {
    const at = text.indexOf(`export interface ${iface} `);
    t.ok(at >= 0, `options.d.ts declares the interface ${iface}`);
    const body = text.slice(at, text.indexOf('\n}', at));
    for (const f of fields) t.match(body, new RegExp(`/\\*\\*(?:(?!\\*/)[\\s\\S])*\\*/\\s*${f}\\?:`), `${iface}.${f} carries its TSDoc`);
  }

  // lxc-ffi/schemas: the schemas themselves, for a program's own validation.
  writeFileSync(join(app, 'y.mjs'), [
    "import { createOptionsSchema, parse, createDefaults } from 'lxc-ffi/schemas';",
    'console.log(createOptionsSchema.safeParse({ quiet: true }).success, createOptionsSchema.safeParse({ quiet: 1 }).success);',
    "try { parse('spec', 'createOptions', createOptionsSchema, { bdevtype: 'nope', extra: 1 }); } catch (e) { console.log(e.code, e.message); }",
    'console.log(createDefaults.flags);',
  ].join('\n'));
  const schemaRun = await run(process.execPath, ['y.mjs'], { cwd: app, timeout: 60_000 });
  const [ok, failed, defaults] = schemaRun.stdout.trim().split('\n');
  t.equal(ok, 'true false', 'safeParse accepts and refuses');
  t.match(failed, /^EINVAL spec: createOptions\.bdevtype must be one of .*; createOptions\.extra is not a known option$/, 'every problem, each with its path');
  t.equal(defaults, '0');
});

// The packed tarball installs without running any script and imports from plain Node (no tsx).
import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
});

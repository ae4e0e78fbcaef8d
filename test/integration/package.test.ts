// The packed tarball as users get it: installed without running any script, used from plain Node
// (ESM and CommonJS, Node 20 to 26, no tsx), type-checked by TypeScript consumers, and clean for
// publint and are-the-types-wrong. One `npm pack` for the whole file: packing rebuilds dist/.
import t, { type Test } from 'tap';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { tempLxcpath } from '../helpers.js';

const run = promisify(execFile);
const repo = process.cwd();
const bin = (name: string) => join(repo, 'node_modules', '.bin', name);
// Node majors the package is tested on; package.json's engines must stay true to this list.
const majors = [20, 22, 24, 26];

const dir = mkdtempSync(join(tmpdir(), 'lxcffi-pack-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
await run('npm', ['pack', '--pack-destination', dir], { cwd: repo, timeout: 300_000 });
const tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz')) ?? 'none.tgz');

/** A fresh app directory with the tarball installed (no install scripts run). */
async function app(name: string, pkg: Record<string, unknown>): Promise<string> {
  const at = join(dir, name);
  mkdirSync(at);
  writeFileSync(join(at, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, ...pkg }));
  await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', tarball], { cwd: at, timeout: 300_000 });
  return at;
}

t.test('npm pack, npm install --ignore-scripts, node x.mjs', { timeout: 600_000 }, async (t) => {
  const lxcpath = tempLxcpath(t);
  const app1 = await app('app', { type: 'module' });
  const files = (readdirSync(join(app1, 'node_modules', 'lxc-ffi'), { recursive: true }) as string[]);
  t.ok(files.some((f) => f.endsWith('index.d.ts')), 'types are shipped');
  t.notOk(files.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), 'no TypeScript source needs compiling');
  t.ok(files.includes('LICENSE'), 'the licence text is shipped');
  t.notOk(files.some((f) => f.startsWith('docs/reference')), 'the built API reference is not shipped');
  writeFileSync(join(app1, 'x.mjs'), [
    "import * as lxc from 'lxc-ffi';",
    'console.log(lxc.version);',
    `const c = new lxc.Container('pkg', ${JSON.stringify(lxcpath)});`,
    "await c.create('busybox', {}, { quiet: true });",
    "console.log(c.defined, c.getConfigItem('lxc.uts.name'));",
    'await c.destroy();',
    'console.log(c.defined);',
    'c.release();',
  ].join('\n'));
  const { stdout } = await run(process.execPath, ['x.mjs'], { cwd: app1, timeout: 120_000 });
  const [version, created, destroyed] = stdout.trim().split('\n');
  t.match(version, /^\d+\.\d+\.\d+/, `plain node printed version ${version}`);
  t.equal(created, 'true pkg', 'create through the packaged create worker (compiled JS)');
  t.equal(destroyed, 'false');

  // The option types keep their per-field docs in the published declarations.
  for (const [family, iface, fields] of [
    ['lifecycle', 'CreateOptions', ['quiet', 'bdevType', 'bdevtype', 'bdevSpecs', 'flags', 'onOutput', 'signal']],
    ['attach', 'AttachOptions', ['namespaces', 'env', 'cwd', 'uid', 'stdin', 'flags', 'signal']],
    ['snapshots', 'CloneOptions', ['lxcpath', 'bdevType', 'bdevtype', 'snapshot', 'newSize', 'hookArgs', 'flags']],
    ['global', 'LogOptions', ['level', 'prefix', 'quiet']],
  ] as const) {
    const text = readFileSync(join(app1, 'node_modules', 'lxc-ffi', 'dist', 'lib', 'options', `${family}.d.ts`), 'utf8');
    const at = text.indexOf(`export interface ${iface} `);
    t.ok(at >= 0, `options/${family}.d.ts declares the interface ${iface}`);
    const body = text.slice(at, text.indexOf('\n}', at));
    for (const f of fields) t.match(body, new RegExp(`/\\*\\*(?:(?!\\*/)[\\s\\S])*\\*/\\s*${f}\\?:`), `${iface}.${f} carries its TSDoc`);
  }

  // Source maps resolve: each carries the TypeScript it maps to (lib/ is not shipped).
  const map = JSON.parse(readFileSync(join(app1, 'node_modules', 'lxc-ffi', 'dist', 'lib', 'container.js.map'), 'utf8'));
  t.equal(map.sources.length, map.sourcesContent?.length, 'container.js.map has sourcesContent for every source');
  t.match(map.sourcesContent[0], /export class Container/, 'the inline source is lib/container.ts');

  // lxc-ffi/schemas: the schemas themselves, for a program's own validation.
  writeFileSync(join(app1, 'y.mjs'), [
    "import { createOptionsSchema, parse, createDefaults } from 'lxc-ffi/schemas';",
    'console.log(createOptionsSchema.safeParse({ quiet: true }).success, createOptionsSchema.safeParse({ quiet: 1 }).success);',
    "try { parse('spec', 'createOptions', createOptionsSchema, { bdevtype: 'nope', extra: 1 }); } catch (e) { console.log(e.code, e.message); }",
    'console.log(createDefaults.flags);',
  ].join('\n'));
  const schemaRun = await run(process.execPath, ['y.mjs'], { cwd: app1, timeout: 60_000 });
  const [ok, failed, defaults] = schemaRun.stdout.trim().split('\n');
  t.equal(ok, 'true false', 'safeParse accepts and refuses');
  // bdevtype: liblxc's spelling, taken for bdevType (the message names the key it stands for).
  t.match(failed, /^EINVAL spec: createOptions\.bdevType must be one of .*; createOptions\.extra is not a known option$/, 'every problem, each with its path');
  t.equal(defaults, '0');
});

t.test('publint and are-the-types-wrong on the tarball', { timeout: 180_000 }, async (t) => {
  const lint = await run(bin('publint'), ['run', tarball, '--strict'], { cwd: dir, timeout: 120_000 });
  t.match(lint.stdout, /All good!/, 'publint: no errors, warnings or suggestions');
  // cjs-resolves-to-esm: CommonJS gets the ESM build through require(esm), which every Node the
  // engines field admits (≥ 20.19) has unflagged; the consumers test below requires it for real.
  // Exit status 0: no problem beyond the ignored rule (the JSON lists the ignored ones too).
  const attw = await run(bin('attw'), [tarball, '--format', 'json', '--ignore-rules', 'cjs-resolves-to-esm'], { cwd: dir, timeout: 120_000 })
    .then((r) => ({ ...r, code: 0 }), (e: { stdout?: string; code?: number }) => ({ stdout: e.stdout ?? '{}', code: e.code }));
  const report = JSON.parse(attw.stdout);
  t.equal(attw.code, 0, 'attw exits 0');
  const problems = (report.analysis?.problems ?? ['no analysis']) as Array<{ kind: string }>;
  t.same(problems.filter((p) => p.kind !== 'CJSResolvesToESM'), [], 'attw: no problems for ., ./schemas, ./package.json');
  const entries = Object.keys(report.analysis?.entrypoints ?? {});
  t.same(entries.sort(), ['.', './package.json', './schemas'], 'attw checked every export');
});

/** "MAJOR PATH" lines from scripts/node-versions.sh (which installs missing majors into its cache). */
async function nodeBinaries(t: Test): Promise<Map<number, string>> {
  const found = new Map<number, string>([[Number(process.versions.node.split('.')[0]), process.execPath]]);
  const wanted = majors.filter((m) => !found.has(m));
  const out = await run('bash', [join(repo, 'scripts', 'node-versions.sh'), ...wanted.map(String)], { timeout: 600_000 })
    .catch((e: { stdout?: string; stderr?: string }) => {
      t.comment(`node-versions.sh: ${e.stderr ?? ''}`);
      return { stdout: e.stdout ?? '' };
    });
  for (const line of out.stdout.trim().split('\n')) {
    const [m, path] = line.split(' ');
    if (m && path) found.set(Number(m), path);
  }
  return found;
}

t.test('ESM and CommonJS consumers on Node 20, 22, 24, 26', { timeout: 900_000 }, async (t) => {
  const lxcpath = tempLxcpath(t);
  const nodes = await nodeBinaries(t);
  // No "type": the .mjs and .cjs extensions say which kind each consumer is.
  const at = await app('consumers', {});
  writeFileSync(join(at, 'esm.mjs'), [
    "import * as lxc from 'lxc-ffi';",
    "import { createOptionsSchema } from 'lxc-ffi/schemas';",
    'const [lxcpath, name] = process.argv.slice(2);',
    'const c = new lxc.Container(name, lxcpath);',
    "await c.create('busybox', {}, createOptionsSchema.parse({ quiet: true }));",
    "console.log(lxc.version, c.defined, c.state, c.getConfigItem('lxc.uts.name'));",
    'await c.destroy();',
    'console.log(c.defined);',
    'c.release();',
  ].join('\n'));
  writeFileSync(join(at, 'cjs.cjs'), [
    "const lxc = require('lxc-ffi');",
    "const { createOptionsSchema } = require('lxc-ffi/schemas');",
    'const c = new lxc.Container(process.argv[3], process.argv[2]);',
    'console.log(lxc.version, c.defined, c.state, createOptionsSchema.safeParse({ quiet: 1 }).success);',
    'c.release();',
  ].join('\n'));
  for (const major of majors) {
    const node = nodes.get(major);
    if (!node) {
      // In CI every major must run; elsewhere a host without the npm registry skips it.
      if (process.env.CI === 'true') t.fail(`no Node ${major}: scripts/node-versions.sh could not install it`);
      else t.pass(`Node ${major}`, { skip: `not installed (scripts/node-versions.sh ${major})` });
      continue;
    }
    const v = (await run(node, ['--version'])).stdout.trim();
    t.match(v, new RegExp(`^v${major}\\.`), `Node ${major} is ${v}`);
    const esm = await run(node, ['esm.mjs', lxcpath, `node${major}`], { cwd: at, timeout: 180_000 });
    const [made, gone] = esm.stdout.trim().split('\n');
    t.match(made, new RegExp(`^\\d+\\.\\d+\\.\\d+\\S* true STOPPED node${major}$`), `${v} ESM: version, created a busybox container`);
    t.equal(gone, 'false', `${v} ESM: destroyed it`);
    const cjs = await run(node, ['cjs.cjs', lxcpath, `cjs${major}`], { cwd: at, timeout: 60_000 });
    t.match(cjs.stdout.trim(), /^\d+\.\d+\.\d+\S* false STOPPED false$/, `${v} CommonJS: require('lxc-ffi') and require('lxc-ffi/schemas')`);
  }
});

t.test('TypeScript consumers: moduleResolution nodenext and bundler', { timeout: 300_000 }, async (t) => {
  const at = await app('typed', {});
  const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  // The declarations themselves are checked too (skipLibCheck false); @types/node from the repo.
  const common = { target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [resolve(repo, 'node_modules', '@types')] };
  writeFileSync(join(at, 'esm.mts'), [
    "import * as lxc from 'lxc-ffi';",
    "import { createOptionsSchema, type CreateOptions } from 'lxc-ffi/schemas';",
    'const opts: CreateOptions = { quiet: true };',
    "const c = new lxc.Container('typed', '/tmp');",
    'const state: lxc.ContainerState = c.state;',
    '// @ts-expect-error quiet is a boolean',
    'const bad: lxc.CreateOptions = { quiet: 1 };',
    'const r = createOptionsSchema.safeParse(opts);',
    'if (r.success) { const q: boolean | undefined = r.data.quiet; void q; }',
    "const e: lxc.LxcErrorCode = 'ESTART';",
    'console.log(lxc.version, state, bad, e);',
  ].join('\n'));
  writeFileSync(join(at, 'cjs.cts'), [
    "import lxc = require('lxc-ffi');",
    "import schemas = require('lxc-ffi/schemas');",
    "const c: lxc.Container = new lxc.Container('typed');",
    'const d: boolean = c.defined;',
    '// @ts-expect-error state is a string',
    'const n: number = c.state;',
    'console.log(d, n, schemas.createDefaults.flags);',
  ].join('\n'));
  writeFileSync(join(at, 'bundler.ts'), [
    "import { Container, type CreateOptions, LXC_CREATE_QUIET } from 'lxc-ffi';",
    "import { parse, createOptionsSchema } from 'lxc-ffi/schemas';",
    "const o: CreateOptions = parse('spec', 'createOptions', createOptionsSchema, { quiet: true, flags: LXC_CREATE_QUIET });",
    '// @ts-expect-error no such option',
    'const bad: CreateOptions = { nope: true };',
    "export async function make(name: string): Promise<boolean> { const c = new Container(name); await c.create('busybox', {}, o); return c.defined && bad !== undefined; }",
  ].join('\n'));
  for (const [config, compilerOptions, files] of [
    ['nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }, ['esm.mts', 'cjs.cts']],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }, ['bundler.ts']],
  ] as const) {
    writeFileSync(join(at, `tsconfig.${config}.json`), JSON.stringify({ compilerOptions: { ...common, ...compilerOptions }, files }));
    const result = await run(process.execPath, [tsc, '-p', `tsconfig.${config}.json`], { cwd: at, timeout: 240_000 })
      .then(() => '', (e: { stdout?: string }) => e.stdout ?? String(e));
    t.equal(result, '', `tsc with moduleResolution ${config}: ${files.join(', ')} type-check (and the @ts-expect-error lines are errors)`);
  }
});

// The naming and unit convention of docs/conventions.md, held against the code: every key of every
// option schema is camelCase (or a word of its own, listed here), liblxc's spellings are aliases
// from one table, every timeout is in seconds (the schema's type and the TypeScript type say so),
// and an unknown key is named with the one it looks like, in every place options are checked.
import t from 'tap';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import * as s from '../../lib/schemas.js';
import { fields, isSeconds, optionAliases, type Z } from '../../lib/options/parse.js';
import { bool } from '../../lib/validate.js';
import { templateArgv } from '../../lib/create/templates.js';
import { listOptionsSchema } from '../../lib/options/global.js';
import { Container } from '../../lib/index.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { parse } = s;

// Keys that are one word, lowercase as any word is. A new lowercase key fails the test until it is
// added here: a reviewer decides it is one word (`quiet`) and not two run together (`bdevtype`).
const WORDS = new Set([
  'active', 'arch', 'argv', 'clear', 'cwd', 'daemonize', 'data', 'defined', 'dir', 'directory', 'dist', 'encoding',
  'env', 'escape', 'family', 'file', 'flags', 'force', 'gid', 'groups', 'input', 'interface', 'level', 'lv', 'lvm',
  'lxcpath', 'metadata', 'mode', 'names', 'namespaces', 'parents', 'personality', 'prefix', 'quiet', 'rbd', 'read',
  'recursive', 'reject', 'release', 'scope', 'server', 'signal', 'snapshot', 'stderr', 'stdin', 'stdout', 'stop',
  'timeout', 'tmpfs', 'tty', 'uid', 'variant', 'verbose',
  'vg', 'zfs',
]);
const CAMEL = /^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$/;
// A key or parameter that holds a span of time, whatever unit it is in.
const timeLike = (name: string) => /timeout|seconds|delay|interval|millis/i.test(name) || /[a-z](?:Ms|Sec|Secs)$/.test(name);

type Def = { type: string; shape?: Record<string, Z.ZodMiniType>; innerType?: Z.ZodMiniType; element?: Z.ZodMiniType; valueType?: Z.ZodMiniType; options?: Z.ZodMiniType[] };
const def = (x: Z.ZodMiniType) => x._zod.def as Def;

/** Every key of `schema` with its path and type, nested objects (through optional, arrays, records, unions) included. */
function keysOf(schema: Z.ZodMiniType, at: string): Array<[string, string, Z.ZodMiniType]> {
  const d = def(schema);
  if (d.type === 'optional' || d.type === 'nullable' || d.type === 'default') return keysOf(d.innerType!, at);
  if (d.type === 'array') return keysOf(d.element!, at);
  if (d.type === 'record') return keysOf(d.valueType!, at);
  if (d.type === 'union') return d.options!.flatMap((o) => keysOf(o, at));
  if (d.type !== 'object') return [];
  return Object.entries(d.shape!).flatMap(([k, v]) => [[k, `${at}.${k}`, v] as [string, string, Z.ZodMiniType], ...keysOf(v, `${at}.${k}`)]);
}

// Every schema lxc-ffi/schemas publishes: the option objects of every call.
const schemas = Object.entries(s).filter(([name, v]) => name.endsWith('Schema') && typeof v === 'object' && v !== null && '_zod' in v) as Array<[string, Z.ZodMiniType]>;
const allKeys = schemas.flatMap(([name, schema]) => keysOf(schema, name));

t.test('every option key is camelCase, a word of its own, never an alias', async (t) => {
  t.ok(schemas.length >= 25, `the published schemas (${schemas.length})`);
  t.ok(allKeys.length > 100, `their keys (${allKeys.length})`);
  for (const [k, path] of allKeys) {
    t.ok(CAMEL.test(k) || WORDS.has(k), `${path}: camelCase or a listed word`);
    t.notOk(Object.hasOwn(optionAliases, k), `${path}: not an alias (the table maps it to ${String((optionAliases as Record<string, string>)[k])})`);
  }
});

t.test('the alias table: liblxc spellings of keys the schemas have', async (t) => {
  const keys = new Set(allKeys.map(([k]) => k));
  for (const [alias, key] of Object.entries(optionAliases)) {
    t.ok(keys.has(key), `${alias} → ${key}: a key of some schema`);
    t.equal(alias, key.toLowerCase(), `${alias}: the key's letters, run together in lowercase as liblxc spells it`);
    t.ok(CAMEL.test(key), `${key}: camelCase`);
  }
});

t.test('docs/conventions.md lists the alias table as the code has it', async (t) => {
  const md = readFileSync(join(repo, 'docs', 'conventions.md'), 'utf8');
  const rows = [...md.matchAll(/^\| `([a-z]+)` \| `([a-zA-Z]+)` \|/gm)].map((m) => [m[1], m[2]]);
  t.same(Object.fromEntries(rows), optionAliases);
});

t.test('every timeout key of every schema is in seconds', async (t) => {
  const timed = allKeys.filter(([k]) => timeLike(k));
  t.ok(timed.length >= 2, `timeout keys found (${timed.map(([, p]) => p).join(', ')})`);
  for (const [, path, type] of timed) t.ok(isSeconds(type), `${path}: a seconds() field (Seconds)`);
  // The check bites: a key named like a timeout whose type is a plain number is caught.
  const bad = s.z.strictObject({ timeoutMs: s.z.optional(s.z.number()) });
  t.notOk(keysOf(bad, 'bad').every(([k, , type]) => !timeLike(k) || isSeconds(type)), 'a timeoutMs of plain numbers fails');
});

/** The type annotation of each timeout-like parameter and property in the public sources, as written. */
function timeTypes(): Array<[string, string]> {
  // The facade (lib/*.ts) and the option types: the internals take what the facade was given.
  const files = [...readdirSync(join(repo, 'lib')).filter((f) => f.endsWith('.ts')).map((f) => `lib/${f}`), ...readdirSync(join(repo, 'lib', 'options')).map((f) => `lib/options/${f}`)];
  const out: Array<[string, string]> = [];
  for (const file of files) {
    const src = ts.createSourceFile(file, readFileSync(join(repo, file), 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (n: ts.Node): void => {
      if ((ts.isParameter(n) || ts.isPropertySignature(n)) && ts.isIdentifier(n.name) && timeLike(n.name.text)) {
        out.push([`${file}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1} ${n.name.text}`, n.type?.getText(src) ?? '(none)']);
      }
      ts.forEachChild(n, visit);
    };
    visit(src);
  }
  return out;
}

t.test('every timeout parameter and option type is Seconds', async (t) => {
  const found = timeTypes();
  t.ok(found.length >= 6, `found: ${found.map(([w]) => w).join(', ')}`);
  for (const [where, type] of found) t.equal(type, 'Seconds', where);
});

t.test('a wrong case and a slip of the keyboard get the key they meant', async (t) => {
  const cases: Array<[string, string, Z.ZodMiniType, string, string]> = [
    ['create', 'createOptions', s.createOptionsSchema, 'BdevType', 'bdevType'],
    ['create', 'createOptions', s.createOptionsSchema, 'bdevtipe', 'bdevType'],
    ['create', 'createOptions', s.createOptionsSchema, 'Quiet', 'quiet'],
    ['create', 'templateOptions', s.downloadOptionsSchema, 'keyServr', 'keyServer'],
    ['clone', 'options', s.cloneOptionsSchema, 'bdevtipe', 'bdevType'],
    ['clone', 'options', s.cloneOptionsSchema, 'KeepName', 'keepName'],
    ['clone', 'options', s.cloneOptionsSchema, 'newsize', 'newSize'],
    ['exec', 'options', s.execOptionsSchema, 'timout', 'timeout'],
    ['exec', 'options', s.execOptionsSchema, 'MaxBuffer', 'maxBuffer'],
    ['attach', 'options', s.attachOptionsSchema, 'extraenv', 'extraEnv'],
    ['attach', 'options', s.attachOptionsSchema, 'namespace', 'namespaces'],
    ['getIps', 'options', s.getIpsOptionsSchema, 'Timeout', 'timeout'],
    ['getIps', 'options', s.getIpsOptionsSchema, 'famliy', 'family'],
    ['start', 'options', s.startOptionsSchema, 'UseInit', 'useInit'],
    ['start', 'options', s.startOptionsSchema, 'usinit', 'useInit'],
    ['start', 'options', s.startOptionsSchema, 'deamonize', 'daemonize'],
  ];
  for (const [op, arg, schema, wrong, meant] of cases) {
    const data = arg === 'templateOptions' ? { dist: 'd', release: 'r', arch: 'a', [wrong]: 'x' } : { [wrong]: true };
    t.throws(() => parse(op, arg, schema, data), { code: 'EINVAL', message: `${op}: ${arg}.${wrong} is not a known option; did you mean ${meant}?` }, `${op} ${wrong}`);
  }
  t.throws(() => parse('create', 'createOptions', s.createOptionsSchema, { bdevSpecs: { lvm: { thinpol: 'x' } } }), { message: 'create: createOptions.bdevSpecs.lvm.thinpol is not a known option; did you mean thinPool?' }, 'nested');
  t.throws(() => parse('create', 'createOptions', s.createOptionsSchema, { colour: 1 }), { message: 'create: createOptions.colour is not a known option' }, 'nothing near: no guess');
  t.throws(() => parse('attach', 'options', s.attachOptionsSchema, { x: 1 }), { message: 'attach: options.x is not a known option' }, 'a one-letter key: no guess');
  // The hand-checked synchronous options (fields()): the same words.
  t.throws(() => listOptionsSchema.fast('listContainers', 'options', { Active: true, lxcpth: '/x' }), {
    message: 'listContainers: options.Active is not a known option; did you mean active?; options.lxcpth is not a known option; did you mean lxcpath?',
  });
  // A template's own options, checked against its getopt line.
  const info = { path: '/x', options: new Map([['dist', true], ['flush-cache', false], ['keyserver', true]]) };
  t.throws(() => templateArgv(info, 'download', { flushCahce: true }), { message: /templateOptions\.flushCahce is not an option of the installed "download" template \(it takes: --dist --flush-cache --keyserver\); did you mean flushCache\?/ });
  t.same(templateArgv(info, 'download', { keyServer: 'k', flushCache: true }, { keyServer: 'keyserver' }), ['--keyserver', 'k', '--flush-cache'], "a typed key's own spelling");
});

t.test('the calls themselves: the suggestion, before any C call', async (t) => {
  const lxcpath = mkdtempSync(join(tmpdir(), 'lxcffi-names-'));
  t.teardown(() => rmSync(lxcpath, { recursive: true, force: true }));
  const c = new Container('absent', { lxcpath });
  t.teardown(() => c.release());
  const einval = (op: string, arg: string, wrong: string, meant: string) => ({ code: 'EINVAL', message: `${op}: ${arg}.${wrong} is not a known option; did you mean ${meant}?` });
  await t.rejects(c.create('busybox', {}, { BdevType: 'dir' } as never), einval('create', 'createOptions', 'BdevType', 'bdevType'));
  await t.rejects(c.clone('web', { bdevtipe: 'overlayfs' } as never), einval('clone', 'options', 'bdevtipe', 'bdevType'));
  await t.rejects(c.exec(['true'], { Timeout: 1 } as never), einval('exec', 'options', 'Timeout', 'timeout'));
  await t.rejects(c.attachWait(['true'], { extraenv: {} } as never), einval('attachWait', 'options', 'extraenv', 'extraEnv'));
  await t.rejects(c.getIps({ timeot: 1 } as never), einval('getIps', 'options', 'timeot', 'timeout'));
  await t.rejects(c.start({ UseInit: true } as never), einval('start', 'options', 'UseInit', 'useInit'));
  t.throws(() => new Container('x', { lxcPath: lxcpath } as never), einval('Container', 'options', 'lxcPath', 'lxcpath'));
  // The aliases reach the call: the container is absent, so the start fails later, for that.
  await t.rejects(c.start({ useinit: true }), { code: 'ENOTDEFINED' }, 'useinit taken for useInit');
  await t.rejects(c.start({ useinit: true, useInit: false }), { code: 'EINVAL', message: /options\.useinit and options\.useInit are one option/ });
});

t.test('aliases: taken for their keys at any depth; both at once is EINVAL', async (t) => {
  t.same(parse('clone', 'options', s.cloneOptionsSchema, { bdevtype: 'overlayfs', snapshot: true }), { bdevType: 'overlayfs', snapshot: true }, "the seed's overlay clone");
  t.same(parse('clone', 'options', s.cloneOptionsSchema, { bdevdata: 'x' }), { bdevData: 'x' });
  t.same(parse('start', 'options', s.startOptionsSchema, { useinit: true }), { useInit: true });
  t.same(parse('create', 'createOptions', s.createOptionsSchema, { bdevtype: 'lvm', bdevSpecs: { fstype: 'ext4', fssize: 1 << 30, lvm: { vg: 'v', thinpool: 'tp' } } }),
    { bdevType: 'lvm', bdevSpecs: { fsType: 'ext4', fsSize: 1 << 30, lvm: { vg: 'v', thinPool: 'tp' } } });
  t.same(parse('create', 'createOptions', s.createOptionsSchema, { bdevSpecs: { zfs: { zfsroot: 'tank' }, rbd: { rbdname: 'n', rbdpool: 'p' } } }),
    { bdevSpecs: { zfs: { zfsRoot: 'tank' }, rbd: { rbdName: 'n', rbdPool: 'p' } } });
  t.same(parse('create', 'templateOptions', s.downloadOptionsSchema, { dist: 'd', release: 'r', arch: 'a', keyserver: 'k', keyid: 'i' }), { dist: 'd', release: 'r', arch: 'a', keyServer: 'k', keyId: 'i' });
  t.same(parse('create', 'templateOptions', s.localOptionsSchema, { metadata: '/m', fstree: '/f' }), { metadata: '/m', fsTree: '/f' });
  t.same(parse('mount', 'options', s.mountOptionsSchema, { fstype: 'tmpfs' }), { fsType: 'tmpfs' });
  t.same(parse('clone', 'options', s.cloneOptionsSchema, { bdevtype: undefined, bdevType: 'dir' }), { bdevType: 'dir' }, 'an alias given as undefined is absent');
  t.throws(() => parse('clone', 'options', s.cloneOptionsSchema, { bdevtype: 'overlayfs', bdevType: 'dir' }), {
    code: 'EINVAL', message: "clone: options.bdevtype and options.bdevType are one option (bdevtype is liblxc's name for bdevType): give one of them",
  });
  t.throws(() => parse('create', 'createOptions', s.createOptionsSchema, { bdevSpecs: { lvm: { thinpool: 'a', thinPool: 'b' } } }), { code: 'EINVAL', message: /createOptions\.bdevSpecs\.lvm\.thinpool and createOptions\.bdevSpecs\.lvm\.thinPool are one option/ });
  t.throws(() => parse('clone', 'options', s.cloneOptionsSchema, { bdevtype: 'zfs; rm' }), { message: /options\.bdevType must be one of 'dir'/ }, 'checked as the key it stands for');
  t.throws(() => parse('exec', 'options', s.execOptionsSchema, { useinit: true }), { message: 'exec: options.useinit is not a known option' }, 'only where the schema has its key');
  const getter = { get bdevtype() { reads++; return 'dir'; } };
  let reads = 0;
  parse('clone', 'options', s.cloneOptionsSchema, getter);
  t.equal(reads, 1, "the caller's getter runs once");
  // A fields() schema (the synchronous calls) takes them the same way.
  const f = fields<{ useInit?: boolean }>({ useInit: bool });
  t.same(f.fast('x', 'options', { useinit: true }), { useInit: true });
  t.throws(() => f.fast('x', 'options', { useinit: true, useInit: true }), { message: /options\.useinit and options\.useInit are one option/ });
  t.same(parse('x', 'options', f(), { useinit: true }), { useInit: true }, 'and its zod schema');
});

t.test("exec's timeout: seconds, > 0, finite, bounded", async (t) => {
  t.same(parse('exec', 'options', s.execOptionsSchema, { timeout: 0.5 }), { timeout: 0.5 }, 'a fraction');
  t.same(parse('exec', 'options', s.execOptionsSchema, { timeout: 30 }), { timeout: 30 });
  for (const [bad, why] of [[0, /must be > 0/], [-1, /must be > 0/], [Infinity, /must be number/], [NaN, /must be number/], [3e6, /must be ≤ 2147483/], ['5', /must be number/]] as const) {
    t.throws(() => parse('exec', 'options', s.execOptionsSchema, { timeout: bad }), { code: 'EINVAL', message: why }, String(bad));
  }
});

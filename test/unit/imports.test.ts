// scripts/check-imports.ts: the import graph of lib/ and ffi/ has no cycle, the attach machinery
// imports no container code, ffi/ imports nothing of lib/; and the checker finds each of those.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const script = join(repo, 'scripts', 'check-imports.ts');

/** Runs the checker on `root` (default: this repository) as its own process, with a deadline. */
function run(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

t.test('this repository passes', async (t) => {
  const { status, out } = run();
  t.equal(status, 0, out);
  t.match(out, /check-imports: ok/);
  // Not even a type-only cycle: the families know the facade's Container only as a Sibling.
  const typed = run('--with-types');
  t.equal(typed.status, 0, typed.out);
});

t.test('a synthetic tree: each break is reported', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'check-imports-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const files: Record<string, string> = {
    // A static cycle of three.
    'lib/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
    'lib/b.ts': "export { c as b } from './c.js';\n",
    'lib/c.ts': "import * as a from './a.js';\nexport const c = a;\n",
    // A cycle through a dynamic import().
    'lib/d.ts': "export const d = () => import('./e.js');\n",
    'lib/e.ts': "import { d } from './d.js';\nexport const e = d;\n",
    // Type-only imports both ways: no runtime cycle.
    'lib/f.ts': "import type { G } from './g.js';\nexport type F = G;\nexport const f = 1;\n",
    'lib/g.ts': "import { type F } from './f.js';\nexport type G = F | typeof import('./f.js');\n",
    // The attach machinery reaching for a container, once at run time and once for a type.
    'lib/container/handle.ts': 'export class Handle {}\n',
    'lib/container.ts': 'export class Container {}\n',
    'lib/attach/spawn.ts': "import { Handle } from '../container/handle.js';\nimport type { Container } from '../container.js';\nexport const s = [Handle] as unknown as Container;\n",
    // ffi/ importing lib/.
    'ffi/index.ts': "import { f } from '../lib/f.js';\nexport const x = f;\n",
    // A specifier that names no file; a comment and a string that only look like imports.
    'lib/h.ts': "// import { a } from './a.js';\nconst s = \"import('./a.js')\";\nexport { s };\nexport * from './missing.js';\n",
  };
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  const { status, out } = run(root);
  t.equal(status, 1, 'it fails');
  const lines = out.split('\n');
  const cycles = lines.filter((l) => l.startsWith('cycle: '));
  t.same(cycles.sort(), [
    'cycle: lib/a.ts -> lib/b.ts -> lib/c.ts -> lib/a.ts',
    'cycle: lib/d.ts => lib/e.ts -> lib/d.ts',
  ], 'the two runtime cycles, each once, as paths; not the type-only one');
  for (const line of [
    'forbidden: lib/attach/spawn.ts:1 imports lib/container/handle.ts: lib/attach/ must not import lib/container.ts, lib/container/ or lib/index.ts',
    'forbidden: lib/attach/spawn.ts:2 imports lib/container.ts (type-only): lib/attach/ must not import lib/container.ts, lib/container/ or lib/index.ts',
    'forbidden: ffi/index.ts:1 imports lib/f.ts: ffi/ must not import lib/',
    "unresolved: lib/h.ts:4 imports './missing.js', which names no .ts file",
  ]) t.ok(lines.includes(line), line);
  t.notOk(lines.some((l) => l.startsWith('cycle: ') && l.includes('lib/h.ts')), 'comments and strings are not imports');
  t.match(out, /FAILED \(2 cycles, 3 forbidden imports, 1 unresolved\)/);

  const typed = run('--with-types', root);
  t.ok(typed.out.split('\n').includes('cycle: lib/f.ts ~> lib/g.ts ~> lib/f.ts'), '--with-types shows the type-only cycle');
});

t.test('usage errors exit 2', async (t) => {
  t.equal(run('--nonsense').status, 2);
  t.equal(run(join(tmpdir(), 'no-such-tree-for-check-imports')).status, 2);
});

// Every file or folder of this repository that a comment in lib/ or ffi/ names exists: a comment
// that points at a file which was renamed or never written sends the reader nowhere.
// A name is looked up from the repository's root, from the commenting file's folder and from
// lib/; a bare file name (`pool.ts`) may be anywhere in the tree. liblxc's and the kernel's
// files (`.c`, `.h`), absolute paths and URLs are not this repository's and are skipped.
import t from 'tap';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

const everyName = new Set(walk(root).map((p) => basename(p)));

/** The comments of a TypeScript source, roughly: enough to find the paths they name. */
function comments(text: string): string[] {
  const found: string[] = [];
  const re = /\/\*[\s\S]*?\*\/|(^|[^:'"`\\])\/\/[^\n]*/g;
  for (const m of text.matchAll(re)) found.push(m[0]);
  return found;
}

// A repository-relative path (lib/..., ffi/..., docs/..., test/..., scripts/...), a path relative
// to lib/ (create/pool.ts), or a bare file name with this repository's extensions.
const PATH = /(?<![\w./:-])((?:\.{1,2}\/)?(?:[\w-]+\/)*[\w.-]+\.(?:ts|js|md|sh|json)|(?:lib|ffi|docs|test|scripts)\/(?:[\w-]+\/)*)(?![\w/-])/g;

function exists(name: string, from: string): boolean {
  const bare = name.replace(/\.js$/, '.ts');
  for (const base of [root, dirname(from), join(root, 'lib')]) {
    if (existsSync(join(base, name)) || existsSync(join(base, bare))) return true;
  }
  if (!name.includes('/')) return everyName.has(name) || everyName.has(bare);
  return false;
}

/** The paths named in comments of `files` that exist nowhere: "file: name". */
export function falsePaths(files: string[]): string[] {
  const wrong: string[] = [];
  for (const file of files) {
    for (const c of comments(readFileSync(file, 'utf8'))) {
      for (const m of c.matchAll(PATH)) {
        const name = m[1];
        if (/^(node|koffi|zod|tsx|package\.json)\b/.test(name)) continue;
        if (!exists(name, file)) wrong.push(`${relative(root, file)}: ${name}`);
      }
    }
  }
  return wrong;
}

t.test('the files comments in lib/ and ffi/ name exist', async (t) => {
  const files = [...walk(join(root, 'lib')), ...walk(join(root, 'ffi'))].filter((p) => p.endsWith('.ts'));
  t.same(falsePaths(files), []);
});

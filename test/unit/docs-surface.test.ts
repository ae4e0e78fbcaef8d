// The documentation agrees with the code it describes:
// - the export lists of README.md and docs/api.md (between `<!-- exports:values -->` and
//   `<!-- exports:types -->` markers and their `<!-- /exports -->` ends) name every export of
//   lib/index.ts, values and types apart, and nothing else (read with the TypeScript compiler);
// - docs/api.md's error-code table has a row for every code of LxcErrorCode (lib/errors.ts) and
//   none for a code that does not exist, and every code README.md's troubleshooting names exists;
// - every `#anchor` link of README.md, CONTRIBUTING.md, CHANGELOG.md and docs/*.md reaches a heading;
// - the user-facing pages use no word meant for the repository's makers (the list of allowed
//   lines is below, each with why).
import t from 'tap';
import ts from 'typescript';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

t.setTimeout(120_000);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const pages = ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

// ---- what lib/index.ts exports ------------------------------------------------------------------

function program(): ts.Program {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  return ts.createProgram([join(root, 'lib', 'index.ts')], { ...config!.options, noEmit: true });
}

/** lib/index.ts's exports: values (what `import * as lxc` has at run time) and type-only ones. */
function exportsOf(p: ts.Program): { values: string[]; types: string[] } {
  const checker = p.getTypeChecker();
  const file = p.getSourceFile(join(root, 'lib', 'index.ts'))!;
  const values: string[] = [];
  const types: string[] = [];
  for (const s of checker.getExportsOfModule(checker.getSymbolAtLocation(file)!)) {
    const typeOnly = (s.declarations ?? []).some((d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly));
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    (!typeOnly && target.flags & ts.SymbolFlags.Value ? values : types).push(s.getName());
  }
  return { values: values.sort(), types: types.sort() };
}

/** The string literals of the LxcErrorCode union in lib/errors.ts. */
function errorCodes(p: ts.Program): string[] {
  const file = p.getSourceFile(join(root, 'lib', 'errors.ts'))!;
  const codes: string[] = [];
  file.forEachChild((n) => {
    if (ts.isTypeAliasDeclaration(n) && n.name.text === 'LxcErrorCode' && ts.isUnionTypeNode(n.type)) {
      for (const m of n.type.types) if (ts.isLiteralTypeNode(m) && ts.isStringLiteral(m.literal)) codes.push(m.literal.text);
    }
  });
  return codes.sort();
}

const prog = program();
const surface = exportsOf(prog);
const codes = errorCodes(prog);

// ---- the export lists ---------------------------------------------------------------------------

/** The text between `<!-- exports:KIND -->` and the next `<!-- /exports -->`, for each such region. */
export function regions(markdown: string, kind: 'values' | 'types'): string[] {
  const out: string[] = [];
  const re = new RegExp(`<!-- exports:${kind} -->([\\s\\S]*?)<!-- /exports -->`, 'g');
  for (const m of markdown.matchAll(re)) out.push(m[1]);
  return out;
}

/** The names a list gives: each `identifier` or `PREFIX_*` glob in backticks. */
export function listed(text: string): string[] {
  return [...text.matchAll(/`([A-Za-z_$][\w$]*\*?)`/g)].map((m) => m[1]);
}

/** What a list lacks and what it names that is not there: globs (`LXC_ATTACH_*`) cover what they match. */
export function compare(names: string[], actual: string[]): { missing: string[]; extra: string[] } {
  const globs = names.filter((n) => n.endsWith('*')).map((n) => n.slice(0, -1));
  const plain = new Set(names.filter((n) => !n.endsWith('*')));
  const missing = actual.filter((a) => !plain.has(a) && !globs.some((g) => a.startsWith(g)));
  const extra = [...plain].filter((n) => !actual.includes(n)).concat(globs.filter((g) => !actual.some((a) => a.startsWith(g))).map((g) => `${g}*`));
  return { missing, extra };
}

t.test('lib/index.ts is read', async (t) => {
  t.ok(surface.values.includes('Container') && surface.values.includes('watch') && surface.values.includes('LXC_ATTACH_DEFAULT'), 'values found');
  t.ok(surface.types.includes('CreateOptions') && surface.types.includes('Session'), 'types found (Session is exported as a type only)');
  t.notOk(surface.values.includes('Session'), 'a type-only export of a class is a type');
  t.ok(codes.includes('EINVAL') && codes.includes('ENOLIB') && codes.length >= 30, `${codes.length} error codes`);
});

for (const file of ['README.md', 'docs/api.md']) {
  t.test(`${file}: the export lists are lib/index.ts's exports`, async (t) => {
    const text = read(file);
    for (const kind of ['values', 'types'] as const) {
      const found = regions(text, kind);
      t.equal(found.length, 1, `one <!-- exports:${kind} --> list`);
      const { missing, extra } = compare(listed(found.join('\n')), surface[kind]);
      t.ok(missing.length === 0, `${file}: every exported ${kind === 'values' ? 'value' : 'type'} is listed (missing: ${missing.join(', ') || 'none'})`);
      t.ok(extra.length === 0, `${file}: the ${kind} list names only exports of that kind (extra: ${extra.join(', ') || 'none'})`);
    }
  });
}

t.test('docs/api.md: every value export has a section', async (t) => {
  const text = read('docs/api.md');
  const headings = text.split('\n').filter((l) => /^#{2,6} /.test(l)).join('\n');
  const constants = text.slice(text.indexOf('### Constants'), text.indexOf('## Container'));
  const missing = surface.values.filter((v) => !headings.includes(`\`${v}`) && !headings.includes(`${v}\``) && !new RegExp(`\\b${v}\\b`).test(constants));
  t.same(missing, [], `values without a heading or a row in Constants: ${missing.join(', ') || 'none'}`);
});

// ---- error codes --------------------------------------------------------------------------------

/** The codes in the first column of docs/api.md's "### Codes" table. */
export function tableCodes(markdown: string): string[] {
  const start = markdown.indexOf('\n### Codes\n');
  if (start < 0) return [];
  const rows = markdown.slice(start).split('\n').slice(2);
  const out: string[] = [];
  for (const row of rows) {
    if (row.startsWith('### ') || row.startsWith('## ')) break;
    if (!row.startsWith('| `')) continue;
    out.push(...[...row.split('|')[1].matchAll(/`(E[A-Z]+)`/g)].map((m) => m[1]));
  }
  return out;
}

t.test("docs/api.md's error-code table is lib/errors.ts's LxcErrorCode", async (t) => {
  const documented = tableCodes(read('docs/api.md'));
  const missing = codes.filter((c) => !documented.includes(c));
  const extra = documented.filter((c) => !codes.includes(c));
  const twice = documented.filter((c, i) => documented.indexOf(c) !== i);
  t.same(missing, [], `codes without a row: ${missing.join(', ') || 'none'}`);
  t.same(extra, [], `rows for codes that do not exist: ${extra.join(', ') || 'none'}`);
  t.same(twice, [], `codes with two rows: ${twice.join(', ') || 'none'}`);
});

t.test('every error code the README names exists', async (t) => {
  const named = [...read('README.md').matchAll(/`(E[A-Z]{3,})`/g)].map((m) => m[1]);
  t.ok(named.length >= 4, `${named.length} codes named`);
  const unknown = [...new Set(named.filter((c) => !codes.includes(c)))];
  t.same(unknown, [], `unknown codes: ${unknown.join(', ') || 'none'}`);
});

// ---- links --------------------------------------------------------------------------------------

/** GitHub's anchor for a heading text. */
export function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}

/** The anchors of a markdown file's headings (outside code fences), with GitHub's -1, -2 for repeats. */
export function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fence = !fence;
    const m = !fence && /^#{1,6} (.*)$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

t.test('every #anchor link reaches a heading', async (t) => {
  const broken: string[] = [];
  for (const file of pages) {
    if (!existsSync(join(root, file))) continue;
    const text = read(file);
    for (const m of text.matchAll(/\]\(([^)\s]*?)#([^)\s]+)\)/g)) {
      const target = m[1] === '' ? file : join(dirname(file), m[1]);
      if (/^[a-z]+:/.test(m[1]) || !target.endsWith('.md')) continue;
      if (!existsSync(join(root, target))) { broken.push(`${file}: ${m[0]} (no such file)`); continue; }
      if (!anchors(read(target)).has(m[2])) broken.push(`${file}: ${m[0]}`);
    }
  }
  t.same(broken, [], `broken anchors:\n${broken.join('\n')}`);
});

t.test('the anchor reader', async (t) => {
  t.equal(slug('`consoleGetFd(tty = -1): ConsoleTty`'), 'consolegetfdtty---1-consoletty');
  t.equal(slug('The `lxc-ffi` command (REPL)'), 'the-lxc-ffi-command-repl');
  t.same([...anchors('# A\n```\n# not\n```\n## A\n')], ['a', 'a-1']);
});

// ---- words a user cannot know ---------------------------------------------------------------------

// Lines that may use the words, each for a reason a reader of that page knows.
const ALLOWED: Array<{ file: string; line: RegExp; why: string }> = [
  { file: 'docs/reliability.md', line: /fast-check|FC_SEED|seed \+ its index|counterexample/, why: "fast-check's random seed" },
  { file: 'docs/storage.md', line: /criu issue #2532|criu\/issues\/2532/, why: "criu's own bug tracker" },
];
const WORDS = /seed|issue|this machine|works here|API contract/;

t.test('README.md and docs/*.md use no word meant for the repository\'s makers', async (t) => {
  const found: string[] = [];
  for (const file of ['README.md', ...pages.filter((p) => p.startsWith('docs/'))]) {
    read(file).split('\n').forEach((line, i) => {
      if (!WORDS.test(line)) return;
      if (ALLOWED.some((a) => a.file === file && a.line.test(line))) return;
      found.push(`${file}:${i + 1}: ${line.trim().slice(0, 160)}`);
    });
  }
  t.same(found, [], `lines to reword (or to allow in ALLOWED with a reason):\n${found.join('\n')}`);
});

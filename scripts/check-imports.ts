// Checks the import graph of lib/ and ffi/: no cycles in lib/, the attach machinery a leaf, ffi/
// below lib/. Run: `npx tsx scripts/check-imports.ts [root]` (root: the repository, by default
// this script's). Exit 0 when every rule holds, 1 listing each break, 2 on a usage error.
//
// What counts as an import: every relative specifier of a static `import ... from`, a bare
// `import '...'`, an `export ... from`, and a dynamic `import('...')`, in every lib/**/*.ts and
// ffi/**/*.ts (parsed with the TypeScript compiler, so comments and strings never count).
// Non-relative specifiers (node:*, koffi, zod) are outside the graph.
//
// Type-only imports do not make runtime cycles, and are left out of the cycle rule: TypeScript
// erases them, so the module they name is never loaded for them. Type-only is `import type`,
// `export type ... from`, an import or export whose every named binding is marked `type`, and
// `typeof import('...')` in a type position. Any other import counts at run time, even when its
// bindings happen to be used only as types (the checker does not guess the compiler's elision).
// A dynamic import() does count: it is a load, later; a cycle through one still means two modules
// that each need the other.
//
// The rules:
//   (a) no import cycle among lib/ files (static or dynamic, type-only edges left out); each is
//       reported as its path, `a.ts -> b.ts => c.ts -> a.ts` (`=>`: a dynamic import(); with
//       --with-types, `~>`: a type-only import);
//   (b) no file under lib/attach/ imports lib/container.ts, lib/container/*, nor lib/index.ts,
//       type-only imports included: the attach machinery receives plain data from the attach
//       family (lib/container/attach/) and knows nothing of a container;
//   (c) no file under ffi/ imports lib/, type-only imports included.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export interface Edge {
  from: string;
  to: string;
  kind: 'static' | 'dynamic';
  typeOnly: boolean;
  line: number;
}

export interface Report {
  files: number;
  edges: Edge[];
  /** Each cycle as its files in order (the first repeated at the end). */
  cycles: { path: string[]; kinds: ('static' | 'dynamic' | 'type')[] }[];
  /** Forbidden imports, by rule. */
  forbidden: { rule: 'attach-leaf' | 'ffi-below-lib'; edge: Edge }[];
  /** Relative specifiers that name no file. */
  unresolved: { from: string; specifier: string; line: number }[];
}

function walk(dir: string, out: string[]): string[] {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (entry.isFile() && entry.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** The .ts file a relative specifier names (`./x.js` → x.ts; a directory → its index.ts), or null. */
function resolveSpecifier(fromFile: string, specifier: string): string | null {
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [
    base.replace(/\.(m|c)?js$/, '.$1ts'),
    base,
    `${base}.ts`,
    join(base, 'index.ts'),
  ];
  for (const c of candidates) {
    try {
      if (statSync(c).isFile() && c.endsWith('.ts')) return c;
    } catch {
      // next
    }
  }
  return null;
}

/** Whether an import/export clause names only types (`import type`, or every binding `type`). */
function clauseTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isImportDeclaration(node)) {
    const clause = node.importClause;
    if (!clause) return false; // import './x.js': a side effect
    if (clause.isTypeOnly) return true;
    if (clause.name) return false; // a default binding
    const bindings = clause.namedBindings;
    if (!bindings) return false;
    if (ts.isNamespaceImport(bindings)) return false;
    return bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
  }
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  if (!clause || ts.isNamespaceExport(clause)) return false; // export * from
  return clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
}

/** The relative imports of one file. */
export function importsOf(file: string, text: string = readFileSync(file, 'utf8')): { specifier: string; kind: Edge['kind']; typeOnly: boolean; line: number }[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: { specifier: string; kind: Edge['kind']; typeOnly: boolean; line: number }[] = [];
  const lineOf = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, kind: 'static', typeOnly: clauseTypeOnly(node), line: lineOf(node) });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      found.push({ specifier: node.moduleReference.expression.text, kind: 'static', typeOnly: node.isTypeOnly, line: lineOf(node) });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      found.push({ specifier: node.arguments[0].text, kind: 'dynamic', typeOnly: false, line: lineOf(node) });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      // typeof import('./x.js'), import('./x.js').T: types only.
      found.push({ specifier: node.argument.literal.text, kind: 'dynamic', typeOnly: true, line: lineOf(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found.filter((f) => f.specifier.startsWith('./') || f.specifier.startsWith('../'));
}

/** Elementary cycles through the edges of each strongly connected component, one per edge at most, deduplicated. */
function findCycles(nodes: string[], edges: Edge[]): Report['cycles'] {
  const out = new Map<string, Edge[]>();
  for (const n of nodes) out.set(n, []);
  for (const e of edges) out.get(e.from)?.push(e);
  // Tarjan's strongly connected components.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const comp = new Map<string, number>();
  let comps = 0;
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const e of out.get(v)!) {
      if (!idx.has(e.to)) {
        strong(e.to);
        low.set(v, Math.min(low.get(v)!, low.get(e.to)!));
      } else if (onStack.has(e.to)) {
        low.set(v, Math.min(low.get(v)!, idx.get(e.to)!));
      }
    }
    if (low.get(v) === idx.get(v)) {
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.set(w, comps);
      } while (w !== v);
      comps++;
    }
  };
  for (const n of [...nodes].sort()) if (!idx.has(n)) strong(n);
  // For each edge inside a component: the shortest way back from its target to its source.
  const cycles = new Map<string, Report['cycles'][number]>();
  const inner = edges.filter((e) => comp.get(e.from) === comp.get(e.to));
  for (const first of inner) {
    const prev = new Map<string, Edge | null>([[first.to, null]]);
    const queue = [first.to];
    while (queue.length && !prev.has(first.from)) {
      const v = queue.shift()!;
      for (const e of out.get(v)!) {
        if (comp.get(e.to) !== comp.get(first.from) || prev.has(e.to)) continue;
        prev.set(e.to, e);
        queue.push(e.to);
      }
    }
    if (first.from !== first.to && !prev.has(first.from)) continue;
    const path: Edge[] = [first];
    for (let at = first.from; first.from !== first.to && at !== first.to;) {
      const e = prev.get(at)!;
      path.splice(1, 0, e);
      at = e.from;
    }
    // The same cycle from any of its files: rotated to start at its smallest file name.
    const files = path.map((e) => e.from);
    const start = files.indexOf([...files].sort()[0]);
    const rotated = [...path.slice(start), ...path.slice(0, start)];
    const kinds = rotated.map((e) => (e.typeOnly ? 'type' as const : e.kind));
    const key = rotated.map((e, i) => `${e.from}>${kinds[i]}`).join('|');
    if (!cycles.has(key)) cycles.set(key, { path: [...rotated.map((e) => e.from), rotated[0].from], kinds });
  }
  return [...cycles.values()].sort((a, b) => a.path.length - b.path.length || a.path.join().localeCompare(b.path.join()));
}

/** Checks the tree under `root` (which holds lib/ and ffi/). */
export function check(root: string, withTypes = false): Report {
  const abs = resolve(root);
  const files = [...walk(join(abs, 'lib'), []), ...walk(join(abs, 'ffi'), [])].sort();
  const rel = (p: string) => relative(abs, p).split(sep).join('/');
  const edges: Edge[] = [];
  const unresolved: Report['unresolved'] = [];
  for (const file of files) {
    for (const imp of importsOf(file)) {
      const target = resolveSpecifier(file, imp.specifier);
      if (!target) {
        unresolved.push({ from: rel(file), specifier: imp.specifier, line: imp.line });
        continue;
      }
      edges.push({ from: rel(file), to: rel(target), kind: imp.kind, typeOnly: imp.typeOnly, line: imp.line });
    }
  }
  const inLib = (p: string) => p.startsWith('lib/');
  // One edge per (from, to, kind): a file importing another twice is one dependency.
  const seen = new Set<string>();
  const runtime = edges.filter((e) => {
    if ((e.typeOnly && !withTypes) || !inLib(e.from) || !inLib(e.to)) return false;
    const key = `${e.from}>${e.to}>${e.typeOnly ? 'type' : e.kind}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const cycles = findCycles(files.map(rel).filter(inLib), runtime);
  const forbidden: Report['forbidden'] = [];
  const container = (p: string) => p === 'lib/container.ts' || p.startsWith('lib/container/') || p === 'lib/index.ts';
  for (const e of edges) {
    if (e.from.startsWith('lib/attach/') && container(e.to)) forbidden.push({ rule: 'attach-leaf', edge: e });
    if (e.from.startsWith('ffi/') && inLib(e.to)) forbidden.push({ rule: 'ffi-below-lib', edge: e });
  }
  return { files: files.length, edges, cycles, forbidden, unresolved };
}

/** The report as lines; `ok` when no rule is broken. */
/**
 * The files of `root` that `entry` (a path relative to `root`) loads at run time, itself included,
 * sorted: a helper process's module graph.
 *
 * @example
 * reachable(repo, 'lib/net/netns-helper.ts') // ['ffi/constants.ts', 'ffi/koffi.ts', …]
 */
export function reachable(root: string, entry: string): string[] {
  const graph = new Map<string, string[]>();
  for (const e of check(root).edges) {
    if (e.typeOnly) continue;
    const from = relative(root, e.from);
    graph.set(from, [...(graph.get(from) ?? []), relative(root, e.to)]);
  }
  const seen = new Set<string>();
  const walk = (f: string) => { if (seen.has(f)) return; seen.add(f); for (const n of graph.get(f) ?? []) walk(n); };
  walk(entry);
  return [...seen].sort();
}

export function format(r: Report, withTypes = false): { ok: boolean; lines: string[] } {
  const lines: string[] = [];
  const typeOnly = r.edges.filter((e) => e.typeOnly).length;
  const dynamic = r.edges.filter((e) => e.kind === 'dynamic' && !e.typeOnly).length;
  lines.push(`check-imports: ${r.files} files, ${r.edges.length} relative imports (${typeOnly} type-only, ${withTypes ? 'counted' : 'not counted'} for cycles; ${dynamic} dynamic import())`);
  for (const c of r.cycles) {
    const parts = [c.path[0]];
    c.kinds.forEach((k, i) => parts.push(`${k === 'dynamic' ? '=>' : k === 'type' ? '~>' : '->'} ${c.path[i + 1]}`));
    lines.push(`cycle: ${parts.join(' ')}`);
  }
  for (const { rule, edge } of r.forbidden) {
    const why = rule === 'attach-leaf' ? 'lib/attach/ must not import lib/container.ts, lib/container/ or lib/index.ts' : 'ffi/ must not import lib/';
    lines.push(`forbidden: ${edge.from}:${edge.line} imports ${edge.to}${edge.typeOnly ? ' (type-only)' : ''}: ${why}`);
  }
  for (const u of r.unresolved) lines.push(`unresolved: ${u.from}:${u.line} imports '${u.specifier}', which names no .ts file`);
  const ok = r.cycles.length === 0 && r.forbidden.length === 0 && r.unresolved.length === 0;
  lines.push(ok ? 'check-imports: ok' : `check-imports: FAILED (${r.cycles.length} cycles, ${r.forbidden.length} forbidden imports, ${r.unresolved.length} unresolved)`);
  return { ok, lines };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const withTypes = process.argv.includes('--with-types');
  const args = process.argv.slice(2).filter((a) => a !== '--with-types');
  if (args.length > 1 || args.some((a) => a.startsWith('-'))) {
    process.stderr.write('usage: tsx scripts/check-imports.ts [--with-types] [root]\n');
    process.exit(2);
  }
  const root = args[0] ?? join(dirname(fileURLToPath(import.meta.url)), '..');
  if (!existsSync(join(root, 'lib'))) {
    process.stderr.write(`check-imports: ${root} has no lib/\n`);
    process.exit(2);
  }
  const { ok, lines } = format(check(root, withTypes), withTypes);
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exit(ok ? 0 : 1);
}

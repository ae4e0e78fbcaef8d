// Compiles lib/, ffi/ and this benchmark into a temporary directory with the project's own tsc and
// tsconfig.json, so lxc-ffi is measured as the published JavaScript runs: under plain node, its
// attach workers too (under tsx every worker would start tsx's loader first, ~0.3 s each).
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './child.js';
import { repoRoot } from './paths.js';

export interface Build {
  /** The compiled scripts/bench/index.js. */
  entry: string;
  /** tsc's complaints, if it emitted despite type errors elsewhere in the tree. */
  warnings: string;
  remove(): void;
}

export async function buildCompiled(): Promise<Build | { error: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'lxcffi-bench-build-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const out = join(dir, 'out');
    const tsconfig = join(dir, 'tsconfig.json');
    writeFileSync(tsconfig, JSON.stringify({
      extends: join(repoRoot, 'tsconfig.json'),
      compilerOptions: { outDir: out, rootDir: repoRoot, noEmit: false, declaration: false, sourceMap: false, incremental: false },
      // The workers (lib/attach/worker.ts, lib/create/worker.ts) are started by path, not imported: take all of lib.
      include: ['ffi', 'lib', 'scripts/bench'].map((d) => join(repoRoot, d, '**', '*.ts')),
      files: [join(repoRoot, 'test', 'helpers.ts')],
    }));
    // Bare imports (koffi, zod) and @types/node resolve through the repository's node_modules; .js files are ESM.
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = await run(process.execPath, [tsc, '-p', tsconfig], { timeoutMs: 180_000 });
    const entry = join(out, 'scripts', 'bench', 'index.js');
    // tsc emits despite type errors (another engineer's half-done file): use the output if it is there.
    if (!existsSync(entry) || !existsSync(join(out, 'lib', 'attach', 'worker.js'))) {
      remove();
      return { error: `tsc did not emit the benchmark (exit ${r.code}): ${(r.stdout + r.stderr).trim().split('\n').slice(0, 5).join(' | ')}` };
    }
    return { entry, warnings: r.code === 0 ? '' : (r.stdout + r.stderr).trim(), remove };
  } catch (e) {
    remove();
    return { error: (e as Error).message };
  }
}

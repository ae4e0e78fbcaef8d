// The lxc-ffi benchmark: lxc-ffi against liblxc from C, against python3-lxc and against the lxc-*
// tools driven from Node, in one run.
//
//   npm run bench                            full run (< 10 min): writes scripts/bench/results.json and docs/benchmarks.md
//   npx tsx scripts/bench/index.ts --quick   smoke run (< 1 min): prints the tables; exits 1 if a measurement has no number
//
// Options: --write (a quick run writes the files too), --no-write (a full run only prints),
// --only ID[,ID...] (some rows or probes; implies --no-write), --source (measure lxc-ffi from its
// TypeScript under tsx instead of compiled JavaScript), --render (measure nothing: rewrite
// docs/benchmarks.md from scripts/bench/results.json, after an edit of the report's text).
//
// Under tsx this launcher first compiles lib/, ffi/ and scripts/bench/ with the project's tsc into a
// temporary directory and re-runs itself from there under plain node, so lxc-ffi (and its attach
// workers) run as the published JavaScript does. The run itself is runner.ts.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { buildCompiled } from './build.js';
import { repoRoot } from './paths.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    write: { type: 'boolean' },
    only: { type: 'string' },
    source: { type: 'boolean', default: false },
    render: { type: 'boolean', default: false },
  },
  allowNegative: true,
});

const underTsx = import.meta.url.endsWith('.ts');

async function inProcess(loadedAs: string): Promise<number> {
  const { main } = await import('./runner.js');
  return main({ quick: args.quick!, write: args.write, only: args.only?.split(','), loadedAs });
}

async function render(): Promise<number> {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { docs } = await import('./report.js');
  const results = JSON.parse(readFileSync(join(repoRoot, 'scripts', 'bench', 'results.json'), 'utf8'));
  writeFileSync(join(repoRoot, 'docs', 'benchmarks.md'), docs(results));
  process.stderr.write('bench: docs/benchmarks.md rewritten from scripts/bench/results.json\n');
  return 0;
}

async function launch(): Promise<number> {
  if (args.render) return render();
  if (!underTsx) return inProcess(process.env.LXC_FFI_BENCH_LOADED_AS ?? 'compiled JavaScript under node');
  if (args.source) return inProcess('TypeScript under tsx (--source): attach workers start under tsx too');
  process.stderr.write('bench: compiling lib/ and scripts/bench/ with tsc…\n');
  const build = await buildCompiled();
  if ('error' in build) {
    process.stderr.write(`bench: ${build.error}\nbench: measuring the TypeScript under tsx instead\n`);
    return inProcess(`TypeScript under tsx (the tsc build failed: ${build.error})`);
  }
  if (build.warnings) process.stderr.write(`bench: tsc reported type errors but emitted:\n${build.warnings.split('\n').slice(0, 10).join('\n')}\n`);
  try {
    const child = spawn(process.execPath, [build.entry, ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, LXC_FFI_BENCH_REPO: repoRoot, LXC_FFI_BENCH_LOADED_AS: 'compiled JavaScript under node (tsc build of this tree)' },
    });
    // Ctrl-C reaches both processes; a TERM sent to this one is passed on. The child cleans up.
    const forward = (sig: NodeJS.Signals) => { if (child.exitCode === null) child.kill(sig); };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    return await new Promise<number>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1))));
  } finally {
    build.remove();
  }
}

launch().then((code) => process.exit(code), (e) => {
  console.error(`bench: ${(e as Error).stack ?? e}`);
  process.exit(1);
});

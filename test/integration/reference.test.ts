// The API reference builds from the TSDoc (`npm run docs`, typedoc.json) with zero warnings: every
// exported member and option field of lxc-ffi and lxc-ffi/schemas is documented, every link resolves.
import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = process.cwd();

t.test('typedoc builds docs/reference without a warning', { timeout: 300_000 }, async (t) => {
  const started = Date.now();
  const config = JSON.parse(readFileSync(join(repo, 'typedoc.json'), 'utf8'));
  t.same(config.entryPoints, ['lib/index.ts', 'lib/schemas.ts'], 'both public entry points');
  t.equal(config.treatWarningsAsErrors, true, 'a warning fails the build');
  t.equal(config.validation?.notDocumented, true, 'an undocumented export is a warning');
  const result = await run(join(repo, 'node_modules', '.bin', 'typedoc'), [], { cwd: repo, timeout: 240_000 })
    .then((r) => ({ ...r, code: 0 }), (e: { stdout?: string; stderr?: string; code?: number }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code }));
  const output = `${result.stdout}${result.stderr}`;
  t.equal(result.code, 0, 'typedoc exits 0');
  t.same(output.split('\n').filter((l) => /warning|error/i.test(l)), [], 'no warning or error lines');
  const index = join(repo, 'docs', 'reference', 'index.html');
  t.ok(existsSync(index) && statSync(index).mtimeMs >= started - 1000, 'docs/reference/index.html written by this run');
  t.ok(existsSync(join(repo, 'docs', 'reference', 'classes', 'index.Container.html')), 'a page for Container');
  t.match(readFileSync(join(repo, 'docs', 'reference', 'interfaces', 'schemas.CreateOptions.html'), 'utf8'), /Drop the template/, 'option fields carry their TSDoc');
});

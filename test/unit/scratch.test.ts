// The per-process scratch directory (lib/scratch.ts): removed at a normal exit; one left by a
// process killed by a signal is removed by the next process that makes its own; a live process's
// directory is never touched.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { within } from '../helpers.js';

const MAKE = `const { scratchDir } = await import('./lib/scratch.ts'); console.log(scratchDir());`;
// A temp dir of this file's own: lxc-ffi processes of other test files, running meanwhile, sweep
// the shared one and would take the killed process's directory before this test looks.
const own = mkdtempSync(join(tmpdir(), 'lxcffi-scratch-test-'));
t.teardown(() => rmSync(own, { recursive: true, force: true }));
const env = { ...process.env, TMPDIR: own };
const node = (code: string) => spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 30_000, env });

t.test('removed at a normal exit', async (t) => {
  const r = node(MAKE);
  t.equal(r.status, 0);
  t.match(r.stdout.trim(), /^\/.*\/lxc-ffi-\w{6}$/);
  t.notOk(existsSync(r.stdout.trim()), 'gone after exit');
});

t.test("a killed process's directory goes when the next one starts; a live one's stays", async (t) => {
  const killed = node(`${MAKE} process.kill(process.pid, 'SIGKILL');`);
  t.equal(killed.signal, 'SIGKILL');
  const left = killed.stdout.trim();
  t.ok(existsSync(left), 'left behind by SIGKILL');
  // A live owner, waiting on stdin while the sweep runs.
  const live = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `${MAKE} process.stdin.resume(); process.stdin.on('end', () => process.exit(0));`], { stdio: ['pipe', 'pipe', 'inherit'], env });
  t.teardown(() => live.kill('SIGKILL'));
  const liveDir = await within(30_000, 'the live owner to print its directory', new Promise<string>((resolve) => live.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()))));
  const next = node(MAKE);
  t.equal(next.status, 0);
  t.notOk(existsSync(left), "the killed process's directory was swept");
  t.ok(existsSync(liveDir), "the live process's directory was not");
  live.stdin!.end();
  await within(30_000, 'the live owner to exit', new Promise((resolve) => live.once('exit', resolve)));
  t.notOk(existsSync(liveDir), 'and its owner removed it at exit');
});

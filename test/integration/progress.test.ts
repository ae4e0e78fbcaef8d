// Progress of create (lib/create/pool.ts, feed.ts, phases.ts, lib/progress.ts): the template's lines
// arrive as written, split on '\r' and '\n' and tagged with their stream, through onOutput and the
// async iterator alike; the download template's phases and byte counts; quiet keeps stdout clean;
// the renderer draws one live line on a pseudo-terminal and plain lines into a pipe.
import t, { type Test } from 'tap';
import { execFile } from 'node:child_process';
import { writeFileSync, chmodSync, mkdtempSync, rmSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as lxc from '../../lib/index.js';
import { tempLxcpath, within } from '../helpers.js';
import { startImageServer } from '../fixtures/image-server.js';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');

// Progress rewritten with '\r' on stdout, warnings on stderr, 300 ms apart; the time it ends
// (ms since the epoch) goes next to the rootfs just before its last line.
const TEMPLATE = `#!/bin/sh
rootfs=
while [ $# -gt 0 ]; do
  case "$1" in
    --rootfs=*) rootfs=\${1#--rootfs=}; shift ;;
    --rootfs) rootfs=$2; shift 2 ;;
    --fail) fail=1; shift ;;
    *) shift ;;
  esac
done
mkdir -p "$rootfs" || exit 1
printf 'step 1\\r'; sleep 0.3
echo 'warn a' >&2; sleep 0.3
printf 'step 2\\r'; sleep 0.3
echo 'warn b' >&2; sleep 0.3
printf 'step 3\\r'; sleep 0.3
date +%s%3N > "\${rootfs%/*}/ended"
[ -n "$fail" ] && { echo 'it broke' >&2; exit 1; }
printf 'done\\n'
`;

const EXPECTED = [
  ['stdout', 'step 1', '\r'], ['stderr', 'warn a', '\n'], ['stdout', 'step 2', '\r'],
  ['stderr', 'warn b', '\n'], ['stdout', 'step 3', '\r'], ['stdout', 'done', '\n'],
];

function template(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'lxcffi-progress-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'lxc-progress');
  writeFileSync(path, TEMPLATE);
  chmodSync(path, 0o755);
  return path;
}

/** The ms timestamp the template wrote at its end. */
function endedAt(lxcpath: string, name: string): number {
  return Number(readFileSync(join(lxcpath, name, 'ended'), 'utf8').trim());
}

/** Arrival times are before the template's end: step 1 was written 1.5 s before it, warn b 0.6 s. */
function arrivedLive(t: Test, got: Array<{ line: string; at: number }>, ended: number): void {
  const at = (line: string) => got.find((g) => g.line === line)!.at;
  t.ok(at('step 1') < ended - 900, `'step 1' (\\r-ended) arrived ${ended - at('step 1')} ms before the template ended`);
  t.ok(at('warn b') < ended - 200, `'warn b' arrived ${ended - at('warn b')} ms before the template ended`);
  t.ok(at('step 3') <= ended, `'step 3' arrived before the template ended (${ended - at('step 3')} ms)`);
}

t.test('onOutput: each piece tagged with its stream, in order, as it is written', async (t) => {
  const lxcpath = tempLxcpath(t);
  const path = template(t);
  const c = new lxc.Container('live', lxcpath);
  t.teardown(() => c.release());
  const got: Array<{ line: string; stream: string; at: number }> = [];
  await within(60_000, 'create with onOutput', c.create(path, {}, { onOutput: (line, stream) => got.push({ line, stream, at: Date.now() }) }));
  t.same(got.map((g) => [g.stream, g.line]), EXPECTED.map(([s, l]) => [s, l]), 'stdout and stderr pieces, tagged, in the order written');
  arrivedLive(t, got, endedAt(lxcpath, 'live'));
});

t.test('the async iterator sees the same, then ends; a failed create throws from it', async (t) => {
  const lxcpath = tempLxcpath(t);
  const path = template(t);
  const c = new lxc.Container('iter', lxcpath);
  t.teardown(() => c.release());
  const got: Array<{ line: string; stream: string; end: string; at: number }> = [];
  await within(60_000, 'iterate a create', (async () => {
    for await (const ev of c.create(path)) {
      if (ev.type === 'output') got.push({ line: ev.line, stream: ev.stream, end: ev.end, at: Date.now() });
    }
  })());
  t.same(got.map((g) => [g.stream, g.line, g.end]), EXPECTED, 'the same pieces, with what ended each');
  arrivedLive(t, got, endedAt(lxcpath, 'iter'));
  t.equal(c.defined, true, 'defined once the iteration ended');

  const bad = new lxc.Container('bad', lxcpath);
  t.teardown(() => bad.release());
  const lines: string[] = [];
  const error = await within(60_000, 'iterate a failing create', (async () => {
    try {
      for await (const ev of bad.create(path, { fail: true })) if (ev.type === 'output') lines.push(ev.line);
      return null;
    } catch (e) {
      return e as lxc.LxcError;
    }
  })());
  t.ok(error instanceof lxc.LxcError, 'the iteration threw an LxcError');
  t.equal(error?.code, 'ECREATE');
  t.ok(lines.includes('it broke'), 'after every line the template wrote');
  t.equal(bad.defined, false);
});

t.test('the download template: phases in order, with byte counts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcffi-images-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // About a second for the rootfs, so that polls see it grow.
  const server = await startImageServer({ dir, rootfsRate: 512 * 1024 });
  t.teardown(() => server.close());
  const saved = { ...process.env };
  Object.assign(process.env, server.env);
  t.teardown(() => { for (const k of Object.keys(server.env)) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k]; });
  const lxcpath = tempLxcpath(t);
  const c = new lxc.Container('dl', lxcpath);
  t.teardown(() => c.release());
  const events: lxc.CreateEvent[] = [];
  await within(120_000, 'download create', (async () => {
    for await (const ev of c.create('download', { dist: server.dist, release: server.release, arch: server.arch, server: server.server })) events.push(ev);
  })());
  const phases = events.filter((e) => e.type === 'phase').map((e) => e.phase);
  t.same(phases, ['index', 'download', 'metadata', 'unpack', 'configure'], 'index → download → metadata → unpack → configure');
  const served = statSync(join(server.env.LXC_CACHE_PATH, 'download', server.dist, server.release, server.arch, server.variant, 'rootfs.tar.xz')).size;
  const download = events.filter((e): e is Extract<lxc.CreateEvent, { type: 'bytes' }> => e.type === 'bytes' && e.phase === 'download').map((e) => e.bytes);
  t.ok(download.length >= 3, `the download was seen growing (${download.join(', ')} of ${served})`);
  t.same(download, [...download].sort((a, b) => a - b), 'counts only grow');
  t.equal(download.at(-1), served, 'the last count is the whole rootfs archive');
  // Each count falls between its phase event and the next one.
  const at = (pred: (e: lxc.CreateEvent) => boolean) => events.findIndex(pred);
  const first = at((e) => e.type === 'bytes' && e.phase === 'download');
  t.ok(first > at((e) => e.type === 'phase' && e.phase === 'download') && first < at((e) => e.type === 'phase' && e.phase === 'metadata'), 'counts come within their phase');
  const unpack = events.filter((e) => e.type === 'bytes' && e.phase === 'unpack');
  t.ok(unpack.every((e) => e.type === 'bytes' && e.total === served), `unpack counts are of the archive (${unpack.length} seen)`);
});

/** A child process that creates `name` from `tmpl`, quiet or not, rendering progress or not. */
function childScript(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'lxcffi-child-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'child.mts');
  writeFileSync(file, `import * as lxc from ${JSON.stringify(join(repo, 'lib/index.js'))};
const [lxcpath, name, tmpl, mode] = process.argv.slice(2);
const c = new lxc.Container(name, lxcpath);
const task = c.create(tmpl, {}, { quiet: mode === 'quiet' });
await (mode === 'render' ? lxc.renderProgress(task) : task);
c.release();
`);
  return file;
}

t.test('quiet writes nothing to stdout; without it the lines go to their own streams', async (t) => {
  const lxcpath = tempLxcpath(t);
  const path = template(t);
  const child = childScript(t);
  const quiet = await within(60_000, 'quiet child', run(process.execPath, ['--import', 'tsx', child, lxcpath, 'q1', path, 'quiet'], { cwd: repo }));
  t.equal(quiet.stdout, '', 'nothing on stdout');
  t.equal(quiet.stderr, '', 'nor on stderr');
  const loud = await within(60_000, 'plain child', run(process.execPath, ['--import', 'tsx', child, lxcpath, 'q2', path, 'plain'], { cwd: repo }));
  t.equal(loud.stdout, 'step 1\rstep 2\rstep 3\rdone\n', "stdout is the template's, '\\r' kept");
  t.equal(loud.stderr, 'warn a\nwarn b\n', "stderr is the template's");
});

t.test('renderProgress: one live line on a pseudo-terminal, plain lines into a pipe', async (t) => {
  const lxcpath = tempLxcpath(t);
  const path = template(t);
  const child = childScript(t);
  const piped = await within(60_000, 'piped child', run(process.execPath, ['--import', 'tsx', child, lxcpath, 'p1', path, 'render'], { cwd: repo }));
  t.equal(piped.stdout, '', 'nothing on stdout');
  t.equal(piped.stderr, 'step 1\nwarn a\nstep 2\nwarn b\nstep 3\ndone\n', 'stderr: plain lines, no \\r, no escapes');

  const cmd = [process.execPath, '--import', 'tsx', child, lxcpath, 'p2', path, 'render'].map((a) => `'${a}'`).join(' ');
  const tty = await within(60_000, 'child on a pty', run('script', ['-qfec', cmd, '/dev/null'], { cwd: repo }));
  const out = tty.stdout;
  t.match(out, /\rstep 1\x1b\[K/, 'the line drawn with \\r and clear-to-end');
  t.match(out, /\rstep 2\x1b\[K[^]*\rstep 3\x1b\[K[^]*\rdone\x1b\[K/, 'and rewritten in place');
  t.match(out, /\r\x1b\[Kwarn a\r?\n/, 'stderr lines kept above it');
  t.notMatch(out, /step 1\r?\nstep 2/, 'progress lines are not stacked');
  t.ok(out.endsWith('\n'), 'the live line is closed at the end');
});

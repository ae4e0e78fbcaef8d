// The create workers (lib/create/pool.ts): each create's output reaches its own caller even when one
// worker serves them in turn, the template sees the caller's environment as it was at the call,
// a worker is reused and then leaves when idle, a create that meets a retiring worker still ends,
// and an aborted create takes its worker down.
import t, { type Test } from 'tap';
import { writeFileSync, chmodSync, mkdtempSync, rmSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lxc from '../../lib/index.js';
import { tempLxcpath, children } from '../helpers.js';
import { maxWorkers } from '../../lib/create/pool.js';
import { getPriority } from 'node:os';

// A template of our own (liblxc runs any executable given by absolute path). It prints on stdout
// and stderr, ends without a newline, and leaves an empty rootfs.
const TEMPLATE = `#!/bin/sh
name= rootfs= pause=
while [ $# -gt 0 ]; do
  case "$1" in
    --name=*) name=\${1#--name=}; shift ;;
    --rootfs=*) rootfs=\${1#--rootfs=}; shift ;;
    --sleep=*) pause=\${1#--sleep=}; shift ;;
    --name) name=$2; shift 2 ;;
    --rootfs) rootfs=$2; shift 2 ;;
    --sleep) pause=$2; shift 2 ;;
    *) shift ;;
  esac
done
echo "out $name"
echo "err $name" >&2
echo "env $name \${LXC_FFI_TEST_VAR:-unset}"
mkdir -p "$rootfs" || exit 1
# The test waits for this before it aborts: the template is running by then.
touch "\${rootfs%/*}/started"
[ -n "$pause" ] && sleep "$pause"
printf 'tail %s' "$name"
`;

function template(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'lxcffi-tmpl-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'lxc-printer');
  writeFileSync(path, TEMPLATE);
  chmodSync(path, 0o755);
  return path;
}

/** Pids of this process's children that run lib/create/worker. */
function createWorkers(): number[] {
  return children().filter((c) => c.cmdline.includes('create/worker')).map((c) => c.pid);
}

t.test('creates at once: every line reaches its own create, the environment is the one at the call', async (t) => {
  const lxcpath = tempLxcpath(t);
  const path = template(t);
  const names = ['ca', 'cb', 'cc'];
  const lines = new Map<string, string[]>(names.map((n) => [n, []]));
  const pending = names.map((n) => {
    process.env.LXC_FFI_TEST_VAR = `value-${n}`;
    const c = new lxc.Container(n, lxcpath);
    t.teardown(() => c.release());
    return c.create(path, {}, { onOutput: (l) => lines.get(n)!.push(l) });
  });
  delete process.env.LXC_FFI_TEST_VAR;
  await Promise.all(pending);
  for (const n of names) {
    t.same([...lines.get(n)!].sort(), [`env ${n} value-${n}`, `err ${n}`, `out ${n}`, `tail ${n}`].sort(), `${n}: its own four lines, the unterminated last one included`);
  }
  t.ok(createWorkers().length <= maxWorkers(), `no more workers than the host's bound (${maxWorkers()})`);
  for (const pid of createWorkers()) t.equal(getPriority(pid), 10, `worker ${pid} runs at nice 10`);
});

t.test('a worker serves the next create, then leaves when idle', async (t) => {
  const lxcpath = tempLxcpath(t);
  const path = template(t);
  const a = new lxc.Container('first', lxcpath);
  const b = new lxc.Container('second', lxcpath);
  t.teardown(() => { a.release(); b.release(); });
  // Workers the previous test left idle serve this one; with none, one is started.
  const idle = createWorkers();
  await a.create(path, {}, { quiet: true });
  const before = createWorkers();
  t.equal(before.length, Math.max(1, idle.length), 'an idle worker made it, or one new worker');
  await b.create(path, {}, { quiet: true });
  t.same(createWorkers(), before, 'no new worker for the second container');
  t.ok(a.defined && b.defined);
  await new Promise((r) => setTimeout(r, 6500));
  t.same(createWorkers(), [], 'gone after 5 s idle');
});

t.test('a create that starts as an idle worker retires is made, and the program waits for it', async (t) => {
  const lxcpath = tempLxcpath(t);
  const path = template(t);
  const { execFile } = await import('node:child_process');
  const run = new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', 'test/fixtures/create-at-retire.ts', lxcpath, path], { timeout: 60_000 },
      (e, out) => resolve({ code: e ? (typeof e.code === 'number' ? e.code : -1) : 0, out }));
    t.teardown(() => child.kill('SIGKILL'));
  });
  const { code, out } = await run;
  t.equal(out.trim(), 'second create done: true', 'the second create finished before the program ended');
  t.equal(code, 0, 'the program ended normally');
});

t.test('an aborted create kills its worker and leaves nothing; the next create gets a new worker', async (t) => {
  const lxcpath = tempLxcpath(t);
  const path = template(t);
  const c = new lxc.Container('slow', lxcpath);
  t.teardown(() => c.release());
  const ac = new AbortController();
  const p = c.create(path, { sleep: '60' }, { quiet: true, signal: ac.signal });
  for (let i = 0; i < 300 && !existsSync(join(lxcpath, 'slow', 'started')); i++) await new Promise((r) => setTimeout(r, 100));
  const [worker] = createWorkers();
  t.ok(worker, 'a worker runs the template');
  ac.abort();
  await t.rejects(p, { code: 'EABORT' });
  t.notOk(c.defined, 'nothing left defined');
  t.notOk(readdirSync(lxcpath).includes('slow'), 'nothing left on disk');
  t.notOk(createWorkers().includes(worker), 'the worker is gone');
  const d = new lxc.Container('after', lxcpath);
  t.teardown(() => d.release());
  await d.create(path, {}, { quiet: true });
  t.ok(d.defined, 'a later create works');
});

t.test('a create waiting for a busy worker ends at once when aborted', async (t) => {
  const lxcpath = tempLxcpath(t);
  const path = template(t);
  const busy = new AbortController();
  // Occupy every worker with a template that sleeps.
  const slow = Array.from({ length: maxWorkers() }, (_, i) => {
    const c = new lxc.Container(`busy${i}`, lxcpath);
    t.teardown(() => c.release());
    return c.create(path, { sleep: '60' }, { quiet: true, signal: busy.signal }).catch((e: unknown) => e);
  });
  for (let i = 0; i < 300 && readdirSync(lxcpath).filter((n) => existsSync(join(lxcpath, n, 'started'))).length < slow.length; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const waiter = new lxc.Container('waiter', lxcpath);
  t.teardown(() => waiter.release());
  const ac = new AbortController();
  const p = waiter.create(path, {}, { quiet: true, signal: ac.signal });
  await new Promise((r) => setTimeout(r, 300));
  const t0 = Date.now();
  ac.abort();
  await t.rejects(p, { code: 'EABORT' });
  t.ok(Date.now() - t0 < 2000, `rejected ${Date.now() - t0} ms after the abort, with the workers still busy`);
  t.notOk(waiter.defined, 'nothing defined');
  busy.abort();
  for (const e of await Promise.all(slow)) t.match(e, { code: 'EABORT' });
});

t.test('templateArgs: raw arguments after liblxc\'s own, each as given; liblxc\'s options and line breaks refused', async (t) => {
  const lxcpath = tempLxcpath(t);
  const dir = mkdtempSync(join(tmpdir(), 'lxcffi-tmpl-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'lxc-args');
  writeFileSync(path, `#!/bin/sh
rootfs=
for a in "$@"; do echo "arg $a"; done
while [ $# -gt 0 ]; do case "$1" in --rootfs=*) rootfs=\${1#--rootfs=};; --rootfs) rootfs=$2;; esac; shift; done
mkdir -p "$rootfs"
`);
  chmodSync(path, 0o755);
  const c = new lxc.Container('args', lxcpath);
  t.teardown(() => c.release());
  const lines: string[] = [];
  await c.create(path, {}, { templateArgs: ['positional', '--repeat', 'a', '--repeat', 'b', '-q', 'two words'], onOutput: (l) => lines.push(l) });
  const args = lines.filter((l) => l.startsWith('arg ')).map((l) => l.slice(4));
  t.same(args.slice(-7), ['positional', '--repeat', 'a', '--repeat', 'b', '-q', 'two words'], 'after liblxc\'s own, in order, one argv entry each');
  t.ok(args.some((a) => a.startsWith('--name')) && args.indexOf('positional') > args.findIndex((a) => a.startsWith('--rootfs')), "liblxc's --name and --rootfs come first");
  await c.destroy();

  const d = new lxc.Container('args2', lxcpath);
  t.teardown(() => d.release());
  await t.rejects(d.create(path, {}, { templateArgs: ['--rootfs=/'] }), { code: 'EINVAL', message: /createOptions\.templateArgs\.0 \(--rootfs=\/\) is set by liblxc itself/ });
  await t.rejects(d.create(path, {}, { templateArgs: ['ok', '--path', '/etc'] }), { code: 'EINVAL', message: /templateArgs\.1/ });
  await t.rejects(d.create(path, {}, { templateArgs: ['a\nlxc.hook.pre-start=/bin/sh'] }), { code: 'EINVAL', message: /createOptions\.templateArgs\.0 must not contain NUL, CR or LF/ });
  await t.rejects(d.create('none', {}, { templateArgs: ['x'] }), { code: 'EINVAL', message: /templateArgs must be empty for template "none"/ });
  t.equal(d.defined, false, 'nothing made by the refused creates');
});

t.test("templates are looked for in the loaded liblxc's own template directory first", async (t) => {
  const { liblxcTemplateDir, templateDirs } = await import('../../lib/create/templates.js');
  const own = liblxcTemplateDir();
  t.match(own, /^\/.*\/lxc\/templates$/, `LXCTEMPLATEDIR read from the loaded liblxc: ${own}`);
  t.ok(existsSync(`${own}/lxc-busybox`), 'it holds the busybox template lxc-create uses on this host');
  t.equal(templateDirs()[0], own, 'searched first');
  t.equal(new Set(templateDirs()).size, templateDirs().length, 'no directory twice');
});

// lxc-ffi in worker threads, from a program whose main thread never loads it
// (test/fixtures/worker-thread.ts): the worker's own environment reaches its commands, and
// terminating a worker that holds runners and watches an attached process leaves the process alive.
// Before ffi/libc.ts pinned koffi's addon, that termination killed the process with SIGSEGV.
import t from 'tap';
import { execFile } from 'node:child_process';
import { tempLxcpath, busybox } from '../helpers.js';

t.test('a program that uses lxc-ffi only in worker threads', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'wt');
  t.teardown(async () => {
    await c.stop().catch(() => undefined);
    c.release();
  });
  await c.start();
  const { code, signal, out, err } = await new Promise<{ code: number | null; signal: string | null; out: string; err: string }>((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', 'test/fixtures/worker-thread.ts', 'wt', lxcpath], { timeout: 90_000 },
      (e, stdout, stderr) => resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, out: stdout, err: stderr }));
    t.teardown(() => child.kill('SIGKILL'));
  });
  const lines = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  t.same(lines[0], { env: ['[in-worker]', '[changed-in-worker]'] }, "a worker thread's own process.env reaches its commands");
  t.same(lines[1], { busy: 'busy' }, 'the second worker had a command running when it was terminated');
  t.same(lines[2], { survived: true }, `the program outlived both terminations (stderr: ${err.slice(-500)})`);
  t.equal(signal, null, 'no signal ended it');
  t.equal(code, 0, 'it exited normally');
});

// lib/proc/node.ts: the Node arguments of a helper process, the same for every kind of helper.
import t from 'tap';
import { childArgs, nodeBinary } from '../../lib/proc/node.js';

t.test('a .ts module runs its sibling .ts with the loader flags; a .js one the .js without', { timeout: 5000 }, async (t) => {
  const ts = childArgs('file:///x/lib/runner/pool.ts', 'main');
  t.equal(ts[0], '--single-threaded', 'single-threaded first');
  t.equal(ts.at(-1), '/x/lib/runner/main.ts');
  t.same(ts.slice(1, -1), process.execArgv, "this process's flags (tsx's loader) in between");
  t.same(childArgs('file:///x/dist/lib/create/pool.js', 'worker'), ['--single-threaded', '/x/dist/lib/create/worker.js']);
});

t.test('nodeBinary: process.execPath, or /proc/self/exe when that names a memfd', { timeout: 5000 }, async (t) => {
  t.equal(nodeBinary(), process.execPath);
  const saved = process.execPath;
  t.teardown(() => { process.execPath = saved; });
  process.execPath = '/memfd:liblxc (deleted)';
  t.equal(nodeBinary(), '/proc/self/exe');
});

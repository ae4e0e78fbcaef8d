// The call path's admission (lib/container/handle.ts): a call made before release() keeps the
// struct until its queued work is done, also when its family module is still loading (Handle.later),
// and calls made after release() get ERELEASED. A struct for a container that does not exist is
// enough: no container state is involved.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Handle, lazy } from '../../lib/container/handle.js';

const lxcpath = mkdtempSync(join(tmpdir(), 'lxcffi-handle-'));
t.teardown(() => rmSync(lxcpath, { recursive: true, force: true }));

/** A family whose module "loads" when `arrive()` is called. */
function slowFamily() {
  let arrive!: () => void;
  const ready = new Promise<void>((r) => { arrive = r; });
  const family = {
    // The synchronous start of a call: its checks, then its queued work.
    async call(h: Handle, log: string[]): Promise<string> {
      h.ref('call');
      return h.serial(async () => {
        await new Promise((r) => setTimeout(r, 20));
        log.push(`work ran with the struct ${h.released ? 'release-pending' : 'held'}`);
        return 'done';
      });
    },
  };
  return { family: lazy(async () => { await ready; return family; }), arrive: () => arrive() };
}

t.test('a call made while its family loads is admitted before a release() that follows it', async (t) => {
  const h = new Handle({}, 'never-created', lxcpath);
  const { family, arrive } = slowFamily();
  const log: string[] = [];
  const call = h.later('call', family, (f) => f.call(h, log));
  h.release();
  t.equal(h.released, true, 'released at once for new calls');
  t.throws(() => h.ref('after'), { code: 'ERELEASED' }, 'a call made after release() is refused');
  arrive();
  t.equal(await call, 'done', 'the earlier call ran');
  t.same(log, ['work ran with the struct release-pending']);
  t.throws(() => h.ref('after'), { code: 'ERELEASED' }, 'and the struct is gone afterwards');
});

t.test('a call made after release() fails with ERELEASED, loaded or not', async (t) => {
  const h = new Handle({}, 'never-created', lxcpath);
  h.release();
  const { family, arrive } = slowFamily();
  await t.rejects(h.later('call', family, (f) => f.call(h, [])), { code: 'ERELEASED' }, 'a rejection, not a throw');
  arrive();
  await family.load();
  await t.rejects(h.later('call', family, (f) => f.call(h, [])), { code: 'ERELEASED' });
});

t.test('once loaded, a family is called in the same turn', async (t) => {
  const h = new Handle({}, 'never-created', lxcpath);
  t.teardown(() => h.release());
  const { family, arrive } = slowFamily();
  arrive();
  await family.load();
  let ran = false;
  void h.later('call', family, (f) => { ran = true; return f.call(h, []); });
  t.equal(ran, true, 'no await before the call starts');
});

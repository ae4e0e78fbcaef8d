// The per-call log capture (lib/call/log.ts): our file is set and taken out of the config at once,
// the call's lines are read back and the file removed; a user's own lxc.log.file is only read,
// from where it stood. The target below records what the capture asks of a container.
import t from 'tap';
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallLog, type LogTarget } from '../../lib/call/log.js';

function target(user = '', accept = true): LogTarget & { calls: string[]; file: string } {
  const calls: string[] = [];
  const t = {
    calls,
    file: user,
    name: 'c1',
    getItem: (key: string) => { calls.push(`get ${key}`); return user; },
    setItem: (key: string, value: string) => { calls.push(`set ${key}`); t.file = value; return accept; },
    clearItem: (key: string) => { calls.push(`clear ${key}`); return true; },
  };
  return t;
}

t.test('our own file: set then cleared at once, its lines returned, then removed', async (t) => {
  const tg = target();
  const log = new CallLog(tg);
  t.same(tg.calls, ['get lxc.log.file', 'set lxc.log.file', 'clear lxc.log.file'], 'no line about it stays in the config during the call');
  // What liblxc would write through the fd the set opened.
  appendFileSync(tg.file, 'lxc c 2026 ERROR x - a\n\nlxc c 2026 ERROR y - b\n');
  t.same(log.finish(), ['lxc c 2026 ERROR x - a', 'lxc c 2026 ERROR y - b'], 'blank lines dropped');
  t.notOk(existsSync(tg.file), 'the file is gone');
  t.same(tg.calls.length, 3, 'finish asks nothing more of the container');
});

t.test('nothing logged: no lines, no error', async (t) => {
  const log = new CallLog(target());
  t.same(log.finish(), []);
});

t.test("the user's lxc.log.file: untouched, only the bytes of this call read", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcffi-calllog-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'mine.log');
  writeFileSync(file, 'older line\n');
  const tg = target(file);
  const log = new CallLog(tg);
  t.same(tg.calls, ['get lxc.log.file'], 'no set or clear of a key the user owns');
  appendFileSync(file, 'this call\n');
  t.same(log.finish(), ['this call']);
  t.ok(existsSync(file), "the user's file stays");
});

t.test('a container that refuses the key: no capture, nothing left', async (t) => {
  const tg = target('', false);
  const log = new CallLog(tg);
  t.same(log.finish(), []);
  t.notOk(existsSync(tg.file), 'no file made');
});

// A runner struct's log capture (lib/runner/log.ts): our file is set once and taken out of the
// config at once, each read returns only what was appended since the last, a new config or
// open() moves to a new file and removes the old one. The items below record what the capture asks
// of a struct; what liblxc writes through the fd is appended to the file by hand (O_APPEND, as
// liblxc's log_open does). Through real liblxc: clone.test.ts, two failures in a row.
import t from 'tap';
import { appendFileSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StructLog, type LogItems } from '../../lib/runner/log.js';

function items(user = '', accept = true): LogItems & { calls: string[]; file: string; confId: number } {
  const calls: string[] = [];
  const it = {
    calls,
    file: user,
    confId: 1,
    name: 'c1',
    get: (key: string) => { calls.push(`get ${key}`); return user; },
    set: (key: string, value: string) => {
      calls.push(`set ${key}`);
      // liblxc's set opens (creates) the file at once.
      if (accept) appendFileSync(value, '');
      it.file = value;
      return accept;
    },
    clear: (key: string) => { calls.push(`clear ${key}`); return true; },
    conf: () => it.confId,
  };
  return it;
}

t.test('our own file: set once, each read only the new lines', async (t) => {
  const it = items();
  const log = new StructLog(it);
  t.teardown(() => log.close());
  t.same(it.calls, ['get lxc.log.file', 'set lxc.log.file', 'clear lxc.log.file'], 'no line about it stays in the config');
  t.same(log.read(), [], 'nothing yet');
  appendFileSync(it.file, 'lxc c 2026 ERROR x - a\n\nlxc c 2026 ERROR y - b\n');
  t.same(log.read(), ['lxc c 2026 ERROR x - a', 'lxc c 2026 ERROR y - b'], 'blank lines dropped');
  appendFileSync(it.file, 'second call\n');
  t.same(log.read(), ['second call'], 'the earlier lines are not read again');
  log.ready();
  t.equal(it.calls.length, 3, 'reads and ready() with the same config ask nothing more of the struct');
});

t.test('past 1 MiB the file is emptied and the next lines are still read', async (t) => {
  const it = items();
  const log = new StructLog(it);
  t.teardown(() => log.close());
  appendFileSync(it.file, `${'x'.repeat(80)}\n`.repeat(14_000));
  const lines = log.read();
  t.ok(lines.length > 3000 && lines.length <= 14_000, `the tail read: ${lines.length} lines`);
  t.equal(statSync(it.file).size, 0, 'emptied');
  appendFileSync(it.file, 'after\n');
  t.same(log.read(), ['after']);
});

t.test('open() and a new config move the capture to a new file; close() removes it', async (t) => {
  const it = items();
  const log = new StructLog(it);
  const first = it.file;
  log.open();
  t.not(it.file, first, 'a new file');
  t.notOk(existsSync(first), 'the old one removed (a process that still holds its fd writes nowhere we read)');
  const second = it.file;
  it.confId = 2;
  log.ready();
  t.not(it.file, second, 'a replaced config gets our file again');
  t.notOk(existsSync(second));
  appendFileSync(it.file, 'line\n');
  t.same(log.read(), ['line']);
  const last = it.file;
  log.close();
  t.notOk(existsSync(last), 'closed: removed');
  t.same(log.read(), [], 'and nothing read after');
});

t.test("the container's own lxc.log.file: never set or removed, only what each call appended read", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcffi-structlog-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'mine.log');
  writeFileSync(file, 'older line\n');
  const it = items(file);
  const log = new StructLog(it);
  t.same(it.calls, ['get lxc.log.file'], 'no set or clear of a key the user owns');
  appendFileSync(file, 'this call\n');
  t.same(log.read(), ['this call']);
  writeFileSync(file, 'rotated\n');
  t.same(log.read(), ['rotated'], 'a file truncated by its owner is read from its start');
  log.close();
  t.ok(existsSync(file), "the user's file stays");
});

t.test('a struct that refuses the key: no capture, nothing left', async (t) => {
  const it = items('', false);
  const log = new StructLog(it);
  t.same(log.read(), []);
  t.notOk(existsSync(it.file), 'no file made');
  log.close();
});

// A struct whose set() opens the log fd as liblxc's lxc_log_set_file does: the previous one closed
// first, the new one O_WRONLY | O_APPEND | O_CLOEXEC, kept by the struct (what liblxc writes through).
function libItems(): LogItems & { fd: number; file: string } {
  const it = {
    fd: -1,
    file: '',
    name: 'c1',
    get: () => '',
    set: (_key: string, value: string) => {
      if (it.fd >= 0) closeSync(it.fd);
      it.fd = openSync(value, 'a');
      it.file = value;
      return true;
    },
    clear: () => true,
    conf: () => 1,
  };
  return it;
}

/** The fds of this process open on `file`. */
function holders(file: string): number[] {
  return readdirSync('/proc/self/fd').map(Number).filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  });
}

t.test('hidden for an attach: no fd on the file, the lines through the pipe, the file back after', async (t) => {
  const it = libItems();
  const log = new StructLog(it);
  t.teardown(() => log.close());
  t.equal(holders(it.file).length, 2, "liblxc's fd and ours");
  const lib = it.fd;
  log.hide();
  t.same(holders(it.file), [], 'hidden: nothing in this process holds the file');
  t.match(readlinkSync(`/proc/self/fd/${lib}`), /^pipe:/, "liblxc's fd number now writes into the capture pipe");
  writeSync(lib, 'lxc c1 ERROR attach - Failed to attach\n');
  t.same(log.read(), ['lxc c1 ERROR attach - Failed to attach'], "the attach's lines read from the pipe");
  t.equal(statSync(it.file).size, 0, 'none of them in the file');
  log.hide();
  log.ready(true);
  t.same(holders(it.file), [], 'another attach keeps it hidden (hide() twice is once)');
  log.ready();
  t.equal(holders(it.file).length, 2, 'any other call: the file is back');
  t.equal(readlinkSync(`/proc/self/fd/${lib}`), it.file, "at liblxc's own fd number");
  writeSync(lib, 'next call\n');
  t.same(log.read(), ['next call']);
});

t.test("hidden, then liblxc closed its fd and the number was reused: that fd is left alone", async (t) => {
  const it = libItems();
  const log = new StructLog(it);
  t.teardown(() => log.close());
  const lib = it.fd;
  log.hide();
  // destroy closes conf->logfd (and sets it to -1); the lowest free number goes to the next open.
  closeSync(lib);
  it.fd = -1;
  const other = openSync('/dev/null', 'r');
  t.teardown(() => closeSync(other));
  t.equal(other, lib, 'the number was reused');
  log.ready();
  t.equal(readlinkSync(`/proc/self/fd/${other}`), '/dev/null', 'not clobbered');
  t.not(it.fd, lib, 'the capture opened a new log fd on the struct');
  writeSync(it.fd, 'after\n');
  t.same(log.read(), ['after']);
});

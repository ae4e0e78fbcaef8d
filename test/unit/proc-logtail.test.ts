// lib/proc/logtail.ts: what a log file gained since an offset, its tail when it is long, and a file
// truncated or replaced since (read from its start).
import t from 'tap';
import { appendFileSync, closeSync, mkdtempSync, openSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logLines, readFrom, sizeOf, tailFile } from '../../lib/proc/logtail.js';

const dir = mkdtempSync(join(tmpdir(), 'proc-logtail-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (text: string) => {
  const p = join(dir, `log${++n}`);
  writeFileSync(p, text);
  return p;
};

t.test('from an offset to the end; the next read starts where this one ended', { timeout: 5000 }, async (t) => {
  const p = fresh('old line\n');
  const fd = openSync(p, 'r');
  t.teardown(() => closeSync(fd));
  const start = sizeOf(p);
  t.equal(start, 9);
  appendFileSync(p, 'one\n\n  \ntwo\n');
  const first = readFrom(fd, start);
  t.same(logLines(first.bytes), ['one', 'two'], 'only what came after the offset, blank lines dropped');
  t.equal(first.next, sizeOf(p), 'next is the end');
  const none = readFrom(fd, first.next);
  t.equal(none.bytes.length, 0, 'nothing new: empty');
  t.equal(none.next, first.next, 'and the offset stays');
  appendFileSync(p, 'three\n');
  t.same(logLines(readFrom(fd, none.next).bytes), ['three']);
});

t.test('a long outpouring: the last max bytes, across read chunks', { timeout: 5000 }, async (t) => {
  const lines = Array.from({ length: 20_000 }, (_, i) => `line ${String(i).padStart(5, '0')}`);
  const p = fresh(`${lines.join('\n')}\n`);
  const fd = openSync(p, 'r');
  t.teardown(() => closeSync(fd));
  const all = readFrom(fd, 0, Infinity);
  t.equal(all.bytes.length, sizeOf(p), 'unbounded: all of it (more than one 64 KiB chunk)');
  const tail = readFrom(fd, 0, 1000);
  t.equal(tail.bytes.length, 1000, 'bounded: exactly max bytes');
  t.ok(tail.bytes.toString().endsWith('line 19999\n'), 'the end is kept');
  t.equal(tail.next, sizeOf(p), 'the offset still moves to the end');
  t.equal(tailFile(p, 0, 11).toString(), 'line 19999\n', 'tailFile keeps the end too');
});

t.test('a file truncated since the offset is read from its start; unless told not to', { timeout: 5000 }, async (t) => {
  const p = fresh('a long first line of the log\n');
  const fd = openSync(p, 'r');
  t.teardown(() => closeSync(fd));
  const at = sizeOf(p);
  truncateSync(p, 0);
  appendFileSync(p, 'after\n');
  t.same(logLines(readFrom(fd, at).bytes), ['after'], 'shorter than the offset: read from 0');
  t.equal(readFrom(fd, at).next, 6, 'and the next offset is in the new content');
  t.equal(readFrom(fd, at, undefined, false).bytes.length, 0, 'shrunk=false: no fstat, nothing read');
});

t.test('a file rotated away under its name: the new file is read from its start', { timeout: 5000 }, async (t) => {
  const p = fresh('x'.repeat(100) + '\n');
  const at = sizeOf(p);
  renameSync(p, `${p}.1`);
  writeFileSync(p, 'new file\n');
  t.same(logLines(tailFile(p, at)), ['new file']);
  t.equal(tailFile(join(dir, 'missing'), 0).length, 0, 'a missing file: nothing, no throw');
  t.equal(sizeOf(join(dir, 'missing')), 0, 'and its size is 0');
});

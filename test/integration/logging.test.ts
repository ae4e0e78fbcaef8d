// lxc.logInit(): liblxc's process-wide log, from the caller, its runners and create workers, in one
// file; errors still carry their reasons. Run in a process of its own (test/fixtures/session-log.ts):
// liblxc's log can be set once per process.
import t from 'tap';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as lxc from '../../lib/index.js';
import { tempLxcpath, within } from '../helpers.js';

t.test('a TRACE session log from every process lxc-ffi runs liblxc in', async (t) => {
  const lxcpath = tempLxcpath(t);
  const file = join(lxcpath, 'session.log');
  const { stdout } = await within(120_000, 'the session-log script', new Promise<{ stdout: string }>((resolve, reject) =>
    execFile(process.execPath, ['--import', 'tsx', 'test/fixtures/session-log.ts', lxcpath, file], { timeout: 110_000 },
      (err, stdout, stderr) => (err ? reject(Object.assign(err, { stderr })) : resolve({ stdout })))));
  const out = JSON.parse(stdout.trim().split('\n').pop()!);
  t.equal(out.again, 'EEXIST', 'a second logInit is refused');
  t.equal(out.ran, 0, 'the container ran');
  t.equal(out.startError?.code, 'ESTART');
  t.match(out.startError?.message, /lxcffi-nosuchbr|bridge/, `the failing start says why: ${out.startError?.message}`);
  t.ok(out.startError.log > 0, `its liblxc lines are in LxcError.log (${out.startError.log})`);
  t.equal(out.startError.otherNames, 0, "and only this container's");
  t.equal(out.createError?.code, 'ECREATE');
  t.match(out.createError?.message, /lvm/, `a failing create says why: ${out.createError?.message}`);
  t.ok(out.createError.log > 0, `its liblxc lines (nameless ones: create has no container config yet) are in LxcError.log (${out.createError.log})`);

  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  // (A few lines are lvcreate's own output, which liblxc logs as part of an ERROR line.)
  t.ok(lines.filter((l) => /^\S+ \S*\s*\d{14}\.\d{3} /.test(l)).every((l) => l.startsWith('lxcffi-session ')), 'every entry has the prefix');
  const levels = new Set(lines.map((l) => l.split(' ')[3]));
  t.ok(levels.has('TRACE'), `TRACE lines are there (levels: ${[...levels].join(' ')})`);
  // One file for the three kinds of process: create (worker), start (runner, and its monitor), and
  // the caller's own calls (set_config_item logs at TRACE/DEBUG from the caller).
  t.ok(lines.some((l) => /lxccontainer.c:do_lxcapi_create|create/.test(l)), 'the create worker wrote to it');
  t.ok(lines.some((l) => /start.c:/.test(l)), 'the runner and the monitor wrote to it');
  t.ok(lines.some((l) => /confile.c:/.test(l)), 'config parsing wrote to it');
});

t.test('logInit refuses bad options before liblxc sees them', async (t) => {
  const bad: Array<[unknown, RegExp]> = [
    [undefined, /options must be object/],
    [{}, /options.file is required/],
    [{ file: 'relative.log' }, /absolute/],
    [{ file: '/tmp/x\0y' }, /NUL/],
    [{ file: '/tmp/x.log', level: 'VERBOSE' }, /level must be one of TRACE/],
    [{ file: '/tmp/x.log', prefix: 'two words' }, /prefix/],
    [{ file: '/tmp/x.log', quiet: 'yes' }, /quiet must be boolean/],
    [{ file: '/tmp/x.log', colour: true }, /colour is not a known option/],
  ];
  for (const [options, message] of bad) t.throws(() => lxc.logInit(options as lxc.LogOptions), { name: 'LxcError', code: 'EINVAL', message });
});

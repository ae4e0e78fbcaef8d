// Port of lxc/lxc src/tests/console_log.c (lxc-5.0.2): with lxc.console.buffer.size and
// lxc.console.logfile set before create, a started busybox container's console ring buffer can be
// read and cleared, the log file is written, and the container restarts with lxc.console.rotate
// on. C accepts -ENODATA from the clear; lxc-ffi resolves '' for an empty buffer (documented).
import t from 'tap';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath, netConfig, within } from '../../helpers.js';

/** Reads the ring buffer until it has printed something (the C test sleeps 2 s instead). */
async function consoleText(c: lxc.Container, ms: number): Promise<string> {
  let text = '';
  const end = Date.now() + ms;
  while (Date.now() < end) {
    text += (await c.consoleLog()) as string;
    if (text.length > 0) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
  return text;
}

t.test('ring buffer read and clear, log file, rotate', async (t) => {
  const lxcpath = tempLxcpath(t);
  const logdir = mkdtempSync(join(tmpdir(), 'lxcffi-console-log-'));
  t.teardown(() => rmSync(logdir, { recursive: true, force: true }));
  const logfile = join(logdir, 'console-log.log');
  const c = new lxc.Container('console-log', lxcpath);
  t.teardown(() => c.release());
  t.equal(c.defined, false);
  c.setConfigItem('lxc.console.buffer.size', '4096');
  c.setConfigItem('lxc.console.logfile', logfile);
  await within(120_000, 'create', c.create('busybox', {}, { quiet: true }));
  t.equal(c.defined, true);
  c.clearConfig();
  c.loadConfig();
  t.equal(c.getConfigItem('lxc.console.buffer.size'), '4096', 'kept by create');
  netConfig(c);
  c.saveConfig();
  await within(60_000, 'start', c.start());

  const text = await within(20_000, 'console output', consoleText(c, 15_000));
  t.ok(text.length > 0, `read ${text.length} bytes from the ring buffer`);
  t.equal(await c.consoleLog({ clear: true, read: false }), '', 'clear without read');
  t.equal(await c.consoleLog(), '', 'nothing left after the clear');

  await within(30_000, 'stop', c.stop());
  c.clearConfig();
  c.loadConfig();
  await within(60_000, 'start again', c.start());
  await within(20_000, 'console output again', consoleText(c, 15_000));
  t.ok(existsSync(logfile) && statSync(logfile).size > 0, 'the console log file is written');

  c.setConfigItem('lxc.console.rotate', '1');
  await within(30_000, 'stop', c.stop());
  await within(60_000, 'start with rotate', c.start());
  t.equal(c.state, 'RUNNING', 'starts with lxc.console.rotate = 1');
  await within(30_000, 'stop', c.stop());
  await within(30_000, 'destroy', c.destroy());
});

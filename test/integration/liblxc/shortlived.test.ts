// Port of lxc/lxc src/tests/shortlived.c (lxc-5.0.2): a container whose init is `echo hello` is
// started daemonized ten times, with and without lxc-init (useinit), and each time reaches STOPPED
// within 30 s; with init `you-shall-fail` a plain start fails every time (lxc-ffi: rejects with
// ESTART, C: returns false) while a start through lxc-init still succeeds, and the container stops.
import t from 'tap';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath, netConfig, within } from '../../helpers.js';
import { lxcCreateCli } from './common.js';

const ROUNDS = 10;

t.test('ten short-lived starts each way, then a missing init', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = new lxc.Container('shortlived', lxcpath);
  t.teardown(() => c.release());
  t.equal(c.defined, false);
  await lxcCreateCli(lxcpath, 'shortlived');
  t.equal(c.defined, true);
  t.equal(c.state, 'STOPPED');
  c.loadConfig();
  netConfig(c);
  c.setConfigItem('lxc.init.cmd', 'echo hello');
  c.setConfigItem('lxc.execute.cmd', 'echo hello');

  const started = Date.now();
  for (const useinit of [false, true]) {
    for (let i = 0; i < ROUNDS; i++) {
      await within(30_000, `start ${i} useinit=${useinit}`, c.start({ useinit }));
      t.equal(await within(35_000, `wait ${i}`, c.wait('STOPPED', 30)), true, `round ${i} (useinit ${useinit}) stopped`);
    }
  }
  c.setConfigItem('lxc.init.cmd', 'you-shall-fail');
  c.setConfigItem('lxc.execute.cmd', 'you-shall-fail');
  for (let i = 0; i < ROUNDS; i++) {
    await t.rejects(within(30_000, `failing start ${i}`, c.start()), { code: 'ESTART' }, `round ${i}: no such init, start fails`);
    t.equal(await within(35_000, `wait ${i}`, c.wait('STOPPED', 30)), true);
  }
  for (let i = 0; i < ROUNDS; i++) {
    await within(30_000, `lxc-init start ${i}`, c.start({ useinit: true }));
    t.equal(await within(35_000, `wait ${i}`, c.wait('STOPPED', 30)), true, `round ${i}: lxc-init starts, the command fails, it stops`);
  }
  t.comment(`${4 * ROUNDS} starts in ${Date.now() - started} ms`);
  await c.stop();
});

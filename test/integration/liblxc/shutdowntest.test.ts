// Port of lxc/lxc src/tests/shutdowntest.c (lxc-5.0.2): a busybox container created with a veth
// (test bridge instead of lxcbr0) and started daemonized stops on shutdown() (the halt signal to
// its init), then destroy() removes it. The C test sleeps 20 s for init to install its SIGPWR
// handler; lxc-ffi's shutdown() waits for the handler itself (docs/api.md), so there is no sleep,
// and the C fallback to stop() would be a failure here.
import t from 'tap';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath, within } from '../../helpers.js';
import { createBridge } from '../../fixtures/bridge.js';

t.test('shutdown right after start, then destroy', async (t) => {
  const bridge = await createBridge();
  t.teardown(() => bridge.close());
  const lxcpath = tempLxcpath(t);
  const c = new lxc.Container('lxctest1', lxcpath);
  t.teardown(() => c.release());
  t.equal(c.defined, false);
  c.setConfigItem('lxc.net.0.type', 'veth');
  c.setConfigItem('lxc.net.0.link', bridge.name);
  c.setConfigItem('lxc.net.0.flags', 'up');
  await within(120_000, 'create', c.create('busybox', {}, { quiet: true }));
  t.equal(c.defined, true);
  c.clearConfig();
  c.loadConfig();
  await within(60_000, 'start', c.start());
  const started = Date.now();
  t.equal(await within(130_000, 'shutdown', c.shutdown(120)), true, 'init halted on the signal');
  t.comment(`shutdown took ${Date.now() - started} ms`);
  t.equal(c.state, 'STOPPED');
  await within(30_000, 'destroy', c.destroy());
  t.equal(c.defined, false);
});

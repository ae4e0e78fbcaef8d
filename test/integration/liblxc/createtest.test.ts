// Port of lxc/lxc src/tests/createtest.c (lxc-5.0.2): network config set on a not-yet-defined
// container is kept by create('busybox'); the container is then defined, survives clearConfig +
// loadConfig, starts daemonized, stops and is destroyed, after which it is no longer defined.
// The C test links a veth to lxcbr0; here it is the test bridge.
import t from 'tap';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath, within } from '../../helpers.js';
import { createBridge } from '../../fixtures/bridge.js';

t.test('create keeps the pre-set network config; start, stop, destroy', async (t) => {
  const bridge = await createBridge();
  t.teardown(() => bridge.close());
  const lxcpath = tempLxcpath(t);
  const c = new lxc.Container('lxctest1', lxcpath);
  t.teardown(() => c.release());
  t.equal(c.defined, false, 'not defined before create');
  c.setConfigItem('lxc.net.0.type', 'veth');
  c.setConfigItem('lxc.net.0.link', bridge.name);
  c.setConfigItem('lxc.net.0.flags', 'up');
  await within(120_000, 'create', c.create('busybox', {}, { quiet: true }));
  t.equal(c.defined, true, 'defined after create');

  c.clearConfig();
  c.loadConfig();
  t.equal(c.getConfigItem('lxc.net.0.type'), 'veth', 'the network set before create is in the saved config');
  t.equal(c.getConfigItem('lxc.net.0.link'), bridge.name);
  await within(60_000, 'start', c.start());
  t.equal(c.state, 'RUNNING');
  t.ok((await c.getInterfaces()).includes('eth0'), 'the veth is inside');
  await within(30_000, 'stop', c.stop());
  await within(30_000, 'destroy', c.destroy());
  t.equal(c.defined, false, 'not defined after destroy');
});

// Port of lxc/lxc src/tests/containertests.c (lxc-5.0.2): a container object's name and config file
// name, its state after `lxc-create` (STOPPED), a daemonized start reaching RUNNING, stop reaching
// STOPPED, and the reference counting of lxc_container_get/put. lxc-ffi hides the refcount: an
// object is released once (release()), after which everything but name/lxcpath throws ERELEASED;
// the C test's freeing of c->configfile is internal and has no counterpart.
import t from 'tap';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath, netConfig, within } from '../../helpers.js';
import { lxcCreateCli } from './common.js';

t.test('name, configFileName, state, start/wait/stop, release', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = new lxc.Container('lxctest1', lxcpath);
  t.equal(c.name, 'lxctest1');
  t.equal(c.configFileName, `${lxcpath}/lxctest1/config`);
  await lxcCreateCli(lxcpath, 'lxctest1');
  t.equal(c.defined, true);
  t.equal(c.state, 'STOPPED');
  c.loadConfig();
  netConfig(c);
  c.saveConfig();
  await within(60_000, 'start', c.start());
  t.equal(await within(10_000, 'wait RUNNING', c.wait('RUNNING', 5)), true);
  t.equal(c.state, 'RUNNING');
  await within(30_000, 'stop', c.stop());
  t.equal(await within(10_000, 'wait STOPPED', c.wait('STOPPED', 5)), true);

  const other = new lxc.Container('lxctest1', lxcpath);
  c.release();
  t.equal(c.released, true);
  t.equal(c.name, 'lxctest1', 'name survives release');
  t.throws(() => c.state, { code: 'ERELEASED' });
  t.equal(other.defined, true, 'another object of the same container is unaffected');
  c.release();
  t.pass('a second release is harmless');
  other.release();
});

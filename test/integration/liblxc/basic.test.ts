// Port of lxc/lxc src/tests/basic.c (lxc-5.0.2): a container that was never created has no init,
// and init_pid answers exactly -1 (no other negative value). destroy() of it must not crash; the C
// test ignores its result, lxc-ffi rejects with ENOTDEFINED (its documented behaviour).
import t from 'tap';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath } from '../../helpers.js';

t.test('initPid of a container that does not exist is -1', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = new lxc.Container('init-pid', lxcpath);
  t.teardown(() => c.release());
  t.equal(c.defined, false);
  t.equal(c.initPid, -1, 'exactly -1, not another negative number');
  await t.rejects(c.destroy(), { code: 'ENOTDEFINED' }, 'lxc-ffi: destroy of an undefined container rejects (C: returns false)');
  t.equal(c.initPid, -1, 'still -1 after the failed destroy');
});

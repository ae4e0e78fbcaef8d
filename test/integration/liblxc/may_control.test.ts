// Port of lxc/lxc src/tests/may_control.c (lxc-5.0.2): may_control() tells whether the caller may
// control a container (the C program exits 0 when it may). These tests run as root, who may
// control any container, defined or not. lxc-ffi exposes it as the `controllable` property.
import t from 'tap';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath, busybox } from '../../helpers.js';

t.test('root may control containers', async (t) => {
  t.equal(process.getuid?.(), 0, 'running as root');
  const lxcpath = tempLxcpath(t);
  const absent = new lxc.Container('nobody-here', lxcpath);
  t.teardown(() => absent.release());
  t.equal(absent.controllable, true, 'an undefined container');
  const c = await busybox(lxcpath, 'mayctl');
  t.teardown(() => c.release());
  t.equal(c.controllable, true, 'a defined container');
});

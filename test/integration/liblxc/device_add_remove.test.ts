// Port of lxc/lxc src/tests/device_add_remove.c (lxc-5.0.2): in a running busybox container,
// add_device_node("/dev/loop-control", "/dev/loop-control") succeeds and remove_device_node of the
// same succeeds. Here the node's presence inside is checked after each step as well.
import t from 'tap';
import { statSync } from 'node:fs';
import { tempLxcpath, busybox, within } from '../../helpers.js';
import { inside } from './common.js';

const DEVICE = '/dev/loop-control';

t.test('add and remove /dev/loop-control', async (t) => {
  t.ok(statSync(DEVICE).isCharacterDevice(), `${DEVICE} exists on the host`);
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'device_add_remove_test');
  t.teardown(() => c.release());
  await within(60_000, 'start', c.start());
  await inside(c, `rm -f ${DEVICE}`);
  await within(30_000, 'add', c.addDeviceNode(DEVICE, DEVICE));
  t.equal(await inside(c, `test -c ${DEVICE} && echo yes || echo no`), 'yes', 'a character device inside');
  await within(30_000, 'remove', c.removeDeviceNode(DEVICE, DEVICE));
  t.equal(await inside(c, `test -e ${DEVICE} && echo yes || echo no`), 'no', 'gone inside');
  await within(30_000, 'stop', c.stop());
  await within(30_000, 'destroy', c.destroy());
  t.equal(c.defined, false);
});

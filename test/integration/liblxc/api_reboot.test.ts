// Port of lxc/lxc src/tests/api_reboot.c (lxc-5.0.2): a running busybox container comes back after
// reboot2(timeout) over several rounds and is running after each; reboot2(0) only sends the request.
// lxc-ffi's reboot(timeoutSec) waits for a new init; reboot() without a timeout only sends. C runs
// ten rounds, sleeping 5 s before each; here three, without the sleep (lxc-ffi's reboot waits for
// init to handle the signal, as its shutdown does).
import t from 'tap';
import { tempLxcpath, busybox, within } from '../../helpers.js';

const ROUNDS = 3;

t.test(`${ROUNDS} reboots, then a non-blocking one`, async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'reboot');
  t.teardown(() => c.release());
  c.clearConfig();
  c.loadConfig();
  await within(60_000, 'start', c.start());
  for (let i = 0; i < ROUNDS; i++) {
    const before = c.initPid;
    t.equal(await within(90_000, `reboot ${i}`, c.reboot(60)), true, `round ${i}: a new init came up`);
    t.equal(c.running, true);
    t.not(c.initPid, before, 'with another pid');
  }
  t.equal(await within(30_000, 'reboot without waiting', c.reboot()), true, 'the request is sent');
  await within(30_000, 'stop', c.stop());
  await within(30_000, 'destroy', c.destroy());
});

// Port of lxc/lxc src/tests/reboot.c (lxc-5.0.2). The C test checks the kernel contract liblxc's
// reboot support rests on: reboot(RESTART) from a pid namespace's init kills that init with SIGHUP
// (and reboot(CAD_ON) fails there). Through the API: a reboot -f run inside a running container
// makes its init die that way, and liblxc, seeing SIGHUP, starts the container again, with a new init.
import t from 'tap';
import { tempLxcpath, busybox, within } from '../../helpers.js';

t.test('reboot(2) inside the container restarts it', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'reboot-syscall');
  t.teardown(() => c.release());
  await within(60_000, 'start', c.start());
  const before = c.initPid;
  const restarted = c.wait('STARTING', 60);
  // The attached process dies with the namespace it reboots; its status is not the answer.
  await within(30_000, 'reboot -f', c.attachWait(['reboot', '-f'], { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' }).catch(() => -1));
  t.equal(await within(65_000, 'restart seen', restarted), true, 'liblxc started it again');
  t.equal(await within(65_000, 'running', c.wait('RUNNING', 60)), true);
  t.not(c.initPid, before, 'with a new init');
  t.ok(c.initPid > 1);
  await within(30_000, 'stop', c.stop());
});

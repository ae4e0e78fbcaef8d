// start({ daemonize: false }) and execute(): calls that resolve when the container has stopped,
// with how its init ended, on real busybox containers.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as lxc from '../../lib/index.js';
import { tempLxcpath, busybox, within } from '../helpers.js';

t.test('execute resolves with the command’s exit code or signal (lxc-execute)', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'app');
  t.teardown(() => c.release());
  t.same(await within(30_000, 'execute exit 3', c.execute(['/bin/sh', '-c', 'exit 3'])), { exitCode: 3 });
  t.same(await within(30_000, 'execute true', c.execute(['/bin/true'])), { exitCode: 0 });
  // init.lxc turns a signalled command into 128 + signal, as lxc-execute's own exit code does.
  t.same(await within(30_000, 'execute kill -9', c.execute(['/bin/sh', '-c', 'kill -9 $$'])), { exitCode: 137 });
  t.equal(c.state, 'STOPPED');

  // lxc-execute from liblxc's own tools agrees.
  const { stdout } = await within(30_000, 'lxc-execute', promisify(execFile)('/bin/sh', ['-c', `lxc-execute -n app -P '${lxcpath}' -- /bin/sh -c 'exit 3'; echo $?`]));
  t.equal(stdout.trim(), '3', 'lxc-execute says 3 as well');

  // The command runs under init.lxc as PID 1, in the container.
  const run = c.execute(['/bin/sleep', '300']);
  await within(30_000, 'wait RUNNING', c.wait('RUNNING', 20));
  const cmdline = readFileSync(`/proc/${c.initPid}/cmdline`, 'utf8').split('\0');
  t.match(cmdline[0], /init/, `pid 1 is lxc's init (${cmdline[0]})`);
  const ps = await c.exec(['/bin/ps', '-o', 'pid,args']);
  t.match(ps.stdout, /\n\s*\d+\s+\/bin\/sleep 300/, 'the command runs in the container');
  await c.stop();
  t.same(await within(30_000, 'execute after stop', run), { exitCode: null, signal: 'SIGKILL' }, 'stop() kills init.lxc itself');
});

t.test('execute: several at once, side by side with other calls', async (t) => {
  const lxcpath = tempLxcpath(t);
  const cs = await Promise.all(['x0', 'x1', 'x2'].map((n) => busybox(lxcpath, n)));
  const other = await busybox(lxcpath, 'other');
  t.teardown(() => { for (const c of [...cs, other]) c.release(); });
  await other.start();
  const runs = cs.map((c, i) => c.execute(['/bin/sh', '-c', `sleep 0.${i + 2}; exit ${10 + i}`]));
  // Calls on another container and a child process of our own while the three run.
  const [attached, child] = await Promise.all([
    other.exec(['/bin/echo', 'beside']),
    promisify(execFile)('/bin/echo', ['child']),
  ]);
  t.equal(attached.stdout, 'beside\n');
  t.equal(child.stdout, 'child\n');
  const ends = await within(60_000, 'three executes', Promise.all(runs));
  t.same(ends, [{ exitCode: 10 }, { exitCode: 11 }, { exitCode: 12 }], 'each its own exit code');
  await other.stop();
});

t.test('start({ daemonize: false }) resolves when the container stops, following a reboot', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'fg');
  t.teardown(() => c.release());
  let ended = false;
  const run = c.start({ daemonize: false });
  void run.then(() => { ended = true; }, () => { ended = true; });
  await within(30_000, 'wait RUNNING', c.wait('RUNNING', 20));
  const first = c.initPid;
  t.ok(first > 1, 'running');
  await within(60_000, 'reboot', c.reboot(30));
  t.not(c.initPid, first, 'rebooted: a new init');
  t.equal(ended, false, 'a reboot does not end it');
  await c.stop();
  t.same(await within(30_000, 'after stop', run), { exitCode: null, signal: 'SIGKILL' });
  t.equal(c.state, 'STOPPED');
});

t.test('start({ daemonize: false }) with an init that exits by itself, and closeAllFds', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'exits');
  t.teardown(() => c.release());
  t.same(await within(30_000, 'exit 5', c.start({ daemonize: false, argv: ['/bin/sh', '-c', 'exit 5'] })), { exitCode: 5 });
  const run = c.start({ daemonize: false, closeAllFds: true, argv: ['/bin/sleep', '300'] });
  await within(30_000, 'wait RUNNING', c.wait('RUNNING', 20));
  const fds = (await c.exec(['/bin/ls', '/proc/1/fd'])).stdout.split(/\s+/).filter(Boolean);
  t.same(fds, ['0', '1', '2'], 'init inherited nothing but stdio');
  await c.stop();
  t.same(await within(30_000, 'after stop', run), { exitCode: null, signal: 'SIGKILL' });
});

t.test('foreground start and execute refuse bad input and a running container', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'bad');
  t.teardown(() => c.release());
  const bad: Array<[() => Promise<unknown>, RegExp]> = [
    [() => c.execute([]), /argv must name a command/],
    [() => c.execute('sh' as never), /argv must be array/],
    [() => c.execute(['/bin/sh', 'a\0b']), /NUL/],
    [() => c.execute(['/bin/true'], { closeAllFds: 'yes' } as never), /closeAllFds/],
    [() => c.execute(['/bin/true'], { useinit: false } as never), /useinit is not a known option/],
    [() => c.start({ daemonize: 'no' } as never), /daemonize/],
  ];
  for (const [call, message] of bad) await t.rejects(call(), { name: 'LxcError', code: 'EINVAL', message });
  t.equal(c.state, 'STOPPED', 'nothing started');
  await c.start();
  await t.rejects(c.execute(['/bin/true']), { code: 'ERUNNING' });
  await t.rejects(c.start({ daemonize: false }), { code: 'ERUNNING' });
  await c.stop();
  const gone = new lxc.Container('nosuch', lxcpath);
  t.teardown(() => gone.release());
  await t.rejects(gone.execute(['/bin/true']), { code: 'ENOTDEFINED' });
});

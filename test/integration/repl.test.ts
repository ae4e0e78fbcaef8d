// `lxc-ffi`, the REPL (lib/repl/), driven on a real terminal (tmux on a private socket) as a person
// would: .ls, lxc.version, name completion, printing a Container, .attach and back, .exit; and the
// util.inspect forms of the objects it prints that need a real container.
import t from 'tap';
import { execFile } from 'node:child_process';
import { readFileSync, existsSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { inspect, promisify } from 'node:util';
import { tempLxcpath, busybox, within } from '../helpers.js';
import * as lxc from '../../lib/index.js';
import { Tmux } from '../fixtures/tmux.js';

const run = promisify(execFile);
let lxcpath: string;
let c: lxc.Container;

t.before(async () => {
  lxcpath = tempLxcpath(t);
  // No bridge: one 'empty' nic, so .ls has no IPs to wait for.
  c = await busybox(lxcpath, 'rp1');
  t.teardown(() => c.release());
});

t.test('inspect: Container, network, Snapshot, AttachedProcess, Session, LxcError', async (t) => {
  t.equal(inspect(c), `Container { name: 'rp1', lxcpath: '${lxcpath}', state: 'STOPPED' }`);
  t.equal(inspect(c.network), "NetworkList(1) [ NetworkInterface { index: 0, type: 'empty' } ]");
  t.equal(inspect(c.network[0]), "NetworkInterface { index: 0, type: 'empty' }");

  await within(60_000, 'snapshot rp1', c.snapshot());
  const [snap] = await c.snapshotList();
  t.match(inspect(snap, { breakLength: Infinity }), new RegExp(`^\\{ name: 'snap0', commentPath: '.*', timestamp: '\\d{4}:\\d\\d:\\d\\d \\d\\d:\\d\\d:\\d\\d', lxcpath: '${lxcpath}/rp1/snaps' \\}$`), 'a plain object');
  await c.snapshotDestroyAll();

  await within(30_000, 'start rp1', c.start());
  t.equal(inspect(c), `Container { name: 'rp1', lxcpath: '${lxcpath}', state: 'RUNNING', pid: ${c.initPid} }`);

  const p = await within(30_000, 'attach sleep', c.attach(['sleep', '30'], { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' }));
  t.equal(inspect(p), `AttachedProcess { pid: ${p.pid}, running }`);
  p.kill('SIGKILL');
  await within(10_000, 'sleep to die', p.wait());
  t.equal(inspect(p), `AttachedProcess { pid: ${p.pid}, exitCode: null, signal: 'SIGKILL' }`);
  const q = await c.attach(['true'], { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' });
  await within(10_000, 'true to exit', q.wait());
  t.equal(inspect(q), `AttachedProcess { pid: ${q.pid}, exitCode: 0 }`);

  const s = await within(60_000, 'open a session', c.openSession());
  t.equal(inspect(s), `Session { container: 'rp1', pid: ${s.pid}, alive, pending: 0 }`);
  await within(10_000, 'close the session', s.close());
  t.equal(inspect(s), `Session { container: 'rp1', pid: ${s.pid}, exitCode: 0 }`);

  const e = await c.start().then(() => null, (e: unknown) => e);
  t.type(e, lxc.LxcError);
  t.match(inspect(e), new RegExp(`^LxcError \\[ERUNNING\\]: start "rp1": .*\\n\\s+at .*repl\\.test\\.ts.*\\n\\{ code: 'ERUNNING', op: 'start', container: 'rp1', lxcpath: '${lxcpath}' \\}$`));
});

/** Lines of the screen after the last prompt line matching `marker`. */
const after = (screen: string, marker: string) => screen.slice(screen.lastIndexOf(marker) + marker.length);

t.test('the REPL on a terminal: .ls, lxc.version, completion, printing, .attach, .exit', async (t) => {
  if (!c.running) await within(30_000, 'start rp1', c.start());
  const term = new Tmux('repl', { join: false });
  t.teardown(() => term.kill());
  const history = join(lxcpath, 'history');
  // tap sets NO_COLOR and FORCE_COLOR=0, which the REPL honours: unset, as on a person's terminal.
  await term.start(`env -u NO_COLOR -u FORCE_COLOR LXC_FFI_HISTORY=${history} ${process.execPath} --import tsx lib/repl/bin.ts --lxcpath ${lxcpath}`);
  await term.waitFor((s) => /^lxc>/m.test(s), 'the prompt');

  await term.send('.ls', 'Enter');
  const ls = after(await term.waitFor((s) => /rp1\s+RUNNING/.test(s), '.ls listing rp1 RUNNING'), '.ls');
  t.match(ls, /NAME\s+STATE\s+PID\s+IPS\s+LXCPATH/, '.ls has a header');
  t.match(ls, new RegExp(`rp1\\s+RUNNING\\s+${c.initPid}\\s+-\\s+${lxcpath}`), '.ls shows name, state, pid, IPs, lxcpath');

  const coloured = (await term.tmux('capture-pane', '-p', '-e', '-t', 'main')).stdout;
  t.match(coloured, /\x1b\[32mRUNNING/, 'RUNNING is green on a terminal');

  await term.send('.info nosuch', 'Enter');
  await term.waitFor((s) => s.includes(`info "nosuch": no such container in ${lxcpath}\nlxc>`), '.info of a missing container: its error, then the prompt');

  await term.send('await lxc.version', 'Enter');
  await term.waitFor((s) => s.includes(`'${lxc.version}'\n`), 'lxc.version printed');

  await term.send("const c = new lxc.Container('r", 'Tab');
  await term.waitFor((s) => s.includes(`const c = new lxc.Container('rp1', '${lxcpath}')`), 'the name completed');
  await term.send('', 'Enter');
  await term.send('c', 'Enter');
  const printed = await term.waitFor((s) => s.includes("Container { name: 'rp1'"), 'c printed');
  t.match(after(printed, '> c\n'), new RegExp(`Container \\{ name: 'rp1', lxcpath: '${lxcpath}', state: 'RUNNING', pid: \\d+ \\}`));

  await term.send('.attach rp1', 'Enter');
  // The busybox template's shell prompt ends in '# '; wait for it before typing.
  await term.waitFor((s) => /#\s*$/.test(after(s, '.attach rp1').trimEnd() + ' '), 'the shell prompt');
  await term.send('hostname', 'Enter');
  await term.waitFor((s) => /\nrp1\s*\n/.test(after(s, 'hostname')), 'hostname printed inside the container');
  await term.send('exit', 'Enter');
  await term.waitFor((s) => /\nlxc>$/.test(after(s, 'exit').trimEnd()), 'back at the REPL prompt');
  // The REPL reads its terminal again.
  await term.send('6 * 7', 'Enter');
  await term.waitFor((s) => /\n42\n/.test(after(s, '6 * 7')), 'the REPL answers after the shell');

  // A create draws its progress: one live line, rewritten in place (the template's \r lines).
  const template = join(lxcpath, 'progress-template');
  writeFileSync(template, '#!/bin/sh\nwhile [ $# -gt 0 ]; do case "$1" in --rootfs=*) r=${1#--rootfs=};; --rootfs) r=$2; shift;; esac; shift; done\nmkdir -p "$r"\nfor i in 1 2 3 4 5; do printf "fetching part $i of 5\\r"; sleep 0.3; done\necho done-fetching\n');
  chmodSync(template, 0o755);
  await term.send(`await new lxc.Container('made', lxcpath).create('${template}')`, 'Enter');
  const drawn = await term.waitFor((s) => /fetching part [2-5] of 5/.test(after(s, 'create(')), 'a progress line while the template runs');
  t.equal((after(drawn, 'create(').match(/fetching part/g) ?? []).length, 1, 'one live line, not one line per step');
  await term.waitFor((s) => /done-fetching[\s\S]*\nlxc>/.test(after(s, 'create(')), 'the create ended and the prompt came back');
  await term.send("new lxc.Container('made', lxcpath).defined", 'Enter');
  await term.waitFor((s) => /\ntrue\n/.test(after(s, ".defined")), 'the container was made');
  await term.send('lxc.containers({ lxcpath })[0] instanceof lxc.Container', 'Enter');
  await term.waitFor((s) => /\ntrue\n/.test(after(s, 'instanceof lxc.Container')), 'containers from lxc.containers() are lxc.Container instances');

  await term.send('.exit', 'Enter');
  await within(10_000, 'the REPL to end', (async () => { while (await term.alive()) await new Promise((r) => setTimeout(r, 100)); })());
  t.ok(existsSync(history), 'history kept');
  t.match(readFileSync(history, 'utf8'), /\.ls/, 'history has the lines typed');
});

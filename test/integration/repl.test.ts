// `lxc-ffi`, the REPL (lib/repl/), driven on a real terminal (tmux on a private socket) as a person
// would: .ls, lxc.version, name completion, printing a Container, .attach and back, .exit; a
// container's life from .create to .destroy, .console and back, switching lxcpaths; the banner,
// `--version`, a piped session; and the util.inspect forms of the objects it prints that need a
// real container.
import t from 'tap';
import { execFile } from 'node:child_process';
import { readFileSync, existsSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { join, relative } from 'node:path';
import { inspect, promisify } from 'node:util';
import { tempLxcpath, busybox, within, netConfig } from '../helpers.js';
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
  t.setTimeout(300_000);
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
  t.setTimeout(300_000);
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

/** The REPL run from the repository's root, as `npx lxc-ffi` runs bin.js. */
const bin = [process.execPath, '--import', 'tsx', 'lib/repl/bin.ts'];
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

t.test('lxc-ffi --version and -v: the package and liblxc versions, exit 0', async (t) => {
  t.setTimeout(120_000);
  for (const flag of ['--version', '-v']) {
    const { stdout } = await run(bin[0], [...bin.slice(1), flag], { timeout: 60_000 });
    t.equal(stdout, `lxc-ffi ${pkg.version} (liblxc ${lxc.version})\n`, flag);
  }
  const { stdout } = await run(bin[0], [...bin.slice(1), '--help'], { timeout: 60_000 });
  t.match(stdout, /-v, --version/, '--help names it');
});

t.test('piped in: no banner, dot commands in the order given, their output and errors, exit 0', async (t) => {
  t.setTimeout(120_000);
  const other = tempLxcpath(t);
  const p = run(bin[0], [...bin.slice(1), '--lxcpath', other], { timeout: 60_000, env: { ...process.env, LXC_FFI_HISTORY: '' } });
  // .ls PATH switches, so the .info after it looks there.
  p.child.stdin!.end(`.lxcpath\n.ls\n.info rp1\n.ls ${lxcpath}\n.info rp1\n.lxcpath\n.stop\n.create\n.exit\n`);
  const { stdout } = await p;
  t.notMatch(stdout, /Type \.help|with liblxc/, 'no banner');
  const lines = stdout.split('\n').map((l) => l.replace(/^(lxc> )+/, '')).filter(Boolean);
  const expected = [
    `^${other}$`, '^\\(no containers\\)$', `^info "rp1": no such container in ${other}$`,
    `^lxcpath: ${lxcpath}$`, '^NAME +STATE +PID +IPS +LXCPATH$', `^rp1 +(RUNNING|STOPPED) +.*${lxcpath}$`,
    '^Name: +rp1$', `^Lxcpath: +${lxcpath}$`, `^${lxcpath}$`,
    '^usage: \\.stop NAME \\[--timeout S\\] \\[--kill\\]$', '^usage: \\.create NAME \\[TEMPLATE\\] \\[--OPTION VALUE \\.\\.\\.\\]$',
  ];
  let at = 0;
  for (const e of expected) {
    const i = lines.findIndex((l, j) => j >= at && new RegExp(e).test(l));
    t.ok(i >= 0, `${e} after line ${at}`, { lines });
    if (i >= 0) at = i + 1;
  }
  t.equal(at, lines.length, 'the last answer is the last line: nothing is cut off by .exit');
});

t.test('a container\'s life on a terminal: banner, .help, .create, .start, .ls, .console, .stop, .destroy, .lxcpath', async (t) => {
  t.setTimeout(600_000);
  if (c.running) await within(30_000, 'stop rp1', c.stop());
  const other = tempLxcpath(t);
  using elsewhere = await busybox(other, 'rp4');
  const term = new Tmux('repl-life', { join: false });
  t.teardown(() => term.kill());
  await term.start(`env -u NO_COLOR -u FORCE_COLOR LXC_FFI_HISTORY= ${bin.join(' ')} --lxcpath ${lxcpath}`);
  const start = await term.waitFor((s) => /^lxc>/m.test(s), 'the prompt');
  t.equal(start.split('\nlxc>')[0], `lxc-ffi ${pkg.version} with liblxc ${lxc.version}, lxcpath ${lxcpath}\nType .help for the commands; \`lxc\` is the module, \`lxcpath\` the lxcpath in use.`, 'a two-line banner');

  await term.send('.help', 'Enter');
  const help = after(await term.waitFor((s) => /Press Ctrl\+C/.test(after(s, 'lxc> .help')), '.help'), 'lxc> .help');
  for (const [cmd, text] of Object.entries({
    attach: 'NAME  A shell', check: 'What this user lacks', console: 'NAME [--tty N] [--escape L]  A container\'s console',
    create: 'NAME [TEMPLATE] [--OPTION VALUE ...]  Create a container', destroy: 'NAME [--force] [--snapshots]  Destroy',
    info: 'NAME  State, pid', ls: '[PATH]  The containers', lxcpath: '[PATH]  Print the lxcpath', start: 'NAME  Start',
    stop: 'NAME [--timeout S] [--kill]  Halt',
  })) t.ok(help.split('\n').some((l) => new RegExp(`^\\.${cmd} +`).test(l) && l.includes(text)), `.help describes .${cmd}`);

  await term.send('.create rp2', 'Enter');
  await term.waitFor((s) => after(s, 'lxc> .create rp2').includes(`created rp2 (template busybox) in ${lxcpath}\nlxc>`), '.create rp2', 120_000);
  using rp2 = new lxc.Container('rp2', lxcpath);
  t.ok(rp2.defined, 'rp2 is made');
  // No bridge here: the default config's veth on lxcbr0 would not start.
  netConfig(rp2);
  rp2.saveConfig();

  await term.send('.start rp2', 'Enter');
  await term.waitFor((s) => /rp2 is RUNNING \(pid \d+\)\nlxc>/.test(after(s, 'lxc> .start rp2')), '.start rp2', 60_000);
  await term.send('.ls', 'Enter');
  await term.waitFor((s) => new RegExp(`rp2\\s+RUNNING\\s+${rp2.initPid}\\s+-\\s+${lxcpath}`).test(after(s, 'lxc> .ls')), '.ls shows rp2 RUNNING');
  await term.send('.start rp2', 'Enter');
  await term.waitFor((s) => /start "rp2": .*\nlxc>/.test(after(s, 'lxc> .start rp2')), 'starting it again: one line of error, then the prompt');

  // The console: getty on the first free tty (busybox's inittab), its escape said first.
  const paneTty = (await term.tmux('display', '-p', '-t', 'main', '#{pane_tty}')).stdout.trim();
  const modes = async () => (await run('stty', ['-F', paneTty, '-g'], { timeout: 10_000 })).stdout;
  const before = await modes();
  await term.send('.console rp2', 'Enter');
  await term.waitFor((s) => after(s, 'lxc> .console rp2').startsWith('\nConsole of rp2: type Ctrl-a q to come back to the REPL.\n'), 'the escape, said first');
  await term.send('', 'Enter');
  await term.waitFor((s) => /rp2 login:/.test(after(s, 'lxc> .console rp2')), 'getty\'s login prompt', 30_000);
  t.not(await modes(), before, 'the console has the terminal in its own mode');
  await term.send('', 'C-a', 'q');
  await term.waitFor((s) => /\nlxc>$/.test(after(s, 'lxc> .console rp2').trimEnd()), 'back at the prompt');
  t.equal(await modes(), before, 'the terminal is as it was');
  await term.send('6 * 7', 'Enter');
  await term.waitFor((s) => /\n42\n/.test(after(s, '6 * 7')), 'the REPL reads its terminal again');

  await term.send('.destroy rp2', 'Enter');
  await term.waitFor((s) => after(s, 'lxc> .destroy rp2').includes('destroy "rp2": it is RUNNING; .stop rp2 first, or .destroy rp2 --force\nlxc>'), 'a running container is not destroyed');
  t.ok(rp2.running, 'still running');
  await term.send('.stop rp2 --timeout 20', 'Enter');
  await term.waitFor((s) => /rp2 is STOPPED \((init halted|killed: init did not halt in 20 s)\)\nlxc>/.test(after(s, 'lxc> .stop rp2')), '.stop rp2', 60_000);
  t.equal(rp2.state, 'STOPPED');
  await term.send('.start rp2', 'Enter');
  await term.waitFor((s) => /rp2 is RUNNING/.test(after(s, 'lxc> .stop rp2')), 'started again', 60_000);
  await term.send('.destroy rp2 --force', 'Enter');
  await term.waitFor((s) => /destroyed rp2\nlxc>/.test(after(s, 'lxc> .destroy rp2 --force')), '.destroy --force', 60_000);
  t.notOk(rp2.defined, 'rp2 is gone');

  // Another lxcpath, relative to the working directory; later commands and completion use it.
  await term.send('.lxcpath', 'Enter');
  await term.waitFor((s) => after(s, 'lxc> .lxcpath').startsWith(`\n${lxcpath}\nlxc>`), '.lxcpath prints the one in use');
  const rel = relative(process.cwd(), other);
  await term.send(`.lxcpath ${rel.slice(0, -2)}`, 'Tab');
  await term.waitFor((s) => s.trimEnd().endsWith(`lxc> .lxcpath ${rel}/`), 'the directory completed, with no preview of rp4/ after it');
  await term.send('', 'Enter');
  await term.waitFor((s) => after(s, 'lxc> .lxcpath ').includes(`lxcpath: ${other}\nlxc>`), '.lxcpath RELATIVE switches');
  // Enter runs what was typed: no completion is taken in without a Tab.
  await term.send('.info rp', 'Enter');
  await term.waitFor((s) => after(s, 'lxc> .info rp').includes(`info "rp": no such container in ${other}\nlxc>`), 'a name typed in part is not completed by Enter');
  await term.send('.start r', 'Tab');
  await term.waitFor((s) => /lxc> \.start rp4 ?$/.test(s.trimEnd()), 'completion lists the new lxcpath');
  await term.send('', 'Enter');
  await term.waitFor((s) => /rp4 is RUNNING/.test(after(s, 'lxc> .start rp4')), '.start rp4 in the new lxcpath', 60_000);
  await term.send('lxcpath', 'Enter');
  await term.waitFor((s) => after(s, 'lxc> lxcpath').includes(`'${other}'`), '`lxcpath` in scope follows');
  await term.send('.lxcpath /nonexistent-lxcpath', 'Enter');
  await term.waitFor((s) => after(s, 'lxc> .lxcpath /nonexistent-lxcpath').includes('lxcpath /nonexistent-lxcpath: no such directory\nlxc>'), 'a missing directory is refused');
  await term.send('.stop rp4 --kill', 'Enter');
  await term.waitFor((s) => /rp4 is STOPPED \(killed\)/.test(after(s, 'lxc> .stop rp4')), '.stop --kill', 60_000);
  t.notOk(elsewhere.running);

  // .ls PATH switches as well: .info after it looks there.
  await term.send(`.ls ${lxcpath}`, 'Enter');
  await term.waitFor((s) => after(s, `lxc> .ls ${lxcpath}`).includes(`lxcpath: ${lxcpath}\nNAME`), '.ls PATH switches');
  await term.send('.info rp1', 'Enter');
  await term.waitFor((s) => /Name:\s+rp1\nState:\s+STOPPED/.test(after(s, 'lxc> .info rp1')), '.info rp1 found there');
  await term.send(`.ls ./${relative(process.cwd(), other)}`, 'Enter');
  await term.waitFor((s) => new RegExp(`rp4\\s+STOPPED\\s+-\\s+-\\s+${other}`).test(after(s, 'lxc> .ls ./')), '.ls ./RELATIVE resolves from the working directory');
  await term.send('.info rp4', 'Enter');
  await term.waitFor((s) => new RegExp(`Name:\\s+rp4\\n[\\s\\S]*Lxcpath:\\s+${other}\\n`).test(after(s, 'lxc> .info rp4')), '.info rp4 found there');

  await term.send('.exit', 'Enter');
  await within(10_000, 'the REPL to end', (async () => { while (await term.alive()) await new Promise((r) => setTimeout(r, 100)); })());
});

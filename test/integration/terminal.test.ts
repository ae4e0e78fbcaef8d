// Attach from a terminal, as a person running a script sees it: every attach form under a real
// pseudo-terminal (util-linux `script`), an interactive shell with job control where Ctrl-C reaches
// the shell and not the caller, and the seed's examples run that way.
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempLxcpath, busybox, within, writeRootfs } from '../helpers.js';
import { createBridge } from '../fixtures/bridge.js';
import type { Container } from '../../lib/index.js';

let lxcpath: string;
let c: Container;

t.before(async () => {
  lxcpath = tempLxcpath(t);
  c = await busybox(lxcpath, 'tty1');
  writeRootfs(c, lxcpath, 'etc/hostname', 'container-tty1\n');
  await within(30_000, 'start tty1', c.start());
  t.teardown(() => c.release());
});

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A command on a fresh pty (script's), its screen as text, and a way to type into it. */
class Terminal {
  readonly child: ChildProcess;
  screen = '';
  readonly exit: Promise<number | null>;

  constructor(argv: string[]) {
    this.child = spawn('script', ['-qefc', argv.map(quote).join(' '), '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TERM: 'xterm' } });
    this.child.stdout!.on('data', (d: Buffer) => { this.screen += d.toString('utf8'); });
    this.child.stderr!.on('data', (d: Buffer) => { this.screen += d.toString('utf8'); });
    this.exit = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Waits until the screen matches `pattern`; fails naming `step` after `ms`. */
  async waitFor(pattern: RegExp, step: string, ms = 30_000): Promise<void> {
    const end = Date.now() + ms;
    while (!pattern.test(this.screen)) {
      if (Date.now() > end) throw new Error(`${step}: ${pattern} not on the screen after ${ms} ms; screen:\n${this.screen}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  type(text: string): void {
    this.child.stdin!.write(text);
  }

  async done(step: string): Promise<number | null> {
    const code = await within(60_000, step, this.exit);
    return code;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

function fixture(mode: string): Terminal {
  return new Terminal([process.execPath, '--import', 'tsx', 'test/fixtures/tty-attach.ts', lxcpath, 'tty1', mode]);
}

t.test('attachWait from a terminal: output on the terminal, a pty of its own, the exit code', async (t) => {
  const term = fixture('attachWait');
  t.teardown(() => term.kill());
  await term.waitFor(/code=\d+/, 'attachWait under a pty');
  await term.done('the attachWait script to exit');
  t.match(term.screen, /out-42/, "the command's output reached the terminal");
  t.match(term.screen, /\/dev\/pts\/\d+/, 'its stdin is a terminal');
  t.match(term.screen, /code=3/, 'its exit code, not a silent 1');
  t.match(term.screen, /caller unchanged=true/, "the caller's signal dispositions and terminal modes are as they were");
});

t.test("a terminal whose input ends: the command sees end of file, and no ^@ is echoed after its output", async (t) => {
  const term = fixture('eof');
  t.teardown(() => term.kill());
  // script(1) writes the terminal's end-of-file character once its own input ends, before or
  // while the fixture's terminal is raw; cooked, it is pending as an end of file that reads as NUL.
  term.child.stdin!.end();
  await term.waitFor(/code=\d+/, 'attachWait of cat under a pty whose input ended');
  await term.done('the eof script to exit');
  t.match(term.screen, /after-eof\r\n/, 'cat ended: the end of file reached the command');
  t.match(term.screen, /X\r\n/, 'the second command ran');
  t.notOk(term.screen.includes('^@'), `no ^@ echoed on the terminal: ${JSON.stringify(term.screen)}`);
  t.notOk(term.screen.includes('\0'), 'no NUL byte on the terminal');
  t.match(term.screen, /code=0/);
  t.match(term.screen, /caller unchanged=true/);
});

t.test('logFd from a terminal: a copy of the session in the file, the output still on the terminal', async (t) => {
  const term = fixture('logfd');
  t.teardown(() => term.kill());
  await term.waitFor(/code=\d+/, 'attachWait with logFd under a pty');
  await term.done('the logfd script to exit');
  t.match(term.screen, /logged-42/, 'the output reached the terminal');
  t.match(term.screen, /log="logged-42\\r\\n"/, 'the log fd got the same bytes (a terminal writes \\r\\n)');
  t.match(term.screen, /code=4/);
});

t.test('exec from a terminal: captured output, input fed', async (t) => {
  const term = fixture('exec');
  t.teardown(() => term.kill());
  await term.waitFor(/caller unchanged=\w+/, 'exec under a pty');
  // Waited for: a fixture killed with its pty (SIGHUP) would skip its exit cleanup.
  await term.done('the exec script to exit');
  t.match(term.screen, /exec stdout="captured\\nnot a tty\\n"/, 'output captured; stdin is not the terminal by default');
  t.match(term.screen, /exec input="fed"/);
  t.match(term.screen, /code=0/);
  t.match(term.screen, /caller unchanged=true/);
});

t.test('attach from a terminal: output, exit status', async (t) => {
  const term = fixture('attach');
  t.teardown(() => term.kill());
  await term.waitFor(/caller unchanged=\w+/, 'attach under a pty');
  await term.done('the attach script to exit');
  t.match(term.screen, /from-attach/);
  t.match(term.screen, /code=5/);
  t.match(term.screen, /caller unchanged=true/);
});

t.test('attachShell from a terminal: job control, Ctrl-C reaches the shell, the caller survives', async (t) => {
  const term = fixture('shell');
  t.teardown(() => term.kill());
  await term.waitFor(/READY/, 'the script to start');
  await term.waitFor(/\/ # /, 'the shell prompt');
  term.type('sleep 30 & jobs\r');
  await term.waitFor(/\[1\][+ ]*Running/, 'jobs to list the background job');
  term.type('kill %1; echo job-$((1 + 1))\r');
  await term.waitFor(/job-2/, 'the shell to answer');
  term.type('sleep 30\r');
  await new Promise((r) => setTimeout(r, 700));
  term.type('\x03');
  term.type('echo status-$?\r');
  await term.waitFor(/status-130/, 'Ctrl-C to end the foreground sleep (130 = SIGINT)');
  term.type('exit 7\r');
  await term.waitFor(/caller unchanged=\w+/, 'the shell to exit');
  await term.done('the shell script to exit');
  t.notMatch(term.screen, /job control turned off|can't access tty/, 'the shell has a controlling terminal');
  t.match(term.screen, /code=7/, 'the caller got the exit status after Ctrl-C: it was not interrupted');
  t.match(term.screen, /caller unchanged=true/, 'signal dispositions and terminal modes are back');
});

t.test('a background job gets a clear error instead of a stopped terminal', async (t) => {
  // set -m: the job runs in a process group of its own, in the background of the pty.
  const argv = [process.execPath, '--import', 'tsx', 'test/fixtures/tty-attach.ts', lxcpath, 'tty1', 'attachWait'];
  const term = new Terminal(['sh', '-c', `set -m; ${argv.map(quote).join(' ')} </dev/tty & wait $!; echo bg-exit=$?`]);
  t.teardown(() => term.kill());
  await term.waitFor(/bg-exit=\d+/, 'the background job to end', 60_000);
  t.match(term.screen, /EINVAL/, 'LxcError EINVAL');
  t.match(term.screen, /stdin is a terminal this process does not control/, 'naming the reason');
  t.match(term.screen, /bg-exit=1/, 'the script failed instead of hanging or running silently');
});

t.test("the seed's examples on a terminal: hostname.ts and update-all.ts", async (t) => {
  const host = new Terminal([process.execPath, '--import', 'tsx', 'scripts/examples/hostname.ts', '--lxcpath', lxcpath, '--name', 'tty1']);
  t.teardown(() => host.kill());
  t.equal(await host.done('hostname.ts under a pty'), 0, 'hostname.ts succeeded', { screen: host.screen });
  t.match(host.screen, /Hostname: container-tty1/, "the container's hostname, printed from inside it");
  // update-all waits for an address: a container on a DHCP bridge, in an lxcpath of its own.
  const bridge = await createBridge();
  t.teardown(() => bridge.close());
  const netpath = tempLxcpath(t);
  const net = await busybox(netpath, 'ttynet', bridge.name);
  t.teardown(() => net.release());
  const update = new Terminal([process.execPath, '--import', 'tsx', 'scripts/examples/update-all.ts', '--lxcpath', netpath, '--timeout', '20',
    '--command', JSON.stringify(['sh', '-c', 'echo apt-like-output-$((40 + 2))'])]);
  t.teardown(() => update.kill());
  const code = await update.done('update-all.ts under a pty');
  t.match(update.screen, /apt-like-output-42/, "the command's output appears in the terminal");
  t.match(update.screen, /ttynet: updated \(1 command, exit codes 0\), shut down again/, 'and the report line');
  t.equal(code, 0, 'it succeeded', { screen: update.screen });
});

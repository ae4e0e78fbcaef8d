// The terminal relay seen from the host, on real pseudo-terminals (util-linux `script`): a command
// whose stdout is the caller's terminal gets a pty of its own, so nothing left in the container
// holds or writes the caller's terminal once the command ended; and the relay never spins or
// stalls the event loop when the command stops reading or the terminal stops taking output.
import t from 'tap';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { tempLxcpath, busybox, within } from '../helpers.js';
import type { Container } from '../../lib/index.js';

let lxcpath: string;
let c: Container;

t.before(async () => {
  lxcpath = tempLxcpath(t);
  c = await busybox(lxcpath, 'relay1');
  await within(30_000, 'start relay1', c.start());
  t.teardown(() => c.release());
});

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SCREEN_MAX = 64 * 1024;

/** tty-relay.ts in `mode` on a fresh pty (script's): its screen (the last 64 KiB) and its state file. */
class Fixture {
  readonly child: ChildProcess;
  readonly state: string;
  screen = '';
  /** Numbered lines (seq): the next one expected, and where one was missing. */
  next = 1;
  gaps: string[] = [];
  #partial = '';
  readonly exit: Promise<number | null>;

  constructor(mode: string) {
    this.state = join(lxcpath, `${mode}.state`);
    const argv = [process.execPath, '--import', 'tsx', 'test/fixtures/tty-relay.ts', lxcpath, 'relay1', this.state, mode];
    this.child = spawn('script', ['-qefc', argv.map(quote).join(' '), '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TERM: 'xterm' } });
    const keep = (d: Buffer) => { this.screen = (this.screen + d.toString('latin1')).slice(-SCREEN_MAX); };
    this.child.stdout!.on('data', (d: Buffer) => {
      const lines = (this.#partial + d.toString('latin1')).split('\n');
      this.#partial = lines.pop()!;
      for (const line of lines) {
        const m = /^(\d+)\r?$/.exec(line);
        if (!m) continue;
        if (Number(m[1]) !== this.next && this.gaps.length < 5) this.gaps.push(`${m[1]} after ${this.next - 1}`);
        this.next = Number(m[1]) + 1;
      }
    });
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    // Typing into a pty that stopped reading must not fail the test with EPIPE at the end.
    this.child.stdin!.on('error', () => undefined);
    this.exit = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  records(): Array<Record<string, any>> {
    if (!existsSync(this.state)) return [];
    return readFileSync(this.state, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  }

  /** The first state record with `key`; fails naming `step` after `ms`. */
  async record(key: string, step: string, ms = 30_000): Promise<Record<string, any>> {
    const end = Date.now() + ms;
    for (;;) {
      const r = this.records().find((o) => key in o);
      if (r) return r;
      if (Date.now() > end) throw new Error(`${step}: no "${key}" in the state after ${ms} ms; screen:\n${this.screen.slice(-2000)}`);
      await sleep(25);
    }
  }

  /** Kills what may be left: the fixture (stuck, on the old relay) and script. */
  kill(): void {
    const pid = this.records().find((o) => 'pid' in o)?.pid;
    if (pid) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** CPU time (ms) of `pid` so far, from /proc (works while the process is stuck). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

const WINDOW = 1_500;

/** The CPU time (ms) a busy loop gets over WINDOW here: the bound a spinning relay would reach. */
function busyControl(): number {
  const out = execFileSync(process.execPath, ['-e', `const e = Date.now() + ${WINDOW}; while (Date.now() < e); const u = process.cpuUsage(); console.log((u.user + u.system) / 1000)`], { encoding: 'utf8' });
  return Number(out.trim());
}

/** The fixture's CPU time and heartbeats over WINDOW ms: a spin costs CPU, a stall stops the beats. */
async function measure(f: Fixture, pid: number): Promise<{ cpu: number; beats: number; maxGap: number }> {
  const cpu0 = cpuMs(pid);
  const start = Date.now();
  await sleep(WINDOW);
  const end = Date.now();
  const cpu = cpuMs(pid) - cpu0;
  const ticks = f.records().filter((o) => 'tick' in o && o.tick >= start && o.tick <= end).map((o) => o.tick as number);
  let maxGap = 0;
  let last = start;
  for (const tk of [...ticks, end]) { maxGap = Math.max(maxGap, tk - last); last = tk; }
  return { cpu, beats: ticks.length, maxGap };
}

t.test('stdout on the terminal, stdin ignored: the command writes to a pty of its own, not to the caller\'s terminal', async (t) => {
  const f = new Fixture('own-fd');
  t.teardown(() => f.kill());
  const r = await f.record('same', 'the attached sleep to run');
  t.equal(r.same, false, `the attached process's fd 1 (${r.fd1}, dev ${r.fd1Dev} ino ${r.fd1Ino}) is not the caller's terminal (dev ${r.termDev} ino ${r.termIno})`);
  t.match(r.fd1, /^\/dev\/pts\/\d+$/, 'it is a pty');
  t.equal(r.termiosKept, true, "stdin not relayed: the caller's terminal keeps its modes (not raw)");
  await f.record('done', 'the fixture to end');
  await within(20_000, 'script to exit', f.exit);
});

t.test('a process left in the container neither holds nor writes the caller\'s terminal after the command ended', async (t) => {
  const f = new Fixture('leftover');
  t.teardown(() => f.kill());
  const exited = await f.record('exited', 'the command to exit');
  t.equal(exited.exited, 0);
  t.same(exited.holders, [], 'no container process has the caller\'s terminal open once the command ended');
  const after = await f.record('after', 'the background job to write', 20_000);
  t.same(after.holders, [], 'nor later');
  await f.record('done', 'the fixture to end');
  await within(20_000, 'script to exit', f.exit);
  t.match(f.screen, /started-bg/, "the command's own output reached the terminal");
  t.notMatch(f.screen, /LATE-WRITE|late-status/, 'what the leftover job wrote later did not');
});

t.test('the relay does not spin or stall while the command stops reading its input', async (t) => {
  const control = busyControl();
  const f = new Fixture('stall-input');
  t.teardown(() => f.kill());
  const { pid } = await f.record('pid', 'the fixture to start');
  const { attached } = await f.record('attached', 'the attached cat to run');
  process.kill(attached, 'SIGSTOP');
  t.teardown(() => { try { process.kill(attached, 'SIGKILL'); } catch { /* gone */ } });
  // Typing on: far more than the pty holds (≈ 64 KiB), all along the measurement.
  const chunk = 'typed-while-stopped '.repeat(100);
  const typing = setInterval(() => f.child.stdin!.write(chunk), 10);
  t.teardown(() => clearInterval(typing));
  await sleep(500);
  const m = await measure(f, pid);
  clearInterval(typing);
  t.ok(m.cpu < control / 4, `the caller used ${m.cpu} ms of CPU in ${WINDOW} ms (a busy loop: ${control} ms)`);
  t.ok(m.maxGap < 500, `its event loop ran: ${m.beats} heartbeats of 20 ms, the longest gap ${m.maxGap} ms`);
  process.kill(attached, 'SIGKILL');
  const exit = await f.record('exit', 'the stopped cat to be reaped', 20_000);
  t.same(exit.exit, { exitCode: null, signal: 'SIGKILL' });
  await f.record('done', 'the fixture to end');
});

t.test('output waits while the terminal takes none: nothing lost, no spin, the event loop runs', async (t) => {
  const control = busyControl();
  const f = new Fixture('stall-output');
  t.teardown(() => f.kill());
  const { pid } = await f.record('pid', 'the fixture to start');
  const { attached } = await f.record('attached', 'the attached seq to start');
  t.teardown(() => { try { process.kill(attached, 'SIGKILL'); } catch { /* gone */ } });
  // A terminal nobody reads: script stopped, its pty fills up once seq starts (after 1 s).
  process.kill(f.child.pid!, 'SIGSTOP');
  t.teardown(() => { try { process.kill(f.child.pid!, 'SIGCONT'); } catch { /* gone */ } });
  await sleep(1_500);
  const m = await measure(f, pid);
  process.kill(f.child.pid!, 'SIGCONT');
  t.ok(m.cpu < control / 4, `the caller used ${m.cpu} ms of CPU in ${WINDOW} ms (a busy loop: ${control} ms)`);
  t.ok(m.maxGap < 500, `its event loop ran: ${m.beats} heartbeats of 20 ms, the longest gap ${m.maxGap} ms`);
  const exit = await f.record('exit', 'seq to end once the terminal reads again', 30_000);
  t.same(exit.exit, { exitCode: 0 });
  await f.record('done', 'the fixture to end');
  await within(20_000, 'script to exit', f.exit);
  t.same(f.gaps, [], 'every line reached the terminal, in order');
  t.equal(f.next, 100_001, 'up to the last one');
});

t.test('output that never ends: the relay still yields to the event loop', async (t) => {
  const f = new Fixture('flood');
  t.teardown(() => f.kill());
  const { pid } = await f.record('pid', 'the fixture to start');
  const { attached } = await f.record('attached', 'the attached yes to start');
  t.teardown(() => { try { process.kill(attached, 'SIGKILL'); } catch { /* gone */ } });
  await sleep(500);
  const m = await measure(f, pid);
  t.ok(m.maxGap < 500, `its event loop ran: ${m.beats} heartbeats of 20 ms, the longest gap ${m.maxGap} ms`);
  t.match(f.screen, /flood-0123456789abcdef/, 'the output flowed');
  process.kill(attached, 'SIGKILL');
  const exit = await f.record('exit', 'yes to be reaped', 20_000);
  t.same(exit.exit, { exitCode: null, signal: 'SIGKILL' });
  await f.record('done', 'the fixture to end');
});

t.test('a command run from a terminal leaves exactly its output there: no NUL, no ^@', async (t) => {
  // tmux (a private server) as the terminal: its stdin is a terminal, so nothing types an end of
  // file into it (util-linux script with a stdin that is not a terminal types one when that stdin
  // ends, a NUL in raw mode, which the relay rightly passes on and the container's pty echoes as ^@).
  const run = promisify(execFile);
  const socket = `lxcffi-relay-${process.pid}`;
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args]);
  const raw = join(lxcpath, 'echo-x.raw');
  const state = join(lxcpath, 'echo-x.state');
  t.teardown(() => tmux('kill-server').catch(() => undefined));
  await tmux('new-session', '-d', '-x', '100', '-y', '30', '-s', 'x', '-c', process.cwd(), 'bash --norc --noprofile');
  await tmux('pipe-pane', '-t', 'x', '-o', `cat > ${quote(raw)}`);
  const argv = [process.execPath, '--import', 'tsx', 'test/fixtures/tty-relay.ts', lxcpath, 'relay1', state, 'echo-x'];
  await tmux('send-keys', '-t', 'x', `${argv.map(quote).join(' ')}; echo END-$((1 + 1))`, 'Enter');
  const end = Date.now() + 60_000;
  const bytes = () => (existsSync(raw) ? readFileSync(raw, 'latin1') : '');
  while (!/END-2/.test(bytes())) {
    if (Date.now() > end) throw new Error(`the fixture did not end in tmux; raw:\n${JSON.stringify(bytes())}`);
    await sleep(50);
  }
  const out = bytes();
  const between = /MARK-A\r\n([^]*?)MARK-B\r\n([^]*?)END-2/.exec(out);
  t.ok(between, 'both marks and the end on the terminal', { raw: out });
  t.equal(JSON.stringify(between?.[1]), JSON.stringify('X\r\n'), "the command's output, byte for byte");
  t.notMatch(between?.[2] ?? '', /\0|\^@/, 'nothing after it');
});

// checkHost() and `lxc-ffi --check` on the real host, starting no container and changing nothing:
// root's findings as this host has them, the same check as uid 65534, the command's lines and exit
// code (also with no liblxc at all), and the REPL's .check on a real terminal.
import t from 'tap';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lxc from '../../lib/index.js';
import { within } from '../helpers.js';
import { realEnv } from '../../lib/host/check.js';
import { checkHostAt } from '../../lib/host/findings.js';
import { installedLiblxc } from '../fixtures/fake-liblxc.js';
import { Tmux } from '../fixtures/tmux.js';

const root = process.getuid?.() === 0;
const BIN = ['--import', 'tsx', 'lib/repl/bin.ts'];

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs a command to its end, whatever its exit code. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return within(90_000, `${file} ${args.join(' ')}`, new Promise<Run>((resolve, reject) => {
    execFile(file, args, { timeout: 80_000, env }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') reject(Object.assign(err, { stderr }));
      else resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  }));
}

/** The link of /etc/lxc/default.conf's first veth interface, if any. */
function defaultBridge(): string | undefined {
  let text = '';
  try { text = readFileSync('/etc/lxc/default.conf', 'utf8'); } catch { return undefined; }
  const get = (k: string) => [...text.matchAll(new RegExp(`^\\s*${k.replace(/\./g, '\\.')}\\s*=\\s*(\\S+)`, 'gm'))].at(-1)?.[1];
  return get('lxc.net.0.type') === 'veth' ? get('lxc.net.0.link') : undefined;
}

t.test('root: liblxc, the bridge of /etc/lxc/default.conf, templates, lxc-monitord', { skip: !root && 'needs root', timeout: 30_000 }, async (t) => {
  const r = await lxc.checkHost();
  t.same(r.user, { uid: 0, name: 'root' });
  t.equal(r.root, true);
  t.same(r.findings.map((f) => f.id), ['liblxc', 'bridge', 'templates', 'lxc-monitord']);
  const by = Object.fromEntries(r.findings.map((f) => [f.id, f]));
  t.match(by.liblxc, { ok: true, summary: `liblxc ${lxc.version}`, detail: /liblxc\.so/ });
  t.match(by.templates, { ok: true, summary: /download/ }, 'the download template is installed');
  t.match(by['lxc-monitord'], { ok: true, summary: /lxc-monitord at \// });
  const bridge = defaultBridge();
  if (bridge && !existsSync(`/sys/class/net/${bridge}`)) {
    t.equal(by.bridge.ok, false, `${bridge} does not exist here: the finding fails`);
    t.match(by.bridge.fix, new RegExp(`ip link add name ${bridge} type bridge`), 'its fix names it');
    t.equal(r.ok, false);
  } else {
    t.equal(by.bridge.ok, true, by.bridge.summary);
    t.equal(r.ok, true);
  }
  for (const f of r.findings) if (!f.ok) t.type(f.fix, 'string', `${f.id}: a fix`);
  await t.rejects(lxc.checkHost({ lxcpath: 'relative/path' }), { code: 'EINVAL', message: /checkHost: options\.lxcpath/ }, 'a relative lxcpath: EINVAL');
  await t.rejects(lxc.checkHost({ nope: 1 } as never), { code: 'EINVAL' }, 'an unknown option: EINVAL');
});

t.test('lxc-ffi --check: the report\'s lines, exit 0 when ok, else 1', { timeout: 120_000 }, async (t) => {
  const r = await lxc.checkHost();
  const out = await run(process.execPath, [...BIN, '--check']);
  t.equal(out.code, r.ok ? 0 : 1, `exit ${out.code}`);
  const lines = out.stdout.trimEnd().split('\n');
  t.equal(lines[0], `Host check for ${r.user.name} (uid ${r.user.uid})`);
  for (const f of r.findings) {
    const i = lines.findIndex((l) => l.startsWith(f.ok ? '✓ ' : '✗ ') && l.includes(f.summary));
    t.ok(i > 0, `${f.ok ? '✓' : '✗'} ${f.summary}`);
    if (!f.ok) t.equal(lines[i + 1], `  fix: ${f.fix}`, `${f.id}: its fix on the next line`);
  }
  t.match(lines.at(-1), r.ok ? /^ok: / : /problems?/, 'a closing verdict');
  t.notMatch(out.stdout, /\x1b\[/, 'no colours when piped');

  const bad = await run(process.execPath, [...BIN, '--check', '--bogus']);
  t.equal(bad.code, 2, 'an unknown option: exit 2');
  t.match(bad.stderr, /Usage: lxc-ffi --check/);
  const help = await run(process.execPath, [...BIN, '--help']);
  t.match(help.stdout, /--check\s+say what this user lacks to run containers/, '--help tells of it');
});

t.test('as uid 65534: the findings of a user that is not root', { skip: !root && 'needs root to become uid 65534', timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcffi-hostcheck-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755);
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'XDG_RUNTIME_DIR')), HOME: '/nonexistent' };
  const out = await run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...BIN, '--check', '--lxcpath', join(dir, 'lxc')], env);
  t.equal(out.code, 1, 'not ok: exit 1');
  const text = out.stdout;
  t.match(text, /^Host check for nobody \(uid 65534\)\n/);
  t.match(text, new RegExp(`\\n✓ liblxc ${lxc.version.replace(/\./g, '\\.')}\\n`));
  const subuid = readFileSync('/etc/subuid', 'utf8');
  if (!/^(nobody|65534):/m.test(subuid)) t.match(text, /\n✗ no subordinate uids for nobody in \/etc\/subuid\n  fix: sudo usermod --add-subuids \d+-\d+ nobody\n/);
  t.match(text, /\n✗ no ~\/\.config\/lxc\/default\.conf: liblxc gives new containers no id map[^\n]*\n  fix: mkdir -p ~\/\.config\/lxc && printf 'lxc\.idmap = u 0 \d+ 65536/, 'no default config for a home that does not exist');
  t.match(text, /\n✗ XDG_RUNTIME_DIR is not set[^\n]*\(warning\)\n  fix: /);
  t.match(text, /\n[✓✗] [^\n]*newuidmap/, 'newuidmap looked at');
  t.match(text, /\n[✓✗] [^\n]*cgroup/, 'the cgroups looked at');
  // The lxcpath does not exist, and its directory is root's: nobody cannot make it.
  t.match(text, new RegExp(`\\n✗ the lxcpath ${dir}/lxc does not exist and nobody cannot make it in ${dir}\\n  fix: sudo install -d -o 65534 -g 65534 -m 755 ${dir}/lxc\\n`));
});

t.test('lxc-ffi --check with no liblxc: the liblxc finding fails, exit 1', { skip: !root && 'needs root for a mount namespace', timeout: 120_000 }, async (t) => {
  const real = await installedLiblxc();
  // A private mount namespace: /dev/null over the file the loader would open, for the child only.
  const out = await run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', 'mount --bind /dev/null "$0" && exec "$@"', real, process.execPath, ...BIN, '--check']);
  t.equal(out.code, 1, 'exit 1');
  t.match(out.stdout, /^Host check for root \(uid 0\)\n✗ liblxc \(liblxc\.so\.1\) cannot be loaded\n  fix: sudo apt-get install liblxc1/, 'the first finding says so, with the package');
  t.match(out.stdout, /\n[✓✗] [^\n]*lxc-monitord/, 'the other findings are still made');
});

t.test('the REPL\'s .check on a terminal', { timeout: 120_000 }, async (t) => {
  const lxcpath = mkdtempSync(join(tmpdir(), 'lxcffi-hostcheck-repl-'));
  t.teardown(() => rmSync(lxcpath, { recursive: true, force: true }));
  const r = await lxc.checkHost({ lxcpath });
  const term = new Tmux('hostcheck');
  t.teardown(() => term.kill());
  await term.start(`env -u NO_COLOR -u FORCE_COLOR LXC_FFI_HISTORY= ${process.execPath} --import tsx lib/repl/bin.ts --lxcpath ${lxcpath}`);
  await term.waitFor((s) => /^lxc>/m.test(s), 'the prompt');
  await term.send('.check', 'Enter');
  const verdict = r.ok ? 'can run containers' : 'cannot run containers';
  const screen = await term.waitFor((s) => s.includes(verdict) && /\nlxc>\s*$/.test(s.trimEnd() + ' '), 'the report, then the prompt');
  const shown = screen.slice(screen.lastIndexOf('.check'));
  t.match(shown, `Host check for ${r.user.name} (uid ${r.user.uid})`);
  for (const f of r.findings) {
    t.ok(shown.includes(`${f.ok ? '✓' : '✗'} ${f.summary}`), `${f.id} shown`);
    if (!f.ok) t.ok(shown.includes(`  fix: ${f.fix}`), `${f.id}: its fix shown`);
  }
  const coloured = (await term.tmux('capture-pane', '-p', '-e', '-t', 'main')).stdout;
  t.match(coloured, /\x1b\[32m✓/, 'a green ✓ on a terminal');
  await term.send('.exit', 'Enter');
  await within(10_000, 'the REPL to end', (async () => { while (await term.alive()) await new Promise((res) => setTimeout(res, 100)); })());
});

t.test('file capabilities: a newuidmap with cap_setuid and no setuid bit passes', { skip: !root && 'needs root for setcap', timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcffi-hostcheck-caps-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync('/bin/true', join(dir, 'newuidmap'));
  chmodSync(join(dir, 'newuidmap'), 0o755);
  const env = { ...realEnv({ version: lxc.version, paths: () => null }), uid: 65534, gid: 65534, groups: [], path: dir };
  const before = checkHostAt(env).findings.find((f) => f.id === 'newuidmap')!;
  t.match(before, { ok: false, fix: /setcap cap_setuid\+ep/ }, 'no setuid bit, no capabilities: fails');
  const set = await run('setcap', ['cap_setuid+ep', join(dir, 'newuidmap')]);
  if (set.code !== 0) {
    t.comment(`setcap failed here: ${set.stderr.trim()}`);
    return;
  }
  t.equal(env.fileCapabilities(join(dir, 'newuidmap')), true, 'security.capability read with getxattr');
  t.equal(env.fileCapabilities('/bin/true'), false, 'a file without it');
  t.match(checkHostAt(env).findings.find((f) => f.id === 'newuidmap'), { ok: true, summary: `${dir}/newuidmap has file capabilities` });
});

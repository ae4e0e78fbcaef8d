// A caller that is not root: EACCES with a hint, before liblxc prints its own line to stderr.
import t from 'tap';
import { execFile } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { tempLxcpath, within } from '../helpers.js';

t.test('not root: EACCES that says why and what to do, and nothing from liblxc on stderr', async (t) => {
  const lxcpath = tempLxcpath(t);
  chmodSync(lxcpath, 0o755);
  const { stdout, stderr } = await within(60_000, 'the not-root script', new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
    execFile('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', 'test/fixtures/not-root.ts', lxcpath],
      { timeout: 50_000, env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'XDG_RUNTIME_DIR')), HOME: '/nonexistent' } },
      (err, stdout, stderr) => (err ? reject(Object.assign(err, { stderr })) : resolve({ stdout, stderr })))));
  const out = JSON.parse(stdout.trim().split('\n').pop()!);
  t.equal(out.uid, 65534, 'it ran as uid 65534');
  for (const what of ['default lxcpath', 'given lxcpath']) {
    t.equal(out[what]?.name, 'LxcError', `${what}: an LxcError`);
    t.equal(out[what]?.code, 'EACCES', `${what}: EACCES`);
    t.match(out[what]?.message, /not root \(uid 65534\).*lock directory.*run as root/, `${what}: ${out[what]?.message}`);
  }
  t.notMatch(stderr, /Failed to create lock/, 'liblxc printed nothing: the problem was found before its call');
});

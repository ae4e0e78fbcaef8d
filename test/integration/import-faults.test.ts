// Importing lxc-ffi on a liblxc it was not built for: a release newer than the table (a warning,
// once, and the newest tabled layout), an old one (3.0: no empty structs, the functions it lacks
// throw ENOTSUP), one older than the table, and no liblxc at all (LibraryNotFoundError, ENOLIB).
// Each import runs in a child process, on a stand-in liblxc.so.1 that reports another version.
import t from 'tap';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { fakeLiblxc, installedLiblxc } from '../fixtures/fake-liblxc.js';
import { NEWER_WARNED_ENV } from '../../ffi/index.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

// What the child reports: the versions, the warnings, and how a few calls went.
const PROBE = `
const warnings = [];
process.on('warning', (w) => warnings.push({ code: w.code, message: w.message }));
const out = {};
try {
  const ffi = await import('./ffi/index.ts');
  const lxc = await import('./lib/index.ts');
  await import('./ffi/index.ts');
  const attempt = (f) => { try { return { value: f() }; } catch (e) { return { error: { name: e.name, code: e.code, message: e.message } }; } };
  Object.assign(out, {
    versionString: ffi.versionString,
    layoutVersion: ffi.layoutVersion,
    structs: Object.keys(ffi.types.structs),
    lastMember: ffi.types.members.lxc_container.at(-1).name,
    childEnv: ffi.childEnv,
    hasApiExtension: attempt(() => lxc.hasApiExtension(process.env.EXTENSION)),
    rawHasApiExtension: attempt(() => ffi.lxc_has_api_extension(process.env.EXTENSION)),
    defined: attempt(() => new lxc.Container('import-faults', { lxcpath: '/tmp' }).defined),
  });
} catch (e) {
  out.importError = { name: e.name, code: e.code, message: e.message };
}
await new Promise((r) => setImmediate(r));
out.warnings = warnings;
console.log(JSON.stringify(out));
`;

interface Probed {
  versionString?: string;
  layoutVersion?: number[];
  structs?: string[];
  lastMember?: string;
  childEnv?: Record<string, string>;
  hasApiExtension?: { value?: boolean; error?: { code: string; message: string } };
  rawHasApiExtension?: { value?: boolean; error?: { name: string; code: string; message: string } };
  defined?: { value?: boolean; error?: unknown };
  importError?: { name: string; code?: string; message: string };
  warnings: { code: string; message: string }[];
}

async function probe(env: Record<string, string>, wrap: string[] = []): Promise<{ out: Probed; stderr: string }> {
  const node = [process.execPath, '--import=tsx', '--input-type=module', '-e', PROBE];
  const [cmd, ...args] = [...wrap, ...node];
  const { stdout, stderr } = await run(cmd, args, { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 });
  return { out: JSON.parse(stdout.trim().split('\n').at(-1)!) as Probed, stderr };
}

t.test('on a stand-in liblxc', async (t) => {
  const fake = await fakeLiblxc();
  t.teardown(fake.remove);
  const on = (version: string, extension = 'mount_injection', more: Record<string, string> = {}) =>
    probe({ LD_LIBRARY_PATH: fake.dir, LXC_FFI_FAKE_VERSION: version, EXTENSION: extension, ...more });

  t.test('newer than the table (8.0.0): the newest tabled layout, one warning', async (t) => {
    const { out, stderr } = await on('8.0.0');
    t.notOk(out.importError, 'the import succeeds');
    t.equal(out.versionString, '8.0.0');
    t.same(out.layoutVersion, [7, 0, 0], '7.0.0\'s layout is used');
    t.equal(out.lastMember, 'set_timeout', 'only known members: the last is 7.0.0\'s');
    t.equal(out.warnings.length, 1, 'one warning for two imports');
    t.equal(out.warnings[0]?.code, 'LXC_FFI_NEWER_LIBLXC');
    t.match(out.warnings[0]?.message, /liblxc 8\.0\.0 is newer than the newest release lxc-ffi knows \(7\.0\.0\)/);
    t.equal(stderr.split('LXC_FFI_NEWER_LIBLXC').length - 1, 1, 'printed once on stderr');
    t.same(out.childEnv, { [NEWER_WARNED_ENV]: '8.0.0' }, 'its child processes are told not to warn again');
    t.same(out.defined, { value: false }, 'a container can be used');
    const quiet = await on('8.0.0', 'mount_injection', { [NEWER_WARNED_ENV]: '8.0.0' });
    t.same(quiet.out.warnings, [], 'a child process of a process that warned stays quiet');
  });

  t.test('3.0.0: imports, no struct it lacks, lxc_has_api_extension throws ENOTSUP', async (t) => {
    const { out } = await on('3.0.0');
    t.notOk(out.importError, `the import succeeds${out.importError ? `: ${out.importError.message}` : ''}`);
    t.same(out.layoutVersion, [3, 0, 0]);
    t.notOk(out.structs?.includes('lxc_groups_t'), 'no lxc_groups_t');
    t.notOk(out.structs?.includes('lxc_mount'), 'no lxc_mount');
    t.equal(out.lastMember, 'reboot2');
    t.same(out.warnings, [], 'no warning');
    t.match(out.rawHasApiExtension?.error, { name: 'MissingFunctionError', code: 'ENOTSUP', message: 'lxc_has_api_extension() is not in liblxc 3.0.0 (added in liblxc 3.1.0)' });
    t.same(out.hasApiExtension, { value: false }, 'hasApiExtension: mount_injection came after 3.0');
    t.same((await on('3.0.0', 'reboot2')).out.hasApiExtension, { value: true }, 'hasApiExtension: reboot2 is in 3.0');
    t.same(out.defined, { value: false }, 'a container can be used');
  });

  t.test('3.1.0 binds lxc_has_api_extension', async (t) => {
    const { out } = await on('3.1.0');
    t.same(out.rawHasApiExtension, { value: true }, 'answered by liblxc');
  });

  t.test('older than the table (2.1.1): the import fails', async (t) => {
    const { out } = await on('2.1.1');
    t.match(out.importError, { name: 'RangeError', message: /liblxc 2\.1\.1 is outside the table's range \[3\.0\.0, 8\.0\.0\)/ });
  });
});

t.test('no liblxc: LibraryNotFoundError naming the package', { skip: process.getuid?.() !== 0 && 'needs root for a mount namespace' }, async (t) => {
  const real = await installedLiblxc();
  // A private mount namespace: /dev/null over the file the loader would open, for the child only.
  const { out } = await probe({}, ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', `mount --bind /dev/null "$0" && exec "$@"`, real]);
  t.match(out.importError, { name: 'LibraryNotFoundError', code: 'ENOLIB', message: /cannot load liblxc\.so\.1: install liblxc \(Debian\/Ubuntu: apt-get install liblxc1, or lxc\)/ });
});

// The hostile-input corpus (issue 14): every public method and module function fed wrong types,
// out-of-range numbers, huge and odd strings, throwing getters and Proxies, holes, BigInts,
// Symbols, frozen objects, class instances and functions where data is expected, chosen by
// fast-check from a fixed seed (FC_SEED varies it). Each call must throw or reject an LxcError
// EINVAL (or a TypeError raised by JS itself), synchronously for the synchronous calls and as a
// rejection for the Promise-returning ones, within a deadline; nothing may be written outside the
// test's lxcpath, and no config file may gain an injected line.
import t from 'tap';
import fc from 'fast-check';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, basename } from 'node:path';
import * as lxc from '../../lib/index.js';
import { tempLxcpath, busybox, within, listTree } from '../helpers.js';

const SEED = process.env.FC_SEED === undefined ? 14_2026 : Number(process.env.FC_SEED);
// Runs per argument position of each method: ≈ 90 positions × RUNS cases.
const RUNS = Number(process.env.FC_RUNS ?? 4);
const DEADLINE_MS = 15_000;
const MiB = 2 ** 20;

// ---- hostile values ----------------------------------------------------------------------------

/** A Proxy whose every trap throws (the handler itself is a Proxy answering every trap name). */
const trapsThrow = new Proxy({}, { get: (_t, trap) => () => { throw new Error(`trap ${String(trap)}`); } }) as ProxyHandler<object>;
const proxy = () => new Proxy({}, trapsThrow);
const proxyArray = () => new Proxy([], trapsThrow);
const proxyFn = () => new Proxy(function f() {}, trapsThrow);
/** An object whose property `key` throws when read. */
const getterThrows = (key: string) => Object.defineProperty({}, key, { enumerable: true, get() { throw new Error(`getter ${key}`); } });
class Opts { bogus = 1; }
class Empty {}
const holes = () => [, 'x', ,]; // eslint-disable-line no-sparse-arrays
const nullProto = () => Object.assign(Object.create(null), { bogus: 1 });
const protoKey = () => JSON.parse('{"__proto__": {"polluted": 1}}');
const INJECT = 'x\nlxc.hook.pre-start = /bin/evil';

// fast-check looks into the values it generates (a Proxy that throws on every trap would throw in
// fast-check itself), so every arbitrary here yields a thunk that makes the hostile value at the call.
type Thunk = () => unknown;
/** Thunks of the given values. */
const K = (...vs: unknown[]): fc.Arbitrary<Thunk> => fc.constantFrom(...vs).map((v) => () => v);
/** The given thunks. */
const G = (...gs: Thunk[]): fc.Arbitrary<Thunk> => fc.constantFrom(...gs);

/** Not data at all: wrong for every string, number, array, boolean or options position. */
const alien: fc.Arbitrary<Thunk> = G(
  () => Symbol('s'), () => Symbol.iterator, () => 10n, () => 2n ** 70n, () => -1n, () => proxy(), () => proxyArray(),
  () => proxyFn(), () => getterThrows('x'), () => new Date(0), () => /re/, () => new Map([['a', 1]]), () => new WeakMap(),
  () => Promise.resolve('x'), () => Buffer.from('lxc.uts.name'),
);
/** Functions where data is expected. */
const func = K(() => 'lxc.uts.name', class K {}, async () => 1, Math.max);
/** Wrong types for a string position. */
const notString = fc.oneof(alien, func, G(
  () => null, () => 42, () => NaN, () => true, () => [], () => ['lxc.uts.name'], () => holes(), () => ({}), () => Object.freeze({ a: 1 }),
  () => new Opts(), () => new Empty(), () => new String('lxc.uts.name'), () => ({ toString: () => 'lxc.uts.name' }), () => nullProto(),
));
/** Wrong types for a number position. */
const notNumber = fc.oneof(alien, func, G(
  () => null, () => '30', () => '', () => true, () => [], () => [1], () => holes(), () => ({}), () => new Number(1), () => ({ valueOf: () => 1 }),
  () => Object.freeze({}), () => new Opts(),
));
/** Strings that are never a container name. */
const badName = fc.oneof(notString, K('', '.', '..', '../evil', '../../etc', '/', '/abs', 'a/b', 'nul\0x', 'new\nline', 'cr\rx',
  'tab\tx', '-rf', '--help', 'x'.repeat(256), '\u00e9'.repeat(128), 'lone\uD800', '\uDC00tail', 'a\u0000', '\u007f'), K('x'.repeat(MiB)));
/** Strings that are never a config key (or keys liblxc does not know). */
const badKey = fc.oneof(notString, K('', 'lxc', 'lxc.', '.lxc.uts', 'lxc..uts', 'LXC.UTS.NAME', 'lxc.uts.name ', ' lxc.uts.name',
  'lxc.uts.name\nlxc.hook.pre-start', 'lxc.uts.name\0x', 'lxc.ütf', 'lxc.uts/name', '../lxc.uts.name', 'lxc.no.such.key', 'lxc.hook.evil',
  'lxc.\u202Euts', 'lxc.uts.\uD800', 'lxc.' + 'a'.repeat(MiB)));
/** Strings that are never a config (or cgroup) value. */
const badValueString = fc.oneof(notString, K(INJECT, 'x\rlxc.hook.pre-start = /bin/evil', 'a\0b', '\n', 'v\uD800', '\uDFFFv',
  'a'.repeat(MiB) + '\nlxc.hook.pre-start = /bin/evil'));
const badValue = fc.oneof(badValueString, G(() => [INJECT], () => holes(), () => [1], () => ['ok', 'x\0y']));
/** Never an absolute path. */
const badPath = fc.oneof(notString, K('', 'relative', './x', '../x', '~/x', '/a\0b', '/a\nb', '/tmp/\uD800', '/' + 'p'.repeat(5000)));
/** Never a timeout in seconds. */
const badTimeout = fc.oneof(notNumber, K(NaN, Infinity, -Infinity, -2, -0.5, -1e9));
/** Never a command line. */
const badArgv = fc.oneof(fc.oneof(alien, func), G(() => [], () => [''], () => ['sh', ''], () => ['a\0b'], () => [1],
  () => ['sh', null], () => holes(), () => new Array(3), () => 'ls -l', () => null, () => ({ 0: 'ls', length: 1 }), () => new Set(['ls']),
  () => [Symbol('s')], () => [proxy()], () => Object.defineProperty(['ls'], 0, { get() { throw new Error('getter 0'); } })));
/** Never a container state. */
const badState = fc.oneof(notString, K('', 'running', 'RUNNING ', 'BOGUS', 'RUNNING\n', 'toString', '__proto__'));

/** Options objects that are never valid: wrong types, unknown keys, and wrong values under known keys. */
function badOptions(keys: string[]): fc.Arbitrary<Thunk> {
  const wrong = fc.oneof(alien, G(() => NaN, () => new Date(0), () => nullProto(), () => holes(), () => ({ bogus: 1 })));
  return fc.oneof(
    fc.oneof(alien, func, G(() => null, () => 42, () => 'x', () => true, () => [], () => [{}], () => holes(),
      () => new String(''))),
    G(() => ({ bogus: 1 }), () => Object.freeze({ bogus: 1 }), () => nullProto(), () => protoKey(), () => new Opts(),
      () => ({ [Symbol('s')]: 1, bogus: 1 }), () => proxy()),
    ...(keys.length ? [
      fc.tuple(fc.constantFrom(...keys), wrong).map(([k, g]) => () => ({ [k]: g() })),
      fc.constantFrom(...keys).map((k) => () => getterThrows(k)),
      fc.constantFrom(...keys).map((k) => () => Object.freeze({ [k]: Symbol('frozen') })),
    ] : []),
  );
}

const ATTACH_KEYS = ['namespaces', 'env', 'extraEnv', 'keepEnv', 'cwd', 'uid', 'gid', 'groups', 'stdin', 'stdout', 'stderr', 'personality',
  'lsmLabel', 'elevatedPrivileges', 'remountSysProc', 'flags', 'signal', 'logFd'];
/** Attach options wrong in the ways attach options can be (besides the generic ones). */
const badAttach = fc.oneof(badOptions(ATTACH_KEYS), G(
  () => ({ uid: -1 }), () => ({ uid: 2 ** 32 }), () => ({ gid: 1.5 }), () => ({ groups: [0, -1] }), () => ({ cwd: 'relative' }), () => ({ cwd: '/a\0b' }),
  () => ({ stdin: -1 }), () => ({ stdout: 'tty' }), () => ({ stderr: 2.5 }), () => ({ env: 'keep\n' }), () => ({ extraEnv: { 'A=B': 'x' } }),
  () => ({ extraEnv: { A: 'x\0y' } }), () => ({ extraEnv: proxy() }), () => ({ keepEnv: ['PATH', '1X'] }), () => ({ namespaces: ['net', 'bogus'] }),
  () => ({ namespaces: 1.5 }), () => ({ personality: 'toString' }), () => ({ personality: '__proto__' }), () => ({ lsmLabel: 'a\0b' }),
  () => ({ flags: -1 }), () => ({ flags: 1, elevatedPrivileges: true }), () => ({ logFd: -3 }), () => ({ signal: new AbortController() }),
));
const badExec = fc.oneof(badAttach, G(() => ({ input: 42 }), () => ({ input: ['a'] }), () => ({ timeout: 0 }),
  () => ({ timeout: 2 ** 31 }), () => ({ timeout: 2147484 }), () => ({ timeout: Infinity }), () => ({ maxBuffer: 0 }), () => ({ encoding: 'latin1' }), () => ({ reject: 'yes' }), () => ({ stdout: 'pipe' })));
const badCreate = fc.oneof(badOptions(['quiet', 'bdevType', 'bdevtype', 'bdevSpecs', 'flags', 'templateArgs', 'signal']), G(
  () => ({ bdevtype: 'zfs; rm -rf /' }), () => ({ bdevtype: 'DIR' }), () => ({ flags: -1 }), () => ({ flags: 0.5 }), () => ({ bdevSpecs: { fsType: 'ext4 -o x' } }), () => ({ bdevSpecs: { fstype: 'ext4 -o x' } }), () => ({ bdevType: 'dir', bdevtype: 'dir' }),
  () => ({ bdevSpecs: { dir: 'relative' } }), () => ({ bdevSpecs: { bogus: 1 } }), () => ({ bdevSpecs: { fsSize: -1 } }), () => ({ onOutput: 'log' }),
  () => ({ templateArgs: 'x' }), () => ({ templateArgs: [INJECT] }), () => ({ templateArgs: ['a\0b'] }), () => ({ templateArgs: holes() }),
  () => ({ templateArgs: [1] }), () => ({ templateArgs: ['--path=/etc'] }), () => ({ templateArgs: ['--rootfs', '/'] }), () => ({ templateArgs: ['--name=evil'] }),
  () => ({ templateArgs: ['-n', 'evil'] }), () => ({ templateArgs: ['-p', '/'] }), () => ({ templateArgs: proxyArray() }), () => ({ quiet: true, bogus: 1 }),
));
const badTemplateOptions = fc.oneof(badOptions([]), G(
  () => ({ 'bad name': 'x' }), () => ({ busyboxPath: '-x' }), () => ({ busyboxPath: '/bin/busybox --path=/etc' }), () => ({ busyboxPath: '' }),
  () => ({ busyboxPath: 'a\0b' }), () => ({ busyboxPath: INJECT }), () => ({ busyboxPath: NaN }), () => ({ busyboxPath: null }), () => ({ busyboxPath: 1n }),
  () => ({ busyboxPath: Symbol('s') }), () => ({ busyboxPath: ['x'] }), () => ({ path: '/etc' }), () => ({ rootfs: '/' }), () => ({ name: 'evil' }),
  () => ({ '--path': '/' }), () => ({ '': 'x' }), () => ({ ['\u202Eevil']: 'x' }), () => ({ busyboxPath: () => '/bin/busybox' }),
  () => getterThrows('busyboxPath'), () => ({ busyboxPath: 'x'.repeat(MiB) + ' -x' }),
));
const badTemplate = fc.oneof(notString, K('', '../../bin/sh', 'busybox; true', 'busybox\n', 'busy box', '/nonexistent/template',
  '-busybox', 'toString', '__proto__', 'busybox\0', '\uD800', 'x'.repeat(MiB)));
const badDownload = fc.oneof(badOptions(['dist', 'release', 'arch', 'variant', 'server', 'keyServer', 'keyserver', 'keyId']), G(
  () => ({ dist: 'debian', release: '-x', arch: 'amd64' }), () => ({ dist: 'debian', release: 'bookworm' }), () => ({ dist: 'debian', release: 'a b', arch: 'amd64' }),
  () => ({ dist: 'debian', release: 'bookworm', arch: 'amd64', server: '--flush-cache' }), () => ({ dist: '', release: 'x', arch: 'y' }),
));
const badInt = (extra: number[]) => fc.oneof(notNumber, K(NaN, Infinity, -Infinity, 1.5, ...extra));

// ---- the method table --------------------------------------------------------------------------

interface Fixture {
  lxcpath: string;
  stopped: lxc.Container;
  running: lxc.Container;
  fresh: lxc.Container;
  proc: lxc.AttachedProcess;
}
/** One public entry point: how to call it with `args`, the valid values of its arguments, and a hostile generator per argument position. */
interface Entry {
  name: string;
  call: (f: Fixture, args: unknown[]) => unknown;
  ok: unknown[];
  bad: Array<fc.Arbitrary<Thunk> | null>;
  /** Returns a Promise (its failures must be rejections). */
  async?: boolean;
  /** Answers false (never throws) for bad input. */
  answersFalse?: boolean;
}
const okFn = () => 1;
/* eslint-disable @typescript-eslint/no-explicit-any */
const C = (c: keyof Fixture) => (f: Fixture) => f[c] as any;
const entries: Entry[] = [
  { name: 'new Container', call: (f, [n, p]) => new lxc.Container(n as string, (p === 'LXCPATH' ? f.lxcpath : p) as string), ok: ['ok', 'LXCPATH'], bad: [badName, fc.oneof(badPath, badOptions(['lxcpath']))] },
  { name: 'create', async: true, call: (f, a) => C('fresh')(f).create(...a), ok: ['busybox', {}, { quiet: true }], bad: [badTemplate, badTemplateOptions, badCreate] },
  { name: 'create download', async: true, call: (f, a) => C('fresh')(f).create('download', ...a), ok: [{ dist: 'debian', release: 'bookworm', arch: 'amd64' }, { quiet: true }], bad: [badDownload, null] },
  { name: 'create none', async: true, call: (f, [o]) => C('fresh')(f).create('none', {}, o), ok: [{}], bad: [K({ templateArgs: ['x'] }, { templateArgs: ['--path=/'] })] },
  { name: 'start', async: true, call: (f, a) => C('stopped')(f).start(...a), ok: [{}], bad: [fc.oneof(badOptions(['useInit', 'useinit', 'argv', 'daemonize', 'closeAllFds', 'signal']), badArgv.map((g) => () => ({ argv: g() })))] },
  { name: 'execute', async: true, call: (f, a) => C('stopped')(f).execute(...a), ok: [['/bin/true'], {}], bad: [badArgv, badOptions(['closeAllFds', 'signal'])] },
  { name: 'stop', async: true, call: (f, a) => C('running')(f).stop(...a), ok: [{}], bad: [badOptions(['signal'])] },
  { name: 'shutdown', async: true, call: (f, a) => C('running')(f).shutdown(...a), ok: [0, {}], bad: [badTimeout, badOptions(['signal'])] },
  { name: 'reboot', async: true, call: (f, a) => C('running')(f).reboot(...a), ok: [0, {}], bad: [badTimeout, badOptions(['signal'])] },
  { name: 'wait', async: true, call: (f, a) => C('running')(f).wait(...a), ok: ['RUNNING', 0, {}], bad: [badState, badTimeout, badOptions(['signal'])] },
  { name: 'destroy', async: true, call: (f, a) => C('stopped')(f).destroy(...a), ok: [{}], bad: [badOptions(['withSnapshots', 'signal'])] },
  { name: 'rename', async: true, call: (f, a) => C('stopped')(f).rename(...a), ok: ['renamed'], bad: [badName] },
  { name: 'attachWait', async: true, call: (f, a) => C('running')(f).attachWait(...a), ok: [['/bin/true'], {}], bad: [badArgv.filter((g) => typeof g() !== 'function'), badAttach] },
  { name: 'attachWait(attachRunCommand)', async: true, call: (f, a) => C('running')(f).attachWait(lxc.attachRunCommand, ...a), ok: [['/bin/true'], {}], bad: [badArgv, badAttach] },
  { name: 'exec', async: true, call: (f, a) => C('running')(f).exec(...a), ok: [['/bin/true'], {}], bad: [badArgv, badExec] },
  { name: 'attach', async: true, call: (f, a) => C('running')(f).attach(...a), ok: [['/bin/true'], {}], bad: [badArgv.filter((g) => typeof g() !== 'function'), badAttach] },
  { name: 'evaluate', async: true, call: (f, a) => C('running')(f).evaluate(...a), ok: [okFn, 1, {}], bad: [fc.oneof(notString, K('() => 1')).filter((g) => typeof g() !== 'function'), null, badAttach] },
  { name: 'openSession', async: true, call: (f, a) => C('running')(f).openSession(...a), ok: [{}], bad: [badAttach] },
  { name: 'attachShell', async: true, call: (f, a) => C('running')(f).attachShell(...a), ok: [{}], bad: [badAttach] },
  { name: 'getIps', async: true, call: (f, a) => C('running')(f).getIps(...a), ok: [{}], bad: [fc.oneof(badOptions(['interface', 'family', 'scope', 'timeout', 'signal']),
    K({ interface: 'eth0; x' }, { interface: 'x'.repeat(16) }, { family: 'inet4' }, { scope: -1 }, { timeout: NaN }, { timeout: -3 }))] },
  { name: 'clone', async: true, call: (f, a) => C('stopped')(f).clone(...a), ok: ['copy', {}], bad: [badName, fc.oneof(badOptions(['lxcpath', 'bdevType', 'bdevtype', 'bdevData', 'snapshot', 'newSize', 'hookArgs', 'flags', 'signal']),
    G(() => ({ lxcpath: 'relative' }), () => ({ bdevData: INJECT }), () => ({ hookArgs: [INJECT] }), () => ({ hookArgs: holes() }), () => ({ newSize: -1 }),
      () => ({ bdevtype: 'evil' }), () => ({ flags: 2 ** 53 * 2 })))] },
  { name: 'snapshot', async: true, call: (f, a) => C('stopped')(f).snapshot(...a), ok: [undefined, {}], bad: [badPath, badOptions(['signal'])] },
  { name: 'snapshotRestore', async: true, call: (f, a) => C('stopped')(f).snapshotRestore(...a), ok: ['snap0', 'restored', {}], bad: [badName, badName, badOptions(['signal'])] },
  { name: 'snapshotDestroy', async: true, call: (f, a) => C('stopped')(f).snapshotDestroy(...a), ok: ['snap0'], bad: [badName] },
  { name: 'addDeviceNode', async: true, call: (f, a) => C('running')(f).addDeviceNode(...a), ok: ['/dev/null', undefined], bad: [badPath, badPath] },
  { name: 'removeDeviceNode', async: true, call: (f, a) => C('running')(f).removeDeviceNode(...a), ok: ['/dev/null', undefined], bad: [badPath, badPath] },
  { name: 'attachInterface', async: true, call: (f, a) => C('running')(f).attachInterface(...a), ok: ['nosuchif0', undefined], bad: [fc.oneof(notString, K('', 'x'.repeat(16), 'eth0;x', 'a/b', 'a b', '\uD800')), null] },
  { name: 'detachInterface', async: true, call: (f, a) => C('running')(f).detachInterface(...a), ok: ['nosuchif0', undefined], bad: [fc.oneof(notString, K('', 'x'.repeat(16), '../x', 'a\nb')), null] },
  { name: 'consoleGetFd', call: (f, a) => C('running')(f).consoleGetFd(...a), ok: [0], bad: [badInt([-2, 2 ** 31, 2 ** 53, -(2 ** 31)])] },
  { name: 'console', async: true, call: (f, a) => C('running')(f).console(...a), ok: [{}], bad: [fc.oneof(badOptions(['tty', 'stdinFd', 'stdoutFd', 'stderrFd', 'escape']),
    K({ tty: -2 }, { stdinFd: -1 }, { escape: 'ab' }, { escape: 'A' }, { escape: '\0' }, { tty: 1.5 }))] },
  { name: 'consoleLog', async: true, call: (f, a) => C('running')(f).consoleLog(...a), ok: [{}], bad: [fc.oneof(badOptions(['read', 'clear', 'readMax', 'encoding']),
    K({ readMax: -1 }, { readMax: 1.5 }, { encoding: 'hex' }))] },
  { name: 'checkpoint', async: true, call: (f, a) => C('running')(f).checkpoint(...a), ok: ['/tmp/ckpt-none', {}], bad: [badPath, badOptions(['stop', 'verbose'])] },
  { name: 'restore', async: true, call: (f, a) => C('stopped')(f).restore(...a), ok: ['/tmp/ckpt-none', {}], bad: [badPath, badOptions(['verbose', 'signal'])] },
  { name: 'migrate', async: true, call: (f, a) => C('running')(f).migrate(...a), ok: [lxc.MIGRATE_FEATURE_CHECK, { directory: '/tmp/ckpt-none' }],
    bad: [badInt([-1, 4, 99, 2 ** 32]), fc.oneof(badOptions(['directory', 'predumpDir', 'actionScript', 'pageserverAddress', 'ghostLimit']), K({}, { directory: 'rel' }, { directory: '/x', pageserverPort: INJECT }))] },
  { name: 'mount', async: true, call: (f, a) => C('running')(f).mount(...a), ok: ['/tmp', '/mnt', {}], bad: [badPath, badPath, fc.oneof(badOptions(['fsType', 'fstype', 'flags', 'data']),
    K({ fsType: 'ext4 -o x' }, { fstype: 'ext4 -o x' }, { flags: -1 }, { data: INJECT }))] },
  { name: 'umount', async: true, call: (f, a) => C('running')(f).umount(...a), ok: ['/mnt', {}], bad: [badPath, fc.oneof(badOptions(['flags']), K({ flags: -1 }, { flags: 0.5 }))] },
  { name: 'getConfigItem', call: (f, a) => C('stopped')(f).getConfigItem(...a), ok: ['lxc.uts.name'], bad: [badKey] },
  { name: 'getConfigList', call: (f, a) => C('stopped')(f).getConfigList(...a), ok: ['lxc.uts.name'], bad: [badKey] },
  { name: 'setConfigItem', call: (f, a) => C('stopped')(f).setConfigItem(...a), ok: ['lxc.uts.name', 'ok'], bad: [badKey, badValue] },
  { name: 'appendConfigItem', call: (f, a) => C('stopped')(f).appendConfigItem(...a), ok: ['lxc.environment', 'A=1'], bad: [badKey, badValueString] },
  { name: 'clearConfigItem', call: (f, a) => C('stopped')(f).clearConfigItem(...a), ok: ['lxc.environment'], bad: [badKey] },
  { name: 'getKeys', call: (f, a) => C('stopped')(f).getKeys(...a), ok: ['lxc.net.0'], bad: [badKey.filter((g) => g() !== 'lxc.no.such.key' && g() !== 'lxc.hook.evil')] },
  { name: 'getRunningConfigItem', call: (f, a) => C('running')(f).getRunningConfigItem(...a), ok: ['lxc.uts.name'], bad: [badKey] },
  { name: 'getCgroupItem', call: (f, a) => C('running')(f).getCgroupItem(...a), ok: ['pids.current'], bad: [fc.oneof(notString, K('', 'pids', '../pids.max', 'pids.max\n', '/sys/x', 'pids/../../x', 'a.' + 'b'.repeat(MiB)))] },
  { name: 'setCgroupItem', call: (f, a) => C('running')(f).setCgroupItem(...a), ok: ['pids.max', 'max'], bad: [fc.oneof(notString, K('', '../cgroup.procs', 'pids.max\nx')), badValue] },
  { name: 'saveConfig', call: (f, a) => C('stopped')(f).saveConfig(...a), ok: [undefined], bad: [badPath] },
  { name: 'loadConfig', call: (f, a) => C('stopped')(f).loadConfig(...a), ok: [undefined], bad: [badPath] },
  { name: 'setTimeout', call: (f, a) => C('stopped')(f).setTimeout(...a), ok: [5], bad: [badInt([0, -2, 0.5])] },
  { name: 'setMemoryLimit', call: (f, a) => C('running')(f).setMemoryLimit(...a), ok: [null], bad: [badInt([-1, 2 ** 64, -(2 ** 53)]).filter((g) => g() !== null)] },
  { name: 'setConfigPath', call: (f, a) => C('fresh')(f).setConfigPath(...a), ok: ['/tmp'], bad: [badPath] },
  { name: 'network.add', call: (f, a) => C('stopped')(f).network.add(...a), ok: ['empty'], bad: [badValue] },
  { name: 'network.remove', call: (f, a) => C('stopped')(f).network.remove(...a), ok: [0], bad: [fc.oneof(badInt([-1, 99, 0.5]), K('length', '0', '1e0'))] },
  { name: 'network[0].set', call: (f, a) => C('stopped')(f).network[0].set(...a), ok: ['link', 'x'], bad: [fc.oneof(notString, K('', 'link\nlxc.hook', '../x', 'toString', '__proto__', 'constructor')), badValue] },
  { name: 'AttachedProcess.kill', call: (f, a) => f.proc.kill(...(a as [])), ok: ['SIGCONT'], bad: [fc.oneof(alien, func, K('SIGBOGUS', 'sigterm', '', -1, 1.5, 99999, NaN, null, {}))] },
  { name: 'AttachedProcess.lines', call: (f, a) => f.proc.lines(...(a as [])), ok: ['stdout'], bad: [fc.oneof(notString, K('stdin', 'STDOUT', ''))] },
  { name: 'versionAtLeast', call: (_f, a) => lxc.versionAtLeast(...(a as [number])), ok: [4, 0, 0], bad: [badInt([-1]), badInt([-1]), badInt([-1])] },
  { name: 'getGlobalConfigItem', call: (_f, a) => lxc.getGlobalConfigItem(...(a as [string])), ok: ['lxc.lxcpath'], bad: [badKey.filter((g) => g() !== 'lxc.no.such.key' && g() !== 'lxc.hook.evil')] },
  { name: 'hasApiExtension', call: (_f, a) => lxc.hasApiExtension(...(a as [string])), ok: ['mount_injection_file'], bad: [fc.oneof(notString, K('', 'a b', '../x', 'x\0', 'X', 'toString'))] },
  { name: 'isConfigItemSupported', answersFalse: true, call: (_f, a) => lxc.isConfigItemSupported(...(a as [string])), ok: ['lxc.uts.name'], bad: [badKey] },
  { name: 'listContainers', call: (_f, a) => lxc.listContainers(...(a as [])), ok: [{}], bad: [fc.oneof(badOptions(['lxcpath', 'active', 'defined']), badPath.map((g) => () => ({ lxcpath: g() })))] },
  { name: 'containers', call: (_f, a) => lxc.containers(...(a as [])), ok: [{}], bad: [badOptions(['lxcpath', 'active', 'defined'])] },
  { name: 'archToPersonality', call: (_f, a) => lxc.archToPersonality(...(a as [string])), ok: ['x86_64'], bad: [fc.oneof(notString, K('', 'toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf', 'X86_64', 'x86_64\n'))] },
  { name: 'logInit', call: (_f, a) => lxc.logInit(...(a as [never])), ok: [{ file: '/dev/null' }], bad: [fc.oneof(badOptions(['file', 'level', 'prefix', 'quiet']),
    K({ file: 'rel' }, { file: '/tmp/x', level: 'LOUD' }, { file: '/tmp/x', level: 'toString' }, { file: '/tmp/x', prefix: 'a b' }, { file: '/tmp/x', prefix: 'x'.repeat(33) }))] },
  { name: 'watch', call: (_f, a) => lxc.watch(...(a as [])), ok: [{}], bad: [fc.oneof(badOptions(['lxcpath', 'names', 'signal']), G(() => ({ names: ['../x'] }),
    () => ({ names: 'x' }), () => ({ names: holes() }), () => ({ lxcpath: 'rel' }), () => ({ signal: {} })))] },
];

// ---- the run -----------------------------------------------------------------------------------

/** Entries of the places outside the lxcpath where a leak would show, to compare before and after. */
function outside(lxcpath: string): Set<string> {
  const out = new Set<string>();
  for (const dir of [dirname(lxcpath), lxc.defaultConfigPath, '/run/lxc', '/run/lxc/lock', '/var/log/lxc', '/var/cache/lxc', '/']) {
    if (!existsSync(dir)) continue;
    for (const n of readdirSync(dir)) out.add(`${dir}/${n}`);
  }
  return out;
}
/** Names a hostile input could have given a file or directory. */
const HOSTILE_NAME = /evil|renamed|restored|\uFFFD|^lone|tail$|^ckpt-none$/;

/** How a call ended: its value, or what it threw (sync) or rejected with. */
async function outcome(e: Entry, f: Fixture, args: unknown[]): Promise<{ value?: unknown; error?: unknown; sync: boolean }> {
  let r: unknown;
  try {
    r = e.call(f, args);
  } catch (error) {
    return { error, sync: true };
  }
  if (r instanceof Promise) {
    try {
      return { value: await within(DEADLINE_MS, e.name, r), sync: false };
    } catch (error) {
      return { error, sync: false };
    }
  }
  return { value: r, sync: true };
}

function describe(v: unknown): string {
  try {
    if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 40)}…(${v.length})` : v);
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'symbol') return v.toString();
    if (typeof v === 'function') return `fn ${v.name || 'anonymous'}`;
    if (v && typeof v === 'object') {
      if (Object.getPrototypeOf(v) !== Object.prototype && !Array.isArray(v)) return `${v.constructor?.name ?? 'null-proto'} ${JSON.stringify(v)?.slice(0, 60)}`;
      return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : typeof x === 'symbol' ? x.toString() : typeof x === 'string' && x.length > 60 ? `${x.slice(0, 40)}…(${x.length})` : x))?.slice(0, 120) ?? String(v);
    }
    return String(v);
  } catch {
    return '<unprintable: throws>';
  }
}

t.test('hostile-input corpus', { timeout: 600_000 }, async (t) => {
  const started = Date.now();
  const lxcpath = tempLxcpath(t);
  const before = outside(lxcpath);
  const stopped = await busybox(lxcpath, 'stopped');
  const running = await busybox(lxcpath, 'running');
  const fresh = new lxc.Container('fresh', lxcpath);
  await within(60_000, 'start', running.start());
  const proc = await within(30_000, 'attach sleep', running.attach(['sleep', '600'], { stdout: 'pipe', stdin: 'ignore', stderr: 'ignore' }));
  const f: Fixture = { lxcpath, stopped, running, fresh, proc };
  // A hostile checkpoint() that got through would make the ok directory: it goes whatever happens.
  t.teardown(() => rmSync('/tmp/ckpt-none', { recursive: true, force: true }));
  t.teardown(() => { proc.kill('SIGKILL'); for (const c of [stopped, running, fresh]) c.release(); });
  const config0 = readFileSync(stopped.configFileName, 'utf8');

  let count = 0;
  const byKind = new Map<string, number>();
  const typeErrors: string[] = [];
  const slow: string[] = [];
  for (const e of entries) {
    for (const [i, bad] of e.bad.entries()) {
      if (bad === null) continue;
      const label = `${e.name} arg ${i}`;
      let failure = '';
      await fc.assert(fc.asyncProperty(bad, async (v) => {
        count++;
        failure = '';
        const args = e.ok.slice();
        args[i] = v();
        const what = `${e.name}(${args.map(describe).join(', ')})`;
        const t0 = Date.now();
        const o = await outcome(e, f, args);
        if (Date.now() - t0 > 2000) slow.push(`${what}: ${Date.now() - t0} ms`);
        const err = o.error;
        function fail(m: string): never { failure = m; throw new Error(m); }
        if (e.answersFalse && err === undefined) {
          if (o.value !== false) fail(`${what} answered ${describe(o.value)}, not false`);
          return;
        }
        if (err === undefined) fail(`${what} was accepted (gave ${describe(o.value)}): bad input must be EINVAL`);
        if (err instanceof Error && /\(hung\)$/.test(err.message)) fail(`${what} hung`);
        if (e.async && o.sync) fail(`${what} threw synchronously (${describe((err as Error)?.message)}); a Promise-returning method must reject`);
        if (err instanceof TypeError) { typeErrors.push(`${what}: ${err.message}`); byKind.set('TypeError', (byKind.get('TypeError') ?? 0) + 1); return; }
        if (!(err instanceof lxc.LxcError)) fail(`${what} threw ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`);
        if (err.code !== 'EINVAL') fail(`${what} gave ${err.code}, not EINVAL: ${err.message}`);
        byKind.set('EINVAL', (byKind.get('EINVAL') ?? 0) + 1);
      }), { seed: SEED + i, numRuns: RUNS, endOnFailure: true }).catch((x: Error) => {
        t.fail(`${label}: ${failure || x.message.split('\n')[0]}`);
      });
    }
  }
  console.log(`# corpus: ${count} cases over ${entries.length} entry points, seed ${SEED}, ${((Date.now() - started) / 1000).toFixed(1)} s; ${JSON.stringify(Object.fromEntries(byKind))}`);
  if (slow.length) console.log(`# slow cases (> 2 s):\n#   ${slow.join('\n#   ')}`);
  if (typeErrors.length) console.log(`# TypeErrors from JS:\n#   ${typeErrors.slice(0, 20).join('\n#   ')}`);
  t.ok(count >= 200, `at least 200 cases (${count})`);

  // The bugs the corpus found, each pinned by its first counterexample (docs/reliability.md).
  const einval = { name: 'LxcError', code: 'EINVAL' };
  await t.rejects(stopped.start(proxy() as never), einval, 'a Proxy as options rejects EINVAL (it threw the trap\'s Error, synchronously)');
  await t.rejects(running.wait('RUNNING', 0, getterThrows('signal') as never), { ...einval, message: /cannot be read/, cause: { message: 'getter signal' } }, 'a throwing getter is EINVAL, its error the cause');
  t.throws(() => new lxc.Container('ok', proxy() as never), einval, 'the constructor too');
  t.throws(() => new lxc.Container('lone\uD800', lxcpath), { ...einval, message: /surrogate/ }, 'a lone surrogate in a name (it reached C as U+FFFD)');
  t.throws(() => stopped.saveConfig('/tmp/\uD800'), { ...einval, message: /surrogate/ }, 'and in a path');
  await t.rejects(stopped.snapshotRestore('snap0', '\uDC00x'), einval, 'and in a new name');
  const env = stopped.getConfigItem('lxc.environment');
  t.throws(() => stopped.setConfigItem('lxc.environment', [, 'A=1'] as never), { ...einval, message: /value\[0\]/ }, 'a hole in a list value (it reached C as NULL and cleared the list)');
  t.equal(stopped.getConfigItem('lxc.environment'), env, 'the list is unchanged');
  t.throws(() => stopped.network.remove('length' as never), einval, "network.remove('length') (it removed a nic past the end)");
  t.throws(() => stopped.network.remove('0' as never), einval, "network.remove('0') (it removed nic 0)");
  t.throws(() => proc.kill('SIGBOGUS' as never), einval, 'an unknown signal (kill ignored it silently)');
  t.throws(() => proc.kill((() => 9) as never), einval);
  await t.rejects(stopped.snapshot(undefined, new String('') as never), { ...einval, message: /plain object/ }, 'a boxed empty string as options (zod took it for {}: the snapshot was made)');
  t.throws(() => new lxc.Container('ok', /re/ as never), { ...einval, message: /plain object/ }, 'a RegExp as options (taken for {})');
  t.throws(() => lxc.archToPersonality('toString'), einval, "archToPersonality('toString') (it answered Object.prototype.toString)");
  t.throws(() => lxc.watch({ names: [, 'x'] as never }), einval, 'a hole in watch names (it was skipped and the watch started)');
  t.throws(() => running.consoleGetFd(2 ** 31), einval, 'a tty number past C int (it wrapped to another tty)');
  await t.rejects(fresh.create('busybox', {}, { quiet: true, templateArgs: ['-n', 'evil'] }), einval, 'templateArgs -n (the short --name: the container was created)');
  await t.rejects(fresh.create('busybox', {}, { quiet: true, templateArgs: ['-p/'] }), einval, 'templateArgs -p');

  // The process and the containers survived, unchanged where bad input was refused.
  t.equal(stopped.state, 'STOPPED');
  t.equal(running.state, 'RUNNING');
  t.equal(fresh.defined, false, 'no hostile create defined the container');
  t.equal(stopped.getConfigItem('lxc.hook.pre-start'), '', 'no hook in memory');
  stopped.saveConfig();
  const config1 = readFileSync(stopped.configFileName, 'utf8');
  t.notMatch(config1, /evil|lxc\.hook/, 'no injected line in the saved config');
  t.same(config1.split('\n').filter((l) => !/^lxc\.uts\.name|^lxc\.environment|^lxc\.net/.test(l)), config0.split('\n').filter((l) => !/^lxc\.uts\.name|^lxc\.environment|^lxc\.net/.test(l)), 'the config holds the lines it held');
  t.notMatch(readFileSync(running.configFileName, 'utf8'), /evil|lxc\.hook/);
  t.same(readdirSync(lxcpath).sort(), ['running', 'stopped'], 'only the two containers in the lxcpath');
  t.notOk(listTree(lxcpath).some((p) => HOSTILE_NAME.test(basename(p)) && !/^(running|stopped)\/rootfs\//.test(p)), 'no file named by a hostile input in the lxcpath');
  const appeared = [...outside(lxcpath)].filter((p) => !before.has(p) && !p.includes(basename(lxcpath)));
  t.same(appeared.filter((p) => HOSTILE_NAME.test(basename(p))), [], `nothing named by a hostile input appeared outside the lxcpath (new there meanwhile, others' included: ${appeared.length})`);
  t.notOk(existsSync('/tmp/ckpt-none'), 'no checkpoint directory made');
});

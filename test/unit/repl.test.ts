// The REPL's pieces that need no liblxc (lib/repl/format.ts, lib/repl/complete.ts,
// lib/repl/argv.ts, lib/repl/version.ts), and the util.inspect forms of LxcError and the network
// view; test/integration/repl.test.ts drives the REPL itself on a terminal.
import t from 'tap';
import { inspect } from 'node:util';
import { lsTable, infoText, humanBytes, paintState } from '../../lib/repl/format.js';
import { completeName, completeDir } from '../../lib/repl/complete.js';
import { splitArgs, parseCommand, createArgs, imageArch, lxcpathOf, usage } from '../../lib/repl/argv.js';
import { packageVersion, versionLine } from '../../lib/repl/version.js';
import { readFileSync } from 'node:fs';
import { LxcError } from '../../lib/errors.js';
import { NetworkList, type ConfigAccess } from '../../lib/net/list.js';

t.test('.ls table: aligned columns, plain without a TTY, coloured states on one', async (t) => {
  const rows = [
    { name: 'web', state: 'RUNNING', pid: 4242, ips: ['10.0.3.5', 'fd00::5'], lxcpath: '/var/lib/lxc' },
    { name: 'database', state: 'STOPPED', pid: -1, ips: [], lxcpath: '/var/lib/lxc' },
  ];
  t.equal(lsTable(rows, false), [
    'NAME      STATE    PID   IPS                LXCPATH',
    'web       RUNNING  4242  10.0.3.5, fd00::5  /var/lib/lxc',
    'database  STOPPED  -     -                  /var/lib/lxc',
  ].join('\n'));
  const coloured = lsTable(rows, true);
  t.match(coloured, '\x1b[32mRUNNING\x1b[39m', 'RUNNING green');
  t.match(coloured, '\x1b[2mSTOPPED\x1b[22m', 'STOPPED dim');
  t.equal(coloured.replace(/\x1b\[\d+m/g, ''), lsTable(rows, false), 'colours do not shift the columns');
  t.equal(lsTable([], false), '(no containers)');
  t.equal(paintState('WEIRD', true), 'WEIRD', 'an unknown state is left plain');
});

t.test('.info lines as lxc-info lays them out', async (t) => {
  const text = infoText({
    name: 'web', state: 'RUNNING', pid: 4242, ips: ['10.0.3.5'], lxcpath: '/var/lib/lxc', configFile: '/var/lib/lxc/web/config',
    cpu: 1_500_000_000, memory: 3 * 1024 * 1024, memoryLimit: null, kernelMemory: null, io: 2048,
    links: [{ name: 'eth0', rxBytes: 100, txBytes: 1536 }],
  }, false);
  t.equal(text, [
    'Name:           web',
    'State:          RUNNING',
    'PID:            4242',
    'IP:             10.0.3.5',
    'CPU use:        1.50 seconds',
    'BlkIO use:      2.00 KiB',
    'Memory use:     3.00 MiB',
    'Link:           eth0',
    ' RX bytes:      100 bytes',
    ' TX bytes:      1.50 KiB',
    'Lxcpath:        /var/lib/lxc',
    'Config:         /var/lib/lxc/web/config',
  ].join('\n'));
  const stopped = infoText({ name: 'db', state: 'STOPPED', pid: -1, ips: [], lxcpath: '/l', configFile: '/l/db/config' }, false);
  t.notMatch(stopped, /PID|Memory/, 'a stopped container has no pid or figures');
  t.equal(humanBytes(1024 ** 3 * 1.25), '1.25 GiB');
});

t.test('container names complete inside new lxc.Container(\' and after .attach / .info', async (t) => {
  const names = ['web', 'web2', 'db'];
  t.same(completeName("const c = new lxc.Container('d", names, '/var/lib/lxc', '/var/lib/lxc'), [["db')"], 'd'], 'a single match closes the call');
  t.same(completeName("new lxc.Container('d", names, '/tmp/l', '/var/lib/lxc'), [["db', '/tmp/l')"], 'd'], 'another lxcpath is passed along');
  t.same(completeName('new lxc.Container("d', names, '/tmp/l', '/var/lib/lxc'), [['db", "/tmp/l")'], 'd'], 'the quote typed is kept');
  t.same(completeName("new lxc.Container('we", names, '/var/lib/lxc', '/var/lib/lxc'), [['web', 'web2'], 'we'], 'several: the names');
  t.same(completeName("new Container('", names, '/var/lib/lxc', '/var/lib/lxc'), [names, ''], 'an imported Container too');
  t.same(completeName('.attach w', names, '/l', '/l'), [['web', 'web2'], 'w']);
  t.same(completeName('.info ', names, '/l', '/l'), [names, '']);
  for (const cmd of ['start', 'stop', 'destroy', 'console']) t.same(completeName(`.${cmd} d`, names, '/l', '/l'), [['db'], 'd'], `after .${cmd}`);
  t.equal(completeName('.create w', names, '/l', '/l'), null, 'not after .create: its name is a new one');
  t.equal(completeName('.stop web --k', names, '/l', '/l'), null, 'only the first word');
  t.equal(completeName('lxc.Cont', names, '/l', '/l'), null, "elsewhere Node's completer answers");
  t.equal(completeName("new lxc.Container('web', '", names, '/l', '/l'), null, 'not in the second argument');
});

t.test('LxcError prints code, op, container and the caller, not its log', async (t) => {
  const e = new LxcError('ESTART', 'start "web": no init', { op: 'start', container: 'web', lxcpath: '/var/lib/lxc', log: ['l1', 'l2', 'l3'] });
  const lines = inspect(e).split('\n');
  t.equal(lines[0], 'LxcError [ESTART]: start "web": no init');
  t.match(lines[1], /^\s+at .*repl\.test\.ts/, "the frame is the caller's");
  t.equal(lines[2], "{ code: 'ESTART', op: 'start', container: 'web', lxcpath: '/var/lib/lxc', log: [3 lines] }");
  t.equal(lines.length, 3, 'three lines, whatever the log holds');
  t.equal(inspect(new LxcError('EFD', 'f', { op: 'initPidFd', errno: 9 })).split('\n')[2], "{ code: 'EFD', op: 'initPidFd', errno: 9 }");
});

t.test('NetworkList and NetworkInterface print their nics and items', async (t) => {
  const items = new Map(Object.entries({ 'lxc.net.0.type': 'veth', 'lxc.net.0.link': 'br0', 'lxc.net.0.veth.pair': '', 'lxc.net.0.l2proxy': '1', 'lxc.net.2.type': 'empty' }));
  const nics = () => [...new Set([...items.keys()].map((k) => Number(/^lxc\.net\.(\d+)\./.exec(k)![1])))].sort();
  const config: ConfigAccess = {
    getConfigItem: (k) => (k === 'lxc.net' ? nics().map((n) => items.get(`lxc.net.${n}.type`)).join('\n') : items.get(k) ?? ''),
    tryConfigItem: (k) => (nics().includes(Number(/^lxc\.net\.(\d+)\./.exec(k)?.[1])) ? items.get(k) ?? '' : undefined),
    setConfigItem: (k, v) => void items.set(k, v),
    clearConfigItem: (k) => void items.delete(k),
    getKeys: (p) => [...items.keys()].filter((k) => k.startsWith(`${p}.`)).map((k) => k.slice(p.length + 1)),
  };
  const list = new NetworkList(config);
  t.equal(inspect(list[0]), "NetworkInterface { index: 0, type: 'veth', link: 'br0', l2proxy: '1' }", 'set items by property name; empty ones left out');
  t.equal(inspect(list, { breakLength: Infinity }), "NetworkList(2) [ NetworkInterface { index: 0, type: 'veth', link: 'br0', l2proxy: '1' }, NetworkInterface { index: 2, type: 'empty' } ]");
  t.notMatch(inspect(list, { depth: 5 }), /config|Function|Proxy/, 'no internals');
  t.equal(inspect({ a: { b: list } }, { depth: 1 }), '{ a: { b: [NetworkList(2)] } }', 'past the depth: a summary');
});

t.test('directories complete after .lxcpath and .ls', async (t) => {
  const tree: Record<string, string[]> = { '': ['lxc', 'lib', '.hidden', 'test'], '/srv/': ['lxc', 'www'], 'lib/': ['repl'] };
  const dirsOf = (d: string) => tree[d] ?? [];
  t.same(completeDir('.lxcpath /srv/l', dirsOf), [['/srv/lxc/'], '/srv/l']);
  t.same(completeDir('.ls l', dirsOf), [['lib/', 'lxc/'], 'l'], 'relative: from the working directory');
  t.same(completeDir('.ls lib/', dirsOf), [['lib/repl/'], 'lib/']);
  t.same(completeDir('.lxcpath ', dirsOf), [['lib/', 'lxc/', 'test/'], ''], 'hidden ones left out');
  t.same(completeDir('.lxcpath .h', dirsOf), [['.hidden/'], '.h'], '...until a dot is typed');
  t.same(completeDir('.ls /nowhere/x', dirsOf), [[], '/nowhere/x']);
  t.equal(completeDir('.info l', dirsOf), null);
  t.equal(completeDir('.ls a b', dirsOf), null, 'one path only');
});

t.test('dot command arguments: words split as quoted, no shell', async (t) => {
  t.same(splitArgs('  web  download --dist debian '), ['web', 'download', '--dist', 'debian']);
  t.same(splitArgs(`a 'b c' "d \\"e\\" \\\\" f\\ g`), ['a', 'b c', 'd "e" \\', 'f g']);
  t.same(splitArgs(`x'$(y)'"$HOME"`), ['x$(y)$HOME'], 'nothing is expanded');
  t.same(splitArgs("''"), [''], 'an empty word');
  t.same(splitArgs(''), []);
  t.throws(() => splitArgs("'open"), /unterminated ' quote/);
  t.throws(() => splitArgs('"open'), /unterminated " quote/);
});

t.test('dot command arguments: positionals and options against a spec', async (t) => {
  const stop = { positionals: ['NAME'], options: { timeout: 'S', kill: true as const } };
  t.same(parseCommand('stop', 'web --timeout 10', stop), { positionals: ['web'], options: { timeout: '10' } });
  t.same(parseCommand('stop', '--kill web', stop), { positionals: ['web'], options: { kill: true } });
  t.same(parseCommand('stop', 'web --timeout=5', stop).options, { timeout: '5' });
  t.equal(usage('stop', stop), 'usage: .stop NAME [--timeout S] [--kill]');
  t.throws(() => parseCommand('stop', '', stop), { message: 'usage: .stop NAME [--timeout S] [--kill]' }, 'no name');
  t.throws(() => parseCommand('stop', 'a b', stop), { message: 'usage: .stop NAME [--timeout S] [--kill]' }, 'two names');
  t.throws(() => parseCommand('stop', 'web --force', stop), { message: "Unknown option '--force'; usage: .stop NAME [--timeout S] [--kill]" });
  t.throws(() => parseCommand('stop', 'web --timeout', stop), /^Option '--timeout <value>' argument missing; usage/);
  t.same(parseCommand('ls', '', { positionals: ['PATH?'] }).positionals, [], 'an optional positional');
  t.equal(usage('ls', { positionals: ['PATH?'] }), 'usage: .ls [PATH]');
  for (const bad of ['web --nope', 'web --timeout', 'web --kill=x', '']) {
    t.throws(() => parseCommand('stop', bad, stop), { message: /^[^\n]+$/ }, `one line for "${bad}"`);
  }
});

t.test('.create arguments: name, template (busybox), template options camelCased', async (t) => {
  t.same(createArgs('web'), { name: 'web', template: 'busybox', templateOptions: {} }, 'busybox by default');
  t.same(createArgs('web download --dist debian --release bookworm --arch arm64', 'x64'),
    { name: 'web', template: 'download', templateOptions: { dist: 'debian', release: 'bookworm', arch: 'arm64' } });
  t.same(createArgs('web download --dist debian --release=bookworm --flush-cache', 'x64').templateOptions,
    { dist: 'debian', release: 'bookworm', flushCache: true, arch: 'amd64' }, '--k=v, a flag, the host\'s arch');
  t.same(createArgs('web download --dist debian --release bookworm', 'mips').templateOptions, { dist: 'debian', release: 'bookworm' }, 'no arch guessed for an unknown one');
  t.same(createArgs('db ubuntu --packages "curl,vim" --force-cache').templateOptions, { packages: 'curl,vim', forceCache: true });
  t.throws(() => createArgs(''), { message: 'usage: .create NAME [TEMPLATE] [--OPTION VALUE ...]' });
  t.throws(() => createArgs('a b c'), { message: 'usage: .create NAME [TEMPLATE] [--OPTION VALUE ...]' });
  t.throws(() => createArgs('web download --dist debian'), /^usage: \.create NAME download --dist DIST --release RELEASE/);
  t.throws(() => createArgs('web --=x'), /an option is --NAME VALUE/);
  t.equal(imageArch('x64'), 'amd64');
  t.equal(imageArch('ia32'), 'i386');
  t.equal(imageArch('nope'), undefined);
});

t.test('lxcpaths typed in the REPL resolve from the working directory', async (t) => {
  t.equal(lxcpathOf('./lxc', '/home/alice'), '/home/alice/lxc');
  t.equal(lxcpathOf('lxc/../srv', '/home/alice'), '/home/alice/srv');
  t.equal(lxcpathOf('/srv/lxc/', '/home/alice'), '/srv/lxc', 'absolute: normalised, not moved');
});

t.test('--version: the package version from package.json, liblxc\'s or why it did not load', async (t) => {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  t.equal(packageVersion(), version);
  t.equal(versionLine('5.0.2'), `lxc-ffi ${version} (liblxc 5.0.2)`);
  t.equal(versionLine({ error: 'liblxc.so.1: cannot open shared object file' }), `lxc-ffi ${version} (liblxc not loaded: liblxc.so.1: cannot open shared object file)`);
});

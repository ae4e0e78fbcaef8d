// Attach on real busybox containers: commands, captured output, options, functions in the
// attached Node worker, sessions, and the host's node binary out of reach.
import t from 'tap';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, readlinkSync, statSync, writeFileSync, openSync, closeSync, writeSync, ftruncateSync } from 'node:fs';
import { hostname } from 'node:os';
import * as lxc from '../../lib/index.js';
import * as libc from '../../ffi/libc.js';
import { asRoot, tempLxcpath, busybox, idmappedBusybox, writeRootfs } from '../helpers.js';

let c: lxc.Container;

t.before(async () => {
  const lxcpath = tempLxcpath(t);
  c = await busybox(lxcpath, 'att');
  writeRootfs(c, lxcpath, 'etc/hostname', 'container-att\n');
  await c.start();
  t.teardown(() => c.release());
});

t.test('exit codes and death by signal', async (t) => {
  t.equal(await c.attachWait(['true'], { stdout: 'ignore' }), 0);
  t.equal(await c.attachWait(['false']), 1);
  t.equal(await c.attachWait(lxc.attachRunCommand, ['sh', '-c', 'exit 42']), 42, 'python-style marker');
  t.same(await c.exec(['sh', '-c', 'exit 42']), { exitCode: 42, stdout: '', stderr: '' });
  const killed = await c.exec(['sh', '-c', 'kill -KILL $$']);
  t.equal(killed.exitCode, null);
  t.equal(killed.signal, 'SIGKILL');
  t.equal(await c.attachWait(['sh', '-c', 'kill -TERM $$']), 128 + 15, 'attachWait: 128 + signal');
  await t.rejects(c.exec(['/no/such/program']).then((r) => { if (r.exitCode !== 0) throw Object.assign(new Error('failed'), { code: r.exitCode }); }), { code: 127 }, 'a missing program exits 127 (liblxc execvp failure)');
  // Node ignores SIGPIPE and SIGXFSZ; commands must not inherit that (yes | head would spin forever).
  t.match((await c.exec(['grep', 'SigIgn', '/proc/self/status'])).stdout, /^SigIgn:\s+0+$/m, 'no signal ignored in an attached command');
  t.same(await c.exec(['sh', '-c', 'yes | head -c 5']), { exitCode: 0, stdout: 'y\ny\ny', stderr: '' }, 'yes dies of SIGPIPE');
  const mine = readFileSync('/proc/self/status', 'utf8').match(/^Sig(Ign|Cgt|Blk):.*$/gm);
  await c.exec(['true']);
  t.same(readFileSync('/proc/self/status', 'utf8').match(/^Sig(Ign|Cgt|Blk):.*$/gm), mine, "this process's own signal dispositions and mask are back as they were");
  await t.rejects(c.exec([]), { code: 'EINVAL', message: /argv/ });
  await t.rejects(c.exec(['a\0b']), { code: 'EINVAL', message: /argv/ });
});

t.test('1 MiB of stdout and of stderr, intact, and stdin input', async (t) => {
  const mib = 1024 * 1024;
  const r = await c.exec(['sh', '-c', `yes 0123456789abcdef 2>/dev/null | head -c ${mib}; yes ZYXWVUTSRQPONMLK 2>/dev/null | head -c ${mib} >&2`]);
  t.equal(r.exitCode, 0);
  t.equal(r.stdout.length, mib, 'stdout length');
  t.equal(r.stderr.length, mib, 'stderr length');
  t.equal(r.stdout, '0123456789abcdef\n'.repeat(mib / 17 + 1).slice(0, mib), 'stdout content');
  t.equal(r.stderr, 'ZYXWVUTSRQPONMLK\n'.repeat(mib / 17 + 1).slice(0, mib), 'stderr content');
  const big = 'x'.repeat(mib);
  const echoed = await c.exec(['cat'], { input: big });
  t.equal(echoed.stdout.length, mib, '1 MiB through stdin and back');
  t.equal((await c.exec(['wc', '-c'], { input: Buffer.from('hello') })).stdout.trim(), '5');
});

t.test('environment, cwd, uid and gid', async (t) => {
  process.env.LXC_FFI_HOST_VAR = 'from-host';
  t.teardown(() => { delete process.env.LXC_FFI_HOST_VAR; });
  t.equal((await c.exec(['sh', '-c', 'echo $LXC_FFI_HOST_VAR'])).stdout, 'from-host\n', 'env keep (default)');
  t.equal((await c.exec(['sh', '-c', 'echo "[$LXC_FFI_HOST_VAR]"'], { env: 'clear' })).stdout, '[]\n', 'env clear');
  t.equal((await c.exec(['sh', '-c', 'echo $LXC_FFI_HOST_VAR'], { env: 'clear', keepEnv: ['LXC_FFI_HOST_VAR'] })).stdout, 'from-host\n', 'keepEnv');
  t.equal((await c.exec(['sh', '-c', 'echo $A-$B'], { extraEnv: { A: '1', B: 'two words' } })).stdout, '1-two words\n', 'extraEnv');
  // Each call sees the environment as it is at that call, whatever the runner saw before.
  const seen = async () => (await c.exec(['sh', '-c', 'echo "[$LXC_FFI_HOST_VAR]"'])).stdout.trim();
  process.env.LXC_FFI_HOST_VAR = 'second';
  t.equal(await seen(), '[second]', 'a changed value');
  process.env.LXC_FFI_HOST_VAR = 'from-host';
  t.equal(await seen(), '[from-host]', 'an earlier value again');
  delete process.env.LXC_FFI_HOST_VAR;
  t.equal(await seen(), '[]', 'a deleted variable');
  process.env.LXC_FFI_HOST_VAR = 'from-host';
  t.equal((await c.exec(['pwd'], { cwd: '/tmp' })).stdout, '/tmp\n');
  t.equal((await c.exec(['sh', '-c', 'id -u; id -g'], { uid: 1000, gid: 1001 })).stdout, '1000\n1001\n');
  t.equal((await c.exec(['id', '-u'])).stdout, '0\n', 'root by default');
  if (lxc.versionAtLeast(4, 0, 7)) {
    t.equal((await c.exec(['id', '-G'], { uid: 1000, gid: 1000, groups: [1000, 27, 44] })).stdout.trim(), '1000 27 44', 'supplementary groups');
  } else {
    await t.rejects(c.exec(['id', '-G'], { uid: 1000, gid: 1000, groups: [1000, 27, 44] }), { message: /options\.groups needs liblxc 4\.0\.7/ }, `groups refused by liblxc ${lxc.version} (attach_options_t has them from 4.0.7)`);
  }
  const confined = (await c.exec(['cat', '/proc/self/cgroup'])).stdout;
  const elevated = (await c.exec(['cat', '/proc/self/cgroup'], { elevatedPrivileges: true })).stdout;
  t.notMatch(confined, /\.\./, 'by default the process is moved into the container cgroup');
  t.match(elevated, /\.\./, "elevatedPrivileges leaves it in the caller's cgroup (outside the container's cgroup namespace root)");
  const capsDefault = (await c.exec(['grep', 'CapBnd', '/proc/self/status'])).stdout;
  const capsElevated = (await c.exec(['grep', 'CapBnd', '/proc/self/status'], { elevatedPrivileges: true })).stdout;
  t.not(capsDefault, capsElevated, 'and keeps the capabilities the container drops');
  await t.rejects(c.exec(['true'], { extraEnv: { 'A=B': 'x' } }), { code: 'EINVAL', message: /extraEnv/ });
  await t.rejects(c.exec(['true'], { uid: -3 }), { code: 'EINVAL', message: /uid/ });
  await t.rejects(c.exec(['true'], { cwd: 'relative' }), { code: 'EINVAL', message: /cwd/ });
  await t.rejects(c.exec(['true'], { flags: 0, elevatedPrivileges: true }), { code: 'EINVAL', message: /elevatedPrivileges cannot be combined with options.flags/ }, 'two ways to say which privilege bits: neither wins silently');
  await t.rejects(c.exec(['true'], { namespaces: ['bogus'] } as never), { code: 'EINVAL', message: /namespaces/ });
});

t.test('a namespace subset: net and uts only', async (t) => {
  const inside = (await c.exec(['sh', '-c', 'readlink /proc/self/ns/uts; readlink /proc/self/ns/net'])).stdout.trim().split('\n');
  // A normal user joins them from inside the container's user namespace (the kernel's rule).
  const userns: lxc.Namespace[] = asRoot ? [] : ['user'];
  // No mount namespace: the command runs from the host's filesystem, inside the container's uts and net.
  const r = await c.exec(['readlink', '/proc/self/ns/uts', '/proc/self/ns/net', '/proc/self/ns/pid'], { namespaces: ['net', 'uts', ...userns] });
  const [uts, net, pid] = r.stdout.trim().split('\n');
  t.equal(uts, inside[0], "the container's uts namespace");
  t.equal(net, inside[1], "the container's net namespace");
  t.equal(pid, readlinkSync('/proc/self/ns/pid'), "the host's pid namespace");
  t.equal((await c.exec(['hostname'], { namespaces: lxc.CLONE_NEWUTS | (asRoot ? 0 : lxc.CLONE_NEWUSER) })).stdout.trim(), 'att', 'a mask works too');
  if (!asRoot) {
    await t.rejects(c.exec(['hostname'], { namespaces: ['uts'] }), { code: 'EACCES', message: /add 'user' to options.namespaces/ }, 'a normal user without the user namespace is told what to add');
  }
});

t.test('attach() with pipes, kill and wait; attachShell', async (t) => {
  const p = await c.attach(['sh', '-c', 'read line; echo "got $line"; sleep 60'], { stdin: 'pipe', stdout: 'pipe', stderr: 'ignore' });
  t.ok(p.pid > 1);
  p.stdin!.write('ping\n');
  const first = await new Promise<string>((resolve) => p.stdout!.once('data', (b: Buffer) => resolve(b.toString())));
  t.equal(first, 'got ping\n');
  p.kill('SIGKILL');
  t.same(await p.wait(), { exitCode: null, signal: 'SIGKILL' });
  t.equal(await c.attachShell({ stdin: 'ignore', stdout: 'ignore' }), 0, 'a shell on /dev/null exits 0');
});

t.test("AttachedProcess: 'exit' events as a ChildProcess emits them, and line iteration", async (t) => {
  const p = await c.attach(['sh', '-c', 'printf "one\\ntwo\\r\\nthree"; echo err >&2; sleep 0.2; exit 4'], { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });
  const exited = new Promise<[number | null, string | null]>((resolve) => p.once('exit', (code, signal) => resolve([code, signal])));
  const lines: string[] = [];
  for await (const line of p.lines()) lines.push(line);
  t.same(lines, ['one', 'two', 'three'], 'stdout lines, \\n and \\r\\n ends taken off, the last one without an end');
  t.same(await exited, [4, null], "'exit' (4, null)");
  t.equal(p.exited, true);
  const killed = await c.attach(['sleep', '60'], { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' });
  const ended = new Promise<unknown[]>((resolve) => killed.once('exit', (...a) => resolve(a)));
  killed.kill('SIGKILL');
  t.same(await ended, [null, 'SIGKILL'], "'exit' (null, 'SIGKILL')");
  t.throws(() => killed.lines(), { code: 'EINVAL', message: /not a pipe/ });
  t.throws(() => killed.lines('stdin' as never), { code: 'EINVAL' });
});

t.test('functions: the container seen from inside', async (t) => {
  const seen = await c.evaluate(() => {
    const fs = require('node:fs');
    return {
      hostname: require('node:os').hostname(),
      etcHostname: fs.readFileSync('/etc/hostname', 'utf8').trim(),
      pid: process.pid,
      init: fs.readFileSync('/proc/1/cmdline', 'utf8').split('\0')[0],
      busybox: fs.existsSync('/bin/busybox'),
      cwd: process.cwd(),
    };
  });
  t.equal(seen.hostname, 'att', "the container's uts name");
  t.equal(seen.etcHostname, 'container-att', "the container's /etc/hostname");
  t.not(seen.etcHostname, readFileSync('/etc/hostname', 'utf8').trim() || hostname());
  t.ok(seen.pid < 100, `a pid of the container's pid namespace (${seen.pid})`);
  t.match(seen.init, /init/, "pid 1 is the container's init");
  t.equal(seen.busybox, true, "the container's root filesystem");
  t.equal(seen.cwd, '/');
  const s = await c.openSession();
  // The payload cgroup: lxc.payload.NAME from 4.0; lxc.payload/NAME in 3.1 … 3.2 and 3.0.4 (lxc/NAME before).
  const payload = lxc.versionAtLeast(4) ? /lxc\.payload\.att/ : /\/lxc(\.payload)?\/att$/m;
  t.match(readFileSync(`/proc/${s.pid}/cgroup`, 'utf8'), payload, "the worker is in the container's cgroup");
  // Asked inside: a normal user may not read the namespaces of the container's processes.
  const initCgroupNs = (await c.exec(['readlink', '/proc/1/ns/cgroup'])).stdout.trim();
  t.equal(await s.evaluate(() => require('node:fs').readlinkSync('/proc/self/ns/cgroup')), initCgroupNs, 'and its cgroup namespace');
  await s.close();
  t.equal(await c.attachWait(() => { console.log('inside'); }, { stdout: 'ignore' }), 0, 'attachWait(fn) returns 0');
  t.equal(await c.attachWait(() => { throw new Error('no'); }, { stdout: 'ignore' }), 1, 'and 1 when it throws');
});

t.test('structured values in and out', async (t) => {
  const arg = {
    n: 1.5, s: 'str', nested: { a: [1, 'two', null, true] }, date: new Date('2020-01-02T03:04:05Z'),
    map: new Map<unknown, unknown>([['k', 1], [2, 'v']]), set: new Set([1, 2, 3]),
    u8: new Uint8Array([1, 2, 255]), f64: new Float64Array([0.5, -1]), buf: Buffer.from('bytes'), big: 10n ** 20n,
  };
  const back = await c.evaluate((x: typeof arg) => x, arg);
  t.same(back.nested, arg.nested);
  t.ok(back.date instanceof Date && back.date.getTime() === arg.date.getTime(), 'Date');
  t.ok(back.map instanceof Map && back.map.get('k') === 1 && back.map.get(2) === 'v', 'Map');
  t.ok(back.set instanceof Set && back.set.has(3) && back.set.size === 3, 'Set');
  t.ok(back.u8 instanceof Uint8Array && [...back.u8].join() === '1,2,255', 'Uint8Array');
  t.ok(back.f64 instanceof Float64Array && back.f64[1] === -1, 'Float64Array');
  t.equal(Buffer.from(back.buf).toString(), 'bytes', 'Buffer as bytes');
  t.equal(back.big, 10n ** 20n, 'BigInt');
  const made = await c.evaluate(() => ({ when: new Date(0), m: new Map([[1, new Set(['x'])]]) }));
  t.ok(made.when instanceof Date && made.m.get(1)!.has('x'), 'values built inside come back typed');
  await t.rejects(c.evaluate(() => () => 1), { code: 'EEVAL', message: /cannot be sent back/ }, 'a function is not structured-clone-able');
  await t.rejects(c.evaluate((x: unknown) => x, (() => 1) as unknown), { code: 'EINVAL', message: /arg/ });
});

t.test('throws, async functions, abort, a dying worker', async (t) => {
  const e = (await c.evaluate(() => { throw new RangeError('inner boom'); }).then(() => undefined, (err) => err)) as lxc.LxcError;
  t.equal(e.code, 'EEVAL');
  t.match(e.message, /RangeError: inner boom/);
  t.match(e.stack, /RangeError: inner boom\n\s+at /, 'the inner stack');
  t.equal(await c.evaluate(async (ms: number) => { await new Promise((r) => setTimeout(r, ms)); return 'later'; }, 50), 'later');
  await t.rejects(c.evaluate(async () => { await Promise.resolve(); throw new TypeError('async boom'); }), { code: 'EEVAL', message: /TypeError: async boom/ });
  const ac = new AbortController();
  const forever = c.evaluate(() => new Promise(() => undefined), undefined, { signal: ac.signal });
  setTimeout(() => ac.abort(), 300);
  await t.rejects(forever, { code: 'EABORT' }, 'an AbortSignal kills a function that never returns');
  const s = await c.openSession();
  const pending = s.evaluate(() => new Promise(() => undefined));
  const dies = s.evaluate(() => process.exit(3));
  await t.rejects(dies, { code: 'EATTACH', message: /exited with code 3/ });
  await t.rejects(pending, { code: 'EATTACH' }, 'pending calls reject when the worker dies');
  await t.rejects(s.evaluate(() => 1), { code: 'EATTACH' }, 'and later ones too');
});

t.test('a session of 100 calls', async (t) => {
  const s = await c.openSession();
  const started = performance.now();
  let sum = 0;
  for (let i = 0; i < 100; i++) sum += await s.evaluate((n: number) => n * 2, i);
  const ms = performance.now() - started;
  t.equal(sum, 9900);
  t.comment(`100 session.evaluate calls: ${ms.toFixed(1)} ms (${(ms / 100).toFixed(2)} ms each)`);
  const state = await s.evaluate(() => { (globalThis as any).counter = ((globalThis as any).counter ?? 0) + 1; return (globalThis as any).counter; });
  t.equal(state, 1);
  t.equal(await s.evaluate(() => (globalThis as any).counter), 1, 'one worker keeps its state between calls');
  t.same(await s.close(), { exitCode: 0 }, 'close ends the worker cleanly');
  {
    await using d = await c.openSession();
    t.equal(await d.evaluate(() => 7), 7);
  }
});

t.test("the host's node binary cannot be rewritten from inside", async (t) => {
  const hash = () => createHash('sha256').update(readFileSync(process.execPath)).digest('hex');
  const before = { hash: hash(), mtime: statSync(process.execPath).mtimeMs };
  const s = await c.openSession();
  const inside = await s.evaluate(() => {
    const fs = require('node:fs');
    const tries: Record<string, string> = {};
    tries.exe = fs.readlinkSync('/proc/self/exe');
    for (const [name, flags] of [['r+', 'r+'], ['append', 'a'], ['truncate', 'w']] as const) {
      try {
        fs.closeSync(fs.openSync('/proc/self/exe', flags));
        tries[name] = 'opened';
      } catch (e) {
        tries[name] = (e as NodeJS.ErrnoException).code ?? 'error';
      }
    }
    return { tries, pid: process.pid, ino: fs.statSync('/proc/self/exe').ino };
  });
  t.match(inside.tries.exe, /^\/memfd:lxc-ffi:/, `the worker runs from the sealed copy (${inside.tries.exe})`);
  for (const k of ['r+', 'append', 'truncate']) t.not(inside.tries[k], 'opened', `open(/proc/self/exe, ${k}) refused: ${inside.tries[k]}`);
  // A process of the container itself goes for the worker's binary through /proc/<pid>/exe.
  const attack = await c.exec(['sh', '-c', `echo pwned >> /proc/${inside.pid}/exe && echo WROTE || echo refused`]);
  t.match(attack.stdout, /refused/, `a container process cannot write /proc/${inside.pid}/exe`);
  // The seals hold on the host side too.
  // By inode: the runners' readable copy of the dynamic linker has the same name.
  const memfd = readdirSync(`/proc/${process.pid}/fd`).map((fd) => `/proc/${process.pid}/fd/${fd}`).find((p) => { try { return readlinkSync(p) === inside.tries.exe && statSync(p).ino === inside.ino; } catch { return false; } });
  t.ok(memfd, 'this process holds the sealed copy');
  const F_GET_SEALS = 1034;
  t.equal(libc.fcntl(Number(memfd!.split('/').pop()), F_GET_SEALS, 0), 1 | 2 | 4 | 8, 'sealed: seal, shrink, grow, write');
  t.equal(statSync(memfd!).mode & 0o777, 0o111, "the worker's copy is execute-only (unreadable to a container's root in its own user namespace: non-dumpable from exec)");
  // Runners run from the sealed copies too, but readable: liblxc run by a normal user opens
  // /proc/<pid>/ns/* of what it forks from a runner, which a non-dumpable runner would refuse.
  const runners = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => { try { return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('runner/main') && readFileSync(`/proc/${p}/status`, 'utf8').includes(`PPid:\t${process.pid}\n`); } catch { return false; } });
  t.ok(runners.length > 0, `this process has runners (${runners.join(' ')})`);
  for (const p of runners) {
    t.match(readlinkSync(`/proc/${p}/exe`), /^\/memfd:lxc-ffi:ld-linux/, `runner ${p} runs from the sealed copy of the dynamic linker`);
    t.equal(statSync(`/proc/${p}/exe`).mode & 0o777, 0o555, `runner ${p}'s copy is readable and executable`);
  }
  await s.close();
  // While a worker (a spare one included) executes it, a write open fails with ETXTBSY; once
  // nothing does, the open succeeds but every write fails: that is the seal.
  let fd: number;
  try {
    fd = openSync(memfd!, 'r+');
  } catch (e) {
    fd = -1;
    if (!asRoot) {
      // A normal user is held by the mode before the seals: the copy is execute-only.
      t.equal((e as NodeJS.ErrnoException).code, 'EACCES', 'a normal user cannot open the execute-only copy to write');
    } else {
      t.equal((e as NodeJS.ErrnoException).code, 'ETXTBSY', 'a write open fails while a worker runs it');
      const ro = openSync(memfd!, 'r');
      t.teardown(() => closeSync(ro));
      t.throws(() => writeSync(ro, 'pwned'), { code: 'EBADF' });
    }
  }
  if (fd >= 0) {
    t.teardown(() => closeSync(fd));
    t.throws(() => writeSync(fd, 'pwned'), { code: 'EPERM' }, 'writes to the sealed copy fail with EPERM');
    t.throws(() => ftruncateSync(fd, 0), { code: 'EPERM' }, 'and so does truncating it');
  }
  t.same({ hash: hash(), mtime: statSync(process.execPath).mtimeMs }, before, "the host's node binary is unchanged");
});

t.test('1000 sequential exec calls leak no fds and leave no zombies', async (t) => {
  const fdList = () => readdirSync('/proc/self/fd').map((fd) => { try { return `${fd}:${readlinkSync(`/proc/self/fd/${fd}`)}`; } catch { return fd; } });
  const fds = () => fdList().length;
  const zombies = () => {
    let n = 0;
    for (const p of readdirSync('/proc')) {
      if (!/^\d+$/.test(p)) continue;
      try {
        const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (fields[0] === 'Z' && Number(fields[1]) === process.pid) n++;
      } catch { /* gone */ }
    }
    return n;
  };
  // A fresh object: the old one's spare evaluate() worker (and its fds) ends with its release.
  const { name, lxcpath } = c;
  c.release();
  c = new lxc.Container(name, lxcpath);
  await c.exec(['true']);
  await new Promise((r) => setTimeout(r, 500));
  const beforeList = fdList();
  const before = beforeList.length;
  const started = performance.now();
  for (let i = 0; i < 1000; i++) {
    const r = await c.exec(['true']);
    if (r.exitCode !== 0) t.fail(`exec ${i} exited ${r.exitCode}`);
  }
  const ms = performance.now() - started;
  await new Promise((r) => setTimeout(r, 100));
  const afterList = fdList();
  const diff = `gone: ${beforeList.filter((f) => !afterList.includes(f)).join(' ')}; new: ${afterList.filter((f) => !beforeList.includes(f)).join(' ')}`;
  // Runners (their channels are sockets) retire when idle, by the pool's own clock: fewer is fine.
  const sockets = (l: string[]) => l.filter((f) => f.includes(':socket:')).length;
  t.equal(afterList.length - sockets(afterList), before - sockets(beforeList), `open fds other than runner sockets: as many before as after (${diff})`);
  t.ok(sockets(afterList) <= sockets(beforeList), `no more sockets after (${diff})`);
  t.equal(zombies(), 0, 'no zombie children');
  t.comment(`1000 exec(['true']): ${ms.toFixed(0)} ms, ${(ms / 1000).toFixed(2)} ms each`);
});

t.test('attach needs a running container; bad options', async (t) => {
  const lxcpath = tempLxcpath(t);
  const stopped = await busybox(lxcpath, 'stopped');
  t.teardown(() => stopped.release());
  await t.rejects(stopped.exec(['true']), { code: 'ENOTRUNNING' });
  await t.rejects(stopped.evaluate(() => 1), { code: 'ENOTRUNNING' });
  await t.rejects(c.evaluate(() => 1, undefined, { namespaces: ['net', 'pid'] }), { code: 'ENOTSUP', message: /mount/ });
  await t.rejects(c.evaluate(() => 1, undefined, { namespaces: ['mount'] }), { code: 'ENOTSUP', message: /pid/ });
  await t.rejects(c.exec(['true'], { personality: 'sparc-ish' } as never), { code: 'EINVAL', message: /personality/ });
  t.equal((await c.exec(['uname', '-m'], { personality: 'i686' })).stdout.trim(), 'i686', 'personality by architecture name');
  await t.rejects(c.evaluate('not a function' as never), { code: 'EINVAL' });
});

t.test('an idmapped container (root-run, or any of a normal user): the function runs as its mapped root', async (t) => {
  const lxcpath = tempLxcpath(t);
  // A normal user's containers are all idmapped (its default.conf); root maps this one itself.
  const m = asRoot ? await idmappedBusybox(lxcpath, 'mapped') : await busybox(lxcpath, 'mapped');
  t.teardown(() => m.release());
  await m.start();
  // Its root on the host: the first id of the uid map (100000 for the root-run one).
  const base = Number(/^u 0 (\d+)/m.exec(m.getConfigItem('lxc.idmap'))![1]);
  t.not((await m.exec(['readlink', '/proc/1/ns/user'])).stdout.trim(), readlinkSync('/proc/self/ns/user'), 'it runs in a user namespace of its own');
  const ids = await m.evaluate(() => {
    require('node:fs').writeFileSync('/tmp/from-fn', 'x');
    return { uid: process.getuid!(), gid: process.getgid!(), hostname: require('node:os').hostname() };
  });
  t.same(ids, { uid: 0, gid: 0, hostname: 'mapped' }, "the worker runs in the container's user namespace, as its root");
  const st = statSync(`${lxcpath}/mapped/rootfs/tmp/from-fn`);
  t.same([st.uid, st.gid], [base, base], `on the host the file is ${base}:${base}`);
  t.equal((await m.exec(['stat', '-c', '%u:%g', '/tmp/from-fn'])).stdout.trim(), '0:0', "inside it belongs to the container's root");
  t.same(await m.evaluate(() => { require('node:fs').writeFileSync('/tmp/as-1000', 'x'); return [process.getuid!(), process.getgid!()]; }, undefined, { uid: 1000, gid: 1000 }), [1000, 1000], 'uid/gid options are ids inside the container');
  const st1000 = statSync(`${lxcpath}/mapped/rootfs/tmp/as-1000`);
  t.same([st1000.uid, st1000.gid], [base + 1000, base + 1000], 'which the host sees through lxc.idmap');
  await m.stop();
});

t.test('a function\'s output goes to the caller\'s stdout and stderr; exec with a piped stdin and no input reads EOF', async (t) => {
  const { execFile } = await import('node:child_process');
  const { mkdtempSync: mkd, rmSync: rm } = await import('node:fs');
  const dir = mkd('/tmp/lxcffi-script-');
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = `${dir}/fn-output.mts`;
  writeFileSync(file, `
    import * as lxc from ${JSON.stringify(new URL('../../lib/index.ts', import.meta.url).pathname)};
    const c = new lxc.Container(${JSON.stringify(c.name)}, ${JSON.stringify(c.lxcpath)});
    await c.attachWait(() => { console.log('to-stdout'); console.error('to-stderr'); });
    await c.attachWait(() => { console.log('inherit-stdout'); }, { stdout: 'inherit' });
    c.release();
  `);
  const out = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
    execFile(process.execPath, ['--import', 'tsx', file], { timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(Object.assign(err, { stderr })) : resolve({ stdout, stderr }))));
  t.match(out.stdout, /to-stdout/);
  t.match(out.stderr, /to-stderr/, "the function's stderr is the caller's stderr");
  t.match(out.stdout, /inherit-stdout/, "'inherit' is the caller's stdout too");
  t.notMatch(out.stderr, /to-stdout|inherit-stdout/);
  t.same(await c.exec(['cat'], { stdin: 'pipe' }), { exitCode: 0, stdout: '', stderr: '' });
  t.equal(lxc.archToPersonality('i686'), 8);
  t.throws(() => lxc.archToPersonality('vax'), { code: 'EINVAL' });
  const named = await c.evaluate(() => { function inner(n: number) { return n + 1; } const arrow = (n: number) => inner(n) * 2; return arrow(1); });
  t.equal(named, 4, 'named inner functions work in compiled-by-tsx sources');
});

t.test('evaluate: a fresh worker per call, the next one started ahead', async (t) => {
  const first = await c.evaluate(() => { (globalThis as any).leftover = 1; return process.pid; });
  await new Promise((r) => setTimeout(r, 1500));
  const started = performance.now();
  const second = await c.evaluate(() => [process.pid, (globalThis as any).leftover ?? null]);
  const ms = performance.now() - started;
  t.not(second[0], first, 'another worker process');
  t.equal(second[1], null, 'no state from the previous call');
  t.comment(`an evaluate() with a spare worker ready took ${ms.toFixed(1)} ms`);
});

t.test('a program that ends right after release(), or while an attached process runs, exits cleanly', async (t) => {
  const { execFile } = await import('node:child_process');
  const { mkdtempSync: mkd, rmSync: rm } = await import('node:fs');
  const dir = mkd('/tmp/lxcffi-script-');
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const run = (name: string, body: string) => {
    writeFileSync(`${dir}/${name}.mts`, `
      import * as lxc from ${JSON.stringify(new URL('../../lib/index.ts', import.meta.url).pathname)};
      const c = new lxc.Container(${JSON.stringify(c.name)}, ${JSON.stringify(c.lxcpath)});
      ${body}
    `);
    return new Promise<{ code: number | null; stderr: string }>((resolve) =>
      execFile(process.execPath, ['--import', 'tsx', `${dir}/${name}.mts`], { timeout: 60_000 }, (err, _out, stderr) => resolve({ code: err ? (err as { code?: number }).code ?? null : 0, stderr })));
  };
  // release() kills the spare worker; its runner reports that exit while Node tears down.
  const released = await run('released', `console.log(await c.evaluate(() => 1)); c.release();`);
  t.same(released, { code: 0, stderr: '' }, 'evaluate, release, exit: code 0, nothing on stderr');
  const running = await run('running', `const p = await c.attach(['sleep', '30'], { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' }); p.unref(); c.release();`);
  t.same(running, { code: 0, stderr: '' }, 'exit while an attached process runs: code 0, nothing on stderr');
});

// Devices, interfaces, fds, the console and its ring buffer, the network list and mount
// injection, on real busybox containers in temporary lxcpaths. Host-side network changes are one
// veth pair this file makes (deleted at teardown); host mounts are one tmpfs it makes (unmounted).
import t from 'tap';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReadStream } from 'node:tty';
import { promisify } from 'node:util';
import * as lxc from '../../lib/index.js';
import { tempLxcpath, busybox } from '../helpers.js';

const execFileAsync = promisify(execFile);

/** Runs a host command (argv, no shell); resolves its exit code and output instead of throwing. */
async function host(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(argv[0], argv.slice(1), { encoding: 'utf8' });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? String(e) };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether fd `fd` is open in this process. */
function isOpen(fd: number): boolean {
  try {
    fstatSync(fd);
    return true;
  } catch {
    return false;
  }
}

/** Reads the console ring buffer until `re` matches what was read so far (reads consume), or the time is up. */
async function readConsoleUntil(c: lxc.Container, re: RegExp, ms = 10_000): Promise<string> {
  const end = Date.now() + ms;
  let text = '';
  while (!re.test(text) && Date.now() < end) {
    text += await c.consoleLog({ read: true });
    if (!re.test(text)) await sleep(50);
  }
  return text;
}

t.test('a stopped container: the running-only calls say ENOTRUNNING', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'stopped');
  t.teardown(() => c.release());
  t.equal(c.state, 'STOPPED');
  for (const op of ['initPidFd', 'devptsFd', 'seccompNotifyFd', 'seccompNotifyFdActive', 'consoleGetFd'] as const) {
    t.throws(() => c[op](), { name: 'LxcError', code: 'ENOTRUNNING', op }, `${op}()`);
  }
  await t.rejects(c.addDeviceNode('/dev/net/tun'), { code: 'ENOTRUNNING', op: 'addDeviceNode' });
  await t.rejects(c.removeDeviceNode('/dev/net/tun'), { code: 'ENOTRUNNING', op: 'removeDeviceNode' });
  await t.rejects(c.attachInterface('lxcffi0', 'eth9'), { code: 'ENOTRUNNING', op: 'attachInterface' });
  await t.rejects(c.detachInterface('eth9'), { code: 'ENOTRUNNING', op: 'detachInterface' });
  await t.rejects(c.consoleLog({ read: true }), { code: 'ENOTRUNNING', op: 'consoleLog' });
  if (lxc.hasApiExtension('mount_injection')) {
    await t.rejects(c.mount('/tmp', '/mnt/x', { flags: lxc.MS_BIND }), { code: 'ENOTRUNNING', op: 'mount' });
    await t.rejects(c.umount('/mnt/x'), { code: 'ENOTRUNNING', op: 'umount' });
  }
  // Bad input is refused before the state is even looked at.
  await t.rejects(c.addDeviceNode('dev/net/tun'), { code: 'EINVAL', message: /absolute/ });
  await t.rejects(c.attachInterface('a-name-too-long-for-linux'), { code: 'EINVAL', message: /interface name/ });

  // Once running: no seccomp notifier (none configured) and no console ring buffer (none sized).
  await c.start();
  const err = (() => { try { c.seccompNotifyFd(); } catch (e) { return e as lxc.LxcError; } })();
  t.type(err, lxc.LxcError, 'seccompNotifyFd() without lxc.seccomp.notify.proxy throws');
  const active = (() => { try { return c.seccompNotifyFdActive(); } catch (e) { return e as lxc.LxcError; } })();
  t.type(active, lxc.LxcError, 'seccompNotifyFdActive() without a notifier throws too (the monitor has none to give)');
  t.match(active, { op: 'seccompNotifyFdActive' });
  t.equal(err?.code, 'EFD', 'code EFD');
  t.equal(err?.errno, 9, 'liblxc returned -EBADF: the in-memory config holds no notify fd');
  t.equal(c.getConfigItem('lxc.console.buffer.size'), '0', 'no ring buffer configured');
  let t0 = Date.now();
  await t.rejects(c.consoleLog({ read: true }), { code: 'ECONSOLE', op: 'consoleLog', message: /ring buffer/ }, 'consoleLog without a ring buffer');
  t.comment(`consoleLog took ${Date.now() - t0} ms`);
  t0 = Date.now();
  await c.stop();
  t.comment(`stop took ${Date.now() - t0} ms`);
});

t.test('the network list over lxc.net.N.*', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'nics');
  t.teardown(() => c.release());
  const net = c.network;
  t.equal(net.length, 1, 'busybox() leaves one nic');
  t.equal(net[0].type, 'empty');
  t.equal(net[0].index, 0);
  t.equal(net[1], undefined, 'past the end: undefined');
  t.same([...net].map((n) => [n.index, n.type]), [[0, 'empty']], 'iteration');

  const nic = net.add('veth');
  t.type(nic, lxc.NetworkInterface);
  t.equal(nic.index, 1);
  t.equal(c.network.length, 2, 'a fresh view sees the new nic');
  t.equal(c.getConfigItem('lxc.net.1.type'), 'veth');
  nic.link = 'lxcffibr0';
  nic.flags = 'up';
  nic.hwaddr = '00:16:3e:12:34:56';
  t.equal(c.getConfigItem('lxc.net.1.link'), 'lxcffibr0', 'link writes lxc.net.1.link');
  t.equal(c.getConfigItem('lxc.net.1.flags'), 'up', 'flags writes lxc.net.1.flags');
  t.equal(c.getConfigItem('lxc.net.1.hwaddr'), '00:16:3e:12:34:56', 'hwaddr writes lxc.net.1.hwaddr');
  c.setConfigItem('lxc.net.1.mtu', '1400');
  t.equal(net[1].mtu, '1400', 'properties read lxc.net.1.*');
  t.equal(net[1].link, 'lxcffibr0');
  t.same([...c.network].map((n) => n.type), ['empty', 'veth']);
  // Any item liblxc has under lxc.net.N, through the same view.
  // keys() is liblxc's get_keys for the nic's type (5.0.2 leaves l2proxy out of it, yet takes it).
  t.ok(nic.keys().includes('veth.ipv4.route'), `a veth nic's items: ${nic.keys().join(' ')}`);
  nic.set('l2proxy', '1');
  t.equal(c.getConfigItem('lxc.net.1.l2proxy'), '1', "set('l2proxy') writes lxc.net.1.l2proxy");
  t.equal(nic.get('l2proxy'), '1');
  nic.set('l2proxy', '');
  t.equal(nic.get('l2proxy'), '0', "'' clears it back to liblxc's default");
  t.throws(() => nic.get('nosuch.item'), { code: 'EINVAL', message: /lxc\.net\.1\.nosuch\.item/ }, 'an item liblxc does not have');

  c.saveConfig();
  const saved = readFileSync(c.configFileName, 'utf8').split('\n').filter((l) => l.startsWith('lxc.net.'));
  t.same(saved, [
    'lxc.net.0.type = empty',
    'lxc.net.1.type = veth',
    'lxc.net.1.link = lxcffibr0',
    'lxc.net.1.flags = up',
    'lxc.net.1.hwaddr = 00:16:3e:12:34:56',
    'lxc.net.1.mtu = 1400',
  ], 'saveConfig() writes the nic');
  const again = new lxc.Container('nics', lxcpath);
  t.teardown(() => again.release());
  t.equal(again.network.length, 2, 'a new Container loads both nics');
  t.equal(again.network[1].hwaddr, '00:16:3e:12:34:56');

  nic.hwaddr = '';
  t.equal(c.getConfigItem('lxc.net.1.hwaddr'), '', "'' clears an item");
  c.network.remove(0);
  t.equal(c.network.length, 1, 'remove(0) drops the first nic');
  t.equal(c.network[0].type, 'veth', 'the rest keep their config');
  t.equal(c.network[0].index, 1, '... and their lxc.net.N index');
  t.throws(() => c.network.remove(3), { code: 'EINVAL', message: /position 3/ });
  c.saveConfig();
  const after = readFileSync(c.configFileName, 'utf8').split('\n').filter((l) => l.startsWith('lxc.net.'));
  t.notOk(after.some((l) => l.includes('empty')), 'the removed nic is gone from the file');
  t.ok(after.includes('lxc.net.1.link = lxcffibr0'), 'the kept nic is in the file');
});

t.test('a running container', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'devs');
  t.teardown(() => c.release());
  const tag = randomBytes(3).toString('hex');
  c.setConfigItem('lxc.console.buffer.size', '4096');
  t.ok(Number(c.getConfigItem('lxc.tty.max')) >= 1, `busybox has ttys (lxc.tty.max = ${c.getConfigItem('lxc.tty.max')})`);

  // Mount injection needs a shared host directory (lxc.mount.auto = shmounts:HOST:CONTAINER).
  const injection = lxc.hasApiExtension('mount_injection');
  const shm = mkdtempSync(join(tmpdir(), 'lxcffi-shm-'));
  t.teardown(async () => {
    await host(['umount', '--lazy', shm]);
    rmSync(shm, { recursive: true, force: true });
  });
  if (injection) {
    const m = await host(['mount', '-t', 'tmpfs', '-o', 'size=1m,mode=0711', `lxcffi-shm-${tag}`, shm]);
    t.equal(m.code, 0, `tmpfs for shmounts ${m.stderr}`);
    const s = await host(['mount', '--make-shared', shm]);
    t.equal(s.code, 0, `made shared ${s.stderr}`);
    c.appendConfigItem('lxc.mount.auto', `shmounts:${shm}:/dev/.lxc-mounts`);
  }
  c.saveConfig();
  let started = Date.now();
  await c.start();
  t.comment(`start took ${Date.now() - started} ms`);
  t.equal(c.state, 'RUNNING');

  t.test('initPidFd, devptsFd, seccompNotifyFd', async (t) => {
    const fd = c.initPidFd();
    t.ok(fd > 2, `initPidFd() = ${fd}`);
    t.equal(readlinkSync(`/proc/self/fd/${fd}`), 'anon_inode:[pidfd]', 'a pidfd');
    t.match(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'), new RegExp(`^Pid:\\s+${c.initPid}$`, 'm'), "of the container's init");
    closeSync(fd);
    t.notOk(isOpen(fd), 'closed');

    const pts = c.devptsFd();
    t.ok(pts > 2, `devptsFd() = ${pts}`);
    t.ok(fstatSync(pts).isDirectory(), 'an fd of the devpts root directory');
    t.match(readlinkSync(`/proc/self/fd/${pts}`), /\/dev\/pts$/, 'the container\'s /dev/pts');
    closeSync(pts);

    t.throws(() => c.seccompNotifyFd(), { code: 'EFD', errno: 9 }, 'no seccomp notifier: EFD (liblxc -EBADF)');
  });

  t.test('addDeviceNode and removeDeviceNode', async (t) => {
    await c.exec(['rm', '-f', '/dev/net/tun']);
    t.not((await c.exec(['ls', '-l', '/dev/net/tun'])).exitCode, 0, 'no /dev/net/tun at first');
    const t0 = Date.now();
    await c.addDeviceNode('/dev/net/tun');
    t.comment(`addDeviceNode took ${Date.now() - t0} ms`);
    const ls = await c.exec(['ls', '-l', '/dev/net/tun']);
    t.equal(ls.exitCode, 0, 'the node exists inside');
    t.match(ls.stdout, /^c.* 10,\s+200 .*\/dev\/net\/tun$/m, 'a char device 10:200');

    await c.removeDeviceNode('/dev/net/tun');
    t.not((await c.exec(['ls', '-l', '/dev/net/tun'])).exitCode, 0, 'gone after removeDeviceNode');

    // liblxc 5.0.2 (add_remove_device_node) ignores src when dst is given: it stats dst on the
    // host and makes that node at dst inside. So dst must be a host device node too.
    await c.addDeviceNode('/dev/null', '/dev/net/tun');
    t.match((await c.exec(['ls', '-l', '/dev/net/tun'])).stdout, /^c.* 10,\s+200 /m, 'with dst: the node of the host\'s dst (10:200), not of src (1:3)');
    await c.removeDeviceNode('/dev/null', '/dev/net/tun');
    t.not((await c.exec(['ls', '-l', '/dev/net/tun'])).exitCode, 0, 'removeDeviceNode(src, dst) removes dst');
    await t.rejects(c.addDeviceNode('/dev/null', '/dev/lxcffi-not-on-host'), { code: 'EDEVICE' }, 'a dst that is no host device node: EDEVICE');

    await t.rejects(c.addDeviceNode('dev/net/tun'), { code: 'EINVAL', message: /absolute/ }, 'relative path');
    await t.rejects(c.addDeviceNode('/dev/net\0/tun'), { code: 'EINVAL', message: /NUL/ }, 'NUL in the path');
    await t.rejects(c.addDeviceNode('/dev/null', 'relative'), { code: 'EINVAL', message: /absolute/ }, 'relative dst');
    await t.rejects(c.removeDeviceNode('/dev/\0'), { code: 'EINVAL' });
    await t.rejects(c.addDeviceNode('/dev/lxcffi-no-such-node'), { code: 'EDEVICE', op: 'addDeviceNode' }, 'a missing host node: EDEVICE');
  });

  t.test('attachInterface and detachInterface on a veth pair', async (t) => {
    const a = `lxcffi${tag}a`;
    const b = `lxcffi${tag}b`;
    t.ok(a.length <= 15, a);
    t.teardown(async () => {
      // Deleting one end deletes the pair; it may already be gone (moved, or died with the netns).
      await host(['ip', 'link', 'del', 'dev', a]);
      await host(['ip', 'link', 'del', 'dev', b]);
    });
    const add = await host(['ip', 'link', 'add', a, 'type', 'veth', 'peer', 'name', b]);
    t.equal(add.code, 0, `ip link add ${add.stderr}`);
    const mac = readFileSync(`/sys/class/net/${a}/address`, 'utf8').trim();

    const t0 = Date.now();
    await c.attachInterface(a, 'eth9');
    t.comment(`attachInterface took ${Date.now() - t0} ms`);
    const inside = await c.exec(['ip', 'link', 'show', 'eth9']);
    t.equal(inside.exitCode, 0, 'eth9 exists inside');
    t.match(inside.stdout, mac, 'with the MAC of the host end');
    t.equal((await c.exec(['cat', '/sys/class/net/eth9/address'])).stdout.trim(), mac);
    t.ok((await c.getInterfaces()).includes('eth9'), 'getInterfaces() lists it');
    t.not((await host(['ip', 'link', 'show', 'dev', a])).code, 0, `${a} is gone from the host`);
    t.equal((await host(['ip', 'link', 'show', 'dev', b])).code, 0, `${b} stays on the host`);

    await c.detachInterface('eth9', a);
    const back = await host(['ip', 'link', 'show', 'dev', a]);
    t.equal(back.code, 0, `${a} is back on the host`);
    t.equal(readFileSync(`/sys/class/net/${a}/address`, 'utf8').trim(), mac, 'the same interface');
    t.not((await c.exec(['ip', 'link', 'show', 'eth9'])).exitCode, 0, 'eth9 is gone inside');

    await t.rejects(c.attachInterface(`lxcffi${tag}z`), { code: 'EDEVICE', op: 'attachInterface' }, 'no such host interface');
    await t.rejects(c.detachInterface('eth9'), { code: 'EDEVICE', op: 'detachInterface' }, 'no such interface inside');
    await t.rejects(c.attachInterface('bad name'), { code: 'EINVAL' });
    await t.rejects(c.attachInterface(a, 'x'.repeat(16)), { code: 'EINVAL' });
  });

  t.test('consoleGetFd: a tty with getty on it', async (t) => {
    const inittab = readFileSync(`${lxcpath}/devs/rootfs/etc/inittab`, 'utf8');
    t.match(inittab, /^tty1::respawn:\/bin\/getty/m, 'the busybox template runs getty on tty1');
    const tty = c.consoleGetFd();
    const { fd, ttynum } = tty;
    t.ok(fd > 2, `fd ${fd}`);
    t.equal(ttynum, 1, 'the first free tty');
    t.equal(readlinkSync(`/proc/self/fd/${fd}`), '/dev/pts/ptmx', 'the controlling (ptx) side of a pty');

    // A tty stream reads without blocking a libuv thread; destroying it closes the fd.
    const stream = new ReadStream(fd);
    let text = '';
    const prompt = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      stream.on('data', (b: Buffer) => {
        text += b.toString('utf8');
        if (/login: /.test(text)) { clearTimeout(timer); resolve(true); }
      });
    });
    writeSync(fd, '\n');
    t.ok(await prompt, `getty answered a newline: ${JSON.stringify(text)}`);
    t.match(text, /devs login: /, 'with the container\'s hostname');
    await new Promise<void>((resolve) => { stream.once('close', () => resolve()); stream.destroy(); });
    t.notOk(isOpen(fd), 'the fd is closed');
    t.ok(isOpen(tty.socketFd), 'the socket keeping the tty allocated is still open');
    const second = c.consoleGetFd();
    t.equal(second.ttynum, 2, 'so the next call gets tty 2');
    tty.close();
    t.notOk(isOpen(tty.socketFd), 'close() releases the socket');
    second.close();
    second.close();
    const again = c.consoleGetFd();
    t.equal(again.ttynum, 1, 'once released, tty 1 is handed out again');
    again.close();
    t.throws(() => c.consoleGetFd(99), { code: 'ECONSOLE' }, 'no tty 99');
    t.throws(() => c.consoleGetFd(-2), { code: 'EINVAL' });
  });

  t.test('consoleLog: the console ring buffer', async (t) => {
    const boot = await readConsoleUntil(c, /Please press Enter to activate this console/);
    t.match(boot, /Please press Enter to activate this console/, "busybox init's console prompt is in the buffer");

    // Reading consumes: what was read does not come back.
    await c.exec(['sh', '-c', `echo lxcffi-marker-1-${tag} > /dev/console`]);
    const first = await readConsoleUntil(c, new RegExp(`marker-1-${tag}`));
    t.match(first, `lxcffi-marker-1-${tag}`, 'text written to /dev/console inside');
    t.notMatch(first, /Please press Enter/, 'earlier text was consumed by the earlier read');

    // clear: returns what is there (read defaults to true) and empties the buffer.
    await c.exec(['sh', '-c', `echo lxcffi-marker-2-${tag} > /dev/console`]);
    let cleared = '';
    for (const end = Date.now() + 10_000; !cleared.includes(`marker-2-${tag}`) && Date.now() < end; await sleep(50)) {
      cleared += await c.consoleLog({ clear: true });
    }
    t.match(cleared, `lxcffi-marker-2-${tag}`, 'clear: true returned the text it cleared');
    t.equal(await c.consoleLog({ read: true }), '', 'reading a cleared (empty) buffer gives empty text');
    await c.exec(['sh', '-c', `echo lxcffi-marker-3-${tag} > /dev/console`]);
    const later = await readConsoleUntil(c, new RegExp(`marker-3-${tag}`));
    t.match(later, `lxcffi-marker-3-${tag}`, 'new text after the clear');
    t.notMatch(later, `marker-2-${tag}`, 'the cleared text is gone');

    await c.exec(['sh', '-c', `echo 0123456789 > /dev/console`]);
    const part = await (async () => {
      for (const end = Date.now() + 10_000; Date.now() < end; await sleep(50)) {
        const s = await c.consoleLog({ read: true, readMax: 4 }).catch(() => '');
        if (s) return s;
      }
      return '';
    })();
    t.equal(part.length, 4, 'readMax bounds what one read returns');
    t.match(await readConsoleUntil(c, /789/), /^\d*789\r?\n/, 'the next read goes on where it stopped');
    await t.rejects(c.consoleLog({ read: 'yes' } as never), { code: 'EINVAL' });

    // The raw bytes: a byte that is not UTF-8 comes back as it was written.
    await c.exec(['sh', '-c', `printf 'raw-${tag}-\\377\\n' > /dev/console`]);
    let raw = Buffer.alloc(0);
    for (const end = Date.now() + 10_000; !raw.includes(`raw-${tag}-`) && Date.now() < end; await sleep(50)) {
      raw = Buffer.concat([raw, await c.consoleLog({ encoding: 'buffer' })]);
    }
    t.ok(Buffer.isBuffer(raw), "encoding: 'buffer' gives a Buffer");
    const at = raw.indexOf(`raw-${tag}-`);
    t.ok(at >= 0, 'the text is in it');
    t.equal(raw[at + `raw-${tag}-`.length], 0xff, 'and the byte 0xff after it, not a replacement character');
    t.same(await c.consoleLog({ encoding: 'buffer' }), Buffer.alloc(0), 'an empty read is an empty Buffer');
    await t.rejects(c.consoleLog({ encoding: 'latin1' } as never), { code: 'EINVAL', message: /options\.encoding must be one of 'utf8', 'buffer'/ });
  });

  t.test('mount and umount (mount_injection)', { skip: !injection && 'liblxc lacks mount_injection' }, async (t) => {
    const src = mkdtempSync(join(tmpdir(), 'lxcffi-mnt-'));
    t.teardown(() => rmSync(src, { recursive: true, force: true }));
    writeFileSync(join(src, 'hello.txt'), `from the host ${tag}\n`);
    const t0 = Date.now();
    try {
      await c.mount(src, '/mnt/x', { flags: lxc.MS_BIND });
    } catch (e) {
      const err = e as lxc.LxcError;
      t.fail(`mount: ${err.code} ${err.message}`, { log: err.log });
      return;
    }
    t.comment(`mount took ${Date.now() - t0} ms`);
    const cat = await c.exec(['cat', '/mnt/x/hello.txt']);
    t.equal(cat.stdout, `from the host ${tag}\n`, 'the host file, read inside');
    t.match((await c.exec(['cat', '/proc/mounts'])).stdout, / \/mnt\/x /, 'a mount at /mnt/x inside');
    await c.exec(['sh', '-c', 'echo from the container > /mnt/x/back.txt']);
    t.equal(readFileSync(join(src, 'back.txt'), 'utf8'), 'from the container\n', 'writes go through to the host dir');

    await c.umount('/mnt/x');
    t.not((await c.exec(['cat', '/mnt/x/hello.txt'])).exitCode, 0, 'gone after umount');
    t.notMatch((await c.exec(['cat', '/proc/mounts'])).stdout, / \/mnt\/x /);
    t.same((await host(['ls', '-A', shm])).stdout, '', 'liblxc left nothing in the shmounts dir');

    const again = await c.umount('/mnt/x').then(() => 'resolved', (e: lxc.LxcError) => e.code);
    t.equal(again, 'EMOUNT', 'unmounting what is not mounted fails (liblxc 5.0 returns +1 for it)');
    await t.rejects(c.mount('/lxcffi/no/such/dir', '/mnt/y', { flags: lxc.MS_BIND }), { code: 'EMOUNT', message: /no\/such\/dir/ }, 'a missing source: EMOUNT with liblxc\'s reason');
    await t.rejects(c.mount('relative', '/mnt/y'), { code: 'EINVAL' });
    await t.rejects(c.umount('relative'), { code: 'EINVAL' });
  });

  t.test('stop', async (t) => {
    started = Date.now();
    await c.stop();
    t.comment(`stop took ${Date.now() - started} ms`);
    t.equal(c.state, 'STOPPED');
  });
});

// Compile-time checks of the public types (tsc runs over test/ in CI), and the error classes' names.
import t from 'tap';
import * as lxc from '../../lib/index.js';
import { LibraryNotFoundError, MissingFunctionError, MissingMemberError } from '../../ffi/index.js';
import { NetlinkUnavailable } from '../../lib/net/netlink.js';
import { TerminalError } from '../../lib/attach/process.js';

// Never called: only compiled.
export async function typeChecks(c: lxc.Container, name: string): Promise<void> {
  // @ts-expect-error 'download' needs dist, release and arch
  await c.create('download', { dist: 'debian' });
  // @ts-expect-error 'local' needs its metadata and fsTree
  await c.create('local', {});
  await c.create('download', { dist: 'debian', release: 'bookworm', arch: 'amd64' });
  await c.create('busybox');
  await c.create(name, { anything: 'goes' });
  const buffer: Buffer = (await c.exec(['true'], { encoding: 'buffer' })).stdout;
  const text: string = (await c.exec(['true'])).stdout;
  const ended: lxc.ExitStatus = await c.start({ daemonize: false });
  const started: void = await c.start();
  void [buffer, text, ended, started];
  // Option keys are camelCase; liblxc's spellings are typed aliases (docs/conventions.md).
  await c.clone('web', { bdevtype: 'overlayfs', snapshot: true });
  await c.clone('web', { bdevType: 'overlayfs', snapshot: true });
  await c.start({ useinit: true });
  await c.start({ useInit: true });
  await c.create('local', { metadata: '/m', fstree: '/f' });
  await c.create('local', { metadata: '/m', fsTree: '/f' });
  await c.create('busybox', {}, { bdevType: 'lvm', bdevSpecs: { fsType: 'ext4', lvm: { thinPool: 'tp' } } });
  // @ts-expect-error 'local' needs its rootfs tarball, by either name
  await c.create('local', { metadata: '/m' });
  // Timeouts are Seconds.
  const timeout: lxc.Seconds = 0.5;
  await c.exec(['true'], { timeout });
  // Literal unions where the values are a table.
  await c.exec(['true'], { personality: 'i686' });
  // @ts-expect-error not an architecture of the personality table
  await c.exec(['true'], { personality: 'vax' });
  c.network.add('veth');
  // @ts-expect-error not a nic type
  c.network.add('bridge');
  const signal: NodeJS.Signals | `SIG${number}` | undefined = ended.signal;
  void signal;
}

t.test('every error class says its name', async (t) => {
  t.equal(new lxc.LxcError('EINVAL', 'x', { op: 'x' }).name, 'LxcError');
  t.equal(new LibraryNotFoundError('x').name, 'LibraryNotFoundError');
  t.equal(new MissingMemberError('m', undefined).name, 'MissingMemberError');
  t.equal(new MissingFunctionError('f', [3, 1, 0]).name, 'MissingFunctionError');
  t.equal(new MissingFunctionError('f', [3, 1, 0]).code, 'ENOTSUP');
  t.equal(new NetlinkUnavailable('x').name, 'NetlinkUnavailable');
  t.equal(new TerminalError('x').name, 'TerminalError');
  t.match(String(new LibraryNotFoundError('cannot load')), /^LibraryNotFoundError: cannot load/);
});

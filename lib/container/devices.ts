// The devices family: device nodes, network interfaces moved in and out, the container's fds, and
// mounts injected into the running container.
import { check, absolutePath, ifaceName } from '../validate.js';
import { options } from '../options/parse.js';
import { mountOptionsSchema, umountOptionsSchema } from '../options/devices.js';
import { mountDefaults, umountDefaults } from '../options/devices.js';
import type { Handle } from './handle.js';
import { invoke } from '../call/invoke.js';

export async function deviceNode(h: Handle, op: 'addDeviceNode' | 'removeDeviceNode', src: unknown, dst: unknown): Promise<void> {
  const from = check(op, 'src', absolutePath, src);
  const to = dst === undefined ? null : check(op, 'dst', absolutePath, dst);
  const add = op === 'addDeviceNode';
  await invoke(h, op, add ? 'add_device_node' : 'remove_device_node', {
    fails: { code: 'EDEVICE', why: `liblxc could not ${add ? 'add' : 'remove'} ${from}` },
  }, from, to);
}

export async function iface(h: Handle, op: 'attachInterface' | 'detachInterface', dev: unknown, dst: unknown): Promise<void> {
  const name = check(op, 'dev', ifaceName, dev);
  const to = dst === undefined ? null : check(op, 'dst', ifaceName, dst);
  await invoke(h, op, op === 'attachInterface' ? 'attach_interface' : 'detach_interface', {
    fails: { code: 'EDEVICE', why: `liblxc could not move ${name}` },
  }, name, to);
}

/** An fd liblxc opens for the running container (init_pidfd, seccomp_notify_fd, devpts_fd); the caller closes it. */
export function fd(h: Handle, op: string, member: 'init_pidfd' | 'seccomp_notify_fd' | 'seccomp_notify_fd_active' | 'devpts_fd'): number {
  const got = invoke(h, op, member, {});
  if (got < 0) throw h.error('EFD', op, `liblxc returned ${got}`, undefined, { errno: -got });
  return got;
}

export async function mount(h: Handle, source: unknown, target: unknown, options_: unknown): Promise<void> {
  const op = 'mount';
  const src = check(op, 'source', absolutePath, source);
  const dst = check(op, 'target', absolutePath, target);
  const o = options(op, 'options', mountOptionsSchema, options_, mountDefaults);
  await invoke(h, op, 'mount', { fails: { code: 'EMOUNT', why: `could not mount ${src} at ${dst}`, when: (r) => r !== 0 } },
    src, dst, o.fsType, BigInt(o.flags), o.data, { version: 1 });
}

export async function umount(h: Handle, target: unknown, options_: unknown): Promise<void> {
  const op = 'umount';
  const dst = check(op, 'target', absolutePath, target);
  const o = options(op, 'options', umountOptionsSchema, options_, umountDefaults);
  // liblxc 5.0 returns +1 (not -1) when the unmount inside failed: anything but 0 is failure.
  await invoke(h, op, 'umount', { fails: { code: 'EMOUNT', why: `could not unmount ${dst}`, when: (r) => r !== 0 } },
    dst, BigInt(o.flags), { version: 1 });
}

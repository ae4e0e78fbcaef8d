// Shared pieces of the integration tests: temporary lxcpaths that clean up after themselves.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { Container } from '../lib/index.js';

/**
 * A fresh lxcpath under the temp dir; at teardown every container in it is stopped and destroyed
 * (even when the test failed) and the directory removed.
 */
export function tempLxcpath(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'lxcffi-test-'));
  // A normal user's containers run as a subordinate id, which must traverse the lxcpath.
  if (!asRoot) chmodSync(dir, 0o711);
  t.teardown(async () => {
    await destroyAll(dir);
    removeTree(dir);
    // wait(), watch() and foreground starts start one; it would stay 30 s after its last client.
    for (const pid of monitords(dir)) { try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ } }
  });
  return dir;
}

/** Pids of the lxc-monitord processes serving `lxcpath`. */
export function monitords(lxcpath: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      if (argv[0].endsWith('lxc-monitord') && argv[1] === lxcpath) out.push(Number(p));
    } catch { /* gone */ }
  }
  return out;
}

/** Stops and destroys every container under `lxcpath`. */
export async function destroyAll(lxcpath: string): Promise<void> {
  if (!existsSync(lxcpath)) return;
  for (const name of readdirSync(lxcpath)) {
    if (!existsSync(join(lxcpath, name, 'config'))) continue;
    const c = new Container(name, lxcpath);
    try {
      if (c.running) await c.stop().catch(() => undefined);
      if (c.defined) await c.destroy({ withSnapshots: true }).catch(() => undefined);
    } finally {
      c.release();
    }
  }
}

/** Network config for a container: a veth on `bridge`, or no network at all. */
export function netConfig(c: Container, bridge?: string): void {
  if (bridge) {
    c.setConfigItem('lxc.net.0.type', 'veth');
    c.setConfigItem('lxc.net.0.link', bridge);
    c.setConfigItem('lxc.net.0.flags', 'up');
  } else {
    c.clearConfigItem('lxc.net');
    c.setConfigItem('lxc.net.0.type', 'empty');
  }
}

/** A busybox container made by the busybox template, its network set, its config saved. */
export async function busybox(lxcpath: string, name: string, bridge?: string): Promise<Container> {
  const c = new Container(name, lxcpath);
  // A create that never settles fails naming the container instead of emptying the event loop.
  await within(120_000, `create busybox container ${name}`, c.create('busybox', {}, { quiet: true }));
  netConfig(c, bridge);
  c.saveConfig();
  return c;
}

/**
 * A busybox container run by root in a user namespace of its own (ids 0-65535 as 100000-165535),
 * its files owned by the mapped root as a template run in that namespace would leave them.
 */
export async function idmappedBusybox(lxcpath: string, name: string): Promise<Container> {
  // The mapped root must be able to traverse the lxcpath (mkdtemp makes it 0700).
  chmodSync(lxcpath, 0o711);
  const c = await busybox(lxcpath, name);
  execFileSync('chown', ['-R', '100000:100000', join(lxcpath, name, 'rootfs')]);
  c.setConfigItem('lxc.idmap', ['u 0 100000 65536', 'g 0 100000 65536']);
  c.saveConfig();
  return c;
}

/** Whether the tests run as root (else as a normal user with subordinate ids: scripts/as-user.sh). */
export const asRoot = process.getuid?.() === 0;

/** `lxc-usernsexec` maps for `c`'s id map: a normal user acts as the container's root with them. */
function usernsMaps(c: Container): string[] {
  const lines = c.getConfigItem('lxc.idmap').split('\n').filter(Boolean);
  return lines.flatMap((l) => ['-m', l.trim().split(/\s+/).join(':')]);
}

/**
 * Writes `rel` in the rootfs of `c` (a dir-backed container in `lxcpath`): as root directly, as a
 * normal user as the container's root (whose files the user cannot write) through lxc-usernsexec.
 */
export function writeRootfs(c: Container, lxcpath: string, rel: string, content: string, mode = 0o644): void {
  const path = join(lxcpath, c.name, 'rootfs', rel);
  if (asRoot) return writeFileSync(path, content, { mode });
  execFileSync('lxc-usernsexec', [...usernsMaps(c), '--', 'sh', '-c', 'cat > "$1" && chmod "$2" "$1"', 'sh', path, mode.toString(8)], { input: content });
}

/**
 * Runs `sh -c script` (with `args` as $1 …) on the host as the container's root would act on its
 * rootfs: as root directly, as a normal user through lxc-usernsexec with the container's map.
 * Returns its stdout.
 */
export function asContainerRoot(c: Container, script: string, ...args: string[]): string {
  const argv = ['sh', '-c', script, 'sh', ...args];
  if (asRoot) return execFileSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  return execFileSync('lxc-usernsexec', [...usernsMaps(c), '--', ...argv], { encoding: 'utf8' });
}

/** Reads `rel` in the rootfs of `c`, as writeRootfs() writes it. */
export function readRootfs(c: Container, lxcpath: string, rel: string): string {
  const path = join(lxcpath, c.name, 'rootfs', rel);
  if (asRoot) return readFileSync(path, 'utf8');
  return execFileSync('lxc-usernsexec', [...usernsMaps(c), '--', 'cat', path], { encoding: 'utf8' });
}

/**
 * rm -rf `dir`, including what a normal user's containers or templates left in it owned by its
 * subordinate ids (which it cannot remove itself): those go from inside a user namespace mapping them.
 */
export function removeTree(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
    return;
  } catch (e) {
    if (asRoot) throw e;
  }
  const { username, uid, gid } = userInfo();
  const range = (file: string) => readFileSync(file, 'utf8').split('\n').map((l) => l.split(':')).find((f) => f[0] === username || f[0] === String(uid));
  const [u, g] = [range('/etc/subuid'), range('/etc/subgid')];
  if (!u || !g) throw new Error(`removeTree(${dir}): no subordinate ids for ${username}`);
  // Root of the namespace: the subordinate ids; the user itself: an id above them.
  execFileSync('lxc-usernsexec', ['-m', `u:0:${u[1]}:${u[2]}`, '-m', `g:0:${g[1]}:${g[2]}`, '-m', `u:${u[2]}:${uid}:1`, '-m', `g:${g[2]}:${gid}:1`, '--', 'rm', '-rf', dir]);
}

/** Every path below `dir` (relative), for before/after comparisons. */
export function listTree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}

/**
 * Resolves what `work` resolves, or rejects naming `step` once `ms` pass: a hang is a failure with
 * a message, never a stuck run.
 */
export async function within<T>(ms: number, step: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${step}: no answer after ${ms} ms (hung)`)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** This process's children now: pid, state letter ('Z' for a zombie) and command line. */
export function children(): Array<{ pid: number; state: string; cmdline: string }> {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === process.pid) out.push({ pid: Number(name), state, cmdline: readFileSync(`/proc/${name}/cmdline`, 'utf8') });
    } catch { /* gone meanwhile */ }
  }
  return out;
}

/** Pids of this process's children that are still a copy of it (forked, never exec'd). */
export function unexecedChildren(): number[] {
  const cmdline = readFileSync('/proc/self/cmdline', 'utf8');
  return children().filter((c) => c.cmdline === cmdline).map((c) => c.pid);
}

export { watchdog } from '../scripts/watchdog.js';

// This process's cgroup in every hierarchy, and the way back to it: liblxc ≥ 4.0 writes the pid of
// the process that called start() into the container's monitor cgroup (cgfsng_monitor_enter) and
// never moves it back. Works on v1, v2 and hybrid layouts.
import { fs } from '../builtins.js';

const { readFileSync, rmdirSync, writeFileSync } = fs;

/** One line of /proc/self/cgroup: the hierarchy's mount point and this process's path in it. */
export interface CgroupPath {
  /** The line's controller list ('' for the unified hierarchy). */
  controllers: string;
  path: string;
  /** Where the hierarchy is mounted, if it is. */
  mount: string | undefined;
  /** The mount's root inside the hierarchy ('/' unless in a cgroup namespace). */
  root: string;
}

function mounts(): Array<{ point: string; root: string; fstype: string; options: string[] }> {
  const out = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!post) continue;
    const [fstype, , superOptions] = post.split(' ');
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    const f = pre.split(' ');
    out.push({ point: f[4].replace(/\\040/g, ' '), root: f[3], fstype, options: (superOptions ?? '').split(',') });
  }
  return out;
}

/** This process's path in each hierarchy, by the controller list of its /proc/self/cgroup line. */
function ownPaths(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (m) out.set(m[2], m[3]);
  }
  return out;
}

/** Where this process is, in every hierarchy. */
export function cgroupPaths(): CgroupPath[] {
  const all = mounts();
  return [...ownPaths()].map(([controllers, path]) => {
    const mount = controllers === ''
      ? all.find((x) => x.fstype === 'cgroup2')
      : all.find((x) => x.fstype === 'cgroup' && controllers.split(',').every((c) => x.options.includes(c)));
    return { controllers, path, mount: mount?.point, root: mount?.root ?? '/' };
  });
}

/** `path` (a /proc/self/cgroup path) below the mount of `c`, as a directory. */
function dirOf(c: CgroupPath, path: string): string {
  const rel = c.root === '/' ? path : path.startsWith(c.root) ? path.slice(c.root.length) : path;
  return `${c.mount}${rel === '/' ? '' : rel}`;
}

/**
 * Moves this process back to `home` in every hierarchy where it has been moved since, then removes
 * the monitor cgroups (lxc.monitor.NAME) it left if they are empty: a monitor that ended while
 * this process was still inside (a failed or short-lived start) could not remove its own.
 */
export function restoreCgroups(home: CgroupPath[]): void {
  // /proc/self/cgroup alone (the mounts are known from `home`): mountinfo grows with every running
  // container, and this runs after every call.
  const now = ownPaths();
  const left: string[] = [];
  for (const c of home) {
    const at = now.get(c.controllers);
    if (!c.mount || at === undefined || at === c.path) continue;
    try {
      writeFileSync(`${dirOf(c, c.path)}/cgroup.procs`, `${process.pid}\n`);
      if (/\/lxc\.monitor\.[^/]+$/.test(at)) left.push(dirOf(c, at));
    } catch {
      // Not allowed (an unprivileged caller in a delegated tree): stay; the caller is unaffected.
    }
  }
  for (const dir of left) {
    try {
      // EBUSY while the monitor runs there (it removes it when the container stops); gone: ENOENT.
      rmdirSync(dir);
    } catch { /* still in use, or already removed */ }
  }
}

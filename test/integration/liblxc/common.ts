// Shared by the ports of liblxc's src/tests: the pieces those C tests use that lxc-ffi's helpers lack.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Container } from '../../../lib/index.js';
import { within } from '../../helpers.js';

const run = promisify(execFile);

/**
 * Creates a busybox container with the `lxc-create` command, not the API: several C tests
 * (destroytest, startone, saveconfig, shortlived) make it that way so the API object has to
 * notice a container that appeared behind its back.
 */
export async function lxcCreateCli(lxcpath: string, name: string): Promise<void> {
  await within(120_000, `lxc-create ${name}`, run('lxc-create', ['-P', lxcpath, '-t', 'busybox', '-n', name], { timeout: 110_000 }));
}

/** Runs a shell script inside the running container and returns its stdout, trimmed; rejects on a non-zero exit. */
export async function inside(c: Container, script: string, ms = 30_000): Promise<string> {
  const r = await within(ms, `exec in ${c.name}: ${script}`, c.exec(['/bin/sh', '-c', script], { reject: true }));
  return r.stdout.trim();
}

/** The fields of the last /proc/self/mountinfo line inside `c` whose mount point is `target`, or undefined. */
export async function mountinfo(c: Container, target: string): Promise<{ root: string; options: string; fstype: string; source: string } | undefined> {
  const lines = (await inside(c, 'cat /proc/self/mountinfo')).split('\n');
  let found;
  for (const line of lines) {
    const [left, right] = line.split(' - ');
    const f = left.split(' ');
    if (f[4] !== target) continue;
    const [fstype, source] = right.split(' ');
    found = { root: f[3], options: f[5], fstype, source };
  }
  return found;
}

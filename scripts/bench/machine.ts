// What the numbers were measured on: CPU, kernel, Node, liblxc and the bindings' versions.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { run } from './child.js';
import { repoRoot } from './paths.js';
import * as lxc from '../../lib/index.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  os: string;
  node: string;
  koffi: string;
  /** liblxc as lxc_get_version() reports it in this process. */
  liblxc: string;
  /** Debian package versions (liblxc1, lxc-dev, python3-lxc), where installed. */
  packages: Record<string, string>;
  /** The commit measured, and whether lib/ or ffi/ had uncommitted changes then. */
  source: { commit: string; uncommittedLib: boolean };
  date: string;
}

function firstMatch(file: string, re: RegExp): string | undefined {
  try {
    return re.exec(readFileSync(file, 'utf8'))?.[1]?.trim();
  } catch {
    return undefined;
  }
}

export async function describeMachine(): Promise<Machine> {
  const packages: Record<string, string> = {};
  for (const name of ['liblxc1', 'lxc-dev', 'python3-lxc']) {
    const out = await run('dpkg-query', ['-W', '-f', '${Version}', name]);
    if (out.code === 0 && out.stdout.trim()) packages[name] = out.stdout.trim();
  }
  const head = await run('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD']);
  const dirty = await run('git', ['-C', repoRoot, 'status', '--porcelain', '--', 'lib', 'ffi']);
  const source = { commit: head.code === 0 ? head.stdout.trim() : 'unknown', uncommittedLib: dirty.code === 0 && dirty.stdout.trim() !== '' };
  let koffi = 'unknown';
  try {
    koffi = (JSON.parse(readFileSync(join(repoRoot, 'node_modules', 'koffi', 'package.json'), 'utf8')) as { version: string }).version;
  } catch { /* not at the usual place */ }
  return {
    cpu: firstMatch('/proc/cpuinfo', /^model name\s*:\s*(.+)$/m) ?? os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.release()} (${os.arch()})`,
    os: firstMatch('/etc/os-release', /^PRETTY_NAME="?([^"\n]+)"?$/m) ?? os.type(),
    node: process.version,
    koffi,
    liblxc: lxc.version,
    packages,
    source,
    date: new Date().toISOString(),
  };
}

// How lxc-ffi starts a Node process of its own (a runner, a create worker): which binary, which
// script, which flags. Written once here rather than by each kind of helper.
import { openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The Node binary, to start lxc-ffi's own processes with. After liblxc re-executed this process
 * from a memfd (LXC_MEMFD_REXEC), process.execPath names no file ('/memfd:liblxc (deleted)'); the
 * running image is still /proc/self/exe, and children started from it run from the memfd too.
 */
export function nodeBinary(): string {
  return process.execPath.startsWith('/memfd:') ? '/proc/self/exe' : process.execPath;
}

/**
 * The Node arguments that run the module `name` (without extension) next to the module `from`
 * (its import.meta.url): the .ts file under tsx, with this process's loader flags, or the compiled
 * .js. --single-threaded: V8 runs no background task that could hold a glibc lock while liblxc
 * forks or clones from the child (docs/design.md, "Forking calls run in runner processes").
 *
 * @example
 * spawn(nodeBinary(), childArgs(import.meta.url, 'worker'))
 */
export function childArgs(from: string, name: string): string[] {
  const here = fileURLToPath(from);
  const ts = here.endsWith('.ts');
  const script = `${here.slice(0, here.lastIndexOf('/') + 1)}${name}.${ts ? 'ts' : 'js'}`;
  return ['--single-threaded', ...(ts ? process.execArgv : []), script];
}

/**
 * `args` without the --import/--require/--loader flags that load no TypeScript loader (tsx): for a
 * helper that runs as another user (a container's root), which other hooks (a test runner's)
 * would try to write their files as.
 *
 * @example
 * spawn(node, loaderOnly(childArgs(import.meta.url, 'files-helper'))) // tsx's flag kept, a test runner's hooks not
 */
export function loaderOnly(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const m = /^(--import|--require|-r|--loader|--experimental-loader)(=(.*))?$/.exec(args[i]);
    if (!m) {
      if (args[i] !== '--enable-source-maps') out.push(args[i]);
      continue;
    }
    const value = m[2] === undefined ? args[++i] : m[3];
    if (/(^|[/@])tsx([/.]|$)/.test(value ?? '')) out.push(...(m[2] === undefined ? [args[i - 1], value] : [args[i]]));
  }
  return out;
}

/**
 * The Node binary to name to a command that runs it for us (nsenter, lxc-usernsexec), and the fd
 * to pass that child as its fd 4 (-1: none; the caller closes it once spawned). After liblxc
 * re-executed this process from a memfd, /proc/self/exe would name the wrapping command once it
 * runs: the image goes along as fd 4 instead.
 *
 * @example
 * const { node, image } = wrappedNode();
 * spawn('nsenter', ['--user', '--target', pid, '--', node, script], { stdio: ['ignore', 'ignore', 'pipe', sock, ...(image >= 0 ? [image] : [])] });
 */
export function wrappedNode(): { node: string; image: number } {
  if (!process.execPath.startsWith('/memfd:')) return { node: process.execPath, image: -1 };
  return { node: '/proc/self/fd/4', image: openSync('/proc/self/exe', 'r') };
}

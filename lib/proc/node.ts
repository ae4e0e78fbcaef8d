// How lxc-ffi starts a Node process of its own (a runner, a create worker): which binary, which
// script, which flags. Written once here rather than by each kind of helper.
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

// A normal user's way into a container's network namespace (getAddresses): the kernel lets a
// process enter it only from inside the container's user namespace, and lets only a
// single-threaded process join a user namespace. So, as liblxc's get_ips() runs its setns() calls
// in a forked child, a child does it here: nsenter (util-linux) joins both namespaces and runs
// netns-helper.ts, which opens the socket there and hands it back. The child keeps the caller's
// credentials (--preserve-credentials): it reads lxc-ffi's files as the caller does.
import { builtins, fs } from '../builtins.js';
import * as libc from '../../ffi/libc.js';
import { AF_UNIX, SOCK_CLOEXEC, SOCK_STREAM } from '../../ffi/libc.js';
import { childArgs, loaderOnly, wrappedNode } from '../proc/node.js';
import { helperEnv } from '../proc/env.js';
import { receive } from '../proc/socket.js';

/** How long nsenter and the helper may take (a Node start-up) before they are killed. */
const ENTER_MS = 30_000;

const helperArgs = loaderOnly(childArgs(import.meta.url, 'netns-helper'));

/** Why no socket came back: what nsenter or the helper said, and whether nsenter is missing. */
export class EnterFailure extends Error {
  override readonly name = 'EnterFailure';
  constructor(message: string, readonly missing = false, readonly gone = false) {
    super(message);
  }
}

/**
 * The argv that opens the socket in the namespaces of `pid`, with Node at `node`.
 *
 * @example
 * enterCommand(c.initPid, '/usr/bin/node') // ['nsenter', ['--user', '--net', '--target', '4242', '--preserve-credentials', '--', '/usr/bin/node', …]]
 */
export function enterCommand(pid: number, node: string): [string, string[]] {
  // Joining the user namespace one is in already is EINVAL: a privileged container's is the host's.
  const user = sameUserNamespace(pid) ? [] : ['--user'];
  return ['nsenter', [...user, '--net', '--target', String(pid), '--preserve-credentials', '--', node, ...helperArgs]];
}

function sameUserNamespace(pid: number): boolean {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/user`) === fs.readlinkSync('/proc/self/ns/user');
  } catch {
    // Gone, or not ours to look at: nsenter says which.
    return false;
  }
}

/**
 * A NETLINK_ROUTE socket (non-blocking, close-on-exec) opened in the network namespace of `pid`
 * from inside its user namespace; the fd is the caller's to close. Rejects with EnterFailure.
 *
 * @example
 * const fd = await enteredRouteSocket(c.initPid);
 */
export async function enteredRouteSocket(pid: number): Promise<number> {
  const sv = [0, 0];
  if (libc.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) !== 0) throw new EnterFailure(`socketpair() failed (errno ${libc.koffi.errno()})`);
  const { node, image } = wrappedNode();
  const [file, args] = enterCommand(pid, node);
  let child;
  try {
    child = builtins.childProcess.spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe', sv[1], ...(image >= 0 ? [image] : [])], env: helperEnv() });
  } catch (e) {
    libc.close(sv[0]);
    throw new EnterFailure(`${file} could not be started: ${(e as Error).message}`);
  } finally {
    libc.close(sv[1]);
    if (image >= 0) fs.closeSync(image);
  }
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => { stderr = (stderr + d).slice(-2000); });
  try {
    const ended = await new Promise<{ code: number | null; signal: string | null; error?: NodeJS.ErrnoException }>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), ENTER_MS);
      child.once('error', (error: NodeJS.ErrnoException) => { clearTimeout(timer); resolve({ code: null, signal: null, error }); });
      child.once('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal }); });
    });
    if (ended.error) {
      const missing = ended.error.code === 'ENOENT';
      throw new EnterFailure(missing ? `${file} (util-linux) is needed and was not found` : `${file} could not be started: ${ended.error.message}`, missing);
    }
    // The helper sent the socket before it exited: it waits in our end, or nothing does.
    const got = receive(sv[0], true);
    const fds = got?.fds ?? [];
    if (ended.code === 0 && fds.length === 1) return fds[0];
    for (const fd of fds) libc.close(fd);
    const said = stderr.trim().split('\n').filter(Boolean).slice(-3).join(' | ');
    const why = said || (ended.signal === 'SIGKILL' ? `no answer within ${ENTER_MS / 1000} s` : `exited (${ended.signal ?? `code ${ended.code}`})`);
    // nsenter opens /proc/<pid>/ns/* first: the process is gone when they are.
    throw new EnterFailure(why, false, /cannot open \/proc\/\d+\/ns\/\w+: No such file or directory/.test(said));
  } finally {
    libc.close(sv[0]);
  }
}

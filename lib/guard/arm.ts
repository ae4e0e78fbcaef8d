// The caller's side of an ephemeral container's guard (main.ts): start it, hold our end of its
// socket until this process ends. Nothing is ever written to it: our end closing is the message.
import * as libc from '../../ffi/libc.js';
import { builtins, fs } from '../builtins.js';
import { childArgs, nodeBinary } from '../proc/node.js';
import { helperEnv } from '../proc/env.js';
import { AF_UNIX, SOCK_CLOEXEC, SOCK_STREAM } from '../../ffi/libc.js';

/** A started guard: its pid, and a promise of its exit (for tests and diagnostics). */
export interface Guard {
  pid: number;
  exited: Promise<void>;
}

/**
 * Starts the guard of the container `name` in `lxcpath`, whose directory must exist: once this
 * process is gone (any way), the guard stops the container and liblxc destroys it.
 *
 * @example
 * const g = armGuard('job-1', '/var/lib/lxc');
 */
export function armGuard(name: string, lxcpath: string): Guard {
  const ino = fs.statSync(`${lxcpath}/${name}`).ino;
  const sv = [0, 0];
  if (libc.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) !== 0) throw new Error(`socketpair() failed (errno ${libc.koffi.errno()})`);
  let child;
  try {
    child = builtins.childProcess.spawn(nodeBinary(), [...childArgs(import.meta.url, 'main'), name, lxcpath, String(ino)], {
      argv0: 'node',
      // Its own session: a Ctrl-C or a kill of the caller's process group does not reach it.
      detached: true,
      stdio: ['ignore', 'ignore', 'inherit', sv[1]],
      // fd 3 survives liblxc's re-exec of the process from a memfd (ffi/library.ts).
      env: helperEnv({ LXC_FFI_KEEP_FDS: '3' }),
    });
  } catch (e) {
    libc.close(sv[0]);
    throw e;
  } finally {
    libc.close(sv[1]);
  }
  child.unref();
  // Ours stays open (close-on-exec: no other child inherits it) until the guard is done.
  let open = true;
  const exited = new Promise<void>((resolve) => {
    const done = () => {
      if (open) libc.close(sv[0]);
      open = false;
      resolve();
    };
    child.once('exit', done);
    child.once('error', done);
  });
  return { pid: child.pid ?? -1, exited };
}

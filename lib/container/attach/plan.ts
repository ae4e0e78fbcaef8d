// The attach family's side of every attach: the AttachPlan the machinery (lib/attach/spawn.ts)
// works from, made of a Handle and the parsed options. It builds liblxc's lxc_attach_options_t
// with the members this runtime's struct has, calls the attach member through the Handle (in a
// runner, lib/runner/), opens the container's devpts, and names errors after the container.
import * as ffi from '../../../ffi/index.js';
import { attachFlags, namespaceMask, personality, type AttachSettings } from '../../attach/options.js';
import { symbolArg, outArg, fdArg, u32Arg, type Arg } from '../../runner/protocol.js';
import type { Handle } from '../handle.js';
import { invoke } from '../../call/invoke.js';
import { CLONE_NEWUSER } from '../../constants.js';
import { fd as containerFd } from '../devices.js';
import type { AttachPlan } from '../../attach/spawn.js';
import type { AttachedProcess } from '../../attach/process.js';
import type { Session } from '../../attach/session.js';

// The machinery loads with the first call: it brings node:net and node:child_process, ≈ 10 ms
// that `import 'lxc-ffi'` need not pay.
let spawnModule: Promise<typeof import('../../attach/spawn.js')> | undefined;
export const attachLib = () => (spawnModule ??= import('../../attach/spawn.js'));
export type AttachLib = typeof import('../../attach/spawn.js');

/** extra_env_vars: the options', and for a worker none of the caller's NODE_ settings that name host files. */
function extraEnv(o: AttachSettings, worker: boolean): (string | null)[] | null {
  const vars = Object.entries({ ...(worker ? { NODE_OPTIONS: '', NODE_EXTRA_CA_CERTS: '' } : {}), ...o.extraEnv }).map(([k, v]) => `${k}=${v}`);
  return vars.length ? [...vars, null] : null;
}

/** The lxc_attach_options_t for one call, with only the members the runtime's struct has; stdio is fds 0-2 of the call. */
function cAttachOptions(h: Handle, op: string, o: AttachSettings, worker: boolean): Record<string, unknown> {
  const c: Record<string, unknown> = {
    attach_flags: attachFlags(o),
    namespaces: namespaceMask(o.namespaces),
    personality: personality(o.personality),
    initial_cwd: o.cwd,
    uid: o.uid,
    gid: o.gid,
    env_policy: o.env === 'clear' ? 1 : 0,
    extra_env_vars: extraEnv(o, worker),
    extra_keep_env: o.keepEnv ? [...o.keepEnv, null] : null,
    stdin_fd: fdArg(0), stdout_fd: fdArg(1), stderr_fd: fdArg(2),
    log_fd: -9,
  };
  for (const [member, value, since] of [['lsm_label', o.lsmLabel, 'lsmLabel'], ['groups', o.groups, 'groups']] as const) {
    if (ffi.structHas(ffi.types, 'lxc_attach_options_t', member)) {
      if (member === 'lsm_label') c.lsm_label = value ?? null;
      else c.groups = value ? { size: (value as number[]).length, list: u32Arg(value as number[]) } : { size: 0, list: null };
    } else if (value !== undefined) {
      throw h.error('ENOTSUP', op, `options.${since} needs liblxc 4.0.7 (this is ${ffi.versionString})`);
    }
  }
  return c;
}

/** The plan of one attach `op` on `h` with options `o`; ERELEASED at once when `h` was released. */
export function plan(h: Handle, op: string, o: AttachSettings): AttachPlan {
  h.ref(op);
  // The kernel lets a caller without privilege over the container's user namespace join its other
  // namespaces only from inside it (liblxc: "Failed to attach to uts namespace of …").
  const mask = namespaceMask(o.namespaces);
  if (mask !== -1 && !(mask & CLONE_NEWUSER) && process.geteuid?.() !== 0) {
    throw h.error('EACCES', op, "a normal user joins a container's namespaces from inside its user namespace: add 'user' to options.namespaces");
  }
  return {
    options: o,
    // The container's devpts (liblxc ≥ 4.0.5), for a pty that has a name inside the container.
    devpts: () => {
      if (!ffi.hasMember('devpts_fd')) return undefined;
      try {
        return containerFd(h, 'devptsFd', 'devpts_fd');
      } catch {
        return undefined;
      }
    },
    attach: async (r) => {
      // invoke() tags the options for the runner (toArg), once.
      const args = [symbolArg(r.execFn), r.payload, cAttachOptions(h, op, o, r.worker) as Arg, outArg(1)];
      const { result, log, outs, watch } = await invoke(h, op, 'attach', { track: true, fds: r.fds }, ...args);
      const pid = outs?.[0]?.[0] ?? -1;
      if (result !== 0 || pid <= 0 || !watch) {
        // Whether it runs is asked only when liblxc fails: the question costs a round trip to the
        // container's command socket (≈ 0.1 ms), and attach asks it again anyway.
        h.need(op, 'running');
        throw h.failed('EATTACH', op, log, 'liblxc could not attach to the container');
      }
      return { pid, watch };
    },
    error: (code, message, cause) => h.error(code, op, message, undefined, cause === undefined ? {} : { cause }),
    where: { container: h.name, lxcpath: h.lxcpath },
  };
}

/** A function worker in the running container (lib/attach/spawn.ts, worker()). */
export async function worker(lib: AttachLib, h: Handle, op: string, o: AttachSettings, once: boolean): Promise<{ session: Session; proc: AttachedProcess }> {
  const problem = lib.workerProblem(o);
  if (problem) throw h.error('ENOTSUP', op, problem);
  h.need(op, 'running');
  return lib.worker(plan(h, op, o), once);
}

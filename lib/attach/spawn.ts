// Starting attached processes: a command through liblxc's attach (in a runner, lib/runner/), or a
// Node worker rooted in the container for functions, and the spare worker evaluate() keeps ready.
// Loaded with the first attach call, with the rest of lib/attach/.
import { fileURLToPath } from 'node:url';
import * as ffi from '../../ffi/index.js';
import * as C from '../constants.js';
import { planStdio, releaseStdio, AttachedProcess, TerminalError, type StdioSpec } from './process.js';
import { Session } from './session.js';
import { sealedNodePath } from './sealed.js';
import { attachFlags, namespaceMask, personality, type ParsedAttachOptions } from './options.js';
import { namespaceFlags } from '../options.js';
import { asArg, symbolArg, outArg, fdArg, u32Arg, type Arg } from '../runner/protocol.js';
import { toArg, type Handle } from '../container/handle.js';
import { getConfigItem } from '../container/config.js';
import { fd as containerFd } from '../container/devices.js';

// The worker enters these namespaces; the mount and user ones it replaces by chroot() and setresuid().
const WORKER_NAMESPACES = ['uts', 'ipc', 'pid', 'net', 'cgroup'] as const;
// How long a worker started ahead for evaluate() waits for its call.
const SPARE_IDLE_MS = 30_000;
const here = fileURLToPath(import.meta.url);
const workerScript = here.replace(/spawn\.(ts|js)$/, 'worker.$1');
// Under tsx the worker is TypeScript too: hand it the same loader flags.
const workerNodeArgs = here.endsWith('.ts') ? [...process.execArgv, workerScript] : [workerScript];

/** The lxc_attach_options_t for one call, with only the members the runtime's struct has. */
function cAttachOptions(h: Handle, op: string, o: ParsedAttachOptions, fds: [Arg, Arg, Arg], worker: boolean, namespaces: number): Record<string, unknown> {
  const unset = 0xffffffff;
  const c: Record<string, unknown> = {
    attach_flags: attachFlags(o),
    namespaces,
    personality: personality(o.personality),
    // The worker changes directory and ids itself, after chroot().
    initial_cwd: worker ? null : (o.cwd ?? null),
    uid: worker || o.uid === undefined ? unset : o.uid,
    gid: worker || o.gid === undefined ? unset : o.gid,
    env_policy: o.env === 'clear' ? 1 : 0,
    extra_env_vars: o.extraEnv ? [...Object.entries(o.extraEnv).map(([k, v]) => `${k}=${v}`), null] : null,
    extra_keep_env: o.keepEnv ? [...o.keepEnv, null] : null,
    stdin_fd: fds[0], stdout_fd: fds[1], stderr_fd: fds[2],
    log_fd: -9,
  };
  for (const [member, value, since] of [['lsm_label', o.lsmLabel, 'lsmLabel'], ['groups', worker ? undefined : o.groups, 'groups']] as const) {
    if (ffi.structHas(ffi.types, 'lxc_attach_options_t', member)) {
      if (member === 'lsm_label') c.lsm_label = value ?? null;
      else c.groups = value ? { size: (value as number[]).length, list: u32Arg(value as number[]) } : { size: 0, list: null };
    } else if (value !== undefined) {
      throw h.error('ENOTSUP', op, `options.${since} needs liblxc 4.0.7 (this is ${ffi.versionString})`);
    }
  }
  return c;
}

/**
 * Attaches a process running liblxc's `execFn(payload)` (lxc_attach_run_command or _shell);
 * resolves once liblxc has forked it. The runner that made it reaps it and reports its exit.
 */
export async function spawn(h: Handle, op: string, execFn: 'lxc_attach_run_command' | 'lxc_attach_run_shell', payload: Arg, o: ParsedAttachOptions, stdio: [StdioSpec, StdioSpec, StdioSpec], worker = false, namespaces = namespaceMask(o.namespaces)): Promise<AttachedProcess> {
  // Whether it runs is asked only when liblxc fails: the question costs a round trip to the
  // container's command socket (≈ 0.1 ms), and attach asks it again anyway.
  h.ref(op);
  let plan;
  try {
    // The container's devpts (liblxc ≥ 4.0.5), for a pty that has a name inside the container.
    plan = planStdio(stdio, () => (ffi.hasMember('devpts_fd') ? (() => { try { return containerFd(h, 'devptsFd', 'devpts_fd'); } catch { return undefined; } })() : undefined), o.logFd);
  } catch (e) {
    if (e instanceof TerminalError) throw h.error('EINVAL', op, e.message);
    throw e;
  }
  try {
    const copts = cAttachOptions(h, op, o, [fdArg(0), fdArg(1), fdArg(2)], worker, namespaces);
    const args = [symbolArg(execFn), payload, toArg(copts), outArg(1)];
    const { result, log, outs, watch } = await h.forking(op, [{ member: 'attach', args }], { track: true, fds: plan.fds });
    const pid = outs[0]?.[0] ?? -1;
    if (result !== 0 || pid <= 0 || !watch) {
      h.need(op, 'running');
      throw h.failed('EATTACH', op, log, 'liblxc could not attach to the container');
    }
    releaseStdio(plan);
    const proc = new AttachedProcess(pid, plan.parentEnds, watch, plan.relay);
    if (o.signal) {
      const kill = () => proc.kill('SIGKILL');
      if (o.signal.aborted) kill();
      else o.signal.addEventListener('abort', kill, { once: true });
      void proc.wait().finally(() => o.signal!.removeEventListener('abort', kill));
    }
    return proc;
  } catch (e) {
    releaseStdio(plan, true);
    throw e;
  }
}

/** A command: liblxc's lxc_attach_run_command with `argv`. */
export function spawnCommand(h: Handle, op: string, argv: string[], o: ParsedAttachOptions, stdio: [StdioSpec, StdioSpec, StdioSpec]): Promise<AttachedProcess> {
  const payload = asArg('lxc_attach_command_t *', { program: argv[0], argv: [...argv, null] });
  return spawn(h, op, 'lxc_attach_run_command', payload, o, stdio);
}

/** Host ids for container ids, through the container's lxc.idmap (identity when it has none). */
function hostIds(h: Handle, op: string, o: ParsedAttachOptions): { uid?: number; gid?: number; groups?: number[] } {
  const idmap = getConfigItem(h, 'lxc.idmap');
  const maps = (idmap === '' ? [] : idmap.split('\n')).map((l) => l.trim().split(/\s+/));
  const map = (kind: 'u' | 'g', id: number) => {
    const m = maps.find(([k, inside, , range]) => k === kind && id >= Number(inside) && id < Number(inside) + Number(range));
    if (!maps.length) return id;
    if (!m) throw h.error('EINVAL', op, `${kind === 'u' ? 'uid' : 'gid'} ${id} is not mapped by lxc.idmap`);
    return Number(m[2]) + id - Number(m[1]);
  };
  if (!maps.length && o.uid === undefined && o.gid === undefined && o.groups === undefined) return {};
  const uid = o.uid ?? 0;
  const gid = o.gid ?? 0;
  return { uid: map('u', uid), gid: map('g', gid), groups: (o.groups ?? []).map((g) => map('g', g)) };
}

/** Starts an attach worker (a Node process rooted in the container) and waits until it is ready. */
export async function worker(h: Handle, op: string, o: ParsedAttachOptions, once: boolean): Promise<{ session: Session; proc: AttachedProcess }> {
  let namespaces = WORKER_NAMESPACES.reduce((m, n) => m | namespaceFlags[n], 0);
  if (o.namespaces !== undefined) {
    namespaces = namespaceMask(o.namespaces);
    if (namespaces & (C.CLONE_NEWNS | C.CLONE_NEWUSER)) {
      throw h.error('ENOTSUP', op, 'functions cannot enter the mount or user namespace (a Node process cannot setns() into them); the worker roots itself in the container with chroot() and runs as its mapped ids instead');
    }
  }
  h.need(op, 'running');
  const initPid = h.query(op, 'init_pid');
  const ids = hostIds(h, op, o);
  const node = await sealedNodePath();
  const config = { root: `/proc/${initPid}/root`, cwd: o.cwd ?? '/', once, ...ids };
  const argv = [node, ...workerNodeArgs, JSON.stringify(config)];
  const payload = asArg('lxc_attach_command_t *', { program: node, argv: [...argv, null] });
  const proc = await spawn(h, op, 'lxc_attach_run_command', payload, o, ['pipe', 'pipe', o.stdout === undefined || o.stdout === 'inherit' ? 1 : o.stdout], true, namespaces);
  const session = new Session(proc, { container: h.name, lxcpath: h.lxcpath }, o.signal);
  await session.ready();
  return { session, proc };
}

interface Spare {
  key: string;
  initPid: number;
  ready: Promise<Session>;
  timer: NodeJS.Timeout;
}
const SPARE = 'attach.spare';

/** The spare worker for these options if one is ready and current, else a new one; then prepares the next. */
export async function takeSpare(h: Handle, op: string, o: ParsedAttachOptions): Promise<Session> {
  h.need(op, 'running');
  if (!h.extras.has(SPARE)) h.onRelease.push(() => dropSpare(h));
  const key = JSON.stringify(o);
  const initPid = h.query(op, 'init_pid');
  const spare = h.extras.get(SPARE) as Spare | null | undefined;
  h.extras.set(SPARE, null);
  let session: Session | null = null;
  if (spare) {
    clearTimeout(spare.timer);
    const ready = spare.key === key && spare.initPid === initPid ? await spare.ready.catch(() => null) : null;
    if (ready?.alive) {
      ready.ref();
      session = ready;
    } else {
      void spare.ready.then((s) => s.kill(), () => undefined);
    }
  }
  session ??= (await worker(h, op, o, false)).session;
  prepareSpare(h, op, o, key, initPid);
  return session;
}

function prepareSpare(h: Handle, op: string, o: ParsedAttachOptions, key: string, initPid: number): void {
  const ready = worker(h, op, o, false).then(({ session }) => {
    session.unref();
    return session;
  });
  ready.catch(() => undefined);
  // An idle spare ends after a while; its timer does not keep Node alive.
  const timer = setTimeout(() => {
    if ((h.extras.get(SPARE) as Spare | null)?.ready === ready) h.extras.set(SPARE, null);
    void ready.then((s) => s.close(), () => undefined);
  }, SPARE_IDLE_MS);
  timer.unref();
  h.extras.set(SPARE, { key, initPid, ready, timer } satisfies Spare);
}

function dropSpare(h: Handle): void {
  const spare = h.extras.get(SPARE) as Spare | null | undefined;
  h.extras.set(SPARE, null);
  if (!spare) return;
  clearTimeout(spare.timer);
  void spare.ready.then((s) => s.kill(), () => undefined);
}

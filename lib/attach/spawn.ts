// Starting attached processes: a command through liblxc's attach (in a runner, lib/runner/), or a
// Node worker inside the container for functions, and the spare worker evaluate() keeps ready.
// Loaded with the first attach call, with the rest of lib/attach/.
import * as ffi from '../../ffi/index.js';
import * as libc from '../../ffi/libc.js';
import { O_CLOEXEC } from '../../ffi/libc.js';
import * as C from '../constants.js';
import { planStdio, releaseStdio, pipeStream, running, AttachedProcess, TerminalError, type StdioSpec } from './process.js';
import { Session } from './session.js';
import { nodeImage } from './image.js';
import { workerSource, type WorkerConfig } from './worker.js';
import { MAX_FRAME } from './wire.js';
import { attachFlags, namespaceMask, personality, type AttachSettings } from './options.js';
import { asArg, symbolArg, outArg, fdArg, fdNumberArg, fdPathArg, u32Arg, type Arg } from '../runner/protocol.js';
import { toArg, type Handle } from '../container/handle.js';
import { fd as containerFd } from '../container/devices.js';

// How long a worker started ahead for evaluate() waits for its call.
const SPARE_IDLE_MS = 30_000;

/** extra_env_vars: the options', and for a worker none of the caller's NODE_ settings that name host files. */
function extraEnv(o: AttachSettings, worker: boolean): (string | null)[] | null {
  const vars = Object.entries({ ...(worker ? { NODE_OPTIONS: '', NODE_EXTRA_CA_CERTS: '' } : {}), ...o.extraEnv }).map(([k, v]) => `${k}=${v}`);
  return vars.length ? [...vars, null] : null;
}

/** The lxc_attach_options_t for one call, with only the members the runtime's struct has. */
function cAttachOptions(h: Handle, op: string, o: AttachSettings, fds: [Arg, Arg, Arg], worker: boolean): Record<string, unknown> {
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
    stdin_fd: fds[0], stdout_fd: fds[1], stderr_fd: fds[2],
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

/**
 * Attaches a process running liblxc's `execFn(payload)` (lxc_attach_run_command or _shell);
 * resolves once liblxc has forked it. The runner that made it reaps it and reports its exit.
 */
export async function spawn(h: Handle, op: string, execFn: 'lxc_attach_run_command' | 'lxc_attach_run_shell', payload: Arg, o: AttachSettings, stdio: [StdioSpec, StdioSpec, StdioSpec], forWorker?: { fds: number[] }): Promise<AttachedProcess> {
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
    const copts = cAttachOptions(h, op, o, [fdArg(0), fdArg(1), fdArg(2)], forWorker !== undefined);
    const args = [symbolArg(execFn), payload, toArg(copts), outArg(1)];
    const { result, log, outs, watch } = await h.forking(op, [{ member: 'attach', args }], { track: true, fds: [...plan.fds, ...(forWorker?.fds ?? [])] });
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
export function spawnCommand(h: Handle, op: string, argv: string[], o: AttachSettings, stdio: [StdioSpec, StdioSpec, StdioSpec]): Promise<AttachedProcess> {
  const payload = asArg('lxc_attach_command_t *', { program: argv[0], argv: [...argv, null] });
  return spawn(h, op, 'lxc_attach_run_command', payload, o, stdio);
}

/** A pipe for the worker's channel: [read end, write end], close-on-exec in this process. */
function channelPipe(): [number, number] {
  const ends = [0, 0];
  if (libc.pipe2(ends, O_CLOEXEC) !== 0) throw new Error(`pipe2() failed (errno ${libc.koffi.errno()})`);
  // The worker reopens its end through /proc/self/fd as the container's root, which owns nothing
  // of the host; only a holder of the fd can name this pipe, so its mode need not keep anyone out.
  libc.fchmod(ends[0], 0o666);
  return ends as [number, number];
}

/**
 * Starts a function worker (workerMain in worker.ts): liblxc attaches it to the container's
 * namespaces and executes the sealed Node image from inherited fds; resolves once it is ready.
 */
export async function worker(h: Handle, op: string, o: AttachSettings, once: boolean): Promise<{ session: Session; proc: AttachedProcess }> {
  const ns = namespaceMask(o.namespaces);
  // It executes through the container's /proc/self, which exists only for a process of its pid
  // namespace; without its mount namespace it would stand in the host's filesystem.
  for (const [flag, name] of [[C.CLONE_NEWNS, 'mount'], [C.CLONE_NEWPID, 'pid']] as const) {
    if (o.namespaces !== undefined && ns !== -1 && !(ns & flag)) throw h.error('ENOTSUP', op, `functions always enter the container's ${name} namespace: add '${name}' to options.namespaces`);
  }
  h.need(op, 'running');
  let image;
  try {
    image = await nodeImage();
  } catch (e) {
    throw h.error('EATTACH', op, `cannot make the sealed copies of Node that functions run from: ${(e as Error).message}`, undefined, { cause: e });
  }
  const toWorker = channelPipe();
  let fromWorker: [number, number] | undefined;
  let proc: AttachedProcess | undefined;
  try {
    fromWorker = channelPipe();
    // What the dynamic linker opens after exec: the libraries, then Node (none for a static Node).
    const loaded = image.node === null ? [] : [...image.preload, image.node];
    // fds sent after the three of stdio, by index: the image, then the worker's channel ends.
    const sent = [image.exec, ...loaded, toWorker[0], fromWorker[1]];
    const at = (fd: number) => 3 + sent.indexOf(fd);
    const config: WorkerConfig = { once, maxFrame: MAX_FRAME };
    const script = ['-e', workerSource, JSON.stringify(config), fdNumberArg([at(toWorker[0]), at(fromWorker[1])]), image.node === null ? '' : fdNumberArg(loaded.map(at))];
    const argv: Arg[] = image.node === null ? ['node', ...script] : ['node', '--preload', fdPathArg(image.preload.map(at), true), fdPathArg([at(image.node)], true), ...script];
    const payload = asArg('lxc_attach_command_t *', { program: fdPathArg([at(image.exec)], false), argv: [...argv, null] });
    proc = await spawn(h, op, 'lxc_attach_run_command', payload, o, [o.stdin, o.stdout, o.stderr], { fds: sent });
  } catch (e) {
    for (const fd of [...toWorker, ...(fromWorker ?? [])]) libc.close(fd);
    throw e;
  } finally {
    if (proc) for (const fd of [toWorker[0], fromWorker![1]]) libc.close(fd);
  }
  const channel = { input: pipeStream(toWorker[1], true), output: pipeStream(fromWorker![0], false) };
  const session = new Session(proc, channel, { container: h.name, lxcpath: h.lxcpath }, o.signal);
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
export async function takeSpare(h: Handle, op: string, o: AttachSettings): Promise<Session> {
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
    // Its death (the container restarted, someone killed it) may not have been reported yet.
    if (ready?.alive && running(ready.pid)) {
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

function prepareSpare(h: Handle, op: string, o: AttachSettings, key: string, initPid: number): void {
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

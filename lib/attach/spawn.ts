// Starting attached processes: a command, or a Node worker inside the container for functions.
// A leaf: it knows nothing of a container. The attach family (lib/container/attach/) hands it an
// AttachPlan (the options, the container's devpts, the function that makes liblxc's attach call,
// the errors' names); it hands back what to run and the fds to send. Loaded with the first attach
// call, with the rest of lib/attach/.
import * as libc from '../../ffi/libc.js';
import { O_CLOEXEC } from '../../ffi/libc.js';
import * as C from '../constants.js';
import type { LxcErrorCode } from '../errors.js';
import { planStdio, releaseStdio, pipeStream, AttachedProcess, TerminalError, type StdioSpec } from './process.js';
import { Session } from './session.js';
import { nodeImage, type NodeImage } from './image.js';
import { workerSource, type WorkerConfig } from './worker.js';
import { MAX_FRAME } from './wire.js';
import { namespaceMask, type AttachSettings } from './options.js';
import { asArg, fdNumberArg, fdPathArg, type Arg } from '../runner/protocol.js';
import type { ExitWatch } from '../runner/pool.js';

export { running } from './process.js';
export { Session } from './session.js';

/** What liblxc's attach is asked to run: `execFn(payload)`, with the fds sent along. */
export interface AttachRequest {
  /** liblxc's exec function: lxc_attach_run_command, or lxc_attach_run_shell (payload null). */
  execFn: 'lxc_attach_run_command' | 'lxc_attach_run_shell';
  /** Its argument, as the runner protocol carries it (an lxc_attach_command_t). */
  payload: Arg;
  /** The fds sent with the call: the attached process's stdin, stdout, stderr, then what a worker inherits. */
  fds: number[];
  /** A function worker: it starts in the container's root, and no NODE_ setting of the caller's reaches it. */
  worker: boolean;
}

/** What the attach family hands the machinery for one call. */
export interface AttachPlan {
  /** The call's options. */
  options: AttachSettings;
  /** The container's devpts (an fd the machinery closes), for a pty named inside it; undefined: none. */
  devpts(): number | undefined;
  /** liblxc's attach: the attached process's pid and the runner's watch of its exit; rejects when it failed. */
  attach(request: AttachRequest): Promise<{ pid: number; watch: ExitWatch }>;
  /** An error naming the call and the container. */
  error(code: LxcErrorCode, message: string, cause?: unknown): Error;
  /** Where a function worker runs, for its errors. */
  where: { container: string; lxcpath: string };
}

/**
 * Attaches a process running liblxc's `execFn(payload)` (lxc_attach_run_command or _shell);
 * resolves once liblxc has forked it. The runner that made it reaps it and reports its exit.
 */
export async function spawn(plan: AttachPlan, execFn: AttachRequest['execFn'], payload: Arg, stdio: [StdioSpec, StdioSpec, StdioSpec], forWorker?: { fds: number[] }): Promise<AttachedProcess> {
  const o = plan.options;
  let fds;
  try {
    fds = planStdio(stdio, () => plan.devpts(), o.logFd);
  } catch (e) {
    if (e instanceof TerminalError) throw plan.error('EINVAL', e.message);
    throw e;
  }
  try {
    const { pid, watch } = await plan.attach({ execFn, payload, fds: [...fds.fds, ...(forWorker?.fds ?? [])], worker: forWorker !== undefined });
    releaseStdio(fds);
    const proc = new AttachedProcess(pid, fds.parentEnds, watch, fds.relay);
    if (o.signal) {
      const kill = () => proc.kill('SIGKILL');
      if (o.signal.aborted) kill();
      else o.signal.addEventListener('abort', kill, { once: true });
      void proc.wait().finally(() => o.signal!.removeEventListener('abort', kill));
    }
    return proc;
  } catch (e) {
    releaseStdio(fds, true);
    throw e;
  }
}

/** A command: liblxc's lxc_attach_run_command with `argv`. */
export function spawnCommand(plan: AttachPlan, argv: string[], stdio: [StdioSpec, StdioSpec, StdioSpec]): Promise<AttachedProcess> {
  const payload = asArg('lxc_attach_command_t *', { program: argv[0], argv: [...argv, null] });
  return spawn(plan, 'lxc_attach_run_command', payload, stdio);
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

/** Why these options cannot run a function worker, or null. */
export function workerProblem(o: AttachSettings): string | null {
  const ns = namespaceMask(o.namespaces);
  // It executes through the container's /proc/self, which exists only for a process of its pid
  // namespace; without its mount namespace it would stand in the host's filesystem.
  for (const [flag, name] of [[C.CLONE_NEWNS, 'mount'], [C.CLONE_NEWPID, 'pid']] as const) {
    if (o.namespaces !== undefined && ns !== -1 && !(ns & flag)) return `functions always enter the container's ${name} namespace: add '${name}' to options.namespaces`;
  }
  return null;
}

/**
 * What liblxc executes to start the sealed Node image: the dynamic linker (or a static Node) from
 * an fd, with `--preload` naming the libraries' fds and Node's; `args` are Node's own arguments,
 * made knowing `at` (an fd of this process → its number in the attached process) and `loaded` (the
 * image fds the linker opens, which the program may close). The fds to send: the image's, then `extra`.
 */
function imageCommand(image: NodeImage, extra: number[], args: (at: (fd: number) => number, loaded: number[]) => Arg[]): { payload: Arg; fds: number[] } {
  // What the dynamic linker opens after exec: the libraries, then Node (none for a static Node).
  const loaded = image.node === null ? [] : [...image.preload, image.node];
  // fds sent after the three of stdio, by index: the image, then the extra ones.
  const fds = [image.exec, ...loaded, ...extra];
  const at = (fd: number) => 3 + fds.indexOf(fd);
  const script = args(at, loaded);
  const argv: Arg[] = image.node === null ? ['node', ...script] : ['node', '--preload', fdPathArg(image.preload.map(at), true), fdPathArg([at(image.node)], true), ...script];
  return { payload: asArg('lxc_attach_command_t *', { program: fdPathArg([at(image.exec)], false), argv: [...argv, null] }), fds };
}

async function image(plan: AttachPlan): Promise<NodeImage> {
  try {
    return await nodeImage();
  } catch (e) {
    throw plan.error('EATTACH', `cannot make the sealed copies of Node that functions run from: ${(e as Error).message}`, e);
  }
}

/**
 * Starts a function worker (workerMain in worker.ts): liblxc attaches it to the container's
 * namespaces and executes the sealed Node image from inherited fds; resolves once it is ready.
 * The family has checked workerProblem() and that the container runs.
 */
export async function worker(plan: AttachPlan, once: boolean): Promise<{ session: Session; proc: AttachedProcess }> {
  const o = plan.options;
  const img = await image(plan);
  const toWorker = channelPipe();
  let fromWorker: [number, number] | undefined;
  let proc: AttachedProcess | undefined;
  try {
    fromWorker = channelPipe();
    const config: WorkerConfig = { once, maxFrame: MAX_FRAME };
    const ends = [toWorker[0], fromWorker[1]];
    const { payload, fds } = imageCommand(img, ends, (at, loaded) => ['-e', workerSource, JSON.stringify(config), fdNumberArg(ends.map(at)), loaded.length ? fdNumberArg(loaded.map(at)) : '']);
    proc = await spawn(plan, 'lxc_attach_run_command', payload, [o.stdin, o.stdout, o.stderr], { fds });
  } catch (e) {
    for (const fd of [...toWorker, ...(fromWorker ?? [])]) libc.close(fd);
    throw e;
  } finally {
    if (proc) for (const fd of [toWorker[0], fromWorker![1]]) libc.close(fd);
  }
  const channel = { input: pipeStream(toWorker[1], true), output: pipeStream(fromWorker![0], false) };
  const session = new Session(proc, channel, plan.where, o.signal);
  await session.ready();
  return { session, proc };
}

/**
 * The floor under a function worker, for the benchmark's control row: the sealed Node image
 * attached as a worker is (same options, same fds, same environment) but running `node -e 0`: no
 * channel, no worker program. Resolves once liblxc has forked it; wait() gives its exit.
 */
export async function bareNode(plan: AttachPlan): Promise<AttachedProcess> {
  const o = plan.options;
  const { payload, fds } = imageCommand(await image(plan), [], () => ['-e', '0']);
  return spawn(plan, 'lxc_attach_run_command', payload, [o.stdin, o.stdout, o.stderr], { fds });
}

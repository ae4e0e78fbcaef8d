// The caller's side of the files helper (files-helper.ts): for a caller that is not root and a
// container with an lxc.idmap, the root-side primitives run in a helper process inside the
// container's user namespace, where the container's ids are its own (docs/files.md, "A normal
// user"). A running container's namespace is joined (`nsenter --user --target <init>`; the caller
// owns it, having started the container), a stopped container's ids are mapped into a new one
// (`lxc-usernsexec -m …` with its lxc.idmap, which also unshares a mount namespace: an overlay
// can be mounted there). One helper serves one files call; its fds come back over a socket.
import type { ChildProcess } from 'node:child_process';
import * as libc from '../../ffi/libc.js';
import { builtins, fs } from '../builtins.js';
import { FrameReader, frame, receive, sendBytes } from '../proc/socket.js';
import { childArgs, loaderOnly, wrappedNode } from '../proc/node.js';
import { helperEnv } from '../proc/env.js';
import { AF_UNIX, SOCK_CLOEXEC, SOCK_STREAM } from '../../ffi/libc.js';
import { FileFault, PRIMITIVES, type RootSide, type RootSpec } from './files-root.js';

/** How long the helper may take to start and open the root. */
const START_MS = 30_000;
/** How long one primitive may take (a recursive remove of a large tree is one). */
const CALL_MS = 300_000;
/** After the call, how long the helper may take to go before it is killed. */
const EXIT_MS = 5_000;

/**
 * The Node arguments that run the helper: only the TypeScript loader of this process's flags (other
 * hooks, a test runner's, would run as the container's root, which may not write their files).
 */
export const helperArgs = loaderOnly(childArgs(import.meta.url, 'files-helper'));

/** How the helper gets the container's ids: joins a running container's user namespace, or maps a stopped one's lxc.idmap. */
export type Entry = { pid: number } | { idmap: string[] };

// A poll handle still open when Node tears down would call into JavaScript from its cleanup.
const openPolls = new Set<{ close(): void }>();
process.once('exit', () => { for (const p of openPolls) p.close(); openPolls.clear(); });

/** The command that starts the helper, with Node at `node`. */
export function helperCommand(entry: Entry, node: string): [string, string[]] {
  if ('pid' in entry) return ['nsenter', ['--user', '--target', String(entry.pid), '--', node, ...helperArgs]];
  // lxc.idmap's "u 0 165536 65536" is lxc-usernsexec's "u:0:165536:65536".
  const maps = entry.idmap.flatMap((line) => ['-m', line.trim().split(/\s+/).join(':')]);
  return ['lxc-usernsexec', [...maps, '--', node, ...helperArgs]];
}

interface Pending {
  op: string;
  resolve: (r: { result: unknown; fds: number[] }) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

class Helper {
  readonly #fd: number;
  readonly #child: ChildProcess;
  readonly #what: string;
  #poll: { close(): void; ref(): void; unref(): void };
  #reader = new FrameReader();
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #stderr = '';
  /** Why it is gone (null while it serves). */
  #gone: FileFault | null = null;
  #closed = false;
  #exited: Promise<void> = Promise.resolve();
  /** Why the command could not be run (ENOENT: not installed). */
  #spawnError: FileFault | null = null;
  readonly #childClosed: Promise<void>;

  constructor(entry: Entry, command?: [string, string[]]) {
    const sv = [0, 0];
    if (libc.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) !== 0) throw new FileFault('EFILE', `socketpair() failed (errno ${libc.koffi.errno()})`);
    this.#fd = sv[0];
    const { node, image } = wrappedNode();
    const memfd = image >= 0;
    const [file, args] = command ?? helperCommand(entry, node);
    this.#what = command ? file : `${file} ${'pid' in entry ? `--user --target ${entry.pid}` : args.slice(0, args.indexOf('--')).join(' ')}`;
    try {
      this.#child = builtins.childProcess.spawn(file, args, {
        stdio: ['ignore', 'ignore', 'pipe', sv[1], ...(memfd ? [image] : [])],
        // It loads no liblxc (so no memfd re-exec that would need LXC_FFI_KEEP_FDS).
        env: helperEnv(),
      });
    } catch (e) {
      libc.close(sv[0]);
      throw new FileFault('EFILE', `the files helper (${this.#what}) could not be started: ${(e as Error).message}`);
    } finally {
      libc.close(sv[1]);
      if (memfd) fs.closeSync(image);
    }
    // Neither the process nor its stderr keeps the caller alive: a pending request does (the poll).
    this.#child.unref();
    (this.#child.stderr as unknown as { unref?(): void } | null)?.unref?.();
    this.#child.stderr!.setEncoding('utf8');
    this.#child.stderr!.on('data', (d: string) => { this.#stderr = (this.#stderr + d).slice(-4000); });
    this.#childClosed = new Promise((resolve) => {
      this.#child.once('close', () => resolve());
      this.#child.once('error', () => resolve());
    });
    this.#child.once('error', (e: NodeJS.ErrnoException) => {
      this.#spawnError = e.code === 'ENOENT'
        ? new FileFault('ENOTSUP', `${file} is needed for files of an idmapped container as a normal user (${file === 'nsenter' ? 'util-linux' : 'lxc'}), and was not found`)
        : new FileFault('EFILE', `the files helper (${this.#what}) could not be started: ${e.message}`);
      this.#fail(this.#spawnError);
    });
    this.#child.once('exit', (code, signal) => this.#fail(`exited (${signal ?? `code ${code}`})`));
    this.#poll = libc.koffi.node.poll(this.#fd, { readable: true }, () => this.#read());
    this.#poll.unref();
    openPolls.add(this.#poll);
  }

  #fault(why: string): FileFault {
    const said = this.#stderr.trim().split('\n').filter(Boolean).slice(-6).join(' | ');
    return new FileFault('EFILE', `the files helper (${this.#what}, pid ${this.#child.pid}) ${why}${said ? `: ${said}` : ''}`);
  }

  /** Sends one request; resolves its reply and the fds that came with it, within `ms`. */
  request(op: string, body: Record<string, unknown>, fds: number[], ms: number): Promise<{ result: unknown; fds: number[] }> {
    if (this.#gone) return Promise.reject(this.#gone);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(this.#fault(`gave no answer to ${op} within ${ms / 1000} s`));
        // Stuck: it goes now, not after EXIT_MS.
        try { this.#child.kill('SIGKILL'); } catch { /* gone */ }
        this.close();
      }, ms);
      this.#pending.set(id, { op, resolve, reject, timer });
      this.#poll.ref();
      try {
        const bytes = frame({ ...body, id, op, fds: fds.length });
        // The socket is blocking and the helper answers one request at a time: a request is small.
        if (sendBytes(this.#fd, bytes, fds) !== bytes.length) throw new Error('short write');
      } catch (e) {
        // Most likely it is gone already: what it said, or why it never ran, makes the message.
        this.#fail(`could not be sent ${op}: ${(e as Error).message}`);
      }
    });
  }

  #read(): void {
    for (;;) {
      let got;
      try {
        got = receive(this.#fd, true);
      } catch {
        got = { bytes: Buffer.alloc(0), fds: [], closed: true };
      }
      if (!got) return;
      if (got.closed) {
        this.#fail('closed its socket');
        return;
      }
      let frames;
      try {
        frames = this.#reader.push(got.bytes, got.fds);
      } catch (e) {
        for (const fd of got.fds) libc.close(fd);
        this.#fail(this.#fault(`sent a bad frame: ${(e as Error).message}`));
        return;
      }
      for (const { message, fds } of frames) {
        const p = this.#pending.get(message?.id);
        if (!p) {
          for (const fd of fds) libc.close(fd);
          continue;
        }
        this.#pending.delete(message.id);
        clearTimeout(p.timer);
        if (message.ok) p.resolve({ result: message.result, fds });
        else {
          for (const fd of fds) libc.close(fd);
          const f = message.fault ?? {};
          p.reject(new FileFault(f.code === 'EINVAL' || f.code === 'ENOTSUP' ? f.code : 'EFILE', String(f.message), typeof f.errno === 'number' ? f.errno : undefined));
        }
      }
      if (this.#pending.size === 0) this.#poll.unref();
    }
  }

  /**
   * The helper is gone (or must go): pending requests fail. When it ended on its own (`why` a
   * string), its stderr is waited for (a moment at most) so that the message says what it said.
   */
  #fail(why: string | FileFault): void {
    if (this.#gone) return;
    // Its exit status says more than a closed socket, once it is known.
    const make = () => {
      if (this.#spawnError) return this.#spawnError;
      if (typeof why !== 'string') return why;
      const { exitCode, signalCode } = this.#child;
      return this.#fault(exitCode !== null || signalCode !== null ? `exited (${signalCode ?? `code ${exitCode}`})` : why);
    };
    this.#gone = make();
    const settle = () => {
      if (this.#closed) return;
      this.#gone = make();
      this.close();
    };
    if (typeof why !== 'string' || this.#pending.size === 0) settle();
    else void Promise.race([this.#childClosed, new Promise((r) => setTimeout(r, 1000).unref())]).then(settle);
  }

  /**
   * Closes our end: the helper sees EOF and exits. Resolves once it has (killed if it has not
   * after EXIT_MS), so that what it held (a stopped overlay clone's mount) is gone by then.
   */
  close(): Promise<void> {
    if (this.#closed) return this.#exited;
    this.#closed = true;
    this.#gone ??= new FileFault('EFILE', 'the files helper was closed');
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(this.#gone);
    }
    this.#pending.clear();
    this.#poll.close();
    openPolls.delete(this.#poll);
    libc.close(this.#fd);
    const child = this.#child;
    (child.stderr as unknown as { unref?(): void } | null)?.unref?.();
    child.unref();
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      // Left referenced until it exits: a caller awaiting this keeps its process until then.
      const killer = setTimeout(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } }, EXIT_MS);
      this.#exited = new Promise((resolve) => child.once('exit', () => {
        clearTimeout(killer);
        resolve();
      }));
    }
    return this.#exited;
  }
}

/** For tests: another command that starts the helper, and a shorter start deadline. */
export interface HelperTest {
  command?: [string, string[]];
  startMs?: number;
}

/**
 * Starts a helper in the container's ids (`entry`), has it open the root `spec`, and gives its
 * primitives. A failure to start is a FileFault naming the command and what it printed.
 */
export async function helperSide(entry: Entry, spec: RootSpec, test: HelperTest = {}): Promise<RootSide> {
  const helper = new Helper(entry, test.command);
  try {
    await helper.request('open', { spec }, [], test.startMs ?? START_MS);
  } catch (e) {
    await helper.close();
    throw e;
  }
  const side = { close: () => helper.close() } as RootSide;
  for (const name of PRIMITIVES) {
    (side as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      let fds: number[] = [];
      if (name === 'setMode') {
        fds = [args[0] as number];
        args = [-1, ...args.slice(1)];
      }
      const { result, fds: got } = await helper.request(name, { args }, fds, CALL_MS);
      const r = result as { fd?: number } | null;
      if (r && r.fd === -1 && got.length > 0) r.fd = got.shift();
      for (const fd of got) libc.close(fd);
      return r;
    };
  }
  return side;
}

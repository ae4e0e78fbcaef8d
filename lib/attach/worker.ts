// The attach worker: a fresh Node process that liblxc attached to the container's uts, ipc, pid,
// net and cgroup namespaces. It roots itself in the container's filesystem, drops to the ids asked
// for, then runs the functions the caller sends. Everything it imports is loaded before chroot().
import { createRequire } from 'node:module';
import { openSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Socket } from 'node:net';
import * as libc from '../../ffi/libc.js';
import { frame, Unframer, type Call, type Reply } from './wire.js';

/** What the caller tells the worker on its command line. */
export interface WorkerConfig {
  /** The container's root as seen from the host: /proc/<initPid>/root. */
  root: string;
  cwd: string;
  /** Host ids to run as (the container's ids mapped through lxc.idmap), if not root. */
  uid?: number;
  gid?: number;
  groups?: number[];
  /** Exit after one call: 0 if it returned, 1 if it threw (attachWait(fn) and attach(fn)). */
  once: boolean;
}

const config = JSON.parse(process.argv[process.argv.length - 1]) as WorkerConfig;

// fd 0 and 1 are the channel to the caller; fd 2 is where the function's output goes.
const input = libc.dup(0) as number;
const output = libc.dup(1) as number;
libc.dup2(2, 1);
libc.dup2(openSync('/dev/null', 'r'), 0);

const channel = new Socket({ fd: output, readable: false, writable: true });
const send = (r: Reply) => channel.write(frame(r));

function setup(): void {
  if (libc.chroot(config.root) !== 0) throw new Error(`chroot(${config.root}) failed: is CAP_SYS_CHROOT dropped in the container?`);
  process.chdir('/');
  if (config.gid !== undefined) {
    const groups = config.groups ?? [];
    if (libc.setgroups(groups.length, groups.length ? new Uint32Array(groups) : null) !== 0) throw new Error('setgroups() failed');
    if (libc.setresgid(config.gid, config.gid, config.gid) !== 0) throw new Error(`setresgid(${config.gid}) failed`);
  }
  if (config.uid !== undefined && libc.setresuid(config.uid, config.uid, config.uid) !== 0) throw new Error(`setresuid(${config.uid}) failed`);
  process.chdir(config.cwd);
  // esbuild (tsx) wraps named inner functions in __name(); give sources compiled that way the helper.
  (globalThis as { __name?: unknown }).__name ??= (fn: unknown) => fn;
  // Functions reach modules the container has; Node's built-ins always resolve.
  (globalThis as { require?: NodeJS.Require }).require = createRequire('/');
}

async function run(call: Call): Promise<boolean> {
  try {
    const fn = (0, eval)(`(${call.src})`) as (arg: unknown) => unknown;
    const value = await fn(call.arg);
    try {
      send({ id: call.id, ok: true, value });
    } catch (e) {
      send({ id: call.id, ok: false, error: { name: 'TypeError', message: `the function's return value cannot be sent back: ${(e as Error).message}` } });
      return false;
    }
    return true;
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    send({ id: call.id, ok: false, error: { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) } });
    if (config.once) process.stderr.write(`${err.stack ?? err.message}\n`);
    return false;
  }
}

/**
 * Run from the TypeScript sources (the tests), tsx starts loading its lexer in the background and
 * never awaits it; under Node ≥ 22 that load can still be under way at chroot(), which takes the
 * file away (ENOENT, an unhandled rejection). Importing the same module here waits for it.
 */
async function settleLoader(): Promise<void> {
  try {
    const dir = dirname(createRequire(import.meta.url).resolve('tsx'));
    for (const f of readdirSync(dir)) if (/^lexer-.*\.mjs$/.test(f)) await import(pathToFileURL(join(dir, f)).href);
  } catch {
    // Not tsx, or laid out otherwise: nothing to wait for.
  }
}

if (import.meta.url.endsWith('.ts')) await settleLoader();

let ready = true;
try {
  setup();
} catch (e) {
  ready = false;
  send({ fatal: (e as Error).message });
  channel.end(() => process.exit(2));
}

if (ready) {
  const unframer = new Unframer();
  const inbound = new Socket({ fd: input, readable: true, writable: false });
  // Calls run concurrently, like async functions in one process: one that never settles blocks no other.
  const running = new Set<Promise<void>>();
  inbound.on('data', (chunk: Buffer) => {
    for (const m of unframer.push(chunk)) {
      const p = run(m as Call).then((ok) => {
        running.delete(p);
        if (config.once) channel.end(() => process.exit(ok ? 0 : 1));
      });
      running.add(p);
    }
  });
  // The caller closed the channel: finish what is running, then leave.
  inbound.on('end', () => { void Promise.all(running).then(() => channel.end(() => process.exit(0))); });
  send({ ready: true, pid: process.pid });
}

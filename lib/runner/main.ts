// A runner: the process in which liblxc's forking calls run (start, clone, snapshot, attach, ...).
// liblxc forks and raw-clone()s its caller; a raw clone's child inherits any glibc lock (stdio's
// list lock, malloc's arenas) that another thread held at that instant, and blocks on it forever.
// Here the call runs synchronously on the only busy thread: started with --single-threaded, V8
// posts no background work, libuv's thread pool is never started (no async fs/dns/crypto), koffi
// makes no async calls, so every other thread sleeps on a condition variable and holds no lock.
// The caller's own threads, forks and signal dispositions are never touched (docs/design.md).
import * as ffi from '../../ffi/index.js';
import { ROUTES, type Route } from '../call/routes.js';
import { fs } from '../builtins.js';
import { FrameReader, frame, receive, sendBytes } from '../proc/socket.js';
import { adoptEnv } from '../proc/env.js';
import { reap as reapPidfd } from '../proc/exit.js';
import type { Arg, CallRequest, Reply, Request } from './protocol.js';
import { cgroupPaths, restoreCgroups } from './cgroups.js';
import { StructLog } from './log.js';
import { adoptSessionLog } from '../logging.js';
import { FD_CLOEXEC, F_SETFD, POLLFD_EVENTS_OFFSET, POLLFD_REVENTS_OFFSET, POLLFD_SIZE, POLLIN, SIGACTION_SIZE, SIGCHLD, SIGINT, SIGPIPE, SIGQUIT, SIGXFSZ } from '../../ffi/libc.js';

const { koffi } = ffi;
// The caller's session log (logInit), if it set one: liblxc's lines of this process go there too.
adoptSessionLog();
// The channel to the caller, inherited as fd 3; nothing liblxc forks may inherit it.
const SOCKET = 3;
ffi.fcntl(SOCKET, F_SETFD, FD_CLOEXEC);
// Whatever else this process inherited (its caller's parent's IPC channel, say) is no container's:
// close-on-exec, so that no process liblxc starts from here carries it inside.
for (const name of fs.readdirSync('/proc/self/fd')) if (Number(name) > SOCKET) ffi.fcntl(Number(name), F_SETFD, FD_CLOEXEC);

// Node ignores SIGPIPE and SIGXFSZ; an ignored signal stays ignored across exec, so the commands
// liblxc starts from here would too (busybox `yes | head` spun forever). This process writes only
// with MSG_NOSIGNAL, so it needs neither.
for (const sig of [SIGPIPE, SIGXFSZ]) ffi.sigaction(sig, Buffer.alloc(SIGACTION_SIZE), null);
// A SIGCHLD handler of libuv's (installed once anything in this process spawned a child: a module
// loader or test hook, say) would also run in the monitor liblxc forks from here, after liblxc
// closed the fds that monitor inherited; it then blocks for ever reading its lock pipe's fd number,
// by then another file (seen: a hung "[lxc monitor]" reading the console pty after a failed start).
// Nothing here waits for children through libuv: SIGCHLD stays at its default before every call.
const defaultAction = Buffer.alloc(SIGACTION_SIZE);
// lxc_attach() sets SIGINT and SIGQUIT to SIG_IGN in its caller when stdin_fd is 0; they are put
// back after each call so that no later command inherits them.
const savedInt = Buffer.alloc(SIGACTION_SIZE);
const savedQuit = Buffer.alloc(SIGACTION_SIZE);
ffi.sigaction(SIGINT, null, savedInt);
ffi.sigaction(SIGQUIT, null, savedQuit);

// A process liblxc forks from this one and that ends with exit() (liblxc ≥ 4.0's in-process init
// of useinit/execute calls exit(): execute.c, initutils.c) would run Node's exit handlers in a copy
// of Node without its threads, where one aborts. Registered last, this handler runs first: exit(n)
// becomes _exit(n), as it would be in a C program's child. This process itself needs none of them.
ffi.on_exit(ffi.dlsym(null, '_exit'), null);

// liblxc ≥ 4.0 moves the process that calls start() or restore() into the container's monitor
// cgroup (cgroup_ops->monitor_enter with the handler's monitor_pid, taken before daemonizing) and
// leaves it there; this process goes back after those calls so the monitor cgroup can be removed
// later. Only after those: reading /proc/self/cgroup costs ≈ 0.13 ms here, half an attach's overhead.
const homeCgroups = cgroupPaths();
// Which members move this process into the container's cgroups and keep their log: lib/call/routes.ts.
const routeOf = (member: string): Partial<Route> => (ROUTES as Record<string, Route>)[member] ?? {};

// The liblxc functions a caller may name as an argument (lxc_attach_exec_t).
const symbols: Record<string, bigint> = { lxc_attach_run_command: ffi.lxc_attach_run_command, lxc_attach_run_shell: ffi.lxc_attach_run_shell };

interface Held {
  ptr: bigint;
  /** Its log capture, made at its first call that wants one. */
  log: StructLog | null;
}
/** The struct lxc_container mirroring each caller Container, by the caller's id. */
const containers = new Map<number, Held>();
/** pidfds of the attached processes this runner waits for, by pid. */
const tracked = new Map<number, number>();

function send(reply: Reply): void {
  sendBytes(SOCKET, frame(reply));
}

function decode(arg: Arg, fds: number[], outs: Int32Array[]): unknown {
  if (arg === null || typeof arg !== 'object') return arg;
  if (Array.isArray(arg)) return arg.map((a) => decode(a, fds, outs));
  if ('$fd' in arg) return fds[arg.$fd as number];
  if ('$fdpath' in arg || '$fdnum' in arg) {
    const a = arg as { $fdpath?: number[]; $fdnum?: number[]; inherit?: boolean };
    const mine = (a.$fdpath ?? a.$fdnum!).map((i) => fds[i]);
    // Received close-on-exec; the program liblxc executes opens or uses these.
    if (a.$fdnum || a.inherit) for (const fd of mine) ffi.fcntl(fd, F_SETFD, 0);
    return a.$fdnum ? mine.join(',') : mine.map((fd) => `/proc/self/fd/${fd}`).join(' ');
  }
  if ('$u64' in arg) return BigInt(arg.$u64 as string);
  if ('$symbol' in arg) return symbols[arg.$symbol as string];
  if ('$as' in arg) return koffi.as(decode(arg.value as Arg, fds, outs), arg.$as as string);
  if ('$u32' in arg) return new Uint32Array(arg.$u32 as number[]);
  if ('$out' in arg) {
    const out = new Int32Array(arg.$out as number);
    outs.push(out);
    return out;
  }
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(arg)) o[k] = decode(v, fds, outs);
  return o;
}

/** The runner's struct for `req.cid`, brought to the caller's config generation. */
function containerFor(req: CallRequest): Held {
  let held = containers.get(req.cid);
  if (held && req.config === null) {
    drop(held);
    containers.delete(req.cid);
    held = undefined;
  }
  if (!held) {
    const ptr = ffi.lxc_container_new(req.name, req.lxcpath) as bigint | null;
    if (!ptr) throw new Error(`lxc_container_new("${req.name}", "${req.lxcpath}") failed`);
    held = { ptr, log: null };
    containers.set(req.cid, held);
  }
  if (typeof req.config === 'string') {
    ffi.method(held.ptr, 'clear_config')(held.ptr);
    if (!ffi.method(held.ptr, 'load_config')(held.ptr, req.config)) throw new Error(`cannot load the caller's config ${req.config}`);
    // The new config's log fd is closed (its address may well be the old one's: no ready() test).
    held.log?.open();
  }
  if (req.log && !held.log) held.log = logOf(held.ptr, req.name);
  else held.log?.ready(attaching(req));
  return held;
}

const attaching = (req: CallRequest): boolean => req.calls.some((c) => routeOf(c.member).entersContainer);

function logOf(ptr: bigint, name: string): StructLog {
  return new StructLog({
    name,
    get: (key) => readItem(ptr, key),
    set: (key, value) => ffi.method(ptr, 'set_config_item')(ptr, key, value) as boolean,
    clear: (key) => ffi.method(ptr, 'clear_config_item')(ptr, key) as boolean,
    conf: () => ffi.field(ptr, 'lxc_conf'),
  });
}

function drop(held: Held): void {
  held.log?.close();
  ffi.lxc_container_put(held.ptr);
}

function call(req: CallRequest, fds: number[]): void {
  const outs: Int32Array[] = [];
  if (req.env) adoptEnv(req.env);
  let held: Held;
  try {
    held = containerFor(req);
  } catch (e) {
    send({ t: 'fail', id: req.id, message: (e as Error).message });
    return;
  }
  const { ptr } = held;
  let result: unknown;
  ffi.sigaction(SIGCHLD, defaultAction, null);
  // What liblxc forks here holds this process's fds until it executes (inside the container for
  // attach): the pidfds of the processes already attached are not among them, nor, for an attach,
  // any struct's log file.
  for (const fd of tracked.values()) ffi.close(fd);
  if (attaching(req)) for (const h of containers.values()) h.log?.hide();
  try {
    for (const c of req.calls) result = ffi.method(ptr, c.member)(ptr, ...c.args.map((a) => decode(a, fds, outs)));
  } finally {
    ffi.sigaction(SIGINT, savedInt, null);
    ffi.sigaction(SIGQUIT, savedQuit, null);
    if (req.calls.some((c) => routeOf(c.member).movesCgroup)) restoreCgroups(homeCgroups);
    for (const fd of fds) ffi.close(fd);
    // Children of this process, reaped only here: alive or zombies, their pids are still theirs.
    for (const pid of tracked.keys()) {
      const pidfd = ffi.pidfd_open(pid, 0) as number;
      if (pidfd >= 0) tracked.set(pid, pidfd);
      else {
        tracked.delete(pid);
        send({ t: 'exit', pid, code: null, signal: null });
      }
    }
  }
  // Read even when not wanted, so that these lines are not taken for the next call's.
  const read = held.log?.read() ?? [];
  const lines = req.log ? read : [];
  if (held.log && req.calls.some((c) => routeOf(c.member).keepsLog)) held.log.open();
  let made: bigint | null = null;
  if (req.result === 'strings') result = ffi.takeStringArray(result as bigint | null);
  else if (req.result === 'put') {
    made = result as bigint | null;
    result = Boolean(result);
  } else if (typeof result === 'bigint') result = String(result);
  const outValues = outs.map((o) => Array.from(o));
  if (req.track && result === 0 && outValues[0]?.[0] > 0) {
    const pid = outValues[0][0];
    const pidfd = ffi.pidfd_open(pid, 0) as number;
    if (pidfd >= 0) tracked.set(pid, pidfd);
  }
  const adopt = made !== null && req.adopt && !containers.has(req.adopt.cid) ? req.adopt : null;
  send({ t: 'done', id: req.id, result, outs: outValues, log: lines, ...(adopt ? { adopted: true } : {}) });
  // After the answer, while the caller makes its Container: the clone's struct is put, and the new
  // Container's is made from its config file, as its first call here would otherwise make it. Not
  // the struct clone() returned: its in-memory config is not what loading the file gives (a start
  // from it fails to open its rootfs), and a clone hook may have rewritten the file since.
  if (made) ffi.lxc_container_put(made);
  if (adopt) {
    const ptr = ffi.lxc_container_new(adopt.name, adopt.lxcpath) as bigint | null;
    if (ptr) containers.set(adopt.cid, { ptr, log: req.log ? logOf(ptr, adopt.name) : null });
  }
}

function readItem(ptr: bigint, key: string): string {
  const fn = ffi.method(ptr, 'get_config_item');
  return ffi.readSized((buf, len) => fn(ptr, key, buf, len))?.text ?? '';
}

function reap(pid: number, pidfd: number): void {
  tracked.delete(pid);
  send({ t: 'exit', pid, ...(reapPidfd(pidfd) ?? { code: null, signal: null }) });
}

function handle(message: Request, fds: number[]): void {
  if (message.t === 'call') {
    try {
      call(message, fds);
    } catch (e) {
      send({ t: 'fail', id: message.id, message: (e as Error).stack ?? String(e) });
    }
  }
  // After the answer, while the caller goes on: no released Container's struct is the call's.
  for (const cid of message.forget ?? []) {
    const held = containers.get(cid);
    if (held) drop(held);
    containers.delete(cid);
  }
}

const reader = new FrameReader();
let open = true;
// The caller closes its end to retire this runner; its attached processes are then its own.
while (open) {
  const entries = [SOCKET, ...tracked.values()];
  const pollfds = Buffer.alloc(POLLFD_SIZE * entries.length);
  entries.forEach((fd, i) => {
    pollfds.writeInt32LE(fd, POLLFD_SIZE * i);
    pollfds.writeInt16LE(POLLIN, POLLFD_SIZE * i + POLLFD_EVENTS_OFFSET);
  });
  if ((ffi.poll(pollfds, entries.length, -1) as number) < 0) continue;
  for (let i = 1; i < entries.length; i++) {
    if (pollfds.readInt16LE(POLLFD_SIZE * i + POLLFD_REVENTS_OFFSET) === 0) continue;
    for (const [pid, fd] of tracked) if (fd === entries[i]) reap(pid, fd);
  }
  if (pollfds.readInt16LE(POLLFD_REVENTS_OFFSET) === 0) continue; // entry 0: the socket
  let got;
  try {
    got = receive(SOCKET, true);
  } catch {
    // The caller went away without closing its end (it exited, or was killed): so does this one.
    got = { closed: true } as const;
  }
  if (!got) continue;
  if (got.closed) {
    open = false;
    break;
  }
  for (const { message, fds } of reader.push(got.bytes, got.fds)) handle(message as Request, fds);
}
for (const fd of tracked.values()) ffi.close(fd);
for (const held of containers.values()) held.log?.close();
fs.closeSync(SOCKET);
process.exit(0);

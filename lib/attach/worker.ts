// The function worker: a Node process that liblxc attached to every namespace of the container,
// the mount and user ones included, executed from the sealed copies of image.ts. Its program is
// workerMain below, passed with `node -e`: nothing of the host's filesystem is reachable from
// inside, so it imports no file, only Node's built-ins.

/** What the caller tells the worker on its command line (JSON). */
export interface WorkerConfig {
  /** Exit after one call: 0 if it returned, 1 if it threw (attachWait(fn) and attach(fn)). */
  once: boolean;
  /** The largest frame either side sends (wire.ts). */
  maxFrame: number;
}

/**
 * The worker's whole program. Self-contained: it runs as the source text of this function.
 * `args`: the config, the channel's two fds ("in,out") and the inherited fds to close.
 */
function workerMain(args: string[]): void {
  const fs = require('node:fs') as typeof import('node:fs');
  const net = require('node:net') as typeof import('node:net');
  const v8 = require('node:v8') as typeof import('node:v8');
  const { createRequire } = require('node:module') as typeof import('node:module');
  const config = JSON.parse(args[0]) as WorkerConfig;
  const [inFd, outFd] = args[1].split(',').map(Number);
  const inherited = args[2] ? args[2].split(',').map(Number) : [];

  const frame = (message: unknown): Buffer => {
    const body = v8.serialize(message);
    if (body.length > config.maxFrame) throw new RangeError(`the message is ${body.length} bytes encoded, more than the ${config.maxFrame / 1048576} MiB (${config.maxFrame} bytes) a frame of the attach channel may carry`);
    const head = Buffer.allocUnsafe(4);
    head.writeUInt32BE(body.length, 0);
    return Buffer.concat([head, body]);
  };

  // A change of credentials makes the kernel mark a process non-dumpable (no ptrace, no
  // /proc/<pid>/fd for its peers); a root worker changes its egid and back for that alone.
  if (process.geteuid!() === 0) {
    const gid = process.getegid!();
    for (const other of [gid === 0 ? 1 : 0, 65534]) {
      try {
        process.setegid!(other);
        process.setegid!(gid);
        break;
      } catch {
        // Not mapped in this container: try the next.
      }
    }
  }

  // The channel came inherited, as would be any program a function runs; reopened, it is
  // close-on-exec (Node opens every file so), and the inherited fds are closed.
  let input: number;
  let output: number;
  try {
    input = fs.openSync(`/proc/self/fd/${inFd}`, 'r');
    output = fs.openSync(`/proc/self/fd/${outFd}`, 'w');
  } catch (e) {
    fs.writeSync(outFd, frame({ fatal: `cannot reopen its channel through /proc/self/fd (is /proc mounted in the container?): ${(e as Error).message}` }));
    process.exit(2);
  }
  for (const fd of [inFd, outFd, ...inherited]) fs.closeSync(fd);

  const channel = new net.Socket({ fd: output, readable: false, writable: true });
  const send = (r: unknown) => channel.write(frame(r));
  // Nobody reads the channel any more (the caller exited or was killed): leave quietly, as a
  // runner does, rather than print an unhandled EPIPE on the stderr the worker may share.
  channel.on('error', () => process.exit(0));
  // esbuild (tsx) wraps named inner functions in __name(); give sources compiled that way the helper.
  (globalThis as { __name?: unknown }).__name ??= (fn: unknown) => fn;
  // Functions reach modules the container has; Node's built-ins always resolve.
  (globalThis as { require?: NodeJS.Require }).require = createRequire('/');

  const run = async (call: { id: number; src: string; arg: unknown }): Promise<boolean> => {
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
  };

  // Frames from the caller: chunks kept until a whole one is there, then joined once.
  let chunks: Buffer[] = [];
  let have = 0;
  const take = (): Buffer[] => {
    const out: Buffer[] = [];
    for (;;) {
      if (have < 4) return out;
      let buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, have);
      chunks = [buf];
      const len = buf.readUInt32BE(0);
      if (len > config.maxFrame) throw new RangeError(`a frame of ${len} bytes`);
      if (have < 4 + len) return out;
      out.push(buf.subarray(4, 4 + len));
      buf = buf.subarray(4 + len);
      chunks = buf.length ? [buf] : [];
      have = buf.length;
    }
  };

  const inbound = new net.Socket({ fd: input, readable: true, writable: false });
  // Calls run concurrently, like async functions in one process: one that never settles blocks no other.
  const running = new Set<Promise<void>>();
  let waiting = 0;
  inbound.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    have += chunk.length;
    // Joining is deferred until the frame announced is complete: no quadratic re-copying.
    if (have < waiting) return;
    let bodies: Buffer[];
    try {
      bodies = take();
    } catch {
      process.exit(3);
    }
    waiting = have >= 4 ? 4 + chunks[0].readUInt32BE(0) : 4;
    for (const body of bodies) {
      const p = run(v8.deserialize(body) as { id: number; src: string; arg: unknown }).then((ok) => {
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

/** The `node -e` program of a worker; its arguments follow it (see workerMain). */
export const workerSource = `"use strict";var __name=(f)=>f;(${workerMain.toString()})(process.argv.slice(1));`;

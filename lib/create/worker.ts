// A create worker (see pool.ts): liblxc's create() for each request its parent sends, one at a
// time, with the template's output on this process's stdout and stderr.
import { readdirSync, writeSync } from 'node:fs';
import * as ffi from '../../ffi/index.js';
import { endMarker, type CreateRequest, type CreateReply } from './protocol.js';
import { FD_CLOEXEC, F_SETFD } from '../../ffi/libc.js';
import { adoptSessionLog } from '../logging.js';
import { adoptEnv } from '../proc/env.js';
import { lockCache, unlockCache } from './cachelock.js';

// Node marks fds 0-2 close-on-exec: the template liblxc execs would start without stdio (and
// tools such as awk then fail on close(2)). Let it inherit those, and nothing else (the IPC
// channel to the parent among them).
for (const name of readdirSync('/proc/self/fd')) {
  const fd = Number(name);
  ffi.fcntl(fd, F_SETFD, fd <= 2 ? 0 : FD_CLOEXEC);
}

// Errors go to the log file the parent reads from where it was before each request (the caller's
// session log when it set one); quiet keeps them off the template output.
if (!adoptSessionLog()) ffi.lxc_log_init({ name: null, lxcpath: null, file: process.argv[process.argv.length - 1], level: 'ERROR', prefix: 'lxc', quiet: true });

function create(req: CreateRequest, flush: boolean): boolean {
  // The template runs with the caller's environment as it was at the call.
  adoptEnv(req.env);
  const c = ffi.lxc_container_new(req.name, req.lxcpath) as bigint | null;
  if (!c) return false;
  try {
    if (req.configFile && !ffi.method(c, 'load_config')(c, req.configFile)) return false;
    // First: after a `--` of the caller's template arguments it would be no option.
    const argv = flush ? ['--flush-cache', ...req.argv] : req.argv;
    return ffi.method(c, 'create')(c, req.template, req.bdevtype, req.specs, req.flags, [...argv, null]);
  } finally {
    ffi.lxc_container_put(c);
  }
}

// The parent went away (it exited, or was killed) while a create ran: its pipes and channel are
// closed, and nobody is left to tell. Leave quietly, as a runner does, rather than die of EPIPE.
const orphaned = () => process.exit(0);
/** Sends to the parent; a send that fails means the parent is gone. */
const tell = (message: CreateReply | { ready: true }) => process.send!(message, undefined, undefined, (e) => { if (e) orphaned(); });

process.on('message', async (req: CreateRequest) => {
  // The download template's image cache: locked around the run (cachelock.ts).
  const lock = req.cacheLock ? await lockCache(req.cacheLock, () => process.connected) : null;
  if (req.cacheLock && lock === null) return orphaned();
  let ok: boolean;
  try {
    ok = create(req, lock?.flush ?? false);
  } finally {
    if (lock !== null) unlockCache(lock.fd);
  }
  if (!process.connected) return orphaned();
  // Everything the template wrote is in the pipes before these: the parent waits for both.
  const marker = `${endMarker(req.id)}\n`;
  try {
    writeSync(1, marker);
    writeSync(2, marker);
  } catch {
    return orphaned();
  }
  tell({ id: req.id, ok });
});
process.on('disconnect', orphaned);
tell({ ready: true });

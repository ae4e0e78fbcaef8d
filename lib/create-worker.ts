// Entry point of the create worker (see create.ts): one liblxc create() call, exit status 0 on success.
import * as ffi from '../ffi/index.js';
import type { CreateRequest } from './create.js';

// Node marks fds 0-2 close-on-exec: the template liblxc execs would start without stdio (and
// tools such as awk then fail on close(2)). Let it inherit them.
const F_SETFD = 2;
for (const fd of [0, 1, 2]) ffi.fcntl(fd, F_SETFD, 0);

const req = JSON.parse(process.argv[process.argv.length - 1]) as CreateRequest;
// Errors go to the log file the parent reads; quiet keeps them off the template output.
ffi.lxc_log_init({ name: null, lxcpath: null, file: req.logFile, level: 'ERROR', prefix: 'lxc', quiet: true });
const c = ffi.lxc_container_new(req.name, req.lxcpath) as bigint | null;
if (!c) process.exit(2);
if (req.configFile && !ffi.method(c, 'load_config')(c, req.configFile)) process.exit(3);
const ok = ffi.method(c, 'create')(c, req.template, req.bdevtype, req.specs, req.flags, [...req.argv, null]) as boolean;
ffi.lxc_container_put(c);
process.exit(ok ? 0 : 1);

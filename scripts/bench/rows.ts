// The rows of the benchmark table: one operation as each target spells it (an operation two rows
// share is measured once), the issue's targets where it has them, and how many calls each mode
// makes. The measurements that are not per-call timings (concurrency, import, memory, leaks) are
// the probes (probes/index.ts).
import type { TargetId, Cost } from './targets/target.js';
import type { Needs } from './setup.js';

export interface Goal {
  against: TargetId;
  /** Against `against`'s measurement in this other row (a control row of the same run), not in this one. */
  row?: string;
  /** lxc-ffi's median ≤ `max` × `against`'s median, in the same run. */
  max: number;
  text: string;
}

/** One term of a floor: `times` × `target`'s median in control row `row` of the same run. */
export interface FloorTerm {
  row: string;
  target: TargetId;
  /** Default 1; −1 subtracts. */
  times?: number;
}

/**
 * What lxc-ffi cannot go below on an operation, built from control rows of the same run: the report
 * states it beside each missed target of the row, and lxc-ffi's median against it.
 */
export interface Floor {
  terms: FloorTerm[];
  text: string;
}

export interface Row {
  id: string;
  /** What the row measures, for the table. */
  label: string;
  /** The operation each target runs for this row (a target without one shows —). */
  ops: Partial<Record<TargetId, string>>;
  /**
   * Whether CPU per call (this process + reaped children) captures all of the row's work, so it can
   * be compared across targets: not when work happens in a process nobody reaps per call (a session's worker).
   */
  cpu?: boolean;
  /** The issue's targets for this operation against C or python3-lxc. */
  goals?: Goal[];
  /**
   * A query: the issue wants lxc-ffi at least 10× faster than the lxc-* tools on it. (The issue's
   * "every measured operation ≤ python3-lxc" applies to every row with a python3-lxc operation.)
   */
  query?: boolean;
  /** A control measurement, not an operation of the binding: left out of "every operation ≤ python3-lxc". */
  control?: boolean;
  /** Containers besides the running one that the row needs. */
  needs?: Needs;
  /** A note for the docs (what exactly each side does). */
  note?: string;
  floor?: Floor;
}

/**
 * C's `op` plus `calls` system calls at what one costs more from Node than from C (the getppid control
 * row): liblxc's own calls, made from the Node process.
 */
const syscalls = (row: string, calls: number, what: string): Floor => ({
  terms: [{ row, target: 'c' }, { row: 'getppid', target: 'lxc-ffi', times: calls }, { row: 'getppid', target: 'c', times: -calls }],
  text: `C's ${what} plus what its ${calls === 1 ? 'system call costs' : `${calls} system calls cost`} more from Node than from C (the getppid control row)`,
});

/** The runner round trip under every forking call (control row runner_roundtrip). */
const roundTrips = (times: number): FloorTerm => ({ row: 'runner_roundtrip', target: 'lxc-ffi', times });
/** The floor rows' C side: a process carrying a Node-sized heap (their notes say how). */
const HEAVY = 'from a C process with a Node-sized heap';

/** The issue's "queries vs the lxc-* tools ≥ 10× faster": lxc-ffi / tools ≤ this. */
export const QUERY_VS_TOOLS_MAX = 0.1;

export const rows: readonly Row[] = [
  {
    id: 'attach_true',
    cpu: true,
    label: "attach and wait for `true` (stdio → /dev/null)",
    ops: { c: 'attach_run_wait_true', 'python3-lxc': 'attach_run_wait_true', 'lxc-tools': 'attach_true', 'lxc-ffi': 'attachWait_true' },
    goals: [
      { against: 'c', max: 1.2, text: "attachWait(['true']) ≤ 1.2× C" },
      { against: 'python3-lxc', max: 1, text: "attachWait(['true']) < python3-lxc" },
    ],
    floor: { terms: [{ row: 'attach_true_heap', target: 'c' }, roundTrips(1)], text: "C's attach_run_wait " + HEAVY + ', plus one runner round trip' },
    note: "C: `c->attach_run_wait(c, &opts, \"true\", argv)` (lxc_attach_run_command) with default options and fds 0–2 on /dev/null. python3-lxc: `c.attach_wait(lxc.attach_run_command, ['true'], stdin=, stdout=, stderr=/dev/null)`. lxc-* tools: `execFile('lxc-attach', ['-n', NAME, '-P', LXCPATH, '--', 'true'])`. lxc-ffi: `attachWait(['true'], { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' })`.",
  },
  {
    id: 'attach_true_heap',
    control: true,
    cpu: true,
    label: "control: C's attach and wait for `true` from a process with a Node-sized heap",
    ops: { c: 'attach_run_wait_true+heap', 'lxc-ffi': 'attachWait_true' },
    note: "C: bench.c's attach_run_wait_true with LXC_BENCH_BALLAST_MB=10 and LXC_BENCH_RETOUCH_MB=2 (scripts/bench/targets/c.ts): a fork of this process copies page tables for a heap like a runner's, and each page written again faults after it. The lxc-ffi column is the row above's measurement.",
  },
  {
    id: 'exec_echo',
    cpu: true,
    label: 'exec `echo x`, output captured',
    ops: { c: 'attach_echo_capture', 'python3-lxc': 'attach_echo_capture', 'lxc-tools': 'exec_echo', 'lxc-ffi': 'exec_echo' },
    goals: [{ against: 'c', max: 1.3, text: 'exec ≤ 1.3× C' }],
    floor: { terms: [{ row: 'exec_echo_heap', target: 'c' }, roundTrips(1)], text: "C's attach with pipes " + HEAVY + ', plus one runner round trip' },
    note: "C: `c->attach(c, lxc_attach_run_command, {echo x}, &opts, &pid)` with stdout and stderr on pipes, both read to EOF with poll(), then waitpid(). python3-lxc: `c.attach_wait(lxc.attach_run_command, ['echo', 'x'], stdout=, stderr=` pipe write ends`)`, then the pipes read. lxc-* tools: `execFile('lxc-attach', [..., '--', 'echo', 'x'])` and its stdout. lxc-ffi: `exec(['echo', 'x'])` (stdout and stderr through pipes, collected as strings). Every side checks that it read `x\\n`.",
  },
  {
    id: 'exec_echo_heap',
    control: true,
    cpu: true,
    label: "control: C's `echo x` captured, from a process with a Node-sized heap",
    ops: { c: 'attach_echo_capture+heap', 'lxc-ffi': 'exec_echo' },
    note: "C: bench.c's attach_echo_capture with LXC_BENCH_BALLAST_MB=10 and LXC_BENCH_RETOUCH_MB=2 (scripts/bench/targets/c.ts): a fork of this process copies page tables for a heap like a runner's, and each page written again faults after it. The lxc-ffi column is the row above's measurement.",
  },
  {
    id: 'evaluate_oneshot',
    cpu: true,
    label: 'run a function, one-shot',
    ops: { 'python3-lxc': 'attach_wait_func', 'lxc-ffi': 'evaluate_oneshot' },
    goals: [{ against: 'lxc-ffi', row: 'node_e0', max: 1.2, text: 'one-shot evaluate (back to back) ≤ 1.2× `node -e 0`' }],
    floor: { terms: [{ row: 'evaluate_floor', target: 'lxc-ffi' }], text: 'the attach of the sealed Node running `-e 0`, what a call without a spare worker waits for at least (control row)' },
    note: "python3-lxc: `c.attach_wait(f)` with an `f` that returns at once (stdout → /dev/null): a fork of the Python process. lxc-ffi: `evaluate(() => 1)`: a Node worker attached and rooted in the container per call; calls back to back, so each waits for the rest of the start of the spare worker the call before began as it took its own. A first call, with no spare, costs at least the evaluate_floor row.",
  },
  {
    id: 'node_e0',
    control: true,
    label: 'control: `node -e 0`, spawn to exit (no container)',
    ops: { 'lxc-ffi': 'node_e0' },
    note: "What a Node start costs on this host, the reference of the one-shot evaluate's target: `spawn(node, ['-e', '0'])` from the bench process, stdio on /dev/null, timed until `close`; the Node lxc-ffi runs, with the environment a function worker gets (NODE_OPTIONS and NODE_EXTRA_CA_CERTS emptied: a NODE_EXTRA_CA_CERTS alone adds ≈ 40 ms to every Node start here).",
  },
  {
    id: 'evaluate_floor',
    control: true,
    label: 'control: attach + Node from the sealed image, `-e 0` (no worker code)',
    ops: { 'lxc-ffi': 'evaluate_floor' },
    note: "The floor under a one-shot evaluate: liblxc's attach of the sealed Node image with a worker's options, fds and environment, running `node -e 0` instead of the worker's program (lib/attach/spawn.ts, bareNode), timed until its exit; no channel, no call.",
  },
  {
    id: 'session_evaluate',
    label: 'run a function in a session',
    ops: { 'python3-lxc': 'attach_wait_func', 'lxc-ffi': 'session_evaluate' },
    goals: [{ against: 'python3-lxc', max: 0.2, text: 'session.evaluate ≤ 0.2× python3-lxc attach_wait(func)' }],
    note: 'lxc-ffi: `session.evaluate(() => 1)` on one session opened beforehand (not timed); python3-lxc has no session, so its per-call `attach_wait(f)` is the reference.',
  },
  {
    id: 'get_config_item',
    label: 'get_config_item(lxc.uts.name)',
    ops: { c: 'get_config_item', 'python3-lxc': 'get_config_item', 'lxc-tools': 'get_config_item', 'lxc-ffi': 'get_config_item' },
    goals: [
      { against: 'c', max: 1.5, text: 'getConfigItem ≤ 1.5× the one-call C' },
      { against: 'lxc-ffi', row: 'get_config_item_bare', max: 1.2, text: 'getConfigItem ≤ 1.2× the bare koffi call of get_config_item' },
    ],
    query: true,
    floor: { terms: [{ row: 'get_config_item_bare', target: 'lxc-ffi' }], text: 'the bare koffi call of get_config_item (control row)' },
    note: 'C: one call into a buffer sized beforehand, the best C can do (python3-lxc asks the length first, then fetches). lxc-* tools: `lxc-info -n NAME -P LXCPATH -c lxc.uts.name`, the value parsed. lxc-ffi: `getConfigItem()`, key validation included.',
  },
  {
    id: 'get_config_item_bare',
    control: true,
    label: 'control: get_config_item through a bare koffi call (no lxc-ffi)',
    ops: { c: 'get_config_item', 'lxc-ffi': 'get_config_item_bare' },
    note: "The floor under getConfigItem in Node: the member `get_config_item` of a struct of the bench container's own (`lxc_container_new`), called through koffi with the key as a string and a 4 KiB buffer made once, the value decoded as UTF-8; no validation, no state check. C: the get_config_item row's measurement.",
  },
  {
    id: 'is_defined',
    label: 'is_defined',
    ops: { c: 'is_defined', 'python3-lxc': 'is_defined', 'lxc-tools': 'is_defined', 'lxc-ffi': 'is_defined' },
    goals: [{ against: 'c', max: 1.2, text: 'defined ≤ 1.2× C' }],
    query: true,
    // is_defined is one stat(); state and init_pid seven system calls each (socket, connect, sendmsg,
    // recvmsg, close, getpid, getgid: strace -c of bench.c over 1000 calls).
    floor: syscalls('is_defined', 1, 'is_defined'),
    note: 'lxc-* tools: `lxc-ls -P LXCPATH -1` and the name looked up in its lines (the lxcpath holds the bench containers: up to three).',
  },
  {
    id: 'getppid',
    control: true,
    label: 'control: getppid(), one bare system call (no liblxc)',
    ops: { c: 'getppid', 'python3-lxc': 'getppid', 'lxc-ffi': 'getppid' },
    note: "No liblxc: what one system call costs from each side, the floor under is_defined (a mutex and a stat()). C: `getppid()`. python3-lxc: `os.getppid()` (Python's own binding). lxc-ffi: `getppid` declared with koffi on libc, as ffi/libc.ts declares its functions.",
  },
  {
    id: 'runner_roundtrip',
    control: true,
    label: 'control: one runner round trip (is_defined called in a runner)',
    ops: { 'lxc-ffi': 'runner_roundtrip' },
    note: "What every forking call pays on top of liblxc: the request framed and sent to an idle runner (lib/runner/), the runner woken, its per-call steps (signal dispositions, log capture) around the cheapest member, `is_defined`, and the reply back through the caller's event loop. lxc-ffi's internal run() on a struct of its own in the runner.",
  },
  {
    id: 'state',
    label: 'state (running container)',
    ops: { c: 'state', 'python3-lxc': 'state', 'lxc-tools': 'state', 'lxc-ffi': 'state' },
    goals: [{ against: 'c', max: 1.1, text: 'state (running) ≤ 1.1× C' }],
    query: true,
    floor: syscalls('state', 7, 'state'),
    note: 'lxc-* tools: `lxc-info -n NAME -P LXCPATH -s`, `State:` parsed.',
  },
  {
    id: 'init_pid',
    label: 'init_pid (running container)',
    ops: { c: 'init_pid', 'python3-lxc': 'init_pid', 'lxc-tools': 'init_pid', 'lxc-ffi': 'init_pid' },
    goals: [{ against: 'c', max: 1.1, text: 'initPid (running) ≤ 1.1× C' }],
    query: true,
    floor: syscalls('init_pid', 7, 'init_pid'),
    note: 'lxc-* tools: `lxc-info -n NAME -P LXCPATH -p`, `PID:` parsed.',
  },
  {
    id: 'get_ips',
    cpu: true,
    label: 'get_ips (container with a DHCP address)',
    ops: { c: 'get_ips', 'python3-lxc': 'get_ips', 'lxc-tools': 'get_ips', 'lxc-ffi': 'get_ips' },
    query: true,
    needs: { net: true },
    note: "On a second running busybox container with a veth on a private bridge (no uplink; dnsmasq serves DHCP only) and its IPv4 lease. C: `c->get_ips(c, NULL, NULL, 0)` and the array freed. python3-lxc: `c.get_ips()`. lxc-* tools: `lxc-info -n NAME -P LXCPATH -i`, `IP:` lines parsed. lxc-ffi: `await getIps()` (one call: no timeout). liblxc forks a child into the container's network namespace for each call.",
  },
  {
    id: 'lifecycle',
    label: 'create → start → stop → destroy (busybox)',
    ops: { c: 'lifecycle', 'python3-lxc': 'lifecycle', 'lxc-tools': 'lifecycle', 'lxc-ffi': 'lifecycle' },
    goals: [{ against: 'c', max: 1.05, text: 'the lifecycle ≤ 1.05× C' }],
    floor: { terms: [{ row: 'lifecycle_heap', target: 'c' }, roundTrips(2)], text: 'the C lifecycle ' + HEAVY + ', plus the runner round trips of start and destroy' },
    note: "One new container per sample in the same lxcpath. C: `lxc_container_new`, `create(c, \"busybox\", NULL, NULL, LXC_CREATE_QUIET, argv)`, `clear_config_item(\"lxc.net\")` + `lxc.net.0.type = empty` + `save_config`, `start` (daemonized: it returns once the container is RUNNING), `stop`, `destroy`, `lxc_container_put`. python3-lxc: the same calls on `lxc.Container(name, lxcpath)`. lxc-* tools: `lxc-create -t busybox -f CONF -q` (CONF: the default config with `lxc.net.0.type = empty`), `lxc-start`, `lxc-stop -k`, `lxc-destroy`. lxc-ffi: `create('busybox', {}, { quiet: true })` (in a create worker process), the same config, `start()`, `stop()`, `destroy()`, `release()`. Most of the time is the busybox template's shell script (hundreds of `ln -s`).",
  },
  {
    id: 'lifecycle_heap',
    control: true,
    label: "control: C's lifecycle from a process with a Node-sized heap",
    ops: { c: 'lifecycle+heap', 'lxc-ffi': 'lifecycle' },
    note: "C: bench.c's lifecycle with LXC_BENCH_BALLAST_MB=10 and LXC_BENCH_RETOUCH_MB=2 (scripts/bench/targets/c.ts): a fork of this process copies page tables for a heap like a runner's, and each page written again faults after it. The lxc-ffi column is the row above's measurement.",
  },
  {
    id: 'clone_overlay',
    label: 'overlayfs snapshot clone + destroy',
    ops: { c: 'clone_overlay', 'python3-lxc': 'clone_overlay', 'lxc-tools': 'clone_overlay', 'lxc-ffi': 'clone_overlay' },
    goals: [{ against: 'c', max: 1.2, text: 'overlay clone ≤ 1.2× C' }],
    needs: { clone: true },
    floor: { terms: [{ row: 'clone_overlay_heap', target: 'c' }, roundTrips(2)], text: "C's clone + destroy " + HEAVY + ', plus the runner round trips of clone and destroy' },
    note: "Of a stopped busybox container (dir-backed). C: `c->clone(c, NEW, NULL, LXC_CLONE_SNAPSHOT, \"overlayfs\", NULL, 0, NULL)` then `destroy` of the clone. python3-lxc: `c.clone(NEW, config_path=LXCPATH, flags=LXC_CLONE_SNAPSHOT, bdevtype='overlayfs')` then `destroy()`. lxc-* tools: `lxc-copy -n BASE -P LXCPATH -N NEW -s -B overlayfs`, `lxc-destroy`. lxc-ffi: `clone(NEW, { bdevtype: 'overlayfs', snapshot: true })`, `destroy()`, `release()`.",
  },
  {
    id: 'clone_overlay_heap',
    control: true,
    label: "control: C's overlayfs clone + destroy from a process with a Node-sized heap",
    ops: { c: 'clone_overlay+heap', 'lxc-ffi': 'clone_overlay' },
    needs: { clone: true },
    note: "C: bench.c's clone_overlay with LXC_BENCH_BALLAST_MB=10 and LXC_BENCH_RETOUCH_MB=2 (scripts/bench/targets/c.ts): a fork of this process copies page tables for a heap like a runner's, and each page written again faults after it. The lxc-ffi column is the row above's measurement.",
  },
  {
    id: 'files_push',
    cpu: true,
    label: 'push a 100 MiB file into the running container',
    ops: { 'lxc-tools': 'attach_cat_push', 'lxc-ffi': 'files_push' },
    note: "lxc-* tools: `lxc-attach -n NAME -P LXCPATH -- sh -c 'cat > /bench-pushed'` with the host file as its stdin (spawn, no shell on the host). lxc-ffi: `files.push(FILE, '/bench-pushed')`: openat2(RESOLVE_IN_ROOT) on /proc/<init>/root, a 1 MiB-chunk stream copy in this process.",
  },
  {
    id: 'files_push_cp',
    control: true,
    cpu: true,
    label: 'control: `cp` into /proc/<pid>/root (follows the container\'s symlinks onto the host)',
    ops: { 'lxc-tools': 'cp_push', 'lxc-ffi': 'files_push' },
    note: "`cp FILE /proc/PID/root/bench-pushed` (execFile): what users do by hand, unsafe against a hostile container (docs/files.md); the lxc-ffi column is the files_push row's measurement.",
  },
  {
    id: 'files_pull',
    cpu: true,
    label: 'pull a 100 MiB file out of the running container',
    ops: { 'lxc-tools': 'attach_cat_pull', 'lxc-ffi': 'files_pull' },
    note: "lxc-* tools: `lxc-attach -- cat /bench-pull-source` with its stdout on a host file. lxc-ffi: `files.pull('/bench-pull-source', OUT)`. The source was pushed once before the timings.",
  },
  {
    id: 'files_pull_cp',
    control: true,
    cpu: true,
    label: 'control: `cp` out of /proc/<pid>/root',
    ops: { 'lxc-tools': 'cp_pull', 'lxc-ffi': 'files_pull' },
    note: "`cp /proc/PID/root/bench-pull-source OUT` (execFile); the lxc-ffi column is the files_pull row's measurement.",
  },
];

/** The probes' sizes (probes/index.ts). */
export interface ProbePlan {
  /** Lifecycles lxc-ffi runs at once (and python3-lxc one after another). */
  lifecycles: number;
  /** Fresh processes timed per variant (bare `node -e 0`, and the import). */
  importRuns: number;
  /** `new Container()` + `release()` pairs in the RSS probe. */
  churn: number;
  /** `exec(['true'])` calls in the leak probe. */
  execs: number;
  /**
   * Also run the lifecycles as that many C processes at once: a control that shows what
   * concurrency buys on this host at all, whatever the binding.
   */
  cControl: boolean;
}

/** Calls per operation: warm-up, then measured, split over `rounds` interleaved rounds. */
export interface Plan {
  rounds: number;
  counts: Record<Cost, { warmup: number; iterations: number }>;
  probes: ProbePlan;
}

/** Quick: a smoke run well under a minute. Full: stable medians, under ten minutes. */
export const plans: Record<'quick' | 'full', Plan> = {
  quick: {
    rounds: 1,
    counts: {
      attach: { warmup: 2, iterations: 15 },
      worker: { warmup: 1, iterations: 3 },
      session: { warmup: 20, iterations: 200 },
      cheap: { warmup: 50, iterations: 500 },
      fork: { warmup: 5, iterations: 30 },
      tool: { warmup: 1, iterations: 8 },
      lifecycle: { warmup: 0, iterations: 1 },
      clone: { warmup: 0, iterations: 2 },
      file: { warmup: 1, iterations: 4 },
    },
    probes: { lifecycles: 2, importRuns: 4, churn: 10_000, execs: 50, cControl: false },
  },
  full: {
    rounds: 10,
    counts: {
      attach: { warmup: 10, iterations: 1000 },
      worker: { warmup: 2, iterations: 60 },
      session: { warmup: 100, iterations: 5000 },
      cheap: { warmup: 500, iterations: 20000 },
      fork: { warmup: 10, iterations: 500 },
      tool: { warmup: 3, iterations: 150 },
      // One sample per round was too few to tell a target's ratio from the run's noise (a clone's
      // per-round ratios spread over 1.3–3.4×); a clone is milliseconds, a lifecycle half a second.
      lifecycle: { warmup: 0, iterations: 20 },
      clone: { warmup: 3, iterations: 200 },
      file: { warmup: 2, iterations: 30 },
    },
    probes: { lifecycles: 16, importRuns: 20, churn: 100_000, execs: 1000, cControl: true },
  },
};

/** How many of `iterations` calls round `round` of `rounds` makes (0: it skips this round). */
export function share(iterations: number, rounds: number, round: number): number {
  return Math.floor(((round + 1) * iterations) / rounds) - Math.floor((round * iterations) / rounds);
}

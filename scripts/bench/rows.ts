// The rows of the benchmark table: one operation as each target spells it (an operation two rows
// share is measured once), the target where it has one, and how many calls each mode makes.
import type { TargetId, Cost } from './targets/target.js';

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
  /** An issue target: lxc-ffi's median ≤ `max` × `against`'s median in the same run. */
  goal?: { against: TargetId; max: number; text: string };
  /** A note for the docs (what exactly each side does). */
  note?: string;
}

export const rows: readonly Row[] = [
  {
    id: 'attach_true',
    cpu: true,
    label: "attach and wait for `true` (stdio → /dev/null)",
    ops: { c: 'attach_run_wait_true', 'python3-lxc': 'attach_run_wait_true', 'lxc-ffi': 'attachWait_true' },
    goal: { against: 'c', max: 1.2, text: "attachWait(['true']) ≤ 1.2× C" },
    note: "C: `c->attach_run_wait(c, &opts, \"true\", argv)` (lxc_attach_run_command) with default options and fds 0–2 on /dev/null. python3-lxc: `c.attach_wait(lxc.attach_run_command, ['true'], stdin=, stdout=, stderr=/dev/null)`. lxc-ffi: `attachWait(['true'], { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' })`.",
  },
  {
    id: 'exec_true',
    cpu: true,
    label: "exec `true`, output captured",
    ops: { c: 'attach_run_wait_true', 'python3-lxc': 'attach_run_wait_true', 'lxc-ffi': 'exec_true' },
    note: "lxc-ffi: `exec(['true'])` (stdout and stderr through pipes, collected as strings); compared with the same C and python3-lxc calls as the row above.",
  },
  {
    id: 'evaluate_oneshot',
    cpu: true,
    label: 'run a function, one-shot',
    ops: { 'python3-lxc': 'attach_wait_func', 'lxc-ffi': 'evaluate_oneshot' },
    note: "python3-lxc: `c.attach_wait(f)` with an `f` that returns at once (stdout → /dev/null): a fork of the Python process. lxc-ffi: `evaluate(() => 1)`: a fresh Node worker attached, rooted and torn down per call.",
  },
  {
    id: 'session_evaluate',
    label: 'run a function in a session',
    ops: { 'python3-lxc': 'attach_wait_func', 'lxc-ffi': 'session_evaluate' },
    goal: { against: 'python3-lxc', max: 0.2, text: 'session.evaluate ≤ 0.2× python3-lxc attach_wait(func)' },
    note: 'lxc-ffi: `session.evaluate(() => 1)` on one session opened beforehand (not timed); python3-lxc has no session, so its per-call `attach_wait(f)` is the reference.',
  },
  {
    id: 'get_config_item',
    label: 'get_config_item(lxc.uts.name)',
    ops: { c: 'get_config_item', 'python3-lxc': 'get_config_item', 'lxc-ffi': 'get_config_item' },
    note: 'C: the length query then the fetch into a malloc()ed buffer, as a binding returning a string must (python3-lxc does the same). lxc-ffi: `getConfigItem()`, key validation included.',
  },
  {
    id: 'is_defined',
    label: 'is_defined',
    ops: { c: 'is_defined', 'python3-lxc': 'is_defined', 'lxc-ffi': 'is_defined' },
  },
  {
    id: 'state',
    label: 'state (running container)',
    ops: { c: 'state', 'python3-lxc': 'state', 'lxc-ffi': 'state' },
  },
  {
    id: 'init_pid',
    label: 'init_pid',
    ops: { c: 'init_pid', 'python3-lxc': 'init_pid', 'lxc-ffi': 'init_pid' },
  },
];

/** Calls per operation: warm-up, then measured, split over `rounds` interleaved rounds. */
export interface Plan {
  rounds: number;
  counts: Record<Cost, { warmup: number; iterations: number }>;
}

/** Quick: a smoke run well under a minute. Full: stable medians, a few minutes. */
export const plans: Record<'quick' | 'full', Plan> = {
  quick: {
    rounds: 1,
    counts: {
      attach: { warmup: 3, iterations: 20 },
      worker: { warmup: 1, iterations: 5 },
      session: { warmup: 20, iterations: 200 },
      cheap: { warmup: 50, iterations: 500 },
    },
  },
  full: {
    rounds: 10,
    counts: {
      attach: { warmup: 10, iterations: 1000 },
      worker: { warmup: 2, iterations: 60 },
      session: { warmup: 100, iterations: 5000 },
      cheap: { warmup: 500, iterations: 20000 },
    },
  },
};

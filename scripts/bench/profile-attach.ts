// Where lxc-ffi's time goes in `attachWait(['true'])`, against C's attach_run_wait.
//
//   npx tsx scripts/bench/profile-attach.ts [--iterations N]
//   node --import tsx scripts/bench/profile-attach.ts --loop N   (for perf record / --cpu-prof: just
//       N attachWait(['true']) calls, then N C attach_run_wait calls in a child, pids on stderr)
//   ... --helperSim N   (N attaches the way a small helper process would make them: sync, waitid)
//
// All on one running busybox container in a temporary lxcpath (removed at the end):
//  1. the public attachWait() as a timeline: the koffi and fs entry points it goes through are
//     wrapped (the attach function's .async and its callback, koffi.node.poll for the pidfd,
//     koffi.as, fs.openSync/statSync/unlinkSync/closeSync, process.kill) and the gaps timed;
//  2. each piece alone (koffi's async hop, forkSafe, CallLog, planStdio, option parsing), and a
//     replica of the attach pipeline with pieces switched off (CallLog, async → sync, pidfd → waitid);
//  3. the C baseline (bench.c attach_only / attach_run_wait_true), also with this Node process's
//     resident size allocated as ballast, to show what fork() of a big process costs liblxc;
//  4. CPU time and minor page faults per call (getrusage of this process and its reaped children)
//     for 1-3: the numbers other load on the machine does not inflate;
//  5. attachWait with 256 MiB and 1 GiB more (touched) memory in this process, beside Node's own
//     spawn of /bin/true and of lxc's lxc-attach CLI at the same sizes.
// It changes nothing in lib/: it only wraps koffi objects and calls lib's own modules.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as ffi from '../../ffi/index.js';
import { CallLog } from '../../lib/calllog.js';
import { forkSafe } from '../../lib/forksafe.js';
import { planStdio, releaseStdio, waitForPid } from '../../lib/attach/process.js';
import { attachOptionsSchema } from '../../lib/attach/options.js';
import { check } from '../../lib/validate.js';
import * as C from '../../lib/constants.js';
import { setUp, type Fixture } from './setup.js';
import { compile } from './targets/c.js';
import { run, parseSamples, killChildren } from './child.js';
import { summarize, formatUs, type Summary } from './stats.js';

const { values: args } = parseArgs({
  options: { iterations: { type: 'string', default: '300' }, loop: { type: 'string' }, helperSim: { type: 'string' } },
});
const N = Number(args.iterations);
const WARMUP = 10;
const koffi = ffi.koffi;
const now = () => performance.now() * 1000; // µs

function line(label: string, s: Summary, extra = ''): string {
  return `  ${label.padEnd(64)} median ${formatUs(s.median).padStart(9)}   p95 ${formatUs(s.p95).padStart(9)}${extra}`;
}

// CPU time and minor faults: robust to other load on the machine, unlike wall time.
const getrusage = ffi.libc.func('int getrusage(int who, void *usage)');
interface Usage { selfCpu: number; selfFlt: number; kidsCpu: number; kidsFlt: number }
function usage(): Usage {
  const read = (who: number) => {
    const b = Buffer.alloc(144);
    getrusage(who, b);
    const tv = (o: number) => Number(b.readBigInt64LE(o)) * 1e6 + Number(b.readBigInt64LE(o + 8));
    return { cpu: tv(0) + tv(16), flt: Number(b.readBigInt64LE(64)) };
  };
  const me = read(0); // RUSAGE_SELF: every thread of this process
  const kids = read(-1); // RUSAGE_CHILDREN: reaped children (liblxc's intermediate, the attached process)
  return { selfCpu: me.cpu, selfFlt: me.flt, kidsCpu: kids.cpu, kidsFlt: kids.flt };
}
function perCall(a: Usage, b: Usage, n: number): Usage {
  return { selfCpu: (b.selfCpu - a.selfCpu) / n, selfFlt: (b.selfFlt - a.selfFlt) / n, kidsCpu: (b.kidsCpu - a.kidsCpu) / n, kidsFlt: (b.kidsFlt - a.kidsFlt) / n };
}
function usageLine(label: string, u: Usage): string {
  return `  ${label.padEnd(64)} cpu/call: self ${formatUs(u.selfCpu).padStart(9)}, children ${formatUs(u.kidsCpu).padStart(9)}; minor faults/call: self ${u.selfFlt.toFixed(0).padStart(5)}, children ${u.kidsFlt.toFixed(0).padStart(5)}`;
}
const cpuRows: string[] = [];

async function times(n: number, fn: () => unknown): Promise<number[]> {
  for (let i = 0; i < Math.min(WARMUP, n); i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = now();
    await fn();
    out.push(now() - t0);
  }
  return out;
}

async function main(): Promise<void> {
  let fixture: Fixture | undefined;
  const stop = () => { killChildren(); void fixture?.teardown().finally(() => process.exit(130)); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  fixture = await setUp(true, 'prof');
  const { container: c, lxcpath, name, scratch } = fixture.ctx;
  const ptr = ffi.lxc_container_new(name, lxcpath) as bigint;
  try {
    const ignore = { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' } as const;
    const attachFn = ffi.method(ptr, 'attach'); // the same koffi function object Container uses (cached by address)

    const target = {
      getItem: (k: string) => {
        const fn = ffi.method(ptr, 'get_config_item');
        const len = fn(ptr, k, null, 0) as number;
        if (len <= 0) return '';
        const buf = Buffer.alloc(len + 1);
        fn(ptr, k, buf, len + 1);
        return buf.toString('utf8', 0, len);
      },
      setItem: (k: string, v: string) => ffi.method(ptr, 'set_config_item')(ptr, k, v) as boolean,
      clearItem: (k: string) => ffi.method(ptr, 'clear_config_item')(ptr, k) as boolean,
    };
    // A replica of Container.#spawn + AttachedProcess.wait with pieces switchable.
    const cOpts = (fds: [number, number, number]) => ({
      attach_flags: C.LXC_ATTACH_DEFAULT, namespaces: -1, personality: -1, initial_cwd: null,
      uid: 0xffffffff, gid: 0xffffffff, env_policy: 0, extra_env_vars: null, extra_keep_env: null,
      stdin_fd: fds[0], stdout_fd: fds[1], stderr_fd: fds[2], log_fd: -9, lsm_label: null, groups: { size: 0, list: null },
    });
    const P_PID = 1;
    const WEXITED = 4;
    const syncCall: number[] = [];
    const runWaitFn = ffi.method(ptr, 'attach_run_wait');
    // wait: 'pidfd' (as lib), 'waitid' (blocking, on the main thread), or 'in C': one
    // attach_run_wait() call that liblxc waits in, on koffi's thread (the loop stays idle meanwhile).
    const replica = (o: { log: boolean; async: boolean; wait: 'pidfd' | 'waitid' | 'in C' }) => async () => {
      const plan = planStdio(['ignore', 'ignore', 'ignore']);
      const payload = koffi.as({ program: 'true', argv: ['true', null] }, 'lxc_attach_command_t *');
      const pid = new Int32Array(1);
      const log = o.log ? new CallLog(target) : null;
      let result: number;
      try {
        result = await forkSafe(async () => {
          const [fn, args] = o.wait === 'in C'
            ? [runWaitFn, [ptr, cOpts(plan.fds), 'true', ['true', null]]]
            : [attachFn, [ptr, ffi.lxc_attach_run_command, payload, cOpts(plan.fds), pid]];
          if (o.async) return new Promise<number>((res, rej) => fn.async(...args, (e: unknown, r: number) => (e ? rej(e) : res(r))));
          const t = now();
          const r = fn(...args) as number;
          syncCall.push(now() - t);
          return r;
        });
      } finally {
        log?.finish();
        releaseStdio(plan);
      }
      if (o.wait === 'in C') {
        if (result !== 0) throw new Error(`attach_run_wait gave status ${result}`);
        return;
      }
      if (result !== 0 || pid[0] <= 0) throw new Error('attach failed');
      if (o.wait === 'pidfd') {
        const st = await waitForPid(pid[0]).exit;
        if (st.exitCode !== 0) throw new Error('true failed');
      } else {
        const info = Buffer.alloc(128);
        if (ffi.waitid(P_PID, pid[0], info, WEXITED) !== 0 || info.readInt32LE(24) !== 0) throw new Error('waitid failed');
      }
    };
    if (args.helperSim) {
      // What a small attach helper process would pay: C's shape (sync attach(), blocking waitid),
      // no CallLog, in whatever node this was started with (try --v8-pool-size=0, UV_THREADPOOL_SIZE=1).
      const n = Number(args.helperSim);
      const fn = replica({ log: false, async: false, wait: 'waitid' });
      for (let i = 0; i < WARMUP; i++) await fn();
      const u = usage();
      const s = summarize(await times(n, fn));
      const pc = perCall(u, usage(), n + Math.min(WARMUP, n));
      const threads = /^Threads:\s*(\d+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1];
      console.log(line(`sync attach + waitid, rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB, ${threads} threads`, s));
      console.log(usageLine('  per call', pc));
      return;
    }

    if (args.loop) {
      const n = Number(args.loop);
      const built = await compile(scratch);
      process.stderr.write(`loop: lxc-ffi attachWait x${n} in pid ${process.pid}\n`);
      const t0 = now();
      for (let i = 0; i < n; i++) await c.attachWait(['true'], ignore);
      process.stderr.write(`loop: lxc-ffi done, ${formatUs((now() - t0) / n)}/call\n`);
      if (!('skip' in built)) {
        const t1 = now();
        const out = await run(built.binary, [lxcpath, name, 'attach_run_wait_true', '0', String(n)]);
        parseSamples(out, 'bench-c');
        process.stderr.write(`loop: C attach_run_wait x${n} done, ${formatUs((now() - t1) / n)}/call\n`);
      }
      return;
    }

    // ---- 1. the public attachWait, phases marked by wrapping koffi --------------------------------
    // Every wrapped entry point appends to a timeline; the gaps between consecutive events, by
    // position, are the phases. fs functions are patched on node:fs and pushed to ESM importers
    // with syncBuiltinESMExports() (lib imports them by name).
    let timeline: [string, number][] = [];
    const mark = (label: string) => timeline.push([label, now()]);
    const restore: (() => void)[] = [];
    const wrap = (obj: any, key: string, label: string, cbLabel?: string) => {
      const orig = obj[key];
      obj[key] = function (this: unknown, ...a: any[]) {
        mark(label);
        if (cbLabel && typeof a[a.length - 1] === 'function') {
          const cb = a.pop();
          a.push((...r: unknown[]) => { mark(cbLabel); return cb(...r); });
        }
        return orig.apply(this, a);
      };
      restore.push(() => { obj[key] = orig; });
    };
    wrap(attachFn, 'async', 'attach.async() called', 'attach callback');
    wrap(koffi.node, 'poll', 'pidfd poll armed', 'pidfd readable');
    wrap(koffi, 'as', 'koffi.as (payload)');
    wrap(process, 'kill', 'raise SIGCHLD (forkSafe restore)');
    for (const f of ['openSync', 'closeSync', 'statSync', 'unlinkSync', 'readSync']) wrap(fs, f, `fs.${f}`);
    syncBuiltinESMExports();
    const gaps = new Map<string, number[]>();
    const totals: number[] = [];
    let u0 = usage();
    for (let i = 0; i < WARMUP + N; i++) {
      if (i === WARMUP) u0 = usage();
      timeline = [];
      mark('attachWait() called');
      const code = await c.attachWait(['true'], ignore);
      mark('attachWait() resolved');
      if (code !== 0) throw new Error(`attachWait(['true']) gave ${code}`);
      if (i < WARMUP) continue;
      totals.push(timeline[timeline.length - 1][1] - timeline[0][1]);
      for (let k = 1; k < timeline.length; k++) {
        const key = `${String(k).padStart(2)} ${timeline[k - 1][0]} → ${timeline[k][0]}`;
        gaps.set(key, [...(gaps.get(key) ?? []), timeline[k][1] - timeline[k - 1][1]]);
      }
    }
    cpuRows.push(usageLine("lxc-ffi attachWait(['true']) (instrumented)", perCall(u0, usage(), N)));
    for (const r of restore) r();
    syncBuiltinESMExports();
    console.log(`\n1. attachWait(['true'], stdio 'ignore'): timeline, median gap between consecutive events (n=${N})`);
    for (const [key, xs] of gaps) console.log(line(key, summarize(xs), xs.length === N ? '' : `   (in ${xs.length} of ${N} calls)`));
    console.log(line('total', summarize(totals)));

    // ---- 2. the pieces alone ----------------------------------------------------------------------
    console.log(`\n2. pieces alone (n=${N * 10} for the cheap ones)`);
    const getpid = ffi.libc.func('int getpid(void)');
    const asyncGetpid = () => new Promise((res, rej) => getpid.async((e: unknown, r: unknown) => (e ? rej(e) : res(r))));
    console.log(line('koffi async hop: getpid.async() round trip', summarize(await times(N * 10, asyncGetpid))));
    console.log(line('forkSafe(() => resolved promise): 2 sigaction + raise(SIGCHLD)', summarize(await times(N * 10, () => forkSafe(() => Promise.resolve())))));
    console.log(line('CallLog: construct (get+set lxc.log.file) + finish (clear, read, unlink)', summarize(await times(N * 10, () => new CallLog(target).finish()))));
    console.log(line("planStdio(['ignore' x3]) + releaseStdio", summarize(await times(N * 10, () => releaseStdio(planStdio(['ignore', 'ignore', 'ignore']))))));
    console.log(line('attach options: zod parse', summarize(await times(N * 10, () => check('attachWait', 'options', attachOptionsSchema, ignore)))));
    console.log(line('defined + running (2 sync liblxc calls, as #needRunning)', summarize(await times(N * 10, () => c.defined && c.running))));

    console.log(`\n   replica of the attach pipeline, end to end (n=${N})`);
    const variants: [string, Parameters<typeof replica>[0]][] = [
      ['as lib does: CallLog, forkSafe, async call, pidfd wait', { log: true, async: true, wait: 'pidfd' }],
      ['without CallLog', { log: false, async: true, wait: 'pidfd' }],
      ['without CallLog, sync call (blocks the loop), pidfd wait', { log: false, async: false, wait: 'pidfd' }],
      ['without CallLog, sync call, blocking waitid (C\'s shape)', { log: false, async: false, wait: 'waitid' }],
      ['with CallLog, async call, blocking waitid', { log: true, async: true, wait: 'waitid' }],
      ['attach_run_wait() via koffi async (liblxc waits, loop idle)', { log: false, async: true, wait: 'in C' }],
      ['same, with CallLog', { log: true, async: true, wait: 'in C' }],
    ];
    for (const [label, o] of variants) {
      syncCall.length = 0;
      const fn = replica(o);
      for (let i = 0; i < WARMUP; i++) await fn();
      const u = usage();
      const s = summarize(await times(N, fn));
      cpuRows.push(usageLine(`replica: ${label}`, perCall(u, usage(), N + WARMUP)));
      const extra = syncCall.length ? `   (attach() itself: ${formatUs(summarize(syncCall.slice(WARMUP)).median)})` : '';
      console.log(line(label, s, extra));
    }

    // ---- 3. C, small and with Node's resident size as ballast ------------------------------------
    const rssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
    console.log(`\n3. C (bench.c), n=${N}; this Node process: rss ${rssMiB} MiB`);
    const built = await compile(scratch);
    if ('skip' in built) {
      console.log(`  skipped: ${built.skip}`);
    } else {
      for (const ballast of [0, rssMiB]) {
        for (const op of ['attach_only', 'attach_run_wait_true']) {
          const out = await run(built.binary, [lxcpath, name, op, String(WARMUP), String(N)], { env: { ...process.env, LXC_BENCH_BALLAST_MB: String(ballast) } });
          const label = `${op}${ballast ? `, ${ballast} MiB ballast` : ''}`;
          console.log(line(label, summarize(parseSamples(out, op))));
          const ru = (JSON.parse(out.stdout.trim().split('\n').pop()!) as { rusage: { self_cpu_us: number; self_minflt: number; children_cpu_us: number; children_minflt: number } }).rusage;
          cpuRows.push(usageLine(`C ${label}`, { selfCpu: ru.self_cpu_us / N, selfFlt: ru.self_minflt / N, kidsCpu: ru.children_cpu_us / N, kidsFlt: ru.children_minflt / N }));
        }
      }
    }
    console.log('\n4. CPU time and minor page faults per call (getrusage; not inflated by other load)');
    for (const r of cpuRows) console.log(r);

    // ---- 5. the caller's memory: what a bigger Node heap does to attachWait -----------------------
    console.log(`\n5. with more memory in this Node process (touched Buffers), n=${N}`);
    const held: Buffer[] = [];
    let have = 0;
    // For comparison at each size: Node's own spawn (libuv) of the host's `true`, and of lxc's
    // lxc-attach CLI (a small C process that makes the fork itself), when the lxc package has it.
    const lxcAttach = fs.existsSync('/usr/bin/lxc-attach') ? '/usr/bin/lxc-attach' : null;
    const spawnOk = async (file: string, argv: string[]) => {
      const r = await run(file, argv);
      if (r.code !== 0) throw new Error(`${file} exited with ${r.code}: ${r.stderr.trim()}`);
    };
    for (const mib of [0, 256, 1024]) {
      for (; have < mib; have += 64) held.push(Buffer.alloc(64 * 2 ** 20, 1));
      const rss = Math.round(process.memoryUsage().rss / 2 ** 20);
      const variants: [string, () => Promise<unknown>][] = [
        ["attachWait(['true'])", () => c.attachWait(['true'], ignore)],
        ['spawn /bin/true on the host (libuv)', () => spawnOk('/bin/true', [])],
        ...(lxcAttach ? [[`spawn lxc-attach -- true`, () => spawnOk(lxcAttach, ['-n', name, '-P', lxcpath, '--', 'true'])] as [string, () => Promise<unknown>]] : []),
      ];
      for (const [label, fn] of variants) {
        const u = usage();
        const s = summarize(await times(N, fn));
        const pc = perCall(u, usage(), N + Math.min(WARMUP, N));
        console.log(line(`+${mib} MiB (rss ${rss} MiB): ${label}`, s, `   cpu/call self ${formatUs(pc.selfCpu)}, children ${formatUs(pc.kidsCpu)}`));
      }
    }
    held.length = 0;
  } finally {
    ffi.lxc_container_put(ptr);
    await fixture.teardown();
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(`profile-attach: ${(e as Error).stack ?? e}`);
  process.exit(1);
});

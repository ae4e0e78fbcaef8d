// lxc-ffi itself, in this process: the public API on the bench containers, as a user calls it.
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import * as lxc from '../../../lib/index.js';
import { Handle } from '../../../lib/container/handle.js';
import { plan as attachPlan, attachLib } from '../../../lib/container/attach/plan.js';
import { options } from '../../../lib/options/parse.js';
import { attachOptionsSchema, functionDefaults } from '../../../lib/options/attach.js';
import { nodeBinary } from '../../../lib/proc/node.js';
import { libc } from '../../../ffi/libc.js';
import * as ffi from '../../../ffi/index.js';
import { run as inRunner } from '../../../lib/runner/pool.js';
import { reserveCid } from '../../../lib/container/handle.js';
import { netConfig } from '../../../test/helpers.js';
import type { BenchContext } from '../setup.js';
import type { Target, Prepared } from './target.js';
import { time, expect } from './timing.js';
import { join } from 'node:path';
import { payload, PAYLOAD_BYTES, PUSHED, PULL_SOURCE } from './payload.js';

type Op = () => unknown;

export const lxcffi: Target = {
  id: 'lxc-ffi',
  label: 'lxc-ffi',
  ops: {
    attachWait_true: 'attach', exec_true: 'attach', exec_echo: 'attach', evaluate_oneshot: 'worker', node_e0: 'worker', evaluate_floor: 'worker', session_evaluate: 'session',
    get_config_item: 'cheap', get_config_item_bare: 'cheap', is_defined: 'cheap', getppid: 'cheap', state: 'cheap', init_pid: 'cheap', get_ips: 'fork',
    lifecycle: 'lifecycle', clone_overlay: 'clone', files_push: 'file', files_pull: 'file',
    runner_roundtrip: 'attach',
  },
  async prepare(ctx: BenchContext): Promise<Prepared> {
    const c = ctx.container;
    let session: lxc.Session | undefined;
    let seq = 0;
    const ignore = { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' } as const;
    const need = <T>(what: T | undefined, row: string): T => {
      if (what === undefined) throw new Error(`${row}: the fixture has no container for it`);
      return what;
    };
    // The control row's system call, declared through koffi as ffi/libc.ts declares its functions.
    const getppid = libc.func('int getppid(void)');
    // The bare koffi call under getConfigItem: the member on a struct of our own, a buffer made once.
    let bareStruct = ffi.lxc_container_new(c.name, c.lxcpath) as bigint;
    const bareItem = ffi.method(bareStruct, 'get_config_item') as unknown as (c: bigint, key: string, retv: Buffer, inlen: number) => number;
    const bareBuffer = Buffer.alloc(4096);
    const pulled = join(ctx.scratch, 'ffi-pulled');
    // The control row's runner round trip: a struct of its own there, as a Container's would be.
    const roundTrip = { cid: reserveCid(), gen: 0, onDisk: true, name: c.name, lxcpath: c.lxcpath, saveConfig: () => false, calls: [{ member: 'is_defined', args: [] }] };
    // The control rows under the one-shot evaluate: Node's start, with the environment a worker gets
    // (lib/container/attach/plan.ts, extraEnv), and the attach of the sealed image running `-e 0`,
    // through a Handle of the bench's own with evaluate()'s default options.
    const workerEnv = { ...process.env, NODE_OPTIONS: '', NODE_EXTRA_CA_CERTS: '' };
    let floorHandle: Handle | undefined;
    // The Handle's owner (its FinalizationRegistry target): held as long as the Handle is used.
    const floorOwner = {};
    const floorOptions = options('evaluate', 'options', attachOptionsSchema, undefined, functionDefaults);
    const ops: Record<string, Op> = {
      files_push: async () => {
        const s = await c.files.push(payload(ctx), PUSHED);
        expect('files.push()', s.bytes === PAYLOAD_BYTES, s);
      },
      files_pull: async () => {
        const s = await c.files.pull(PULL_SOURCE, pulled);
        expect('files.pull()', s.bytes === PAYLOAD_BYTES, s);
      },
      attachWait_true: async () => {
        const code = await c.attachWait(['true'], ignore);
        expect("attachWait(['true'])", code === 0, code);
      },
      exec_true: async () => {
        const r = await c.exec(['true']);
        expect("exec(['true'])", r.exitCode === 0, r);
      },
      exec_echo: async () => {
        const r = await c.exec(['echo', 'x']);
        expect("exec(['echo', 'x'])", r.exitCode === 0 && r.stdout === 'x\n', r);
      },
      evaluate_oneshot: async () => {
        const v = await c.evaluate(() => 1);
        expect('evaluate(() => 1)', v === 1, v);
      },
      node_e0: () => new Promise<void>((resolve, reject) => {
        const p = spawn(nodeBinary(), ['-e', '0'], { stdio: 'ignore', env: workerEnv });
        p.on('error', reject);
        p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`node -e 0 exited with ${code}`))));
      }),
      evaluate_floor: async () => {
        floorHandle ??= new Handle(floorOwner, c.name, c.lxcpath);
        const proc = await (await attachLib()).bareNode(attachPlan(floorHandle, 'evaluate', floorOptions));
        const st = await proc.wait();
        expect('node -e 0 from the sealed image', st.exitCode === 0, st);
      },
      session_evaluate: async () => {
        const v = await session!.evaluate(() => 1);
        expect('session.evaluate(() => 1)', v === 1, v);
      },
      runner_roundtrip: async () => {
        const r = await inRunner(roundTrip);
        expect('is_defined in a runner', r.result === true, r.result);
      },
      get_config_item: () => {
        const v = c.getConfigItem('lxc.uts.name');
        if (!v) expect("getConfigItem('lxc.uts.name')", false, v);
      },
      get_config_item_bare: () => {
        const n = bareItem(bareStruct, 'lxc.uts.name', bareBuffer, bareBuffer.length);
        if (!(n > 0) || bareBuffer.toString('utf8', 0, Math.min(n, bareBuffer.length)) === '') expect('get_config_item(lxc.uts.name)', false, n);
      },
      is_defined: () => {
        if (!c.defined) expect('defined', false, false);
      },
      getppid: () => {
        if (!(getppid() > 0)) expect('getppid()', false, 0);
      },
      state: () => {
        const s = c.state;
        if (s !== 'RUNNING') expect('state', false, s);
      },
      init_pid: () => {
        const p = c.initPid;
        if (!(p > 0)) expect('initPid', false, p);
      },
      get_ips: async () => {
        const ips = await need(ctx.net, 'get_ips').container.getIps();
        expect('getIps()', ips.length > 0, ips);
      },
      lifecycle: async () => {
        // As the users write it: create (busybox, quiet), no network, start, stop, destroy.
        const n = new lxc.Container(`${ctx.lifecyclePrefix}-ffi${process.pid}-${seq++}`, ctx.lxcpath);
        try {
          await n.create('busybox', {}, { quiet: true });
          netConfig(n);
          n.saveConfig();
          await n.start();
          expect('state after start()', n.state === 'RUNNING', n.state);
          await n.stop();
          await n.destroy();
        } catch (e) {
          if (n.running) await n.stop().catch(() => undefined);
          if (n.defined) await n.destroy().catch(() => undefined);
          throw e;
        } finally {
          n.release();
        }
      },
      clone_overlay: async () => {
        const base = need(ctx.base, 'clone_overlay');
        const n = await base.container.clone(`${base.name}-ffi${process.pid}-${seq++}`, { bdevtype: 'overlayfs', snapshot: true });
        try {
          await n.destroy();
        } finally {
          n.release();
        }
      },
    };
    return {
      versions: { liblxc: lxc.version, node: process.version },
      async run(op, warmup, iterations) {
        const call = ops[op];
        if (!call) throw new Error(`lxc-ffi has no bench operation ${op}`);
        // The session is opened once, outside the timings: the row measures calls on it.
        if (op === 'session_evaluate') session ??= await c.openSession();
        if (op === 'files_pull') await c.files.push(payload(ctx), PULL_SOURCE);
        const batch = await time(call, warmup, iterations);
        // evaluate() starts the next call's worker ahead: let it finish starting before the next
        // operation is timed, so its start does not land in another row's samples.
        if (op === 'evaluate_oneshot') await sleep(750);
        return batch;
      },
      async dispose() {
        await session?.close();
        session = undefined;
        // dispose() runs twice (before the probes, and at the end): the struct is put once.
        if (bareStruct !== 0n) ffi.lxc_container_put(bareStruct);
        bareStruct = 0n;
        floorHandle?.release();
        floorHandle = undefined;
      },
    };
  },
};

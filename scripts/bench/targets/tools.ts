// The lxc-* command-line tools driven from this Node process the way CLI wrappers do it:
// execFile (argv, no shell) per query or action, the answer parsed from stdout. Each sample is one
// execFile call (or the chain of calls an action needs), from the call to its callback.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as lxc from '../../../lib/index.js';
import { run, type Outcome } from '../child.js';
import type { BenchContext } from '../setup.js';
import type { Target, Prepared, Skip } from './target.js';
import { time, expect } from './timing.js';
import { payload, PAYLOAD_BYTES, PUSHED, PULL_SOURCE } from './payload.js';

const TOOLS = ['lxc-info', 'lxc-ls', 'lxc-attach', 'lxc-create', 'lxc-start', 'lxc-stop', 'lxc-destroy', 'lxc-copy'];

/** Runs one tool; throws with its stderr unless it exits 0. */
async function tool(file: string, args: string[]): Promise<Outcome> {
  const out = await run(file, args, { timeoutMs: 120_000 });
  if (out.code !== 0) {
    const how = out.signal ? `was killed by ${out.signal}` : `exited with ${out.code}`;
    throw new Error(`${file} ${args.join(' ')} ${how}: ${out.stderr.trim().split('\n').slice(-2).join(' | ')}`);
  }
  return out;
}

/** Runs `file` with stdin and stdout on the given fds (a file copy through a tool); throws unless it exits 0. */
function piped(file: string, args: string[], stdin: number | 'ignore', stdout: number | 'ignore'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: [stdin, stdout, 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => { err += d; });
    child.on('error', reject);
    child.on('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${file} ${args.join(' ')}: ${code ?? signal} ${err.trim()}`))));
  });
}

/** The value after `Label:` in lxc-info's output (`State:          RUNNING`), every occurrence. */
function fields(stdout: string, label: string): string[] {
  return [...stdout.matchAll(new RegExp(`^${label}:\\s+(\\S+)\\s*$`, 'gm'))].map((m) => m[1]);
}

export const tools: Target = {
  id: 'lxc-tools',
  label: 'lxc-* tools',
  ops: {
    attach_true: 'tool', exec_echo: 'tool', get_config_item: 'tool', is_defined: 'tool', state: 'tool', init_pid: 'tool',
    get_ips: 'tool', lifecycle: 'lifecycle', clone_overlay: 'clone',
    attach_cat_push: 'file', cp_push: 'file', attach_cat_pull: 'file', cp_pull: 'file',
  },
  async prepare(ctx: BenchContext): Promise<Prepared | Skip> {
    const missing = TOOLS.filter((t) => !['/usr/bin', '/usr/local/bin', '/bin'].some((d) => existsSync(join(d, t))));
    if (missing.length) return { skip: `${missing.join(', ')} not installed (apt-get install lxc)` };
    const v = await run('lxc-info', ['--version']);
    const versions: Record<string, string> = { 'lxc-info --version': v.stdout.trim() || 'unknown' };
    // lxc-create -f: the default config with the network replaced by none, as the other targets end up.
    const conf = join(ctx.scratch, 'lxc-create.conf');
    const defaults = lxc.getGlobalConfigItem('lxc.default_config');
    const lines = defaults && existsSync(defaults) ? readFileSync(defaults, 'utf8').split('\n') : [];
    writeFileSync(conf, [...lines.filter((l) => !/^\s*lxc\.net\b/.test(l)), 'lxc.net.0.type = empty', ''].join('\n'));
    const { name, lxcpath } = ctx;
    const at = (n: string) => ['-n', n, '-P', lxcpath];
    let seq = 0;
    const need = <T>(what: T | undefined, row: string): T => {
      if (what === undefined) throw new Error(`${row}: the fixture has no container for it`);
      return what;
    };
    const pulled = join(ctx.scratch, 'tools-pulled');
    const root = () => `/proc/${ctx.container.initPid}/root`;
    const withFd = async (path: string, flags: string, f: (fd: number) => Promise<void>) => {
      const fd = openSync(path, flags, 0o600);
      try {
        await f(fd);
      } finally {
        closeSync(fd);
      }
    };
    const pulledAll = (what: string) => expect(what, statSync(pulled).size === PAYLOAD_BYTES, statSync(pulled).size);
    const ops: Record<string, () => Promise<void>> = {
      attach_cat_push: () => withFd(payload(ctx), 'r', (fd) => piped('lxc-attach', [...at(name), '--', 'sh', '-c', `cat > ${PUSHED}`], fd, 'ignore')),
      cp_push: async () => {
        await tool('cp', [payload(ctx), `${root()}${PUSHED}`]);
      },
      attach_cat_pull: async () => {
        await withFd(pulled, 'w', (fd) => piped('lxc-attach', [...at(name), '--', 'cat', PULL_SOURCE], 'ignore', fd));
        pulledAll('lxc-attach -- cat');
      },
      cp_pull: async () => {
        await tool('cp', [`${root()}${PULL_SOURCE}`, pulled]);
        pulledAll('cp');
      },
      attach_true: async () => {
        await tool('lxc-attach', [...at(name), '--', 'true']);
      },
      exec_echo: async () => {
        const out = await tool('lxc-attach', [...at(name), '--', 'echo', 'x']);
        expect('lxc-attach -- echo x', out.stdout === 'x\n', out.stdout);
      },
      get_config_item: async () => {
        const out = await tool('lxc-info', [...at(name), '-c', 'lxc.uts.name']);
        const m = /^lxc\.uts\.name = (.*)$/m.exec(out.stdout);
        expect('lxc-info -c lxc.uts.name', !!m?.[1], out.stdout);
      },
      is_defined: async () => {
        const out = await tool('lxc-ls', ['-P', lxcpath, '-1']);
        expect('lxc-ls -1', out.stdout.split('\n').some((l) => l.trim() === name), out.stdout);
      },
      state: async () => {
        const out = await tool('lxc-info', [...at(name), '-s']);
        expect('lxc-info -s', fields(out.stdout, 'State')[0] === 'RUNNING', out.stdout);
      },
      init_pid: async () => {
        const out = await tool('lxc-info', [...at(name), '-p']);
        expect('lxc-info -p', Number(fields(out.stdout, 'PID')[0]) > 0, out.stdout);
      },
      get_ips: async () => {
        const out = await tool('lxc-info', [...at(need(ctx.net, 'get_ips').name), '-i']);
        expect('lxc-info -i', fields(out.stdout, 'IP').length > 0, out.stdout);
      },
      lifecycle: async () => {
        const n = `${ctx.lifecyclePrefix}-cli${process.pid}-${seq++}`;
        try {
          await tool('lxc-create', [...at(n), '-t', 'busybox', '-f', conf, '-q']);
          await tool('lxc-start', at(n));
          await tool('lxc-stop', [...at(n), '-k']);
          await tool('lxc-destroy', at(n));
        } catch (e) {
          await run('lxc-stop', [...at(n), '-k'], { timeoutMs: 60_000 });
          await run('lxc-destroy', at(n), { timeoutMs: 60_000 });
          throw e;
        }
      },
      clone_overlay: async () => {
        const base = need(ctx.base, 'clone_overlay');
        const n = `${base.name}-cli${process.pid}-${seq++}`;
        await tool('lxc-copy', [...at(base.name), '-N', n, '-s', '-B', 'overlayfs']);
        await tool('lxc-destroy', at(n));
      },
    };
    return {
      versions,
      async run(op, warmup, iterations) {
        const call = ops[op];
        if (!call) throw new Error(`lxc-tools has no bench operation ${op}`);
        if (op.endsWith('_pull')) await ctx.container.files.push(payload(ctx), PULL_SOURCE);
        return time(call, warmup, iterations);
      },
      async dispose() {},
    };
  },
};

// The python3-lxc baseline: scripts/bench/python/bench.py run by Debian's /usr/bin/python3 (the one
// that has python3-lxc), one process per measured batch.
import { join } from 'node:path';
import { run, parseBatch } from '../child.js';
import { benchDir } from '../paths.js';
import type { BenchContext } from '../setup.js';
import type { Target, Prepared, Skip } from './target.js';
import { subject, BATCH_TIMEOUT_MS } from './c.js';

const script = join(benchDir, 'python', 'bench.py');
// Not the python3 on PATH: a pyenv or venv interpreter does not see Debian's python3-lxc.
export const PYTHON = '/usr/bin/python3';
export { script as pythonScript };

export const python: Target = {
  id: 'python3-lxc',
  label: 'python3-lxc',
  ops: {
    attach_run_wait_true: 'attach', attach_wait_func: 'attach', attach_echo_capture: 'attach',
    get_config_item: 'cheap', is_defined: 'cheap', getppid: 'cheap', state: 'cheap', init_pid: 'cheap', get_ips: 'fork',
    lifecycle: 'lifecycle', clone_overlay: 'clone',
  },
  async prepare(ctx: BenchContext): Promise<Prepared | Skip> {
    const probe = await run(PYTHON, ['-c', 'import sys, lxc; print(sys.version.split()[0], lxc.version)']);
    if (probe.code === null) return { skip: `${PYTHON} is not installed` };
    if (probe.code !== 0) return { skip: `\`import lxc\` fails in ${PYTHON} (apt-get install python3-lxc)` };
    const [py, liblxc] = probe.stdout.trim().split(/\s+/);
    const pkg = await run('dpkg-query', ['-W', '-f', '${Version}', 'python3-lxc']);
    const versions: Record<string, string> = { python: py, liblxc, ...(pkg.code === 0 ? { 'python3-lxc': pkg.stdout.trim() } : {}) };
    return {
      versions,
      async run(op, warmup, iterations) {
        const out = await run(PYTHON, [script, ctx.lxcpath, subject(ctx, op), op, String(warmup), String(iterations)], { timeoutMs: BATCH_TIMEOUT_MS });
        return parseBatch(out, `bench.py ${op}`);
      },
      async dispose() {},
    };
  },
};

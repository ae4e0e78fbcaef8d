// The resources family (lib/container/resources.ts) on a busy container: memory, CPU and block
// I/O figures against what lxc-info prints and what the cgroup files hold, and the memory limit.
// This host's controllers are on cgroup v1 hierarchies; the v2 parsers are unit-tested
// (test/unit/container-resources.test.ts) with the kernel's documented formats.
import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import * as lxc from '../../lib/index.js';
import { tempLxcpath, busybox, within } from '../helpers.js';

const run = promisify(execFile);

/** lxc-info's figures for the container: CPU seconds, memory bytes, BlkIO bytes. */
async function lxcInfo(name: string, lxcpath: string): Promise<{ cpu: number; memory: number; blkio: number }> {
  const { stdout } = await run('lxc-info', ['-P', lxcpath, '-n', name, '-S'], { timeout: 30_000 });
  const unit = (u: string) => ({ bytes: 1, KiB: 1024, MiB: 2 ** 20, GiB: 2 ** 30 } as Record<string, number>)[u] ?? NaN;
  const size = (label: string) => {
    const m = new RegExp(`^${label}:\\s+([\\d.]+) (\\w+)`, 'm').exec(stdout);
    return m ? Number(m[1]) * unit(m[2]) : NaN;
  };
  return { cpu: Number(/^CPU use:\s+([\d.]+) seconds/m.exec(stdout)?.[1]), memory: size('Memory use'), blkio: size('BlkIO use') };
}

/** A v1 cgroup file of the container's init, read directly (the independent check). */
function v1File(pid: number, controller: string, file: string): string | null {
  const line = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.split(':')[1]?.split(',').includes(controller));
  if (!line) return null;
  try {
    return readFileSync(`/sys/fs/cgroup/${controller}${line.split(':')[2]}/${file}`, 'utf8').trim();
  } catch {
    return null;
  }
}

t.test('memory, cpu and io of a busy container', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'res');
  t.teardown(async () => {
    await c.stop().catch(() => undefined);
    c.release();
  });
  t.throws(() => c.memory(), { code: 'ENOTRUNNING', op: 'memory' }, 'a stopped container has no figures');
  t.throws(() => c.setMemoryLimit(2 ** 26), { code: 'ENOTRUNNING' });
  for (const bad of [-1, 100, 1.5, '1M', Infinity]) t.throws(() => c.setMemoryLimit(bad as never), { code: 'EINVAL', message: /setMemoryLimit: bytes/ }, `setMemoryLimit(${String(bad)})`);
  await within(30_000, 'start', c.start());
  // Only cgroup2 mounted, its cpu and memory controllers held by v1 hierarchies elsewhere (the
  // cgroup2-only layout scripts/as-user.sh makes on a hybrid host): no figures, and errors saying so.
  const controllers = existsSync('/sys/fs/cgroup/cgroup.controllers') ? readFileSync('/sys/fs/cgroup/cgroup.controllers', 'utf8').split(/\s+/) : null;
  if (controllers && !controllers.includes('memory')) {
    t.throws(() => c.memory(), { code: 'ECGROUP', message: /no memory controller/ }, `memory: cgroup2 offers ${controllers.join(' ')}`);
    t.throws(() => c.cpu(), { code: 'ECGROUP', message: /no cpu accounting/ }, 'cpu');
    return;
  }

  // Busy: a shell loop for CPU; a 16 MiB file written and synced, whose page cache the container's
  // memory cgroup is charged for.
  const before = c.cpu();
  await within(60_000, 'busy loop', c.exec(['sh', '-c', 'i=0; while [ $i -lt 150000 ]; do i=$((i+1)); done']));
  const wrote = await within(60_000, 'write 16 MiB', c.exec(['sh', '-c', 'dd if=/dev/zero of=/tmp/lxcffi-big bs=1048576 count=16 2>&1 && sync']));
  t.equal(wrote.exitCode, 0, `dd: ${wrote.stdout.trim().split('\n').pop()}`);

  const cpu1 = c.cpu();
  const info = await lxcInfo('res', lxcpath);
  const cpu2 = c.cpu();
  t.ok(cpu1.usage - before.usage > 5e7, `the loop cost CPU time: ${((cpu1.usage - before.usage) / 1e9).toFixed(3)} s`);
  t.ok(info.cpu >= Math.floor(cpu1.usage / 1e7) / 100 && info.cpu <= Math.ceil(cpu2.usage / 1e7) / 100,
    `lxc-info's CPU use ${info.cpu} s lies between ours before and after (${(cpu1.usage / 1e9).toFixed(3)}, ${(cpu2.usage / 1e9).toFixed(3)} s)`);
  t.ok(cpu1.user >= 0 && cpu1.system >= 0 && cpu1.user + cpu1.system <= cpu2.usage * 1.1 + 2e7, 'user + system within the total (ticks of 10 ms)');
  if (cpu1.perCpu) {
    t.equal(cpu1.perCpu.length, readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length, 'one figure per CPU');
    t.ok(Math.abs(cpu1.perCpu.reduce((a, b) => a + b, 0) - cpu1.usage) < 1e8, 'per-CPU figures add up to the total');
  }

  const mem = c.memory();
  t.ok(mem.usage > 16 * 2 ** 20, `the 16 MiB file's cache is charged: ${(mem.usage / 2 ** 20).toFixed(1)} MiB in use`);
  t.ok(Math.abs(mem.usage - info.memory) < 4 * 2 ** 20, `lxc-info's memory use ${(info.memory / 2 ** 20).toFixed(2)} MiB, ours ${(mem.usage / 2 ** 20).toFixed(2)} MiB`);
  const direct = v1File(c.initPid, 'memory', 'memory.usage_in_bytes');
  if (direct !== null) t.ok(Math.abs(Number(direct) - mem.usage) < 4 * 2 ** 20, `the cgroup file says ${direct}`);
  t.equal(mem.limit, null, 'no limit set');

  const io = c.io();
  t.ok(Number.isInteger(io.readBytes) && Number.isInteger(io.writeBytes), `io: ${JSON.stringify(io)}`);
  t.ok(Math.abs(io.readBytes + io.writeBytes - info.blkio) <= 4096 * 64, `lxc-info's BlkIO use ${info.blkio} bytes`);

  c.setMemoryLimit(256 * 2 ** 20);
  t.equal(c.memory().limit, 256 * 2 ** 20, 'the limit reads back');
  const limitFile = v1File(c.initPid, 'memory', 'memory.limit_in_bytes');
  if (limitFile !== null) t.equal(Number(limitFile), 256 * 2 ** 20, 'and the cgroup file has it');
  c.setMemoryLimit(null);
  t.equal(c.memory().limit, null, 'null removes it');
  await c.exec(['rm', '-f', '/tmp/lxcffi-big']);
});

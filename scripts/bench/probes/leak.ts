// Probe child (a fresh Node process): open fds and child processes before and after COUNT
// `exec(['true'])` calls on a running container.
//
//   node leak.js LXCPATH NAME COUNT
//
// Prints one JSON line: the counts, the fds that appeared (with what they point to) and time per exec.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import * as lxc from '../../../lib/index.js';

const WARMUP = 5;
const [lxcpath, name, countArg] = process.argv.slice(2);
const count = Number(countArg);
if (!lxcpath || !name || !(count > 0 && count <= 100_000)) {
  console.error('usage: leak LXCPATH NAME COUNT (1..100000)');
  process.exit(2);
}

/** fd number → what it points to (the directory listing's own fd is in both snapshots alike). */
function fds(): Map<string, string> {
  const out = new Map<string, string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      out.set(fd, readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      out.set(fd, '?'); // the listing's own fd, closed by now
    }
  }
  return out;
}

/** This process's children, and how many of them are zombies (exited, not reaped). */
function children(): { pids: number[]; zombies: number } {
  const pids: number[] = [];
  let zombies = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(ppid) !== process.pid) continue;
    pids.push(Number(entry));
    if (state === 'Z') zombies++;
  }
  return { pids, zombies };
}

const c = new lxc.Container(name, lxcpath);
const exec = async () => {
  const r = await c.exec(['true']);
  if (r.exitCode !== 0) throw new Error(`exec(['true']) gave ${JSON.stringify(r)}`);
};
for (let i = 0; i < WARMUP; i++) await exec();
await sleep(100);
const fds0 = fds();
const kids0 = children();
const t0 = performance.now();
for (let i = 0; i < count; i++) await exec();
const perExecMs = (performance.now() - t0) / count;
await sleep(200);
const fds1 = fds();
const kids1 = children();
c.release();
const appeared = [...fds1].filter(([fd, to]) => fds0.get(fd) !== to).map(([fd, to]) => `${fd} → ${to}`);
const gone = [...fds0].filter(([fd, to]) => fds1.get(fd) !== to).map(([fd, to]) => `${fd} → ${to}`);
console.log(JSON.stringify({
  count, perExecMs,
  fdsBefore: fds0.size, fdsAfter: fds1.size, fdsLeaked: fds1.size - fds0.size, appeared: appeared.slice(0, 20), gone: gone.slice(0, 20),
  childrenBefore: kids0.pids.length, childrenAfter: kids1.pids.length, childrenLeaked: kids1.pids.length - kids0.pids.length,
  zombiesAfter: kids1.zombies,
}));

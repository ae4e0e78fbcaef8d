// Hostile containers against the function worker: a process inside, as the container's root,
// watches for every worker (and every runner's child before it executes) and goes for the host through it (/proc/<pid>/root, nsenter into its
// mount namespace, its fds, its memory) while the host makes 20 evaluate calls and a session.
// A privileged busybox container with its default capabilities, and a root-run idmapped one.
import t, { type Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type * as lxc from '../../lib/index.js';
import { tempLxcpath, busybox, idmappedBusybox } from '../helpers.js';

const secret = `lxcffi-hostile-${randomBytes(8).toString('hex')}`;
const secretPath = `/root/${secret}`;
writeFileSync(secretPath, `${secret}\n`, { mode: 0o600 });
t.teardown(() => rmSync(secretPath, { force: true }));

// The watcher: for every process whose command line is a worker's, everything it can try.
// busybox sh; the report goes to /tmp/report inside the container.
const watcher = `
seen=""
while :; do
  for d in /proc/[0-9]*; do
    p=\${d#/proc/}
    case " $seen " in *" $p "*) continue;; esac
    tr '\\0' ' ' < $d/cmdline 2>/dev/null | grep -q -E -- '--preload|attach/worker' || continue
    seen="$seen $p"
    echo "seen $p" >> /tmp/report
    # Each try repeats while the worker lives, to catch any window in its start.
    i=0
    while [ -d $d ] && [ $i -lt 40 ]; do
      i=$((i+1))
      cat $d/root${secretPath} 2>/dev/null | grep -q ${secret} && echo "LEAK root $p" >> /tmp/report
      nsenter -t $p -m cat ${secretPath} 2>/dev/null | grep -q ${secret} && echo "LEAK nsenter $p" >> /tmp/report
      [ "$(readlink $d/ns/mnt 2>/dev/null)" = "$(readlink /proc/1/ns/mnt)" ] || { [ -n "$(readlink $d/ns/mnt 2>/dev/null)" ] && echo "LEAK mntns $p $(readlink $d/ns/mnt)" >> /tmp/report; }
      for f in $d/fd/*; do
        target=$(readlink $f 2>/dev/null) || continue
        case "$target" in
          pipe:*|socket:*|anon_inode:*|/dev/null|/dev/pts/*|/memfd:lxc-ffi:*) ;;
          *) echo "LEAK fd $p $f $target" >> /tmp/report;;
        esac
        case "$target" in
          /memfd:*) ( echo pwned >> $f ) 2>/dev/null && echo "LEAK wrote $p $target" >> /tmp/report;;
        esac
      done
      # What ptrace's read access gives: its mappings, and its environment.
      [ -n "$(head -c 1 $d/maps 2>/dev/null)" ] && echo "maps $p" >> /tmp/report
      grep -q ${secret} $d/environ 2>/dev/null && echo "LEAK environ $p" >> /tmp/report
    done
  done
done
`;

// A faster watcher for the short windows (a runner's child between its fork and its exec): every
// process's fds in one pass. It reports the fds that lead to a file the container does not have,
// and each process it caught with a runner's many fds (a window it looked into).
const fdScanner = `
while :; do
  ls -l /proc/[0-9]*/fd/ 2>/dev/null | awk '
    /^\\/proc/ { d = $1 }
    / -> / { n[d]++; t = $NF; if (t ~ /^\\// && t !~ /^\\/(dev|proc)\\// && t !~ /^\\/memfd:lxc-ffi:/) print "target " t }
    END { for (d in n) if (n[d] > 60) print "window " d }' | while read -r kind x; do
    case $kind in
      window) echo "window $x" >> /tmp/report;;
      target) [ -e "$x" ] || echo "LEAK fdscan $x" >> /tmp/report;;
    esac
  done
done
`;

/** What the watchers wrote (nothing yet: empty). */
function readReport(rootfs: string): string {
  try {
    return readFileSync(`${rootfs}/tmp/report`, 'utf8');
  } catch {
    return '';
  }
}

async function attackAndEvaluate(t: Test, c: lxc.Container, rootfs: string, privileged: boolean): Promise<void> {
  // Each exec is one more window: the runner's child in the container before it executes.
  writeFileSync(`${rootfs}/scan.sh`, fdScanner, { mode: 0o755 });
  const scanning = await c.attach(['sh', '/scan.sh'], { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' });
  t.teardown(() => scanning.kill('SIGKILL'));
  for (let i = 0; i < 150; i++) t.equal((await c.exec(['true'])).exitCode, 0, `exec ${i}`, { diagnostic: false });
  scanning.kill('SIGKILL');
  await scanning.wait();
  const windows = new Set(readReport(rootfs).split('\n').filter((l) => l.startsWith('window '))).size;
  // A privileged container's root can list them (an idmapped one's cannot: they are not its own).
  if (privileged) t.ok(windows >= 1, `the fd scanner looked into ${windows} runner children before they executed`);
  writeFileSync(`${rootfs}/watch.sh`, watcher, { mode: 0o755 });
  const watching = await c.attach(['sh', '/watch.sh'], { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' });
  t.teardown(() => watching.kill('SIGKILL'));
  // The watcher's first pass over /proc, before the workers come.
  await new Promise((r) => setTimeout(r, 300));
  let sum = 0;
  for (let i = 0; i < 20; i++) sum += await c.evaluate((n: number) => n + 1, i);
  t.equal(sum, 210, '20 evaluate calls answered');
  const s = await c.openSession();
  for (let i = 0; i < 5; i++) await s.evaluate(() => new Promise((r) => setTimeout(r, 100)));
  // What a program a function runs inherits: only its stdio, never the channel.
  const child = await s.evaluate(() => {
    const { execFileSync } = require('node:child_process');
    const fs = require('node:fs');
    // Beyond stdio (which options.stdout/stderr give it).
    const own = fs.readdirSync('/proc/self/fd').filter((fd: string) => Number(fd) > 2).map((fd: string) => { try { return fs.readlinkSync(`/proc/self/fd/${fd}`); } catch { return ''; } });
    const inherited = execFileSync('sh', ['-c', 'for f in /proc/$$/fd/*; do readlink $f; done; true'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim().split('\n');
    return { own, inherited };
  });
  const pipes = child.own.filter((x: string) => x.startsWith('pipe:'));
  // Node's own pipes come with both ends; the channel is one end each of two pipes.
  const single = pipes.filter((x: string) => pipes.indexOf(x) === pipes.lastIndexOf(x));
  t.equal(single.length, 2, `the worker holds no pipe but Node's own and its channel (${pipes.join(' ')})`);
  // Its fds are stdin, stdout (execFileSync's own new pipe) and stderr; none of the worker's pipes.
  t.equal(child.inherited.length, 3, `a program run by a function has only its stdio: ${child.inherited.join(' ')}`);
  t.same(child.inherited.filter((x: string) => pipes.includes(x)), [], 'none of them is the channel');
  await s.close();
  await new Promise((r) => setTimeout(r, 500));
  watching.kill('SIGKILL');
  await watching.wait();
  const report = readReport(rootfs);
  const seen = report.split('\n').filter((l) => l.startsWith('seen ')).length;
  // It tries one worker at a time, so a slow day lets some go by unseen; most it catches.
  t.ok(seen >= 5, `the watcher saw the workers (${seen})`);
  const leaks = report.split('\n').filter((l) => l.startsWith('LEAK'));
  t.same(leaks, [], 'nothing of the host reached through a worker');
  t.comment(`watcher report: ${seen} workers seen, ${new Set(report.split('\n').filter((l) => l.startsWith('maps '))).size} workers' maps read`);
}

t.test('a privileged busybox container with its default capabilities', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'hostile');
  t.teardown(() => c.release());
  await c.start();
  await attackAndEvaluate(t, c, `${lxcpath}/hostile/rootfs`, true);
});

t.test('a root-run idmapped container', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await idmappedBusybox(lxcpath, 'hostilemap');
  t.teardown(() => c.release());
  await c.start();
  await attackAndEvaluate(t, c, `${lxcpath}/hostilemap/rootfs`, false);
  // Its workers are not even readable by the container's root: exec-only image, non-dumpable.
  const s = await c.openSession();
  t.teardown(() => s.kill());
  const pid = await s.evaluate(() => process.pid);
  const r = await c.exec(['sh', '-c', `readlink /proc/${pid}/exe || echo denied; cat /proc/${pid}/environ >/dev/null 2>&1 && echo environ || echo no-environ`]);
  t.match(r.stdout, /denied/, `the container's root cannot read the worker's /proc/${pid}/exe`);
  t.match(r.stdout, /no-environ/, 'nor its environment');
  await s.close();
});

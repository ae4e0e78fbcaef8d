// The seed tutorial's third example ("LXC 1.0: scripting with the API"), in TypeScript: one
// function, run first on the host and then inside a container with attachWait(fn).
//
//   tsx scripts/examples/hostname.ts                          # container 'p1' in the default lxcpath
//   tsx scripts/examples/hostname.ts --name web --lxcpath /srv/lxc
//
// prints
//   Hostname: <the host's name>
//   Hostname: <the container's name>
//
// attachWait(fn) runs the function in a fresh Node process rooted in the container: only its
// source crosses over, so it closes over nothing and fetches the modules it needs itself
// (process.getBuiltinModule works in both places; inside, `require` would too).
import { parseArgs } from 'node:util';
import * as lxc from '../../lib/index.js';

const { values: args } = parseArgs({
  options: {
    name: { type: 'string', default: 'p1' },
    lxcpath: { type: 'string' },
  },
});

const c = new lxc.Container(args.name!, args.lxcpath);
if (!c.defined) {
  console.error(`Container "${c.name}" does not exist in ${c.lxcpath}`);
  process.exit(1);
}

// Start the container if it is not running (and remember to stop it again).
let started = false;
if (!c.running) {
  await c.start();
  started = true;
}

function printHostname(): void {
  const fs = process.getBuiltinModule('node:fs');
  const os = process.getBuiltinModule('node:os');
  let name: string;
  try {
    name = fs.readFileSync('/etc/hostname', 'utf8').trim();
  } catch {
    // No /etc/hostname (the busybox template writes none): the kernel's (uts) hostname.
    name = os.hostname();
  }
  console.log(`Hostname: ${name}`);
}

try {
  // First on the host...
  printHostname();
  // ...then inside the container; what the function prints reaches this script's stdout.
  const status = await c.attachWait(printHostname);
  if (status !== 0) {
    console.error(`printHostname failed inside the container (exit status ${status})`);
    process.exitCode = 1;
  }
} finally {
  // Stop the container again if this script started it.
  if (started && !(await c.shutdown(30))) await c.stop();
  c.release();
}

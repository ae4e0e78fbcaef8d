// The seed tutorial's first example ("LXC 1.0: scripting with the API"), in TypeScript:
// create a container from a template, start it, print its state and init PID, shut it down
// (falling back to stop) and destroy it.
//
//   tsx scripts/examples/basic.ts                                   # download template, ubuntu/trusty/i386 as in the seed
//   tsx scripts/examples/basic.ts --template busybox --network none # what the demo runs: no network needed
//   tsx scripts/examples/basic.ts --template busybox --quiet         # no template output at all
//   tsx scripts/examples/basic.ts --dist busybox --release 1.36 --arch amd64 --server 127.0.0.1:8443 --bridge br0
import { parseArgs } from 'node:util';
import * as lxc from '../../lib/index.js';

const { values: args } = parseArgs({
  options: {
    name: { type: 'string', default: 'apicontainer' },
    lxcpath: { type: 'string' },
    template: { type: 'string', default: 'download' },
    dist: { type: 'string', default: 'ubuntu' },
    release: { type: 'string', default: 'trusty' },
    arch: { type: 'string', default: 'i386' },
    server: { type: 'string' },
    // Where the container's veth goes; 'none' gives it no network at all.
    bridge: { type: 'string' },
    network: { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
});

const c = new lxc.Container(args.name!, args.lxcpath);
if (c.defined) {
  console.error('Container already exists');
  process.exit(1);
}

// Create the container rootfs, showing the template's progress on stderr: one live line on a
// terminal, plain lines otherwise; --quiet shows nothing.
const created = args.template === 'download'
  ? c.create('download', { dist: args.dist!, release: args.release!, arch: args.arch!, ...(args.server ? { server: args.server } : {}) }, { quiet: args.quiet })
  : c.create(args.template!, {}, { quiet: args.quiet });
await (args.quiet ? created : lxc.renderProgress(created));
if (args.network === 'none') {
  c.clearConfigItem('lxc.net');
  c.setConfigItem('lxc.net.0.type', 'empty');
} else if (args.bridge) {
  c.setConfigItem('lxc.net.0.type', 'veth');
  c.setConfigItem('lxc.net.0.link', args.bridge);
}
c.saveConfig();

// Start the container.
await c.start();

// Query some information.
console.log(`Container state: ${c.state}`);
console.log(`Container PID: ${c.initPid}`);

// Stop the container.
if (!(await c.shutdown(30))) {
  console.log('Failed to cleanly shutdown the container, forcing.');
  await c.stop();
}

// Destroy the container.
await c.destroy();
console.log('Container destroyed');
c.release();

// The seed tutorial's fourth example ("LXC 1.0: scripting with the API"), in TypeScript, on busybox:
// a base container, an overlayfs snapshot clone "web" with a site written into it (instead of
// installing Apache), and an overlayfs clone of web, "mysite", started, printing its address.
//
//   tsx scripts/examples/clone-overlay.ts --lxcpath /var/lib/lxc --bridge lxcbr0
import { parseArgs } from 'node:util';
import * as lxc from '../../lib/index.js';

const { values: args } = parseArgs({
  options: {
    lxcpath: { type: 'string' },
    // The bridge the containers' veth joins; it needs a DHCP server for getIps() to find an address.
    bridge: { type: 'string' },
    timeout: { type: 'string', default: '30' },
  },
});
const timeout = Number(args.timeout);

if (process.getuid?.() !== 0) {
  console.error('Overlayfs snapshots need a privileged container: run as root');
  process.exit(1);
}

// Create the base container (busybox: no download needed) if it does not exist yet.
const base = new lxc.Container('base', args.lxcpath);
if (!base.defined) {
  await base.create('busybox', {}, { quiet: true });
  if (args.bridge) {
    base.setConfigItem('lxc.net.0.type', 'veth');
    base.setConfigItem('lxc.net.0.link', args.bridge);
    base.setConfigItem('lxc.net.0.flags', 'up');
    base.saveConfig();
  }
  // Customize it a bit.
  await base.start();
  await base.getIps({ timeout });
  await base.attachWait(lxc.attachRunCommand, ['mkdir', '-p', '/www']);
  if (!(await base.shutdown(timeout))) await base.stop();
}

// Clone it as "web" with an overlayfs snapshot, if that does not exist yet.
let web = new lxc.Container('web', args.lxcpath);
if (!web.defined) {
  web = await base.clone('web', { bdevtype: 'overlayfs', snapshot: true });
  // "Install Apache": write the site through attach.
  await web.start();
  await web.getIps({ timeout });
  await web.attachWait(lxc.attachRunCommand, ['sh', '-c', 'echo "<h1>mysite</h1>" > /www/index.html']);
  if (!(await web.shutdown(timeout))) await web.stop();
}

// The website container: an overlayfs clone of web.
const mysite = await web.clone('mysite', { bdevtype: 'overlayfs', snapshot: true });
await mysite.start();
// busybox's httpd serves the page (it daemonises, so attachWait returns at once).
await mysite.attachWait(lxc.attachRunCommand, ['httpd', '-p', '80', '-h', '/www']);
const ips = await mysite.getIps({ family: 'inet', timeout });
if (ips.length) {
  console.log(`Website running at: http://${ips[0]}`);
} else if (!(await mysite.shutdown(timeout))) {
  await mysite.stop();
}

// Port of lxc/lxc src/tests/share_ns.c (lxc-5.0.2): containers started with
// lxc.namespace.share.ipc = <a running container's name> and lxc.namespace.share.net = <its init
// pid> have that container's ipc and net namespaces (compared by /proc/<init>/ns links). C starts
// ten sharing containers on ten threads, ten rounds; here four at once from one process, one round.
import t from 'tap';
import { readlinkSync } from 'node:fs';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath, busybox, within } from '../../helpers.js';

const SHARERS = 4;

t.test(`${SHARERS} containers share the ipc and net namespaces of a running one`, async (t) => {
  const lxcpath = tempLxcpath(t);
  const owner = await busybox(lxcpath, 'owning-ns');
  t.teardown(() => owner.release());
  await within(60_000, 'start owner', owner.start());
  const ns = (pid: number, kind: string) => readlinkSync(`/proc/${pid}/ns/${kind}`);
  const ipc = ns(owner.initPid, 'ipc');
  const net = ns(owner.initPid, 'net');

  const results = await within(240_000, 'sharers', Promise.all(Array.from({ length: SHARERS }, async (_, i) => {
    const c = await busybox(lxcpath, `share-ns-${i}`);
    try {
      c.clearConfig();
      c.loadConfig();
      c.setConfigItem('lxc.namespace.share.ipc', 'owning-ns');
      c.setConfigItem('lxc.net', '');
      c.setConfigItem('lxc.net.0.type', 'empty');
      c.setConfigItem('lxc.namespace.share.net', String(owner.initPid));
      await c.start();
      const got = { ipc: ns(c.initPid, 'ipc'), net: ns(c.initPid, 'net'), own: ns(c.initPid, 'pid') };
      await c.stop();
      await c.destroy();
      return got;
    } finally {
      c.release();
    }
  })));
  for (const [i, r] of results.entries()) {
    t.equal(r.ipc, ipc, `share-ns-${i}: the owner's ipc namespace`);
    t.equal(r.net, net, `share-ns-${i}: the owner's net namespace`);
    t.not(r.own, ns(owner.initPid, 'pid'), `share-ns-${i}: its own pid namespace`);
  }
  await within(30_000, 'stop owner', owner.stop());
});

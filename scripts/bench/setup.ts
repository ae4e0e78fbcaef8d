// The benchmark's subjects, in a temporary lxcpath, stopped and destroyed — with the lxcpath
// removed — whatever happens:
//  - `bench`: a running busybox container without network (queries, attach, sessions);
//  - `base`: a stopped busybox container, the source of the overlay snapshot clones;
//  - `net`: a running busybox container on a private bridge (test/fixtures/bridge.ts: no uplink,
//    dnsmasq for DHCP only), for get_ips.
// base and net are copies (clone) of bench, made only when a selected row needs them.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Container } from '../../lib/index.js';
import { busybox, destroyAll, netConfig } from '../../test/helpers.js';
import { createBridge, type Bridge } from '../../test/fixtures/bridge.js';

/** What every target gets: where the containers are, and a scratch directory for builds. */
export interface BenchContext {
  lxcpath: string;
  /** The running container without network. */
  name: string;
  /** The lxc-ffi object on it that the in-process target measures. */
  container: Container;
  /** A stopped container to clone (when a selected row clones). */
  base?: { name: string; container: Container };
  /** A running container with an IPv4 address from DHCP (when a selected row asks for addresses). */
  net?: { name: string; container: Container; address: string };
  /** Prefix of the containers the lifecycle rows and probes create (each target adds its own suffix). */
  lifecyclePrefix: string;
  /** A private temporary directory for compiled helpers and the like (removed at teardown). */
  scratch: string;
  quick: boolean;
}

export interface Fixture {
  ctx: BenchContext;
  /** Stops and destroys every container in the lxcpath, closes the bridge, removes the temporary directories. Idempotent. */
  teardown(): Promise<void>;
}

export interface Needs {
  /** The stopped `base` container. */
  clone?: boolean;
  /** The `net` container and its bridge. */
  net?: boolean;
}

/** Creates and starts the containers; on failure everything made so far is removed before the throw. */
export async function setUp(quick: boolean, name = 'bench', needs: Needs = {}): Promise<Fixture> {
  // /tmp/lxcffi-bench-XXXX/{lxc,scratch}: never the global lxcpath.
  const root = mkdtempSync(join(tmpdir(), 'lxcffi-bench-'));
  const lxcpath = join(root, 'lxc');
  const scratch = join(root, 'scratch');
  const made: Container[] = [];
  let bridge: Bridge | undefined;
  let done: Promise<void> | undefined;
  const teardown = () => (done ??= (async () => {
    try {
      for (const c of made) c.release();
      // Twice: a source with overlay clones cannot go before them, and the order of a directory is arbitrary.
      await destroyAll(lxcpath);
      await destroyAll(lxcpath);
    } finally {
      try {
        await bridge?.close();
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    }
  })());
  try {
    mkdirSync(lxcpath, { mode: 0o755 });
    mkdirSync(scratch, { mode: 0o700 });
    // test/helpers.ts: the busybox template, lxc.net.0.type = empty, config saved.
    const container = await busybox(lxcpath, name);
    made.push(container);
    if (container.getConfigItem('lxc.net.0.type') !== 'empty') throw new Error('the bench container must have no network');
    // The others are copies of it (a plain directory copy: much quicker than the template again).
    const copy = async (to: string) => {
      const c = await container.clone(to);
      made.push(c);
      return c;
    };
    const [base, net] = await Promise.all([
      needs.clone ? copy(`${name}-base`) : undefined,
      needs.net ? (async () => {
        const [c, b] = await Promise.all([copy(`${name}-net`), createBridge()]);
        bridge = b;
        netConfig(c, b.name);
        c.saveConfig();
        return c;
      })() : undefined,
    ]);
    await Promise.all([container, ...(net ? [net] : [])].map((c) => c.start()));
    if (!(await container.wait('RUNNING', 10))) throw new Error('the busybox container did not reach RUNNING');
    const ctx: BenchContext = { lxcpath, name, container, lifecyclePrefix: 'lc', scratch, quick };
    if (base) ctx.base = { name: base.name, container: base };
    if (net) {
      const [address] = await net.getIps({ family: 'inet', timeout: 30 });
      if (!address) throw new Error(`the container on bridge ${bridge!.name} got no address from DHCP in 30 s`);
      ctx.net = { name: net.name, container: net, address };
    }
    return { ctx, teardown };
  } catch (e) {
    await teardown();
    throw e;
  }
}

// The benchmark's subject: one running busybox container (no network) in a temporary lxcpath,
// stopped and destroyed — with the lxcpath removed — whatever happens.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Container } from '../../lib/index.js';
import { busybox, destroyAll } from '../../test/helpers.js';

/** What every target gets: where the container is, and a scratch directory for builds. */
export interface BenchContext {
  lxcpath: string;
  name: string;
  /** The lxc-ffi object the in-process target measures. */
  container: Container;
  /** A private temporary directory for compiled helpers and the like (removed at teardown). */
  scratch: string;
  quick: boolean;
}

export interface Fixture {
  ctx: BenchContext;
  /** Stops and destroys the container, removes the temporary directories. Idempotent. */
  teardown(): Promise<void>;
}

/** Creates and starts the container; on failure everything made so far is removed before the throw. */
export async function setUp(quick: boolean, name = 'bench'): Promise<Fixture> {
  // /tmp/lxcffi-bench-XXXX/{lxc,scratch}: never the global lxcpath.
  const root = mkdtempSync(join(tmpdir(), 'lxcffi-bench-'));
  const lxcpath = join(root, 'lxc');
  const scratch = join(root, 'scratch');
  let container: Container | undefined;
  let done: Promise<void> | undefined;
  const teardown = () => (done ??= (async () => {
    try {
      container?.release();
      await destroyAll(lxcpath);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  })());
  try {
    mkdirSync(lxcpath, { mode: 0o755 });
    mkdirSync(scratch, { mode: 0o700 });
    // test/helpers.ts: the busybox template, lxc.net.0.type = empty, config saved.
    container = await busybox(lxcpath, name);
    if (container.getConfigItem('lxc.net.0.type') !== 'empty') throw new Error('the bench container must have no network');
    await container.start();
    if (!(await container.wait('RUNNING', 10))) throw new Error('the busybox container did not reach RUNNING');
    return { ctx: { lxcpath, name, container, scratch, quick }, teardown };
  } catch (e) {
    await teardown();
    throw e;
  }
}

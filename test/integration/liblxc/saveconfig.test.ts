// Port of lxc/lxc src/tests/saveconfig.c (lxc-5.0.2): the config of a container made by
// `lxc-create` can be saved to another file, and saved again to the container's own file after
// that file was moved away; destroy() then removes the container.
import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath, within } from '../../helpers.js';
import { lxcCreateCli } from './common.js';

t.test('save to a path, save over a missing config file, destroy', async (t) => {
  const lxcpath = tempLxcpath(t);
  const scratch = mkdtempSync(join(tmpdir(), 'lxcffi-saveconfig-'));
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }));
  const c = new lxc.Container('lxctest1', lxcpath);
  t.teardown(() => c.release());
  t.equal(c.defined, false);
  await lxcCreateCli(lxcpath, 'lxctest1');
  t.equal(c.defined, true);
  c.loadConfig();
  const elsewhere = join(scratch, 'lxctest1');
  c.saveConfig(elsewhere);
  const saved = readFileSync(elsewhere, 'utf8');
  t.match(saved, /^lxc\.rootfs\.path = /m, 'the copy holds the rootfs');
  t.match(saved, /^lxc\.uts\.name = "?lxctest1"?$/m, "and the hostname (the busybox template writes it quoted)");

  const own = `${lxcpath}/lxctest1/config`;
  renameSync(own, `${own}.bak`);
  t.equal(c.defined, false, 'without its config file the container is not defined');
  c.saveConfig();
  t.ok(existsSync(own), 'saveConfig() wrote the config file again');
  t.equal(c.defined, true);
  t.equal(readFileSync(own, 'utf8'), saved, 'with the same content as the copy');
  await within(30_000, 'destroy', c.destroy());
  t.equal(c.defined, false);
});

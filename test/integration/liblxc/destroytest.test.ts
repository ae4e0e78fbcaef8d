// Port of lxc/lxc src/tests/destroytest.c (lxc-5.0.2): an object made before its container exists
// sees the container once `lxc-create` (the command, not the API) has made it, and destroy()
// removes it so that the object reports it undefined again.
import t from 'tap';
import { existsSync } from 'node:fs';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath, within } from '../../helpers.js';
import { lxcCreateCli } from './common.js';

t.test('destroy a container that lxc-create made', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = new lxc.Container('lxctest1', lxcpath);
  t.teardown(() => c.release());
  t.equal(c.defined, false);
  await lxcCreateCli(lxcpath, 'lxctest1');
  t.equal(c.defined, true, 'the existing object sees the new container');
  await within(30_000, 'destroy', c.destroy());
  t.equal(c.defined, false);
  t.notOk(existsSync(`${lxcpath}/lxctest1`), 'its directory is gone');
});

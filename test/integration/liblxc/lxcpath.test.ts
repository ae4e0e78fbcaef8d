// Port of lxc/lxc src/tests/lxcpath.c (lxc-5.0.2): the config file name lies under the config path;
// set_config_path("/boo") moves both; an object made with lxcpath "/boo" reports the same.
import t from 'tap';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath } from '../../helpers.js';

t.test('config path and config file name', async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = new lxc.Container('lxctest1', lxcpath);
  t.teardown(() => c.release());
  t.ok(c.configFileName.startsWith(c.lxcpath), `${c.configFileName} is under ${c.lxcpath}`);
  c.setConfigPath('/boo');
  t.equal(c.lxcpath, '/boo');
  t.equal(c.configFileName, '/boo/lxctest1/config');
  const d = new lxc.Container('lxctest1', '/boo');
  t.teardown(() => d.release());
  t.equal(d.lxcpath, '/boo');
  t.equal(d.configFileName, '/boo/lxctest1/config');
});

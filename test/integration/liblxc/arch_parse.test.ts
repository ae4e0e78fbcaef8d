// Port of lxc/lxc src/tests/arch_parse.c (lxc-5.0.2): every architecture name liblxc accepts for
// lxc.arch can be set and cleared.
import t from 'tap';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath } from '../../helpers.js';

const ARCHES = [
  'arm', 'armel', 'armhf', 'armv7l', 'athlon', 'i386', 'i486', 'i586', 'i686', 'linux32', 'mips', 'mipsel', 'ppc', 'powerpc',
  'x86', 'aarch64', 'amd64', 'arm64', 'linux64', 'mips64', 'mips64el', 'ppc64', 'ppc64el', 'ppc64le', 'powerpc64', 'riscv64', 's390x', 'x86_64',
];

t.test('set and clear lxc.arch for each architecture name', async (t) => {
  const c = new lxc.Container('parse-arch', tempLxcpath(t));
  t.teardown(() => c.release());
  for (const arch of ARCHES) {
    t.doesNotThrow(() => c.setConfigItem('lxc.arch', arch), `lxc.arch = ${arch}`);
    t.ok(c.getConfigItem('lxc.arch').length > 0);
    t.doesNotThrow(() => c.clearConfigItem('lxc.arch'), `clear after ${arch}`);
  }
  t.throws(() => c.setConfigItem('lxc.arch', 'not-an-arch'), { code: 'EINVAL' }, 'an unknown name is refused');
});

// Port of lxc/lxc src/tests/criu_check_feature.c (lxc-5.0.2): migrate() with an unknown command
// fails; MIGRATE_FEATURE_CHECK asks CRIU about memory tracking and lazy pages (either answer is
// fine); an unknown feature bit fails. lxc-ffi's differences, documented: an unknown command is
// EINVAL before liblxc is asked; the container must be defined (ENOTDEFINED), where the C test
// uses one that does not exist; a feature that is not there rejects (ECHECKPOINT) instead of
// returning false.
import t from 'tap';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath, busybox, within } from '../../helpers.js';

t.test('migrate feature checks', async (t) => {
  const lxcpath = tempLxcpath(t);
  const absent = new lxc.Container('check_feature_absent', lxcpath);
  t.teardown(() => absent.release());
  await t.rejects(absent.migrate(lxc.MIGRATE_FEATURE_CHECK, { directory: lxcpath, featuresToCheck: lxc.FEATURE_MEM_TRACK }), { code: 'ENOTDEFINED' }, 'lxc-ffi: the container must exist');

  const c = await busybox(lxcpath, 'check_feature');
  t.teardown(() => c.release());
  await t.rejects(c.migrate(0xffffffff, { directory: lxcpath }), { code: 'EINVAL' }, 'command UINT_MAX fails');
  for (const [what, mask] of [['memory tracking', lxc.FEATURE_MEM_TRACK], ['lazy pages', lxc.FEATURE_LAZY_PAGES], ['both', lxc.FEATURE_MEM_TRACK | lxc.FEATURE_LAZY_PAGES]] as const) {
    const answer = await within(60_000, what, c.migrate(lxc.MIGRATE_FEATURE_CHECK, { directory: lxcpath, featuresToCheck: mask }).then(() => 'supported', (e) => e.code));
    t.ok(answer === 'supported' || answer === 'ECHECKPOINT', `${what}: ${answer}`);
  }
  await t.rejects(within(60_000, 'unknown feature', c.migrate(lxc.MIGRATE_FEATURE_CHECK, { directory: lxcpath, featuresToCheck: 2 ** 40 })), { code: 'ECHECKPOINT' }, 'an unknown feature is not supported');
});

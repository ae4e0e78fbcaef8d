// requireMember (lib/call/routes.ts) / memberSince (ffi/): which liblxc release has which struct lxc_container member, read
// from the version table alone (no liblxc 4.0 needed).
import t from 'tap';
import { requireMember } from '../../lib/call/routes.js';
import { memberSince } from '../../ffi/index.js';
import { LxcError } from '../../lib/errors.js';
import { layoutOf } from '../../ffi/layouts.js';
import { parseMember } from '../../ffi/types.js';

const names = (v: [number, number, number]) => layoutOf('lxc_container', v).map((m) => parseMember(m.decl).name);

t.test('devpts_fd arrived in 4.0.5', async (t) => {
  t.notOk(names([4, 0, 0]).includes('devpts_fd'), "4.0.0's struct lxc_container has no devpts_fd");
  t.ok(names([4, 0, 5]).includes('devpts_fd'));
  t.same(memberSince('devpts_fd'), [4, 0, 5]);

  let err: unknown;
  try {
    requireMember('devpts_fd', [4, 0, 0], 'devptsFd');
  } catch (e) {
    err = e;
  }
  t.type(err, LxcError, 'requireMember throws an LxcError');
  const e = err as LxcError;
  t.equal(e.code, 'ENOTSUP');
  t.equal(e.op, 'devptsFd', 'named after the calling operation');
  t.match(e.message, /^devptsFd: /);
  t.match(e.message, /4\.0\.0/, 'names the version asked about');
  t.match(e.message, /added in liblxc 4\.0\.5/, 'names the release that added it');
  t.doesNotThrow(() => requireMember('devpts_fd', [4, 0, 5], 'devptsFd'));
  t.doesNotThrow(() => requireMember('devpts_fd', [5, 0, 2]));
});

t.test('other members and unknown names', async (t) => {
  t.doesNotThrow(() => requireMember('init_pidfd', [4, 0, 0]), 'init_pidfd is in 4.0.0');
  t.throws(() => requireMember('mount', [3, 0, 0], 'mount'), { code: 'ENOTSUP', message: /added in liblxc 3\.1/ }, 'mount arrived in 3.1');
  t.throws(() => requireMember('set_timeout', [5, 0, 2]), { code: 'ENOTSUP', message: /set_timeout\(\)/ }, 'op defaults to the member name');
  t.equal(memberSince('no_such_member'), undefined);
  t.throws(() => requireMember('no_such_member', [5, 0, 2]), { code: 'ENOTSUP', message: /in no tabled liblxc release/ });
});

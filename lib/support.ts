// Which struct lxc_container members a liblxc version has, from the version table in ffi/layouts.ts.
import { layoutOf, structs, type LxcVersion } from '../ffi/layouts.js';
import { parseMember } from '../ffi/types.js';
import { LxcError } from './errors.js';

/** First release whose struct lxc_container has `member`. */
export function memberSince(member: string): LxcVersion | undefined {
  return structs.lxc_container.find((m) => parseMember(m.decl).name === member)?.since;
}

/**
 * Throws LxcError ENOTSUP, naming the release that added it, when `version`'s struct
 * lxc_container has no `member`; a member the runtime lacks is never called.
 *
 * @example
 * requireMember('devpts_fd', [4, 0, 0], 'devptsFd') // throws: added in liblxc 4.0.5
 */
export function requireMember(member: string, version: LxcVersion, op: string = member): void {
  if (layoutOf('lxc_container', version).some((m) => parseMember(m.decl).name === member)) return;
  const since = memberSince(member);
  const added = since ? `added in liblxc ${since.join('.')}` : 'in no tabled liblxc release';
  throw new LxcError('ENOTSUP', `${op}: liblxc ${version.join('.')} has no ${member}() (${added})`, { op });
}

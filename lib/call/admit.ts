// The checks every call passes before it reaches C, in go-lxc's makeSure order: released → member
// present in this runtime → API extension → required state. invoke() runs them; so may a family
// that needs a finer check before its own (need()).
import * as ffi from '../../ffi/index.js';
import { LxcError } from '../errors.js';

/**
 * Throws LxcError ENOTSUP, naming the release that added it, when `version`'s struct
 * lxc_container has no `member`; a member the runtime lacks is never called.
 *
 * @example
 * requireMember('devpts_fd', [4, 0, 0], 'devptsFd') // throws: added in liblxc 4.0.5
 */
export function requireMember(member: string, version: ffi.LxcVersion, op: string = member): void {
  if (ffi.layoutOf('lxc_container', version).some((m) => ffi.parseMember(m.decl).name === member)) return;
  const since = ffi.memberSince(member);
  const added = since ? `added in liblxc ${since.join('.')}` : 'in no tabled liblxc release';
  throw new LxcError('ENOTSUP', `${op}: liblxc ${version.join('.')} has no ${member}() (${added})`, { op });
}

/**
 * The API extensions of liblxc 3.1.0's list (the first release with lxc_has_api_extension()) whose
 * function or member liblxc 3.0's headers already have: lxc_log_init(),
 * lxc_config_item_is_supported(), lxc_container.console_log and .reboot2.
 */
const EXTENSIONS_IN_3_0: ReadonlySet<string> = new Set(['lxc_log', 'lxc_config_item_is_supported', 'console_log', 'reboot2']);

/**
 * Whether the runtime liblxc has the API extension `name`: lxc_has_api_extension(), or on liblxc
 * 3.0, which lacks that function, whether 3.0 has what the extension names (every later one: no).
 */
export function apiExtension(name: string): boolean {
  if (!ffi.hasFunction('lxc_has_api_extension')) return EXTENSIONS_IN_3_0.has(name);
  return ffi.lxc_has_api_extension(name) as boolean;
}

/** The decoded member, cached in `cache` (a Handle's members); ENOTSUP naming the release that added it when this runtime lacks it. */
export function decode<K extends ffi.MemberName>(cache: Record<string, ffi.CFunction>, op: string, name: K, ptr: bigint): ffi.Member<K> {
  let fn = cache[name];
  if (!fn) {
    requireMember(name, ffi.layoutVersion, op);
    fn = ffi.method(ptr, name as string);
    cache[name] = fn;
  }
  return fn as unknown as ffi.Member<K>;
}

/** Whether a container `name` is defined in `lxcpath` (a struct of its own, put at once). */
export function exists(name: string, lxcpath: string): boolean {
  const ptr = ffi.lxc_container_new(name, lxcpath) as bigint | null;
  if (!ptr) return false;
  try {
    return ffi.method(ptr, 'is_defined')(ptr);
  } finally {
    ffi.lxc_container_put(ptr);
  }
}

// Turns the header declarations of ffi/layouts.ts into koffi types for one liblxc version.
// koffi alone, not library.js: declaring types needs no liblxc (test/unit/ffi-headers.test.ts declares every release).
import type { CType } from './libc.js';
import { koffi } from './koffi.js';
import { layoutOf, structs, typedefs, type LxcVersion, type MemberDecl } from './layouts.js';

/** A parsed struct member: a plain field or a function pointer. */
export interface ParsedMember {
  readonly name: string;
  /** C type of a field (array suffix folded into `count`), or the return type of a function pointer. */
  readonly type: string;
  readonly count?: number;
  /** Parameter list of a function pointer, as written in the header. */
  readonly params?: string;
}

const FUNCTION_POINTER = /^(.+?)\(\s*\*\s*(\w+)\s*\)\s*\((.*)\)$/;
const FIELD = /^(.+?)\b(\w+)\s*(?:\[(\w+)\])?$/;

/** Splits one normalised declaration from layouts.ts into name and type. */
export function parseMember(decl: string): ParsedMember {
  const fn = FUNCTION_POINTER.exec(decl);
  if (fn) return { name: fn[2], type: fn[1].trim(), params: fn[3].trim() };
  const field = FIELD.exec(decl);
  if (!field) throw new Error(`unparsable declaration: ${decl}`);
  const count = field[3] === undefined ? undefined : Number(field[3]);
  return { name: field[2], type: field[1].trim(), ...(count === undefined ? {} : { count }) };
}

// C typedefs that koffi does not know by name; sizes are those of Linux x86_64/aarch64 (LP64).
const SCALARS: Record<string, string> = {
  pid_t: 'int32', uid_t: 'uint32', gid_t: 'uint32', mode_t: 'uint32',
  ssize_t: 'int64', off_t: 'int64', time_t: 'int64',
};

/** The koffi types of every struct and function pointer of one liblxc version. */
export interface Declarations {
  readonly version: LxcVersion;
  /** koffi struct type by C name ('lxc_container', 'lxc_attach_options_t', ...): only the structs this version has. */
  readonly structs: Readonly<Record<string, CType>>;
  /** Members of each struct for this version, parsed, in header order; [] for a struct the version does not have yet. */
  readonly members: Readonly<Record<string, readonly ParsedMember[]>>;
  /**
   * Function-pointer prototype of an lxc_container method, by member name (undefined: no such
   * method). Declared on first use: a script calls a few of the ~80, and declaring them all took
   * ≈ 4 ms of every import. In the struct itself they are pointer-sized slots.
   */
  readonly method: (name: string) => CType | undefined;
}

/** Normalises a C type spelling into one koffi understands. */
function koffiType(c: string, known: Set<string>): string {
  let t = c.replace(/\bstruct\s+/g, '').replace(/\s+/g, ' ').trim();
  const base = t.replace(/\bconst\b/g, '').replace(/[*\s]/g, '');
  if (!known.has(base) && !/^(void|char|bool|int|unsigned|long|short|size_t|u?int\d+_t|float|double|signed)/.test(base)) {
    // A struct only ever used through a pointer (lxc_conf, lxc_lock): opaque to us.
    koffi.opaque(base);
    known.add(base);
  }
  t = t.replace(/\bunsigned long long\b/, 'unsigned long long');
  return t;
}

/** Rewrites `T name[]` parameters as pointers, which is what C passes. */
function paramList(params: string): string {
  return params
    .split(',')
    .map((p) => p.trim().replace(/\bstruct\s+/g, '').replace(/^(.*?)(\w+)\s*\[\s*\w*\s*\]$/, '$1*$2'))
    .join(', ');
}

let declared: Declarations | undefined;

/**
 * Declares the koffi types for `version`. koffi types are process-global, so a process declares
 * one version, the one it runs against.
 */
export function declare(version: LxcVersion): Declarations {
  if (declared) {
    if (declared.version.join('.') !== version.join('.')) throw new Error('another liblxc version is already declared');
    return declared;
  }
  const known = new Set<string>();
  for (const [name, ctype] of Object.entries(SCALARS)) {
    try { koffi.alias(name, ctype); } catch { /* koffi already knows it */ }
    known.add(name);
  }
  const members: Record<string, ParsedMember[]> = {};
  for (const name of Object.keys(structs)) members[name] = layoutOf(name, version).map((m: MemberDecl) => parseMember(m.decl));
  // Only the structs this version has (koffi refuses an empty struct: lxc_groups_t before 4.0.7,
  // lxc_mount before 3.1.0). Forward-declared first: members point at their own struct
  // (lxc_snapshot.free) or at others.
  const present = Object.keys(structs).filter((name) => members[name].length > 0);
  const forward: Record<string, CType> = {};
  for (const name of present) {
    forward[name] = koffi.opaque(cName(name));
    known.add(cName(name));
  }
  // Typedefs first: function-pointer typedefs become prototypes, others aliases.
  for (const [name, target] of Object.entries(typedefs)) {
    if (known.has(name) || structs[name]) continue;
    const fn = /^(.+?)\(\s*\*\s*\)\s*\((.*)\)$/.exec(target);
    // A function-pointer typedef names a pointer: declare the prototype, then the named pointer to it.
    if (fn) koffi.pointer(name, koffi.proto(`${koffiType(fn[1], known)} ${name}_fn(${paramList(fn[2])})`));
    else koffi.alias(name, koffiType(target, known));
    known.add(name);
  }
  const out: Record<string, CType> = {};
  const methodProtos = new Map<string, CType>();
  // Nested structs ('bdev_specs.zfs') before their parents; lxc_container last since it refers to the rest.
  const order = present.sort((a, b) => rank(a) - rank(b));
  for (const sname of order) {
    const def: Record<string, string | CType> = {};
    for (const m of members[sname]) {
      if (m.params !== undefined) {
        // Variadic members (createl, startl) cannot be called through a prototype; lxc_container's
        // methods get theirs from method(). Both keep a pointer-sized slot.
        if (m.params.includes('...') || sname === 'lxc_container') {
          def[m.name] = 'void *';
          continue;
        }
        const ret = koffiType(m.type, known);
        def[m.name] = koffi.pointer(koffi.proto(`${/^char \*$/.test(ret) ? 'char *!' : ret} ${cName(sname)}_${m.name}(${paramList(m.params)})`));
      } else {
        const nested = m.type.replace(/^struct\s+/, '');
        const t = structs[nested] ? cName(nested) : koffiType(m.type, known);
        def[m.name] = m.count === undefined ? t : koffi.array(t, m.count);
      }
    }
    out[sname] = koffi.struct(forward[sname], def);
  }
  const method = (name: string): CType | undefined => {
    let proto = methodProtos.get(name);
    if (proto) return proto;
    const m = members.lxc_container.find((x) => x.name === name);
    if (!m || m.params === undefined || m.params.includes('...')) return undefined;
    const ret = koffiType(m.type, known);
    // Non-const char * returned by liblxc is the caller's to free: '!' makes koffi free it after copying.
    proto = koffi.proto(`${/^char \*$/.test(ret) ? 'char *!' : ret} ${name}(${paramList(m.params)})`);
    methodProtos.set(name, proto);
    return proto;
  };
  declared = { version, structs: out, members, method };
  return declared;
}

function cName(structName: string): string {
  return structName.replace(/\./g, '_');
}

function rank(name: string): number {
  if (name === 'lxc_container') return 3;
  return name.includes('.') ? 0 : name === 'lxc_groups_t' ? 1 : 2;
}

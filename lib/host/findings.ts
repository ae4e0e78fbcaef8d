// What a user needs to run containers on a host, one small function per finding: each reads a few
// small files and stats (under `env.root`, '' on the real host) and answers one HostFinding with a
// fix line when it fails. No liblxc here: lib/host/check.ts gives checkHostAt() the real host and
// liblxc's answers, and `lxc-ffi --check` can report a liblxc that does not load.
// Permissions are computed from stat (mode, owner, group) against the uid and groups of `env`,
// as the kernel's classic check does (ACLs are not read); file capabilities come from `env`.
import { fs } from '../builtins.js';

/**
 * How much a failed finding matters: 'error' keeps containers from running (the report is not
 * ok), 'warning' costs a feature, 'info' is a note.
 *
 * @example
 * const blocking = report.findings.filter((f) => !f.ok && f.severity === 'error');
 */
export type HostSeverity = 'error' | 'warning' | 'info';

/**
 * One thing `checkHost()` looked at.
 *
 * @example
 * { id: 'subuid-range', ok: false, severity: 'error', summary: 'no subordinate uids for alice in /etc/subuid',
 *   fix: 'sudo usermod --add-subuids 165536-231071 alice' }
 */
export interface HostFinding {
  /** Stable name of the check: 'liblxc', 'subuid-range', 'cgroup', ... (docs/api.md lists them). */
  id: string;
  /** Whether the host passes this check. */
  ok: boolean;
  /** How much it matters when not ok; a report is ok when no 'error' finding fails. */
  severity: HostSeverity;
  /** One line saying what was found. */
  summary: string;
  /** More: the files and values that decided it. */
  detail?: string;
  /** A command or config line that fixes it; present whenever `ok` is false. */
  fix?: string;
}

/**
 * What `checkHost()` found for the calling user.
 *
 * @example
 * const r = await lxc.checkHost();
 * if (!r.ok) for (const f of r.findings) if (!f.ok) console.log(f.summary, '\n  fix:', f.fix);
 */
export interface HostReport {
  /** The effective user checked. */
  user: {
    /** Its effective uid. */
    uid: number;
    /** Its name (from the passwd database; the uid as a string when it has none). */
    name: string;
  };
  /** Whether that user is root (privileged containers: fewer findings). */
  root: boolean;
  /** Every check made, in a fixed order. */
  findings: HostFinding[];
  /** No finding of severity 'error' failed. */
  ok: boolean;
}

/** The host as the findings read it: well-known paths under `root`, the user's ids and environment. */
export interface HostEnv {
  /** Prefix of every path read ('' on the real host; a fake tree in tests). */
  root: string;
  uid: number;
  gid: number;
  /** Supplementary groups. */
  groups: readonly number[];
  /** The user's name; looked up in /etc/passwd by uid when absent. */
  user?: string;
  /** $HOME. */
  home?: string;
  /** $XDG_RUNTIME_DIR. */
  xdgRuntimeDir?: string;
  /** $PATH, where liblxc looks for newuidmap and newgidmap. */
  path?: string;
  /** The lxcpath to check; default ~/.local/share/lxc (root: /var/lib/lxc). */
  lxcpath?: string;
  /** The loaded liblxc, or why none loaded. */
  liblxc: { version: string; file?: string } | { error: string };
  /** liblxc's LXCTEMPLATEDIR, when known. */
  templateDir: string | null;
  /** liblxc's lxc-monitord, when known. */
  monitord: string | null;
  /** liblxc's lxc-user-nic, when known. */
  userNic: string | null;
  /** Whether the file (a path under root) carries file capabilities (security.capability). */
  fileCapabilities(path: string): boolean;
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const TEMPLATE_DIRS = ['/usr/share/lxc/templates', '/usr/local/share/lxc/templates', '/usr/lib/lxc/templates'];
const MONITORD = ['/usr/libexec/lxc/lxc-monitord', '/usr/lib/x86_64-linux-gnu/lxc/lxc-monitord', '/usr/lib/lxc/lxc-monitord'];
const USER_NIC = ['/usr/libexec/lxc/lxc-user-nic', '/usr/lib/x86_64-linux-gnu/lxc/lxc-user-nic', '/usr/lib/lxc/lxc-user-nic'];
/** Ids one container's map needs: 0–65535. */
const IDS = 65536;

// ---- reading the host ---------------------------------------------------------------------------

/** A small file's text, or null when it cannot be read. */
function read(env: HostEnv, path: string): string | null {
  try { return fs.readFileSync(env.root + path, 'utf8'); } catch { return null; }
}

function stat(env: HostEnv, path: string): import('node:fs').Stats | null {
  try { return fs.statSync(env.root + path); } catch { return null; }
}

/** A user's ids, to compute access with. */
export interface Who {
  uid: number;
  gids: readonly number[];
}

/**
 * Whether `who` has every permission of `bits` (4 read, 2 write, 1 execute or search) on a file
 * with this mode and owner: the owner's class, else the group's, else the others' (no ACLs). Root
 * passes, except execute on a file with no x bit at all.
 *
 * @example
 * may({ mode: 0o40700, uid: 1000, gid: 1000 }, { uid: 100000, gids: [100000] }, 1) // false
 */
export function may(st: { mode: number; uid: number; gid: number }, who: Who, bits: number): boolean {
  if (who.uid === 0) return (bits & 1) === 0 || (st.mode & 0o170000) === 0o040000 || (st.mode & 0o111) !== 0;
  const cls = st.uid === who.uid ? (st.mode >> 6) & 7 : who.gids.includes(st.gid) ? (st.mode >> 3) & 7 : st.mode & 7;
  return (cls & bits) === bits;
}

/** `key = value` lines of an LXC config (comments and blank lines dropped). */
export function configLines(text: string | null): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const raw of (text ?? '').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    out.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
  }
  return out;
}

/** A range of subordinate or mapped ids. */
interface Range { start: number; count: number }

/** The ranges /etc/subuid or /etc/subgid gives a user, by name or by uid. */
function subordinate(text: string | null, name: string, uid: number): Range[] {
  const out: Range[] = [];
  for (const line of (text ?? '').split('\n')) {
    const [who, start, count] = line.trim().split(':');
    if ((who === name || who === String(uid)) && /^\d+$/.test(start ?? '') && /^\d+$/.test(count ?? '')) out.push({ start: Number(start), count: Number(count) });
  }
  return out;
}

/** A start for a new 65536-id range after every range the file gives anyone (at least 100000), as useradd picks one. */
function freeStart(text: string | null): number {
  let end = 100000;
  for (const line of (text ?? '').split('\n')) {
    const [, start, count] = line.trim().split(':');
    if (/^\d+$/.test(start ?? '') && /^\d+$/.test(count ?? '')) end = Math.max(end, Number(start) + Number(count));
  }
  return end;
}

/** What the checks share: the user, the default config, the subordinate ids. */
interface Context {
  env: HostEnv;
  name: string;
  who: Who;
  home: string | undefined;
  /** The default config liblxc gives new containers: /etc/lxc/default.conf, ~/.config/lxc/default.conf. */
  configPath: string;
  config: Array<[string, string]> | null;
  subuid: Range[];
  subgid: Range[];
  /** The start suggested for a new subuid / subgid range. */
  freeUid: number;
  freeGid: number;
  lxcpath: string;
}

function userName(env: HostEnv): string {
  if (env.user) return env.user;
  for (const line of (read(env, '/etc/passwd') ?? '').split('\n')) {
    const f = line.split(':');
    if (f[2] === String(env.uid)) return f[0];
  }
  return String(env.uid);
}

function contextOf(env: HostEnv): Context {
  const name = userName(env);
  const root = env.uid === 0;
  const configPath = root ? '/etc/lxc/default.conf' : `${env.home ?? ''}/.config/lxc/default.conf`;
  const text = root || env.home ? read(env, configPath) : null;
  const subuidText = read(env, '/etc/subuid');
  const subgidText = read(env, '/etc/subgid');
  return {
    env, name, home: env.home,
    who: { uid: env.uid, gids: [env.gid, ...env.groups] },
    configPath, config: text === null ? null : configLines(text),
    subuid: subordinate(subuidText, name, env.uid), subgid: subordinate(subgidText, name, env.uid),
    freeUid: freeStart(subuidText), freeGid: freeStart(subgidText),
    lxcpath: env.lxcpath ?? (root ? '/var/lib/lxc' : `${env.home ?? ''}/.local/share/lxc`),
  };
}

/** The last value of a key in the default config. */
function configValue(ctx: Context, key: string): string | undefined {
  return ctx.config?.filter(([k]) => k === key).at(-1)?.[1];
}

/** `~/x` for a path under the home directory, as a fix line shows it. */
function tilde(ctx: Context, path: string): string {
  return ctx.home && path.startsWith(`${ctx.home}/`) ? `~${path.slice(ctx.home.length)}` : path;
}

const pass = (id: string, severity: HostSeverity, summary: string, detail?: string): HostFinding =>
  detail === undefined ? { id, ok: true, severity, summary } : { id, ok: true, severity, summary, detail };
const fail = (id: string, severity: HostSeverity, summary: string, fix: string, detail?: string): HostFinding =>
  detail === undefined ? { id, ok: false, severity, summary, fix } : { id, ok: false, severity, summary, detail, fix };

// ---- every user -----------------------------------------------------------------------------------

/** liblxc loads, and which release. */
function liblxc(ctx: Context): HostFinding {
  const lib = ctx.env.liblxc;
  if ('version' in lib) return pass('liblxc', 'error', `liblxc ${lib.version}`, lib.file ? `loaded from ${lib.file}` : undefined);
  return fail('liblxc', 'error', 'liblxc (liblxc.so.1) cannot be loaded',
    'sudo apt-get install liblxc1 (Debian, Ubuntu; Fedora: sudo dnf install lxc-libs), or LD_LIBRARY_PATH=<dir of your liblxc.so.1>', lib.error);
}

/** The default config's veth bridge exists. */
function bridge(ctx: Context): HostFinding {
  const type = configValue(ctx, 'lxc.net.0.type');
  const link = configValue(ctx, 'lxc.net.0.link');
  const where = tilde(ctx, ctx.configPath);
  if (ctx.config === null) return pass('bridge', 'error', `no ${where}: new containers get no network from it`);
  if (!link || (type !== 'veth' && type !== 'macvlan' && type !== 'vlan' && type !== 'phys')) return pass('bridge', 'error', `${where} links no host interface (lxc.net.0.type = ${type ?? 'none'})`);
  if (stat(ctx.env, `/sys/class/net/${link}`)) return pass('bridge', 'error', `${link} (lxc.net.0.link of ${where}) exists`);
  const sudo = ctx.env.uid === 0 ? '' : 'sudo ';
  return fail('bridge', 'error', `${link}, the lxc.net.0.link of ${where}, does not exist: containers with that config fail to start`,
    type === 'veth'
      ? `${sudo}ip link add name ${link} type bridge && ${sudo}ip link set ${link} up (or start lxc-net, which makes lxcbr0 with DHCP)`
      : `create ${link}, or set lxc.net.0.link in ${where} to an interface that exists`,
    `no /sys/class/net/${link}`);
}

/** Templates are installed where liblxc looks for them. */
function templates(ctx: Context): HostFinding {
  const dirs = ctx.env.templateDir ? [ctx.env.templateDir, ...TEMPLATE_DIRS.filter((d) => d !== ctx.env.templateDir)] : TEMPLATE_DIRS;
  for (const dir of dirs) {
    let names: string[];
    try { names = fs.readdirSync(ctx.env.root + dir).filter((n) => n.startsWith('lxc-')).map((n) => n.slice(4)).sort(); } catch { continue; }
    if (names.length) return pass('templates', 'warning', `templates in ${dir}: ${names.join(', ')}`);
  }
  return fail('templates', 'warning', `no LXC templates (looked in ${dirs.join(', ')}): create() has only templates given by path`,
    'sudo apt-get install lxc lxc-templates (Debian, Ubuntu; Fedora: sudo dnf install lxc-templates)');
}

/** lxc-monitord, which wait() and watch() start. */
function monitord(ctx: Context): HostFinding {
  const candidates = ctx.env.monitord ? [ctx.env.monitord] : MONITORD;
  const found = candidates.find((p) => { const st = stat(ctx.env, p); return st !== null && st.isFile() && (st.mode & 0o111) !== 0; });
  if (found) return pass('lxc-monitord', 'info', `lxc-monitord at ${found}`);
  return fail('lxc-monitord', 'info', `no lxc-monitord (looked at ${candidates.join(', ')}): watch() and wait() on a container cannot start it`,
    'sudo apt-get install lxc (it ships lxc-monitord with liblxc\'s other helpers)');
}

// ---- users other than root ----------------------------------------------------------------------

/** The user has ≥ 65536 subordinate uids (or gids). */
function subids(ctx: Context, kind: 'uid' | 'gid'): HostFinding {
  const id = `sub${kind}-range`;
  const file = `/etc/sub${kind}`;
  const ranges = kind === 'uid' ? ctx.subuid : ctx.subgid;
  const free = kind === 'uid' ? ctx.freeUid : ctx.freeGid;
  const shown = ranges.map((r) => `${r.start}-${r.start + r.count - 1}`).join(', ');
  const fix = `sudo usermod --add-sub${kind}s ${free}-${free + IDS - 1} ${ctx.name}`;
  if (ranges.length === 0) return fail(id, 'error', `no subordinate ${kind}s for ${ctx.name} in ${file}`, fix, `${file} has no line "${ctx.name}:START:COUNT" (or by uid ${ctx.env.uid})`);
  if (!ranges.some((r) => r.count >= IDS)) return fail(id, 'error', `the subordinate ${kind}s of ${ctx.name} in ${file} (${shown}) hold no range of ${IDS}`, fix);
  return pass(id, 'error', `${ctx.name} has subordinate ${kind}s ${shown} (${file})`);
}

/** newuidmap (or newgidmap) is on PATH and setuid root or has file capabilities. */
function idmapper(ctx: Context, tool: 'newuidmap' | 'newgidmap'): HostFinding {
  const dirs = (ctx.env.path || DEFAULT_PATH).split(':').filter((d) => d.startsWith('/'));
  for (const dir of dirs) {
    const path = `${dir}/${tool}`;
    const st = stat(ctx.env, path);
    if (!st || !st.isFile()) continue;
    if (st.uid === 0 && (st.mode & 0o4000) !== 0) return pass(tool, 'error', `${path} is setuid root`);
    if (ctx.env.fileCapabilities(ctx.env.root + path)) return pass(tool, 'error', `${path} has file capabilities`);
    return fail(tool, 'error', `${path} is neither setuid root nor has file capabilities: liblxc cannot map the container's ids`,
      `sudo chown root ${path} && sudo chmod u+s ${path} (or: sudo setcap cap_set${tool === 'newuidmap' ? 'uid' : 'gid'}+ep ${path})`);
  }
  return fail(tool, 'error', `no ${tool} on PATH: liblxc cannot map the container's ids`,
    'sudo apt-get install uidmap (Debian, Ubuntu; Fedora: sudo dnf install shadow-utils)', `looked in ${dirs.join(', ')}`);
}

/** The lxc.idmap lines of a config, u or g. */
function idmaps(ctx: Context, kind: 'u' | 'g'): Array<{ ns: number; host: number; count: number }> {
  const out: Array<{ ns: number; host: number; count: number }> = [];
  for (const [k, v] of ctx.config ?? []) {
    if (k !== 'lxc.idmap' && k !== 'lxc.id_map') continue;
    const m = /^([ug])\s+(\d+)\s+(\d+)\s+(\d+)$/.exec(v);
    if (m && m[1] === kind) out.push({ ns: Number(m[2]), host: Number(m[3]), count: Number(m[4]) });
  }
  return out;
}

/** The user's default config maps root and the rest inside the subordinate ranges. */
function idmap(ctx: Context): HostFinding {
  const where = tilde(ctx, ctx.configPath);
  const u = ctx.subuid.find((r) => r.count >= IDS) ?? ctx.subuid[0] ?? { start: ctx.freeUid, count: IDS };
  const g = ctx.subgid.find((r) => r.count >= IDS) ?? ctx.subgid[0] ?? { start: ctx.freeGid, count: IDS };
  const lines = `lxc.idmap = u 0 ${u.start} ${Math.min(u.count, IDS)}\\nlxc.idmap = g 0 ${g.start} ${Math.min(g.count, IDS)}\\n`;
  const append = `mkdir -p ~/.config/lxc && printf '${lines}' >> ${where}`;
  if (ctx.config === null) return fail('idmap', 'error', `no ${where}: liblxc gives new containers no id map, and an unprivileged one cannot start without`, append);
  const problems: string[] = [];
  for (const [kind, ranges] of [['u', ctx.subuid], ['g', ctx.subgid]] as const) {
    const maps = idmaps(ctx, kind);
    if (maps.length === 0) { problems.push(`no lxc.idmap = ${kind} ...`); continue; }
    if (!maps.some((m) => m.ns === 0)) problems.push(`no ${kind} map of the container's root (${kind} 0 ...)`);
    for (const m of maps) {
      if (!ranges.some((r) => m.host >= r.start && m.host + m.count <= r.start + r.count)) {
        problems.push(`lxc.idmap = ${kind} ${m.ns} ${m.host} ${m.count} is outside ${ctx.name}'s /etc/sub${kind}id ranges`);
      }
    }
  }
  if (problems.length === 0) return pass('idmap', 'error', `${where} maps the container's ids inside ${ctx.name}'s subordinate ranges`);
  const edit = idmaps(ctx, 'u').length + idmaps(ctx, 'g').length > 0 ? `sed -i '/^lxc\\.id_\\?map/d' ${where} && ` : '';
  return fail('idmap', 'error', `${where}: ${problems[0]}`, `${edit}${append}`, problems.join('; '));
}

/** The groups the user is in, by name (for @group lines). */
function groupNames(ctx: Context): Set<string> {
  const out = new Set<string>();
  for (const line of (read(ctx.env, '/etc/group') ?? '').split('\n')) {
    const [name, , gid, members] = line.split(':');
    if (!name) continue;
    if (ctx.who.gids.includes(Number(gid)) || (members ?? '').split(',').includes(ctx.name)) out.add(name);
  }
  return out;
}

/** The veth bridge of the default config, when it has one. */
function vethLink(ctx: Context): string | undefined {
  return configValue(ctx, 'lxc.net.0.type') === 'veth' ? configValue(ctx, 'lxc.net.0.link') : undefined;
}

/** /etc/lxc/lxc-usernet lets the user add veth interfaces to the default config's bridge. */
function usernet(ctx: Context): HostFinding {
  const link = vethLink(ctx);
  if (!link) return pass('usernet', 'error', `${tilde(ctx, ctx.configPath)} has no veth interface: no lxc-usernet quota needed`);
  const groups = groupNames(ctx);
  let quota = 0;
  const used: string[] = [];
  for (const line of (read(ctx.env, '/etc/lxc/lxc-usernet') ?? '').split('\n')) {
    const f = line.replace(/#.*/, '').trim().split(/\s+/);
    if (f.length !== 4 || f[1] !== 'veth' || f[2] !== link || !/^\d+$/.test(f[3])) continue;
    if (f[0] === ctx.name || (f[0].startsWith('@') && groups.has(f[0].slice(1)))) { quota += Number(f[3]); used.push(line.trim()); }
  }
  if (quota > 0) return pass('usernet', 'error', `${ctx.name} may add ${quota} veth interface${quota === 1 ? '' : 's'} to ${link} (/etc/lxc/lxc-usernet)`, used.join('; '));
  return fail('usernet', 'error', `/etc/lxc/lxc-usernet gives ${ctx.name} no veth interfaces on ${link}: containers with the default config fail to start`,
    `echo '${ctx.name} veth ${link} 10' | sudo tee -a /etc/lxc/lxc-usernet`);
}

/** lxc-user-nic, which makes the veth pair for a user, is setuid root. */
function userNic(ctx: Context): HostFinding {
  if (!vethLink(ctx)) return pass('lxc-user-nic', 'error', 'no veth interface in the default config: lxc-user-nic is not needed');
  const candidates = ctx.env.userNic ? [ctx.env.userNic] : USER_NIC;
  for (const path of candidates) {
    const st = stat(ctx.env, path);
    if (!st) continue;
    if (st.uid === 0 && (st.mode & 0o4000) !== 0) return pass('lxc-user-nic', 'error', `${path} is setuid root`);
    if (ctx.env.fileCapabilities(ctx.env.root + path)) return pass('lxc-user-nic', 'error', `${path} has file capabilities`);
    return fail('lxc-user-nic', 'error', `${path} is not setuid root: it cannot add the container's veth interface`, `sudo chown root ${path} && sudo chmod u+s ${path}`);
  }
  return fail('lxc-user-nic', 'error', `no lxc-user-nic (looked at ${candidates.join(', ')}): veth interfaces cannot be made for ${ctx.name}`, 'sudo apt-get install lxc');
}

/** The directories from / down to `path` that exist. */
function ancestors(env: HostEnv, path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  const out: string[] = [];
  for (let i = 1; i <= parts.length; i++) {
    const dir = `/${parts.slice(0, i).join('/')}`;
    if (stat(env, dir)?.isDirectory()) out.push(dir);
  }
  return out;
}

/**
 * The user, and the container's root (the host uid its idmap gives container uid 0), can enter
 * every directory of the lxcpath and of ~/.local/share (the mapped root reaches the rootfs
 * through them).
 */
function lxcpathAccess(ctx: Context): HostFinding {
  const dirs = [...new Set([...(ctx.home ? ancestors(ctx.env, `${ctx.home}/.local/share`) : []), ...ancestors(ctx.env, ctx.lxcpath)])];
  const rootU = idmaps(ctx, 'u').find((m) => m.ns === 0)?.host ?? ctx.subuid[0]?.start;
  const rootG = idmaps(ctx, 'g').find((m) => m.ns === 0)?.host ?? ctx.subgid[0]?.start;
  const mapped: Who | null = rootU === undefined ? null : { uid: rootU, gids: rootG === undefined ? [] : [rootG] };
  const closed: string[] = [];
  const reasons: string[] = [];
  let sudo = false;
  for (const dir of dirs) {
    const st = stat(ctx.env, dir)!;
    const user = may(st, ctx.who, 1);
    const root = mapped === null || may(st, mapped, 1);
    if (user && root) continue;
    closed.push(dir);
    if (st.uid !== ctx.env.uid) sudo = true;
    reasons.push(`${dir} (${(st.mode & 0o7777).toString(8).padStart(4, '0')}, owner ${st.uid}): ${user ? '' : `${ctx.name} `}${!user && !root ? 'and ' : ''}${root ? '' : `the container's root (uid ${mapped!.uid}) `}cannot enter it`);
  }
  const what = `the lxcpath ${tilde(ctx, ctx.lxcpath)}`;
  if (!stat(ctx.env, ctx.lxcpath)?.isDirectory()) {
    // liblxc makes the lxcpath (mkdir -p) at the first create: the deepest directory that exists must take it.
    const parent = ancestors(ctx.env, ctx.lxcpath).at(-1) ?? '/';
    const st = stat(ctx.env, parent);
    if (st && !may(st, ctx.who, 3)) {
      return fail('lxcpath-access', 'error', `${what} does not exist and ${ctx.name} cannot make it in ${parent}`,
        `sudo install -d -o ${ctx.env.uid} -g ${ctx.env.gid} -m 755 ${ctx.lxcpath}`, `${parent}: owner ${st.uid}, mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}`);
    }
  }
  if (closed.length === 0) return pass('lxcpath-access', 'error', `${ctx.name}${mapped ? ` and the container's root (uid ${mapped.uid})` : ''} can enter every directory of ${what} and ~/.local/share`);
  return fail('lxcpath-access', 'error', `${reasons[0]}; containers in ${what} cannot start`, `${sudo ? 'sudo ' : ''}chmod a+x ${closed.join(' ')}`, reasons.join('; '));
}

/** One hierarchy the process is in: its /proc/self/cgroup line and where it is mounted. */
interface Hierarchy {
  /** 'cpu,cpuacct', 'name=systemd', '' for cgroup2. */
  controllers: string;
  /** The process's cgroup in it (as /proc/self/cgroup gives it). */
  cgroup: string;
  /** Its directory on the host, or null when the hierarchy is not mounted. */
  dir: string | null;
  v2: boolean;
}

/** Unescapes mountinfo's octal escapes (\040 for a space). */
const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** The hierarchies of /proc/self/cgroup with their directories from /proc/self/mountinfo. */
export function hierarchies(env: HostEnv): Hierarchy[] {
  const mounts: Array<{ root: string; point: string; type: string; options: string[] }> = [];
  for (const line of (read(env, '/proc/self/mountinfo') ?? '').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!post) continue;
    const f = pre.split(' ');
    const [type, , superOptions] = post.split(' ');
    if (type === 'cgroup' || type === 'cgroup2') mounts.push({ root: unescape(f[3]), point: unescape(f[4]), type, options: (superOptions ?? '').split(',') });
  }
  const out: Hierarchy[] = [];
  for (const line of (read(env, '/proc/self/cgroup') ?? '').split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, id, controllers, cgroup] = m;
    const v2 = id === '0' && controllers === '';
    const wanted = controllers.split(',').filter(Boolean);
    const mount = mounts.find((mt) => (v2 ? mt.type === 'cgroup2' : mt.type === 'cgroup' && wanted.every((c) => mt.options.includes(c))));
    let dir: string | null = null;
    if (mount) {
      const rel = mount.root === '/' ? cgroup : cgroup.startsWith(mount.root) ? cgroup.slice(mount.root.length) : cgroup;
      dir = `${mount.point}${rel === '/' ? '' : rel}`.replace(/\/+/g, '/');
    }
    out.push({ controllers, cgroup, dir, v2 });
  }
  return out;
}

/** Whether no cgroup v1 hierarchy is mounted (a cgroup2-only host). */
function v2Only(hs: Hierarchy[]): boolean {
  return hs.length > 0 && hs.every((h) => h.v2 || h.dir === null);
}

/** Whether the host runs systemd as its init. */
function systemd(env: HostEnv): boolean {
  return stat(env, '/run/systemd/system')?.isDirectory() === true;
}

const DELEGATE = 'systemd-run --user --scope -p Delegate=yes -- <command>';

/** The user can make cgroups under its own in every hierarchy liblxc uses. */
function cgroup(ctx: Context): HostFinding {
  const hs = hierarchies(ctx.env).filter((h) => h.dir !== null);
  if (hs.length === 0) return fail('cgroup', 'error', 'no mounted cgroup hierarchy found (/proc/self/cgroup, /proc/self/mountinfo)', 'sudo mount -t cgroup2 none /sys/fs/cgroup');
  const only2 = v2Only(hs);
  const closed: string[] = [];
  for (const h of hs) {
    const st = stat(ctx.env, h.dir!);
    const files = h.v2 && only2 ? ['cgroup.procs', 'cgroup.subtree_control'] : [];
    const ok = st !== null && may(st, ctx.who, 3) && files.every((f) => { const fs_ = stat(ctx.env, `${h.dir}/${f}`); return fs_ !== null && may(fs_, ctx.who, 2); });
    if (!ok) closed.push(h.dir!);
  }
  const layout = only2 ? 'cgroup2' : 'cgroup v1 + v2';
  if (closed.length === 0) return pass('cgroup', 'error', `${ctx.name} can make cgroups under its own (${layout}: ${hs.map((h) => h.dir).join(', ')})`);
  const fix = only2 && systemd(ctx.env)
    ? DELEGATE
    : `sudo sh -c 'for d in ${closed.join(' ')}; do mkdir -p "$d/${ctx.name}" && chown -R ${ctx.name} "$d/${ctx.name}" && { [ ! -e "$d/cpuset.cpus" ] || { cat "$d/cpuset.cpus" > "$d/${ctx.name}/cpuset.cpus"; cat "$d/cpuset.mems" > "$d/${ctx.name}/cpuset.mems"; }; } && echo '$$' > "$d/${ctx.name}/cgroup.procs"; done'`;
  return fail('cgroup', 'error', `${ctx.name} cannot write its current cgroup ${closed[0]}${closed.length > 1 ? ` (and ${closed.length - 1} more)` : ''}: liblxc cannot make the container's cgroups`,
    fix, `${layout}; not writable by ${ctx.name}: ${closed.join(', ')}${only2 ? ' (the directory, cgroup.procs and cgroup.subtree_control)' : ''}`);
}

/** Controllers a container's limits and figures need (memory, cpu, io, pids), on a cgroup2-only host. */
const NEEDED = ['memory', 'pids', 'cpu', 'io'];

/** On a cgroup2-only host, the current cgroup offers the controllers containers use. */
function cgroupControllers(ctx: Context): HostFinding | null {
  const hs = hierarchies(ctx.env).filter((h) => h.dir !== null);
  if (!v2Only(hs)) return null;
  const dir = hs.find((h) => h.v2)!.dir!;
  const have = (read(ctx.env, `${dir}/cgroup.controllers`) ?? '').trim().split(/\s+/).filter(Boolean);
  const missing = NEEDED.filter((c) => !have.includes(c));
  if (missing.length === 0) return pass('cgroup-controllers', 'warning', `${dir} offers the ${NEEDED.join(', ')} controllers`);
  return fail('cgroup-controllers', 'warning', `${dir} does not offer ${missing.join(', ')}: containers get no ${missing.join(', ')} limits or figures`,
    systemd(ctx.env) ? DELEGATE : `echo '${missing.map((c) => `+${c}`).join(' ')}' | sudo tee ${dir.replace(/\/[^/]+$/, '') || '/'}/cgroup.subtree_control`,
    `${dir}/cgroup.controllers: ${have.join(' ') || '(none)'}`);
}

/** On a systemd host with cgroup2: run under a delegated scope, so the user owns its cgroup. */
function systemdScope(ctx: Context): HostFinding | null {
  if (!systemd(ctx.env)) return null;
  const h = hierarchies(ctx.env).find((x) => x.v2 && x.dir !== null);
  if (!h) return null;
  const st = stat(ctx.env, h.dir!);
  if (st !== null && may(st, ctx.who, 3)) return pass('systemd-scope', 'info', `systemd delegates ${h.cgroup} to ${ctx.name}`);
  return fail('systemd-scope', 'info', `systemd host: ${ctx.name}'s cgroup ${h.cgroup} is not delegated to it; run under a delegated scope`, DELEGATE);
}

/** XDG_RUNTIME_DIR is set and writable: liblxc keeps its locks there. */
function runtimeDir(ctx: Context): HostFinding {
  const own = `/run/user/${ctx.env.uid}`;
  const ownSt = stat(ctx.env, own);
  const make = ownSt?.isDirectory() && may(ownSt, ctx.who, 3) ? `export XDG_RUNTIME_DIR=${own}` : `sudo install -d -o ${ctx.env.uid} -m 700 ${own} && export XDG_RUNTIME_DIR=${own}`;
  const dir = ctx.env.xdgRuntimeDir;
  if (dir === undefined || dir === '') {
    if (!ctx.home) return fail('runtime-dir', 'error', 'neither XDG_RUNTIME_DIR nor HOME is set: liblxc has no lock directory', make);
    return fail('runtime-dir', 'warning', 'XDG_RUNTIME_DIR is not set: liblxc keeps its locks in ~/.cache/lxc/run instead', make);
  }
  const st = stat(ctx.env, dir);
  if (st?.isDirectory() && may(st, ctx.who, 3)) return pass('runtime-dir', 'error', `XDG_RUNTIME_DIR ${dir} is writable (liblxc's lock directory)`);
  return fail('runtime-dir', 'error', `XDG_RUNTIME_DIR ${dir} ${st ? 'is not writable' : 'does not exist'} for ${ctx.name}: liblxc cannot make its locks there`, make,
    st ? `owner ${st.uid}, mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}` : undefined);
}

// ---- the report ---------------------------------------------------------------------------------

/**
 * The report for the host `env` describes: every finding, in a fixed order. Internal: checkHost()
 * calls it with the real host; tests call it with a fake tree.
 *
 * @example
 * checkHostAt({ root: '/tmp/fake', uid: 1000, gid: 1000, groups: [], home: '/home/alice', ... })
 */
export function checkHostAt(env: HostEnv): HostReport {
  const ctx = contextOf(env);
  const root = env.uid === 0;
  const findings: Array<HostFinding | null> = root
    ? [liblxc(ctx), bridge(ctx), templates(ctx), monitord(ctx)]
    : [
      liblxc(ctx), subids(ctx, 'uid'), subids(ctx, 'gid'), idmapper(ctx, 'newuidmap'), idmapper(ctx, 'newgidmap'), idmap(ctx),
      bridge(ctx), usernet(ctx), userNic(ctx), lxcpathAccess(ctx), cgroup(ctx), cgroupControllers(ctx), systemdScope(ctx),
      runtimeDir(ctx), templates(ctx), monitord(ctx),
    ];
  const list = findings.filter((f): f is HostFinding => f !== null);
  return { user: { uid: env.uid, name: ctx.name }, root, findings: list, ok: list.every((f) => f.ok || f.severity !== 'error') };
}

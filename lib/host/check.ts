// checkHost() on the real host: the calling process's user and environment, the loaded liblxc and
// the paths it was built with, handed to the findings (./findings.ts) with the real root ('').
import { userInfo } from 'node:os';
import { fs } from '../builtins.js';
import { getxattr } from '../../ffi/libc.js';
import { checkHostAt, type HostEnv, type HostReport } from './findings.js';

/** Whether a file carries file capabilities (a security.capability extended attribute). */
function fileCapabilities(path: string): boolean {
  try {
    return Number(getxattr(path, 'security.capability', null, 0)) > 0;
  } catch {
    return false;
  }
}

/** The loaded liblxc's file, from /proc/self/maps. */
function liblxcFile(): string | undefined {
  try { return /\s(\/\S*liblxc\.so[^\s]*)$/m.exec(fs.readFileSync('/proc/self/maps', 'utf8'))?.[1]; } catch { return undefined; }
}

/** The loaded liblxc: its release, and the paths it was built with, by the name they end with (ffi's liblxcPath). */
export interface LoadedLiblxc {
  version: string;
  paths: (tail: string) => string | null;
}

/**
 * The host as this process sees it. `liblxc`: the loaded release, or why it did not load (this
 * module imports nothing that loads liblxc, so it reports a liblxc that does not load);
 * `lxcpath`: the one to check (default: the user's, ~/.local/share/lxc, or /var/lib/lxc for root).
 */
export function realEnv(liblxc: LoadedLiblxc | { error: string }, lxcpath?: string): HostEnv {
  const uid = process.geteuid?.() ?? 0;
  let user: string | undefined;
  try { user = userInfo().username; } catch { /* a uid without a passwd entry: looked up in /etc/passwd, else its number */ }
  const loaded = 'version' in liblxc;
  return {
    root: '',
    uid,
    gid: process.getegid?.() ?? 0,
    groups: process.getgroups?.() ?? [],
    user,
    home: process.env.HOME || undefined,
    xdgRuntimeDir: process.env.XDG_RUNTIME_DIR,
    path: process.env.PATH,
    lxcpath,
    liblxc: loaded ? { version: liblxc.version, file: liblxcFile() } : liblxc,
    templateDir: loaded ? liblxc.paths('lxc/templates') : null,
    monitord: loaded ? liblxc.paths('lxc-monitord') : null,
    userNic: loaded ? liblxc.paths('lxc-user-nic') : null,
    fileCapabilities,
  };
}

/** The report for the calling user on this host, given the loaded liblxc and the lxcpath. */
export function checkHost(liblxc: LoadedLiblxc, lxcpath: string): HostReport {
  return checkHostAt(realEnv(liblxc, lxcpath));
}

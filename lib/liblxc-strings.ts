// Strings read from the loaded liblxc's file: what liblxc was built with and no call exports.
import { fs } from './builtins.js';

let liblxcText: string | null | undefined;

/**
 * The first NUL-terminated string of the loaded liblxc's file that `pattern` (anchored on a NUL
 * at each end) finds: the paths liblxc was built with (LXCTEMPLATEDIR, LXC_MONITORD_PATH), which
 * no call exports. null when the file cannot be read.
 */
export function liblxcString(pattern: RegExp): string | null {
  if (liblxcText === undefined) {
    liblxcText = null;
    try {
      const lib = /\s(\/\S*liblxc\.so[^\s]*)$/m.exec(fs.readFileSync('/proc/self/maps', 'utf8'))?.[1];
      if (lib) liblxcText = fs.readFileSync(lib).toString('latin1');
    } catch { /* no /proc, or unreadable */ }
  }
  return liblxcText === null ? null : (pattern.exec(liblxcText)?.[1] ?? null);
}

// `lxc-ffi --version` and the REPL's banner: the package's version and liblxc's. Loads liblxc only
// once asked, so that a liblxc that does not load is reported in the line instead of failing it.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The version in lxc-ffi's package.json, found by walking up from this file (lib/repl/ in the
 * sources, dist/lib/repl/ once built); '?' when there is none.
 *
 * @example
 * packageVersion() // '0.1.0'
 */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'lxc-ffi' && typeof pkg.version === 'string') return pkg.version;
    } catch { /* no package.json here: look higher */ }
    const up = dirname(dir);
    if (up === dir) return '?';
    dir = up;
  }
}

/**
 * The `lxc-ffi --version` line; `liblxc` is lxc.version, or the reason liblxc did not load.
 *
 * @example
 * versionLine('5.0.2') // 'lxc-ffi 0.1.0 (liblxc 5.0.2)'
 */
export function versionLine(liblxc: string | { error: string }): string {
  const lib = typeof liblxc === 'string' ? `liblxc ${liblxc}` : `liblxc not loaded: ${liblxc.error}`;
  return `lxc-ffi ${packageVersion()} (${lib})`;
}

/**
 * Runs `lxc-ffi --version`: prints the line on stdout; resolves 0, or 1 when liblxc does not load.
 *
 * @example
 * process.exitCode = await versionMain();
 */
export async function versionMain(): Promise<number> {
  try {
    const { version } = await import('../index.js');
    process.stdout.write(`${versionLine(version)}\n`);
    return 0;
  } catch (e) {
    process.stdout.write(`${versionLine({ error: e instanceof Error ? e.message : String(e) })}\n`);
    return 1;
  }
}

// The checks on the strings and numbers liblxc takes, run before any C call.
import { string, number, type Checker } from './check.js';

export { check, accepts } from './check.js';

// Control characters would end a config line or a C string early.
const CONTROL = /[\u0000-\u001f\u007f]/;
const NUL_OR_NEWLINE = /[\u0000\r\n]/;

/** A container name: one path component liblxc can use as a directory and a socket name. */
export const containerName: Checker<string> = string(
  [(s) => s.length > 0, 'must not be empty'],
  [(s) => s !== '.' && s !== '..', 'must not be "." or ".."'],
  [(s) => !s.includes('/'), 'must not contain "/"'],
  [(s) => !CONTROL.test(s), 'must not contain NUL, newline or other control characters'],
  [(s) => !s.startsWith('-'), 'must not start with "-"'],
  [(s) => Buffer.byteLength(s) <= 255, 'is too long for a path component (255 bytes at most)'],
);

/** An absolute filesystem path. */
export const absolutePath: Checker<string> = string(
  [(s) => s.length > 0, 'must not be empty'],
  [(s) => s.startsWith('/'), 'must be an absolute path'],
  [(s) => !CONTROL.test(s), 'must not contain NUL, newline or other control characters'],
  [(s) => Buffer.byteLength(s) < 4096, 'is longer than PATH_MAX'],
);

const CONFIG_KEY = /^lxc(\.[A-Za-z0-9_\-]+)+$/;
/** A config key such as lxc.net.0.link. */
export const configKey: Checker<string> = string([
  (s) => CONFIG_KEY.test(s),
  'must look like lxc.section.key (letters, digits, "_", "-", ".")',
]);

/** A config value: one line, as liblxc writes it back into the config file. */
export const configValue: Checker<string> = string([(s) => !NUL_OR_NEWLINE.test(s), 'must not contain NUL, CR or LF']);

const CGROUP_KEY = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_\-]+)+$/;
/** A cgroup controller file name such as memory.max. */
export const cgroupKey: Checker<string> = string([(s) => CGROUP_KEY.test(s), 'must look like controller.file']);

/** A value handed to a template as an option argument. */
export const templateValue: Checker<string> = string(
  [(s) => s.length > 0, 'must not be empty'],
  [(s) => !s.startsWith('-'), 'must not start with "-" (the template would read it as an option)'],
  [(s) => !/\s/.test(s), 'must not contain whitespace'],
  [(s) => !s.includes('\u0000'), 'must not contain NUL'],
);

/** A string without NUL (it would end the C string early). */
export const noNul: Checker<string> = string([(s) => !s.includes('\u0000'), 'must not contain NUL']);

/** A network interface name as the kernel allows it (IFNAMSIZ − 1 bytes). */
export const ifaceName: Checker<string> = string([
  (s) => /^[A-Za-z0-9_.:@-]{1,15}$/.test(s),
  'must be a network interface name (1-15 characters)',
]);

/** Seconds to wait: a finite number ≥ 0, or -1 for "forever" where liblxc allows it. */
export const timeoutSeconds: Checker<number> = number(
  [(n) => Number.isFinite(n), 'must be a finite number'],
  [(n) => n >= 0 || n === -1, 'must be ≥ 0 (or -1 to wait forever)'],
);

// Node built-ins, loaded the way import time wants them: node:fs required (not imported), and the
// ones only some calls need on first use.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * node:fs, required rather than imported: the ESM wrapper of node:fs evaluates its lazy exports
 * (fs.promises, the stream classes), ≈ 10 ms at import that no call here needs.
 */
export const fs: typeof import('node:fs') = require('node:fs');

/**
 * Built-ins loaded on first use: net, v8, child_process and their streams are not in Node's
 * startup snapshot, and compiling them at import cost ≈ 15 ms of the 50 ms import budget.
 */
export const builtins = {
  get net(): typeof import('node:net') { return require('node:net'); },
  get v8(): typeof import('node:v8') { return require('node:v8'); },
  get childProcess(): typeof import('node:child_process') { return require('node:child_process'); },
  // TLS and HTTP: images() only.
  get https(): typeof import('node:https') { return require('node:https'); },
  get tls(): typeof import('node:tls') { return require('node:tls'); },
};

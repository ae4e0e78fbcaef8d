// `lxc-ffi --check`: the host check printed, exit 0 when the calling user can run containers,
// else 1. Loaded by bin.ts before anything imports liblxc, so a liblxc that does not load is
// reported as a finding rather than failing the command.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { checkText } from './format.js';
import type { HostReport } from '../host/findings.js';

/** The report for `lxcpath` (default: the user's), also when liblxc itself does not load. */
async function report(lxcpath: string | undefined): Promise<HostReport> {
  let lxc: typeof import('../index.js');
  try {
    lxc = await import('../index.js');
  } catch (e) {
    const { realEnv } = await import('../host/check.js');
    const { checkHostAt } = await import('../host/findings.js');
    return checkHostAt(realEnv({ error: e instanceof Error ? e.message : String(e) }, lxcpath));
  }
  return lxc.checkHost(lxcpath === undefined ? {} : { lxcpath });
}

/**
 * Runs `lxc-ffi --check [--lxcpath PATH]`: prints the report on stdout and resolves with the exit
 * code (0: ok, 1: a finding of severity 'error' failed, 2: bad arguments).
 *
 * @example
 * process.exitCode = await checkMain(['--check']);
 */
export async function checkMain(argv: string[]): Promise<number> {
  let values: { lxcpath?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { check: { type: 'boolean' }, lxcpath: { type: 'string', short: 'P' } } }));
  } catch (e) {
    process.stderr.write(`lxc-ffi: ${e instanceof Error ? e.message : String(e)}\nUsage: lxc-ffi --check [--lxcpath PATH]\n`);
    return 2;
  }
  const r = await report(values.lxcpath === undefined ? undefined : resolve(values.lxcpath));
  const colours = process.stdout.isTTY === true && !process.env.NO_COLOR && process.env.FORCE_COLOR !== '0';
  process.stdout.write(`${checkText(r, colours)}\n`);
  return r.ok ? 0 : 1;
}

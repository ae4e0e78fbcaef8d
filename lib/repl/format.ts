// What the REPL's dot commands print: the .ls table, the .info lines and the .check report (also
// `lxc-ffi --check`), coloured only on a TTY.
import type { HostReport } from '../host/findings.js';

/** One row of `.ls`. */
export interface ContainerRow {
  name: string;
  state: string;
  /** Init's pid on the host, -1 when not running. */
  pid: number;
  ips: string[];
  lxcpath: string;
}

// SGR codes; a state missing here prints uncoloured.
const STATE_COLOURS: Record<string, [number, number]> = {
  RUNNING: [32, 39], STOPPED: [2, 22], FROZEN: [36, 39], STARTING: [33, 39], STOPPING: [33, 39],
  ABORTING: [31, 39], FREEZING: [36, 39], THAWED: [32, 39],
};

/** `state` in its colour when `colours`, else as is. */
export function paintState(state: string, colours: boolean): string {
  const c = STATE_COLOURS[state];
  return colours && c ? `\x1b[${c[0]}m${state}\x1b[${c[1]}m` : state;
}

const bold = (s: string, colours: boolean) => (colours ? `\x1b[1m${s}\x1b[22m` : s);

/**
 * The `.ls` table: NAME, STATE, PID, IPS, LXCPATH, columns padded to their widest cell.
 *
 * @example
 * lsTable([{ name: 'web', state: 'RUNNING', pid: 42, ips: ['10.0.3.5'], lxcpath: '/var/lib/lxc' }], false)
 */
export function lsTable(rows: ContainerRow[], colours: boolean): string {
  if (rows.length === 0) return '(no containers)';
  const cells = rows.map((r) => [r.name, r.state, r.pid > 0 ? String(r.pid) : '-', r.ips.length ? r.ips.join(', ') : '-', r.lxcpath]);
  const head = ['NAME', 'STATE', 'PID', 'IPS', 'LXCPATH'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i].length)));
  // Padding is computed on the plain text, so colour codes do not skew the columns.
  const line = (row: string[], paint: (cell: string, i: number) => string) =>
    row.map((cell, i) => paint(cell, i) + (i < row.length - 1 ? ' '.repeat(widths[i] - cell.length) : '')).join('  ');
  return [
    line(head, (h) => bold(h, colours)),
    ...cells.map((row) => line(row, (cell, i) => (i === 1 ? paintState(cell, colours) : cell))),
  ].join('\n');
}

/** What `.info` shows; a figure is undefined when the container does not run or the kernel keeps none. */
export interface ContainerInfo {
  name: string;
  state: string;
  pid: number;
  ips: string[];
  lxcpath: string;
  configFile: string;
  /** CPU time in nanoseconds. */
  cpu?: number;
  memory?: number;
  memoryLimit?: number | null;
  kernelMemory?: number | null;
  io?: number;
  /** Traffic of the container's interfaces as it sees them (rx: received by the container). */
  links?: Array<{ name: string; rxBytes: number; txBytes: number }>;
}

/** Bytes as lxc-info prints them: '1.50 MiB'. */
export function humanBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return i === 0 ? `${n} bytes` : `${n.toFixed(2)} ${units[i]}`;
}

/**
 * The `.info` lines, as lxc-info lays them out ('Name:', 'State:', 'PID:', 'IP:', 'Memory use:', ...).
 *
 * @example
 * infoText({ name: 'web', state: 'STOPPED', pid: -1, ips: [], lxcpath: '/var/lib/lxc', configFile: '/var/lib/lxc/web/config' }, false)
 */
export function infoText(i: ContainerInfo, colours: boolean): string {
  const rows: Array<[string, string]> = [['Name', i.name], ['State', paintState(i.state, colours)]];
  if (i.pid > 0) rows.push(['PID', String(i.pid)]);
  for (const ip of i.ips) rows.push(['IP', ip]);
  if (i.cpu !== undefined) rows.push(['CPU use', `${(i.cpu / 1e9).toFixed(2)} seconds`]);
  if (i.io !== undefined) rows.push(['BlkIO use', humanBytes(i.io)]);
  if (i.memory !== undefined) rows.push(['Memory use', humanBytes(i.memory) + (i.memoryLimit == null ? '' : ` of ${humanBytes(i.memoryLimit)}`)]);
  if (i.kernelMemory != null) rows.push(['KMem use', humanBytes(i.kernelMemory)]);
  for (const l of i.links ?? []) {
    rows.push(['Link', l.name], [' RX bytes', humanBytes(l.rxBytes)], [' TX bytes', humanBytes(l.txBytes)]);
  }
  rows.push(['Lxcpath', i.lxcpath], ['Config', i.configFile]);
  return rows.map(([k, v]) => `${bold(`${k}:`, colours)}${' '.repeat(16 - k.length - 1)}${v}`).join('\n');
}

/**
 * The `.check` and `lxc-ffi --check` lines: a heading, `✓ summary` or `✗ summary` per finding (a
 * failed warning or info says so), `  fix: ...` under each failed one, and a closing verdict.
 *
 * @example
 * checkText(await lxc.checkHost(), false)
 * // 'Host check for root (uid 0)\n✓ liblxc 5.0.2\n✗ lxcbr0, the lxc.net.0.link of ... does not exist ...\n  fix: ip link add ...'
 */
export function checkText(report: HostReport, colours: boolean): string {
  const paint = (code: [number, number], s: string) => (colours ? `\x1b[${code[0]}m${s}\x1b[${code[1]}m` : s);
  const lines = [bold(`Host check for ${report.user.name} (uid ${report.user.uid})`, colours)];
  for (const f of report.findings) {
    if (f.ok) {
      lines.push(`${paint([32, 39], '✓')} ${f.summary}`);
      continue;
    }
    const mark = paint(f.severity === 'error' ? [31, 39] : [33, 39], '✗');
    lines.push(`${mark} ${f.summary}${f.severity === 'error' ? '' : ` (${f.severity})`}`);
    if (f.fix) lines.push(`  fix: ${f.fix}`);
  }
  const failed = report.findings.filter((f) => !f.ok);
  const errors = failed.filter((f) => f.severity === 'error').length;
  const others = failed.length - errors;
  const also = others ? `, ${others} note${others === 1 ? '' : 's'}` : '';
  lines.push(report.ok
    ? `ok: ${report.user.name} can run containers${also}`
    : `${errors} problem${errors === 1 ? '' : 's'}${also}: ${report.user.name} cannot run containers until ${errors === 1 ? 'it is' : 'they are'} fixed`);
  return lines.join('\n');
}

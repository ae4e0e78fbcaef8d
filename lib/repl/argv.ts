// The arguments of the REPL's dot commands: split into words as a shell would quote them (no shell
// runs), then read as a name, positionals and --options. Needs no liblxc, so it is unit-tested alone.
import { parseArgs } from 'node:util';
import { isAbsolute, resolve } from 'node:path';

/**
 * Splits a dot command's argument text into words: blanks separate them, '…' keeps its text as is,
 * "…" keeps it with \" and \\ escaped, and a backslash outside quotes takes the next character.
 *
 * @example
 * splitArgs(`web download --dist "debian"`) // ['web', 'download', '--dist', 'debian']
 */
export function splitArgs(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
    } else if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error('unterminated \' quote');
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (ch === '"') {
      let s = '';
      for (i++; i < text.length && text[i] !== '"'; i++) s += text[i] === '\\' && /["\\]/.test(text[i + 1] ?? '') ? text[++i] : text[i];
      if (i >= text.length) throw new Error('unterminated " quote');
      word = (word ?? '') + s;
    } else if (ch === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text[++i];
    } else {
      word = (word ?? '') + ch;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/** What a dot command takes: its positionals' names (`?` marks an optional one) and its options. */
export interface CommandSpec {
  /** e.g. ['NAME'] or ['NAME', 'TTY?']. */
  positionals: string[];
  /** --name: true for a flag, else the name of the value it takes (`{ timeout: 'S' }`: --timeout S). */
  options?: Record<string, string | true>;
}

/** A dot command's words read against its spec. */
export interface ParsedCommand {
  positionals: string[];
  options: Record<string, string | boolean | undefined>;
}

/** `.cmd NAME [--a VALUE] [--b]`, for the error of a misuse. */
export function usage(command: string, spec: CommandSpec): string {
  const pos = spec.positionals.map((p) => (p.endsWith('?') ? `[${p.slice(0, -1)}]` : p));
  const opts = Object.entries(spec.options ?? {}).map(([k, v]) => (v === true ? `[--${k}]` : `[--${k} ${v}]`));
  return ['usage:', `.${command}`, ...pos, ...opts].join(' ');
}

/**
 * Reads `text` (what follows `.command`) against `spec`; throws an Error whose message is one line
 * (the usage) on an unknown option, a missing value, or too few or too many positionals.
 *
 * @example
 * parseCommand('stop', 'web --timeout 10', { positionals: ['NAME'], options: { timeout: 'S', kill: true } })
 * // { positionals: ['web'], options: { timeout: '10' } }
 */
export function parseCommand(command: string, text: string, spec: CommandSpec): ParsedCommand {
  const options = Object.fromEntries(Object.entries(spec.options ?? {}).map(([k, v]) => [k, { type: v === true ? 'boolean' as const : 'string' as const }]));
  let parsed;
  try {
    parsed = parseArgs({ args: splitArgs(text), options, allowPositionals: true, strict: true });
  } catch (e) {
    // parseArgs' messages run over several lines and suggest '--' : the first line is the point.
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0].replace(/\. To specify a positional.*$/, '');
    throw new Error(`${first}; ${usage(command, spec)}`);
  }
  const needed = spec.positionals.filter((p) => !p.endsWith('?')).length;
  if (parsed.positionals.length < needed || parsed.positionals.length > spec.positionals.length) throw new Error(usage(command, spec));
  return { positionals: parsed.positionals, options: parsed.values as ParsedCommand['options'] };
}

/** `.create`'s arguments: the name, the template, the template's options. */
export interface CreateArgs {
  name: string;
  template: string;
  templateOptions: Record<string, string | boolean>;
}

/** The template `.create` uses when none is named: small, offline, made from the host's busybox. */
export const DEFAULT_TEMPLATE = 'busybox';

/**
 * The Debian-style architecture name (what the download template's images use) of a Node
 * `process.arch`; undefined for one it has no images for.
 *
 * @example
 * imageArch('x64') // 'amd64'
 */
export function imageArch(nodeArch: string): string | undefined {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'armhf', ia32: 'i386', ppc64: 'ppc64el', s390x: 's390x', riscv64: 'riscv64' } as Record<string, string>)[nodeArch];
}

/**
 * Reads `.create NAME [TEMPLATE] [--key value | --key=value | --flag ...]`: every option is the
 * template's, its key camelCased (`--flush-cache` → flushCache); an option followed by nothing or
 * by another option is a flag (true). The download template's `arch` defaults to the host's.
 *
 * @example
 * createArgs('web download --dist debian --release bookworm', 'x64')
 * // { name: 'web', template: 'download', templateOptions: { dist: 'debian', release: 'bookworm', arch: 'amd64' } }
 */
export function createArgs(text: string, nodeArch: string = process.arch): CreateArgs {
  const words = splitArgs(text);
  const positionals: string[] = [];
  const templateOptions: Record<string, string | boolean> = {};
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (!w.startsWith('--') || w === '--') {
      positionals.push(w);
      continue;
    }
    const eq = w.indexOf('=');
    const raw = eq < 0 ? w.slice(2) : w.slice(2, eq);
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(raw)) throw new Error(`${w}: an option is --NAME VALUE; ${CREATE_USAGE}`);
    const key = raw.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (eq >= 0) templateOptions[key] = w.slice(eq + 1);
    else if (i + 1 < words.length && !words[i + 1].startsWith('--')) templateOptions[key] = words[++i];
    else templateOptions[key] = true;
  }
  if (positionals.length < 1 || positionals.length > 2) throw new Error(CREATE_USAGE);
  const [name, template = DEFAULT_TEMPLATE] = positionals;
  if (template === 'download') {
    const arch = imageArch(nodeArch);
    if (templateOptions.arch === undefined && arch) templateOptions.arch = arch;
    if (typeof templateOptions.dist !== 'string' || typeof templateOptions.release !== 'string') {
      throw new Error('usage: .create NAME download --dist DIST --release RELEASE [--arch ARCH] (e.g. --dist debian --release bookworm)');
    }
  }
  return { name, template, templateOptions };
}

const CREATE_USAGE = 'usage: .create NAME [TEMPLATE] [--OPTION VALUE ...]';

/**
 * An lxcpath typed in the REPL, made absolute as `--lxcpath` does: from the working directory.
 *
 * @example
 * lxcpathOf('./lxc', '/home/alice') // '/home/alice/lxc'
 */
export function lxcpathOf(path: string, cwd: string = process.cwd()): string {
  return isAbsolute(path) ? resolve(path) : resolve(cwd, path);
}

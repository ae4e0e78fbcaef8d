// Finds an installed template and the long options it accepts, by reading its getopt line.
import { fs } from '../builtins.js';
import { liblxcPath, liblxcPathAsync } from '../../ffi/index.js';
import { invalid } from '../errors.js';
import { optionKeyGuess } from '../suggest.js';

const { accessSync, constants, readFileSync } = fs;

/** Where distributions install LXC templates, after the loaded liblxc's own directory (templateDirs()). */
const usualDirs = ['/usr/share/lxc/templates', '/usr/local/share/lxc/templates', '/usr/lib/lxc/templates'];
let ownDir: string | null | undefined;

/**
 * LXCTEMPLATEDIR of the liblxc this process loaded: compiled in as a string and not exported by
 * any call, so it is read from the library file (the first NUL-terminated absolute path ending in
 * /lxc/templates, liblxcPath()). A liblxc built into its own prefix (/opt/lxc-6.0/...) finds its own templates.
 */
export function liblxcTemplateDir(): string | null {
  if (ownDir === undefined) ownDir = liblxcPath('lxc/templates');
  return ownDir;
}

let ownDirRead: Promise<void> | undefined;

/**
 * liblxcTemplateDir() made ready without holding the event loop (the library file, 1.1 MB here, is
 * read on the thread pool); undefined when it is known already. create() awaits it before
 * findTemplate(): the synchronous read took 1–5 ms of the first create's turn.
 */
export function templateDirReady(): Promise<void> | undefined {
  if (ownDir !== undefined) return undefined;
  return (ownDirRead ??= liblxcPathAsync('lxc/templates').then((d) => { ownDir ??= d; }, () => undefined));
}

/** The directories searched for a template by name: liblxc's own first, then the usual ones. */
export function templateDirs(): string[] {
  const own = liblxcTemplateDir();
  return own ? [own, ...usualDirs.filter((d) => d !== own)] : usualDirs;
}

// Options liblxc itself passes to every template: a user-supplied copy would override them.
const RESERVED = new Set(['name', 'path', 'rootfs', 'mapped-uid', 'mapped-gid', 'help']);

/** An installed template: its path and, when its getopt line could be read, the options it takes. */
export interface TemplateInfo {
  path: string;
  /** Long option → whether it takes an argument; undefined when not discoverable. */
  options?: Map<string, boolean>;
}

/** Finds the executable template named `name` (or at the absolute path `name`). */
export function findTemplate(name: string): TemplateInfo {
  const candidates = name.startsWith('/') ? [name] : templateDirs().map((d) => `${d}/lxc-${name}`);
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
    } catch {
      continue;
    }
    const options = readLongOptions(readFileSync(path, 'utf8'));
    return options ? { path, options } : { path };
  }
  throw invalid('create', 'template', `"${name}" is not an installed template (looked in ${candidates.join(', ')})`);
}

/** Reads `getopt ... -l a:,b,...` (or --long / a variable holding the list) out of a template script. */
export function readLongOptions(script: string): Map<string, boolean> | undefined {
  const text = script.replace(/\\\n\s*/g, '');
  const m = /getopt\b[^\n]*?(?:\s-l|\s--long(?:options)?)\s+(["']?)([^\s"']+)\1/.exec(text);
  if (!m) return undefined;
  let list = m[2];
  const variable = /^\$\{?(\w+)\}?$/.exec(list);
  if (variable) {
    const assigned = new RegExp(`\\b${variable[1]}=(["']?)([^\\s"']+)\\1`).exec(text);
    if (!assigned) return undefined;
    list = assigned[2];
  }
  const options = new Map<string, boolean>();
  for (const item of list.split(',')) {
    if (!item) continue;
    options.set(item.replace(/:+$/, ''), item.endsWith(':'));
  }
  return options.size ? options : undefined;
}

/** camelCase → kebab-case, as template long options are spelled. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Raw arguments for the template after the mapped options (python3-lxc's `args`, go-lxc's
 * ExtraArgs): positional, repeated or short options as given. A long option liblxc sets itself
 * (--name, --path, --rootfs, --mapped-uid, --mapped-gid) is refused: a later copy would override it.
 *
 * @example
 * extraArgs(['--packages', 'curl', '-q']) // the same list
 */
export function extraArgs(args: readonly string[]): string[] {
  args.forEach((a, i) => {
    const long = /^--([^=]+)/.exec(a)?.[1];
    if (long !== undefined && RESERVED.has(long)) throw invalid('create', `createOptions.templateArgs.${i}`, `(${a}) is set by liblxc itself and cannot be given`);
    // -n NAME and -p PATH are the short forms of --name and --path in every template lxc ships.
    if (/^-[np]/.test(a)) throw invalid('create', `createOptions.templateArgs.${i}`, `(${a}) is the short form of --name or --path, which liblxc sets itself`);
  });
  return [...args];
}

/**
 * Builds the template's argv from an option map, checked against what the template accepts: a
 * key's long option is its kebab-case, or what `spelled` says (keyServer: --keyserver).
 *
 * @example
 * templateArgv(info, 'download', { flushCache: true, dist: 'x' }) // ['--flush-cache', '--dist', 'x']
 */
export function templateArgv(template: TemplateInfo, name: string, opts: Record<string, string | number | boolean | undefined>, spelled: Readonly<Record<string, string>> = {}): string[] {
  const argv: string[] = [];
  for (const [key, value] of Object.entries(opts)) {
    if (value === undefined || value === false) continue;
    const long = Object.hasOwn(spelled, key) ? spelled[key] : kebab(key);
    if (RESERVED.has(long)) throw invalid('create', `templateOptions.${key}`, `is set by liblxc itself and cannot be given`);
    const takesArg = template.options?.get(long);
    if (template.options && takesArg === undefined) {
      const takes = [...template.options.keys()].filter((k) => !RESERVED.has(k));
      // The key it looks like a slip of, spelled as a key: --flush-cache is flushCache.
      const guess = optionKeyGuess(long, takes);
      const meant = guess === null ? '' : `; did you mean ${guess.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())}?`;
      throw invalid('create', `templateOptions.${key}`, `is not an option of the installed "${name}" template (it takes: ${takes.map((k) => `--${k}`).join(' ')})${meant}`);
    }
    if (value === true) {
      if (takesArg) throw invalid('create', `templateOptions.${key}`, `needs a value (--${long} takes an argument)`);
      argv.push(`--${long}`);
    } else {
      if (takesArg === false) throw invalid('create', `templateOptions.${key}`, `is a flag: pass true`);
      argv.push(`--${long}`, String(value));
    }
  }
  return argv;
}

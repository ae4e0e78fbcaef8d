// Tab completion of container names, on top of Node's own completer (globals, properties, methods).

/** A completer's answer: the candidates and the text they replace. */
export type Completion = [string[], string];

// `new lxc.Container('we` (or `new Container("we`): the open quote, then what was typed of the name.
const CONSTRUCTOR = /new\s+(?:[A-Za-z_$][\w$]*\.)?Container\(\s*(['"`])([^'"`]*)$/;
// `.attach we`, `.info we`, ...: the dot commands whose first word is an existing container's name.
const COMMAND = /^\s*\.(?:attach|console|destroy|info|start|stop)\s+(\S*)$/;

/**
 * Container names completing `line`, or null when the cursor is not where a name goes. A single
 * match inside `new lxc.Container('` also closes the call, passing `lxcpath` when it is not the
 * default one (so the object found is the one listed).
 *
 * @example
 * completeName("new lxc.Container('we", ['web', 'db'], '/var/lib/lxc', '/var/lib/lxc') // [["web')"], 'we']
 */
export function completeName(line: string, names: string[], lxcpath: string, defaultLxcpath: string): Completion | null {
  const command = COMMAND.exec(line);
  if (command) return [names.filter((n) => n.startsWith(command[1])), command[1]];
  const ctor = CONSTRUCTOR.exec(line);
  if (!ctor) return null;
  const [, quote, typed] = ctor;
  const hits = names.filter((n) => n.startsWith(typed));
  if (hits.length !== 1) return [hits, typed];
  const tail = lxcpath === defaultLxcpath ? ')' : `, ${quote}${lxcpath}${quote})`;
  return [[`${hits[0]}${quote}${tail}`], typed];
}

// `.lxcpath /srv/l`, `.ls ./x`: a directory goes there.
const PATH_COMMAND = /^\s*\.(?:ls|lxcpath)\s+(\S*)$/;

/**
 * Directories completing the path after `.lxcpath ` or `.ls `, or null elsewhere. `dirsOf(dir)`
 * gives the subdirectories of a directory (dir is what was typed up to its last '/', '' for the
 * working directory); hidden ones are offered only once a '.' is typed.
 *
 * @example
 * completeDir('.lxcpath /srv/l', (d) => (d === '/srv/' ? ['lxc', 'www'] : [])) // [['/srv/lxc/'], '/srv/l']
 */
export function completeDir(line: string, dirsOf: (dir: string) => string[]): Completion | null {
  const m = PATH_COMMAND.exec(line);
  if (!m) return null;
  const typed = m[1];
  const cut = typed.lastIndexOf('/') + 1;
  const [dir, base] = [typed.slice(0, cut), typed.slice(cut)];
  const hits = dirsOf(dir).filter((d) => d.startsWith(base) && (base.startsWith('.') || !d.startsWith('.'))).sort();
  return [hits.map((d) => `${dir}${d}/`), typed];
}

// `.create NAME download ... --dist de`: the option whose value is being typed, and what was typed.
const IMAGE_OPTION = /^\s*\.create\s+\S+\s+download\b(.*?)\s--(dist|release|arch|variant)(?:=|\s+)(\S*)$/;
// The words of the command's options, for the ones typed before (--dist debian narrows --release).
const OPTION_WORD = /--(dist|release|arch|variant|server)(?:=|\s+)(\S+)/g;

/** A download server's image as completion needs it (lxc.images()' ImageEntry). */
export interface ImageName {
  dist: string;
  release: string;
  arch: string;
  variant: string;
}

/**
 * Where `.create NAME download … --dist|--release|--arch|--variant VALUE` is being typed: the option,
 * what was typed of its value, the server named by `--server` (undefined: the default one) and the
 * other image options already given; null elsewhere.
 *
 * @example
 * imageQuery('.create web download --dist debian --release b') // { key: 'release', typed: 'b', given: { dist: 'debian' } }
 */
export function imageQuery(line: string): { key: keyof ImageName; typed: string; server?: string; given: Partial<ImageName> } | null {
  const m = IMAGE_OPTION.exec(line);
  if (!m) return null;
  const given: Partial<ImageName> = {};
  let server: string | undefined;
  for (const [, k, v] of m[1].matchAll(OPTION_WORD)) {
    if (k === 'server') server = v;
    else given[k as keyof ImageName] = v;
  }
  return { key: m[2] as keyof ImageName, typed: m[3], given, ...(server === undefined ? {} : { server }) };
}

/**
 * The values completing an image option (see imageQuery) from a server's entries: those of the
 * entries that match the other options given, each once, sorted.
 *
 * @example
 * completeImage('.create web download --dist deb', [{ dist: 'debian', release: 'bookworm', arch: 'amd64', variant: 'default' }]) // [['debian'], 'deb']
 */
export function completeImage(line: string, entries: readonly ImageName[]): Completion | null {
  const q = imageQuery(line);
  if (!q) return null;
  const fits = entries.filter((e) => Object.entries(q.given).every(([k, v]) => k === q.key || e[k as keyof ImageName] === v));
  return [[...new Set(fits.map((e) => e[q.key]))].filter((v) => v.startsWith(q.typed)).sort(), q.typed];
}

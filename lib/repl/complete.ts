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

// `npx lxc-ffi`: a Node REPL with the lxc namespace in scope, dot commands for the containers of
// one lxcpath (.ls, .info, .create, .start, .stop, .destroy, .attach, .console, .lxcpath) and tab
// completion of their names. Loaded by bin.ts only: `import 'lxc-ffi'` never pays for it.
import repl, { type REPLServer } from 'node:repl';
import { readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, inspect } from 'node:util';
import * as lxc from '../index.js';
import { lsTable, infoText, checkText, type ContainerRow, type ContainerInfo } from './format.js';
import { completeName, completeDir, completeImage, imageQuery, type Completion } from './complete.js';
import { parseCommand, createArgs, lxcpathOf } from './argv.js';
import { packageVersion, versionMain } from './version.js';

/** What the REPL is started with. */
export interface ReplOptions {
  /** The lxcpath the dot commands and name completion start with. Default: $LXC_FFI_LXCPATH, else lxc.lxcpath. */
  lxcpath?: string;
  /** History file; '' keeps none. Default: $LXC_FFI_HISTORY, else ~/.lxc_ffi_history. */
  history?: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

const USAGE = `Usage: lxc-ffi [--lxcpath PATH]
       lxc-ffi --check [--lxcpath PATH]
       lxc-ffi --version

A Node REPL with lxc-ffi loaded as \`lxc\` (top-level await works).
  -P, --lxcpath PATH  the lxcpath the dot commands start with (env LXC_FFI_LXCPATH)
      --check         say what this user lacks to run containers, with a fix for each; exit 0 when
                      nothing is missing, else 1
  -v, --version       the package's and liblxc's versions
  -h, --help          this text
History: $LXC_FFI_HISTORY, else ~/.lxc_ffi_history ('' keeps none).
Commands: .ls [PATH], .lxcpath [PATH], .info NAME, .create NAME [TEMPLATE] [--OPTION VALUE ...],
  .start NAME, .stop NAME, .destroy NAME, .attach NAME, .console NAME, .check, .help, .exit`;

/** How long `.stop` waits for init to halt before killing it, as lxc-stop. */
const STOP_TIMEOUT_SEC = 60;
// A Tab waits this long (seconds) for a server's image index; then it completes nothing.
const IMAGE_TAB_TIMEOUT = 10;

/** The error's message alone: a dot command's failure is one line, not a stack. */
const reason = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/** A row of .ls for one container; the Container is released before it returns. */
async function rowOf(name: string, lxcpath: string): Promise<ContainerRow> {
  using c = new lxc.Container(name, lxcpath);
  const state = c.state;
  const running = state === 'RUNNING' || state === 'FROZEN';
  const ips = running ? await c.getIps().catch(() => []) : [];
  return { name, state, pid: running ? c.initPid : -1, ips, lxcpath };
}

/** The container `name` of `lxcpath`; ENOTDEFINED (the Container released) when there is none. */
function defined(op: string, name: string, lxcpath: string): lxc.Container {
  const c = new lxc.Container(name, lxcpath);
  if (c.defined) return c;
  c.release();
  throw new lxc.LxcError('ENOTDEFINED', `${op} "${name}": no such container in ${lxcpath}`, { op, container: name, lxcpath });
}

/** What .info shows for one container; figures the kernel or a stopped container lacks are left out. */
async function infoOf(name: string, lxcpath: string): Promise<ContainerInfo> {
  using c = defined('info', name, lxcpath);
  const row = await rowOf(name, lxcpath);
  const info: ContainerInfo = { ...row, configFile: c.configFileName };
  if (row.pid > 0) {
    const tryIt = <T>(f: () => T): T | undefined => { try { return f(); } catch { return undefined; } };
    const mem = tryIt(() => c.memory());
    if (mem) Object.assign(info, { memory: mem.usage, memoryLimit: mem.limit, kernelMemory: mem.kernelUsage });
    info.cpu = tryIt(() => c.cpu().usage);
    const io = tryIt(() => c.io());
    if (io) info.io = io.readBytes + io.writeBytes;
    info.links = (await c.interfaceStats().catch(() => [])).filter((l) => l.name !== 'lo');
  }
  return info;
}

/** A whole number typed for `flag`, at least `min`. */
function integer(flag: string, text: string, min: number): number {
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || n < min) throw new Error(`${flag} ${text}: must be a whole number, ${min} or more`);
  return n;
}

/**
 * `path` made absolute (from the working directory) once it is checked to be a directory: what
 * `.lxcpath PATH` and `.ls PATH` switch to.
 */
function existingLxcpath(path: string): string {
  const abs = lxcpathOf(path);
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    throw new Error(`lxcpath ${abs}: no such directory`);
  }
  if (!isDir) throw new Error(`lxcpath ${abs}: not a directory`);
  return abs;
}

/**
 * Runs `work` with the REPL's input stopped, then shows the prompt again. Stopping the stream is not
 * enough: a paused tty stream keeps reading into its buffer, taking keys meant for an attached shell.
 */
async function withoutInput(r: REPLServer, input: NodeJS.ReadableStream, work: () => Promise<void>): Promise<void> {
  const handle = (input as { _handle?: { reading?: boolean; readStop?: () => number; readStart?: () => number } })._handle;
  r.pause();
  const stopped = handle?.reading === true && handle.readStop !== undefined;
  if (stopped) {
    handle.readStop!();
    handle.reading = false;
  }
  try {
    await work();
  } finally {
    r.resume();
    input.resume();
    // resume() restarts the read only when the stream asks for data again; one left waiting for
    // data when it was stopped does not, and nothing else may keep the event loop alive.
    if (stopped && !handle.reading && handle.readStart) {
      handle.reading = true;
      handle.readStart();
    }
  }
}

/** The banner: versions, the lxcpath in use, where to start. Shown on a terminal only. */
function banner(lxcpath: string): string {
  return `lxc-ffi ${packageVersion()} with liblxc ${lxc.version}, lxcpath ${lxcpath}\n`
    + 'Type .help for the commands; `lxc` is the module, `lxcpath` the lxcpath in use.\n';
}

// Per REPL, the end of the dot commands queued so far.
const idle = new WeakMap<REPLServer, () => Promise<void>>();

/**
 * Resolves once the dot commands typed (or piped in) so far have ended: the REPL's input may end
 * (`.exit`, end of a pipe) while they still run.
 *
 * @example
 * r.on('exit', () => void whenIdle(r).then(() => process.exit(0)));
 */
export function whenIdle(r: REPLServer): Promise<void> {
  return idle.get(r)?.() ?? Promise.resolve();
}

/**
 * Starts the REPL; resolves with the REPLServer once history is set up.
 *
 * @example
 * const r = await startRepl({ lxcpath: '/tmp/lxc' });
 * r.on('exit', () => void whenIdle(r).then(() => process.exit()));
 */
export async function startRepl(options: ReplOptions = {}): Promise<REPLServer> {
  // The one lxcpath of every dot command, name completion and `lxcpath` in scope; .lxcpath and .ls PATH switch it.
  let lxcpath = options.lxcpath ?? (process.env.LXC_FFI_LXCPATH ? lxcpathOf(process.env.LXC_FFI_LXCPATH) : lxc.defaultConfigPath);
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const terminal = (input as { isTTY?: boolean }).isTTY === true && (output as { isTTY?: boolean }).isTTY === true;
  // Piped in or out, the output stays what the commands print.
  if (terminal) output.write(banner(lxcpath));
  const r = repl.start({ prompt: 'lxc> ', input, output, useGlobal: false });
  const install = (context: object) => {
    Object.defineProperty(context, 'lxc', { value: withProgress(output), enumerable: true, configurable: true, writable: true });
    // `lxcpath = '/srv/lxc'` switches as `.lxcpath /srv/lxc` does, so both never disagree.
    Object.defineProperty(context, 'lxcpath', {
      get: () => lxcpath,
      set: (v: unknown) => { lxcpath = existingLxcpath(String(v)); },
      enumerable: true, configurable: true,
    });
  };
  install(r.context);
  // .clear makes a new context.
  r.on('reset', install);
  const colours = r.useColors;
  // Node's REPL writer shows a Proxy as one (showProxy); c.network is a Proxy with its own print form.
  const writerOptions = { ...(repl.writer as { options?: object }).options, showProxy: false, colors: colours };
  (r as { writer: unknown }).writer = Object.assign((v: unknown) => inspect(v, writerOptions), { options: writerOptions });
  const print = (text: string) => output.write(`${text}\n`);
  // A dot command's action is synchronous: the async work prints, then shows the prompt. Commands
  // run one after the other, in the order typed or piped in (`.create`, then `.start`).
  let queue = Promise.resolve();
  const run = (work: () => Promise<void>) => {
    queue = queue.then(work).catch((e) => { print(colours ? `\x1b[31m${reason(e)}\x1b[39m` : reason(e)); }).finally(() => r.displayPrompt());
  };
  idle.set(r, () => queue);
  const switchTo = (path: string) => {
    const next = existingLxcpath(path);
    if (next !== lxcpath) print(`lxcpath: ${next}`);
    lxcpath = next;
  };
  /** `.cmd NAME` commands: the name, once the text is one. */
  const nameOf = (command: string, arg: string) => parseCommand(command, arg, { positionals: ['NAME'] }).positionals[0];

  r.defineCommand('ls', {
    help: '[PATH]  The containers: name, state, pid, IPs (PATH: switch to that lxcpath first)',
    action(arg: string) {
      run(async () => {
        const [path] = parseCommand('ls', arg, { positionals: ['PATH?'] }).positionals;
        if (path !== undefined) switchTo(path);
        const at = lxcpath;
        const rows = await Promise.all(lxc.listContainers({ lxcpath: at }).map((n) => rowOf(n, at)));
        print(lsTable(rows, colours));
      });
    },
  });
  r.defineCommand('lxcpath', {
    help: '[PATH]  Print the lxcpath the commands use, or switch to PATH',
    action(arg: string) {
      run(async () => {
        const [path] = parseCommand('lxcpath', arg, { positionals: ['PATH?'] }).positionals;
        if (path === undefined) print(lxcpath);
        else switchTo(path);
      });
    },
  });
  r.defineCommand('info', {
    help: 'NAME  State, pid, IPs, CPU, memory and I/O use of a container, as lxc-info',
    action(arg: string) {
      run(async () => { print(infoText(await infoOf(nameOf('info', arg), lxcpath), colours)); });
    },
  });
  r.defineCommand('check', {
    help: 'What this user lacks to run containers in the lxcpath, with a fix for each',
    action() {
      run(async () => { print(checkText(await lxc.checkHost({ lxcpath }), colours)); });
    },
  });
  r.defineCommand('create', {
    help: 'NAME [TEMPLATE] [--OPTION VALUE ...]  Create a container (default template: busybox)',
    action(arg: string) {
      run(async () => {
        const { name, template, templateOptions } = createArgs(arg);
        using c = new lxc.Container(name, lxcpath);
        if (c.defined) throw new lxc.LxcError('EEXIST', `create "${name}": already exists in ${lxcpath}`, { op: 'create', container: name, lxcpath });
        const create = c.create as (t: string, o: object) => lxc.CreateTask;
        await lxc.renderProgress(create.call(c, template, templateOptions), output as lxc.ProgressStream);
        print(`created ${name} (template ${template}) in ${lxcpath}`);
      });
    },
  });
  r.defineCommand('start', {
    help: 'NAME  Start a container in the background',
    action(arg: string) {
      run(async () => {
        using c = defined('start', nameOf('start', arg), lxcpath);
        await c.start();
        print(`${c.name} is RUNNING (pid ${c.initPid})`);
      });
    },
  });
  r.defineCommand('stop', {
    help: `NAME [--timeout S] [--kill]  Halt a container; kill it after S s (${STOP_TIMEOUT_SEC}) or at once`,
    action(arg: string) {
      run(async () => {
        const { positionals: [name], options } = parseCommand('stop', arg, { positionals: ['NAME'], options: { timeout: 'S', kill: true } });
        const timeout = options.timeout === undefined ? STOP_TIMEOUT_SEC : integer('--timeout', options.timeout as string, 0);
        using c = defined('stop', name, lxcpath);
        if (!c.running) throw new lxc.LxcError('ENOTRUNNING', `stop "${name}": not running`, { op: 'stop', container: name, lxcpath });
        if (!options.kill && timeout > 0 && await c.shutdown(timeout)) {
          print(`${name} is STOPPED (init halted)`);
          return;
        }
        await c.stop();
        print(`${name} is STOPPED (killed${options.kill || timeout === 0 ? '' : `: init did not halt in ${timeout} s`})`);
      });
    },
  });
  r.defineCommand('destroy', {
    help: 'NAME [--force] [--snapshots]  Destroy a stopped container (--force: a running one too)',
    action(arg: string) {
      run(async () => {
        const { positionals: [name], options } = parseCommand('destroy', arg, { positionals: ['NAME'], options: { force: true, snapshots: true } });
        using c = defined('destroy', name, lxcpath);
        if (c.running) {
          if (!options.force) throw new lxc.LxcError('ERUNNING', `destroy "${name}": it is ${c.state}; .stop ${name} first, or .destroy ${name} --force`, { op: 'destroy', container: name, lxcpath });
          await c.stop();
        }
        await c.destroy({ withSnapshots: options.snapshots === true });
        print(`destroyed ${name}`);
      });
    },
  });
  r.defineCommand('attach', {
    help: 'NAME  A shell in a running container on this terminal; exit it to come back',
    action(arg: string) {
      run(async () => {
        using c = defined('attach', nameOf('attach', arg), lxcpath);
        let code = 0;
        await withoutInput(r, input, async () => { code = await c.attachShell(); });
        if (code !== 0) print(`(shell exited with ${code})`);
      });
    },
  });
  r.defineCommand('console', {
    help: 'NAME [--tty N] [--escape L]  A container\'s console on this terminal; Ctrl-a q comes back',
    action(arg: string) {
      run(async () => {
        const { positionals: [name], options } = parseCommand('console', arg, { positionals: ['NAME'], options: { tty: 'N', escape: 'L' } });
        const fdOf = (s: object) => (s as { fd?: number }).fd;
        const [inFd, outFd] = [fdOf(input), fdOf(output)];
        if (!terminal || inFd === undefined || outFd === undefined) throw new Error('console NAME: needs the REPL on a terminal');
        const tty = options.tty === undefined ? -1 : integer('--tty', options.tty as string, -1);
        const escape = (options.escape as string | undefined) ?? 'a';
        using c = defined('console', name, lxcpath);
        if (!c.running) throw new lxc.LxcError('ENOTRUNNING', `console "${name}": not running`, { op: 'console', container: name, lxcpath });
        // Said before the console takes the terminal: nothing of the REPL shows until it ends.
        print(`Console of ${name}${tty >= 0 ? ` (tty ${tty})` : ''}: type Ctrl-${escape} q to come back to the REPL.`);
        await withoutInput(r, input, () => c.console({ tty, escape, stdinFd: inFd, stdoutFd: outFd, stderrFd: outFd }));
        // The console leaves the cursor wherever the container's output put it.
        print('');
      });
    },
  });

  // Node's completer (globals, properties, methods) with container names where a name goes, and
  // directories after .lxcpath and .ls.
  const nodeCompleter = r.completer as (line: string, cb: (err: Error | null, result?: Completion) => void) => void;
  const dirsOf = (dir: string) => {
    try {
      const abs = lxcpathOf(dir || '.');
      const isDir = (name: string) => { try { return statSync(join(abs, name)).isDirectory(); } catch { return false; } };
      // A symlink to a directory counts as one.
      return readdirSync(abs, { withFileTypes: true }).filter((e) => e.isDirectory() || (e.isSymbolicLink() && isDir(e.name))).map((e) => e.name);
    } catch { return []; }
  };
  // Node previews a single completion after the cursor and Enter takes the preview in: `.destroy w`
  // would destroy web. A dot command's line completes on Tab only: the first completer call after
  // a Tab is readline's, the next one (the preview's) gets nothing.
  let tabbed = false;
  input.prependListener('keypress', (_: unknown, key?: { name?: string }) => { tabbed = key?.name === 'tab'; });
  (r as { completer: unknown }).completer = (line: string, cb: (err: Error | null, result?: Completion) => void) => {
    const fromTab = tabbed;
    tabbed = false;
    if (/^\s*\./.test(line) && !fromTab) return cb(null, [[], line]);
    const dirs = completeDir(line, dirsOf);
    if (dirs) return cb(null, dirs);
    // `.create NAME download --dist <Tab>`: from the server's image index (kept 5 minutes).
    const image = imageQuery(line);
    if (image) {
      lxc.images({ ...(image.server === undefined ? {} : { server: image.server }), timeout: IMAGE_TAB_TIMEOUT })
        .then((entries) => cb(null, completeImage(line, entries) ?? [[], line]), () => cb(null, [[], image.typed]));
      return;
    }
    let names: string[] = [];
    try { names = lxc.listContainers({ lxcpath }); } catch { /* an lxcpath that cannot be listed completes nothing */ }
    const hit = completeName(line, names, lxcpath, lxc.defaultConfigPath);
    if (hit) cb(null, hit);
    else nodeCompleter.call(r, line, cb);
  };

  const history = options.history ?? process.env.LXC_FFI_HISTORY ?? join(homedir(), '.lxc_ffi_history');
  if (history !== '') {
    await new Promise<void>((resolve) => r.setupHistory(history, (err) => {
      if (err) print(`(no history: ${reason(err)})`);
      resolve();
    }));
  }
  return r;
}

/**
 * The namespace the REPL shows as `lxc`: a create() given neither `quiet` nor `onOutput`, a clone()
 * and a snapshot() draw their progress on the REPL's terminal (one live line; plain lines when not
 * a terminal).
 */
function withProgress(output: NodeJS.WritableStream): typeof lxc {
  class Container extends lxc.Container {
    // Containers made elsewhere (lxc.containers(), clone()) are instances too.
    static override [Symbol.hasInstance](v: unknown): boolean {
      return v instanceof lxc.Container;
    }

    override create(template: string, templateOptions?: object, createOptions?: lxc.CreateOptions): lxc.CreateTask {
      const task = (lxc.Container.prototype.create as (t: string, o?: object, c?: lxc.CreateOptions) => lxc.CreateTask).call(this, template, templateOptions, createOptions);
      // The create's own rejection reaches whoever awaits it; the drawing only stops.
      if (!createOptions?.quiet && !createOptions?.onOutput) void lxc.renderProgress(task, output as lxc.ProgressStream).catch(() => undefined);
      return task;
    }

    // A copy clone or snapshot draws its bytes of the total the same way ('copy 40% (…)').
    override clone(newName: string, options?: lxc.CloneOptions): lxc.CopyTask<lxc.Container> {
      const task = super.clone(newName, options);
      void lxc.renderProgress(task, output as lxc.ProgressStream).catch(() => undefined);
      return task;
    }

    override snapshot(commentFile?: string, options?: lxc.AbortOptions): lxc.CopyTask<string> {
      const task = super.snapshot(commentFile, options);
      void lxc.renderProgress(task, output as lxc.ProgressStream).catch(() => undefined);
      return task;
    }
  }
  return { ...lxc, Container } as typeof lxc;
}

/** The `lxc-ffi` command: parses argv, starts the REPL, exits with it. */
export async function main(argv: string[]): Promise<void> {
  let values: { lxcpath?: string; help?: boolean; check?: boolean; version?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { lxcpath: { type: 'string', short: 'P' }, help: { type: 'boolean', short: 'h' }, check: { type: 'boolean' }, version: { type: 'boolean', short: 'v' } } }));
  } catch (e) {
    process.stderr.write(`lxc-ffi: ${reason(e)}\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.version) {
    process.exitCode = await versionMain();
    return;
  }
  if (values.check) {
    const { checkMain } = await import('./check.js');
    process.exitCode = await checkMain(argv);
    return;
  }
  // lxcpaths are absolute for liblxc; a relative one on the command line is meant from here.
  const r = await startRepl({ lxcpath: values.lxcpath === undefined ? undefined : resolve(values.lxcpath) });
  r.on('exit', () => void whenIdle(r).then(() => process.exit(0)));
}

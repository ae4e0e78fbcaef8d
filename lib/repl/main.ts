// `npx lxc-ffi`: a Node REPL with the lxc namespace in scope, dot commands for the containers of
// one lxcpath (.ls, .info, .attach) and tab completion of their names.
import repl, { type REPLServer } from 'node:repl';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, inspect } from 'node:util';
import * as lxc from '../index.js';
import { lsTable, infoText, checkText, type ContainerRow, type ContainerInfo } from './format.js';
import { completeName, type Completion } from './complete.js';

/** What the REPL is started with. */
export interface ReplOptions {
  /** The lxcpath of .ls, .info, .attach and name completion. Default: $LXC_FFI_LXCPATH, else lxc.lxcpath. */
  lxcpath?: string;
  /** History file; '' keeps none. Default: $LXC_FFI_HISTORY, else ~/.lxc_ffi_history. */
  history?: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

const USAGE = `Usage: lxc-ffi [--lxcpath PATH]
       lxc-ffi --check [--lxcpath PATH]

A Node REPL with lxc-ffi loaded as \`lxc\` (top-level await works).
  -P, --lxcpath PATH  containers of .ls, .info, .attach and tab completion (env LXC_FFI_LXCPATH)
      --check         say what this user lacks to run containers, with a fix for each; exit 0 when
                      nothing is missing, else 1
  -h, --help          this text
History: $LXC_FFI_HISTORY, else ~/.lxc_ffi_history ('' keeps none).
Commands: .ls [lxcpath], .info NAME, .attach NAME, .check, .help, .exit`;

/** The error's message alone: a dot command's failure is one line, not a stack. */
const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A row of .ls for one container; the Container is released before it returns. */
async function rowOf(name: string, lxcpath: string): Promise<ContainerRow> {
  using c = new lxc.Container(name, lxcpath);
  const state = c.state;
  const running = state === 'RUNNING' || state === 'FROZEN';
  const ips = running ? await c.getIps().catch(() => []) : [];
  return { name, state, pid: running ? c.initPid : -1, ips, lxcpath };
}

/** What .info shows for one container; figures the kernel or a stopped container lacks are left out. */
async function infoOf(name: string, lxcpath: string): Promise<ContainerInfo> {
  using c = new lxc.Container(name, lxcpath);
  if (!c.defined) throw new lxc.LxcError('ENOTDEFINED', `info "${name}": no such container in ${lxcpath}`, { op: 'info', container: name, lxcpath });
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

/**
 * Runs `work` with the REPL's input stopped, then shows the prompt again. Stopping the stream is not
 * enough: a paused tty stream keeps reading into its buffer, taking keys meant for an attached shell.
 */
async function withoutInput(r: REPLServer, input: NodeJS.ReadableStream, work: () => Promise<void>): Promise<void> {
  const handle = (input as { _handle?: { reading?: boolean; readStop?: () => number } })._handle;
  r.pause();
  if (handle?.reading && handle.readStop) {
    handle.readStop();
    handle.reading = false;
  }
  try {
    await work();
  } finally {
    // resume() restarts the read (net.Socket's _read sees reading === false).
    r.resume();
    input.resume();
  }
}

/**
 * Starts the REPL; resolves with the REPLServer once history is set up.
 *
 * @example
 * const r = await startRepl({ lxcpath: '/tmp/lxc' });
 * r.on('exit', () => process.exit());
 */
export async function startRepl(options: ReplOptions = {}): Promise<REPLServer> {
  const lxcpath = options.lxcpath ?? (process.env.LXC_FFI_LXCPATH || lxc.defaultConfigPath);
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const r = repl.start({ prompt: 'lxc> ', input, output, useGlobal: false });
  Object.defineProperty(r.context, 'lxc', { value: withProgress(output), enumerable: true, configurable: true, writable: true });
  // The lxcpath the dot commands use, for `new lxc.Container(name, lxcpath)`.
  r.context.lxcpath = lxcpath;
  const colours = r.useColors;
  // Node's REPL writer shows a Proxy as one (showProxy); c.network is a Proxy with its own print form.
  const writerOptions = { ...(repl.writer as { options?: object }).options, showProxy: false, colors: colours };
  (r as { writer: unknown }).writer = Object.assign((v: unknown) => inspect(v, writerOptions), { options: writerOptions });
  const print = (text: string) => output.write(`${text}\n`);
  // A dot command's action is synchronous: the async work prints, then shows the prompt.
  const run = (work: () => Promise<void>) => {
    work().catch((e) => print(colours ? `\x1b[31m${reason(e)}\x1b[39m` : reason(e))).finally(() => r.displayPrompt());
  };

  r.defineCommand('ls', {
    help: 'Containers of an lxcpath (default: the REPL\'s): name, state, pid, IPs, lxcpath',
    action(arg: string) {
      const path = arg.trim() || lxcpath;
      run(async () => {
        const rows = await Promise.all(lxc.listContainers({ lxcpath: path }).map((n) => rowOf(n, path)));
        print(lsTable(rows, colours));
      });
    },
  });
  r.defineCommand('info', {
    help: 'State, pid, IPs, CPU, memory and I/O use of a container, as lxc-info shows them',
    action(arg: string) {
      const name = arg.trim();
      run(async () => {
        if (!name) throw new Error('usage: .info NAME');
        print(infoText(await infoOf(name, lxcpath), colours));
      });
    },
  });
  r.defineCommand('check', {
    help: 'What this user lacks to run containers in the REPL\'s lxcpath, with a fix for each (lxc.checkHost())',
    action() {
      run(async () => { print(checkText(await lxc.checkHost({ lxcpath }), colours)); });
    },
  });
  r.defineCommand('attach', {
    help: 'A shell inside a running container on this terminal; exit it to come back',
    action(arg: string) {
      const name = arg.trim();
      run(async () => {
        if (!name) throw new Error('usage: .attach NAME');
        using c = new lxc.Container(name, lxcpath);
        let code = 0;
        await withoutInput(r, input, async () => { code = await c.attachShell(); });
        if (code !== 0) print(`(shell exited with ${code})`);
      });
    },
  });

  // Node's completer (globals, properties, methods) with container names where a name goes.
  const nodeCompleter = r.completer as (line: string, cb: (err: Error | null, result?: Completion) => void) => void;
  (r as { completer: unknown }).completer = (line: string, cb: (err: Error | null, result?: Completion) => void) => {
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
 * The namespace the REPL shows as `lxc`: a create() given neither `quiet` nor `onOutput` draws its
 * progress on the REPL's terminal (one live line; plain lines when not a terminal).
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
  }
  return { ...lxc, Container } as typeof lxc;
}

/** The `lxc-ffi` command: parses argv, starts the REPL, exits with it. */
export async function main(argv: string[]): Promise<void> {
  let values: { lxcpath?: string; help?: boolean; check?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { lxcpath: { type: 'string', short: 'P' }, help: { type: 'boolean', short: 'h' }, check: { type: 'boolean' } } }));
  } catch (e) {
    process.stderr.write(`lxc-ffi: ${reason(e)}\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.check) {
    const { checkMain } = await import('./check.js');
    process.exitCode = await checkMain(argv);
    return;
  }
  // lxcpaths are absolute for liblxc; a relative one on the command line is meant from here.
  const r = await startRepl({ lxcpath: values.lxcpath === undefined ? undefined : resolve(values.lxcpath) });
  r.on('exit', () => process.exit(0));
}

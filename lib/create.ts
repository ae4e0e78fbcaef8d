// Runs liblxc's create() in a separate Node process, so the template's output can be captured
// (liblxc hands it the process's stdout/stderr) and an aborted create can be killed as a group.
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { fs, scratchFile, builtins } from './runtime.js';
import type { BdevSpecs } from './options.js';

const { readFileSync, rmSync } = fs;

/** What the worker needs to create one container. */
export interface CreateRequest {
  name: string;
  lxcpath: string;
  /** Template path, or null for an empty container (template "none"). */
  template: string | null;
  argv: string[];
  bdevtype: string | null;
  specs: BdevSpecs | null;
  flags: number;
  /** A config file the worker loads first (what was set on the Container before create()). */
  configFile: string | null;
  logFile: string;
}

/** How a create went. */
export interface CreateOutcome {
  ok: boolean;
  aborted: boolean;
  log: string[];
  output: string[];
}

interface RunOptions extends Omit<CreateRequest, 'configFile' | 'logFile'> {
  saveConfig: ((file: string) => boolean) | null;
  quiet: boolean;
  onOutput?: ((line: string) => void) | undefined;
  signal?: AbortSignal | undefined;
}

const here = fileURLToPath(import.meta.url);
const worker = here.replace(/create\.(ts|js)$/, 'create-worker.$1');
// Under tsx the worker is TypeScript too: hand the child the same loader flags.
const nodeArgs = here.endsWith('.ts') ? [...process.execArgv, worker] : [worker];

// Spawning a Node process forks this one, which blocks the event loop for tens of milliseconds;
// 20 at once stalled it for 1.3 s. A few workers at a time keep each stall to one spawn.
const MAX_WORKERS = Math.max(2, availableParallelism());
let running = 0;
const waiting: (() => void)[] = [];

/** Runs `task` when fewer than MAX_WORKERS creates (in workers or in this process) are running. */
export async function createSlot<T>(task: () => Promise<T>): Promise<T> {
  if (running >= MAX_WORKERS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await task();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Spawns the create worker (a few at a time) and resolves when it has exited. */
export function runCreate(opts: RunOptions): Promise<CreateOutcome> {
  return createSlot(() => spawnWorker(opts));
}

async function spawnWorker(opts: RunOptions): Promise<CreateOutcome> {
  if (opts.signal?.aborted) return { ok: false, aborted: true, log: [], output: [] };
  const logFile = scratchFile('.create.log');
  let configFile: string | null = null;
  if (opts.saveConfig) {
    configFile = scratchFile('.config');
    if (!opts.saveConfig(configFile)) configFile = null;
  }
  const request: CreateRequest = {
    name: opts.name, lxcpath: opts.lxcpath, template: opts.template, argv: opts.argv,
    bdevtype: opts.bdevtype, specs: opts.specs, flags: opts.flags, configFile, logFile,
  };
  const output: string[] = [];
  const emit = (line: string) => {
    output.push(line);
    if (output.length > 200) output.shift();
    if (opts.onOutput) opts.onOutput(line);
    else if (!opts.quiet) process.stdout.write(`${line}\n`);
  };
  try {
    const child = builtins.childProcess.spawn(process.execPath, [...nodeArgs, JSON.stringify(request)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so an abort also kills the template it runs.
      detached: true,
    });
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        for (const l of lines) emit(l);
      });
      stream.on('end', () => { if (rest) emit(rest); });
    }
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c) => resolve(c));
    }).finally(() => opts.signal?.removeEventListener('abort', onAbort));
    return { ok: code === 0 && !aborted, aborted, log: readLines(logFile), output };
  } finally {
    rmSync(logFile, { force: true });
    if (configFile) rmSync(configFile, { force: true });
  }
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  } catch {
    return [];
  }
}

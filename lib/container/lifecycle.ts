// The lifecycle family: create, start, stop, shutdown, reboot, freeze, unfreeze, wait, destroy, rename.
import { constants as osConstants } from 'node:os';
import * as ffi from '../../ffi/index.js';
import { fs } from '../builtins.js';
import { logReason, invalid, type LxcError, type LxcErrorCode } from '../errors.js';
import { check, accepts, containerName, absolutePath, timeoutSeconds, argv as argvRule } from '../validate.js';
import { options } from '../options/parse.js';
import { abortOptionsSchema, destroyOptionsSchema, executeOptionsSchema, startOptionsSchema, waitOptionsSchema } from '../options/lifecycle.js';
import { createOptionsSchema, downloadOptionsSchema, localOptionsSchema, genericTemplateOptionsSchema } from '../options/lifecycle.js';
import { states, startDefaults, executeDefaults, destroyDefaults, type ContainerState, type StartOptions, type AbortOptions, type WaitOptions } from '../options/lifecycle.js';
import { createDefaults, templateLongOptions, imagesDefaults, type DownloadOptions } from '../options/lifecycle.js';
import type { Defaulted } from '../options/parse.js';
import type { EventFeed } from '../create/feed.js';
import { bdevSpecsStruct } from '../create/protocol.js';
import type { CacheLock } from '../create/cachelock.js';
import { dirname, normalize } from 'node:path';
import { sleep, deadline } from './waits.js';
import { setCgroupItem } from './config.js';
import { sibling, type Handle, type Sibling } from './handle.js';
import { exists } from '../call/routes.js';
import { invoke, plain } from '../call/invoke.js';
import type { ExitStatus } from '../attach/process.js';
import type { ContainerExit } from '../watch.js';

// The monitor channel's watcher, loaded by the first wait() that has to wait.
let watchModule: Promise<typeof import('../watch.js')> | undefined;
// snapshots.ts loads with the first call that needs it (destroy({ withSnapshots }) here).
let snapshotsModule: Promise<typeof import('./snapshots.js')> | undefined;
// images.ts (and node:https) load with the first download create.
let imagesModule: Promise<typeof import('../images.js')> | undefined;
let createModules: Promise<[typeof import('../create/pool.js'), typeof import('../create/templates.js'), typeof import('../create/phases.js')]> | undefined;
const createLib = () => (createModules ??= Promise.all([import('../create/pool.js'), import('../create/templates.js'), import('../create/phases.js')]));

// shutdown(): how often the halt signal is sent again while init runs, once it handles the signal
// and while it does not (yet).
const SHUTDOWN_RESEND_MS = 5000;
const SHUTDOWN_UNHANDLED_RESEND_MS = 1000;
// glibc's SIGRTMIN (the kernel's 32, less the two glibc keeps), as liblxc's SIGRTMIN + 3 means it.
const SIGRTMIN = 34;
// freeze(): how long a FREEZING state may last before the container is thawed and frozen again.
const FREEZE_RETRY_MS = 1000;
// reboot() without a timeout: how long it waits for init to handle the reboot signal before sending it anyway.
const REBOOT_SEND_MS = 5000;

/**
 * The signals liblxc sends for a lxc.signal.halt or lxc.signal.reboot value; unset: SIGPWR, or
 * SIGRTMIN+3 for an init that blocks it, to halt; SIGINT to reboot.
 */
function initSignals(value: string, kind: 'halt' | 'reboot'): number[] {
  const v = value.trim().toUpperCase().replace(/^SIG/, '');
  const signals = osConstants.signals as Record<string, number>;
  if (!v && kind === 'reboot') return [signals.SIGINT];
  if (!v) return [signals.SIGPWR, SIGRTMIN + 3];
  if (/^\d+$/.test(v)) return [Number(v)];
  const rt = /^RTMIN\+(\d+)$/.exec(v);
  if (rt) return [SIGRTMIN + Number(rt[1])];
  const n = signals[`SIG${v}`];
  return n ? [n] : [];
}

/** Whether process `pid` catches or blocks (signalfd) any of `signals`: whether a signal sent now is not dropped. */
function initHandles(pid: number, signals: number[]): boolean {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return false;
  }
  const mask = (name: string) => BigInt(`0x${/^${name}:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? '0'}`);
  const handled = mask('SigCgt') | mask('SigBlk');
  return signals.some((sig) => (handled >> BigInt(sig - 1)) & 1n);
}

function item(h: Handle, key: string): string {
  return (invoke(h, 'config', 'get_config_item', plain, key) ?? '').replace(/\n$/, '');
}

/** The environment now: what a template runs with, taken when create() is called. */
export function environment(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
}

export async function create(h: Handle, template: unknown, templateOptions: unknown = {}, createOptions: unknown = {}, env = environment(), feed?: EventFeed): Promise<void> {
  const op = 'create';
  h.ref(op);
  if (typeof template !== 'string' || !(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(template) || accepts(absolutePath, template))) {
    throw invalid(op, 'template', 'must be a template name (letters, digits, "_", "-", ".") or an absolute path');
  }
  if (typeof templateOptions !== 'object' || templateOptions === null || Array.isArray(templateOptions)) throw invalid(op, 'templateOptions', 'must be an object');
  const opts = options(op, 'createOptions', createOptionsSchema, createOptions, createDefaults);
  let argv: string[] = [];
  let path: string | null = null;
  let cachedRootfs: string | null = null;
  let cacheLock: CacheLock | null = null;
  if (template === 'none') {
    if (Object.keys(templateOptions).length) throw invalid(op, 'templateOptions', 'must be empty for template "none"');
    if (opts.templateArgs.length) throw invalid(op, 'createOptions.templateArgs', 'must be empty for template "none"');
  } else {
    const schema = template === 'download' ? downloadOptionsSchema : template === 'local' ? localOptionsSchema : genericTemplateOptionsSchema;
    // Every template's options are checked (the download and local ones' required keys even when empty).
    const parsed = options(op, 'templateOptions', schema as typeof genericTemplateOptionsSchema, templateOptions);
    const [, { findTemplate, templateArgv, extraArgs, templateDirReady }, { cachedRootfs: cacheOf, downloadMode }] = await createLib();
    const dirRead = templateDirReady();
    if (dirRead) await dirRead;
    const info = findTemplate(template);
    if (template === 'download') {
      const image = parsed as unknown as DownloadOptions;
      cachedRootfs = cacheOf(env, image);
      cacheLock = { dir: normalize(dirname(cachedRootfs)), flush: !!image.flushCache, force: !!image.forceCache, mode: downloadMode() };
    }
    // The typed templates' camelCase keys whose long option is spelled otherwise (keyServer: --keyserver).
    argv = [...templateArgv(info, template, parsed, template === 'download' || template === 'local' ? templateLongOptions : {}), ...extraArgs(opts.templateArgs)];
    path = info.path;
  }
  if (h.query(op, 'is_defined')) throw h.error('EEXIST', op, `already exists in ${h.lxcpath}`);
  // An image the server does not list fails here, before anything is downloaded; --force-cache
  // needs no server, and a server that cannot be asked is left to the template to report.
  if (template === 'download' && !(templateOptions as DownloadOptions).forceCache) await checkDownload(templateOptions as DownloadOptions, env, opts.signal);
  if (opts.signal?.aborted) throw h.aborted(op, opts.signal, undefined, {}, 'aborted before it started');
  await invoke(h, op, 'create', {
    signal: opts.signal,
    // In the create's turn: the struct reread, and a half-made container destroyed before any next call.
    settle: async ({ result: outcome }) => {
      h.reopen();
      if (!outcome.ok) {
        // Half-made: destroyed. A second try for a destroy that raced the last writes of a killed template.
        for (let i = 0; i < 2 && h.query(op, 'is_defined'); i++) {
          if (i) await new Promise((r) => setTimeout(r, 200));
          await invoke(h, op, 'destroy', { undo: true }).catch(() => undefined);
        }
        // The struct read the half-made config (its rootfs path): a fresh one, so a next create starts clean.
        h.reopen();
        if (outcome.aborted) throw h.aborted(op, opts.signal, outcome.log, { output: outcome.output });
        if (outcome.died) {
          const left = h.query(op, 'is_defined') ? `the half-made container is still in ${h.lxcpath} (destroy() it)` : 'nothing was kept';
          throw h.error('ECREATE', op, `the create worker died mid-create (${outcome.died}); ${left}`, outcome.log, { output: outcome.output });
        }
        const reasons = outcome.log.filter((l) => / ERROR /.test(l)).map(logReason);
        const tail = outcome.output.filter((l) => l.trim()).slice(-3).join(' | ');
        const why = tail || reasons[0] || `template "${template}" failed`;
        throw h.error('ECREATE', op, why, outcome.log, { output: outcome.output });
      }
    },
  }, {
    template: path, argv, bdevtype: opts.bdevType, specs: opts.bdevSpecs === null ? null : bdevSpecsStruct(opts.bdevSpecs), flags: opts.flags,
    quiet: opts.quiet, onOutput: opts.onOutput, env, feed, cachedRootfs, cacheLock,
  });
}

/** Refuses (EINVAL, with "did you mean") a download image the server's index does not list. */
async function checkDownload(image: DownloadOptions, env: Record<string, string>, signal: AbortSignal | undefined): Promise<void> {
  const { catalogue, checkImage } = await (imagesModule ??= import('../images.js'));
  const server = image.server ?? imagesDefaults.server;
  // A kept index first; an image it lacks is looked up once more in a fresh one (published since).
  for (const maxAge of [imagesDefaults.maxAge, 0]) {
    let entries;
    try {
      entries = await catalogue({ server, maxAge, timeout: imagesDefaults.timeout, signal }, env);
    } catch {
      return;
    }
    try {
      return checkImage(image, entries, server);
    } catch (e) {
      if (maxAge === 0) throw e;
    }
  }
}

export async function start(h: Handle, options_: unknown): Promise<ExitStatus | undefined> {
  const op = 'start';
  const o = options(op, 'options', startOptionsSchema, options_, startDefaults);
  return begin(h, op, o);
}

export async function execute(h: Handle, argv: unknown, options_: unknown): Promise<ExitStatus> {
  const op = 'execute';
  const o = options(op, 'options', executeOptionsSchema, options_, executeDefaults);
  // Left out, lxc.execute.cmd stands in (never empty: an empty argv makes init exec nothing).
  const started = argv === undefined ? {} : { argv: check(op, 'argv', argvRule, argv) };
  return (await begin(h, op, { ...started, ...o, useInit: true, daemonize: false }))!;
}

/** StartOptions with the defaults applied. */
type Start = Defaulted<StartOptions, typeof startDefaults>;

async function begin(h: Handle, op: string, o: Start): Promise<ExitStatus | undefined> {
  h.need(op, 'defined');
  if (h.query(op, 'is_running')) throw h.error('ERUNNING', op, 'the container is already running');
  if (o.signal?.aborted) throw h.aborted(op, o.signal);
  if (o.daemonize === false) return followed(h, op, o.signal, () => launch(h, op, o));
  await launch(h, op, o);
  return undefined;
}

/** Stops what an aborted call started (the stop's own failure is not the caller's news). */
export async function undoStart(h: Handle, op: string): Promise<void> {
  await invoke(h, op, 'stop', { undo: true }).catch(() => undefined);
}

/** liblxc's start, daemonized: it returns once init runs (or failed to). */
async function launch(h: Handle, op: string, o: Start): Promise<void> {
  // NULL, not an empty argv: an empty one makes init exec nothing.
  const argv = o.argv ? [...o.argv, null] : null;
  const { log } = await invoke(h, op, 'start', {
    fails: { code: 'ESTART', why: 'liblxc could not start it' }, signal: o.signal,
    before: [{ member: 'want_daemonize', args: [true] }, { member: 'want_close_all_fds', args: [o.closeAllFds === true] }],
  }, o.useInit ? 1 : 0, argv);
  if (o.signal?.aborted) {
    await undoStart(h, op);
    throw h.aborted(op, o.signal, log, {}, 'aborted: it was started, and is stopped again');
  }
}

/**
 * Starts the container with `begin` and resolves when it has stopped, with how its init ended.
 * liblxc runs a non-daemonized start only in a single-threaded caller ("Cannot start non-daemonized
 * container when threaded"), which no Node process is, and a fork of one cannot run JavaScript
 * (V8 maps its heap MADV_DONTFORK). So the container runs under its own monitor as always, and
 * its end is read where liblxc publishes it: the monitor channel's exit-code message (init's wait
 * status, sent just before STOPPED), as lxc-monitor shows it.
 */
async function followed(h: Handle, op: string, signal: AbortSignal | undefined, begin: () => Promise<void>): Promise<ExitStatus> {
  const { Watcher } = await (watchModule ??= import('../watch.js'));
  const watcher = new Watcher(h.lxcpath, [h.name]);
  try {
    await watcher.ready;
  } catch (e) {
    watcher.close();
    throw h.error('ENOTSUP', op, `its end cannot be followed without liblxc's monitor channel: ${(e as Error).message}`, [], { cause: e });
  }
  const ended = new Promise<ExitStatus>((resolve) => {
    let last: ExitStatus | null = null;
    watcher.on('exit', (e: ContainerExit) => { last = { exitCode: e.exitCode, ...(e.signal ? { signal: e.signal } : {}) }; });
    watcher.on('change', ({ state }: { state: string }) => {
      if (state !== 'STOPPED') return;
      // Init killed by SIGHUP is a reboot (start.c): liblxc starts the container again.
      if (last?.signal === 'SIGHUP') {
        last = null;
        return;
      }
      resolve(last ?? { exitCode: null });
    });
    watcher.on('error', () => resolve(poll(h, op, () => h.query(op, 'state') === 'STOPPED', -1).then(() => last ?? { exitCode: null })));
  });
  // An abort while it runs stops it; the promise then rejects once it has stopped.
  const onAbort = () => void undoStart(h, op);
  try {
    await begin();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    const end = await ended;
    if (signal?.aborted) throw h.aborted(op, signal, [], end, 'aborted: the container was stopped');
    return end;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    watcher.close();
  }
}

// A process of lxc-ffi's own still ending inside the container when its monitor removes the payload
// cgroup keeps that cgroup (and its .lxc leaf) busy: it stays behind. Such processes end first.
async function stopping(h: Handle): Promise<void> {
  if (h.beforeStop.length) await Promise.all(h.beforeStop.map((f) => f()));
}

export async function stop(h: Handle, options_: unknown): Promise<void> {
  const { signal }: AbortOptions = options('stop', 'options', abortOptionsSchema, options_);
  await invoke(h, 'stop', 'stop', { fails: { code: 'ESTOP', why: 'liblxc could not stop it' }, signal, first: () => stopping(h) });
}

export async function shutdown(h: Handle, timeoutSec: unknown, options_: unknown): Promise<boolean> {
  const op = 'shutdown';
  const timeout = check(op, 'timeoutSec', timeoutSeconds, timeoutSec);
  const { signal }: WaitOptions = options(op, 'options', waitOptionsSchema, options_);
  h.need(op, 'defined');
  if (!h.query(op, 'is_running')) return true;
  await stopping(h);
  return signalInit(h, op, 'shutdown', initSignals(item(h, 'lxc.signal.halt'), 'halt'), () => h.query(op, 'state') === 'STOPPED', timeout, signal);
}

export async function reboot(h: Handle, timeoutSec: unknown, options_: unknown): Promise<boolean> {
  const op = 'reboot';
  const timeout = timeoutSec === undefined ? undefined : check(op, 'timeoutSec', timeoutSeconds, timeoutSec);
  const { signal }: WaitOptions = options(op, 'options', waitOptionsSchema, options_);
  h.need(op, 'running');
  const before = h.query(op, 'init_pid');
  const signals = initSignals(item(h, 'lxc.signal.reboot'), 'reboot');
  const rebooted = () => {
    const pid = h.query(op, 'init_pid');
    return pid > 0 && pid !== before && h.query(op, 'state') === 'RUNNING';
  };
  // Without a timeout: sent once init can take it (waiting at most REBOOT_SEND_MS for that), then resolved.
  if (timeout === undefined) {
    let sent = false;
    await signalInit(h, op, 'reboot', signals, () => sent, REBOOT_SEND_MS / 1000, signal, before, () => { sent = true; });
    if (!sent) invoke(h, op, 'reboot', { fails: { code: 'EREBOOT', why: 'could not signal init' } });
    return true;
  }
  return signalInit(h, op, 'reboot', signals, rebooted, timeout, signal, before);
}

/**
 * Sends init a signal through liblxc's `member` (shutdown with timeout 0, or reboot) until
 * `done()`: once init catches or blocks it, again every SHUTDOWN_RESEND_MS while it runs, every
 * SHUTDOWN_UNHANDLED_RESEND_MS while it does not handle it. An init that has just started drops a
 * signal it has no handler for yet (PID 1 ignores those), and liblxc sends it only once.
 */
function signalInit(h: Handle, op: string, member: 'shutdown' | 'reboot', signals: number[], done: () => boolean, timeoutSec: number, abort?: AbortSignal, only?: number, onSent?: () => void): Promise<boolean> {
  const code: LxcErrorCode = member === 'shutdown' ? 'ESHUTDOWN' : 'EREBOOT';
  let sentTo = 0;
  let sentAt = 0;
  return poll(h, op, () => {
    if (done()) return true;
    const pid = h.query(op, 'init_pid');
    if (pid <= 0) return member === 'shutdown';
    // A reboot goes to the init that was running: the next one is left alone.
    if (only !== undefined && pid !== only) return false;
    const handled = initHandles(pid, signals);
    const interval = handled ? SHUTDOWN_RESEND_MS : SHUTDOWN_UNHANDLED_RESEND_MS;
    if ((handled && pid !== sentTo) || Date.now() - sentAt >= interval) {
      const ok = member === 'shutdown' ? invoke(h, op, 'shutdown', plain, 0) : invoke(h, op, 'reboot', plain);
      if (!ok) {
        if (!h.query(op, 'is_running')) return member === 'shutdown';
        if (sentAt === 0) throw h.error(code, op, 'could not signal init');
        return false;
      }
      if (handled) onSent?.();
      sentTo = pid;
      sentAt = Date.now();
    }
    return false;
  }, timeoutSec, abort);
}

export async function freeze(h: Handle): Promise<void> {
  const op = 'freeze';
  const frozen = invoke(h, op, 'freeze', { fails: { code: 'EFREEZE', why: 'liblxc could not freeze it' } });
  let settled = false;
  const done = frozen.then(() => { settled = true; }, () => { settled = true; });
  for (let stuck = 0; !settled;) {
    await Promise.race([done, sleep(FREEZE_RETRY_MS)]);
    if (settled || h.released) break;
    stuck = h.query(op, 'state') === 'FREEZING' ? stuck + 1 : 0;
    // Only the v1 freezer has freezer.state; liblxc's own loop sees FROZEN once it takes.
    if (stuck > 0) {
      try {
        setCgroupItem(h, 'freezer.state', 'THAWED');
        setCgroupItem(h, 'freezer.state', 'FROZEN');
      } catch { /* no v1 freezer: nothing to retry */ }
    }
  }
  await frozen;
}

export async function unfreeze(h: Handle): Promise<void> {
  await invoke(h, 'unfreeze', 'unfreeze', { fails: { code: 'EUNFREEZE', why: 'liblxc could not thaw it' } });
}

export async function wait(h: Handle, state: unknown, timeoutSec: unknown, options_: unknown): Promise<boolean> {
  const op = 'wait';
  if (!states.includes(state as ContainerState)) throw invalid(op, 'state', `must be one of ${states.join(', ')}`);
  const timeout = check(op, 'timeoutSec', timeoutSeconds, timeoutSec);
  const { signal }: WaitOptions = options(op, 'options', waitOptionsSchema, options_);
  h.ref(op);
  if (h.query(op, 'state') === state) return true;
  if (signal?.aborted) throw h.aborted(op, signal);
  // Every state liblxc reports, THAWED and short-lived ones included, from its monitor channel
  // (lib/watch.ts); polling the state getter where that channel cannot be had (no lxc-monitord).
  const { Watcher } = await (watchModule ??= import('../watch.js'));
  const watcher = new Watcher(h.lxcpath, [h.name]);
  try {
    await watcher.ready;
  } catch {
    watcher.close();
    return poll(h, op, () => h.query(op, 'state') === state, timeout, signal);
  }
  return new Promise<boolean>((resolve, reject) => {
    const timer = timeout === -1 ? null : setTimeout(() => finish(() => resolve(false)), timeout * 1000);
    const onAbort = () => finish(() => reject(h.aborted(op, signal)));
    // Released while it waits: ERELEASED, as every call on a released container.
    const onRelease = () => finish(() => reject(h.error('ERELEASED', op, 'the container was released')));
    h.onRelease.push(onRelease);
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      const i = h.onRelease.indexOf(onRelease);
      if (i >= 0) h.onRelease.splice(i, 1);
      watcher.close();
      settle();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    // Aborted while the watcher was being set up: the listener above will not fire.
    if (signal?.aborted) {
      onAbort();
      return;
    }
    watcher.on('change', (c: { state: string }) => { if (c.state === state) finish(() => resolve(true)); });
    watcher.on('error', () => finish(() => resolve(poll(h, op, () => h.query(op, 'state') === state, timeout, signal))));
    // A change between the first look and the watcher listening is not reported: look again.
    try {
      if (h.query(op, 'state') === state) finish(() => resolve(true));
    } catch (e) {
      finish(() => reject(e));
    }
  });
}

/** Polls `done` (cheap, synchronous) until true or the timeout; never holds a libuv thread. */
async function poll(h: Handle, op: string, done: () => boolean, timeoutSec: number, signal?: AbortSignal): Promise<boolean> {
  const end = deadline(timeoutSec);
  for (let delay = 5; ; delay = Math.min(delay * 2, 50)) {
    if (done()) return true;
    if (Date.now() >= end) return false;
    if (signal?.aborted) throw h.aborted(op, signal);
    await sleep(Math.min(delay, Math.max(0, end - Date.now())), signal).catch(() => {
      throw h.aborted(op, signal);
    });
  }
}

export async function destroy(h: Handle, options_: unknown): Promise<void> {
  const op = 'destroy';
  const o = options(op, 'options', destroyOptionsSchema, options_, destroyDefaults);
  // destroy_with_snapshots removes the snapshots before it finds the container running: asked first.
  h.need(op, o.withSnapshots ? 'stopped' : 'defined');
  // liblxc (3.0 to 7.0) fails destroy_with_snapshots on a container that has never had a
  // snapshot (remove_all_snapshots cannot open the missing snaps directory); nothing to remove then.
  const withSnapshots = o.withSnapshots === true && (await (await (snapshotsModule ??= import('./snapshots.js'))).snapshotList(h)).length > 0;
  try {
    await invoke(h, op, withSnapshots ? 'destroy_with_snapshots' : 'destroy', { fails: { code: 'EDESTROY', why: 'liblxc could not destroy it' }, signal: o.signal });
  } catch (e) {
    // A plain destroy's state is asked only now (routes.ts): liblxc refused a running one untouched.
    if ((e as LxcError).code === 'EDESTROY' && h.query(op, 'is_running')) throw h.error('ERUNNING', op, 'the container is running: stop it first');
    throw e;
  }
}

export async function rename(h: Handle, newName: unknown): Promise<Sibling> {
  const op = 'rename';
  const name = check(op, 'newName', containerName, newName);
  h.need(op, 'stopped');
  if (exists(name, h.lxcpath)) throw h.error('EEXIST', op, `"${name}" already exists in ${h.lxcpath}`);
  await invoke(h, op, 'rename', { fails: { code: 'ERENAME', why: `liblxc could not rename it to "${name}"` } }, name);
  return sibling(name, h.lxcpath);
}

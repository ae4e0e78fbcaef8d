// The image catalogue of a download server: its index, fetched as the download template fetches it
// (https://SERVER/meta/1.0/index-MODE.COMPAT, then index-MODE), read as its `read` loop reads it,
// kept a few minutes per server; and the check create('download') makes against it. node:https is
// loaded on the first fetch: `import 'lxc-ffi'` does not compile the TLS stack.
import { fs, builtins } from './builtins.js';
import { LxcError, invalid } from './errors.js';
import { options, loadSchemas, schemasLoaded, type Seconds } from './options/parse.js';
import { imagesOptionsSchema, imagesDefaults, type ImagesOptions } from './options/lifecycle.js';
import { nearest } from './suggest.js';

/** One image a download server lists: a line `dist;release;arch;variant;build;path` of its index. */
export interface ImageEntry {
  /** Distribution, such as 'debian'. */
  readonly dist: string;
  /** Release, such as 'bookworm'. */
  readonly release: string;
  /** Architecture as the server spells it, such as 'amd64'. */
  readonly arch: string;
  /** Variant, such as 'default' or 'cloud'. */
  readonly variant: string;
  /** The build (serial), such as '20261207_05:24'. */
  readonly build: string;
  /** Where the build's files are on the server, such as '/images/debian/bookworm/amd64/default/20261207_05:24/'. */
  readonly path: string;
}

// Bounds of one fetch: the real index-system is ≈ 60 KiB; a server sending more is not an index.
const MAX_INDEX_BYTES = 4 * 2 ** 20;
// LXC 5.0.2's DOWNLOAD_COMPAT_LEVEL, when the installed template cannot be read.
const COMPAT_LEVEL = 7;
// A control character in a field: not a line an index has (and not something to print or pass on).
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The entries of an index's text, read as lxc-download's `while IFS=';' read -r f1 ... f6` loop:
 * the sixth field takes the rest of the line; a line with an empty field, fewer than six fields or
 * a control character is skipped (the template skips the first two kinds too). A '\r' before the
 * '\n' is dropped.
 *
 * @example
 * parseIndex('debian;bookworm;amd64;default;20261207_05:24;/images/debian/bookworm/amd64/default/20261207_05:24/\n')
 * // [{ dist: 'debian', release: 'bookworm', arch: 'amd64', variant: 'default', build: '20261207_05:24', path: '/images/…/' }]
 */
export function parseIndex(text: string): ImageEntry[] {
  const out: ImageEntry[] = [];
  for (let line of text.split('\n')) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const f = line.split(';');
    if (f.length < 6) continue;
    const fields = [...f.slice(0, 5), f.slice(5).join(';')];
    if (fields.some((x) => x === '' || CONTROL.test(x))) continue;
    const [dist, release, arch, variant, build, path] = fields;
    out.push(Object.freeze({ dist, release, arch, variant, build, path }));
  }
  return out;
}

/** The `ca_certificate` of the wgetrc `env.WGETRC` names: the CA the template's wget trusts. */
function wgetrcCa(env: Record<string, string | undefined>): string | undefined {
  if (!env.WGETRC) return undefined;
  try {
    return /^\s*ca_?certificate\s*=\s*(.+?)\s*$/im.exec(fs.readFileSync(env.WGETRC, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

let compatLevel: number | undefined;
/** The installed download template's DOWNLOAD_COMPAT_LEVEL (the index name's suffix), else 5.0.2's. */
async function compat(): Promise<number> {
  if (compatLevel === undefined) {
    try {
      const { findTemplate } = await import('./create/templates.js');
      const m = /^DOWNLOAD_COMPAT_LEVEL=(\d+)/m.exec(fs.readFileSync(findTemplate('download').path, 'utf8'));
      compatLevel = m ? Number(m[1]) : COMPAT_LEVEL;
    } catch {
      compatLevel = COMPAT_LEVEL;
    }
  }
  return compatLevel;
}

/** An HTTP answer that is not 200: the next index name is tried. */
class HttpStatus extends Error {}

/** GET https://`server``path` into a Buffer, at most MAX_INDEX_BYTES, done by `deadline` (ms since the epoch). */
function get(server: string, path: string, ca: Buffer | undefined, deadline: number, userAgent: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const url = new URL(`https://${server}${path}`);
    const left = deadline - Date.now();
    if (left <= 0) return reject(new Error('no answer in time'));
    const tlsCa = ca ? [...builtins.tls.rootCertificates, ca.toString('utf8')] : undefined;
    // agent: false: no kept-alive socket holds the caller's event loop open afterwards.
    const req = builtins.https.get(url, { agent: false, headers: { 'user-agent': userAgent }, ...(tlsCa ? { ca: tlsCa } : {}) }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return fail(new HttpStatus(`HTTP ${res.statusCode ?? '?'} for ${path}`));
      }
      const length = Number(res.headers['content-length']);
      if (length > MAX_INDEX_BYTES) return fail(new Error(`${path} is ${length} bytes, more than an index (${MAX_INDEX_BYTES})`));
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (b: Buffer) => {
        size += b.length;
        if (size > MAX_INDEX_BYTES) return fail(new Error(`${path} is more than ${MAX_INDEX_BYTES} bytes: not an index`));
        chunks.push(b);
      });
      res.on('end', () => done(() => resolve(Buffer.concat(chunks))));
      res.on('error', fail);
    });
    // One deadline for connect, headers and body: a server that trickles a byte a minute ends too.
    const timer = setTimeout(() => fail(new Error('no answer in time')), left);
    req.on('error', fail);
    let settled = false;
    function done(f: () => void): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      f();
    }
    function fail(e: Error): void {
      done(() => reject(e));
      req.destroy();
    }
  });
}

/** Fetches and reads the index of `server` (index-MODE.COMPAT, then index-MODE as the template does). */
async function fetchIndex(server: string, caFile: string | undefined, timeout: Seconds): Promise<readonly ImageEntry[]> {
  const deadline = Date.now() + timeout * 1000;
  // The index a create by this process asks for (index-user in a user namespace).
  const mode = (await import('./create/phases.js')).downloadMode();
  const level = await compat();
  let ca: Buffer | undefined;
  try {
    ca = caFile === undefined ? undefined : fs.readFileSync(caFile);
  } catch (e) {
    throw new LxcError('EINDEX', `images: the CA file ${caFile} cannot be read (${(e as Error).message})`, { op: 'images', cause: e });
  }
  // The template's user agent: the server may pick what it lists by the compat level.
  const { versionString } = await import('../ffi/index.js');
  const agent = `lxc/${versionString} compat:${level}`;
  let last: Error | undefined;
  for (const path of [`/meta/1.0/index-${mode}.${level}`, `/meta/1.0/index-${mode}`]) {
    try {
      return Object.freeze(parseIndex((await get(server, path, ca, deadline, agent)).toString('utf8')));
    } catch (e) {
      last = e as Error;
      if (Date.now() >= deadline) break;
    }
  }
  throw new LxcError('EINDEX', `images: the image index of ${server} could not be fetched: ${last?.message ?? 'no answer'}`, { op: 'images', cause: last });
}

/** Indexes by server and CA (the mode is the process's): the settled ones with when they were fetched, and the one under way. */
const cache = new Map<string, { at: number; settled: boolean; entries: Promise<readonly ImageEntry[]> }>();

/** `promise`, or EABORT as soon as `signal` fires. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  const aborted = () => new LxcError('EABORT', 'images: aborted', { op: 'images', cause: signal.reason });
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** images() for a given environment (create's, taken at its call). */
export function catalogue(opts: { server: string; caFile?: string | undefined; maxAge: Seconds; timeout: Seconds; signal?: AbortSignal | undefined }, env: Record<string, string | undefined> = process.env): Promise<readonly ImageEntry[]> {
  const caFile = opts.caFile ?? wgetrcCa(env);
  const key = `${opts.server}\n${caFile ?? ''}`;
  const hit = cache.get(key);
  // Being fetched now, or fetched less than maxAge ago: shared (one request for N creates at once).
  if (hit && (!hit.settled || opts.maxAge < 0 || Date.now() - hit.at < opts.maxAge * 1000)) return abortable(hit.entries, opts.signal);
  const entry = { at: Date.now(), settled: false, entries: fetchIndex(opts.server, caFile, opts.timeout) };
  entry.entries.then(() => { entry.at = Date.now(); entry.settled = true; }, () => { if (cache.get(key) === entry) cache.delete(key); });
  cache.set(key, entry);
  return abortable(entry.entries, opts.signal);
}

/**
 * The images a download server lists (its index, as the download template reads it: index-system,
 * or index-user where the template runs in a user namespace), fetched over HTTPS with Node's https and kept 5 minutes
 * per server (`maxAge`). Rejects with EINDEX when the index cannot be fetched, EABORT on `signal`.
 *
 * @example
 * const list = await lxc.images();
 * list.filter((i) => i.dist === 'debian' && i.arch === 'amd64').map((i) => i.release) // ['bookworm', 'trixie', …]
 */
export async function images(options_: ImagesOptions = {}): Promise<readonly ImageEntry[]> {
  // zod loads with the first call that parses options.
  if (!schemasLoaded()) await loadSchemas();
  return catalogue(options('images', 'options', imagesOptionsSchema, options_, imagesDefaults));
}

/**
 * Refuses a download create whose dist, release, arch or variant `entries` does not list (EINVAL,
 * with the nearest listed name), checking the four in that order, each among the entries the ones
 * before it left.
 *
 * @example
 * checkImage({ dist: 'debian', release: 'bookwrom', arch: 'amd64' }, entries, 'images.linuxcontainers.org')
 * // throws: create: release "bookwrom" is not on images.linuxcontainers.org; did you mean bookworm?
 */
export function checkImage(image: { dist: string; release: string; arch: string; variant?: string | undefined }, entries: readonly ImageEntry[], server: string): void {
  let left = entries;
  for (const key of ['dist', 'release', 'arch', 'variant'] as const) {
    const wanted = image[key] ?? 'default';
    const here = left.filter((e) => e[key] === wanted);
    if (here.length) {
      left = here;
      continue;
    }
    const names = [...new Set(left.map((e) => e[key]))].sort();
    const guess = nearest(wanted, names);
    const of = key === 'dist' ? '' : ` for ${[image.dist, key !== 'release' && image.release, key === 'variant' && image.arch].filter(Boolean).join(' ')}`;
    const hint = guess !== null ? `; did you mean ${guess}?` : names.length ? `${of} (it has: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''})` : `${of} (its index lists no image)`;
    throw invalid('create', key, `"${wanted}" is not on ${server}${hint}`);
  }
}

// Families that load on a Container's first call of them (container.ts): the Lazy record, and
// zod loaded beside a family whose call parses options, so its first import never runs inside a
// call's synchronous start.
import { loadSchemas, schemasLoaded } from '../options/parse.js';

/** A family module loaded on its first call: `loaded` once it is. */
export interface Lazy<M> {
  loaded?: M;
  load(): Promise<M>;
}

/** A Lazy over `load` (a dynamic import). */
export function lazy<M>(load: () => Promise<M>): Lazy<M> {
  let loading: Promise<M> | undefined;
  const l: Lazy<M> = { load: () => (loading ??= load().then((m) => (l.loaded = m))) };
  return l;
}

/** A family loaded with container.ts, as a Lazy (for Handle.later). */
export function loadedFamily<M>(m: M): Lazy<M> {
  return { loaded: m, load: () => Promise.resolve(m) };
}

/**
 * `family`, and zod too when the call has an options object to parse and zod is not loaded yet:
 * the call then starts once both are there (Handle.later admits it at once). zod's first import
 * thus never runs inside a call's synchronous start, where it would hold the event loop.
 */
export function withSchemas<M>(family: Lazy<M>, needed: boolean): Lazy<M> {
  if (!needed || schemasLoaded()) return family;
  return { load: () => Promise.all([family.load(), loadSchemas()]).then(([m]) => m) };
}

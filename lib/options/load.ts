// How a call checks its options object: synchronously, in the turn the call is made (so that it
// is admitted before a release() that follows it), with zod required by the first parse.
import { parse } from './parse.js';
import type { Z } from './common.js';

/** Whether `value` is undefined or a plain `{}`: an all-optional schema has nothing to check then. */
function empty(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const _ in value) return false;
  return Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * `value` as the lazily built `schema` accepts it, or EINVAL. An absent or empty options object of
 * a schema without required keys is `{}` at once, without requiring zod.
 *
 * @example
 * const o = options('start', 'options', startOptionsSchema, options);
 */
export function options<T>(op: string, arg: string, schema: () => Z.ZodMiniType<T>, value: unknown, allOptional = true): T {
  if (allOptional && empty(value)) return {} as T;
  return parse(op, arg, schema(), value);
}

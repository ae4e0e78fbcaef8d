// Options of `getIps()`. Each type is one block: the
// interface (TSDoc per field, the default stated), its defaults object, its schema (checked
// against the interface at compile time). How they are parsed: parse.ts.
import { ifaceName, timeoutSeconds } from '../validate.js';
import { schema, checked, seconds, abortSignal, int, type Assert, type Same, type Infer, type Defaults, type Seconds } from './parse.js';

// ---- getIps -------------------------------------------------------------------------------------

/** Options of `getIps()`. */
export interface GetIpsOptions {
  /** Only this interface, e.g. 'eth0' (lo only when named). Default: every interface but lo. */
  interface?: string;
  /** 'inet' (IPv4) or 'inet6'. Default: both. */
  family?: 'inet' | 'inet6';
  /** IPv6 scope id. Default 0: global. */
  scope?: number;
  /** Seconds to keep polling for an address (fractions allowed; -1: until one appears). Default 0: ask once. */
  timeout?: Seconds;
  /** Ends the polling early: the call rejects with EABORT. */
  signal?: AbortSignal;
}

/** The defaults of `getIps()`. */
export const getIpsDefaults = {
  /** every interface but lo. */
  interface: null,
  /** IPv4 and IPv6. */
  family: null,
  /** global. */
  scope: 0,
  /** ask once. */
  timeout: 0,
} as const satisfies Defaults<GetIpsOptions>;

export const getIpsOptionsSchema = schema((z) => z.strictObject({
  interface: z.optional(checked(ifaceName)),
  family: z.optional(z.enum(['inet', 'inet6'])),
  scope: z.optional(int(0)),
  timeout: z.optional(seconds(timeoutSeconds)),
  signal: z.optional(abortSignal()),
}));
type GetIpsChecked = Assert<Same<Infer<typeof getIpsOptionsSchema>, GetIpsOptions>>;

// Options of `getIps()`.

/** Options of `getIps()`. */
export interface GetIpsOptions {
  /** Only this interface, e.g. 'eth0' (lo only when named). Default: every interface but lo. */
  interface?: string;
  /** 'inet' (IPv4) or 'inet6'. Default: both. */
  family?: 'inet' | 'inet6';
  /** IPv6 scope id. Default 0: global. */
  scope?: number;
  /** Seconds to keep polling for an address. Default 0: ask once. */
  timeout?: number;
  /** Ends the polling early: the call rejects with EABORT. */
  signal?: AbortSignal;
}

export const getIpsDefaults = { interface: null, family: null, scope: 0, timeout: 0 } as const;

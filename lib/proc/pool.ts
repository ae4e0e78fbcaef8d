// One pool of long-lived helper processes (runners, create workers): started on demand up to a
// cap, reused, retired after a spell of idleness; a request beyond the cap waits for one.

/** What the pool needs of a member. */
export interface Member {
  /** Its process is gone (the member reports that with IdlePool.gone()). */
  readonly dead: boolean;
  /** Nothing but the pool needs it (a runner may still watch a process it attached). */
  readonly unused: boolean;
  /** Lets its process exit (closes its channel). */
  retire(): void;
}

export interface PoolOptions<M extends Member> {
  /** A new member; its process may start later (its requests wait for it). */
  start(): M;
  /** How many members may live at once (asked each time: it may depend on free memory). */
  cap(): number;
  /** An idle member that is unused this long is retired. */
  idleMs: number;
  /** Whether a member may still be handed out (false: retired once unused). Default: always. */
  current?(m: M): boolean;
}

/** A pool of helper processes, each serving one request at a time. */
export class IdlePool<M extends Member> {
  readonly #o: PoolOptions<M>;
  readonly #all = new Set<M>();
  /** Free members, the last freed last. */
  readonly #idle: M[] = [];
  readonly #timers = new Map<M, NodeJS.Timeout>();
  readonly #waiting: Array<(m: M) => void> = [];

  constructor(options: PoolOptions<M>) {
    this.#o = options;
  }

  /** Every member alive now, busy or idle. */
  get members(): M[] {
    return [...this.#all];
  }

  /** An idle member (the last freed that `prefer` accepts, else the last freed), a new one, or null at the cap. */
  take(prefer?: (m: M) => boolean): M | null {
    if (this.#o.current) {
      // Started under other settings: skipped, and retired once nothing needs them.
      for (let i = this.#idle.length - 1; i >= 0; i--) {
        const m = this.#idle[i];
        if (m.unused && !this.#o.current(m)) this.#drop(m);
      }
    }
    let pick = -1;
    for (let i = this.#idle.length - 1; i >= 0; i--) {
      const m = this.#idle[i];
      if (this.#o.current && !this.#o.current(m)) continue;
      if (pick < 0) pick = i;
      if (!prefer) break;
      if (prefer(m)) { pick = i; break; }
    }
    if (pick >= 0) {
      const m = this.#idle.splice(pick, 1)[0];
      this.#wake(m);
      return m;
    }
    if (this.#all.size >= this.#o.cap()) return null;
    const m = this.#o.start();
    this.#all.add(m);
    return m;
  }

  /**
   * A member for one request: take(), else the next one freed. null when `signal` fires while it
   * waits (no member is taken then). Waiting holds the event loop: the member it waits for may be
   * an idle one on its way out, whose handles no longer do.
   */
  acquire(prefer?: (m: M) => boolean, signal?: AbortSignal): Promise<M | null> {
    if (signal?.aborted) return Promise.resolve(null);
    const now = this.take(prefer);
    if (now) return Promise.resolve(now);
    return new Promise<M | null>((resolve) => {
      const hold = setInterval(() => undefined, 1 << 30);
      const onAbort = () => {
        clearInterval(hold);
        const i = this.#waiting.indexOf(handed);
        if (i >= 0) this.#waiting.splice(i, 1);
        resolve(null);
      };
      const handed = (m: M) => {
        clearInterval(hold);
        signal?.removeEventListener('abort', onAbort);
        resolve(m);
      };
      this.#waiting.push(handed);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A member's request is over: to the next waiting request, else idle (retired after idleMs unused). */
  release(m: M): void {
    if (m.dead || !this.#all.has(m)) {
      this.#next();
      return;
    }
    const current = !this.#o.current || this.#o.current(m);
    if (current) {
      const next = this.#waiting.shift();
      if (next) return next(m);
    }
    if (!current && m.unused) {
      this.#drop(m);
      this.#next();
      return;
    }
    this.#idle.push(m);
    this.#sleep(m);
    // A stale member went idle: a waiting request may start a new one in its place.
    if (!current) this.#next();
  }

  /** A member's process is gone: out of the pool; a waiting request may start another. */
  gone(m: M): void {
    if (!this.#all.delete(m)) return;
    this.#wake(m);
    const i = this.#idle.indexOf(m);
    if (i >= 0) this.#idle.splice(i, 1);
    this.#next();
  }

  /** Hands the first waiting request a member, if one can be had now. */
  #next(): void {
    const next = this.#waiting.shift();
    if (!next) return;
    const m = this.take();
    if (m) next(m);
    else this.#waiting.unshift(next);
  }

  #drop(m: M): void {
    this.#all.delete(m);
    this.#wake(m);
    const i = this.#idle.indexOf(m);
    if (i >= 0) this.#idle.splice(i, 1);
    m.retire();
  }

  #sleep(m: M): void {
    this.#wake(m);
    const timer = setTimeout(() => {
      this.#timers.delete(m);
      if (m.unused) this.#drop(m);
      else this.#sleep(m);
    }, this.#o.idleMs);
    timer.unref();
    this.#timers.set(m, timer);
  }

  #wake(m: M): void {
    const timer = this.#timers.get(m);
    if (timer) clearTimeout(timer);
    this.#timers.delete(m);
  }
}

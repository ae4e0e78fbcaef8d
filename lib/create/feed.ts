// The events of one create (CreateTask), clone or snapshot (CopyTask): kept from the call on, read by any number of async
// iterators, ended by the create's outcome. Loaded with container.ts: create() makes one at the call.
import type { CreateEvent, CreateTask } from '../options.js';

// Events kept for iterators made late; a template printing thousands of lines must not grow this.
const KEPT = 1000;

export class EventFeed {
  #events: CreateEvent[] = [];
  /** Absolute index of #events[0]: older ones were dropped. */
  #base = 0;
  #waiting: (() => void)[] = [];
  #done = false;
  #error: unknown = undefined;
  /** Whether an iterator was made: the output is then the caller's, not stdout's. */
  taken = false;

  push(ev: CreateEvent): void {
    if (this.#done) return;
    this.#events.push(ev);
    if (this.#events.length > KEPT) {
      this.#events.shift();
      this.#base++;
    }
    this.#wake();
  }

  end(error?: unknown): void {
    this.#done = true;
    this.#error = error;
    this.#wake();
  }

  #wake(): void {
    const w = this.#waiting;
    this.#waiting = [];
    for (const f of w) f();
  }

  async *#iterate(): AsyncGenerator<CreateEvent, void, undefined> {
    let at = this.#base;
    for (;;) {
      if (at < this.#base) at = this.#base;
      if (at < this.#base + this.#events.length) {
        yield this.#events[at++ - this.#base];
        continue;
      }
      if (this.#done) {
        if (this.#error !== undefined) throw this.#error;
        return;
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
  }

  /** `work` as a CreateTask reading this feed; the feed ends when `work` settles. */
  task(work: Promise<void>): CreateTask {
    return this.taskOf(work);
  }

  /** `work` as a promise of its value that is also an async iterable of this feed (clone, snapshot). */
  taskOf<T>(work: Promise<T>): Promise<T> & AsyncIterable<CreateEvent> {
    const settled = work.then((v) => {
      this.end();
      return v;
    }, (e: unknown) => {
      this.end(e);
      throw e;
    });
    return Object.assign(settled, {
      [Symbol.asyncIterator]: (): AsyncIterator<CreateEvent> => {
        this.taken = true;
        // The iterator reports the failure: the promise itself need not be awaited as well.
        settled.catch(() => undefined);
        return this.#iterate();
      },
    });
  }
}

// Work spread one piece per event-loop turn, so that timers and I/O run between the pieces:
//  - a child process started (spawn() forks this process on the main thread, 5–18 ms here: two
//    forks in one turn made one timer gap of 30 ms);
//  - a call that waited for its family module to load (Handle.later): sixteen create() calls made
//    at once all started in the turn the module came in (≈ 13 ms of the main thread: their checks,
//    option parsing, template lookup, pool).
// One queue for both: a fork and a call's start never share a turn either.

let lastTurn: Promise<void> = Promise.resolve();

/** Resolves after the next check phase that follows this one: a timers phase lies between. */
function nextIteration(resolve: () => void): void {
  // An immediate queued from the poll phase (an I/O callback, a module that loaded) runs in the
  // same iteration, before any timer: the second one runs in the next iteration.
  setImmediate(() => setImmediate(resolve));
}

/**
 * Resolves in an event-loop iteration of its own, after every earlier caller's: a process that
 * starts its children and its waiting calls on it starts at most one per iteration, so timers and
 * I/O run between two of them instead of waiting for all.
 */
export function ownTurn(): Promise<void> {
  const mine = lastTurn.then(() => new Promise<void>(nextIteration));
  lastTurn = mine;
  return mine;
}

// One child process started per event-loop turn: spawn() forks this process on the main thread
// (5–18 ms here), and two forks in one turn made one timer gap of 30 ms.

let lastTurn: Promise<void> = Promise.resolve();

/**
 * Resolves in a turn of the event loop of its own, after every earlier caller's: a process that
 * starts a child on it starts at most one per turn, so timers and I/O run between two forks
 * instead of waiting for both.
 */
export function spawnTurn(): Promise<void> {
  const mine = lastTurn.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  lastTurn = mine;
  return mine;
}

// How lxc-ffi starts its own Node processes (runners, create workers): from which binary, and at
// most one per event-loop turn.
let lastTurn: Promise<void> = Promise.resolve();

/**
 * The Node binary, to start lxc-ffi's own processes with. After liblxc re-executed this process
 * from a memfd (LXC_MEMFD_REXEC), process.execPath names no file ('/memfd:liblxc (deleted)'); the
 * running image is still /proc/self/exe, and children started from it run from the memfd too.
 */
export function nodeBinary(): string {
  return process.execPath.startsWith('/memfd:') ? '/proc/self/exe' : process.execPath;
}

/**
 * Resolves in a turn of the event loop of its own, after every earlier caller's: a process that
 * starts a child on it (a fork of this process on the main thread, 5–18 ms here) starts at most
 * one per turn, so timers and I/O run between two forks instead of waiting for both.
 */
export function spawnTurn(): Promise<void> {
  const mine = lastTurn.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  lastTurn = mine;
  return mine;
}

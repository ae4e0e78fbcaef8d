// Options of the lifecycle calls (start, destroy, the waits) and of listing and opening containers.

/** Container states liblxc reports. */
export const states = ['STOPPED', 'STARTING', 'RUNNING', 'STOPPING', 'ABORTING', 'FREEZING', 'FROZEN', 'THAWED'] as const;

export type ContainerState = (typeof states)[number];

/** Options of `start()`. */
export interface StartOptions {
  /** Run lxc-init as pid 1 in front of the command (application containers). Default false. */
  useinit?: boolean;
  /** Command to run as the container's init instead of lxc.init.cmd; never empty. Default: lxc.init.cmd. */
  argv?: string[];
}

export const startDefaults = { useinit: false, argv: undefined } as const;

/** Options of `destroy()`. */
export interface DestroyOptions {
  /** Also destroy the container's snapshots (a plain destroy when it has none, where liblxc's own call fails). Default false. */
  withSnapshots?: boolean;
}

export const destroyDefaults = { withSnapshots: false } as const;

/** Options of the calls that wait (shutdown, reboot, wait). */
export interface WaitOptions {
  /** Ends the wait early: the call rejects with EABORT. */
  signal?: AbortSignal;
}

/** Options of `listContainers()` / `containers()`. */
export interface ListOptions {
  /** Where to look. Default: the global lxc.lxcpath. */
  lxcpath?: string;
  /** Include running containers. Default true. */
  active?: boolean;
  /** Include containers with a config. Default true. */
  defined?: boolean;
}

export const listDefaults = { active: true, defined: true } as const;

/** Options of the Container constructor. */
export interface ContainerOptions {
  /** The directory holding the container's directory. Default: the global lxc.lxcpath. */
  lxcpath?: string;
}

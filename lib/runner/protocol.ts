// What the caller and a runner say to each other (frames of lib/proc/socket.ts), and the tagged
// values that carry what JSON cannot (fds, 64-bit integers, liblxc symbols, typed pointers,
// out-parameters).

/** One call of a struct lxc_container member: `member(c, ...args)`. */
export interface MemberCall {
  member: string;
  args: Arg[];
}

/** Runs `calls` in order on the runner's struct for container `cid`; the last one's result is the answer. */
export interface CallRequest {
  t: 'call';
  id: number;
  /** The caller's Container this struct mirrors, and the generation of its in-memory config. */
  cid: number;
  name: string;
  lxcpath: string;
  /**
   * The caller's config, when the runner's copy is not of this generation: a file to load in place
   * of the in-memory config, or null to reload the container from disk.
   */
  config?: string | null;
  calls: MemberCall[];
  /** The caller's environment, when it differs from the last one this runner was sent: liblxc's calls see their caller's. */
  env?: Record<string, string>;
  /** 'strings': the result is a NULL-terminated char ** to read and free; 'put': a container to put, answered as a boolean. */
  result: 'value' | 'strings' | 'put';
  /** Capture liblxc's log lines of the call. */
  log: boolean;
  /** The call forks a process that stays (attach): watch out-parameter 0 as its pid, report its exit. */
  track: boolean;
  /** How many fds came with this frame. */
  fds: number;
  /**
   * With result 'put': the runner makes its struct for the caller's Container `cid` (the one the
   * caller makes for the container the call returned, `name` in `lxcpath`) after it answered, so
   * that Container's first call here finds it made.
   */
  adopt?: { cid: number; name: string; lxcpath: string };
  /** Containers the caller released since its last request to this runner: their structs are put after the answer. */
  forget?: number[];
}

export type Request = CallRequest;

/** The answer to one CallRequest. */
export interface CallReply {
  t: 'done';
  id: number;
  result: unknown;
  /** The values of the out-parameters, in argument order. */
  outs: number[][];
  log: string[];
  /** Whether the runner makes the struct of CallRequest.adopt. */
  adopted?: boolean;
}

/** A CallRequest that could not be carried out at all (not a liblxc failure, which is a result). */
export interface CallFailure {
  t: 'fail';
  id: number;
  message: string;
}

/** A tracked process exited. */
export interface ExitEvent {
  t: 'exit';
  pid: number;
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  /** The signal's number when one ended it. */
  signal: number | null;
}

export type Reply = CallReply | CallFailure | ExitEvent;

/** An argument: JSON, or a tagged value. */
export type Arg =
  | null | boolean | number | string | Arg[]
  | { $fd: number } | { $fdpath: number[]; inherit: boolean } | { $fdnum: number[] } | { $u64: string } | { $symbol: string } | { $as: string; value: Arg }
  | { $out: number } | { $u32: number[] } | { [key: string]: Arg };

/** The `index`-th fd sent with the frame. */
export const fdArg = (index: number): Arg => ({ $fd: index });
/**
 * The paths of fds sent with the frame as the runner's children see them (`/proc/self/fd/N`,
 * space-separated); with `inherit`, kept open across exec for a program that opens them there.
 */
export const fdPathArg = (indexes: number[], inherit: boolean): Arg => ({ $fdpath: indexes, inherit });
/** The numbers of fds sent with the frame, comma-separated, kept open across exec. */
export const fdNumberArg = (indexes: number[]): Arg => ({ $fdnum: indexes });
/** A 64-bit integer (uint64_t, size_t, unsigned long). */
export const u64Arg = (n: number | bigint): Arg => ({ $u64: String(n) });
/** The address of a liblxc symbol in the runner's own mapping. */
export const symbolArg = (name: string): Arg => ({ $symbol: name });
/** A pointer to `value` encoded as the koffi type `type`. */
export const asArg = (type: string, value: Arg): Arg => ({ $as: type, value });
/** An int[count] out-parameter; its values come back in CallReply.outs. */
export const outArg = (count: number): Arg => ({ $out: count });
/** A uint32_t array. */
export const u32Arg = (values: number[]): Arg => ({ $u32: values });

// The files helper (docs/files.md, "A normal user"): a process started by files-remote.ts inside the
// container's user namespace, where the container's ids are its own, for a caller that is not root.
// It opens the root, runs the root-side primitives of files-root.ts on it and hands each open fd
// back over its socket (fd 3, SCM_RIGHTS); the caller copies the bytes. It reads its socket
// synchronously and exits as soon as the caller's end closes: it never outlives the call.
//
// Requests:  { id, op: 'open', spec }                  → { id, ok: true }
//            { id, op: <primitive>, args, fds? }        → { id, ok: true, result, fds } (an fd of
//            the result travels attached, its place in `result` set to -1)
// Failures:  { id, ok: false, fault: { code, message, errno? } }
// Its imports are kept to ffi/libc.ts, socket.ts and files-root.ts: no option parsing, no liblxc.
import * as libc from '../../ffi/libc.js';
import { FrameReader, frame, receive, sendBytes } from '../proc/socket.js';
import { FileFault, IDENTITY, PRIMITIVES, RootOps, asFault, openRoot, type RootSpec } from './files-root.js';

const SOCKET = 3;
libc.fcntl(SOCKET, libc.F_SETFD, libc.FD_CLOEXEC);

interface Request { id: number; op: string; spec?: RootSpec; args?: unknown[]; fds?: number }

let ops: RootOps | null = null;

function serve(m: Request, fds: number[]): { reply: unknown; out: number[] } {
  try {
    if (m.op === 'open') {
      if (ops) throw new FileFault('EINVAL', 'the root is already open');
      ops = new RootOps(openRoot(m.spec!), IDENTITY);
      return { reply: { id: m.id, ok: true }, out: [] };
    }
    if (!ops) throw new FileFault('EINVAL', 'no root is open');
    if (!(PRIMITIVES as readonly string[]).includes(m.op)) throw new FileFault('EINVAL', `no operation ${m.op}`);
    const args = [...(m.args ?? [])];
    // setMode's fd comes attached: the caller's copy of an fd this helper handed out.
    if (m.op === 'setMode') args[0] = fds[0];
    const result = (ops[m.op as keyof RootOps] as (...a: unknown[]) => unknown).apply(ops, args) as { fd?: number } | null | undefined;
    const out: number[] = [];
    if (result && typeof result.fd === 'number') {
      out.push(result.fd);
      result.fd = -1;
    }
    return { reply: { id: m.id, ok: true, result: result ?? null, fds: out.length }, out };
  } catch (e) {
    const f = asFault(e);
    const fault = f instanceof FileFault ? { code: f.code, message: f.message, errno: f.errno } : { code: 'EFILE', message: f instanceof Error ? f.message : String(f) };
    return { reply: { id: m.id, ok: false, fault }, out: [] };
  }
}

const reader = new FrameReader();
serving: for (;;) {
  let got;
  try {
    got = receive(SOCKET, false);
  } catch {
    break;
  }
  if (!got || got.closed) break;
  let frames;
  try {
    frames = reader.push(got.bytes, got.fds);
  } catch {
    break;
  }
  for (const { message, fds } of frames) {
    const { reply, out } = serve(message as Request, fds);
    for (const fd of fds) libc.close(fd);
    try {
      sendBytes(SOCKET, frame(reply), out);
    } catch {
      // The caller is gone.
      break serving;
    } finally {
      for (const fd of out) libc.close(fd);
    }
  }
}
(ops as RootOps | null)?.close();
process.exit(0);

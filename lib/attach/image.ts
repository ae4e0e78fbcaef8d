// The Node binary a function worker runs from, as sealed in-memory copies: the dynamic linker,
// Node, and the libraries Node needs. The worker enters the container's mount namespace before it
// executes, where no host path is reachable; these fds are all it takes with it. Sealed, so that a
// process inside the container cannot rewrite the host's binary through /proc/<worker>/exe (the
// CVE-2019-5736 class; runc and liblxc answer it the same way).
import { basename } from 'node:path';
import { fs } from '../builtins.js';
import { nodeBinary } from '../proc/node.js';
import { sendAll } from '../proc/sendfile.js';
import * as libc from '../../ffi/libc.js';
import { readElf } from './elf.js';
import { F_ADD_SEALS, F_SEAL_GROW, F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_WRITE, MFD_ALLOW_SEALING, MFD_CLOEXEC, MFD_EXEC } from '../../ffi/libc.js';

const { openSync, closeSync, fstatSync, readFileSync } = fs;
// The file executed is execute-only: a process that cannot read it (a container's root in its own
// user namespace, any other uid) gets it non-dumpable from its first instruction, so not ptrace-able.
const EXEC_ONLY = 0o111;
const READ_ONLY = 0o444;
// A runner must stay dumpable: liblxc opens /proc/<pid>/ns/* of what it forks as the caller.
const READ_EXEC = 0o555;

/** Sealed copies, as fds of this process (close-on-exec; kept for its life). */
export interface NodeImage {
  /** What to execute: the dynamic linker, or Node itself when it is linked statically. */
  exec: number;
  /** For the dynamic linker: the libraries to preload, each after those it needs. */
  preload: number[];
  /** For the dynamic linker: Node. */
  node: number | null;
  /** A readable copy of the dynamic linker, for the runners (null for a static Node). */
  launcher: number | null;
}

let image: Promise<NodeImage> | undefined;

/** The sealed copies of this Node (made once per process: ≈ 0.1–0.5 s, about 100 MB of memory). */
export function nodeImage(): Promise<NodeImage> {
  image ??= makeImage().catch((e) => {
    image = undefined;
    throw e;
  });
  return image;
}

/**
 * The files to load, in order: the shared libraries Node needs (found among those this very
 * process has mapped, by soname), dependencies first.
 */
export function nodeFiles(): NodeFiles {
  const steps = nodeFileSteps();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** nodeFiles(), a few ELF headers read per event-loop turn: all at once held the main thread ≈ 7–10 ms. */
async function nodeFilesInTurns(): Promise<NodeFiles> {
  const steps = nodeFileSteps();
  for (let n = 0; ; n++) {
    const r = steps.next();
    if (r.done) return r.value;
    if (n % 8 === 7) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

interface NodeFiles {
  interp: string | null;
  libraries: string[];
  node: string;
}

/** nodeFiles()'s work, yielding after each ELF file it reads. */
function* nodeFileSteps(): Generator<void, NodeFiles, void> {
  const node = nodeBinary();
  const info = readElf(node);
  yield;
  if (!info.interp) return { interp: null, libraries: [], node };
  const interpSoname = readElf(info.interp).soname ?? basename(info.interp);
  const bySoname = new Map<string, string>();
  const mapped = new Set(readFileSync('/proc/self/maps', 'utf8').split('\n').map((l) => l.slice(l.indexOf('/'))).filter((p) => p.startsWith('/') && /\.so[.\d]*$/.test(p)));
  for (const path of mapped) {
    try {
      const soname = readElf(path).soname;
      if (soname && !bySoname.has(soname)) bySoname.set(soname, path);
    } catch {
      // Not an ELF library (or gone): not one Node needs.
    }
    yield;
  }
  const libraries: string[] = [];
  const seen = new Set<string>([interpSoname]);
  const visit = (soname: string) => {
    if (seen.has(soname)) return;
    seen.add(soname);
    const path = bySoname.get(soname);
    if (!path) throw new Error(`cannot find ${soname}, which ${node} needs, among the libraries this process has loaded`);
    for (const dep of readElf(path).needed) visit(dep);
    libraries.push(path);
  };
  for (const soname of info.needed) visit(soname);
  return { interp: info.interp, libraries, node };
}

async function makeImage(): Promise<NodeImage> {
  const { interp, libraries, node } = await nodeFilesInTurns();
  const made: number[] = [];
  try {
    const copy = async (path: string, mode: number) => {
      const fd = await sealedCopy(path, mode);
      made.push(fd);
      return fd;
    };
    if (!interp) return { exec: await copy(node, EXEC_ONLY), preload: [], node: null, launcher: null };
    const exec = await copy(interp, EXEC_ONLY);
    const launcher = await copy(interp, READ_EXEC);
    const preload: number[] = [];
    for (const lib of libraries) preload.push(await copy(lib, READ_ONLY));
    return { exec, preload, node: await copy(node, READ_ONLY), launcher };
  } catch (e) {
    for (const fd of made) libc.close(fd);
    throw e;
  }
}

async function sealedCopy(path: string, mode: number): Promise<number> {
  const name = `lxc-ffi:${basename(path)}`;
  // MFD_EXEC: where vm.memfd_noexec asks for it; a kernel older than 6.3 refuses the flag.
  let memfd = libc.memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC) as number;
  if (memfd < 0) memfd = libc.memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING) as number;
  if (memfd < 0) throw new Error(`memfd_create() failed (errno ${libc.koffi.errno()})`);
  const source = openSync(path, 'r');
  try {
    const size = fstatSync(source).size;
    if ((await sendAll(memfd, source, size)) !== size) throw new Error(`sendfile() failed copying ${path}`);
    if (libc.fchmod(memfd, mode) !== 0) throw new Error(`fchmod() of the copy of ${path} failed`);
    if (libc.fcntl(memfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) !== 0) throw new Error(`sealing the copy of ${path} failed`);
  } catch (e) {
    libc.close(memfd);
    throw e;
  } finally {
    closeSync(source);
  }
  return memfd;
}

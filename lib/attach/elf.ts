// Just enough of ELF to start this Node binary from file descriptors: its program interpreter
// (PT_INTERP) and, for it and each shared library, DT_NEEDED and DT_SONAME. 64-bit little-endian
// only, which is every Linux target Node ships for but s390x.
import { fs } from '../builtins.js';

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0n;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;
const DT_SONAME = 14n;
// A dynamic section or interpreter name longer than this is not one a linker wrote.
const MAX_SECTION = 1 << 20;

/** What the dynamic linker reads of one ELF file. */
export interface ElfInfo {
  /** The program interpreter (PT_INTERP), for an executable linked dynamically. */
  interp: string | null;
  /** The sonames it needs (DT_NEEDED), in order. */
  needed: string[];
  /** Its own soname (DT_SONAME), for a shared library. */
  soname: string | null;
}

function readAt(fd: number, offset: number, length: number, exact = true): Buffer {
  const buf = Buffer.alloc(length);
  const n = fs.readSync(fd, buf, 0, length, offset);
  if (exact && n !== length) throw new Error(`short read at ${offset}`);
  return buf.subarray(0, n);
}

/** Reads the interpreter, needed libraries and soname of the ELF file at `path`. */
export function readElf(path: string): ElfInfo {
  const fd = fs.openSync(path, 'r');
  try {
    const eh = readAt(fd, 0, 64);
    if (eh.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${path} is not an ELF file`);
    if (eh[4] !== 2 || eh[5] !== 1) throw new Error(`${path} is not a 64-bit little-endian ELF file`);
    const phoff = Number(eh.readBigUInt64LE(0x20));
    const phentsize = eh.readUInt16LE(0x36);
    const phnum = eh.readUInt16LE(0x38);
    const ph = readAt(fd, phoff, phentsize * phnum);
    const loads: { vaddr: bigint; offset: bigint; size: bigint }[] = [];
    let interp: string | null = null;
    let dynamic: Buffer | null = null;
    for (let i = 0; i < phnum; i++) {
      const p = ph.subarray(i * phentsize);
      const type = p.readUInt32LE(0);
      const offset = p.readBigUInt64LE(8);
      const filesz = p.readBigUInt64LE(32);
      if (type !== PT_LOAD && type !== PT_DYNAMIC && type !== PT_INTERP) continue;
      if (type === PT_LOAD) loads.push({ vaddr: p.readBigUInt64LE(16), offset, size: filesz });
      else if (filesz > BigInt(MAX_SECTION)) throw new Error(`${path}: segment too large`);
      else if (type === PT_INTERP) interp = readAt(fd, Number(offset), Number(filesz)).toString('latin1').replace(/\0.*$/s, '');
      else dynamic = readAt(fd, Number(offset), Number(filesz));
    }
    const needed: string[] = [];
    let soname: string | null = null;
    if (dynamic) {
      const entries: [bigint, bigint][] = [];
      let strtab = -1n;
      for (let o = 0; o + 16 <= dynamic.length; o += 16) {
        const tag = dynamic.readBigInt64LE(o);
        if (tag === DT_NULL) break;
        const val = dynamic.readBigUInt64LE(o + 8);
        if (tag === DT_STRTAB) strtab = val;
        else if (tag === DT_NEEDED || tag === DT_SONAME) entries.push([tag, val]);
      }
      // DT_STRTAB is an address: the PT_LOAD segment holding it gives its place in the file.
      const seg = loads.find((l) => strtab >= l.vaddr && strtab < l.vaddr + l.size);
      if (entries.length && !seg) throw new Error(`${path}: no segment holds the string table`);
      const str = (off: bigint) => {
        const at = Number(strtab - seg!.vaddr + seg!.offset + off);
        const chunk = readAt(fd, at, 256, false);
        const end = chunk.indexOf(0);
        return chunk.subarray(0, end < 0 ? chunk.length : end).toString('latin1');
      };
      for (const [tag, val] of entries) {
        if (tag === DT_NEEDED) needed.push(str(val));
        else soname = str(val);
      }
    }
    return { interp, needed, soname };
  } finally {
    fs.closeSync(fd);
  }
}

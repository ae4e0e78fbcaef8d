// The ELF reading the function worker's image is built from: this Node's interpreter and libraries.
import t from 'tap';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readElf } from '../../lib/attach/elf.js';
import { nodeFiles } from '../../lib/attach/image.js';

t.test("this Node's interpreter, libraries and sonames", async (t) => {
  const node = readElf(process.execPath);
  t.equal(node.soname, null, 'an executable has no soname');
  t.ok(node.needed.includes('libc.so.6'), `it needs libc (${node.needed.join(' ')})`);
  t.match(node.interp ?? '', /^\/.*ld-linux.*\.so/, `its interpreter: ${node.interp}`);
  t.equal(readElf(node.interp!).soname, node.interp!.split('/').pop(), "the interpreter's soname is its file name");
  const files = nodeFiles();
  t.equal(files.interp, node.interp);
  t.ok(files.libraries.every((f) => existsSync(f)), 'every library found exists');
  const sonames = files.libraries.map((f) => readElf(f).soname);
  // The interpreter itself (sometimes also in DT_NEEDED) is executed, not preloaded.
  const interpSoname = readElf(node.interp!).soname;
  for (const needed of node.needed.filter((n) => n !== interpSoname)) t.ok(sonames.includes(needed), `${needed} is among them`);
  t.notOk(sonames.includes(interpSoname), 'the interpreter is not among them');
  // Dependencies first: each library comes after those it needs (but the interpreter).
  files.libraries.forEach((f, i) => {
    for (const dep of readElf(f).needed) {
      const at = sonames.indexOf(dep);
      if (at >= 0) t.ok(at < i, `${sonames[i]} comes after ${dep}`);
    }
  });
});

t.test('what is not a 64-bit little-endian ELF file is refused with its reason', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcffi-elf-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'text'), '#!/bin/sh\necho not elf\n'.padEnd(64));
  t.throws(() => readElf(join(dir, 'text')), /not an ELF file/);
  const elf32 = Buffer.alloc(64);
  elf32.write('\x7fELF', 0, 'latin1');
  elf32[4] = 1; // ELFCLASS32
  elf32[5] = 1;
  writeFileSync(join(dir, 'elf32'), elf32);
  t.throws(() => readElf(join(dir, 'elf32')), /not a 64-bit little-endian ELF file/);
  writeFileSync(join(dir, 'short'), '\x7fELF');
  t.throws(() => readElf(join(dir, 'short')), /short read/);
});

// docs/guide.md's TypeScript snippets, run as written, in order, each in a process of its own
// (the seed's examples are top-level scripts). 'lxc-ffi' resolves to test/fixtures/guide-lxc.ts:
// lxc-ffi with the default lxcpath, bridge and image server of this test (that file says what
// differs). A snippet that reads no `lxc` of its own gets the `<!-- guide-test prelude: ... -->`
// written above it in the guide.
import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startImageServer, type ImageServer } from '../fixtures/image-server.js';
import { createBridge, type Bridge } from '../fixtures/bridge.js';
import { tempLxcpath, within } from '../helpers.js';

interface Snippet {
  line: number;
  code: string;
  prelude: string;
}

/** The ```ts blocks of a markdown text, with the prelude comment right above each, if any. */
export function snippets(markdown: string): Snippet[] {
  const out: Snippet[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```ts') continue;
    // A fence in a list item is indented: its end and its code are, by as much.
    const indent = lines[i].length - lines[i].trimStart().length;
    let end = i + 1;
    while (end < lines.length && lines[end].trim() !== '```') end++;
    const above = /^<!-- guide-test prelude: (.*) -->$/.exec((lines[i - 1] ?? '').trim());
    out.push({ line: i + 1, code: lines.slice(i + 1, end).map((l) => l.slice(indent)).join('\n'), prelude: above?.[1] ?? '' });
    i = end;
  }
  return out;
}

const FIXTURE = resolve('test/fixtures/guide-lxc.ts');
let server: ImageServer;
let bridge: Bridge;
let dir: string;

t.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lxcffi-guide-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  server = await startImageServer({ dir: join(dir, 'images') });
  t.teardown(() => server.close());
  bridge = await createBridge();
  t.teardown(() => bridge.close());
});

t.test('every TypeScript snippet of docs/guide.md runs', async (t) => {
  const lxcpath = tempLxcpath(t);
  const all = snippets(readFileSync('docs/guide.md', 'utf8'));
  t.ok(all.length >= 10, `${all.length} snippets found`);
  const env = {
    ...process.env,
    LXC_FFI_GUIDE_LXCPATH: lxcpath,
    LXC_FFI_GUIDE_BRIDGE: bridge.name,
    LXC_FFI_GUIDE_IMAGES: JSON.stringify({ options: { dist: server.dist, release: server.release, arch: server.arch, server: server.server }, env: server.env }),
  };
  for (const [i, s] of all.entries()) {
    const code = s.code.replace(/^import \* as lxc from 'lxc-ffi';$/m, '');
    const file = join(dir, `snippet-${i}.mts`);
    writeFileSync(file, `import * as lxc from ${JSON.stringify(FIXTURE)};\n${s.prelude}\n${code}\nprocess.exit(0);\n`);
    const result = await within(240_000, `guide.md:${s.line}`, new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      execFile(process.execPath, ['--import', 'tsx', file], { env, timeout: 230_000 }, (err, stdout, stderr) =>
        done({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }));
    }));
    t.equal(result.code, 0, `guide.md:${s.line} ran (exit ${result.code})${result.code ? `\n${result.stderr.slice(-2000)}` : ''}`);
    // What the guide says each one prints.
    if (/Container PID/.test(s.code)) t.match(result.stdout, /^Container PID: \d+$/m, `guide.md:${s.line} printed the PID`);
    if (/printHostname\(\);/.test(s.code)) t.match(result.stdout, /^Hostname: p1$/m, `guide.md:${s.line}: the function ran inside p1`);
    if (/Website running/.test(s.code)) t.match(result.stdout, /^Website running at: http:\/\/\d+\.\d+\.\d+\.\d+$/m, `guide.md:${s.line} served the page`);
  }
});

t.test('the snippet reader', async (t) => {
  const md = 'x\n<!-- guide-test prelude: const a = 1; -->\n```ts\nuse(a);\n```\n```sh\nls\n```\n```ts\nb();\n```\n- item\n  <!-- guide-test prelude: p(); -->\n  ```ts\n  c(1);\n    d();\n  ```\n';
  t.same(snippets(md), [
    { line: 3, code: 'use(a);', prelude: 'const a = 1;' },
    { line: 9, code: 'b();', prelude: '' },
    { line: 14, code: 'c(1);\n  d();', prelude: 'p();' },
  ]);
});

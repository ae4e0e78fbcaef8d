// lib/host/findings.ts: each finding of checkHost() seen failing, then passing, on a fake host (a
// temporary tree standing for /, its files owned by a made-up user alice, uid 1000, with chown),
// and may(), the permission computation the findings use, held to the kernel's answer for uid 65534.
import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkHostAt, may, hierarchies, type HostEnv, type HostFinding, type HostReport } from '../../lib/host/findings.js';
import { checkText } from '../../lib/repl/format.js';

const root = process.getuid?.() === 0;
const ALICE = 1000;
// The fake trees are chowned to a user of their own, and may() is compared as uid 65534: root only.
const OPTS = { timeout: 10_000, skip: root ? false : 'needs root (chown, setpriv)' };

/** A fake host in a temporary directory: files and directories with a mode and an owner. */
class FakeHost {
  readonly dir = mkdtempSync(join(tmpdir(), 'lxcffi-host-'));

  constructor() {
    t.teardown(() => rmSync(this.dir, { recursive: true, force: true }));
    chmodSync(this.dir, 0o755);
  }

  mkdir(path: string, mode = 0o755, uid = 0): this {
    mkdirSync(this.dir + path, { recursive: true });
    // chown first: it clears the setuid bit.
    chownSync(this.dir + path, uid, uid);
    chmodSync(this.dir + path, mode);
    return this;
  }

  write(path: string, text: string, mode = 0o644, uid = 0): this {
    mkdirSync(dirname(this.dir + path), { recursive: true });
    writeFileSync(this.dir + path, text);
    // chown first: it clears the setuid bit.
    chownSync(this.dir + path, uid, uid);
    chmodSync(this.dir + path, mode);
    return this;
  }

  rm(path: string): this {
    rmSync(this.dir + path, { recursive: true, force: true });
    return this;
  }
}

const IDMAP = 'lxc.idmap = u 0 165536 65536\nlxc.idmap = g 0 165536 65536\n';
const NET = 'lxc.net.0.type = veth\nlxc.net.0.link = lxcbr0\nlxc.net.0.flags = up\n';
const MOUNTINFO_HYBRID = [
  '30 25 0:26 / /sys/fs/cgroup/memory rw,nosuid shared:9 - cgroup cgroup rw,memory',
  '31 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:10 - cgroup cgroup rw,cpu,cpuacct',
  '32 25 0:28 / /sys/fs/cgroup/unified rw,nosuid shared:11 - cgroup2 cgroup2 rw',
  '40 22 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
].join('\n');

/** A host where alice (uid 1000, not root) has everything a cgroup v1 + v2 host needs. */
function aliceHost(): FakeHost {
  return new FakeHost()
    .write('/etc/passwd', 'root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n')
    .write('/etc/group', 'root:x:0:\nalice:x:1000:\nlxcusers:x:2000:alice\n')
    .write('/etc/subuid', 'root:100000:65536\nalice:165536:65536\n')
    .write('/etc/subgid', 'root:100000:65536\nalice:165536:65536\n')
    .write('/usr/bin/newuidmap', '', 0o4755)
    .write('/usr/bin/newgidmap', '', 0o4755)
    .write('/usr/libexec/lxc/lxc-user-nic', '', 0o4755)
    .write('/usr/libexec/lxc/lxc-monitord', '', 0o755)
    .write('/usr/share/lxc/templates/lxc-download', '#!/bin/sh\n', 0o755)
    .write('/etc/lxc/lxc-usernet', '# user type bridge count\nalice veth lxcbr0 10\n')
    .mkdir('/sys/class/net/lxcbr0')
    .mkdir('/home', 0o755)
    .mkdir('/home/alice', 0o711, ALICE)
    .mkdir('/home/alice/.config', 0o755, ALICE)
    .write('/home/alice/.config/lxc/default.conf', IDMAP + NET, 0o644, ALICE)
    .mkdir('/home/alice/.local', 0o711, ALICE)
    .mkdir('/home/alice/.local/share', 0o711, ALICE)
    .mkdir('/home/alice/.local/share/lxc', 0o755, ALICE)
    .mkdir('/run/user/1000', 0o700, ALICE)
    .write('/proc/self/mountinfo', MOUNTINFO_HYBRID)
    .write('/proc/self/cgroup', '3:memory:/alice\n2:cpu,cpuacct:/alice\n0::/alice\n')
    .mkdir('/sys/fs/cgroup/memory/alice', 0o755, ALICE)
    .mkdir('/sys/fs/cgroup/cpu,cpuacct/alice', 0o755, ALICE)
    .mkdir('/sys/fs/cgroup/unified/alice', 0o755, ALICE);
}

function envOf(host: FakeHost, over: Partial<HostEnv> = {}): HostEnv {
  return {
    root: host.dir, uid: ALICE, gid: ALICE, groups: [], home: '/home/alice', xdgRuntimeDir: '/run/user/1000',
    path: '/usr/local/bin:/usr/bin:/bin', liblxc: { version: '5.0.2' }, templateDir: '/usr/share/lxc/templates',
    monitord: '/usr/libexec/lxc/lxc-monitord', userNic: '/usr/libexec/lxc/lxc-user-nic', fileCapabilities: () => false,
    ...over,
  };
}

function finding(report: HostReport, id: string): HostFinding {
  const f = report.findings.find((x) => x.id === id);
  if (!f) throw new Error(`no finding ${id} in ${report.findings.map((x) => x.id).join(', ')}`);
  return f;
}

/** Asserts a finding fails with a fix matching `fix`, and that the report is not ok when it is an error. */
function failing(t: Test, host: FakeHost, id: string, fix: RegExp, over: Partial<HostEnv> = {}): HostFinding {
  const r = checkHostAt(envOf(host, over));
  const f = finding(r, id);
  t.equal(f.ok, false, `${id} fails: ${f.summary}`);
  t.match(f.fix, fix, `${id}: its fix`);
  if (f.severity === 'error') t.equal(r.ok, false, 'the report is not ok');
  return f;
}

function passing(t: Test, host: FakeHost, id: string, over: Partial<HostEnv> = {}): HostFinding {
  const f = finding(checkHostAt(envOf(host, over)), id);
  t.equal(f.ok, true, `${id} passes: ${f.summary}`);
  t.equal(f.fix, undefined, 'no fix when ok');
  return f;
}


t.test('alice with everything: every finding ok, the report ok', OPTS, async (t) => {
  const host = aliceHost();
  const r = checkHostAt(envOf(host));
  t.same(r.user, { uid: ALICE, name: 'alice' }, 'the user by /etc/passwd');
  t.equal(r.root, false);
  t.same(r.findings.filter((f) => !f.ok), [], 'nothing fails');
  t.equal(r.ok, true);
  t.same(r.findings.map((f) => f.id), ['liblxc', 'subuid-range', 'subgid-range', 'newuidmap', 'newgidmap', 'idmap', 'bridge', 'usernet', 'lxc-user-nic', 'lxcpath-access', 'cgroup', 'runtime-dir', 'templates', 'lxc-monitord'], 'the findings of a user that is not root, in order');
  for (const f of r.findings) t.match(f, { id: String, ok: Boolean, severity: /^(error|warning|info)$/, summary: String }, `${f.id} has its fields`);
  const text = checkText(r, false);
  t.match(text, /^Host check for alice \(uid 1000\)\n✓ liblxc 5\.0\.2\n/, 'the printed report: a heading, then ✓ lines');
  t.match(text, /\nok: alice can run containers$/);
});

t.test('liblxc', OPTS, async (t) => {
  const host = aliceHost();
  const f = failing(t, host, 'liblxc', /apt-get install liblxc1/, { liblxc: { error: 'cannot load liblxc.so.1' } });
  t.equal(f.detail, 'cannot load liblxc.so.1', 'why, as the loader said');
  t.match(passing(t, host, 'liblxc').summary, 'liblxc 5.0.2');
});

t.test('subuid-range and subgid-range: by name or uid, 65536 ids at least', OPTS, async (t) => {
  const host = aliceHost();
  host.write('/etc/subuid', 'root:100000:65536\n').write('/etc/subgid', 'root:100000:65536\nalice:165536:1000\n');
  // The suggested range starts after every range the file gives anyone.
  failing(t, host, 'subuid-range', /^sudo usermod --add-subuids 165536-231071 alice$/);
  const g = failing(t, host, 'subgid-range', /^sudo usermod --add-subgids 166536-232071 alice$/);
  t.match(g.summary, /165536-166535\) hold no range of 65536/, 'too small a range is named');
  host.write('/etc/subuid', 'root:100000:65536\n1000:165536:65536\n').write('/etc/subgid', 'alice:165536:65536\n');
  t.match(passing(t, host, 'subuid-range').summary, 'subordinate uids 165536-231071', 'a line by uid counts');
  passing(t, host, 'subgid-range');
});

t.test('newuidmap and newgidmap: on PATH, setuid root or with file capabilities', OPTS, async (t) => {
  const host = aliceHost();
  host.rm('/usr/bin/newuidmap');
  failing(t, host, 'newuidmap', /apt-get install uidmap/);
  host.write('/usr/bin/newuidmap', '', 0o755);
  failing(t, host, 'newuidmap', /chmod u\+s \/usr\/bin\/newuidmap/);
  const caps = passing(t, host, 'newuidmap', { fileCapabilities: (p) => p === `${host.dir}/usr/bin/newuidmap` });
  t.match(caps.summary, 'file capabilities');
  host.write('/usr/bin/newuidmap', '', 0o4755, ALICE);
  failing(t, host, 'newuidmap', /chown root/, {});
  host.write('/usr/bin/newuidmap', '', 0o4755);
  passing(t, host, 'newuidmap');
  host.write('/usr/bin/newgidmap', '', 0o755);
  failing(t, host, 'newgidmap', /setcap cap_setgid\+ep/);
  failing(t, host, 'newgidmap', /apt-get install uidmap/, { path: '/nowhere' });
  host.write('/usr/bin/newgidmap', '', 0o4755);
  passing(t, host, 'newgidmap');
});

t.test('idmap: the default config maps root inside the subordinate ranges', OPTS, async (t) => {
  const host = aliceHost();
  host.rm('/home/alice/.config/lxc/default.conf');
  failing(t, host, 'idmap', /^mkdir -p ~\/\.config\/lxc && printf 'lxc\.idmap = u 0 165536 65536\\nlxc\.idmap = g 0 165536 65536\\n' >> ~\/\.config\/lxc\/default\.conf$/);
  host.write('/home/alice/.config/lxc/default.conf', NET, 0o644, ALICE);
  failing(t, host, 'idmap', /^mkdir -p/);
  host.write('/home/alice/.config/lxc/default.conf', 'lxc.idmap = u 0 100000 65536\nlxc.idmap = g 0 165536 65536\n' + NET, 0o644, ALICE);
  const outside = failing(t, host, 'idmap', /^sed -i .* && mkdir -p/);
  t.match(outside.summary, 'u 0 100000 65536 is outside');
  host.write('/home/alice/.config/lxc/default.conf', 'lxc.idmap = u 1 165536 65535\nlxc.idmap = g 0 165536 65536\n' + NET, 0o644, ALICE);
  t.match(failing(t, host, 'idmap', /^sed -i/).summary, "no u map of the container's root");
  host.write('/home/alice/.config/lxc/default.conf', '# mine\nlxc.id_map = u 0 165536 65536\n' + 'lxc.idmap = g 0 165536 65536\n' + NET, 0o644, ALICE);
  passing(t, host, 'idmap');
});

t.test('bridge: the default config\'s link exists (root and not root)', OPTS, async (t) => {
  const host = aliceHost();
  host.rm('/sys/class/net/lxcbr0');
  const f = failing(t, host, 'bridge', /^sudo ip link add name lxcbr0 type bridge && sudo ip link set lxcbr0 up/);
  t.match(f.summary, 'lxcbr0, the lxc.net.0.link of ~/.config/lxc/default.conf, does not exist');
  host.mkdir('/sys/class/net/lxcbr0');
  passing(t, host, 'bridge');
  // root reads /etc/lxc/default.conf
  host.write('/etc/lxc/default.conf', 'lxc.net.0.type = veth\nlxc.net.0.link = br7\n');
  const r = failing(t, host, 'bridge', /^ip link add name br7 type bridge && ip link set br7 up/, { uid: 0, gid: 0 });
  t.match(r.summary, 'br7, the lxc.net.0.link of /etc/lxc/default.conf');
  host.mkdir('/sys/class/net/br7');
  passing(t, host, 'bridge', { uid: 0, gid: 0 });
  host.write('/etc/lxc/default.conf', 'lxc.net.0.type = empty\n');
  t.match(passing(t, host, 'bridge', { uid: 0, gid: 0 }).summary, 'links no host interface');
});

t.test('usernet: a veth quota on the bridge, for the user or one of its groups', OPTS, async (t) => {
  const host = aliceHost();
  host.write('/etc/lxc/lxc-usernet', 'alice veth otherbr 10\nbob veth lxcbr0 10\n@nogroup veth lxcbr0 5\n');
  failing(t, host, 'usernet', /^echo 'alice veth lxcbr0 10' \| sudo tee -a \/etc\/lxc\/lxc-usernet$/);
  host.write('/etc/lxc/lxc-usernet', '@lxcusers veth lxcbr0 3\nalice veth lxcbr0 2\n');
  t.match(passing(t, host, 'usernet').summary, 'alice may add 5 veth interfaces to lxcbr0', 'the lines add up');
  host.write('/home/alice/.config/lxc/default.conf', IDMAP + 'lxc.net.0.type = empty\n', 0o644, ALICE).rm('/etc/lxc/lxc-usernet');
  t.match(passing(t, host, 'usernet').summary, 'no veth interface', 'no veth, no quota needed');
});

t.test('lxc-user-nic: setuid root when the default config has a veth', OPTS, async (t) => {
  const host = aliceHost();
  host.write('/usr/libexec/lxc/lxc-user-nic', '', 0o755);
  failing(t, host, 'lxc-user-nic', /^sudo chown root \/usr\/libexec\/lxc\/lxc-user-nic && sudo chmod u\+s/);
  host.rm('/usr/libexec/lxc/lxc-user-nic');
  failing(t, host, 'lxc-user-nic', /apt-get install lxc/);
  host.write('/usr/libexec/lxc/lxc-user-nic', '', 0o4755);
  passing(t, host, 'lxc-user-nic');
});

t.test('lxcpath-access: alice and the container\'s root can enter every directory', OPTS, async (t) => {
  const host = aliceHost();
  host.mkdir('/home/alice', 0o700, ALICE);
  const f = failing(t, host, 'lxcpath-access', /^chmod a\+x \/home\/alice$/);
  t.match(f.summary, "/home/alice (0700, owner 1000): the container's root (uid 165536) cannot enter it");
  host.mkdir('/home/alice', 0o711, ALICE).mkdir('/home', 0o700);
  const g = failing(t, host, 'lxcpath-access', /^sudo chmod a\+x \/home$/);
  t.match(g.summary, "alice and the container's root (uid 165536) cannot enter it", 'a directory of root\'s: sudo');
  host.mkdir('/home', 0o755);
  passing(t, host, 'lxcpath-access');
  // Another lxcpath, not there yet, in a directory alice cannot write.
  host.mkdir('/srv', 0o755);
  failing(t, host, 'lxcpath-access', /^sudo install -d -o 1000 -g 1000 -m 755 \/srv\/lxc$/, { lxcpath: '/srv/lxc' });
  host.mkdir('/srv/lxc', 0o755, ALICE);
  passing(t, host, 'lxcpath-access', { lxcpath: '/srv/lxc' });
});

t.test('cgroup (v1 + v2): alice can write her cgroup in every hierarchy', OPTS, async (t) => {
  const host = aliceHost();
  t.same(hierarchies(envOf(host)).map((h) => h.dir), ['/sys/fs/cgroup/memory/alice', '/sys/fs/cgroup/cpu,cpuacct/alice', '/sys/fs/cgroup/unified/alice'], 'each line of /proc/self/cgroup at its mount');
  host.mkdir('/sys/fs/cgroup/cpu,cpuacct/alice', 0o755);
  const f = failing(t, host, 'cgroup', /^sudo sh -c 'for d in \/sys\/fs\/cgroup\/cpu,cpuacct\/alice; do mkdir -p "\$d\/alice" && chown -R alice/);
  t.match(f.summary, 'alice cannot write its current cgroup /sys/fs/cgroup/cpu,cpuacct/alice');
  host.mkdir('/sys/fs/cgroup/cpu,cpuacct/alice', 0o755, ALICE).mkdir('/sys/fs/cgroup/unified/alice', 0o755);
  failing(t, host, 'cgroup', /for d in \/sys\/fs\/cgroup\/unified\/alice;/);
  host.mkdir('/sys/fs/cgroup/unified/alice', 0o755, ALICE);
  passing(t, host, 'cgroup');
  // A mount whose root is not / (a cgroup namespace's view): the path is taken from that root.
  host.write('/proc/self/mountinfo', MOUNTINFO_HYBRID.replace('0:26 / /sys/fs/cgroup/memory', '0:26 /alice /sys/fs/cgroup/memory'));
  t.equal(hierarchies(envOf(host))[0].dir, '/sys/fs/cgroup/memory');
});

/** A cgroup2-only host under systemd: alice in a scope of her own. */
function v2Host(): FakeHost {
  const scope = '/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice/run-1.scope';
  return aliceHost()
    .write('/proc/self/mountinfo', '32 25 0:28 / /sys/fs/cgroup rw,nosuid shared:11 - cgroup2 cgroup2 rw,nsdelegate\n')
    .write('/proc/self/cgroup', '0::/user.slice/user-1000.slice/user@1000.service/app.slice/run-1.scope\n')
    .mkdir(scope, 0o755, ALICE)
    .write(`${scope}/cgroup.procs`, '', 0o644, ALICE)
    .write(`${scope}/cgroup.subtree_control`, '', 0o644, ALICE)
    .write(`${scope}/cgroup.controllers`, 'cpuset cpu io memory pids\n', 0o444)
    .mkdir('/run/systemd/system');
}

t.test('cgroup, cgroup-controllers, systemd-scope on a cgroup2-only systemd host', OPTS, async (t) => {
  const host = v2Host();
  const scope = '/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice/run-1.scope';
  const r = checkHostAt(envOf(host));
  t.same(r.findings.filter((f) => !f.ok), [], 'all ok');
  t.ok(r.findings.some((f) => f.id === 'cgroup-controllers') && r.findings.some((f) => f.id === 'systemd-scope'), 'both findings are made there');

  host.write(`${scope}/cgroup.subtree_control`, '', 0o644);
  const f = failing(t, host, 'cgroup', /^systemd-run --user --scope -p Delegate=yes -- <command>$/);
  t.match(f.detail, 'cgroup.subtree_control');
  host.write(`${scope}/cgroup.subtree_control`, '', 0o644, ALICE).write(`${scope}/cgroup.procs`, '', 0o644);
  failing(t, host, 'cgroup', /Delegate=yes/);
  host.write(`${scope}/cgroup.procs`, '', 0o644, ALICE);
  passing(t, host, 'cgroup');

  host.write(`${scope}/cgroup.controllers`, 'cpuset cpu\n', 0o444);
  const c = failing(t, host, 'cgroup-controllers', /Delegate=yes/);
  t.equal(c.severity, 'warning');
  t.match(c.summary, 'does not offer memory, pids, io');
  host.rm('/run/systemd/system');
  failing(t, host, 'cgroup-controllers', /^echo '\+memory \+pids \+io' \| sudo tee \/sys\/fs\/cgroup\/user\.slice\/.*\/app\.slice\/cgroup\.subtree_control$/);
  t.notOk(checkHostAt(envOf(host)).findings.some((x) => x.id === 'systemd-scope'), 'no systemd, no scope hint');
  host.mkdir('/run/systemd/system');
  host.write(`${scope}/cgroup.controllers`, 'cpuset cpu io memory pids\n', 0o444);
  passing(t, host, 'cgroup-controllers');

  host.mkdir(scope, 0o755);
  const s = failing(t, host, 'systemd-scope', /^systemd-run --user --scope -p Delegate=yes -- /);
  t.equal(s.severity, 'info');
  host.mkdir(scope, 0o755, ALICE);
  passing(t, host, 'systemd-scope');
});

t.test('runtime-dir: XDG_RUNTIME_DIR set and writable', OPTS, async (t) => {
  const host = aliceHost();
  const unset = failing(t, host, 'runtime-dir', /^export XDG_RUNTIME_DIR=\/run\/user\/1000$/, { xdgRuntimeDir: undefined });
  t.equal(unset.severity, 'warning', 'unset: liblxc falls back to ~/.cache, a warning');
  t.equal(checkHostAt(envOf(host, { xdgRuntimeDir: undefined })).ok, true, 'a warning leaves the report ok');
  const noHome = failing(t, host, 'runtime-dir', /export XDG_RUNTIME_DIR/, { xdgRuntimeDir: undefined, home: undefined });
  t.equal(noHome.severity, 'error', 'neither it nor HOME: an error');
  // After `su alice`: root's runtime directory.
  host.mkdir('/run/user/0', 0o700);
  const su = failing(t, host, 'runtime-dir', /^export XDG_RUNTIME_DIR=\/run\/user\/1000$/, { xdgRuntimeDir: '/run/user/0' });
  t.match(su.summary, 'XDG_RUNTIME_DIR /run/user/0 is not writable for alice');
  host.rm('/run/user/1000');
  failing(t, host, 'runtime-dir', /^sudo install -d -o 1000 -m 700 \/run\/user\/1000 && export XDG_RUNTIME_DIR=\/run\/user\/1000$/, { xdgRuntimeDir: '/run/user/1000' });
  host.mkdir('/run/user/1000', 0o700, ALICE);
  passing(t, host, 'runtime-dir');
});

t.test('templates and lxc-monitord', OPTS, async (t) => {
  const host = aliceHost();
  host.rm('/usr/share/lxc/templates');
  const f = failing(t, host, 'templates', /apt-get install lxc lxc-templates/);
  t.equal(f.severity, 'warning');
  host.write('/opt/lxc/share/lxc/templates/lxc-busybox', '', 0o755);
  t.match(passing(t, host, 'templates', { templateDir: '/opt/lxc/share/lxc/templates' }).summary, 'templates in /opt/lxc/share/lxc/templates: busybox', 'liblxc\'s own directory first');
  host.rm('/usr/libexec/lxc/lxc-monitord');
  const m = failing(t, host, 'lxc-monitord', /apt-get install lxc/);
  t.equal(m.severity, 'info');
  host.write('/usr/libexec/lxc/lxc-monitord', '', 0o644);
  failing(t, host, 'lxc-monitord', /apt-get install lxc/);
  host.write('/usr/libexec/lxc/lxc-monitord', '', 0o755);
  passing(t, host, 'lxc-monitord');
});

t.test('root: liblxc, bridge, templates, lxc-monitord only; the printed form', OPTS, async (t) => {
  const host = aliceHost().write('/etc/lxc/default.conf', NET);
  const r = checkHostAt(envOf(host, { uid: 0, gid: 0, home: '/root', user: undefined }));
  t.same(r.user, { uid: 0, name: 'root' });
  t.equal(r.root, true);
  t.same(r.findings.map((f) => f.id), ['liblxc', 'bridge', 'templates', 'lxc-monitord']);
  t.equal(r.ok, true);
  host.rm('/sys/class/net/lxcbr0').rm('/usr/libexec/lxc/lxc-monitord');
  const bad = checkHostAt(envOf(host, { uid: 0, gid: 0 }));
  t.equal(bad.ok, false);
  const text = checkText(bad, false);
  t.match(text, /\n✗ lxcbr0, the lxc\.net\.0\.link of \/etc\/lxc\/default\.conf, does not exist[^\n]*\n  fix: ip link add name lxcbr0 type bridge/, '✗ then its fix');
  t.match(text, /\n✗ no lxc-monitord [^\n]*\(info\)\n  fix: /, 'a failed info says so');
  t.match(text, /\n1 problem, 1 note: root cannot run containers until it is fixed$/);
  t.match(checkText(bad, true), '\x1b[31m✗\x1b[39m', 'red on a terminal');
});

t.test('may() answers as the kernel does for uid 65534', OPTS, async (t) => {
  const host = new FakeHost();
  const cases: Array<[number, number, number]> = [];
  for (const mode of [0o700, 0o710, 0o711, 0o701, 0o750, 0o755, 0o770, 0o777, 0o000]) {
    for (const [uid, gid] of [[0, 0], [65534, 0], [0, 65534], [1000, 1000]]) cases.push([mode, uid, gid]);
  }
  cases.forEach(([mode, uid, gid], i) => { host.mkdir(`/d${i}`, mode, uid); chownSync(`${host.dir}/d${i}`, uid, gid); });
  // One child as nobody tries each: can it search (x) and create in (wx) the directory?
  const script = cases.map((_, i) => `[ -x ${host.dir}/d${i} ] && echo x || echo -; (: > ${host.dir}/d${i}/f) 2>/dev/null && echo w || echo -`).join('\n');
  const out = execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'sh', '-c', script], { encoding: 'utf8', timeout: 10_000 }).trim().split('\n');
  cases.forEach(([mode, uid, gid], i) => {
    const st = { mode: 0o040000 | mode, uid, gid };
    const who = { uid: 65534, gids: [65534] };
    t.equal(may(st, who, 1), out[2 * i] === 'x', `search ${mode.toString(8)} ${uid}:${gid}`);
    t.equal(may(st, who, 3), out[2 * i + 1] === 'w', `write ${mode.toString(8)} ${uid}:${gid}`);
  });
});

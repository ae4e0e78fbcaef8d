// The runner channel (lib/proc/socket.ts) over a real socketpair: frames split and joined at any
// byte, fds carried with SCM_RIGHTS and handed to the frame that claims them.
import t from 'tap';
import { readFileSync, openSync, closeSync, fstatSync } from 'node:fs';
import * as libc from '../../ffi/libc.js';
import { frame, sendBytes, receive, FrameReader, MAX_FDS } from '../../lib/proc/socket.js';
import { cgroupPaths } from '../../lib/runner/cgroups.js';

function pair(): [number, number] {
  const sv = [0, 0];
  if (libc.socketpair(1, 1 | 0o2000000, 0, sv) !== 0) throw new Error('socketpair() failed');
  return [sv[0], sv[1]];
}

t.test('frames survive being split and joined at any byte', async (t) => {
  const messages = [{ a: 1 }, { text: 'é'.repeat(1000) }, { list: [1, null, 'x'] }];
  const bytes = Buffer.concat(messages.map(frame));
  for (const cut of [1, 3, 4, 5, 17, bytes.length - 1]) {
    const r = new FrameReader();
    const got = [...r.push(bytes.subarray(0, cut), []), ...r.push(bytes.subarray(cut), [])].map((f) => f.message);
    t.same(got, messages, `cut at ${cut}`);
  }
});

t.test('fds travel with their frame and go to the frame that claims them', async (t) => {
  const [a, b] = pair();
  const file = openSync('/proc/self/status', 'r');
  t.teardown(() => { closeSync(b); closeSync(file); });
  const one = frame({ t: 'call', fds: 2 });
  const two = frame({ t: 'forget', fds: 0 });
  t.equal(sendBytes(a, one, [file, 1]), one.length, 'the whole first frame went');
  t.equal(sendBytes(a, two), two.length);
  const reader = new FrameReader();
  const frames = [];
  while (frames.length < 2) {
    const got = receive(b, false)!;
    frames.push(...reader.push(got.bytes, got.fds));
  }
  t.equal(frames[0].fds.length, 2, 'two fds with the first frame');
  t.equal(frames[1].fds.length, 0, 'none with the second');
  t.equal(fstatSync(frames[0].fds[0]).ino, fstatSync(file).ino, 'the received fd is the same open file');
  t.ok(readFileSync(`/proc/self/fdinfo/${frames[0].fds[0]}`, 'utf8').includes('flags:\t02'), 'received close-on-exec');
  for (const f of frames[0].fds) closeSync(f);
  t.equal(receive(b, true), null, 'nothing more to read');
  closeSync(a);
  t.ok(receive(b, false)!.closed, 'the peer closing is seen');
});

t.test('more fds than a frame carries are refused before anything is sent; a peer gone is an error, not a signal', { timeout: 5000 }, async (t) => {
  const [a, b] = pair();
  const fds = Array.from({ length: MAX_FDS + 1 }, () => 0);
  t.throws(() => sendBytes(a, frame({ fds: fds.length }), fds), /at most 64 fds per frame/);
  t.equal(receive(b, true), null, 'nothing went');
  closeSync(b);
  // MSG_NOSIGNAL: EPIPE comes back as an error, no SIGPIPE (a runner whose caller died exits quietly).
  t.throws(() => sendBytes(a, frame({ t: 'x' })), /sendmsg\(\) failed \(errno 32\)/, 'EPIPE');
  closeSync(a);
});

t.test("cgroupPaths names this process's cgroup in every hierarchy", async (t) => {
  const paths = cgroupPaths();
  const lines = readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n');
  t.equal(paths.length, lines.length, 'one per line of /proc/self/cgroup');
  for (const p of paths) t.ok(p.mount === undefined || p.mount.startsWith('/'), `${p.controllers || 'unified'} at ${p.mount}`);
});

// lib/proc/exit.ts: how a process ended, from a waitpid() status word and from waitid()'s siginfo_t.
import t from 'tap';
import { exitStatus, fromSiginfo, fromWaitStatus, signalName } from '../../lib/proc/exit.js';

/** A siginfo_t as waitid() fills it: si_code at byte 8, si_status at byte 24. */
function siginfo(code: number, status: number): Buffer {
  const b = Buffer.alloc(128);
  b.writeInt32LE(17, 0); // si_signo SIGCHLD
  b.writeInt32LE(code, 8);
  b.writeInt32LE(status, 24);
  return b;
}

t.test('waitpid() status words', { timeout: 5000 }, async (t) => {
  t.same(fromWaitStatus(0), { code: 0, signal: null }, 'exit 0');
  t.same(fromWaitStatus(3 << 8), { code: 3, signal: null }, 'exit 3');
  t.same(fromWaitStatus(255 << 8), { code: 255, signal: null }, 'exit 255: the high byte only');
  t.same(fromWaitStatus(9), { code: null, signal: 9 }, 'killed by SIGKILL');
  t.same(fromWaitStatus(0x80 | 11), { code: null, signal: 11 }, 'SIGSEGV with a core: the core bit is not the signal');
  t.same(exitStatus(fromWaitStatus(15)), { exitCode: null, signal: 'SIGTERM' });
  t.same(exitStatus(fromWaitStatus(7 << 8)), { exitCode: 7 });
});

t.test("waitid()'s siginfo_t", { timeout: 5000 }, async (t) => {
  const CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3;
  t.same(fromSiginfo(siginfo(CLD_EXITED, 0)), { code: 0, signal: null }, 'exited 0');
  t.same(fromSiginfo(siginfo(CLD_EXITED, 42)), { code: 42, signal: null }, 'exited 42');
  t.same(fromSiginfo(siginfo(CLD_KILLED, 9)), { code: null, signal: 9 }, 'killed');
  t.same(fromSiginfo(siginfo(CLD_DUMPED, 6)), { code: null, signal: 6 }, 'dumped core: a signal too');
  t.same(exitStatus(fromSiginfo(siginfo(CLD_KILLED, 9))), { exitCode: null, signal: 'SIGKILL' });
  t.same(exitStatus({ code: 0, signal: null }), { exitCode: 0 }, 'no signal key when it exited');
});

t.test('signal names', { timeout: 5000 }, async (t) => {
  t.equal(signalName(9), 'SIGKILL');
  t.equal(signalName(1), 'SIGHUP');
  t.equal(signalName(99), 'SIG99', 'an unknown number still names something');
});

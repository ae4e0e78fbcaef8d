// Port of lxc/lxc src/tests/state_server.c (lxc-5.0.2): ten concurrent shutdown() calls on one
// container object (C: ten threads, one with timeout 0 as a non-blocking request, the rest -1)
// all succeed, over repeated start/shutdown rounds. lxc-ffi's calls are promises from one thread;
// C's shutdown(0) is true once the request is sent, lxc-ffi's shutdown(0) sends and checks once, so
// it may answer false while init is still halting (documented): only its type is checked. The C
// test runs ten rounds with a 5 s sleep after each start; here three rounds without the sleep,
// since shutdown() waits for init's handler itself.
import t from 'tap';
import { tempLxcpath, busybox, within } from '../../helpers.js';

const ROUNDS = 3;
const CALLERS = 10;

t.test(`${CALLERS} concurrent shutdowns, ${ROUNDS} rounds`, async (t) => {
  const lxcpath = tempLxcpath(t);
  const c = await busybox(lxcpath, 'state-server');
  t.teardown(() => c.release());
  c.clearConfig();
  c.loadConfig();
  for (let round = 0; round < ROUNDS; round++) {
    await within(60_000, `start ${round}`, c.start());
    const answers = await within(90_000, `shutdowns ${round}`, Promise.all(
      Array.from({ length: CALLERS }, (_, i) => c.shutdown(i === 0 ? 0 : -1)),
    ));
    t.type(answers[0], 'boolean', `round ${round}: shutdown(0) answered ${answers[0]}`);
    t.same(answers.slice(1), Array(CALLERS - 1).fill(true), `round ${round}: every waiting shutdown saw STOPPED`);
    t.equal(c.state, 'STOPPED');
  }
  await within(30_000, 'destroy', c.destroy());
});

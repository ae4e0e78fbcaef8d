// Port of lxc/lxc src/tests/list.c (lxc-5.0.2): list_defined_containers, list_active_containers and
// list_all_containers, asked for names, for container objects, or both, agree with each other and
// name each object after its entry. lxc-ffi has listContainers() (names, by { active, defined }) and
// containers() (objects). The C test only prints what it finds; here one defined-only and one running
// container make the expected answers known.
import t from 'tap';
import * as lxc from '../../../lib/index.js';
import { tempLxcpath, busybox, within } from '../../helpers.js';

t.test('defined, active and all containers, as names and as objects', async (t) => {
  const lxcpath = tempLxcpath(t);
  t.same(lxc.listContainers({ lxcpath }), [], 'an empty lxcpath lists nothing');
  const idle = await busybox(lxcpath, 'list-idle');
  const up = await busybox(lxcpath, 'list-up');
  t.teardown(() => { idle.release(); up.release(); });
  await within(60_000, 'start', up.start());

  const cases = [
    { what: 'defined', opts: { active: false, defined: true }, want: ['list-idle', 'list-up'] },
    { what: 'active', opts: { active: true, defined: false }, want: ['list-up'] },
    { what: 'all', opts: {}, want: ['list-idle', 'list-up'] },
  ];
  for (const { what, opts, want } of cases) {
    const names = lxc.listContainers({ lxcpath, ...opts });
    t.same(names, want, `${what}: names`);
    const objs = lxc.containers({ lxcpath, ...opts });
    t.same(objs.map((o) => o.name), names, `${what}: objects name the same containers, in order`);
    for (const o of objs) {
      t.equal(o.lxcpath, lxcpath);
      t.equal(o.defined, true);
      o.release();
    }
  }
  t.same(lxc.listContainers({ lxcpath, active: false, defined: false }), [], 'neither: nothing');
  await within(30_000, 'stop', up.stop());
  t.same(lxc.listContainers({ lxcpath, defined: false }), [], 'no active container after stop');
});

// The version table of ffi/layouts.ts, read as data: no liblxc needed.
import t from 'tap';
import { layoutOf, compareVersions, oldest, newest, tags, structs } from '../../ffi/layouts.js';
import { parseMember } from '../../ffi/types.js';

const names = (s: string, v: [number, number, number]) => layoutOf(s, v).map((m) => parseMember(m.decl).name);

t.test('the table spans 3.0 to the newest tag', async (t) => {
  t.same(oldest, [3, 0, 0]);
  t.ok(compareVersions(newest, [6, 0, 0]) >= 0, `newest is ${newest.join('.')}`);
  for (const [v, tag] of Object.entries(tags)) t.match(tag, new RegExp(`${v.replace(/\./g, '\\.')}$`), `tag cited for ${v}`);
  t.throws(() => layoutOf('lxc_container', [2, 1, 0]), RangeError);
});

t.test('lxc_container changes across releases', async (t) => {
  const v400 = names('lxc_container', [4, 0, 0]);
  t.notOk(v400.includes('devpts_fd'), '4.0.0 has no devpts_fd');
  t.notOk(v400.includes('seccomp_notify_fd_active'));
  t.ok(v400.includes('init_pidfd'));
  const v405 = names('lxc_container', [4, 0, 5]);
  t.ok(v405.indexOf('seccomp_notify_fd_active') === v405.indexOf('init_pidfd') - 1, '4.0.5 inserts seccomp_notify_fd_active before init_pidfd');
  t.ok(v405.includes('devpts_fd'));
  t.notOk(names('lxc_container', [3, 0, 0]).includes('mount'), 'mount arrived in 3.1');
  t.ok(names('lxc_container', [3, 1, 0]).includes('mount'));
  t.notOk(names('lxc_container', [5, 0, 2]).includes('set_timeout'));
  t.ok(names('lxc_container', [6, 0, 0]).includes('set_timeout'));
  const v502 = names('lxc_container', [5, 0, 2]);
  t.equal(v502[0], 'name', 'the struct opens with char *name');
  t.equal(new Set(v502).size, v502.length, 'no member twice in one version');
});

t.test('attach options grew in 4.0.7', async (t) => {
  t.notOk(names('lxc_attach_options_t', [4, 0, 6]).includes('groups'));
  t.ok(names('lxc_attach_options_t', [4, 0, 7]).includes('groups'));
  t.same(layoutOf('lxc_mount', [3, 0, 0]), [], 'no lxc_mount before 3.1');
});

t.test('every declaration parses', async (t) => {
  for (const [s, members] of Object.entries(structs)) for (const m of members) t.ok(parseMember(m.decl).name, `${s}: ${m.decl}`);
  t.same(parseMember('bool (*is_defined)(struct lxc_container *c)'), { name: 'is_defined', type: 'bool', params: 'struct lxc_container *c' });
  t.same(parseMember('char *error_string'), { name: 'error_string', type: 'char *' });
});

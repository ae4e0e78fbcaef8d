// lib/call/routes.ts: one row for every struct lxc_container member, and docs/design.md's table
// is the one the routes make.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { ROUTES, type Route } from '../../lib/call/routes.js';
import * as ffi from '../../ffi/index.js';
import { routesTable, documentedTable, designPath } from '../../scripts/routes-table.js';

t.setTimeout(60_000);

// The members as ffi/members.ts types them (its interface, read as text: types leave no trace at run time).
const membersText = readFileSync(new URL('../../ffi/members.ts', import.meta.url), 'utf8');
const typed = [...membersText.matchAll(/^ {2}(\w+)\(c: ContainerPtr/gm)].map((m) => m[1]);

t.test('every member of ffi/members.ts has a route, and no route names another', async (t) => {
  t.ok(typed.length >= 59, `ffi/members.ts types ${typed.length} members`);
  t.same(Object.keys(ROUTES).sort(), [...typed].sort());
});

t.test('every function-pointer member of every tabled struct lxc_container has a route', async (t) => {
  const names = new Set<string>();
  for (const tag of Object.keys(ffi.tags)) {
    for (const m of ffi.layoutOf('lxc_container', tag.split('.').map(Number) as unknown as ffi.LxcVersion)) {
      const parsed = ffi.parseMember(m.decl);
      // The variadic ones (startl, createl, attach_run_waitl) take C varargs, which no member call passes.
      if (parsed.params !== undefined && !parsed.params.includes('...')) names.add(parsed.name);
    }
  }
  t.ok(names.size >= 59, `${names.size} function-pointer members`);
  t.same([...names].filter((n) => !(n in ROUTES)), [], 'none without a route');
});

t.test('a sync member takes at most 3 arguments after the struct (invoke() passes them without an array)', async (t) => {
  for (const m of membersText.matchAll(/^ {2}(\w+)\(c: ContainerPtr((?:, [^)]*)?)\)/gm)) {
    const [, name, rest] = m;
    const n = rest ? rest.split(',').length - 1 : 0;
    if ((ROUTES as Record<string, Route>)[name].lane === 'sync') t.ok(n <= 3, `${name}: ${n} arguments`);
  }
});

t.test('the rows say what the lanes mean', async (t) => {
  for (const [member, r] of Object.entries(ROUTES as Record<string, Route>)) {
    t.equal(r.queued, r.lane !== 'sync', `${member}: queued exactly when its lane is async`);
    if (r.movesCgroup || r.keepsLog || r.entersContainer || r.result !== 'value') t.equal(r.lane, 'runner', `${member}: runner-only fields on a runner row`);
    if (r.sized) t.equal(r.lane, 'sync', `${member}: sized reads are synchronous`);
  }
  // The calls that create processes in their caller (design.md, "Which entry points create processes").
  for (const m of ['start', 'clone', 'snapshot', 'snapshot_restore', 'rename', 'destroy', 'destroy_with_snapshots', 'snapshot_destroy',
    'snapshot_destroy_all', 'attach', 'get_ips', 'get_interfaces', 'add_device_node', 'remove_device_node', 'attach_interface',
    'detach_interface', 'mount', 'umount', 'checkpoint', 'restore', 'migrate'] as const) {
    t.equal(ROUTES[m].lane, 'runner', `${m} runs in a runner`);
  }
  t.equal(ROUTES.create.lane, 'worker');
  t.ok(ROUTES.start.movesCgroup && ROUTES.restore.movesCgroup, 'start and restore move the runner into the container cgroups');
  t.ok(ROUTES.start.keepsLog, "start's log stays open for its monitor");
  t.ok(ROUTES.attach.entersContainer && ROUTES.attach_run_wait.entersContainer, "the attaches hide the runner's log files from their child");
});

t.test("docs/design.md's routes table agrees with lib/call/routes.ts", async (t) => {
  const doc = documentedTable(readFileSync(designPath, 'utf8'));
  t.ok(doc, 'design.md has the routes markers');
  t.equal(doc, routesTable(), 'regenerate with: npx tsx scripts/routes-table.ts --write');
});

t.test('no family calls a member but through invoke() or query()', async (t) => {
  const { readdirSync } = await import('node:fs');
  const dir = new URL('../../lib/container/', import.meta.url);
  const offenders: string[] = [];
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((n) => n.endsWith('.ts') && n !== 'handle.ts');
  t.ok(files.length >= 10, `${files.length} family files`);
  for (const f of files) {
    const text = readFileSync(new URL(f, dir), 'utf8');
    for (const [i, line] of text.split('\n').entries()) {
      if (/\bffi\.method\(|\.members\[|\bdecode\(h\b|\.async\(|h\.(call|forking|runForking|member|item)\(/.test(line)) offenders.push(`${f}:${i + 1}: ${line.trim()}`);
    }
  }
  t.same(offenders, [], 'lib/container/*.ts reach C only through invoke() and h.query()');
});

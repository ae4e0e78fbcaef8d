// The options of the synchronous calls (listContainers, new Container, logInit, watch) are
// `fields()` schemas (lib/options/global.ts): checked by hand on the call's path, without zod, and
// published as zod schemas by lxc-ffi/schemas. Both are built from one table of checks; this holds
// them to the same answer over a corpus of good and bad inputs: the same value kept, or EINVAL with
// the same message. Pure TypeScript: no liblxc behaviour is claimed here.
import t from 'tap';
import fc from 'fast-check';
import * as published from '../../lib/schemas.js';
import { listOptionsSchema, containerOptionsSchema, logOptionsSchema, watchOptionsSchema, logLevels } from '../../lib/options.js';
import type { Fields } from '../../lib/options/parse.js';
import { LxcError } from '../../lib/errors.js';

type Outcome = { ok: true; value: unknown } | { ok: false; code: string; message: string };

function outcome(f: () => unknown): Outcome {
  try {
    const v = f() as Record<string, unknown>;
    // An optional key given as undefined: zod keeps it, the fast path leaves it out; neither is read.
    return { ok: true, value: Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) };
  } catch (e) {
    if (!(e instanceof LxcError)) throw e;
    return { ok: false, code: e.code, message: e.message };
  }
}

const path = fc.oneof(fc.constantFrom('/var/lib/lxc', '/tmp/x', '/'), fc.string().map((s) => `/${s}`), fc.string());
const name = fc.oneof(fc.constantFrom('web', 'a-b_1', '..', '-rf', 'a/b', ''), fc.string());
const anything = fc.anything({ withNullPrototype: true, withBoxedValues: true, withSparseArray: true });
const signal = fc.constantFrom(new AbortController().signal, AbortSignal.abort());
/** A field's value: mostly of its own kind, sometimes anything at all. */
const either = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: anything });

/** Objects of the schema's keys (any of them absent) and now and then an unknown key; and non-objects. */
function corpus(fieldsOf: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const known = fc.record(fieldsOf, { requiredKeys: [] });
  const withExtra = fc.tuple(known, fc.dictionary(fc.string(), anything, { maxKeys: 2 })).map(([k, extra]) => ({ ...extra, ...k }));
  // Not undefined: an absent options object is the call's own default ({}) or, for logInit, "must be object".
  const other = anything.filter((v) => v !== undefined);
  return fc.oneof({ weight: 4, arbitrary: known }, { weight: 2, arbitrary: withExtra }, { weight: 1, arbitrary: other });
}

const cases: Array<[string, Fields<unknown>, unknown, fc.Arbitrary<unknown>]> = [
  ['listContainers', listOptionsSchema as Fields<unknown>, published.listOptionsSchema, corpus({ lxcpath: either(path), active: either(fc.boolean()), defined: either(fc.boolean()) })],
  ['Container', containerOptionsSchema as Fields<unknown>, published.containerOptionsSchema, corpus({ lxcpath: either(path) })],
  ['logInit', logOptionsSchema as Fields<unknown>, published.logOptionsSchema, corpus({
    file: either(path), level: either(fc.oneof(fc.constantFrom(...logLevels), fc.string())), prefix: either(fc.string({ maxLength: 40 })), quiet: either(fc.boolean()),
  })],
  ['watch', watchOptionsSchema as Fields<unknown>, published.watchOptionsSchema, corpus({ lxcpath: either(path), names: either(fc.array(either(name), { maxLength: 3 })), signal: either(signal) })],
];

for (const [op, schema, built, inputs] of cases) {
  t.test(`${op}: the fast path and the published zod schema agree`, async (t) => {
    t.equal(schema(), built, 'lxc-ffi/schemas publishes the schema the fast path is built with');
    let accepted = 0;
    let refused = 0;
    fc.assert(fc.property(inputs, (v) => {
      const fast = outcome(() => schema.fast(op, 'options', v));
      const zod = outcome(() => published.parse(op, 'options', schema(), v));
      if (fast.ok) accepted++;
      else refused++;
      t.same(fast, zod, `${op}: ${JSON.stringify(fast)} vs ${JSON.stringify(zod)}`);
      return JSON.stringify(fast) === JSON.stringify(zod);
    }), { numRuns: 400, seed: 20261207 });
    t.ok(accepted > 20 && refused > 20, `the corpus has good (${accepted}) and bad (${refused}) inputs`);
  });
}

t.test('the messages of the fast path name every problem, in zod\'s order and words', async (t) => {
  t.throws(() => logOptionsSchema.fast('logInit', 'options', { quiet: 'yes', colour: true }), {
    code: 'EINVAL', message: 'logInit: options.file is required; options.quiet must be boolean; options.colour is not a known option',
  });
  t.throws(() => watchOptionsSchema.fast('watch', 'options', { names: ['ok', '../x'] }), { message: 'watch: options.names.1 must not contain "/"' });
  t.throws(() => listOptionsSchema.fast('listContainers', 'options', []), { message: 'listContainers: options must be object' });
  t.throws(() => listOptionsSchema.fast('listContainers', 'options', new Date()), { message: 'listContainers: options must be a plain object' });
  t.throws(() => containerOptionsSchema.fast('Container', 'options', JSON.parse('{"__proto__": {}}')), { message: 'Container: options.__proto__ is not a known option' });
  const names = ['a'];
  const o = watchOptionsSchema.fast('watch', 'options', { names });
  t.not(o.names, names, 'names is a copy, read once');
  t.same(o.names, names);
});

// zod's answer as lxc-ffi's one error type: LxcError EINVAL naming each problem by its path below
// the argument (createOptions.bdevSpecs.lvm.vg), every problem, not only the first.
import type { Z } from './common.js';
import { LxcError } from '../errors.js';

type Issue = Z.core.$ZodIssue;

function at(value: unknown, path: PropertyKey[]): unknown {
  let v = value;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** One issue in the words of lib/validate.ts. */
function describe(issue: Issue, input: unknown): Array<[PropertyKey[], string]> {
  const here = issue.path;
  const custom = issue.message && issue.message !== 'Invalid input' ? issue.message : null;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => [[...here, k], 'is not a known option']);
    case 'invalid_type': {
      const v = at(input, here);
      if (v === undefined) return [[here, 'is required']];
      if (issue.expected === 'int' && typeof v === 'number') return [[here, 'must be an integer']];
      return [[here, custom ?? `must be ${issue.expected === 'int' ? 'number' : issue.expected}`]];
    }
    case 'invalid_value':
      return [[here, custom ?? `must be one of ${issue.values.map((x) => `'${String(x)}'`).join(', ')}`]];
    case 'too_small':
      return [[here, custom ?? (issue.origin === 'array' ? `must have at least ${issue.minimum} items` : `must be ≥ ${issue.minimum}`)]];
    case 'too_big':
      return [[here, custom ?? `must be ≤ ${issue.maximum}`]];
    default:
      return [[here, custom ?? 'is not valid']];
  }
}

/**
 * `value` as `schema` accepts it, or LxcError EINVAL: "op: arg.path why; arg.path why".
 *
 * @example
 * const o = parse('start', 'options', startOptionsSchema, { useinit: true });
 */
export function parse<T>(op: string, arg: string, schema: Z.ZodMiniType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const problems = r.error.issues.flatMap((i) => describe(i, value)).map(([p, why]) => `${[arg, ...p.map(String)].join('.')} ${why}`);
  return failWith(op, problems);
}

function failWith(op: string, problems: string[]): never {
  throw new LxcError('EINVAL', `${op}: ${problems.join('; ')}`, { op });
}

// The zod schemas of attach.ts's option types, each checked against its interface at compile time.
import { schema, zod, abortSignal, text, boolean, int, checked, type Same, type Infer, type Assert } from './common.js';
import { stringRules } from '../validate.js';
import type { AttachOptions, ExecOptions, Namespace } from './attach.js';
import { namespaceFlags, personalities } from './attach.js';

const namespaceNames = Object.keys(namespaceFlags) as [Namespace, ...Namespace[]];

// The fields every attach call takes; exec() drops stdout and stderr (it captures them) and adds input.
const attachShape = schema((z) => {
  const id = int(0, 0xfffffffe);
  const stdio = z.union([int(0), z.enum(['inherit', 'ignore', 'pipe'])], { error: "must be an fd, 'inherit', 'ignore' or 'pipe'" });
  const envName = checked(stringRules([(s) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s), 'variable names are letters, digits and "_"']));
  return z.strictObject({
    namespaces: z.optional(z.union([int(), z.array(z.enum(namespaceNames))], { error: 'must be a CLONE_NEW* mask or an array of namespace names' })),
    env: z.optional(z.enum(['keep', 'clear'])),
    extraEnv: z.optional(z.record(envName, text())),
    keepEnv: z.optional(z.array(envName)),
    cwd: z.optional(checked(stringRules([(s) => !s.includes('\u0000'), 'must not contain NUL'], [(s) => s.startsWith('/'), 'must be an absolute path']))),
    uid: z.optional(id),
    gid: z.optional(id),
    groups: z.optional(z.array(id)),
    stdin: z.optional(stdio),
    stdout: z.optional(stdio),
    stderr: z.optional(stdio),
    personality: z.optional(z.union([int(), checked(stringRules([(s) => Object.hasOwn(personalities, s), 'is not a known architecture']))], { error: 'must be a personality number or a known architecture name' })),
    lsmLabel: z.optional(text()),
    elevatedPrivileges: z.optional(boolean()),
    remountSysProc: z.optional(boolean()),
    flags: z.optional(int(0)),
    signal: z.optional(abortSignal()),
  });
});

// Both say which privilege bits to use: neither may silently win.
const oneOfFlagsOrElevated = () => zod().refine<{ flags?: number; elevatedPrivileges?: boolean }>((o) => !(o.flags !== undefined && o.elevatedPrivileges), {
  message: 'cannot be combined with options.flags (set the LXC_ATTACH_* bits there)', path: ['elevatedPrivileges'],
});

export const attachOptionsSchema = schema(() => attachShape().check(oneOfFlagsOrElevated()));
type AttachChecked = Assert<Same<Infer<typeof attachOptionsSchema>, AttachOptions>>;

export const execOptionsSchema = schema((z) => {
  const { stdout: _stdout, stderr: _stderr, ...execShape } = attachShape().def.shape;
  return z.strictObject({
    ...execShape,
    input: z.optional(z.union([z.string(), z.custom<Buffer>((v) => Buffer.isBuffer(v))], { error: 'must be a string or a Buffer' })),
  }).check(oneOfFlagsOrElevated());
});
type ExecChecked = Assert<Same<Infer<typeof execOptionsSchema>, ExecOptions>>;

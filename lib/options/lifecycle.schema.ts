// The zod schemas of lifecycle.ts's option types, each checked against its interface at compile time.
import { schema, abortSignal, path, text, boolean, type Same, type Infer, type Assert } from './common.js';
import type { ContainerOptions, ContainerState, DestroyOptions, ListOptions, StartOptions, WaitOptions } from './lifecycle.js';
import { states } from './lifecycle.js';

export const startOptionsSchema = schema((z) => z.strictObject({
  useinit: z.optional(boolean()),
  argv: z.optional(z.array(text()).check(z.minLength(1, { message: 'must name a command (an empty argv makes init exec nothing)' }))),
}));

type StartChecked = Assert<Same<Infer<typeof startOptionsSchema>, StartOptions>>;

export const destroyOptionsSchema = schema((z) => z.strictObject({ withSnapshots: z.optional(boolean()) }));

type DestroyChecked = Assert<Same<Infer<typeof destroyOptionsSchema>, DestroyOptions>>;

export const waitOptionsSchema = schema((z) => z.strictObject({ signal: z.optional(abortSignal()) }));

type WaitChecked = Assert<Same<Infer<typeof waitOptionsSchema>, WaitOptions>>;

export const listOptionsSchema = schema((z) => z.strictObject({ lxcpath: z.optional(path()), active: z.optional(boolean()), defined: z.optional(boolean()) }));

type ListChecked = Assert<Same<Infer<typeof listOptionsSchema>, ListOptions>>;

export const containerOptionsSchema = schema((z) => z.strictObject({ lxcpath: z.optional(path()) }));

type ContainerChecked = Assert<Same<Infer<typeof containerOptionsSchema>, ContainerOptions>>;

// The zod schemas of console.ts's option types, each checked against its interface at compile time.
import { schema, boolean, int, checked, type Same, type Infer, type Assert } from './common.js';
import { stringRules } from '../validate.js';
import type { ConsoleLogOptions, ConsoleOptions } from './console.js';

export const consoleOptionsSchema = schema((z) => z.strictObject({
  tty: z.optional(int(-1)),
  stdinFd: z.optional(int(0)),
  stdoutFd: z.optional(int(0)),
  stderrFd: z.optional(int(0)),
  escape: z.optional(checked(stringRules([(s) => /^[a-z]$/.test(s), 'must be one letter a-z']))),
}));

type ConsoleChecked = Assert<Same<Infer<typeof consoleOptionsSchema>, ConsoleOptions>>;

export const consoleLogOptionsSchema = schema((z) => z.strictObject({
  read: z.optional(boolean()),
  clear: z.optional(boolean()),
  readMax: z.optional(int(0)),
}));

type ConsoleLogChecked = Assert<Same<Infer<typeof consoleLogOptionsSchema>, ConsoleLogOptions>>;

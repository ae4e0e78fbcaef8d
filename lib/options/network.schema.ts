// The zod schemas of network.ts's option types, each checked against its interface at compile time.
import { schema, abortSignal, int, checked, type Same, type Infer, type Assert } from './common.js';
import { ifaceName, timeoutSeconds } from '../validate.js';
import type { GetIpsOptions } from './network.js';

export const getIpsOptionsSchema = schema((z) => z.strictObject({
  interface: z.optional(checked(ifaceName)),
  family: z.optional(z.enum(['inet', 'inet6'])),
  scope: z.optional(int(0)),
  timeout: z.optional(z.number().check(z.superRefine((n, ctx) => {
    const why = timeoutSeconds.why(n);
    if (why !== null) ctx.addIssue({ code: 'custom', message: why, input: n });
  }))),
  signal: z.optional(abortSignal()),
}));

type GetIpsChecked = Assert<Same<Infer<typeof getIpsOptionsSchema>, GetIpsOptions>>;

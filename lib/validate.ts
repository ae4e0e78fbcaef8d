// Input checks that run before any C call: zod schemas for the strings and numbers liblxc takes.
import { z } from 'zod';
import { invalid, LxcError } from './errors.js';

// Control characters would end a config line or a C string early.
const CONTROL = /[\u0000-\u001f\u007f]/;
const NUL_OR_NEWLINE = /[\u0000\r\n]/;

/** A container name: one path component liblxc can use as a directory and a socket name. */
export const containerName = z
  .string()
  .min(1, 'must not be empty')
  .refine((s) => s !== '.' && s !== '..', 'must not be "." or ".."')
  .refine((s) => !s.includes('/'), 'must not contain "/"')
  .refine((s) => !CONTROL.test(s), 'must not contain NUL, newline or other control characters')
  .refine((s) => !s.startsWith('-'), 'must not start with "-"')
  .refine((s) => Buffer.byteLength(s) <= 255, 'is too long for a path component (255 bytes at most)');

/** An absolute filesystem path. */
export const absolutePath = z
  .string()
  .min(1, 'must not be empty')
  .refine((s) => s.startsWith('/'), 'must be an absolute path')
  .refine((s) => !CONTROL.test(s), 'must not contain NUL, newline or other control characters')
  .refine((s) => Buffer.byteLength(s) < 4096, 'is longer than PATH_MAX');

/** A config key such as lxc.net.0.link. */
export const configKey = z
  .string()
  .regex(/^lxc(\.[A-Za-z0-9_\-]+)+$/, 'must look like lxc.section.key (letters, digits, "_", "-", ".")');

/** A config value: one line, as liblxc writes it back into the config file. */
export const configValue = z.string().refine((s) => !NUL_OR_NEWLINE.test(s), 'must not contain NUL, CR or LF');

/** A cgroup controller file name such as memory.max. */
export const cgroupKey = z.string().regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_\-]+)+$/, 'must look like controller.file');

/** A value handed to a template as an option argument. */
export const templateValue = z
  .string()
  .min(1, 'must not be empty')
  .refine((s) => !s.startsWith('-'), 'must not start with "-" (the template would read it as an option)')
  .refine((s) => !/\s/.test(s), 'must not contain whitespace')
  .refine((s) => !s.includes('\u0000'), 'must not contain NUL');

/** Seconds to wait: a finite number ≥ 0, or -1 for "forever" where liblxc allows it. */
export const timeoutSeconds = z
  .number({ error: 'must be a number' })
  .refine((n) => Number.isFinite(n), 'must be a finite number')
  .refine((n) => n >= 0 || n === -1, 'must be ≥ 0 (or -1 to wait forever)');

/** Parses `value` with `schema`, or throws LxcError EINVAL naming `arg` and the first problem. */
export function check<T extends z.ZodType>(op: string, arg: string, schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw fromZod(op, arg, r.error);
}

/** Converts a ZodError into LxcError EINVAL naming the argument and, for objects, the option. */
export function fromZod(op: string, arg: string, error: z.ZodError): LxcError {
  const issue = error.issues[0];
  const where = issue.path.length ? `${arg}.${issue.path.join('.')}` : arg;
  if (issue.code === 'unrecognized_keys') return invalid(op, `${where}.${issue.keys[0]}`, 'is not a known option');
  const msg = issue.code === 'invalid_type' ? `must be ${issue.expected}` : issue.message;
  return invalid(op, where, msg);
}

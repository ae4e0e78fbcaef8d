// What every option schema is built from: zod (its "mini" build, the smaller of its two to load),
// required on the first parse so that `import 'lxc-ffi'` never pays for it, and the hand-written
// checks of lib/validate.ts turned into zod types, so that a path, a name or a value is refused for
// the same reason whether it comes alone or inside an option object. Synchronous on purpose: a
// call's options are checked before it is admitted, in the same turn (release() semantics).
import { createRequire } from 'node:module';
import type * as Z from 'zod/mini';
import { absolutePath, noNul, configValue, templateValue, int as intCheck, type Checker } from '../validate.js';

export type { Z };
const require = createRequire(import.meta.url);
let loaded: typeof Z | undefined;

/** zod/mini, required once. */
export function zod(): typeof Z {
  return (loaded ??= require('zod/mini') as typeof Z);
}

/** A schema built on its first use (and zod required then). */
export function schema<T extends Z.ZodMiniType>(build: (z: typeof Z) => T): () => T {
  let built: T | undefined;
  return () => (built ??= build(zod()));
}

/** The type a lazily built schema accepts. */
export type Infer<S extends () => Z.ZodMiniType> = Z.infer<ReturnType<S>>;

/** A zod string type refused for the reasons `c` gives. */
export function checked(c: Checker<string>): Z.ZodMiniType<string> {
  const z = zod();
  return z.string().check(z.superRefine((s, ctx) => {
    const why = c.why(s);
    if (why !== null) ctx.addIssue({ code: 'custom', message: why, input: s });
  }));
}

/** A number refused for the reasons `c` gives (integers in a range, timeouts). */
export function checkedNumber(c: Checker<number>): Z.ZodMiniType<number> {
  const z = zod();
  return z.number().check(z.superRefine((n, ctx) => {
    const why = c.why(n);
    if (why !== null) ctx.addIssue({ code: 'custom', message: why, input: n });
  }));
}

/** An integer in [min, max]. */
export const int = (min?: number, max?: number) => checkedNumber(intCheck(min, max));
export const path = schema(() => checked(absolutePath));
export const text = schema(() => checked(noNul));
export const value = schema(() => checked(configValue));
export const templateArg = schema(() => checked(templateValue));
export const boolean = schema((z) => z.boolean());

/** An AbortSignal, for the calls that can be cancelled. */
export const abortSignal = schema((z) => z.custom<AbortSignal>((v) => v instanceof AbortSignal, { message: 'must be an AbortSignal' }));

/** A function (callbacks such as onOutput). */
export function fn<T extends (...args: never[]) => unknown>(): Z.ZodMiniType<T> {
  return zod().custom<T>((v) => typeof v === 'function', { message: 'must be a function' });
}

/** `true` when A and B are the same type: a schema checked against its interface at compile time. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compiles only when T is true. */
export type Assert<T extends true> = T;

// Every comparison target, in the order the table shows them. Add a module, then a line here.
export { c } from './c.js';
export { python } from './python.js';
export { tools } from './tools.js';
export { lxcffi } from './lxcffi.js';
import { c } from './c.js';
import { python } from './python.js';
import { tools } from './tools.js';
import { lxcffi } from './lxcffi.js';
import type { Target } from './target.js';

export const targets: readonly Target[] = [c, python, tools, lxcffi];
export * from './target.js';

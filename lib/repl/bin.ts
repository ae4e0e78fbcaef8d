#!/usr/bin/env node
// The `lxc-ffi` bin (`npx lxc-ffi`): the REPL of ./main.ts.
import { main } from './main.js';

await main(process.argv.slice(2));

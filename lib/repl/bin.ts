#!/usr/bin/env node
// The `lxc-ffi` bin (`npx lxc-ffi`): the REPL of ./main.ts, or the host check of ./check.ts
// (`--check`), which loads liblxc only once it runs, so that a missing liblxc is one of its findings.
const argv = process.argv.slice(2);
if (argv.includes('--check')) {
  const { checkMain } = await import('./check.js');
  process.exitCode = await checkMain(argv);
} else {
  const { main } = await import('./main.js');
  await main(argv);
}
export {};

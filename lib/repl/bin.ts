#!/usr/bin/env node
// The `lxc-ffi` bin (`npx lxc-ffi`): the REPL of ./main.ts, the host check of ./check.ts (`--check`)
// or the versions of ./version.ts (`--version`); the last two load liblxc only once they run, so
// that a missing liblxc is one of their findings.
const argv = process.argv.slice(2);
if (argv.includes('--check')) {
  const { checkMain } = await import('./check.js');
  process.exitCode = await checkMain(argv);
} else if (argv.includes('--version') || argv.includes('-v')) {
  const { versionMain } = await import('./version.js');
  process.exitCode = await versionMain();
} else {
  const { main } = await import('./main.js');
  await main(argv);
}
export {};

// The seed tutorial's second example ("LXC 1.0: scripting with the API"), in TypeScript: for every
// container of an lxcpath, start it if it is not running, wait until it has an address, run the
// update commands inside it, and shut down again the ones this script started.
//
//   tsx scripts/examples/update-all.ts                        # apt-get update; apt-get dist-upgrade -y
//   tsx scripts/examples/update-all.ts --lxcpath /srv/lxc --timeout 60
//   tsx scripts/examples/update-all.ts --command '["apk","update"]' --command '["apk","upgrade"]'
//
// Each --command is one argv as a JSON array of strings; it is run as is, with no shell (pass
// '["sh","-c","..."]' to get one inside the container). One line per container says what happened:
//   web: updated (2 commands, exit codes 0 0)
//   db: skipped (no address), shut down again
//   mail: update failed (2 commands, exit codes 0 100), shut down again
import { parseArgs } from 'node:util';
import * as lxc from '../../lib/index.js';

const { values: args } = parseArgs({
  options: {
    lxcpath: { type: 'string' },
    // Seconds to wait for an address, and for a clean shutdown.
    timeout: { type: 'string', default: '30' },
    command: { type: 'string', multiple: true },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const timeout = Number(args.timeout);
if (!Number.isInteger(timeout) || timeout < 0) fail(`--timeout must be a whole number of seconds, not ${JSON.stringify(args.timeout)}`);

const commands: string[][] = (args.command ?? []).map((json) => {
  let argv: unknown;
  try {
    argv = JSON.parse(json);
  } catch {
    fail(`--command must be a JSON array of strings, e.g. '["apt-get","update"]', not ${json}`);
  }
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string' && a !== '')) {
    fail(`--command must be a non-empty JSON array of non-empty strings, not ${json}`);
  }
  return argv as string[];
});
if (commands.length === 0) commands.push(['apt-get', 'update'], ['apt-get', 'dist-upgrade', '-y']);

const why = (e: unknown) => (e instanceof Error ? e.message : String(e));

for (const container of lxc.containers(args.lxcpath === undefined ? {} : { lxcpath: args.lxcpath })) {
  const report = (what: string) => console.log(`${container.name}: ${what}`);
  try {
    // Start the container if it is not running.
    let started = false;
    if (!container.running) {
      try {
        await container.start();
      } catch (e) {
        report(`skipped (start failed: ${why(e)})`);
        continue;
      }
      started = true;
    }

    let outcome = '';
    let after = '';
    try {
      const state = container.state;
      if (state !== 'RUNNING') {
        outcome = `skipped (state ${state})`;
      } else if ((await container.getIps({ timeout })).length === 0) {
        // Wait for connectivity.
        outcome = 'skipped (no address)';
      } else {
        // Run the updates.
        const codes: number[] = [];
        let error: string | undefined;
        for (const argv of commands) {
          try {
            codes.push(await container.attachWait(lxc.attachRunCommand, argv));
          } catch (e) {
            error = `${argv[0]}: ${why(e)}`;
            break;
          }
        }
        const ok = error === undefined && codes.every((code) => code === 0);
        if (!ok) process.exitCode = 1;
        const ran = `${codes.length} command${codes.length === 1 ? '' : 's'}, exit codes ${codes.join(' ') || '-'}`;
        outcome = ok ? `updated (${ran})` : `update failed (${ran}${error ? `; ${error}` : ''})`;
      }
    } finally {
      // Shut the container down again if this script started it.
      if (started) {
        if (await container.shutdown(timeout)) {
          after = ', shut down again';
        } else {
          await container.stop();
          after = ', stopped again (shutdown timed out)';
        }
      }
    }
    report(outcome + after);
  } catch (e) {
    report(`failed (${why(e)})`);
    process.exitCode = 1;
  } finally {
    container.release();
  }
}

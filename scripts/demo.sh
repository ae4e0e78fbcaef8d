#!/usr/bin/env bash
# Sets the host up, then runs the seed's first example on a busybox container with no network
# (nothing to download, no bridge needed): create → start → state and PID → shutdown → destroy.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

lxcpath=$(mktemp -d /tmp/lxc-ffi-demo.XXXXXX)
trap 'rm -rf "$lxcpath"' EXIT
npx tsx scripts/examples/basic.ts --template busybox --network none --lxcpath "$lxcpath"

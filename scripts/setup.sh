#!/usr/bin/env bash
# Sets up a Debian/Ubuntu host for lxc-ffi, as root: LXC and the tools the tests use, then the
# npm dependencies. Idempotent; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
  echo "setup.sh: run as root (containers need it): sudo bash $0" >&2
  exit 1
fi

# liblxc and its headers (the layout test compiles against them), the reference binding for
# comparisons, and what the tests' bridge, DHCP, image server and busybox rootfs need.
packages=(lxc liblxc1 lxc-dev lxc-tests python3-lxc dnsmasq-base busybox-static iproute2 wget openssl
  xz-utils tar gcc libc6-dev ca-certificates uidmap criu iptables rsync e2fsprogs btrfs-progs lvm2 thin-provisioning-tools)
# Some Node and npm to start from; if this Node is older than lxc-ffi supports (apt's nodejs is 18 on
# Debian 12 and Ubuntu 24.04), scripts/node.sh fetches a supported one with npm below.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ] || [ "${CI:-}" = true ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

# A Node.js that package.json's engines accept (^20.19.0 || >=22.12.0) first on PATH, for npm ci below;
# demo.sh and test.sh source the same after this script.
# shellcheck source=scripts/node.sh
source scripts/node.sh
use_supported_node || { echo "setup.sh: no supported Node.js" >&2; exit 1; }

# Root-run idmapped containers need subordinate ids for root.
grep -q '^root:100000:65536$' /etc/subuid 2>/dev/null || echo 'root:100000:65536' >> /etc/subuid
grep -q '^root:100000:65536$' /etc/subgid 2>/dev/null || echo 'root:100000:65536' >> /etc/subgid

if [ ! -d node_modules ] || [ "${CI:-}" = true ]; then
  npm ci --no-audit --no-fund
fi

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
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ] || [ "${CI:-}" = true ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup.sh: lxc-ffi needs Node.js 20 or newer (found $(node --version))" >&2
  exit 1
fi

# Root-run idmapped containers need subordinate ids for root.
grep -q '^root:100000:65536$' /etc/subuid 2>/dev/null || echo 'root:100000:65536' >> /etc/subuid
grep -q '^root:100000:65536$' /etc/subgid 2>/dev/null || echo 'root:100000:65536' >> /etc/subgid

if [ ! -d node_modules ] || [ "${CI:-}" = true ]; then
  npm ci --no-audit --no-fund
fi

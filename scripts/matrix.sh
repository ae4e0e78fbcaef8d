#!/usr/bin/env bash
# The runtime matrix: builds liblxc releases from source, each into its own prefix, and runs the
# version-relevant part of the suite against each through LD_LIBRARY_PATH. Run by hand, as root
# (CI cannot reach a source host and keeps testing the installed liblxc).
#   scripts/matrix.sh [options] SRC_DIR TAG...          SRC_DIR: a git clone of lxc/lxc
#   scripts/matrix.sh [options] --from-git GITDIR TAG...  GITDIR: a (bare) git dir of lxc/lxc
# Options: --no-build (use the prefixes already built), --no-test, --jobs N (default 2),
#          --root DIR (default /var/tmp/lxc-matrix; each TAG gets DIR/TAG/{src,prefix,*.log}).
# Prints per release: build time, "N passed, N failed, N skipped" and each failing test.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

root=/var/tmp/lxc-matrix jobs=2 build=1 test=1 gitdir=
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --no-test) test=0 ;;
    --jobs) jobs=$2; shift ;;
    --root) root=$2; shift ;;
    --from-git) gitdir=$2; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) break ;;
  esac
  shift
done
if [ -z "$gitdir" ]; then
  [ $# -ge 1 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
  gitdir=$(git -C "$1" rev-parse --absolute-git-dir) || exit 2
  shift
fi
[ $# -ge 1 ] || { echo "matrix.sh: no TAG given" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "matrix.sh: run as root (containers need it)" >&2; exit 1; }

# The tests that mean something for every release: struct layouts, lifecycle, config, attach,
# foreground starts, snapshots, and the unit tests (no liblxc, but they import the whole facade).
# test/unit/ffi-headers.test.ts is left out: it compiles the vendored headers of every release and
# never loads the runtime liblxc, so it says the same for every prefix (CI runs it).
tests=(test/integration/layout.test.ts test/integration/lifecycle.test.ts test/integration/config.test.ts
  test/integration/attach.test.ts test/integration/foreground.test.ts test/integration/snapshots.test.ts
  $(ls test/unit/*.test.ts | grep -v '/ffi-headers\.test\.ts$'))

# Debian 12 packages the builds need (3.0/4.0 autotools, 5.0+ meson). No docs (docbook2x), no
# apparmor (the host kernel has none), no dbus/systemd (5.0+ options switched off below).
build_deps=(gcc make pkg-config libc6-dev libcap-dev libseccomp-dev libselinux1-dev libssl-dev
  autoconf automake libtool meson ninja-build)
install_deps() {
  local missing=() p
  for p in "${build_deps[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  echo "matrix.sh: apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# major.minor of a tag: lxc-4.0.12 -> 4.0, v6.0.6 -> 6.0
series() { sed -E 's/^(lxc-|v)//; s/^([0-9]+\.[0-9]+).*/\1/' <<<"$1"; }
major() { series "$1" | cut -d. -f1; }

# Builds TAG into $root/TAG/prefix with that release's own build system; every path liblxc has
# compiled in (templates, lxc-monitord, default.conf, lxcpath) lies under the prefix, except the
# runtime dir (/run), shared with the host's liblxc as the packaged builds do.
build_release() {
  local tag=$1 dir=$root/$1 p=$root/$1/prefix
  rm -rf "$dir/src" "$p"; mkdir -p "$dir/src"
  git --git-dir="$gitdir" archive "$tag" | tar -x -C "$dir/src" || return 1
  cd "$dir/src" || return 1
  if [ "$(major "$tag")" -le 4 ]; then
    # glibc 2.36's <sys/mount.h> and <linux/mount.h> meet in 4.0.x: its warnings must not stop it.
    local cflags="-O2 -g -Wno-error=incompatible-pointer-types"
    echo "+ ./autogen.sh" && ./autogen.sh &&
    echo "+ CFLAGS='$cflags' ./configure --prefix=$p ..." &&
    CFLAGS="$cflags" ./configure --prefix="$p" --disable-doc --disable-api-docs --disable-apparmor \
      --disable-bash --disable-examples --disable-tests --disable-werror --enable-seccomp \
      --enable-capabilities --with-init-script=sysvinit --with-systemdsystemunitdir=no \
      --with-distro=unknown &&
    echo "+ make -j$jobs && make install" &&
    nice -n 10 make -j"$jobs" && nice -n 10 make install &&
    fix_busybox_template_3_0 "$tag" "$p/share/lxc/templates/lxc-busybox"
  else
    # -Dtools=false: meson links every lxc-* tool with its own copy of the sources (1,500 steps
    # instead of ~400); lxc-ffi needs liblxc, lxc-monitord and init.lxc (commands), not the tools.
    local opts=(--prefix="$p" -Dman=false -Dtests=false -Dexamples=false -Dtools=false -Dapparmor=false
      -Dpam-cgroup=false -Dio-uring-event-loop=false -Dsystemd-unitdir="$p/lib/systemd/system"
      -Ddistrosysconfdir="$p/etc/default" -Dinit-script=sysvinit
      # meson.build takes localstatedir from '/' whatever the prefix: lxcpath, logs and caches
      # would be the host's /var/lib/lxc, /var/log/lxc; absolute paths keep them in the prefix.
      -Ddata-path="$p/var/lib/lxc" -Dlog-path="$p/var/log/lxc" -Dapparmor-cache-path="$p/var/cache/lxc/apparmor")
    local have; have=$(grep -oE "^option\('[a-z-]+'" meson_options.txt | cut -d"'" -f2)
    grep -qx sd-bus <<<"$have" && opts+=(-Dsd-bus=disabled)
    grep -qx dbus <<<"$have" && opts+=(-Ddbus=false)
    grep -qx api-docs <<<"$have" && opts+=(-Dapi-docs=false)
    grep -qx install-init-files <<<"$have" && opts+=(-Dinstall-init-files=false)
    grep -qx install-state-dirs <<<"$have" && opts+=(-Dinstall-state-dirs=false)
    # 5.0.x installs its bash completion into /usr/share whatever the prefix (over the host
    # package's _lxc); 6.0 moved it under the prefix. Same fix here.
    sed -i "s|^bashcompletiondir = join_paths('/', 'usr', 'share',|bashcompletiondir = join_paths(prefixdir, 'share',|" meson.build
    echo "+ meson setup build ${opts[*]}" && meson setup build "${opts[@]}" &&
    echo "+ ninja -C build -j$jobs && ninja -C build install" &&
    nice -n 10 ninja -C build -j"$jobs" && nice -n 10 ninja -C build install
  fi
}
# 3.0's busybox template finds udhcpc's default script in `busybox udhcpc -h`, on the line
# "-s,--script PROG"; Debian 12's busybox 1.35 prints "-s PROG", so the path comes out empty: no
# DHCP script in the rootfs (eth0 never gets an address), and the template's `chmod 644` and
# `chmod 744` of that script and its directory land on the rootfs itself: mode 0744, which only
# root can enter (exec as uid 1000 exits 255; the attach worker of an idmapped container cannot
# chdir to /). 4.0 dropped that step. Fixed in the installed template: it reads either form.
fix_busybox_template_3_0() {
  [ "$(major "$1")" -eq 3 ] || return 0
  echo "+ sed -i \"s/grep -- '-s,--script PROG'/grep -E -- '-s(,--script)? PROG[[:space:]]'/\" $2"
  sed -i "s/grep -- '-s,--script PROG'/grep -E -- '-s(,--script)? PROG[[:space:]]'/" "$2" && grep -q -- "-s(,--script)? PROG\[" "$2"
}

libdir_of() { local p=$root/$1/prefix; [ -e "$p/lib/x86_64-linux-gnu/liblxc.so.1" ] && echo "$p/lib/x86_64-linux-gnu" || echo "$p/lib"; }

# 7.0 dropped cgroup v1. On a hybrid host (v1 controllers, an empty cgroup2 at
# /sys/fs/cgroup/unified) it takes /sys/fs/cgroup for the v2 root and fails
# ("cgfsng_monitor_enter: No space left on device - Failed to enter cgroup"). The workaround, for
# that release only: its run gets a private mount namespace whose /sys/fs/cgroup is the cgroup2
# hierarchy alone. Nothing changes on the host, so there is nothing to restore.
needs_cgroup2_only() {
  [ "$(major "$1")" -ge 7 ] || return 1
  [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]
}
in_cgroup2_namespace() {
  unshare --mount --propagation private -- bash -c '
    umount -R /sys/fs/cgroup || exit 1
    mount -t cgroup2 cgroup2 /sys/fs/cgroup || exit 1
    exec "$@"' matrix-cgroup2 "$@"
}

# Runs the tests against TAG's liblxc; sets result[TAG] and prints the failures.
run_tests() {
  local tag=$1 dir=$root/$1 p=$root/$1/prefix lib; lib=$(libdir_of "$tag")
  [ -e "$lib/liblxc.so.1" ] || { result[$tag]="not built"; return; }
  local env=(env LD_LIBRARY_PATH="$lib" PATH="$p/bin:$p/sbin:$PATH" LXC_FFI_HEADERS="$p/include")
  # 3.0 enables every controller of the cgroup2 hierarchy in the subtree of its monitor cgroup.
  # On a hybrid host that hierarchy holds only what v1 left over (hugetlb here) and the root's
  # subtree_control does not enable it: "Could not enable "+hugetlb" controllers in the unified
  # cgroup ..." and no container starts. The release's own global config (in its prefix, not the
  # host's) limits it to the v1 controllers; 4.0 and later leave such a hierarchy alone.
  if [ "$(major "$tag")" -eq 3 ] && grep -q '^0::' /proc/self/cgroup && grep -qv '^0::' /proc/self/cgroup; then
    local use; use=$(awk -F: '$1 != 0 && $2 != "" { print $2 }' /proc/self/cgroup | tr ',' '\n' | sort | paste -sd,)
    mkdir -p "$p/etc/lxc"
    echo "lxc.cgroup.use = $use" >"$p/etc/lxc/lxc.conf"
    echo "== $tag: $p/etc/lxc/lxc.conf: lxc.cgroup.use = $use"
  fi
  local wrap=()
  if needs_cgroup2_only "$tag"; then
    echo "== $tag: cgroup2-only mount namespace for this run (see needs_cgroup2_only)"
    wrap=(in_cgroup2_namespace)
  fi
  echo "== $tag: import check"
  echo "+ LD_LIBRARY_PATH=$lib npx tsx -e \"import('./lib/index.ts').then((lxc) => console.log(lxc.version))\""
  if ! "${wrap[@]}" "${env[@]}" npx tsx -e "import('./lib/index.ts').then((lxc) => console.log(lxc.version))"; then
    result[$tag]="import failed"
    return
  fi
  echo "== $tag: tests (log: $dir/test.log)"
  local before; before=$(ls -d /tmp/lxcffi-test-* 2>/dev/null | sort)
  "${wrap[@]}" "${env[@]}" npx tap --reporter=tap "${tests[@]}" >"$dir/test.log" 2>&1
  local summary pass fail skip
  summary=$(grep -E '^# \{ total: [0-9]+' "$dir/test.log" | tail -1)
  pass=$(sed -nE 's/.*pass: ([0-9]+).*/\1/p' <<<"$summary"); fail=$(sed -nE 's/.*fail: ([0-9]+).*/\1/p' <<<"$summary")
  skip=$(sed -nE 's/.*skip: ([0-9]+).*/\1/p' <<<"$summary")
  result[$tag]="${pass:-0} passed, ${fail:-0} failed, ${skip:-0} skipped"
  echo "== $tag: ${result[$tag]}"
  # The failing tests, innermost first under their file (tap's own lines, indentation kept).
  grep -nE '^ *not ok |^# Subtest: test/' "$dir/test.log" | grep -B1 'not ok' | grep -v '^--$' || true
  # 3.x names its cgroups lxc.monitor/NAME and lxc.payload/NAME (4.0: lxc.monitor.NAME) and
  # leaves the parents, and every failed monitor cgroup (NAME-1, NAME-2 …), behind. rmdir takes
  # only empty cgroups, so nothing in use goes.
  if [ "$(major "$tag")" -eq 3 ]; then
    local h
    for h in /sys/fs/cgroup/*/lxc.monitor /sys/fs/cgroup/*/lxc.payload; do
      [ -d "$h" ] || continue
      find "$h" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null; rmdir "$h" 2>/dev/null
    done
  fi
  # A test file killed by its timeout cannot run its teardown. The host is shared (other test runs
  # make /tmp/lxcffi-test-* too), so what appeared during this run is named, not swept.
  local left; left=$(comm -13 <(echo "$before") <(ls -d /tmp/lxcffi-test-* 2>/dev/null | sort))
  [ -z "$left" ] || echo "== $tag: lxcpaths that appeared during the run (this run's or another's): $left"
}

declare -A result
for tag in "$@"; do
  dir=$root/$tag
  mkdir -p "$dir"
  if [ "$build" -eq 1 ]; then
    install_deps || exit 1
    echo "== $tag: building into $dir/prefix (log: $dir/build.log)"
    start=$(date +%s)
    ( build_release "$tag" ) >"$dir/build.log" 2>&1
    status=$?
    secs=$(( $(date +%s) - start ))
    echo "$secs" >"$dir/build.seconds"
    if [ "$status" -ne 0 ]; then
      echo "== $tag: build FAILED after ${secs}s; last lines of $dir/build.log:"
      tail -15 "$dir/build.log"
      result[$tag]="build failed"
      continue
    fi
    echo "== $tag: built in ${secs}s"
  fi
  [ "$test" -eq 1 ] || continue
  run_tests "$tag"
done

echo
echo "== summary"
for tag in "$@"; do printf '%-12s build %6ss  %s\n' "$tag" "$(cat "$root/$tag/build.seconds" 2>/dev/null || echo '?')" "${result[$tag]:-not tested}"; done

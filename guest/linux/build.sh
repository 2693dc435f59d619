#!/usr/bin/env bash
# Builds rvmm's Linux guest from Debian 12's own sources, cached outside the
# clone: a riscv64 kernel Image (linux-source-6.1, allnoconfig + kernel.config)
# and a gzip'd newc initramfs holding a static busybox (Debian's busybox
# source) with the test init (init, tests/, rootfs/). See README.md here.
#
#   guest/linux/build.sh                build what is missing (root needed to
#                                       install packages), then print the paths
#   guest/linux/build.sh --print-paths  print the paths if everything is cached,
#                                       else fail; never builds or installs
#
# The last line of stdout (its only line) is
#   KERNEL=<cache>/kernel-<key>/Image INITRD=<cache>/initramfs-<key>/initramfs.cpio.gz
# Progress and errors go to stderr.
#
# Environment: RVMM_GUEST_CACHE (default /var/cache/rvmm-guest),
#              RVMM_GUEST_JOBS (default: number of cores).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${RVMM_GUEST_CACHE:-/var/cache/rvmm-guest}
JOBS=${RVMM_GUEST_JOBS:-$(nproc)}

CROSS=riscv64-linux-gnu-
LINUX_PKG=linux-source-6.1
LINUX_TARBALL=/usr/src/linux-source-6.1.tar.xz
BUSYBOX_SRC_PKG=busybox

# Debian packages the build needs; only missing ones reach apt-get.
PACKAGES=(
  "$LINUX_PKG" gcc-riscv64-linux-gnu binutils-riscv64-linux-gnu
  libc6-dev-riscv64-cross
  gcc libc6-dev make bc bison flex libssl-dev libelf-dev perl
  cpio gzip xz-utils bzip2 dpkg-dev
)
# Packages whose versions are part of the cache keys.
CROSS_PKGS=(gcc-riscv64-linux-gnu gcc-12-riscv64-linux-gnu binutils-riscv64-linux-gnu)
LIBC_PKGS=(libc6-dev-riscv64-cross linux-libc-dev-riscv64-cross)

# Kernel options rvmm's guest relies on. Each must be =y in the final .config,
# whatever kernel.config says; one that Kconfig drops fails the build.
REQUIRED_KCONFIG=(
  64BIT MMU SOC_VIRT SMP FPU RISCV_SBI RISCV_SBI_V01 RISCV_TIMER SIFIVE_PLIC
  PRINTK TTY HVC_RISCV_SBI SERIAL_8250 SERIAL_8250_CONSOLE SERIAL_OF_PLATFORM
  BLK_DEV_INITRD RD_GZIP DEVTMPFS DEVTMPFS_MOUNT PROC_FS SYSFS TMPFS
  BINFMT_ELF BINFMT_SCRIPT
  VIRTIO_MMIO VIRTIO_BLK VIRTIO_NET VIRTIO_CONSOLE VIRTIO_BALLOON HW_RANDOM_VIRTIO
  EXT4_FS NET INET UNIX PACKET
  RTC_CLASS RTC_DRV_GOLDFISH
  POWER_RESET POWER_RESET_SYSCON POWER_RESET_SYSCON_POWEROFF MFD_SYSCON
)

log() { echo "rvmm-guest: $*" >&2; }
die() { echo "rvmm-guest: error: $*" >&2; exit 1; }

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2
  exit "${1:-0}"
}

mode=build
case "${1:-}" in
  "") ;;
  --print-paths) mode=print ;;
  -h|--help) usage 0 ;;
  *) echo "rvmm-guest: unknown argument: $1" >&2; usage 2 ;;
esac

# ---------------------------------------------------------------- packages --

declare -A VERSIONS=()
# Installed versions of every package named in this script, in one dpkg call.
load_versions() {
  local p st v
  VERSIONS=()
  while IFS=$'\t' read -r p st v; do
    if [[ "$st" == "install ok installed" ]]; then VERSIONS[$p]=$v; fi
  done < <(dpkg-query -W -f='${Package}\t${Status}\t${Version}\n' \
             "${PACKAGES[@]}" "${CROSS_PKGS[@]}" "${LIBC_PKGS[@]}" 2>/dev/null || true)
  return 0
}
pkg_version() { echo "${VERSIONS[$1]:-}"; }  # installed version of $1, or nothing

ensure_packages() {
  local missing=() p
  for p in "$@"; do
    [[ -n "$(pkg_version "$p")" ]] || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  [[ $(id -u) -eq 0 ]] || die "missing packages: ${missing[*]}; run as root to install them"
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  load_versions
}

# Version of the busybox source package that `apt-get source` would fetch:
# the highest one in apt's deb-src lists (nothing if there are none).
busybox_src_version() {
  local v best=
  while read -r v; do
    if [[ -z "$best" ]] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
  done < <(apt-cache showsrc "$BUSYBOX_SRC_PKG" 2>/dev/null |
           awk '/^Package: /{p=$2} /^Version: /{if (p=="'"$BUSYBOX_SRC_PKG"'") print $2}')
  echo "$best"
}

# -------------------------------------------------------------- cache keys --

sha() { sha256sum | cut -c1-64; }
file_line() { # "<path relative to guest/linux> <mode> <sha256>"
  local mode=644
  [[ -x "$HERE/$1" ]] && mode=755
  echo "$1 $mode $(sha < "$HERE/$1")"
}
versions_of() { local p; for p in "$@"; do echo "pkg $p $(pkg_version "$p")"; done; }

# Each *_inputs prints the exact text that is hashed into the key; it is
# also saved as inputs.txt in the cache entry.
kernel_inputs() {
  echo "component kernel"
  file_line build.sh
  file_line kernel.config
  versions_of "$LINUX_PKG" "${CROSS_PKGS[@]}"
}
busybox_inputs() {
  echo "component busybox"
  file_line build.sh
  file_line busybox.config
  echo "src $BUSYBOX_SRC_PKG $BB_VERSION"
  versions_of "${CROSS_PKGS[@]}" "${LIBC_PKGS[@]}"
}
initramfs_inputs() {
  local f
  echo "component initramfs"
  file_line build.sh
  echo "busybox-key $BKEY"
  versions_of "$LINUX_PKG"   # gen_init_cpio comes from the kernel source
  while read -r f; do file_line "$f"; done < <(cd "$HERE" && { echo init; find tests rootfs -type f; } | LC_ALL=C sort)
}
key_of() { "$1" | sha | cut -c1-16; }

compute_keys() {
  load_versions
  LINUX_VERSION=$(pkg_version "$LINUX_PKG")
  BB_VERSION=$(busybox_src_version)
  local p
  for p in "$LINUX_PKG" "${CROSS_PKGS[@]}" "${LIBC_PKGS[@]}"; do
    [[ -n "$(pkg_version "$p")" ]] || return 1
  done
  [[ -n "$BB_VERSION" ]] || return 1
  KKEY=$(key_of kernel_inputs)
  BKEY=$(key_of busybox_inputs)
  IKEY=$(key_of initramfs_inputs)
  KERNEL_DIR=$CACHE/kernel-$KKEY
  BUSYBOX_DIR=$CACHE/busybox-$BKEY
  INITRAMFS_DIR=$CACHE/initramfs-$IKEY
}

print_paths() {
  echo "KERNEL=$KERNEL_DIR/Image INITRD=$INITRAMFS_DIR/initramfs.cpio.gz"
}

if [[ $mode == print ]]; then
  compute_keys || die "not built: build packages or busybox deb-src entries are missing; run guest/linux/build.sh"
  [[ -f "$KERNEL_DIR/Image" ]] || die "kernel not built ($KERNEL_DIR); run guest/linux/build.sh"
  [[ -f "$INITRAMFS_DIR/initramfs.cpio.gz" ]] || die "initramfs not built ($INITRAMFS_DIR); run guest/linux/build.sh"
  print_paths
  exit 0
fi

# ------------------------------------------------------------------- build --

# Everything cached: print the paths without taking the lock (works as any user).
if compute_keys && [[ -f "$KERNEL_DIR/Image" && -f "$INITRAMFS_DIR/initramfs.cpio.gz" ]]; then
  touch "$KERNEL_DIR" "$BUSYBOX_DIR" "$INITRAMFS_DIR" 2>/dev/null || true
  log "kernel:    $KERNEL_DIR/Image (cached)"
  log "initramfs: $INITRAMFS_DIR/initramfs.cpio.gz (cached)"
  print_paths
  exit 0
fi

mkdir -p "$CACHE" || die "cannot create the cache directory $CACHE (set RVMM_GUEST_CACHE, or run as root)"
# One build at a time per cache; concurrent callers wait here.
exec 9>"$CACHE/.lock"
flock 9

load_versions
ensure_packages "${PACKAGES[@]}"
"$REPO/scripts/setup-deb-src.sh" >&2
compute_keys || die "cannot compute cache keys: packages missing or no deb-src entry for $BUSYBOX_SRC_PKG"

# Builds happen in $CACHE/work/<entry>; a finished entry is renamed to
# $CACHE/<entry> in one step, so a killed build never looks finished. With the
# lock held nothing else is building: whatever is left in work/ is stale.
WORK=$CACHE/work
rm -rf "$WORK"
mkdir -p "$WORK" "$CACHE/src"

fail_log() { # fail_log LOG MESSAGE
  tail -n 40 "$1" >&2 || true
  die "$2 (full log: $1)"
}

# check_config CONFIG FRAGMENT REQUIRED...: every value set in FRAGMENT and
# every REQUIRED option (as =y) must be in CONFIG as written.
check_config() {
  local config=$1 fragment=$2 bad=() line opt
  shift 2
  while IFS= read -r line; do
    case "$line" in
      CONFIG_*=*)
        grep -qxF -- "$line" "$config" || bad+=("$line (final: $(grep -E "^(# )?${line%%=*}[= ]" "$config" || echo 'absent'))") ;;
      "# CONFIG_"*" is not set")
        opt=${line#\# }; opt=${opt%% *}
        ! grep -qE "^$opt=" "$config" || bad+=("$line (final: $(grep -E "^$opt=" "$config"))") ;;
    esac
  done < "$fragment"
  for opt in "$@"; do
    grep -qxF "CONFIG_$opt=y" "$config" || bad+=("CONFIG_$opt=y required (final: $(grep -E "^(# )?CONFIG_$opt[= ]" "$config" || echo 'absent'))")
  done
  if [[ ${#bad[@]} -gt 0 ]]; then
    printf 'rvmm-guest:   %s\n' "${bad[@]}" >&2
    die "$(basename "$fragment"): ${#bad[@]} option(s) did not end up in $config as asked (a dependency is missing, or Kconfig dropped them)"
  fi
}

# The extracted kernel source, shared by kernel builds (they build out of
# tree with O=, so it stays pristine). One tree per package version.
linux_src() {
  local d=$CACHE/src/linux-source-6.1_$LINUX_VERSION t
  if [[ ! -d "$d" ]]; then
    log "extracting $LINUX_TARBALL"
    t=$WORK/linux-src
    mkdir -p "$t"
    tar -xf "$LINUX_TARBALL" -C "$t"
    rm -rf "$CACHE"/src/linux-source-6.1_*   # trees of older package versions
    mv "$t/linux-source-6.1" "$d"
    rm -rf "$t"
  fi
  echo "$d"
}

write_info() { # write_info DIR KEY-INPUTS-FUNCTION SECONDS
  "$2" > "$1/inputs.txt"
  { echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "seconds: $3"
    echo "jobs: $JOBS"
  } > "$1/build-info.txt"
}

build_kernel() {
  [[ -f "$KERNEL_DIR/Image" ]] && { log "kernel: cached ($KERNEL_DIR)"; return 0; }
  local src w obj res logf t0 mk
  src=$(linux_src)
  w=$WORK/kernel-$KKEY obj=$w/obj res=$w/result
  mkdir -p "$obj" "$res"
  logf=$res/build.log
  mk=(make -C "$src" O="$obj" ARCH=riscv CROSS_COMPILE="$CROSS"
      KBUILD_BUILD_USER=rvmm KBUILD_BUILD_HOST=rvmm KBUILD_BUILD_VERSION=1
      KBUILD_BUILD_TIMESTAMP="rvmm kernel-$KKEY")
  t0=$SECONDS
  log "kernel: configuring (allnoconfig + kernel.config), key $KKEY"
  # KCONFIG_ALLCONFIG is how merge_config.sh -n applies a fragment; calling
  # make directly keeps temporary files out of the shared source tree.
  "${mk[@]}" KCONFIG_ALLCONFIG="$HERE/kernel.config" allnoconfig > "$logf" 2>&1 ||
    fail_log "$logf" "kernel: allnoconfig failed"
  check_config "$obj/.config" "$HERE/kernel.config" "${REQUIRED_KCONFIG[@]}"
  log "kernel: building Image with -j$JOBS (about 5 minutes on 2 cores; log: $logf)"
  "${mk[@]}" -j"$JOBS" Image >> "$logf" 2>&1 || fail_log "$logf" "kernel: build failed"
  check_config "$obj/.config" "$HERE/kernel.config" "${REQUIRED_KCONFIG[@]}"
  cp "$obj/arch/riscv/boot/Image" "$obj/vmlinux" "$obj/System.map" "$res/"
  cp "$obj/.config" "$res/config"
  write_info "$res" kernel_inputs $((SECONDS - t0))
  mv "$res" "$KERNEL_DIR"
  rm -rf "$w"
  log "kernel: built in $((SECONDS - t0)) s"
}

build_busybox() {
  [[ -f "$BUSYBOX_DIR/busybox" ]] && { log "busybox: cached ($BUSYBOX_DIR)"; return 0; }
  local dl=$CACHE/src/busybox_${BB_VERSION//:/_} w=$WORK/busybox-$BKEY t0 dsc logf opt
  local res=$w/result obj=$w/obj
  t0=$SECONDS
  if ! compgen -G "$dl/*.dsc" > /dev/null; then
    log "busybox: fetching source $BUSYBOX_SRC_PKG=$BB_VERSION"
    mkdir -p "$w/dl"
    # apt downloads as _apt when it can write there (no "unsandboxed" warning)
    chown _apt "$w/dl" 2>/dev/null || true
    (cd "$w/dl" && apt-get source -qq --download-only "$BUSYBOX_SRC_PKG=$BB_VERSION") >&2 ||
      die "busybox: apt-get source failed (are deb-src entries set up? scripts/setup-deb-src.sh)"
    rm -rf "$CACHE"/src/busybox_*
    mv "$w/dl" "$dl"
  fi
  dsc=$(compgen -G "$dl/*.dsc" | head -n 1)
  mkdir -p "$res" "$obj"
  logf=$res/build.log
  dpkg-source -x "$dsc" "$w/src" > "$logf" 2>&1 || fail_log "$logf" "busybox: dpkg-source -x failed"
  # The banner's build date: the package's, not today's (reproducible builds).
  SOURCE_DATE_EPOCH=$(dpkg-parsechangelog -l "$w/src/debian/changelog" -STimestamp)
  export SOURCE_DATE_EPOCH
  # Base: Debian's busybox-static config; busybox.config's lines replace it.
  cp "$w/src/debian/config/pkg/static" "$obj/.config"
  for opt in $(grep -oE '^(# )?CONFIG_[A-Za-z0-9_]+' "$HERE/busybox.config" | sed 's/^# //'); do
    sed -i -E "/^($opt=|# $opt is not set)/d" "$obj/.config"
  done
  grep -E '^(CONFIG_|# CONFIG_)' "$HERE/busybox.config" >> "$obj/.config"
  log "busybox: building static riscv64 binary with -j$JOBS, key $BKEY (log: $logf)"
  (yes "" || true) | make -C "$w/src" O="$obj" oldconfig >> "$logf" 2>&1 ||
    fail_log "$logf" "busybox: oldconfig failed"
  check_config "$obj/.config" "$HERE/busybox.config"
  make -C "$obj" -j"$JOBS" busybox >> "$logf" 2>&1 || fail_log "$logf" "busybox: build failed"
  make -C "$obj" busybox.links >> "$logf" 2>&1 || fail_log "$logf" "busybox: busybox.links failed"
  if command -v file > /dev/null; then
    [[ $(file -b "$obj/busybox") == *"statically linked"* ]] || die "busybox: the binary is not static"
  fi
  cp "$obj/busybox" "$obj/busybox_unstripped" "$obj/busybox.links" "$res/"
  cp "$obj/.config" "$res/config"
  write_info "$res" busybox_inputs $((SECONDS - t0))
  mv "$res" "$BUSYBOX_DIR"
  rm -rf "$w"
  log "busybox: built in $((SECONDS - t0)) s"
}

build_initramfs() {
  [[ -f "$INITRAMFS_DIR/initramfs.cpio.gz" ]] && { log "initramfs: cached ($INITRAMFS_DIR)"; return 0; }
  local src w=$WORK/initramfs-$IKEY t0 list f d mode
  local res=$w/result stage=$w/stage
  t0=$SECONDS
  src=$(linux_src)
  mkdir -p "$res" "$stage"
  log "initramfs: packing, key $IKEY"
  gcc -O2 -o "$w/gen_init_cpio" "$src/usr/gen_init_cpio.c"

  # Stage the files with a fixed mtime, so the archive depends on the inputs only.
  cp "$BUSYBOX_DIR/busybox" "$HERE/init" "$stage/"
  cp -r "$HERE/tests" "$HERE/rootfs" "$stage/"
  find "$stage" -exec touch -h -d @0 {} +

  list=$res/cpio-list
  {
    for d in /bin /sbin /usr /usr/bin /usr/sbin /etc /root /mnt /run /var /tests; do
      echo "dir $d $([[ $d == /root ]] && echo 0700 || echo 0755) 0 0"
    done
    echo "dir /dev 0755 0 0"
    echo "nod /dev/console 0600 0 0 c 5 1"
    echo "nod /dev/null 0666 0 0 c 1 3"
    echo "dir /proc 0555 0 0"
    echo "dir /sys 0555 0 0"
    echo "dir /tmp 1777 0 0"
    echo "file /init $stage/init 0755 0 0"
    echo "file /bin/busybox $stage/busybox 0755 0 0"
    while read -r f; do
      case "$f" in
        /bin/busybox|/init|/linuxrc) ;;
        /bin/*|/sbin/*|/usr/bin/*|/usr/sbin/*) echo "slink $f /bin/busybox 0777 0 0" ;;
      esac
    done < "$BUSYBOX_DIR/busybox.links"
    for f in "$stage"/tests/*; do
      echo "file /tests/$(basename "$f") $f 0755 0 0"
    done
    (cd "$stage/rootfs" && find . -mindepth 1 | LC_ALL=C sort) | while read -r f; do
      f=${f#.}
      if [[ -d "$stage/rootfs$f" ]]; then
        echo "dir $f 0755 0 0"
      else
        mode=0644; [[ -x "$stage/rootfs$f" ]] && mode=0755
        echo "file $f $stage/rootfs$f $mode 0 0"
      fi
    done
  } | awk '!seen[$1" "$2]++' > "$list"    # rootfs/ may name a dir made above

  "$w/gen_init_cpio" -t 0 "$list" > "$w/initramfs.cpio" 2> "$res/build.log" ||
    fail_log "$res/build.log" "initramfs: gen_init_cpio failed"
  gzip -9 -n < "$w/initramfs.cpio" > "$res/initramfs.cpio.gz"
  sed -i "s|$stage|<stage>|g" "$list"
  write_info "$res" initramfs_inputs $((SECONDS - t0))
  mv "$res" "$INITRAMFS_DIR"
  rm -rf "$w"
  log "initramfs: built in $((SECONDS - t0)) s"
}

# Keeps the $KEEP most recently built or used entries of a kind (a cache hit
# touches its entries), so switching branches back and forth stays cached.
KEEP=4
prune() { # prune KIND
  local d n=0
  while read -r d; do
    n=$((n + 1))
    if [[ $n -gt $KEEP ]]; then rm -rf "$d"; fi
  done < <(ls -1dt "$CACHE/$1"-* 2>/dev/null)
}

build_kernel
build_busybox
build_initramfs
touch "$KERNEL_DIR" "$BUSYBOX_DIR" "$INITRAMFS_DIR"
prune kernel; prune busybox; prune initramfs
rm -rf "$WORK"
log "kernel:    $KERNEL_DIR/Image"
log "initramfs: $INITRAMFS_DIR/initramfs.cpio.gz"
print_paths

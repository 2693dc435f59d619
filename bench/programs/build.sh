#!/usr/bin/env bash
# Builds the CPU benchmark programs from Debian 12's source packages (sqlite3's
# speedtest1, zstd, lua5.4), static for riscv64 with gcc-riscv64-linux-gnu and
# for the host with gcc (both GCC 12.2, same flags), cached outside the clone,
# and packs them as an extra initramfs for the Linux guest. See README.md here.
#
#   bench/programs/build.sh                build what is missing (root needed to
#                                          install packages), print the paths
#   bench/programs/build.sh --print-paths  print the paths if everything is
#                                          cached, else fail; never builds
#
# The only stdout line is
#   BENCH_INITRD=<cache>/initrd-<key>/initrd.cpio.gz NATIVE_DIR=<cache>/initrd-<key>/native
# BENCH_INITRD is the guest's initramfs (guest/linux/build.sh) followed by
# bench.cpio.gz, a newc archive holding /bench (the riscv64 binaries, run.sh,
# cpu.lua and the zstd corpus). NATIVE_DIR holds the same layout with the
# native binaries. Progress and errors go to stderr.
#
# Environment: RVMM_BENCH_CACHE (default /var/cache/rvmm-bench),
#              RVMM_BENCH_JOBS (parallel compiles, default: number of cores).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${RVMM_BENCH_CACHE:-/var/cache/rvmm-bench}
JOBS=${RVMM_BENCH_JOBS:-$(nproc)}

CROSS_CC=riscv64-linux-gnu-gcc
NATIVE_CC=gcc
# Same flags for both targets; each program adds its own defines below.
CFLAGS="-O2"
SQLITE_DEFS="-DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_DEFAULT_MEMSTATUS=0"
LUA_DEFS="-DLUA_COMPAT_5_3 -DLUA_USE_POSIX"
# zstd: single-threaded, no zlib/lzma/lz4 formats, so both builds are alike.
ZSTD_MAKE=(HAVE_THREAD=0 HAVE_ZLIB=0 HAVE_LZMA=0 HAVE_LZ4=0 LDFLAGS=-static)

# Source packages, fetched with `apt-get source` (Debian's patches applied).
SRC_PKGS=(sqlite3 libzstd lua5.4)
# Debian packages the build needs; only missing ones reach apt-get.
PACKAGES=(
  gcc-riscv64-linux-gnu binutils-riscv64-linux-gnu libc6-dev-riscv64-cross
  gcc libc6-dev make tcl8.6 dpkg-dev xz-utils cpio gzip
)
# Packages whose versions are part of the programs' cache key.
TOOL_PKGS=(
  gcc-riscv64-linux-gnu gcc-12-riscv64-linux-gnu binutils-riscv64-linux-gnu
  libc6-dev-riscv64-cross linux-libc-dev-riscv64-cross
  gcc gcc-12 binutils libc6-dev tcl8.6
)
# Files of this folder that go into /bench (and NATIVE_DIR) beside the binaries.
SCRIPTS=(run.sh cpu.lua)

log() { echo "rvmm-bench: $*" >&2; }
die() { echo "rvmm-bench: error: $*" >&2; exit 1; }

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2
  exit "${1:-0}"
}

mode=build
case "${1:-}" in
  "") ;;
  --print-paths) mode=print ;;
  -h|--help) usage 0 ;;
  *) echo "rvmm-bench: unknown argument: $1" >&2; usage 2 ;;
esac

# ---------------------------------------------------------------- packages --

declare -A VERSIONS=()
load_versions() {
  local p st v
  VERSIONS=()
  while IFS=$'\t' read -r p st v; do
    if [[ "$st" == "install ok installed" ]]; then VERSIONS[${p%%:*}]=$v; fi
  done < <(dpkg-query -W -f='${Package}\t${Status}\t${Version}\n' \
             "${PACKAGES[@]}" "${TOOL_PKGS[@]}" 2>/dev/null || true)
  return 0
}
pkg_version() { echo "${VERSIONS[$1]:-}"; }

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

# ------------------------------------------------------------------ sources --

# Versions of source package $1 in apt's deb-src lists, highest first.
src_candidates() {
  apt-cache showsrc "$1" 2>/dev/null |
    awk -v want="$1" '/^Package: /{p=$2} /^Version: /{if (p==want) print $2}' |
    sort -u
}
src_dir() { echo "$CACHE/src/${1}_${2//:/_}"; }   # downloaded .dsc and tarballs

# The source version to build: the highest one in apt's lists that is in the
# cache or, when building, that downloads. A version the archive fails to
# serve (the security mirror may list a version it does not hold, or the
# network failed) is marked "<dir>.unavailable" and skipped; a build retries
# it when the mark is over a day old (deleting the mark retries it now).
# Without building (--print-paths, or the all-cached check), a listed version
# that is neither cached nor marked means "not built".
resolve_src() { # resolve_src PKG -> version on stdout, or fail
  local pkg=$1 v d best=() sorted=() i j t
  mapfile -t best < <(src_candidates "$pkg")
  # Order with dpkg's own comparison (a plain insertion sort; lists are short).
  for v in "${best[@]}"; do
    sorted+=("$v")
    for ((i = ${#sorted[@]} - 1; i > 0; i--)); do
      j=$((i - 1))
      if dpkg --compare-versions "${sorted[i]}" gt "${sorted[j]}"; then
        t=${sorted[i]}; sorted[i]=${sorted[j]}; sorted[j]=$t
      else
        break
      fi
    done
  done
  for v in "${sorted[@]}"; do
    d=$(src_dir "$pkg" "$v")
    if compgen -G "$d/*.dsc" > /dev/null; then echo "$v"; return 0; fi
    if [[ -e "$d.unavailable" ]]; then
      # Skipped; a build retries it once the mark is a day old.
      [[ $mode == build && -n "$(find "$d.unavailable" -mmin +1440)" ]] || continue
    elif [[ $mode != build ]]; then
      return 1   # a newer version to fetch first
    fi
    log "fetching source $pkg=$v"
    local dl="$CACHE/work/dl-$pkg"
    rm -rf "$dl"; mkdir -p "$dl"
    chown _apt "$dl" 2>/dev/null || true   # apt downloads as _apt when it can
    if (cd "$dl" && apt-get source -qq --download-only "$pkg=$v") >&2 &&
       compgen -G "$dl/*.dsc" > /dev/null; then
      mkdir -p "$CACHE/src"
      rm -rf "$d"; mv "$dl" "$d"
      echo "$v"; return 0
    fi
    rm -rf "$dl"
    log "source $pkg=$v could not be fetched; trying an older version"
    mkdir -p "$CACHE/src"; date -u +%Y-%m-%dT%H:%M:%SZ > "$d.unavailable"
  done
  return 1
}

# -------------------------------------------------------------- cache keys --

sha() { sha256sum | cut -c1-64; }
file_line() { # "<path relative to bench/programs> <mode> <sha256>"
  local m=644
  [[ -x "$HERE/$1" ]] && m=755
  echo "$1 $m $(sha < "$HERE/$1")"
}
versions_of() { local p; for p in "$@"; do echo "pkg $p $(pkg_version "$p")"; done; }

programs_inputs() {
  local p
  echo "component programs"
  file_line build.sh
  for p in "${SRC_PKGS[@]}"; do echo "src $p ${SRC_VERSION[$p]}"; done
  versions_of "${TOOL_PKGS[@]}"
}
initrd_inputs() {
  local f
  echo "component initrd"
  file_line build.sh
  echo "programs-key $PKEY"
  for f in "${SCRIPTS[@]}"; do file_line "$f"; done
  echo "guest-initramfs $GUEST_INITRD $(sha < "$GUEST_INITRD")"
  versions_of cpio gzip
}
key_of() { "$1" | sha | cut -c1-16; }

declare -A SRC_VERSION=()
compute_keys() { # fails when something needed for the keys is missing
  local p v
  load_versions
  for p in "${TOOL_PKGS[@]}"; do
    [[ -n "$(pkg_version "$p")" ]] || { MISSING="package $p"; return 1; }
  done
  for p in "${SRC_PKGS[@]}"; do
    v=$(resolve_src "$p") || { MISSING="source package $p"; return 1; }
    SRC_VERSION[$p]=$v
  done
  PKEY=$(key_of programs_inputs)
  IKEY=$(key_of initrd_inputs)
  PROGRAMS_DIR=$CACHE/programs-$PKEY
  INITRD_DIR=$CACHE/initrd-$IKEY
}

# The guest's kernel and initramfs; built when missing (build mode only).
guest_paths() {
  local line
  if ! line=$("$REPO/guest/linux/build.sh" --print-paths 2> /dev/null); then
    [[ $mode == build ]] || die "the guest is not built; run guest/linux/build.sh (or this script without --print-paths)"
    log "the guest is not built: running guest/linux/build.sh"
    line=$("$REPO/guest/linux/build.sh") || die "guest/linux/build.sh failed"
  fi
  line=$(tail -n 1 <<< "$line")
  GUEST_INITRD=$(sed -n 's/.*INITRD=\([^ ]*\).*/\1/p' <<< "$line")
  [[ -f "$GUEST_INITRD" ]] || die "guest/linux/build.sh printed no usable INITRD ($line)"
}

print_paths() {
  echo "BENCH_INITRD=$INITRD_DIR/initrd.cpio.gz NATIVE_DIR=$INITRD_DIR/native"
}
is_built() { [[ -f "$PROGRAMS_DIR/done" && -f "$INITRD_DIR/initrd.cpio.gz" && -x "$INITRD_DIR/native/run.sh" ]]; }

if [[ $mode == print ]]; then
  guest_paths
  compute_keys || die "not built: $MISSING is missing; run bench/programs/build.sh"
  is_built || die "not built ($INITRD_DIR); run bench/programs/build.sh"
  print_paths
  exit 0
fi

# ------------------------------------------------------------------- build --

guest_paths
# Everything cached: print the paths without the lock (works as any user).
mode=print
if compute_keys && is_built; then
  touch "$PROGRAMS_DIR" "$INITRD_DIR" 2>/dev/null || true
  log "programs: $PROGRAMS_DIR (cached)"
  log "initrd:   $INITRD_DIR/initrd.cpio.gz (cached)"
  print_paths
  exit 0
fi
mode=build

mkdir -p "$CACHE" || die "cannot create the cache directory $CACHE (set RVMM_BENCH_CACHE, or run as root)"
# One build at a time per cache; concurrent callers wait here.
exec 9>"$CACHE/.lock"
flock 9

load_versions
ensure_packages "${PACKAGES[@]}"
"$REPO/scripts/setup-deb-src.sh" >&2 || die "no deb-src entries for apt-get source (scripts/setup-deb-src.sh failed)"
WORK=$CACHE/work
rm -rf "$WORK"    # with the lock held, whatever is left there is stale
mkdir -p "$WORK"
compute_keys || die "cannot compute cache keys: $MISSING is missing (are deb-src entries set up?)"

fail_log() { # fail_log LOG MESSAGE
  tail -n 40 "$1" >&2 || true
  die "$2 (full log: $1)"
}

# both LOG CMD... : runs CMD for the two targets, in parallel when JOBS > 1.
# CMD is called with the target name (native or riscv64) as its last argument.
both() {
  local logf=$1 pn pr rn=0 rr=0
  shift
  if [[ $JOBS -gt 1 ]]; then
    "$@" native > "$logf.native" 2>&1 & pn=$!
    "$@" riscv64 > "$logf.riscv64" 2>&1 & pr=$!
    wait "$pn" || rn=$?
    wait "$pr" || rr=$?
  else
    "$@" native > "$logf.native" 2>&1 || rn=$?
    [[ $rn -ne 0 ]] || { "$@" riscv64 > "$logf.riscv64" 2>&1 || rr=$?; }
  fi
  cat "$logf.native" "$logf.riscv64" >> "$logf" 2>/dev/null || true
  rm -f "$logf.native" "$logf.riscv64"
  [[ $rn -eq 0 && $rr -eq 0 ]]
}
cc_for() { if [[ $1 == native ]]; then echo "$NATIVE_CC"; else echo "$CROSS_CC"; fi; }

extract() { # extract PKG DEST
  local dsc
  dsc=$(compgen -G "$(src_dir "$1" "${SRC_VERSION[$1]}")/*.dsc" | head -n 1)
  dpkg-source -x "$dsc" "$2" >> "$LOGF" 2>&1 || fail_log "$LOGF" "dpkg-source -x $dsc failed"
}

build_sqlite_target() { # SRC BLD OUT target
  local cc; cc=$(cc_for "$4")
  # shellcheck disable=SC2086
  "$cc" $CFLAGS "$MAPFLAG" $SQLITE_DEFS -static -I"$2" -o "$3/$4/speedtest1" \
    "$1/test/speedtest1.c" "$2/sqlite3.c" -lm
}
build_zstd_target() { # SRC OUT target
  local cc t=$WORK/zstd-$3
  cc=$(cc_for "$3")
  cp -a "$1" "$t"
  make -C "$t/programs" -j"$JOBS" zstd CC="$cc" CFLAGS="$CFLAGS $MAPFLAG" "${ZSTD_MAKE[@]}"
  cp "$t/programs/zstd" "$2/$3/zstd"
}
build_lua_target() { # SRC OUT target
  local cc inc=$WORK/lua-inc-$3 ma f files=()
  cc=$(cc_for "$3")
  ma=$("$cc" -dumpmachine)
  # Debian's luaconf.h includes this header, which debian/rules writes.
  mkdir -p "$inc"
  printf '#ifndef _LUA_DEB_MULTIARCH_\n#define _LUA_DEB_MULTIARCH_\n#define DEB_HOST_MULTIARCH "%s"\n#endif\n' "$ma" \
    > "$inc/lua5.4-deb-multiarch.h"
  for f in "$1"/src/*.c; do
    [[ $f == */luac.c ]] || files+=("$f")   # the interpreter, not the compiler
  done
  # shellcheck disable=SC2086
  "$cc" $CFLAGS "$MAPFLAG" $LUA_DEFS -I"$inc" -static -o "$2/$3/lua" "${files[@]}" -lm
}

build_programs() {
  [[ -f "$PROGRAMS_DIR/done" ]] && { log "programs: cached ($PROGRAMS_DIR)"; return 0; }
  local w=$WORK/programs-$PKEY t0=$SECONDS t
  local res=$w/result
  mkdir -p "$res/native" "$res/riscv64"
  # __FILE__ (speedtest1's asserts) without the cache's path: the binaries
  # depend on the inputs only, whatever RVMM_BENCH_CACHE is.
  MAPFLAG="-ffile-prefix-map=$WORK/="
  LOGF=$res/build.log
  : > "$LOGF"
  log "programs: key $PKEY (sqlite3 ${SRC_VERSION[sqlite3]}, libzstd ${SRC_VERSION[libzstd]}, lua5.4 ${SRC_VERSION[lua5.4]}); log: $LOGF"
  extract sqlite3 "$w/sqlite3"
  extract libzstd "$w/zstd"
  extract lua5.4 "$w/lua"
  # The sources' own timestamps, not today's, where a build embeds a date.
  SOURCE_DATE_EPOCH=$(dpkg-parsechangelog -l "$w/sqlite3/debian/changelog" -STimestamp)
  export SOURCE_DATE_EPOCH

  t=$SECONDS
  log "sqlite3: generating the amalgamation (configure; make sqlite3.c)"
  mkdir -p "$w/sqlite3-bld"
  (cd "$w/sqlite3-bld" && "$w/sqlite3/configure" --disable-tcl --disable-readline &&
     make sqlite3.c) >> "$LOGF" 2>&1 || fail_log "$LOGF" "sqlite3: amalgamation failed"
  log "sqlite3: compiling speedtest1 + sqlite3.c, native and riscv64 (about 30 s)"
  both "$LOGF" build_sqlite_target "$w/sqlite3" "$w/sqlite3-bld" "$res" ||
    fail_log "$LOGF" "sqlite3: speedtest1 build failed"
  cp "$w/sqlite3-bld/sqlite3.c" "$res/corpus"     # zstd's input: 8 MB of C
  log "sqlite3: done in $((SECONDS - t)) s"

  t=$SECONDS
  log "zstd: building the CLI, native and riscv64"
  both "$LOGF" build_zstd_target "$w/zstd" "$res" || fail_log "$LOGF" "zstd: build failed"
  log "zstd: done in $((SECONDS - t)) s"

  t=$SECONDS
  log "lua5.4: building the interpreter, native and riscv64"
  both "$LOGF" build_lua_target "$w/lua" "$res" || fail_log "$LOGF" "lua5.4: build failed"
  log "lua5.4: done in $((SECONDS - t)) s"

  local b a
  for b in speedtest1 zstd lua; do
    for a in native riscv64; do [[ -x "$res/$a/$b" ]] || die "$a/$b was not built"; done
    if command -v file > /dev/null; then
      [[ $(file -b "$res/riscv64/$b") == *"RISC-V"*"statically linked"* ]] || die "riscv64/$b is not a static RISC-V executable"
      [[ $(file -b "$res/native/$b") == *"statically linked"* ]] || die "native/$b is not static"
    fi
  done
  # Smoke tests of the native builds.
  "$res/native/lua" -e 'assert(2^10 == 1024)' || die "native lua does not run"
  "$res/native/zstd" -V > /dev/null || die "native zstd does not run"

  { "$NATIVE_CC" --version | head -n 1; "$CROSS_CC" --version | head -n 1
    echo "CFLAGS=$CFLAGS $MAPFLAG"; echo "SQLITE_DEFS=$SQLITE_DEFS"; echo "LUA_DEFS=$LUA_DEFS"
    echo "ZSTD_MAKE=${ZSTD_MAKE[*]}"
  } > "$res/compilers.txt"
  programs_inputs > "$res/inputs.txt"
  { echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"; echo "seconds: $((SECONDS - t0))"; echo "jobs: $JOBS"; } > "$res/build-info.txt"
  touch "$res/done"
  mv "$res" "$PROGRAMS_DIR"
  rm -rf "$w"
  log "programs: built in $((SECONDS - t0)) s"
}

build_initrd() {
  [[ -f "$INITRD_DIR/initrd.cpio.gz" && -x "$INITRD_DIR/native/run.sh" ]] &&
    { log "initrd: cached ($INITRD_DIR)"; return 0; }
  local w=$WORK/initrd-$IKEY t0=$SECONDS f
  local res=$w/result stage=$w/stage
  mkdir -p "$res/native" "$stage/bench"
  log "initrd: packing, key $IKEY"
  cp "$PROGRAMS_DIR/riscv64/"* "$PROGRAMS_DIR/corpus" "$stage/bench/"
  for f in "${SCRIPTS[@]}"; do cp "$HERE/$f" "$stage/bench/"; done
  chmod 0755 "$stage/bench" "$stage/bench/run.sh" "$stage/bench/speedtest1" "$stage/bench/zstd" "$stage/bench/lua"
  chmod 0644 "$stage/bench/corpus" "$stage/bench/cpu.lua"
  find "$stage" -exec touch -h -d @0 {} +
  # newc, owned by root, fixed mtimes: the archive depends on its inputs only.
  (cd "$stage" && find bench | LC_ALL=C sort |
     cpio -o -H newc --reproducible -R 0:0 --quiet) > "$w/bench.cpio" ||
    die "initrd: cpio failed"
  gzip -9 -n < "$w/bench.cpio" > "$res/bench.cpio.gz"
  # Linux unpacks concatenated (separately compressed) archives in order.
  cat "$GUEST_INITRD" "$res/bench.cpio.gz" > "$res/initrd.cpio.gz"
  # The native side: the same layout with host binaries.
  for f in "${SCRIPTS[@]}"; do cp -p "$stage/bench/$f" "$res/native/"; done
  for f in native/speedtest1 native/zstd native/lua corpus; do
    cp -l "$PROGRAMS_DIR/$f" "$res/native/" 2>/dev/null || cp "$PROGRAMS_DIR/$f" "$res/native/"
  done
  initrd_inputs > "$res/inputs.txt"
  { echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"; echo "seconds: $((SECONDS - t0))"
    echo "bench.cpio bytes: $(wc -c < "$w/bench.cpio") (uncompressed)"
  } > "$res/build-info.txt"
  mv "$res" "$INITRD_DIR"
  rm -rf "$w"
  log "initrd: built in $((SECONDS - t0)) s ($(du -h "$INITRD_DIR/initrd.cpio.gz" | cut -f1))"
}

# Keeps the $KEEP most recently built or used entries of a kind.
KEEP=4
prune() { # prune KIND
  local d n=0
  while read -r d; do
    n=$((n + 1))
    if [[ $n -gt $KEEP ]]; then rm -rf "$d"; fi
  done < <(ls -1dt "$CACHE/$1"-* 2>/dev/null)
}

build_programs
build_initrd
touch "$PROGRAMS_DIR" "$INITRD_DIR"
prune programs; prune initrd
rm -rf "$WORK"
log "initrd: $INITRD_DIR/initrd.cpio.gz"
log "native: $INITRD_DIR/native"
print_paths

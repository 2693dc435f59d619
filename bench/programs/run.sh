#!/bin/sh
# Runs one CPU benchmark workload and times it. The same script runs inside the
# guest (as /bench/run.sh, with busybox's sh) and natively (from NATIVE_DIR, see
# build.sh), next to the program binaries, so both run the same workload.
#
#   run.sh PROGRAM [SCALE]     PROGRAM: sqlite | zstd | lua
#                              SCALE: percent of the default size (default 100)
#
# Preparation and checks are not timed; the workload itself is. Output lines
# (everything else the programs print goes to a scratch file):
#   BENCH-INFO  ...                     informational
#   BENCH-CHECK <program> <result>      deterministic results: the same on
#                                       every machine, compared by bench/cpu.sh
#   BENCH-RESULT prog=P scale=S seconds=T
#                                       printed last, only if the program
#                                       exited 0 and its output checked out
# Exit status: 0 on success, 1 on a failed run or check, 2 on bad usage.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
prog=${1:-}
scale=${2:-100}

fail() { echo "BENCH-FAIL prog=$prog: $*"; exit 1; }

case "$scale" in
	''|*[!0-9]*|0) echo "run.sh: SCALE must be a positive integer percentage" >&2; exit 2 ;;
esac

# A clock with at least 10 ms resolution: date's nanoseconds where it has
# them (GNU date), else /proc/uptime (busybox's date lacks %N).
now() {
	_t=$(date +%s.%N 2>/dev/null)
	case "$_t" in
		*N*|'') read -r _t _ < /proc/uptime ;;
	esac
	echo "$_t"
}
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# Scales a base size by SCALE percent, rounding, at least $2 (default 1).
scaled() { awk -v n="$1" -v s="$scale" -v m="${2:-1}" 'BEGIN { v = int(n * s / 100 + 0.5); if (v < m) v = m; print v }'; }

# Scratch space: /tmp is a tmpfs in the guest.
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-$prog.XXXXXX") || fail "cannot create a scratch directory"
trap 'rm -rf "$work"' EXIT
out=$work/output

for b in speedtest1 zstd lua; do
	[ -x "$HERE/$b" ] || fail "$HERE/$b is missing"
done

# A fresh guest kernel (Linux 6.1) makes the first reader of /dev/urandom wait
# until its random pool is initialised (seconds of timer jitter on a VM
# without an RNG device); sqlite reads it when it opens a database. Wait here,
# untimed, so the workload measures the program only.
t0=$(now)
head -c 16 /dev/urandom > /dev/null 2>&1
echo "BENCH-INFO random pool ready after $(elapsed "$t0" "$(now)") s"

if [ -r /proc/meminfo ]; then
	echo "BENCH-INFO $(awk '/^(MemTotal|MemAvailable):/ { printf "%s %d MB ", $1, $2 / 1024 }' /proc/meminfo)arch $(uname -m)"
fi

case "$prog" in
sqlite)
	# sqlite's speedtest1 (test/speedtest1.c against the amalgamation), an
	# in-memory database; --verify adds a hash of every query result.
	size=$(scaled 40)
	echo "BENCH-INFO sqlite: speedtest1 --size $size --memdb --verify"
	t0=$(now)
	"$HERE/speedtest1" --size "$size" --memdb --verify > "$out" 2>&1
	rc=$?
	t1=$(now)
	[ $rc -eq 0 ] || { tail -n 20 "$out"; fail "speedtest1 exited $rc"; }
	grep -q 'TOTAL\.\.\.' "$out" || { tail -n 20 "$out"; fail "no TOTAL line"; }
	hash=$(grep '^Verification Hash:' "$out") || { tail -n 20 "$out"; fail "no Verification Hash line"; }
	echo "BENCH-CHECK sqlite size=$size $hash"
	;;
zstd)
	# zstd's CLI on text (the start of the sqlite amalgamation, 3 MB at
	# SCALE 100): compress at five levels, test-decompress all of them four
	# times, decompress one.
	bytes=$(scaled 3000000 1024)
	: > "$work/corpus"
	while [ "$(wc -c < "$work/corpus")" -lt "$bytes" ]; do
		cat "$HERE/corpus" >> "$work/corpus"
	done
	head -c "$bytes" "$work/corpus" > "$work/in"
	rm -f "$work/corpus"
	levels="1 3 6 9 12"
	echo "BENCH-INFO zstd: $bytes bytes, levels $levels, 4 x test, 1 x decompress"
	t0=$(now)
	rc=0
	for l in $levels; do
		"$HERE/zstd" -q -f "-$l" "$work/in" -o "$work/c$l.zst" >> "$out" 2>&1 || rc=$?
	done
	for _ in 1 2 3 4; do
		for l in $levels; do
			"$HERE/zstd" -q -t "$work/c$l.zst" >> "$out" 2>&1 || rc=$?
		done
	done
	"$HERE/zstd" -q -d -f "$work/c12.zst" -o "$work/back" >> "$out" 2>&1 || rc=$?
	t1=$(now)
	[ $rc -eq 0 ] || { tail -n 20 "$out"; fail "zstd exited $rc"; }
	cmp "$work/in" "$work/back" > /dev/null || fail "decompressed data differs from the input"
	for l in $levels; do
		# shellcheck disable=SC2046
		set -- $(md5sum "$work/c$l.zst")
		echo "BENCH-CHECK zstd bytes=$bytes level=$l size=$(wc -c < "$work/c$l.zst") md5=$1"
	done
	;;
lua)
	# Lua 5.4 running cpu.lua (fannkuch, nbody, spectral norm, binary trees,
	# strings); it prints one result line per kernel and "lua-bench ok".
	echo "BENCH-INFO lua: cpu.lua $scale"
	t0=$(now)
	"$HERE/lua" "$HERE/cpu.lua" "$scale" > "$out" 2>&1
	rc=$?
	t1=$(now)
	[ $rc -eq 0 ] || { tail -n 20 "$out"; fail "lua exited $rc"; }
	[ "$(tail -n 1 "$out")" = "lua-bench ok" ] || { tail -n 20 "$out"; fail "no 'lua-bench ok' line"; }
	[ "$(wc -l < "$out")" -eq 6 ] || { cat "$out"; fail "expected 6 output lines"; }
	sed 's/^/BENCH-CHECK lua /' "$out"
	;;
*)
	echo "run.sh: unknown program '$prog' (sqlite, zstd, lua)" >&2
	exit 2 ;;
esac

echo "BENCH-RESULT prog=$prog scale=$scale seconds=$(elapsed "$t0" "$t1")"

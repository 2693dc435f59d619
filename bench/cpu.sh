#!/usr/bin/env bash
# CPU-bound programs inside the Linux guest: sqlite3's speedtest1, zstd and
# lua5.4 (bench/programs, built from Debian's sources by
# bench/programs/build.sh), each run natively, in the guest on rvmm and in the
# guest on QEMU, one after the other. Times are taken inside the guest around
# the workload only (boot excluded) by /bench/run.sh, which also checks the
# program's exit status and output; each machine's result lines must equal the
# native ones, so a run that computed something else is never shown as a time.
#
#   usage: bench/cpu.sh [PROGRAM...]        PROGRAM: sqlite zstd lua (default: all)
#
# Environment:
#   RVMM            rvmm binary (default build/rvmm)
#   RVMM_ARGS       extra `rvmm run` arguments, e.g. "--jit off"
#   QEMU            QEMU binary (default qemu-system-riscv64)
#   BENCH_SCALE     workload size in percent (default 100: ~5-20 s per program on QEMU)
#   BENCH_MACHINES  which columns to run (default "native rvmm qemu")
#   BENCH_RUNS      runs per program and machine, machines alternating; the table shows the fastest
#                   (default 1; every run must pass)
#   BENCH_TIMEOUT   seconds allowed per guest run, boot included (default 900)
#   BENCH_LOG_DIR   where each run's full output goes (default build/bench/cpu)
# Prints a table on stdout (progress on stderr); exits 1 if any run failed.
set -euo pipefail
case "${1:-}" in
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'; exit 0 ;;
esac
cd "$(dirname "$0")/.."   # relative paths (RVMM, BENCH_LOG_DIR) are from the repository

RVMM=${RVMM:-build/rvmm}
QEMU=${QEMU:-qemu-system-riscv64}
SCALE=${BENCH_SCALE:-100}
MACHINES=${BENCH_MACHINES:-native rvmm qemu}
TIMEOUT=${BENCH_TIMEOUT:-900}
RUNS=${BENCH_RUNS:-1}
LOGDIR=${BENCH_LOG_DIR:-build/bench/cpu}
read -r -a rvmm_args <<< "${RVMM_ARGS:-}"
ALL_PROGRAMS=(sqlite zstd lua)

say() { echo "cpu.sh: $*" >&2; }
die() { echo "cpu.sh: error: $*" >&2; exit 1; }

programs=("$@")
[[ ${#programs[@]} -gt 0 ]] || programs=("${ALL_PROGRAMS[@]}")
for p in "${programs[@]}"; do
    [[ " ${ALL_PROGRAMS[*]} " == *" $p "* ]] || die "unknown program '$p' (one of: ${ALL_PROGRAMS[*]})"
done
[[ "$SCALE" =~ ^[1-9][0-9]*$ ]] || die "BENCH_SCALE must be a positive integer (percent), not '$SCALE'"
[[ "$TIMEOUT" =~ ^[1-9][0-9]*$ ]] || die "BENCH_TIMEOUT must be a positive integer (seconds)"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer"
for m in $MACHINES; do
    case "$m" in native|rvmm|qemu) ;; *) die "unknown machine '$m' in BENCH_MACHINES (native rvmm qemu)" ;; esac
done
want() { [[ " $MACHINES " == *" $1 "* ]]; }

# ---------------------------------------------------------- prerequisites --
if want rvmm; then
    [[ -x "$RVMM" ]] || die "$RVMM is missing: build it with 'make build/rvmm' (or set RVMM)"
fi
if want qemu; then
    command -v "$QEMU" > /dev/null || die "$QEMU is missing: apt-get install qemu-system-misc (or set QEMU)"
fi
guest=$(guest/linux/build.sh --print-paths 2> /dev/null) ||
    die "the Linux guest is not built: run guest/linux/build.sh (as root, about 7 minutes)"
eval "$guest"      # KERNEL, INITRD
bench=$(bench/programs/build.sh --print-paths 2> /dev/null) ||
    die "the benchmark programs or their initrd are not built (or the guest changed): run bench/programs/build.sh (a first build takes about 75 s, repacking for a new guest 2 s)"
eval "$bench"      # BENCH_INITRD, NATIVE_DIR
[[ -f "$KERNEL" && -f "$BENCH_INITRD" && -x "$NATIVE_DIR/run.sh" ]] ||
    die "cached files are missing ($KERNEL, $BENCH_INITRD, $NATIVE_DIR/run.sh)"
mkdir -p "$LOGDIR"

# ------------------------------------------------------------------- runs --
declare -A SECS=() WALL=() WHY=() FAILLOG=() CHECKS=() CHECKS_OK=()

# run_one MACHINE PROGRAM RUN: runs it, writes $LOGDIR/PROGRAM-MACHINE[.RUN].log,
# and fills SECS (the fastest run so far) or WHY (on a failure), and CHECKS.
run_one() {
    local m=$1 p=$2 logf=$LOGDIR/$2-$1.log cmd rc=0 t0 t1 out secs status
    [[ $RUNS -eq 1 ]] || logf=$LOGDIR/$2-$1.$3.log
    cmd="/bench/run.sh $p $SCALE"
    [[ -z "${WHY[$m,$p]:-}" ]] || return 0      # an earlier run failed
    say "$p on $m ...$([[ $RUNS -eq 1 ]] || echo " (run $3 of $RUNS)")"
    t0=$(date +%s.%N)
    case "$m" in
    native)
        "$NATIVE_DIR/run.sh" "$p" "$SCALE" > "$logf" 2>&1 < /dev/null || rc=$?
        ;;
    rvmm)
        timeout "$TIMEOUT" "$RVMM" run --mem 512M "${rvmm_args[@]}" \
            --kernel "$KERNEL" --initrd "$BENCH_INITRD" \
            --append "console=ttyS0 rvmm.run64=$(printf %s "$cmd" | base64 -w0)" \
            > "$logf" 2>&1 < /dev/null || rc=$?
        ;;
    qemu)
        timeout "$TIMEOUT" "$QEMU" -M virt -m 512M -nographic \
            -kernel "$KERNEL" -initrd "$BENCH_INITRD" \
            -append "console=ttyS0 rvmm.run64=$(printf %s "$cmd" | base64 -w0)" \
            > "$logf" 2>&1 < /dev/null || rc=$?
        ;;
    esac
    t1=$(date +%s.%N)
    WALL[$m,$p]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    out=$(tr -d '\r' < "$logf")
    CHECKS[$m,$p]=$(grep '^BENCH-CHECK ' <<< "$out" || true)
    secs=$(sed -n "s/^BENCH-RESULT prog=$p scale=$SCALE seconds=\([0-9.]*\)\$/\1/p" <<< "$out" | tail -n 1)
    local why=
    if [[ $rc -eq 124 ]]; then
        why="timed out after $TIMEOUT s"
    elif [[ $m != native ]]; then
        status=$(sed -n 's/^RVMM-TEST-DONE status=\([0-9]*\)$/\1/p' <<< "$out" | tail -n 1)
        if [[ -z "$status" ]]; then why="no RVMM-TEST-DONE line ($m exited $rc)"
        elif [[ $status != 0 ]]; then why="guest command exited $status"
        elif [[ $rc -ne 0 ]]; then why="$m exited $rc"
        fi
    elif [[ $rc -ne 0 ]]; then
        why="run.sh exited $rc"
    fi
    [[ -n "$why" || -n "$secs" ]] || why="no BENCH-RESULT line"
    [[ -n "$why" || -n "${CHECKS[$m,$p]}" ]] || why="no BENCH-CHECK lines"
    # The results must be those of the native run (or of the first machine
    # that ran, without a native column).
    local ref
    for ref in $MACHINES; do
        [[ $ref == "$m" ]] && break
        if [[ -n "${CHECKS_OK[$ref,$p]:-}" ]]; then
            if [[ -z "$why" && "${CHECKS[$m,$p]}" != "${CHECKS_OK[$ref,$p]}" ]]; then
                why="results differ from $ref's"
                diff <(echo "${CHECKS_OK[$ref,$p]}") <(echo "${CHECKS[$m,$p]}") | sed 's/^/    /' >&2 || true
            fi
            break
        fi
    done
    if [[ -z "$why" && -n "${CHECKS_OK[$m,$p]:-}" && "${CHECKS[$m,$p]}" != "${CHECKS_OK[$m,$p]}" ]]; then
        why="results differ from the previous run's"
    fi
    if [[ -n "$why" ]]; then
        WHY[$m,$p]=$why
        FAILLOG[$m,$p]=$logf
        unset "SECS[$m,$p]"
        say "$p on $m FAILED: $why; the end of $logf:"
        { grep -E 'BENCH-FAIL|unhandled signal|Kernel panic|Oops|badaddr|rvmm: ' <<< "$out" |
            grep -v '^rvmm: running command' | head -n 10
          echo "..."
          tail -n 8 <<< "$out"; } | sed 's/^/    /' >&2 || true
    else
        CHECKS_OK[$m,$p]=${CHECKS[$m,$p]}
        if [[ -z "${SECS[$m,$p]:-}" ]] || awk -v a="$secs" -v b="${SECS[$m,$p]}" 'BEGIN { exit !(a < b) }'; then
            SECS[$m,$p]=$secs
        fi
        say "$p on $m: $secs s (wall clock with boot: ${WALL[$m,$p]} s)"
    fi
}

rvmm_version=
if want rvmm; then rvmm_version=$("$RVMM" --version 2>&1 | head -n 1 || true); fi
qemu_version=
if want qemu; then qemu_version=$("$QEMU" --version | head -n 1); fi
commit=$(git rev-parse --short HEAD 2> /dev/null || echo '?')
[[ -z "$(git status --porcelain --untracked-files=no 2> /dev/null)" ]] || commit="$commit (modified)"

load() { cut -d' ' -f1-3 /proc/loadavg; }
load_start=$(load)
say "scale $SCALE%, machines: $MACHINES, $RUNS run(s) each; logs in $LOGDIR"
# Each round runs every machine once, so a slow spell of this shared host
# tends to hit all columns rather than one.
for p in "${programs[@]}"; do
    for ((i = 1; i <= RUNS; i++)); do
        for m in $MACHINES; do run_one "$m" "$p" "$i"; done
    done
done

# ------------------------------------------------------------------ table --
cell() { if [[ -n "${SECS[$1,$2]:-}" ]]; then echo "${SECS[$1,$2]}"; elif want "$1"; then echo FAIL; else echo -; fi; }
ratio() { # ratio A B: A/B with an x, or - when either is missing
    if [[ -n "$1" && -n "$2" && "$1" != FAIL && "$2" != FAIL && "$1" != - && "$2" != - ]]; then
        awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'
    else
        echo -
    fi
}
echo "CPU benchmarks: seconds inside the guest, boot excluded (bench/cpu.sh$([[ $RUNS -eq 1 ]] || echo ", best of $RUNS"))"
echo "  commit $commit; scale $SCALE%: workloads of bench/programs/run.sh"
[[ -z "$rvmm_version" ]] || echo "  rvmm: $RVMM${RVMM_ARGS:+ $RVMM_ARGS} ($rvmm_version), --mem 512M"
[[ -z "$qemu_version" ]] || echo "  qemu: $qemu_version, TCG, -M virt -m 512M (OpenSBI)"
echo "  native: $(uname -m), $(gcc --version | head -n 1); guest: riscv64-linux-gnu-gcc, same flags"
echo "  host: $(nproc) cores, load average $load_start at the start, $(load) at the end (other load skews every column)"
printf '%-8s %10s %10s %10s %13s %11s\n' program "native s" "rvmm s" "qemu s" "rvmm/native" "qemu/rvmm"
failed=0
ln_n=0 ln_q=0 nn=0 nq=0
for p in "${programs[@]}"; do
    n=$(cell native "$p") r=$(cell rvmm "$p") q=$(cell qemu "$p")
    for x in "$n" "$r" "$q"; do [[ $x != FAIL ]] || failed=1; done
    printf '%-8s %10s %10s %10s %13s %11s\n' "$p" "$n" "$r" "$q" "$(ratio "$r" "$n")" "$(ratio "$q" "$r")"
    if [[ $(ratio "$r" "$n") != - ]]; then ln_n=$(awk -v s="$ln_n" -v a="$r" -v b="$n" 'BEGIN { print s + log(a / b) }'); nn=$((nn + 1)); fi
    if [[ $(ratio "$q" "$r") != - ]]; then ln_q=$(awk -v s="$ln_q" -v a="$q" -v b="$r" 'BEGIN { print s + log(a / b) }'); nq=$((nq + 1)); fi
done
if [[ ${#programs[@]} -gt 1 && ( $nn -gt 0 || $nq -gt 0 ) ]]; then
    gm() { if [[ $2 -gt 0 ]]; then awk -v s="$1" -v n="$2" 'BEGIN { printf "%.2fx", exp(s / n) }'; else echo -; fi; }
    printf '%-8s %10s %10s %10s %13s %11s\n' geomean "" "" "" "$(gm "$ln_n" "$nn")" "$(gm "$ln_q" "$nq")"
fi
for p in "${programs[@]}"; do
    for m in $MACHINES; do
        [[ -z "${WHY[$m,$p]:-}" ]] || echo "  FAIL $p on $m: ${WHY[$m,$p]} (log: ${FAILLOG[$m,$p]})"
    done
done
exit "$failed"

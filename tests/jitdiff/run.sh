#!/usr/bin/env bash
# Differential test: the interpreter against the translator on random programs.
#
#   tests/jitdiff/run.sh [--seeds A-B] [--length L] [--jobs N] [--qemu]
#
# Each program (tests/jitdiff/gen.py) runs three ways: --jit off, --jit on
# --jit-threshold 1 and --jit on --jit-threshold 3 (blocks switch engine
# mid-loop), always with --clock icount --mem 128M; the printed state must be
# identical. Prints one line per program, "PASS jitdiff/seed-N" or
# "FAIL jitdiff/seed-N", details on stderr; always exits 0.
# --qemu instead checks the generator: a --portable program on rvmm --jit off
# against qemu-system-riscv64 (tests/diff/compare.py's rules).
# Env: RVMM (default $BUILD/rvmm), BUILD (default build), RV_CC, PYTHON, QEMU,
# JITDIFF_TIMEOUT (seconds for the --jit off run, 30; translated runs get
# max(10, 20x the interpreter's time), at most that), JITDIFF_MODES (extra
# "name:options" runs, e.g. "t32:--jit on --jit-threshold 32").
# Work files: $BUILD/jitdiff/seed-N.{S,elf,<mode>.out,<mode>.err}. See README.md.
set -u

here=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-build}
RVMM=${RVMM:-$BUILD/rvmm}
RV_CC=${RV_CC:-riscv64-unknown-elf-gcc}
QEMU=${QEMU:-qemu-system-riscv64}
if [[ -z ${PYTHON:-} ]]; then
    if [[ -x /usr/bin/python3 ]]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
TIMEOUT=${JITDIFF_TIMEOUT:-30}

seeds="1-16"
length=300
jobs=1
qemu=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --seeds) seeds=$2; shift 2 ;;
        --length) length=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --qemu) qemu=1; shift ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; exit 0 ;;
    esac
done
if [[ ! $seeds =~ ^([0-9]+)(-([0-9]+))?$ ]]; then
    echo "run.sh: --seeds wants N or A-B, got '$seeds'" >&2
    exit 0
fi
first=${BASH_REMATCH[1]}
last=${BASH_REMATCH[3]:-$first}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || jobs=1

out=$BUILD/jitdiff
mkdir -p "$out"

# shellcheck disable=SC2054  # the commas are part of -march and -cpu values
cflags=(-march=rv64gc_zba_zbb_zbs_zicsr_zifencei -mabi=lp64d -nostdlib -nostartfiles
        -static -mcmodel=medany -Wl,--no-relax -T "$here/../diff/link.ld")
common=(run --clock icount --mem 128M)
modes=("off:--jit off" "t1:--jit on --jit-threshold 1" "t3:--jit on --jit-threshold 3")
if [[ -n ${JITDIFF_MODES:-} ]]; then
    IFS=';' read -r -a more <<<"$JITDIFF_MODES"
    modes+=("${more[@]}")
fi
# shellcheck disable=SC2054
qemu_cmd=("$QEMU" -M virt -bios none -m 128M -nographic -monitor none
          -cpu rv64,zba=true,zbb=true,zbs=true -kernel)

now() { date +%s.%N; }

# run_one NAME TIMEOUT CMD...: runs with the timeout, output in $out/$base.NAME.{out,err},
# status in $out/$base.NAME.status
run_one() {
    local name=$1 t=$2
    shift 2
    timeout -k 5 "$t" "$@" </dev/null >"$out/$base.$name.out" 2>"$out/$base.$name.err"
    echo $? >"$out/$base.$name.status"
}

# one_program SEED: the PASS/FAIL line on stdout, details on stderr
one_program() {
    local seed=$1 tag="jitdiff/seed-$1"
    local base=seed-$seed
    local src=$out/$base.S elf=$out/$base.elf
    local msg genopts=()
    [[ $qemu == 1 ]] && genopts=(--portable)
    if ! msg=$("$PYTHON" "$here/gen.py" --seed "$seed" --length "$length" "${genopts[@]}" \
               -o "$src" 2>&1); then
        echo "FAIL $tag"; printf '%s: generator failed:\n%s\n' "$tag" "$msg" >&2; return
    fi
    if ! msg=$("$RV_CC" "${cflags[@]}" -o "$elf" "$src" 2>&1); then
        echo "FAIL $tag"; printf '%s: assembling %s failed:\n%s\n' "$tag" "$src" "$msg" >&2
        return
    fi
    if [[ ! -x $RVMM ]]; then
        echo "FAIL $tag"; echo "$tag: rvmm binary '$RVMM' not found (set RVMM)" >&2; return
    fi
    local names=()
    rm -f "$out/$base".*.out "$out/$base".*.err "$out/$base".*.status
    # the interpreter first: its time bounds the translated runs' (a hung
    # translator costs seconds, not the full timeout, per program)
    local t0 t1 tjit
    t0=$(now)
    run_one off "$TIMEOUT" "$RVMM" "${common[@]}" --jit off --bios "$elf"
    t1=$(now)
    tjit=$(awk -v a="$t0" -v b="$t1" -v cap="$TIMEOUT" \
           'BEGIN { t = 20 * (b - a); if (t < 10) t = 10; if (t > cap) t = cap; printf "%d", t + 0.5 }')
    names=(off)
    local pids=() m name opts
    if [[ $qemu == 1 ]]; then
        names+=(qemu)
        run_one qemu "$TIMEOUT" "${qemu_cmd[@]}" "$elf" &
        pids+=($!)
    else
        for m in "${modes[@]:1}"; do
            name=${m%%:*}
            opts=${m#*:}
            names+=("$name")
            # shellcheck disable=SC2086  # opts is a word list
            run_one "$name" "$tjit" "$RVMM" "${common[@]}" $opts --bios "$elf" &
            pids+=($!)
        done
    fi
    wait "${pids[@]}"
    local problems=() st report cmp
    for name in "${names[@]}"; do
        st=$(cat "$out/$base.$name.status" 2>/dev/null || echo 255)
        if [[ $st == 124 || $st == 137 ]]; then
            problems+=("$name timed out (${TIMEOUT}s for off, ${tjit}s for the others)")
        elif [[ $st != 0 ]]; then
            problems+=("$name exited with status $st (2 = fatal trap or runaway trap loop; \
sanitizer reports in $out/$base.$name.err)")
        fi
        if [[ -s $out/$base.$name.err ]]; then
            problems+=("$name stderr: $(head -c 600 "$out/$base.$name.err")")
        fi
    done
    if [[ $qemu == 1 ]]; then
        report=$("$PYTHON" "$here/../diff/compare.py" rvmm "$out/$base.off.out" \
                 qemu "$out/$base.qemu.out" --source "$src" 2>&1)
        cmp=$?
        if [[ $cmp == 0 ]]; then
            # and the jitdiff section, exactly
            report=$("$PYTHON" "$here/compare.py" --qemu --source "$src" \
                     off="$out/$base.off.out" qemu="$out/$base.qemu.out" 2>&1)
            cmp=$?
        fi
    else
        local args=()
        for name in "${names[@]}"; do args+=("$name=$out/$base.$name.out"); done
        report=$("$PYTHON" "$here/compare.py" --source "$src" "${args[@]}" 2>&1)
        cmp=$?
    fi
    local bad=0
    for name in "${names[@]}"; do
        st=$(cat "$out/$base.$name.status" 2>/dev/null || echo 255)
        [[ $st == 0 ]] || bad=1
    done
    if [[ $cmp == 0 && $bad == 0 ]]; then
        echo "PASS $tag"
        return
    fi
    echo "FAIL $tag"
    {
        echo "---- $tag: $src"
        for p in "${problems[@]}"; do echo "$p"; done
        [[ -n $report ]] && echo "$report"
        echo "outputs: $out/$base.{$(IFS=,; echo "${names[*]}")}.out"
        for m in "${modes[@]}"; do
            [[ $qemu == 1 && ${m%%:*} != off ]] && continue
            echo "rerun:   $RVMM ${common[*]} ${m#*:} --bios $elf"
        done
        [[ $qemu == 1 ]] && echo "rerun:   ${qemu_cmd[*]} $elf"
        echo "----"
    } >&2
}

# programs run $jobs at a time; lines are printed in seed order
declare -A pid_of=()
next=$first
for ((s = first; s <= last; s++)); do
    while (($(jobs -rp | wc -l) >= jobs)); do
        wait -n 2>/dev/null || true
    done
    if [[ $jobs == 1 ]]; then
        one_program "$s"
        continue
    fi
    one_program "$s" >"$out/seed-$s.verdict.tmp" 2>"$out/seed-$s.report.tmp" &
    pid_of[$s]=$!
    # print what is done, in order
    while ((next < s)) && ! kill -0 "${pid_of[$next]}" 2>/dev/null; do
        wait "${pid_of[$next]}" 2>/dev/null
        cat "$out/seed-$next.verdict.tmp"; cat "$out/seed-$next.report.tmp" >&2
        rm -f "$out/seed-$next.verdict.tmp" "$out/seed-$next.report.tmp"
        next=$((next + 1))
    done
done
if [[ $jobs != 1 ]]; then
    for ((; next <= last; next++)); do
        wait "${pid_of[$next]}" 2>/dev/null
        cat "$out/seed-$next.verdict.tmp"; cat "$out/seed-$next.report.tmp" >&2
        rm -f "$out/seed-$next.verdict.tmp" "$out/seed-$next.report.tmp"
    done
fi
exit 0

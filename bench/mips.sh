#!/usr/bin/env bash
# Guest MIPS of rvmm's interpreter and of qemu-system-riscv64 (TCG) on the same
# bare-metal program, in one run, with their ratio. Each machine runs RUNS times;
# the best time counts (these machines are noisy).
#   usage: bench/mips.sh [RUNS]     env: RVMM (default build/rvmm), BUILD
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
RVMM=${RVMM:-$BUILD/rvmm}
RUNS=${1:-3}
out=$BUILD/bench
mkdir -p "$out"
riscv64-unknown-elf-gcc -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles -static \
    -Wl,--no-warn-rwx-segments -T guest/demo/link.ld -o "$out/loop.elf" bench/loop.S

# The instruction count comes from rvmm's own counter; both machines retire the same program.
insns=$("$RVMM" run --bios "$out/loop.elf" --stats 2>&1 | awk '/instructions retired/ { print $3 }')

best() { # best wall time in seconds of RUNS runs of the command
    local best=
    for _ in $(seq "$RUNS"); do
        local t0 t1
        t0=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || { echo "bench: '$*' failed" >&2; exit 1; }
        t1=$(date +%s.%N)
        best=$(awk -v a="$best" -v b="$(echo "$t1 - $t0" | bc -l)" 'BEGIN { print (a == "" || b < a) ? b : a }')
    done
    echo "$best"
}

t_rvmm=$(best "$RVMM" run --bios "$out/loop.elf")
t_qemu=$(best qemu-system-riscv64 -M virt -bios none -m 128M -nographic -kernel "$out/loop.elf")

awk -v n="$insns" -v r="$t_rvmm" -v q="$t_qemu" 'BEGIN {
    printf "bare-metal loop: %d instructions\n", n
    printf "  rvmm (interpreter): %7.3f s  %8.1f MIPS\n", r, n / r / 1e6
    printf "  qemu 7.2 (TCG):     %7.3f s  %8.1f MIPS\n", q, n / q / 1e6
    printf "  rvmm/qemu speed:    %7.2fx\n", q / r
}'

#!/usr/bin/env bash
# Guest MIPS of rvmm (translator, and interpreter alone) and of qemu-system-riscv64 (TCG) on the same
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

t_jit=$(best "$RVMM" run --bios "$out/loop.elf")
t_interp=$(best "$RVMM" run --jit off --bios "$out/loop.elf")
t_qemu=$(best qemu-system-riscv64 -M virt -bios none -m 128M -nographic -kernel "$out/loop.elf")

awk -v n="$insns" -v j="$t_jit" -v r="$t_interp" -v q="$t_qemu" 'BEGIN {
    printf "bare-metal loop: %d instructions\n", n
    printf "  rvmm (translator):        %7.3f s  %8.1f MIPS\n", j, n / j / 1e6
    printf "  rvmm --jit off (interp):  %7.3f s  %8.1f MIPS\n", r, n / r / 1e6
    printf "  qemu 7.2 (TCG):           %7.3f s  %8.1f MIPS\n", q, n / q / 1e6
    printf "  speed vs qemu: translator %.2fx, interpreter %.2fx\n", q / j, q / r
}'

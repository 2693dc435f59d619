#!/usr/bin/env bash
# Linux boot time to the init's first marker (RVMM-BOOT-OK), same kernel and initrd,
# rvmm (built-in SBI) and qemu-system-riscv64 -M virt (its default OpenSBI), in one
# run, best of RUNS, with the ratio.
#   usage: bench/boot.sh [RUNS]     env: RVMM (default build/rvmm)
set -euo pipefail
cd "$(dirname "$0")/.."
RVMM=${RVMM:-build/rvmm}
RUNS=${1:-3}
eval "$(guest/linux/build.sh --print-paths)"
args=(-kernel "$KERNEL" -initrd "$INITRD" -append "console=ttyS0 rvmm.test=boot")

best() {
    local best=
    for _ in $(seq "$RUNS"); do
        t=$(python3 bench/boot_time.py RVMM-BOOT-OK 120 -- "$@")
        best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')
    done
    echo "$best"
}
rvmm_args=(run --mem 256M --kernel "$KERNEL" --initrd "$INITRD" --append "console=ttyS0 rvmm.test=boot")
t_jit=$(best "$RVMM" "${rvmm_args[@]}")
t_interp=$(best "$RVMM" "${rvmm_args[@]}" --jit off)
t_qemu=$(best qemu-system-riscv64 -M virt -m 256M -nographic "${args[@]}")
awk -v j="$t_jit" -v r="$t_interp" -v q="$t_qemu" 'BEGIN {
    printf "Linux boot to RVMM-BOOT-OK (best of runs)\n"
    printf "  rvmm (translator, built-in SBI):  %6.3f s\n", j
    printf "  rvmm --jit off (interpreter):     %6.3f s\n", r
    printf "  qemu 7.2 (TCG, OpenSBI):          %6.3f s\n", q
    printf "  time / qemu time: translator %.2f, interpreter %.2f\n", j / q, r / q
}'

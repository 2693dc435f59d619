#!/usr/bin/env bash
# The built-in SBI, from an S-mode program booted with --kernel (tests/sbi/sbi.S).
# Prints "PASS name" / "FAIL name". Env: RVMM, BUILD.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
RVMM=${RVMM:-$BUILD/san/rvmm}
out=$BUILD/sbi
mkdir -p "$out"
riscv64-unknown-elf-gcc -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles -static \
    -Wl,--no-warn-rwx-segments -T tests/sbi/link.ld -o "$out/sbi.elf" tests/sbi/sbi.S ||
    { echo "FAIL sbi/build"; exit 0; }

output=$(timeout 20 "$RVMM" run --kernel "$out/sbi.elf" --stats 2>&1); status=$?
if [[ $status -eq 0 && $output == *"sbi: dbcn ok"*$'\n'"l"* ]]; then
    echo "PASS sbi/calls-from-s-mode"
else
    echo "FAIL sbi/calls-from-s-mode"
    echo "  status=$status output: $output" >&2
fi
# --stats counts SBI calls by extension and function
if [[ $output == *"sbi TIME"*"fid 0"* && $output == *"sbi DBCN"*"fid 0"* ]]; then
    echo "PASS sbi/stats"
else
    echo "FAIL sbi/stats"
fi

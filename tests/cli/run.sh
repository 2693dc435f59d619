#!/usr/bin/env bash
# CLI and board tests: bad input gets one clear line and exit status 2; the
# finisher's status reaches the host; raw binaries load; reset reboots;
# icount mode is reproducible; a hostile guest cannot hurt the host.
# Prints "PASS name" / "FAIL name" lines. Env: RVMM, BUILD.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
RVMM=${RVMM:-$BUILD/san/rvmm}
out=$BUILD/cli
mkdir -p "$out"

RV_CC=${RV_CC:-riscv64-unknown-elf-gcc}
for s in tests/cli/*.S; do
    n=$(basename "$s" .S)
    $RV_CC -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles -static -Wl,--no-warn-rwx-segments -T guest/demo/link.ld \
        -o "$out/$n.elf" "$s" || echo "FAIL cli/build-$n"
done
riscv64-unknown-elf-objcopy -O binary "$out/exit_code.elf" "$out/exit_code.bin"

check() { # check NAME CONDITION-EXIT-STATUS
    if [[ $2 -eq 0 ]]; then echo "PASS cli/$1"; else echo "FAIL cli/$1"; fi
}

# Runs rvmm with the given args; expects exit 2 and exactly one stderr line matching a pattern.
expect_usage_error() { # NAME PATTERN ARGS...
    local name=$1 pattern=$2; shift 2
    local err status
    err=$("$RVMM" "$@" 2>&1 >/dev/null); status=$?
    local lines
    lines=$(printf '%s\n' "$err" | grep -c .)
    if [[ $status -eq 2 && $lines -eq 1 && $err =~ $pattern ]]; then
        echo "PASS cli/$name"
    else
        echo "FAIL cli/$name"
        echo "  status=$status stderr: $err" >&2
    fi
}

expect_usage_error missing-file 'no-such-file.*No such file' run --bios "$out/no-such-file.elf"
expect_usage_error directory-as-file 'not a regular file|Is a directory' run --bios "$out"
: >"$out/empty.bin"
expect_usage_error empty-file "empty file" run --bios "$out/empty.bin"
expect_usage_error not-riscv-elf 'not a RISC-V ELF' run --bios /bin/true
expect_usage_error mem-not-a-size "--mem abc: not a size" run --mem abc --bios "$out/exit_code.elf"
expect_usage_error mem-zero "--mem 0: must be" run --mem 0 --bios "$out/exit_code.elf"
expect_usage_error mem-too-big "--mem 4T: must be" run --mem 4T --bios "$out/exit_code.elf"
expect_usage_error mem-bad-suffix "--mem 12Q: not a size" run --mem 12Q --bios "$out/exit_code.elf"
head -c 3000000 /dev/zero >"$out/big.bin"
expect_usage_error raw-too-big-for-mem 'do not fit in guest memory' run --mem 2M --bios "$out/big.bin"
expect_usage_error no-bios 'nothing to run' run
expect_usage_error unknown-option "unknown or incomplete option '--frobnicate'" run --frobnicate
expect_usage_error unknown-command "unknown command 'fly'" fly
expect_usage_error bad-clock "--clock wall: expected host or icount" run --clock wall --bios "$out/exit_code.elf"

# Linux boot inputs (issue 3): a kernel that is not RISC-V, an initrd that does not fit,
# and --mem too small for the kernel's declared footprint (a synthetic Image header).
expect_usage_error kernel-not-riscv 'not a RISC-V ELF' run --kernel /bin/true
printf 'not a kernel at all, just text\n' >"$out/text.kernel"
expect_usage_error kernel-not-an-image 'not a RISC-V Linux kernel' run --kernel "$out/text.kernel"
python3 - "$out/fake.Image" <<'PY'
import struct, sys
# code0 code1, text_offset 2 MiB, image_size 64 MiB, flags, version, res1, res2, magic, magic2, res3
hdr = struct.pack("<IIQQQIIQ8s4sI", 0, 0, 0x200000, 64 << 20, 0, 2, 0, 0,
                  b"RISCV\0\0\0", b"RSC\x05", 0)
open(sys.argv[1], "wb").write(hdr + b"\0" * 4096)
PY
expect_usage_error mem-too-small-for-kernel 'needs 66 MiB of RAM.*--mem is too small' \
    run --mem 16M --kernel "$out/fake.Image"
head -c $((20 << 20)) /dev/zero >"$out/big.initrd"
expect_usage_error initrd-does-not-fit 'initrd .* does not fit in RAM' \
    run --mem 16M --kernel "$out/exit_code.elf" --initrd "$out/big.initrd"
expect_usage_error initrd-without-kernel '--initrd .* needs --kernel' run --initrd "$out/big.initrd" --bios "$out/exit_code.elf"

"$RVMM" run --bios "$out/exit_code.elf" >/dev/null 2>&1
check finisher-exit-status $(( $? == 7 ? 0 : 1 ))

"$RVMM" run --bios "$out/exit_code.bin" >/dev/null 2>&1
check raw-binary-loads-at-ram-base $(( $? == 7 ? 0 : 1 ))

timeout 20 "$RVMM" run --bios "$out/reset.elf" >/dev/null 2>&1
check finisher-reset-reboots $?

"$RVMM" isa | grep -qx 'rv64imafdc_zicbom_zicbop_zicboz_zicntr_zicond_zicsr_zifencei_zihpm_zba_zbb_zbs_sstc_svnapot_svpbmt'
check isa-string $?

# The demo guest: timer interrupts through the CLINT, wfi, UART output.
if [[ ! -f $BUILD/guest/demo.elf ]]; then
    echo "FAIL cli/demo-guest-built"
else
    demo=$(timeout 20 "$RVMM" run --bios "$BUILD/guest/demo.elf" 2>&1)
    [[ $? -eq 0 && $demo == *"..........  10 ticks"* || $demo == *".......... 10 ticks"* ]]
    check demo-guest-timer $?
    # icount clock: two runs retire exactly the same instructions.
    a=$(timeout 20 "$RVMM" run --clock icount --stats --bios "$BUILD/guest/demo.elf" 2>&1 | grep 'instructions retired')
    b=$(timeout 20 "$RVMM" run --clock icount --stats --bios "$BUILD/guest/demo.elf" 2>&1 | grep 'instructions retired')
    [[ -n $a && $a == "$b" ]]
    check icount-reproducible $?
    # An idle guest sleeps in wfi: one second of guest time costs little host CPU.
    cpu=$( { /usr/bin/time -f '%U %S' "$RVMM" run --bios "$BUILD/guest/demo.elf" >/dev/null; } 2>&1 | tail -1)
    awk -v t="$cpu" 'BEGIN { split(t, a, " "); exit !(a[1] + a[2] < 0.5) }'
    check wfi-sleeps $?
fi

# The translator: options, a timer interrupt reaching a self-chained loop, the
# share of translated code in --stats, and the perf map.
expect_usage_error bad-jit "--jit maybe: expected on or off" run --jit maybe --bios "$out/exit_code.elf"
expect_usage_error bad-jit-threshold "--jit-threshold 0: expected a count" run --jit-threshold 0 --bios "$out/exit_code.elf"
for mode in "--jit-threshold 1" "--jit off"; do
    # shellcheck disable=SC2086
    timeout 10 "$RVMM" run $mode --bios "$out/timer_spin.elf" >/dev/null 2>&1
    check "timer-interrupt-reaches-spin-loop(${mode// /=})" $?
done
stats=$(timeout 20 "$RVMM" run --jit-threshold 1 --stats --bios "$BUILD/guest/demo.elf" 2>&1)
share=$(sed -n 's/.*jit instructions in translated code [0-9]* (\([0-9.]*\)%).*/\1/p' <<<"$stats")
awk -v s="${share:-0}" 'BEGIN { exit !(s > 90) }'
check jit-runs-most-instructions $?
"$RVMM" run --jit-threshold 1 --perf-map --bios "$BUILD/guest/demo.elf" >/dev/null 2>&1 &
pid=$!
wait $pid
map=/tmp/perf-$pid.map
[[ -s $map ]] && ! grep -qvE '^[0-9a-f]+ [0-9a-f]+ rvmm-guest-[0-9a-f]+$' "$map" &&
    grep -q ' rvmm-guest-80000000$' "$map"
check perf-map-names-guest-code $?
rm -f "$map"

# A guest stuck taking faults forever: rvmm keeps running (no crash) until killed.
timeout 2 "$RVMM" run --bios "$out/illegal_loop.elf" >/dev/null 2>&1
check trap-storm-no-host-crash $(( $? == 124 ? 0 : 1 ))

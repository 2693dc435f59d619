#!/usr/bin/env bash
# Guest-level tests of the virtio devices: boot the project's Linux (guest/linux)
# and check what the guest sees and does.
#  - without options: all eight virtio-mmio slots probed, no virtio device;
#  - --rng: virtio_rng is the guest's hw_random source and /dev/hwrng gives
#    random bytes; it still works after a guest reboot (machine reset);
#  - --console virtio: the kernel found a virtio console (device 3, bound to
#    virtio_console) and it is the guest console; output written to it and
#    input typed on rvmm's stdin go through it.
#    Note: this kernel's SBI console (HVC_RISCV_SBI) always takes hvc0, so the
#    virtio console is hvc1, as on QEMU; only virtio-console can create hvc1,
#    and with --console virtio the UART (behind the SBI console) has no input.
#  - bad --console values are refused with one line and status 2.
# Prints "PASS name" / "FAIL name". Env: RVMM, BUILD, BOOT_TIMEOUT (default 300 s).
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
RVMM=${RVMM:-$BUILD/san/rvmm}
T=${BOOT_TIMEOUT:-300}
out=$BUILD/boot
mkdir -p "$out"

paths=$(guest/linux/build.sh --print-paths 2>/dev/null) || { echo "FAIL virtio/guest-image-built"; exit 0; }
eval "$paths"
[[ -f ${KERNEL:-} && -f ${INITRD:-} ]] || { echo "FAIL virtio/guest-image-built"; exit 0; }

verdict() { # NAME OK(0/1) LOG
    if [[ $2 -eq 0 ]]; then
        echo "PASS virtio/$1"
    else
        echo "FAIL virtio/$1"
        echo "  last lines of $3:" >&2
        tail -15 "$3" >&2
    fi
}

# run_guest NAME CONSOLE CMD [RVMM OPTIONS...]: boots with CMD as the test command
# (rvmm.run64), stdin closed; the log is $out/virtio-NAME.log.
run_guest() {
    local name=$1 console=$2 cmd=$3
    shift 3
    timeout "$T" "$RVMM" run --mem 256M --kernel "$KERNEL" --initrd "$INITRD" "$@" \
        --append "console=$console rvmm.run64=$(printf '%s' "$cmd" | base64 -w0)" \
        </dev/null >"$out/virtio-$name.log" 2>&1
}

done_ok() { # LOG: the test command ended with status 0
    tr -d '\r' <"$1" | grep -q '^RVMM-TEST-DONE status=0$'
}

# 1. Default: the slots are there (QEMU's eight nodes, probed), but hold no device.
cmd='ls /sys/bus/platform/devices | grep -c virtio_mmio; echo "virtio devices: $(ls /sys/bus/virtio/devices | wc -l)"'
run_guest none ttyS0 "$cmd"
log=$out/virtio-none.log
done_ok "$log" && grep -qx '8' <(tr -d '\r' <"$log") && grep -q 'virtio devices: 0' "$log"
verdict slots-empty-by-default $? "$log"

# 2. --rng: virtio_rng feeds /dev/hwrng.
read -r -d '' cmd <<'EOF'
set -e
id=$(cat /sys/bus/virtio/devices/virtio0/device)
echo "device id $id, driver $(basename "$(readlink /sys/bus/virtio/devices/virtio0/driver)")"
echo "rng_current $(cat /sys/class/misc/hw_random/rng_current)"
a=$(dd if=/dev/hwrng bs=16 count=1 2>/dev/null | od -An -tx1 | tr -d ' \n')
b=$(dd if=/dev/hwrng bs=16 count=1 2>/dev/null | od -An -tx1 | tr -d ' \n')
echo "hwrng $a"
echo "hwrng $b"
[ ${#a} -eq 32 ] && [ ${#b} -eq 32 ] && [ "$a" != "$b" ] && [ "$a" != 00000000000000000000000000000000 ]
n=$(dd if=/dev/hwrng bs=4096 count=16 2>/dev/null | wc -c)
echo "hwrng bulk $n bytes"
[ "$n" -eq 65536 ]
EOF
run_guest rng ttyS0 "$cmd" --rng
log=$out/virtio-rng.log
done_ok "$log" && grep -q 'device id 0x0004, driver virtio_rng' "$log" &&
    grep -q 'rng_current virtio_rng.0' "$log" && grep -q 'hwrng bulk 65536 bytes' "$log"
verdict rng-hwrng-bytes $? "$log"

# 3. --rng across a guest reboot (the machine resets every device): two boots
#    each read the device. The command reboots, so every boot does; stop after two.
cmd='dd if=/dev/hwrng bs=16 count=1 2>/dev/null | od -An -tx1 | grep -q . && echo RNG-READ-OK; reboot -f'
log=$out/virtio-rng-reboot.log
: >"$log" # exists before the loop below reads it
"$RVMM" run --mem 256M --kernel "$KERNEL" --initrd "$INITRD" --rng \
    --append "console=ttyS0 rvmm.run64=$(printf '%s' "$cmd" | base64 -w0)" </dev/null >"$log" 2>&1 &
pid=$!
reads=0
for _ in $(seq $((T * 2))); do
    reads=$(grep -c '^RNG-READ-OK' <(tr -d '\r' <"$log"))
    [[ $reads -ge 2 ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
done
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
[[ $reads -ge 2 ]]
verdict rng-after-reboot $? "$log"

# 4. --console virtio: the guest console is the virtio console, both ways.
#    The guest checks the device and the console, writes through hvc1 and sees
#    the device's interrupts, then waits for a line typed on rvmm's stdin.
read -r -d '' cmd <<'EOF'
set -e
con=
for d in /sys/bus/virtio/devices/*; do
    [ "$(cat "$d/device")" = 0x0003 ] && con=$(basename "$d")
done
echo "console device $con, driver $(basename "$(readlink /sys/bus/virtio/devices/$con/driver)")"
echo "consoles: $(cut -d' ' -f1 /proc/consoles | tr '\n' ' ')"
[ "$(cut -d' ' -f1 /proc/consoles)" = hvc1 ]
irqs() { awk -v d="$con" '$NF == d { print $2 }' /proc/interrupts; }
before=$(irqs)
echo "VIA-HVC1-$((6 * 7))" > /dev/hvc1
for i in 1 2 3 4 5 6 7 8; do echo "console line $i"; done
after=$(irqs)
echo "interrupts $before -> $after"
[ "$after" -gt "$before" ]
echo READY-FOR-INPUT
read -r line
echo "GOT-$(echo "$line" | tr a-z A-Z)"
EOF
log=$out/virtio-console.log
fifo=$out/virtio-console.stdin
rm -f "$fifo"
mkfifo "$fifo"
timeout "$T" "$RVMM" run --mem 256M --kernel "$KERNEL" --initrd "$INITRD" --console virtio --rng \
    --append "console=hvc1 rvmm.run64=$(printf '%s' "$cmd" | base64 -w0)" <"$fifo" >"$log" 2>&1 &
pid=$!
exec 3>"$fifo" # the writer end: rvmm's stdin stays open until we close it
ready=0
for _ in $(seq $((T * 2))); do
    grep -q '^READY-FOR-INPUT' <(tr -d '\r' <"$log") && { ready=1; break; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
done
[[ $ready -eq 1 ]] && echo "typed-token-$$" >&3
wait "$pid"
status=$?
exec 3>&-
rm -f "$fifo"
clean=$(tr -d '\r' <"$log")
[[ $status -eq 0 ]] && grep -q 'driver virtio_console' <<<"$clean" &&
    grep -q '^consoles: hvc1 $' <<<"$clean" && grep -q "^GOT-TYPED-TOKEN-$$\$" <<<"$clean" &&
    grep -q '^RVMM-TEST-DONE status=0$' <<<"$clean"
verdict console-virtio-input $? "$log"
# Output: written to /dev/hvc1 (only virtio-console makes an hvc1 here), it came out.
grep -q '^VIA-HVC1-42$' <<<"$clean" && grep -q '^console line 8$' <<<"$clean" &&
    grep -q '^interrupts [0-9]* -> [0-9]*$' <<<"$clean"
verdict console-virtio-output $? "$log"

# 5. Bad values: one line, status 2.
err=$("$RVMM" run --kernel "$KERNEL" --console serial 2>&1 </dev/null)
status=$?
[[ $status -eq 2 && $(wc -l <<<"$err") -eq 1 && $err == *"--console serial"* ]]
verdict cli-bad-console $? /dev/null

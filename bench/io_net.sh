#!/usr/bin/env bash
# Network I/O through user-mode networking (libslirp on rvmm, QEMU's -netdev
# user), same kernel, initrd and guest workload, in one run, best of RUNS:
#   - TCP throughput guest -> host (dd | nc to a listener on the host's
#     loopback, measured on the host), MB/s;
#   - ping RTT from the guest to the gateway 10.0.2.2, ms;
#   - TCP request/response RTT, host -> guest through hostfwd (64 bytes echoed
#     by the guest's nc -e cat, 200 times on one connection), ms.
# The guest side is in bench/io_net.py. Prints a table with rvmm/QEMU ratios.
#   usage: bench/io_net.sh [RUNS] [MEGABYTES]
#   env: RVMM (default build/rvmm); KERNEL and INITRD (default: guest/linux's)
set -euo pipefail
cd "$(dirname "$0")/.."
RVMM=${RVMM:-build/rvmm}
RUNS=${1:-3}
MB=${2:-32}
TIMEOUT=180
[[ -n ${KERNEL:-} && -n ${INITRD:-} ]] || eval "$(guest/linux/build.sh --print-paths)"
append='console=ttyS0 rvmm.run64=@CMD64@'

# best RUNS CMD...: the best of each figure over RUNS runs ("MBps ping_ms rr_ms").
best() {
    local runs=$1 all=
    shift
    for _ in $(seq "$runs"); do
        all+="$(python3 bench/io_net.py "$MB" "$TIMEOUT" -- "$@")"$'\n'
    done
    awk 'NF == 3 { if (!n || $1 > t) t = $1; if (!n || $2 < p) p = $2; if (!n || $3 < r) r = $3; n++ }
         END { if (!n) exit 1; print t, p, r }' <<<"$all"
}

read -r r_tput r_ping r_rr < <(best "$RUNS" "$RVMM" run --mem 256M --kernel "$KERNEL" \
    --initrd "$INITRD" --net 'user,hostfwd=tcp:127.0.0.1:@PORT@-:8000' --append "$append")
read -r q_tput q_ping q_rr < <(best "$RUNS" qemu-system-riscv64 -M virt -m 256M -nographic \
    -kernel "$KERNEL" -initrd "$INITRD" -append "$append" \
    -netdev 'user,id=n0,hostfwd=tcp:127.0.0.1:@PORT@-:8000' -device virtio-net-device,netdev=n0)

awk -v mb="$MB" -v rt="$r_tput" -v rp="$r_ping" -v rr="$r_rr" \
    -v qt="$q_tput" -v qp="$q_ping" -v qr="$q_rr" 'BEGIN {
    printf "virtio-net, user networking (best of runs; %d MiB guest -> host)\n", mb
    printf "  %-38s %10s %10s %10s\n", "", "rvmm", "qemu 7.2", "rvmm/qemu"
    printf "  %-38s %10.1f %10.1f %10.2f\n", "TCP throughput guest->host (MB/s)", rt, qt, rt / qt
    printf "  %-38s %10.3f %10.3f %10.2f\n", "ping RTT guest->gateway (ms)", rp, qp, rp / qp
    printf "  %-38s %10.3f %10.3f %10.2f\n", "TCP request/response host<->guest (ms)", rr, qr, rr / qr
    printf "  (throughput: higher is better; latencies: lower is better)\n"
}'

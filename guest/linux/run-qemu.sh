#!/usr/bin/env bash
# Boots the cached guest (guest/linux/build.sh) on QEMU, the reference machine:
#   qemu-system-riscv64 -M virt -m 256M -nographic (QEMU's own OpenSBI)
#
#   guest/linux/run-qemu.sh                      interactive shell (Ctrl-A X quits QEMU)
#   guest/linux/run-qemu.sh --test boot          runs /tests/boot.sh, QEMU exits by itself
#   guest/linux/run-qemu.sh --run 'uname -a'     runs a command (sent as rvmm.run64=)
# Options: --console ttyS0|hvc0 (default ttyS0), --smp N, --mem SIZE,
#          --timeout SECONDS (test modes; default 120), --append 'MORE ARGS'.
# In test modes the exit status is the guest's status from the
# "RVMM-TEST-DONE status=N" line (124 on timeout, 125 if the line is missing).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
console=ttyS0 smp=1 mem=256M timeout=120 extra= guest_args=

while [[ $# -gt 0 ]]; do
  case "$1" in
    --test) guest_args="rvmm.test=$2"; shift 2 ;;
    --run) guest_args="rvmm.run64=$(printf '%s' "$2" | base64 -w0)"; shift 2 ;;
    --console) console=$2; shift 2 ;;
    --smp) smp=$2; shift 2 ;;
    --mem) mem=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --append) extra=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-qemu: unknown argument: $1" >&2; exit 2 ;;
  esac
done

paths=$("$HERE/build.sh" --print-paths) || { echo "run-qemu: build the guest first: guest/linux/build.sh" >&2; exit 1; }
eval "$paths"   # sets KERNEL and INITRD

qemu=(qemu-system-riscv64 -M virt -m "$mem" -smp "$smp" -nographic
      -kernel "$KERNEL" -initrd "$INITRD"
      -append "console=$console $guest_args $extra")

if [[ -z "$guest_args" ]]; then
  exec "${qemu[@]}"
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
set +e
timeout "$timeout" "${qemu[@]}" < /dev/null | tee "$out"
rc=${PIPESTATUS[0]}
set -e
[[ $rc -eq 124 ]] && { echo "run-qemu: timed out after $timeout s" >&2; exit 124; }
status=$(tr -d '\r' < "$out" | sed -n 's/^RVMM-TEST-DONE status=\([0-9]*\)$/\1/p' | tail -n 1)
[[ -n "$status" ]] || { echo "run-qemu: no RVMM-TEST-DONE line (qemu exit $rc)" >&2; exit 125; }
exit "$status"

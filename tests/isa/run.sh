#!/usr/bin/env bash
# Runs every $BUILD/isa/*.elf (BUILD defaults to "build") and prints exactly
# one line per test on stdout:  PASS isa/NAME  or  FAIL isa/NAME (exit N).
#   RVMM=path/to/rvmm tests/isa/run.sh        run on rvmm ("$RVMM" run --bios X.elf)
#   tests/isa/run.sh --qemu                   run on qemu-system-riscv64 (the
#                                             reference), skipping the tests
#                                             listed in tests/isa/qemu-skip.txt
# Optional arguments after the flags: test names to run (default: all).
# A test that does not finish within ISA_TIMEOUT seconds (default 20) fails
# with exit 124.  Guest console output and notes go to stderr (the console
# only for failing tests).  The script itself always exits 0.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=${BUILD:-build}
timeout_s=${ISA_TIMEOUT:-20}
mode=rvmm
names=()
for arg in "$@"; do
  case "$arg" in
    --qemu) mode=qemu ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" >&2; exit 0 ;;
    *) names+=("$(basename "${arg%.elf}")") ;;
  esac
done

QEMU=${QEMU:-qemu-system-riscv64}
# Extensions of the contract that QEMU 7.2 has (it lacks Zicond and Zicbo*).
QEMU_CPU=${QEMU_CPU:-rv64,h=false,pmu-num=29,zba=true,zbb=true,zbs=true,svnapot=true,svpbmt=true,sstc=true}

if [[ $mode == rvmm && -z "${RVMM:-}" ]]; then
  echo "run.sh: set RVMM=path/to/rvmm (or use --qemu)" >&2
  exit 0
fi

skip_reason() {  # prints the reason if $1 is listed in qemu-skip.txt
  local f="$here/qemu-skip.txt"
  [[ -f $f ]] || return 1
  awk -v n="$1" '$1 == n { $1 = ""; sub(/^ +/, ""); print; found = 1; exit } END { exit !found }' \
    <(sed -e 's/#.*//' "$f")
}

shopt -s nullglob
elfs=()
if [[ ${#names[@]} -gt 0 ]]; then
  for n in "${names[@]}"; do elfs+=("$BUILD/isa/$n.elf"); done
else
  elfs=("$BUILD"/isa/*.elf)
fi
if [[ ${#elfs[@]} -eq 0 ]]; then
  echo "run.sh: no tests in $BUILD/isa (run 'make isa' first)" >&2
  exit 0
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
for elf in "${elfs[@]}"; do
  name=$(basename "$elf" .elf)
  if [[ ! -f $elf ]]; then
    echo "run.sh: $elf does not exist" >&2
    echo "FAIL isa/$name (exit 127)"
    continue
  fi
  if [[ $mode == qemu ]]; then
    if reason=$(skip_reason "$name"); then
      echo "run.sh: skipping isa/$name on QEMU: $reason" >&2
      continue
    fi
    timeout -k 5 "$timeout_s" "$QEMU" -M virt -bios none -m 128M -nographic \
      -cpu "$QEMU_CPU" -kernel "$elf" </dev/null >"$log" 2>&1
  else
    timeout -k 5 "$timeout_s" "$RVMM" run --bios "$elf" </dev/null >"$log" 2>&1
  fi
  rc=$?
  if [[ $rc -eq 0 ]]; then
    echo "PASS isa/$name"
  else
    [[ $rc -eq 124 || $rc -eq 137 ]] && echo "run.sh: isa/$name timed out after ${timeout_s}s" >&2
    if [[ -s $log ]]; then
      echo "---- isa/$name output:" >&2
      tail -c 4000 "$log" | sed 's/^/  /' >&2
    fi
    echo "FAIL isa/$name (exit $rc)"
  fi
done
exit 0

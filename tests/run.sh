#!/usr/bin/env bash
# Runs every test layer and ends with "N passed, N failed".
#   C unit tests (cmocka, sanitizer build), RISC-V assembly tests (tests/isa),
#   CLI and bad-input tests (tests/cli), the differential test against QEMU (tests/diff),
#   and the include-layering check (scripts/check-layers.sh).
# Env: RVMM (binary under test, default build/san/rvmm), BUILD (default build).
set -uo pipefail
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}
export RVMM=${RVMM:-$BUILD/san/rvmm}
# Guest output and LSan should not drown the report; sanitizer errors still fail the run.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

passed=0
failed=0
failures=()

record() { # record PASS|FAIL name
    if [[ $1 == PASS ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures+=("$2")
    fi
    echo "$1 $2"
}

# 1. unit tests: cmocka's TAP output, one line per test case
for t in "$BUILD"/san/unit/test_*; do
    [[ -x $t ]] || continue
    name=$(basename "$t")
    out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1)
    status=$?
    cases=0
    while read -r line; do
        if [[ $line =~ ^ok\ [0-9]+\ -\ (.*)$ ]]; then
            record PASS "unit/$name/${BASH_REMATCH[1]}"; cases=$((cases + 1))
        elif [[ $line =~ ^not\ ok\ [0-9]+\ -\ (.*)$ ]]; then
            record FAIL "unit/$name/${BASH_REMATCH[1]}"; cases=$((cases + 1))
        fi
    done <<<"$out"
    if [[ $status -ne 0 || $cases -eq 0 ]]; then
        echo "$out" | tail -20 >&2
        [[ $status -ne 0 && $cases -gt 0 ]] && record FAIL "unit/$name (exit $status)"
        [[ $cases -eq 0 ]] && record FAIL "unit/$name (no test cases ran)"
    fi
done

run_suite_each() { # run_suite_each PREFIX SUITE...
    local prefix=$1 suite
    shift
    for suite in "$@"; do
        run_suite "$prefix" "$suite"
    done
}

# 2..n: suites that print "PASS name" / "FAIL name" lines; names get PREFIX
run_suite() { # run_suite PREFIX SUITE
    local prefix=$1 suite=$2 lines=0
    [[ -x $suite ]] || { record FAIL "$prefix$suite (missing)"; return; }
    while read -r verdict name rest; do
        case $verdict in
            PASS|FAIL) record "$verdict" "$prefix$name"; lines=$((lines + 1)) ;;
        esac
    done < <("$suite")
    [[ $lines -gt 0 ]] || record FAIL "$prefix$suite (ran no tests)"
}

for suite in scripts/check-layers.sh tests/isa/run.sh tests/cli/run.sh tests/sbi/run.sh \
    tests/boot/dtb.sh tests/boot/linux.sh tests/boot/virtio.sh tests/boot/disk.sh tests/boot/net.sh \
    tests/block/crash.sh tests/diff/run.sh tests/jitdiff/run.sh fuzz/run.sh; do
    run_suite "" "$suite"
done

# The engines again: everything that runs guest code, with the interpreter only
# (the reference engine) and with every block translated on first execution
# (the default threshold leaves short test programs mostly interpreted).
export RVMM_REAL=$RVMM BOOT_QUICK=1 RVMM=tests/lib/rvmm-with-args
for mode in "jit-off:--jit off" "jit-eager:--jit-threshold 1"; do
    export RVMM_EXTRA_ARGS=${mode#*:}
    run_suite_each "${mode%%:*}/" tests/isa/run.sh tests/sbi/run.sh tests/boot/linux.sh \
        tests/boot/virtio.sh tests/diff/run.sh
done

if [[ $failed -gt 0 ]]; then
    echo "failed tests:"
    printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]

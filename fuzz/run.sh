#!/usr/bin/env bash
# Builds a libFuzzer target with clang (ASan + UBSan) from the rvmm sources it
# needs, then fuzzes it for a while starting from its seed corpus.
#   fuzz/run.sh [TARGET|all] [SECONDS]     defaults: all, 20 seconds per target
# Targets: virtqueue (fuzz/virtqueue_fuzz.c: the split-virtqueue walker),
#          qcow2 (fuzz/qcow2_fuzz.c: an untrusted image opened and used).
# Prints "PASS fuzz/TARGET-build", "PASS fuzz/TARGET" or FAIL lines. New
# interesting inputs go to $BUILD/fuzz/corpus-TARGET (the checked-in seeds in
# fuzz/corpus/TARGET are only read); a crashing input is saved as
# $BUILD/fuzz/crash-* and reproduced with: $BUILD/fuzz/TARGET_fuzz FILE
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
CLANG=${CLANG:-clang}
target=${1:-all}
seconds=${2:-20}
out=$BUILD/fuzz
mkdir -p "$out"

sources_for() { # the rvmm sources a target links
    case $1 in
        virtqueue) echo "src/virtio/virtqueue.c src/core/bus.c src/core/memory.c" ;;
        qcow2) echo "src/backends/block.c src/backends/block_raw.c src/backends/block_qcow2.c" \
               "src/backends/block_qcow2_meta.c src/lib/log.c" ;;
        *) return 1 ;;
    esac
}

libs_for() { # the libraries a target links
    case $1 in
        qcow2) echo "-lz -lzstd -pthread" ;;
    esac
}

max_len_for() { # the largest input: the qcow2 seeds are whole (small) images
    case $1 in
        qcow2) echo 65536 ;;
        *) echo 8192 ;;
    esac
}

fuzz_one() {
    local t=$1 srcs bin=$out/$1_fuzz log=$out/$1.log
    if ! srcs=$(sources_for "$t"); then
        echo "FAIL fuzz/$t (no such target)"
        return
    fi
    # shellcheck disable=SC2086 # srcs is a list of words
    if ! "$CLANG" -std=c17 -D_GNU_SOURCE -Iinclude -Isrc -g -O1 -Wall -Wextra -Werror \
        -Wno-unused-parameter -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        -o "$bin" "fuzz/${t}_fuzz.c" $srcs $(libs_for "$t") 2>"$log"; then
        echo "FAIL fuzz/$t-build"
        tail -20 "$log" >&2
        return
    fi
    echo "PASS fuzz/$t-build"
    mkdir -p "$out/corpus-$t"
    if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len_for "$t")" \
        -artifact_prefix="$out/" -print_final_stats=1 "$out/corpus-$t" "fuzz/corpus/$t" \
        >"$log" 2>&1; then
        local runs
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        echo "PASS fuzz/$t ($seconds s, ${runs:-?} inputs)"
    else
        echo "FAIL fuzz/$t"
        grep -m1 -A12 'ERROR\|runtime error\|deadly signal' "$log" >&2 || tail -20 "$log" >&2
    fi
}

if [[ $target == all ]]; then
    for f in fuzz/*_fuzz.c; do
        t=$(basename "$f" _fuzz.c)
        fuzz_one "$t"
    done
else
    fuzz_one "$target"
fi

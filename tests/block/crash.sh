#!/usr/bin/env bash
# tests/block/crash.sh - crash safety of the qcow2 backend. Each iteration
# starts tests/block/writer.c writing at random to a fresh image (cluster
# sizes, v2/v3, refcount widths, with and without a backing file), kills it
# with SIGKILL at a random moment, and then requires:
#   - `qemu-img check` finds no corruption (leaked clusters are allowed);
#   - every operation the writer saw flushed reads back (QEMU's reader), and
#     every other sector holds old or newer data, never garbage;
#   - our reader sees exactly what QEMU's does;
#   - the crashed image can be opened and written again, and checks clean
#     (leaks aside) afterwards.
# Then the writer crashes itself at chosen system calls (pwritev, ftruncate,
# fallocate, fdatasync on the image), once as a kill -9 and once as a power
# cut that keeps a random subset of what was written since the last
# fdatasync (writer.c); the same checks follow.
# Prints "PASS block/crash/..." or "FAIL block/crash/..." lines.
# Env: BUILD (default build), CRASH_ITERATIONS (random kills, default 6),
# CRASH_POINTS (injected crashes per image type and mode, default 6), CRASH_SEED.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
iterations=${CRASH_ITERATIONS:-6}
points=${CRASH_POINTS:-6}
seed=${CRASH_SEED:-$RANDOM}
mkdir -p "$BUILD/block"
writer=$BUILD/block/crash-writer

srcs=(tests/block/writer.c src/backends/block.c src/backends/block_raw.c
      src/backends/block_qcow2.c src/backends/block_qcow2_meta.c src/lib/log.c)
if ! ${CC:-gcc} -std=c17 -D_GNU_SOURCE -Isrc -Iinclude -Wall -Wextra -Werror \
        -Wno-unused-parameter -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
        -Wl,--wrap=pwritev,--wrap=ftruncate,--wrap=fallocate,--wrap=fdatasync \
        -o "$writer" "${srcs[@]}" -lz -lzstd -pthread; then
    echo "FAIL block/crash/build"
    exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/rvmm-crash-XXXXXX")
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}

configs=(
    "cluster_size=65536"
    "cluster_size=4096"
    "cluster_size=512"
    "cluster_size=65536 backing"
    "compat=0.10,cluster_size=16384"
    "refcount_bits=1,cluster_size=4096 backing"
    "cluster_size=2M"
    "refcount_bits=64,cluster_size=1024"
)
size=$((32 << 20))
RANDOM=$seed
echo "crash.sh: seed $seed" >&2

verdict() { # verdict NAME OK DETAIL
    if [[ $2 == 1 ]]; then echo "PASS block/crash/$1"; else echo "FAIL block/crash/$1 $3"; fi
}

check_ok() { # exit status of qemu-img check: 0 clean, 3 leaks only
    qemu-img check -f qcow2 "$1" >"$work/check.out" 2>&1
    local st=$?
    [[ $st == 0 || $st == 3 ]] && return 0
    cat "$work/check.out" >&2
    return 1
}

new_image() { # new_image CONFIG: a fresh $work/img.qcow2; sets name and initial
    local cfg=$1 opts=${1% backing}
    name=${opts//[=,]/-}
    rm -f "$work"/*
    initial=()
    if [[ $cfg == *backing ]]; then
        name+="-backing"
        "$writer" mkbase "$work/base.raw" $size
        qemu-img create -q -f qcow2 -o "$opts" -b base.raw -F raw "$work/img.qcow2" >/dev/null
        initial=("$work/base.raw")
    else
        qemu-img create -q -f qcow2 -o "$opts" "$work/img.qcow2" $size >/dev/null
    fi
}

# check_after_crash NAME: the image must check clean (leaks allowed) and hold every flushed write.
check_after_crash() {
    local ok=0 flushes
    flushes=$(grep -c '^F' "$work/log")
    check_ok "$work/img.qcow2" && ok=1
    verdict "$1-check" $ok "(qemu-img check reports corruption after the crash)"
    ok=0
    if qemu-img convert -f qcow2 -O raw "$work/img.qcow2" "$work/qemu.raw" 2>"$work/conv.err" &&
        "$writer" verify "$work/qemu.raw" "$work/log" "${initial[@]}" >"$work/verify.out" 2>&1; then
        ok=1
    fi
    verdict "$1-flushed-data" $ok "($flushes flushes; $(tail -n 3 "$work/verify.out" "$work/conv.err" | tr '\n' ' '))"
}

# 1. Killed at a random moment, then reopened and written again.
for ((i = 1; i <= iterations; i++)); do
    new_image "${configs[$(( (i - 1) % ${#configs[@]} ))]}"
    name="kill-$i-$name"

    # Run, then kill at a random moment (0.15 .. 1.35 s).
    "$writer" write "$work/img.qcow2" $((seed + i)) "$work/log" 2>"$work/writer.err" &
    pid=$!
    sleep "$(printf '0.%02d' $((15 + RANDOM % 85)))"
    (( RANDOM % 2 )) && sleep 0.5
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    if grep -q . "$work/writer.err"; then
        verdict "$name-writer" 0 "($(head -c 300 "$work/writer.err"))"
        continue
    fi
    check_after_crash "$name"

    ok=0
    "$writer" dump "$work/img.qcow2" "$work/ours.raw" && cmp -s "$work/ours.raw" "$work/qemu.raw" && ok=1
    verdict "$name-our-reader" $ok "(our reader and qemu-img disagree)"

    # Reopen the crashed image, write more, close cleanly.
    ok=0
    if "$writer" write "$work/img.qcow2" $((seed + 1000 + i)) "$work/log2" 150 2>"$work/writer2.err" &&
        check_ok "$work/img.qcow2" &&
        qemu-img convert -f qcow2 -O raw "$work/img.qcow2" "$work/qemu2.raw" &&
        "$writer" verify "$work/qemu2.raw" "$work/log2" "$work/qemu.raw" >"$work/verify2.out" 2>&1; then
        ok=1
    fi
    verdict "$name-resume" $ok "($(head -c 300 "$work/writer2.err") $(tail -n 3 "$work/verify2.out" 2>/dev/null | tr '\n' ' '))"
done

# 2. Crashes injected at system calls spread over a run, as kills and as power cuts.
inject_configs=("cluster_size=65536" "cluster_size=512" "cluster_size=4096 backing")
for cfg in "${inject_configs[@]}"; do
    new_image "$cfg"
    total=$(RVMM_CRASH_COUNT=1 "$writer" write "$work/img.qcow2" $seed "$work/log" 60 2>"$work/writer.err")
    if [[ ! $total =~ ^[0-9]+$ ]]; then
        verdict "inject-$name" 0 "($(head -c 300 "$work/writer.err"))"
        continue
    fi
    for mode in kill power; do
        for ((p = 1; p <= points; p++)); do
            at=$(( (total * p + RANDOM % total) / (points + 1) + 1 ))
            new_image "$cfg"
            RVMM_CRASH_AT=$at RVMM_CRASH_MODE=$mode \
                "$writer" write "$work/img.qcow2" $seed "$work/log" 60 >/dev/null 2>"$work/writer.err"
            if grep -q . "$work/writer.err"; then
                verdict "inject-$mode-$name-at-$at" 0 "($(head -c 300 "$work/writer.err"))"
                continue
            fi
            check_after_crash "inject-$mode-$name-at-$at"
        done
    done
done

#!/usr/bin/env bash
# Disk and network I/O, rvmm against QEMU, same kernel, initrd, images and
# guest workload, in one run, best of RUNS, with the rvmm/QEMU ratios:
#   - disk (virtio-blk), on a raw and on a qcow2 image, each new for every run
#     and machine: sequential write MB/s (new image, then again over the
#     allocated one), sequential read MB/s (dd bs=1M, O_DIRECT), and 4 KiB
#     random read and write IOPS (bench/io/randio.c, O_DIRECT, queue depth 1);
#     the guest times itself; the steps are in bench/io_blk.py;
#   - network (virtio-net, user networking): bench/io_net.sh (TCP throughput
#     guest -> host, ping and TCP request/response latency).
# Prints one table; exits non-zero, saying which run failed, if any does.
#   usage: bench/io.sh [RUNS] [DISK_MEGABYTES] [RANDOM_OPS] [NET_MEGABYTES]
#          (defaults 3, 256, 20000, 32)
#   env: RVMM (default build/rvmm); KERNEL and INITRD (default: guest/linux's);
#        IO_DIR (where the images go, default /var/tmp);
#        CPUS (a taskset CPU list, e.g. 0: both machines and bench/io_net.sh
#        run on these CPUs only; default: wherever the scheduler puts them);
#        RVMM_BENCH_CACHE (randio's initrd, default /var/cache/rvmm-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
RVMM=${RVMM:-build/rvmm}
RUNS=${1:-3}
MB=${2:-256}
OPS=${3:-20000}
NET_MB=${4:-32}
IO_DIR=${IO_DIR:-/var/tmp}
CACHE=${RVMM_BENCH_CACHE:-/var/cache/rvmm-bench}
TIMEOUT=300
CROSS_CC=riscv64-linux-gnu-gcc
CFLAGS="-O2 -static -s"

die() { echo "io: error: $*" >&2; exit 1; }
for n in "$RUNS" "$MB" "$OPS" "$NET_MB"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { sed -n '12,13s/^# *//p' "$0" >&2; exit 2; }
done

[[ -n ${KERNEL:-} && -n ${INITRD:-} ]] || eval "$(guest/linux/build.sh --print-paths)" ||
    die "the guest is not built; run guest/linux/build.sh"
export KERNEL INITRD
[[ -x $RVMM ]] || die "$RVMM is not built; run make build/rvmm"
for tool in qemu-system-riscv64 qemu-img "$CROSS_CC" cpio gzip; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done

# The guest's initrd followed by an archive holding /bench/io/randio, cached
# under $CACHE/io-<key>, the key a hash of the source, the compiler and flags,
# and the guest initrd it extends; built when missing.
key=$({ sha256sum <bench/io/randio.c; "$CROSS_CC" --version | head -1; echo "$CFLAGS"; echo "$INITRD"; } |
    sha256sum | cut -c1-16)
IO_INITRD=$CACHE/io-$key/initrd.cpio.gz
if [[ ! -f $IO_INITRD ]]; then
    echo "io: building randio into $CACHE/io-$key" >&2
    mkdir -p "$CACHE" || die "cannot create $CACHE (set RVMM_BENCH_CACHE)"
    work=$(mktemp -d "$CACHE/.io-XXXXXX")
    mkdir -p "$work/stage/bench/io"
    # shellcheck disable=SC2086
    "$CROSS_CC" $CFLAGS -o "$work/stage/bench/io/randio" bench/io/randio.c || die "randio.c does not build"
    find "$work/stage" -exec touch -h -d @0 {} +
    (cd "$work/stage" && find bench | LC_ALL=C sort | cpio -o -H newc --reproducible -R 0:0 --quiet) |
        gzip -9 -n >"$work/io.cpio.gz"
    # Linux unpacks concatenated (separately compressed) archives in order.
    cat "$INITRD" "$work/io.cpio.gz" >"$work/initrd.cpio.gz"
    rm -rf "$work/stage"
    mv -T "$work" "$CACHE/io-$key" 2>/dev/null || rm -rf "$work" # another run got there first
    [[ -f $IO_INITRD ]] || die "could not build $IO_INITRD"
fi

mkdir -p "$IO_DIR"
images=$(mktemp -d "$IO_DIR/rvmm-io.XXXXXX")
trap 'rm -rf "$images"' EXIT
fstype=$(df --output=fstype "$images" | tail -1)
[[ $fstype != tmpfs ]] || fstype="tmpfs: in memory, not on the host disk"

pin=() where="not pinned"
if [[ -n ${CPUS:-} ]]; then
    pin=(taskset -c "$CPUS")
    "${pin[@]}" true || die "taskset -c $CPUS fails"
    where="pinned to CPUs $CPUS"
fi
append='console=ttyS0 quiet rvmm.run64=@CMD64@'
rvmm_cmd=("${pin[@]}" "$RVMM" run --mem 256M --kernel "$KERNEL" --initrd "$IO_INITRD"
    --disk '@IMAGE@,format=@FORMAT@' --append "$append")
qemu_cmd=("${pin[@]}" qemu-system-riscv64 -M virt -m 256M -nographic -kernel "$KERNEL" -initrd "$IO_INITRD"
    -drive 'file=@IMAGE@,format=@FORMAT@,if=none,id=d0,cache=writeback'
    -device 'virtio-blk-device,drive=d0' -append "$append")

# Runs alternate between the machines, so both see the same background load.
declare -A all=()
for run in $(seq "$RUNS"); do
    for fmt in raw qcow2; do
        for m in rvmm qemu; do
            echo "io: disk run $run/$RUNS, $fmt, $m" >&2
            if [[ $m == rvmm ]]; then cmd=("${rvmm_cmd[@]}"); else cmd=("${qemu_cmd[@]}"); fi
            line=$(python3 bench/io_blk.py "$fmt" "$MB" "$OPS" "$TIMEOUT" "$images" -- "${cmd[@]}") ||
                die "disk run $run/$RUNS on $m ($fmt image) failed (its output is above)"
            all[$m.$fmt]+="$line"$'\n'
        done
    done
done
# The disk's content after the runs: the same writes, so the same on both
# machines, both formats and every run.
sums=$(printf '%s' "${all[@]}" | awk '{ print $6 }' | sort -u)
[[ $(grep -c . <<<"$sums") -eq 1 ]] ||
    die "the disks' contents differ after the runs (sha256: ${sums//$'\n'/ }); rvmm and QEMU should write the same"
# best KEY: the best of each figure over the runs (all are higher-is-better).
best() {
    awk 'NF == 6 { for (i = 1; i <= 5; i++) if (!n || $i > b[i]) b[i] = $i; n++ }
         END { if (!n) exit 1; print b[1], b[2], b[3], b[4], b[5] }' <<<"${all[$1]}"
}

echo "io: network, bench/io_net.sh $RUNS $NET_MB" >&2
net=$("${pin[@]}" bench/io_net.sh "$RUNS" "$NET_MB") || die "bench/io_net.sh failed (its output is above)"
# Its rows: a label, then rvmm, qemu and the ratio.
net_rows=$(awk '$NF ~ /^[0-9.]+$/ && $(NF-1) ~ /^[0-9.]+$/ && $(NF-2) ~ /^[0-9.]+$/ {
    label = $0; sub(/^ +/, "", label); sub(/ +[0-9.]+ +[0-9.]+ +[0-9.]+ *$/, "", label)
    print label "\t" $(NF-2) "\t" $(NF-1) }' <<<"$net")
[[ $(grep -c . <<<"$net_rows") -eq 3 ]] || die "unexpected output from bench/io_net.sh:"$'\n'"$net"

qemu_version=$(qemu-system-riscv64 --version | sed -n '1s/.*version \([0-9]*\.[0-9]*\).*/\1/p')
{
    printf 'D\t%s\t%s\n' raw "$(best rvmm.raw)" raw "$(best qemu.raw)" qcow2 "$(best rvmm.qcow2)" \
        qcow2 "$(best qemu.qcow2)"
    sed 's/^/N\t/' <<<"$net_rows"
} | awk -F'\t' -v runs="$RUNS" -v mb="$MB" -v ops="$OPS" -v nmb="$NET_MB" -v qv="$qemu_version" \
    -v dir="$IO_DIR" -v fs="$fstype" -v where="$where" '
    function row(label, r, q, better, fmt) {
        printf "  %-42s " fmt " " fmt " %9.2f  %s\n", label, r, q, r / q, better
    }
    $1 == "D" { fig[$2, ++seen[$2]] = $3 }
    $1 == "N" { nl[++nn] = $2; nr[nn] = $3; nq[nn] = $4 }
    END {
        printf "I/O: rvmm vs qemu %s, same kernel, initrd, images and workload (best of %d runs, %s)\n", qv, runs, where
        printf "  %-42s %10s %10s %9s  %s\n", "", "rvmm", "qemu " qv, "rvmm/qemu", "better"
        printf "virtio-blk, %d MiB image, new each run, in %s (%s), through the host page cache\n", mb, dir, fs
        split("sequential write, new image (MB/s)|sequential write, again (MB/s)|sequential read (MB/s)|4k random read, QD1 (IOPS)|4k random write, QD1 (IOPS)", name, "|")
        for (f = 1; f <= 2; f++) {
            img = f == 1 ? "raw" : "qcow2"
            split(fig[img, 1], r, " "); split(fig[img, 2], q, " ")
            for (i = 1; i <= 5; i++)
                row(sprintf("%-5s %s", img, name[i]), r[i], q[i], "higher", i <= 3 ? "%10.1f" : "%10.0f")
        }
        printf "virtio-net, user networking (%d MiB guest -> host; bench/io_net.sh)\n", nmb
        for (i = 1; i <= nn; i++)
            row(nl[i], nr[i], nq[i], nl[i] ~ /\(ms\)/ ? "lower" : "higher", nl[i] ~ /\(ms\)/ ? "%10.3f" : "%10.1f")
        printf "  (better: the direction in which the figure and its ratio are better; random I/O:\n"
        printf "  %d requests of 4 KiB, O_DIRECT, one at a time)\n", ops
    }'

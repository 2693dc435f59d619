#!/usr/bin/env bash
# Guest-level disk tests: the Linux guest writes through virtio-blk and the host
# checks the images with its own tools.
#  - raw and qcow2: a pattern written with dd lands at the right offsets;
#  - qcow2 from qemu-img, with a backing file: reads come from the base, writes
#    stay in the overlay, the base is untouched; qemu-img check and compare agree;
#  - ext4 made on the host with mkfs.ext4: the guest mounts it and writes files,
#    the host reads them back with debugfs;
#  - discard (blkdiscard) reads back as zeros;
#  - GET_ID: the serial given with id= is the guest's /sys/block/vda/serial;
#  - crash safety: kill -9 of rvmm in the middle of guest writes leaves a qcow2
#    image that qemu-img check accepts, holding every write the guest saw flushed;
#  - bad --disk input: one line, exit status 2.
# Prints "PASS name" / "FAIL name". Env: RVMM, BUILD, BOOT_TIMEOUT (default 300 s).
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
RVMM=${RVMM:-$BUILD/san/rvmm}
T=${BOOT_TIMEOUT:-300}
out=$BUILD/disk
rm -rf "$out"
mkdir -p "$out"

paths=$(guest/linux/build.sh --print-paths 2>/dev/null) || { echo "FAIL disk/guest-image-built"; exit 0; }
eval "$paths"

verdict() { # NAME STATUS LOG
    if [[ $2 -eq 0 ]]; then
        echo "PASS disk/$1"
    else
        echo "FAIL disk/$1"
        [[ -n ${3:-} && -f $3 ]] && tail -15 "$3" >&2
    fi
}

# Boots the guest with a command (and extra rvmm arguments); the log is $out/NAME.log.
guest() { # NAME COMMAND RVMM-ARGS...
    local name=$1 cmd=$2
    shift 2
    timeout "$T" "$RVMM" run --mem 256M --kernel "$KERNEL" --initrd "$INITRD" "$@" \
        --append "console=ttyS0 quiet rvmm.run64=$(printf '%s' "$cmd" | base64 -w0)" \
        </dev/null >"$out/$name.log" 2>&1
    local status=$?
    [[ $status -eq 0 ]] && grep -aq 'RVMM-TEST-DONE status=0' "$out/$name.log"
}

# A 1 MiB pattern the host and the guest both make: 16384 lines of 64 bytes.
pattern='i=0; while [ $i -lt 16384 ]; do printf "rvmm %058d\n" $i; i=$((i+1)); done'
bash -c "$pattern" >"$out/pattern"

# 1. raw and qcow2 (made by qemu-img): the pattern at 1 MiB and at 7 MiB + 512.
truncate -s 16M "$out/a.raw"
qemu-img create -q -f qcow2 "$out/b.qcow2" 16M
cmd="$pattern > /tmp/p; for d in vda vdb; do dd if=/tmp/p of=/dev/\$d bs=4096 seek=256 conv=fsync 2>/dev/null && dd if=/tmp/p of=/dev/\$d bs=512 seek=14337 conv=fsync 2>/dev/null || exit 1; done"
guest pattern "$cmd" --disk "$out/a.raw,format=raw" --disk "$out/b.qcow2"
ok=$?
qemu-img convert -O raw "$out/b.qcow2" "$out/b.raw"
for img in a b; do
    cmp -s <(dd if="$out/$img.raw" bs=4096 skip=256 count=256 2>/dev/null) "$out/pattern" &&
        cmp -s <(dd if="$out/$img.raw" bs=512 skip=14337 count=2048 2>/dev/null) "$out/pattern" || ok=1
done
qemu-img check -q "$out/b.qcow2" || ok=1
qemu-img compare -q "$out/a.raw" "$out/b.qcow2" || ok=1 # same writes, same content
verdict raw-and-qcow2-pattern $ok "$out/pattern.log"

# 2. A qcow2 overlay (qemu-img, backing file) over a raw base holding the pattern.
cp "$out/a.raw" "$out/base.raw"
base_sum=$(md5sum <"$out/base.raw")
qemu-img create -q -f qcow2 -b base.raw -F raw "$out/overlay.qcow2"
cmd="dd if=/dev/vda bs=4096 skip=256 count=256 2>/dev/null | md5sum; echo overwritten | dd of=/dev/vda bs=512 seek=8192 conv=sync,fsync 2>/dev/null"
guest backing "$cmd" --disk "$out/overlay.qcow2"
ok=$?
want=$(md5sum <"$out/pattern" | cut -d' ' -f1)
grep -aq "^$want" "$out/backing.log" || ok=1
[[ $(md5sum <"$out/base.raw") == "$base_sum" ]] || ok=1
qemu-img check -q "$out/overlay.qcow2" || ok=1
qemu-img convert -O raw "$out/overlay.qcow2" "$out/overlay.raw"
[[ $(dd if="$out/overlay.raw" bs=512 skip=8192 count=1 2>/dev/null | head -c 11) == overwritten ]] || ok=1
cmp -s <(dd if="$out/overlay.raw" bs=4096 skip=256 count=256 2>/dev/null) "$out/pattern" || ok=1
verdict qcow2-backing-file $ok "$out/backing.log"

# 3. ext4 from the host's mkfs.ext4; the guest mounts it and writes; debugfs reads.
truncate -s 32M "$out/fs.raw"
mkfs.ext4 -q -F "$out/fs.raw"
cmd="mkdir -p /mnt && mount -t ext4 /dev/vda /mnt && $pattern > /mnt/pattern && echo hello-from-guest > /mnt/hello && mkdir /mnt/dir && cp /mnt/hello /mnt/dir/copy && umount /mnt"
guest ext4 "$cmd" --disk "$out/fs.raw,format=raw"
ok=$?
[[ $(debugfs -R 'cat /hello' "$out/fs.raw" 2>/dev/null) == hello-from-guest ]] || ok=1
[[ $(debugfs -R 'cat /dir/copy' "$out/fs.raw" 2>/dev/null) == hello-from-guest ]] || ok=1
cmp -s <(debugfs -R 'cat /pattern' "$out/fs.raw" 2>/dev/null) "$out/pattern" || ok=1
e2fsck -fn "$out/fs.raw" >/dev/null 2>&1 || ok=1
verdict ext4-host-made-guest-written $ok "$out/ext4.log"

# 4. Discard, and GET_ID. (Busybox has no tool that sends write-zeroes.)
truncate -s 8M "$out/z.raw"
qemu-img create -q -f qcow2 "$out/z.qcow2" 8M
cmd="$pattern > /tmp/p; for d in vda vdb; do dd if=/tmp/p of=/dev/\$d bs=65536 conv=fsync 2>/dev/null; blkdiscard -o 0 -l 589824 /dev/\$d || exit 1; done; sync; cat /sys/block/vda/serial; echo; cat /sys/block/vdb/serial; echo"
guest discard "$cmd" --disk "$out/z.raw,format=raw,id=rvmm-serial-1" --disk "$out/z.qcow2,id=disk2"
ok=$?
qemu-img convert -O raw "$out/z.qcow2" "$out/z2.raw"
for img in z z2; do
    cmp -s <(head -c 589824 "$out/$img.raw") <(head -c 589824 /dev/zero) || ok=1
    cmp -s <(tail -c +589825 "$out/$img.raw" | head -c 458752) <(tail -c +589825 "$out/pattern" | head -c 458752) || ok=1
done
qemu-img check -q "$out/z.qcow2" || ok=1
verdict discard-reads-zeros $ok "$out/discard.log"
tr -d '\r' <"$out/discard.log" | grep -aq '^rvmm-serial-1$' &&
    tr -d '\r' <"$out/discard.log" | grep -aq '^disk2$'
verdict get-id-serial $? "$out/discard.log"

# 5. kill -9 in the middle of guest writes: after each dd with fsync the guest
#    prints which 64 KiB block is durable; the host kills rvmm at some point.
qemu-img create -q -f qcow2 -o cluster_size=65536 "$out/crash.qcow2" 64M
cmd="$pattern > /tmp/p; n=0; while [ \$n -lt 1000 ]; do dd if=/tmp/p of=/dev/vda bs=65536 skip=\$((n % 16)) seek=\$n count=1 conv=fsync 2>/dev/null || exit 1; echo FLUSHED \$n; n=\$((n+1)); done"
log=$out/crash.log
: >"$log"
"$RVMM" run --mem 256M --kernel "$KERNEL" --initrd "$INITRD" --disk "$out/crash.qcow2" \
    --append "console=ttyS0 quiet rvmm.run64=$(printf '%s' "$cmd" | base64 -w0)" </dev/null >"$log" 2>&1 &
pid=$!
target=$((40 + RANDOM % 80))
for _ in $(seq $((T * 10))); do
    [[ $(grep -ac 'FLUSHED' "$log") -ge $target ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
flushed=$(tr -d '\r' <"$log" | grep -a '^FLUSHED' | tail -1 | cut -d' ' -f2)
ok=1
# qemu-img check: 0 clean, 3 leaked clusters only (allowed after a kill), 2 corrupt.
qemu-img check -q "$out/crash.qcow2" >/dev/null 2>&1
check=$?
if [[ -n $flushed && $flushed -ge 40 && ($check -eq 0 || $check -eq 3) ]]; then
    qemu-img convert -O raw "$out/crash.qcow2" "$out/crash.raw"
    ok=0
    for n in $(seq 0 "$flushed"); do
        cmp -s <(dd if="$out/crash.raw" bs=65536 skip="$n" count=1 2>/dev/null) \
            <(dd if="$out/pattern" bs=65536 skip=$((n % 16)) count=1 2>/dev/null) || { ok=1; break; }
    done
fi
verdict kill-9-keeps-image-and-flushed-writes $ok "$log"

# 6. Bad input: one line naming the problem, exit status 2.
expect_error() { # NAME PATTERN ARGS...
    local name=$1 pattern=$2 err status
    shift 2
    err=$("$RVMM" run --mem 64M --kernel "$KERNEL" "$@" 2>&1 >/dev/null </dev/null)
    status=$?
    if [[ $status -eq 2 && $(grep -c . <<<"$err") -eq 1 && $err =~ $pattern ]]; then
        echo "PASS disk/$name"
    else
        echo "FAIL disk/$name"
        echo "  status=$status stderr: $err" >&2
    fi
}
expect_error missing-image 'no-such\.img' --disk "$out/no-such.img"
expect_error bad-disk-option "bad option 'speed=fast'" --disk "$out/a.raw,speed=fast"
expect_error bad-format "bad option 'format=vmdk'" --disk "$out/a.raw,format=vmdk"
printf 'QFI\xfb\x00\x00\x00\x03garbage-header' >"$out/corrupt.qcow2"
truncate -s 64K "$out/corrupt.qcow2"
expect_error corrupt-qcow2 'corrupt\.qcow2' --disk "$out/corrupt.qcow2"

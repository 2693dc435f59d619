#!/usr/bin/env python3
"""One run of the disk benchmark (bench/io.sh) on one machine, one image format.

Usage: io_blk.py FORMAT MEGABYTES OPS TIMEOUT DIR -- COMMAND...
FORMAT is raw or qcow2. A new image of MEGABYTES MiB is made in DIR (raw: a
sparse file; qcow2: `qemu-img create -f qcow2`, default 64 KiB clusters), so
every run and machine starts from the same empty image, and is removed after.
COMMAND boots the guest with that image as its only disk (/dev/vda); it must
contain the placeholders @IMAGE@ (the image's path), @FORMAT@ and @CMD64@ (the
guest command, base64), replaced here. The guest's initrd must hold
/bench/io/randio (bench/io/randio.c).

The guest, timing itself with CLOCK_MONOTONIC (randio), runs in order:
  1. sequential write of the whole disk, new image: dd if=/dev/zero bs=1M
     oflag=direct (1 MiB requests, one at a time; on qcow2 every cluster is
     allocated here, on raw the host file system allocates its blocks);
  2. the same again, over the now allocated image;
  3. sequential read of the whole disk: dd bs=1M iflag=direct;
  4. OPS random 4 KiB reads, O_DIRECT, queue depth 1, over the whole disk;
  5. OPS random 4 KiB writes, the same way.
No flush is timed: the writes end in the host's page cache on both machines
(QEMU with cache=writeback), as they would between a guest's fsyncs.
Then, untimed, a flush (fsync of /dev/vda): QEMU 7.2 exits at the guest's
power-off without writing back its qcow2 metadata cache, so without it the
image would lack the guest's last writes. Afterwards a qcow2 image must pass
`qemu-img check`, and the disk's content (the same on every machine: the
writes are deterministic) is hashed.
Prints one line: "write_new_MBps write_again_MBps read_MBps randread_iops
randwrite_iops content_sha256_prefix".
"""
import base64
import hashlib
import os
import subprocess
import sys
import tempfile
import time

STEPS = ["write-new", "write-again", "read", "randread", "randwrite"]


def check_and_hash(fmt, image):
    """("" or what is wrong with the image, the sha256 prefix of the disk's content)."""
    raw = image
    if fmt == "qcow2":
        check = subprocess.run(["qemu-img", "check", image], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
        if check.returncode != 0:
            return "qemu-img check failed:\n" + check.stdout.decode(errors="replace"), ""
        raw = image + ".raw"
        subprocess.run(["qemu-img", "convert", "-O", "raw", image, raw], check=True)
    try:
        h = hashlib.sha256()
        with open(raw, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
    finally:
        if raw != image:
            os.unlink(raw)
    return "", h.hexdigest()[:16]


def main():
    fmt, megabytes, ops = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    timeout, directory = float(sys.argv[4]), sys.argv[5]
    command = sys.argv[sys.argv.index("--") + 1:]
    if fmt not in ("raw", "qcow2"):
        sys.exit(f"io_blk: unknown image format {fmt}")

    guest = f"""
set -e
R=/bench/io/randio
t=$($R time dd if=/dev/zero of=/dev/vda bs=1M count={megabytes} oflag=direct); echo "IO write-new $t"
t=$($R time dd if=/dev/zero of=/dev/vda bs=1M count={megabytes} oflag=direct); echo "IO write-again $t"
t=$($R time dd if=/dev/vda of=/dev/null bs=1M count={megabytes} iflag=direct); echo "IO read $t"
t=$($R read /dev/vda {megabytes} {ops}); echo "IO randread $t"
t=$($R write /dev/vda {megabytes} {ops}); echo "IO randwrite $t"
dd if=/dev/null of=/dev/vda count=0 conv=notrunc,fsync
"""
    fd, image = tempfile.mkstemp(prefix="rvmm-io-", suffix="." + fmt, dir=directory)
    os.close(fd)
    try:
        if fmt == "raw":
            os.truncate(image, megabytes << 20)
        else:
            subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", image, f"{megabytes}M"],
                           check=True)
        cmd64 = base64.b64encode(guest.encode()).decode()
        argv = [a.replace("@IMAGE@", image).replace("@FORMAT@", fmt).replace("@CMD64@", cmd64)
                for a in command]
        start = time.monotonic()
        try:
            run = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, timeout=timeout)
            out, status = run.stdout, run.returncode
        except subprocess.TimeoutExpired as e:
            out, status = e.stdout or b"", f"timeout after {time.monotonic() - start:.0f} s"
        out = out.decode(errors="replace").replace("\r", "")
        check = digest = ""
        if status == 0:
            check, digest = check_and_hash(fmt, image)
    finally:
        os.unlink(image)

    found = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 4 and f[0] == "IO" and f[1] in STEPS:
            found[f[1]] = dict(zip(f[2::2], map(float, f[3::2])))
    if status != 0 or "RVMM-TEST-DONE status=0" not in out or set(found) != set(STEPS):
        sys.exit(f"io_blk: {fmt} run failed (exit status {status}, steps done: "
                 f"{' '.join(s for s in STEPS if s in found) or 'none'}):\n" + out[-2000:])
    if check:
        sys.exit(f"io_blk: {fmt} image after the run: {check}")
    mbps = [(megabytes << 20) / found[s]["seconds"] / 1e6 for s in STEPS[:3]]
    iops = [found[s]["iops"] for s in STEPS[3:]]
    print(" ".join(f"{v:.1f}" for v in mbps) + " " + " ".join(f"{v:.0f}" for v in iops) +
          " " + digest)


if __name__ == "__main__":
    main()

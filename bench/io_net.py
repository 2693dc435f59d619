#!/usr/bin/env python3
"""One run of the network benchmark (bench/io_net.sh) on one machine.

Usage: io_net.py MEGABYTES TIMEOUT -- COMMAND...   (COMMAND boots the guest; it
must contain the placeholders @PORT@ (the hostfwd host port, forwarded to the
guest's port 8000) and @CMD64@ (the guest command, base64), replaced here.)

The guest (user networking) takes an address by DHCP, then:
  1. throughput, guest -> host: dd from /dev/zero piped into nc to a listener
     this script runs on the host's loopback (10.0.2.2 in the guest); measured
     here, from the first byte to the last of MEGABYTES MiB;
  2. latency, ping: 20 ICMP echoes to the gateway 10.0.2.2 (answered by the
     user-mode network stack itself), the guest's average RTT;
  3. latency, TCP request/response: the guest echoes with `nc -l -e cat` on
     port 8000, and this script, through the hostfwd port, sends 64 bytes and
     waits for them back, 200 times on one connection (TCP_NODELAY); the mean.
Prints one line: "throughput_MBps ping_ms rr_ms".
"""
import base64
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    megabytes, timeout = int(sys.argv[1]), float(sys.argv[2])
    command = sys.argv[sys.argv.index("--") + 1:]
    total = megabytes << 20

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    sink_port = listener.getsockname()[1]
    result = {}

    def sink():
        conn, _ = listener.accept()
        got, first = 0, None
        with conn:
            while got < total:
                chunk = conn.recv(1 << 20)
                if not chunk:
                    break
                if first is None:
                    first = time.monotonic()
                got += len(chunk)
            last = time.monotonic()
        result["bytes"] = got
        result["seconds"] = last - first if first else 0.0

    threading.Thread(target=sink, daemon=True).start()

    guest = f"""
ip link set lo up; ip link set eth0 up
printf '#!/bin/sh\\n[ "$1" = bound ] || exit 0\\nip addr add $ip/$mask dev $interface\\nip route add default via $router\\n' >/tmp/dhcp.sh
chmod +x /tmp/dhcp.sh
udhcpc -i eth0 -s /tmp/dhcp.sh -q -n -t 10 -T 1 >/dev/null 2>&1 || echo DHCP-FAILED
dd if=/dev/zero bs=65536 count={megabytes * 16} 2>/dev/null | nc 10.0.2.2 {sink_port} >/dev/null
ping -c 20 -i 0.05 10.0.2.2 | tail -1 | sed 's/^/PING /'
echo RR-READY
nc -l -p 8000 -e /bin/cat
"""
    fwd_port = free_port()
    cmd64 = base64.b64encode(guest.encode()).decode()
    argv = [a.replace("@PORT@", str(fwd_port)).replace("@CMD64@", cmd64) for a in command]
    log = tempfile.TemporaryFile()
    vm = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)

    def output():
        log.seek(0)
        return log.read().decode(errors="replace").replace("\r", "")

    deadline = time.monotonic() + timeout
    while "RR-READY" not in output():
        if vm.poll() is not None or time.monotonic() > deadline:
            vm.kill()
            sys.exit("io_net: the guest did not get to RR-READY:\n" + output()[-2000:])
        time.sleep(0.05)

    rtts = []
    msg = b"x" * 64
    while not rtts and time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", fwd_port), timeout=10) as s:
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                for _ in range(200):
                    t0 = time.monotonic()
                    s.sendall(msg)
                    got = b""
                    while len(got) < len(msg):
                        chunk = s.recv(len(msg) - len(got))
                        if not chunk:
                            raise OSError("closed")
                        got += chunk
                    rtts.append(time.monotonic() - t0)
        except OSError:
            rtts = []
            time.sleep(0.2)
    try:
        vm.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        vm.kill()
    out = output()
    ping = [l for l in out.splitlines() if l.startswith("PING round-trip")]
    if result.get("bytes") != total or not ping or not rtts:
        sys.exit(f"io_net: incomplete run (bytes {result.get('bytes')}, ping {ping}, "
                 f"rr {len(rtts)}):\n" + out[-2000:])
    ping_avg = float(ping[0].split("=")[1].split("/")[1])
    mbps = total / result["seconds"] / 1e6
    print(f"{mbps:.2f} {ping_avg:.3f} {1000 * sum(rtts) / len(rtts):.3f}")


if __name__ == "__main__":
    main()

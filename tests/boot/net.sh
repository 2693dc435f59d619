#!/usr/bin/env bash
# Guest-level tests of virtio-net and its three backends: boot the project's
# Linux (guest/linux) with --net and check what the guest can reach.
#  - user (libslirp): the guest gets 10.0.2.15 by DHCP, fetches a file with
#    wget from an HTTP server this script runs on the host's loopback (the
#    guest sees it at 10.0.2.2) and checks its SHA-256; then serves a TCP port,
#    and the host reaches it through hostfwd=tcp:127.0.0.1:PORT-:8000 and
#    exchanges data both ways. The same after a guest reboot (device reset).
#  - switch (VDE): two rvmm processes on one vde_switch (started here, in a
#    temporary directory) with static addresses: ping, and a TCP transfer
#    checked by SHA-256. Their MACs are the derived defaults, which must differ.
#  - tap: inside a network namespace made here (ip netns), a TAP interface
#    with an address on the host side; the guest pings it and fetches a file
#    from an HTTP server in the namespace. Skipped (with a SKIP line, no FAIL)
#    only if namespaces cannot be made.
#  - bad --net values and unusable backends: one line, status 2.
# Prints "PASS name" / "FAIL name" (and "SKIP name: why"). Env: RVMM, BUILD,
# BOOT_TIMEOUT (default 120 s per boot).
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
RVMM=${RVMM:-$BUILD/san/rvmm}
T=${BOOT_TIMEOUT:-120}
out=$BUILD/boot
mkdir -p "$out"

paths=$(guest/linux/build.sh --print-paths 2>/dev/null) || { echo "FAIL net/guest-image-built"; exit 0; }
eval "$paths"
[[ -f ${KERNEL:-} && -f ${INITRD:-} ]] || { echo "FAIL net/guest-image-built"; exit 0; }

tmp=$(mktemp -d /tmp/rvmm-net.XXXXXX)
pids=()
netns=
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    [[ -f $tmp/switch.pid ]] && kill "$(cat "$tmp/switch.pid")" 2>/dev/null
    if [[ -n $netns ]]; then
        ip netns pids "$netns" 2>/dev/null | xargs -r kill 2>/dev/null
        ip netns del "$netns" 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

verdict() { # NAME OK(0/1) LOG
    if [[ $2 -eq 0 ]]; then
        echo "PASS net/$1"
    else
        echo "FAIL net/$1"
        echo "  last lines of $3:" >&2
        tail -15 "$3" >&2
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() { # LOG PATTERN PID: until the log has a line matching PATTERN (or PID ends)
    for _ in $(seq $((T * 5))); do
        grep -q "$2" <(tr -d '\r' <"$1") && return 0
        kill -0 "$3" 2>/dev/null || return 1
        sleep 0.2
    done
    return 1
}

# Guest snippets. dhcp: bring eth0 up and configure it from udhcpc's answer.
read -r -d '' dhcp <<'EOF'
ip link set lo up
ip link set eth0 up
printf '#!/bin/sh\n[ "$1" = bound ] || exit 0\nip addr add $ip/$mask dev $interface\nip route add default via $router\necho "DHCP-BOUND $ip/$mask router $router dns $dns"\n' >/tmp/dhcp.sh
chmod +x /tmp/dhcp.sh
udhcpc -i eth0 -s /tmp/dhcp.sh -q -n -t 10 -T 1 2>&1
EOF
# serve PORT BYTES: answer one TCP connection with the SHA-256 of the first BYTES bytes
# received, then say SERVED.
read -r -d '' serve <<'EOF'
serve() {
    printf '#!/bin/sh\nsum=$(head -c %s | sha256sum)\necho "SUM ${sum%%%% *}"\n' "$2" >/tmp/srv.sh
    chmod +x /tmp/srv.sh
    echo "LISTENING $1"
    nc -l -p "$1" -e /tmp/srv.sh && echo SERVED
}
EOF

# Host side of a TCP exchange: connect (retrying until the guest listens),
# send BYTES of data, expect "SUM <sha256 of it>" back.
cat >"$tmp/client.py" <<'EOF'
import hashlib, socket, sys, time
host, port, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = bytes((i * 7 + i // 251) & 0xff for i in range(size))
want = "SUM " + hashlib.sha256(data).hexdigest()
deadline = time.time() + float(sys.argv[4])
while time.time() < deadline:
    try:
        with socket.create_connection((host, port), timeout=10) as s:
            s.sendall(data)
            got = b""
            while b"\n" not in got:
                chunk = s.recv(4096)
                if not chunk:
                    break
                got += chunk
            line = got.decode(errors="replace").strip()
            if line.startswith("SUM "):
                print("host got:", line)
                sys.exit(0 if line == want else 1)
    except OSError:
        pass
    time.sleep(0.5)
print("host: no answer")
sys.exit(1)
EOF

# ---- 1. user networking: DHCP, wget from the host's loopback, hostfwd ----
head -c 300000 /dev/urandom >"$tmp/blob"
blob_sum=$(sha256sum "$tmp/blob" | cut -d' ' -f1)
http_port=$(free_port)
(cd "$tmp" && exec python3 -m http.server "$http_port" --bind 127.0.0.1 >"$tmp/http.log" 2>&1) &
pids+=($!)
fwd_port=$(free_port)
cmd="$dhcp
wget -q -O /tmp/blob http://10.0.2.2:$http_port/blob && echo \"WGET-SUM \$(sha256sum /tmp/blob | cut -d' ' -f1)\"
$serve
serve 8000 204800"
log=$out/net-user.log
: >"$log"
timeout "$T" "$RVMM" run --mem 256M --kernel "$KERNEL" --initrd "$INITRD" \
    --net "user,hostfwd=tcp:127.0.0.1:$fwd_port-:8000" \
    --append "console=ttyS0 rvmm.run64=$(printf '%s' "$cmd" | base64 -w0)" </dev/null >"$log" 2>&1 &
vm=$!
fwd_ok=1
if wait_for "$log" '^LISTENING 8000' "$vm"; then
    python3 "$tmp/client.py" 127.0.0.1 "$fwd_port" 204800 "$T" >"$tmp/client.log" 2>&1
    fwd_ok=$?
fi
wait "$vm"
status=$?
cat "$tmp/client.log" >>"$log" 2>/dev/null
clean=$(tr -d '\r' <"$log")
grep -q '^DHCP-BOUND 10.0.2.15/24 router 10.0.2.2 dns 10.0.2.3$' <<<"$clean"
verdict user-dhcp $? "$log"
grep -q "^WGET-SUM $blob_sum\$" <<<"$clean"
verdict user-wget-host-loopback $? "$log"
[[ $fwd_ok -eq 0 && $status -eq 0 ]] && grep -q '^SERVED$' <<<"$clean" &&
    grep -q '^RVMM-TEST-DONE status=0$' <<<"$clean"
verdict user-hostfwd-tcp $? "$log"

# ---- 2. user networking again after a guest reboot (the device is reset) ----
cmd="$dhcp
wget -q -O /tmp/blob http://10.0.2.2:$http_port/blob && echo \"FETCHED \$(sha256sum /tmp/blob | cut -d' ' -f1)\"
reboot -f"
log=$out/net-user-reboot.log
: >"$log"
"$RVMM" run --mem 256M --kernel "$KERNEL" --initrd "$INITRD" --net user \
    --append "console=ttyS0 rvmm.run64=$(printf '%s' "$cmd" | base64 -w0)" </dev/null >"$log" 2>&1 &
vm=$!
fetches=0
for _ in $(seq $((T * 5))); do
    fetches=$(grep -c "^FETCHED $blob_sum" <(tr -d '\r' <"$log"))
    [[ $fetches -ge 2 ]] && break
    kill -0 "$vm" 2>/dev/null || break
    sleep 0.2
done
kill "$vm" 2>/dev/null
wait "$vm" 2>/dev/null
[[ $fetches -ge 2 ]]
verdict user-after-reboot $? "$log"

# ---- 3. two VMs on a VDE switch ----
sw_ok=0
if ! command -v vde_switch >/dev/null; then
    echo "FAIL net/switch-vde-switch-installed"
    sw_ok=1
elif ! vde_switch -s "$tmp/switch" -d -p "$tmp/switch.pid" >"$tmp/switch.log" 2>&1; then
    echo "FAIL net/switch-vde-switch-started"
    sw_ok=1
fi
if [[ $sw_ok -eq 0 ]]; then
    cmd_a="ip link set eth0 up; ip addr add 192.168.77.1/24 dev eth0
echo \"MAC \$(cat /sys/class/net/eth0/address)\"
$serve
serve 9000 102400"
    read -r -d '' cmd_b <<'EOF'
ip link set eth0 up; ip addr add 192.168.77.2/24 dev eth0
echo "MAC $(cat /sys/class/net/eth0/address)"
for i in $(seq 30); do ping -c 1 -W 1 192.168.77.1 >/dev/null && break; done
ping -c 3 -W 2 192.168.77.1 && echo PING-OK
seq 100000 | head -c 102400 >/tmp/data
echo "MINE $(sha256sum /tmp/data | cut -d' ' -f1)"
for i in $(seq 20); do r=$(nc 192.168.77.1 9000 </tmp/data) && [ -n "$r" ] && break; sleep 1; done
echo "THEIRS $r"
EOF
    log_a=$out/net-switch-a.log log_b=$out/net-switch-b.log
    timeout "$T" "$RVMM" run --mem 256M --kernel "$KERNEL" --initrd "$INITRD" --net "switch=$tmp/switch" \
        --append "console=ttyS0 rvmm.run64=$(printf '%s' "$cmd_a" | base64 -w0)" </dev/null >"$log_a" 2>&1 &
    vm_a=$!
    timeout "$T" "$RVMM" run --mem 256M --kernel "$KERNEL" --initrd "$INITRD" --net "switch=$tmp/switch" \
        --append "console=ttyS0 rvmm.run64=$(printf '%s' "$cmd_b" | base64 -w0)" </dev/null >"$log_b" 2>&1
    status_b=$?
    wait "$vm_a"
    status_a=$?
    clean_a=$(tr -d '\r' <"$log_a") clean_b=$(tr -d '\r' <"$log_b")
    [[ $status_b -eq 0 ]] && grep -q '^PING-OK$' <<<"$clean_b"
    verdict switch-ping $? "$log_b"
    mine=$(sed -n 's/^MINE //p' <<<"$clean_b")
    [[ $status_a -eq 0 && -n $mine ]] && grep -q "^THEIRS SUM $mine\$" <<<"$clean_b" &&
        grep -q '^SERVED$' <<<"$clean_a"
    verdict switch-tcp $? "$log_b"
    mac_a=$(sed -n 's/^MAC //p' <<<"$clean_a") mac_b=$(sed -n 's/^MAC //p' <<<"$clean_b")
    echo "switch MACs: $mac_a $mac_b" >>"$log_b"
    [[ $mac_a == 52:54:00:* && $mac_b == 52:54:00:* && $mac_a != "$mac_b" ]]
    verdict switch-distinct-default-macs $? "$log_b"
fi

# ---- 4. a TAP interface in a network namespace ----
netns=rvmm-net-$$
if ! ip netns add "$netns" 2>"$tmp/netns.err"; then
    netns=
    echo "SKIP net/tap: cannot create a network namespace: $(head -1 "$tmp/netns.err")"
else
    nsx() { ip netns exec "$netns" "$@"; }
    log=$out/net-tap.log
    if nsx ip link set lo up && nsx ip tuntap add dev tap0 mode tap &&
        nsx ip addr add 192.168.78.1/24 dev tap0 && nsx ip link set tap0 up; then
        (cd "$tmp" && exec ip netns exec "$netns" python3 -m http.server 8080 --bind 192.168.78.1 \
            >"$tmp/nshttp.log" 2>&1) &
        pids+=($!)
        for _ in $(seq 50); do
            nsx python3 -c 'import socket; socket.create_connection(("192.168.78.1", 8080), 1)' \
                2>/dev/null && break
            sleep 0.1
        done
        read -r -d '' cmd <<'EOF'
ip link set eth0 up; ip addr add 192.168.78.2/24 dev eth0
ping -c 3 -W 2 192.168.78.1 && echo PING-OK
echo "TAP-WGET $(wget -q -O - http://192.168.78.1:8080/blob | sha256sum | cut -d' ' -f1)"
EOF
        timeout "$T" ip netns exec "$netns" "$RVMM" run --mem 256M --kernel "$KERNEL" --initrd "$INITRD" \
            --net tap=tap0 --append "console=ttyS0 rvmm.run64=$(printf '%s' "$cmd" | base64 -w0)" \
            </dev/null >"$log" 2>&1
        status=$?
        clean=$(tr -d '\r' <"$log")
        [[ $status -eq 0 ]] && grep -q '^PING-OK$' <<<"$clean"
        verdict tap-ping $? "$log"
        grep -q "^TAP-WGET $blob_sum\$" <<<"$clean"
        verdict tap-tcp-to-host $? "$log"
    else
        echo "cannot set up tap0 in namespace $netns" >"$log"
        verdict tap-setup 1 "$log"
    fi
fi

# ---- 5. bad values: one line, status 2 ----
bad() { # NAME EXPECTED-SUBSTRING RVMM-ARGS...
    local name=$1 want=$2 err status
    shift 2
    err=$("$RVMM" run --kernel "$KERNEL" "$@" 2>&1 </dev/null)
    status=$?
    echo "$err" >"$out/net-bad-$name.log"
    [[ $status -eq 2 && $(wc -l <<<"$err") -eq 1 && $err == *"$want"* ]]
    verdict "cli-bad-$name" $? "$out/net-bad-$name.log"
}
bad backend "--net bogus" --net bogus
bad tap-empty "tap= needs an interface name" --net tap=
bad switch-empty "switch= needs" --net switch=
bad mac "bad mac '52:54:00:12:34'" --net user,mac=52:54:00:12:34
bad mac-multicast "bad mac" --net user,mac=01:00:5e:00:00:01
bad hostfwd "bad hostfwd 'tcp:127.0.0.1:0-:22'" --net user,hostfwd=tcp:127.0.0.1:0-:22
bad hostfwd-proto "bad hostfwd" --net user,hostfwd=sctp::2222-:22
bad hostfwd-guest-net "10.0.2.0/24" --net user,hostfwd=tcp::2222-192.168.1.1:22
bad option "unknown option 'speed=10'" --net user,speed=10
bad hostfwd-on-tap "hostfwd is an option of user networking only" --net tap=x,hostfwd=tcp::1-:2
bad switch-missing "cannot connect to the VDE switch" --net "switch=$tmp/no-such-switch"
bad too-many "virtio devices" --net user --net user --net user --net user --net user --net user \
    --net user --net user --rng
# A forwarded port already taken on the host.
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(30)' \
    "$fwd_port" &
holder=$!
pids+=($holder)
sleep 0.3
bad hostfwd-port-in-use "hostfwd=tcp:127.0.0.1:$fwd_port-:22: cannot listen" \
    --net "user,hostfwd=tcp:127.0.0.1:$fwd_port-:22"
kill "$holder" 2>/dev/null
exit 0

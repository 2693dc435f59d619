#!/usr/bin/env bash
# Guest-level tests: boot the project's Linux (guest/linux) and check what it does.
#  - boot to the test marker and power off, with the built-in SBI and with OpenSBI;
#  - the SBI console (hvc0) as the console;
#  - reboot resets the machine and boots again;
#  - an interactive shell driven through tmux: a command's output, then poweroff;
#  - an idle guest at its prompt uses under 2% of a host core.
# Prints "PASS name" / "FAIL name". Env: RVMM, BUILD, BOOT_TIMEOUT (default 300 s),
# BOOT_QUICK (set: only the three boots to the marker).
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
RVMM=${RVMM:-$BUILD/san/rvmm}
T=${BOOT_TIMEOUT:-300}
OPENSBI=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf

paths=$(guest/linux/build.sh --print-paths 2>/dev/null) || { echo "FAIL boot/guest-image-built"; exit 0; }
eval "$paths"
[[ -f ${KERNEL:-} && -f ${INITRD:-} ]] || { echo "FAIL boot/guest-image-built"; exit 0; }

boot_to_marker() { # NAME EXTRA-ARGS... (last arg: console)
    local name=$1 console=$2; shift 2
    local log="$BUILD/boot/$name.log"
    mkdir -p "$BUILD/boot"
    timeout "$T" "$RVMM" run --mem 256M --kernel "$KERNEL" --initrd "$INITRD" \
        --append "console=$console rvmm.test=boot" "$@" </dev/null >"$log" 2>&1
    local status=$?
    if [[ $status -eq 0 ]] && grep -q 'RVMM-BOOT-OK' "$log" && grep -q 'RVMM-TEST-DONE status=0' "$log"; then
        echo "PASS boot/$name"
    else
        echo "FAIL boot/$name"
        echo "  exit $status; last lines of $log:" >&2
        tail -15 "$log" >&2
    fi
}

boot_to_marker linux-builtin-sbi ttyS0
boot_to_marker linux-opensbi ttyS0 --bios "$OPENSBI"
boot_to_marker linux-hvc0-console hvc0

# BOOT_QUICK: only the boots above (tests/run.sh's second and third engine passes).
[[ -n ${BOOT_QUICK:-} ]] && exit 0

# Guest reboot resets the machine and boots again: the init's command reboots,
# so every boot reboots; two boot markers in one run prove the second boot.
reboot_log="$BUILD/boot/linux-reboot.log"
"$RVMM" run --mem 256M --kernel "$KERNEL" --initrd "$INITRD" \
    --append "console=ttyS0 rvmm.run=reboot%20-f" </dev/null >"$reboot_log" 2>&1 &
reboot_pid=$!
booted=0
for _ in $(seq $((T * 2))); do
    booted=$(grep -c 'RVMM-BOOT-OK' "$reboot_log")
    [[ $booted -ge 2 ]] && break
    kill -0 "$reboot_pid" 2>/dev/null || break
    sleep 0.5
done
kill "$reboot_pid" 2>/dev/null
wait "$reboot_pid" 2>/dev/null
if [[ $booted -ge 2 ]]; then
    echo "PASS boot/linux-reboot-boots-again"
else
    echo "FAIL boot/linux-reboot-boots-again"
    tail -15 "$reboot_log" >&2
fi

# Interactive: a real terminal (tmux), type at the prompt, read the answer, power off.
if command -v tmux >/dev/null; then
    session=rvmm-test-$$
    tmux kill-session -t "$session" 2>/dev/null
    tmux new-session -d -s "$session" -x 120 -y 40 \
        "$RVMM run --mem 256M --kernel $KERNEL --initrd $INITRD --append console=ttyS0; echo RVMM-EXITED=\$?; sleep 30"
    ok=0
    for _ in $(seq "$T"); do
        sleep 1
        tmux capture-pane -p -t "$session" | grep -q '# $\|# *$' && { ok=1; break; }
    done
    word=hello-$RANDOM
    if [[ $ok -eq 1 ]]; then
        tmux send-keys -t "$session" "echo $word | tr a-z A-Z" Enter
        upper=$(echo "$word" | tr a-z A-Z)
        # A loaded host (the sanitizer build, other jobs) can take seconds to answer.
        for _ in $(seq 60); do
            sleep 1
            tmux capture-pane -p -t "$session" | grep -qx "$upper" && { ok=2; break; }
        done
    fi
    # idle: CPU time of rvmm over 5 s at the prompt
    pid=$(pgrep -f "run --mem 256M --kernel $KERNEL --initrd $INITRD --append console=ttyS0$" | head -1)
    if [[ $ok -eq 2 && -n $pid ]]; then
        t0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
        sleep 5
        t1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
        ticks=$(getconf CLK_TCK)
        # under 2% of a core: fewer than 0.1 s of CPU in 5 s
        if awk -v d=$((t1 - t0)) -v hz="$ticks" 'BEGIN { exit !(d / hz < 0.1) }'; then
            echo "PASS boot/idle-under-2-percent"
        else
            echo "FAIL boot/idle-under-2-percent"
            echo "  $((t1 - t0)) ticks of $ticks/s in 5 s" >&2
        fi
    else
        echo "FAIL boot/idle-under-2-percent"
    fi
    if [[ $ok -eq 2 ]]; then
        tmux send-keys -t "$session" "poweroff" Enter
        for _ in $(seq 60); do
            sleep 1
            tmux capture-pane -p -t "$session" | grep -q 'RVMM-EXITED=0' && { ok=3; break; }
        done
    fi
    if [[ $ok -eq 3 ]]; then
        echo "PASS boot/interactive-shell"
    else
        echo "FAIL boot/interactive-shell"
        tmux capture-pane -p -t "$session" | tail -15 >&2
    fi
    tmux kill-session -t "$session" 2>/dev/null
else
    echo "FAIL boot/interactive-shell (no tmux)"
fi

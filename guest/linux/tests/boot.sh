#!/bin/sh
# Smallest test: the kernel booted, init ran, proc works, user space can read time.
echo "kernel: $(uname -srm)"
head -n 8 /proc/cpuinfo
read -r up _ < /proc/uptime
echo "uptime: $up s"
[ -r /proc/cpuinfo ] && grep -q "^isa" /proc/cpuinfo || exit 1
# User space reads the time CSR directly (the vDSO's clock_gettime): the
# firmware must have opened the counters to U-mode (scounteren), as OpenSBI does.
d=$(mktemp -d) && rmdir "$d" || exit 1

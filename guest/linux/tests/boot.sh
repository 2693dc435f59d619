#!/bin/sh
# Smallest test: the kernel booted, init ran, proc works.
echo "kernel: $(uname -srm)"
head -n 8 /proc/cpuinfo
read -r up _ < /proc/uptime
echo "uptime: $up s"
[ -r /proc/cpuinfo ] && grep -q '^isa' /proc/cpuinfo

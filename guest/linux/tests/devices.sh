#!/bin/sh
# Lists what the kernel found on the board (informational): consoles, platform
# devices, virtio devices, RTC, interrupts. Fails only if there is no console.
echo "cmdline: $(cat /proc/cmdline)"
echo "consoles:"; cat /proc/consoles
echo "cpus online: $(cat /sys/devices/system/cpu/online)"
echo "platform devices:"; ls /sys/bus/platform/devices
echo "virtio devices:"; ls /sys/bus/virtio/devices 2>/dev/null
if [ -e /dev/rtc0 ]; then echo "rtc0: $(hwclock -r 2>&1)"; else echo "rtc0: none"; fi
echo "interrupts:"; cat /proc/interrupts
echo "memory:"; head -n 3 /proc/meminfo
grep -q . /proc/consoles

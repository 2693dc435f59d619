#!/usr/bin/env bash
# The device tree: dtc accepts it without warnings that matter, and it matches
# QEMU's virt tree for the same RAM and hart count except where
# dtb_compare.py lists and explains a difference.
# Prints "PASS name" / "FAIL name". Env: RVMM, BUILD.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
RVMM=${RVMM:-$BUILD/san/rvmm}
out=$BUILD/boot
mkdir -p "$out"

"$RVMM" run --mem 256M --dump-dtb "$out/rvmm.dtb" || { echo "FAIL boot/dtb-dump"; exit 0; }
echo "PASS boot/dtb-dump"

# The only dtc warning allowed is the one QEMU's own tree also triggers (cpu-intc
# nodes have no #address-cells); anything else fails.
warnings=$(dtc -I dtb -O dts -o "$out/rvmm.dts" "$out/rvmm.dtb" 2>&1 | grep -v 'interrupt_provider.*cpu@[0-9]*/interrupt-controller: Missing #address-cells')
if [[ -z $warnings && -s $out/rvmm.dts ]]; then
    echo "PASS boot/dtb-dtc-clean"
else
    echo "FAIL boot/dtb-dtc-clean"; echo "$warnings" >&2
fi

qemu-system-riscv64 -M virt,dumpdtb="$out/qemu.dtb" -m 256M -smp 1 -nographic >/dev/null 2>&1
dtc -I dtb -O dts -o "$out/qemu.dts" "$out/qemu.dtb" 2>/dev/null
if diffs=$(python3 tests/boot/dtb_compare.py "$out/rvmm.dts" "$out/qemu.dts"); then
    echo "PASS boot/dtb-matches-qemu"
else
    echo "FAIL boot/dtb-matches-qemu"; echo "$diffs" >&2
fi

# /chosen reflects the configuration: bootargs and the initrd range, below the tree at the top of RAM.
head -c 100000 /dev/urandom >"$out/test.initrd"
riscv64-unknown-elf-gcc -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles -static \
    -Wl,--no-warn-rwx-segments -T tests/sbi/link.ld -o "$out/kernel.elf" tests/sbi/sbi.S
"$RVMM" run --mem 256M --kernel "$out/kernel.elf" --initrd "$out/test.initrd" \
    --append "console=ttyS0 rvmm.test=x" --dump-dtb "$out/chosen.dtb" >/dev/null 2>&1
dtc -I dtb -O dts "$out/chosen.dtb" 2>/dev/null >"$out/chosen.dts"
start=$(grep -o 'linux,initrd-start = <[^>]*>' "$out/chosen.dts")
end=$(grep -o 'linux,initrd-end = <[^>]*>' "$out/chosen.dts")
python3 - "$start" "$end" <<'PY'
import re, sys
s = [int(x, 16) for x in re.findall(r"0x[0-9a-f]+", sys.argv[1])]
e = [int(x, 16) for x in re.findall(r"0x[0-9a-f]+", sys.argv[2])]
start, end = (s[0] << 32) | s[1], (e[0] << 32) | e[1]
ram_end = 0x80000000 + (256 << 20)
ok = end - start == 100000 and start % 4096 == 0 and end <= ram_end - 65536 and start > 0x80200000
sys.exit(0 if ok else 1)
PY
if [[ $? -eq 0 ]] && grep -q 'bootargs = "console=ttyS0 rvmm.test=x"' "$out/chosen.dts"; then
    echo "PASS boot/dtb-chosen"
else
    echo "FAIL boot/dtb-chosen"; grep -A6 'chosen {' "$out/chosen.dts" >&2
fi

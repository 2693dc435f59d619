#!/usr/bin/env python3
"""Compares rvmm's device tree with QEMU's virt tree (same RAM, one hart).

Usage: dtb_compare.py RVMM.dts QEMU.dts
Prints one line per difference that is not in the ALLOWED lists below, and
exits 1 if there is any. Paths are normalised: phandle numbers differ between
the two builders and are compared only as "some phandle".
"""
import re
import sys

# Nodes QEMU has and rvmm does not (yet), each with the reason.
ALLOWED_QEMU_ONLY_NODES = {
    "/pmu": "no SBI PMU extension: the hpm counters count nothing",
    "/fw-cfg@10100000": "QEMU's firmware configuration device; rvmm passes everything in the tree",
    "/flash@20000000": "no pflash: firmware is loaded with --bios",
    "/platform-bus@4000000": "QEMU's dynamic sysbus devices",
    "/soc/pci@30000000": "no PCIe: devices are virtio-mmio",
}
# (The eight /soc/virtio_mmio@ nodes match QEMU's: rvmm emits every slot, empty or not.)
ALLOWED_QEMU_ONLY_PREFIXES = {}
# Properties whose values legitimately differ, with the reason.
ALLOWED_VALUE_DIFFS = {
    "model": "names the VMM",
    "riscv,isa": "each machine reports exactly the extensions it implements",
    "mmu-type": "rvmm implements Sv57; QEMU 7.2 defaults to Sv48",
    "rng-seed": "random per boot",
    "bootargs": "the test passes none to QEMU",
    "riscv,ndev": "QEMU 7.2 emits 96 though its valid sources are 1..95; rvmm emits 95",
}
# Properties rvmm adds that QEMU 7.2 does not emit.
ALLOWED_RVMM_ONLY_PROPS = {
    "riscv,isa-base": "the newer ISA binding, next to riscv,isa",
    "riscv,isa-extensions": "the newer ISA binding, next to riscv,isa",
    "riscv,cbom-block-size": "Zicbom is implemented (QEMU 7.2 has none)",
    "riscv,cboz-block-size": "Zicboz is implemented (QEMU 7.2 has none)",
}
ALLOWED_QEMU_ONLY_PROPS = {
    "dma-coherent": "only on nodes rvmm does not have",
}


def parse(path):
    props = {}
    stack = []
    for raw in open(path):
        line = raw.strip()
        if not line or line.startswith("/dts-v1/"):
            continue
        m = re.match(r"^([^\s=;{}]+)\s*\{$", line)
        if m:
            name = m.group(1)
            stack.append("" if name == "/" else name)
            props.setdefault("/" + "/".join(s for s in stack if s), {})
            continue
        if line.startswith("};"):
            stack.pop()
            continue
        m = re.match(r"^([^\s=;]+)\s*(?:=\s*(.*))?;$", line)
        if m:
            node = "/" + "/".join(s for s in stack if s)
            props.setdefault(node, {})[m.group(1)] = m.group(2) or ""
    return props


def normalise(name, value):
    if name in ("phandle", "regmap", "interrupt-parent", "cpu"):
        return "<phandle>"
    if name == "interrupts-extended":
        cells = re.findall(r"0x[0-9a-f]+|\d+", value)
        return " ".join("<ph>" if i % 2 == 0 else c for i, c in enumerate(cells))
    return value


def main():
    ours, theirs = parse(sys.argv[1]), parse(sys.argv[2])
    problems = []
    for node in sorted(set(theirs) - set(ours)):
        if node in ALLOWED_QEMU_ONLY_NODES or any(
                node == p or node.startswith(p + "/") for p in ALLOWED_QEMU_ONLY_NODES):
            continue
        if any(node.startswith(p) for p in ALLOWED_QEMU_ONLY_PREFIXES):
            continue
        problems.append("missing node %s" % node)
    for node in sorted(set(ours) - set(theirs)):
        problems.append("extra node %s" % node)
    for node in sorted(set(ours) & set(theirs)):
        a, b = ours[node], theirs[node]
        for prop in sorted(set(b) - set(a)):
            if prop not in ALLOWED_QEMU_ONLY_PROPS:
                problems.append("%s: missing property %s" % (node, prop))
        for prop in sorted(set(a) - set(b)):
            if prop not in ALLOWED_RVMM_ONLY_PROPS:
                problems.append("%s: extra property %s" % (node, prop))
        for prop in sorted(set(a) & set(b)):
            if prop in ALLOWED_VALUE_DIFFS:
                continue
            if normalise(prop, a[prop]) != normalise(prop, b[prop]):
                problems.append("%s: %s = %s, QEMU has %s" % (node, prop, a[prop], b[prop]))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Compare the outputs of one tests/jitdiff program run by several engines.

    compare.py [--source prog.S] [--qemu] NAME=OUT NAME=OUT [NAME=OUT ...]

The first NAME=OUT is the reference (the interpreter, --jit off); every other
run must match it exactly. Each output must hold a well-formed tests/diff state
(parsed by tests/diff/compare.py) followed by a well-formed JITDIFF section;
the text from "BEGIN STATE" to "END JITDIFF" must be byte-identical. When it is
not, the report names the first difference in execution order as far as the
output allows: the first differing checkpoint, final registers, the trap log,
the data page (tests/diff's comparison), then the jitdiff regions (probe sums
of minstret/instret/cycle/time, hashes and counts of every trap, instret at
each trap, the S-mode trap log, page tables, memory).

--qemu (run.sh --qemu, a --portable program against QEMU): only the JITDIFF
regions are compared here, without the trap hashes and allowing QEMU 7.2's
cause 4 for a misaligned AMO in the S-mode trap log; run.sh compares the state
with tests/diff/compare.py first.

Exit 0 when all runs match, 1 otherwise (report on stderr).
"""

import importlib.util
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


dc = load_module("diff_compare", os.path.join(HERE, "..", "diff", "compare.py"))
jg = load_module("jitdiff_gen", os.path.join(HERE, "gen.py"))

Malformed = dc.Malformed


def state_text(text):
    """The compared part of an output: BEGIN STATE .. END JITDIFF."""
    text = text.replace("\r\n", "\n")
    s = text.find("BEGIN STATE\n")
    e = text.find("END JITDIFF\n")
    if s < 0 or e < 0:
        return None
    return text[s:e + len("END JITDIFF\n")]


def parse_jd(text):
    """{region: bytes} from the JITDIFF section (after END STATE)."""
    lines = [l.rstrip("\r") for l in text.replace("\r\n", "\n").split("\n")]
    try:
        end_state = lines.index("END STATE")
        start = lines.index("BEGIN JITDIFF", end_state)
    except ValueError:
        raise Malformed("no 'BEGIN JITDIFF' line after END STATE")
    try:
        end = lines.index("END JITDIFF", start)
    except ValueError:
        raise Malformed("no 'END JITDIFF' line: output truncated")
    regions = {}
    order = []
    for l in lines[start + 1:end]:
        m = re.fullmatch(r"([a-z_0-9]+) ([0-9a-f]{4}) ([0-9a-f]{64})", l)
        if not m:
            raise Malformed("malformed JITDIFF line %r" % l)
        name, off = m.group(1), int(m.group(2), 16)
        if name not in regions:
            regions[name] = bytearray()
            order.append(name)
        if off != len(regions[name]):
            raise Malformed("JITDIFF region %s: line at offset %#x out of order" % (name, off))
        regions[name] += bytes.fromhex(m.group(3))
    if not regions:
        raise Malformed("empty JITDIFF section")
    return {"regions": regions, "order": order}


def probe_line(source, k):
    if not source:
        return ""
    try:
        with open(source) as f:
            for n, l in enumerate(f, 1):
                if l.startswith("# probe %d " % k):
                    return " ('# probe %d' at %s:%d)" % (k, source, n)
    except OSError:
        pass
    return ""


def describe_area(off, source):
    """What the byte at offset off of region 'area' holds."""
    names = {jg.A_MSPILL: "M pre-handler spill x5", jg.A_MSPILL + 8: "spill x6",
             jg.A_MSPILL + 16: "spill x7",
             jg.A_MHASH: "hash of (mcause, mepc, mtval, minstret) over every M-mode trap",
             jg.A_MCOUNT: "number of M-mode traps",
             jg.A_SHASH: "hash of (scause, sepc, stval, instret) over every S-mode trap",
             jg.A_SCOUNT: "number of S-mode traps", jg.A_SFATAL: "S handler gave up"}
    slot = off & ~7
    if slot in names:
        return names[slot]
    if jg.A_PROBES <= off < jg.A_PROBES + 16 * jg.MAX_PROBES:
        k = (off - jg.A_PROBES) // 16
        what = "sum of all reads" if (off - jg.A_PROBES) % 16 < 8 else "last read"
        return "probe %d: %s%s" % (k, what, probe_line(source, k))
    return "unused"


STLOG_FIELDS = ["scause", "sepc", "stval", "instret"]


def qemu_tolerated(name, slot, ra, rb):
    """--qemu: the trap hashes cover raw causes and tvals (where the spec lets
    QEMU choose, see tests/diff/README.md); a misaligned AMO is cause 4 on
    QEMU 7.2, 6 (or 7) on rvmm; stval of an illegal instruction or a
    breakpoint may be 0."""
    if name == "area" and slot in (jg.A_MHASH, jg.A_SHASH):
        return True
    if name != "stlog":
        return False
    va = int.from_bytes(ra[slot:slot + 8], "little")
    vb = int.from_bytes(rb[slot:slot + 8], "little")
    if slot % 32 == 0:
        return va in (6, 7) and vb == 4
    if slot % 32 == 16:
        # stval of an illegal instruction (2) or a breakpoint (3): 0 is always allowed
        cause = int.from_bytes(ra[slot - 16:slot - 8], "little")
        return cause in (2, 3) and 0 in (va, vb)
    return False


def compare_jd(na, a, nb, b, source, qemu=False):
    rep = []
    first = None
    if a["order"] != b["order"]:
        return "JITDIFF regions", ["JITDIFF regions: %s has %s, %s has %s"
                                   % (na, a["order"], nb, b["order"])]
    for name in a["order"]:
        ra, rb = a["regions"][name], b["regions"][name]
        if ra == rb:
            continue
        if len(ra) != len(rb):
            rep.append("region %s: %d bytes in %s, %d in %s" % (name, len(ra), na, len(rb), nb))
            first = first or "region %s" % name
            continue
        offs = [o for o in range(len(ra)) if ra[o] != rb[o]]
        if qemu:
            offs = [o for o in offs if not qemu_tolerated(name, o & ~7, ra, rb)]
            if not offs:
                continue
        shown = set()
        for o in offs:
            slot = o & ~7
            if slot in shown:
                continue
            shown.add(slot)
            if len(shown) > 8:
                rep.append("  ... (%d differing bytes in %s)" % (len(offs), name))
                break
            va = int.from_bytes(ra[slot:slot + 8], "little")
            vb = int.from_bytes(rb[slot:slot + 8], "little")
            if name == "area":
                what = describe_area(slot, source)
            elif name == "mtlog":
                what = ("minstret when M-mode trap #%d was taken (trap #%d of the trap log)"
                        % (slot // 8, slot // 8))
            elif name == "stlog":
                what = "S-mode trap #%d, %s" % (slot // 32, STLOG_FIELDS[(slot % 32) // 8])
            elif name in ("pt_l0", "pt_l0b"):
                what = "PTE %d (VA %#x)" % (slot // 8, jg.va(slot // 8))
            elif name == "ramend":
                what = "RAM end - %d" % (64 - slot)
            else:
                what = "%s + %#x" % (name, slot)
            if first is None:
                first = "%s: %s" % (name, what)
            rep.append("  %s+%#05x %s:" % (name, slot, what))
            rep.append("      %-14s %016x" % (na, va))
            rep.append("      %-14s %016x" % (nb, vb))
    return first, rep


def main():
    args = sys.argv[1:]
    source = None
    qemu = "--qemu" in args
    if qemu:
        args.remove("--qemu")
    if "--source" in args:
        i = args.index("--source")
        source = args[i + 1]
        del args[i:i + 2]
    runs = []
    for a in args:
        if "=" not in a:
            sys.exit(__doc__)
        runs.append(tuple(a.split("=", 1)))
    if len(runs) < 2:
        sys.exit(__doc__)

    parsed = []
    bad = False
    for name, path in runs:
        try:
            with open(path, errors="replace") as f:
                text = f.read()
            st = dc.parse(text)
            jd = parse_jd(text)
            parsed.append((name, text, st, jd))
        except (OSError, Malformed) as e:
            print("%s: %s" % (name, e), file=sys.stderr)
            bad = True
    if bad:
        return 1

    rname, rtext, rst, rjd = parsed[0]
    status = 0
    for name, text, st, jd in parsed[1:]:
        jfirst, jrep = compare_jd(rname, rjd, name, jd, source, qemu)
        if qemu:
            # the state part was compared by tests/diff/compare.py (QEMU's quirks allowed)
            if jfirst is None:
                continue
            status = 1
            print("%s vs %s: first difference: %s" % (rname, name, jfirst), file=sys.stderr)
            for l in jrep:
                print("  " + l, file=sys.stderr)
            continue
        if state_text(text) == state_text(rtext):
            continue
        status = 1
        first, rep = dc.compare(rname, rst, name, st, source, a_is_qemu=True)
        # tests/diff tolerates some trap causes (QEMU's); here every entry must be equal
        if first is None and rst["traps"] != st["traps"]:
            i = next(i for i, (x, y) in enumerate(zip(rst["traps"], st["traps"])) if x != y)
            first = "trap log"
            rep.append("trap log differs at trap #%d:" % i)
            rep.append("    %-14s %s" % (rname, dc.fmt_trap(rst["traps"][i])))
            rep.append("    %-14s %s" % (name, dc.fmt_trap(st["traps"][i])))
        print("%s vs %s: first difference: %s" % (rname, name, first or jfirst or
                                                  "in the text (same parsed values)"),
              file=sys.stderr)
        for l in rep:
            print("  " + l, file=sys.stderr)
        if jrep:
            print("  jitdiff regions:", file=sys.stderr)
            for l in jrep:
                print("  " + l, file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Compare the state printed by two runs of one tests/diff program.

    compare.py NAME_A OUT_A NAME_B OUT_B [--source prog.S] [--a-is-qemu]

B is always QEMU 7.2; the trap log comparison tolerates the spec-legal
alternatives where QEMU made one choice (see README.md, "QEMU deviations"),
and flags A when it copies a QEMU bug (unless --a-is-qemu, for --self runs).

Exit 0 when both outputs are complete, well formed and identical; exit 1
otherwise, with a readable report on stderr naming the first difference.
Anything outside the BEGIN STATE / END STATE lines (emulator banners, escape
sequences) is ignored; a missing END STATE line or a malformed state is a
failure by itself, so a program that did not reach its end cannot pass.
"""

import re
import sys

XREGS = ["x%d" % i for i in range(1, 32)]
FREGS = ["f%d" % i for i in range(32)]
CKPT_NAMES = [n for n in XREGS if n != "x2"] + FREGS + ["fcsr"]
HEX16 = re.compile(r"^[0-9a-f]{16}$")


class Malformed(Exception):
    pass


def parse(text):
    """Return a dict describing the printed state, or raise Malformed."""
    lines = [l.rstrip("\r") for l in text.replace("\r\n", "\n").split("\n")]
    try:
        start = lines.index("BEGIN STATE")
    except ValueError:
        raise Malformed("no 'BEGIN STATE' line: the program never reached its end")
    try:
        end = lines.index("END STATE", start)
    except ValueError:
        raise Malformed("no 'END STATE' line: output truncated (%d state lines)"
                        % (len(lines) - start - 1))
    body = lines[start + 1:end]
    pos = 0

    def take(what):
        nonlocal pos
        if pos >= len(body):
            raise Malformed("state ends early, expected %s" % what)
        pos += 1
        return body[pos - 1]

    def kv(name, width=16):
        l = take(name)
        parts = l.split(" ")
        if len(parts) != 2 or parts[0] != name or not re.fullmatch("[0-9a-f]{%d}" % width,
                                                                   parts[1]):
            raise Malformed("line %d: expected '%s <%d hex digits>', got %r"
                            % (start + 1 + pos, name, width, l))
        return parts[1]

    st = {"regs": {}, "traps": [], "ckpts": [], "mem": []}
    for n in XREGS + FREGS + ["fcsr", "mstatus"]:
        st["regs"][n] = kv(n)
    st["ntraps"] = int(kv("traps", 8), 16)
    for i in range(min(st["ntraps"], 512)):
        l = take("trap %d" % i)
        m = re.fullmatch(r"trap ([0-9a-f]{3}) cause=([0-9a-f]{16}) epc=([0-9a-f]{8}) "
                         r"tval=([0-9a-f]{16}) insn=([0-9a-f]{8})", l)
        if not m or int(m.group(1), 16) != i:
            raise Malformed("malformed trap log line %r" % l)
        st["traps"].append(tuple(int(m.group(k), 16) for k in (2, 3, 4, 5)))
    for i in range(64):
        l = take("memory line %d" % i)
        m = re.fullmatch(r"m([0-9a-f]{3}) ([0-9a-f]{128})", l)
        if not m or int(m.group(1), 16) != 64 * i:
            raise Malformed("malformed memory line %r" % l)
        st["mem"].append(bytes.fromhex(m.group(2)))
    nck = int(kv("checkpoints", 8), 16)
    cur = {}
    while pos < len(body) and body[pos].startswith("c"):
        l = take("checkpoint")
        m = re.fullmatch(r"c([0-9a-f]{3}) (\w+) ([0-9a-f]{16})", l)
        if not m or m.group(2) not in CKPT_NAMES:
            raise Malformed("malformed checkpoint line %r" % l)
        k = int(m.group(1), 16)
        while k >= len(st["ckpts"]):      # records equal to the previous print nothing
            cur = dict(st["ckpts"][-1]) if st["ckpts"] else {}
            st["ckpts"].append(cur)
        if k != len(st["ckpts"]) - 1:
            raise Malformed("checkpoint lines out of order at %r" % l)
        cur[m.group(2)] = m.group(3)
    if len(st["ckpts"]) > nck:
        raise Malformed("more checkpoint records printed than announced")
    # a checkpoint whose registers all equal the previous one prints nothing
    while len(st["ckpts"]) < nck:
        st["ckpts"].append(dict(st["ckpts"][-1]) if st["ckpts"] else {})
    if st["ckpts"] and set(st["ckpts"][0]) != set(CKPT_NAMES):
        raise Malformed("first checkpoint is incomplete")
    if pos != len(body):
        raise Malformed("unexpected extra state line %r" % body[pos])
    return st


CAUSES = {0: "insn misaligned", 1: "insn access fault", 2: "illegal instruction",
          3: "breakpoint", 4: "load misaligned", 5: "load access fault",
          6: "store/AMO misaligned", 7: "store/AMO access fault", 11: "ecall from M"}


def fmt_trap(t):
    if t is None:
        return "(none)"
    return "cause=%d (%s) epc=_start+0x%x tval=0x%x insn=0x%x" % (
        t[0], CAUSES.get(t[0], "?"), t[1], t[2], t[3])


def atomic_kind(insn):
    """'lr', 'sc', 'amo' or None for the instruction bits of a trap."""
    if insn & 0x7f != 0x2f:
        return None
    return {2: "lr", 3: "sc"}.get(insn >> 27, "amo")


def trap_problem(ta, tb, a_is_qemu):
    """None if trap ta (machine A) is acceptable next to tb (QEMU 7.2, machine B),
    else a sentence saying why not. Equal entries are always acceptable, except
    that a spec-violating cause on A is reported even when QEMU shares it."""
    kind = atomic_kind(ta[3]) if ta else None
    if ta == tb:
        if not a_is_qemu and kind == "amo" and ta[0] == 4:
            return ("a misaligned AMO must raise a store/AMO exception (cause 6 or 7), "
                    "not load address misaligned (4); QEMU 7.2 has this bug, see README")
        return None
    if ta is None or tb is None or ta[1:] != tb[1:]:
        return "different trap"
    # QEMU 7.2 raises 'load address misaligned' for a misaligned AMO: the spec
    # wants store/AMO address misaligned (6) or, equally legal, access fault (7)
    if kind == "amo" and tb[0] == 4 and ta[0] in (6, 7):
        return None
    # a misaligned LR may raise load misaligned (QEMU) or load access fault
    if kind == "lr" and tb[0] == 4 and ta[0] == 5:
        return None
    return "different cause"


def compare(na, a, nb, b, source, a_is_qemu=False):
    rep = []
    first = None
    w = max(len(na), len(nb))

    def note(what):
        nonlocal first
        if first is None:
            first = what

    # checkpoints, in execution order: the earliest divergence is the best clue
    if len(a["ckpts"]) != len(b["ckpts"]):
        rep.append("checkpoint count: %s=%d %s=%d" % (na, len(a["ckpts"]), nb, len(b["ckpts"])))
        note("checkpoint count")
    for k, (ca, cb) in enumerate(zip(a["ckpts"], b["ckpts"])):
        diffs = [n for n in CKPT_NAMES if ca.get(n) != cb.get(n)]
        if diffs:
            note("register %s at checkpoint %d" % (diffs[0], k))
            rep.append("first differing checkpoint: %d (after the line '# checkpoint %d' in %s)"
                       % (k, k, source or "the .S"))
            if k > 0:
                rep.append("  (checkpoint %d matched: the difference comes from the code "
                           "between '# checkpoint %d' and '# checkpoint %d')" % (k - 1, k - 1, k))
            for n in diffs:
                rep.append("  %-5s %-*s %s" % (n, w, na, ca.get(n)))
                rep.append("  %-5s %-*s %s" % ("", w, nb, cb.get(n)))
            break
    # final registers
    diffs = [n for n in a["regs"] if a["regs"][n] != b["regs"][n]]
    if diffs:
        note("final register %s" % diffs[0])
        rep.append("final state differs in: %s" % " ".join(diffs))
        for n in diffs:
            rep.append("  %-7s %-*s %s" % (n, w, na, a["regs"][n]))
            rep.append("  %-7s %-*s %s" % ("", w, nb, b["regs"][n]))
    # trap log (entry by entry: some causes legitimately differ, see trap_problem)
    bad = a["ntraps"] != b["ntraps"]
    for i in range(max(len(a["traps"]), len(b["traps"]))):
        ta = a["traps"][i] if i < len(a["traps"]) else None
        tb = b["traps"][i] if i < len(b["traps"]) else None
        why = trap_problem(ta, tb, a_is_qemu)
        if why:
            bad = True
            rep.append("trap log differs at trap #%d: %s" % (i, why))
            rep.append("    %-*s %s" % (w, na, fmt_trap(ta)))
            rep.append("    %-*s %s" % (w, nb, fmt_trap(tb)))
            break
    if bad:
        note("trap log")
        rep.append("trap counts: %s took %d traps, %s took %d"
                   % (na, a["ntraps"], nb, b["ntraps"]))
    # data page
    ma, mb = b"".join(a["mem"]), b"".join(b["mem"])
    offs = [o for o in range(len(ma)) if ma[o] != mb[o]]
    if offs:
        note("data memory at data+0x%03x" % offs[0])
        rep.append("data page differs in %d bytes, first ones:" % len(offs))
        for o in offs[:8]:
            rep.append("  data+0x%03x (sp%+d): %s=%02x %s=%02x"
                       % (o, o - 2048, na, ma[o], nb, mb[o]))
    return first, rep


def main():
    args = sys.argv[1:]
    source = None
    a_is_qemu = "--a-is-qemu" in args
    if a_is_qemu:
        args.remove("--a-is-qemu")
    if "--source" in args:
        i = args.index("--source")
        source = args[i + 1]
        del args[i:i + 2]
    if len(args) != 4:
        sys.exit(__doc__)
    na, fa, nb, fb = args
    st = []
    bad = False
    for name, path in ((na, fa), (nb, fb)):
        try:
            with open(path, errors="replace") as f:
                st.append(parse(f.read()))
        except (OSError, Malformed) as e:
            print("%s: %s" % (name, e), file=sys.stderr)
            bad = True
    if bad:
        return 1
    first, rep = compare(na, st[0], nb, st[1], source, a_is_qemu)
    if first is None:
        return 0
    print("first difference: %s" % first, file=sys.stderr)
    for l in rep:
        print(l, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Check a machine's scalar F/D results against an exact reference model.

    fpcheck.py [--machine qemu|rvmm] [--programs N] [--seed S] [-v]

Generates programs of single FP operations (random op, operands biased to
special values, every rounding mode), each run with fflags cleared, stores
result and fflags into the data page of the tests/diff harness, runs them
on the machine, and compares with the reference below (exact rational
arithmetic, RISC-V rules: canonical NaNs, NaN-boxing, tininess after rounding,
saturating conversions, minimumNumber/maximumNumber). Used to find where
QEMU 7.2 itself deviates from the spec, so the random differential test
avoids those cases; prints one line per mismatching case and a summary.
Env as run.sh: RVMM, BUILD, QEMU, RV_CC. Exit status 0 iff no mismatch.
"""

import argparse
import math
import os
import random
import subprocess
import sys
from fractions import Fraction as Fr

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import gen        # noqa: E402
import compare    # noqa: E402

NX, UF, OF, DZ, NV = 1, 2, 4, 8, 16
RNE, RTZ, RDN, RUP, RMM = range(5)
M64 = (1 << 64) - 1


class Fmt:
    def __init__(self, name, e, m):
        self.name, self.e, self.m = name, e, m
        self.bias = (1 << (e - 1)) - 1
        self.emin = 1 - self.bias
        self.emax = self.bias
        self.width = e + m + 1
        self.cnan = ((1 << e) - 1) << m | 1 << (m - 1)
        self.maxfin = ((1 << e) - 2) << m | ((1 << m) - 1)
        self.inf = ((1 << e) - 1) << m


S = Fmt("s", 8, 23)
D = Fmt("d", 11, 52)


def pow2(k):
    return Fr(2) ** k


def decode(f, bits):
    sign = bits >> (f.width - 1) & 1
    exp = bits >> f.m & ((1 << f.e) - 1)
    man = bits & ((1 << f.m) - 1)
    if exp == (1 << f.e) - 1:
        if man == 0:
            return ("inf", sign)
        return ("nan", sign, not (man >> (f.m - 1)))      # (.., is_snan)
    if exp == 0:
        return ("num", sign, man * pow2(f.emin - f.m))
    return ("num", sign, ((1 << f.m) | man) * pow2(exp - f.bias - f.m))


def rnd_int(q, rm, sign):
    fl = q.numerator // q.denominator
    rem = q - fl
    if rem == 0:
        return fl
    if rm == RNE:
        return fl + 1 if rem > Fr(1, 2) or (rem == Fr(1, 2) and fl & 1) else fl
    if rm == RMM:
        return fl + 1 if rem >= Fr(1, 2) else fl
    if rm == RTZ:
        return fl
    if rm == RDN:
        return fl + 1 if sign else fl
    return fl if sign else fl + 1


def ilog2(x):
    e = x.numerator.bit_length() - x.denominator.bit_length()
    if pow2(e) > x:
        e -= 1
    if pow2(e + 1) <= x:
        e += 1
    return e


def round_pack(f, sign, mag, rm):
    """Round a positive exact magnitude; returns (bits, flags)."""
    sbit = sign << (f.width - 1)
    e = ilog2(mag)
    q = mag / pow2(e - f.m)
    m = rnd_int(q, rm, sign)
    e_unb = e + (1 if m == 1 << (f.m + 1) else 0)
    tiny = e_unb < f.emin
    flags = 0
    if e >= f.emin:
        inexact = m != q
        if m == 1 << (f.m + 1):
            m >>= 1
            e += 1
        if e > f.emax:
            flags = OF | NX
            to_inf = rm in (RNE, RMM) or (rm == RDN and sign) or (rm == RUP and not sign)
            return sbit | (f.inf if to_inf else f.maxfin), flags
        bits = sbit | (e + f.bias) << f.m | (m & ((1 << f.m) - 1))
    else:
        q = mag / pow2(f.emin - f.m)
        m = rnd_int(q, rm, sign)
        inexact = m != q
        bits = sbit | m                  # m == 1<<f.m lands on the min normal
    if inexact:
        flags |= NX
        if tiny:
            flags |= UF
    return bits, flags


def zero(f, sign):
    return sign << (f.width - 1)


def inf(f, sign):
    return sign << (f.width - 1) | f.inf


def unbox(f, v):
    if f is S:
        return v & 0xffffffff if v >> 32 == 0xffffffff else S.cnan
    return v


def box(f, bits):
    return (0xffffffff00000000 | bits) if f is S else bits


def nan_flags(*ops):
    return NV if any(o[0] == "nan" and o[2] for o in ops) else 0


def signed(o):
    return -o[2] if o[1] else o[2]


def from_exact(f, val, rm, zsign):
    if val == 0:
        return zero(f, zsign), 0
    return round_pack(f, 1 if val < 0 else 0, abs(val), rm)


def op_add(f, a, b, rm, sub=False):
    A, B = decode(f, a), decode(f, b)
    if sub:
        B = (B[0], B[1] ^ 1) + B[2:]
    if A[0] == "nan" or B[0] == "nan":
        return f.cnan, nan_flags(A, B)
    if A[0] == "inf" and B[0] == "inf":
        return (f.cnan, NV) if A[1] != B[1] else (inf(f, A[1]), 0)
    if A[0] == "inf":
        return inf(f, A[1]), 0
    if B[0] == "inf":
        return inf(f, B[1]), 0
    s = signed(A) + signed(B)
    if s == 0 and A[2] == 0 and B[2] == 0 and A[1] == B[1]:
        return zero(f, A[1]), 0
    return from_exact(f, s, rm, 1 if rm == RDN else 0)


def op_mul(f, a, b, rm):
    A, B = decode(f, a), decode(f, b)
    if A[0] == "nan" or B[0] == "nan":
        return f.cnan, nan_flags(A, B)
    sign = A[1] ^ B[1]
    if A[0] == "inf" or B[0] == "inf":
        if (A[0] == "num" and A[2] == 0) or (B[0] == "num" and B[2] == 0):
            return f.cnan, NV
        return inf(f, sign), 0
    return from_exact(f, A[2] * B[2] * (-1 if sign else 1), rm, sign)


def op_div(f, a, b, rm):
    A, B = decode(f, a), decode(f, b)
    if A[0] == "nan" or B[0] == "nan":
        return f.cnan, nan_flags(A, B)
    sign = A[1] ^ B[1]
    if A[0] == "inf":
        return (f.cnan, NV) if B[0] == "inf" else (inf(f, sign), 0)
    if B[0] == "inf":
        return zero(f, sign), 0
    if B[2] == 0:
        return (f.cnan, NV) if A[2] == 0 else (inf(f, sign), DZ)
    return from_exact(f, A[2] / B[2] * (-1 if sign else 1), rm, sign)


def op_sqrt(f, a, rm):
    A = decode(f, a)
    if A[0] == "nan":
        return f.cnan, nan_flags(A)
    if A[0] == "inf":
        return (f.cnan, NV) if A[1] else (inf(f, 0), 0)
    if A[2] == 0:
        return zero(f, A[1]), 0
    if A[1]:
        return f.cnan, NV
    x = A[2]
    k = 1200
    n = x * pow2(2 * k)
    # isqrt of a rational: floor(sqrt(n)) with n = p/q
    p, q = n.numerator, n.denominator
    r = math.isqrt(p // q)
    exact = (r * r == n)
    val = Fr(r, 1) / pow2(k) if exact else Fr(2 * r + 1, 2) / pow2(k)
    return round_pack(f, 0, val, rm)


def op_fma(f, a, b, c, rm, negp, negc):
    A, B, C = decode(f, a), decode(f, b), decode(f, c)
    infzero = (A[0] == "inf" and B[0] == "num" and B[2] == 0) or \
              (B[0] == "inf" and A[0] == "num" and A[2] == 0)
    if infzero:
        return f.cnan, NV
    if A[0] == "nan" or B[0] == "nan" or C[0] == "nan":
        return f.cnan, nan_flags(A, B, C)
    ps = A[1] ^ B[1] ^ negp
    cs = C[1] ^ negc
    if A[0] == "inf" or B[0] == "inf":
        if C[0] == "inf" and cs != ps:
            return f.cnan, NV
        return inf(f, ps), 0
    if C[0] == "inf":
        return inf(f, cs), 0
    p = A[2] * B[2] * (-1 if ps else 1)
    cv = C[2] * (-1 if cs else 1)
    s = p + cv
    if s == 0 and p == 0 and cv == 0 and ps == cs:
        return zero(f, ps), 0
    return from_exact(f, s, rm, 1 if rm == RDN else 0)


def op_f2i(f, a, rm, width, sgn):
    A = decode(f, a)
    lo, hi = (-(1 << (width - 1)), (1 << (width - 1)) - 1) if sgn else (0, (1 << width) - 1)
    if A[0] == "nan":
        r, fl = hi, NV
    elif A[0] == "inf":
        r, fl = (lo if A[1] else hi), NV
    else:
        m = rnd_int(A[2], rm, A[1])
        v = -m if A[1] else m
        if v < lo or v > hi:
            r, fl = (lo if v < lo else hi), NV
        else:
            r, fl = v, (NX if m != A[2] else 0)
    r &= (1 << width) - 1
    if width == 32 and r >> 31:
        r |= 0xffffffff00000000
    return r, fl


def op_i2f(f, x, rm, width, sgn):
    v = x & ((1 << width) - 1)
    if sgn and v >> (width - 1):
        v -= 1 << width
    return from_exact(f, Fr(v), rm, 0)


def op_cvt_ff(fd, fs, a, rm):
    A = decode(fs, a)
    if A[0] == "nan":
        return fd.cnan, nan_flags(A)
    if A[0] == "inf":
        return inf(fd, A[1]), 0
    return from_exact(fd, signed(A), rm, A[1])


def op_minmax(f, a, b, is_max):
    A, B = decode(f, a), decode(f, b)
    fl = nan_flags(A, B)
    if A[0] == "nan" and B[0] == "nan":
        return f.cnan, fl
    if A[0] == "nan":
        return b, fl
    if B[0] == "nan":
        return a, fl
    va = (Fr(-1) if A[1] else Fr(1)) * (10 ** 400) if A[0] == "inf" else signed(A)
    vb = (Fr(-1) if B[1] else Fr(1)) * (10 ** 400) if B[0] == "inf" else signed(B)
    ka, kb = (va, -A[1]), (vb, -B[1])       # -0 < +0
    pick_a = (ka >= kb) if is_max else (ka <= kb)
    return (a if pick_a else b), fl


def op_cmp(f, a, b, kind):
    A, B = decode(f, a), decode(f, b)
    if A[0] == "nan" or B[0] == "nan":
        if kind == "eq":
            return 0, nan_flags(A, B)
        return 0, NV
    va = (Fr(-1) if A[1] else Fr(1)) * (10 ** 400) if A[0] == "inf" else signed(A)
    vb = (Fr(-1) if B[1] else Fr(1)) * (10 ** 400) if B[0] == "inf" else signed(B)
    return int({"eq": va == vb, "lt": va < vb, "le": va <= vb}[kind]), 0


def op_class(f, a):
    A = decode(f, a)
    if A[0] == "inf":
        return 1 << (0 if A[1] else 7)
    if A[0] == "nan":
        return 1 << (8 if A[2] else 9)
    e = a >> f.m & ((1 << f.e) - 1)
    if A[2] == 0:
        return 1 << (3 if A[1] else 4)
    if e == 0:
        return 1 << (2 if A[1] else 5)
    return 1 << (1 if A[1] else 6)


def op_sgnj(f, a, b, kind):
    sb = f.width - 1
    s = {"": b >> sb & 1, "n": (b >> sb & 1) ^ 1, "x": (a >> sb & 1) ^ (b >> sb & 1)}[kind]
    return (a & ~(1 << sb)) | (s << sb), 0


# ----------------------------------------------------------------------------
# test cases: (asm lines, expected value, expected flags, description)

def rm_text(rm):
    return ["rne", "rtz", "rdn", "rup", "rmm"][rm]


def pick(r, f):
    if f is S:
        return gen.box_single(r, gen.rand_single(r)) if r.random() < 0.15 else \
            0xffffffff00000000 | gen.rand_single(r)
    return gen.rand_double(r)


def make_case(r):
    f = r.choice([S, D])
    k = f.name
    rm = r.randrange(5)
    a, b, c = pick(r, f), pick(r, f), pick(r, f)
    ua, ub, uc = unbox(f, a), unbox(f, b), unbox(f, c)
    kind = r.choice(["add", "sub", "mul", "div", "sqrt", "fma", "f2i", "i2f", "cvtff",
                     "minmax", "cmp", "class", "sgnj", "edge"])
    if kind == "edge":     # products at the underflow/overflow boundaries
        pa, pb = r.choice(gen.FP_EDGE_PAIRS[k])
        sa, sb = r.getrandbits(1), r.getrandbits(1)
        a = box(f, pa | sa << (f.width - 1))
        b = box(f, pb | sb << (f.width - 1))
        ua, ub = unbox(f, a), unbox(f, b)
        c = box(f, r.choice([0, 1, 1 << (f.width - 1), 1 << (f.width - 1) | 1]))
        uc = unbox(f, c)
        kind = r.choice(["mul", "fma"])
    fp_out = True
    if kind in ("add", "sub", "mul", "div"):
        op = "f%s.%s f4, f1, f2, %s" % (kind, k, rm_text(rm))
        v, fl = {"add": lambda: op_add(f, ua, ub, rm), "sub": lambda: op_add(f, ua, ub, rm, True),
                 "mul": lambda: op_mul(f, ua, ub, rm), "div": lambda: op_div(f, ua, ub, rm)}[kind]()
        v = box(f, v)
    elif kind == "sqrt":
        op = "fsqrt.%s f4, f1, %s" % (k, rm_text(rm))
        v, fl = op_sqrt(f, ua, rm)
        v = box(f, v)
    elif kind == "fma":
        name, negp, negc = r.choice([("fmadd", 0, 0), ("fmsub", 0, 1), ("fnmsub", 1, 0),
                                     ("fnmadd", 1, 1)])
        op = "%s.%s f4, f1, f2, f3, %s" % (name, k, rm_text(rm))
        v, fl = op_fma(f, ua, ub, uc, rm, negp, negc)
        v = box(f, v)
    elif kind == "f2i":
        it, width, sgn = r.choice([("w", 32, 1), ("wu", 32, 0), ("l", 64, 1), ("lu", 64, 0)])
        op = "fcvt.%s.%s x7, f1, %s" % (it, k, rm_text(rm))
        v, fl = op_f2i(f, ua, rm, width, sgn)
        fp_out = False
    elif kind == "i2f":
        it, width, sgn = r.choice([("w", 32, 1), ("wu", 32, 0), ("l", 64, 1), ("lu", 64, 0)])
        x = gen.rand_int(r)
        sel = {"w": 0, "wu": 1, "l": 2, "lu": 3}[it]
        op = "li x6, %d\n\t.insn r 0x53, %d, 0x%x, f4, x6, x%d\t# fcvt.%s.%s" % (
            x - (1 << 64) if x >> 63 else x, rm, 0x68 | (f is D), sel, k, it)
        v, fl = op_i2f(f, x, rm, width, sgn)
        v = box(f, v)
    elif kind == "cvtff":
        if f is S:   # fcvt.s.d
            a = gen.rand_double(r)
            op = "fcvt.s.d f4, f1, %s" % rm_text(rm)
            v, fl = op_cvt_ff(S, D, a, rm)
            v = box(S, v)
        else:        # fcvt.d.s
            op = ".insn r 0x53, %d, 0x21, f4, f1, x0\t# fcvt.d.s" % rm
            v, fl = op_cvt_ff(D, S, unbox(S, a), rm)
    elif kind == "minmax":
        mx = r.random() < 0.5
        op = "%s.%s f4, f1, f2" % ("fmax" if mx else "fmin", k)
        v, fl = op_minmax(f, ua, ub, mx)
        v = box(f, v)
    elif kind == "cmp":
        ck = r.choice(["eq", "lt", "le"])
        if r.random() < 0.3:
            b = a
            ub = ua
        op = "f%s.%s x7, f1, f2" % (ck, k)
        v, fl = op_cmp(f, ua, ub, ck)
        fp_out = False
    elif kind == "class":
        op = "fclass.%s x7, f1" % k
        v, fl = op_class(f, ua), 0
        fp_out = False
    else:
        sk = r.choice(["", "n", "x"])
        op = "fsgnj%s.%s f4, f1, f2" % (sk, k)
        v, fl = op_sgnj(f, ua, ub, sk)
        v = box(f, v)
    lines = []
    for reg, val in ((1, a), (2, b), (3, c)):
        lines.append("li x5, %d" % (val - (1 << 64) if val >> 63 else val))
        lines.append("fmv.d.x f%d, x5" % reg)
    lines.append("csrwi fflags, 0")
    lines += op.split("\n\t")
    if fp_out:
        lines.append("fmv.x.d x7, f4")
    lines.append("frflags x8")
    desc = "%s  a=%016x b=%016x c=%016x" % (op.replace("\n\t", "; "), a, b, c)
    label = op.split("# ")[-1] if "# " in op else op.split()[0]
    return lines, v & M64, fl, desc, label


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--machine", choices=["qemu", "rvmm"], default="qemu")
    ap.add_argument("--programs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    build = os.environ.get("BUILD", "build")
    out = os.path.join(build, "diff", "fpcheck")
    os.makedirs(out, exist_ok=True)
    if a.machine == "qemu":
        cmd = [os.environ.get("QEMU", "qemu-system-riscv64"), "-M", "virt", "-bios", "none",
               "-m", "128M", "-nographic", "-monitor", "none",
               "-cpu", "rv64,zba=true,zbb=true,zbs=true", "-kernel"]
    else:
        cmd = [os.environ.get("RVMM", os.path.join(build, "rvmm")), "run", "--bios"]
    cc = os.environ.get("RV_CC", "riscv64-unknown-elf-gcc")
    r = random.Random(a.seed)
    bad = total = 0
    per_op = {}
    for p in range(a.programs):
        cases = [make_case(r) for _ in range(256)]
        body = []
        for i, (lines, _, _, _, _) in enumerate(cases):
            body += ["\t" + l for l in lines]
            off = 16 * i - 2048
            body.append("\tsd x7, %d(x2)" % off)
            body.append("\tsd x8, %d(x2)" % (off + 8))
        bodyf = os.path.join(out, "p%d.body" % p)
        with open(bodyf, "w") as fh:
            fh.write("\n".join(body) + "\n")
        g = gen.Gen(a.seed, 0)
        src = os.path.join(out, "p%d.S" % p)
        with open(src, "w") as fh:
            fh.write(gen.render(g, body, "fpcheck"))
        elf = os.path.join(out, "p%d.elf" % p)
        subprocess.run([cc, "-march=rv64gc_zba_zbb_zbs_zicsr_zifencei", "-mabi=lp64d",
                        "-nostdlib", "-nostartfiles", "-static", "-mcmodel=medany",
                        "-Wl,--no-relax", "-T", os.path.join(HERE, "link.ld"), "-o", elf, src],
                       check=True)
        try:
            res = subprocess.run(cmd + [elf], stdin=subprocess.DEVNULL, capture_output=True,
                                 timeout=30, text=True, errors="replace")
        except subprocess.TimeoutExpired:
            print("program %d (%s): timed out" % (p, src))
            bad += len(cases)
            total += len(cases)
            continue
        try:
            st = compare.parse(res.stdout)
        except compare.Malformed as e:
            print("program %d (%s): %s (exit status %d)" % (p, src, e, res.returncode))
            bad += len(cases)
            total += len(cases)
            continue
        if st["ntraps"]:
            print("program %d: unexpected traps %r" % (p, st["traps"][:4]))
        mem = b"".join(st["mem"])
        for i, (_, v, fl, desc, opname) in enumerate(cases):
            total += 1
            gv = int.from_bytes(mem[16 * i:16 * i + 8], "little")
            gf = int.from_bytes(mem[16 * i + 8:16 * i + 16], "little")
            per_op.setdefault(opname, [0, 0])[0] += 1
            if gv != v or gf != fl:
                bad += 1
                per_op[opname][1] += 1
                print("MISMATCH %s\n    %s: %016x flags %02x   reference: %016x flags %02x"
                      % (desc, a.machine, gv, gf, v, fl))
    if a.v:
        for k in sorted(per_op):
            print("  %-10s %5d cases %4d mismatches" % (k, *per_op[k]))
    print("fpcheck: %d cases, %d mismatches" % (total, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

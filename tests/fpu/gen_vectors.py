#!/usr/bin/env python3
"""Generate RISC-V F/D reference vectors for tests/unit/test_fpu.c.

Builds rv_oracle.c with the RISC-V cross compiler, feeds it a deterministic set of
inputs (special values, boundary values and seeded random bit patterns) for every
operation in ops.def under all five rounding modes, runs it on qemu-riscv64 (real
RISC-V instruction semantics: SoftFloat-exact results and fflags) and writes the
results to vectors.h, which test_fpu.c includes.

    python3 tests/fpu/gen_vectors.py            # rewrites tests/fpu/vectors.h
    python3 tests/fpu/gen_vectors.py --check    # regenerates and compares

Environment: RV_CC (default riscv64-unknown-elf-gcc), QEMU (default qemu-riscv64).
"""
import argparse
import os
import random
import re
import struct
import subprocess
import sys
import tempfile
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20240611
RMS = ["RNE", "RTZ", "RDN", "RUP", "RMM"]


def load_ops():
    text = open(os.path.join(HERE, "ops.def")).read()
    return re.findall(r"^FPU_OP\((\w+)\)", text, re.M)


OPS = load_ops()
OPNUM = {name: i for i, name in enumerate(OPS)}


class Fmt:
    def __init__(self, name, P, ebits):
        self.name, self.P, self.ebits = name, P, ebits
        self.W = P + ebits
        self.fbits = P - 1
        self.bias = (1 << (ebits - 1)) - 1
        self.emax_b = (1 << ebits) - 1
        self.sign = 1 << (self.W - 1)
        self.mask = (1 << self.W) - 1
        self.fmask = (1 << self.fbits) - 1
        self.inf = self.emax_b << self.fbits
        self.qnan = self.inf | (1 << (self.fbits - 1))

    def pack(self, s, bexp, frac):
        return (s << (self.W - 1)) | (bexp << self.fbits) | (frac & self.fmask)

    def bexp(self, x):
        return (x >> self.fbits) & self.emax_b

    def value(self, x):
        """Exact Fraction value of a finite encoding."""
        s, e, f = x >> (self.W - 1), self.bexp(x), x & self.fmask
        if e == 0:
            v = Fraction(f, 1 << self.fbits) * Fraction(2) ** (1 - self.bias)
        else:
            v = Fraction(f | (1 << self.fbits), 1 << self.fbits) * Fraction(2) ** (e - self.bias)
        return -v if s else v

    def finite(self, x):
        return self.bexp(x) != self.emax_b

    def from_fraction_rne(self, v):
        """Round a Fraction to the nearest encoding (ties to even); saturates to inf."""
        if v == 0:
            return 0
        s = 1 if v < 0 else 0
        v = abs(v)
        e = v.numerator.bit_length() - v.denominator.bit_length()
        while Fraction(2) ** e > v:
            e -= 1
        while Fraction(2) ** (e + 1) <= v:
            e += 1
        e = max(e, 1 - self.bias)
        q = v / Fraction(2) ** (e - self.fbits)
        n = q.numerator // q.denominator
        rem = q - n
        if rem > Fraction(1, 2) or (rem == Fraction(1, 2) and n & 1):
            n += 1
        if n >> self.P:
            n >>= 1
            e += 1
        if e > self.bias:
            return self.pack(s, self.emax_b, 0)
        if n >> self.fbits:
            return self.pack(s, e + self.bias, n)
        return self.pack(s, 0, n)


F32 = Fmt("f32", 24, 8)
F64 = Fmt("f64", 53, 11)

R = random.Random(SEED)


def specials(f):
    P, b = f.P, f.bias
    one = f.pack(0, b, 0)
    vals = [
        0, f.sign, f.inf, f.inf | f.sign,
        f.qnan, f.qnan | f.sign, f.qnan | 0x12345, f.inf | 1, f.inf | (1 << (f.fbits - 2)),
        f.sign | f.inf | 5, f.inf | f.fmask, f.mask,
        1, f.sign | 1, f.fmask, f.sign | f.fmask, 1 << (f.fbits - 1),
        f.pack(0, 1, 0), f.pack(1, 1, 0), f.pack(0, 1, 1), f.pack(0, f.emax_b - 1, f.fmask),
        f.pack(1, f.emax_b - 1, f.fmask), f.pack(0, f.emax_b - 1, 0),
        one, one | f.sign, one + 1, one - 1, f.pack(0, b - 1, 0), f.pack(1, b - 1, 0),
        f.pack(0, b, 1 << (f.fbits - 1)), f.pack(1, b, 1 << (f.fbits - 1)),
        f.pack(0, b + 1, 1 << (f.fbits - 2)), f.pack(1, b + 1, 1 << (f.fbits - 2)),
        f.pack(0, b + 1, 0), f.pack(0, b + 1, 1 << (f.fbits - 1)), f.pack(0, b - 1, f.fmask),
        f.pack(0, b - 1, 1), f.pack(0, b - 2, f.fmask),
    ]
    for k, s in ((31, 0), (31, 1), (32, 0), (63, 0), (63, 1), (64, 0), (P, 0), (P - 1, 0)):
        x = f.pack(s, b + k, 0)
        vals += [x, x - 1, x + 1]
    if f is F64:
        vals += [f.from_fraction_rne(Fraction(v)) for v in (
            2**31 - 1, -2**31 - 1, 2**32 - 1, Fraction(2**31) - Fraction(1, 2),
            -Fraction(2**31) - Fraction(1, 2), Fraction(2**32) - Fraction(1, 2),
            Fraction(-1, 2), Fraction(-1, 4), Fraction(3, 4), Fraction(-3, 2),
            Fraction(1, 10), Fraction(-7, 2), 1e300, 1e-300, 3e38, 1.5e-45, 6e-39)]
    else:
        vals += [f.from_fraction_rne(Fraction(v)) for v in (
            Fraction(-1, 2), Fraction(-1, 4), Fraction(3, 4), Fraction(-3, 2),
            Fraction(1, 10), Fraction(-7, 2), 8388607.5, -8388608.5, 16777215)]
    out = []
    for v in vals:
        v &= f.mask
        if v not in out:
            out.append(v)
    return out


def rnd_frac(f):
    k = R.randrange(8)
    if k == 0:
        return R.getrandbits(f.fbits) | 1  # odd
    if k == 1:
        return R.getrandbits(R.randrange(1, 6)) << (f.fbits - 5) & f.fmask  # short
    if k == 2:
        return f.fmask ^ R.getrandbits(R.randrange(1, 4))  # near all ones
    if k == 3:
        return R.getrandbits(R.randrange(1, 4))  # near zero
    return R.getrandbits(f.fbits)


def rnd_val(f, lo=None, hi=None, sign=None):
    """Finite nonzero-ish value with biased exponent in [lo, hi]."""
    lo = 1 if lo is None else max(lo, 0)
    hi = f.emax_b - 1 if hi is None else min(hi, f.emax_b - 1)
    s = R.getrandbits(1) if sign is None else sign
    e = R.randint(lo, hi)
    fr = rnd_frac(f)
    if e == 0 and fr == 0:
        fr = 1
    return f.pack(s, e, fr)


def rnd_any(f):
    k = R.randrange(10)
    if k < 3:
        return R.getrandbits(f.W)
    if k < 4:
        return R.choice(SPECIALS[f.name])
    if k < 9:
        return rnd_val(f, f.bias - 40, f.bias + 40)
    return rnd_val(f)


def near(f, x, spread=3):
    return (x + R.randint(-spread, spread)) & f.mask


def mul_tie_partner(f):
    b = f.bias + R.randint(-3, 3)
    return f.pack(R.getrandbits(1), b, R.choice([1 << (f.fbits - 1), 1 << (f.fbits - 2),
                                                3 << (f.fbits - 2), 1]))


def near_one(f, below):
    """1 - k ulp or 1 + k ulp for a small k."""
    k = R.choice([1, 1, 2, 3, R.randrange(1, 1 << 8)])
    return f.pack(0, f.bias - 1, f.fmask + 1 - k) if below else f.pack(0, f.bias, k)


def near_min_normal(f, op):
    """Operands whose exact result is within a few ulps of the smallest normal."""
    s = R.getrandbits(1)
    m = f.pack(s, 1, R.choice([0, 1, 2, R.getrandbits(3)]))  # 2^emin * (1 + small)
    if R.getrandbits(1):
        m = f.pack(s, 0, f.fmask - R.randrange(4))  # largest subnormals
    o = near_one(f, R.getrandbits(1)) | (R.getrandbits(1) << (f.W - 1))
    if op.endswith("DIV"):
        return m, f.pack(o >> (f.W - 1), f.bias + R.randint(-1, 0), o & f.fmask)
    if op.endswith(("ADD", "SUB")):
        return m, f.pack(R.getrandbits(1), R.randint(0, 2), rnd_frac(f))
    return (m, o) if R.getrandbits(1) else (o, m)


def gen_arith2(f, op, n):
    sp = SPECIALS[f.name]
    core = [0, f.sign, f.inf, f.inf | f.sign, f.qnan, f.inf | 1, 1, f.fmask | f.sign,
            f.pack(0, f.bias, 0), f.pack(1, f.bias + 1, 1 << (f.fbits - 1)), f.pack(0, 1, 0),
            f.pack(1, f.emax_b - 1, f.fmask)]
    out = [(a, b) for a in core for b in core]
    out += [(R.choice(sp), rnd_any(f)) for _ in range(n // 10)]
    out += [(rnd_any(f), R.choice(sp)) for _ in range(n // 10)]
    while len(out) < n + len(core) ** 2:
        k = R.randrange(10)
        if k == 0:
            a, b = R.getrandbits(f.W), R.getrandbits(f.W)
        elif k == 9:  # results just around 2^emin: tininess after rounding, per mode
            a, b = near_min_normal(f, op)
            if R.getrandbits(1) and op.endswith(("MUL", "DIV")):
                # or anywhere up to 2^(emin+2p), with low mantissa bits set, where the
                # host engine's residuals stop being representable
                ea = R.randint(f.bias // 2, f.bias + f.bias // 2)
                er = R.randint(1, 2 * f.P + 4)
                eb = er - ea + f.bias if op.endswith("MUL") else ea - er + f.bias
                fr = lambda: R.choice([R.getrandbits(3), f.fmask - R.getrandbits(3), rnd_frac(f)])  # noqa: E731
                a = f.pack(R.getrandbits(1), ea, fr())
                b = f.pack(R.getrandbits(1), max(1, min(eb, f.emax_b - 1)), fr())
        elif k == 1:  # nearby magnitudes: cancellation, ties in add
            a = rnd_val(f, f.bias - 20, f.bias + 20)
            e = f.bexp(a) + R.randint(-f.P - 2, 2)
            b = rnd_val(f, e, e)
        elif k == 2:  # exact ties for add / mul
            a = rnd_val(f, 2, f.emax_b - 3)
            if op.endswith(("ADD", "SUB")):
                e = f.bexp(a) - f.P + R.randint(-1, 1)
                b = f.pack(R.getrandbits(1), max(e, 0), R.choice([0, 1 << (f.fbits - 1)]))
            elif op.endswith("DIV"):
                b = f.pack(R.getrandbits(1), f.bias + R.randint(-2, 2), 0)
                a = f.pack(R.getrandbits(1), R.randint(0, 3), rnd_frac(f) | 1)
            else:
                a = f.pack(a >> (f.W - 1), f.bias + R.randint(-60, 60), rnd_frac(f) | 1)
                b = mul_tie_partner(f)
        elif k == 3:  # results near the underflow threshold
            if op.endswith(("ADD", "SUB")):
                a = rnd_val(f, 0, 2)
                b = rnd_val(f, 0, 2)
            elif op.endswith("MUL"):
                ea = R.randint(1, f.emax_b - 2)
                eb = f.bias + 1 - ea + R.randint(-2, 1)  # ea' + eb' ~= emin
                a = f.pack(R.getrandbits(1), ea, rnd_frac(f))
                b = f.pack(R.getrandbits(1), max(min(eb, f.emax_b - 1), 0), rnd_frac(f))
            else:
                ea = R.randint(1, 40)
                eb = ea + f.bias - 1 + R.randint(-1, 2)
                a = f.pack(R.getrandbits(1), ea, rnd_frac(f))
                b = f.pack(R.getrandbits(1), min(eb, f.emax_b - 1), rnd_frac(f))
        elif k == 4:  # results near overflow
            if op.endswith(("ADD", "SUB")):
                a = rnd_val(f, f.emax_b - 2, f.emax_b - 1)
                b = rnd_val(f, f.emax_b - f.P - 2, f.emax_b - 1)
            elif op.endswith("MUL"):
                ea = R.randint(f.bias, f.emax_b - 1)
                eb = 3 * f.bias - ea + R.randint(-1, 1)  # ea' + eb' ~= emax
                a = f.pack(R.getrandbits(1), ea, rnd_frac(f))
                b = f.pack(R.getrandbits(1), max(1, min(eb, f.emax_b - 1)), rnd_frac(f))
            else:
                a = rnd_val(f, f.emax_b - 3, f.emax_b - 1)
                b = rnd_val(f, f.bias - 3, f.bias)
        elif k == 5:  # subnormal operands
            a = R.choice([rnd_val(f, 0, 0), rnd_val(f, 0, 2)])
            b = rnd_any(f)
            if R.getrandbits(1):
                a, b = b, a
        elif k == 6:
            a = rnd_any(f)
            b = near(f, a ^ (f.sign if R.getrandbits(1) else 0))
        else:
            a, b = rnd_any(f), rnd_any(f)
        out.append((a & f.mask, b & f.mask))
    return [(a, b, 0) for a, b in out]


def gen_sqrt(f, n):
    out = [(x, 0, 0) for x in SPECIALS[f.name]]
    while len(out) < n:
        k = R.randrange(5)
        if k == 0:
            x = R.getrandbits(f.W)
        elif k == 1:  # perfect squares
            h = (f.P + 1) // 2
            m = R.getrandbits(h) | (1 << (h - 1))
            v = Fraction(m * m) * Fraction(2) ** (2 * R.randint(-f.bias // 2, f.bias // 2) - 2 * h)
            x = f.from_fraction_rne(v)
        elif k == 2:
            x = rnd_val(f, 0, 2, sign=0)
        else:
            x = rnd_val(f, sign=0 if R.randrange(6) else 1)
        out.append((x & f.mask, 0, 0))
    return out


def gen_fma(f, n, full_core):
    sp = SPECIALS[f.name]
    core = [0, f.sign, f.inf, f.inf | f.sign, f.qnan, f.inf | 1, f.pack(0, f.bias, 0),
            f.pack(1, f.bias + 1, 1)]
    out = [(a, b, c) for a in core for b in core for c in core[:6]]
    if not full_core:
        out = R.sample(out, len(out) // 6)
    n += len(out)
    while len(out) < n:
        k = R.randrange(10)
        a, b = rnd_any(f), rnd_any(f)
        if k == 0:
            c = rnd_any(f)
        elif k == 1:
            c = R.choice(sp)
        elif k <= 4:  # cancellation against the rounded product
            a = rnd_val(f, f.bias - 30, f.bias + 30)
            b = rnd_val(f, f.bias - 30, f.bias + 30)
            p = f.from_fraction_rne(f.value(a) * f.value(b))
            c = near(f, p ^ f.sign, R.choice([0, 1, 2, 1000]))
        elif k == 5:  # exact tie in the product broken by a tiny addend (double rounding)
            a = f.pack(R.getrandbits(1), f.bias + R.randint(-20, 20), rnd_frac(f) | 1)
            b = mul_tie_partner(f)
            e = f.bexp(a) + f.bexp(b) - f.bias - f.P - R.randint(2, 3 * f.P)
            c = f.pack(R.getrandbits(1), max(e, 0), rnd_frac(f))
        elif k == 6:  # underflow region
            ea = R.randint(1, f.bias)
            eb = f.bias - ea + R.randint(-3, 1)
            a = f.pack(R.getrandbits(1), ea, rnd_frac(f))
            b = f.pack(R.getrandbits(1), max(eb, 0), rnd_frac(f))
            c = R.choice([0, f.sign, rnd_val(f, 0, 1), rnd_val(f, 0, 0)])
        elif k == 8:  # exact result around 2^emin, with or without an addend
            a, b = near_min_normal(f, "MUL")
            c = R.choice([0, f.sign, rnd_val(f, 0, 0), f.pack(R.getrandbits(1), 0, 1),
                          f.pack(R.getrandbits(1), 1, 0)])
        elif k == 9:  # |a*b| around the host engine's 2^(emin+2p) hand-over point
            ea = R.randint(f.bias // 2, f.bias)
            eb = R.choice([2 * f.P + R.randint(-3, 3), R.randint(1, 2 * f.P)]) - ea + f.bias
            a = f.pack(R.getrandbits(1), ea, rnd_frac(f))
            b = f.pack(R.getrandbits(1), max(1, eb), rnd_frac(f))
            p = f.from_fraction_rne(f.value(a) * f.value(b))
            c = R.choice([p ^ f.sign, near(f, p ^ f.sign, 2), rnd_val(f, 0, 3),
                          rnd_val(f, 2 * f.P - 60, 2 * f.P)])
        else:  # overflow region
            a = rnd_val(f, f.emax_b - 2, f.emax_b - 1)
            b = rnd_val(f, f.bias - 1, f.bias + 1)
            c = rnd_val(f, f.emax_b - 3, f.emax_b - 1)
        out.append((a & f.mask, b & f.mask, c & f.mask))
    return out


def gen_cmp(f, n):
    sp = SPECIALS[f.name]
    core = [0, f.sign, f.inf, f.inf | f.sign, f.qnan, f.qnan | f.sign, f.inf | 1,
            f.pack(0, f.bias, 0), f.pack(1, f.bias, 0), 1, f.sign | 1]
    out = [(a, b) for a in core for b in core]
    while len(out) < n:
        k = R.randrange(4)
        a = R.choice(sp) if k == 0 else rnd_any(f)
        b = a if k == 1 else near(f, a, 2) if k == 2 else rnd_any(f)
        if R.getrandbits(1):
            b ^= f.sign if k == 1 else 0
        out.append((a, b & f.mask))
    return [(a, b, 0) for a, b in out]


def gen_class(f, n):
    out = [(x, 0, 0) for x in SPECIALS[f.name]]
    while len(out) < n:
        out.append((R.getrandbits(f.W) if R.getrandbits(1) else rnd_any(f), 0, 0))
    return out


def gen_toint(f, n):
    out = [(x, 0, 0) for x in SPECIALS[f.name]]
    bounds = [Fraction(v) for v in (0, 1, 2, 3, 2**31, 2**32, 2**63, 2**64, 2**f.fbits)]
    bounds += [-v for v in bounds] + [Fraction(1, 2), Fraction(3, 2), Fraction(5, 2),
                                       Fraction(-1, 2), Fraction(-3, 2), Fraction(-5, 2)]
    for v in bounds:
        x = f.from_fraction_rne(v)
        for d in (-2, -1, 0, 1, 2):
            out.append(((x + d) & f.mask, 0, 0))
        for h in (Fraction(-1, 2), Fraction(1, 2), Fraction(-1), Fraction(1)):
            x = f.from_fraction_rne(v + h)
            out.append((x, 0, 0))
    while len(out) < n:
        k = R.randrange(5)
        if k == 0:
            x = R.getrandbits(f.W)
        elif k == 1:  # x.5 ties with random integer parts
            m = R.getrandbits(R.randint(1, f.fbits))
            x = f.from_fraction_rne((Fraction(m) + Fraction(1, 2)) * R.choice([1, -1]))
        else:
            x = rnd_val(f, f.bias - 3, f.bias + 66)
        out.append((x & f.mask, 0, 0))
    return out


def gen_fromint(f, bits, signed, n):
    lim = 1 << bits
    vals = [0, 1, lim - 1, lim >> 1, (lim >> 1) - 1, (lim >> 1) + 1, 2, 3, lim - 2]
    for k in (f.P - 1, f.P, f.P + 1, f.P + 2, bits - 2, bits - 1):
        if 0 < k < bits:
            vals += [(1 << k) + d for d in (-1, 0, 1, 2, 3)]
    out = [((v % lim), 0, 0) for v in vals]
    while len(out) < n:
        k = R.randrange(4)
        L = R.randint(1, bits)
        if k == 0:  # exact tie at precision P
            if L <= f.P + 1:
                L = min(bits, f.P + 1 + R.randrange(bits - f.P)) if bits > f.P + 1 else L
            m = R.getrandbits(f.P) | (1 << (f.P - 1))
            sh = max(L - f.P, 1)
            v = (m << sh) | (1 << (sh - 1))
        elif k == 1:
            v = lim - 1 - R.getrandbits(R.randint(1, 12))
        else:
            v = R.getrandbits(L)
        out.append((v % lim, 0, 0))
    if signed:  # the oracle gets the value sign-extended to 64 bits
        out = [((a - lim if a >= lim >> 1 else a) & ((1 << 64) - 1), 0, 0) for a, _, _ in out]
    return out


def gen_f64_to_f32(n):
    out = [(x, 0, 0) for x in SPECIALS["f64"]]
    out += [(F64.pack(0, 0x47f, 0xfffffefffffff + d), 0, 0) for d in range(-2, 4)]  # f32 max + ~half ulp
    while len(out) < n:
        k = R.randrange(6)
        if k == 0:
            x = R.getrandbits(64)
        elif k == 1:  # f32 subnormal / underflow range
            x = rnd_val(F64, F64.bias - 151, F64.bias - 125)
            if R.getrandbits(1):  # within a few binary32 ulps of 2^-126
                x = F64.pack(R.getrandbits(1), F64.bias - 127, F64.fmask - R.getrandbits(
                    R.choice([3, 20, 29, 31]))) if R.getrandbits(1) else F64.pack(
                    R.getrandbits(1), F64.bias - 126, R.getrandbits(R.choice([3, 20, 29, 31])))
        elif k == 2:  # overflow range
            x = rnd_val(F64, F64.bias + 126, F64.bias + 129)
        elif k == 3:  # ties at f32 precision
            x = F64.pack(R.getrandbits(1), R.randint(F64.bias - 160, F64.bias + 128),
                         (R.getrandbits(23) << 29) | (1 << 28))
        else:
            x = rnd_val(F64, F64.bias - 140, F64.bias + 130)
        out.append((x, 0, 0))
    return out


def gen_f32_to_f64(n):
    out = [(x, 0, 0) for x in SPECIALS["f32"]]
    while len(out) < n:
        out.append((R.getrandbits(32) if R.getrandbits(1) else rnd_any(F32), 0, 0))
    return out


SPECIALS = {"f32": specials(F32), "f64": specials(F64)}

# Inputs that once separated the host engine from the software one (tests/fpu/fuzz_fpu.c).
REGRESSIONS = [
    ("F64_FMSUB", 0xc170000000000006, 0xe88c000000000000, 0x6348401def876243),
    ("F64_FNMSUB", 0xbd7e0ec6bc527d8e, 0x7c88000000000000, 0xbed8000000000000),
    ("F64_FNMSUB", 0x41dffffffffffffa, 0x8060000000000007, 0x0250000000000004),
    ("F64_FMSUB", 0x3f90000000000001, 0x038ffffffffffffe, 0x834ffffffffffff8),
    ("F64_MUL", 0xc2d0000000000001, 0x8040000000000003, 0),
    ("F64_MUL", 0xc290000000000004, 0x802ffffffffffff8, 0),
    ("F64_MUL", 0x8130000000000001, 0xc200000000000001, 0),
]

RM_FREE = {"MIN", "MAX", "EQ", "LT", "LE", "CLASS"}


def op_info(op):
    """(uses the rounding mode, mask applied to the oracle's result or None for integers)"""
    if op == "F32_TO_F64":
        return False, F64.mask
    if op == "F64_TO_F32":
        return True, F32.mask
    head, tail = op.split("_", 1)
    if head in ("I32", "U32", "I64", "U64"):
        return True, F32.mask if tail == "TO_F32" else F64.mask
    fmask = F32.mask if head == "F32" else F64.mask
    if tail in ("MIN", "MAX"):
        return False, fmask
    if tail in RM_FREE:
        return False, None
    if tail.startswith("TO_"):
        return True, None  # integer rd as the instruction writes it
    return True, fmask


def gen_inputs(op, scale):
    head, tail = op.split("_", 1)
    f = F32 if head == "F32" else F64
    N = lambda k: max(1, int(k * scale))  # noqa: E731
    if op == "F32_TO_F64":
        return gen_f32_to_f64(N(450))
    if op == "F64_TO_F32":
        return gen_f64_to_f32(N(900))
    if head in ("I32", "U32", "I64", "U64"):
        bits = 32 if head[1:] == "32" else 64
        fmt = F32 if tail == "TO_F32" else F64
        exact = bits == 32 and fmt is F64
        return gen_fromint(fmt, bits, head[0] == "I", N(60 if exact else 300))
    if tail in ("ADD", "SUB", "MUL", "DIV"):
        return gen_arith2(f, op, N(550)) + [tuple(t) for o, *t in REGRESSIONS if o == op]
    if tail == "SQRT":
        return gen_sqrt(f, N(400))
    if tail in ("FMADD", "FMSUB", "FNMSUB", "FNMADD"):
        return gen_fma(f, N(500 if tail == "FMADD" else 280), tail == "FMADD") + [
            tuple(t) for o, *t in REGRESSIONS if o == op]
    if tail in ("MIN", "MAX", "EQ", "LT", "LE"):
        return gen_cmp(f, N(400))
    if tail == "CLASS":
        return gen_class(f, N(300))
    if tail.startswith("TO_"):
        return gen_toint(f, N(400))
    raise ValueError(op)


def build_oracle(tmp):
    cc = os.environ.get("RV_CC", "riscv64-unknown-elf-gcc")
    exe = os.path.join(tmp, "rv_oracle")
    subprocess.run([cc, "-march=rv64gc", "-mabi=lp64d", "-mcmodel=medany", "-O2", "-Wall",
                    "-Wextra", "-Werror", "-ffreestanding", "-nostdlib", "-nostartfiles",
                    "-static", "-o", exe, os.path.join(HERE, "rv_oracle.c")], check=True)
    return exe


def run_oracle(exe, recs):
    qemu = os.environ.get("QEMU", "qemu-riscv64")
    data = b"".join(struct.pack("<IIQQQ", OPNUM[op], rm, a, b, c) for op, rm, a, b, c in recs)
    out = subprocess.run([qemu, exe], input=data, stdout=subprocess.PIPE, check=True).stdout
    if len(out) != 16 * len(recs):
        sys.exit("oracle returned %d bytes for %d records" % (len(out), len(recs)))
    return [struct.unpack_from("<QQ", out, 16 * i) for i in range(len(recs))]


def hx(v):
    return "0x%x" % v if v > 9 else str(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--output", default=os.path.join(HERE, "vectors.h"))
    ap.add_argument("--scale", type=float, default=1.0, help="multiply the vector counts")
    ap.add_argument("--check", action="store_true", help="compare with the existing output")
    args = ap.parse_args()

    plan = []  # (op, [(a, b, c)])
    for op in OPS:
        ins = gen_inputs(op, args.scale)
        seen, uniq = set(), []
        for t in ins:
            if t not in seen:
                seen.add(t)
                uniq.append(t)
        plan.append((op, uniq))

    recs = [(op, rm, a, b, c) for op, ins in plan for (a, b, c) in ins for rm in range(5)]
    with tempfile.TemporaryDirectory() as tmp:
        res = run_oracle(build_oracle(tmp), recs)

    lines_rm, lines_free = [], []
    i = 0
    n_rm = n_free = 0
    for op, ins in plan:
        uses_rm, rmask = op_info(op)
        for a, b, c in ins:
            rs = []
            for rm in range(5):
                r, fl = res[i]
                i += 1
                if fl & ~0x1f:
                    sys.exit("bad fflags from oracle: %s" % (recs[i - 1],))
                if rmask is not None:
                    r &= rmask
                rs.append((r, fl))
            if uses_rm:
                fpack = sum(fl << (5 * k) for k, (_, fl) in enumerate(rs))
                lines_rm.append("{%s,%s,%s,%s,{%s},%s}," % (
                    op, hx(a), hx(b), hx(c), ",".join(hx(r) for r, _ in rs), hx(fpack)))
                n_rm += 5
            else:
                if any(x != rs[0] for x in rs):
                    sys.exit("%s result depends on the rounding mode: %s" % (op, (a, b, rs)))
                lines_free.append("{%s,%s,%s,%s,%s}," % (op, hx(a), hx(b), hx(rs[0][0]),
                                                           hx(rs[0][1])))
                n_free += 1

    qv = subprocess.run([os.environ.get("QEMU", "qemu-riscv64"), "--version"],
                        stdout=subprocess.PIPE, text=True).stdout.splitlines()[0]
    text = "\n".join([
        "/* Generated by tests/fpu/gen_vectors.py (seed %d, scale %g): do not edit." % (SEED, args.scale),
        " * Expected results and fflags come from real RISC-V F/D instructions run by",
        " * %s (see tests/fpu/README.md)." % qv,
        " * %d vectors: %d rounding-mode dependent, %d mode independent. */" % (
            n_rm + n_free, n_rm, n_free),
        "",
        "/* {op, a, b, c, {result in RNE, RTZ, RDN, RUP, RMM}, fflags: 5 bits per mode, RNE lowest} */",
        "static const struct fpu_vec_rm fpu_vectors_rm[] = {",
    ] + lines_rm + [
        "};",
        "",
        "/* {op, a, b, result, fflags}: results identical in every rounding mode */",
        "static const struct fpu_vec_free fpu_vectors_free[] = {",
    ] + lines_free + ["};", ""])

    if args.check:
        old = open(args.output).read() if os.path.exists(args.output) else ""
        if old != text:
            sys.exit("%s differs from a fresh generation" % args.output)
        print("vectors up to date: %d vectors" % (n_rm + n_free))
        return
    with open(args.output, "w") as fh:
        fh.write(text)
    print("wrote %s: %d vectors (%d rm-dependent, %d rm-free), %d bytes" % (
        args.output, n_rm + n_free, n_rm, n_free, len(text)))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Random RV64GC + Zba/Zbb/Zbs program generator for rvmm's differential test.

    gen.py --seed N [--length L] [-o out.S]        random program
    gen.py --seed N --body body.S [-o out.S]       hand-written body, same harness

The output is one assembly file for tests/diff/link.ld (linked at 0x80000000).
The program runs bare-metal in M-mode: it sets up a recording trap handler,
loads random (biased) values into every integer and FP register, fcsr and a
4 KiB data page, runs the body, then prints its final architectural state on
the 16550 UART between "BEGIN STATE" and "END STATE" lines and writes 0x5555
to the test finisher. Everything is a pure function of the seed.

Register conventions inside the body: x2 (sp) always points at data+2048 and
is never written (c.addi16sp pairs restore it at once), so sp-relative offsets
-2048..2047 cover exactly the data page. Every other register is random state.

See README.md for what is deliberately NOT generated and why.
"""

import argparse
import random
import sys

DATA_SIZE = 4096
SP_OFF = 2048            # sp = data + SP_OFF
TRAP_LOG_MAX = 512       # entries kept (the count keeps counting past it)
TRAP_LIMIT = 20000       # runaway guard: more traps than this = fatal exit
CKPT_EVERY = 25          # items between register checkpoints
CKPT_SLOTS = 66          # id, x1..x31, f0..f31, fcsr, pad

INT_POOL = [1] + list(range(3, 32))      # every register but x0 and sp
CREGS = list(range(8, 16))               # registers reachable by RVC 3-bit fields

RM_NAMES = ["rne", "rtz", "rdn", "rup", "rmm", None, None, "dyn"]

# ----------------------------------------------------------------------------
# Interesting values
# ----------------------------------------------------------------------------

M64 = (1 << 64) - 1

INT_SPECIAL = [
    0, 1, 2, 3, M64, M64 - 1, 0x7fffffffffffffff, 0x8000000000000000,
    0x8000000000000001, 0x7fffffff, 0x80000000, 0xffffffff, 0xffffffff80000000,
    0xffffffff7fffffff, 0x100000000, 0xfffffffe, 0x7ffffffe, 0x8000, 0xffff,
    0xff, 0x80, 0x7f, 0xffffffffffffff80, 0xffffffffffff8000, 0x5555555555555555,
    0xaaaaaaaaaaaaaaaa, 0x0123456789abcdef, 0xfedcba9876543210, 0x00ff00ff00ff00ff,
    2047, 0xfffffffffffff800, 4096, 0x800, 63, 64, 31, 32,
]

D_SPECIAL = [
    0x0000000000000000, 0x8000000000000000,            # +-0
    0x7ff0000000000000, 0xfff0000000000000,            # +-inf
    0x7ff8000000000000, 0xfff8000000000000,            # qNaN (canonical, negative)
    0x7ffc000000000123, 0x7ff0000000000001,            # qNaN payload, sNaN
    0x7ff4000000000000, 0xfff0000000000abc,            # sNaNs
    0x0000000000000001, 0x8000000000000001,            # min subnormal
    0x000fffffffffffff, 0x0008000000000000,            # subnormals
    0x0010000000000000, 0x8010000000000000,            # min normal
    0x7fefffffffffffff, 0xffefffffffffffff,            # max finite
    0x3ff0000000000000, 0xbff0000000000000,            # +-1
    0x3fe0000000000000, 0x3ff8000000000000,            # 0.5 1.5
    0x4004000000000000, 0xc004000000000000,            # +-2.5
    0x400c000000000000, 0xbfe0000000000000,            # 3.5 -0.5
    0x3ff0000000000001, 0x3fefffffffffffff,            # 1+ulp 1-ulp
    0x4330000000000000, 0x4330000000000001,            # 2^52 2^52+1
    0x4340000000000000, 0x432fffffffffffff,            # 2^53, 2^52-0.5
    0x43e0000000000000, 0xc3e0000000000000,            # +-2^63
    0x43dfffffffffffff, 0xc3e0000000000001,            # just inside/outside int64
    0x43f0000000000000, 0x43efffffffffffff,            # 2^64, below
    0x41e0000000000000, 0xc1e0000000000000,            # +-2^31
    0x41dfffffffc00000, 0x41dfffffffe00000,            # 2^31-1, 2^31-0.5
    0x41efffffffe00000, 0x41f0000000000000,            # 2^32-1, 2^32
    0xc1e0000000200000, 0xc1dfffffffffffff,            # -2^31-1, just above -2^31
    0x47efffffe0000000, 0x47effffff0000000,            # FLT_MAX, FLT_MAX+half ulp
    0x47efffffefffffff, 0x47f0000000000000,            # just under tie, 2^128
    0x36a0000000000000, 0x3690000000000000,            # 2^-149, 2^-150
    0x3698000000000000, 0x3810000000000000,            # 1.5*2^-150, 2^-126
    0x380fffffe0000000, 0x380ffffff0000000,            # float max subnormal, tie
    0x3fd5555555555555, 0x400921fb54442d18,            # 1/3, pi
    0x3ff0000010000000, 0x3ff0000030000000,            # float ties (even/odd)
    0x3ff0000008000000, 0xbff0000010000001,
]

S_SPECIAL = [
    0x00000000, 0x80000000, 0x7f800000, 0xff800000,    # +-0, +-inf
    0x7fc00000, 0xffc00000, 0x7fc00123, 0x7f800001,    # qNaNs, sNaN
    0x7fa00000, 0xff800abc,                            # sNaNs
    0x00000001, 0x80000001, 0x007fffff, 0x00400000,    # subnormals
    0x00800000, 0x80800000, 0x7f7fffff, 0xff7fffff,    # min normal, max
    0x3f800000, 0xbf800000, 0x3f000000, 0x3fc00000,    # 1 -1 0.5 1.5
    0x40200000, 0xc0200000, 0x40600000, 0xbf000000,    # 2.5 -2.5 3.5 -0.5
    0x3f800001, 0x3f7fffff, 0x4b000000, 0x4b000001,    # 1+ulp 1-ulp 2^23
    0x4b800000, 0x4affffff,                            # 2^24, 2^23-0.5
    0x4f000000, 0xcf000000, 0x4effffff, 0xcf000001,    # +-2^31 and neighbours
    0x4f800000, 0x4f7fffff, 0x5f000000, 0xdf000000,    # 2^32, 2^63
    0x5effffff, 0xdf000001, 0x5f800000, 0x5f7fffff,    # 2^64
    0x3eaaaaab, 0x40490fdb, 0x34000000, 0x0c000000,
]


# operand pairs whose product lands at the underflow boundary (tininess is
# detected after rounding: the result may round up to the smallest normal)
# or at the overflow boundary, per format; signs are randomised by users
FP_EDGE_PAIRS = {
    "s": [(0x3f800001, 0x007fffff), (0x3f7fffff, 0x00800000), (0x3fffffff, 0x003fffff),
          (0x3f800003, 0x007ffffe), (0x3f7fffff, 0x7f7fffff), (0x3f800001, 0x7f7fffff),
          (0x34000000, 0x00800001), (0x3f000001, 0x00000003)],
    "d": [(0x3ff0000000000001, 0x000fffffffffffff), (0x3fefffffffffffff, 0x0010000000000000),
          (0x3fffffffffffffff, 0x0007ffffffffffff), (0x3fefffffffffffff, 0x7fefffffffffffff),
          (0x3ff0000000000001, 0x7fefffffffffffff), (0x3cb0000000000000, 0x0010000000000001),
          (0x3fe0000000000001, 0x0000000000000003)],
}


def rand_double(r):
    c = r.random()
    if c < 0.45:
        return r.choice(D_SPECIAL)
    sign = r.getrandbits(1) << 63
    if c < 0.75:      # moderate exponent, random mantissa
        exp = 1023 + r.randint(-40, 70)
        return sign | (exp << 52) | r.getrandbits(52)
    if c < 0.85:      # few mantissa bits: exact-ish, ties when combined
        exp = 1023 + r.randint(-3, 64)
        return sign | (exp << 52) | (r.getrandbits(8) << 44)
    if c < 0.92:      # small integer value
        v = float(r.randint(-100000, 100000)) + r.choice([0.0, 0.5, 0.25, 0.75])
        import struct
        return struct.unpack("<Q", struct.pack("<d", v))[0]
    return r.getrandbits(64)


def rand_single(r):
    c = r.random()
    if c < 0.45:
        return r.choice(S_SPECIAL)
    sign = r.getrandbits(1) << 31
    if c < 0.75:
        exp = 127 + r.randint(-30, 66)
        return sign | (exp << 23) | r.getrandbits(23)
    if c < 0.85:
        exp = 127 + r.randint(-3, 64)
        return sign | (exp << 23) | (r.getrandbits(6) << 17)
    if c < 0.92:
        import struct
        v = float(r.randint(-30000, 30000)) + r.choice([0.0, 0.5, 0.25, 0.75])
        return struct.unpack("<I", struct.pack("<f", v))[0]
    return r.getrandbits(32)


def box_single(r, s):
    """NaN-box most of the time; sometimes leave an improperly boxed value."""
    c = r.random()
    if c < 0.85:
        return 0xffffffff00000000 | s
    return (r.choice([0, 0xfffffffe, 0x7fffffff, r.getrandbits(32)]) << 32) | s


def rand_int(r):
    c = r.random()
    if c < 0.35:
        return r.choice(INT_SPECIAL)
    if c < 0.50:
        v = 1 << r.randint(0, 63)
        return (v + r.choice([0, 0, -1, 1])) & M64
    if c < 0.65:
        return r.randint(-64, 64) & M64
    if c < 0.75:   # sign-extended 32-bit value
        v = r.getrandbits(32)
        return (v | (0xffffffff00000000 if v >> 31 else 0))
    return r.getrandbits(64)


# ----------------------------------------------------------------------------
# Generator
# ----------------------------------------------------------------------------

class Gen:
    def __init__(self, seed, length):
        self.r = random.Random(seed)
        self.seed = seed
        self.length = length
        self.lines = []
        self.nlabel = 0
        self.pending = []          # [items_left, label] forward branch targets
        self.forbid = set()        # registers that must not be written now
        self.recent = []           # recently written integer registers
        self.ftype = {}            # fN -> 's' or 'd' (what it most likely holds)
        self.rvc = True
        self.addrs = []            # recently used data offsets
        self.in_loop = False
        self.nckpt = 0
        self.make_init()

    # -- emission helpers -------------------------------------------------
    def e(self, s):
        self.lines.append("\t" + s)

    def label(self):
        self.nlabel += 1
        return ".L%d" % self.nlabel

    def chance(self, p):
        return self.r.random() < p

    # -- register picking ---------------------------------------------------
    def rd(self, pool=None, allow_x0=True):
        pool = [x for x in (pool or INT_POOL) if x not in self.forbid]
        if allow_x0 and self.chance(0.04):
            return 0
        x = self.r.choice(pool)
        self.recent = ([x] + [y for y in self.recent if y != x])[:6]
        return x

    def rs(self, pool=None, allow_x0=True):
        pool = pool or INT_POOL
        if allow_x0 and self.chance(0.05):
            return 0
        rec = [x for x in self.recent if x in pool]
        if rec and self.chance(0.4):
            return self.r.choice(rec)
        return self.r.choice(pool)

    def crd(self):
        return self.rd(CREGS, allow_x0=False)

    def crs(self):
        return self.rs(CREGS, allow_x0=False)

    def fd(self, kind):
        f = self.r.randrange(32)
        self.ftype[f] = kind
        return f

    def fs(self, kind):
        match = [f for f in range(32) if self.ftype.get(f) == kind]
        if match and self.chance(0.93):
            return self.r.choice(match)
        return self.r.randrange(32)

    def rm(self, allow_illegal=True):
        c = self.r.random()
        if allow_illegal and c < 0.015:
            return self.r.choice([5, 6])
        if c < 0.22:
            return 7
        return self.r.randrange(5)

    def imm12(self):
        c = self.r.random()
        if c < 0.25:
            return self.r.choice([0, 1, -1, 2047, -2048, 2, -2, 0x7ff, 31, 32, 63, 64])
        if c < 0.6:
            return self.r.randint(-64, 64)
        return self.r.randint(-2048, 2047)

    def li(self, x, v):
        """li with a 64-bit pattern (printed as signed for gas)."""
        v &= M64
        if v >> 63:
            v -= 1 << 64
        self.e("li x%d, %d" % (x, v))

    # -- item generators -------------------------------------------------
    def g_alu_rr(self):
        op = self.r.choice([
            "add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and",
            "addw", "subw", "sllw", "srlw", "sraw"])
        self.e("%s x%d, x%d, x%d" % (op, self.rd(), self.rs(), self.rs()))

    def g_alu_imm(self):
        c = self.r.random()
        if c < 0.55:
            op = self.r.choice(["addi", "slti", "sltiu", "xori", "ori", "andi", "addiw"])
            self.e("%s x%d, x%d, %d" % (op, self.rd(), self.rs(), self.imm12()))
        elif c < 0.85:
            op = self.r.choice(["slli", "srli", "srai"])
            sh = self.r.choice([0, 1, 31, 32, 63, self.r.randrange(64)])
            self.e("%s x%d, x%d, %d" % (op, self.rd(), self.rs(), sh))
        else:
            op = self.r.choice(["slliw", "srliw", "sraiw"])
            sh = self.r.choice([0, 1, 31, self.r.randrange(32)])
            self.e("%s x%d, x%d, %d" % (op, self.rd(), self.rs(), sh))

    def g_upper(self):
        op = self.r.choice(["lui", "auipc"])
        v = self.r.choice([0, 1, 0x80000, 0xfffff, 0x7ffff, self.r.getrandbits(20)])
        self.e("%s x%d, 0x%x" % (op, self.rd(), v))

    def g_li(self):
        self.li(self.rd(allow_x0=False), rand_int(self.r))

    def g_muldiv(self):
        op = self.r.choice([
            "mul", "mulh", "mulhsu", "mulhu", "mulw", "div", "divu", "rem", "remu",
            "divw", "divuw", "remw", "remuw"])
        a, b = self.rs(), self.rs()
        if op[0] in "dr" and self.chance(0.3):
            # force division by zero or signed overflow
            a = self.rd(allow_x0=False)
            self.li(a, self.r.choice([0x8000000000000000, 0xffffffff80000000,
                                      0x80000000, rand_int(self.r)]))
            b = self.rd(allow_x0=False)
            if a != b:
                self.li(b, self.r.choice([0, M64, 0xffffffff, 0x100000000]))
            else:
                b = 0
        self.e("%s x%d, x%d, x%d" % (op, self.rd(), a, b))

    def g_bitmanip(self):
        c = self.r.random()
        if c < 0.5:
            op = self.r.choice([
                "andn", "orn", "xnor", "min", "max", "minu", "maxu", "rol", "ror",
                "rolw", "rorw", "sh1add", "sh2add", "sh3add", "add.uw", "sh1add.uw",
                "sh2add.uw", "sh3add.uw", "bclr", "bext", "binv", "bset"])
            self.e("%s x%d, x%d, x%d" % (op, self.rd(), self.rs(), self.rs()))
        elif c < 0.75:
            # ctzw is left out: QEMU 7.2 gets it wrong when the low word is zero (README).
            op = self.r.choice(["clz", "ctz", "cpop", "clzw", "cpopw", "sext.b",
                                "sext.h", "zext.h", "orc.b", "rev8"])
            self.e("%s x%d, x%d" % (op, self.rd(), self.rs()))
        elif c < 0.92:
            op = self.r.choice(["rori", "bclri", "bexti", "binvi", "bseti", "slli.uw"])
            self.e("%s x%d, x%d, %d" % (op, self.rd(), self.rs(),
                                        self.r.choice([0, 31, 32, 63, self.r.randrange(64)])))
        else:
            self.e("roriw x%d, x%d, %d" % (self.rd(), self.rs(), self.r.randrange(32)))

    # memory ------------------------------------------------------------
    def data_off(self, size, aligned=None):
        """Offset inside the data page for an access of `size` bytes."""
        if aligned is None:
            aligned = self.chance(0.6)
        if self.addrs and self.chance(0.35):
            base = self.r.choice(self.addrs) + self.r.randint(-8, 8)
        else:
            base = self.r.randrange(DATA_SIZE)
        if aligned:
            base &= ~(size - 1)
        elif size > 1 and base % size == 0:
            base += self.r.randint(1, size - 1)
        base = max(0, min(DATA_SIZE - size, base))
        if aligned:
            base &= ~(size - 1)
        self.addrs = ([base] + self.addrs)[:8]
        return base

    def base_for(self, off):
        """Return (reg, imm) addressing data+off: sp itself, or a random
        register set to sp+k by an addi (then imm = the rest)."""
        if self.chance(0.6):
            return 2, off - SP_OFF
        reg = self.rd(allow_x0=False)
        k = self.r.randint(max(-2048, off - SP_OFF - 2047), min(2047, off - SP_OFF + 2048))
        self.e("addi x%d, x2, %d" % (reg, k))
        return reg, off - SP_OFF - k

    def g_load(self):
        op, size = self.r.choice([("lb", 1), ("lbu", 1), ("lh", 2), ("lhu", 2), ("lw", 4),
                                  ("lwu", 4), ("ld", 8), ("flw", 4), ("fld", 8)])
        off = self.data_off(size)
        reg, imm = self.base_for(off)
        if op[0] == "f":
            self.e("%s f%d, %d(x%d)" % (op, self.fd("s" if size == 4 else "d"), imm, reg))
        else:
            self.e("%s x%d, %d(x%d)" % (op, self.rd(), imm, reg))

    def g_store(self):
        op, size = self.r.choice([("sb", 1), ("sh", 2), ("sw", 4), ("sd", 8),
                                  ("fsw", 4), ("fsd", 8)])
        off = self.data_off(size)
        reg, imm = self.base_for(off)
        if op[0] == "f":
            self.e("%s f%d, %d(x%d)" % (op, self.r.randrange(32), imm, reg))
        else:
            self.e("%s x%d, %d(x%d)" % (op, self.rs(), imm, reg))

    def amo_addr(self, size, aligned=True):
        off = self.data_off(size, aligned)
        reg = self.rd(allow_x0=False)
        self.e("addi x%d, x2, %d" % (reg, off - SP_OFF))
        return reg

    def g_amo(self, misaligned=False):
        op = self.r.choice(["amoswap", "amoadd", "amoxor", "amoand", "amoor", "amomin",
                            "amomax", "amominu", "amomaxu"])
        w = self.r.choice(["w", "d"])
        order = self.r.choice(["", "", ".aq", ".rl", ".aqrl"])
        a = self.amo_addr(4 if w == "w" else 8, aligned=not misaligned)
        self.e("%s.%s%s x%d, x%d, (x%d)" % (op, w, order, self.rd(), self.rs(), a))

    def g_lrsc(self):
        w = self.r.choice(["w", "d"])
        size = 4 if w == "w" else 8
        c = self.r.random()
        if c < 0.1:
            # misaligned LR: must raise load address misaligned
            a = self.amo_addr(size, aligned=False)
            self.e("lr.%s x%d, (x%d)" % (w, self.rd(), a))
            return
        a = self.amo_addr(size)
        self.forbid.add(a)
        self.e("lr.%s%s x%d, (x%d)" % (w, self.r.choice(["", ".aq", ".aqrl"]), self.rd(), a))
        for _ in range(self.r.randint(0, 2)):
            self.r.choice([self.g_alu_rr, self.g_alu_imm])()
        self.e("sc.%s%s x%d, x%d, (x%d)" % (w, self.r.choice(["", ".rl", ".aqrl"]),
                                            self.rd(), self.rs(), a))
        self.forbid.discard(a)
        if self.chance(0.2):
            # a second SC without a new LR must fail
            self.e("sc.%s x%d, x%d, (x%d)" % (w, self.rd(), self.rs(), a))

    def g_compressed(self):
        c = self.r.randrange(22)
        E = lambda s: (self.e(".option push"), self.e(".option rvc"), self.e(s),
                       self.e(".option pop"))
        if c == 0:
            E("c.addi x%d, %d" % (self.rd(allow_x0=False), self.r.choice(
                [v for v in range(-32, 32) if v])))
        elif c == 1:
            E("c.addiw x%d, %d" % (self.rd(allow_x0=False), self.r.randint(-32, 31)))
        elif c == 2:
            E("c.li x%d, %d" % (self.rd(allow_x0=False), self.r.randint(-32, 31)))
        elif c == 3:
            rd = self.rd([x for x in INT_POOL if x != 2], allow_x0=False)
            E("c.lui x%d, 0x%x" % (rd, self.r.choice(list(range(1, 32)) +
                                                      list(range(0xfffe0, 0x100000)))))
        elif c == 4:
            E("c.slli x%d, %d" % (self.rd(allow_x0=False), self.r.randint(1, 63)))
        elif c == 5:
            op = self.r.choice(["c.srli", "c.srai"])
            E("%s x%d, %d" % (op, self.crd(), self.r.randint(1, 63)))
        elif c == 6:
            E("c.andi x%d, %d" % (self.crd(), self.r.randint(-32, 31)))
        elif c == 7:
            E("c.mv x%d, x%d" % (self.rd(allow_x0=False), self.rs(allow_x0=False)))
        elif c == 8:
            E("c.add x%d, x%d" % (self.rd(allow_x0=False), self.rs(allow_x0=False)))
        elif c == 9:
            op = self.r.choice(["c.and", "c.or", "c.xor", "c.sub", "c.addw", "c.subw"])
            E("%s x%d, x%d" % (op, self.crd(), self.crs()))
        elif c == 10:
            E("c.addi4spn x%d, x2, %d" % (self.crd(), 4 * self.r.randint(1, 255)))
        elif c == 11:
            # sp-relative loads/stores, sp = data + 2048, unsigned scaled offsets
            op, size, scale = self.r.choice([
                ("c.lwsp", 4, 64), ("c.ldsp", 8, 64), ("c.fldsp", 8, 64),
                ("c.swsp", 4, 64), ("c.sdsp", 8, 64), ("c.fsdsp", 8, 64)])
            off = size * self.r.randrange(scale)
            if op == "c.fldsp":
                E("%s f%d, %d(x2)" % (op, self.fd("d"), off))
            elif op == "c.fsdsp":
                E("%s f%d, %d(x2)" % (op, self.r.randrange(32), off))
            elif op[2] == "l":
                E("%s x%d, %d(x2)" % (op, self.rd(allow_x0=False), off))
            else:
                E("%s x%d, %d(x2)" % (op, self.rs(), off))
        elif c in (12, 13):
            op, size = self.r.choice([("c.lw", 4), ("c.ld", 8), ("c.fld", 8),
                                      ("c.sw", 4), ("c.sd", 8), ("c.fsd", 8)])
            uoff = size * self.r.randrange(32)
            base_off = self.r.randrange(0, DATA_SIZE - uoff - size + 1) & ~(size - 1)
            b = self.crd()
            self.e("addi x%d, x2, %d" % (b, base_off - SP_OFF))
            if op == "c.fld":
                f = self.r.choice(CREGS)
                self.ftype[f] = "d"
                E("%s f%d, %d(x%d)" % (op, f, uoff, b))
            elif op == "c.fsd":
                E("%s f%d, %d(x%d)" % (op, self.r.choice(CREGS), uoff, b))
            elif op[2] == "l":
                E("%s x%d, %d(x%d)" % (op, self.crd(), uoff, b))
            else:
                E("%s x%d, %d(x%d)" % (op, self.crs(), uoff, b))
        elif c == 14:
            # c.addi16sp pair: sp moves, c.addi4spn captures it, sp comes back
            d = 16 * self.r.choice([v for v in range(-31, 32) if v])
            E("c.addi16sp x2, %d" % d)
            E("c.addi4spn x%d, x2, %d" % (self.crd(), 4 * self.r.randint(1, 255)))
            E("c.addi16sp x2, %d" % -d)
        elif c == 15:
            E("c.nop")
        elif c == 16:
            # compressed branch over one small item
            lab = self.label()
            E("%s x%d, %s" % (self.r.choice(["c.beqz", "c.bnez"]), self.crs(), lab))
            self.pending.append([self.r.randint(0, 2), lab])
        elif c == 17:
            lab = self.label()
            E("c.j %s" % lab)
            self.pending.append([self.r.randint(0, 2), lab])
        elif c == 18:
            # c.jr / c.jalr through a register set with la
            lab = self.label()
            t = self.rd([x for x in INT_POOL if x != 1], allow_x0=False)
            self.e("la x%d, %s" % (t, lab))
            E("%s x%d" % (self.r.choice(["c.jr", "c.jalr"]), t))
            self.recent = [1] + self.recent
            self.pending.append([self.r.randint(0, 2), lab])
        else:
            self.e("%s x%d, x%d, x%d" % (self.r.choice(["add", "sub", "and", "or", "xor",
                                                         "addw", "subw"]),
                                          self.crd(), self.crs(), self.crs()))

    def g_branch(self):
        lab = self.label()
        c = self.r.random()
        if c < 0.75:
            op = self.r.choice(["beq", "bne", "blt", "bge", "bltu", "bgeu"])
            a = self.rs()
            b = a if self.chance(0.1) else self.rs()
            self.e("%s x%d, x%d, %s" % (op, a, b, lab))
        elif c < 0.9:
            self.e("jal x%d, %s" % (self.rd(), lab))
        else:
            t = self.rd(allow_x0=False)
            adj = self.r.choice([0, 0, 8, -4, 2047, -2048])
            odd = 1 if self.chance(0.3) else 0     # jalr clears bit 0 of the target
            self.e("la x%d, %s%+d" % (t, lab, odd - adj))
            rd = self.rd() if self.chance(0.8) else t
            self.e("jalr x%d, %d(x%d)" % (rd, adj, t))
        self.pending.append([self.r.randint(0, 4), lab])

    def g_loop(self):
        if self.pending or self.in_loop:
            return self.g_alu_rr()
        cnt = self.rd(allow_x0=False)
        lab = self.label()
        self.li(cnt, self.r.randint(1, 4))
        self.lines.append(lab + ":")
        self.forbid.add(cnt)
        self.in_loop = True
        for _ in range(self.r.randint(1, 4)):
            self.simple_item()
        self.in_loop = False
        self.forbid.discard(cnt)
        self.e("addi x%d, x%d, -1" % (cnt, cnt))
        self.e("bnez x%d, %s" % (cnt, lab))

    # floating point ----------------------------------------------------
    def fmt(self):
        return self.r.choice(["s", "d"])

    def rm_insn(self, mnem, rm, insn):
        """Emit mnemonic with rm if gas can say it, else .insn."""
        name = RM_NAMES[rm]
        if name is not None and mnem is not None:
            self.e("%s, %s" % (mnem, name))
        else:
            self.e("%s\t# %s, rm=%d" % (insn, mnem or "", rm))

    def g_fp_arith(self):
        op, f7 = self.r.choice([("fadd", 0x00), ("fsub", 0x04), ("fmul", 0x08), ("fdiv", 0x0c)])
        k = self.fmt()
        a, b = self.fs(k), self.fs(k)
        d = self.fd(k)
        rm = self.rm()
        self.rm_insn("%s.%s f%d, f%d, f%d" % (op, k, d, a, b), rm,
                     ".insn r 0x53, %d, 0x%x, f%d, f%d, f%d" % (rm, f7 | (k == "d"), d, a, b))

    def g_fp_sqrt(self):
        k = self.fmt()
        a = self.fs(k)
        d = self.fd(k)
        rm = self.rm()
        self.rm_insn("fsqrt.%s f%d, f%d" % (k, d, a), rm,
                     ".insn r 0x53, %d, 0x%x, f%d, f%d, f0" % (rm, 0x2c | (k == "d"), d, a))

    def g_fp_fma(self):
        op, opc = self.r.choice([("fmadd", 0x43), ("fmsub", 0x47), ("fnmsub", 0x4b),
                                 ("fnmadd", 0x4f)])
        k = self.fmt()
        a, b, c = self.fs(k), self.fs(k), self.fs(k)
        d = self.fd(k)
        rm = self.rm()
        self.rm_insn("%s.%s f%d, f%d, f%d, f%d" % (op, k, d, a, b, c), rm,
                     ".insn r4 0x%x, %d, %d, f%d, f%d, f%d, f%d" % (opc, rm, k == "d",
                                                                  d, a, b, c))

    def g_fp_misc(self):
        k = self.fmt()
        c = self.r.random()
        if c < 0.3:
            op = self.r.choice(["fmin", "fmax"])
            self.e("%s.%s f%d, f%d, f%d" % (op, k, self.fd(k), self.fs(k), self.fs(k)))
        elif c < 0.55:
            op = self.r.choice(["fsgnj", "fsgnjn", "fsgnjx"])
            a = self.fs(k)
            b = a if self.chance(0.2) else self.fs(k)
            self.e("%s.%s f%d, f%d, f%d" % (op, k, self.fd(k), a, b))
        elif c < 0.8:
            op = self.r.choice(["feq", "flt", "fle"])
            self.e("%s.%s x%d, f%d, f%d" % (op, k, self.rd(), self.fs(k), self.fs(k)))
        else:
            self.e("fclass.%s x%d, f%d" % (k, self.rd(), self.fs(k)))

    def g_fp_mv(self):
        c = self.r.randrange(4)
        if c == 0:
            self.e("fmv.x.w x%d, f%d" % (self.rd(), self.fs("s")))
        elif c == 1:
            self.e("fmv.x.d x%d, f%d" % (self.rd(), self.fs("d")))
        elif c == 2:
            self.e("fmv.w.x f%d, x%d" % (self.fd("s"), self.rs()))
        else:
            self.e("fmv.d.x f%d, x%d" % (self.fd("d"), self.rs()))

    def g_fp_edge(self):
        """A multiply or FMA whose exact result sits at the underflow or
        overflow boundary (operands loaded here, rounding mode random)."""
        k = self.fmt()
        pa, pb = self.r.choice(FP_EDGE_PAIRS[k])
        t = self.rd(allow_x0=False)
        regs = []
        for v in (pa, pb):
            v |= self.r.getrandbits(1) << (31 if k == "s" else 63)
            f = self.fd(k)
            self.li(t, v)
            self.e("fmv.%s.x f%d, x%d" % ("w" if k == "s" else "d", f, t))
            regs.append(f)
        d = self.fd(k)
        rm = self.rm(allow_illegal=False)
        if self.chance(0.5):
            self.rm_insn("fmul.%s f%d, f%d, f%d" % (k, d, regs[0], regs[1]), rm, None)
        else:
            self.rm_insn("fmadd.%s f%d, f%d, f%d, f%d" % (k, d, regs[0], regs[1],
                                                          self.fs(k)), rm, None)

    def g_fp_load_special(self):
        """Refresh an FP register with an interesting value via an integer temp."""
        t = self.rd(allow_x0=False)
        if self.chance(0.5):
            self.li(t, rand_double(self.r))
            self.e("fmv.d.x f%d, x%d" % (self.fd("d"), t))
        else:
            self.li(t, rand_single(self.r))
            self.e("fmv.w.x f%d, x%d" % (self.fd("s"), t))

    def g_fp_cvt(self):
        c = self.r.random()
        rm = self.rm()
        if c < 0.4:       # fp -> int
            k = self.fmt()
            i, sel = self.r.choice([("w", 0), ("wu", 1), ("l", 2), ("lu", 3)])
            a = self.fs(k)
            d = self.rd()
            self.rm_insn("fcvt.%s.%s x%d, f%d" % (i, k, d, a), rm,
                         ".insn r 0x53, %d, 0x%x, x%d, f%d, x%d" % (rm, 0x60 | (k == "d"),
                                                                 d, a, sel))
        elif c < 0.75:    # int -> fp
            k = self.fmt()
            i, sel = self.r.choice([("w", 0), ("wu", 1), ("l", 2), ("lu", 3)])
            a = self.rs()
            if self.chance(0.3):
                a = self.rd(allow_x0=False)
                self.li(a, rand_int(self.r))
            d = self.fd(k)
            mn = "fcvt.%s.%s f%d, x%d" % (k, i, d, a)
            if k == "d" and i in ("w", "wu"):
                mn = None      # gas refuses an rm on exact conversions
            self.rm_insn(mn, rm, ".insn r 0x53, %d, 0x%x, f%d, x%d, x%d" % (
                rm, 0x68 | (k == "d"), d, a, sel))
        elif c < 0.88:
            a = self.fs("d")
            d = self.fd("s")
            self.rm_insn("fcvt.s.d f%d, f%d" % (d, a), rm,
                         ".insn r 0x53, %d, 0x20, f%d, f%d, x1" % (rm, d, a))
        else:
            a = self.fs("s")
            d = self.fd("d")
            self.rm_insn(None, rm, ".insn r 0x53, %d, 0x21, f%d, f%d, x0" % (rm, d, a))

    def g_fcsr(self):
        c = self.r.randrange(8)
        if c == 0:
            self.e("%s x%d" % (self.r.choice(["frcsr", "frrm", "frflags"]), self.rd()))
        elif c == 1:
            self.e("csrrwi x%d, fflags, %d" % (self.rd(), self.r.randrange(32)))
        elif c == 2:
            self.e("%s x%d, fflags, %d" % (self.r.choice(["csrrsi", "csrrci"]), self.rd(),
                                           self.r.randrange(32)))
        elif c == 3:
            self.e("csrrwi x%d, frm, %d" % (self.rd(), self.r.randrange(5)))
        elif c == 4:
            t = self.rd(allow_x0=False)
            self.li(t, self.r.randrange(5) << 5 | self.r.randrange(32))
            self.e("csrrw x%d, fcsr, x%d" % (self.rd(), t))
        elif c == 5:
            # any register value into fflags via set/clear (upper bits ignored)
            self.e("%s x%d, fflags, x%d" % (self.r.choice(["csrrs", "csrrc", "csrrw"]),
                                           self.rd(), self.rs()))
        elif c == 6:
            self.e("csrrci x%d, fcsr, %d" % (self.rd(), self.r.randrange(32)))
        else:
            self.e("csrrwi x%d, fcsr, %d" % (self.rd(), self.r.randrange(32)))

    def g_frm_window(self):
        """Make frm invalid for a few items: dynamic-rm FP ops must trap."""
        if self.in_loop:
            return self.g_fcsr()
        self.e("csrrwi x%d, frm, %d" % (self.rd(), self.r.randint(5, 7)))
        for _ in range(self.r.randint(1, 4)):
            self.r.choice([self.g_fp_arith, self.g_fp_cvt, self.g_fp_fma, self.g_fp_misc,
                           self.g_fp_sqrt])()
        self.e("csrrwi x%d, frm, %d" % (self.rd(), self.r.randrange(5)))

    def g_fs_off(self):
        """mstatus.FS = Off for a few FP instructions: they all must trap."""
        t = self.rd(allow_x0=False)
        self.li(t, 0x6000)
        self.e("csrc mstatus, x%d" % t)
        self.forbid.add(t)
        for _ in range(self.r.randint(1, 3)):
            c = self.r.randrange(6)
            if c == 0:
                self.e("frcsr x%d" % self.rd())
            elif c == 1:
                self.e("fld f%d, %d(x2)" % (self.r.randrange(32), 8 * self.r.randrange(32)))
            elif c == 2:
                self.e("fmv.x.d x%d, f%d" % (self.rd(), self.r.randrange(32)))
            else:
                self.r.choice([self.g_fp_arith, self.g_fp_misc, self.g_fp_fma])()
        self.forbid.discard(t)
        self.e("csrs mstatus, x%d" % t)

    # traps ------------------------------------------------------------
    def g_trap(self):
        c = self.r.randrange(14)
        if c == 0:
            self.e(".half 0x0000\t# defined illegal instruction")
        elif c == 1:
            # custom-0 / custom-1 opcodes: never standard
            self.e(".word 0x%08x\t# custom opcode" % (
                (self.r.getrandbits(25) << 7) | self.r.choice([0x0b, 0x2b])))
        elif c == 2:
            self.e("csrr x%d, 0x%x\t# unimplemented custom CSR" % (
                self.rd(), self.r.choice([0xbc5, 0x8c1, 0xfc2, 0x5c3, 0xbff, 0x800])))
        elif c == 3:
            # writes to a read-only CSR (rs1 value non-zero; see README for rs1=0)
            t = self.rd(allow_x0=False)
            self.li(t, self.r.randint(1, 255))
            self.e("%s x%d, mhartid, x%d" % (self.r.choice(["csrrw", "csrrs", "csrrc"]),
                                             self.rd(), t))
        elif c == 4:
            self.e("csrrwi x%d, mhartid, %d" % (self.rd(), self.r.randrange(32)))
        elif c == 5:
            self.e("ecall")
        elif c == 6:
            if self.chance(0.5):
                self.e("ebreak")
            else:
                self.e(".option push\n\t.option rvc\n\tc.ebreak\n\t.option pop")
        elif c == 7:
            self.g_amo(misaligned=True)
        elif c == 8:
            w = self.r.choice(["w", "d"])
            a = self.amo_addr(4 if w == "w" else 8, aligned=False)
            self.e("lr.%s x%d, (x%d)" % (w, self.rd(), a))
        elif c == 9:
            # W-form shift with shamt[5] set: reserved
            f3, f7 = self.r.choice([(1, 0x00), (5, 0x00), (5, 0x20)])
            sh = 32 + self.r.randrange(32)
            enc = ((f7 | (sh >> 5)) << 25) | ((sh & 31) << 20) | (self.rs() << 15) | \
                (f3 << 12) | (self.rd() << 7) | 0x1b
            self.e(".word 0x%08x\t# W-shift with shamt[5]=1 (reserved)" % enc)
        elif c == 10:
            # quad-precision (fmt=11): Q is not implemented
            enc = (0x03 << 25) | (self.r.randrange(32) << 20) | (self.r.randrange(32) << 15) | \
                (self.r.randrange(5) << 12) | (self.r.randrange(32) << 7) | 0x53
            self.e(".word 0x%08x\t# fadd.q (Q not implemented)" % enc)
        elif c == 11:
            # FP op with reserved static rounding mode 5/6
            self.g_fp_arith_badrm()
        elif c == 12:
            # reserved compressed encodings
            rd = self.r.randint(1, 31)
            enc = self.r.choice([
                0x0000 | (self.r.randrange(1, 8) << 2),     # c.addi4spn nzuimm=0
                0x6101,                                       # c.addi16sp nzimm=0
                0x6001 | ((rd if rd != 2 else 3) << 7),       # c.lui nzimm=0
                0x4002 | (self.r.getrandbits(1) << 12) | (self.r.randrange(32) << 2),  # c.lwsp rd=0
                0x6002 | (self.r.getrandbits(1) << 12) | (self.r.randrange(32) << 2),  # c.ldsp rd=0
                0x8002,                                       # c.jr x0
            ])
            self.e(".half 0x%04x\t# reserved compressed encoding" % enc)
        else:
            self.e(".half 0x0000")

    def g_fp_arith_badrm(self):
        k = self.fmt()
        rm = self.r.choice([5, 6])
        f7 = self.r.choice([0x00, 0x04, 0x08, 0x0c])
        self.e(".insn r 0x53, %d, 0x%x, f%d, f%d, f%d\t# reserved rm" % (
            rm, f7 | (k == "d"), self.r.randrange(32), self.r.randrange(32),
            self.r.randrange(32)))

    def g_misc(self):
        c = self.r.randrange(5)
        if c == 0:
            self.e(self.r.choice(["fence", "fence rw, rw", "fence r, w", "fence.i",
                                  "fence.tso", "fence iorw, iorw"]))
        elif c == 1:
            self.e("csrr x%d, mhartid" % self.rd())
        elif c == 2:
            # scratch CSR read/write round trip
            self.e("csrrw x%d, mscratch, x%d" % (self.rd(), self.rs()))
            # put the trap save pointer back (the handler needs it)
            t = self.rd(allow_x0=False)
            self.e("la x%d, trap_save" % t)
            self.e("csrrw x%d, mscratch, x%d" % (self.rd(), t))
        elif c == 3:
            self.e("nop")
        else:
            # HINT encodings: must execute as no-ops
            self.e(self.r.choice([
                ".half 0x%04x\t# RVC HINT" % self.r.choice([
                    0x0005, 0x4005 | (self.r.randrange(32) << 2),    # c.nop imm, c.li x0
                    0x0281, 0x6005, 0x8016, 0x9016, 0x0006,         # c.addi x5,0 c.lui x0 ...
                    0x0282, 0x8001, 0x8401]),                       # c.slli/srli/srai 0
                "addi x0, x%d, %d" % (self.rs(), self.imm12()),
                "slti x0, x%d, 5" % self.rs(),
                "add x0, x%d, x%d" % (self.rs(), self.rs()),
                "lui x0, 0x%x" % self.r.getrandbits(20),
            ]))

    # -- item selection ---------------------------------------------------
    def simple_item(self):
        """An item with no control flow, usable inside loop bodies."""
        g = self.r.choices(self.SIMPLE, weights=self.SIMPLE_W)[0]
        g(self)

    SIMPLE = [g_alu_rr, g_alu_imm, g_upper, g_li, g_muldiv, g_bitmanip, g_load,
              g_store, g_amo, g_lrsc, g_fp_arith, g_fp_sqrt, g_fp_fma, g_fp_misc,
              g_fp_mv, g_fp_load_special, g_fp_cvt, g_fcsr, g_misc, g_trap, g_fp_edge]
    SIMPLE_W = [10, 10, 2, 3, 7, 8, 7, 7, 3, 1.5, 10, 1.5, 4, 5, 2.5, 9, 7, 2.5, 1, 1.5, 1]

    def item(self):
        c = self.r.random()
        if c < 0.05:
            self.g_branch()
        elif c < 0.11:
            self.g_compressed()
        elif c < 0.115:
            self.g_loop()
        elif c < 0.118:
            self.g_frm_window()
        elif c < 0.120:
            self.g_fs_off()
        else:
            self.simple_item()

    def tick(self):
        for p in self.pending:
            p[0] -= 1
        while any(p[0] < 0 for p in self.pending):
            for p in list(self.pending):
                if p[0] < 0:
                    self.lines.append(p[1] + ":")
                    self.pending.remove(p)

    def checkpoint(self):
        """Store every register and fcsr into the next checkpoint record.
        Only between top-level items with no branch pending, so each runs
        exactly once, in order; x2/x5/x6 are spilled through trap_save."""
        n = self.nckpt
        self.nckpt += 1
        self.lines.append("# checkpoint %d" % n)
        self.e("csrrw x2, mscratch, x2")
        self.e("sd x5, 56(x2)")
        self.e("sd x6, 72(x2)")
        self.e("ld x5, 64(x2)")
        for i in range(1, 32):
            if i not in (2, 5, 6):
                self.e("sd x%d, %d(x5)" % (i, 8 * i))
        self.e("ld x6, 56(x2)")
        self.e("sd x6, 40(x5)")
        self.e("ld x6, 72(x2)")
        self.e("sd x6, 48(x5)")
        self.e("csrr x6, mscratch")
        self.e("sd x6, 16(x5)")
        for i in range(32):
            self.e("fsd f%d, %d(x5)" % (i, 8 * (32 + i)))
        self.e("frcsr x6")
        self.e("sd x6, %d(x5)" % (8 * 64))
        self.e("li x6, %d" % n)
        self.e("sd x6, 0(x5)")
        self.e("addi x5, x5, %d" % (8 * CKPT_SLOTS))
        self.e("sd x5, 64(x2)")
        self.e("ld x5, 56(x2)")
        self.e("ld x6, 72(x2)")
        self.e("csrrw x2, mscratch, x2")

    def body(self):
        since = 0
        for i in range(self.length):
            if self.chance(0.01):
                self.rvc = not self.rvc
                self.e(".option %s" % ("rvc" if self.rvc else "norvc"))
            self.item()
            self.tick()
            since += 1
            if since >= CKPT_EVERY and not self.pending:
                self.checkpoint()
                since = 0
        for p in self.pending:
            self.lines.append(p[1] + ":")
        self.pending = []
        self.e(".option rvc")

    # -- whole program ------------------------------------------------------
    def make_init(self):
        """Initial register/memory values: their own random stream, so that
        --body programs and random programs of one seed start identically."""
        r = random.Random(self.seed * 7919 + 17)
        self.init_fs = r.choice([0x2000, 0x6000])      # FS = Initial or Dirty
        self.init_f = []
        for f in range(32):
            if r.random() < 0.5:
                self.init_f.append(rand_double(r))
                self.ftype[f] = "d"
            else:
                self.init_f.append(box_single(r, rand_single(r)))
                self.ftype[f] = "s"
        self.init_fcsr = (r.randrange(5) << 5) | r.randrange(32)
        self.init_x = {x: rand_int(r) for x in INT_POOL}
        self.data = []
        for _ in range(DATA_SIZE // 8):
            c = r.random()
            if c < 0.12:
                v = rand_int(r)
            elif c < 0.22:
                v = rand_double(r)
            elif c < 0.30:
                v = box_single(r, rand_single(r)) if r.random() < 0.3 else \
                    (rand_single(r) << 32) | rand_single(r)
            else:
                v = r.getrandbits(64)
            self.data.append(v)

    def init_state(self):
        self.e("li x5, 0x%x" % self.init_fs)
        self.e("csrs mstatus, x5")
        for f in range(32):
            self.li(5, self.init_f[f])
            self.e("fmv.d.x f%d, x5" % f)
        self.e("li x5, 0x%x" % self.init_fcsr)
        self.e("fscsr x5")
        self.e("la x2, data + %d" % SP_OFF)
        for x in INT_POOL:
            self.li(x, self.init_x[x])


HEADER = r"""
# Generated by tests/diff/gen.py %(args)s
	.option norelax
	.section .text.start, "ax"
	.globl _start
_start:
	la x5, trap_handler
	csrw mtvec, x5
	la x5, trap_save
	csrw mscratch, x5
%(init)s
	j body_start

# ---- trap handler: log (mcause, mepc - _start, mtval) and skip the insn ----
	.balign 4
trap_handler:
	csrrw x2, mscratch, x2
	sd x5, 0(x2)
	sd x6, 8(x2)
	sd x7, 16(x2)
	sd x28, 24(x2)
	sd x29, 40(x2)
	sd x30, 48(x2)
	csrr x5, mcause
	li x6, 1
	beq x5, x6, trap_fatal       # instruction access fault: jumped astray
	li x6, 12
	beq x5, x6, trap_fatal
	beqz x5, trap_fatal          # instruction address misaligned
	blt x5, x0, trap_fatal       # interrupt: never enabled
	ld x28, 32(x2)               # trap count
	li x6, %(trap_limit)d
	bgeu x28, x6, trap_fatal
	addi x6, x28, 1
	sd x6, 32(x2)
	csrr x29, mepc
	lhu x6, 0(x29)               # instruction bits (16 or 32)
	andi x7, x6, 3
	addi x30, x29, 2
	li x5, 3
	bne x7, x5, 1f
	lhu x7, 2(x29)
	slli x7, x7, 16
	or x6, x6, x7
	addi x30, x29, 4
1:	csrw mepc, x30
	csrr x7, mtval
	csrr x5, mcause
	# normalise the two implementation choices the spec allows for mtval:
	# illegal instruction: 0 or the instruction bits -> the instruction bits
	li x30, 2
	bne x5, x30, 2f
	bnez x7, 3f
	mv x7, x6
	j 3f
2:	# breakpoint: 0 or the pc of the ebreak -> 0
	li x30, 3
	bne x5, x30, 3f
	bne x7, x29, 3f
	li x7, 0
3:	li x30, %(log_max)d
	bgeu x28, x30, 4f
	slli x28, x28, 5             # 32-byte entries
	la x30, trap_log
	add x28, x28, x30
	sd x5, 0(x28)
	la x30, _start
	sub x29, x29, x30
	sd x29, 8(x28)
	sd x7, 16(x28)
	sd x6, 24(x28)
4:	ld x5, 0(x2)
	ld x6, 8(x2)
	ld x7, 16(x2)
	ld x28, 24(x2)
	ld x29, 40(x2)
	ld x30, 48(x2)
	csrrw x2, mscratch, x2
	mret

trap_fatal:
	li x5, 0x100000
	li x6, (2 << 16) | 0x3333    # exit status 2: runaway or fatal trap
	sw x6, 0(x5)
	j trap_fatal

	.balign 4
body_start:
# ---- random body ----
"""

FOOTER = r"""
# ---- end of body: save and print the state ----
test_end:
	csrw mscratch, x5
	la x5, state
%(save_x)s
	csrr x6, mscratch
	sd x6, 5*8(x5)
%(save_f)s
	frcsr x6
	sd x6, 64*8(x5)
	csrr x6, mstatus
	li x7, 0x1888                # MPP | MPIE | MIE
	and x6, x6, x7
	sd x6, 65*8(x5)
	la x6, trap_fatal
	csrw mtvec, x6               # a trap while printing is fatal
	la s0, state

	la a0, str_begin
	call puts
%(print_regs)s
	la a0, str_fcsr
	call puts
	ld a0, 64*8(s0)
	li a1, 16
	call puthexnl
	la a0, str_mstatus
	call puts
	ld a0, 65*8(s0)
	li a1, 16
	call puthexnl

	# trap log
	la a0, str_traps
	call puts
	la s1, trap_save
	ld s2, 32(s1)
	mv a0, s2
	li a1, 8
	call puthexnl
	li s3, %(log_max)d
	bleu s2, s3, 1f
	mv s2, s3
1:	la s1, trap_log
	li s3, 0
2:	bgeu s3, s2, 3f
	la a0, str_trap
	call puts
	mv a0, s3
	li a1, 3
	call puthex
	la a0, str_cause
	call puts
	ld a0, 0(s1)
	li a1, 16
	call puthex
	la a0, str_epc
	call puts
	ld a0, 8(s1)
	li a1, 8
	call puthex
	la a0, str_tval
	call puts
	ld a0, 16(s1)
	li a1, 16
	call puthex
	la a0, str_insn
	call puts
	ld a0, 24(s1)
	li a1, 8
	call puthexnl
	addi s1, s1, 32
	addi s3, s3, 1
	j 2b
3:
	# data page dump: 64 lines of 64 bytes
	la s1, data
	li s3, 0
4:	li a0, 'm'
	call putc
	mv a0, s3
	li a1, 3
	call puthex
	li a0, ' '
	call putc
	li s4, 0
5:	add t0, s1, s4
	add t0, t0, s3
	lbu a0, 0(t0)
	li a1, 2
	call puthex
	addi s4, s4, 1
	li t0, 64
	bltu s4, t0, 5b
	li a0, 10
	call putc
	addi s3, s3, 64
	li t0, %(data_size)d
	bltu s3, t0, 4b

	# checkpoints: the first in full, then only what changed since the previous
	la a0, str_ckpts
	call puts
	la s1, trap_save
	ld s2, 64(s1)                # one past the last record written
	la s1, ckpt_area
	sub a0, s2, s1
	li t0, %(ckpt_bytes)d
	divu a0, a0, t0
	li a1, 8
	call puthexnl
	li s5, 0                     # previous record (0 = none)
7:	bgeu s1, s2, 9f
	li s3, 1                     # slot: 1..31 x, 32..63 f, 64 fcsr
8:	li t0, 2
	beq s3, t0, 10f              # sp never changes
	slli t0, s3, 3
	add t1, s1, t0
	ld s4, 0(t1)
	beqz s5, 11f
	add t1, s5, t0
	ld t1, 0(t1)
	beq t1, s4, 10f
11:	li a0, 'c'
	call putc
	ld a0, 0(s1)
	li a1, 3
	call puthex
	li a0, ' '
	call putc
	la a0, ckpt_names
	slli t0, s3, 3
	add a0, a0, t0
	call puts
	li a0, ' '
	call putc
	mv a0, s4
	li a1, 16
	call puthexnl
10:	addi s3, s3, 1
	li t0, 65
	bltu s3, t0, 8b
	mv s5, s1
	addi s1, s1, %(ckpt_bytes)d
	j 7b
9:
	la a0, str_end
	call puts
	li t0, 0x100000
	li t1, 0x5555
	sw t1, 0(t0)
6:	j 6b

# putc(a0): 16550 THR at 0x10000000, LSR bit 5 at +5
putc:
	li t0, 0x10000000
1:	lbu t1, 5(t0)
	andi t1, t1, 0x20
	beqz t1, 1b
	sb a0, 0(t0)
	ret

# puts(a0): NUL-terminated string
puts:
	mv t3, ra
	mv t4, a0
1:	lbu a0, 0(t4)
	beqz a0, 2f
	call putc
	addi t4, t4, 1
	j 1b
2:	mv ra, t3
	ret

# puthex(a0 = value, a1 = nibbles)
puthex:
	mv t3, ra
	mv t5, a0
	mv t6, a1
1:	addi t6, t6, -1
	slli t2, t6, 2
	srl a0, t5, t2
	andi a0, a0, 15
	li t2, 10
	bltu a0, t2, 2f
	addi a0, a0, 'a' - '0' - 10
2:	addi a0, a0, '0'
	call putc
	bnez t6, 1b
	mv ra, t3
	ret

puthexnl:
	mv t4, ra
	call puthex
	li a0, 10
	call putc
	mv ra, t4
	ret

	.section .rodata
str_begin:	.asciz "BEGIN STATE\n"
str_end:	.asciz "END STATE\n"
str_fcsr:	.asciz "fcsr "
str_mstatus:	.asciz "mstatus "
str_traps:	.asciz "traps "
str_trap:	.asciz "trap "
str_cause:	.asciz " cause="
str_epc:	.asciz " epc="
str_tval:	.asciz " tval="
str_insn:	.asciz " insn="
str_ckpts:	.asciz "checkpoints "
	.balign 8
ckpt_names:
%(ckpt_names)s
%(reg_strs)s

	.data
	.balign 8
trap_save:	.zero 64                 # handler spills, trap count at +32
		.quad ckpt_area, 0, 0, 0, 0, 0, 0, 0   # +64 next checkpoint, +56/+72 spills
ckpt_area:	.zero %(ckpt_area)d
state:		.zero 66*8
trap_log:	.zero %(log_bytes)d              # (mcause, mepc-_start, mtval, insn)
	.balign 4096
data:
%(data)s
"""


def render(g, body_lines, args_text):
    init_saved = g.lines
    g.lines = []
    g.init_state()
    init = "\n".join(g.lines)
    g.lines = init_saved
    save_x = "\n".join("\tsd x%d, %d*8(x5)" % (i, i) for i in range(1, 32) if i != 5)
    save_f = "\n".join("\tfsd f%d, %d*8(x5)" % (i, 32 + i) for i in range(32))
    pr = []
    strs = []
    for i in range(1, 32):
        strs.append('str_x%d:\t.asciz "x%d "' % (i, i))
        pr.append("\tla a0, str_x%d\n\tcall puts\n\tld a0, %d*8(s0)\n\tli a1, 16\n"
                  "\tcall puthexnl" % (i, i))
    for i in range(32):
        strs.append('str_f%d:\t.asciz "f%d "' % (i, i))
        pr.append("\tla a0, str_f%d\n\tcall puts\n\tld a0, %d*8(s0)\n\tli a1, 16\n"
                  "\tcall puthexnl" % (i, 32 + i))
    data = "\n".join("\t.quad 0x%016x" % w for w in g.data)
    out = HEADER % dict(args=args_text, init=init, trap_limit=TRAP_LIMIT,
                        log_max=TRAP_LOG_MAX)
    out += "\n".join(body_lines) + "\n"
    out += FOOTER % dict(save_x=save_x, save_f=save_f, print_regs="\n".join(pr),
                         log_max=TRAP_LOG_MAX, data_size=DATA_SIZE,
                         reg_strs="\n".join(strs), log_bytes=32 * TRAP_LOG_MAX, data=data,
                         ckpt_bytes=8 * CKPT_SLOTS, ckpt_area=8 * CKPT_SLOTS * max(1, g.nckpt),
                         ckpt_names="\n".join(
                             '\t.asciz "%s"\n\t.balign 8' % n for n in
                             ["id"] + ["x%d" % i for i in range(1, 32)] +
                             ["f%d" % i for i in range(32)] + ["fcsr"]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--length", type=int, default=1500, help="number of random items")
    ap.add_argument("--body", help="use this assembly file as the body instead")
    ap.add_argument("-o", "--output", help="output .S (default stdout)")
    a = ap.parse_args()

    g = Gen(a.seed, a.length)
    if a.body:
        with open(a.body) as f:
            body = f.read().splitlines()
        args_text = "--seed %d --body %s" % (a.seed, a.body)
    else:
        g.body()
        body = g.lines
        args_text = "--seed %d --length %d" % (a.seed, a.length)
    text = render(g, body, args_text)
    if a.output:
        with open(a.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()

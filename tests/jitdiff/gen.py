#!/usr/bin/env python3
"""Random programs for the interpreter-vs-translator differential test.

    gen.py --seed N [--length L] [-o out.S] [--stats] [--portable] [--no-smode]
           [--inert-smc]

Builds on tests/diff/gen.py (imported as a library: same harness, initial
state, trap handler, checkpoints and printed state) and adds what stresses a
dynamic binary translator rather than an ISA implementation:

  - hot loops (5-200 iterations, nested up to two deep) whose bodies are
    random items, so blocks are translated, re-entered and chained; most
    bodies end with a fold of every register into a compared slot;
  - self-modifying code: instruction words patched in place (by sw, sh, sb,
    fsw, sd, amoswap) then fence.i, in loop bodies before and after the store,
    in hot functions, across a page boundary, by a store crossing from a data
    page into code; whole functions copied into a code buffer that shares its
    page with data;
  - calls and returns (ra and t0 links, tail calls, early returns), jump tables
    through jalr, indirect loop back-edges;
  - code at page boundaries: blocks that end exactly at a page end, 4-byte
    instructions straddling two pages (some patched, some trapping), branches
    and loops across the boundary;
  - traps inside hot loops: access faults (address 0, ROM stores, beyond RAM,
    accesses that cross into unmapped memory), illegal instructions, ecall,
    ebreak, misaligned AMOs/LRs, FP with FS=Off or a bad frm;
  - minstret/instret/mcycle/cycle/time probes (exact between engines), and
    counter writes and inhibits;
  - an Sv39 S-mode segment: identity gigapage plus 4 KiB test pages, page
    faults (load, store, fetch, straddling fetch), remapping code pages
    (including the page that code runs on into) and switching satp under a hot
    loop, code patched through a writable alias.

Everything is a pure function of (seed, length, flags). The printed state is
tests/diff's, followed by a "BEGIN JITDIFF" section (probe sums, trap hashes and
per-trap instret, S-mode trap log, page tables, S-mode data, code buffer, the
end of RAM). --portable leaves out what QEMU 7.2 legitimately computes
differently (counters, partial stores at the end of RAM, cross-page faults) so
a program can also be checked against QEMU. --inert-smc (an experiment)
turns every store that writes code into a load, same layout: the output must
then differ. See README.md.
"""

import argparse
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DIFF_DIR = os.path.normpath(os.path.join(HERE, "..", "diff"))


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


dg = load_module("diff_gen", os.path.join(DIFF_DIR, "gen.py"))
Gen = dg.Gen
M64 = dg.M64

# ----------------------------------------------------------------------------
# Layout and conventions
# ----------------------------------------------------------------------------

BASE = 31                     # x31 always points at jd_area inside the body
CNT_POOL = [28, 29, 30]       # hot-loop counters; functions never write them
RAM_BASE = 0x80000000
RAM_SIZE = 128 << 20          # run.sh passes --mem 128M
RAM_END = RAM_BASE + RAM_SIZE

# jd_area (addressed from x31)
A_MSPILL = 0                  # 0, 8, 16: M pre-handler spills
A_MHASH = 24                  # hash of (mcause, mepc, mtval, minstret) of every M trap
A_MCOUNT = 32                 # M traps seen by the pre-handler
A_SHASH = 40                  # hash of (scause, sepc, stval, instret) of every S trap
A_SCOUNT = 48
A_SFATAL = 56                 # set by the S handler before giving up
A_PROBES = 128                # probe k: sum at +16k, last value at +16k+8
MAX_PROBES = 240
A_MTLOG = 4096                # minstret at each of the first MTLOG_MAX M traps
MTLOG_MAX = 128
A_STLOG = A_MTLOG + 8 * MTLOG_MAX     # (scause, sepc, stval, instret) x STLOG_MAX
STLOG_MAX = 64
AREA_SIZE = A_STLOG + 32 * STLOG_MAX

S_TRAP_LIMIT = 20000
TRAP_BUDGET = 8000            # estimated traps per program (the M limit is 20000)
MAX_MULT = 3000               # product of nested trip counts
LOOP_WORK_MAX = 60000         # instructions one top-level loop may execute
HASH_MUL = 0x100000001b3      # FNV-1a 64 prime
CKPT_EVERY = 12               # top-level items between register checkpoints

# Sv39 test window: VA 0x40000000 + i * 4096, one level-0 table
VWIN = 0x40000000
VX, VD, VUNM, VRO, VXO, VALIAS, VSTA, VSTB, VAD, VU, VNX, VFA, VFB = range(13)
PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_G, PTE_A, PTE_D = 1, 2, 4, 8, 16, 32, 64, 128
RX = PTE_V | PTE_R | PTE_X | PTE_A
RW = PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
MEDELEG = (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | \
    (1 << 12) | (1 << 13) | (1 << 15)
MSTATUS_SUM = 1 << 18
MSTATUS_MXR = 1 << 19


def va(i, off=0):
    return VWIN + 4096 * i + off


# ----------------------------------------------------------------------------
# Encoders for the few instructions whose size must be known to gas
# (a branch to a label is a variable-size fragment for gas, so code before a
# page boundary encodes its branches as .word)
# ----------------------------------------------------------------------------

def enc_i(opcode, funct3, rd, rs1, imm):
    return ((imm & 0xfff) << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode


def enc_b(funct3, rs1, rs2, off):
    assert -4096 <= off < 4096 and off % 2 == 0
    o = off & 0x1fff
    return ((((o >> 12) & 1) << 31) | (((o >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) |
            (funct3 << 12) | (((o >> 1) & 0xf) << 8) | (((o >> 11) & 1) << 7) | 0x63)


def enc_j(rd, off):
    assert -(1 << 20) <= off < (1 << 20) and off % 2 == 0
    o = off & 0x1fffff
    return ((((o >> 20) & 1) << 31) | (((o >> 1) & 0x3ff) << 21) | (((o >> 11) & 1) << 20) |
            (((o >> 12) & 0xff) << 12) | (rd << 7) | 0x6f)


BRANCH_F3 = {"beq": 0, "bne": 1, "blt": 4, "bge": 5, "bltu": 6, "bgeu": 7}


def line_size(line):
    """Bytes an emitted line assembles to under `.option norvc`, or None if
    gas may choose (pseudo-instructions that expand, labels, branches to
    labels)."""
    s = line.strip()
    if not s or s.startswith("#"):
        return 0
    s = s.split("#")[0].strip()
    op = s.split()[0]
    if op.endswith(":"):
        return None
    if op in (".option",):
        return 0
    if op in (".word", ".insn"):
        return 4
    if op == ".half":
        return 2
    if op.startswith("."):
        return None
    if op in ("li", "la", "call", "tail", "lla") or op.startswith("b") and \
            op in ("beq", "bne", "blt", "bge", "bltu", "bgeu", "beqz", "bnez", "bgez",
                   "bltz", "blez", "bgtz", "bgt", "ble", "bgtu", "bleu") or op in ("j", "jal"):
        return None
    if op.startswith("c."):
        return 2
    return 4


# ----------------------------------------------------------------------------
# Generator
# ----------------------------------------------------------------------------

class Func:
    """A generated function; every one is legal in M- and S-mode (no ecall,
    no M-only CSR)."""

    def __init__(self, name, link, traps, cost):
        self.name = name
        self.link = link        # 1 (ra) or 5 (t0)
        self.traps = traps      # trap items on one call (upper bound)
        self.cost = cost        # instructions on one call (estimate)
        self.site = None


class Site:
    """A self-modifying-code site: two 4-byte slots; slot 0 gets patched."""

    def __init__(self, label, xr, alts, kind, aligned, traps):
        self.label = label
        self.xr = xr
        self.alts = alts        # label of the alternative words (kind 'alt')
        self.kind = kind        # 'alt' or 'imm'
        self.aligned = aligned
        self.traps = traps      # traps per execution (upper bound)


class JGen(Gen):
    def __init__(self, seed, length, portable=False, smode=True, inert_smc=False):
        super().__init__(seed, length)
        self.portable = portable
        self.inert_smc = inert_smc
        self.want_smode = smode
        self.forbid.add(BASE)
        self.extra = []             # lines appended after tests/diff's footer
        self.rodata = []            # tables (.rodata.jd)
        self.nprobe = 0
        self.mult = 1
        self.trap_est = 0
        self.strap_est = 0
        self.work = 0
        self.cnt_stack = []         # counters of the enclosing hot loops
        self.smode = False          # generating code that runs in S-mode
        self.neutral = False        # generating code that may run in M or S
        self.nsite = 0
        self.nalt = 0
        self.npg = 0
        self.pgfuncs = []
        self.funcs = []
        self.fn_sites = []
        self.templates = []
        self.ntpl_copied = None
        self.stats = {}
        self.regions = []           # (name, label or address, length) to dump
        self.make_funcs()
        self.make_templates()

    # -- helpers ----------------------------------------------------------
    def count(self, what, n=1):
        self.stats[what] = self.stats.get(what, 0) + n

    def budget_traps(self, n):
        """Reserve n traps per execution at the current nesting; False if over."""
        cost = n * self.mult
        if self.smode:      # S-mode traps go to the S handler, which has its own limit
            if self.strap_est + cost > TRAP_BUDGET:
                return False
            self.strap_est += cost
            return True
        if self.trap_est + cost > TRAP_BUDGET:
            return False
        self.trap_est += cost
        return True

    def capture(self, fn, *args):
        """Run a generator with self.lines swapped out; return its lines."""
        saved = self.lines
        self.lines = []
        try:
            fn(*args)
            return self.lines
        finally:
            self.lines = saved

    def tmp(self, n=1, pool=None):
        """n distinct writable temporaries (not x0, not forbidden)."""
        pool = [x for x in (pool or dg.INT_POOL) if x not in self.forbid]
        regs = self.r.sample(pool, n)
        return regs if n > 1 else regs[0]

    def area_base(self, off, avoid=()):
        """(register, immediate) addressing jd_area + off (x31 + off when the
        offset fits in 12 bits, else a temporary set here)."""
        if off + 8 <= 2047:
            return BASE, off
        b = self.tmp(pool=[x for x in dg.INT_POOL if x not in avoid])
        self.e("addi x%d, x%d, 2040" % (b, BASE))
        return b, off - 2040

    def cur_cnt(self):
        return self.cnt_stack[-1] if self.cnt_stack else None

    def selector(self):
        """A register whose value drives a data-dependent choice."""
        c = self.cur_cnt()
        if c is not None and self.chance(0.75):
            return c
        return self.rs(allow_x0=False)

    # -- simple items -------------------------------------------------------
    NEUTRAL = [
        (Gen.g_alu_rr, 10), (Gen.g_alu_imm, 10), (Gen.g_upper, 2), (Gen.g_li, 3),
        (Gen.g_muldiv, 7), (Gen.g_bitmanip, 8), (Gen.g_load, 9), (Gen.g_store, 9),
        (Gen.g_amo, 3), (Gen.g_fp_arith, 7), (Gen.g_fp_sqrt, 1.5), (Gen.g_fp_fma, 3),
        (Gen.g_fp_misc, 4), (Gen.g_fp_mv, 2.5), (Gen.g_fp_load_special, 4), (Gen.g_fp_cvt, 5),
        (Gen.g_fcsr, 2.5), (Gen.g_fp_edge, 1),
    ]

    def simple(self):
        """One straight-line item legal in M and S; no traps except the rare
        FP reserved-rm case."""
        fns, ws = zip(*self.NEUTRAL)
        self.r.choices(fns, weights=ws)[0](self)

    def g_trap_item(self):
        """tests/diff's trap items (an ecall becomes ebreak outside M-mode
        bodies: an ecall from S is the way back to M)."""
        if not self.budget_traps(2):
            return self.simple()
        self.count("trap items")
        lines = self.capture(Gen.g_trap, self)
        if self.smode or self.neutral:
            lines = [l.replace("\tecall", "\tebreak") for l in lines]
        self.lines.extend(lines)

    def g_lrsc_item(self):
        if not self.budget_traps(1):
            return self.simple()
        self.g_lrsc()

    # -- probes -------------------------------------------------------------
    def g_probe(self):
        if self.portable or self.nprobe >= MAX_PROBES:
            return self.simple()
        k = self.nprobe
        self.nprobe += 1
        if self.smode or self.neutral:
            csr = self.r.choice(["instret", "instret", "cycle", "time"])
        else:
            csr = self.r.choice(["minstret", "minstret", "instret", "mcycle", "cycle", "time"])
        t, u = self.tmp(2)
        self.lines.append("# probe %d (%s)" % (k, csr))
        self.e("csrr x%d, %s" % (t, csr))
        b, off = self.area_base(A_PROBES + 16 * k, (t, u))
        self.e("ld x%d, %d(x%d)" % (u, off, b))
        self.e("add x%d, x%d, x%d" % (u, u, t))
        self.e("sd x%d, %d(x%d)" % (u, off, b))
        self.e("sd x%d, %d(x%d)" % (t, off + 8, b))
        self.count("probes")

    def g_fold(self):
        """Fold every register (x, f, fcsr) into a slot: h = rotl(h, 5) ^ r.
        At the end of a loop body, so every iteration's state is compared."""
        if self.nprobe >= MAX_PROBES:
            return 0
        k = self.nprobe
        self.nprobe += 1
        h, t = self.tmp(2)
        self.lines.append("# probe %d (fold of all registers)" % k)
        b, off = self.area_base(A_PROBES + 16 * k, (h, t))
        self.e("ld x%d, %d(x%d)" % (h, off, b))
        for x in range(1, 32):
            if x in (2, BASE, h, t):
                continue
            self.e("rori x%d, x%d, 59" % (h, h))
            self.e("xor x%d, x%d, x%d" % (h, h, x))
        for f in range(32):
            self.e("fmv.x.d x%d, f%d" % (t, f))
            self.e("rori x%d, x%d, 59" % (h, h))
            self.e("xor x%d, x%d, x%d" % (h, h, t))
        self.e("frcsr x%d" % t)
        self.e("xor x%d, x%d, x%d" % (h, h, t))
        b, off = self.area_base(A_PROBES + 16 * k, (h, t))
        self.e("sd x%d, %d(x%d)" % (h, off, b))
        self.e("sd x%d, %d(x%d)" % (h, off + 8, b))
        self.count("register folds")
        return 160

    def store_probe_last(self, xr, k):
        b, off = self.area_base(A_PROBES + 16 * k, (xr,))
        self.e("sd x%d, %d(x%d)" % (xr, off + 8, b))

    INERT = {"sb": "lb", "sh": "lh", "sw": "lw", "sd": "ld", "fsw": "lw"}

    def code_store(self, line):
        """Emit a store that writes code. With --inert-smc (an experiment: do
        the patches matter?) it becomes a load of the same address instead."""
        if self.inert_smc:
            op, rest = line.split(" ", 1)
            if op.startswith("amoswap"):
                rd, _, addr = rest.split(", ")
                line = "lw %s, 0%s\t# inert: was %s" % (rd, addr.split("\t")[0], op)
            else:
                _, addr = rest.split(", ", 1)
                line = "%s %s, %s\t# inert: was %s" % (
                    self.INERT[op], "x0", addr, op)
        # 4 bytes either way, so --inert-smc changes nothing else in the layout
        self.e(".option push\n\t.option norvc\n\t%s\n\t.option pop" % line)

    def g_counter_write(self):
        """M-mode only: write minstret/mcycle, or inhibit counting briefly."""
        if self.portable or self.smode or self.neutral:
            return self.simple()
        c = self.r.random()
        if c < 0.6:
            t = self.tmp()
            self.li(t, self.r.choice([0, 1, 1000, M64, dg.rand_int(self.r)]))
            self.e("csrw %s, x%d" % (self.r.choice(["minstret", "mcycle"]), t))
        else:
            self.e("csrwi mcountinhibit, %d" % self.r.choice([1, 4, 5]))
            for _ in range(self.r.randint(1, 3)):
                self.simple()
            if self.chance(0.5):
                self.g_probe()
            self.e("csrwi mcountinhibit, 0")
        self.count("counter writes")

    # -- faulting accesses ----------------------------------------------------
    def g_fault(self):
        """A load/store/AMO to an address that does not exist (or a ROM store),
        in M-mode; some loads from the ROM that succeed."""
        if not self.budget_traps(1):
            return self.simple()
        kind = self.r.random()
        choices = [0x0, 0x8, 0x100, 0xff0, 0x10000, 0x10008, RAM_END, RAM_END + 0x1000,
                   0xfffffffffffff000, 1 << 40, 0x0000800000000000]
        if not self.portable:
            # QEMU's virt board has PCIe windows at 0x3000000 and below RAM, a ROM
            # with other contents that ignores stores, and splits crossing accesses
            # differently
            choices += [0x3000000, RAM_BASE - 0x1000, 0x1000 + 8 * self.r.randrange(16),
                        0xffc, 0xffe, RAM_END - 4, RAM_END - 2, RAM_BASE - 4, RAM_END - 1]
        if not self.portable and self.chance(0.2):
            t = self.tmp()
            self.li(t, RAM_END - 32)
            self.access_group(t, 32)      # runs past the end of RAM: access fault
            return
        if self.chance(0.15):
            # an F/D op that writes an x register, trapping with FS = Off: the
            # translator runs it through a helper, and rd must keep its value
            t = self.tmp()
            rd = self.rd()
            while rd == t:
                rd = self.rd()
            self.li(t, 0x6000)
            self.e("csrc mstatus, x%d" % t)
            if rd:   # changed inside the translation the trap is in (the CSR write ended the last)
                self.e("addi x%d, x%d, %d" % (rd, rd, self.r.randint(1, 2047)))
            op = self.r.choice(["fmv.x.d", "fcvt.w.d", "feq.d", "fclass.s", "fcvt.l.s", "flt.d"])
            if op in ("feq.d", "flt.d"):
                self.e("%s x%d, f%d, f%d" % (op, rd, self.r.randrange(32), self.r.randrange(32)))
            else:
                self.e("%s x%d, f%d" % (op, rd, self.r.randrange(32)))
            self.e("csrs mstatus, x%d" % t)
            self.count("FS=Off traps writing x registers")
            return
        addr = self.r.choice(choices)
        load = kind < 0.55
        if addr >= 0x1000 and addr < 0x1080 and not load and self.chance(0.5):
            load = True            # a ROM load that succeeds
        t = self.tmp()
        imm = self.r.choice([0, 0, 8, -8, 2047, -2048, self.r.randint(-64, 64)])
        if addr - imm < 0:
            imm = 0
        self.li(t, addr - imm)
        if load:
            op, fp = self.r.choice([("lb", 0), ("lbu", 0), ("lh", 0), ("lhu", 0), ("lw", 0),
                                    ("lwu", 0), ("ld", 0), ("ld", 0), ("flw", 1), ("fld", 1)])
            if fp:
                self.e("%s f%d, %d(x%d)" % (op, self.fd("s" if op == "flw" else "d"), imm, t))
            else:
                rd = t if self.chance(0.3) else self.rd()     # rd == base: must stay intact
                self.e("%s x%d, %d(x%d)" % (op, rd, imm, t))
        elif kind < 0.9 or self.portable:
            op = self.r.choice(["sb", "sh", "sw", "sd", "sd", "fsw", "fsd"])
            if op[0] == "f":
                self.e("%s f%d, %d(x%d)" % (op, self.r.randrange(32), imm, t))
            else:
                self.e("%s x%d, %d(x%d)" % (op, self.rs(), imm, t))
        else:
            if imm:
                self.e("addi x%d, x%d, %d" % (t, t, imm))
            w = self.r.choice(["w", "d"])
            if self.chance(0.7):
                op = self.r.choice(["amoadd", "amoswap", "amoor", "amomaxu"])
                self.e("%s.%s x%d, x%d, (x%d)" % (op, w, self.rd(), self.rs(), t))
            else:
                self.e("lr.%s x%d, (x%d)" % (w, self.rd(), t))
        self.count("access faults")

    def access_group(self, t, edge):
        """2-5 consecutive loads or stores off x{t}, all below x{t} + edge
        (valid memory) but one, at or across it (a fault): the translator
        checks such a group with one lookup, so the fault must still come at the
        right access, after the earlier ones took effect."""
        store = self.chance(0.5)
        n = self.r.randint(2, 5)
        faulting = self.r.randrange(n)     # exactly one: the caller budgeted one trap
        accs = []
        for k in range(n):
            op, size = self.r.choice([("b", 1), ("h", 2), ("w", 4), ("d", 8), ("d", 8)])
            if k == faulting:   # at the edge, or crossing it (a misaligned d)
                off = edge - self.r.choice([0, 0, 4]) if size == 8 else edge
            else:
                off = edge - size * self.r.randint(1, 24 // size)
            accs.append((op, size, off))
        for op, size, off in accs:
            if store:
                self.e("s%s x%d, %d(x%d)" % (op, self.rs(), off, t))
            else:
                rd = self.rd()
                while rd == t:
                    rd = self.rd()
                self.e("l%s%s x%d, %d(x%d)" % (op, "u" if op != "d" and self.chance(0.3) else "",
                                               rd, off, t))
        self.count("access groups")

    # -- branches inside loop bodies ------------------------------------------
    def g_inner_branch(self):
        lab = self.label()
        c = self.cur_cnt()
        r = self.r.random()
        if c is not None and r < 0.5:
            t = self.tmp()
            self.e("andi x%d, x%d, %d" % (t, c, self.r.choice([1, 1, 2, 3, 4, 7])))
            self.e("%s x%d, %s" % (self.r.choice(["beqz", "bnez"]), t, lab))
        elif r < 0.9:
            op = self.r.choice(["beq", "bne", "blt", "bge", "bltu", "bgeu"])
            self.e("%s x%d, x%d, %s" % (op, self.rs(), self.rs(), lab))
        else:
            self.e("j %s" % lab)
        for _ in range(self.r.randint(1, 3)):
            self.simple()
        self.lines.append(lab + ":")
        self.count("inner branches")

    # -- functions --------------------------------------------------------------
    def fn_forbid(self, link):
        extra = {1, BASE} | set(CNT_POOL)
        if link == 5:
            extra.add(5)
        return extra

    def make_funcs(self):
        """Small functions in .text.jdfn: later ones first, so a function may
        call (t0-linked leaf) or tail-call only functions defined after it."""
        n = self.r.randint(3, 7)
        specs = []
        for k in range(n):
            link = 5 if (k >= n - 2 and self.chance(0.5)) else 1
            specs.append((k, link))
        made = {}
        for k, link in reversed(specs):
            name = "jd_fn%d" % k
            saved_forbid = self.forbid
            self.forbid = set(self.forbid) | self.fn_forbid(link)
            self.neutral = True
            lines = []
            traps = 0
            cost = 2
            lines.append("\t.balign 2")
            lines.append("%s:" % name)
            lines.append("\t.option %s" % self.r.choice(["rvc", "rvc", "norvc"]))
            site = None
            if self.chance(0.35):
                site = self.new_site()
                lines += self.capture(self.emit_site, site)
                traps += site.traps
                self.fn_sites.append(site)
            ret_lab = None
            if self.chance(0.25):
                ret_lab = ".Ljdret%d" % k
                lines.append("\t%s x%d, x%d, %s" % (self.r.choice(["beq", "bne", "bltu"]),
                                                    self.rs(), self.rs(), ret_lab))
            for _ in range(self.r.randint(1, 6)):
                c = self.r.random()
                if c < 0.1 and traps < 2:
                    lines += self.capture(self.g_trap_item_unbudgeted)
                    traps += 2
                elif c < 0.2:
                    lines += self.capture(self.g_probe)
                else:
                    lines += self.capture(self.simple)
            cost += 4 * 6
            # calls out: a t0-linked leaf from an ra-linked function, or a tail call
            later = [made[j] for j in range(k + 1, n) if j in made]
            tail = None
            if link == 1 and later:
                leafs = [f for f in later if f.link == 5]
                if leafs and self.chance(0.5):
                    f = self.r.choice(leafs)
                    lines.append("\tjal x5, %s" % f.name)
                    traps += f.traps
                    cost += f.cost
                ras = [f for f in later if f.link == 1]
                if ras and self.chance(0.3):
                    tail = self.r.choice(ras)
                    traps += tail.traps
                    cost += tail.cost
            if ret_lab:
                lines.append(ret_lab + ":")
            if tail:
                lines.append("\tj %s" % tail.name)
            elif link == 5:
                lines.append("\t%s" % self.r.choice(["jr x5", "jalr x0, 0(x5)"]))
            else:
                lines.append("\t%s" % self.r.choice([
                    "ret", "ret", "jr ra", "jalr x0, 0(x1)",
                    ".option push\n\t.option rvc\n\tc.jr ra\n\t.option pop"]))
            self.forbid = saved_forbid
            self.neutral = False
            f = Func(name, link, traps, cost)
            made[k] = f
            self.extra += lines
        self.funcs = [made[k] for k in range(n)]
        self.extra = ["\t.section .text.jdfn, \"ax\"", "\t.balign 4"] + self.extra

    def g_trap_item_unbudgeted(self):
        lines = self.capture(Gen.g_trap, self)
        lines = [l.replace("\tecall", "\tebreak") for l in lines]
        self.lines.extend(lines)
        self.count("trap items")

    def g_call(self):
        fns = [f for f in self.funcs if (f.link == 1 or 5 not in self.forbid)]
        f = self.r.choice(fns)
        if f.traps and not self.budget_traps(f.traps):
            fns = [g for g in fns if not g.traps]
            if not fns:
                return self.simple()
            f = self.r.choice(fns)
        if f.link == 5:
            self.e("jal x5, %s" % f.name)
        else:
            c = self.r.randrange(5)
            if c == 0:
                self.e("call %s" % f.name)
            elif c == 1:
                self.e("jal ra, %s" % f.name)
            elif c == 2:
                t = self.tmp()
                self.e("la x%d, %s" % (t, f.name))
                self.e("jalr ra, 0(x%d)" % t)
            elif c == 3:
                t = self.tmp()
                self.e("la x%d, %s+4" % (t, f.name))
                self.e("jalr x1, -4(x%d)" % t)
            else:
                t = self.tmp()
                self.e("la x%d, %s" % (t, f.name))
                self.e(".option push\n\t.option rvc\n\tc.jalr x%d\n\t.option pop" % t)
        self.count("calls")
        return f.cost

    # -- jump tables --------------------------------------------------------------
    def g_jtab(self):
        k = self.r.choice([2, 4, 4, 8])
        sel = self.selector()
        t, u = self.tmp(2)
        tab = "jd_jt%d" % self.nlabel
        self.nlabel += 1
        call_style = self.chance(0.3)
        self.e("andi x%d, x%d, %d" % (t, sel, k - 1))
        if self.chance(0.5):
            self.e("slli x%d, x%d, 3" % (t, t))
            self.e("la x%d, %s" % (u, tab))
            self.e("add x%d, x%d, x%d" % (u, u, t))
        else:
            self.e("la x%d, %s" % (u, tab))
            self.e("sh3add x%d, x%d, x%d" % (u, t, u))
        self.e("ld x%d, 0(x%d)" % (u, u))
        cost = 8
        if call_style:
            fns = [f for f in self.funcs if f.link == 1]
            if any(f.traps for f in fns) and not self.budget_traps(max(f.traps for f in fns)):
                fns = [f for f in fns if not f.traps]
            if fns:
                targets = [self.r.choice(fns) for _ in range(k)]
                self.e("jalr ra, 0(x%d)" % u)
                self.rodata += ["\t.balign 8", "%s:" % tab] + \
                    ["\t.dword %s" % f.name for f in targets]
                self.count("jump tables (call)")
                return cost + max(f.cost for f in targets)
        end = self.label()
        cases = [self.label() for _ in range(k)]
        if self.chance(0.4):
            self.e(".option push\n\t.option rvc\n\tc.jr x%d\n\t.option pop" % u)
        else:
            self.e("jalr x0, 0(x%d)" % u)
        for i, lab in enumerate(self.r.sample(cases, k)):
            self.lines.append(lab + ":")
            for _ in range(self.r.randint(0, 2)):
                self.simple()
            if self.chance(0.1) and self.budget_traps(1):
                self.g_trap_item_unbudgeted()
            if i != k - 1:
                self.e("j %s" % end)
        self.lines.append(end + ":")
        self.rodata += ["\t.balign 8", "%s:" % tab] + ["\t.dword %s" % c for c in cases]
        self.count("jump tables")
        return cost + 6

    # -- self-modifying code ---------------------------------------------------
    def new_site(self):
        """A patch site writing register xr; its alternatives go to .rodata."""
        n = self.nsite
        self.nsite += 1
        xr = self.tmp()
        label = "jd_site%d" % n
        aligned = self.chance(0.6)
        if self.chance(0.3):
            return Site(label, xr, None, "imm", aligned, 0)
        alts_label = "jd_alts%d" % n
        k = self.r.choice([4, 8])
        xs = self.rs(allow_x0=False)
        pool = [
            "addi x%d, x%d, %d" % (xr, xr, self.r.randint(-2048, 2047)),
            "addi x%d, x%d, %d" % (xr, xr, self.r.randint(1, 100)),
            "xori x%d, x%d, %d" % (xr, xr, self.r.randint(-2048, 2047)),
            "add x%d, x%d, x%d" % (xr, xr, xs),
            "sub x%d, x%d, x%d" % (xr, xr, xs),
            "mul x%d, x%d, x%d" % (xr, xr, xs),
            "slli x%d, x%d, %d" % (xr, xr, self.r.randint(1, 7)),
            ".word 0x%08x\t# j .+8: skips slot 1" % enc_j(0, 8),
            ".word 0x%08x\t# beq x0, x0, .+8" % enc_b(0, 0, 0, 8),
            ".option rvc\n\tc.addi x%d, %d\n\tc.addi x%d, %d\n\t.option norvc" % (
                xr, self.r.choice([v for v in range(-32, 32) if v]), xr,
                self.r.choice([v for v in range(-32, 32) if v])),
            "nop",
            "lui x%d, 0x%x" % (xr, self.r.getrandbits(20)),
            "auipc x%d, 0x%x" % (xr, self.r.getrandbits(8)),
        ]
        if not self.portable:
            pool.append("csrr x%d, instret" % xr)
        traps_pool = [".word 0x00000000", "ebreak", "lw x%d, 0(x0)" % xr,
                      ".word 0x%08x" % ((self.r.getrandbits(25) << 7) | 0x0b)]
        alts = self.r.sample(pool, k - 1)
        traps = 0
        if self.chance(0.4):
            alts.append(self.r.choice(traps_pool))
            traps = 2
        else:
            alts.append(self.r.choice(pool))
        self.r.shuffle(alts)
        self.rodata += ["\t.balign 4", "%s:" % alts_label, "\t.option push", "\t.option norvc"]
        self.rodata += ["\t" + a for a in alts]
        self.rodata += ["\t.option pop",
                        "\t.if (. - %s) != %d" % (alts_label, 4 * k),
                        "\t.error \"alternatives of %s are not %d words\"" % (label, k),
                        "\t.endif"]
        s = Site(label, xr, alts_label, "alt", aligned, traps)
        s.k = k
        return s

    def emit_site(self, site):
        if site.aligned:
            self.e(".balign 4")
        self.lines.append("%s:" % site.label)
        self.e(".option push")
        self.e(".option norvc")
        if site.kind == "imm":
            self.e("addi x%d, x%d, %d" % (site.xr, site.xr, self.r.randint(-2048, 2047)))
        else:
            self.e(".word 0x%08x\t# placeholder: first patch replaces it" %
                   enc_i(0x13, 0, site.xr, site.xr, self.r.randint(-2048, 2047)))
        self.e("addi x%d, x%d, %d\t# slot 1 (skipped by some alternatives)" %
               (site.xr, site.xr, self.r.randint(1, 9)))
        self.e(".option pop")
        self.count("SMC sites")

    def emit_patch(self, site, sel=None, store=None, cross=False):
        """Write a new word into site slot 0, then fence.i."""
        if sel is None:
            sel = self.selector()
        t, u = self.tmp(2)
        if site.kind == "imm":
            bias = self.r.randint(-300, 300)
            if bias:
                self.e("addi x%d, x%d, %d" % (t, sel, bias))
                self.e("slli x%d, x%d, 52" % (t, t))
            else:
                self.e("slli x%d, x%d, 52" % (t, sel))
            self.e("srli x%d, x%d, 32" % (t, t))
            self.li(u, enc_i(0x13, 0, site.xr, site.xr, 0))
            self.e("or x%d, x%d, x%d" % (t, t, u))
        else:
            self.e("andi x%d, x%d, %d" % (t, sel, site.k - 1))
            self.e("la x%d, %s" % (u, site.alts))
            self.e("sh2add x%d, x%d, x%d" % (u, t, u))
            self.e("lwu x%d, 0(x%d)" % (t, u))
        self.e("la x%d, %s" % (u, site.label))
        if store is None:
            opts = ["sw", "sw", "sh2", "sb4", "fsw", "sd"]
            if site.aligned:
                opts += ["amoswap", "amoswap"]
            if cross:
                opts = ["sw", "sh2", "sb4", "fsw"]
            store = self.r.choice(opts)
        if store == "sw":
            self.code_store("sw x%d, 0(x%d)" % (t, u))
        elif store == "sh2":
            self.code_store("sh x%d, 0(x%d)" % (t, u))
            self.e("srli x%d, x%d, 16" % (t, t))
            self.code_store("sh x%d, 2(x%d)" % (t, u))
        elif store == "sb4":
            for i in range(4):
                self.code_store("sb x%d, %d(x%d)" % (t, i, u))
                if i != 3:
                    self.e("srli x%d, x%d, 8" % (t, t))
        elif store == "fsw":
            f = self.fd("s")
            self.e("fmv.w.x f%d, x%d" % (f, t))
            self.code_store("fsw f%d, 0(x%d)" % (f, u))
        elif store == "sd":
            v = self.tmp(pool=[x for x in dg.INT_POOL if x not in (t, u)])
            self.e("lwu x%d, 4(x%d)" % (v, u))
            self.e("slli x%d, x%d, 32" % (v, v))
            self.e("or x%d, x%d, x%d" % (t, t, v))
            self.code_store("sd x%d, 0(x%d)" % (t, u))
        elif store == "amoswap":
            rd = self.r.choice([0, self.tmp(pool=[x for x in dg.INT_POOL if x not in (t, u)])])
            self.code_store("amoswap.w x%d, x%d, (x%d)" % (rd, t, u))
        for _ in range(self.r.choice([0, 0, 1, 2])):
            self.simple()
        self.e("fence.i")
        self.count("SMC patches (%s)" % store)

    # -- code buffer: whole functions copied in, sharing a page with data ----------
    def make_templates(self):
        self.regions.append(("codepage", "jd_codepage", 4096))
        lines = ["\t.section .text.jdcb, \"ax\"", "\t.balign 4096", "jd_codepage:",
                 "jd_codebuf:", "\t.fill 512, 4, 0x00008067\t# ret", "jd_cbdata:",
                 "\t.fill 256, 8, 0x5a5aa5a5f00ff00f"]
        lines += ["\t.section .text.jdtpl, \"ax\""]
        saved_forbid = self.forbid
        self.forbid = set(self.forbid) | self.fn_forbid(1)
        self.neutral = True
        for k in range(self.r.randint(2, 4)):
            name = "jd_tpl%d" % k
            lines += ["\t.balign 8", "%s:" % name, "\t.option %s" % self.r.choice(["rvc", "norvc"])]
            traps = 0
            n = self.r.randint(2, 14)
            for i in range(n):
                c = self.r.random()
                if c < 0.08 and traps < 2:
                    lines += self.capture(self.g_trap_item_unbudgeted)
                    traps += 2
                elif c < 0.18:
                    lines += self.capture(self.g_probe)
                elif c < 0.26:
                    # forward branch inside the template (pc-relative: survives the copy)
                    body = self.capture(self.simple)
                    lines.append("\t%s x%d, x%d, 1f" % (self.r.choice(["beq", "bne", "bge"]),
                                                       self.rs(), self.rs()))
                    lines += body
                    lines.append("1:")
                else:
                    lines += self.capture(self.simple)
            lines += ["\tret", "\t.balign 8", "%s_end:" % name]
            self.templates.append((name, traps, 4 * n))
        self.forbid = saved_forbid
        self.neutral = False
        self.extra += lines

    def g_tpl_copy(self):
        name, traps, cost = self.r.choice(self.templates)
        s, d, n, v = self.tmp(4)
        self.e("la x%d, %s" % (s, name))
        self.e("la x%d, jd_codebuf" % d)
        self.e("la x%d, %s_end" % (n, name))
        lab = self.label()
        self.lines.append(lab + ":")
        self.e("ld x%d, 0(x%d)" % (v, s))
        self.code_store("sd x%d, 0(x%d)" % (v, d))
        self.e("addi x%d, x%d, 8" % (s, s))
        self.e("addi x%d, x%d, 8" % (d, d))
        self.e("bltu x%d, x%d, %s" % (s, n, lab))
        self.e("fence.i")
        self.count("code buffer copies")
        return 6 * 64

    def max_tpl_traps(self):
        return max(t for _, t, _ in self.templates)

    def make_dc(self):
        """jd_dc: a function at the start of a page whose previous page is data."""
        saved_forbid = self.forbid
        self.forbid = set(self.forbid) | self.fn_forbid(1)
        self.neutral = True
        site = self.new_site()
        site.aligned = True
        lines = ["\t.section .text.jddc, \"ax\"", "\t.balign 4096", "jd_dcdata:",
                 "\t.fill 512, 8, 0x0123456789abcdef", "jd_dc:"]
        lines += self.capture(self.emit_site, site)
        lines.append("\t.option rvc")
        for _ in range(self.r.randint(0, 3)):
            lines += self.capture(self.simple)
        lines.append("\tret")
        self.forbid = saved_forbid
        self.neutral = False
        self.extra += lines
        self.dc_site = site

    def g_dc(self):
        """Patch jd_dc's first instruction with an 8-byte store that starts 4
        bytes before it, in the data page (so the store's first byte hits a
        data page and its last byte a code page), fence.i, call jd_dc."""
        if not hasattr(self, "dc_site"):
            saved = (self.recent, self.addrs)
            self.make_dc()
            self.recent, self.addrs = saved
        site = self.dc_site
        if site.traps and not self.budget_traps(site.traps):
            return self.g_call()
        sel = self.selector()
        t, u, v = self.tmp(3)
        if site.kind == "imm":
            self.e("slli x%d, x%d, 52" % (t, sel))
            self.e("srli x%d, x%d, 32" % (t, t))
            self.li(u, enc_i(0x13, 0, site.xr, site.xr, 0))
            self.e("or x%d, x%d, x%d" % (t, t, u))
        else:
            self.e("andi x%d, x%d, %d" % (t, sel, site.k - 1))
            self.e("la x%d, %s" % (u, site.alts))
            self.e("sh2add x%d, x%d, x%d" % (u, t, u))
            self.e("lwu x%d, 0(x%d)" % (t, u))
        self.e("slli x%d, x%d, 32" % (t, t))
        self.e("zext.w x%d, x%d" % (v, sel))
        self.e("or x%d, x%d, x%d" % (t, t, v))
        self.e("la x%d, jd_dc" % u)
        if self.chance(0.3):
            # a plain store to the data page first (fills its write TLB entry)
            self.e("sd x%d, -16(x%d)" % (v, u))
        self.code_store("sd x%d, -4(x%d)\t# crosses from the data page into jd_dc" % (t, u))
        self.e("fence.i")
        self.e("call jd_dc")
        self.count("SMC stores crossing from a data page into code")
        return 30

    def g_cb_call(self):
        traps = self.max_tpl_traps()
        if traps and not self.budget_traps(traps):
            return self.simple()
        if self.chance(0.7):
            self.e("call jd_codebuf")
        else:
            t = self.tmp()
            self.e("la x%d, jd_codebuf" % t)
            self.e("jalr ra, 0(x%d)" % t)
        self.count("code buffer calls")
        return 60

    def g_tpl_call(self):
        """Call a template where it was assembled (the same code at another address)."""
        name, traps, cost = self.r.choice(self.templates)
        if traps and not self.budget_traps(traps):
            return self.simple()
        self.e("call %s" % name)
        return cost

    def g_cb_store(self):
        """A store to the data half of the code buffer's page."""
        t = self.tmp()
        off = self.r.randrange(0, 2048 - 8)
        self.e("la x%d, jd_cbdata + %d" % (t, off & ~7 if self.chance(0.6) else off))
        op = self.r.choice(["sd", "sw", "sh", "sb"])
        self.e("%s x%d, 0(x%d)" % (op, self.rs(), t))
        self.count("stores to a code page's data")

    # -- page boundaries ----------------------------------------------------------
    def fixed_item(self, room):
        """(lines, size) of a random straight-line item of known size <= room."""
        for _ in range(20):
            c = self.r.random()
            if room >= 2 and (c < 0.12 or room < 4):
                xr = self.tmp()
                lines = ["\t.option push", "\t.option rvc", "\t" + self.r.choice([
                    "c.addi x%d, %d" % (xr, self.r.choice([v for v in range(-32, 32) if v])),
                    "c.nop", "c.mv x%d, x%d" % (xr, self.rs(allow_x0=False)),
                    "c.slli x%d, %d" % (xr, self.r.randint(1, 63))]), "\t.option pop"]
                return lines, 2
            fn = self.r.choice([Gen.g_alu_rr, Gen.g_alu_imm, Gen.g_bitmanip, Gen.g_load,
                                Gen.g_store, Gen.g_fp_arith, Gen.g_fp_misc, Gen.g_fp_fma,
                                Gen.g_fp_mv])
            lines = self.capture(fn, self)
            sizes = [line_size(l) for l in lines]
            if None in sizes or any(".option" in l for l in lines):
                continue
            size = sum(sizes)
            if size <= room:
                return lines, size
        return None, 0

    def make_pagecross(self):
        """A function whose code crosses a page boundary (see module doc)."""
        k = self.npg
        self.npg += 1
        name = "jd_pg%d" % k
        base = "jd_pgbase%d" % k
        saved_forbid = self.forbid
        self.forbid = set(self.forbid) | self.fn_forbid(1)
        self.neutral = True
        straddle = self.chance(0.6)
        loop = self.chance(0.6)
        c = self.tmp()
        self.forbid.add(c)
        traps = 0
        a = []          # page-A lines, all of known size
        pos = 0

        def put(lines, size):
            nonlocal pos
            a.extend(lines)
            pos += size
        if loop:
            n = self.r.randint(2, 6)
            put(["\taddi x%d, x0, %d" % (c, n)], 4)
        head = ".Ljdpghead%d" % k
        a.append(head + ":")
        # straight-line code for page A, then maybe a branch to page B's first byte
        n_items = self.r.randint(1, 6)
        for _ in range(n_items):
            lines, size = self.fixed_item(64)
            if lines:
                put(lines, size)
        to_b = self.chance(0.4)
        if to_b:
            br_at = pos
            put([None], 4)                # patched below once S is known
            for _ in range(self.r.randint(0, 2)):
                lines, size = self.fixed_item(16)
                if lines:
                    put(lines, size)
        # parity: a straddle starts at offset 4094, an exact end needs pos % 4 == 0
        if straddle and pos % 4 == 0:
            put(["\t.option push", "\t.option rvc", "\tc.nop", "\t.option pop"], 2)
        if not straddle and pos % 4 == 2:
            put(["\t.option push", "\t.option rvc", "\tc.nop", "\t.option pop"], 2)
        site = None
        strad_lines = []
        if straddle:
            kind = self.r.choice(["site", "site", "alu", "load", "fp", "branch", "jal",
                                  "illegal", "probe"])
            if kind == "illegal" and not self.budget_traps(1):
                kind = "alu"
            if kind == "probe" and (self.portable or self.nprobe >= MAX_PROBES):
                kind = "alu"
            if kind == "site":
                site = self.new_site()
                site.aligned = False
                # the site itself straddles: emit_site without .balign
                strad_lines = self.capture(self.emit_site, site)
                traps += site.traps
            elif kind == "alu":
                strad_lines = self.capture(Gen.g_alu_imm, self)
                if line_size(strad_lines[0]) != 4 or len(strad_lines) != 1:
                    strad_lines = ["\taddi x%d, x%d, 77" % (self.tmp(), self.tmp())]
            elif kind == "load":
                strad_lines = ["\tld x%d, %d(x2)" % (self.tmp(), 8 * self.r.randint(-256, 255))]
            elif kind == "fp":
                strad_lines = ["\tfadd.d f%d, f%d, f%d" % (self.fd("d"), self.fs("d"), self.fs("d"))]
            elif kind in ("branch", "jal"):
                skip = self.r.randint(0, 3)     # 4-byte items jumped over on page B
                if kind == "branch":
                    op = self.r.choice(list(BRANCH_F3))
                    w = enc_b(BRANCH_F3[op], self.rs(), self.rs(), 4 + 4 * skip)
                else:
                    w = enc_j(self.r.choice([0, self.tmp()]), 4 + 4 * skip)
                strad_lines = ["\t.word 0x%08x\t# %s over %d insns, straddling" % (w, kind, skip)]
                for _ in range(skip):
                    strad_lines.append("\taddi x%d, x%d, %d" % (self.tmp(), self.rs(),
                                                                self.r.randint(-99, 99)))
            elif kind == "illegal":
                strad_lines = ["\t.word 0x%08x\t# custom-0, straddling: traps" %
                               ((self.r.getrandbits(25) << 7) | 0x0b)]
                traps += 1
            else:
                p = self.nprobe
                self.nprobe += 1
                xr = self.tmp()
                strad_lines = ["# probe %d (instret, read by a straddling csrr)" % p,
                               "\tcsrr x%d, instret" % xr]
                strad_lines += self.capture(self.store_probe_last, xr, p)
            self.count("straddling instructions (%s)" % kind)
        else:
            self.count("blocks ending at a page end")
        S = pos + (2 if straddle else 0)
        if to_b:
            # branch from br_at to the first byte of page B (offset S from the entry)
            i = a.index(None)
            op = self.r.choice(list(BRANCH_F3))
            a[i] = "\t.word 0x%08x\t# %s to the first instruction of the next page" % (
                enc_b(BRANCH_F3[op], self.rs(), self.rs(), S - br_at), op)
            if straddle:
                # the target is the middle of the straddling instruction: no
                a[i] = "\t.word 0x%08x\t# %s over nothing (falls through)" % (
                    enc_b(BRANCH_F3[op], self.rs(), self.rs(), 4), op)
        lines = ["\t.section .text.jdpg%d, \"ax\"" % k, "\t.option norvc", "\t.balign 4096",
                 "%s:" % base, "\t.skip %d, 0" % (4096 - S), "%s:" % name]
        lines += a
        if straddle:
            # the layout check sits right after the straddling instruction
            first = next(i for i, l in enumerate(strad_lines)
                         if line_size(l) is not None and line_size(l) > 0)
            lines += strad_lines[:first + 1]
            lines += ["\t.if (. - %s) != 4098" % base,
                      "\t.error \"%s: the straddling instruction is misplaced\"" % name,
                      "\t.endif"]
            lines += strad_lines[first + 1:]
        else:
            lines += ["\t.if (. - %s) != 4096" % base,
                      "\t.error \"%s: page A does not end at the page boundary\"" % name,
                      "\t.endif"]
        # page B: free-form code, the loop's back edge to page A, maybe a far jump
        lines.append("\t.option rvc")
        for _ in range(self.r.randint(1, 4)):
            lines += self.capture(self.simple)
        far = self.chance(0.3)
        if far:
            lines += ["\tj .Ljdpgfar%d" % k, ".Ljdpgback%d:" % k]
        if loop:
            lines += ["\taddi x%d, x%d, -1" % (c, c),
                      "\t%s" % self.r.choice(["bnez x%d, %s" % (c, head),
                                              "blt x0, x%d, %s" % (c, head)])]
        lines.append("\tret")
        if far:
            lines += ["\t.balign 4096", "\t.skip %d" % (2 * self.r.randrange(1, 8)),
                      ".Ljdpgfar%d:\t# page C" % k]
            for _ in range(self.r.randint(0, 2)):
                lines += self.capture(self.simple)
            lines.append("\tj .Ljdpgback%d" % k)
        self.extra += lines
        self.forbid = saved_forbid
        self.neutral = False
        mult = (n if loop else 1)
        f = Func(name, 1, traps * mult, 40 * mult)
        f.site = site
        self.pgfuncs.append(f)
        self.count("page-crossing functions")
        return f

    def g_pgcall(self):
        if self.npg < 3 and (not self.pgfuncs or self.chance(0.4)):
            saved = (self.recent, self.addrs)
            f = self.make_pagecross()
            self.recent, self.addrs = saved
        else:
            f = self.r.choice(self.pgfuncs)
        if f.traps and not self.budget_traps(f.traps):
            return self.simple()
        self.e("call %s" % f.name)
        self.count("page-crossing calls")
        return f.cost

    def g_pgpatch(self):
        """Patch the straddling site of a page-crossing function."""
        sites = [f for f in self.pgfuncs if f.site is not None]
        if not sites:
            return self.g_pgcall()
        f = self.r.choice(sites)
        if f.site.traps and not self.budget_traps(f.site.traps * 6):
            return self.simple()
        self.emit_patch(f.site, cross=True)
        self.count("straddling instructions patched")
        return 20

    # -- hot loops --------------------------------------------------------------
    def loop_item(self):
        """One item of a loop body; returns its estimated cost in instructions."""
        n0 = len(self.lines)
        extra = 0
        c = self.r.random()
        depth = len(self.cnt_stack)
        if c < 0.40:
            self.simple()
        elif c < 0.46:
            if self.smode:
                self.s_fault()
            elif self.chance(0.6):
                self.g_fault()
            else:
                self.g_trap_item()
            extra = 40
        elif c < 0.53:
            self.g_probe()
        elif c < 0.60:
            self.g_inner_branch()
        elif c < 0.67:
            if self.smode:
                extra = self.s_call()
            else:
                extra = self.g_call()
        elif c < 0.71:
            extra = self.g_jtab()
        elif c < 0.74:
            extra = self.g_pgcall() if not self.smode else self.r.choice(
                [self.s_strad_call, self.s_fall_call])()
        elif c < 0.775:
            extra = self.g_cb_call() if not self.smode else self.s_call()
        elif c < 0.79:
            extra = self.g_tpl_call() if not self.smode else self.s_remap()
        elif c < 0.80:
            extra = self.g_tpl_copy() if not self.smode else self.s_alias_patch()
        elif c < 0.81 and not self.smode:
            extra = self.g_dc()
        elif c < 0.84 and depth < 2:
            extra = self.g_hot_loop()
        elif c < 0.86:
            if self.smode:
                self.s_vd_access()
            elif self.chance(0.5) and self.budget_traps(4):
                self.in_loop = False
                self.r.choice([self.g_frm_window, self.g_fs_off])()
                self.in_loop = True
                extra = 100
            else:
                self.g_lrsc_item()
        elif c < 0.88:
            if self.smode:
                self.s_vd_access()
            else:
                self.g_cb_store()
        elif c < 0.89:
            if self.smode:
                extra = self.s_satp_switch()
            else:
                self.g_counter_write()
        elif c < 0.91:
            if self.smode:
                self.r.choice([self.s_vd_access, self.s_fall_map, self.s_strad_map])()
            else:
                extra = self.g_pgpatch() if self.pgfuncs else self.g_probe()
        elif c < 0.93:
            if not self.smode and not self.neutral:
                self.e(self.r.choice(["fence.i", "fence", "nop"]))
            else:
                self.simple()
        else:
            self.simple()
        return (len(self.lines) - n0) + (extra or 0)

    def g_hot_loop(self, n=None, body_items=None, style=None):
        """A counted loop; its counter is one of CNT_POOL, never written inside."""
        free = [x for x in CNT_POOL if x not in self.forbid]
        if not free:
            self.simple()
            return 3
        cnt = self.r.choice(free)
        depth = len(self.cnt_stack)
        if n is None:
            if depth == 0:
                c = self.r.random()
                n = self.r.randint(5, 20) if c < 0.5 else (
                    self.r.randint(20, 80) if c < 0.8 else self.r.randint(80, 200))
            else:
                n = self.r.randint(2, 12)
        n = max(1, min(n, MAX_MULT // self.mult))
        if style is None:
            style = self.r.choice(["bnez", "bnez", "bgtz", "up", "top", "jalr"])
        lab = self.label()
        end = self.label()
        self.lines.append("# hot loop: %d iterations, counter x%d, %s" % (n, cnt, style))
        li_at = len(self.lines)
        self.e("li x%d, %d" % (cnt, n))        # rewritten below if n shrinks
        self.lines.append(lab + ":")
        if style == "top":
            self.e("beqz x%d, %s" % (cnt, end))
        self.forbid.add(cnt)
        self.cnt_stack.append(cnt)
        saved_mult, saved_in_loop = self.mult, self.in_loop
        self.mult *= n
        self.in_loop = True
        if body_items is None:
            k = self.r.randint(2, 10) if self.chance(0.9) else self.r.randint(15, 30)
            # sometimes a self-modifying site and its patch in the same body
            with_site = not self.smode and self.chance(0.3)
            site = None
            site_at = patch_at = -1
            if with_site:
                site = self.new_site()
                if site.traps and not self.budget_traps(site.traps):
                    site = None
                else:
                    site_at = self.r.randrange(k + 1)
                    patch_at = self.r.randrange(k + 1)
            per_iter = 0
            for i in range(k + 1):
                if i == site_at:
                    self.emit_site(site)
                    per_iter += 2
                if i == patch_at:
                    self.emit_patch(site, sel=cnt)
                    per_iter += 14
                if i < k:
                    per_iter += self.loop_item()
        else:
            per_iter = body_items()
        if self.chance(0.6):
            per_iter += self.g_fold()
        if style == "up":
            # count up from -n to 0
            self.lines[li_at] = "\tli x%d, %d" % (cnt, -n)
            self.e("addi x%d, x%d, 1" % (cnt, cnt))
            self.e("bltz x%d, %s" % (cnt, lab))
        elif style == "bgtz":
            self.e("addi x%d, x%d, -1" % (cnt, cnt))
            self.e("blt x0, x%d, %s" % (cnt, lab))
        elif style == "top":
            self.e("addi x%d, x%d, -1" % (cnt, cnt))
            self.e("j %s" % lab)
        elif style == "jalr":
            # indirect back edge
            t = self.tmp()
            self.e("addi x%d, x%d, -1" % (cnt, cnt))
            self.e("beqz x%d, %s" % (cnt, end))
            self.e("la x%d, %s" % (t, lab))
            self.e("jr x%d" % t)
        else:
            self.e("addi x%d, x%d, -1" % (cnt, cnt))
            self.e("bnez x%d, %s" % (cnt, lab))
        self.lines.append(end + ":")
        self.cnt_stack.pop()
        self.forbid.discard(cnt)
        self.mult, self.in_loop = saved_mult, saved_in_loop
        self.count("hot loops")
        self.count("hot loop iterations", n * saved_mult)
        cost = n * (per_iter + 3)
        return cost

    # -- Sv39 S-mode segment ------------------------------------------------------
    def pte_into(self, t, target, flags):
        self.e("la x%d, %s" % (t, target))
        self.e("srli x%d, x%d, 12" % (t, t))
        self.e("slli x%d, x%d, 10" % (t, t))
        self.e("ori x%d, x%d, %d" % (t, t, flags))

    def set_pte(self, table, idx, target, flags):
        t, u = self.tmp(2)
        if target is None:
            self.e("li x%d, %d" % (t, flags))
        else:
            self.pte_into(t, target, flags)
        self.e("la x%d, %s" % (u, table))
        self.e("sd x%d, %d(x%d)" % (t, 8 * idx, u))

    def make_vcode(self):
        """Code for the S-mode window: two functions (the same VA maps to one
        or the other), the straddling pages, and the data pages."""
        saved_forbid = self.forbid
        self.forbid = set(self.forbid) | self.fn_forbid(1)
        self.smode = True
        lines = ["\t.section .text.jdv, \"ax\""]
        self.vsite = None
        self.vtraps = 0
        for name in ("jd_vcodeA", "jd_vcodeB"):
            lines += ["\t.balign 4096", "%s:" % name, "\t.option rvc"]
            if name == "jd_vcodeA":
                self.vsite = self.new_site()
                self.vsite.aligned = True
                lines += self.capture(self.emit_site, self.vsite)
            for _ in range(self.r.randint(2, 8)):
                c = self.r.random()
                if c < 0.1:
                    lines += self.capture(self.g_trap_item_unbudgeted)
                    self.vtraps += 2
                elif c < 0.2:
                    lines += self.capture(self.g_probe)
                else:
                    lines += self.capture(self.simple)
            lines.append("\tret")
        self.vtraps += self.vsite.traps
        # straddling pair: the last 4-byte slot of jd_vstradA starts 2 bytes
        # before VA page VSTB, whose first half-word comes from jd_vstradB or C
        xr = self.tmp()
        self.vstrad_xr = xr
        imm_b, imm_c = self.r.randint(-2048, 2047), self.r.randint(-2048, 2047)
        lo = enc_i(0x13, 0, xr, xr, 0) & 0xffff
        hi_b = enc_i(0x13, 0, xr, xr, imm_b) >> 16
        hi_c = enc_i(0x13, 0, xr, xr, imm_c) >> 16
        a = []
        pos = 0
        for _ in range(self.r.randint(1, 4)):
            l, s = self.fixed_item(32)
            if l:
                a += l
                pos += s
        if pos % 4 == 0:
            a += ["\t.option push", "\t.option rvc", "\tc.nop", "\t.option pop"]
            pos += 2
        self.vstrad_off = 4096 - pos - 2
        lines += ["\t.option norvc", "\t.balign 4096", "jd_vstradA:", "\t.skip %d, 0" % (4096 - pos - 2),
                  "jd_vstrad_entry:"] + a + [
            "\t.half 0x%04x\t# low half of addi x%d, x%d, imm (straddles into VA page %d)" % (
                lo, xr, xr, VSTB),
            "\t.if (. - jd_vstradA) != 4096", "\t.error \"jd_vstradA misplaced\"", "\t.endif"]
        for name, hi in (("jd_vstradB", hi_b), ("jd_vstradC", hi_c)):
            lines += ["\t.balign 4096", "%s:" % name, "\t.half 0x%04x\t# high half" % hi,
                      "\t.option rvc"]
            for _ in range(self.r.randint(1, 3)):
                lines += self.capture(self.simple)
            lines.append("\tret")
        # fall-through pair: code that ends exactly at the end of VA page VFA
        # (and may branch to the next page's first byte) runs on into VA page
        # VFB, which maps to jd_vfallB, jd_vfallC or nothing
        a = []
        pos = 0
        for _ in range(self.r.randint(1, 5)):
            l, s = self.fixed_item(32)
            if l:
                a += l
                pos += s
        br = self.chance(0.5)
        if br:
            a.append(None)
            br_at = pos
            pos += 4
            for _ in range(self.r.randint(1, 2)):
                l, s = self.fixed_item(16)
                if l:
                    a += l
                    pos += s
            op = self.r.choice(list(BRANCH_F3))
            a[a.index(None)] = "\t.word 0x%08x\t# %s to the first byte of VA page %d" % (
                enc_b(BRANCH_F3[op], self.rs(), self.rs(), (pos + pos % 4) - br_at), op, VFB)
        if pos % 4:
            a += ["\t.option push", "\t.option rvc", "\tc.nop", "\t.option pop"]
            pos += 2
        self.vfall_off = 4096 - pos
        lines += ["\t.option norvc", "\t.balign 4096", "jd_vfallA:", "\t.skip %d, 0" % (4096 - pos),
                  "jd_vfall_entry:"] + a + [
            "\t.if (. - jd_vfallA) != 4096", "\t.error \"jd_vfallA misplaced\"", "\t.endif"]
        for name in ("jd_vfallB", "jd_vfallC"):
            lines += ["\t.balign 4096", "%s:" % name, "\t.option rvc"]
            for _ in range(self.r.randint(1, 3)):
                lines += self.capture(self.simple)
            lines.append("\tret")
        lines += ["\t.section .data.jdv, \"aw\"", "\t.balign 4096", "jd_vdata:"]
        lines += ["\t.quad 0x%016x" % dg.rand_int(self.r) for _ in range(512)]
        lines += ["jd_vdata2:"]
        lines += ["\t.quad 0x%016x" % self.r.getrandbits(64) for _ in range(512)]
        lines += ["\t.balign 4096"] + ["%s:\t.zero 4096" % t for t in (
            "jd_pt_root", "jd_pt_l1", "jd_pt_l0", "jd_pt_root2", "jd_pt_l1b", "jd_pt_l0b")]
        lines += ["jd_ssave:\t.zero 64"]
        self.extra += lines
        self.smode = False
        self.forbid = saved_forbid
        self.regions += [("vdata", "jd_vdata", 8192), ("pt_l0", "jd_pt_l0", 8 * 16),
                         ("pt_l0b", "jd_pt_l0b", 8 * 16), ("root", "jd_pt_root", 24),
                         ("stlog", "jd_area + %d" % A_STLOG, 32 * STLOG_MAX)]

    def l0_entries(self, second):
        e = {VX: ("jd_vcodeB" if second else "jd_vcodeA", RX),
             VD: ("jd_vdata", RW),
             VRO: ("jd_vdata", PTE_V | PTE_R | PTE_A),
             VXO: ("jd_vcodeA", PTE_V | PTE_X | PTE_A),
             VALIAS: ("jd_vcodeA", RW),
             VSTA: ("jd_vstradA", RX),
             VAD: ("jd_vdata2", PTE_V | PTE_R | PTE_W | PTE_X),    # A=D=0: hardware sets them
             VU: ("jd_vdata", RW | PTE_U),
             VNX: ("jd_vcodeA", RW),
             VFA: ("jd_vfallA", RX),
             VFB: ("jd_vfallC" if second else "jd_vfallB", RX)}
        if second:
            e[VSTB] = ("jd_vstradC", RX)
        return e

    def g_smode(self):
        """The S-mode segment (once per program), entered with mret, left by ecall."""
        self.make_vcode()
        self.lines.append("# ---- S-mode segment: Sv39 ----")
        for root, l1, l0, second in (("jd_pt_root", "jd_pt_l1", "jd_pt_l0", False),
                                     ("jd_pt_root2", "jd_pt_l1b", "jd_pt_l0b", True)):
            t, u = self.tmp(2)
            self.li(t, (RAM_BASE >> 12 << 10) | RW | PTE_X)      # 1 GiB identity at 2 GiB
            self.e("la x%d, %s" % (u, root))
            self.e("sd x%d, 16(x%d)" % (t, u))
            self.set_pte(root, 1, l1, PTE_V)
            self.set_pte(l1, 0, l0, PTE_V)
            for i, (target, flags) in sorted(self.l0_entries(second).items()):
                self.set_pte(l0, i, target, flags)
        t = self.tmp()
        # one PMP entry covering everything: without it S-mode may access nothing
        # (and QEMU refuses an mret to a lower privilege)
        self.e("li x%d, -1" % t)
        self.e("csrw pmpaddr0, x%d" % t)
        self.e("li x%d, 0x1f\t# NAPOT, RWX" % t)
        self.e("csrw pmpcfg0, x%d" % t)
        self.li(t, 0x1800)
        self.e("csrc mstatus, x%d" % t)
        self.li(t, 0x800)
        self.e("csrs mstatus, x%d" % t)
        self.e("la x%d, jd_strap" % t)
        self.e("csrw stvec, x%d" % t)
        self.e("la x%d, jd_ssave" % t)
        self.e("csrw sscratch, x%d" % t)
        self.li(t, MEDELEG)
        self.e("csrw medeleg, x%d" % t)
        self.e("csrwi mcounteren, 7")
        self.satp(t, "jd_pt_root")
        self.e("sfence.vma")
        self.e("la x%d, jd_s_entry" % t)
        self.e("csrw mepc, x%d" % t)
        self.e("mret")
        self.lines.append("jd_s_entry:")
        self.smode = True
        saved_in_loop = self.in_loop
        items = [self.s_call, self.s_remap, self.s_fault, self.s_vd_access, self.s_strad_map,
                 self.s_strad_call, self.s_sum_mxr, self.s_alias_patch, self.s_satp_switch,
                 self.g_probe, self.s_fall_map, self.s_fall_call]
        self.work += self.s_remap_loop()
        for _ in range(self.r.randint(10, 20)):
            c = self.r.random()
            if c < 0.45:
                self.work += self.g_hot_loop()
            elif c < 0.55:
                self.simple()
            else:
                self.r.choice(items)()
        self.in_loop = saved_in_loop
        self.e("ecall\t# back to M-mode (jd_mtrap)")
        self.smode = False
        self.e("csrw satp, x0")
        self.e("csrw medeleg, x0")
        self.e("sfence.vma")
        self.lines.append("# ---- end of the S-mode segment ----")
        self.count("S-mode segments")

    def satp(self, t, root):
        u = self.tmp(pool=[x for x in dg.INT_POOL if x != t])
        self.e("la x%d, %s" % (t, root))
        self.e("srli x%d, x%d, 12" % (t, t))
        self.li(u, 8 << 60)
        self.e("or x%d, x%d, x%d" % (t, t, u))
        self.e("csrw satp, x%d" % t)

    def s_call(self):
        """Call the function at VA page VX (or fault on a non-executable page)."""
        t = self.tmp()
        c = self.r.random()
        fault = c < 0.25 and self.budget_traps(1)
        if fault:
            target = self.r.choice([va(VD), va(VUNM), va(VNX), va(VRO, 8), 0x90000000,
                                    va(VU)])
            self.li(t, target)
            self.count("S fetch faults")
        else:
            if self.vtraps and not self.budget_traps(self.vtraps):
                self.simple()
                return 3
            self.li(t, va(VX))
            self.count("S calls through the remappable page")
        self.e("jalr ra, 0(x%d)" % t)
        return 30

    def la_either(self, t, v, first, second):
        """x{t} = the address of `first` if x{v} is 0, else of `second`."""
        self.e("la x%d, %s" % (t, first))
        lab = self.label()
        self.e("beqz x%d, %s" % (v, lab))
        self.e("la x%d, %s" % (t, second))
        self.lines.append(lab + ":")

    def s_remap(self, sel=None):
        """Point VA page VX at the other function; sfence.vma; maybe call."""
        if sel is None:
            sel = self.selector()
        t, u, v = self.tmp(3)
        self.e("andi x%d, x%d, 1" % (v, sel))
        self.la_either(t, v, "jd_vcodeA", "jd_vcodeB")
        self.e("srli x%d, x%d, 12" % (t, t))
        self.e("slli x%d, x%d, 10" % (t, t))
        self.e("ori x%d, x%d, %d" % (t, t, RX))
        self.e("la x%d, jd_pt_l0" % u)
        self.e("sd x%d, %d(x%d)" % (t, 8 * VX, u))
        c = self.r.randrange(3)
        if c == 0:
            self.e("sfence.vma")
        elif c == 1:
            self.li(u, va(VX))
            self.e("sfence.vma x%d" % u)
        else:
            self.li(u, va(VX))
            self.e("sfence.vma x%d, x0" % u)
        self.count("S remaps of a code page")
        if self.chance(0.7) or sel is not None:
            self.s_call()
        return 40

    def s_satp_switch(self, sel=None):
        """Switch satp between the two roots (VX -> A or B, VSTB unmapped or C)."""
        if sel is None:
            sel = self.selector()
        t, u, v = self.tmp(3)
        self.e("andi x%d, x%d, 2" % (v, sel))
        self.la_either(t, v, "jd_pt_root", "jd_pt_root2")
        self.e("srli x%d, x%d, 12" % (t, t))
        self.li(u, 8 << 60)
        self.e("or x%d, x%d, x%d" % (t, t, u))
        self.e("csrw satp, x%d" % t)
        self.e("sfence.vma")
        self.count("S satp switches")
        if self.chance(0.6):
            self.s_call()
        if self.chance(0.5):
            self.s_fall_call()
        return 40

    def s_strad_map(self, sel=None):
        """Map VA page VSTB (the straddling instruction's second half) to B,
        C, or nothing."""
        self.s_map_by(VSTB, "jd_vstradB", "jd_vstradC", sel)
        self.count("S straddle remaps")

    def s_map_by(self, idx, b, c, sel=None):
        """l0[idx] = b, c or nothing, chosen at run time by (sel & 3): 0, 3 -> b,
        1 -> c, 2 -> unmapped; then sfence.vma (by address or all)."""
        if sel is None:
            sel = self.selector()
        t, v, w = self.tmp(3)
        store, pte = self.label(), self.label()
        self.e("andi x%d, x%d, 3" % (v, sel))
        self.e("li x%d, 0" % t)
        self.e("addi x%d, x%d, -2" % (w, v))
        self.e("beqz x%d, %s" % (w, store))
        self.e("la x%d, %s" % (t, b))
        self.e("andi x%d, x%d, 1" % (w, v))
        self.e("beqz x%d, %s" % (w, pte))
        self.e("la x%d, %s" % (t, c))
        self.lines.append(pte + ":")
        self.e("srli x%d, x%d, 12" % (t, t))
        self.e("slli x%d, x%d, 10" % (t, t))
        self.e("ori x%d, x%d, %d" % (t, t, RX))
        self.lines.append(store + ":")
        self.e("la x%d, jd_pt_l0" % w)
        self.e("sd x%d, %d(x%d)" % (t, 8 * idx, w))
        if self.chance(0.5):
            self.li(w, va(idx))
            self.e("sfence.vma x%d" % w)
        else:
            self.e("sfence.vma")

    def s_fall_map(self, sel=None):
        """Map VA page VFB (where jd_vfallA's code runs on to) to B, C or nothing."""
        self.s_map_by(VFB, "jd_vfallB", "jd_vfallC", sel)
        self.count("S fall-through page remaps")

    def s_remap_loop(self):
        """A hot loop that changes, every iteration, what the next page after
        jd_vfallA, the straddling page and the remappable page map to, and
        runs through each: a translation linked across a page, or looked up
        by virtual address without the mapping, runs the wrong code."""
        def body():
            cnt = self.cur_cnt()
            cost = 0
            steps = [lambda: (self.s_fall_map(cnt), self.s_fall_call()),
                     lambda: (self.s_strad_map(cnt), self.s_strad_call()),
                     lambda: self.s_remap(cnt),
                     lambda: self.s_satp_switch(cnt)]
            self.r.shuffle(steps)
            for st in steps[:self.r.randint(2, 4)]:
                st()
                cost += 40
                for _ in range(self.r.randint(0, 2)):
                    cost += self.loop_item()
            return cost
        return self.g_hot_loop(n=self.r.randint(4, 12), body_items=body)

    def s_fall_call(self):
        if not self.budget_traps(1):
            self.simple()
            return 3
        t = self.tmp()
        self.li(t, va(VFA, self.vfall_off))
        self.e("jalr ra, 0(x%d)" % t)
        self.count("S calls running on into the next page")
        return 20

    def s_strad_call(self):
        if not self.budget_traps(1):
            self.simple()
            return 3
        t = self.tmp()
        self.li(t, va(VSTA, self.vstrad_off))
        self.e("jalr ra, 0(x%d)" % t)
        self.count("S straddling calls")
        return 20

    def s_sum_mxr(self):
        bit = self.r.choice([MSTATUS_SUM, MSTATUS_MXR])
        t = self.tmp()
        self.li(t, bit)
        self.e("csrs sstatus, x%d" % t)
        for _ in range(self.r.randint(1, 3)):
            self.s_vd_access() if self.chance(0.3) else self.s_fault()
        self.e("csrc sstatus, x%d" % t)
        self.count("S SUM/MXR windows")

    def s_vd_access(self):
        """A load or store through the 4 KiB data mapping (or its aliases)."""
        page = self.r.choice([VD, VD, VD, VAD, VRO])
        size = self.r.choice([1, 2, 4, 8])
        off = self.r.randrange(0, 4096 - size + 1)
        if self.chance(0.7):
            off &= ~(size - 1)
        t = self.tmp()
        self.li(t, va(page, off))
        store = page != VRO and self.chance(0.5)
        if store:
            op = {1: "sb", 2: "sh", 4: "sw", 8: "sd"}[size]
            self.e("%s x%d, 0(x%d)" % (op, self.rs(), t))
        else:
            op = {1: "lbu", 2: "lh", 4: "lw", 8: "ld"}[size]
            self.e("%s x%d, 0(x%d)" % (op, self.rd(), t))
        self.count("S mapped accesses")

    def s_fault(self):
        if not self.budget_traps(1):
            return self.s_vd_access()
        c = self.r.randrange(12 if not self.portable else 8)
        t = self.tmp()
        if c == 11:
            self.li(t, va(VD, 4096 - 40))
            self.access_group(t, 40)      # runs into the unmapped page: page fault
            self.count("S page/access faults")
            return
        if c == 0:
            self.li(t, va(VUNM, 8 * self.r.randrange(512)))
            self.e("ld x%d, 0(x%d)" % (self.rd(), t))
        elif c == 1:
            self.li(t, va(VRO, 4 * self.r.randrange(1024)))
            self.e("sw x%d, 0(x%d)" % (self.rs(), t))
        elif c == 2:
            self.li(t, va(VXO, 4 * self.r.randrange(1024)))
            self.e("lw x%d, 0(x%d)" % (self.rd(), t))
        elif c == 3:
            self.li(t, va(VU, 8 * self.r.randrange(512)))
            if self.chance(0.5):
                self.e("ld x%d, 0(x%d)" % (self.rd(), t))
            else:
                self.e("sd x%d, 0(x%d)" % (self.rs(), t))
        elif c == 4:
            self.li(t, va(VX, 4 * self.r.randrange(1024)))
            self.e("sw x%d, 0(x%d)" % (self.rs(), t))
        elif c == 5:
            self.li(t, va(VRO, 8 * self.r.randrange(512)))
            self.e("amoadd.d x%d, x%d, (x%d)" % (self.rd(), self.rs(), t))
        elif c == 6:
            self.li(t, self.r.choice([0x0000004000000000, 0xffffffc000000000 - 4096,
                                      0x0000800000000000]))
            self.e("ld x%d, 0(x%d)" % (self.rd(), t))        # non-canonical / unmapped
        elif c == 7:
            self.li(t, va(VUNM, 0))
            self.e("lr.w x%d, (x%d)" % (self.rd(), t))
        elif c == 8:
            # crossing from the data page into the unmapped page
            self.li(t, va(VD, 4096 - self.r.choice([2, 4, 6])))
            if self.chance(0.5):
                self.e("ld x%d, 0(x%d)" % (self.rd(), t))
            else:
                self.e("sd x%d, 0(x%d)" % (self.rs(), t))
        elif c == 9:
            # beyond RAM through the identity gigapage: access fault
            self.li(t, RAM_END - self.r.choice([0, 2, 4]))
            self.e("lw x%d, 0(x%d)" % (self.rd(), t))
        else:
            self.li(t, RAM_END - 4)
            self.e("sd x%d, 0(x%d)" % (self.rs(), t))      # partial store, then fault
        self.count("S page/access faults")

    def s_alias_patch(self):
        """Patch the first slot of jd_vcodeA through its writable alias (or
        the identity map), fence.i; the next call through VX sees it."""
        site = self.vsite
        sel = self.selector()
        t, u = self.tmp(2)
        if site.kind == "imm":
            self.e("slli x%d, x%d, 52" % (t, sel))
            self.e("srli x%d, x%d, 32" % (t, t))
            self.li(u, enc_i(0x13, 0, site.xr, site.xr, 0))
            self.e("or x%d, x%d, x%d" % (t, t, u))
        else:
            self.e("andi x%d, x%d, %d" % (t, sel, site.k - 1))
            self.e("la x%d, %s" % (u, site.alts))
            self.e("sh2add x%d, x%d, x%d" % (u, t, u))
            self.e("lwu x%d, 0(x%d)" % (t, u))
        if self.chance(0.7):
            self.li(u, va(VALIAS))
            self.count("S patches through the alias")
        else:
            self.e("la x%d, jd_vcodeA" % u)
            self.count("S patches through the identity map")
        self.code_store("sw x%d, 0(x%d)" % (t, u))
        self.e("fence.i")
        if self.chance(0.6):
            self.s_call()
        return 20

    # -- the body -----------------------------------------------------------------
    def top_item(self):
        c = self.r.random()
        if self.pending or c < 0.45:
            self.item()
            return 3
        if c < 0.60:
            return self.g_hot_loop()
        if c < 0.65:
            return self.g_call()
        if c < 0.69:
            return self.g_jtab()
        if c < 0.74:
            return self.g_pgcall()
        if c < 0.77:
            self.g_probe()
            return 5
        if c < 0.79:
            self.g_counter_write()
            return 5
        if c < 0.83:
            return self.g_tpl_copy()
        if c < 0.86:
            return self.g_cb_call()
        if c < 0.89:
            self.g_fault() if self.chance(0.6) else self.g_trap_item()
            return 40
        if c < 0.92:
            # a patch of a function's site (the function is called elsewhere)
            return self.g_fn_patch()
        if c < 0.94:
            return self.g_dc()
        return self.g_pgpatch() if self.pgfuncs else self.g_pgcall()

    def g_fn_patch(self):
        sites = [s for s in self.fn_sites]
        if not sites:
            return self.g_call()
        s = self.r.choice(sites)
        if s.traps and not self.budget_traps(s.traps * 4):
            return self.g_call()
        self.emit_patch(s)
        return 20

    def body(self):
        self.lines.append("# ---- jitdiff body: x31 = jd_area, mtvec = jd_mtrap ----")
        self.e("la x%d, jd_mtrap" % BASE)
        self.e("csrw mtvec, x%d" % BASE)
        self.e("la x%d, jd_area" % BASE)
        s_at = self.r.randrange(self.length) if self.want_smode else -1
        since = 0
        for i in range(self.length):
            if self.chance(0.01):
                self.rvc = not self.rvc
                self.e(".option %s" % ("rvc" if self.rvc else "norvc"))
            if i == s_at and self.pending:
                s_at += 1
            if i == s_at:
                self.g_smode()
            else:
                w = self.top_item()
                self.work += w or 0
            self.tick()
            since += 1
            if since >= CKPT_EVERY and not self.pending:
                self.checkpoint()
                since = 0
        for p in self.pending:
            self.lines.append(p[1] + ":")
        self.pending = []
        self.e(".option rvc")


# ----------------------------------------------------------------------------
# Assembly around the body
# ----------------------------------------------------------------------------

def mix(reg_val, reg_h, reg_t):
    """h = (h ^ v) * FNV prime, with a scratch register."""
    return ["\txor x%d, x%d, x%d" % (reg_h, reg_h, reg_val),
            "\tli x%d, 0x%x" % (reg_t, HASH_MUL),
            "\tmul x%d, x%d, x%d" % (reg_h, reg_h, reg_t)]


def handlers(portable):
    m = [
        "",
        "# ---- jitdiff M-mode pre-handler: hash and log every trap, then",
        "# ---- tests/diff's trap_handler; an ecall from S returns to M-mode",
        "\t.section .text.jdh, \"ax\"",
        "\t.option norvc",
        "\t.balign 4",
        "jd_mtrap:",
        "\tsd x5, %d(x31)" % A_MSPILL,
        "\tsd x6, %d(x31)" % (A_MSPILL + 8),
        "\tsd x7, %d(x31)" % (A_MSPILL + 16),
        "\tcsrr x5, mcause",
        "\tli x6, 9",
        "\tbne x5, x6, 1f",
        "\tld x6, %d(x31)" % A_SFATAL,
        "\tbnez x6, trap_fatal",
        "\tcsrr x5, mepc",
        "\taddi x5, x5, 4",
        "\tcsrw mepc, x5",
        "\tli x5, 0x1800",
        "\tcsrs mstatus, x5\t# MPP = M: continue after the ecall in M-mode",
        "\tld x5, %d(x31)" % A_MSPILL,
        "\tld x6, %d(x31)" % (A_MSPILL + 8),
        "\tld x7, %d(x31)" % (A_MSPILL + 16),
        "\tmret",
        "1:\tld x6, %d(x31)" % A_MCOUNT,
        "\tli x7, %d" % MTLOG_MAX,
        "\tbgeu x6, x7, 2f",
        "\tcsrr x7, minstret" if not portable else "\tli x7, 0",
        "\tslli x5, x6, 3",
        "\tadd x5, x5, x31",
        "\taddi x5, x5, 2040",
        "\taddi x5, x5, 2040",
        "\tsd x7, %d(x5)" % (A_MTLOG - 4080),
        "2:\taddi x6, x6, 1",
        "\tsd x6, %d(x31)" % A_MCOUNT,
        "\tld x6, %d(x31)" % A_MHASH,
    ]
    for csr in ["mcause", "mepc", "mtval"] + ([] if portable else ["minstret"]):
        m.append("\tcsrr x5, %s" % csr)
        m += mix(5, 6, 7)
    m += [
        "\tsd x6, %d(x31)" % A_MHASH,
        "\tld x5, %d(x31)" % A_MSPILL,
        "\tld x6, %d(x31)" % (A_MSPILL + 8),
        "\tld x7, %d(x31)" % (A_MSPILL + 16),
        "\tj trap_handler",
        "",
        "# ---- jitdiff S-mode handler (page faults and the rest are delegated):",
        "# ---- log, hash, skip the instruction; a fetch fault returns to ra",
        "\t.balign 4",
        "jd_strap:",
        "\tcsrrw x2, sscratch, x2",
        "\tsd x5, 0(x2)",
        "\tsd x6, 8(x2)",
        "\tsd x7, 16(x2)",
        "\tld x6, %d(x31)" % A_SCOUNT,
        "\tli x7, %d" % S_TRAP_LIMIT,
        "\tbgeu x6, x7, jd_sfatal",
        "\tli x7, %d" % STLOG_MAX,
        "\tbgeu x6, x7, 2f",
        "\tslli x5, x6, 5",
        "\tla x7, jd_area + %d" % A_STLOG,
        "\tadd x5, x5, x7",
        "\tcsrr x7, scause",
        "\tsd x7, 0(x5)",
        "\tcsrr x7, sepc",
        "\tsd x7, 8(x5)",
        "\tcsrr x7, stval",
        "\tsd x7, 16(x5)",
        "\tcsrr x7, instret" if not portable else "\tli x7, 0",
        "\tsd x7, 24(x5)",
        "2:\taddi x6, x6, 1",
        "\tsd x6, %d(x31)" % A_SCOUNT,
        "\tld x6, %d(x31)" % A_SHASH,
    ]
    for csr in ["scause", "sepc", "stval"] + ([] if portable else ["instret"]):
        m.append("\tcsrr x5, %s" % csr)
        m += mix(5, 6, 7)
    m += [
        "\tsd x6, %d(x31)" % A_SHASH,
        "\tcsrr x5, scause",
        "\tli x6, 12",
        "\tbeq x5, x6, 3f",
        "\tli x6, 1",
        "\tbeq x5, x6, 3f",
        "\tcsrr x6, sepc",
        "\tlhu x7, 0(x6)",
        "\tandi x7, x7, 3",
        "\taddi x6, x6, 2",
        "\tli x5, 3",
        "\tbne x7, x5, 4f",
        "\taddi x6, x6, 2",
        "\tj 4f",
        "3:\tmv x6, x1\t# a fetch fault: only ever reached by a call",
        "4:\tcsrw sepc, x6",
        "\tld x5, 0(x2)",
        "\tld x6, 8(x2)",
        "\tld x7, 16(x2)",
        "\tcsrrw x2, sscratch, x2",
        "\tsret",
        "jd_sfatal:",
        "\tli x5, 1",
        "\tsd x5, %d(x31)" % A_SFATAL,
        "\tecall",
        "\tj jd_sfatal",
    ]
    return m


def dump_code(regions):
    lines = [
        "",
        "# ---- after END STATE: the jitdiff regions, 32 bytes a line ----",
        "\t.section .text.jdh, \"ax\"",
        "\t.option rvc",
        "jd_dump_all:",
        "\tmv s11, ra",
        "\tla a0, jd_str_begin",
        "\tcall puts",
        "\tla s6, jd_regions",
        "1:\tld s7, 0(s6)",
        "\tbeqz s7, 9f",
        "\tld s8, 8(s6)",
        "\tld s9, 16(s6)",
        "\tli s10, 0",
        "2:\tbgeu s10, s9, 8f",
        "\tmv a0, s7",
        "\tcall puts",
        "\tmv a0, s10",
        "\tli a1, 4",
        "\tcall puthex",
        "\tli a0, ' '",
        "\tcall putc",
        "\tli s4, 0",
        "3:\tadd t0, s8, s10",
        "\tadd t0, t0, s4",
        "\tlbu a0, 0(t0)",
        "\tli a1, 2",
        "\tcall puthex",
        "\taddi s4, s4, 1",
        "\tli t0, 32",
        "\tbltu s4, t0, 3b",
        "\tli a0, 10",
        "\tcall putc",
        "\taddi s10, s10, 32",
        "\tj 2b",
        "8:\taddi s6, s6, 24",
        "\tj 1b",
        "9:\tla a0, jd_str_end",
        "\tcall puts",
        "\tmv ra, s11",
        "\tret",
        "\t.section .rodata.jdh",
        "jd_str_begin:\t.asciz \"BEGIN JITDIFF\\n\"",
        "jd_str_end:\t.asciz \"END JITDIFF\\n\"",
    ]
    for i, (name, _, _) in enumerate(regions):
        lines.append("jd_rname%d:\t.asciz \"%s \"" % (i, name))
    lines += ["\t.balign 8", "jd_regions:"]
    for i, (name, addr, length) in enumerate(regions):
        assert length % 32 == 0 or length < 32
        lines.append("\t.dword jd_rname%d, %s, %d" % (i, addr, max(32, length)))
    lines.append("\t.dword 0, 0, 0")
    return lines


def render_program(g, args_text):
    text = dg.render(g, g.lines, args_text)
    hook = "\tla a0, str_end\n\tcall puts\n"
    assert text.count(hook) == 1, "tests/diff/gen.py's footer changed: no END STATE hook"
    text = text.replace(hook, hook + "\tcall jd_dump_all\n")
    used = (A_PROBES + 16 * max(2, g.nprobe) + 31) & ~31
    regions = [("area", "jd_area", used), ("mtlog", "jd_area + %d" % A_MTLOG, 8 * MTLOG_MAX)]
    regions += [r for r in g.regions if r[0] != "stlog"]
    if any(r[0] == "stlog" for r in g.regions):
        regions.append(("stlog", "jd_area + %d" % A_STLOG, 32 * STLOG_MAX))
    if not g.portable:
        regions.append(("ramend", "0x%x" % (RAM_END - 64), 64))
    out = [text, "", "# ==== jitdiff additions ===="]
    out += handlers(g.portable)
    out += dump_code(regions)
    out += ["", "\t.option rvc"] + g.extra
    out += ["", "\t.section .rodata.jd", "\t.option rvc"] + g.rodata
    out += ["", "\t.section .data.jdarea, \"aw\"", "\t.balign 4096",
            "jd_area:\t.zero %d" % AREA_SIZE, ""]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--length", type=int, default=300, help="number of top-level items")
    ap.add_argument("--portable", action="store_true",
                    help="leave out what QEMU computes differently (for a QEMU cross-check)")
    ap.add_argument("--no-smode", action="store_true", help="no Sv39 S-mode segment")
    ap.add_argument("--inert-smc", action="store_true",
                    help="experiment: every store that writes code becomes a load (the "
                         "output must then differ from the real program's)")
    ap.add_argument("--stats", action="store_true", help="print what was generated on stderr")
    ap.add_argument("-o", "--output", help="output .S (default stdout)")
    a = ap.parse_args()

    g = JGen(a.seed, a.length, portable=a.portable, smode=not a.no_smode,
             inert_smc=a.inert_smc)
    g.body()
    args_text = "(tests/jitdiff) --seed %d --length %d%s%s%s" % (
        a.seed, a.length, " --portable" if a.portable else "",
        " --no-smode" if a.no_smode else "", " --inert-smc" if a.inert_smc else "")
    text = render_program(g, args_text)
    if a.output:
        with open(a.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    if a.stats:
        for k in sorted(g.stats):
            print("%-40s %d" % (k, g.stats[k]), file=sys.stderr)
        print("%-40s %d" % ("estimated traps (M, upper bound)", g.trap_est), file=sys.stderr)
        print("%-40s %d" % ("estimated traps (S, upper bound)", g.strap_est), file=sys.stderr)
        print("%-40s %d" % ("estimated instructions (rough)", g.work), file=sys.stderr)


if __name__ == "__main__":
    main()

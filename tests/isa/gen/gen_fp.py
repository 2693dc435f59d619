import sys
from fpref import *
S = lambda x: 0xffffffff00000000 | x          # boxed single
class Gen:
    def __init__(s): s.n = 0; s.lines = []
    def c(s, text): s.lines.append('  // ' + text)
    def raw(s, text): s.lines.append(text)
    def num(s):
        s.n += 1
        assert s.n <= 252
        return s.n
def h(x): return hex(x)

def emit_arith(g, fmt, name, rm, *ins, note=''):
    res, fl = op(name, fmt, 'rne' if rm == 'dyn' else rm, *ins) if rm != 'dyn' else (None, None)
    return res, fl

def arith(g, fmt, name, rm, ins, dynrm=None, note=''):
    eff = dynrm if rm == 'dyn' else rm
    res, fl = op(name, fmt, eff, *ins)
    if fmt == 's': res = S(res)
    mn = f'{name}.{fmt}'
    n = g.num()
    if note: g.c(note)
    if len(ins) == 1: g.raw(f'  FOP1 {n}, {mn}, {rm}, {h(ins[0])}, {h(res)}, {fl}')
    elif len(ins) == 2: g.raw(f'  FOP2 {n}, {mn}, {rm}, {h(ins[0])}, {h(ins[1])}, {h(res)}, {fl}')
    else: g.raw(f'  FOP3 {n}, {mn}, {rm}, {h(ins[0])}, {h(ins[1])}, {h(ins[2])}, {h(res)}, {fl}')

def header(desc):
    return f'''{desc}
// Expected values come from an exact rational reference model of IEEE 754
// with the RISC-V rules (canonical NaN, tininess after rounding).
#include "test.h"
#include "fp.h"
TEST_BEGIN
  TRAPS_M
  TRAP_CLEAR
  csrwi fcsr, 0
'''
FOOT = '''  CHECK_NOTRAP 252
TEST_END
'''

def arith_file(fmt):
    g = Gen()
    if fmt == 's':
        one, two, three, half = 0x3f800000, 0x40000000, 0x40400000, 0x3f000000
        m1 = 0xbf800000; seven = 0x40e00000; five = 0x40a00000
        t24, t25x3, t25 = 0x33800000, 0x33c00000, 0x33000000
        onep = 0x3f800001
        big = 0x7f7fffff; minn = 0x00800000; minn1 = 0x00800001
        inf_, ninf = 0x7f800000, 0xff800000
        qnan, snan, nqnan = 0x7fc00000, 0x7f800001, 0xffc12345
        pz, nz = 0, 0x80000000
        xa, xc = 0x3f800800, 0xbf801000           # 1+2^-12, -(1+2^-11)
        a13, b13 = 0x3f7ff800, 0x00800400
        a24 = 0x3f7fffff
        B = S
    else:
        one, two, three, half = 0x3ff0000000000000, 0x4000000000000000, 0x4008000000000000, 0x3fe0000000000000
        m1 = 0xbff0000000000000; seven = 0x401c000000000000; five = 0x4014000000000000
        t24, t25x3, t25 = 0x3ca0000000000000, 0x3c98000000000000, 0x3c90000000000000
        onep = 0x3ff0000000000001
        big = 0x7fefffffffffffff; minn = 0x0010000000000000; minn1 = 0x0010000000000001
        inf_, ninf = 0x7ff0000000000000, 0xfff0000000000000
        qnan, snan, nqnan = 0x7ff8000000000000, 0x7ff0000000000001, 0xfff8000000012345
        pz, nz = 0, 0x8000000000000000
        xa, xc = 0x3ff0000020000000, 0xbff0000040000000   # 1+2^-27, -(1+2^-26)
        a13, b13 = 0x3feffffffc000000, 0x0010000004000000  # 1-2^-27, 2^-1022(1+2^-26)
        a24 = 0x3fefffffffffffff
        B = lambda x: x
    neg = lambda x: x ^ (0x80000000 if fmt == 's' else 0x8000000000000000)
    g.c('---- exact basic arithmetic')
    arith(g, fmt, 'fadd', 'rne', [B(one), B(two)])
    arith(g, fmt, 'fsub', 'rne', [B(one), B(two)])
    arith(g, fmt, 'fmul', 'rne', [B(three), B(neg(five))])
    arith(g, fmt, 'fdiv', 'rne', [B(seven), B(two)])
    arith(g, fmt, 'fadd', 'rne', [B(pz), B(nz)], note='+0 + -0 = +0, but -0 in RDN; x - x likewise')
    arith(g, fmt, 'fadd', 'rdn', [B(pz), B(nz)])
    arith(g, fmt, 'fadd', 'rne', [B(nz), B(nz)])
    arith(g, fmt, 'fsub', 'rne', [B(one), B(one)])
    arith(g, fmt, 'fsub', 'rdn', [B(one), B(one)])
    arith(g, fmt, 'fmul', 'rne', [B(nz), B(five)])
    g.c('---- every static rounding mode: ties, 0.75 ulp, 0.25 ulp, both signs')
    for a, b, what in [(one, t24, 'tie to even'), (onep, t24, 'tie, odd'), (one, t25x3, '0.75 ulp'),
                       (one, t25, '0.25 ulp'), (m1, neg(t24), 'negative tie'), (m1, neg(t25x3), 'negative 0.75 ulp')]:
        g.c(what)
        for rm in RMS: arith(g, fmt, 'fadd', rm, [B(a), B(b)])
    g.c('division 1/3 and -1/3 in every mode')
    for a in (one, m1):
        for rm in RMS: arith(g, fmt, 'fdiv', rm, [B(a), B(three)])
    g.c('multiplication rounding')
    for rm in RMS: arith(g, fmt, 'fmul', rm, [B(xa), B(xa)])
    g.c('---- dynamic rounding mode from frm')
    for k, rm in enumerate(RMS):
        g.raw(f'  csrwi frm, {k}')
        for a, b in [(one, t25), (onep, t24), (m1, neg(t25)), (one, t24)]:
            arith(g, fmt, 'fadd', 'dyn', [B(a), B(b)], dynrm=rm)
        arith(g, fmt, 'fdiv', 'dyn', [B(m1), B(three)], dynrm=rm)
    g.raw('  csrwi frm, 0')
    g.c('---- exception flags, exactly')
    g.c('underflow: tiny and inexact; exact tiny results raise nothing')
    for rm in ('rne', 'rup', 'rtz'): arith(g, fmt, 'fmul', rm, [B(minn1), B(half)])
    arith(g, fmt, 'fmul', 'rne', [B(minn), B(half)])
    arith(g, fmt, 'fmul', 'rne', [B(a24), B(minn)], note='rounds to the smallest normal, tiny before rounding too: UF')
    arith(g, fmt, 'fmul', 'rne', [B(a13), B(b13)], note='not tiny after rounding (RISC-V rule): NX only')
    arith(g, fmt, 'fmul', 'rtz', [B(a13), B(b13)])
    arith(g, fmt, 'fsub', 'rne', [B(minn1), B(minn)], note='exact subnormal difference')
    g.c('overflow in every mode, both signs')
    for rm in RMS: arith(g, fmt, 'fmul', rm, [B(big), B(two)])
    for rm in RMS: arith(g, fmt, 'fmul', rm, [B(neg(big)), B(two)])
    arith(g, fmt, 'fadd', 'rne', [B(big), B(big)])
    g.c('division by zero')
    arith(g, fmt, 'fdiv', 'rne', [B(one), B(pz)])
    arith(g, fmt, 'fdiv', 'rne', [B(m1), B(pz)])
    arith(g, fmt, 'fdiv', 'rne', [B(one), B(nz)])
    arith(g, fmt, 'fdiv', 'rne', [B(inf_), B(pz)], note='inf / 0 is exact: no DZ')
    arith(g, fmt, 'fdiv', 'rne', [B(pz), B(pz)], note='0 / 0 is invalid')
    g.c('invalid operations give the canonical NaN')
    arith(g, fmt, 'fadd', 'rne', [B(inf_), B(ninf)])
    arith(g, fmt, 'fsub', 'rne', [B(inf_), B(inf_)])
    arith(g, fmt, 'fmul', 'rne', [B(pz), B(inf_)])
    arith(g, fmt, 'fdiv', 'rne', [B(inf_), B(ninf)])
    arith(g, fmt, 'fadd', 'rne', [B(inf_), B(inf_)])
    arith(g, fmt, 'fdiv', 'rne', [B(one), B(inf_)])
    g.c('NaN operands: quiet ones raise nothing, signalling ones NV; never propagated')
    arith(g, fmt, 'fadd', 'rne', [B(qnan), B(one)])
    arith(g, fmt, 'fadd', 'rne', [B(one), B(nqnan)])
    arith(g, fmt, 'fmul', 'rne', [B(snan), B(one)])
    arith(g, fmt, 'fsub', 'rne', [B(qnan), B(snan)])
    arith(g, fmt, 'fdiv', 'rne', [B(nqnan), B(pz)])
    g.c('flags accrue (OR) until cleared')
    n = g.num()
    r1, f1 = op('fadd', fmt, 'rne', B(one), B(t25)); r2, f2 = op('fdiv', fmt, 'rne', B(one), B(pz))
    g.raw(f'''  LI_D f1, {h(B(one))}
  LI_D f2, {h(B(t25))}
  fadd.{fmt} f3, f1, f2
  LI_D f2, {h(B(pz))}
  fdiv.{fmt} f3, f1, f2
  CHECK_LABEL {n}
  csrr t5, fflags
  CMP {n}, t5, {f1 | f2}
  csrr t5, fcsr
  CMP {n}, t5, {f1 | f2}
  LI_D f2, {h(B(qnan))}
  fadd.{fmt} f3, f1, f2
  csrrw t5, fflags, zero
  CMP {n}, t5, {f1 | f2}''')
    g.c('---- fused multiply-add family')
    for nm in ('fmadd', 'fmsub', 'fnmsub', 'fnmadd'):
        arith(g, fmt, nm, 'rne', [B(two), B(three), B(one)])
    arith(g, fmt, 'fmadd', 'rne', [B(xa), B(xa), B(xc)], note='fused: x*x - (1+2u) is exact, a separate multiply would give 0')
    arith(g, fmt, 'fmsub', 'rne', [B(xa), B(xa), B(neg(xc))])
    arith(g, fmt, 'fnmadd', 'rne', [B(xa), B(xa), B(xc)])
    arith(g, fmt, 'fmadd', 'rne', [B(inf_), B(pz), B(qnan)], note='inf * 0 + qNaN is invalid')
    arith(g, fmt, 'fmadd', 'rne', [B(pz), B(ninf), B(one)])
    arith(g, fmt, 'fmadd', 'rne', [B(one), B(one), B(snan)])
    arith(g, fmt, 'fmadd', 'rne', [B(qnan), B(one), B(one)])
    arith(g, fmt, 'fmadd', 'rne', [B(inf_), B(one), B(ninf)])
    arith(g, fmt, 'fmsub', 'rne', [B(inf_), B(one), B(inf_)])
    arith(g, fmt, 'fmadd', 'rne', [B(inf_), B(two), B(one)])
    arith(g, fmt, 'fnmadd', 'rne', [B(one), B(pz), B(pz)], note='signs of exact zero results')
    arith(g, fmt, 'fnmsub', 'rne', [B(one), B(pz), B(pz)])
    arith(g, fmt, 'fmadd', 'rdn', [B(one), B(pz), B(nz)])
    arith(g, fmt, 'fmadd', 'rne', [B(one), B(nz), B(nz)])
    for rm in RMS: arith(g, fmt, 'fmadd', rm, [B(one), B(one), B(t24)])
    for rm in ('rne', 'rtz', 'rup'): arith(g, fmt, 'fmadd', rm, [B(big), B(two), B(neg(big))])
    arith(g, fmt, 'fmadd', 'rne', [B(minn1), B(half), B(pz)], note='underflow through fma')
    g.c('---- square root')
    four = B(0x40800000 if fmt == 's' else 0x4010000000000000)
    arith(g, fmt, 'fsqrt', 'rne', [four])
    for rm in RMS: arith(g, fmt, 'fsqrt', rm, [B(two)])
    arith(g, fmt, 'fsqrt', 'rne', [B(nz)])
    arith(g, fmt, 'fsqrt', 'rne', [B(m1)])
    arith(g, fmt, 'fsqrt', 'rne', [B(inf_)])
    arith(g, fmt, 'fsqrt', 'rne', [B(ninf)])
    arith(g, fmt, 'fsqrt', 'rne', [B(snan)])
    arith(g, fmt, 'fsqrt', 'rne', [B(qnan)])
    arith(g, fmt, 'fsqrt', 'rne', [B(1)], note='smallest subnormal')
    arith(g, fmt, 'fsqrt', 'rne', [B(big)])
    return g

def main():
    which = sys.argv[1]
    if which in ('f_arith', 'd_arith'):
        fmt = 's' if which[0] == 'f' else 'd'
        g = arith_file(fmt)
        prec = 'single' if fmt == 's' else 'double'
        desc = (f'// {which}.S - {prec}-precision fadd/fsub/fmul/fdiv/fsqrt/fmadd family: all five static\n'
                f'// rounding modes and dynamic frm, exact fflags (NX/UF/OF/DZ/NV, accrual),\n'
                f'// canonical NaN results, signed zeros, fused-ness of fmadd.')
        print(header(desc) + '\n'.join(g.lines) + '\n' + FOOT, end='')
        print(f'{which}: {g.n} checks', file=sys.stderr)
if __name__ == "__main__": main()

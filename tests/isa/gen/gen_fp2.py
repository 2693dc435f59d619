import sys
from fpref import *
from gen_fp import Gen, header, FOOT, h, S
def consts(fmt):
    if fmt == 's':
        return dict(one=0x3f800000, two=0x40000000, m1=0xbf800000, m2=0xc0000000, five=0x40a00000,
            inf=0x7f800000, ninf=0xff800000, qnan=0x7fc00000, snan=0x7f800001, nqnan=0xffc00000, nsnan=0xff800001,
            pz=0, nz=0x80000000, sub=0x00000001, nsub=0x807fffff, half=0x3f000000, big=0x7f7fffff), S, 32
    return dict(one=0x3ff0000000000000, two=0x4000000000000000, m1=0xbff0000000000000, m2=0xc000000000000000,
        five=0x4014000000000000, inf=0x7ff0000000000000, ninf=0xfff0000000000000, qnan=0x7ff8000000000000,
        snan=0x7ff0000000000001, nqnan=0xfff8000000000000, nsnan=0xfff0000000000001, pz=0, nz=0x8000000000000000,
        sub=1, nsub=0x800fffffffffffff, half=0x3fe0000000000000, big=0x7fefffffffffffff), (lambda x: x), 64
def isnan(k): return k in ('snan', 'qnan')
def fminmax(fmt, mx, a, b):
    a, b = unbox(a, fmt), unbox(b, fmt)
    (ka, sa, va), (kb, sb, vb) = decode(a, fmt), decode(b, fmt)
    fl = NV if 'snan' in (ka, kb) else 0
    if isnan(ka) and isnan(kb): return canon(fmt), fl
    if isnan(ka): return b, fl
    if isnan(kb): return a, fl
    def key(k, s, v):
        if k == 'inf': return (F(-1) if s else F(1)) * 10**400, 0
        return v, (-1 if s else 1)   # -0 < +0
    ka_, kb_ = key(ka, sa, va), key(kb, sb, vb)
    if mx: return (a if ka_ >= kb_ else b), fl
    return (a if ka_ <= kb_ else b), fl
def fsgnj(fmt, kind, a, b):
    a, b = unbox(a, fmt), unbox(b, fmt)
    w = 32 if fmt == 's' else 64; sb = 1 << (w-1)
    if kind == 'fsgnj': s = b & sb
    elif kind == 'fsgnjn': s = (b & sb) ^ sb
    else: s = (a ^ b) & sb
    return (a & ~sb) | s, 0
def fcmp(fmt, kind, a, b):
    (ka, sa, va), (kb, sb, vb) = decode(unbox(a, fmt), fmt), decode(unbox(b, fmt), fmt)
    if isnan(ka) or isnan(kb):
        if kind == 'feq': return 0, NV if 'snan' in (ka, kb) else 0
        return 0, NV
    def val(k, s, v): return (F(-1) if s else F(1)) * 10**400 if k == 'inf' else v
    x, y = val(ka, sa, va), val(kb, sb, vb)
    return int({'feq': x == y, 'flt': x < y, 'fle': x <= y}[kind]), 0
def fclass(fmt, a):
    k, s, v = decode(unbox(a, fmt), fmt)
    e, m = FMT[fmt]
    if k == 'snan': return 1 << 8
    if k == 'qnan': return 1 << 9
    if k == 'inf': return 1 if s else 1 << 7
    if v == 0: return 1 << 3 if s else 1 << 4
    sub = abs(v) < F(2)**(2 - (1 << (e-1)))
    if s: return 1 << 2 if sub else 1 << 1
    return 1 << 5 if sub else 1 << 6

def misc_file(fmt):
    c, B, w = consts(fmt); g = Gen(); sfx = fmt
    res = lambda r: S(r) if fmt == 's' else r
    def mm(kind, a, b, note=''):
        r, fl = fminmax(fmt, kind == 'fmax', B(a), B(b)); n = g.num()
        if note: g.c(note)
        g.raw(f'  FOP2NR {n}, {kind}.{sfx}, {h(B(a))}, {h(B(b))}, {h(res(r))}, {fl}')
    g.c('---- fmin / fmax: -0 < +0, a single NaN operand is ignored, sNaN sets NV')
    for kind in ('fmin', 'fmax'):
        mm(kind, c['one'], c['two']); mm(kind, c['m2'], c['one'])
        mm(kind, c['nz'], c['pz']); mm(kind, c['pz'], c['nz'])
        mm(kind, c['qnan'], c['one']); mm(kind, c['one'], c['nqnan'])
        mm(kind, c['snan'], c['one']); mm(kind, c['five'], c['nsnan'])
        mm(kind, c['qnan'], c['qnan']); mm(kind, c['snan'], c['qnan'])
        mm(kind, c['ninf'], c['five']); mm(kind, c['inf'], c['big']); mm(kind, c['sub'], c['nsub'])
    g.c('---- sign injection: raw bits, NaNs not canonicalised, no flags')
    def sj(kind, a, b):
        r, fl = fsgnj(fmt, kind, B(a), B(b)); n = g.num()
        g.raw(f'  FOP2NR {n}, {kind}.{sfx}, {h(B(a))}, {h(B(b))}, {h(res(r))}, {fl}')
    for kind in ('fsgnj', 'fsgnjn', 'fsgnjx'):
        sj(kind, c['one'], c['m2']); sj(kind, c['m1'], c['two']); sj(kind, c['m1'], c['m2'])
        sj(kind, c['snan'], c['m1']); sj(kind, c['nqnan'], c['one']); sj(kind, c['pz'], c['nz'])
    g.c('---- compares: feq signals only on sNaN, flt/fle on any NaN')
    def cm(kind, a, b):
        r, fl = fcmp(fmt, kind, B(a), B(b)); n = g.num()
        g.raw(f'  FCMP {n}, {kind}.{sfx}, {h(B(a))}, {h(B(b))}, {r}, {fl}')
    for kind in ('feq', 'flt', 'fle'):
        cm(kind, c['one'], c['one']); cm(kind, c['one'], c['two']); cm(kind, c['two'], c['one'])
        cm(kind, c['nz'], c['pz']); cm(kind, c['ninf'], c['inf']); cm(kind, c['m2'], c['m1'])
        cm(kind, c['qnan'], c['one']); cm(kind, c['one'], c['qnan']); cm(kind, c['snan'], c['one'])
        cm(kind, c['qnan'], c['qnan']); cm(kind, c['sub'], c['pz'])
    g.c('---- fclass: each of the ten classes')
    for a in ('ninf', 'm1', 'nsub', 'nz', 'pz', 'sub', 'one', 'inf', 'snan', 'qnan', 'nqnan', 'nsnan', 'big'):
        n = g.num(); g.raw(f'  FCLASS {n}, fclass.{sfx}, {h(B(c[a]))}, {fclass(fmt, B(c[a]))}')
    return g, c, B

def nanbox_section(g):
    """single-precision NaN-boxing rules (appended to f_misc)"""
    g.c('---- NaN-boxing: a single operand whose upper 32 bits are not all ones')
    g.c('     is read as the canonical NaN; transfers (fmv, flw/fsw) move raw bits')
    unb = [0x000000003f800000, 0xfffffffe3f800000, 0x7fffffff3f800000]
    for u in unb:
        r, fl = op('fadd', 's', 'rne', u, S(0x3f800000)); n = g.num()
        g.raw(f'  FOP2 {n}, fadd.s, rne, {h(u)}, {h(S(0x3f800000))}, {h(S(r))}, {fl}')
    u = unb[0]
    r, fl = op('fmul', 's', 'rne', S(0x40000000), u); n = g.num()
    g.raw(f'  FOP2 {n}, fmul.s, rne, {h(S(0x40000000))}, {h(u)}, {h(S(r))}, {fl}')
    r, fl = op('fsqrt', 's', 'rne', u); n = g.num()
    g.raw(f'  FOP1 {n}, fsqrt.s, rne, {h(u)}, {h(S(r))}, {fl}')
    r, fl = op('fmadd', 's', 'rne', S(0x3f800000), S(0x3f800000), u); n = g.num()
    g.raw(f'  FOP3 {n}, fmadd.s, rne, {h(S(0x3f800000))}, {h(S(0x3f800000))}, {h(u)}, {h(S(r))}, {fl}')
    r, fl = fsgnj('s', 'fsgnj', u, u); n = g.num()
    g.raw(f'  FOP2NR {n}, fsgnj.s, {h(u)}, {h(u)}, {h(S(r))}, {fl}')
    r, fl = fsgnj('s', 'fsgnjn', S(0x40000000), u); n = g.num()
    g.raw(f'  FOP2NR {n}, fsgnjn.s, {h(S(0x40000000))}, {h(u)}, {h(S(r))}, {fl}')
    r, fl = fsgnj('s', 'fsgnjx', 0x00000000bf800000, S(0xbf800000)); n = g.num()
    g.raw(f'  FOP2NR {n}, fsgnjx.s, 0xbf800000, {h(S(0xbf800000))}, {h(S(r))}, {fl}')
    r, fl = fminmax('s', False, u, S(0x40000000)); n = g.num()
    g.raw(f'  FOP2NR {n}, fmin.s, {h(u)}, {h(S(0x40000000))}, {h(S(r))}, {fl}')
    r, fl = fcmp('s', 'feq', u, u); n = g.num()
    g.raw(f'  FCMP {n}, feq.s, {h(u)}, {h(u)}, {r}, {fl}')
    r, fl = fcmp('s', 'fle', u, S(0x3f800000)); n = g.num()
    g.raw(f'  FCMP {n}, fle.s, {h(u)}, {h(S(0x3f800000))}, {r}, {fl}')
    n = g.num(); g.raw(f'  FCLASS {n}, fclass.s, {h(u)}, {fclass("s", u)}')
    n = g.num(); g.raw(f'  FCLASS {n}, fclass.s, 0xffffffff00000000, {fclass("s", S(0))}')
    r, fl = cvt_fmt('d', 's', 'rne', u); n = g.num()
    g.raw(f'  FCVT_FF {n}, fcvt.d.s, , {h(u)}, {h(r)}, {fl}')
    r, fl = cvt_to_int('s', 'rtz', u, True, 32); n = g.num()
    g.raw(f'  FCVT_I {n}, fcvt.w.s, rtz, {h(u)}, {h(r)}, {fl}')
    g.c('fmv.x.w moves the low 32 bits as they are, sign-extended')
    for val, exp in [(u, 0x3f800000), (S(0x80000000), 0xffffffff80000000), (S(0x7fc00001), 0x7fc00001),
                     (0x12345678ffff0000, 0xffffffffffff0000)]:
        n = g.num()
        g.raw(f'  LI_D f1, {h(val)}\n  fmv.x.w s1, f1\n  CHECK {n}, s1, {h(exp)}')
    g.c('fmv.w.x boxes, ignoring the upper source bits')
    n = g.num()
    g.raw(f'  li a4, 0x123456787f800001\n  fmv.w.x f3, a4\n  FRES {n}, f3, {h(S(0x7f800001))}, 0')
    g.c('flw boxes raw bits (no canonicalisation); fsw stores the low 32 bits raw')
    n = g.num()
    g.raw(f'''  la a0, fbuf
  li a1, 0x7f800001
  sw a1, 0(a0)
  flw f3, 0(a0)
  FRES {n}, f3, {h(S(0x7f800001))}, 0''')
    n = g.num()
    g.raw(f'''  LI_D f1, 0x123456789abcdef0
  fsw f1, 8(a0)
  lwu a1, 8(a0)
  CHECK {n}, a1, 0x9abcdef0''')
    n = g.num()
    g.raw(f'''  LI_D f1, 0xfff8000000000001
  fsd f1, 16(a0)
  fld f3, 16(a0)
  FRES {n}, f3, 0xfff8000000000001, 0''')
    n = g.num()
    g.raw(f'''  la a0, fbuf
  li a1, -1
  sd a1, 24(a0)
  LI_D f1, {h(S(0x40490fdb))}
  fsw f1, 24(a0)
  ld a1, 24(a0)
  CHECK {n}, a1, 0xffffffff40490fdb''')

def cvt_file(only):
    g = Gen()
    g.c('---- float -> integer: rounding, NX for inexact, NV (only) with saturation')
    fvals_s = [0x3fc00000, 0x40200000, 0xbfc00000, 0xbf000000, 0x3f000000, 0x4f32d05e, 0xcf32d05e, 0x4f800000,
               0x4f000000, 0xcf000000, 0xcf000001, 0x5f000000, 0xdf000000, 0x5f800000, 0x7fc00000, 0x7f800001,
               0xffc00000, 0x7f800000, 0xff800000, 0x80000000, 0x00000001, 0x4effffff]
    fvals_d = [0x3ff8000000000000, 0x4004000000000000, 0xbff8000000000000, 0xbfe0000000000000,
               0x41e0000000000000, 0x41dfffffffc00000, 0xc1e0000000000000, 0xc1e0000000200000,
               0x41efffffffe00000, 0x41f0000000000000, 0x43e0000000000000, 0xc3e0000000000000,
               0x43f0000000000000, 0x43efffffffffffff, 0x7ff8000000000000, 0xfff0000000000000, 0x7ff0000000000000,
               0x7ff0000000000001, 0x41dfffffffe00000, 0xc1e0000000100000, 0x8000000000000000]
    ops = [('w', True, 32), ('wu', False, 32), ('l', True, 64), ('lu', False, 64)]
    for fmt, vals in (('s', fvals_s), ('d', fvals_d)):
        if fmt != only: continue
        B = S if fmt == 's' else (lambda x: x)
        for nm, sg, w in ops:
            g.c(f'fcvt.{nm}.{fmt}')
            for v in vals:
                rms = ['rtz'] if v in (0xffc00000, 0x7ff8000000000000, 0x00000001) else ['rne', 'rtz']
                if v in (0x3fc00000, 0x40200000, 0xbfc00000, 0xbf000000, 0x3ff8000000000000, 0xbfe0000000000000,
                         0x4004000000000000, 0xbff8000000000000):
                    rms = RMS
                for rm in rms:
                    r, fl = cvt_to_int(fmt, rm, B(v), sg, w)
                    n = g.num()
                    g.raw(f'  FCVT_I {n}, fcvt.{nm}.{fmt}, {rm}, {h(B(v))}, {h(r)}, {fl}')
    return g

def cvt2_file(g, only):
    g.c('---- integer -> float: only the low 32 bits of W sources, NX when rounded')
    ivals = [0, 1, -1, 0x7fffffff, 0x80000000, 0xffffffff, 0x1000001, 0x100000001, 0xffffffff00000003,
             0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff, 0x20000000000001, 0x1fffffffffffff,
             0x7fffff7fffffffff]
    ops = [('w', True, 32), ('wu', False, 32), ('l', True, 64), ('lu', False, 64)]
    for fmt in (only,):
        for nm, sg, w in ops:
            g.c(f'fcvt.{fmt}.{nm}')
            for v in ivals:
                r, fl = cvt_from_int(fmt, 'rne', v, sg, w)
                rms = ['rne']
                if fl: rms = ['rne', 'rtz', 'rdn', 'rup'] if fmt == 's' else ['rne', 'rup']
                for rm in rms:
                    r, fl = cvt_from_int(fmt, rm, v, sg, w)
                    if fmt == 's': r = S(r)
                    n = g.num()
                    exact = fmt == 'd' and w == 32
                    g.raw(f'  FCVT_F {n}, fcvt.{fmt}.{nm}, {"" if exact else rm}, {h(v)}, {h(r)}, {fl}')
    return g
def sd_file():
    g = Gen()
    g.c('---- fcvt.s.d / fcvt.d.s')
    dvals = [0x3fd5555555555555, 0xbfd5555555555555, 0x7e37e43c8800759c, 0xfe37e43c8800759c, 0x3810000000000000,
             0x36a0000000000000, 0x3690000000000000, 0x7ff0000000000001, 0x7ff8000000000000, 0xfff8000000000123,
             0xfff0000000000000, 0x8000000000000000, 0x47efffffefffffff, 0x47effffff0000000, 0x3ff0000010000000]
    for v in dvals:
        rms = ['rne']
        if cvt_fmt('s', 'd', 'rne', v)[1]: rms = RMS
        for rm in rms:
            r, fl = cvt_fmt('s', 'd', rm, v); n = g.num()
            g.raw(f'  FCVT_FF {n}, fcvt.s.d, {rm}, {h(v)}, {h(S(r))}, {fl}')
    for v in [0x3fc00000, 0xbf800000, 0x7f800001, 0xffc00000, 0x00000001, 0x807fffff, 0x7f7fffff, 0xff800000, 0x80000000]:
        r, fl = cvt_fmt('d', 's', 'rne', S(v)); n = g.num()
        g.raw(f'  FCVT_FF {n}, fcvt.d.s, , {h(S(v))}, {h(r)}, {fl}')
    g.c('---- fmv.x.d / fmv.d.x move raw bits')
    n = g.num()
    g.raw(f'  li a4, 0x7ff0000000000001\n  fmv.d.x f3, a4\n  fmv.x.d s1, f3\n  CHECK {n}, s1, 0x7ff0000000000001')
    return g

which = sys.argv[1]
if which in ('f_misc', 'd_misc'):
    fmt = 's' if which[0] == 'f' else 'd'
    g, c, B = misc_file(fmt)
    if fmt == 's': nanbox_section(g)
    prec = 'single' if fmt == 's' else 'double'
    desc = (f'// {which}.S - {prec}-precision fmin/fmax (signed zeros, NaNs), fsgnj/fsgnjn/fsgnjx,\n'
            f'// feq/flt/fle and their NV rules, fclass (all classes)' +
            (',\n// NaN-boxing of single operands, fmv.x.w/fmv.w.x, flw/fsw raw transfers.' if fmt == 's' else '.'))
    print(header(desc) + '\n'.join(g.lines) + '\n' + FOOT + '  .data\n  .balign 8\nfbuf: .space 64\n', end='')
elif which in ('fcvt_s', 'fcvt_d'):
    fmt = which[-1]
    g = cvt_file(fmt)
    desc = (f'// {which}.S - fcvt.{{w,wu,l,lu}}.{fmt}: rounding modes on ties and fractions,\n'
            '// saturation of out-of-range values, NaN and infinities with NV only, NX for\n'
            f'// inexact in-range results, sign extension of W results.')
    print(header(desc) + '\n'.join(g.lines) + '\n' + FOOT, end='')
elif which == 'fcvt_i2f':
    g = Gen()
    cvt2_file(g, 's')
    cvt2_file(g, 'd')
    desc = ('// fcvt_i2f.S - fcvt.{s,d}.{w,wu,l,lu}: only the low word of W sources,\n'
            '// every rounding mode for inexact conversions, NX.')
    print(header(desc) + '\n'.join(g.lines) + '\n' + FOOT, end='')
elif which == 'fcvt_sd':
    g = sd_file()
    desc = ('// fcvt_sd.S - fcvt.s.d (every rounding mode, overflow, underflow, NaN\n'
            '// canonicalisation, sNaN -> NV) and fcvt.d.s (exact), fmv.x.d/fmv.d.x.')
    print(header(desc) + '\n'.join(g.lines) + '\n' + FOOT, end='')
print(f'{which}: {g.n} checks', file=sys.stderr)

// f_misc.S - single-precision fmin/fmax (signed zeros, NaNs), fsgnj/fsgnjn/fsgnjx,
// feq/flt/fle and their NV rules, fclass (all classes),
// NaN-boxing of single operands, fmv.x.w/fmv.w.x, flw/fsw raw transfers.
// Expected values come from an exact rational reference model of IEEE 754
// with the RISC-V rules (canonical NaN, tininess after rounding).
#include "test.h"
#include "fp.h"
TEST_BEGIN
  TRAPS_M
  TRAP_CLEAR
  csrwi fcsr, 0
  // ---- fmin / fmax: -0 < +0, a single NaN operand is ignored, sNaN sets NV
  FOP2NR 1, fmin.s, 0xffffffff3f800000, 0xffffffff40000000, 0xffffffff3f800000, 0
  FOP2NR 2, fmin.s, 0xffffffffc0000000, 0xffffffff3f800000, 0xffffffffc0000000, 0
  FOP2NR 3, fmin.s, 0xffffffff80000000, 0xffffffff00000000, 0xffffffff80000000, 0
  FOP2NR 4, fmin.s, 0xffffffff00000000, 0xffffffff80000000, 0xffffffff80000000, 0
  FOP2NR 5, fmin.s, 0xffffffff7fc00000, 0xffffffff3f800000, 0xffffffff3f800000, 0
  FOP2NR 6, fmin.s, 0xffffffff3f800000, 0xffffffffffc00000, 0xffffffff3f800000, 0
  FOP2NR 7, fmin.s, 0xffffffff7f800001, 0xffffffff3f800000, 0xffffffff3f800000, 16
  FOP2NR 8, fmin.s, 0xffffffff40a00000, 0xffffffffff800001, 0xffffffff40a00000, 16
  FOP2NR 9, fmin.s, 0xffffffff7fc00000, 0xffffffff7fc00000, 0xffffffff7fc00000, 0
  FOP2NR 10, fmin.s, 0xffffffff7f800001, 0xffffffff7fc00000, 0xffffffff7fc00000, 16
  FOP2NR 11, fmin.s, 0xffffffffff800000, 0xffffffff40a00000, 0xffffffffff800000, 0
  FOP2NR 12, fmin.s, 0xffffffff7f800000, 0xffffffff7f7fffff, 0xffffffff7f7fffff, 0
  FOP2NR 13, fmin.s, 0xffffffff00000001, 0xffffffff807fffff, 0xffffffff807fffff, 0
  FOP2NR 14, fmax.s, 0xffffffff3f800000, 0xffffffff40000000, 0xffffffff40000000, 0
  FOP2NR 15, fmax.s, 0xffffffffc0000000, 0xffffffff3f800000, 0xffffffff3f800000, 0
  FOP2NR 16, fmax.s, 0xffffffff80000000, 0xffffffff00000000, 0xffffffff00000000, 0
  FOP2NR 17, fmax.s, 0xffffffff00000000, 0xffffffff80000000, 0xffffffff00000000, 0
  FOP2NR 18, fmax.s, 0xffffffff7fc00000, 0xffffffff3f800000, 0xffffffff3f800000, 0
  FOP2NR 19, fmax.s, 0xffffffff3f800000, 0xffffffffffc00000, 0xffffffff3f800000, 0
  FOP2NR 20, fmax.s, 0xffffffff7f800001, 0xffffffff3f800000, 0xffffffff3f800000, 16
  FOP2NR 21, fmax.s, 0xffffffff40a00000, 0xffffffffff800001, 0xffffffff40a00000, 16
  FOP2NR 22, fmax.s, 0xffffffff7fc00000, 0xffffffff7fc00000, 0xffffffff7fc00000, 0
  FOP2NR 23, fmax.s, 0xffffffff7f800001, 0xffffffff7fc00000, 0xffffffff7fc00000, 16
  FOP2NR 24, fmax.s, 0xffffffffff800000, 0xffffffff40a00000, 0xffffffff40a00000, 0
  FOP2NR 25, fmax.s, 0xffffffff7f800000, 0xffffffff7f7fffff, 0xffffffff7f800000, 0
  FOP2NR 26, fmax.s, 0xffffffff00000001, 0xffffffff807fffff, 0xffffffff00000001, 0
  // ---- sign injection: raw bits, NaNs not canonicalised, no flags
  FOP2NR 27, fsgnj.s, 0xffffffff3f800000, 0xffffffffc0000000, 0xffffffffbf800000, 0
  FOP2NR 28, fsgnj.s, 0xffffffffbf800000, 0xffffffff40000000, 0xffffffff3f800000, 0
  FOP2NR 29, fsgnj.s, 0xffffffffbf800000, 0xffffffffc0000000, 0xffffffffbf800000, 0
  FOP2NR 30, fsgnj.s, 0xffffffff7f800001, 0xffffffffbf800000, 0xffffffffff800001, 0
  FOP2NR 31, fsgnj.s, 0xffffffffffc00000, 0xffffffff3f800000, 0xffffffff7fc00000, 0
  FOP2NR 32, fsgnj.s, 0xffffffff00000000, 0xffffffff80000000, 0xffffffff80000000, 0
  FOP2NR 33, fsgnjn.s, 0xffffffff3f800000, 0xffffffffc0000000, 0xffffffff3f800000, 0
  FOP2NR 34, fsgnjn.s, 0xffffffffbf800000, 0xffffffff40000000, 0xffffffffbf800000, 0
  FOP2NR 35, fsgnjn.s, 0xffffffffbf800000, 0xffffffffc0000000, 0xffffffff3f800000, 0
  FOP2NR 36, fsgnjn.s, 0xffffffff7f800001, 0xffffffffbf800000, 0xffffffff7f800001, 0
  FOP2NR 37, fsgnjn.s, 0xffffffffffc00000, 0xffffffff3f800000, 0xffffffffffc00000, 0
  FOP2NR 38, fsgnjn.s, 0xffffffff00000000, 0xffffffff80000000, 0xffffffff00000000, 0
  FOP2NR 39, fsgnjx.s, 0xffffffff3f800000, 0xffffffffc0000000, 0xffffffffbf800000, 0
  FOP2NR 40, fsgnjx.s, 0xffffffffbf800000, 0xffffffff40000000, 0xffffffffbf800000, 0
  FOP2NR 41, fsgnjx.s, 0xffffffffbf800000, 0xffffffffc0000000, 0xffffffff3f800000, 0
  FOP2NR 42, fsgnjx.s, 0xffffffff7f800001, 0xffffffffbf800000, 0xffffffffff800001, 0
  FOP2NR 43, fsgnjx.s, 0xffffffffffc00000, 0xffffffff3f800000, 0xffffffffffc00000, 0
  FOP2NR 44, fsgnjx.s, 0xffffffff00000000, 0xffffffff80000000, 0xffffffff80000000, 0
  // ---- compares: feq signals only on sNaN, flt/fle on any NaN
  FCMP 45, feq.s, 0xffffffff3f800000, 0xffffffff3f800000, 1, 0
  FCMP 46, feq.s, 0xffffffff3f800000, 0xffffffff40000000, 0, 0
  FCMP 47, feq.s, 0xffffffff40000000, 0xffffffff3f800000, 0, 0
  FCMP 48, feq.s, 0xffffffff80000000, 0xffffffff00000000, 1, 0
  FCMP 49, feq.s, 0xffffffffff800000, 0xffffffff7f800000, 0, 0
  FCMP 50, feq.s, 0xffffffffc0000000, 0xffffffffbf800000, 0, 0
  FCMP 51, feq.s, 0xffffffff7fc00000, 0xffffffff3f800000, 0, 0
  FCMP 52, feq.s, 0xffffffff3f800000, 0xffffffff7fc00000, 0, 0
  FCMP 53, feq.s, 0xffffffff7f800001, 0xffffffff3f800000, 0, 16
  FCMP 54, feq.s, 0xffffffff7fc00000, 0xffffffff7fc00000, 0, 0
  FCMP 55, feq.s, 0xffffffff00000001, 0xffffffff00000000, 0, 0
  FCMP 56, flt.s, 0xffffffff3f800000, 0xffffffff3f800000, 0, 0
  FCMP 57, flt.s, 0xffffffff3f800000, 0xffffffff40000000, 1, 0
  FCMP 58, flt.s, 0xffffffff40000000, 0xffffffff3f800000, 0, 0
  FCMP 59, flt.s, 0xffffffff80000000, 0xffffffff00000000, 0, 0
  FCMP 60, flt.s, 0xffffffffff800000, 0xffffffff7f800000, 1, 0
  FCMP 61, flt.s, 0xffffffffc0000000, 0xffffffffbf800000, 1, 0
  FCMP 62, flt.s, 0xffffffff7fc00000, 0xffffffff3f800000, 0, 16
  FCMP 63, flt.s, 0xffffffff3f800000, 0xffffffff7fc00000, 0, 16
  FCMP 64, flt.s, 0xffffffff7f800001, 0xffffffff3f800000, 0, 16
  FCMP 65, flt.s, 0xffffffff7fc00000, 0xffffffff7fc00000, 0, 16
  FCMP 66, flt.s, 0xffffffff00000001, 0xffffffff00000000, 0, 0
  FCMP 67, fle.s, 0xffffffff3f800000, 0xffffffff3f800000, 1, 0
  FCMP 68, fle.s, 0xffffffff3f800000, 0xffffffff40000000, 1, 0
  FCMP 69, fle.s, 0xffffffff40000000, 0xffffffff3f800000, 0, 0
  FCMP 70, fle.s, 0xffffffff80000000, 0xffffffff00000000, 1, 0
  FCMP 71, fle.s, 0xffffffffff800000, 0xffffffff7f800000, 1, 0
  FCMP 72, fle.s, 0xffffffffc0000000, 0xffffffffbf800000, 1, 0
  FCMP 73, fle.s, 0xffffffff7fc00000, 0xffffffff3f800000, 0, 16
  FCMP 74, fle.s, 0xffffffff3f800000, 0xffffffff7fc00000, 0, 16
  FCMP 75, fle.s, 0xffffffff7f800001, 0xffffffff3f800000, 0, 16
  FCMP 76, fle.s, 0xffffffff7fc00000, 0xffffffff7fc00000, 0, 16
  FCMP 77, fle.s, 0xffffffff00000001, 0xffffffff00000000, 0, 0
  // ---- fclass: each of the ten classes
  FCLASS 78, fclass.s, 0xffffffffff800000, 1
  FCLASS 79, fclass.s, 0xffffffffbf800000, 2
  FCLASS 80, fclass.s, 0xffffffff807fffff, 4
  FCLASS 81, fclass.s, 0xffffffff80000000, 8
  FCLASS 82, fclass.s, 0xffffffff00000000, 16
  FCLASS 83, fclass.s, 0xffffffff00000001, 32
  FCLASS 84, fclass.s, 0xffffffff3f800000, 64
  FCLASS 85, fclass.s, 0xffffffff7f800000, 128
  FCLASS 86, fclass.s, 0xffffffff7f800001, 256
  FCLASS 87, fclass.s, 0xffffffff7fc00000, 512
  FCLASS 88, fclass.s, 0xffffffffffc00000, 512
  FCLASS 89, fclass.s, 0xffffffffff800001, 256
  FCLASS 90, fclass.s, 0xffffffff7f7fffff, 64
  // ---- NaN-boxing: a single operand whose upper 32 bits are not all ones
  //      is read as the canonical NaN; transfers (fmv, flw/fsw) move raw bits
  FOP2 91, fadd.s, rne, 0x3f800000, 0xffffffff3f800000, 0xffffffff7fc00000, 0
  FOP2 92, fadd.s, rne, 0xfffffffe3f800000, 0xffffffff3f800000, 0xffffffff7fc00000, 0
  FOP2 93, fadd.s, rne, 0x7fffffff3f800000, 0xffffffff3f800000, 0xffffffff7fc00000, 0
  FOP2 94, fmul.s, rne, 0xffffffff40000000, 0x3f800000, 0xffffffff7fc00000, 0
  FOP1 95, fsqrt.s, rne, 0x3f800000, 0xffffffff7fc00000, 0
  FOP3 96, fmadd.s, rne, 0xffffffff3f800000, 0xffffffff3f800000, 0x3f800000, 0xffffffff7fc00000, 0
  FOP2NR 97, fsgnj.s, 0x3f800000, 0x3f800000, 0xffffffff7fc00000, 0
  FOP2NR 98, fsgnjn.s, 0xffffffff40000000, 0x3f800000, 0xffffffffc0000000, 0
  FOP2NR 99, fsgnjx.s, 0xbf800000, 0xffffffffbf800000, 0xffffffffffc00000, 0
  FOP2NR 100, fmin.s, 0x3f800000, 0xffffffff40000000, 0xffffffff40000000, 0
  FCMP 101, feq.s, 0x3f800000, 0x3f800000, 0, 0
  FCMP 102, fle.s, 0x3f800000, 0xffffffff3f800000, 0, 16
  FCLASS 103, fclass.s, 0x3f800000, 512
  FCLASS 104, fclass.s, 0xffffffff00000000, 16
  FCVT_FF 105, fcvt.d.s, , 0x3f800000, 0x7ff8000000000000, 0
  FCVT_I 106, fcvt.w.s, rtz, 0x3f800000, 0x7fffffff, 16
  // fmv.x.w moves the low 32 bits as they are, sign-extended
  LI_D f1, 0x3f800000
  fmv.x.w s1, f1
  CHECK 107, s1, 0x3f800000
  LI_D f1, 0xffffffff80000000
  fmv.x.w s1, f1
  CHECK 108, s1, 0xffffffff80000000
  LI_D f1, 0xffffffff7fc00001
  fmv.x.w s1, f1
  CHECK 109, s1, 0x7fc00001
  LI_D f1, 0x12345678ffff0000
  fmv.x.w s1, f1
  CHECK 110, s1, 0xffffffffffff0000
  // fmv.w.x boxes, ignoring the upper source bits
  li a4, 0x123456787f800001
  fmv.w.x f3, a4
  FRES 111, f3, 0xffffffff7f800001, 0
  // flw boxes raw bits (no canonicalisation); fsw stores the low 32 bits raw
  la a0, fbuf
  li a1, 0x7f800001
  sw a1, 0(a0)
  flw f3, 0(a0)
  FRES 112, f3, 0xffffffff7f800001, 0
  LI_D f1, 0x123456789abcdef0
  fsw f1, 8(a0)
  lwu a1, 8(a0)
  CHECK 113, a1, 0x9abcdef0
  LI_D f1, 0xfff8000000000001
  fsd f1, 16(a0)
  fld f3, 16(a0)
  FRES 114, f3, 0xfff8000000000001, 0
  la a0, fbuf
  li a1, -1
  sd a1, 24(a0)
  LI_D f1, 0xffffffff40490fdb
  fsw f1, 24(a0)
  ld a1, 24(a0)
  CHECK 115, a1, 0xffffffff40490fdb
  CHECK_NOTRAP 252
TEST_END
  .data
  .balign 8
fbuf: .space 64

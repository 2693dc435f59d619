// fcvt_sd.S - fcvt.s.d (every rounding mode, overflow, underflow, NaN
// canonicalisation, sNaN -> NV) and fcvt.d.s (exact), fmv.x.d/fmv.d.x.
// Expected values come from an exact rational reference model of IEEE 754
// with the RISC-V rules (canonical NaN, tininess after rounding).
#include "test.h"
#include "fp.h"
TEST_BEGIN
  TRAPS_M
  TRAP_CLEAR
  csrwi fcsr, 0
  // ---- fcvt.s.d / fcvt.d.s
  FCVT_FF 1, fcvt.s.d, rne, 0x3fd5555555555555, 0xffffffff3eaaaaab, 1
  FCVT_FF 2, fcvt.s.d, rtz, 0x3fd5555555555555, 0xffffffff3eaaaaaa, 1
  FCVT_FF 3, fcvt.s.d, rdn, 0x3fd5555555555555, 0xffffffff3eaaaaaa, 1
  FCVT_FF 4, fcvt.s.d, rup, 0x3fd5555555555555, 0xffffffff3eaaaaab, 1
  FCVT_FF 5, fcvt.s.d, rmm, 0x3fd5555555555555, 0xffffffff3eaaaaab, 1
  FCVT_FF 6, fcvt.s.d, rne, 0xbfd5555555555555, 0xffffffffbeaaaaab, 1
  FCVT_FF 7, fcvt.s.d, rtz, 0xbfd5555555555555, 0xffffffffbeaaaaaa, 1
  FCVT_FF 8, fcvt.s.d, rdn, 0xbfd5555555555555, 0xffffffffbeaaaaab, 1
  FCVT_FF 9, fcvt.s.d, rup, 0xbfd5555555555555, 0xffffffffbeaaaaaa, 1
  FCVT_FF 10, fcvt.s.d, rmm, 0xbfd5555555555555, 0xffffffffbeaaaaab, 1
  FCVT_FF 11, fcvt.s.d, rne, 0x7e37e43c8800759c, 0xffffffff7f800000, 5
  FCVT_FF 12, fcvt.s.d, rtz, 0x7e37e43c8800759c, 0xffffffff7f7fffff, 5
  FCVT_FF 13, fcvt.s.d, rdn, 0x7e37e43c8800759c, 0xffffffff7f7fffff, 5
  FCVT_FF 14, fcvt.s.d, rup, 0x7e37e43c8800759c, 0xffffffff7f800000, 5
  FCVT_FF 15, fcvt.s.d, rmm, 0x7e37e43c8800759c, 0xffffffff7f800000, 5
  FCVT_FF 16, fcvt.s.d, rne, 0xfe37e43c8800759c, 0xffffffffff800000, 5
  FCVT_FF 17, fcvt.s.d, rtz, 0xfe37e43c8800759c, 0xffffffffff7fffff, 5
  FCVT_FF 18, fcvt.s.d, rdn, 0xfe37e43c8800759c, 0xffffffffff800000, 5
  FCVT_FF 19, fcvt.s.d, rup, 0xfe37e43c8800759c, 0xffffffffff7fffff, 5
  FCVT_FF 20, fcvt.s.d, rmm, 0xfe37e43c8800759c, 0xffffffffff800000, 5
  FCVT_FF 21, fcvt.s.d, rne, 0x3810000000000000, 0xffffffff00800000, 0
  FCVT_FF 22, fcvt.s.d, rne, 0x36a0000000000000, 0xffffffff00000001, 0
  FCVT_FF 23, fcvt.s.d, rne, 0x3690000000000000, 0xffffffff00000000, 3
  FCVT_FF 24, fcvt.s.d, rtz, 0x3690000000000000, 0xffffffff00000000, 3
  FCVT_FF 25, fcvt.s.d, rdn, 0x3690000000000000, 0xffffffff00000000, 3
  FCVT_FF 26, fcvt.s.d, rup, 0x3690000000000000, 0xffffffff00000001, 3
  FCVT_FF 27, fcvt.s.d, rmm, 0x3690000000000000, 0xffffffff00000001, 3
  FCVT_FF 28, fcvt.s.d, rne, 0x7ff0000000000001, 0xffffffff7fc00000, 16
  FCVT_FF 29, fcvt.s.d, rtz, 0x7ff0000000000001, 0xffffffff7fc00000, 16
  FCVT_FF 30, fcvt.s.d, rdn, 0x7ff0000000000001, 0xffffffff7fc00000, 16
  FCVT_FF 31, fcvt.s.d, rup, 0x7ff0000000000001, 0xffffffff7fc00000, 16
  FCVT_FF 32, fcvt.s.d, rmm, 0x7ff0000000000001, 0xffffffff7fc00000, 16
  FCVT_FF 33, fcvt.s.d, rne, 0x7ff8000000000000, 0xffffffff7fc00000, 0
  FCVT_FF 34, fcvt.s.d, rne, 0xfff8000000000123, 0xffffffff7fc00000, 0
  FCVT_FF 35, fcvt.s.d, rne, 0xfff0000000000000, 0xffffffffff800000, 0
  FCVT_FF 36, fcvt.s.d, rne, 0x8000000000000000, 0xffffffff80000000, 0
  FCVT_FF 37, fcvt.s.d, rne, 0x47efffffefffffff, 0xffffffff7f7fffff, 1
  FCVT_FF 38, fcvt.s.d, rtz, 0x47efffffefffffff, 0xffffffff7f7fffff, 1
  FCVT_FF 39, fcvt.s.d, rdn, 0x47efffffefffffff, 0xffffffff7f7fffff, 1
  FCVT_FF 40, fcvt.s.d, rup, 0x47efffffefffffff, 0xffffffff7f800000, 5
  FCVT_FF 41, fcvt.s.d, rmm, 0x47efffffefffffff, 0xffffffff7f7fffff, 1
  FCVT_FF 42, fcvt.s.d, rne, 0x47effffff0000000, 0xffffffff7f800000, 5
  FCVT_FF 43, fcvt.s.d, rtz, 0x47effffff0000000, 0xffffffff7f7fffff, 1
  FCVT_FF 44, fcvt.s.d, rdn, 0x47effffff0000000, 0xffffffff7f7fffff, 1
  FCVT_FF 45, fcvt.s.d, rup, 0x47effffff0000000, 0xffffffff7f800000, 5
  FCVT_FF 46, fcvt.s.d, rmm, 0x47effffff0000000, 0xffffffff7f800000, 5
  FCVT_FF 47, fcvt.s.d, rne, 0x3ff0000010000000, 0xffffffff3f800000, 1
  FCVT_FF 48, fcvt.s.d, rtz, 0x3ff0000010000000, 0xffffffff3f800000, 1
  FCVT_FF 49, fcvt.s.d, rdn, 0x3ff0000010000000, 0xffffffff3f800000, 1
  FCVT_FF 50, fcvt.s.d, rup, 0x3ff0000010000000, 0xffffffff3f800001, 1
  FCVT_FF 51, fcvt.s.d, rmm, 0x3ff0000010000000, 0xffffffff3f800001, 1
  FCVT_FF 52, fcvt.d.s, , 0xffffffff3fc00000, 0x3ff8000000000000, 0
  FCVT_FF 53, fcvt.d.s, , 0xffffffffbf800000, 0xbff0000000000000, 0
  FCVT_FF 54, fcvt.d.s, , 0xffffffff7f800001, 0x7ff8000000000000, 16
  FCVT_FF 55, fcvt.d.s, , 0xffffffffffc00000, 0x7ff8000000000000, 0
  FCVT_FF 56, fcvt.d.s, , 0xffffffff00000001, 0x36a0000000000000, 0
  FCVT_FF 57, fcvt.d.s, , 0xffffffff807fffff, 0xb80fffffc0000000, 0
  FCVT_FF 58, fcvt.d.s, , 0xffffffff7f7fffff, 0x47efffffe0000000, 0
  FCVT_FF 59, fcvt.d.s, , 0xffffffffff800000, 0xfff0000000000000, 0
  FCVT_FF 60, fcvt.d.s, , 0xffffffff80000000, 0x8000000000000000, 0
  // ---- fmv.x.d / fmv.d.x move raw bits
  li a4, 0x7ff0000000000001
  fmv.d.x f3, a4
  fmv.x.d s1, f3
  CHECK 61, s1, 0x7ff0000000000001
  CHECK_NOTRAP 252
TEST_END

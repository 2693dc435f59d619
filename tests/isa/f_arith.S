// f_arith.S - single-precision fadd/fsub/fmul/fdiv/fsqrt/fmadd family: all five static
// rounding modes and dynamic frm, exact fflags (NX/UF/OF/DZ/NV, accrual),
// canonical NaN results, signed zeros, fused-ness of fmadd.
// Expected values come from an exact rational reference model of IEEE 754
// with the RISC-V rules (canonical NaN, tininess after rounding).
#include "test.h"
#include "fp.h"
TEST_BEGIN
  TRAPS_M
  TRAP_CLEAR
  csrwi fcsr, 0
  // ---- exact basic arithmetic
  FOP2 1, fadd.s, rne, 0xffffffff3f800000, 0xffffffff40000000, 0xffffffff40400000, 0
  FOP2 2, fsub.s, rne, 0xffffffff3f800000, 0xffffffff40000000, 0xffffffffbf800000, 0
  FOP2 3, fmul.s, rne, 0xffffffff40400000, 0xffffffffc0a00000, 0xffffffffc1700000, 0
  FOP2 4, fdiv.s, rne, 0xffffffff40e00000, 0xffffffff40000000, 0xffffffff40600000, 0
  // +0 + -0 = +0, but -0 in RDN; x - x likewise
  FOP2 5, fadd.s, rne, 0xffffffff00000000, 0xffffffff80000000, 0xffffffff00000000, 0
  FOP2 6, fadd.s, rdn, 0xffffffff00000000, 0xffffffff80000000, 0xffffffff80000000, 0
  FOP2 7, fadd.s, rne, 0xffffffff80000000, 0xffffffff80000000, 0xffffffff80000000, 0
  FOP2 8, fsub.s, rne, 0xffffffff3f800000, 0xffffffff3f800000, 0xffffffff00000000, 0
  FOP2 9, fsub.s, rdn, 0xffffffff3f800000, 0xffffffff3f800000, 0xffffffff80000000, 0
  FOP2 10, fmul.s, rne, 0xffffffff80000000, 0xffffffff40a00000, 0xffffffff80000000, 0
  // ---- every static rounding mode: ties, 0.75 ulp, 0.25 ulp, both signs
  // tie to even
  FOP2 11, fadd.s, rne, 0xffffffff3f800000, 0xffffffff33800000, 0xffffffff3f800000, 1
  FOP2 12, fadd.s, rtz, 0xffffffff3f800000, 0xffffffff33800000, 0xffffffff3f800000, 1
  FOP2 13, fadd.s, rdn, 0xffffffff3f800000, 0xffffffff33800000, 0xffffffff3f800000, 1
  FOP2 14, fadd.s, rup, 0xffffffff3f800000, 0xffffffff33800000, 0xffffffff3f800001, 1
  FOP2 15, fadd.s, rmm, 0xffffffff3f800000, 0xffffffff33800000, 0xffffffff3f800001, 1
  // tie, odd
  FOP2 16, fadd.s, rne, 0xffffffff3f800001, 0xffffffff33800000, 0xffffffff3f800002, 1
  FOP2 17, fadd.s, rtz, 0xffffffff3f800001, 0xffffffff33800000, 0xffffffff3f800001, 1
  FOP2 18, fadd.s, rdn, 0xffffffff3f800001, 0xffffffff33800000, 0xffffffff3f800001, 1
  FOP2 19, fadd.s, rup, 0xffffffff3f800001, 0xffffffff33800000, 0xffffffff3f800002, 1
  FOP2 20, fadd.s, rmm, 0xffffffff3f800001, 0xffffffff33800000, 0xffffffff3f800002, 1
  // 0.75 ulp
  FOP2 21, fadd.s, rne, 0xffffffff3f800000, 0xffffffff33c00000, 0xffffffff3f800001, 1
  FOP2 22, fadd.s, rtz, 0xffffffff3f800000, 0xffffffff33c00000, 0xffffffff3f800000, 1
  FOP2 23, fadd.s, rdn, 0xffffffff3f800000, 0xffffffff33c00000, 0xffffffff3f800000, 1
  FOP2 24, fadd.s, rup, 0xffffffff3f800000, 0xffffffff33c00000, 0xffffffff3f800001, 1
  FOP2 25, fadd.s, rmm, 0xffffffff3f800000, 0xffffffff33c00000, 0xffffffff3f800001, 1
  // 0.25 ulp
  FOP2 26, fadd.s, rne, 0xffffffff3f800000, 0xffffffff33000000, 0xffffffff3f800000, 1
  FOP2 27, fadd.s, rtz, 0xffffffff3f800000, 0xffffffff33000000, 0xffffffff3f800000, 1
  FOP2 28, fadd.s, rdn, 0xffffffff3f800000, 0xffffffff33000000, 0xffffffff3f800000, 1
  FOP2 29, fadd.s, rup, 0xffffffff3f800000, 0xffffffff33000000, 0xffffffff3f800001, 1
  FOP2 30, fadd.s, rmm, 0xffffffff3f800000, 0xffffffff33000000, 0xffffffff3f800000, 1
  // negative tie
  FOP2 31, fadd.s, rne, 0xffffffffbf800000, 0xffffffffb3800000, 0xffffffffbf800000, 1
  FOP2 32, fadd.s, rtz, 0xffffffffbf800000, 0xffffffffb3800000, 0xffffffffbf800000, 1
  FOP2 33, fadd.s, rdn, 0xffffffffbf800000, 0xffffffffb3800000, 0xffffffffbf800001, 1
  FOP2 34, fadd.s, rup, 0xffffffffbf800000, 0xffffffffb3800000, 0xffffffffbf800000, 1
  FOP2 35, fadd.s, rmm, 0xffffffffbf800000, 0xffffffffb3800000, 0xffffffffbf800001, 1
  // negative 0.75 ulp
  FOP2 36, fadd.s, rne, 0xffffffffbf800000, 0xffffffffb3c00000, 0xffffffffbf800001, 1
  FOP2 37, fadd.s, rtz, 0xffffffffbf800000, 0xffffffffb3c00000, 0xffffffffbf800000, 1
  FOP2 38, fadd.s, rdn, 0xffffffffbf800000, 0xffffffffb3c00000, 0xffffffffbf800001, 1
  FOP2 39, fadd.s, rup, 0xffffffffbf800000, 0xffffffffb3c00000, 0xffffffffbf800000, 1
  FOP2 40, fadd.s, rmm, 0xffffffffbf800000, 0xffffffffb3c00000, 0xffffffffbf800001, 1
  // division 1/3 and -1/3 in every mode
  FOP2 41, fdiv.s, rne, 0xffffffff3f800000, 0xffffffff40400000, 0xffffffff3eaaaaab, 1
  FOP2 42, fdiv.s, rtz, 0xffffffff3f800000, 0xffffffff40400000, 0xffffffff3eaaaaaa, 1
  FOP2 43, fdiv.s, rdn, 0xffffffff3f800000, 0xffffffff40400000, 0xffffffff3eaaaaaa, 1
  FOP2 44, fdiv.s, rup, 0xffffffff3f800000, 0xffffffff40400000, 0xffffffff3eaaaaab, 1
  FOP2 45, fdiv.s, rmm, 0xffffffff3f800000, 0xffffffff40400000, 0xffffffff3eaaaaab, 1
  FOP2 46, fdiv.s, rne, 0xffffffffbf800000, 0xffffffff40400000, 0xffffffffbeaaaaab, 1
  FOP2 47, fdiv.s, rtz, 0xffffffffbf800000, 0xffffffff40400000, 0xffffffffbeaaaaaa, 1
  FOP2 48, fdiv.s, rdn, 0xffffffffbf800000, 0xffffffff40400000, 0xffffffffbeaaaaab, 1
  FOP2 49, fdiv.s, rup, 0xffffffffbf800000, 0xffffffff40400000, 0xffffffffbeaaaaaa, 1
  FOP2 50, fdiv.s, rmm, 0xffffffffbf800000, 0xffffffff40400000, 0xffffffffbeaaaaab, 1
  // multiplication rounding
  FOP2 51, fmul.s, rne, 0xffffffff3f800800, 0xffffffff3f800800, 0xffffffff3f801000, 1
  FOP2 52, fmul.s, rtz, 0xffffffff3f800800, 0xffffffff3f800800, 0xffffffff3f801000, 1
  FOP2 53, fmul.s, rdn, 0xffffffff3f800800, 0xffffffff3f800800, 0xffffffff3f801000, 1
  FOP2 54, fmul.s, rup, 0xffffffff3f800800, 0xffffffff3f800800, 0xffffffff3f801001, 1
  FOP2 55, fmul.s, rmm, 0xffffffff3f800800, 0xffffffff3f800800, 0xffffffff3f801001, 1
  // ---- dynamic rounding mode from frm
  csrwi frm, 0
  FOP2 56, fadd.s, dyn, 0xffffffff3f800000, 0xffffffff33000000, 0xffffffff3f800000, 1
  FOP2 57, fadd.s, dyn, 0xffffffff3f800001, 0xffffffff33800000, 0xffffffff3f800002, 1
  FOP2 58, fadd.s, dyn, 0xffffffffbf800000, 0xffffffffb3000000, 0xffffffffbf800000, 1
  FOP2 59, fadd.s, dyn, 0xffffffff3f800000, 0xffffffff33800000, 0xffffffff3f800000, 1
  FOP2 60, fdiv.s, dyn, 0xffffffffbf800000, 0xffffffff40400000, 0xffffffffbeaaaaab, 1
  csrwi frm, 1
  FOP2 61, fadd.s, dyn, 0xffffffff3f800000, 0xffffffff33000000, 0xffffffff3f800000, 1
  FOP2 62, fadd.s, dyn, 0xffffffff3f800001, 0xffffffff33800000, 0xffffffff3f800001, 1
  FOP2 63, fadd.s, dyn, 0xffffffffbf800000, 0xffffffffb3000000, 0xffffffffbf800000, 1
  FOP2 64, fadd.s, dyn, 0xffffffff3f800000, 0xffffffff33800000, 0xffffffff3f800000, 1
  FOP2 65, fdiv.s, dyn, 0xffffffffbf800000, 0xffffffff40400000, 0xffffffffbeaaaaaa, 1
  csrwi frm, 2
  FOP2 66, fadd.s, dyn, 0xffffffff3f800000, 0xffffffff33000000, 0xffffffff3f800000, 1
  FOP2 67, fadd.s, dyn, 0xffffffff3f800001, 0xffffffff33800000, 0xffffffff3f800001, 1
  FOP2 68, fadd.s, dyn, 0xffffffffbf800000, 0xffffffffb3000000, 0xffffffffbf800001, 1
  FOP2 69, fadd.s, dyn, 0xffffffff3f800000, 0xffffffff33800000, 0xffffffff3f800000, 1
  FOP2 70, fdiv.s, dyn, 0xffffffffbf800000, 0xffffffff40400000, 0xffffffffbeaaaaab, 1
  csrwi frm, 3
  FOP2 71, fadd.s, dyn, 0xffffffff3f800000, 0xffffffff33000000, 0xffffffff3f800001, 1
  FOP2 72, fadd.s, dyn, 0xffffffff3f800001, 0xffffffff33800000, 0xffffffff3f800002, 1
  FOP2 73, fadd.s, dyn, 0xffffffffbf800000, 0xffffffffb3000000, 0xffffffffbf800000, 1
  FOP2 74, fadd.s, dyn, 0xffffffff3f800000, 0xffffffff33800000, 0xffffffff3f800001, 1
  FOP2 75, fdiv.s, dyn, 0xffffffffbf800000, 0xffffffff40400000, 0xffffffffbeaaaaaa, 1
  csrwi frm, 4
  FOP2 76, fadd.s, dyn, 0xffffffff3f800000, 0xffffffff33000000, 0xffffffff3f800000, 1
  FOP2 77, fadd.s, dyn, 0xffffffff3f800001, 0xffffffff33800000, 0xffffffff3f800002, 1
  FOP2 78, fadd.s, dyn, 0xffffffffbf800000, 0xffffffffb3000000, 0xffffffffbf800000, 1
  FOP2 79, fadd.s, dyn, 0xffffffff3f800000, 0xffffffff33800000, 0xffffffff3f800001, 1
  FOP2 80, fdiv.s, dyn, 0xffffffffbf800000, 0xffffffff40400000, 0xffffffffbeaaaaab, 1
  csrwi frm, 0
  // ---- exception flags, exactly
  // underflow: tiny and inexact; exact tiny results raise nothing
  FOP2 81, fmul.s, rne, 0xffffffff00800001, 0xffffffff3f000000, 0xffffffff00400000, 3
  FOP2 82, fmul.s, rup, 0xffffffff00800001, 0xffffffff3f000000, 0xffffffff00400001, 3
  FOP2 83, fmul.s, rtz, 0xffffffff00800001, 0xffffffff3f000000, 0xffffffff00400000, 3
  FOP2 84, fmul.s, rne, 0xffffffff00800000, 0xffffffff3f000000, 0xffffffff00400000, 0
  // rounds to the smallest normal, tiny before rounding too: UF
  FOP2 85, fmul.s, rne, 0xffffffff3f7fffff, 0xffffffff00800000, 0xffffffff00800000, 3
  // not tiny after rounding (RISC-V rule): NX only
  FOP2 86, fmul.s, rne, 0xffffffff3f7ff800, 0xffffffff00800400, 0xffffffff00800000, 1
  FOP2 87, fmul.s, rtz, 0xffffffff3f7ff800, 0xffffffff00800400, 0xffffffff007fffff, 3
  // exact subnormal difference
  FOP2 88, fsub.s, rne, 0xffffffff00800001, 0xffffffff00800000, 0xffffffff00000001, 0
  // overflow in every mode, both signs
  FOP2 89, fmul.s, rne, 0xffffffff7f7fffff, 0xffffffff40000000, 0xffffffff7f800000, 5
  FOP2 90, fmul.s, rtz, 0xffffffff7f7fffff, 0xffffffff40000000, 0xffffffff7f7fffff, 5
  FOP2 91, fmul.s, rdn, 0xffffffff7f7fffff, 0xffffffff40000000, 0xffffffff7f7fffff, 5
  FOP2 92, fmul.s, rup, 0xffffffff7f7fffff, 0xffffffff40000000, 0xffffffff7f800000, 5
  FOP2 93, fmul.s, rmm, 0xffffffff7f7fffff, 0xffffffff40000000, 0xffffffff7f800000, 5
  FOP2 94, fmul.s, rne, 0xffffffffff7fffff, 0xffffffff40000000, 0xffffffffff800000, 5
  FOP2 95, fmul.s, rtz, 0xffffffffff7fffff, 0xffffffff40000000, 0xffffffffff7fffff, 5
  FOP2 96, fmul.s, rdn, 0xffffffffff7fffff, 0xffffffff40000000, 0xffffffffff800000, 5
  FOP2 97, fmul.s, rup, 0xffffffffff7fffff, 0xffffffff40000000, 0xffffffffff7fffff, 5
  FOP2 98, fmul.s, rmm, 0xffffffffff7fffff, 0xffffffff40000000, 0xffffffffff800000, 5
  FOP2 99, fadd.s, rne, 0xffffffff7f7fffff, 0xffffffff7f7fffff, 0xffffffff7f800000, 5
  // division by zero
  FOP2 100, fdiv.s, rne, 0xffffffff3f800000, 0xffffffff00000000, 0xffffffff7f800000, 8
  FOP2 101, fdiv.s, rne, 0xffffffffbf800000, 0xffffffff00000000, 0xffffffffff800000, 8
  FOP2 102, fdiv.s, rne, 0xffffffff3f800000, 0xffffffff80000000, 0xffffffffff800000, 8
  // inf / 0 is exact: no DZ
  FOP2 103, fdiv.s, rne, 0xffffffff7f800000, 0xffffffff00000000, 0xffffffff7f800000, 0
  // 0 / 0 is invalid
  FOP2 104, fdiv.s, rne, 0xffffffff00000000, 0xffffffff00000000, 0xffffffff7fc00000, 16
  // invalid operations give the canonical NaN
  FOP2 105, fadd.s, rne, 0xffffffff7f800000, 0xffffffffff800000, 0xffffffff7fc00000, 16
  FOP2 106, fsub.s, rne, 0xffffffff7f800000, 0xffffffff7f800000, 0xffffffff7fc00000, 16
  FOP2 107, fmul.s, rne, 0xffffffff00000000, 0xffffffff7f800000, 0xffffffff7fc00000, 16
  FOP2 108, fdiv.s, rne, 0xffffffff7f800000, 0xffffffffff800000, 0xffffffff7fc00000, 16
  FOP2 109, fadd.s, rne, 0xffffffff7f800000, 0xffffffff7f800000, 0xffffffff7f800000, 0
  FOP2 110, fdiv.s, rne, 0xffffffff3f800000, 0xffffffff7f800000, 0xffffffff00000000, 0
  // NaN operands: quiet ones raise nothing, signalling ones NV; never propagated
  FOP2 111, fadd.s, rne, 0xffffffff7fc00000, 0xffffffff3f800000, 0xffffffff7fc00000, 0
  FOP2 112, fadd.s, rne, 0xffffffff3f800000, 0xffffffffffc12345, 0xffffffff7fc00000, 0
  FOP2 113, fmul.s, rne, 0xffffffff7f800001, 0xffffffff3f800000, 0xffffffff7fc00000, 16
  FOP2 114, fsub.s, rne, 0xffffffff7fc00000, 0xffffffff7f800001, 0xffffffff7fc00000, 16
  FOP2 115, fdiv.s, rne, 0xffffffffffc12345, 0xffffffff00000000, 0xffffffff7fc00000, 0
  // flags accrue (OR) until cleared
  LI_D f1, 0xffffffff3f800000
  LI_D f2, 0xffffffff33000000
  fadd.s f3, f1, f2
  LI_D f2, 0xffffffff00000000
  fdiv.s f3, f1, f2
  CHECK_LABEL 116
  csrr t5, fflags
  CMP 116, t5, 9
  csrr t5, fcsr
  CMP 116, t5, 9
  LI_D f2, 0xffffffff7fc00000
  fadd.s f3, f1, f2
  csrrw t5, fflags, zero
  CMP 116, t5, 9
  // ---- fused multiply-add family
  FOP3 117, fmadd.s, rne, 0xffffffff40000000, 0xffffffff40400000, 0xffffffff3f800000, 0xffffffff40e00000, 0
  FOP3 118, fmsub.s, rne, 0xffffffff40000000, 0xffffffff40400000, 0xffffffff3f800000, 0xffffffff40a00000, 0
  FOP3 119, fnmsub.s, rne, 0xffffffff40000000, 0xffffffff40400000, 0xffffffff3f800000, 0xffffffffc0a00000, 0
  FOP3 120, fnmadd.s, rne, 0xffffffff40000000, 0xffffffff40400000, 0xffffffff3f800000, 0xffffffffc0e00000, 0
  // fused: x*x - (1+2u) is exact, a separate multiply would give 0
  FOP3 121, fmadd.s, rne, 0xffffffff3f800800, 0xffffffff3f800800, 0xffffffffbf801000, 0xffffffff33800000, 0
  FOP3 122, fmsub.s, rne, 0xffffffff3f800800, 0xffffffff3f800800, 0xffffffff3f801000, 0xffffffff33800000, 0
  FOP3 123, fnmadd.s, rne, 0xffffffff3f800800, 0xffffffff3f800800, 0xffffffffbf801000, 0xffffffffb3800000, 0
  // inf * 0 + qNaN is invalid
  FOP3 124, fmadd.s, rne, 0xffffffff7f800000, 0xffffffff00000000, 0xffffffff7fc00000, 0xffffffff7fc00000, 16
  FOP3 125, fmadd.s, rne, 0xffffffff00000000, 0xffffffffff800000, 0xffffffff3f800000, 0xffffffff7fc00000, 16
  FOP3 126, fmadd.s, rne, 0xffffffff3f800000, 0xffffffff3f800000, 0xffffffff7f800001, 0xffffffff7fc00000, 16
  FOP3 127, fmadd.s, rne, 0xffffffff7fc00000, 0xffffffff3f800000, 0xffffffff3f800000, 0xffffffff7fc00000, 0
  FOP3 128, fmadd.s, rne, 0xffffffff7f800000, 0xffffffff3f800000, 0xffffffffff800000, 0xffffffff7fc00000, 16
  FOP3 129, fmsub.s, rne, 0xffffffff7f800000, 0xffffffff3f800000, 0xffffffff7f800000, 0xffffffff7fc00000, 16
  FOP3 130, fmadd.s, rne, 0xffffffff7f800000, 0xffffffff40000000, 0xffffffff3f800000, 0xffffffff7f800000, 0
  // signs of exact zero results
  FOP3 131, fnmadd.s, rne, 0xffffffff3f800000, 0xffffffff00000000, 0xffffffff00000000, 0xffffffff80000000, 0
  FOP3 132, fnmsub.s, rne, 0xffffffff3f800000, 0xffffffff00000000, 0xffffffff00000000, 0xffffffff00000000, 0
  FOP3 133, fmadd.s, rdn, 0xffffffff3f800000, 0xffffffff00000000, 0xffffffff80000000, 0xffffffff80000000, 0
  FOP3 134, fmadd.s, rne, 0xffffffff3f800000, 0xffffffff80000000, 0xffffffff80000000, 0xffffffff80000000, 0
  FOP3 135, fmadd.s, rne, 0xffffffff3f800000, 0xffffffff3f800000, 0xffffffff33800000, 0xffffffff3f800000, 1
  FOP3 136, fmadd.s, rtz, 0xffffffff3f800000, 0xffffffff3f800000, 0xffffffff33800000, 0xffffffff3f800000, 1
  FOP3 137, fmadd.s, rdn, 0xffffffff3f800000, 0xffffffff3f800000, 0xffffffff33800000, 0xffffffff3f800000, 1
  FOP3 138, fmadd.s, rup, 0xffffffff3f800000, 0xffffffff3f800000, 0xffffffff33800000, 0xffffffff3f800001, 1
  FOP3 139, fmadd.s, rmm, 0xffffffff3f800000, 0xffffffff3f800000, 0xffffffff33800000, 0xffffffff3f800001, 1
  FOP3 140, fmadd.s, rne, 0xffffffff7f7fffff, 0xffffffff40000000, 0xffffffffff7fffff, 0xffffffff7f7fffff, 0
  FOP3 141, fmadd.s, rtz, 0xffffffff7f7fffff, 0xffffffff40000000, 0xffffffffff7fffff, 0xffffffff7f7fffff, 0
  FOP3 142, fmadd.s, rup, 0xffffffff7f7fffff, 0xffffffff40000000, 0xffffffffff7fffff, 0xffffffff7f7fffff, 0
  // underflow through fma
  FOP3 143, fmadd.s, rne, 0xffffffff00800001, 0xffffffff3f000000, 0xffffffff00000000, 0xffffffff00400000, 3
  // ---- square root
  FOP1 144, fsqrt.s, rne, 0xffffffff40800000, 0xffffffff40000000, 0
  FOP1 145, fsqrt.s, rne, 0xffffffff40000000, 0xffffffff3fb504f3, 1
  FOP1 146, fsqrt.s, rtz, 0xffffffff40000000, 0xffffffff3fb504f3, 1
  FOP1 147, fsqrt.s, rdn, 0xffffffff40000000, 0xffffffff3fb504f3, 1
  FOP1 148, fsqrt.s, rup, 0xffffffff40000000, 0xffffffff3fb504f4, 1
  FOP1 149, fsqrt.s, rmm, 0xffffffff40000000, 0xffffffff3fb504f3, 1
  FOP1 150, fsqrt.s, rne, 0xffffffff80000000, 0xffffffff80000000, 0
  FOP1 151, fsqrt.s, rne, 0xffffffffbf800000, 0xffffffff7fc00000, 16
  FOP1 152, fsqrt.s, rne, 0xffffffff7f800000, 0xffffffff7f800000, 0
  FOP1 153, fsqrt.s, rne, 0xffffffffff800000, 0xffffffff7fc00000, 16
  FOP1 154, fsqrt.s, rne, 0xffffffff7f800001, 0xffffffff7fc00000, 16
  FOP1 155, fsqrt.s, rne, 0xffffffff7fc00000, 0xffffffff7fc00000, 0
  // smallest subnormal
  FOP1 156, fsqrt.s, rne, 0xffffffff00000001, 0xffffffff1a3504f3, 1
  FOP1 157, fsqrt.s, rne, 0xffffffff7f7fffff, 0xffffffff5f7fffff, 1
  CHECK_NOTRAP 252
TEST_END

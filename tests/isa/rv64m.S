// rv64m.S - M extension: mul/mulh/mulhsu/mulhu/mulw, div/divu/rem/remu and
// their W forms, including division by zero and signed overflow results.
#include "test.h"

.macro RR n, op, a, b, res
  li a4, \a
  li a5, \b
  \op s1, a4, a5
  CHECK \n, s1, \res
.endm

TEST_BEGIN
  // ---- mul (low 64 bits)
  RR 1, mul, 3, 7, 21
  RR 2, mul, -1, -1, 1
  RR 3, mul, 0x7fffffffffffffff, 2, 0xfffffffffffffffe
  RR 4, mul, 0x100000000, 0x100000000, 0
  RR 5, mul, -3, 5, -15
  // ---- mulh (signed x signed, high 64)
  RR 6, mulh, -1, -1, 0
  RR 7, mulh, 0x8000000000000000, 0x8000000000000000, 0x4000000000000000
  RR 8, mulh, -1, 1, -1
  RR 9, mulh, 0x7fffffffffffffff, 0x7fffffffffffffff, 0x3fffffffffffffff
  RR 10, mulh, 0x8000000000000000, 0x7fffffffffffffff, 0xc000000000000000
  // ---- mulhu (unsigned x unsigned)
  RR 11, mulhu, -1, -1, 0xfffffffffffffffe
  RR 12, mulhu, 0x8000000000000000, 2, 1
  RR 13, mulhu, 0x100000000, 0x100000000, 1
  RR 14, mulhu, 12345, 67890, 0
  // ---- mulhsu (signed rs1 x unsigned rs2)
  RR 15, mulhsu, -1, -1, -1
  RR 16, mulhsu, 2, -1, 1
  RR 17, mulhsu, -2, 3, -1
  RR 18, mulhsu, 0x8000000000000000, 0x8000000000000000, 0xc000000000000000
  RR 19, mulhsu, 0x7fffffffffffffff, -1, 0x7ffffffffffffffe
  // ---- mulw (32x32 low word, sign-extended; upper bits ignored)
  RR 20, mulw, 0x7fffffff, 2, 0xfffffffffffffffe
  RR 21, mulw, 0x100000003, 5, 15
  RR 22, mulw, 0x10000, 0x10000, 0
  RR 23, mulw, -1, -1, 1
  RR 24, mulw, 0x40000000, 2, 0xffffffff80000000
  // ---- div / rem (truncating)
  RR 30, div, 20, 6, 3
  RR 31, div, -20, 6, -3
  RR 32, div, 20, -6, -3
  RR 33, div, -20, -6, 3
  RR 34, rem, 20, 6, 2
  RR 35, rem, -20, 6, -2
  RR 36, rem, 20, -6, 2
  RR 37, rem, -20, -6, -2
  RR 38, divu, -1, 2, 0x7fffffffffffffff
  RR 39, remu, -1, 2, 1
  RR 40, divu, 20, 6, 3
  RR 41, remu, -20, 6, 2                 // 0xffffffffffffffec % 6
  RR 42, divu, 0x8000000000000000, 0x10, 0x0800000000000000
  // ---- division by zero
  RR 43, div, 123, 0, -1
  RR 44, div, -123, 0, -1
  RR 45, divu, 123, 0, 0xffffffffffffffff
  RR 46, rem, 123, 0, 123
  RR 47, rem, -123, 0, -123
  RR 48, remu, 123, 0, 123
  RR 49, remu, -1, 0, -1
  // ---- signed overflow
  RR 50, div, 0x8000000000000000, -1, 0x8000000000000000
  RR 51, rem, 0x8000000000000000, -1, 0
  RR 52, div, 0x8000000000000000, 1, 0x8000000000000000
  // ---- W forms
  RR 60, divw, 20, 6, 3
  RR 61, divw, -20, 6, -3
  RR 62, divw, 0xffffffff00000014, 6, 3    // upper bits ignored
  RR 63, divw, 0x80000000, -1, 0xffffffff80000000   // overflow
  RR 64, remw, 0x80000000, -1, 0
  RR 65, divw, 7, 0, -1
  RR 66, remw, 0x123456789, 0, 0x23456789
  RR 67, remw, 0x80000005, 0, 0xffffffff80000005
  RR 68, remw, -20, 6, -2
  RR 69, divuw, 0x80000000, 1, 0xffffffff80000000  // result sign-extended
  RR 70, divuw, 0xffffffff00000014, 6, 3
  RR 71, divuw, 7, 0, -1                   // 2^32-1 sign-extended
  RR 72, remuw, 0xfffffff7, 10, 7          // 4294967287 % 10
  RR 73, remuw, 0x80000005, 0, 0xffffffff80000005
  RR 74, divuw, 0xffffffff, 2, 0x7fffffff
  RR 75, remuw, 0x1ffffffff, 0x100000000 + 3, 0   // rs2 low word 3: 0xffffffff % 3
  RR 76, divw, 0x7fffffff, 0xffffffff00000002, 0x3fffffff
  // ---- rd aliasing a source
  li a0, 6
  li a1, 7
  mul a0, a0, a1
  CHECK 80, a0, 42
  li a0, 100
  div a0, a0, a0
  CHECK 81, a0, 1
TEST_END

// zbs.S - Zbs: bclr/bset/binv/bext and immediate forms; the register
// forms use rs2[5:0] only.  Expected values from a reference model.
#include "test.h"

.macro RR n, op, a, b, res
  li a4, \a
  li a5, \b
  \op s1, a4, a5
  CHECK \n, s1, \res
.endm
.macro RI n, op, a, imm, res
  li a4, \a
  \op s1, a4, \imm
  CHECK \n, s1, \res
.endm
.macro R1 n, op, a, res
  li a4, \a
  \op s1, a4
  CHECK \n, s1, \res
.endm

TEST_BEGIN
  RR 1, bclr, 0x0, 0x0, 0x0
  RR 2, bset, 0x0, 0x0, 0x1
  RR 3, binv, 0x0, 0x0, 0x1
  RR 4, bext, 0x0, 0x0, 0x0
  RR 5, bclr, 0x0, 0x1, 0x0
  RR 6, bset, 0x0, 0x1, 0x2
  RR 7, binv, 0x0, 0x1, 0x2
  RR 8, bext, 0x0, 0x1, 0x0
  RR 9, bclr, 0x0, 0x1f, 0x0
  RR 10, bset, 0x0, 0x1f, 0x80000000
  RR 11, binv, 0x0, 0x1f, 0x80000000
  RR 12, bext, 0x0, 0x1f, 0x0
  RR 13, bclr, 0x0, 0x20, 0x0
  RR 14, bset, 0x0, 0x20, 0x100000000
  RR 15, binv, 0x0, 0x20, 0x100000000
  RR 16, bext, 0x0, 0x20, 0x0
  RR 17, bclr, 0x0, 0x3f, 0x0
  RR 18, bset, 0x0, 0x3f, 0x8000000000000000
  RR 19, binv, 0x0, 0x3f, 0x8000000000000000
  RR 20, bext, 0x0, 0x3f, 0x0
  RR 21, bclr, 0x0, 0x45, 0x0
  RR 22, bset, 0x0, 0x45, 0x20
  RR 23, binv, 0x0, 0x45, 0x20
  RR 24, bext, 0x0, 0x45, 0x0
  RI 25, bclri, 0x0, 0, 0x0
  RI 26, bseti, 0x0, 0, 0x1
  RI 27, binvi, 0x0, 0, 0x1
  RI 28, bexti, 0x0, 0, 0x0
  RI 29, bclri, 0x0, 7, 0x0
  RI 30, bseti, 0x0, 7, 0x80
  RI 31, binvi, 0x0, 7, 0x80
  RI 32, bexti, 0x0, 7, 0x0
  RI 33, bclri, 0x0, 31, 0x0
  RI 34, bseti, 0x0, 31, 0x80000000
  RI 35, binvi, 0x0, 31, 0x80000000
  RI 36, bexti, 0x0, 31, 0x0
  RI 37, bclri, 0x0, 32, 0x0
  RI 38, bseti, 0x0, 32, 0x100000000
  RI 39, binvi, 0x0, 32, 0x100000000
  RI 40, bexti, 0x0, 32, 0x0
  RI 41, bclri, 0x0, 63, 0x0
  RI 42, bseti, 0x0, 63, 0x8000000000000000
  RI 43, binvi, 0x0, 63, 0x8000000000000000
  RI 44, bexti, 0x0, 63, 0x0
  RR 45, bclr, 0xffffffffffffffff, 0x0, 0xfffffffffffffffe
  RR 46, bset, 0xffffffffffffffff, 0x0, 0xffffffffffffffff
  RR 47, binv, 0xffffffffffffffff, 0x0, 0xfffffffffffffffe
  RR 48, bext, 0xffffffffffffffff, 0x0, 0x1
  RR 49, bclr, 0xffffffffffffffff, 0x1, 0xfffffffffffffffd
  RR 50, bset, 0xffffffffffffffff, 0x1, 0xffffffffffffffff
  RR 51, binv, 0xffffffffffffffff, 0x1, 0xfffffffffffffffd
  RR 52, bext, 0xffffffffffffffff, 0x1, 0x1
  RR 53, bclr, 0xffffffffffffffff, 0x1f, 0xffffffff7fffffff
  RR 54, bset, 0xffffffffffffffff, 0x1f, 0xffffffffffffffff
  RR 55, binv, 0xffffffffffffffff, 0x1f, 0xffffffff7fffffff
  RR 56, bext, 0xffffffffffffffff, 0x1f, 0x1
  RR 57, bclr, 0xffffffffffffffff, 0x20, 0xfffffffeffffffff
  RR 58, bset, 0xffffffffffffffff, 0x20, 0xffffffffffffffff
  RR 59, binv, 0xffffffffffffffff, 0x20, 0xfffffffeffffffff
  RR 60, bext, 0xffffffffffffffff, 0x20, 0x1
  RR 61, bclr, 0xffffffffffffffff, 0x3f, 0x7fffffffffffffff
  RR 62, bset, 0xffffffffffffffff, 0x3f, 0xffffffffffffffff
  RR 63, binv, 0xffffffffffffffff, 0x3f, 0x7fffffffffffffff
  RR 64, bext, 0xffffffffffffffff, 0x3f, 0x1
  RR 65, bclr, 0xffffffffffffffff, 0x45, 0xffffffffffffffdf
  RR 66, bset, 0xffffffffffffffff, 0x45, 0xffffffffffffffff
  RR 67, binv, 0xffffffffffffffff, 0x45, 0xffffffffffffffdf
  RR 68, bext, 0xffffffffffffffff, 0x45, 0x1
  RI 69, bclri, 0xffffffffffffffff, 0, 0xfffffffffffffffe
  RI 70, bseti, 0xffffffffffffffff, 0, 0xffffffffffffffff
  RI 71, binvi, 0xffffffffffffffff, 0, 0xfffffffffffffffe
  RI 72, bexti, 0xffffffffffffffff, 0, 0x1
  RI 73, bclri, 0xffffffffffffffff, 7, 0xffffffffffffff7f
  RI 74, bseti, 0xffffffffffffffff, 7, 0xffffffffffffffff
  RI 75, binvi, 0xffffffffffffffff, 7, 0xffffffffffffff7f
  RI 76, bexti, 0xffffffffffffffff, 7, 0x1
  RI 77, bclri, 0xffffffffffffffff, 31, 0xffffffff7fffffff
  RI 78, bseti, 0xffffffffffffffff, 31, 0xffffffffffffffff
  RI 79, binvi, 0xffffffffffffffff, 31, 0xffffffff7fffffff
  RI 80, bexti, 0xffffffffffffffff, 31, 0x1
  RI 81, bclri, 0xffffffffffffffff, 32, 0xfffffffeffffffff
  RI 82, bseti, 0xffffffffffffffff, 32, 0xffffffffffffffff
  RI 83, binvi, 0xffffffffffffffff, 32, 0xfffffffeffffffff
  RI 84, bexti, 0xffffffffffffffff, 32, 0x1
  RI 85, bclri, 0xffffffffffffffff, 63, 0x7fffffffffffffff
  RI 86, bseti, 0xffffffffffffffff, 63, 0xffffffffffffffff
  RI 87, binvi, 0xffffffffffffffff, 63, 0x7fffffffffffffff
  RI 88, bexti, 0xffffffffffffffff, 63, 0x1
  RR 89, bclr, 0x123456789abcdef, 0x0, 0x123456789abcdee
  RR 90, bset, 0x123456789abcdef, 0x0, 0x123456789abcdef
  RR 91, binv, 0x123456789abcdef, 0x0, 0x123456789abcdee
  RR 92, bext, 0x123456789abcdef, 0x0, 0x1
  RR 93, bclr, 0x123456789abcdef, 0x1, 0x123456789abcded
  RR 94, bset, 0x123456789abcdef, 0x1, 0x123456789abcdef
  RR 95, binv, 0x123456789abcdef, 0x1, 0x123456789abcded
  RR 96, bext, 0x123456789abcdef, 0x1, 0x1
  RR 97, bclr, 0x123456789abcdef, 0x1f, 0x123456709abcdef
  RR 98, bset, 0x123456789abcdef, 0x1f, 0x123456789abcdef
  RR 99, binv, 0x123456789abcdef, 0x1f, 0x123456709abcdef
  RR 100, bext, 0x123456789abcdef, 0x1f, 0x1
  RR 101, bclr, 0x123456789abcdef, 0x20, 0x123456689abcdef
  RR 102, bset, 0x123456789abcdef, 0x20, 0x123456789abcdef
  RR 103, binv, 0x123456789abcdef, 0x20, 0x123456689abcdef
  RR 104, bext, 0x123456789abcdef, 0x20, 0x1
  RR 105, bclr, 0x123456789abcdef, 0x3f, 0x123456789abcdef
  RR 106, bset, 0x123456789abcdef, 0x3f, 0x8123456789abcdef
  RR 107, binv, 0x123456789abcdef, 0x3f, 0x8123456789abcdef
  RR 108, bext, 0x123456789abcdef, 0x3f, 0x0
  RR 109, bclr, 0x123456789abcdef, 0x45, 0x123456789abcdcf
  RR 110, bset, 0x123456789abcdef, 0x45, 0x123456789abcdef
  RR 111, binv, 0x123456789abcdef, 0x45, 0x123456789abcdcf
  RR 112, bext, 0x123456789abcdef, 0x45, 0x1
  RI 113, bclri, 0x123456789abcdef, 0, 0x123456789abcdee
  RI 114, bseti, 0x123456789abcdef, 0, 0x123456789abcdef
  RI 115, binvi, 0x123456789abcdef, 0, 0x123456789abcdee
  RI 116, bexti, 0x123456789abcdef, 0, 0x1
  RI 117, bclri, 0x123456789abcdef, 7, 0x123456789abcd6f
  RI 118, bseti, 0x123456789abcdef, 7, 0x123456789abcdef
  RI 119, binvi, 0x123456789abcdef, 7, 0x123456789abcd6f
  RI 120, bexti, 0x123456789abcdef, 7, 0x1
  RI 121, bclri, 0x123456789abcdef, 31, 0x123456709abcdef
  RI 122, bseti, 0x123456789abcdef, 31, 0x123456789abcdef
  RI 123, binvi, 0x123456789abcdef, 31, 0x123456709abcdef
  RI 124, bexti, 0x123456789abcdef, 31, 0x1
  RI 125, bclri, 0x123456789abcdef, 32, 0x123456689abcdef
  RI 126, bseti, 0x123456789abcdef, 32, 0x123456789abcdef
  RI 127, binvi, 0x123456789abcdef, 32, 0x123456689abcdef
  RI 128, bexti, 0x123456789abcdef, 32, 0x1
  RI 129, bclri, 0x123456789abcdef, 63, 0x123456789abcdef
  RI 130, bseti, 0x123456789abcdef, 63, 0x8123456789abcdef
  RI 131, binvi, 0x123456789abcdef, 63, 0x8123456789abcdef
  RI 132, bexti, 0x123456789abcdef, 63, 0x0
  RR 133, bclr, 0x8000000000000000, 0x0, 0x8000000000000000
  RR 134, bset, 0x8000000000000000, 0x0, 0x8000000000000001
  RR 135, binv, 0x8000000000000000, 0x0, 0x8000000000000001
  RR 136, bext, 0x8000000000000000, 0x0, 0x0
  RR 137, bclr, 0x8000000000000000, 0x1, 0x8000000000000000
  RR 138, bset, 0x8000000000000000, 0x1, 0x8000000000000002
  RR 139, binv, 0x8000000000000000, 0x1, 0x8000000000000002
  RR 140, bext, 0x8000000000000000, 0x1, 0x0
  RR 141, bclr, 0x8000000000000000, 0x1f, 0x8000000000000000
  RR 142, bset, 0x8000000000000000, 0x1f, 0x8000000080000000
  RR 143, binv, 0x8000000000000000, 0x1f, 0x8000000080000000
  RR 144, bext, 0x8000000000000000, 0x1f, 0x0
  RR 145, bclr, 0x8000000000000000, 0x20, 0x8000000000000000
  RR 146, bset, 0x8000000000000000, 0x20, 0x8000000100000000
  RR 147, binv, 0x8000000000000000, 0x20, 0x8000000100000000
  RR 148, bext, 0x8000000000000000, 0x20, 0x0
  RR 149, bclr, 0x8000000000000000, 0x3f, 0x0
  RR 150, bset, 0x8000000000000000, 0x3f, 0x8000000000000000
  RR 151, binv, 0x8000000000000000, 0x3f, 0x0
  RR 152, bext, 0x8000000000000000, 0x3f, 0x1
  RR 153, bclr, 0x8000000000000000, 0x45, 0x8000000000000000
  RR 154, bset, 0x8000000000000000, 0x45, 0x8000000000000020
  RR 155, binv, 0x8000000000000000, 0x45, 0x8000000000000020
  RR 156, bext, 0x8000000000000000, 0x45, 0x0
  RI 157, bclri, 0x8000000000000000, 0, 0x8000000000000000
  RI 158, bseti, 0x8000000000000000, 0, 0x8000000000000001
  RI 159, binvi, 0x8000000000000000, 0, 0x8000000000000001
  RI 160, bexti, 0x8000000000000000, 0, 0x0
  RI 161, bclri, 0x8000000000000000, 7, 0x8000000000000000
  RI 162, bseti, 0x8000000000000000, 7, 0x8000000000000080
  RI 163, binvi, 0x8000000000000000, 7, 0x8000000000000080
  RI 164, bexti, 0x8000000000000000, 7, 0x0
  RI 165, bclri, 0x8000000000000000, 31, 0x8000000000000000
  RI 166, bseti, 0x8000000000000000, 31, 0x8000000080000000
  RI 167, binvi, 0x8000000000000000, 31, 0x8000000080000000
  RI 168, bexti, 0x8000000000000000, 31, 0x0
  RI 169, bclri, 0x8000000000000000, 32, 0x8000000000000000
  RI 170, bseti, 0x8000000000000000, 32, 0x8000000100000000
  RI 171, binvi, 0x8000000000000000, 32, 0x8000000100000000
  RI 172, bexti, 0x8000000000000000, 32, 0x0
  RI 173, bclri, 0x8000000000000000, 63, 0x0
  RI 174, bseti, 0x8000000000000000, 63, 0x8000000000000000
  RI 175, binvi, 0x8000000000000000, 63, 0x0
  RI 176, bexti, 0x8000000000000000, 63, 0x1
TEST_END

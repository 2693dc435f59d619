// zba.S - Zba: sh1add/sh2add/sh3add, add.uw, sh[123]add.uw, slli.uw (zext.w).
// Expected values generated from a reference model (numbered in order).
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
  RR 1, sh1add, 0x123456789abcdef, 0xfedcba9876543210, 0x123456789abcdee
  RR 2, sh2add, 0x123456789abcdef, 0xfedcba9876543210, 0x369d0369d0369cc
  RR 3, sh3add, 0x123456789abcdef, 0xfedcba9876543210, 0x7f6e5d4c3b2a188
  RR 4, add.uw, 0x123456789abcdef, 0xfedcba9876543210, 0xfedcba98ffffffff
  RR 5, sh1add.uw, 0x123456789abcdef, 0xfedcba9876543210, 0xfedcba9989abcdee
  RR 6, sh2add.uw, 0x123456789abcdef, 0xfedcba9876543210, 0xfedcba9a9d0369cc
  RR 7, sh3add.uw, 0x123456789abcdef, 0xfedcba9876543210, 0xfedcba9cc3b2a188
  RR 8, sh1add, 0xffffffffffffffff, 0x8000000000000000, 0x7ffffffffffffffe
  RR 9, sh2add, 0xffffffffffffffff, 0x8000000000000000, 0x7ffffffffffffffc
  RR 10, sh3add, 0xffffffffffffffff, 0x8000000000000000, 0x7ffffffffffffff8
  RR 11, add.uw, 0xffffffffffffffff, 0x8000000000000000, 0x80000000ffffffff
  RR 12, sh1add.uw, 0xffffffffffffffff, 0x8000000000000000, 0x80000001fffffffe
  RR 13, sh2add.uw, 0xffffffffffffffff, 0x8000000000000000, 0x80000003fffffffc
  RR 14, sh3add.uw, 0xffffffffffffffff, 0x8000000000000000, 0x80000007fffffff8
  RR 15, sh1add, 0x7fffffffffffffff, 0x1, 0xffffffffffffffff
  RR 16, sh2add, 0x7fffffffffffffff, 0x1, 0xfffffffffffffffd
  RR 17, sh3add, 0x7fffffffffffffff, 0x1, 0xfffffffffffffff9
  RR 18, add.uw, 0x7fffffffffffffff, 0x1, 0x100000000
  RR 19, sh1add.uw, 0x7fffffffffffffff, 0x1, 0x1ffffffff
  RR 20, sh2add.uw, 0x7fffffffffffffff, 0x1, 0x3fffffffd
  RR 21, sh3add.uw, 0x7fffffffffffffff, 0x1, 0x7fffffff9
  RR 22, sh1add, 0xffffffff, 0xffffffff00000001, 0xffffffff
  RR 23, sh2add, 0xffffffff, 0xffffffff00000001, 0x2fffffffd
  RR 24, sh3add, 0xffffffff, 0xffffffff00000001, 0x6fffffff9
  RR 25, add.uw, 0xffffffff, 0xffffffff00000001, 0x0
  RR 26, sh1add.uw, 0xffffffff, 0xffffffff00000001, 0xffffffff
  RR 27, sh2add.uw, 0xffffffff, 0xffffffff00000001, 0x2fffffffd
  RR 28, sh3add.uw, 0xffffffff, 0xffffffff00000001, 0x6fffffff9
  RR 29, sh1add, 0x80000000, 0xff00000000f000, 0xff00010000f000
  RR 30, sh2add, 0x80000000, 0xff00000000f000, 0xff00020000f000
  RR 31, sh3add, 0x80000000, 0xff00000000f000, 0xff00040000f000
  RR 32, add.uw, 0x80000000, 0xff00000000f000, 0xff00008000f000
  RR 33, sh1add.uw, 0x80000000, 0xff00000000f000, 0xff00010000f000
  RR 34, sh2add.uw, 0x80000000, 0xff00000000f000, 0xff00020000f000
  RR 35, sh3add.uw, 0x80000000, 0xff00000000f000, 0xff00040000f000
  RR 36, sh1add, 0x0, 0x5555aaaa5555aaaa, 0x5555aaaa5555aaaa
  RR 37, sh2add, 0x0, 0x5555aaaa5555aaaa, 0x5555aaaa5555aaaa
  RR 38, sh3add, 0x0, 0x5555aaaa5555aaaa, 0x5555aaaa5555aaaa
  RR 39, add.uw, 0x0, 0x5555aaaa5555aaaa, 0x5555aaaa5555aaaa
  RR 40, sh1add.uw, 0x0, 0x5555aaaa5555aaaa, 0x5555aaaa5555aaaa
  RR 41, sh2add.uw, 0x0, 0x5555aaaa5555aaaa, 0x5555aaaa5555aaaa
  RR 42, sh3add.uw, 0x0, 0x5555aaaa5555aaaa, 0x5555aaaa5555aaaa
  RR 43, sh1add, 0xffffffff00000001, 0x80000000, 0xfffffffe80000002
  RR 44, sh2add, 0xffffffff00000001, 0x80000000, 0xfffffffc80000004
  RR 45, sh3add, 0xffffffff00000001, 0x80000000, 0xfffffff880000008
  RR 46, add.uw, 0xffffffff00000001, 0x80000000, 0x80000001
  RR 47, sh1add.uw, 0xffffffff00000001, 0x80000000, 0x80000002
  RR 48, sh2add.uw, 0xffffffff00000001, 0x80000000, 0x80000004
  RR 49, sh3add.uw, 0xffffffff00000001, 0x80000000, 0x80000008
  RI 50, slli.uw, 0x123456789abcdef, 0, 0x89abcdef
  RI 51, slli.uw, 0x123456789abcdef, 1, 0x113579bde
  RI 52, slli.uw, 0x123456789abcdef, 31, 0x44d5e6f780000000
  RI 53, slli.uw, 0x123456789abcdef, 32, 0x89abcdef00000000
  RI 54, slli.uw, 0x123456789abcdef, 63, 0x8000000000000000
  RI 55, slli.uw, 0xffffffffffffffff, 0, 0xffffffff
  RI 56, slli.uw, 0xffffffffffffffff, 1, 0x1fffffffe
  RI 57, slli.uw, 0xffffffffffffffff, 31, 0x7fffffff80000000
  RI 58, slli.uw, 0xffffffffffffffff, 32, 0xffffffff00000000
  RI 59, slli.uw, 0xffffffffffffffff, 63, 0x8000000000000000
  RI 60, slli.uw, 0x80000000, 0, 0x80000000
  RI 61, slli.uw, 0x80000000, 1, 0x100000000
  RI 62, slli.uw, 0x80000000, 31, 0x4000000000000000
  RI 63, slli.uw, 0x80000000, 32, 0x8000000000000000
  RI 64, slli.uw, 0x80000000, 63, 0x0
  RI 65, slli.uw, 0xffffffff00000001, 0, 0x1
  RI 66, slli.uw, 0xffffffff00000001, 1, 0x2
  RI 67, slli.uw, 0xffffffff00000001, 31, 0x80000000
  RI 68, slli.uw, 0xffffffff00000001, 32, 0x100000000
  RI 69, slli.uw, 0xffffffff00000001, 63, 0x8000000000000000
  R1 70, zext.w, 0xfedcba9876543210, 0x76543210
TEST_END

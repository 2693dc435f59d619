// zbb.S - Zbb: andn/orn/xnor, min/max[u], clz/ctz/cpop and W forms,
// sext.b/sext.h/zext.h, rol/ror/rori and W forms, orc.b, rev8.
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
  RR 1, andn, 0x123456789abcdef, 0xfedcba9876543210, 0x123456789abcdef
  RR 2, orn, 0x123456789abcdef, 0xfedcba9876543210, 0x123456789abcdef
  RR 3, xnor, 0x123456789abcdef, 0xfedcba9876543210, 0x0
  RR 4, max, 0x123456789abcdef, 0xfedcba9876543210, 0x123456789abcdef
  RR 5, maxu, 0x123456789abcdef, 0xfedcba9876543210, 0xfedcba9876543210
  RR 6, min, 0x123456789abcdef, 0xfedcba9876543210, 0xfedcba9876543210
  RR 7, minu, 0x123456789abcdef, 0xfedcba9876543210, 0x123456789abcdef
  RR 8, andn, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff
  RR 9, orn, 0xffffffffffffffff, 0x8000000000000000, 0xffffffffffffffff
  RR 10, xnor, 0xffffffffffffffff, 0x8000000000000000, 0x8000000000000000
  RR 11, max, 0xffffffffffffffff, 0x8000000000000000, 0xffffffffffffffff
  RR 12, maxu, 0xffffffffffffffff, 0x8000000000000000, 0xffffffffffffffff
  RR 13, min, 0xffffffffffffffff, 0x8000000000000000, 0x8000000000000000
  RR 14, minu, 0xffffffffffffffff, 0x8000000000000000, 0x8000000000000000
  RR 15, andn, 0x7fffffffffffffff, 0x1, 0x7ffffffffffffffe
  RR 16, orn, 0x7fffffffffffffff, 0x1, 0xffffffffffffffff
  RR 17, xnor, 0x7fffffffffffffff, 0x1, 0x8000000000000001
  RR 18, max, 0x7fffffffffffffff, 0x1, 0x7fffffffffffffff
  RR 19, maxu, 0x7fffffffffffffff, 0x1, 0x7fffffffffffffff
  RR 20, min, 0x7fffffffffffffff, 0x1, 0x1
  RR 21, minu, 0x7fffffffffffffff, 0x1, 0x1
  RR 22, andn, 0xffffffff, 0xffffffff00000001, 0xfffffffe
  RR 23, orn, 0xffffffff, 0xffffffff00000001, 0xffffffff
  RR 24, xnor, 0xffffffff, 0xffffffff00000001, 0x1
  RR 25, max, 0xffffffff, 0xffffffff00000001, 0xffffffff
  RR 26, maxu, 0xffffffff, 0xffffffff00000001, 0xffffffff00000001
  RR 27, min, 0xffffffff, 0xffffffff00000001, 0xffffffff00000001
  RR 28, minu, 0xffffffff, 0xffffffff00000001, 0xffffffff
  RR 29, andn, 0x80000000, 0xff00000000f000, 0x80000000
  RR 30, orn, 0x80000000, 0xff00000000f000, 0xff00ffffffff0fff
  RR 31, xnor, 0x80000000, 0xff00000000f000, 0xff00ffff7fff0fff
  RR 32, max, 0x80000000, 0xff00000000f000, 0xff00000000f000
  RR 33, maxu, 0x80000000, 0xff00000000f000, 0xff00000000f000
  RR 34, min, 0x80000000, 0xff00000000f000, 0x80000000
  RR 35, minu, 0x80000000, 0xff00000000f000, 0x80000000
  RR 36, andn, 0x0, 0x5555aaaa5555aaaa, 0x0
  RR 37, orn, 0x0, 0x5555aaaa5555aaaa, 0xaaaa5555aaaa5555
  RR 38, xnor, 0x0, 0x5555aaaa5555aaaa, 0xaaaa5555aaaa5555
  RR 39, max, 0x0, 0x5555aaaa5555aaaa, 0x5555aaaa5555aaaa
  RR 40, maxu, 0x0, 0x5555aaaa5555aaaa, 0x5555aaaa5555aaaa
  RR 41, min, 0x0, 0x5555aaaa5555aaaa, 0x0
  RR 42, minu, 0x0, 0x5555aaaa5555aaaa, 0x0
  RR 43, andn, 0xffffffff00000001, 0x80000000, 0xffffffff00000001
  RR 44, orn, 0xffffffff00000001, 0x80000000, 0xffffffff7fffffff
  RR 45, xnor, 0xffffffff00000001, 0x80000000, 0x7ffffffe
  RR 46, max, 0xffffffff00000001, 0x80000000, 0x80000000
  RR 47, maxu, 0xffffffff00000001, 0x80000000, 0xffffffff00000001
  RR 48, min, 0xffffffff00000001, 0x80000000, 0xffffffff00000001
  RR 49, minu, 0xffffffff00000001, 0x80000000, 0x80000000
  R1 50, clz, 0x0, 0x40
  R1 51, ctz, 0x0, 0x40
  R1 52, cpop, 0x0, 0x0
  R1 53, clzw, 0x0, 0x20
  R1 54, ctzw, 0x0, 0x20
  R1 55, cpopw, 0x0, 0x0
  R1 56, clz, 0x1, 0x3f
  R1 57, ctz, 0x1, 0x0
  R1 58, cpop, 0x1, 0x1
  R1 59, clzw, 0x1, 0x1f
  R1 60, ctzw, 0x1, 0x0
  R1 61, cpopw, 0x1, 0x1
  R1 62, clz, 0xffffffffffffffff, 0x0
  R1 63, ctz, 0xffffffffffffffff, 0x0
  R1 64, cpop, 0xffffffffffffffff, 0x40
  R1 65, clzw, 0xffffffffffffffff, 0x0
  R1 66, ctzw, 0xffffffffffffffff, 0x0
  R1 67, cpopw, 0xffffffffffffffff, 0x20
  R1 68, clz, 0x8000000000000000, 0x0
  R1 69, ctz, 0x8000000000000000, 0x3f
  R1 70, cpop, 0x8000000000000000, 0x1
  R1 71, clzw, 0x8000000000000000, 0x20
  R1 73, cpopw, 0x8000000000000000, 0x0
  R1 74, clz, 0x7fffffffffffffff, 0x1
  R1 75, ctz, 0x7fffffffffffffff, 0x0
  R1 76, cpop, 0x7fffffffffffffff, 0x3f
  R1 77, clzw, 0x7fffffffffffffff, 0x0
  R1 78, ctzw, 0x7fffffffffffffff, 0x0
  R1 79, cpopw, 0x7fffffffffffffff, 0x20
  R1 80, clz, 0x123456789abcdef, 0x7
  R1 81, ctz, 0x123456789abcdef, 0x0
  R1 82, cpop, 0x123456789abcdef, 0x20
  R1 83, clzw, 0x123456789abcdef, 0x0
  R1 84, ctzw, 0x123456789abcdef, 0x0
  R1 85, cpopw, 0x123456789abcdef, 0x14
  R1 86, clz, 0xfedcba9876543210, 0x0
  R1 87, ctz, 0xfedcba9876543210, 0x4
  R1 88, cpop, 0xfedcba9876543210, 0x20
  R1 89, clzw, 0xfedcba9876543210, 0x1
  R1 90, ctzw, 0xfedcba9876543210, 0x4
  R1 91, cpopw, 0xfedcba9876543210, 0xc
  R1 92, clz, 0xffffffff, 0x20
  R1 93, ctz, 0xffffffff, 0x0
  R1 94, cpop, 0xffffffff, 0x20
  R1 95, clzw, 0xffffffff, 0x0
  R1 96, ctzw, 0xffffffff, 0x0
  R1 97, cpopw, 0xffffffff, 0x20
  R1 98, clz, 0xffffffff00000001, 0x0
  R1 99, ctz, 0xffffffff00000001, 0x0
  R1 100, cpop, 0xffffffff00000001, 0x21
  R1 101, clzw, 0xffffffff00000001, 0x1f
  R1 102, ctzw, 0xffffffff00000001, 0x0
  R1 103, cpopw, 0xffffffff00000001, 0x1
  R1 104, clz, 0x80000000, 0x20
  R1 105, ctz, 0x80000000, 0x1f
  R1 106, cpop, 0x80000000, 0x1
  R1 107, clzw, 0x80000000, 0x0
  R1 108, ctzw, 0x80000000, 0x1f
  R1 109, cpopw, 0x80000000, 0x1
  R1 110, clz, 0xff00000000f000, 0x8
  R1 111, ctz, 0xff00000000f000, 0xc
  R1 112, cpop, 0xff00000000f000, 0xc
  R1 113, clzw, 0xff00000000f000, 0x10
  R1 114, ctzw, 0xff00000000f000, 0xc
  R1 115, cpopw, 0xff00000000f000, 0x4
  R1 116, clz, 0x5555aaaa5555aaaa, 0x1
  R1 117, ctz, 0x5555aaaa5555aaaa, 0x1
  R1 118, cpop, 0x5555aaaa5555aaaa, 0x20
  R1 119, clzw, 0x5555aaaa5555aaaa, 0x1
  R1 120, ctzw, 0x5555aaaa5555aaaa, 0x1
  R1 121, cpopw, 0x5555aaaa5555aaaa, 0x10
  R1 122, sext.b, 0x80, 0xffffffffffffff80
  R1 123, sext.h, 0x80, 0x80
  R1 124, zext.h, 0x80, 0x80
  R1 125, sext.b, 0x7f, 0x7f
  R1 126, sext.h, 0x7f, 0x7f
  R1 127, zext.h, 0x7f, 0x7f
  R1 128, sext.b, 0x12345678ffff8001, 0x1
  R1 129, sext.h, 0x12345678ffff8001, 0xffffffffffff8001
  R1 130, zext.h, 0x12345678ffff8001, 0x8001
  R1 131, sext.b, 0x8000, 0x0
  R1 132, sext.h, 0x8000, 0xffffffffffff8000
  R1 133, zext.h, 0x8000, 0x8000
  R1 134, sext.b, 0xffff7fff, 0xffffffffffffffff
  R1 135, sext.h, 0xffff7fff, 0x7fff
  R1 136, zext.h, 0xffff7fff, 0x7fff
  R1 137, sext.b, 0x123456789abcdef, 0xffffffffffffffef
  R1 138, sext.h, 0x123456789abcdef, 0xffffffffffffcdef
  R1 139, zext.h, 0x123456789abcdef, 0xcdef
  RR 140, rol, 0x123456789abcdef, 0x0, 0x123456789abcdef
  RR 141, ror, 0x123456789abcdef, 0x0, 0x123456789abcdef
  RR 142, rolw, 0x123456789abcdef, 0x0, 0xffffffff89abcdef
  RR 143, rorw, 0x123456789abcdef, 0x0, 0xffffffff89abcdef
  RR 144, rol, 0x123456789abcdef, 0x1, 0x2468acf13579bde
  RR 145, ror, 0x123456789abcdef, 0x1, 0x8091a2b3c4d5e6f7
  RR 146, rolw, 0x123456789abcdef, 0x1, 0x13579bdf
  RR 147, rorw, 0x123456789abcdef, 0x1, 0xffffffffc4d5e6f7
  RR 148, rol, 0x123456789abcdef, 0x4, 0x123456789abcdef0
  RR 149, ror, 0x123456789abcdef, 0x4, 0xf0123456789abcde
  RR 150, rolw, 0x123456789abcdef, 0x4, 0xffffffff9abcdef8
  RR 151, rorw, 0x123456789abcdef, 0x4, 0xfffffffff89abcde
  RR 152, rol, 0x123456789abcdef, 0x1f, 0xc4d5e6f78091a2b3
  RR 153, ror, 0x123456789abcdef, 0x1f, 0x13579bde02468acf
  RR 154, rolw, 0x123456789abcdef, 0x1f, 0xffffffffc4d5e6f7
  RR 155, rorw, 0x123456789abcdef, 0x1f, 0x13579bdf
  RR 156, rol, 0x123456789abcdef, 0x20, 0x89abcdef01234567
  RR 157, ror, 0x123456789abcdef, 0x20, 0x89abcdef01234567
  RR 158, rolw, 0x123456789abcdef, 0x20, 0xffffffff89abcdef
  RR 159, rorw, 0x123456789abcdef, 0x20, 0xffffffff89abcdef
  RR 160, rol, 0x123456789abcdef, 0x3f, 0x8091a2b3c4d5e6f7
  RR 161, ror, 0x123456789abcdef, 0x3f, 0x2468acf13579bde
  RR 162, rolw, 0x123456789abcdef, 0x3f, 0xffffffffc4d5e6f7
  RR 163, rorw, 0x123456789abcdef, 0x3f, 0x13579bdf
  RR 164, rol, 0x123456789abcdef, 0x43, 0x91a2b3c4d5e6f78
  RR 165, ror, 0x123456789abcdef, 0x43, 0xe02468acf13579bd
  RR 166, rolw, 0x123456789abcdef, 0x43, 0x4d5e6f7c
  RR 167, rorw, 0x123456789abcdef, 0x43, 0xfffffffff13579bd
  RI 168, rori, 0x123456789abcdef, 0, 0x123456789abcdef
  RI 169, rori, 0x123456789abcdef, 1, 0x8091a2b3c4d5e6f7
  RI 170, rori, 0x123456789abcdef, 17, 0xe6f78091a2b3c4d5
  RI 171, rori, 0x123456789abcdef, 63, 0x2468acf13579bde
  RI 172, roriw, 0x123456789abcdef, 0, 0xffffffff89abcdef
  RI 173, roriw, 0x123456789abcdef, 1, 0xffffffffc4d5e6f7
  RI 174, roriw, 0x123456789abcdef, 17, 0xffffffffe6f7c4d5
  RI 175, roriw, 0x123456789abcdef, 31, 0x13579bdf
  RR 176, rol, 0x8000000000000000, 0x0, 0x8000000000000000
  RR 177, ror, 0x8000000000000000, 0x0, 0x8000000000000000
  RR 178, rolw, 0x8000000000000000, 0x0, 0x0
  RR 179, rorw, 0x8000000000000000, 0x0, 0x0
  RR 180, rol, 0x8000000000000000, 0x1, 0x1
  RR 181, ror, 0x8000000000000000, 0x1, 0x4000000000000000
  RR 182, rolw, 0x8000000000000000, 0x1, 0x0
  RR 183, rorw, 0x8000000000000000, 0x1, 0x0
  RR 184, rol, 0x8000000000000000, 0x4, 0x8
  RR 185, ror, 0x8000000000000000, 0x4, 0x800000000000000
  RR 186, rolw, 0x8000000000000000, 0x4, 0x0
  RR 187, rorw, 0x8000000000000000, 0x4, 0x0
  RR 188, rol, 0x8000000000000000, 0x1f, 0x40000000
  RR 189, ror, 0x8000000000000000, 0x1f, 0x100000000
  RR 190, rolw, 0x8000000000000000, 0x1f, 0x0
  RR 191, rorw, 0x8000000000000000, 0x1f, 0x0
  RR 192, rol, 0x8000000000000000, 0x20, 0x80000000
  RR 193, ror, 0x8000000000000000, 0x20, 0x80000000
  RR 194, rolw, 0x8000000000000000, 0x20, 0x0
  RR 195, rorw, 0x8000000000000000, 0x20, 0x0
  RR 196, rol, 0x8000000000000000, 0x3f, 0x4000000000000000
  RR 197, ror, 0x8000000000000000, 0x3f, 0x1
  RR 198, rolw, 0x8000000000000000, 0x3f, 0x0
  RR 199, rorw, 0x8000000000000000, 0x3f, 0x0
  RR 200, rol, 0x8000000000000000, 0x43, 0x4
  RR 201, ror, 0x8000000000000000, 0x43, 0x1000000000000000
  RR 202, rolw, 0x8000000000000000, 0x43, 0x0
  RR 203, rorw, 0x8000000000000000, 0x43, 0x0
  RI 204, rori, 0x8000000000000000, 0, 0x8000000000000000
  RI 205, rori, 0x8000000000000000, 1, 0x4000000000000000
  RI 206, rori, 0x8000000000000000, 17, 0x400000000000
  RI 207, rori, 0x8000000000000000, 63, 0x1
  RI 208, roriw, 0x8000000000000000, 0, 0x0
  RI 209, roriw, 0x8000000000000000, 1, 0x0
  RI 210, roriw, 0x8000000000000000, 17, 0x0
  RI 211, roriw, 0x8000000000000000, 31, 0x0
  R1 212, orc.b, 0x0, 0x0
  R1 213, rev8, 0x0, 0x0
  R1 214, orc.b, 0xff00000000f000, 0xff00000000ff00
  R1 215, rev8, 0xff00000000f000, 0xf000000000ff00
  R1 216, orc.b, 0x123456789abcdef, 0xffffffffffffffff
  R1 217, rev8, 0x123456789abcdef, 0xefcdab8967452301
  R1 218, orc.b, 0x100000000000080, 0xff000000000000ff
  R1 219, rev8, 0x100000000000080, 0x8000000000000001
  R1 220, orc.b, 0xffffffffffffffff, 0xffffffffffffffff
  R1 221, rev8, 0xffffffffffffffff, 0xffffffffffffffff
TEST_END

// zbb_ctzw.S - ctzw counts trailing zeros of the low word only: upper bits
// never matter (QEMU 7.2 returns 63 for 0x8000000000000000).
#include "test.h"
.macro R1 n, op, a, res
  li a4, \a
  \op s1, a4
  CHECK \n, s1, \res
.endm
TEST_BEGIN
  R1 1, ctzw, 0x8000000000000000, 32
  R1 2, ctzw, 0xffffffff00000000, 32
  R1 3, ctzw, 0x8000000100000000, 32
  R1 4, ctzw, 0x8000000000000010, 4
  R1 5, clzw, 0x8000000000000000, 32
  R1 6, cpopw, 0x8000000000000000, 0
TEST_END

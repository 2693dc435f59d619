// zicond.S - Zicond: czero.eqz / czero.nez (full 64-bit condition, x0
// operands, rd aliasing, the conditional-select idiom).
#include "test.h"
// binutils 2.40 does not know Zicond
#define CZERO_EQZ(rd, rs1, rs2) .insn r OP, 5, 7, rd, rs1, rs2
#define CZERO_NEZ(rd, rs1, rs2) .insn r OP, 7, 7, rd, rs1, rs2
.macro CZ n, which, val, cond, res
  li a4, \val
  li a5, \cond
  .ifc \which, eqz
  CZERO_EQZ(s1, a4, a5)
  .else
  CZERO_NEZ(s1, a4, a5)
  .endif
  CHECK \n, s1, \res
.endm
TEST_BEGIN
  TRAPS_M
  TRAP_CLEAR
  // czero.eqz rd = (rs2 == 0) ? 0 : rs1
  CZ 1, eqz, 123, 0, 0
  CZ 2, eqz, 123, 5, 123
  CZ 3, eqz, -1, 0x8000000000000000, -1
  CZ 4, eqz, 0x5555, 0x100000000, 0x5555        // condition is all 64 bits
  CZ 5, eqz, 0x8000000000000001, -1, 0x8000000000000001
  CZ 6, eqz, 0, 1, 0
  // czero.nez rd = (rs2 != 0) ? 0 : rs1
  CZ 10, nez, 123, 0, 123
  CZ 11, nez, 123, 5, 0
  CZ 12, nez, -1, 0x8000000000000000, 0
  CZ 13, nez, 0x5555, 0x100000000, 0
  CZ 14, nez, 0x8000000000000001, 0, 0x8000000000000001
  // x0 operands
  li a4, 77
  CZERO_EQZ(s1, a4, x0)
  CHECK 20, s1, 0
  CZERO_NEZ(s1, a4, x0)
  CHECK 21, s1, 77
  li a5, 3
  CZERO_NEZ(s1, x0, a5)
  CHECK 22, s1, 0
  CZERO_EQZ(x0, a4, a5)                          // rd = x0 stays zero
  CHECK 23, x0, 0
  // rd aliasing rs1 / rs2
  li a4, 9
  li a5, 0
  CZERO_EQZ(a4, a4, a5)
  CHECK 24, a4, 0
  li a4, 9
  li a5, 2
  CZERO_NEZ(a5, a4, a5)
  CHECK 25, a5, 0
  li a4, 9
  li a5, 2
  CZERO_EQZ(a5, a4, a5)
  CHECK 26, a5, 9
  // select: c ? x : y  ==  czero.eqz(x, c) | czero.nez(y, c)
  li a0, 111
  li a1, 222
  li a2, 1
  CZERO_EQZ(t0, a0, a2)
  CZERO_NEZ(t1, a1, a2)
  or t2, t0, t1
  CHECK 27, t2, 111
  li a2, 0
  CZERO_EQZ(t0, a0, a2)
  CZERO_NEZ(t1, a1, a2)
  or t2, t0, t1
  CHECK 28, t2, 222
  CHECK_NOTRAP 29
TEST_END

// csr_rs_zero.S - csrrs/csrrc with rs1 != x0 are writes even when the
// register holds zero, so they trap on a read-only CSR; only rs1 = x0 (or
// uimm = 0 for the immediate forms) is a pure read.  QEMU 7.2 decides by the
// register's value instead.
#include "test.h"
TEST_BEGIN
  TRAPS_M
  TRAP_CLEAR
  li a1, 0
.Lro1:
  csrrs a0, mhartid, a1
  CHECK_ILLEGAL 1, .Lro1
.Lro2:
  csrrc a0, mvendorid, a1
  CHECK_ILLEGAL 2, .Lro2
.Lro3:
  csrrs a0, cycle, a1
  CHECK_ILLEGAL 3, .Lro3
  ENTER_S
.Lro4:
  csrrc a0, time, a1
  EXIT_TO_M
  CHECK_ILLEGAL 4, .Lro4
  // the pure-read forms stay legal
  csrrs a0, mhartid, x0
  csrrc a0, mvendorid, x0
  csrrsi a0, cycle, 0
  csrrci a0, marchid, 0
  CHECK_NOTRAP 5
TEST_END

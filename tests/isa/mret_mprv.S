// mret_mprv.S - priv 1.12: an mret (or sret) that changes to a privilege
// lower than M clears mstatus.MPRV (QEMU 7.2 leaves it set).
#include "test.h"
TEST_BEGIN
  TRAPS_M
  TRAP_CLEAR
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  ENTER_S
  EXIT_TO_M
  csrr a0, mstatus
  li t0, MSTATUS_MPRV
  and a0, a0, t0
  CHECK 1, a0, 0
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  ENTER_U
  EXIT_TO_M
  csrr a0, mstatus
  li t0, MSTATUS_MPRV
  and a0, a0, t0
  CHECK 2, a0, 0
  CHECK_NOTRAP 3
TEST_END

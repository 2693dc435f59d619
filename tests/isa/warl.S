// warl.S - WARL fields that must always read back legal values:
// mstatus.MPP over the implemented modes {U, S, M} (QEMU 7.2 keeps the
// reserved 2), mepc[0]/sepc[0] always zero with IALIGN=16 (QEMU 7.2 keeps
// bit 0), medeleg[11] (ecall from M) read-only zero (QEMU 7.2 lets it be set).
#include "test.h"
TEST_BEGIN
  SET_MPP 2
  csrr a0, mstatus
  srli a0, a0, 11
  andi a0, a0, 3
  addi a0, a0, -2
  snez a0, a0
  CHECK 1, a0, 1
  // the same through a full mstatus write
  csrr a1, mstatus
  li t0, MSTATUS_MPP
  or a1, a1, t0
  li t0, MSTATUS_MPP_S
  xor a1, a1, t0                           // MPP = 2
  csrw mstatus, a1
  csrr a0, mstatus
  srli a0, a0, 11
  andi a0, a0, 3
  addi a0, a0, -2
  snez a0, a0
  CHECK 2, a0, 1
  SET_MPP PRV_M
  // mepc/sepc: bit 0 always reads zero
  li a0, 0x80000003
  csrw mepc, a0
  CHECK_CSR 3, mepc, 0x80000002
  csrw sepc, a0
  CHECK_CSR 4, sepc, 0x80000002
  li a0, -1
  csrw mepc, a0
  CHECK_CSR 5, mepc, -2
  // medeleg[11] is read-only zero
  li a0, -1
  csrw medeleg, a0
  csrr a0, medeleg
  srli a0, a0, 11
  andi a0, a0, 1
  CHECK 6, a0, 0
  csrw medeleg, zero
TEST_END

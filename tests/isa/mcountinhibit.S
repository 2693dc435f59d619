// mcountinhibit.S - mcountinhibit.CY/IR stop mcycle/minstret from counting;
// the counters keep their values (QEMU 7.2 does not freeze them correctly).
#include "test.h"
TEST_BEGIN
  li s0, 0x123400000000
  csrw mcycle, s0
  csrw minstret, s0
  li t0, 0x5
  csrw CSR_MCOUNTINHIBIT, t0
  csrr s0, mcycle
  csrr s1, minstret
  li t0, 100
3:
  addi t0, t0, -1
  bnez t0, 3b
  csrr s2, mcycle
  csrr s3, minstret
  CHECKR 13, s2, s0
  CHECKR 14, s3, s1
  csrw CSR_MCOUNTINHIBIT, zero
  li t0, 100
4:
  addi t0, t0, -1
  bnez t0, 4b
  csrr s2, minstret
  sltu a0, s1, s2
  CHECK 15, a0, 1
  // CY only: instret still counts
  li t0, 0x1
  csrw CSR_MCOUNTINHIBIT, t0
  csrr s0, mcycle
  csrr s1, minstret
  nop
  nop
  csrr s2, mcycle
  csrr s3, minstret
  CHECKR 16, s2, s0
  sltu a0, s1, s3
  CHECK 17, a0, 1
  CHECK_CSR 18, CSR_MCOUNTINHIBIT, 1
  csrw CSR_MCOUNTINHIBIT, zero
TEST_END

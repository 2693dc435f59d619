// ebreak_tval.S - rvmm writes the address of the breakpoint instruction
// into mtval/stval for ebreak and c.ebreak (the spec also allows 0, which
// is what QEMU 7.2 does).
#include "test.h"
TEST_BEGIN
  TRAPS_M
  TRAPS_S
  TRAP_CLEAR
  .option push
  .option norvc
.Leb1:
  ebreak
  .option pop
  CHECK_MTRAP_A 1, CAUSE_BREAKPOINT, .Leb1
  .option push
  .option rvc
.Leb2:
  c.ebreak
  .option pop
  CHECK_MTRAP_A 2, CAUSE_BREAKPOINT, .Leb2
  ENTER_U
  .option push
  .option norvc
.Leb3:
  ebreak
  .option pop
  EXIT_TO_M
  CHECK_MTRAP_A 3, CAUSE_BREAKPOINT, .Leb3
  li t0, 1 << CAUSE_BREAKPOINT
  csrw medeleg, t0
  ENTER_S
.Leb4:
  ebreak
  EXIT_TO_M
  csrw medeleg, zero
  CHECK_LABEL 4
  TRAPS_LD t5, TS_TVAL
  la t6, .Leb4
  CMP_T6 4, t5
TEST_END

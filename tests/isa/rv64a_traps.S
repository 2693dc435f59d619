// rv64a_traps.S - AMO exceptions are store/AMO exceptions: misaligned AMOs
// and SC raise store/AMO address misaligned (cause 6), misaligned LR raises
// load address misaligned (cause 4), an AMO to a non-existent address raises
// a store/AMO access fault (cause 7); mtval is the address and memory is
// not modified.
#include "test.h"
TEST_BEGIN
  TRAPS_M
  TRAP_CLEAR
  li t1, 1
  // ---- misaligned AMOs, LR and SC trap (never performed)
  la s0, amo_d
  sd zero, 0(s0)
  addi s1, s0, 2
  li t1, 1
  amoadd.w a0, t1, (s1)
  CHECK_MTRAP_C 70, CAUSE_MISALIGNED_STORE
  // mtval is the misaligned address
  TRAPM_LD a0, TS_TVAL
  CHECKR 71, a0, s1
  addi s1, s0, 4
  amoswap.d a0, t1, (s1)
  CHECK_MTRAP_C 72, CAUSE_MISALIGNED_STORE
  TRAPM_LD a0, TS_TVAL
  CHECKR 73, a0, s1
  addi s1, s0, 1
  lr.w a0, (s1)
  CHECK_MTRAP_C 74, CAUSE_MISALIGNED_LOAD
  TRAPM_LD a0, TS_TVAL
  CHECKR 75, a0, s1
  addi s1, s0, 4
  lr.d a0, (s1)
  CHECK_MTRAP_C 76, CAUSE_MISALIGNED_LOAD
  lr.d a0, (s0)
  addi s1, s0, 4
  sc.d a1, t1, (s1)
  CHECK_MTRAP_C 77, CAUSE_MISALIGNED_STORE
  ld a0, 0(s0)
  CHECK 78, a0, 0                            // nothing was written
  // amo*.w at every misaligned offset, all opcodes
  addi s1, s0, 1
  amoswap.w a0, t1, (s1)
  CHECK_MTRAP_C 82, CAUSE_MISALIGNED_STORE
  addi s1, s0, 3
  amoor.w a0, t1, (s1)
  CHECK_MTRAP_C 83, CAUSE_MISALIGNED_STORE
  addi s1, s0, 6
  amomaxu.w a0, t1, (s1)
  CHECK_MTRAP_C 84, CAUSE_MISALIGNED_STORE
  addi s1, s0, 1
  amomin.d a0, t1, (s1)
  CHECK_MTRAP_C 85, CAUSE_MISALIGNED_STORE
  addi s1, s0, 2
  sc.w a1, t1, (s1)
  CHECK_MTRAP_C 86, CAUSE_MISALIGNED_STORE
  ld a0, 0(s0)
  CHECK 87, a0, 0
  ld a0, 8(s0)
  CHECK 88, a0, 0
  // AMO to a non-existent physical address: store/AMO access fault
  li s1, 0x100000000000
  amoadd.d a0, t1, (s1)
  CHECK_MTRAP 89, CAUSE_STORE_ACCESS, 0x100000000000
  amoswap.w a0, t1, (s1)
  CHECK_MTRAP 90, CAUSE_STORE_ACCESS, 0x100000000000
TEST_END

  .data
  .balign 64
amo_d: .dword 0, 0

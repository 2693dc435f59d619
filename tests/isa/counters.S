// counters.S - Zicntr/Zihpm: cycle/instret/time advance, time matches the
// CLINT mtime, mcycle/minstret are writable (mcountinhibit: mcountinhibit.S),
// hpmcounter3..31 are readable, and mcounteren/scounteren gate the user
// counters from S and U mode (illegal instruction otherwise).
#include "test.h"

// U-mode/S-mode counter read that must trap
.macro TRY_S n, csr
  ENTER_S
.Ltry\@:
  csrr a0, \csr
  EXIT_TO_M
  CHECK_ILLEGAL \n, .Ltry\@
.endm
.macro TRY_U n, csr
  ENTER_U
.Ltry\@:
  csrr a0, \csr
  EXIT_TO_M
  CHECK_ILLEGAL \n, .Ltry\@
.endm
.macro OK_S n, csr
  ENTER_S
  csrr a0, \csr
  EXIT_TO_M
  CHECK_NOTRAP \n
.endm
.macro OK_U n, csr
  ENTER_U
  csrr a0, \csr
  EXIT_TO_M
  CHECK_NOTRAP \n
.endm

TEST_BEGIN
  TRAPS_M
  TRAP_CLEAR
  csrw CSR_MCOUNTINHIBIT, zero
  // ---- counters advance
  rdcycle s0
  rdinstret s1
  li t0, 1000
1:
  addi t0, t0, -1
  bnez t0, 1b
  rdcycle s2
  rdinstret s3
  sltu a0, s0, s2
  CHECK 1, a0, 1
  sltu a0, s1, s3
  CHECK 2, a0, 1
  csrr s0, mcycle
  csrr s1, minstret
  csrr s2, mcycle
  csrr s3, minstret
  sltu a0, s2, s0
  CHECK 3, a0, 0                       // never goes backwards
  sltu a0, s3, s1
  CHECK 4, a0, 0
  // ---- time is the CLINT's mtime
  li t0, CLINT_MTIME
  ld s0, 0(t0)
  rdtime s1
  ld s2, 0(t0)
  sltu a0, s1, s0
  CHECK 5, a0, 0
  sltu a0, s2, s1
  CHECK 6, a0, 0
  // time advances by itself: wait for 1000 ticks (100 us at 10 MHz)
  rdtime s0
  addi s1, s0, 1000
2:
  rdtime s2
  bltu s2, s1, 2b
  li t0, CLINT_MTIME
  ld s3, 0(t0)
  sltu a0, s3, s1
  CHECK 7, a0, 0
  // ---- mcycle / minstret are writable (and keep counting from there)
  li s0, 0x123400000000
  csrw mcycle, s0
  csrr s1, mcycle
  sltu a0, s1, s0
  CHECK 8, a0, 0
  sub a0, s1, s0
  li t0, 0x100000000
  sltu a0, a0, t0
  CHECK 9, a0, 1
  csrw minstret, s0
  csrr s1, minstret
  sltu a0, s1, s0
  CHECK 10, a0, 0
  sub a0, s1, s0
  sltu a0, a0, t0
  CHECK 11, a0, 1
  rdcycle s2
  csrr s3, mcycle
  sltu a0, s3, s2                       // cycle mirrors mcycle
  CHECK 12, a0, 0
  // ---- hpm counters exist (they may read zero)
  csrr a0, hpmcounter3
  csrr a0, hpmcounter4
  csrr a0, hpmcounter17
  csrr a0, hpmcounter31
  csrr a0, mhpmcounter3
  csrr a0, mhpmcounter31
  csrr a0, mhpmevent3
  csrr a0, mhpmevent31
  CHECK_NOTRAP 16

  // ---- counter-enable gating
  csrw mcounteren, zero
  csrw scounteren, zero
  TRY_S 20, cycle
  TRY_S 21, time
  TRY_S 22, instret
  TRY_S 23, hpmcounter3
  TRY_U 24, cycle
  TRY_U 25, time
  TRY_U 26, instret
  TRY_U 27, hpmcounter31
  // M-mode is never gated
  csrr a0, cycle
  csrr a0, time
  csrr a0, hpmcounter3
  CHECK_NOTRAP 28
  // mcounteren.CY: S may read cycle; U still needs scounteren
  li t0, 1
  csrw mcounteren, t0
  OK_S 30, cycle
  TRY_S 31, time
  TRY_S 32, instret
  TRY_U 33, cycle
  csrw scounteren, t0
  OK_U 34, cycle
  TRY_U 35, time
  // scounteren alone is not enough
  csrw mcounteren, zero
  li t0, 7
  csrw scounteren, t0
  TRY_U 36, cycle
  TRY_U 37, instret
  // TM and IR bits
  li t0, 6
  csrw mcounteren, t0
  OK_S 40, time
  OK_S 41, instret
  TRY_S 42, cycle
  li t0, 2
  csrw scounteren, t0
  OK_U 43, time
  TRY_U 44, instret
  // HPM bits: bit n enables hpmcountern
  li t0, (1 << 3) | (1 << 31)
  csrw mcounteren, t0
  csrw scounteren, t0
  OK_S 45, hpmcounter3
  OK_U 46, hpmcounter31
  TRY_S 47, hpmcounter4
  TRY_U 48, hpmcounter30
  csrr a0, mcounteren
  CHECK 49, a0, (1 << 3) | (1 << 31)
  // the gated counters are readable when enabled and show the same counts
  li t0, -1
  csrw mcounteren, t0
  csrw scounteren, t0
  ENTER_U
  rdtime s0
  EXIT_TO_M
  li t0, CLINT_MTIME
  ld s1, 0(t0)
  sltu a0, s1, s0
  CHECK 50, a0, 0
  // S/U cannot touch the M-level counters at all
  ENTER_S
.Lmcy:
  csrr a0, mcycle
  EXIT_TO_M
  CHECK_ILLEGAL 51, .Lmcy
  ENTER_S
.Lmcen:
  csrw mcounteren, zero
  EXIT_TO_M
  CHECK_ILLEGAL 52, .Lmcen
  ENTER_U
.Lscen:
  csrr a0, scounteren
  EXIT_TO_M
  CHECK_ILLEGAL 53, .Lscen
TEST_END

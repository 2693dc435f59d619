// interrupts.S - machine timer (CLINT mtimecmp), machine software (msip),
// supervisor software (mip/sip.SSIP, delegated), supervisor timer via Sstc
// stimecmp (menvcfg.STCE, mcounteren.TM gating) and via mip.STIP, priority
// (MSI > MTI, SSI > STI, M before S), global enables (M interrupts taken in
// S/U even with MIE=0; delegated ones not taken in M; SIE only in S), wfi
// resuming on a pending interrupt, vectored mtvec/stvec, mcause/mepc.
#include "test.h"
#define INTR(c) ((1 << 63) | (c))

// wait (bounded) until the M (S) trap count reaches cnt
.macro WAIT_M cnt
  li t4, 20000000
.Lw\@:
  TRAPM_LD t5, TS_COUNT
  li t6, \cnt
  bgeu t5, t6, .Lwd\@
  addi t4, t4, -1
  bnez t4, .Lw\@
.Lwd\@:
.endm
.macro WAIT_S cnt
  li t4, 20000000
.Lw\@:
  TRAPS_LD t5, TS_COUNT
  li t6, \cnt
  bgeu t5, t6, .Lwd\@
  addi t4, t4, -1
  bnez t4, .Lw\@
.Lwd\@:
.endm
.macro MTIMECMP_OFF
  li t0, CLINT_MTIMECMP
  li t1, -1
  sd t1, 0(t0)
.endm
.macro MTIMECMP_IN ticks
  li t0, CLINT_MTIME
  ld t1, 0(t0)
  li t2, \ticks
  add t1, t1, t2
  li t0, CLINT_MTIMECMP
  sd t1, 0(t0)
.endm
.macro MSIP val
  li t0, CLINT_MSIP
  li t1, \val
  sw t1, 0(t0)
.endm
.macro LOGM reg, i
  la \reg, trapm_state
  ld \reg, TS_LOG + 8 * \i(\reg)
.endm
.macro LOGS reg, i
  la \reg, traps_state
  ld \reg, TS_LOG + 8 * \i(\reg)
.endm

TEST_BEGIN
  TRAPS_M
  TRAPS_S
  MTIMECMP_OFF
  MSIP 0
  csrw mie, zero
  csrw CSR_MENVCFG, zero
  TRAP_CLEAR
  csrsi mstatus, MSTATUS_MIE
  // ---- machine timer
  csrr a0, mip
  andi a0, a0, MIP_MTIP
  CHECK 1, a0, 0                          // mtimecmp = -1: not pending
  li t0, MIP_MTIP
  csrw mie, t0
  MTIMECMP_IN 2000
  WAIT_M 1
  CHECK_MTRAP 2, INTR(IRQ_M_TIMER), 0
  csrr a0, mip
  andi a0, a0, MIP_MTIP
  CHECK 3, a0, MIP_MTIP                   // still pending (level)
  csrr a0, mie
  CHECK 4, a0, 0                          // the handler masked it
  MTIMECMP_OFF
  csrr a0, mip
  andi a0, a0, MIP_MTIP
  CHECK 5, a0, 0                          // cleared by moving mtimecmp
  // mip.MTIP is read-only
  li t0, MIP_MTIP
  csrs mip, t0
  csrr a0, mip
  andi a0, a0, MIP_MTIP
  CHECK 6, a0, 0
  // ---- machine software interrupt: taken right after enabling
  MSIP 1
  csrr a0, mip
  andi a0, a0, MIP_MSIP
  CHECK 7, a0, MIP_MSIP
  li t0, MIP_MSIP
.Lmsi_en:
  csrs mie, t0
.Lmsi_after:
  nop
  CHECK_MTRAP 8, INTR(IRQ_M_SOFT), 0
  CHECK_MEPC 9, .Lmsi_after               // mepc = next instruction to run
  MSIP 0
  csrr a0, mip
  andi a0, a0, MIP_MSIP
  CHECK 10, a0, 0
  // ---- priority: MSI before MTI when both pending
  csrci mstatus, MSTATUS_MIE
  MSIP 1
  li t0, CLINT_MTIMECMP
  sd zero, 0(t0)                          // timer pending now
  li t0, MIP_MSIP | MIP_MTIP
  csrw mie, t0
  TRAP_CLEAR
  csrsi mstatus, MSTATUS_MIE
  nop
  nop
  csrci mstatus, MSTATUS_MIE
  TRAPM_LD a0, TS_COUNT
  CHECK 11, a0, 2
  LOGM a0, 0
  CHECK 12, a0, INTR(IRQ_M_SOFT)
  LOGM a0, 1
  CHECK 13, a0, INTR(IRQ_M_TIMER)
  MSIP 0
  MTIMECMP_OFF
  // ---- MIE=0 in M: pending+enabled is not taken; wfi still returns
  MSIP 1
  li t0, MIP_MSIP
  csrw mie, t0
  TRAP_CLEAR
  nop
  wfi
  nop
  CHECK_NOTRAP 14
  // ... but an M interrupt is taken in S and U whatever MIE says
  ENTER_S
.Lin_s:
  nop
  EXIT_TO_M
  CHECK_MTRAP_C 15, INTR(IRQ_M_SOFT)
  TRAPM_LD a0, TS_STATUS
  srli a0, a0, 11
  andi a0, a0, 3
  CHECK 16, a0, PRV_S                      // taken from S
  li t0, MIP_MSIP
  csrw mie, t0
  ENTER_U
  nop
  EXIT_TO_M
  CHECK_MTRAP_C 17, INTR(IRQ_M_SOFT)
  TRAPM_LD a0, TS_STATUS
  srli a0, a0, 11
  andi a0, a0, 3
  CHECK 18, a0, PRV_U
  MSIP 0
  // ---- wfi with MIE=1: the timer wakes it, mepc is after the wfi
  li t0, MIP_MTIP
  csrw mie, t0
  TRAP_CLEAR
  MTIMECMP_IN 5000
  csrsi mstatus, MSTATUS_MIE
.Lwfi:
  wfi
.Lwfi_after:
  WAIT_M 1
  csrci mstatus, MSTATUS_MIE
  CHECK_MTRAP 19, INTR(IRQ_M_TIMER), 0
  CHECK_MEPC 20, .Lwfi_after
  MTIMECMP_OFF

  // ---- supervisor software interrupt, delegated
  csrw mie, zero
  li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
  csrw mideleg, t0
  li t0, MIP_SSIP
  csrw mie, t0
  TRAP_CLEAR
  csrsi mstatus, MSTATUS_MIE
  csrs mip, t0                            // pending, enabled, delegated:
  nop                                     // not taken in M
  CHECK_NOTRAP 21
  csrci sstatus, MSTATUS_SIE
  ENTER_S                                 // S with SIE=0: not taken
  nop
  csrr s0, sip
  csrsi sstatus, MSTATUS_SIE              // now it is
.Lssi_s:
  nop
  EXIT_TO_M
  andi a0, s0, MIP_SSIP
  CHECK 22, a0, MIP_SSIP                  // visible in sip
  CHECK_STRAP 23, INTR(IRQ_S_SOFT), 0
  TRAPM_LD a0, TS_COUNT
  CHECK 24, a0, 0
  TRAPS_LD a0, TS_STATUS
  srli a0, a0, 8
  andi a0, a0, 1
  CHECK 25, a0, 1                         // SPP = S
  // in U it is taken even with SIE=0
  csrci sstatus, MSTATUS_SIE
  li t0, MIP_SSIP
  csrs sie, t0
  ENTER_U
  nop
  EXIT_TO_M
  CHECK_STRAP_C 26, INTR(IRQ_S_SOFT)
  // S software raises its own SSIP through sip
  li t0, MIP_SSIP
  csrc mip, t0
  csrs sie, t0
  ENTER_S
  csrsi sstatus, MSTATUS_SIE
  li t0, MIP_SSIP
  csrs sip, t0
  nop
  csrci sstatus, MSTATUS_SIE
  li t0, MIP_SSIP
  csrc sip, t0
  EXIT_TO_M
  CHECK_STRAP_C 27, INTR(IRQ_S_SOFT)
  // an M interrupt preempts S: MSI taken in M while in S with SSI pending
  TRAP_CLEAR
  li t0, MIP_SSIP
  csrs mip, t0
  MSIP 1
  li t0, MIP_SSIP | MIP_MSIP
  csrw mie, t0
  ENTER_S
  csrsi sstatus, MSTATUS_SIE
  nop
  nop
  csrci sstatus, MSTATUS_SIE
  EXIT_TO_M
  MSIP 0
  li t0, MIP_SSIP
  csrc mip, t0
  TRAPM_LD a0, TS_COUNT
  CHECK 28, a0, 1
  LOGM a0, 0
  CHECK 29, a0, INTR(IRQ_M_SOFT)
  TRAPS_LD a0, TS_COUNT
  CHECK 30, a0, 1
  LOGS a0, 0
  CHECK 31, a0, INTR(IRQ_S_SOFT)

  // ---- supervisor timer through mip.STIP (M-written, STCE=0)
  TRAP_CLEAR
  li t0, MIP_STIP
  csrw mie, t0
  csrs mip, t0
  ENTER_S
  csrsi sstatus, MSTATUS_SIE
  nop
  csrci sstatus, MSTATUS_SIE
  EXIT_TO_M
  li t0, MIP_STIP
  csrc mip, t0
  CHECK_STRAP 32, INTR(IRQ_S_TIMER), 0
  // priority SSI before STI
  TRAP_CLEAR
  li t0, MIP_STIP | MIP_SSIP
  csrw mie, t0
  csrs mip, t0
  ENTER_S
  csrsi sstatus, MSTATUS_SIE
  nop
  nop
  csrci sstatus, MSTATUS_SIE
  EXIT_TO_M
  li t0, MIP_STIP | MIP_SSIP
  csrc mip, t0
  TRAPS_LD a0, TS_COUNT
  CHECK 33, a0, 2
  LOGS a0, 0
  CHECK 34, a0, INTR(IRQ_S_SOFT)
  LOGS a0, 1
  CHECK 35, a0, INTR(IRQ_S_TIMER)

  // ---- Sstc: stimecmp drives STIP when menvcfg.STCE = 1
  li t0, MENVCFG_STCE
  csrw CSR_MENVCFG, t0
  li t0, -1
  csrw CSR_STIMECMP, t0
  csrr a0, mip
  andi a0, a0, MIP_STIP
  CHECK 36, a0, 0
  // S needs mcounteren.TM to access stimecmp
  csrw mcounteren, zero
  TRAP_CLEAR
  ENTER_S
.Lstc_ill:
  csrr a0, CSR_STIMECMP
  EXIT_TO_M
  CHECK_ILLEGAL 37, .Lstc_ill
  li t0, 2
  csrw mcounteren, t0
  li t0, MIP_STIP
  csrw mie, t0
  ENTER_S
  csrr a0, CSR_STIMECMP
  csrr a1, time
  li t0, 3000
  add a1, a1, t0
  csrw CSR_STIMECMP, a1
  csrr s1, CSR_STIMECMP
  csrsi sstatus, MSTATUS_SIE
  li t4, 20000000                          // wait for the interrupt
1:
  la t5, traps_state
  ld t5, TS_COUNT(t5)
  bnez t5, 2f
  addi t4, t4, -1
  bnez t4, 1b
2:
  csrci sstatus, MSTATUS_SIE
  csrr s2, sip
  li t0, -1
  csrw CSR_STIMECMP, t0                    // clears STIP
  csrr s3, sip
  EXIT_TO_M
  CHECKR 38, s1, a1
  CHECK_STRAP 39, INTR(IRQ_S_TIMER), 0
  andi a0, s2, MIP_STIP
  CHECK 40, a0, MIP_STIP
  andi a0, s3, MIP_STIP
  CHECK 41, a0, 0
  // stimecmp in the past: pending immediately
  csrr a0, time
  csrw CSR_STIMECMP, a0
  csrr a0, mip
  andi a0, a0, MIP_STIP
  CHECK 42, a0, MIP_STIP
  li t0, -1
  csrw CSR_STIMECMP, t0
  csrw CSR_MENVCFG, zero
  csrw mcounteren, zero
  csrw mideleg, zero
  csrw mie, zero

  // ---- vectored mtvec: interrupts at base + 4 * cause, exceptions at base
  la t0, mvec_table
  ori t0, t0, 1
  csrw mtvec, t0
  TRAP_CLEAR
  MSIP 1
  li t0, MIP_MSIP
  csrw mie, t0
  csrsi mstatus, MSTATUS_MIE
  nop
  csrci mstatus, MSTATUS_MIE
  MSIP 0
  CHECK_MTRAP_C 50, INTR(IRQ_M_SOFT)
  CHECK_MEM 51, vec_hit_m, 3
  MTIMECMP_IN 100
  li t0, MIP_MTIP
  csrw mie, t0
  csrsi mstatus, MSTATUS_MIE
  WAIT_M 1
  csrci mstatus, MSTATUS_MIE
  MTIMECMP_OFF
  CHECK_MTRAP_C 52, INTR(IRQ_M_TIMER)
  CHECK_MEM 53, vec_hit_m, 7
  ecall
  CHECK_MTRAP_C 54, CAUSE_ECALL_M
  CHECK_MEM 55, vec_hit_m, 0
  // vectored stvec
  li t0, MIP_SSIP | MIP_STIP
  csrw mideleg, t0
  la t0, svec_table
  ori t0, t0, 1
  csrw stvec, t0
  li t0, MIP_SSIP
  csrw mie, t0
  csrs mip, t0
  ENTER_S
  csrsi sstatus, MSTATUS_SIE
  nop
  csrci sstatus, MSTATUS_SIE
  EXIT_TO_M
  CHECK_STRAP_C 56, INTR(IRQ_S_SOFT)
  CHECK_MEM 57, vec_hit_s, 1
  li t0, MIP_SSIP
  csrc mip, t0
  li t0, MIP_STIP
  csrw mie, t0
  csrs mip, t0
  ENTER_S
  csrsi sstatus, MSTATUS_SIE
  nop
  csrci sstatus, MSTATUS_SIE
  EXIT_TO_M
  li t0, MIP_STIP
  csrc mip, t0
  CHECK_STRAP_C 58, INTR(IRQ_S_TIMER)
  CHECK_MEM 59, vec_hit_s, 5
  csrw mideleg, zero
  csrw mie, zero
  TRAPS_M
  TRAPS_S
TEST_END

// Vector tables: entry k records k in vec_hit_[ms] and continues in the
// generic handler (which reads the cause itself).
  .balign 256
mvec_table:
  .option push
  .option norvc
  .irp k, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
  j mvec_\k
  .endr
  .option pop
  .irp k, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
mvec_\k:
  csrrw sp, mscratch, sp
  sd t0, 40(sp)
  sd t1, 48(sp)
  la t0, vec_hit_m
  li t1, \k
  sd t1, 0(t0)
  ld t0, 40(sp)
  ld t1, 48(sp)
  csrrw sp, mscratch, sp
  j trap_handler_m
  .endr

  .balign 256
svec_table:
  .option push
  .option norvc
  .irp k, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
  j svec_\k
  .endr
  .option pop
  .irp k, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
svec_\k:
  csrrw sp, sscratch, sp
  sd t0, 40(sp)
  sd t1, 48(sp)
  la t0, vec_hit_s
  li t1, \k
  sd t1, 0(t0)
  ld t0, 40(sp)
  ld t1, 48(sp)
  csrrw sp, sscratch, sp
  j trap_handler_s
  .endr

  .data
  .balign 8
vec_hit_m: .dword -1
vec_hit_s: .dword -1

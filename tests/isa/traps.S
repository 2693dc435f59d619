// traps.S - synchronous exceptions: ecall from U/S/M (8/9/11), ebreak
// (3, mepc = pc), illegal instructions (2), load/store/fetch access faults
// (5/7/1, mtval = address), mcause/mepc/mtval; medeleg delegation to S
// (scause/sepc/stval/SPP/SPIE/SIE), traps taken in M never delegated;
// mstatus MPP/MPIE/MIE and SPP/SPIE/SIE stacking on traps, mret and sret;
// privileged instructions from lower modes (mret/sret/sfence.vma/wfi),
// TSR/TW/TVM, mret to M keeping MPRV.
#include "test.h"
#define BAD_ADDR 0x100000000000          /* no device or memory there */

// status bits recorded at the last M trap: reg = (mstatus >> shift) & mask
.macro MSTAT_FIELD reg, shift, mask
  TRAPM_LD \reg, TS_STATUS
  srli \reg, \reg, \shift
  andi \reg, \reg, \mask
.endm
.macro SSTAT_FIELD reg, shift, mask
  TRAPS_LD \reg, TS_STATUS
  srli \reg, \reg, \shift
  andi \reg, \reg, \mask
.endm

TEST_BEGIN
  TRAPS_M
  TRAPS_S
  TRAP_CLEAR
  // ---- ecall from each mode
.Lecm:
  ecall
  CHECK_MTRAP 1, CAUSE_ECALL_M, 0
  CHECK_MEPC 2, .Lecm
  MSTAT_FIELD a0, 11, 3
  CHECK 3, a0, PRV_M                      // MPP = M
  ENTER_S
.Lecs:
  ecall
  EXIT_TO_M
  CHECK_MTRAP 4, CAUSE_ECALL_S, 0
  CHECK_MEPC 5, .Lecs
  MSTAT_FIELD a0, 11, 3
  CHECK 6, a0, PRV_S
  ENTER_U
.Lecu:
  ecall
  EXIT_TO_M
  CHECK_MTRAP 7, CAUSE_ECALL_U, 0
  CHECK_MEPC 8, .Lecu
  MSTAT_FIELD a0, 11, 3
  CHECK 9, a0, PRV_U
  // ---- ebreak: cause 3, mtval = 0 or its address (spec allows both;
  //      ebreak_tval.S requires the address, as rvmm does)
  .option push
  .option norvc
.Lebm:
  ebreak
  .option pop
  CHECK_MTRAP_C 10, CAUSE_BREAKPOINT
  CHECK_MEPC 11, .Lebm
  ENTER_U
  .option push
  .option norvc
.Lebu:
  ebreak
  .option pop
  EXIT_TO_M
  CHECK_MTRAP_C 12, CAUSE_BREAKPOINT
  CHECK_MEPC 74, .Lebu
  // ---- illegal instructions
.Lil1:
  .word 0xffffffff
  CHECK_ILLEGAL 13, .Lil1
.Lil2:
  .word 0x0000000b                        // custom-0 opcode, not implemented
  CHECK_ILLEGAL 14, .Lil2
.Lil3:
  .word 0x00000000                        // all zeros (16-bit illegal)
  TRAP_CLEAR                              // two 16-bit illegal parcels
.Lil4:
  .insn r 0x33, 0, 0x7f, a0, a1, a2       // OP with an unused funct7
  CHECK_ILLEGAL 15, .Lil4
  ENTER_S
.Lil5:
  mret
  EXIT_TO_M
  CHECK_ILLEGAL 16, .Lil5
  ENTER_U
.Lil6:
  sret
  EXIT_TO_M
  CHECK_ILLEGAL 17, .Lil6
  ENTER_U
.Lil7:
  mret
  EXIT_TO_M
  CHECK_ILLEGAL 18, .Lil7
  ENTER_U
.Lil8:
  sfence.vma
  EXIT_TO_M
  CHECK_ILLEGAL 19, .Lil8
  ENTER_U
.Lil9:
  csrr a0, sepc
  EXIT_TO_M
  CHECK_ILLEGAL 20, .Lil9

  // ---- access faults on a physical address with nothing behind it
  li s0, BAD_ADDR
.Llaf:
  ld a0, 0(s0)
  CHECK_MTRAP 21, CAUSE_LOAD_ACCESS, BAD_ADDR
  CHECK_MEPC 22, .Llaf
  lbu a0, 7(s0)
  CHECK_MTRAP 23, CAUSE_LOAD_ACCESS, BAD_ADDR + 7
.Lsaf:
  sw a0, 16(s0)
  CHECK_MTRAP 24, CAUSE_STORE_ACCESS, BAD_ADDR + 16
  CHECK_MEPC 25, .Lsaf
  li s1, 0
  ld a0, 0(s1)                            // 0x0 is not mapped either
  CHECK_MTRAP 26, CAUSE_LOAD_ACCESS, 0
  // instruction fetch from it: cause 1, mepc = mtval = target
  TRAP_RESUME_M .Lfaf_back
  li s0, BAD_ADDR
  jalr ra, 0(s0)
.Lfaf_back:
  CHECK_MTRAP 27, CAUSE_FETCH_ACCESS, BAD_ADDR
  TRAPM_LD a0, TS_EPC
  CHECK 28, a0, BAD_ADDR
  // the same from U mode
  ENTER_U
  li s0, BAD_ADDR
  sd a0, 8(s0)
  EXIT_TO_M
  CHECK_MTRAP 29, CAUSE_STORE_ACCESS, BAD_ADDR + 8

  // ---- mstatus stacking on a trap into M and on mret
  // from M with MIE=1 (mie = 0 so nothing fires)
  csrsi mstatus, MSTATUS_MIE
  ecall
  MSTAT_FIELD a0, 3, 1
  CHECK 30, a0, 0                          // MIE cleared in the handler
  MSTAT_FIELD a0, 7, 1
  CHECK 31, a0, 1                          // MPIE = old MIE
  csrr a0, mstatus
  andi a0, a0, MSTATUS_MIE
  CHECK 32, a0, MSTATUS_MIE                // mret restored MIE = MPIE
  csrr a0, mstatus
  srli a0, a0, 7
  andi a0, a0, 1
  CHECK 33, a0, 1                          // mret sets MPIE = 1
  csrr a0, mstatus
  srli a0, a0, 11
  andi a0, a0, 3
  CHECK 34, a0, PRV_U                      // mret sets MPP = U
  csrci mstatus, MSTATUS_MIE
  ecall
  MSTAT_FIELD a0, 7, 1
  CHECK 35, a0, 0                          // MPIE = old MIE = 0
  csrr a0, mstatus
  andi a0, a0, MSTATUS_MIE
  CHECK 36, a0, 0
  la t5, trapm_state
  sd zero, TS_COUNT(t5)
  // mret into S/U uses MPP and MPIE
  li t0, MSTATUS_MPIE
  csrc mstatus, t0
  ENTER_S
  csrr a0, sstatus                         // S can see SPP etc, not MPP
  ecall
  EXIT_TO_M
  MSTAT_FIELD a0, 7, 1
  CHECK 37, a0, 0                          // MIE in S was 0 (MPIE was 0)
  li t0, MSTATUS_MPIE
  csrs mstatus, t0
  ENTER_U
  ecall
  EXIT_TO_M
  MSTAT_FIELD a0, 7, 1
  CHECK 38, a0, 1                          // MIE in U was 1 (from MPIE)
  MSTAT_FIELD a0, 11, 3
  CHECK 39, a0, PRV_U
  la t5, trapm_state
  sd zero, TS_COUNT(t5)

  // ---- delegation to S
  li t0, (1 << CAUSE_ECALL_U) | (1 << CAUSE_ILLEGAL) | (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_LOAD_ACCESS)
  csrw medeleg, t0
  // ecall from U goes to S: scause/sepc/stval, SPP = U
  csrsi sstatus, MSTATUS_SIE
  ENTER_U
.Ldecu:
  ecall
  EXIT_TO_M                                // not delegated: magic ecall is
  CHECK_STRAP 40, CAUSE_ECALL_U, 0         // forwarded by the S handler
  CHECK_SEPC 41, .Ldecu
  SSTAT_FIELD a0, 8, 1
  CHECK 42, a0, 0                          // SPP = U
  SSTAT_FIELD a0, 5, 1
  CHECK 43, a0, 1                          // SPIE = old SIE
  SSTAT_FIELD a0, 1, 1
  CHECK 44, a0, 0                          // SIE cleared
  TRAPM_LD a0, TS_COUNT
  CHECK 45, a0, 0                          // M saw nothing
  csrr a0, sstatus
  srli a1, a0, 5
  andi a1, a1, 1
  CHECK 46, a1, 1                          // sret restored SIE = 1; the forwarded
                                           // EXIT_TO_M trap stacked it into SPIE
  // illegal instruction in S, delegated: handled in S, stval = 0 or bits
  csrci sstatus, MSTATUS_SIE
  ENTER_S
.Ldill:
  .word 0xffffffff
  EXIT_TO_M
  CHECK_ILLEGAL_S 47, .Ldill
  SSTAT_FIELD a0, 8, 1
  CHECK 48, a0, 1                          // SPP = S
  SSTAT_FIELD a0, 5, 1
  CHECK 49, a0, 0                          // SPIE = old SIE = 0
  // ebreak in U delegated: stval = pc
  ENTER_U
  .option push
  .option norvc
.Ldebk:
  ebreak
  .option pop
  EXIT_TO_M
  CHECK_STRAP_C 50, CAUSE_BREAKPOINT
  CHECK_SEPC 51, .Ldebk
  // load access fault in S, delegated, stval = address
  ENTER_S
  li s0, BAD_ADDR
  lw a0, 4(s0)
  EXIT_TO_M
  CHECK_STRAP 52, CAUSE_LOAD_ACCESS, BAD_ADDR + 4
  // a store access fault is not delegated: goes to M, MPP = S
  ENTER_S
  li s0, BAD_ADDR
  sw a0, 4(s0)
  EXIT_TO_M
  CHECK_MTRAP 53, CAUSE_STORE_ACCESS, BAD_ADDR + 4
  MSTAT_FIELD a0, 11, 3
  CHECK 54, a0, PRV_S
  // a delegated cause raised in M-mode stays in M
.Lmill:
  .word 0xffffffff
  CHECK_ILLEGAL 55, .Lmill
  TRAPS_LD a0, TS_COUNT
  CHECK 56, a0, 0
  ebreak
  CHECK_MTRAP_C 57, CAUSE_BREAKPOINT
  // ecall from S is never routed by medeleg[8] (that is U only)
  ENTER_S
  ecall
  EXIT_TO_M
  CHECK_MTRAP_C 58, CAUSE_ECALL_S
  csrw medeleg, zero

  // ---- sret stacking: SIE = SPIE, SPIE = 1, SPP = U
  ENTER_S
  csrci sstatus, MSTATUS_SIE
  li t0, MSTATUS_SPIE | MSTATUS_SPP
  csrs sstatus, t0
  la t0, .Lsret1
  csrw sepc, t0
  sret                                     // to S (SPP was S)
  FAIL 60
.Lsret1:
  csrr s0, sstatus
  li t0, MSTATUS_SPIE
  csrc sstatus, t0
  li t0, MSTATUS_SPP
  csrs sstatus, t0
  la t0, .Lsret2
  csrw sepc, t0
  sret
  FAIL 60
.Lsret2:
  csrr s1, sstatus
  EXIT_TO_M
  andi a0, s0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP
  CHECK 60, a0, MSTATUS_SIE | MSTATUS_SPIE
  andi a0, s1, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP
  CHECK 59, a0, MSTATUS_SPIE
  TRAP_CLEAR

  // ---- TSR: sret in S traps
  li t0, MSTATUS_TSR
  csrs mstatus, t0
  ENTER_S
  la t0, .Ltsr_after
  csrw sepc, t0
  li t0, SSTATUS_SPP
  csrs sstatus, t0
.Ltsr:
  sret
.Ltsr_after:
  EXIT_TO_M
  CHECK_ILLEGAL 61, .Ltsr
  li t0, MSTATUS_TSR
  csrc mstatus, t0
  ENTER_S
  la t0, .Ltsr_after2
  csrw sepc, t0
  li t0, SSTATUS_SPP
  csrs sstatus, t0
  sret                                     // allowed now: continues in S
  FAIL 62
.Ltsr_after2:
  EXIT_TO_M
  CHECK_NOTRAP 62
  // TSR does not affect M-mode sret
  li t0, MSTATUS_TSR
  csrs mstatus, t0
  la t0, .Ltsr_m
  csrw sepc, t0
  li t0, SSTATUS_SPP
  csrs sstatus, t0
  ENTER_S
  li t0, SSTATUS_SPP
  csrs sstatus, t0
  EXIT_TO_M
  li t0, MSTATUS_TSR
  csrc mstatus, t0
.Ltsr_m:
  CHECK_NOTRAP 63
  // ---- TW: wfi in S traps
  li t0, MSTATUS_TW
  csrs mstatus, t0
  ENTER_S
.Ltw:
  wfi
  EXIT_TO_M
  CHECK_ILLEGAL 64, .Ltw
  li t0, MSTATUS_TW
  csrc mstatus, t0
  // ---- TVM: satp and sfence.vma in S trap
  li t0, MSTATUS_TVM
  csrs mstatus, t0
  ENTER_S
.Ltvm1:
  csrr a0, satp
  EXIT_TO_M
  CHECK_ILLEGAL 65, .Ltvm1
  ENTER_S
.Ltvm2:
  sfence.vma
  EXIT_TO_M
  CHECK_ILLEGAL 66, .Ltvm2
  ENTER_S
.Ltvm3:
  csrw satp, zero
  EXIT_TO_M
  CHECK_ILLEGAL 67, .Ltvm3
  // M-mode is not affected
  csrr a0, satp
  sfence.vma
  CHECK_NOTRAP 68
  li t0, MSTATUS_TVM
  csrc mstatus, t0
  ENTER_S
  csrr a0, satp
  sfence.vma
  EXIT_TO_M
  CHECK_NOTRAP 69

  // ---- mret to M keeps MPRV (to a lower mode it clears it: mret_mprv.S)
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  SET_MPP PRV_M
  la t0, .Lmprv_m
  csrw mepc, t0
  mret
.Lmprv_m:
  csrr a0, mstatus
  li t0, MSTATUS_MPRV
  and a0, a0, t0
  CHECK 71, a0, MSTATUS_MPRV
  csrc mstatus, t0
  // ---- mcause of an exception has the interrupt bit clear; a trap always
  // lands on mtvec's base in direct mode
  ecall
  TRAPM_LD a0, TS_CAUSE
  srli a0, a0, 63
  CHECK 72, a0, 0
TEST_END

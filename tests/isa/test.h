/*
 * test.h - shared support for rvmm's bare-metal RISC-V ISA tests.
 *
 * Machine: hart 0 starts in M-mode at _start, RAM at 0x80000000, SiFive test
 * finisher at 0x100000, 16550A UART at 0x10000000, CLINT at 0x2000000
 * (identical to qemu-system-riscv64 -M virt -bios none -kernel X.elf).
 *
 * A test file looks like
 *
 *     #include "test.h"
 *     TEST_BEGIN
 *         li   a0, 2
 *         addi a0, a0, 3
 *         CHECK 1, a0, 5          # check number 1: a0 == 5
 *     TEST_END                    # all checks passed: exit 0
 *
 * Check numbers are 1..252 and unique in a file (the assembler rejects a
 * duplicate); a failing check exits with its number as the status and prints
 * "isa: FAIL check N: got X expected Y" on the UART.  Reserved exit codes:
 *   255  unexpected trap into M-mode (default M handler)
 *   254  unexpected trap into S-mode (default S handler)
 *   253  internal: generic handler cannot resume / page pool exhausted
 *
 * Registers: t5 and t6 are scratch for every macro below (and carry the
 * mode-switch protocol); the fail path also uses a0-a4 but never returns.
 *
 * Traps.  At start mtvec/stvec point at default handlers that fail (255/254).
 * TRAPS_M / TRAPS_S install the generic recording handlers instead:
 *  - every trap is recorded in trapm_state / traps_state (cause, epc, tval,
 *    status after the trap, a count and a log of the first 8 causes);
 *  - an exception resumes at the address stored by TRAP_RESUME_M/S if one
 *    was set (consumed; execution continues there in M / S mode), otherwise
 *    in the trapping mode after the faulting instruction (its length
 *    is read through the trapping mode's translation: MPRV/SUM + MXR);
 *  - an interrupt clears its bit in mie (sie) and resumes, so a pending
 *    source does not re-fire; the log shows the order interrupts were taken;
 *  - ENTER_S / ENTER_U (from M), S_ENTER_U (from S) switch down to the next
 *    instruction; EXIT_TO_M / EXIT_TO_S (an ecall with a magic in t5 and the
 *    resume address in t6) come back to the next instruction in M / S mode.
 *    Those magic ecalls are not recorded; EXIT_TO_M resumes with MIE = 0.
 *  - a trap taken while running test_fail in S/U mode is turned into a jump
 *    to the M-mode fail path, so CHECKs work in any mode that can fetch them.
 */
#ifndef RVMM_ISA_TEST_H
#define RVMM_ISA_TEST_H

/* ---------------------------------------------------------------- machine */
#define RAM_BASE        0x80000000
#define RAM_SIZE        0x08000000
#define FINISHER_BASE   0x100000
#define FINISHER_PASS   0x5555
#define FINISHER_FAIL   0x3333
#define UART_BASE       0x10000000
#define CLINT_BASE      0x2000000
#define CLINT_MSIP      (CLINT_BASE + 0x0)
#define CLINT_MTIMECMP  (CLINT_BASE + 0x4000)
#define CLINT_MTIME     (CLINT_BASE + 0xbff8)

/* ---------------------------------------------------------------- modes */
#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

/* ---------------------------------------------------------------- mstatus */
#define MSTATUS_SIE     (1 << 1)
#define MSTATUS_MIE     (1 << 3)
#define MSTATUS_SPIE    (1 << 5)
#define MSTATUS_UBE     (1 << 6)
#define MSTATUS_MPIE    (1 << 7)
#define MSTATUS_SPP     (1 << 8)
#define MSTATUS_VS      (3 << 9)
#define MSTATUS_MPP     (3 << 11)
#define MSTATUS_MPP_S   (1 << 11)
#define MSTATUS_MPP_M   (3 << 11)
#define MSTATUS_FS      (3 << 13)
#define MSTATUS_FS_OFF     (0 << 13)
#define MSTATUS_FS_INITIAL (1 << 13)
#define MSTATUS_FS_CLEAN   (2 << 13)
#define MSTATUS_FS_DIRTY   (3 << 13)
#define MSTATUS_XS      (3 << 15)
#define MSTATUS_MPRV    (1 << 17)
#define MSTATUS_SUM     (1 << 18)
#define MSTATUS_MXR     (1 << 19)
#define MSTATUS_TVM     (1 << 20)
#define MSTATUS_TW      (1 << 21)
#define MSTATUS_TSR     (1 << 22)
#define MSTATUS_UXL     (3 << 32)
#define MSTATUS_SXL     (3 << 34)
#define MSTATUS_SD      (1 << 63)
#define SSTATUS_SIE     MSTATUS_SIE
#define SSTATUS_SPIE    MSTATUS_SPIE
#define SSTATUS_SPP     MSTATUS_SPP
#define SSTATUS_FS      MSTATUS_FS
#define SSTATUS_SUM     MSTATUS_SUM
#define SSTATUS_MXR     MSTATUS_MXR
#define SSTATUS_SD      MSTATUS_SD

/* ---------------------------------------------------------------- causes */
#define CAUSE_MISALIGNED_FETCH  0
#define CAUSE_FETCH_ACCESS      1
#define CAUSE_ILLEGAL           2
#define CAUSE_BREAKPOINT        3
#define CAUSE_MISALIGNED_LOAD   4
#define CAUSE_LOAD_ACCESS       5
#define CAUSE_MISALIGNED_STORE  6
#define CAUSE_STORE_ACCESS      7
#define CAUSE_ECALL_U           8
#define CAUSE_ECALL_S           9
#define CAUSE_ECALL_M           11
#define CAUSE_FETCH_PAGE_FAULT  12
#define CAUSE_LOAD_PAGE_FAULT   13
#define CAUSE_STORE_PAGE_FAULT  15
#define CAUSE_INTR              (1 << 63)
#define IRQ_S_SOFT   1
#define IRQ_M_SOFT   3
#define IRQ_S_TIMER  5
#define IRQ_M_TIMER  7
#define IRQ_S_EXT    9
#define IRQ_M_EXT    11
#define MIP_SSIP     (1 << IRQ_S_SOFT)
#define MIP_MSIP     (1 << IRQ_M_SOFT)
#define MIP_STIP     (1 << IRQ_S_TIMER)
#define MIP_MTIP     (1 << IRQ_M_TIMER)
#define MIP_SEIP     (1 << IRQ_S_EXT)
#define MIP_MEIP     (1 << IRQ_M_EXT)

/* ---------------------------------------------------------------- CSRs binutils 2.40 may not name */
#define CSR_MENVCFG      0x30a
#define CSR_SENVCFG      0x10a
#define CSR_STIMECMP     0x14d
#define CSR_MCOUNTINHIBIT 0x320
#define CSR_MCONFIGPTR   0xf15
#define MENVCFG_FIOM     (1 << 0)
#define MENVCFG_CBIE     (3 << 4)
#define MENVCFG_CBIE_FLUSH (1 << 4)
#define MENVCFG_CBIE_INVAL (3 << 4)
#define MENVCFG_CBCFE    (1 << 6)
#define MENVCFG_CBZE     (1 << 7)
#define MENVCFG_PBMTE    (1 << 62)
#define MENVCFG_STCE     (1 << 63)

/* ---------------------------------------------------------------- paging */
#define PTE_V  (1 << 0)
#define PTE_R  (1 << 1)
#define PTE_W  (1 << 2)
#define PTE_X  (1 << 3)
#define PTE_U  (1 << 4)
#define PTE_G  (1 << 5)
#define PTE_A  (1 << 6)
#define PTE_D  (1 << 7)
#define PTE_PBMT_NC  (1 << 61)
#define PTE_PBMT_IO  (2 << 61)
#define PTE_PBMT_RSV (3 << 61)
#define PTE_N  (1 << 63)
#define SATP_MODE_BARE 0
#define SATP_MODE_SV39 8
#define SATP_MODE_SV48 9
#define SATP_MODE_SV57 10
#define PGSIZE 4096

/* ---------------------------------------------------------------- trap state layout */
#define TS_CAUSE   0
#define TS_EPC     8
#define TS_TVAL    16
#define TS_STATUS  24
#define TS_COUNT   32
#define TS_RESUME  40
#define TS_LOG     48
#define TS_LOGN    8
#define TS_SIZE    (TS_LOG + 8 * TS_LOGN)

#define MAGIC_TO_M 0x4d2d4d2d
#define MAGIC_TO_S 0x532d532d

/* Compatibility spellings for the brief: CHECK(n, reg, expected) etc. are gas
 * macros invoked as `CHECK n, reg, expected`. */

/* ================================================================ checks */

/* Define the unique label for check number n (duplicate n => asm error). */
.macro CHECK_LABEL n
  .if (\n < 1) || (\n > 252)
    .error "check numbers are 1..252"
  .endif
.Lcheck_\n\():
.endm

/* Fail with check n if register reg != t6. */
.macro CMP_T6 n, reg
  beq \reg, t6, .Lcmp_ok\@
  mv a1, \reg
  mv a2, t6
  li a0, \n
  li a3, 0
  j test_fail
.Lcmp_ok\@:
.endm

.macro CMP n, reg, val
  .ifc \reg, t6
    .error "CHECK: t6 is the macros' scratch register"
  .endif
  li t6, \val
  CMP_T6 \n, \reg
.endm

/* CHECK n, reg, value: reg == value (64-bit compare). */
.macro CHECK n, reg, val
  CHECK_LABEL \n
  CMP \n, \reg, \val
.endm

/* CHECKR n, reg, reg2: reg == reg2. */
.macro CHECKR n, reg, reg2
  CHECK_LABEL \n
  mv t6, \reg2
  CMP_T6 \n, \reg
.endm

/* CHECKA n, reg, symbol: reg == address of symbol/label. */
.macro CHECKA n, reg, sym
  CHECK_LABEL \n
  la t6, \sym
  CMP_T6 \n, \reg
.endm

/* CHECK_CSR n, csr, value: csrr == value. */
.macro CHECK_CSR n, csr, val
  CHECK_LABEL \n
  csrr t5, \csr
  CMP \n, t5, \val
.endm

/* CHECK_MEM n, symbol, value: 64-bit word at symbol == value. */
.macro CHECK_MEM n, sym, val
  CHECK_LABEL \n
  la t5, \sym
  ld t5, 0(t5)
  CMP \n, t5, \val
.endm

/* FP: CHECKD: raw 64 bits of freg; CHECKS: freg holds NaN-boxed single. */
.macro CHECKD n, freg, bits
  CHECK_LABEL \n
  fmv.x.d t5, \freg
  CMP \n, t5, \bits
.endm
.macro CHECKS n, freg, bits
  CHECK_LABEL \n
  fmv.x.d t5, \freg
  CMP \n, t5, (0xffffffff00000000 | (\bits))
.endm
/* CHECK_FFLAGS n, flags: fflags == flags; fflags is cleared afterwards. */
.macro CHECK_FFLAGS n, flags
  CHECK_LABEL \n
  csrrw t5, fflags, zero
  CMP \n, t5, \flags
.endm
.macro LI_D freg, bits
  li t5, \bits
  fmv.d.x \freg, t5
.endm
.macro LI_S freg, bits
  li t5, \bits
  fmv.w.x \freg, t5
.endm

/* ================================================================ pass / fail */
.macro PASS
  j test_pass
.endm
.macro FAIL n
  li a0, \n
  li a1, 0
  li a2, 0
  li a3, 0
  j test_fail
.endm

/* ================================================================ traps */
.macro TRAPS_M
  la t5, trap_handler_m
  csrw mtvec, t5
.endm
.macro TRAPS_S
  la t5, trap_handler_s
  csrw stvec, t5
.endm
.macro TRAPS_DEFAULT
  la t5, default_trap_m
  csrw mtvec, t5
  la t5, default_trap_s
  csrw stvec, t5
.endm
/* Forget recorded traps (counts to zero, pending resume addresses). */
.macro TRAP_CLEAR
  la t5, trapm_state
  sd zero, TS_COUNT(t5)
  sd zero, TS_RESUME(t5)
  sd zero, TS_CAUSE(t5)
  la t5, traps_state
  sd zero, TS_COUNT(t5)
  sd zero, TS_RESUME(t5)
  sd zero, TS_CAUSE(t5)
.endm
/* The next exception taken by the generic handler resumes at label. */
.macro TRAP_RESUME_M label
  la t5, \label
  la t6, trapm_state
  sd t5, TS_RESUME(t6)
.endm
.macro TRAP_RESUME_S label
  la t5, \label
  la t6, traps_state
  sd t5, TS_RESUME(t6)
.endm

/* Load a recorded field into reg: TRAPM_LD reg, TS_CAUSE */
.macro TRAPM_LD reg, field
  la \reg, trapm_state
  ld \reg, \field(\reg)
.endm
.macro TRAPS_LD reg, field
  la \reg, traps_state
  ld \reg, \field(\reg)
.endm

/* CHECK_MTRAP n, cause, tval: exactly one trap into M was recorded since the
 * last TRAP_CLEAR, with that mcause and mtval; clears the count. */
.macro CHECK_MTRAP n, cause, tval
  CHECK_LABEL \n
  TRAPM_LD t5, TS_COUNT
  CMP \n, t5, 1
  TRAPM_LD t5, TS_CAUSE
  CMP \n, t5, \cause
  TRAPM_LD t5, TS_TVAL
  CMP \n, t5, \tval
  la t5, trapm_state
  sd zero, TS_COUNT(t5)
.endm
/* ... cause only (mtval not checked) */
.macro CHECK_MTRAP_C n, cause
  CHECK_LABEL \n
  TRAPM_LD t5, TS_COUNT
  CMP \n, t5, 1
  TRAPM_LD t5, TS_CAUSE
  CMP \n, t5, \cause
  la t5, trapm_state
  sd zero, TS_COUNT(t5)
.endm
/* ... cause, and mtval equals the address of label */
.macro CHECK_MTRAP_A n, cause, label
  CHECK_LABEL \n
  TRAPM_LD t5, TS_COUNT
  CMP \n, t5, 1
  TRAPM_LD t5, TS_CAUSE
  CMP \n, t5, \cause
  TRAPM_LD t5, TS_TVAL
  la t6, \label
  CMP_T6 \n, t5
  la t5, trapm_state
  sd zero, TS_COUNT(t5)
.endm
.macro CHECK_STRAP n, cause, tval
  CHECK_LABEL \n
  TRAPS_LD t5, TS_COUNT
  CMP \n, t5, 1
  TRAPS_LD t5, TS_CAUSE
  CMP \n, t5, \cause
  TRAPS_LD t5, TS_TVAL
  CMP \n, t5, \tval
  la t5, traps_state
  sd zero, TS_COUNT(t5)
.endm
.macro CHECK_STRAP_C n, cause
  CHECK_LABEL \n
  TRAPS_LD t5, TS_COUNT
  CMP \n, t5, 1
  TRAPS_LD t5, TS_CAUSE
  CMP \n, t5, \cause
  la t5, traps_state
  sd zero, TS_COUNT(t5)
.endm
/* Recorded epc equals label */
.macro CHECK_MEPC n, label
  CHECK_LABEL \n
  TRAPM_LD t5, TS_EPC
  la t6, \label
  CMP_T6 \n, t5
.endm
.macro CHECK_SEPC n, label
  CHECK_LABEL \n
  TRAPS_LD t5, TS_EPC
  la t6, \label
  CMP_T6 \n, t5
.endm
/* Load into reg the instruction at label as mtval would report it: the
 * 16-bit parcel for a compressed instruction, else 32 bits (clobbers t6;
 * reg must not be t6). */
.macro INSN_BITS reg, label
  la t6, \label
  lhu \reg, 0(t6)
  andi t6, \reg, 3
  addi t6, t6, -3
  bnez t6, .Linsn16\@
  la t6, \label
  lwu \reg, 0(t6)
.Linsn16\@:
.endm
/* CHECK_ILLEGAL n, label: exactly one illegal-instruction trap into M, taken
 * at label, with mtval either 0 or the instruction bits (both allowed). */
.macro CHECK_ILLEGAL n, label
  CHECK_LABEL \n
  TRAPM_LD t5, TS_COUNT
  CMP \n, t5, 1
  TRAPM_LD t5, TS_CAUSE
  CMP \n, t5, CAUSE_ILLEGAL
  TRAPM_LD t5, TS_EPC
  la t6, \label
  CMP_T6 \n, t5
  TRAPM_LD t5, TS_TVAL
  beqz t5, .Lill_ok\@
  INSN_BITS t5, \label
  TRAPM_LD t6, TS_TVAL
  CMP_T6 \n, t5
.Lill_ok\@:
  la t5, trapm_state
  sd zero, TS_COUNT(t5)
.endm
/* Same for a trap delegated to S (scause/sepc/stval). */
.macro CHECK_ILLEGAL_S n, label
  CHECK_LABEL \n
  TRAPS_LD t5, TS_COUNT
  CMP \n, t5, 1
  TRAPS_LD t5, TS_CAUSE
  CMP \n, t5, CAUSE_ILLEGAL
  TRAPS_LD t5, TS_EPC
  la t6, \label
  CMP_T6 \n, t5
  TRAPS_LD t5, TS_TVAL
  beqz t5, .Lills_ok\@
  INSN_BITS t5, \label
  TRAPS_LD t6, TS_TVAL
  CMP_T6 \n, t5
.Lills_ok\@:
  la t5, traps_state
  sd zero, TS_COUNT(t5)
.endm

/* No trap at all (M or S) since the last TRAP_CLEAR. */
.macro CHECK_NOTRAP n
  CHECK_LABEL \n
  TRAPM_LD t5, TS_COUNT
  CMP \n, t5, 0
  TRAPS_LD t5, TS_COUNT
  CMP \n, t5, 0
.endm

/* ================================================================ mode switches */
/* Set mstatus.MPP to mode (clobbers t5). */
.macro SET_MPP mode
  li t5, MSTATUS_MPP
  csrc mstatus, t5
  li t5, ((\mode) << 11)
  csrs mstatus, t5
.endm

/* From M: continue at the next instruction in S (U) mode.  The generic M
 * handler must be installed (TRAPS_M) for EXIT_TO_M to come back. */
.macro ENTER_S
  SET_MPP PRV_S
  la t5, .Lenter\@
  csrw mepc, t5
  mret
.Lenter\@:
.endm
.macro ENTER_U
  SET_MPP PRV_U
  la t5, .Lenter\@
  csrw mepc, t5
  mret
.Lenter\@:
.endm
/* From M: jump to the address in reg in mode (e.g. a virtual address). */
.macro ENTER_AT mode, reg
  SET_MPP \mode
  csrw mepc, \reg
  mret
.endm
/* From S: continue at the next instruction in U mode. */
.macro S_ENTER_U
  li t5, SSTATUS_SPP
  csrc sstatus, t5
  la t5, .Lenter\@
  csrw sepc, t5
  sret
.Lenter\@:
.endm
/* From S or U: back to the next instruction in M-mode.  The resume address
 * is the link-time (= physical) address, so this works from any mapping. */
.macro EXIT_TO_M
  ld t6, .Lexitaddr\@
  li t5, MAGIC_TO_M
  ecall
  j .Lexit\@
  .balign 8
.Lexitaddr\@:
  .dword .Lexit\@
.Lexit\@:
.endm
/* From U: back to the next instruction in S-mode (needs identity-mapped code
 * if paging is on).  Works whether ecall-from-U is delegated or not. */
.macro EXIT_TO_S
  ld t6, .Lexitaddr\@
  li t5, MAGIC_TO_S
  ecall
  j .Lexit\@
  .balign 8
.Lexitaddr\@:
  .dword .Lexit\@
.Lexit\@:
.endm

/* ================================================================ paging helpers */
/* rd = leaf/non-leaf PTE for the physical address in rs with flags. */
.macro PTE_OF rd, rs, flags
  srli \rd, \rs, 12
  slli \rd, \rd, 10
  li t5, \flags
  or \rd, \rd, t5
.endm
/* satp = mode | ppn(root in reg); sfence.vma afterwards. */
.macro SATP_SET mode, reg
  srli t5, \reg, 12
  li t6, ((\mode) << 60)
  or t5, t5, t6
  csrw satp, t5
  sfence.vma
.endm

/* ================================================================ test frame */
.macro TEST_BEGIN
  .text
  .globl test_body
test_body:
.endm
.macro TEST_END
  j test_pass
.endm

/* ================================================================ library code */
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  la sp, stack_top
  la t0, default_trap_m
  csrw mtvec, t0
  la t0, trapm_save
  csrw mscratch, t0
  la t0, traps_save
  csrw sscratch, t0
  la t0, default_trap_s
  csrw stvec, t0
  csrw medeleg, zero
  csrw mideleg, zero
  csrw mie, zero
  csrw satp, zero
  /* zero .bss (page tables, state) */
  la t0, __bss_start
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:
  /* PMP entry 0: NAPOT over everything, RWX, so S/U can access memory */
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  /* FP unit on, clean rounding state */
  li t0, MSTATUS_FS
  csrc mstatus, t0
  li t0, MSTATUS_FS_INITIAL
  csrs mstatus, t0
  csrwi fcsr, 0
  j test_body

  .section .text.lib, "ax", @progbits

  /* ---- pass */
  .globl test_pass
test_pass:
  li t0, FINISHER_BASE
  li t1, FINISHER_PASS
  sw t1, 0(t0)
1:
  wfi
  j 1b

  /* ---- fail: a0 = code, a1 = got, a2 = expected, a3 = kind
   *      (0 check, 1 unexpected M trap, 2 unexpected S trap, 3 internal),
   *      a4 = tval for kinds 1/2.  Any trap taken between test_fail and
   *      test_fail_end while not in M-mode is redirected to test_fail_m. */
  .balign 4
  .globl test_fail
test_fail:
  csrr t0, mscratch          /* illegal below M: escapes to M-mode */
  j test_fail_m
  .globl test_fail_ecall
test_fail_ecall:
  ecall                      /* used by the S handler to escape */
  j test_fail_ecall
  .globl test_fail_end
test_fail_end:

  .globl test_fail_m
test_fail_m:
  csrci mstatus, MSTATUS_MIE
  csrw mie, zero
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  la t0, default_trap_m
  csrw mtvec, t0
  la t0, fail_active
  ld t1, 0(t0)
  bnez t1, test_exit_code     /* recursive failure: just exit */
  li t1, 1
  sd t1, 0(t0)
  la t0, fail_code
  sd a0, 0(t0)
  mv s2, a0
  mv s3, a1
  mv s4, a2
  mv s5, a3
  mv s6, a4
  la a0, str_isa
  call uart_puts
  beqz s5, .Lfail_check
  li t0, 1
  beq s5, t0, .Lfail_mtrap
  li t0, 2
  beq s5, t0, .Lfail_strap
  la a0, str_internal
  call uart_puts
  j .Lfail_trapvals
.Lfail_mtrap:
  la a0, str_mtrap
  call uart_puts
  j .Lfail_trapvals
.Lfail_strap:
  la a0, str_strap
  call uart_puts
.Lfail_trapvals:
  la a0, str_cause
  call uart_puts
  mv a0, s3
  call uart_puthex
  la a0, str_epc
  call uart_puts
  mv a0, s4
  call uart_puthex
  la a0, str_tval
  call uart_puts
  mv a0, s6
  call uart_puthex
  j .Lfail_nl
.Lfail_check:
  la a0, str_check
  call uart_puts
  mv a0, s2
  call uart_putdec
.Lfail_values:
  la a0, str_got
  call uart_puts
  mv a0, s3
  call uart_puthex
  la a0, str_exp
  call uart_puts
  mv a0, s4
  call uart_puthex
.Lfail_nl:
  li a0, '\n'
  call uart_putc
  .globl test_exit_code
test_exit_code:
  la t0, fail_code
  ld a0, 0(t0)
  andi a0, a0, 0xff
  slli a0, a0, 16
  li t1, FINISHER_FAIL
  or a0, a0, t1
  li t0, FINISHER_BASE
  sw a0, 0(t0)
1:
  wfi
  j 1b

  /* ---- UART (M-mode, physical); polling is bounded so a missing UART
   *      cannot hang the fail path. */
  .globl uart_putc
uart_putc:
  li t0, UART_BASE
  li t1, 100000
1:
  lbu t2, 5(t0)
  andi t2, t2, 0x20
  bnez t2, 2f
  addi t1, t1, -1
  bnez t1, 1b
2:
  sb a0, 0(t0)
  ret

  .globl uart_puts
uart_puts:
  addi sp, sp, -16
  sd ra, 0(sp)
  sd s0, 8(sp)
  mv s0, a0
1:
  lbu a0, 0(s0)
  beqz a0, 2f
  call uart_putc
  addi s0, s0, 1
  j 1b
2:
  ld ra, 0(sp)
  ld s0, 8(sp)
  addi sp, sp, 16
  ret

  .globl uart_puthex
uart_puthex:
  addi sp, sp, -32
  sd ra, 0(sp)
  sd s0, 8(sp)
  sd s1, 16(sp)
  mv s0, a0
  li a0, '0'
  call uart_putc
  li a0, 'x'
  call uart_putc
  li s1, 60
1:
  srl a0, s0, s1
  andi a0, a0, 15
  addi a0, a0, '0'
  li t0, '9'
  ble a0, t0, 2f
  addi a0, a0, 'a' - '0' - 10
2:
  call uart_putc
  addi s1, s1, -4
  bgez s1, 1b
  ld ra, 0(sp)
  ld s0, 8(sp)
  ld s1, 16(sp)
  addi sp, sp, 32
  ret

  /* decimal for 0..999 without M-extension instructions */
  .globl uart_putdec
uart_putdec:
  addi sp, sp, -32
  sd ra, 0(sp)
  sd s0, 8(sp)
  sd s1, 16(sp)
  mv s0, a0
  li s1, 0          /* printed a digit already */
  li t3, 100
  li t4, 0
1:
  blt s0, t3, 2f
  sub s0, s0, t3
  addi t4, t4, 1
  j 1b
2:
  beqz t4, 3f
  addi a0, t4, '0'
  call uart_putc
  li s1, 1
3:
  li t3, 10
  li t4, 0
4:
  blt s0, t3, 5f
  sub s0, s0, t3
  addi t4, t4, 1
  j 4b
5:
  bnez s1, 6f
  beqz t4, 7f
6:
  addi a0, t4, '0'
  call uart_putc
7:
  addi a0, s0, '0'
  call uart_putc
  ld ra, 0(sp)
  ld s0, 8(sp)
  ld s1, 16(sp)
  addi sp, sp, 32
  ret

  /* ---- default handlers: any trap is a failure */
  .balign 64
  .globl default_trap_m
default_trap_m:
  csrr t0, mepc
  la t1, test_fail
  bltu t0, t1, 1f
  la t1, test_fail_end
  bgeu t0, t1, 1f
  j test_fail_m               /* trap while failing from S/U */
1:
  csrr a1, mcause
  csrr a2, mepc
  csrr a4, mtval
  li a0, 255
  li a3, 1
  j test_fail_m

  .balign 64
  .globl default_trap_s
default_trap_s:
  csrr t0, sepc
  la t1, test_fail
  bltu t0, t1, 1f
  la t1, test_fail_end
  bgeu t0, t1, 1f
  j test_fail_ecall
1:
  csrr a1, scause
  csrr a2, sepc
  csrr a4, stval
  li a0, 254
  li a3, 2
  j test_fail_ecall

  /* ---- generic M-mode handler (see top of file) */
  .balign 64
  .globl trap_handler_m
trap_handler_m:
  csrrw sp, mscratch, sp
  sd t0, 0(sp)
  sd t1, 8(sp)
  sd t2, 16(sp)
  sd t3, 24(sp)
  csrr t0, mepc
  la t1, test_fail
  bltu t0, t1, .Lm_rec
  la t1, test_fail_end
  bgeu t0, t1, .Lm_rec
  la t0, test_fail_m
  csrw mepc, t0
  li t0, MSTATUS_MPP
  csrs mstatus, t0
  csrrw sp, mscratch, sp
  mret
.Lm_rec:
  la t1, trapm_state
  csrr t0, mcause
  bltz t0, .Lm_record
  li t2, CAUSE_ECALL_U
  beq t0, t2, .Lm_ecall
  li t2, CAUSE_ECALL_S
  beq t0, t2, .Lm_ecall
  li t2, CAUSE_ECALL_M
  beq t0, t2, .Lm_ecall
  j .Lm_record
.Lm_ecall:
  li t2, MAGIC_TO_M
  beq t5, t2, .Lm_to_m
  li t2, MAGIC_TO_S
  beq t5, t2, .Lm_to_s
  j .Lm_record
.Lm_to_m:
  csrw mepc, t6
  li t2, MSTATUS_MPP
  csrs mstatus, t2
  li t2, MSTATUS_MPIE              /* M resumes with MIE = 0 */
  csrc mstatus, t2
  j .Lm_out
.Lm_to_s:
  csrw mepc, t6
  li t2, MSTATUS_MPP
  csrc mstatus, t2
  li t2, MSTATUS_MPP_S
  csrs mstatus, t2
  j .Lm_out
.Lm_record:
  sd t0, TS_CAUSE(t1)
  csrr t2, mepc
  sd t2, TS_EPC(t1)
  csrr t2, mtval
  sd t2, TS_TVAL(t1)
  csrr t2, mstatus
  sd t2, TS_STATUS(t1)
  ld t2, TS_COUNT(t1)
  li t3, TS_LOGN
  bgeu t2, t3, 1f
  slli t3, t2, 3
  add t3, t3, t1
  sd t0, TS_LOG(t3)
1:
  addi t2, t2, 1
  sd t2, TS_COUNT(t1)
  bgez t0, .Lm_exc
  /* interrupt: disable it and resume */
  andi t0, t0, 63
  li t2, 1
  sll t2, t2, t0
  csrc mie, t2
  j .Lm_out
.Lm_exc:
  ld t2, TS_RESUME(t1)
  beqz t2, 2f
  sd zero, TS_RESUME(t1)
  csrw mepc, t2
  li t2, MSTATUS_MPP               /* resume in M-mode */
  csrs mstatus, t2
  j .Lm_out
2:
  /* fetch faults cannot be skipped without a resume address */
  li t3, (1 << CAUSE_MISALIGNED_FETCH) | (1 << CAUSE_FETCH_ACCESS) | (1 << CAUSE_FETCH_PAGE_FAULT)
  srl t3, t3, t0
  andi t3, t3, 1
  bnez t3, .Lm_cannot
  csrr t2, mepc
  li t3, MSTATUS_MPRV | MSTATUS_MXR
  csrrs t3, mstatus, t3
  lhu t0, 0(t2)
  csrw mstatus, t3
  andi t0, t0, 3
  li t3, 3
  addi t2, t2, 2
  bne t0, t3, 3f
  addi t2, t2, 2
3:
  csrw mepc, t2
.Lm_out:
  ld t0, 0(sp)
  ld t1, 8(sp)
  ld t2, 16(sp)
  ld t3, 24(sp)
  csrrw sp, mscratch, sp
  mret
.Lm_cannot:
  csrr a1, mcause
  csrr a2, mepc
  csrr a4, mtval
  li a0, 253
  li a3, 3
  j test_fail_m

  /* ---- generic S-mode handler */
  .balign 64
  .globl trap_handler_s
trap_handler_s:
  csrrw sp, sscratch, sp
  sd t0, 0(sp)
  sd t1, 8(sp)
  sd t2, 16(sp)
  sd t3, 24(sp)
  csrr t0, sepc
  la t1, test_fail
  bltu t0, t1, .Ls_rec
  la t1, test_fail_end
  bgeu t0, t1, .Ls_rec
  j test_fail_ecall
.Ls_rec:
  la t1, traps_state
  csrr t0, scause
  bltz t0, .Ls_record
  li t2, CAUSE_ECALL_U
  bne t0, t2, .Ls_record
  li t2, MAGIC_TO_S
  beq t5, t2, .Ls_to_s
  li t2, MAGIC_TO_M
  beq t5, t2, .Ls_fwd
  j .Ls_record
.Ls_to_s:
  csrw sepc, t6
  li t2, SSTATUS_SPP
  csrs sstatus, t2
  j .Ls_out
.Ls_fwd:
  ld t0, 0(sp)
  ld t1, 8(sp)
  ld t2, 16(sp)
  ld t3, 24(sp)
  csrrw sp, sscratch, sp
  ecall                     /* from S with the same magic: M takes over */
  j test_fail_ecall
.Ls_record:
  sd t0, TS_CAUSE(t1)
  csrr t2, sepc
  sd t2, TS_EPC(t1)
  csrr t2, stval
  sd t2, TS_TVAL(t1)
  csrr t2, sstatus
  sd t2, TS_STATUS(t1)
  ld t2, TS_COUNT(t1)
  li t3, TS_LOGN
  bgeu t2, t3, 1f
  slli t3, t2, 3
  add t3, t3, t1
  sd t0, TS_LOG(t3)
1:
  addi t2, t2, 1
  sd t2, TS_COUNT(t1)
  bgez t0, .Ls_exc
  andi t0, t0, 63
  li t2, 1
  sll t2, t2, t0
  csrc sie, t2
  j .Ls_out
.Ls_exc:
  ld t2, TS_RESUME(t1)
  beqz t2, 2f
  sd zero, TS_RESUME(t1)
  csrw sepc, t2
  li t2, SSTATUS_SPP               /* resume in S-mode */
  csrs sstatus, t2
  j .Ls_out
2:
  li t3, (1 << CAUSE_MISALIGNED_FETCH) | (1 << CAUSE_FETCH_ACCESS) | (1 << CAUSE_FETCH_PAGE_FAULT)
  srl t3, t3, t0
  andi t3, t3, 1
  bnez t3, .Ls_cannot
  csrr t2, sepc
  li t3, SSTATUS_SUM | SSTATUS_MXR
  csrrs t3, sstatus, t3
  lhu t0, 0(t2)
  csrw sstatus, t3
  andi t0, t0, 3
  li t3, 3
  addi t2, t2, 2
  bne t0, t3, 3f
  addi t2, t2, 2
3:
  csrw sepc, t2
.Ls_out:
  ld t0, 0(sp)
  ld t1, 8(sp)
  ld t2, 16(sp)
  ld t3, 24(sp)
  csrrw sp, sscratch, sp
  sret
.Ls_cannot:
  csrr a1, scause
  csrr a2, sepc
  csrr a4, stval
  li a0, 253
  li a3, 3
  j test_fail_ecall

  /* ---- page tables: a bump allocator of zeroed pages and a mapper.
   * vm_alloc_page: a0 = new zeroed page (clobbers t0-t2).
   * vm_map: a0 = root table, a1 = va, a2 = leaf PTE, a3 = leaf level
   *   (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB, ...), a4 = levels (3 Sv39, 4 Sv48,
   *   5 Sv57).  Creates missing tables; returns a0 = address of the leaf
   *   PTE.  Clobbers a0, a5, t0-t4.  Uses no M-extension instructions. */
  .globl vm_alloc_page
vm_alloc_page:
  la t0, vm_pool_next
  ld a0, 0(t0)
  li t1, PGSIZE
  add t1, a0, t1
  la t2, vm_pool_end
  bgtu t1, t2, vm_pool_exhausted
  sd t1, 0(t0)
  mv t0, a0
1:
  sd zero, 0(t0)
  addi t0, t0, 8
  bltu t0, t1, 1b
  ret

  .globl vm_map
vm_map:
  addi a5, a4, -1
1:
  slli t0, a5, 3
  add t0, t0, a5
  addi t0, t0, 12
  srl t1, a1, t0
  andi t1, t1, 511
  slli t1, t1, 3
  add t1, a0, t1
  beq a5, a3, 4f
  ld t2, 0(t1)
  andi t3, t2, PTE_V
  bnez t3, 2f
  la t3, vm_pool_next
  ld t2, 0(t3)
  li t4, PGSIZE
  add t4, t2, t4
  la t0, vm_pool_end
  bgtu t4, t0, vm_pool_exhausted
  sd t4, 0(t3)
  mv t3, t2
5:
  sd zero, 0(t3)
  addi t3, t3, 8
  bltu t3, t4, 5b
  mv a0, t2
  srli t2, t2, 12
  slli t2, t2, 10
  ori t2, t2, PTE_V
  sd t2, 0(t1)
  j 3f
2:
  srli t2, t2, 10
  slli a0, t2, 12
3:
  addi a5, a5, -1
  j 1b
4:
  sd a2, 0(t1)
  mv a0, t1
  ret

vm_pool_exhausted:
  li a0, 253
  li a1, 0
  li a2, 0
  li a3, 3
  j test_fail_m

  /* vm_identity: a0 = root, a4 = levels.  Maps RAM (0x80000000, 1 GiB) RWX
   * and the device region (0x0, 1 GiB) RW, both A|D, no U, as gigapages at
   * VA == PA.  Preserves a0, a4.  Clobbers a1-a3, a5, t0-t4, s11. */
  .globl vm_identity
vm_identity:
  mv s11, ra
  addi sp, sp, -16
  sd a0, 0(sp)
  li a1, RAM_BASE
  li a2, ((RAM_BASE >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
  li a3, 2
  call vm_map
  ld a0, 0(sp)
  li a1, 0
  li a2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  li a3, 2
  call vm_map
  ld a0, 0(sp)
  addi sp, sp, 16
  mv ra, s11
  ret

  /* ---- strings */
  .section .rodata.lib, "a", @progbits
str_isa:      .asciz "isa: FAIL "
str_check:    .asciz "check "
str_got:      .asciz ": got "
str_exp:      .asciz " expected "
str_mtrap:    .asciz "unexpected M-mode trap"
str_strap:    .asciz "unexpected S-mode trap"
str_internal: .asciz "harness (253): trap it cannot resume from, or page pool exhausted"
str_cause:    .asciz ": cause "
str_epc:      .asciz " epc "
str_tval:     .asciz " tval "

  /* ---- data */
  .section .data.lib, "aw", @progbits
  .balign 8
  .globl vm_pool_next
vm_pool_next: .dword vm_pool

  .section .bss.lib, "aw", @nobits
  .balign 64
  .globl trapm_state, traps_state, trapm_save, traps_save, fail_active, fail_code
trapm_state: .space TS_SIZE
traps_state: .space TS_SIZE
trapm_save:  .space 64
traps_save:  .space 64
fail_active: .space 8
fail_code:   .space 8
  .balign 16
stack_bottom: .space 8192
  .globl stack_top
stack_top:
  .balign 4096
  .globl vm_pool, vm_pool_end
vm_pool:     .space 64 * 4096
vm_pool_end:

  .text
#endif /* RVMM_ISA_TEST_H */

// zicbo.S - Zicbom/Zicboz: cbo.zero zeroes exactly the aligned 64-byte
// block; cbo.clean/flush/inval keep data; M-mode is never gated; from S the
// menvcfg CBZE/CBCFE/CBIE fields gate them, from U both menvcfg and senvcfg
// (illegal instruction otherwise); cbo.zero is a store for faults.
#include "test.h"

// fill the three blocks at cbo_buf with a pattern
.macro FILL
  la t0, cbo_buf
  li t1, 0x5a5a5a5a5a5a5a5a
  li t2, 24
1:
  sd t1, 0(t0)
  addi t0, t0, 8
  addi t2, t2, -1
  bnez t2, 1b
.endm
// sum of 64-bit words of block b (0..2) into reg
.macro SUMBLK reg, b
  la t0, cbo_buf + 64 * \b
  li \reg, 0
  li t2, 8
1:
  ld t1, 0(t0)
  add \reg, \reg, t1
  addi t0, t0, 8
  addi t2, t2, -1
  bnez t2, 1b
.endm
#define PAT8 (0x5a5a5a5a5a5a5a5a * 8)

TEST_BEGIN
  TRAPS_M
  TRAPS_S
  TRAP_CLEAR
  // ---- M-mode: cbo.zero on an address inside the middle block
  FILL
  la a0, cbo_buf + 64 + 13
  cbo.zero (a0)
  SUMBLK a1, 1
  CHECK 1, a1, 0
  SUMBLK a1, 0
  CHECK 2, a1, PAT8
  SUMBLK a1, 2
  CHECK 3, a1, PAT8
  CHECKA 4, a0, cbo_buf + 64 + 13        // rs1 not modified
  // block-aligned address, last block
  FILL
  la a0, cbo_buf + 128
  cbo.zero (a0)
  SUMBLK a1, 2
  CHECK 5, a1, 0
  SUMBLK a1, 1
  CHECK 6, a1, PAT8
  // last byte of a block
  FILL
  la a0, cbo_buf + 63
  cbo.zero (a0)
  SUMBLK a1, 0
  CHECK 7, a1, 0
  SUMBLK a1, 1
  CHECK 8, a1, PAT8
  // ---- clean / flush / inval keep the data
  FILL
  la a0, cbo_buf + 64
  cbo.clean (a0)
  cbo.flush (a0)
  cbo.inval (a0)
  SUMBLK a1, 1
  CHECK 9, a1, PAT8
  CHECK_NOTRAP 10
  // M-mode ignores menvcfg
  csrw CSR_MENVCFG, zero
  FILL
  la a0, cbo_buf
  cbo.zero (a0)
  cbo.clean (a0)
  cbo.inval (a0)
  SUMBLK a1, 0
  CHECK 11, a1, 0
  CHECK_NOTRAP 12
  // ---- cbo.zero to a non-existent address: store access fault
  li a0, 0x100000000000
  cbo.zero (a0)
  CHECK_MTRAP_C 13, CAUSE_STORE_ACCESS

  // ---- S-mode gating by menvcfg
  csrw CSR_MENVCFG, zero
  FILL
  la a0, cbo_buf + 64
  ENTER_S
.Ls_zero0:
  cbo.zero (a0)
.Ls_clean0:
  cbo.clean (a0)
.Ls_flush0:
  cbo.flush (a0)
.Ls_inval0:
  cbo.inval (a0)
  EXIT_TO_M
  TRAPM_LD a1, TS_COUNT
  CHECK 20, a1, 4
  la t5, trapm_state
  ld a1, TS_LOG(t5)
  CHECK 21, a1, CAUSE_ILLEGAL
  ld a1, TS_LOG+8(t5)
  CHECK 22, a1, CAUSE_ILLEGAL
  ld a1, TS_LOG+16(t5)
  CHECK 23, a1, CAUSE_ILLEGAL
  ld a1, TS_LOG+24(t5)
  CHECK 24, a1, CAUSE_ILLEGAL
  SUMBLK a1, 1
  CHECK 25, a1, PAT8                      // nothing was zeroed
  TRAP_CLEAR
  // CBZE enables cbo.zero only
  li t0, MENVCFG_CBZE
  csrw CSR_MENVCFG, t0
  ENTER_S
  cbo.zero (a0)
  EXIT_TO_M
  CHECK_NOTRAP 26
  SUMBLK a1, 1
  CHECK 27, a1, 0
  ENTER_S
  cbo.clean (a0)
  EXIT_TO_M
  CHECK_MTRAP_C 28, CAUSE_ILLEGAL
  // CBCFE enables clean and flush
  li t0, MENVCFG_CBCFE
  csrw CSR_MENVCFG, t0
  ENTER_S
  cbo.clean (a0)
  cbo.flush (a0)
  EXIT_TO_M
  CHECK_NOTRAP 29
  ENTER_S
  cbo.inval (a0)
  EXIT_TO_M
  CHECK_MTRAP_C 30, CAUSE_ILLEGAL
  ENTER_S
  cbo.zero (a0)
  EXIT_TO_M
  CHECK_MTRAP_C 31, CAUSE_ILLEGAL
  // CBIE = 01 (inval executes as flush) and 11 (inval)
  FILL
  li t0, MENVCFG_CBIE_FLUSH
  csrw CSR_MENVCFG, t0
  ENTER_S
  cbo.inval (a0)
  EXIT_TO_M
  CHECK_NOTRAP 32
  SUMBLK a1, 1
  CHECK 33, a1, PAT8
  li t0, MENVCFG_CBIE_INVAL
  csrw CSR_MENVCFG, t0
  ENTER_S
  cbo.inval (a0)
  EXIT_TO_M
  CHECK_NOTRAP 34
  // the illegal-instruction mtval is 0 or the instruction bits
  csrw CSR_MENVCFG, zero
  ENTER_S
.Ls_zero1:
  cbo.zero (a0)
  EXIT_TO_M
  CHECK_MTRAP_C 35, CAUSE_ILLEGAL
  CHECK_MEPC 36, .Ls_zero1
  TRAPM_LD a1, TS_TVAL
  beqz a1, 1f
  la t0, .Ls_zero1
  lwu t0, 0(t0)
  CHECKR 37, a1, t0
1:
  // ---- U-mode needs menvcfg and senvcfg
  li t0, MENVCFG_CBZE | MENVCFG_CBCFE | MENVCFG_CBIE_INVAL
  csrw CSR_MENVCFG, t0
  csrw CSR_SENVCFG, zero
  FILL
  ENTER_U
  cbo.zero (a0)
  cbo.clean (a0)
  cbo.inval (a0)
  EXIT_TO_M
  TRAPM_LD a1, TS_COUNT
  CHECK 40, a1, 3
  TRAPM_LD a1, TS_CAUSE
  CHECK 41, a1, CAUSE_ILLEGAL
  SUMBLK a1, 1
  CHECK 42, a1, PAT8
  TRAP_CLEAR
  li t0, MENVCFG_CBZE | MENVCFG_CBCFE | MENVCFG_CBIE_INVAL
  csrw CSR_SENVCFG, t0
  ENTER_U
  cbo.zero (a0)
  cbo.clean (a0)
  cbo.flush (a0)
  cbo.inval (a0)
  EXIT_TO_M
  CHECK_NOTRAP 43
  SUMBLK a1, 1
  CHECK 44, a1, 0
  // senvcfg set but menvcfg clear: still illegal in U
  csrw CSR_MENVCFG, zero
  ENTER_U
  cbo.zero (a0)
  EXIT_TO_M
  CHECK_MTRAP_C 45, CAUSE_ILLEGAL

  // ---- cbo.zero under paging is a store: a read-only page faults
  li t0, MENVCFG_CBZE
  csrw CSR_MENVCFG, t0
  call vm_alloc_page
  mv s0, a0
  li a4, 3
  call vm_identity
  li a1, 0x40000000                        // VA -> cbo_buf page, read-only
  la a2, cbo_buf
  srli a2, a2, 12
  slli a2, a2, 10
  ori a2, a2, PTE_V | PTE_R | PTE_A | PTE_D
  li a3, 0
  call vm_map
  mv a0, s0                                // vm_map returns the PTE address in a0: restore the root
  li a1, 0x40001000                        // same page, writable
  la a2, cbo_buf
  srli a2, a2, 12
  slli a2, a2, 10
  ori a2, a2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  li a3, 0
  call vm_map
  SATP_SET SATP_MODE_SV39, s0
  FILL
  li a0, 0x40000000 + 64                   // cbo_buf is page aligned
  ENTER_S
  cbo.zero (a0)
  EXIT_TO_M
  CHECK_MTRAP_C 50, CAUSE_STORE_PAGE_FAULT
  SUMBLK a1, 1
  CHECK 51, a1, PAT8
  li a0, 0x40001000 + 64
  ENTER_S
  cbo.zero (a0)
  EXIT_TO_M
  CHECK_NOTRAP 52
  SUMBLK a1, 1
  CHECK 53, a1, 0
  csrw satp, zero
  sfence.vma
TEST_END

  .data
  .balign 4096
cbo_buf: .space 4096

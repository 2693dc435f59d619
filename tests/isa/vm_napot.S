// vm_napot.S - Svnapot: a 64 KiB NAPOT leaf (N=1, ppn[3:0]=1000) maps each
// 4 KiB of the aligned 64 KiB virtual range to the matching 4 KiB of the
// aligned 64 KiB physical range; reserved NAPOT sizes page-fault.
#include "test.h"
#define LEVELS 3
#define VA_NP   0x40100000          /* 64 KiB aligned */
#define VA_BAD  0x40200000
.macro S_LOAD va
  li a0, \va
  li s1, 0
  ENTER_S
  ld s1, 0(a0)
  EXIT_TO_M
.endm
TEST_BEGIN
  TRAPS_M
  TRAP_CLEAR
  // tag each 4 KiB page of the 64 KiB physical block with its index
  la t0, np_block
  li t1, 0
  li t2, 16
1:
  li t3, 0xabc00
  add t3, t3, t1
  sd t3, 0x10(t0)
  li t3, 4096
  add t0, t0, t3
  addi t1, t1, 1
  bne t1, t2, 1b
  call vm_alloc_page
  mv s0, a0
  li a4, LEVELS
  call vm_identity
  // 16 identical NAPOT PTEs for the 16 pages of VA_NP
  la s2, np_block
  srli s2, s2, 12
  ori s2, s2, 0x8                      // ppn[3:0] = 1000: 64 KiB
  slli s2, s2, 10
  li t0, PTE_N | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  or s2, s2, t0
  li s3, 0
2:
  mv a0, s0
  li a1, VA_NP
  slli t0, s3, 12
  add a1, a1, t0
  mv a2, s2
  li a3, 0
  li a4, LEVELS
  call vm_map
  addi s3, s3, 1
  li t0, 16
  bne s3, t0, 2b
  // a reserved NAPOT encoding (ppn[3:0] = 0100)
  la a2, np_block
  srli a2, a2, 12
  ori a2, a2, 0x4
  slli a2, a2, 10
  li t0, PTE_N | PTE_V | PTE_R | PTE_A
  or a2, a2, t0
  mv a0, s0
  li a1, VA_BAD
  li a3, 0
  li a4, LEVELS
  call vm_map
  SATP_SET SATP_MODE_SV39, s0
  S_LOAD VA_NP + 0x10
  CHECK 1, s1, 0xabc00
  S_LOAD VA_NP + 0x5010
  CHECK 2, s1, 0xabc05
  S_LOAD VA_NP + 0xf010
  CHECK 3, s1, 0xabc0f
  li a0, VA_NP + 0x7018
  li a1, 0x5a5a
  ENTER_S
  sd a1, 0(a0)
  EXIT_TO_M
  la t0, np_block + 0x7018
  ld a0, 0(t0)
  CHECK 4, a0, 0x5a5a
  CHECK_NOTRAP 5
  S_LOAD VA_BAD
  CHECK_MTRAP 6, CAUSE_LOAD_PAGE_FAULT, VA_BAD
  csrw satp, zero
  sfence.vma
TEST_END
  .bss
  .balign 65536
np_block: .space 65536

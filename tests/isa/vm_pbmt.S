// vm_pbmt.S - Svpbmt: with menvcfg.PBMTE=1, PBMT=NC/IO leaves translate
// normally (reads and writes reach the page); PBMTE can be cleared and
// ordinary PMA pages keep working (reserved encodings: vm_pbmt_rsv.S).
#include "test.h"
#define LEVELS 3
#define VA_NC  0x40000000
#define VA_IO  0x40001000
#define VA_RSV 0x40002000
#define VA_B54 0x40003000
#define VA_PMA 0x40004000
.macro S_LOAD va
  li a0, \va
  li s1, 0
  ENTER_S
  ld s1, 0(a0)
  EXIT_TO_M
.endm
.macro MAPF va, flags
  mv a0, s0
  li a1, \va
  la a2, pb_page
  srli a2, a2, 12
  slli a2, a2, 10
  li t0, \flags
  or a2, a2, t0
  li a3, 0
  li a4, LEVELS
  call vm_map
.endm
TEST_BEGIN
  TRAPS_M
  TRAP_CLEAR
  la t0, pb_page
  li t1, 0x600df00d
  sd t1, 0(t0)
  call vm_alloc_page
  mv s0, a0
  li a4, LEVELS
  call vm_identity
  MAPF VA_NC, PTE_PBMT_NC | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  MAPF VA_IO, PTE_PBMT_IO | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  MAPF VA_RSV, PTE_PBMT_RSV | PTE_V | PTE_R | PTE_A
  MAPF VA_B54, (1 << 54) | PTE_V | PTE_R | PTE_A
  MAPF VA_PMA, PTE_V | PTE_R | PTE_A
  SATP_SET SATP_MODE_SV39, s0
  li t0, MENVCFG_PBMTE
  csrs CSR_MENVCFG, t0
  S_LOAD VA_PMA
  CHECK 1, s1, 0x600df00d
  S_LOAD VA_NC
  CHECK 2, s1, 0x600df00d
  S_LOAD VA_IO
  CHECK 3, s1, 0x600df00d
  li a0, VA_NC + 8
  ENTER_S
  sd a0, 0(a0)
  EXIT_TO_M
  la t0, pb_page
  ld a0, 8(t0)
  CHECK 4, a0, VA_NC + 8
  CHECK_NOTRAP 5
  // PBMTE = 0: the PBMT bits are reserved
  li t0, MENVCFG_PBMTE
  csrc CSR_MENVCFG, t0
  ENTER_S
  sfence.vma
  EXIT_TO_M
  S_LOAD VA_PMA
  CHECK 9, s1, 0x600df00d
  CHECK_NOTRAP 10
  csrw satp, zero
  sfence.vma
TEST_END
  .bss
  .balign 4096
pb_page: .space 4096

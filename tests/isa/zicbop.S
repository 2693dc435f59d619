// zicbop.S - Zicbop prefetch.i/r/w are hints: no architectural effect, no
// trap even for a non-existent or unmapped address, in any mode.
#include "test.h"
TEST_BEGIN
  TRAPS_M
  TRAPS_S
  TRAP_CLEAR
  la a0, pf_data
  li a1, 0x1234
  prefetch.r 0(a0)
  prefetch.w 32(a0)
  prefetch.i 64(a0)
  prefetch.r -32(a0)
  prefetch.w 2016(a0)
  prefetch.i -2048(a0)
  CHECK_NOTRAP 1
  CHECKA 2, a0, pf_data                  // base register untouched
  CHECK 3, a1, 0x1234
  ld a2, 0(a0)
  CHECK 4, a2, 0x0123456789abcdef
  // non-existent physical address
  li a0, 0x100000000000
  prefetch.r 0(a0)
  prefetch.w 0(a0)
  prefetch.i 0(a0)
  CHECK_NOTRAP 5
  // from U-mode (bare)
  ENTER_U
  li a0, 0x100000000000
  prefetch.r 0(a0)
  prefetch.w 0(a0)
  prefetch.i 0(a0)
  EXIT_TO_M
  CHECK_NOTRAP 6
  // from S-mode with paging and an unmapped virtual address
  call vm_alloc_page
  mv s0, a0
  li a4, 3
  call vm_identity
  SATP_SET SATP_MODE_SV39, s0
  ENTER_S
  li a0, 0x40000000                      // not mapped
  prefetch.r 0(a0)
  prefetch.w 0(a0)
  prefetch.i 0(a0)
  li a0, 0xffffff8000000000              // not mapped either
  prefetch.w 0(a0)
  EXIT_TO_M
  csrw satp, zero
  sfence.vma
  CHECK_NOTRAP 7
TEST_END
  .data
  .balign 64
pf_data: .dword 0x0123456789abcdef

// misaligned.S - misaligned loads and stores are performed transparently:
// every width (integer and FP) at every misaligned offset returns/stores the
// right bytes with the right extension, including across a physical page
// boundary and across two virtual pages mapped to non-adjacent physical
// pages (Sv39); a misaligned access whose second page is unmapped faults.
// AMO/LR/SC alignment rules are in rv64a_traps.S.
#include "test.h"
#define VA_A 0x40000000
#define VA_B 0x40001000
#define VA_C 0x40002000
TEST_BEGIN
  TRAPS_M
  TRAP_CLEAR
  // mis_buf: byte i = 0x80 + 7 * i
  la t0, mis_buf
  li t1, 0
  li t2, 64
1:
  li t3, 7
  mul t4, t1, t3
  addi t4, t4, 0x80
  add t3, t0, t1
  sb t4, 0(t3)
  addi t1, t1, 1
  bne t1, t2, 1b
  // ---- loads at every misaligned offset
  la s0, mis_buf
  lh a0, 1(s0)
  CHECK 1, a0, 0xffffffffffff8e87
  lh a0, 3(s0)
  CHECK 2, a0, 0xffffffffffff9c95
  lh a0, 5(s0)
  CHECK 3, a0, 0xffffffffffffaaa3
  lh a0, 7(s0)
  CHECK 4, a0, 0xffffffffffffb8b1
  lhu a0, 1(s0)
  CHECK 5, a0, 0x8e87
  lhu a0, 3(s0)
  CHECK 6, a0, 0x9c95
  lhu a0, 5(s0)
  CHECK 7, a0, 0xaaa3
  lhu a0, 7(s0)
  CHECK 8, a0, 0xb8b1
  lw a0, 1(s0)
  CHECK 9, a0, 0xffffffff9c958e87
  lw a0, 2(s0)
  CHECK 10, a0, 0xffffffffa39c958e
  lw a0, 3(s0)
  CHECK 11, a0, 0xffffffffaaa39c95
  lw a0, 5(s0)
  CHECK 12, a0, 0xffffffffb8b1aaa3
  lw a0, 6(s0)
  CHECK 13, a0, 0xffffffffbfb8b1aa
  lw a0, 7(s0)
  CHECK 14, a0, 0xffffffffc6bfb8b1
  lwu a0, 1(s0)
  CHECK 15, a0, 0x9c958e87
  lwu a0, 2(s0)
  CHECK 16, a0, 0xa39c958e
  lwu a0, 3(s0)
  CHECK 17, a0, 0xaaa39c95
  lwu a0, 5(s0)
  CHECK 18, a0, 0xb8b1aaa3
  lwu a0, 6(s0)
  CHECK 19, a0, 0xbfb8b1aa
  lwu a0, 7(s0)
  CHECK 20, a0, 0xc6bfb8b1
  ld a0, 1(s0)
  CHECK 21, a0, 0xb8b1aaa39c958e87
  ld a0, 2(s0)
  CHECK 22, a0, 0xbfb8b1aaa39c958e
  ld a0, 3(s0)
  CHECK 23, a0, 0xc6bfb8b1aaa39c95
  ld a0, 4(s0)
  CHECK 24, a0, 0xcdc6bfb8b1aaa39c
  ld a0, 5(s0)
  CHECK 25, a0, 0xd4cdc6bfb8b1aaa3
  ld a0, 6(s0)
  CHECK 26, a0, 0xdbd4cdc6bfb8b1aa
  ld a0, 7(s0)
  CHECK 27, a0, 0xe2dbd4cdc6bfb8b1
  // FP loads
  fld f1, 1(s0)
  CHECKD 28, f1, 0xb8b1aaa39c958e87
  flw f1, 1(s0)
  CHECKS 29, f1, 0x9c958e87
  fld f1, 3(s0)
  CHECKD 30, f1, 0xc6bfb8b1aaa39c95
  flw f1, 3(s0)
  CHECKS 31, f1, 0xaaa39c95
  fld f1, 6(s0)
  CHECKD 32, f1, 0xdbd4cdc6bfb8b1aa
  flw f1, 6(s0)
  CHECKS 33, f1, 0xbfb8b1aa
  // ---- stores at every misaligned offset (surrounding bytes intact)
  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0x0123456789abcdef
  sh a1, 1(s1)
  CHECK_LABEL 34
  ld a0, 0(s1)
  CMP 34, a0, 0xeeeeeeeeeecdefee
  ld a0, 8(s1)
  CMP 34, a0, 0xeeeeeeeeeeeeeeee
  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0x0123456789abcdef
  sh a1, 3(s1)
  CHECK_LABEL 35
  ld a0, 0(s1)
  CMP 35, a0, 0xeeeeeecdefeeeeee
  ld a0, 8(s1)
  CMP 35, a0, 0xeeeeeeeeeeeeeeee
  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0x0123456789abcdef
  sh a1, 5(s1)
  CHECK_LABEL 36
  ld a0, 0(s1)
  CMP 36, a0, 0xeecdefeeeeeeeeee
  ld a0, 8(s1)
  CMP 36, a0, 0xeeeeeeeeeeeeeeee
  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0x0123456789abcdef
  sh a1, 7(s1)
  CHECK_LABEL 37
  ld a0, 0(s1)
  CMP 37, a0, 0xefeeeeeeeeeeeeee
  ld a0, 8(s1)
  CMP 37, a0, 0xeeeeeeeeeeeeeecd
  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0x0123456789abcdef
  sw a1, 1(s1)
  CHECK_LABEL 38
  ld a0, 0(s1)
  CMP 38, a0, 0xeeeeee89abcdefee
  ld a0, 8(s1)
  CMP 38, a0, 0xeeeeeeeeeeeeeeee
  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0x0123456789abcdef
  sw a1, 2(s1)
  CHECK_LABEL 39
  ld a0, 0(s1)
  CMP 39, a0, 0xeeee89abcdefeeee
  ld a0, 8(s1)
  CMP 39, a0, 0xeeeeeeeeeeeeeeee
  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0x0123456789abcdef
  sw a1, 3(s1)
  CHECK_LABEL 40
  ld a0, 0(s1)
  CMP 40, a0, 0xee89abcdefeeeeee
  ld a0, 8(s1)
  CMP 40, a0, 0xeeeeeeeeeeeeeeee
  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0x0123456789abcdef
  sw a1, 5(s1)
  CHECK_LABEL 41
  ld a0, 0(s1)
  CMP 41, a0, 0xabcdefeeeeeeeeee
  ld a0, 8(s1)
  CMP 41, a0, 0xeeeeeeeeeeeeee89
  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0x0123456789abcdef
  sw a1, 6(s1)
  CHECK_LABEL 42
  ld a0, 0(s1)
  CMP 42, a0, 0xcdefeeeeeeeeeeee
  ld a0, 8(s1)
  CMP 42, a0, 0xeeeeeeeeeeee89ab
  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0x0123456789abcdef
  sw a1, 7(s1)
  CHECK_LABEL 43
  ld a0, 0(s1)
  CMP 43, a0, 0xefeeeeeeeeeeeeee
  ld a0, 8(s1)
  CMP 43, a0, 0xeeeeeeeeee89abcd
  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0x0123456789abcdef
  sd a1, 1(s1)
  CHECK_LABEL 44
  ld a0, 0(s1)
  CMP 44, a0, 0x23456789abcdefee
  ld a0, 8(s1)
  CMP 44, a0, 0xeeeeeeeeeeeeee01
  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0x0123456789abcdef
  sd a1, 2(s1)
  CHECK_LABEL 45
  ld a0, 0(s1)
  CMP 45, a0, 0x456789abcdefeeee
  ld a0, 8(s1)
  CMP 45, a0, 0xeeeeeeeeeeee0123
  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0x0123456789abcdef
  sd a1, 3(s1)
  CHECK_LABEL 46
  ld a0, 0(s1)
  CMP 46, a0, 0x6789abcdefeeeeee
  ld a0, 8(s1)
  CMP 46, a0, 0xeeeeeeeeee012345
  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0x0123456789abcdef
  sd a1, 4(s1)
  CHECK_LABEL 47
  ld a0, 0(s1)
  CMP 47, a0, 0x89abcdefeeeeeeee
  ld a0, 8(s1)
  CMP 47, a0, 0xeeeeeeee01234567
  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0x0123456789abcdef
  sd a1, 5(s1)
  CHECK_LABEL 48
  ld a0, 0(s1)
  CMP 48, a0, 0xabcdefeeeeeeeeee
  ld a0, 8(s1)
  CMP 48, a0, 0xeeeeee0123456789
  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0x0123456789abcdef
  sd a1, 6(s1)
  CHECK_LABEL 49
  ld a0, 0(s1)
  CMP 49, a0, 0xcdefeeeeeeeeeeee
  ld a0, 8(s1)
  CMP 49, a0, 0xeeee0123456789ab
  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0x0123456789abcdef
  sd a1, 7(s1)
  CHECK_LABEL 50
  ld a0, 0(s1)
  CMP 50, a0, 0xefeeeeeeeeeeeeee
  ld a0, 8(s1)
  CMP 50, a0, 0xee0123456789abcd
  // FP stores
  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0xffffffff89abcdef
  fmv.d.x f2, a1
  li a1, 0x0123456789abcdef
  fmv.d.x f2, a1
  fsd f2, 3(s1)
  CHECK_LABEL 51
  ld a0, 0(s1)
  CMP 51, a0, 0x6789abcdefeeeeee
  ld a0, 8(s1)
  CMP 51, a0, 0xeeeeeeeeee012345
  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0xffffffff89abcdef
  fmv.d.x f2, a1
  li a1, 0x0123456789abcdef
  fmv.d.x f2, a1
  fsd f2, 5(s1)
  CHECK_LABEL 52
  ld a0, 0(s1)
  CMP 52, a0, 0xabcdefeeeeeeeeee
  ld a0, 8(s1)
  CMP 52, a0, 0xeeeeee0123456789
  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0xffffffff89abcdef
  fmv.d.x f2, a1
  
  
  fsw f2, 3(s1)
  CHECK_LABEL 53
  ld a0, 0(s1)
  CMP 53, a0, 0xee89abcdefeeeeee
  ld a0, 8(s1)
  CMP 53, a0, 0xeeeeeeeeeeeeeeee
  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0xffffffff89abcdef
  fmv.d.x f2, a1
  
  
  fsw f2, 5(s1)
  CHECK_LABEL 54
  ld a0, 0(s1)
  CMP 54, a0, 0xabcdefeeeeeeeeee
  ld a0, 8(s1)
  CMP 54, a0, 0xeeeeeeeeeeeeee89
  CHECK_NOTRAP 59

  // ---- across a physical page boundary
  la s0, pg_a
  li t0, 4096
  add s1, s0, t0                         // start of the next page (pg_b)
  li t1, 0x0706050403020100
  sd t1, -8(s1)
  li t1, 0x0f0e0d0c0b0a0908
  sd t1, 0(s1)
  ld a0, -3(s1)
  CHECK 60, a0, 0x0c0b0a0908070605
  lw a0, -2(s1)
  CHECK 61, a0, 0x09080706
  lhu a0, -1(s1)
  CHECK 62, a0, 0x0807
  lh a0, -1(s1)
  CHECK 63, a0, 0x0807
  fld f1, -5(s1)
  CHECKD 64, f1, 0x0a09080706050403
  li t1, 0x1122334455667788
  sd t1, -5(s1)
  ld a0, -8(s1)
  CHECK 65, a0, 0x4455667788020100
  ld a0, 0(s1)
  CHECK 66, a0, 0x0f0e0d0c0b112233
  sw t1, -1(s1)
  ld a0, -8(s1)
  CHECK 67, a0, 0x8855667788020100
  ld a0, 0(s1)
  CHECK 68, a0, 0x0f0e0d0c0b556677
  CHECK_NOTRAP 69

  // ---- across two virtual pages backed by non-adjacent physical pages
  la t0, pg_b
  li t1, 0x0706050403020100
  sd t1, -8(t0)
  la t0, pg_far
  li t1, 0x1f1e1d1c1b1a1918
  sd t1, 0(t0)
  call vm_alloc_page
  mv s0, a0
  li a4, 3
  call vm_identity
  mv a0, s0
  li a1, VA_A
  la a2, pg_a
  srli a2, a2, 12
  slli a2, a2, 10
  ori a2, a2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  li a3, 0
  li a4, 3
  call vm_map
  mv a0, s0
  li a1, VA_B
  la a2, pg_far
  srli a2, a2, 12
  slli a2, a2, 10
  ori a2, a2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  li a3, 0
  li a4, 3
  call vm_map
  SATP_SET SATP_MODE_SV39, s0
  li a0, VA_B
  ENTER_S
  ld s1, -3(a0)
  lw s2, -2(a0)
  lh s3, -1(a0)
  fld f1, -7(a0)
  li t0, 0x8877665544332211
  sd t0, -4(a0)
  EXIT_TO_M
  CHECK 70, s1, 0x1c1b1a1918070605
  CHECK 71, s2, 0x19180706
  CHECK 72, s3, 0x1807
  CHECKD 73, f1, 0x1807060504030201
  la t0, pg_b
  ld a0, -8(t0)
  CHECK 74, a0, 0x4433221103020100
  la t0, pg_far
  ld a0, 0(t0)
  CHECK 75, a0, 0x1f1e1d1c88776655
  CHECK_NOTRAP 76
  // second page not mapped: page fault (tval = the access address or the
  // first byte of the unmapped page)
  li a0, VA_C
  ENTER_S
  lw s1, -2(a0)
  EXIT_TO_M
  CHECK_LABEL 77
  TRAPM_LD t5, TS_COUNT
  CMP 77, t5, 1
  TRAPM_LD t5, TS_CAUSE
  CMP 77, t5, CAUSE_LOAD_PAGE_FAULT
  TRAPM_LD t5, TS_TVAL
  li t6, VA_C
  beq t5, t6, 2f
  CMP 77, t5, VA_C - 2
2:
  csrw satp, zero
  sfence.vma
TEST_END

  .data
  .balign 64
mis_buf: .space 64
st_buf:  .space 16
  .bss
  .balign 4096
pg_a:   .space 4096
pg_b:   .space 4096
        .space 4096
pg_far: .space 4096

// rv64a.S - A extension: lr/sc success and failure rules, every amo*.w/.d
// (old value returned, .w results sign-extended, memory updated), aq/rl
// variants, LR access fault (AMO faults and misaligned cases: rv64a_traps.S).
#include "test.h"

// AMO n, op, init, src, old(rd), new(mem) on 64-bit cell amo_d
.macro AMOD n, op, init, src, old, new
  la s0, amo_d
  li t0, \init
  sd t0, 0(s0)
  li t1, \src
  \op s1, t1, (s0)
  CHECK_LABEL \n
  CMP \n, s1, \old
  ld s2, 0(s0)
  CMP \n, s2, \new
.endm
// AMOW n, op, init32, src, old(sign-extended rd), new32 (memory, checked
// zero-extended with lwu; the neighbouring word must be untouched)
.macro AMOW n, op, init, src, old, new
  la s0, amo_w
  li t0, \init
  sw t0, 0(s0)
  li t0, 0x5a5a5a5a
  sw t0, 4(s0)
  li t1, \src
  \op s1, t1, (s0)
  CHECK_LABEL \n
  CMP \n, s1, \old
  lwu s2, 0(s0)
  CMP \n, s2, \new
  lwu s2, 4(s0)
  CMP \n, s2, 0x5a5a5a5a
.endm

TEST_BEGIN
  TRAPS_M
  TRAP_CLEAR
  // ---- lr/sc.w success
  la s0, amo_w
  li t0, 0x80000001
  sw t0, 0(s0)
  lr.w a0, (s0)
  CHECK 1, a0, 0xffffffff80000001          // lr.w sign-extends
  li t1, 0x1234
  sc.w a1, t1, (s0)
  CHECK 2, a1, 0
  lw a0, 0(s0)
  CHECK 3, a0, 0x1234
  // a second sc without a new lr fails and does not write
  li t1, 0x5678
  sc.w a1, t1, (s0)
  CHECK 4, a1, 1                           // rd = nonzero (1 on failure is conventional)
  lw a0, 0(s0)
  CHECK 5, a0, 0x1234
  // ---- lr/sc.d success
  la s0, amo_d
  li t0, 0x8000000000000001
  sd t0, 0(s0)
  lr.d a0, (s0)
  CHECK 6, a0, 0x8000000000000001
  li t1, 0x1122334455667788
  sc.d a1, t1, (s0)
  CHECK 7, a1, 0
  ld a0, 0(s0)
  CHECK 8, a0, 0x1122334455667788
  sc.d a1, t1, (s0)
  snez a1, a1
  CHECK 9, a1, 1
  // ---- sc to an address other than the reserved one fails
  la s0, amo_d
  la s1, amo_far
  sd zero, 0(s1)
  lr.d a0, (s0)
  li t1, 99
  sc.d a1, t1, (s1)
  snez a1, a1
  CHECK 10, a1, 1
  ld a0, 0(s1)
  CHECK 11, a0, 0
  // ---- lr/sc with aq/rl
  lr.d.aq a0, (s0)
  li t1, 77
  sc.d.rl a1, t1, (s0)
  CHECK 12, a1, 0
  lr.w.aqrl a0, (s0)
  li t1, -5
  sc.w.aqrl a1, t1, (s0)
  CHECK 13, a1, 0
  lw a0, 0(s0)
  CHECK 14, a0, -5
  // an lr/sc retry loop (atomic increment)
  la s0, amo_d
  li t0, 41
  sd t0, 0(s0)
1:
  lr.d a0, (s0)
  addi a0, a0, 1
  sc.d a1, a0, (s0)
  bnez a1, 1b
  ld a0, 0(s0)
  CHECK 15, a0, 42

  // ---- amo*.d
  AMOD 20, amoswap.d, 0x1111, 0x2222, 0x1111, 0x2222
  AMOD 21, amoadd.d, 0x7fffffffffffffff, 1, 0x7fffffffffffffff, 0x8000000000000000
  AMOD 22, amoxor.d, 0xff00, 0x0ff0, 0xff00, 0xf0f0
  AMOD 23, amoand.d, 0xff00, 0x0ff0, 0xff00, 0x0f00
  AMOD 24, amoor.d,  0xff00, 0x0ff0, 0xff00, 0xfff0
  AMOD 25, amomin.d, -5, 3, -5, -5
  AMOD 26, amomin.d, 3, -5, 3, -5
  AMOD 27, amomax.d, -5, 3, -5, 3
  AMOD 28, amomax.d, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x7fffffffffffffff
  AMOD 29, amominu.d, -5, 3, -5, 3
  AMOD 30, amominu.d, 3, -5, 3, 3
  AMOD 31, amomaxu.d, -5, 3, -5, -5
  AMOD 32, amomaxu.d, 3, 0x8000000000000000, 3, 0x8000000000000000
  AMOD 33, amoadd.d.aq, 5, -6, 5, -1
  AMOD 34, amoswap.d.aqrl, -1, 0, -1, 0
  // ---- amo*.w: rd is the old word sign-extended, memory is 32-bit
  AMOW 40, amoswap.w, 0x80000000, 0x12345678, 0xffffffff80000000, 0x12345678
  AMOW 41, amoswap.w, 0x7fffffff, 0xffffffff00000001, 0x7fffffff, 1
  AMOW 42, amoadd.w, 0x7fffffff, 1, 0x7fffffff, 0x80000000
  AMOW 43, amoadd.w, 0xffffffff, 1, -1, 0                  // carry is dropped
  AMOW 44, amoxor.w, 0xf0f0f0f0, 0xffffffff, 0xfffffffff0f0f0f0, 0x0f0f0f0f
  AMOW 45, amoand.w, 0xf0f0f0f0, 0x0ff00ff0, 0xfffffffff0f0f0f0, 0x00f000f0
  AMOW 46, amoor.w,  0x80000000, 0x1, 0xffffffff80000000, 0x80000001
  AMOW 47, amomin.w, 0x80000000, 1, 0xffffffff80000000, 0x80000000
  AMOW 48, amomin.w, 1, 0xffffffff, 1, 0xffffffff          // -1 < 1
  AMOW 49, amomax.w, 0x80000000, 1, 0xffffffff80000000, 1
  AMOW 50, amomax.w, 5, 0x100000003, 5, 5                  // upper src bits ignored
  AMOW 51, amominu.w, 0x80000000, 1, 0xffffffff80000000, 1
  AMOW 52, amominu.w, 1, 0xffffffff, 1, 1
  AMOW 53, amomaxu.w, 0x80000000, 1, 0xffffffff80000000, 0x80000000
  AMOW 54, amomaxu.w, 1, 0xffffffff, 1, 0xffffffff
  AMOW 55, amomaxu.w, 0x7fffffff, 0x1ffffffff, 0x7fffffff, 0xffffffff
  AMOW 56, amominu.w, 0x7fffffff, 0xfffffffe80000000, 0x7fffffff, 0x7fffffff
  AMOW 57, amoadd.w.rl, 10, -20, 10, 0xfffffff6
  // ---- amo with rd = x0 still updates memory
  la s0, amo_d
  li t0, 10
  sd t0, 0(s0)
  li t1, 5
  amoadd.d zero, t1, (s0)
  ld a0, 0(s0)
  CHECK 60, a0, 15
  // ---- amo with rd == rs2
  li t1, 7
  amoswap.d t1, t1, (s0)
  CHECK 61, t1, 15
  ld a0, 0(s0)
  CHECK 62, a0, 7
  CHECK_NOTRAP 63

  // ---- LR from a non-existent physical address: load access fault
  li s1, 0x100000000000
  lr.d a0, (s1)
  CHECK_MTRAP 81, CAUSE_LOAD_ACCESS, 0x100000000000
TEST_END

  .data
  .balign 64
amo_d: .dword 0
amo_w: .dword 0
  .balign 4096
amo_far: .dword 0

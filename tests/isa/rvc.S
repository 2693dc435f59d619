// rvc.S - every RV64C instruction: c.addi4spn, c.fld/lw/ld/fsd/sw/sd,
// c.nop/addi/addiw/li/addi16sp/lui, c.srli/srai/andi/sub/xor/or/and/subw/addw,
// c.j/beqz/bnez/jr/jalr (link = pc+2), c.slli, c.fldsp/lwsp/ldsp,
// c.mv/add, c.fsdsp/swsp/sdsp, c.ebreak; 32-bit instructions at 2-byte
// aligned addresses and across a page boundary; 0x0000 is illegal.
#include "test.h"
  .option push
  .option rvc

TEST_BEGIN
  TRAPS_M
  TRAP_CLEAR
  // ---- constants and immediate arithmetic
  c.li a0, -32
  CHECK 1, a0, -32
  c.li a0, 31
  CHECK 2, a0, 31
  c.addi a0, -1
  CHECK 3, a0, 30
  c.addi a0, 31
  CHECK 4, a0, 61
  c.nop
  li a0, 0x7fffffff
  c.addiw a0, 1
  CHECK 5, a0, 0xffffffff80000000
  li a0, 0x1ffffffff
  c.addiw a0, 0                    // sext.w
  CHECK 6, a0, -1
  c.lui a0, 1
  CHECK 7, a0, 0x1000
  c.lui a0, 0x1f
  CHECK 8, a0, 0x1f000
  c.lui a0, 0xfffff
  CHECK 9, a0, 0xfffffffffffff000
  c.lui a0, 0xfffe0
  CHECK 10, a0, 0xfffffffffffe0000
  // ---- register moves / arithmetic
  li a0, 0x1234
  c.mv a1, a0
  CHECK 11, a1, 0x1234
  c.add a1, a0
  CHECK 12, a1, 0x2468
  li s0, 10
  li s1, 3
  c.sub s0, s1
  CHECK 13, s0, 7
  li a2, 0xff00
  li a3, 0x0ff0
  c.xor a2, a3
  CHECK 14, a2, 0xf0f0
  li a2, 0xff00
  c.or a2, a3
  CHECK 15, a2, 0xfff0
  li a2, 0xff00
  c.and a2, a3
  CHECK 16, a2, 0x0f00
  li a4, 0x80000000
  li a5, 1
  c.subw a4, a5
  CHECK 17, a4, 0x7fffffff
  li a4, 0x7fffffff
  c.addw a4, a5
  CHECK 18, a4, 0xffffffff80000000
  li a5, 0x100000000
  li a4, 5
  c.subw a4, a5                    // upper bits ignored
  CHECK 19, a4, 5
  // ---- shifts and andi
  li a0, -1
  c.srli a0, 63
  CHECK 20, a0, 1
  li a0, 0x8000000000000000
  c.srai a0, 63
  CHECK 21, a0, -1
  li a0, 0x8000000000000000
  c.srli a0, 1
  CHECK 22, a0, 0x4000000000000000
  li a0, -1
  c.andi a0, 0x1f
  CHECK 23, a0, 0x1f
  li a0, 0x1234
  c.andi a0, -32
  CHECK 24, a0, 0x1220
  li a0, 1
  c.slli a0, 63
  CHECK 25, a0, 0x8000000000000000
  li a0, 3
  c.slli a0, 32
  CHECK 26, a0, 0x300000000
  li s0, 0x0f0f0f0f0f0f0f0f
  c.srai s0, 4
  CHECK 27, s0, 0x00f0f0f0f0f0f0f0

  // ---- stack-relative: run with sp pointing at a scratch buffer
  mv s2, sp
  la sp, sp_buf
  c.addi16sp sp, 496
  la t0, sp_buf + 496
  CHECKR 30, sp, t0
  c.addi16sp sp, -512
  la t0, sp_buf - 16
  CHECKR 31, sp, t0
  c.addi16sp sp, 16
  c.addi4spn a0, sp, 1020
  la t0, sp_buf + 1020
  CHECKR 32, a0, t0
  c.addi4spn s1, sp, 4
  la t0, sp_buf + 4
  CHECKR 33, s1, t0
  li a0, 0x1122334455667788
  c.sdsp a0, 504(sp)
  c.ldsp a1, 504(sp)
  CHECK 34, a1, 0x1122334455667788
  li a0, 0x80000001
  c.swsp a0, 252(sp)
  c.lwsp a1, 252(sp)
  CHECK 35, a1, 0xffffffff80000001       // c.lwsp sign-extends
  c.ldsp a1, 0(sp)
  CHECK 36, a1, 0                          // untouched
  LI_D f8, 0x400921fb54442d18
  c.fsdsp f8, 8(sp)
  c.fldsp f9, 8(sp)
  CHECKD 37, f9, 0x400921fb54442d18
  c.ldsp a1, 8(sp)
  CHECK 38, a1, 0x400921fb54442d18
  mv sp, s2

  // ---- register-relative loads/stores (x8-x15)
  la s0, rc_buf
  li a0, 0x8000000180000002
  c.sd a0, 248(s0)
  c.ld a1, 248(s0)
  CHECK 40, a1, 0x8000000180000002
  c.sd a0, 120(s0)
  c.lw a2, 120(s0)
  CHECK 41, a2, 0xffffffff80000002       // low word, sign-extended
  c.lw a2, 124(s0)
  CHECK 42, a2, 0xffffffff80000001
  li a3, 0x7fffffff
  c.sw a3, 124(s0)
  c.lw a4, 124(s0)
  CHECK 43, a4, 0x7fffffff
  LI_D f10, 0xc000000000000000
  c.fsd f10, 16(s0)
  c.fld f11, 16(s0)
  CHECKD 44, f11, 0xc000000000000000
  c.ld a5, 16(s0)
  CHECK 45, a5, 0xc000000000000000
  c.sw a3, 0(s0)
  c.lw a4, 0(s0)
  CHECK 46, a4, 0x7fffffff

  // ---- control flow
  li a0, 0
  c.j 1f
  li a0, 1
1:
  CHECK 50, a0, 0
  li s0, 0
  c.beqz s0, 2f
  FAIL 51
2:
  li s0, 5
  c.beqz s0, 3f
  j 4f
3:
  FAIL 52
4:
  c.bnez s0, 5f
  FAIL 53
5:
  li s0, 0
  c.bnez s0, 6f
  j 7f
6:
  FAIL 54
7:
  li s1, -1
  c.bnez s1, 8f                      // any nonzero value
  FAIL 55
8:
  la t0, rc_target
  c.jr t0
  FAIL 56
rc_back:
  CHECK 57, a0, 0x77
  la t1, rc_func
  c.jalr t1                          // ra = address of the next instruction
.Ljalr_ret:
  CHECK 58, a0, 0x99
  CHECKA 59, ra, .Ljalr_ret
  // c.jr with the low bit set: bit 0 is cleared
  la t0, rc_target2
  addi t0, t0, 1
  c.jr t0
  FAIL 60
rc_back2:

  // ---- 32-bit instructions at addresses that are 2 mod 4
  c.nop
  .option push
  .option norvc
  addi a0, zero, 0x123
  addi a0, a0, 1
  .option pop
  CHECK 61, a0, 0x124
  c.j rc_odd_call
rc_odd_ret:
  CHECK 62, a0, 0x55
  // a 32-bit instruction straddling a page boundary
  li a0, 0
  call cross_page_insn
  CHECK 63, a0, 0x321

  // ---- c.ebreak: cause 3, epc = its address, resumes after 2 bytes
  TRAP_CLEAR
.Lcebreak:
  c.ebreak
  CHECK_MTRAP_C 70, CAUSE_BREAKPOINT
  CHECK_MEPC 71, .Lcebreak
  // ---- 0x0000 is a defined illegal instruction
.Lzero_insn:
  .hword 0
  CHECK_MTRAP_C 72, CAUSE_ILLEGAL
  CHECK_MEPC 73, .Lzero_insn
  TRAPM_LD a0, TS_TVAL
  CHECK 74, a0, 0                      // mtval = 0 or the (zero) instruction
TEST_END

rc_target:
  li a0, 0x77
  c.j rc_back
rc_func:
  li a0, 0x99
  c.jr ra
  .balign 4
  c.nop
rc_target2:
  c.j rc_back2

  .balign 4
  c.nop
rc_odd_call:                           // 2 mod 4
  .option push
  .option norvc
  jal t2, 1f
  .option pop
1:
  li a0, 0x55
  j rc_odd_ret

  .balign 4096
  .fill 2047, 2, 0x0001                // c.nop up to 2 bytes before the page end
cross_page_insn:
  .option push
  .option norvc
  addi a0, zero, 0x321                 // bytes 0-1 on one page, 2-3 on the next
  .option pop
  ret

  .option pop

  .data
  .balign 64
  .space 16
sp_buf:
  .space 1024
rc_buf:
  .space 256

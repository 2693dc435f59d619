// rv64i.S - RV64I base: register/immediate ALU ops incl. W forms, shifts,
// lui/auipc, all branch conditions, jal/jalr (link, low-bit clearing),
// loads/stores of every width with sign/zero extension, x0, fence, fence.i.
#include "test.h"
  .option push
  .option norvc

// BT/BNT n, op, a, b: branch op on a, b must be taken / not taken
.macro BT n, op, a, b
  CHECK_LABEL \n
  li a4, \a
  li a5, \b
  \op a4, a5, .Lbt\@
  li a0, \n
  li a1, 0
  li a2, 1
  li a3, 0
  j test_fail
.Lbt\@:
.endm
.macro BNT n, op, a, b
  CHECK_LABEL \n
  li a4, \a
  li a5, \b
  \op a4, a5, .Lbnt_fail\@
  j .Lbnt_ok\@
.Lbnt_fail\@:
  li a0, \n
  li a1, 1
  li a2, 0
  li a3, 0
  j test_fail
.Lbnt_ok\@:
.endm
// RR n, op, a, b, result: op on registers
.macro RR n, op, a, b, res
  li a4, \a
  li a5, \b
  \op s1, a4, a5
  CHECK \n, s1, \res
.endm
.macro RI n, op, a, imm, res
  li a4, \a
  \op s1, a4, \imm
  CHECK \n, s1, \res
.endm

TEST_BEGIN
  // ---- add / sub
  RR 1, add, 0x7fffffffffffffff, 1, 0x8000000000000000
  RR 2, add, -1, -1, -2
  RR 3, sub, 0, 1, -1
  RR 4, sub, 0x8000000000000000, 1, 0x7fffffffffffffff
  // ---- logic
  RR 5, xor, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xf0f0f0f0f0f0f0f0
  RR 6, or,  0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xfff0fff0fff0fff0
  RR 7, and, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0x0f000f000f000f00
  // ---- set-less-than
  RR 8,  slt,  -1, 1, 1
  RR 9,  slt,  1, -1, 0
  RR 10, sltu, -1, 1, 0
  RR 11, sltu, 1, -1, 1
  RR 12, slt,  5, 5, 0
  // ---- shifts: amount is rs2[5:0]
  RR 13, sll, 1, 63, 0x8000000000000000
  RR 14, sll, 1, 65, 2
  RR 15, srl, 0x8000000000000000, 63, 1
  RR 16, sra, 0x8000000000000000, 63, -1
  RR 17, sra, 0x8000000000000000, 0x40, 0x8000000000000000
  RR 18, srl, 0xf000000000000000, 4, 0x0f00000000000000
  // ---- W forms: 32-bit result sign-extended, upper input bits ignored
  RR 19, addw, 0x7fffffff, 1, 0xffffffff80000000
  RR 20, addw, 0x123456789, 0, 0x23456789
  RR 21, subw, 0, 1, -1
  RR 22, subw, 0xffffffff80000000, 1, 0x7fffffff
  RR 23, sllw, 1, 31, 0xffffffff80000000
  RR 24, sllw, 1, 33, 2
  RR 25, srlw, 0xffffffff80000000, 31, 1
  RR 26, srlw, 0x80000000, 0, 0xffffffff80000000
  RR 27, sraw, 0x80000000, 31, -1
  RR 28, sraw, 0xabcdef007ffffff0, 4, 0x07ffffff
  RR 29, srlw, 0xffffffff00000010, 36, 1
  // ---- immediates (12-bit sign-extended)
  RI 30, addi, 1, -1, 0
  RI 31, addi, 0, -2048, -2048
  RI 32, addi, 0, 2047, 2047
  RI 33, slti, -5, -4, 1
  RI 34, slti, -4, -5, 0
  RI 35, sltiu, 0, 1, 1
  RI 36, sltiu, 5, -1, 1           // compares against 0xffff...ffff
  RI 37, sltiu, -1, -1, 0
  RI 38, xori, 0x00ff, -1, 0xffffffffffffff00
  RI 39, ori, 0x1000, 0x7ff, 0x17ff
  RI 40, andi, 0x123456789abcdef0, -16, 0x123456789abcdef0
  RI 41, andi, 0x123456789abcdef0, 0xff, 0xf0
  RI 42, slli, 1, 63, 0x8000000000000000
  RI 43, srli, -1, 60, 0xf
  RI 44, srai, 0x8000000000000000, 60, -8
  RI 45, addiw, 0x7fffffff, 1, 0xffffffff80000000
  RI 46, addiw, 0xffffffff00000005, 0, 5     // sext.w
  RI 47, slliw, 0x00000001, 31, 0xffffffff80000000
  RI 48, srliw, 0xffffffff80000000, 4, 0x08000000
  RI 49, sraiw, 0x0000000080000000, 4, 0xfffffffff8000000
  RI 50, srliw, 0x12345678, 0, 0x12345678
  // ---- x0 is hard-wired to zero
  addi x0, x0, 5
  CHECK 51, x0, 0
  lui x0, 0x12345
  CHECK 52, x0, 0
  // ---- lui / auipc
  lui a0, 0x80000
  CHECK 53, a0, 0xffffffff80000000
  lui a0, 0x7ffff
  CHECK 54, a0, 0x7ffff000
.Lauipc0:
  auipc a0, 0
  CHECKA 55, a0, .Lauipc0
.Lauipc1:
  auipc a0, 1
  la a1, .Lauipc1
  sub a0, a0, a1
  CHECK 56, a0, 0x1000
.Lauipc2:
  auipc a0, 0xfffff                 // -4096
  la a1, .Lauipc2
  sub a0, a0, a1
  CHECK 57, a0, -4096
  // ---- branches: every condition taken and not taken, signed vs unsigned
  BT  60, beq,  5, 5
  BNT 61, beq,  5, 6
  BT  62, bne,  5, 6
  BNT 63, bne,  -1, -1
  BT  64, blt,  -1, 0
  BNT 65, blt,  0, -1
  BNT 66, blt,  3, 3
  BT  67, bge,  3, 3
  BT  68, bge,  0, -1
  BNT 69, bge,  -1, 0
  BT  70, bltu, 0, -1
  BNT 71, bltu, -1, 0
  BNT 72, bltu, 7, 7
  BT  73, bgeu, -1, 0
  BT  74, bgeu, 7, 7
  BNT 75, bgeu, 0, -1
  BT  76, blt,  0x8000000000000000, 0x7fffffffffffffff
  BT  77, bltu, 0x7fffffffffffffff, 0x8000000000000000
  // backward branch
  li a0, 0
  li a1, 3
.Lloop:
  addi a0, a0, 1
  bne a0, a1, .Lloop
  CHECK 78, a0, 3
  // ---- jal: link is pc+4, target reached
  li a0, 0
  jal ra, .Ljal_t
.Ljal_ret:
  j .Ljal_fail
.Ljal_t:
  CHECKA 80, ra, .Ljal_ret
  jal x0, .Ljal_over             // j: no link
.Ljal_fail:
  FAIL 81
.Ljal_over:
  // ---- jalr: target = (rs1 + imm) & ~1
  la t0, .Ljalr_t1
  addi t0, t0, 1                  // odd address: bit 0 is cleared
  jalr ra, 0(t0)
.Ljalr_r1:
  FAIL 82
.Ljalr_t1:
  CHECKA 83, ra, .Ljalr_r1
  la t0, .Ljalr_t2
  addi t0, t0, -7
  jalr ra, 8(t0)                  // t0 + 8 = target + 1
  FAIL 84
.Ljalr_t2:
  la t0, .Ljalr_t3
  jalr t0, 0(t0)                  // rd == rs1: target uses the old value
.Ljalr_r3:
  FAIL 85
.Ljalr_t3:
  CHECKA 86, t0, .Ljalr_r3
  la t0, .Ljalr_t4
  jalr x0, 0(t0)
  FAIL 87
.Ljalr_t4:
  // call/ret through a function
  li a0, 10
  call add_five
  CHECK 88, a0, 15

  // ---- loads: sign and zero extension of each width
  la t0, ld_data
  lb a0, 0(t0)
  CHECK 90, a0, 0xffffffffffffff88
  lbu a0, 0(t0)
  CHECK 91, a0, 0x88
  lh a0, 0(t0)
  CHECK 92, a0, 0xffffffffffff8788
  lhu a0, 0(t0)
  CHECK 93, a0, 0x8788
  lw a0, 0(t0)
  CHECK 94, a0, 0xffffffff85868788
  lwu a0, 0(t0)
  CHECK 95, a0, 0x85868788
  ld a0, 0(t0)
  CHECK 96, a0, 0x8182838485868788
  lb a0, 7(t0)
  CHECK 97, a0, 0xffffffffffffff81
  lb a0, 8(t0)                     // positive byte
  CHECK 98, a0, 0x78
  lh a0, 8(t0)
  CHECK 99, a0, 0x6778
  lw a0, 8(t0)
  CHECK 100, a0, 0x45566778
  lwu a0, 12(t0)
  CHECK 101, a0, 0x01122334
  addi t1, t0, 16
  ld a0, -8(t1)                    // negative offset
  CHECK 102, a0, 0x0112233445566778
  lbu a0, -9(t1)
  CHECK 103, a0, 0x81
  lh a0, 6(t0)
  CHECK 104, a0, 0xffffffffffff8182
  // ---- stores of each width only touch their bytes
  la t0, st_data
  li a0, -1
  sd a0, 0(t0)
  li a1, 0x1122334455667788
  sb a1, 0(t0)
  ld a0, 0(t0)
  CHECK 110, a0, 0xffffffffffffff88
  sh a1, 2(t0)
  ld a0, 0(t0)
  CHECK 111, a0, 0xffffffff7788ff88
  sw a1, 4(t0)
  ld a0, 0(t0)
  CHECK 112, a0, 0x556677887788ff88
  sd a1, 8(t0)
  ld a0, 8(t0)
  CHECK 113, a0, 0x1122334455667788
  sb zero, 15(t0)
  ld a0, 8(t0)
  CHECK 114, a0, 0x0022334455667788
  addi t1, t0, 32
  sw a1, -16(t1)
  lwu a0, 16(t0)
  CHECK 115, a0, 0x55667788
  // load into rd == rs1
  la t0, ld_data
  ld t0, 0(t0)
  CHECK 116, t0, 0x8182838485868788

  // ---- fences execute as no-ops on a single hart
  fence
  fence rw, rw
  fence r, w
  fence.tso
  fence iorw, iorw
  CHECK 120, x0, 0
  // ---- fence.i makes a store to code visible to fetch
  call smc_func                    // run it once (decode/cache it)
  CHECK 121, a0, 1
  la t0, smc_func
  li t1, 0x02a00513                // addi a0, zero, 42
  sw t1, 0(t0)
  fence.i
  call smc_func
  CHECK 122, a0, 42
  li t1, 0x00700513                // addi a0, zero, 7
  sw t1, 0(t0)
  fence.i
  call smc_func
  CHECK 123, a0, 7
  // a loop body rewritten between iterations
  li s2, 0
  li s3, 0
.Lsmc_loop:
  call smc_func2                   // adds 1, then (after patch) 100
  add s2, s2, a0
  bnez s3, .Lsmc_done
  li s3, 1
  la t0, smc_func2
  li t1, 0x06400513                // addi a0, zero, 100
  sw t1, 0(t0)
  fence.i
  j .Lsmc_loop
.Lsmc_done:
  CHECK 124, s2, 101
TEST_END

add_five:
  addi a0, a0, 5
  ret

  .balign 4
smc_func:
  addi a0, zero, 1
  ret
smc_func2:
  addi a0, zero, 1
  ret

  .option pop

  .data
  .balign 16
ld_data:
  .dword 0x8182838485868788
  .dword 0x0112233445566778
st_data:
  .space 64

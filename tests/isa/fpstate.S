// fpstate.S - FP machine state: fcsr/fflags/frm composition and masking,
// reserved rounding modes (static rm 5/6, dynamic with frm 5/6/7) are
// illegal, mstatus.FS=Off makes FP instructions and FP CSRs illegal (any
// mode), FS becomes Dirty after FP register or fcsr writes, SD summarises it,
// sstatus mirrors FS/SD.
#include "test.h"
#include "fp.h"

.macro SET_FS val
  li t5, MSTATUS_FS
  csrc mstatus, t5
  li t5, \val
  csrs mstatus, t5
.endm
TEST_BEGIN
  TRAPS_M
  TRAP_CLEAR
  // ---- fcsr = frm << 5 | fflags; reserved upper bits read as zero
  li a0, 0xff
  csrw fcsr, a0
  CHECK_CSR 1, fflags, 0x1f
  CHECK_CSR 2, frm, 7
  CHECK_CSR 3, fcsr, 0xff
  li a0, 0xffffffff
  csrw fcsr, a0
  CHECK_CSR 4, fcsr, 0xff
  csrwi fcsr, 0
  li a0, 0xff
  csrw fflags, a0
  CHECK_CSR 5, fflags, 0x1f
  CHECK_CSR 6, frm, 0
  li a0, 0xfd
  csrw frm, a0
  CHECK_CSR 7, frm, 5
  CHECK_CSR 8, fcsr, (5 << 5) | 0x1f
  csrrci a0, fflags, 0x3
  CHECK 9, a0, 0x1f
  CHECK_CSR 10, fcsr, (5 << 5) | 0x1c
  csrrsi a0, frm, 2
  CHECK 11, a0, 5
  CHECK_CSR 12, frm, 7
  csrwi fcsr, 0
  CHECK_NOTRAP 13

  // ---- reserved rounding modes
  LI_S f1, 0x3f800000
  LI_S f2, 0x40000000
.Lrm5:
  .insn r OP_FP, 5, 0, f3, f1, f2                 // fadd.s rm=5
  CHECK_ILLEGAL 20, .Lrm5
.Lrm6:
  .insn r OP_FP, 6, 1, f3, f1, f2                 // fadd.d rm=6
  CHECK_ILLEGAL 21, .Lrm6
  csrwi frm, 5
.Ldyn5:
  fadd.s f3, f1, f2, dyn
  CHECK_ILLEGAL 22, .Ldyn5
  csrwi frm, 6
.Ldyn6:
  fmul.d f3, f1, f2, dyn
  CHECK_ILLEGAL 23, .Ldyn6
  csrwi frm, 7
.Ldyn7:
  fcvt.w.s a0, f1, dyn
  CHECK_ILLEGAL 24, .Ldyn7
  // a static mode works whatever frm holds; so do ops without rounding
  fadd.s f3, f1, f2, rne
  fsgnj.s f4, f1, f2
  fmin.s f5, f1, f2
  CHECK_NOTRAP 25
  CHECKS 26, f3, 0x40400000
  csrwi fcsr, 0

  // ---- FS = Off: FP instructions and FP CSRs are illegal
  SET_FS MSTATUS_FS_OFF
  csrr a0, mstatus
  li t0, MSTATUS_FS
  and a0, a0, t0
  CHECK 30, a0, 0
  la a1, fp_buf
.Loff1:
  fadd.s f3, f1, f2
  CHECK_ILLEGAL 31, .Loff1
.Loff2:
  flw f3, 0(a1)
  CHECK_ILLEGAL 32, .Loff2
.Loff3:
  fsd f1, 0(a1)
  CHECK_ILLEGAL 33, .Loff3
.Loff4:
  fmv.x.w a0, f1
  CHECK_ILLEGAL 34, .Loff4
.Loff5:
  fmv.d.x f1, zero
  CHECK_ILLEGAL 35, .Loff5
.Loff6:
  csrr a0, fcsr
  CHECK_ILLEGAL 36, .Loff6
.Loff7:
  csrw fflags, zero
  CHECK_ILLEGAL 37, .Loff7
.Loff8:
  csrrwi a0, frm, 1
  CHECK_ILLEGAL 38, .Loff8
.Loff9:
  fsgnj.d f3, f1, f2
  CHECK_ILLEGAL 39, .Loff9
.Loff10:
  fcvt.d.l f3, zero
  CHECK_ILLEGAL 40, .Loff10
.Loff11:
  fmadd.d f3, f1, f2, f1
  CHECK_ILLEGAL 41, .Loff11
  .option push
  .option rvc
.Loff12:
  c.fld f8, 0(a1)
  .option pop
  CHECK_ILLEGAL 42, .Loff12
  // the same from S and U mode
  ENTER_S
.Loff13:
  fadd.d f3, f1, f2
  EXIT_TO_M
  CHECK_ILLEGAL 43, .Loff13
  ENTER_U
.Loff14:
  csrr a0, fflags
  EXIT_TO_M
  CHECK_ILLEGAL 44, .Loff14
  // registers survive FS=Off
  SET_FS MSTATUS_FS_INITIAL
  CHECKS 45, f1, 0x3f800000
  CHECKS 46, f2, 0x40000000

  // ---- Clean -> Dirty after an FP register write; SD summarises
  SET_FS MSTATUS_FS_CLEAN
  csrr a0, mstatus
  srli a1, a0, 63
  CHECK 50, a1, 0                       // SD clear while FS is Clean (XS/VS 0)
  srli a1, a0, 13
  andi a1, a1, 3
  CHECK 51, a1, 2
  csrr a0, sstatus
  srli a1, a0, 63
  CHECK 52, a1, 0
  fadd.s f3, f1, f2
  csrr a0, mstatus
  srli a1, a0, 13
  andi a1, a1, 3
  CHECK 53, a1, 3                       // Dirty
  srli a1, a0, 63
  CHECK 54, a1, 1                       // SD
  csrr a0, sstatus
  srli a1, a0, 13
  andi a1, a1, 3
  CHECK 55, a1, 3                       // sstatus mirrors FS
  srli a1, a0, 63
  CHECK 56, a1, 1                       // and SD
  // fcsr write dirties
  SET_FS MSTATUS_FS_CLEAN
  csrwi fflags, 1
  csrr a0, mstatus
  srli a1, a0, 13
  andi a1, a1, 3
  CHECK 57, a1, 3
  // a load into an FP register dirties
  SET_FS MSTATUS_FS_CLEAN
  la a1, fp_buf
  fld f5, 0(a1)
  csrr a0, mstatus
  srli a1, a0, 13
  andi a1, a1, 3
  CHECK 58, a1, 3
  // fmv.w.x dirties
  SET_FS MSTATUS_FS_INITIAL
  fmv.w.x f6, zero
  csrr a0, mstatus
  srli a1, a0, 13
  andi a1, a1, 3
  CHECK 59, a1, 3
  // FS written through sstatus
  li t0, SSTATUS_FS
  csrc sstatus, t0
  csrr a0, mstatus
  srli a1, a0, 13
  andi a1, a1, 3
  CHECK 62, a1, 0
  srli a1, a0, 63
  CHECK 63, a1, 0
.Loff15:
  fadd.s f3, f1, f2
  CHECK_ILLEGAL 64, .Loff15
  li t0, MSTATUS_FS_DIRTY
  csrs sstatus, t0
  csrr a0, mstatus
  srli a1, a0, 63
  CHECK 65, a1, 1
  // misa reports F and D
  csrr a0, misa
  andi a0, a0, (1 << 3) | (1 << 5)
  CHECK 66, a0, (1 << 3) | (1 << 5)
  CHECK_NOTRAP 67
TEST_END

  .data
  .balign 8
fp_buf: .dword 0x400921fb54442d18

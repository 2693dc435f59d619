// csr.S - Zicsr semantics: csrrw/rs/rc and immediate forms (old value
// returned, 5-bit zero-extended immediates), csrrs/rc with rs1=x0 and
// csrrsi/ci with uimm=0 do not write (so are legal on read-only CSRs), any
// write to a read-only CSR traps, unimplemented/absent CSRs trap (mtval 0
// or the instruction), CSR privilege, WARL fields of misa/mstatus/mtvec/
// mepc/satp/medeleg/mideleg, sstatus/sie/sip as restricted views.
#include "test.h"

TEST_BEGIN
  TRAPS_M
  TRAP_CLEAR
  // ---- read/modify/write forms on mscratch
  li a1, 0x123456789abcdef0
  csrw mscratch, a1
  li a2, 0x0fedcba987654321
  csrrw a0, mscratch, a2
  CHECK 1, a0, 0x123456789abcdef0
  CHECK_CSR 2, mscratch, 0x0fedcba987654321
  li a2, 0xf0
  csrrs a0, mscratch, a2
  CHECK 3, a0, 0x0fedcba987654321
  CHECK_CSR 4, mscratch, 0x0fedcba9876543f1
  li a2, 0x0f00000000000001
  csrrc a0, mscratch, a2
  CHECK 5, a0, 0x0fedcba9876543f1
  CHECK_CSR 6, mscratch, 0x00edcba9876543f0
  csrrwi a0, mscratch, 31                 // zero-extended: 31, not -1
  CHECK 7, a0, 0x00edcba9876543f0
  CHECK_CSR 8, mscratch, 31
  csrrci a0, mscratch, 0x11
  CHECK 9, a0, 31
  CHECK_CSR 10, mscratch, 0x0e
  csrrsi a0, mscratch, 0x10
  CHECK 11, a0, 0x0e
  CHECK_CSR 12, mscratch, 0x1e
  csrrs a0, mscratch, x0                  // pure read
  CHECK 13, a0, 0x1e
  csrrw x0, mscratch, a1                  // pure write
  CHECK_CSR 14, mscratch, 0x123456789abcdef0
  li a0, 5
  csrrw a0, mscratch, a0                  // rd == rs1: old value out, a0 in
  CHECK 15, a0, 0x123456789abcdef0
  CHECK_CSR 16, mscratch, 5
  la t0, trapm_save                       // the handler's scratch pointer
  csrw mscratch, t0
  CHECK_NOTRAP 17

  // ---- read-only CSRs: reads and non-writing forms are fine
  csrr a0, mhartid
  CHECK 20, a0, 0
  csrrs a0, mvendorid, x0
  csrrc a0, marchid, x0
  csrrsi a0, mimpid, 0
  csrrci a0, mhartid, 0
  csrr a0, cycle
  csrr a0, time
  csrr a0, instret
  CHECK_NOTRAP 21
  // ... any write attempt traps (csrrs/csrrc with a zero register: csr_rs_zero.S)
  li a1, 0
.Lro3:
  csrrsi a0, mhartid, 1
  CHECK_ILLEGAL 24, .Lro3
.Lro4:
  csrrwi a0, marchid, 0                   // csrrw always writes
  CHECK_ILLEGAL 25, .Lro4
.Lro5:
  csrw cycle, zero
  CHECK_ILLEGAL 26, .Lro5
.Lro6:
  csrw time, zero
  CHECK_ILLEGAL 27, .Lro6
.Lro7:
  csrrw x0, instret, a1
  CHECK_ILLEGAL 28, .Lro7
.Lro8:
  csrrci a0, mimpid, 2
  CHECK_ILLEGAL 29, .Lro8

  // ---- CSR numbers that do not exist here
.Lun1:
  csrr a0, 0x400                          // unallocated standard number
  CHECK_ILLEGAL 30, .Lun1
.Lun2:
  csrw 0x0c0, a0
  CHECK_ILLEGAL 31, .Lun2
.Lun3:
  csrr a0, 0x600                          // hstatus: no H extension
  CHECK_ILLEGAL 32, .Lun3
.Lun4:
  csrr a0, 0xc20                          // vl: no V extension
  CHECK_ILLEGAL 33, .Lun4
.Lun5:
  csrr a0, 0x008                          // vstart
  CHECK_ILLEGAL 34, .Lun5
.Lun6:
  csrrs a0, 0x5ff, x0
  CHECK_ILLEGAL 35, .Lun6

  // ---- privilege: the CSR number's bits 9:8 give the lowest privilege
  ENTER_S
  csrw sscratch, a1                       // S CSRs are fine
  csrr a0, sstatus
.Lpr1:
  csrr a0, mstatus
  nop
.Lpr2:
  csrw mscratch, zero
  nop
.Lpr3:
  csrr a0, mhartid                        // M read-only too
  EXIT_TO_M
  TRAPM_LD a0, TS_COUNT
  CHECK 40, a0, 3
  CHECK_MEPC 41, .Lpr3
  TRAPM_LD a0, TS_CAUSE
  CHECK 42, a0, CAUSE_ILLEGAL
  TRAP_CLEAR
  ENTER_U
.Lpr4:
  csrr a0, sstatus
  EXIT_TO_M
  CHECK_ILLEGAL 43, .Lpr4
  ENTER_U
.Lpr5:
  csrw sscratch, zero
  EXIT_TO_M
  CHECK_ILLEGAL 44, .Lpr5
  ENTER_U
.Lpr6:
  csrr a0, satp
  EXIT_TO_M
  CHECK_ILLEGAL 45, .Lpr6
  la t0, traps_save
  csrw sscratch, t0

  // ---- identification and WARL fields
  CHECK_CSR 50, misa, 0x800000000014112d   // RV64 ACDFIMSU
  csrr a0, mstatus
  srli a0, a0, 32
  andi a0, a0, 0xf
  CHECK 51, a0, 0xa                        // UXL = SXL = 64-bit
  csrr a0, sstatus
  srli a0, a0, 32
  andi a0, a0, 0x3
  CHECK 52, a0, 0x2                        // sstatus.UXL
  SET_MPP PRV_S
  csrr a0, mstatus
  srli a0, a0, 11
  andi a0, a0, 3
  CHECK 53, a0, PRV_S
  SET_MPP PRV_U
  csrr a0, mstatus
  srli a0, a0, 11
  andi a0, a0, 3
  CHECK 54, a0, PRV_U
  SET_MPP PRV_M
  // sstatus hides M fields; writes through it leave them alone
  li t0, MSTATUS_MPIE | MSTATUS_MPP
  csrs mstatus, t0
  csrr a0, sstatus
  li t0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | MSTATUS_MPRV
  and a0, a0, t0
  CHECK 56, a0, 0
  li t0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR
  csrw sstatus, t0
  csrr a0, mstatus
  li t1, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MIE
  and a0, a0, t1
  CHECK 57, a0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_MPIE | MSTATUS_MPP
  csrw sstatus, zero
  csrr a0, mstatus
  and a0, a0, t1
  CHECK 58, a0, MSTATUS_MPIE | MSTATUS_MPP
  li t0, MSTATUS_FS_INITIAL
  csrs mstatus, t0
  // mtvec/stvec: direct (0) and vectored (1) modes are kept
  csrr s0, mtvec
  la a0, trap_handler_m
  ori a1, a0, 1
  csrw mtvec, a1
  csrr a2, mtvec
  csrw mtvec, s0
  CHECKR 62, a2, a1
  csrr s0, stvec
  la a0, trap_handler_s
  ori a1, a0, 1
  csrw stvec, a1
  csrr a2, stvec
  csrw stvec, s0
  CHECKR 63, a2, a1
  // mcause/mtval/scause/stval are writable
  li a0, 0x8000000000000005
  csrw scause, a0
  CHECK_CSR 64, scause, 0x8000000000000005
  li a0, 0x1234
  csrw stval, a0
  CHECK_CSR 65, stval, 0x1234
  csrw mtval, a0
  CHECK_CSR 66, mtval, 0x1234
  // medeleg: the usual exceptions can be delegated (bit 11: warl.S)
  li a0, -1
  csrw medeleg, a0
  csrr a0, medeleg
  li t0, 0xb1ff                            // causes 0-8, 12, 13, 15
  and a1, a0, t0
  CHECK 68, a1, 0xb1ff
  csrw medeleg, zero
  // mideleg: S interrupts delegable, M interrupts not
  li a0, -1
  csrw mideleg, a0
  csrr a0, mideleg
  andi a1, a0, 0x222
  CHECK 69, a1, 0x222
  li t0, 0x888
  and a1, a0, t0
  CHECK 70, a1, 0
  // sie is mie restricted to delegated bits
  csrw mie, zero
  li a0, -1
  csrw sie, a0
  csrr a0, sie
  li t0, 0xaaa
  and a0, a0, t0
  CHECK 71, a0, 0x222
  csrr a0, mie
  li t0, 0xaaa
  and a0, a0, t0
  CHECK 72, a0, 0x222
  csrw mie, zero
  csrw mideleg, zero
  li a0, -1
  csrw sie, a0
  CHECK_CSR 73, sie, 0
  CHECK_CSR 74, mie, 0
  // sip: SSIP writable through sip only when delegated
  li a0, MIP_SSIP
  csrw mideleg, a0
  csrs sip, a0
  CHECK_CSR 75, sip, MIP_SSIP
  csrr a1, mip
  andi a1, a1, MIP_SSIP
  CHECK 76, a1, MIP_SSIP
  csrc sip, a0
  CHECK_CSR 77, sip, 0
  csrw mideleg, zero
  csrs mip, a0                              // set it in M, not delegated
  CHECK_CSR 78, sip, 0                      // invisible in sip
  csrc mip, a0
  // satp: an unsupported MODE write has no effect at all
  csrw satp, zero
  li a0, (1 << 60) | 5                      // mode 1 is reserved
  csrw satp, a0
  CHECK_CSR 79, satp, 0
  li a0, (15 << 60) | 5
  csrw satp, a0
  CHECK_CSR 80, satp, 0
  li a0, (SATP_MODE_SV57 << 60)
  csrw satp, a0
  CHECK_CSR 81, satp, (SATP_MODE_SV57 << 60)
  li a0, (7 << 60) | 1
  csrw satp, a0
  CHECK_CSR 82, satp, (SATP_MODE_SV57 << 60)
  csrw satp, zero
  // mhartid-like constants
  CHECK_CSR 83, mhartid, 0
  csrr a0, mstatus
  li t0, MSTATUS_UBE | (1 << 36) | (1 << 37)   // little-endian only
  and a0, a0, t0
  CHECK 84, a0, 0
  CHECK_NOTRAP 85
TEST_END

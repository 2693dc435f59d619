/* vm.h - the body shared by vm_sv39.S, vm_sv48.S and vm_sv57.S.  Define
 * LEVELS, SATP_MODE, VA_NEG (a negative canonical VA), VA_NONCANON and
 * optionally VA_HI (a VA needing the extra levels) before including it.
 *
 * S-mode runs on an identity map of RAM (gigapage, no U); U-mode code runs
 * through a U alias of RAM at VA_UCODE; data pages are mapped with various
 * permissions.  Page faults go to M (medeleg = 0) unless a check says so. */
#define VA_RW       0x40000000
#define VA_RO       0x40001000
#define VA_U        0x40002000
#define VA_XO       0x40003000
#define VA_AD       0x40004000
#define VA_WO       0x40005000
#define VA_SF       0x40006000
#define VA_URO      0x40007000
#define VA_UNMAPPED 0x40010000
#define VA_MEGA     0x40200000
#define PA_MEGA     0x80400000
#define VA_MEGA_BAD 0x40400000
#define VA_GIGA     0xc0000000
#define VA_UCODE    0x100000000
#define UALIAS      (VA_UCODE - RAM_BASE)
#define P1_MAGIC    0x1111222233334444
#define P2_MAGIC    0x5555666677778888

/* map va -> physical symbol/addr with flags at level */
.macro MAP va, pa_sym, flags, level
  mv a0, s0
  li a1, \va
  la a2, \pa_sym
  srli a2, a2, 12
  slli a2, a2, 10
  li t0, \flags
  or a2, a2, t0
  li a3, \level
  li a4, LEVELS
  call vm_map
.endm
.macro MAPA va, pa, flags, level
  mv a0, s0
  li a1, \va
  li a2, (((\pa) >> 12) << 10) | (\flags)
  li a3, \level
  li a4, LEVELS
  call vm_map
.endm
/* continue at the next instruction in U mode, through the U code alias */
.macro ENTER_UA
  SET_MPP PRV_U
  la t5, .Lua\@
  li t6, UALIAS
  add t5, t5, t6
  csrw mepc, t5
  mret
.Lua\@:
.endm
/* load 64 bits from va in S (U) mode into s1 */
.macro S_LOAD va
  li a0, \va
  li s1, 0
  ENTER_S
  ld s1, 0(a0)
  EXIT_TO_M
.endm
.macro U_LOAD va
  li a0, \va
  li s1, 0
  ENTER_UA
  ld s1, 0(a0)
  EXIT_TO_M
.endm
.macro PTE_FLAGS reg, va
  mv a0, s0
  li a1, \va
  call pte_addr
  ld \reg, 0(a0)
  andi \reg, \reg, 0xff
.endm

TEST_BEGIN
  TRAPS_M
  TRAPS_S
  TRAP_CLEAR
  la t0, vm_p1
  li t1, P1_MAGIC
  sd t1, 0(t0)
  la t0, vm_p2
  li t1, P2_MAGIC
  sd t1, 0(t0)
  li t0, PA_MEGA + 0x1238
  li t1, 0x0badc0de
  sd t1, 0(t0)
  call vm_alloc_page
  mv s0, a0
  li a4, LEVELS
  call vm_identity
  MAP VA_RW, vm_p1, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 0
  MAP VA_RO, vm_p1, PTE_V | PTE_R | PTE_A, 0
  MAP VA_U, vm_p1, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D, 0
  MAP VA_XO, vm_p1, PTE_V | PTE_X | PTE_A, 0
  MAP VA_AD, vm_p2, PTE_V | PTE_R | PTE_W, 0
  MAP VA_WO, vm_p1, PTE_V | PTE_W | PTE_A | PTE_D, 0
  MAP VA_SF, vm_p1, PTE_V | PTE_R | PTE_A, 0
  MAP VA_URO, vm_p1, PTE_V | PTE_R | PTE_U | PTE_A, 0
  MAPA VA_MEGA, PA_MEGA, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 1
  MAPA VA_MEGA_BAD, PA_MEGA + 0x1000, PTE_V | PTE_R | PTE_A, 1
  MAPA VA_GIGA, RAM_BASE, PTE_V | PTE_R | PTE_A, 2
  MAPA VA_UCODE, RAM_BASE, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A, 2
  MAP VA_NEG, vm_p2, PTE_V | PTE_R | PTE_A, 0
#ifdef VA_HI
  MAP VA_HI, vm_p1, PTE_V | PTE_R | PTE_A, 0
#endif
  SATP_SET SATP_MODE, s0
  csrr a0, satp
  srli a1, s0, 12
  li t0, (SATP_MODE << 60)
  or a1, a1, t0
  CHECKR 1, a0, a1

  // ---- basic translation from S
  S_LOAD VA_RW
  CHECK 2, s1, P1_MAGIC
  li a0, VA_RW
  li a1, 0x0123456789abcdef
  ENTER_S
  sd a1, 8(a0)
  lw s1, 12(a0)
  EXIT_TO_M
  CHECK 3, s1, 0x01234567
  la t0, vm_p1
  ld a0, 8(t0)
  CHECK 4, a0, 0x0123456789abcdef            // reached the physical page
  S_LOAD VA_MEGA + 0x1238                    // 2 MiB page
  CHECK 5, s1, 0x0badc0de
  la t0, vm_p1
  li t1, VA_GIGA - RAM_BASE
  add a0, t0, t1                             // 1 GiB page
  li s1, 0
  ENTER_S
  ld s1, 0(a0)
  EXIT_TO_M
  CHECK 6, s1, P1_MAGIC
  S_LOAD VA_NEG                              // negative canonical address
  CHECK 7, s1, P2_MAGIC
#ifdef VA_HI
  S_LOAD VA_HI
  CHECK 8, s1, P1_MAGIC
#endif
  CHECK_NOTRAP 9

  // ---- faults: not mapped, not canonical, W without R
  S_LOAD VA_UNMAPPED
  CHECK_MTRAP 10, CAUSE_LOAD_PAGE_FAULT, VA_UNMAPPED
  TRAPM_LD a0, TS_STATUS
  srli a0, a0, 11
  andi a0, a0, 3
  CHECK 11, a0, PRV_S
  li a0, VA_UNMAPPED + 0x18
  ENTER_S
  sd a0, 0(a0)
  EXIT_TO_M
  CHECK_MTRAP 12, CAUSE_STORE_PAGE_FAULT, VA_UNMAPPED + 0x18
  S_LOAD VA_NONCANON
  CHECK_MTRAP 13, CAUSE_LOAD_PAGE_FAULT, VA_NONCANON
  S_LOAD VA_WO
  CHECK_MTRAP 14, CAUSE_LOAD_PAGE_FAULT, VA_WO
  li a0, VA_WO
  ENTER_S
  sd a0, 0(a0)
  EXIT_TO_M
  CHECK_MTRAP 15, CAUSE_STORE_PAGE_FAULT, VA_WO
  // misaligned superpage
  S_LOAD VA_MEGA_BAD
  CHECK_MTRAP 16, CAUSE_LOAD_PAGE_FAULT, VA_MEGA_BAD
  // ---- permissions
  li a0, VA_RO + 0x20
  ENTER_S
  ld s1, 0(a0)
  sd a0, 0(a0)                               // read-only
  EXIT_TO_M
  CHECK 17, s1, 0
  CHECK_MTRAP 18, CAUSE_STORE_PAGE_FAULT, VA_RO + 0x20
  S_LOAD VA_XO                               // execute-only, MXR = 0
  CHECK_MTRAP 19, CAUSE_LOAD_PAGE_FAULT, VA_XO
  li t0, MSTATUS_MXR
  csrs mstatus, t0
  S_LOAD VA_XO                               // MXR = 1: readable
  CHECK 20, s1, P1_MAGIC
  li t0, MSTATUS_MXR
  csrc mstatus, t0
  CHECK_NOTRAP 21
  // fetch from a page without X: instruction page fault, epc = tval = va
  TRAP_RESUME_M .Lfetch_back
  li a0, VA_RW
  ENTER_AT PRV_S, a0
.Lfetch_back:
  CHECK_MTRAP 22, CAUSE_FETCH_PAGE_FAULT, VA_RW
  TRAPM_LD a0, TS_EPC
  CHECK 23, a0, VA_RW
  // ---- U bit and SUM
  S_LOAD VA_U                                // S reading a U page, SUM = 0
  CHECK_MTRAP 24, CAUSE_LOAD_PAGE_FAULT, VA_U
  li t0, MSTATUS_SUM
  csrs mstatus, t0
  S_LOAD VA_U
  CHECK 25, s1, P1_MAGIC
  CHECK_NOTRAP 26
  // S never executes a U page, even with SUM = 1
  TRAP_RESUME_M .Lfetch_back2
  li a0, VA_UCODE + 0x1000
  ENTER_AT PRV_S, a0
.Lfetch_back2:
  CHECK_MTRAP 27, CAUSE_FETCH_PAGE_FAULT, VA_UCODE + 0x1000
  li t0, MSTATUS_SUM
  csrc mstatus, t0
  U_LOAD VA_U                                // U reading a U page
  CHECK 28, s1, P1_MAGIC
  CHECK_NOTRAP 29
  U_LOAD VA_RW                               // U reading an S page
  CHECK_MTRAP 30, CAUSE_LOAD_PAGE_FAULT, VA_RW
  TRAPM_LD a0, TS_STATUS
  srli a0, a0, 11
  andi a0, a0, 3
  CHECK 31, a0, PRV_U
  li a0, VA_URO + 8
  ENTER_UA
  sd a0, 0(a0)                               // U store to a read-only U page
  EXIT_TO_M
  CHECK_MTRAP 32, CAUSE_STORE_PAGE_FAULT, VA_URO + 8
  // U fetching S code: its identity-mapped code has no U bit
  TRAP_RESUME_M .Lfetch_back3
  la a0, .Lfetch_back3
  ENTER_AT PRV_U, a0
.Lfetch_back3:
  CHECK_MTRAP_A 33, CAUSE_FETCH_PAGE_FAULT, .Lfetch_back3

  // ---- page faults delegated to S: scause/stval
  li t0, (1 << CAUSE_LOAD_PAGE_FAULT) | (1 << CAUSE_STORE_PAGE_FAULT) | (1 << CAUSE_FETCH_PAGE_FAULT)
  csrw medeleg, t0
  S_LOAD VA_UNMAPPED + 0x40
  CHECK_STRAP 34, CAUSE_LOAD_PAGE_FAULT, VA_UNMAPPED + 0x40
  li a0, VA_RO
  ENTER_UA
  sw a0, 4(a0)
  EXIT_TO_M
  CHECK_STRAP 35, CAUSE_STORE_PAGE_FAULT, VA_RO + 4
  csrw medeleg, zero
  TRAPM_LD a0, TS_COUNT
  CHECK 36, a0, 0

  // ---- hardware A/D updates
  PTE_FLAGS a0, VA_AD
  CHECK 40, a0, PTE_V | PTE_R | PTE_W
  S_LOAD VA_AD
  CHECK 41, s1, P2_MAGIC
  PTE_FLAGS a0, VA_AD
  CHECK 42, a0, PTE_V | PTE_R | PTE_W | PTE_A      // A set, D not
  li a0, VA_AD
  ENTER_S
  sd zero, 16(a0)
  EXIT_TO_M
  PTE_FLAGS a0, VA_AD
  CHECK 43, a0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  CHECK_NOTRAP 44
  // a store to a clean page (A=0, D=0) sets both at once
  mv a0, s0
  li a1, VA_AD
  call pte_addr
  ld t0, 0(a0)
  andi t0, t0, ~(PTE_A | PTE_D)
  sd t0, 0(a0)
  sfence.vma
  li a0, VA_AD
  ENTER_S
  sd zero, 16(a0)
  EXIT_TO_M
  PTE_FLAGS a0, VA_AD
  CHECK 45, a0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  // a faulting store sets neither
  mv a0, s0
  li a1, VA_AD
  call pte_addr
  ld t0, 0(a0)
  andi t0, t0, ~(PTE_A | PTE_D | PTE_W)
  sd t0, 0(a0)
  sfence.vma
  li a0, VA_AD
  ENTER_S
  sd zero, 16(a0)
  EXIT_TO_M
  CHECK_MTRAP 46, CAUSE_STORE_PAGE_FAULT, VA_AD + 16
  PTE_FLAGS a0, VA_AD
  CHECK 47, a0, PTE_V | PTE_R

  // ---- MPRV: M-mode loads and stores translated as MPP
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  SET_MPP PRV_S
  li a0, VA_RW
  ld s1, 0(a0)                               // translated as S
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  CHECK 50, s1, P1_MAGIC
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  SET_MPP PRV_U
  li a0, VA_RW
.Lmprv_fault:
  ld s1, 0(a0)                               // as U: no U bit -> fault
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  CHECK_MTRAP 51, CAUSE_LOAD_PAGE_FAULT, VA_RW
  CHECK_MEPC 52, .Lmprv_fault
  TRAPM_LD a0, TS_STATUS
  srli a0, a0, 11
  andi a0, a0, 3
  CHECK 53, a0, PRV_M                        // the trap came from M
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  SET_MPP PRV_U
  li a0, VA_U
  li a1, 0x77
  sd a1, 24(a0)                              // as U: allowed
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  la t0, vm_p1
  ld a0, 24(t0)
  CHECK 54, a0, 0x77
  // MPRV with MPP = M: no translation
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  SET_MPP PRV_M
  la a0, vm_p1
  ld s1, 0(a0)
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  CHECK 55, s1, P1_MAGIC
  // MPRV + SUM: S-mode view of a U page
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  SET_MPP PRV_S
  li a0, VA_U
  ld s1, 0(a0)
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  CHECK_MTRAP 56, CAUSE_LOAD_PAGE_FAULT, VA_U
  li t0, MSTATUS_MPRV | MSTATUS_SUM
  csrs mstatus, t0
  SET_MPP PRV_S
  li a0, VA_U
  ld s1, 0(a0)
  li t0, MSTATUS_MPRV | MSTATUS_SUM
  csrc mstatus, t0
  CHECK 57, s1, P1_MAGIC
  // MPRV does not affect instruction fetch (this code is not mapped for U)
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  SET_MPP PRV_U
  nop
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  CHECK_NOTRAP 58

  // ---- sfence.vma makes a changed PTE visible
  S_LOAD VA_SF
  CHECK 60, s1, P1_MAGIC
  mv a0, s0
  li a1, VA_SF
  la a2, vm_p2
  srli a2, a2, 12
  slli a2, a2, 10
  ori a2, a2, PTE_V | PTE_R | PTE_A
  li a3, 0
  li a4, LEVELS
  call vm_map
  li a0, VA_SF
  ENTER_S
  sfence.vma a0, zero                        // this page only
  ld s1, 0(a0)
  EXIT_TO_M
  CHECK 61, s1, P2_MAGIC
  // remove the mapping: global sfence, then it faults
  mv a0, s0
  li a1, VA_SF
  li a2, 0
  li a3, 0
  li a4, LEVELS
  call vm_map
  li a0, VA_SF
  ENTER_S
  sfence.vma
  ld s1, 0(a0)
  EXIT_TO_M
  CHECK_MTRAP 62, CAUSE_LOAD_PAGE_FAULT, VA_SF
  // switch satp to bare from S (TVM = 0) and back
  ENTER_S
  csrr s2, satp
  csrw satp, zero
  sfence.vma
  la a0, vm_p1                               // physical now
  ld s1, 0(a0)
  csrw satp, s2
  sfence.vma
  EXIT_TO_M
  CHECK 63, s1, P1_MAGIC
  S_LOAD VA_RW
  CHECK 64, s1, P1_MAGIC
  CHECK_NOTRAP 65
  // One physical block run hot in U-mode (through the U alias), then in
  // S-mode (identity map) with SUM = 0: a translation made for U indexes U's
  // TLB, so S must not run it; S's load of the U page faults.
  li t0, MSTATUS_SUM
  csrc mstatus, t0
  li a0, VA_U
  li s1, 0
  ENTER_UA
  li s2, 40                                  // past the default translation threshold
1:
  call vm_shared_ld
  addi s2, s2, -1
  bnez s2, 1b
  EXIT_TO_M
  CHECK 66, s1, P1_MAGIC
  CHECK_NOTRAP 67
  li a0, VA_U
  li s1, 0
  ENTER_S
  call vm_shared_ld
  EXIT_TO_M
  CHECK_MTRAP 68, CAUSE_LOAD_PAGE_FAULT, VA_U
  CHECK 69, s1, 0
  csrw satp, zero
  sfence.vma
TEST_END

/* pte_addr: a0 = root, a1 = va -> a0 = address of the leaf PTE for a 4 KiB
 * mapping made with vm_map (walks the tables; no allocation). */
pte_addr:
  li a5, LEVELS - 1
1:
  slli t0, a5, 3
  add t0, t0, a5
  addi t0, t0, 12
  srl t1, a1, t0
  andi t1, t1, 511
  slli t1, t1, 3
  add t1, a0, t1
  beqz a5, 2f
  ld t2, 0(t1)
  srli t2, t2, 10
  slli a0, t2, 12
  addi a5, a5, -1
  j 1b
2:
  mv a0, t1
  ret

/* s1 = the 64 bits at a0: called from U and S (see checks 66-69). */
vm_shared_ld:
  ld s1, 0(a0)
  ret

  .bss
  .balign 4096
vm_p1: .space 4096
vm_p2: .space 4096

// fs_dirty_fflags.S - fflags is FP state: an instruction whose only FP-side
// effect is raising exception flags (compare, fcvt to integer) must still
// make mstatus.FS Dirty (QEMU 7.2 leaves it Clean).
#include "test.h"
#include "fp.h"
.macro SET_FS val
  li t5, MSTATUS_FS
  csrc mstatus, t5
  li t5, \val
  csrs mstatus, t5
.endm
.macro CHECK_FS n, val
  CHECK_LABEL \n
  csrr t5, mstatus
  srli t5, t5, 13
  andi t5, t5, 3
  CMP \n, t5, \val
.endm
TEST_BEGIN
  LI_S f7, 0x7f800001              // sNaN
  LI_S f8, 0x3fc00000              // 1.5
  csrwi fflags, 0
  SET_FS MSTATUS_FS_CLEAN
  feq.s a0, f7, f7                  // raises NV only
  CHECK_FS 1, 3
  CHECK_FFLAGS 2, FF_NV
  SET_FS MSTATUS_FS_CLEAN
  fcvt.w.s a0, f8, rtz              // raises NX only
  CHECK_FS 3, 3
  CHECK_FFLAGS 4, FF_NX
  SET_FS MSTATUS_FS_CLEAN
  fclass.s a0, f7                   // no flags: state unchanged (not checked)
  flt.d a0, f7, f8                  // f7 is a NaN as a double too: NV
  CHECK_FS 5, 3
  CHECK_FFLAGS 6, FF_NV
TEST_END

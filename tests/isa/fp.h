/* fp.h - macros for the F/D tests (include after test.h).  Operands are raw
 * 64-bit register images loaded with fmv.d.x, so single-precision inputs
 * are written NaN-boxed (0xffffffff........) unless a test wants them not to
 * be.  Each macro is one numbered check: result bits and the fflags it
 * raised (fflags is read and cleared). */
#ifndef RVMM_ISA_FP_H
#define RVMM_ISA_FP_H
#define FF_NX 1
#define FF_UF 2
#define FF_OF 4
#define FF_DZ 8
#define FF_NV 16
#define BOX(x) (0xffffffff00000000 | (x))

.macro FRES n, freg, res, flags
  CHECK_LABEL \n
  fmv.x.d t5, \freg
  CMP \n, t5, \res
  csrrw t5, fflags, zero
  CMP \n, t5, \flags
.endm
.macro IRES n, reg, res, flags
  CHECK_LABEL \n
  CMP \n, \reg, \res
  csrrw t5, fflags, zero
  CMP \n, t5, \flags
.endm
/* two operands with a rounding mode */
.macro FOP2 n, op, rm, a, b, res, flags
  LI_D f1, \a
  LI_D f2, \b
  \op f3, f1, f2, \rm
  FRES \n, f3, \res, \flags
.endm
/* two operands, no rounding mode (fmin/fmax/fsgnj*) */
.macro FOP2NR n, op, a, b, res, flags
  LI_D f1, \a
  LI_D f2, \b
  \op f3, f1, f2
  FRES \n, f3, \res, \flags
.endm
.macro FOP1 n, op, rm, a, res, flags
  LI_D f1, \a
  \op f3, f1, \rm
  FRES \n, f3, \res, \flags
.endm
.macro FOP3 n, op, rm, a, b, c, res, flags
  LI_D f1, \a
  LI_D f2, \b
  LI_D f4, \c
  \op f3, f1, f2, f4, \rm
  FRES \n, f3, \res, \flags
.endm
/* compares: integer result */
.macro FCMP n, op, a, b, res, flags
  LI_D f1, \a
  LI_D f2, \b
  \op s1, f1, f2
  IRES \n, s1, \res, \flags
.endm
.macro FCLASS n, op, a, res
  LI_D f1, \a
  \op s1, f1
  IRES \n, s1, \res, 0
.endm
/* float -> integer */
.macro FCVT_I n, op, rm, a, res, flags
  LI_D f1, \a
  \op s1, f1, \rm
  IRES \n, s1, \res, \flags
.endm
/* integer -> float (rm may be empty for exact conversions) */
.macro FCVT_F n, op, rm, ival, res, flags
  li a4, \ival
  .ifb \rm
  \op f3, a4
  .else
  \op f3, a4, \rm
  .endif
  FRES \n, f3, \res, \flags
.endm
/* float -> float */
.macro FCVT_FF n, op, rm, a, res, flags
  LI_D f1, \a
  .ifb \rm
  \op f3, f1
  .else
  \op f3, f1, \rm
  .endif
  FRES \n, f3, \res, \flags
.endm
#endif

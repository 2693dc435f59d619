/*
 * fpu.h - IEEE 754 single and double precision arithmetic with RISC-V semantics.
 *
 * Values travel as raw bit patterns (uint32_t for binary32, uint64_t for binary64);
 * NaN-boxing of singles in the 64-bit register file is the caller's job.
 * Every function takes a resolved rounding mode (FPU_RNE..FPU_RMM, never DYN)
 * and ORs the exception flags it raises into *flags (RISC-V fflags encoding).
 * Results follow the RISC-V F/D chapters: NaN results are the canonical NaN,
 * fmin/fmax follow the 2019 minimumNumber/maximumNumber rules with -0 < +0,
 * conversions to integer saturate and raise NV, fma is truly fused, and
 * tininess is detected after rounding.
 */
#ifndef RVMM_CPU_FPU_H
#define RVMM_CPU_FPU_H

#include <stdbool.h>
#include <stdint.h>

enum fpu_rounding {
    FPU_RNE = 0, /* to nearest, ties to even */
    FPU_RTZ = 1, /* toward zero */
    FPU_RDN = 2, /* down, toward -inf */
    FPU_RUP = 3, /* up, toward +inf */
    FPU_RMM = 4, /* to nearest, ties to max magnitude */
};

enum fpu_flag {
    FPU_NX = 1 << 0, /* inexact */
    FPU_UF = 1 << 1, /* underflow */
    FPU_OF = 1 << 2, /* overflow */
    FPU_DZ = 1 << 3, /* divide by zero */
    FPU_NV = 1 << 4, /* invalid operation */
};

#define FPU_F32_CANONICAL_NAN 0x7fc00000u
#define FPU_F64_CANONICAL_NAN 0x7ff8000000000000ull

/* Fused multiply-add variants, as the four R4-type opcodes define them. */
enum fpu_fma_op {
    FPU_FMADD,  /*  (a * b) + c */
    FPU_FMSUB,  /*  (a * b) - c */
    FPU_FNMSUB, /* -(a * b) + c */
    FPU_FNMADD, /* -(a * b) - c */
};

/* binary32 */
uint32_t fpu_f32_add(uint32_t a, uint32_t b, unsigned rm, unsigned *flags);
uint32_t fpu_f32_sub(uint32_t a, uint32_t b, unsigned rm, unsigned *flags);
uint32_t fpu_f32_mul(uint32_t a, uint32_t b, unsigned rm, unsigned *flags);
uint32_t fpu_f32_div(uint32_t a, uint32_t b, unsigned rm, unsigned *flags);
uint32_t fpu_f32_sqrt(uint32_t a, unsigned rm, unsigned *flags);
uint32_t fpu_f32_fma(uint32_t a, uint32_t b, uint32_t c, enum fpu_fma_op op, unsigned rm,
                     unsigned *flags);
uint32_t fpu_f32_min(uint32_t a, uint32_t b, unsigned *flags);
uint32_t fpu_f32_max(uint32_t a, uint32_t b, unsigned *flags);
/* feq is quiet (NV only for sNaN); flt and fle are signalling (NV for any NaN). */
bool fpu_f32_eq(uint32_t a, uint32_t b, unsigned *flags);
bool fpu_f32_lt(uint32_t a, uint32_t b, unsigned *flags);
bool fpu_f32_le(uint32_t a, uint32_t b, unsigned *flags);
/* Returns the 10-bit fclass mask. */
unsigned fpu_f32_class(uint32_t a);
/* fcvt.{w,wu,l,lu}.s: 32-bit results are returned sign-extended to 64 bits as
 * the W forms write them to rd (fcvt.wu.s also sign-extends bit 31). */
int64_t fpu_f32_to_i32(uint32_t a, unsigned rm, unsigned *flags);
int64_t fpu_f32_to_u32(uint32_t a, unsigned rm, unsigned *flags);
int64_t fpu_f32_to_i64(uint32_t a, unsigned rm, unsigned *flags);
uint64_t fpu_f32_to_u64(uint32_t a, unsigned rm, unsigned *flags);
uint32_t fpu_i32_to_f32(int32_t v, unsigned rm, unsigned *flags);
uint32_t fpu_u32_to_f32(uint32_t v, unsigned rm, unsigned *flags);
uint32_t fpu_i64_to_f32(int64_t v, unsigned rm, unsigned *flags);
uint32_t fpu_u64_to_f32(uint64_t v, unsigned rm, unsigned *flags);

/* binary64 */
uint64_t fpu_f64_add(uint64_t a, uint64_t b, unsigned rm, unsigned *flags);
uint64_t fpu_f64_sub(uint64_t a, uint64_t b, unsigned rm, unsigned *flags);
uint64_t fpu_f64_mul(uint64_t a, uint64_t b, unsigned rm, unsigned *flags);
uint64_t fpu_f64_div(uint64_t a, uint64_t b, unsigned rm, unsigned *flags);
uint64_t fpu_f64_sqrt(uint64_t a, unsigned rm, unsigned *flags);
uint64_t fpu_f64_fma(uint64_t a, uint64_t b, uint64_t c, enum fpu_fma_op op, unsigned rm,
                     unsigned *flags);
uint64_t fpu_f64_min(uint64_t a, uint64_t b, unsigned *flags);
uint64_t fpu_f64_max(uint64_t a, uint64_t b, unsigned *flags);
bool fpu_f64_eq(uint64_t a, uint64_t b, unsigned *flags);
bool fpu_f64_lt(uint64_t a, uint64_t b, unsigned *flags);
bool fpu_f64_le(uint64_t a, uint64_t b, unsigned *flags);
unsigned fpu_f64_class(uint64_t a);
int64_t fpu_f64_to_i32(uint64_t a, unsigned rm, unsigned *flags);
int64_t fpu_f64_to_u32(uint64_t a, unsigned rm, unsigned *flags);
int64_t fpu_f64_to_i64(uint64_t a, unsigned rm, unsigned *flags);
uint64_t fpu_f64_to_u64(uint64_t a, unsigned rm, unsigned *flags);
uint64_t fpu_i32_to_f64(int32_t v, unsigned rm, unsigned *flags);
uint64_t fpu_u32_to_f64(uint32_t v, unsigned rm, unsigned *flags);
uint64_t fpu_i64_to_f64(int64_t v, unsigned rm, unsigned *flags);
uint64_t fpu_u64_to_f64(uint64_t v, unsigned rm, unsigned *flags);

/* conversions between formats */
uint64_t fpu_f32_to_f64(uint32_t a, unsigned *flags);
uint32_t fpu_f64_to_f32(uint64_t a, unsigned rm, unsigned *flags);

#endif

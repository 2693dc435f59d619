/*
 * fpu_soft.h - a second copy of src/cpu/fpu.c built with only its portable software
 * engine (RVMM_FPU_SOFT), every public fpu_* function renamed fpusoft_*. Included by
 * tests/unit/test_fpu.c so that one test binary checks both engines: the x86 SSE
 * engine that the real build uses for RNE/RTZ/RDN/RUP, and the software engine that
 * serves RMM there and every mode on other hosts. Include after cpu/fpu.h.
 */
#ifndef RVMM_TESTS_FPU_SOFT_H
#define RVMM_TESTS_FPU_SOFT_H

#include "cpu/fpu.h"

#define RVMM_FPU_SOFT 1
#define fpu_f32_add fpusoft_f32_add
#define fpu_f32_sub fpusoft_f32_sub
#define fpu_f32_mul fpusoft_f32_mul
#define fpu_f32_div fpusoft_f32_div
#define fpu_f32_sqrt fpusoft_f32_sqrt
#define fpu_f32_fma fpusoft_f32_fma
#define fpu_f32_min fpusoft_f32_min
#define fpu_f32_max fpusoft_f32_max
#define fpu_f32_eq fpusoft_f32_eq
#define fpu_f32_lt fpusoft_f32_lt
#define fpu_f32_le fpusoft_f32_le
#define fpu_f32_class fpusoft_f32_class
#define fpu_f32_to_i32 fpusoft_f32_to_i32
#define fpu_f32_to_u32 fpusoft_f32_to_u32
#define fpu_f32_to_i64 fpusoft_f32_to_i64
#define fpu_f32_to_u64 fpusoft_f32_to_u64
#define fpu_i32_to_f32 fpusoft_i32_to_f32
#define fpu_u32_to_f32 fpusoft_u32_to_f32
#define fpu_i64_to_f32 fpusoft_i64_to_f32
#define fpu_u64_to_f32 fpusoft_u64_to_f32
#define fpu_f64_add fpusoft_f64_add
#define fpu_f64_sub fpusoft_f64_sub
#define fpu_f64_mul fpusoft_f64_mul
#define fpu_f64_div fpusoft_f64_div
#define fpu_f64_sqrt fpusoft_f64_sqrt
#define fpu_f64_fma fpusoft_f64_fma
#define fpu_f64_min fpusoft_f64_min
#define fpu_f64_max fpusoft_f64_max
#define fpu_f64_eq fpusoft_f64_eq
#define fpu_f64_lt fpusoft_f64_lt
#define fpu_f64_le fpusoft_f64_le
#define fpu_f64_class fpusoft_f64_class
#define fpu_f64_to_i32 fpusoft_f64_to_i32
#define fpu_f64_to_u32 fpusoft_f64_to_u32
#define fpu_f64_to_i64 fpusoft_f64_to_i64
#define fpu_f64_to_u64 fpusoft_f64_to_u64
#define fpu_i32_to_f64 fpusoft_i32_to_f64
#define fpu_u32_to_f64 fpusoft_u32_to_f64
#define fpu_i64_to_f64 fpusoft_i64_to_f64
#define fpu_u64_to_f64 fpusoft_u64_to_f64
#define fpu_f32_to_f64 fpusoft_f32_to_f64
#define fpu_f64_to_f32 fpusoft_f64_to_f32
#include "../../src/cpu/fpu.c"
#undef fpu_f32_add
#undef fpu_f32_sub
#undef fpu_f32_mul
#undef fpu_f32_div
#undef fpu_f32_sqrt
#undef fpu_f32_fma
#undef fpu_f32_min
#undef fpu_f32_max
#undef fpu_f32_eq
#undef fpu_f32_lt
#undef fpu_f32_le
#undef fpu_f32_class
#undef fpu_f32_to_i32
#undef fpu_f32_to_u32
#undef fpu_f32_to_i64
#undef fpu_f32_to_u64
#undef fpu_i32_to_f32
#undef fpu_u32_to_f32
#undef fpu_i64_to_f32
#undef fpu_u64_to_f32
#undef fpu_f64_add
#undef fpu_f64_sub
#undef fpu_f64_mul
#undef fpu_f64_div
#undef fpu_f64_sqrt
#undef fpu_f64_fma
#undef fpu_f64_min
#undef fpu_f64_max
#undef fpu_f64_eq
#undef fpu_f64_lt
#undef fpu_f64_le
#undef fpu_f64_class
#undef fpu_f64_to_i32
#undef fpu_f64_to_u32
#undef fpu_f64_to_i64
#undef fpu_f64_to_u64
#undef fpu_i32_to_f64
#undef fpu_u32_to_f64
#undef fpu_i64_to_f64
#undef fpu_u64_to_f64
#undef fpu_f32_to_f64
#undef fpu_f64_to_f32
#undef RVMM_FPU_SOFT

/* The list of public functions, for building dispatch tables. */
#define FPU_FUNCS(X) \
    X(f32_add) \
    X(f32_sub) \
    X(f32_mul) \
    X(f32_div) \
    X(f32_sqrt) \
    X(f32_fma) \
    X(f32_min) \
    X(f32_max) \
    X(f32_eq) \
    X(f32_lt) \
    X(f32_le) \
    X(f32_class) \
    X(f32_to_i32) \
    X(f32_to_u32) \
    X(f32_to_i64) \
    X(f32_to_u64) \
    X(i32_to_f32) \
    X(u32_to_f32) \
    X(i64_to_f32) \
    X(u64_to_f32) \
    X(f64_add) \
    X(f64_sub) \
    X(f64_mul) \
    X(f64_div) \
    X(f64_sqrt) \
    X(f64_fma) \
    X(f64_min) \
    X(f64_max) \
    X(f64_eq) \
    X(f64_lt) \
    X(f64_le) \
    X(f64_class) \
    X(f64_to_i32) \
    X(f64_to_u32) \
    X(f64_to_i64) \
    X(f64_to_u64) \
    X(i32_to_f64) \
    X(u32_to_f64) \
    X(i64_to_f64) \
    X(u64_to_f64) \
    X(f32_to_f64) \
    X(f64_to_f32)

#endif

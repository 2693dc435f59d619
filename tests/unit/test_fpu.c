/*
 * test_fpu.c - RISC-V F/D arithmetic (src/cpu/fpu.c).
 *
 * Every test runs twice: against the real fpu_* functions (host SSE for
 * RNE/RTZ/RDN/RUP on x86-64, software for RMM) and against a second copy of fpu.c
 * compiled with only its software engine (tests/fpu/fpu_soft.h). Besides the
 * hand-written cases below, test_reference_vectors checks every vector of
 * tests/fpu/vectors.h, whose expected results and fflags were produced by real
 * RISC-V instructions under qemu-riscv64 (tests/fpu/gen_vectors.py).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fenv.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cpu/fpu.h"

#include "../fpu/fpu_soft.h"

/* ------------------------------------------------------------------------ */
/* The two engines                                                            */
/* ------------------------------------------------------------------------ */

struct fpu_api {
    const char *name;
#define X(n) __typeof__(&fpu_##n) n;
    FPU_FUNCS(X)
#undef X
};

static const struct fpu_api hw_api = {
    .name = "fpu",
#define X(n) .n = fpu_##n,
    FPU_FUNCS(X)
#undef X
};

static const struct fpu_api soft_api = {
    .name = "fpusoft",
#define X(n) .n = fpusoft_##n,
    FPU_FUNCS(X)
#undef X
};

/* ------------------------------------------------------------------------ */
/* Reference vectors                                                          */
/* ------------------------------------------------------------------------ */

enum fpu_vec_op {
#define FPU_OP(name) name,
#include "../fpu/ops.def"
#undef FPU_OP
    FPU_VEC_OP_COUNT
};

static const char *const op_names[] = {
#define FPU_OP(name) #name,
#include "../fpu/ops.def"
#undef FPU_OP
};

struct fpu_vec_rm {
    int op;
    uint64_t a, b, c;
    uint64_t r[5]; /* RNE, RTZ, RDN, RUP, RMM */
    uint32_t flags; /* 5 bits per mode, RNE lowest */
};

struct fpu_vec_free {
    int op;
    uint64_t a, b, r;
    unsigned flags;
};

#include "../fpu/vectors.h"

#define NELEM(x) (sizeof(x) / sizeof((x)[0]))

/* Runs one operation; integer inputs arrive as the 64-bit register value. */
static uint64_t apply(const struct fpu_api *api, int op, uint64_t a, uint64_t b, uint64_t c,
                      unsigned rm, unsigned *fl)
{
    uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b, c32 = (uint32_t)c;
    switch (op) {
    case F32_ADD: return api->f32_add(a32, b32, rm, fl);
    case F32_SUB: return api->f32_sub(a32, b32, rm, fl);
    case F32_MUL: return api->f32_mul(a32, b32, rm, fl);
    case F32_DIV: return api->f32_div(a32, b32, rm, fl);
    case F32_SQRT: return api->f32_sqrt(a32, rm, fl);
    case F32_FMADD: return api->f32_fma(a32, b32, c32, FPU_FMADD, rm, fl);
    case F32_FMSUB: return api->f32_fma(a32, b32, c32, FPU_FMSUB, rm, fl);
    case F32_FNMSUB: return api->f32_fma(a32, b32, c32, FPU_FNMSUB, rm, fl);
    case F32_FNMADD: return api->f32_fma(a32, b32, c32, FPU_FNMADD, rm, fl);
    case F32_MIN: return api->f32_min(a32, b32, fl);
    case F32_MAX: return api->f32_max(a32, b32, fl);
    case F32_EQ: return api->f32_eq(a32, b32, fl);
    case F32_LT: return api->f32_lt(a32, b32, fl);
    case F32_LE: return api->f32_le(a32, b32, fl);
    case F32_CLASS: return api->f32_class(a32);
    case F32_TO_I32: return (uint64_t)api->f32_to_i32(a32, rm, fl);
    case F32_TO_U32: return (uint64_t)api->f32_to_u32(a32, rm, fl);
    case F32_TO_I64: return (uint64_t)api->f32_to_i64(a32, rm, fl);
    case F32_TO_U64: return api->f32_to_u64(a32, rm, fl);
    case I32_TO_F32: return api->i32_to_f32((int32_t)a32, rm, fl);
    case U32_TO_F32: return api->u32_to_f32(a32, rm, fl);
    case I64_TO_F32: return api->i64_to_f32((int64_t)a, rm, fl);
    case U64_TO_F32: return api->u64_to_f32(a, rm, fl);
    case F64_ADD: return api->f64_add(a, b, rm, fl);
    case F64_SUB: return api->f64_sub(a, b, rm, fl);
    case F64_MUL: return api->f64_mul(a, b, rm, fl);
    case F64_DIV: return api->f64_div(a, b, rm, fl);
    case F64_SQRT: return api->f64_sqrt(a, rm, fl);
    case F64_FMADD: return api->f64_fma(a, b, c, FPU_FMADD, rm, fl);
    case F64_FMSUB: return api->f64_fma(a, b, c, FPU_FMSUB, rm, fl);
    case F64_FNMSUB: return api->f64_fma(a, b, c, FPU_FNMSUB, rm, fl);
    case F64_FNMADD: return api->f64_fma(a, b, c, FPU_FNMADD, rm, fl);
    case F64_MIN: return api->f64_min(a, b, fl);
    case F64_MAX: return api->f64_max(a, b, fl);
    case F64_EQ: return api->f64_eq(a, b, fl);
    case F64_LT: return api->f64_lt(a, b, fl);
    case F64_LE: return api->f64_le(a, b, fl);
    case F64_CLASS: return api->f64_class(a);
    case F64_TO_I32: return (uint64_t)api->f64_to_i32(a, rm, fl);
    case F64_TO_U32: return (uint64_t)api->f64_to_u32(a, rm, fl);
    case F64_TO_I64: return (uint64_t)api->f64_to_i64(a, rm, fl);
    case F64_TO_U64: return api->f64_to_u64(a, rm, fl);
    case I32_TO_F64: return api->i32_to_f64((int32_t)a32, rm, fl);
    case U32_TO_F64: return api->u32_to_f64(a32, rm, fl);
    case I64_TO_F64: return api->i64_to_f64((int64_t)a, rm, fl);
    case U64_TO_F64: return api->u64_to_f64(a, rm, fl);
    case F32_TO_F64: return api->f32_to_f64(a32, fl);
    case F64_TO_F32: return api->f64_to_f32(a, rm, fl);
    default: fail_msg("unknown op %d", op); return 0;
    }
}

static const char *const rm_names[] = {"RNE", "RTZ", "RDN", "RUP", "RMM"};

static unsigned report_mismatch(const struct fpu_api *api, unsigned failures, int op, unsigned rm,
                                uint64_t a, uint64_t b, uint64_t c, uint64_t got, unsigned gotf,
                                uint64_t want, unsigned wantf)
{
    if (failures < 25)
        print_error("%s: %s %s a=%#llx b=%#llx c=%#llx: got %#llx fflags %#x, want %#llx "
                    "fflags %#x\n",
                    api->name, op_names[op], rm > 4 ? "-" : rm_names[rm], (unsigned long long)a,
                    (unsigned long long)b, (unsigned long long)c, (unsigned long long)got, gotf,
                    (unsigned long long)want, wantf);
    return failures + 1;
}

static void test_reference_vectors(void **state)
{
    const struct fpu_api *api = *state;
    unsigned failures = 0, checked = 0;
    for (size_t i = 0; i < NELEM(fpu_vectors_rm); i++) {
        const struct fpu_vec_rm *v = &fpu_vectors_rm[i];
        for (unsigned rm = 0; rm < 5; rm++) {
            unsigned fl = 0, wantf = (v->flags >> (5 * rm)) & 0x1f;
            uint64_t got = apply(api, v->op, v->a, v->b, v->c, rm, &fl);
            if (got != v->r[rm] || fl != wantf)
                failures = report_mismatch(api, failures, v->op, rm, v->a, v->b, v->c, got, fl,
                                           v->r[rm], wantf);
            checked++;
        }
    }
    for (size_t i = 0; i < NELEM(fpu_vectors_free); i++) {
        const struct fpu_vec_free *v = &fpu_vectors_free[i];
        unsigned fl = 0;
        uint64_t got = apply(api, v->op, v->a, v->b, 0, FPU_RNE, &fl);
        if (got != v->r || fl != v->flags)
            failures =
                report_mismatch(api, failures, v->op, 9, v->a, v->b, 0, got, fl, v->r, v->flags);
        checked++;
    }
    print_message("%s: %u reference vectors checked, %u mismatches\n", api->name, checked,
                  failures);
    assert_true(checked > 20000);
    assert_int_equal(failures, 0);
}

/* Every op of ops.def appears in the vectors, under every rounding mode that applies. */
static void test_reference_vectors_cover_all_ops(void **state)
{
    (void)state;
    unsigned count[FPU_VEC_OP_COUNT] = {0};
    for (size_t i = 0; i < NELEM(fpu_vectors_rm); i++)
        count[fpu_vectors_rm[i].op]++;
    for (size_t i = 0; i < NELEM(fpu_vectors_free); i++)
        count[fpu_vectors_free[i].op]++;
    for (int op = 0; op < FPU_VEC_OP_COUNT; op++) {
        if (count[op] < 40)
            fail_msg("op %s has only %u vectors", op_names[op], count[op]);
    }
}

/* ------------------------------------------------------------------------ */
/* Hand-written cases                                                         */
/* ------------------------------------------------------------------------ */

#define RNE FPU_RNE
#define RTZ FPU_RTZ
#define RDN FPU_RDN
#define RUP FPU_RUP
#define RMM FPU_RMM
#define NX FPU_NX
#define UF FPU_UF
#define OF FPU_OF
#define DZ FPU_DZ
#define NV FPU_NV

/* binary32 */
#define S_ONE 0x3f800000u
#define S_NONE 0xbf800000u
#define S_TWO 0x40000000u
#define S_HALF 0x3f000000u
#define S_INF 0x7f800000u
#define S_NINF 0xff800000u
#define S_QNAN 0x7fc00000u
#define S_SNAN 0x7f800001u
#define S_MAX 0x7f7fffffu
#define S_MINN 0x00800000u /* smallest normal */
#define S_MINS 0x00000001u /* smallest subnormal */
#define S_NZERO 0x80000000u
#define S_ULP1 0x33800000u  /* 2^-24: half an ulp of 1.0 */
/* binary64 */
#define D_ONE 0x3ff0000000000000ull
#define D_NONE 0xbff0000000000000ull
#define D_TWO 0x4000000000000000ull
#define D_HALF 0x3fe0000000000000ull
#define D_INF 0x7ff0000000000000ull
#define D_NINF 0xfff0000000000000ull
#define D_QNAN 0x7ff8000000000000ull
#define D_SNAN 0x7ff0000000000001ull
#define D_MAX 0x7fefffffffffffffull
#define D_MINN 0x0010000000000000ull
#define D_MINS 0x0000000000000001ull
#define D_NZERO 0x8000000000000000ull
#define D_ULP1 0x3ca0000000000000ull /* 2^-53 */

static const struct fpu_api *api;

static int setup_api(void **state)
{
    api = *state;
    return 0;
}

/* Evaluates CALL (which may use `fl`), compares result bits and the exact fflags. */
#define EXPECT(call, want, wantf)                                                           \
    do {                                                                                    \
        unsigned fl = 0;                                                                    \
        uint64_t got_ = (uint64_t)(call);                                                   \
        if (got_ != (uint64_t)(want) || fl != (unsigned)(wantf))                            \
            fail_msg("%s: %s -> %#llx fflags %#x, want %#llx fflags %#x", api->name, #call, \
                     (unsigned long long)got_, fl, (unsigned long long)(want),              \
                     (unsigned)(wantf));                                                    \
    } while (0)

static void test_rounding_ties(void **state)
{
    (void)state;
    /* 1 + 2^-24: exact tie between 1 and 1+ulp (1 is even). */
    EXPECT(api->f32_add(S_ONE, S_ULP1, RNE, &fl), S_ONE, NX);
    EXPECT(api->f32_add(S_ONE, S_ULP1, RTZ, &fl), S_ONE, NX);
    EXPECT(api->f32_add(S_ONE, S_ULP1, RDN, &fl), S_ONE, NX);
    EXPECT(api->f32_add(S_ONE, S_ULP1, RUP, &fl), S_ONE + 1, NX);
    EXPECT(api->f32_add(S_ONE, S_ULP1, RMM, &fl), S_ONE + 1, NX);
    /* Negative tie: RDN/RMM away from zero, RUP toward. */
    EXPECT(api->f32_sub(S_NONE, S_ULP1, RNE, &fl), S_NONE, NX);
    EXPECT(api->f32_sub(S_NONE, S_ULP1, RDN, &fl), S_NONE + 1, NX);
    EXPECT(api->f32_sub(S_NONE, S_ULP1, RUP, &fl), S_NONE, NX);
    EXPECT(api->f32_sub(S_NONE, S_ULP1, RMM, &fl), S_NONE + 1, NX);
    EXPECT(api->f32_sub(S_NONE, S_ULP1, RTZ, &fl), S_NONE, NX);
    /* (1+ulp) + half ulp: tie, RNE goes up to the even neighbour, RMM up, RTZ down. */
    EXPECT(api->f32_add(S_ONE + 1, S_ULP1, RNE, &fl), S_ONE + 2, NX);
    EXPECT(api->f32_add(S_ONE + 1, S_ULP1, RMM, &fl), S_ONE + 2, NX);
    EXPECT(api->f32_add(S_ONE + 1, S_ULP1, RTZ, &fl), S_ONE + 1, NX);
    /* Not a tie: 1 + 0.75 ulp and 1 + 0.25 ulp. */
    EXPECT(api->f32_add(S_ONE, 0x33c00000u, RNE, &fl), S_ONE + 1, NX); /* 1.5 * 2^-24 */
    EXPECT(api->f32_add(S_ONE, 0x33c00000u, RMM, &fl), S_ONE + 1, NX);
    EXPECT(api->f32_add(S_ONE, 0x33c00000u, RTZ, &fl), S_ONE, NX);
    EXPECT(api->f32_add(S_ONE, 0x33000000u, RNE, &fl), S_ONE, NX);
    EXPECT(api->f32_add(S_ONE, 0x33000000u, RMM, &fl), S_ONE, NX);
    EXPECT(api->f32_add(S_ONE, 0x33000000u, RUP, &fl), S_ONE + 1, NX);
    /* Exact results raise nothing in any mode. */
    for (unsigned rm = 0; rm < 5; rm++)
        EXPECT(api->f32_add(S_ONE, S_ONE, rm, &fl), S_TWO, 0);

    /* binary64 */
    EXPECT(api->f64_add(D_ONE, D_ULP1, RNE, &fl), D_ONE, NX);
    EXPECT(api->f64_add(D_ONE, D_ULP1, RMM, &fl), D_ONE + 1, NX);
    EXPECT(api->f64_add(D_ONE, D_ULP1, RUP, &fl), D_ONE + 1, NX);
    EXPECT(api->f64_add(D_ONE + 1, D_ULP1, RNE, &fl), D_ONE + 2, NX);
    EXPECT(api->f64_sub(D_NONE, D_ULP1, RMM, &fl), D_NONE + 1, NX);
    EXPECT(api->f64_sub(D_NONE, D_ULP1, RNE, &fl), D_NONE, NX);
    EXPECT(api->f64_sub(D_NONE, D_ULP1, RDN, &fl), D_NONE + 1, NX);

    /* Multiplication ties: (1 + 2^-23) * 1.5 = 1.5 + 1.5*2^-23 is a tie (odd below). */
    EXPECT(api->f32_mul(S_ONE + 1, 0x3fc00000u, RNE, &fl), 0x3fc00002u, NX);
    EXPECT(api->f32_mul(S_ONE + 1, 0x3fc00000u, RMM, &fl), 0x3fc00002u, NX);
    EXPECT(api->f32_mul(S_ONE + 1, 0x3fc00000u, RTZ, &fl), 0x3fc00001u, NX);
    /* (1 + 3*2^-23) * 1.5 = 1.5 + 4.5 * 2^-23: tie between 4 and 5 ulps. */
    EXPECT(api->f32_mul(S_ONE + 3, 0x3fc00000u, RNE, &fl), 0x3fc00004u, NX);
    EXPECT(api->f32_mul(S_ONE + 3, 0x3fc00000u, RMM, &fl), 0x3fc00005u, NX);
    EXPECT(api->f64_mul(D_ONE + 3, 0x3ff8000000000000ull, RNE, &fl), 0x3ff8000000000004ull, NX);
    EXPECT(api->f64_mul(D_ONE + 3, 0x3ff8000000000000ull, RMM, &fl), 0x3ff8000000000005ull, NX);
    EXPECT(api->f64_mul(D_ONE + 3, 0xbff8000000000000ull, RDN, &fl), 0xbff8000000000005ull, NX);
    EXPECT(api->f64_mul(D_ONE + 3, 0xbff8000000000000ull, RUP, &fl), 0xbff8000000000004ull, NX);

    /* Integer conversions: 2^24 + 1 and 2^24 + 3 are ties at binary32 precision. */
    EXPECT(api->i32_to_f32(16777217, RNE, &fl), 0x4b800000u, NX);
    EXPECT(api->i32_to_f32(16777217, RMM, &fl), 0x4b800001u, NX);
    EXPECT(api->i32_to_f32(16777219, RNE, &fl), 0x4b800002u, NX);
    EXPECT(api->i32_to_f32(-16777217, RMM, &fl), 0xcb800001u, NX);
    EXPECT(api->i32_to_f32(-16777217, RDN, &fl), 0xcb800001u, NX);
    EXPECT(api->i32_to_f32(-16777217, RUP, &fl), 0xcb800000u, NX);
    EXPECT(api->u64_to_f64((1ull << 53) + 1, RNE, &fl), 0x4340000000000000ull, NX);
    EXPECT(api->u64_to_f64((1ull << 53) + 1, RMM, &fl), 0x4340000000000001ull, NX);
    EXPECT(api->u64_to_f32(~0ull, RNE, &fl), 0x5f800000u, NX);
    EXPECT(api->u64_to_f32(~0ull, RTZ, &fl), 0x5f7fffffu, NX);
    EXPECT(api->i64_to_f64(INT64_MIN, RNE, &fl), 0xc3e0000000000000ull, 0);
    EXPECT(api->i32_to_f64(INT32_MIN, RTZ, &fl), 0xc1e0000000000000ull, 0);
    EXPECT(api->u32_to_f64(0xffffffffu, RTZ, &fl), 0x41efffffffe00000ull, 0);
    EXPECT(api->i32_to_f32(0, RDN, &fl), 0, 0); /* integer zero is +0 even in RDN */

    /* Narrowing conversion ties: 1 + 2^-24 in binary64 to binary32. */
    EXPECT(api->f64_to_f32(0x3ff0000010000000ull, RNE, &fl), S_ONE, NX);
    EXPECT(api->f64_to_f32(0x3ff0000010000000ull, RMM, &fl), S_ONE + 1, NX);
    EXPECT(api->f64_to_f32(0x3ff0000030000000ull, RNE, &fl), S_ONE + 2, NX);
    EXPECT(api->f64_to_f32(0x3ff0000030000000ull, RTZ, &fl), S_ONE + 1, NX);

    /* Division and sqrt. */
    EXPECT(api->f32_div(S_ONE, 0x40400000u, RNE, &fl), 0x3eaaaaabu, NX);
    EXPECT(api->f32_div(S_ONE, 0x40400000u, RTZ, &fl), 0x3eaaaaaau, NX);
    EXPECT(api->f32_div(S_ONE, 0x40400000u, RMM, &fl), 0x3eaaaaabu, NX);
    EXPECT(api->f64_div(D_ONE, 0x4008000000000000ull, RUP, &fl), 0x3fd5555555555556ull, NX);
    EXPECT(api->f64_div(D_ONE, 0x4008000000000000ull, RDN, &fl), 0x3fd5555555555555ull, NX);
    EXPECT(api->f64_sqrt(D_TWO, RNE, &fl), 0x3ff6a09e667f3bcdull, NX);
    EXPECT(api->f64_sqrt(D_TWO, RTZ, &fl), 0x3ff6a09e667f3bccull, NX);
    EXPECT(api->f64_sqrt(D_TWO, RMM, &fl), 0x3ff6a09e667f3bcdull, NX);
    EXPECT(api->f32_sqrt(0x40800000u, RMM, &fl), S_TWO, 0);
    EXPECT(api->f32_sqrt(S_TWO, RUP, &fl), 0x3fb504f4u, NX);
}

static void test_overflow(void **state)
{
    (void)state;
    const unsigned f = OF | NX;
    EXPECT(api->f32_mul(S_MAX, S_TWO, RNE, &fl), S_INF, f);
    EXPECT(api->f32_mul(S_MAX, S_TWO, RMM, &fl), S_INF, f);
    EXPECT(api->f32_mul(S_MAX, S_TWO, RTZ, &fl), S_MAX, f);
    EXPECT(api->f32_mul(S_MAX, S_TWO, RDN, &fl), S_MAX, f);
    EXPECT(api->f32_mul(S_MAX, S_TWO, RUP, &fl), S_INF, f);
    EXPECT(api->f32_mul(S_MAX | S_NZERO, S_TWO, RNE, &fl), S_NINF, f);
    EXPECT(api->f32_mul(S_MAX | S_NZERO, S_TWO, RTZ, &fl), S_MAX | S_NZERO, f);
    EXPECT(api->f32_mul(S_MAX | S_NZERO, S_TWO, RDN, &fl), S_NINF, f);
    EXPECT(api->f32_mul(S_MAX | S_NZERO, S_TWO, RUP, &fl), S_MAX | S_NZERO, f);
    EXPECT(api->f32_mul(S_MAX | S_NZERO, S_TWO, RMM, &fl), S_NINF, f);
    EXPECT(api->f64_add(D_MAX, D_MAX, RNE, &fl), D_INF, f);
    EXPECT(api->f64_add(D_MAX, D_MAX, RTZ, &fl), D_MAX, f);
    EXPECT(api->f64_add(D_MAX, D_MAX, RDN, &fl), D_MAX, f);
    EXPECT(api->f64_add(D_MAX, D_MAX, RUP, &fl), D_INF, f);
    EXPECT(api->f64_add(D_MAX, D_MAX, RMM, &fl), D_INF, f);
    EXPECT(api->f64_sub(D_MAX | D_NZERO, D_MAX, RDN, &fl), D_NINF, f);
    EXPECT(api->f64_sub(D_MAX | D_NZERO, D_MAX, RUP, &fl), D_MAX | D_NZERO, f);
    /* MAX + half an ulp of MAX: a tie, which rounds to "even" = overflow in RNE and RMM. */
    EXPECT(api->f64_add(D_MAX, 0x7c90000000000000ull, RNE, &fl), D_INF, f);
    EXPECT(api->f64_add(D_MAX, 0x7c90000000000000ull, RMM, &fl), D_INF, f);
    EXPECT(api->f64_add(D_MAX, 0x7c90000000000000ull, RTZ, &fl), D_MAX, NX);
    /* Just below half an ulp: inexact but no overflow. */
    EXPECT(api->f64_add(D_MAX, 0x7c8fffffffffffffull, RNE, &fl), D_MAX, NX);
    EXPECT(api->f64_add(D_MAX, 0x7c8fffffffffffffull, RMM, &fl), D_MAX, NX);
    EXPECT(api->f64_add(D_MAX, 0x7c8fffffffffffffull, RUP, &fl), D_INF, f);
    /* Narrowing: binary32 MAX + half ulp (2^104) overflows in RNE, not in RTZ. */
    EXPECT(api->f64_to_f32(0x47effffff0000000ull, RNE, &fl), S_INF, f);
    EXPECT(api->f64_to_f32(0x47effffff0000000ull, RMM, &fl), S_INF, f);
    EXPECT(api->f64_to_f32(0x47effffff0000000ull, RTZ, &fl), S_MAX, NX);
    EXPECT(api->f64_to_f32(0x47efffffefffffffull, RNE, &fl), S_MAX, NX);
    EXPECT(api->f64_to_f32(D_MAX, RDN, &fl), S_MAX, f);
    EXPECT(api->f64_to_f32(D_INF, RDN, &fl), S_INF, 0);
    /* Division: DZ, not OF, for a finite / zero. */
    EXPECT(api->f32_div(S_ONE, 0, RNE, &fl), S_INF, DZ);
    EXPECT(api->f32_div(S_NONE, 0, RTZ, &fl), S_NINF, DZ);
    EXPECT(api->f64_div(D_ONE, D_NZERO, RNE, &fl), D_NINF, DZ);
    EXPECT(api->f64_div(D_INF, 0, RNE, &fl), D_INF, 0);
    EXPECT(api->f64_div(D_MAX, D_HALF, RDN, &fl), D_MAX, f);
}

static void test_underflow(void **state)
{
    (void)state;
    /* (1 - 2^-24) * 2^-126: tiny even after rounding to 24 bits with unbounded exponent
     * (it is exactly representable so), inexact as a subnormal: a tie between
     * 0x007fffff and 0x00800000. UF is raised even when it rounds up to the min normal. */
    EXPECT(api->f32_mul(0x3f7fffffu, S_MINN, RNE, &fl), S_MINN, UF | NX);
    EXPECT(api->f32_mul(0x3f7fffffu, S_MINN, RMM, &fl), S_MINN, UF | NX);
    EXPECT(api->f32_mul(0x3f7fffffu, S_MINN, RUP, &fl), S_MINN, UF | NX);
    EXPECT(api->f32_mul(0x3f7fffffu, S_MINN, RTZ, &fl), 0x007fffffu, UF | NX);
    EXPECT(api->f32_mul(0x3f7fffffu, S_MINN, RDN, &fl), 0x007fffffu, UF | NX);
    /* (1 - 2^-46) * 2^-126 = (1 - 2^-23) * (1 + 2^-23) * 2^-126: rounding to 24 bits
     * with unbounded exponent gives 2^-126 in RNE/RMM/RUP, so it is NOT tiny after
     * rounding (it would be before rounding): NX only. RTZ/RDN keep it tiny. */
    EXPECT(api->f32_mul(0x3f7ffffeu, S_MINN + 1, RNE, &fl), S_MINN, NX);
    EXPECT(api->f32_mul(0x3f7ffffeu, S_MINN + 1, RMM, &fl), S_MINN, NX);
    EXPECT(api->f32_mul(0x3f7ffffeu, S_MINN + 1, RUP, &fl), S_MINN, NX);
    EXPECT(api->f32_mul(0x3f7ffffeu, S_MINN + 1, RTZ, &fl), 0x007fffffu, UF | NX);
    EXPECT(api->f32_mul(0x3f7ffffeu, S_MINN + 1, RDN, &fl), 0x007fffffu, UF | NX);
    EXPECT(api->f32_mul(0xbf7ffffeu, S_MINN + 1, RDN, &fl), 0x80800000u, NX);
    EXPECT(api->f32_mul(0xbf7ffffeu, S_MINN + 1, RUP, &fl), 0x807fffffu, UF | NX);
    /* The same boundary through fcvt.s.d: (1 - 2^-31) * 2^-126. */
    EXPECT(api->f64_to_f32(0x380fffffffc00000ull, RNE, &fl), S_MINN, NX);
    EXPECT(api->f64_to_f32(0x380fffffffc00000ull, RTZ, &fl), 0x007fffffu, UF | NX);
    /* ... and in binary64: (1 - 2^-53) * 2^-1022 is tiny (a subnormal tie), while
     * (1 - 2^-52)(1 + 2^-52) * 2^-1022 = (1 - 2^-104) * 2^-1022 is not in RNE. */
    EXPECT(api->f64_mul(0x3fefffffffffffffull, D_MINN, RNE, &fl), D_MINN, UF | NX);
    EXPECT(api->f64_mul(0x3fefffffffffffffull, D_MINN, RTZ, &fl), D_MINN - 1, UF | NX);
    EXPECT(api->f64_mul(0x3feffffffffffffeull, D_MINN + 1, RNE, &fl), D_MINN, NX);
    EXPECT(api->f64_mul(0x3feffffffffffffeull, D_MINN + 1, RMM, &fl), D_MINN, NX);
    EXPECT(api->f64_mul(0x3feffffffffffffeull, D_MINN + 1, RTZ, &fl), D_MINN - 1, UF | NX);
    /* Exact tiny results raise nothing. */
    EXPECT(api->f32_mul(S_MINN, S_HALF, RNE, &fl), 0x00400000u, 0);
    EXPECT(api->f64_sub(D_MINN, D_MINS, RNE, &fl), 0x000fffffffffffffull, 0);
    EXPECT(api->f32_add(S_MINS, S_MINS, RNE, &fl), 2, 0);
    /* Half of the smallest subnormal: a tie between 0 and MINS. */
    EXPECT(api->f32_mul(S_MINS, S_HALF, RNE, &fl), 0, UF | NX);
    EXPECT(api->f32_mul(S_MINS, S_HALF, RMM, &fl), S_MINS, UF | NX);
    EXPECT(api->f32_mul(S_MINS, S_HALF, RUP, &fl), S_MINS, UF | NX);
    EXPECT(api->f32_mul(S_MINS, S_HALF, RTZ, &fl), 0, UF | NX);
    EXPECT(api->f32_mul(S_MINS | S_NZERO, S_HALF, RDN, &fl), S_MINS | S_NZERO, UF | NX);
    EXPECT(api->f32_mul(S_MINS | S_NZERO, S_HALF, RNE, &fl), S_NZERO, UF | NX);
    EXPECT(api->f64_div(D_MINS, D_TWO, RMM, &fl), D_MINS, UF | NX);
    EXPECT(api->f64_div(D_MINS, D_TWO, RNE, &fl), 0, UF | NX);
    EXPECT(api->f64_div(3 * D_MINS, D_TWO, RNE, &fl), 2, UF | NX);
    EXPECT(api->f64_div(3 * D_MINS, D_TWO, RMM, &fl), 2, UF | NX);
    EXPECT(api->f64_div(5 * D_MINS, D_TWO, RNE, &fl), 2, UF | NX);
    EXPECT(api->f64_div(5 * D_MINS, D_TWO, RMM, &fl), 3, UF | NX);
    /* Far below the subnormal range. */
    EXPECT(api->f64_mul(D_MINS, D_MINS, RNE, &fl), 0, UF | NX);
    EXPECT(api->f64_mul(D_MINS, D_MINS, RUP, &fl), D_MINS, UF | NX);
    EXPECT(api->f64_mul(D_MINS, D_MINS | D_NZERO, RDN, &fl), D_MINS | D_NZERO, UF | NX);
    EXPECT(api->f64_to_f32(D_MINS, RNE, &fl), 0, UF | NX);
    EXPECT(api->f64_to_f32(D_MINS, RUP, &fl), S_MINS, UF | NX);
    /* Subnormal operands are not flushed. */
    EXPECT(api->f32_mul(0x00400000u, 0x4b000000u, RNE, &fl), 0x0b800000u, 0); /* 2^-127 * 2^23 */
    EXPECT(api->f64_sqrt(D_MINS, RNE, &fl), 0x1e60000000000000ull, 0);
    EXPECT(api->f32_to_f64(S_MINS, &fl), 0x36a0000000000000ull, 0);
    EXPECT(api->f32_to_f64(0x807fffffu, &fl), 0xb80fffffc0000000ull, 0);
}

static void test_nans(void **state)
{
    (void)state;
    /* Any NaN result is canonical; sNaN inputs raise NV, qNaN inputs nothing. */
    EXPECT(api->f32_add(S_SNAN, S_ONE, RNE, &fl), S_QNAN, NV);
    EXPECT(api->f32_add(S_ONE, 0xffc12345u, RNE, &fl), S_QNAN, 0);
    EXPECT(api->f32_mul(0x7fc00001u, S_ONE, RMM, &fl), S_QNAN, 0);
    EXPECT(api->f32_mul(0xff800001u, S_ONE, RMM, &fl), S_QNAN, NV);
    EXPECT(api->f64_add(D_SNAN, D_QNAN, RTZ, &fl), D_QNAN, NV);
    EXPECT(api->f64_div(0xfff8000000000123ull, D_ONE, RNE, &fl), D_QNAN, 0);
    EXPECT(api->f64_sqrt(0xfff4000000000000ull, RNE, &fl), D_QNAN, NV);
    EXPECT(api->f32_sqrt(0xffc00000u, RMM, &fl), S_QNAN, 0);
    /* Invalid operations. */
    EXPECT(api->f32_add(S_INF, S_NINF, RNE, &fl), S_QNAN, NV);
    EXPECT(api->f32_sub(S_INF, S_INF, RMM, &fl), S_QNAN, NV);
    EXPECT(api->f64_mul(D_INF, 0, RNE, &fl), D_QNAN, NV);
    EXPECT(api->f64_div(0, D_NZERO, RNE, &fl), D_QNAN, NV);
    EXPECT(api->f64_div(D_NINF, D_INF, RDN, &fl), D_QNAN, NV);
    EXPECT(api->f32_sqrt(S_NONE, RNE, &fl), S_QNAN, NV);
    EXPECT(api->f64_sqrt(D_NINF, RMM, &fl), D_QNAN, NV);
    EXPECT(api->f64_sqrt(D_NZERO, RNE, &fl), D_NZERO, 0);
    EXPECT(api->f32_sqrt(S_INF, RNE, &fl), S_INF, 0);
    /* Conversions between formats. */
    EXPECT(api->f32_to_f64(S_SNAN, &fl), D_QNAN, NV);
    EXPECT(api->f32_to_f64(0xffc00001u, &fl), D_QNAN, 0);
    EXPECT(api->f64_to_f32(D_SNAN, RNE, &fl), S_QNAN, NV);
    EXPECT(api->f64_to_f32(0xfff8000000000000ull, RMM, &fl), S_QNAN, 0);
    EXPECT(api->f32_to_f64(S_NINF, &fl), D_NINF, 0);
    EXPECT(api->f32_to_f64(S_NZERO, &fl), D_NZERO, 0);
}

static void test_minmax(void **state)
{
    (void)state;
    EXPECT(api->f32_min(S_NZERO, 0, &fl), S_NZERO, 0);
    EXPECT(api->f32_min(0, S_NZERO, &fl), S_NZERO, 0);
    EXPECT(api->f32_max(S_NZERO, 0, &fl), 0, 0);
    EXPECT(api->f32_max(0, S_NZERO, &fl), 0, 0);
    EXPECT(api->f64_min(D_NZERO, 0, &fl), D_NZERO, 0);
    EXPECT(api->f64_max(0, D_NZERO, &fl), 0, 0);
    EXPECT(api->f32_min(S_NONE, S_ONE, &fl), S_NONE, 0);
    EXPECT(api->f32_max(S_NONE, S_TWO, &fl), S_TWO, 0);
    EXPECT(api->f32_min(S_NINF, S_MAX, &fl), S_NINF, 0);
    EXPECT(api->f64_max(D_NONE, 0xc000000000000000ull, &fl), D_NONE, 0);
    /* One NaN: the other operand; NV only for a signalling NaN. */
    EXPECT(api->f32_min(S_QNAN, S_ONE, &fl), S_ONE, 0);
    EXPECT(api->f32_max(S_ONE, 0xffc00001u, &fl), S_ONE, 0);
    EXPECT(api->f32_min(S_SNAN, S_ONE, &fl), S_ONE, NV);
    EXPECT(api->f32_max(S_NZERO, S_SNAN, &fl), S_NZERO, NV);
    EXPECT(api->f64_min(D_QNAN, D_NINF, &fl), D_NINF, 0);
    EXPECT(api->f64_max(D_SNAN, D_ONE, &fl), D_ONE, NV);
    /* Both NaN: canonical NaN. */
    EXPECT(api->f32_min(0x7fc00005u, 0xffc00000u, &fl), S_QNAN, 0);
    EXPECT(api->f32_max(S_SNAN, S_QNAN, &fl), S_QNAN, NV);
    EXPECT(api->f64_min(D_SNAN, D_SNAN, &fl), D_QNAN, NV);
    EXPECT(api->f64_max(0xfff8000000000001ull, D_QNAN, &fl), D_QNAN, 0);
}

static void test_compare(void **state)
{
    (void)state;
    EXPECT(api->f32_eq(S_NZERO, 0, &fl), 1, 0);
    EXPECT(api->f32_lt(S_NZERO, 0, &fl), 0, 0);
    EXPECT(api->f32_le(0, S_NZERO, &fl), 1, 0);
    EXPECT(api->f32_lt(S_NONE, S_NZERO, &fl), 1, 0);
    EXPECT(api->f32_lt(S_ONE, S_ONE, &fl), 0, 0);
    EXPECT(api->f32_le(S_ONE, S_ONE, &fl), 1, 0);
    EXPECT(api->f32_lt(0xc0000000u, S_NONE, &fl), 1, 0);
    EXPECT(api->f32_le(S_NONE, 0xc0000000u, &fl), 0, 0);
    EXPECT(api->f32_lt(S_NINF, S_INF, &fl), 1, 0);
    /* feq is quiet: NV only for sNaN. flt/fle signal on any NaN. */
    EXPECT(api->f32_eq(S_QNAN, S_QNAN, &fl), 0, 0);
    EXPECT(api->f32_eq(S_ONE, S_SNAN, &fl), 0, NV);
    EXPECT(api->f32_lt(S_QNAN, S_ONE, &fl), 0, NV);
    EXPECT(api->f32_le(S_ONE, S_QNAN, &fl), 0, NV);
    EXPECT(api->f32_le(S_SNAN, S_ONE, &fl), 0, NV);
    EXPECT(api->f64_eq(D_NZERO, 0, &fl), 1, 0);
    EXPECT(api->f64_eq(D_QNAN, D_ONE, &fl), 0, 0);
    EXPECT(api->f64_eq(D_SNAN, D_ONE, &fl), 0, NV);
    EXPECT(api->f64_lt(D_ONE, D_QNAN, &fl), 0, NV);
    EXPECT(api->f64_le(D_QNAN, D_QNAN, &fl), 0, NV);
    EXPECT(api->f64_lt(D_MINS | D_NZERO, 0, &fl), 1, 0);
    EXPECT(api->f64_le(D_TWO, D_ONE, &fl), 0, 0);
}

static void test_fcvt_to_int(void **state)
{
    (void)state;
    const uint64_t I32MIN = 0xffffffff80000000ull;
    /* fcvt.w: saturation, NV without NX. */
    EXPECT(api->f32_to_i32(S_QNAN, RNE, &fl), 0x7fffffff, NV);
    EXPECT(api->f32_to_i32(0xffc00000u, RNE, &fl), 0x7fffffff, NV); /* NaN: max even if negative */
    EXPECT(api->f32_to_i32(S_INF, RNE, &fl), 0x7fffffff, NV);
    EXPECT(api->f32_to_i32(S_NINF, RNE, &fl), I32MIN, NV);
    EXPECT(api->f32_to_i32(0x4f000000u, RNE, &fl), 0x7fffffff, NV); /* 2^31 */
    EXPECT(api->f32_to_i32(0xcf000000u, RNE, &fl), I32MIN, 0);      /* -2^31 */
    EXPECT(api->f32_to_i32(0xcf000001u, RTZ, &fl), I32MIN, NV);
    EXPECT(api->f64_to_i32(0x41dfffffffc00000ull, RNE, &fl), 0x7fffffff, 0);     /* 2^31-1 */
    EXPECT(api->f64_to_i32(0x41dfffffffe00000ull, RNE, &fl), 0x7fffffff, NV);    /* 2^31-.5 */
    EXPECT(api->f64_to_i32(0x41dfffffffe00000ull, RTZ, &fl), 0x7fffffff, NX);
    EXPECT(api->f64_to_i32(0x41dfffffffe00000ull, RMM, &fl), 0x7fffffff, NV);
    EXPECT(api->f64_to_i32(0xc1e0000000100000ull, RTZ, &fl), I32MIN, NX);        /* -2^31-.5 */
    EXPECT(api->f64_to_i32(0xc1e0000000100000ull, RNE, &fl), I32MIN, NX);
    EXPECT(api->f64_to_i32(0xc1e0000000100000ull, RDN, &fl), I32MIN, NV);
    EXPECT(api->f64_to_i32(0xc1e0000000100000ull, RUP, &fl), I32MIN, NX);
    EXPECT(api->f64_to_i32(0xc1e0000000100000ull, RMM, &fl), I32MIN, NV);
    EXPECT(api->f64_to_i32(0xc1e0000000200000ull, RUP, &fl), I32MIN, NV);        /* -2^31-1 */
    EXPECT(api->f64_to_i32(0xc1e0000000200000ull, RNE, &fl), I32MIN, NV);
    EXPECT(api->f64_to_i32(D_NONE, RNE, &fl), ~0ull, 0);
    /* fcvt.wu: negative out of range is 0, results are sign-extended from bit 31. */
    EXPECT(api->f32_to_u32(S_NONE, RNE, &fl), 0, NV);
    EXPECT(api->f32_to_u32(0xbf000000u, RTZ, &fl), 0, NX); /* -0.5 -> -0 -> 0 */
    EXPECT(api->f32_to_u32(0xbf000000u, RNE, &fl), 0, NX);
    EXPECT(api->f32_to_u32(0xbf000000u, RDN, &fl), 0, NV);
    EXPECT(api->f32_to_u32(0xbf000000u, RMM, &fl), 0, NV);
    EXPECT(api->f32_to_u32(S_NZERO, RDN, &fl), 0, 0);
    EXPECT(api->f32_to_u32(0x4f32d05eu, RNE, &fl), 0xffffffffb2d05e00ull, 0); /* 3e9 */
    EXPECT(api->f32_to_u32(0x4f800000u, RNE, &fl), ~0ull, NV);               /* 2^32 */
    EXPECT(api->f32_to_u32(S_QNAN, RNE, &fl), ~0ull, NV);
    EXPECT(api->f32_to_u32(S_NINF, RNE, &fl), 0, NV);
    EXPECT(api->f64_to_u32(0x41efffffffe00000ull, RNE, &fl), ~0ull, 0);      /* 2^32-1 */
    EXPECT(api->f64_to_u32(0x41efffffffffffffull, RNE, &fl), ~0ull, NV);     /* 2^32-2^-21 */
    EXPECT(api->f64_to_u32(0x41efffffffffffffull, RTZ, &fl), ~0ull, NX);
    EXPECT(api->f64_to_u32(0x41e0000000000000ull, RTZ, &fl), 0xffffffff80000000ull, 0);
    /* fcvt.l / fcvt.lu */
    EXPECT(api->f32_to_i64(0x5f000000u, RNE, &fl), INT64_MAX, NV); /* 2^63 */
    EXPECT(api->f32_to_i64(0xdf000000u, RNE, &fl), INT64_MIN, 0);
    EXPECT(api->f32_to_i64(0xdf000001u, RNE, &fl), INT64_MIN, NV);
    EXPECT(api->f32_to_i64(S_QNAN, RUP, &fl), INT64_MAX, NV);
    EXPECT(api->f32_to_i64(S_NINF, RUP, &fl), INT64_MIN, NV);
    EXPECT(api->f64_to_i64(0x43dfffffffffffffull, RNE, &fl), 0x7ffffffffffffc00ll, 0);
    EXPECT(api->f64_to_i64(0xc3e0000000000000ull, RNE, &fl), INT64_MIN, 0);
    EXPECT(api->f64_to_i64(0xc3e0000000000001ull, RTZ, &fl), INT64_MIN, NV);
    EXPECT(api->f64_to_i64(0x3ff8000000000000ull, RNE, &fl), 2, NX); /* 1.5 */
    EXPECT(api->f64_to_i64(0x4004000000000000ull, RNE, &fl), 2, NX); /* 2.5 */
    EXPECT(api->f64_to_i64(0x4004000000000000ull, RMM, &fl), 3, NX);
    EXPECT(api->f64_to_i64(0xc004000000000000ull, RMM, &fl), (uint64_t)-3, NX);
    EXPECT(api->f64_to_i64(0xc004000000000000ull, RDN, &fl), (uint64_t)-3, NX);
    EXPECT(api->f64_to_i64(0xc004000000000000ull, RUP, &fl), (uint64_t)-2, NX);
    EXPECT(api->f64_to_i64(D_MINS, RUP, &fl), 1, NX);
    EXPECT(api->f64_to_i64(D_MINS | D_NZERO, RDN, &fl), (uint64_t)-1, NX);
    EXPECT(api->f64_to_i64(D_HALF, RNE, &fl), 0, NX);
    EXPECT(api->f64_to_i64(D_HALF, RMM, &fl), 1, NX);
    EXPECT(api->f32_to_u64(0x5f800000u, RNE, &fl), ~0ull, NV); /* 2^64 */
    EXPECT(api->f32_to_u64(0x5f7fffffu, RNE, &fl), 0xffffff0000000000ull, 0);
    EXPECT(api->f32_to_u64(S_QNAN, RNE, &fl), ~0ull, NV);
    EXPECT(api->f32_to_u64(S_NINF, RNE, &fl), 0, NV);
    EXPECT(api->f64_to_u64(D_INF, RNE, &fl), ~0ull, NV);
    EXPECT(api->f64_to_u64(0x43f0000000000000ull, RTZ, &fl), ~0ull, NV);
    EXPECT(api->f64_to_u64(0x43efffffffffffffull, RTZ, &fl), 0xfffffffffffff800ull, 0);
    EXPECT(api->f64_to_u64(0xbfe0000000000000ull, RUP, &fl), 0, NX); /* -0.5 -> -0 */
    EXPECT(api->f64_to_u64(0xbfe0000000000000ull, RMM, &fl), 0, NV); /* -0.5 -> -1 */
    EXPECT(api->f64_to_u64(0x4004000000000000ull, RUP, &fl), 3, NX);
}

static void test_fclass(void **state)
{
    (void)state;
    EXPECT(api->f32_class(S_NINF), 1u << 0, 0);
    EXPECT(api->f32_class(0xc0000000u), 1u << 1, 0);
    EXPECT(api->f32_class(0x807fffffu), 1u << 2, 0);
    EXPECT(api->f32_class(S_NZERO), 1u << 3, 0);
    EXPECT(api->f32_class(0), 1u << 4, 0);
    EXPECT(api->f32_class(S_MINS), 1u << 5, 0);
    EXPECT(api->f32_class(S_MINN), 1u << 6, 0);
    EXPECT(api->f32_class(S_INF), 1u << 7, 0);
    EXPECT(api->f32_class(S_SNAN), 1u << 8, 0);
    EXPECT(api->f32_class(0xffbfffffu), 1u << 8, 0);
    EXPECT(api->f32_class(S_QNAN), 1u << 9, 0);
    EXPECT(api->f32_class(0xffffffffu), 1u << 9, 0);
    EXPECT(api->f64_class(D_NINF), 1u << 0, 0);
    EXPECT(api->f64_class(D_MAX | D_NZERO), 1u << 1, 0);
    EXPECT(api->f64_class(D_MINS | D_NZERO), 1u << 2, 0);
    EXPECT(api->f64_class(D_NZERO), 1u << 3, 0);
    EXPECT(api->f64_class(0), 1u << 4, 0);
    EXPECT(api->f64_class(0x000fffffffffffffull), 1u << 5, 0);
    EXPECT(api->f64_class(D_ONE), 1u << 6, 0);
    EXPECT(api->f64_class(D_INF), 1u << 7, 0);
    EXPECT(api->f64_class(D_SNAN), 1u << 8, 0);
    EXPECT(api->f64_class(D_QNAN), 1u << 9, 0);
}

static void test_fma(void **state)
{
    (void)state;
    /* Fused: (1 + 2^-52)(1 - 2^-53) - 1 = 2^-53 - 2^-105 = (2 - 2^-51) * 2^-54 exactly.
     * A separately rounded product is 1.0 (just below the tie), which would give 0. */
    EXPECT(api->f64_fma(D_ONE + 1, 0x3fefffffffffffffull, D_NONE, FPU_FMADD, RNE, &fl),
           0x3c9ffffffffffffeull, 0);
    EXPECT(api->f64_fma(D_ONE + 1, 0x3fefffffffffffffull, D_ONE, FPU_FMSUB, RNE, &fl),
           0x3c9ffffffffffffeull, 0);
    /* (1 + 2^-52) * 1.5 is an exact tie that RNE alone would round up; a tiny negative
     * addend must pull the single rounding down instead (double rounding differs). */
    EXPECT(api->f64_fma(D_ONE + 1, 0x3ff8000000000000ull, 0xbaf0000000000000ull, FPU_FMADD,
                        RNE, &fl),
           0x3ff8000000000001ull, NX);
    EXPECT(api->f64_fma(D_ONE + 1, 0x3ff8000000000000ull, 0x3af0000000000000ull, FPU_FMADD,
                        RMM, &fl),
           0x3ff8000000000002ull, NX);
    EXPECT(api->f64_fma(D_ONE + 1, 0x3ff8000000000000ull, 0xbaf0000000000000ull, FPU_FMADD,
                        RMM, &fl),
           0x3ff8000000000001ull, NX);
    EXPECT(api->f32_fma(S_ONE + 1, 0x3fc00000u, 0xa0000000u, FPU_FMADD, RNE, &fl), 0x3fc00001u,
           NX);
    EXPECT(api->f32_fma(S_ONE + 1, 0x3fc00000u, 0xa0000000u, FPU_FMADD, RMM, &fl), 0x3fc00001u,
           NX);
    EXPECT(api->f32_fma(S_ONE + 1, 0x3fc00000u, 0x20000000u, FPU_FMADD, RTZ, &fl), 0x3fc00001u,
           NX);
    /* binary32 fma must not be a binary64 fma rounded to binary32 either:
     * (65281 * 2^-16) * (257 * 2^-8) = 1 + 2^-24 exactly (a binary32 tie); adding 2^-80
     * decides it, but 1 + 2^-24 + 2^-80 rounded to binary64 first is the bare tie. */
    EXPECT(api->f32_fma(0x3f7f0100u, 0x3f808000u, 0x17800000u, FPU_FMADD, RNE, &fl), S_ONE + 1,
           NX);
    EXPECT(api->f32_fma(0x3f7f0100u, 0x3f808000u, 0x97800000u, FPU_FMADD, RMM, &fl), S_ONE, NX);
    EXPECT(api->f32_fma(0x3f7f0100u, 0x3f808000u, 0, FPU_FMADD, RNE, &fl), S_ONE, NX);
    EXPECT(api->f32_fma(0x3f7f0100u, 0x3f808000u, 0, FPU_FMADD, RMM, &fl), S_ONE + 1, NX);
    /* The four variants. */
    EXPECT(api->f32_fma(S_TWO, 0x40400000u, S_ONE, FPU_FMADD, RNE, &fl), 0x40e00000u, 0);
    EXPECT(api->f32_fma(S_TWO, 0x40400000u, S_ONE, FPU_FMSUB, RNE, &fl), 0x40a00000u, 0);
    EXPECT(api->f32_fma(S_TWO, 0x40400000u, S_ONE, FPU_FNMSUB, RNE, &fl), 0xc0a00000u, 0);
    EXPECT(api->f32_fma(S_TWO, 0x40400000u, S_ONE, FPU_FNMADD, RNE, &fl), 0xc0e00000u, 0);
    /* inf * 0 + qNaN is invalid on RISC-V (IEEE leaves it open). */
    EXPECT(api->f32_fma(S_INF, 0, S_QNAN, FPU_FMADD, RNE, &fl), S_QNAN, NV);
    EXPECT(api->f32_fma(0, S_NINF, S_QNAN, FPU_FNMADD, RMM, &fl), S_QNAN, NV);
    EXPECT(api->f64_fma(D_INF, D_NZERO, D_QNAN, FPU_FMADD, RNE, &fl), D_QNAN, NV);
    EXPECT(api->f64_fma(D_NZERO, D_INF, 0xfff8000000000001ull, FPU_FMSUB, RTZ, &fl), D_QNAN, NV);
    EXPECT(api->f64_fma(D_INF, 0, D_ONE, FPU_FMADD, RNE, &fl), D_QNAN, NV);
    EXPECT(api->f64_fma(D_INF, D_QNAN, 0, FPU_FMADD, RNE, &fl), D_QNAN, 0);
    EXPECT(api->f64_fma(D_QNAN, 0, D_ONE, FPU_FMADD, RNE, &fl), D_QNAN, 0);
    EXPECT(api->f64_fma(D_ONE, D_ONE, D_SNAN, FPU_FMADD, RNE, &fl), D_QNAN, NV);
    EXPECT(api->f32_fma(S_INF, S_ONE, S_NINF, FPU_FMADD, RNE, &fl), S_QNAN, NV);
    EXPECT(api->f32_fma(S_INF, S_ONE, S_NINF, FPU_FMSUB, RNE, &fl), S_INF, 0);
    /* Overflow and underflow of the fused result. */
    EXPECT(api->f64_fma(D_MAX, D_TWO, D_MAX | D_NZERO, FPU_FMADD, RNE, &fl), D_MAX, 0);
    EXPECT(api->f64_fma(D_MAX, D_TWO, 0, FPU_FMADD, RTZ, &fl), D_MAX, OF | NX);
    EXPECT(api->f32_fma(S_MINN, S_HALF, S_MINS, FPU_FMADD, RNE, &fl), 0x00400001u, 0);
    EXPECT(api->f32_fma(S_MINS, S_HALF, 0, FPU_FMADD, RNE, &fl), 0, UF | NX);
    EXPECT(api->f32_fma(S_MINS, S_HALF, 0, FPU_FMADD, RMM, &fl), S_MINS, UF | NX);
}

static void test_exact_zero_sign(void **state)
{
    (void)state;
    EXPECT(api->f32_add(S_ONE, S_NONE, RNE, &fl), 0, 0);
    EXPECT(api->f32_add(S_ONE, S_NONE, RDN, &fl), S_NZERO, 0);
    EXPECT(api->f32_add(S_ONE, S_NONE, RMM, &fl), 0, 0);
    EXPECT(api->f32_sub(S_TWO, S_TWO, RDN, &fl), S_NZERO, 0);
    EXPECT(api->f32_sub(S_TWO, S_TWO, RUP, &fl), 0, 0);
    EXPECT(api->f64_sub(D_MINS, D_MINS, RDN, &fl), D_NZERO, 0);
    EXPECT(api->f64_sub(D_MINS, D_MINS, RTZ, &fl), 0, 0);
    EXPECT(api->f32_add(S_NZERO, 0, RNE, &fl), 0, 0);
    EXPECT(api->f32_add(S_NZERO, 0, RDN, &fl), S_NZERO, 0);
    EXPECT(api->f32_add(S_NZERO, S_NZERO, RUP, &fl), S_NZERO, 0);
    EXPECT(api->f32_sub(0, 0, RDN, &fl), S_NZERO, 0);
    EXPECT(api->f64_add(D_NZERO, D_NZERO, RNE, &fl), D_NZERO, 0);
    EXPECT(api->f64_mul(D_NZERO, D_ONE, RNE, &fl), D_NZERO, 0);
    /* fma: exact cancellation and zero products. */
    EXPECT(api->f64_fma(D_ONE, D_ONE, D_NONE, FPU_FMADD, RNE, &fl), 0, 0);
    EXPECT(api->f64_fma(D_ONE, D_ONE, D_NONE, FPU_FMADD, RDN, &fl), D_NZERO, 0);
    EXPECT(api->f32_fma(S_TWO, S_HALF, S_ONE, FPU_FMSUB, RDN, &fl), S_NZERO, 0);
    EXPECT(api->f32_fma(S_TWO, S_HALF, S_ONE, FPU_FMSUB, RMM, &fl), 0, 0);
    EXPECT(api->f32_fma(0, S_ONE, S_NZERO, FPU_FMADD, RNE, &fl), 0, 0);
    EXPECT(api->f32_fma(0, S_ONE, S_NZERO, FPU_FMADD, RDN, &fl), S_NZERO, 0);
    EXPECT(api->f32_fma(S_NZERO, S_ONE, S_NZERO, FPU_FMADD, RNE, &fl), S_NZERO, 0);
    /* fnmadd computes -(a*b) - c: with a*b = +0 and c = -0 that is -0 + +0 = +0. */
    EXPECT(api->f32_fma(0, S_ONE, S_NZERO, FPU_FNMADD, RNE, &fl), 0, 0);
    EXPECT(api->f32_fma(0, S_ONE, 0, FPU_FNMADD, RNE, &fl), S_NZERO, 0);
    EXPECT(api->f64_fma(0, D_ONE, 0, FPU_FNMSUB, RNE, &fl), 0, 0);
    EXPECT(api->f64_fma(0, D_ONE, 0, FPU_FNMSUB, RDN, &fl), D_NZERO, 0);
    /* A tiny nonzero result keeps its sign even when it rounds to zero. */
    EXPECT(api->f64_fma(D_MINS, D_HALF, 0, FPU_FNMADD, RNE, &fl), D_NZERO, UF | NX);
}

/* Flags accumulate: functions OR into *flags and never clear bits. */
static void test_flags_accumulate(void **state)
{
    (void)state;
    unsigned fl = NV | DZ;
    api->f32_add(S_ONE, S_ULP1, RNE, &fl);
    assert_int_equal(fl, NV | DZ | NX);
    api->f64_add(D_ONE, D_ONE, RNE, &fl);
    assert_int_equal(fl, NV | DZ | NX);
    api->f64_fma(D_ONE, D_ONE, D_ONE, FPU_FMADD, RMM, &fl);
    assert_int_equal(fl, NV | DZ | NX);
    api->f64_to_i32(D_INF, RNE, &fl);
    api->f32_mul(S_MAX, S_MAX, RUP, &fl);
    assert_int_equal(fl, NV | DZ | NX | OF);
    fl = UF;
    api->f32_eq(S_ONE, S_ONE, &fl);
    api->f64_min(D_ONE, D_TWO, &fl);
    api->f32_to_f64(S_ONE, &fl);
    assert_int_equal(fl, UF);
}

/* The host's floating-point control modes are left as they were (the host engine may
 * set the host's sticky flags, as any floating-point C code does). */
static void test_host_env_preserved(void **state)
{
    (void)state;
    volatile double x = 1.0, y = 3.0;
    unsigned fl = 0;
    assert_int_equal(fegetround(), FE_TONEAREST);
#if defined(__x86_64__)
    unsigned csr = __builtin_ia32_stmxcsr() & ~0x3fu;
#endif
    for (unsigned rm = 0; rm < 5; rm++) {
        api->f64_div(D_ONE, 0x4008000000000000ull, rm, &fl);
        api->f64_fma(D_ONE, D_ONE, D_ULP1, FPU_FMADD, rm, &fl);
        api->f32_fma(S_ONE, S_ONE, S_ULP1, FPU_FMADD, rm, &fl);
        api->f64_to_f32(D_MINS, rm, &fl);
        api->f32_sqrt(S_NONE, rm, &fl);
        api->f64_mul(D_MAX, D_TWO, rm, &fl);
    }
    assert_int_equal(fl, NX | UF | NV | OF);
    assert_int_equal(fegetround(), FE_TONEAREST);
#if defined(__x86_64__)
    assert_int_equal(__builtin_ia32_stmxcsr() & ~0x3fu, csr);
#endif
    double q = x / y;
    uint64_t qbits;
    memcpy(&qbits, &q, sizeof qbits);
    assert_int_equal(qbits, 0x3fd5555555555555ull); /* host still rounds to nearest */
}

#define BOTH(fn)                                                                            \
    cmocka_unit_test_prestate_setup_teardown(fn, setup_api, NULL, (void *)&hw_api),        \
        cmocka_unit_test_prestate_setup_teardown(fn, setup_api, NULL, (void *)&soft_api)

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_rounding_ties),
        BOTH(test_overflow),
        BOTH(test_underflow),
        BOTH(test_nans),
        BOTH(test_minmax),
        BOTH(test_compare),
        BOTH(test_fcvt_to_int),
        BOTH(test_fclass),
        BOTH(test_fma),
        BOTH(test_exact_zero_sign),
        BOTH(test_flags_accumulate),
        BOTH(test_host_env_preserved),
        cmocka_unit_test(test_reference_vectors_cover_all_ops),
        BOTH(test_reference_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

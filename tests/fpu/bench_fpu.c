/*
 * bench_fpu.c - rough ns/op of the hot fpu_* functions per rounding mode.
 *
 *   gcc -std=c17 -D_GNU_SOURCE -Isrc -O2 -o /tmp/bench_fpu tests/fpu/bench_fpu.c \
 *       src/cpu/fpu.c -lm && /tmp/bench_fpu
 *
 * Add -DRVMM_FPU_SOFT to time the software engine alone. Operands are normal
 * numbers of mixed magnitude (most results inexact), read from a small table so that
 * each call is independent; the loop overhead is included.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cpu/fpu.h"

#define N 1024
#define REPS 4000

static uint32_t s[N + 2];
static uint64_t d[N + 2];

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

#define BENCH(label, expr)                                                                  \
    do {                                                                                    \
        unsigned fl = 0;                                                                    \
        uint64_t acc = 0;                                                                   \
        double t0 = now();                                                                  \
        for (int r = 0; r < REPS; r++)                                                      \
            for (int i = 0; i < N; i++)                                                     \
                acc += (expr);                                                              \
        double ns = (now() - t0) * 1e9 / ((double)REPS * N);                                \
        printf("%-14s %-4s %6.2f ns/op  (fflags %#x, checksum %016llx)\n", label,          \
               rm_name[rm], ns, fl, (unsigned long long)acc);                               \
    } while (0)

int main(void)
{
    static const char *const rm_name[] = {"RNE", "RTZ", "RDN", "RUP", "RMM"};
    for (int i = 0; i < N + 2; i++) {
        uint64_t x = next();
        /* sign random, exponent within +-31 of 1.0, random mantissa */
        s[i] = (uint32_t)((x & 0x80000000u) | ((127 - 31 + (x >> 40) % 63) << 23) |
                          (x & 0x7fffffu));
        d[i] = (x & 0x8000000000000000ull) | ((1023 - 31 + (x >> 20) % 63) << 52) |
               (next() & 0xfffffffffffffull);
    }
    const unsigned modes[] = {FPU_RNE, FPU_RMM};
    for (int m = 0; m < 2; m++) {
        unsigned rm = modes[m];
        BENCH("f32_add", fpu_f32_add(s[i], s[i + 1], rm, &fl));
        BENCH("f32_mul", fpu_f32_mul(s[i], s[i + 1], rm, &fl));
        BENCH("f32_fma", fpu_f32_fma(s[i], s[i + 1], s[i + 2], FPU_FMADD, rm, &fl));
        BENCH("f64_add", fpu_f64_add(d[i], d[i + 1], rm, &fl));
        BENCH("f64_mul", fpu_f64_mul(d[i], d[i + 1], rm, &fl));
        BENCH("f64_fma", fpu_f64_fma(d[i], d[i + 1], d[i + 2], FPU_FMADD, rm, &fl));
        BENCH("f64_div", fpu_f64_div(d[i], d[i + 1], rm, &fl));
        BENCH("f64_sqrt", fpu_f64_sqrt(d[i] & ~(1ull << 63), rm, &fl));
        BENCH("f64_to_i64", (uint64_t)fpu_f64_to_i64(d[i], rm, &fl));
        BENCH("i64_to_f64", fpu_i64_to_f64((int64_t)d[i], rm, &fl));
        BENCH("f64_to_f32", fpu_f64_to_f32(d[i], rm, &fl));
    }
    {
        unsigned rm = 0;
        BENCH("f64_lt", fpu_f64_lt(d[i], d[i + 1], &fl));
        BENCH("f64_min", fpu_f64_min(d[i], d[i + 1], &fl));
    }
    return 0;
}

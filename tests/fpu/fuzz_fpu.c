/*
 * fuzz_fpu.c - differential fuzzer: the production fpu_* functions (host engines)
 * against the software engine (tests/fpu/fpu_soft.h), which the QEMU reference
 * vectors check. Random operands are biased toward the cases where the host fast
 * paths have to be exact: ties, cancellation, results near the thresholds where the
 * fast paths hand over to software, subnormals and overflow.
 *
 *   gcc -std=c17 -D_GNU_SOURCE -Isrc -O2 -o /tmp/fuzz_fpu tests/fpu/fuzz_fpu.c \
 *       src/cpu/fpu.c -lm && /tmp/fuzz_fpu [millions-of-iterations] [seed]
 *
 * Prints the first mismatches and exits non-zero if there is any.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/fpu.h"

#include "fpu_soft.h"

static uint64_t rng_state;
static uint64_t rnd(void)
{
    uint64_t x = rng_state += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}
static unsigned rndn(unsigned n) { return (unsigned)(rnd() % n); }

/* Mantissa patterns that make ties and carries likely. */
static uint64_t rnd_frac(unsigned fbits)
{
    uint64_t m = fbits == 64 ? ~0ull : (1ull << fbits) - 1;
    switch (rndn(6)) {
    case 0: return rnd() & m;
    case 1: return (rnd() & m) | 1;
    case 2: return (rnd() & 0x1f) << (fbits - 5);           /* few high bits */
    case 3: return m ^ (rnd() & 7);                         /* near all ones */
    case 4: return rnd() & 7;                               /* near zero */
    default: return (rnd() & m) & ~((1ull << rndn(fbits)) - 1); /* trailing zeros */
    }
}

static uint64_t mk64(unsigned sign, unsigned bexp, uint64_t frac)
{
    return ((uint64_t)sign << 63) | ((uint64_t)(bexp & 0x7ff) << 52) | (frac & 0xfffffffffffffull);
}
static uint32_t mk32(unsigned sign, unsigned bexp, uint64_t frac)
{
    return ((uint32_t)sign << 31) | ((bexp & 0xff) << 23) | (uint32_t)(frac & 0x7fffff);
}

/* Biased exponents that matter for binary64 fast paths and for overflow/underflow. */
static unsigned rnd_bexp64(void)
{
    static const unsigned hot[] = {0, 1, 2, 3, 4, 5, 53, 54, 55, 56, 104, 105, 106, 107, 108,
                                   511, 512, 1023, 1022, 1024, 1534, 1535, 2044, 2045, 2046,
                                   2047};
    switch (rndn(4)) {
    case 0: return hot[rndn(sizeof hot / sizeof hot[0])] + rndn(3) - 1;
    case 1: return rndn(2048);
    default: return 1023 - 60 + rndn(120);
    }
}
static unsigned rnd_bexp32(void)
{
    static const unsigned hot[] = {0, 1, 2, 3, 24, 25, 126, 127, 128, 252, 253, 254, 255};
    switch (rndn(4)) {
    case 0: return hot[rndn(sizeof hot / sizeof hot[0])] + rndn(3) - 1;
    case 1: return rndn(256);
    default: return 127 - 30 + rndn(60);
    }
}
static uint64_t r64(void) { return rndn(16) ? mk64(rndn(2), rnd_bexp64(), rnd_frac(52)) : rnd(); }
static uint32_t r32(void)
{
    return rndn(16) ? mk32(rndn(2), rnd_bexp32(), rnd_frac(23)) : (uint32_t)rnd();
}

/* Operand triples with structure: related exponents, cancellations, ties. */
static void gen64(uint64_t *a, uint64_t *b, uint64_t *c)
{
    *a = r64();
    *b = r64();
    *c = r64();
    unsigned ea = (*a >> 52) & 0x7ff, eb = (*b >> 52) & 0x7ff;
    switch (rndn(8)) {
    case 0: /* c close to -(a*b): massive cancellation in fma */
    case 1: {
        unsigned fl = 0;
        uint64_t p = fpusoft_f64_mul(*a, *b, rndn(5), &fl);
        *c = (p ^ (1ull << 63)) + (rndn(3) ? 0 : rndn(9) - 4);
        break;
    }
    case 2: /* exponents of a and b close: add ties and cancellation */
        *b = mk64(rndn(2), ea + rndn(60) - 30, rnd_frac(52));
        break;
    case 3: /* product near a chosen binade */
        *b = mk64(rndn(2), (unsigned)((int)rnd_bexp64() - (int)ea + 1023), rnd_frac(52));
        break;
    case 4: /* c tiny next to the product */
        *c = mk64(rndn(2), (unsigned)((int)ea + (int)eb - 1023 - 50 - (int)rndn(60)),
                  rnd_frac(52));
        break;
    default: break;
    }
}

static void gen32(uint64_t *a, uint64_t *b, uint64_t *c)
{
    *a = r32();
    *b = r32();
    *c = r32();
    unsigned ea = (*a >> 23) & 0xff, eb = (*b >> 23) & 0xff;
    switch (rndn(8)) {
    case 0:
    case 1: {
        unsigned fl = 0;
        uint32_t p = fpusoft_f32_mul((uint32_t)*a, (uint32_t)*b, rndn(5), &fl);
        *c = (uint32_t)((p ^ 0x80000000u) + (rndn(3) ? 0 : rndn(9) - 4));
        break;
    }
    case 2: *b = mk32(rndn(2), ea + rndn(30) - 15, rnd_frac(23)); break;
    case 3: *b = mk32(rndn(2), (unsigned)((int)rnd_bexp32() - (int)ea + 127), rnd_frac(23)); break;
    case 4:
        *c = mk32(rndn(2), (unsigned)((int)ea + (int)eb - 127 - 20 - (int)rndn(40)),
                  rnd_frac(23));
        break;
    default: break;
    }
}

enum { ADD, SUB, MUL, DIV, SQRT, FMADD, FMSUB, FNMSUB, FNMADD, CVT, NOPS };
static const char *const names[NOPS] = {"add", "sub", "mul", "div", "sqrt",
                                        "fmadd", "fmsub", "fnmsub", "fnmadd", "cvt"};

#define FMAOP(op) ((enum fpu_fma_op)((op)-FMADD))

static uint64_t run64(int soft, int op, uint64_t a, uint64_t b, uint64_t c, unsigned rm,
                      unsigned *fl)
{
    switch (op) {
    case ADD: return (soft ? fpusoft_f64_add : fpu_f64_add)(a, b, rm, fl);
    case SUB: return (soft ? fpusoft_f64_sub : fpu_f64_sub)(a, b, rm, fl);
    case MUL: return (soft ? fpusoft_f64_mul : fpu_f64_mul)(a, b, rm, fl);
    case DIV: return (soft ? fpusoft_f64_div : fpu_f64_div)(a, b, rm, fl);
    case SQRT: return (soft ? fpusoft_f64_sqrt : fpu_f64_sqrt)(a, rm, fl);
    case CVT: return (soft ? fpusoft_f64_to_f32 : fpu_f64_to_f32)(a, rm, fl);
    default: return (soft ? fpusoft_f64_fma : fpu_f64_fma)(a, b, c, FMAOP(op), rm, fl);
    }
}

static uint64_t run32(int soft, int op, uint64_t a, uint64_t b, uint64_t c, unsigned rm,
                      unsigned *fl)
{
    uint32_t x = (uint32_t)a, y = (uint32_t)b, z = (uint32_t)c;
    switch (op) {
    case ADD: return (soft ? fpusoft_f32_add : fpu_f32_add)(x, y, rm, fl);
    case SUB: return (soft ? fpusoft_f32_sub : fpu_f32_sub)(x, y, rm, fl);
    case MUL: return (soft ? fpusoft_f32_mul : fpu_f32_mul)(x, y, rm, fl);
    case DIV: return (soft ? fpusoft_f32_div : fpu_f32_div)(x, y, rm, fl);
    case SQRT: return (soft ? fpusoft_f32_sqrt : fpu_f32_sqrt)(x, rm, fl);
    case CVT: return (soft ? fpusoft_f32_to_f64 : fpu_f32_to_f64)(x, fl);
    default: return (soft ? fpusoft_f32_fma : fpu_f32_fma)(x, y, z, FMAOP(op), rm, fl);
    }
}

int main(int argc, char **argv)
{
    unsigned long millions = argc > 1 ? strtoul(argv[1], NULL, 0) : 4;
    rng_state = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
    unsigned long bad = 0, n = 0;
    for (unsigned long it = 0; it < millions * 1000000ul; it++) {
        int w64 = (int)(it & 1);
        int op = (int)((it >> 1) % NOPS);
        uint64_t a, b, c;
        if (w64)
            gen64(&a, &b, &c);
        else
            gen32(&a, &b, &c);
        for (unsigned rm = 0; rm < 5; rm++) {
            unsigned f1 = 0, f2 = 0;
            uint64_t r1 = (w64 ? run64 : run32)(0, op, a, b, c, rm, &f1);
            uint64_t r2 = (w64 ? run64 : run32)(1, op, a, b, c, rm, &f2);
            n++;
            if (r1 != r2 || f1 != f2) {
                if (bad++ < 20)
                    printf("MISMATCH f%d_%s rm=%u a=%#llx b=%#llx c=%#llx: fpu %#llx/%#x soft "
                           "%#llx/%#x\n",
                           w64 ? 64 : 32, names[op], rm, (unsigned long long)a,
                           (unsigned long long)b, (unsigned long long)c, (unsigned long long)r1,
                           f1, (unsigned long long)r2, f2);
            }
        }
    }
    printf("fuzz: %lu comparisons, %lu mismatches\n", n, bad);
    return bad != 0;
}

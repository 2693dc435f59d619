/*
 * fpu.c - RISC-V F/D arithmetic, bit-exact with the unprivileged ISA (and so with
 * Berkeley SoftFloat's RISC-V specialization): results, canonical NaNs and fflags,
 * in all five rounding modes, with tininess detected after rounding.
 *
 * Two engines:
 *
 *  - Host arithmetic plus error-free transformations (FPU_EFT; x86-64 and AArch64).
 *    The host computes the round-to-nearest-even result s in the C default
 *    environment, and the exact error x - s is obtained as a floating-point number:
 *    TwoSum for add/sub, an fma residual for mul/div/sqrt, and Boldo-Muller's ErrFma
 *    for fma. Its sign and size give NX and every other rounding mode: RTZ/RDN/RUP
 *    move s by one ulp, RMM differs from RNE only on an exact tie. binary32
 *    operations run in binary64, where their products are exact, and the rounding to
 *    binary32 (the error acting as a sticky bit) is done by the integer round-and-pack
 *    below, so UF/OF/subnormal results are exact there too. MXCSR/fenv are never
 *    touched: no mode switches, no pipeline serialisation.
 *  - A portable integer implementation ("sf_", after SoftFloat 3's roundPack scheme)
 *    of every operation in every mode. It takes all special and edge cases of the
 *    host engine (NaN, inf, zero divisors, results near the overflow or underflow
 *    thresholds, tiny operands, a host without FMA3) and everything on other hosts
 *    or when built with -DRVMM_FPU_SOFT (tests/fpu/fpu_soft.h tests it on its own).
 *
 * Comparisons, min/max, fclass and all conversions are integer code in every build.
 * The host engine assumes what ISO C assumes for code compiled with FENV_ACCESS off:
 * the thread runs in the default floating-point environment (round to nearest, no
 * flush-to-zero or denormals-are-zero). Like any floating-point C code it may set the
 * host's sticky exception flags; it never changes the host's control modes.
 */
#include "cpu/fpu.h"

#include <float.h>
#include <string.h>

/* FPU_EFT: host arithmetic with error-free transformations (needs binary32/64 evaluated
 * in their own precision, which x86-64 SSE and AArch64 guarantee). */
#if !defined(RVMM_FPU_SOFT) && FLT_EVAL_METHOD == 0 && (defined(__x86_64__) || defined(__aarch64__))
#define FPU_EFT 1
#else
#define FPU_EFT 0
#endif

#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Format parameters: P = precision incl. the implicit bit, EMAX = bias. */
#define F32_P 24
#define F32_EMAX 127
#define F64_P 53
#define F64_EMAX 1023

__extension__ typedef unsigned __int128 u128;

/* ------------------------------------------------------------------------ */
/* Bit-level helpers                                                          */
/* ------------------------------------------------------------------------ */

static inline int fmt_width(int P) { return P == F32_P ? 32 : 64; }
static inline int fmt_ebits(int P) { return P == F32_P ? 8 : 11; }
static inline uint64_t fmt_canon(int P)
{
    return P == F32_P ? FPU_F32_CANONICAL_NAN : FPU_F64_CANONICAL_NAN;
}
static inline uint64_t fmt_sign(int P) { return 1ull << (fmt_width(P) - 1); }
static inline uint64_t fmt_frac_mask(int P) { return (1ull << (P - 1)) - 1; }
static inline unsigned fmt_bexp(int P, uint64_t x)
{
    return (unsigned)(x >> (P - 1)) & ((1u << fmt_ebits(P)) - 1);
}
static inline unsigned fmt_bexp_max(int P) { return (1u << fmt_ebits(P)) - 1; }

static inline bool is_nan(int P, uint64_t x)
{
    return fmt_bexp(P, x) == fmt_bexp_max(P) && (x & fmt_frac_mask(P));
}
static inline bool is_snan(int P, uint64_t x)
{
    return is_nan(P, x) && !(x & (1ull << (P - 2)));
}
static inline bool is_zero(int P, uint64_t x) { return (x & ~fmt_sign(P)) == 0; }
static inline bool sign_of(int P, uint64_t x) { return (x >> (fmt_width(P) - 1)) & 1; }

static inline uint64_t shr_jam64(uint64_t x, unsigned d)
{
    if (d == 0)
        return x;
    if (d >= 64)
        return x != 0;
    return (x >> d) | ((x << (64 - d)) != 0);
}

static inline u128 shr_jam128(u128 x, unsigned d)
{
    if (d == 0)
        return x;
    if (d >= 128)
        return x != 0;
    return (x >> d) | ((x << (128 - d)) != 0);
}

static inline int clz64(uint64_t x) { return __builtin_clzll(x); } /* x != 0 */

/* ------------------------------------------------------------------------ */
/* Software engine                                                           */
/* ------------------------------------------------------------------------ */

enum sf_cls { SF_ZERO, SF_FINITE, SF_INF, SF_QNAN, SF_SNAN };

/* A finite nonzero value is sig / 2^62 * 2^e with sig normalised to [2^62, 2^63). */
struct sf {
    bool sign;
    enum sf_cls cls;
    int e;
    uint64_t sig;
};

static inline struct sf sf_unpack(int P, int EMAX, uint64_t x)
{
    struct sf r;
    uint64_t frac = x & fmt_frac_mask(P);
    unsigned bexp = fmt_bexp(P, x);
    r.sign = sign_of(P, x);
    r.e = 0;
    r.sig = 0;
    if (bexp == fmt_bexp_max(P)) {
        if (!frac)
            r.cls = SF_INF;
        else
            r.cls = (frac >> (P - 2)) & 1 ? SF_QNAN : SF_SNAN;
    } else if (bexp == 0) {
        if (!frac) {
            r.cls = SF_ZERO;
        } else {
            int s = clz64(frac) - 1;
            r.cls = SF_FINITE;
            r.sig = frac << s;
            /* frac << (63 - P) would be the implicit-bit position for exponent 1-EMAX */
            r.e = 1 - EMAX - (s - (63 - P));
        }
    } else {
        r.cls = SF_FINITE;
        r.sig = (frac | (1ull << (P - 1))) << (63 - P);
        r.e = (int)bexp - EMAX;
    }
    return r;
}

static inline uint64_t sf_pack_zero(int P, bool sign) { return sign ? fmt_sign(P) : 0; }
static inline uint64_t sf_pack_inf(int P, bool sign)
{
    return sf_pack_zero(P, sign) | ((uint64_t)fmt_bexp_max(P) << (P - 1));
}

/*
 * Rounds sig / 2^62 * 2^e (sig in [2^62, 2^63), sticky bits ORed into bit 0) to the
 * format, raising NX/UF/OF. Tininess is detected after rounding. This is SoftFloat's
 * softfloat_roundPackToF64 generalised to both formats.
 */
static inline uint64_t sf_round_pack(int P, int EMAX, bool sign, int e, uint64_t sig,
                                     unsigned rm, unsigned *flags)
{
    const int sh = 63 - P; /* round bits below the P-bit significand */
    const uint64_t rmask = (1ull << sh) - 1, rhalf = 1ull << (sh - 1);
    int exp = e + EMAX - 1; /* biased exponent minus one (the implicit bit adds it back) */
    uint64_t inc;
    switch (rm) {
    case FPU_RTZ: inc = 0; break;
    case FPU_RDN: inc = sign ? rmask : 0; break;
    case FPU_RUP: inc = sign ? 0 : rmask; break;
    default: inc = rhalf; break; /* RNE, RMM */
    }
    uint64_t rbits = sig & rmask;
    if (UNLIKELY(exp < 0 || exp >= 2 * EMAX - 1)) {
        if (exp < 0) {
            bool tiny = exp < -1 || sig + inc < (1ull << 63);
            sig = shr_jam64(sig, (unsigned)-exp);
            exp = 0;
            rbits = sig & rmask;
            if (tiny && rbits)
                *flags |= FPU_UF;
        } else if (exp > 2 * EMAX - 1 || sig + inc >= (1ull << 63)) {
            *flags |= FPU_OF | FPU_NX;
            return sf_pack_inf(P, sign) - (inc == 0); /* max finite when rounding inward */
        }
    }
    if (rbits)
        *flags |= FPU_NX;
    sig = (sig + inc) >> sh;
    if (rm == FPU_RNE && rbits == rhalf)
        sig &= ~1ull;
    if (!sig)
        exp = 0;
    return sf_pack_zero(P, sign) + ((uint64_t)exp << (P - 1)) + sig;
}

/* Normalises any nonzero sig (value sig / 2^62 * 2^e) and rounds. */
static inline uint64_t sf_norm_round_pack(int P, int EMAX, bool sign, int e, uint64_t sig,
                                          unsigned rm, unsigned *flags)
{
    int lz = clz64(sig);
    if (lz == 0) {
        sig = shr_jam64(sig, 1);
        e++;
    } else {
        sig <<= lz - 1;
        e -= lz - 1;
    }
    return sf_round_pack(P, EMAX, sign, e, sig, rm, flags);
}

/* Normalises a nonzero 128-bit sig whose value is sig / 2^125 * 2^e, and rounds. */
static inline uint64_t sf_norm_round_pack128(int P, int EMAX, bool sign, int e, u128 sig,
                                             unsigned rm, unsigned *flags)
{
    uint64_t hi = (uint64_t)(sig >> 64), lo = (uint64_t)sig;
    int msb = hi ? 127 - clz64(hi) : 63 - clz64(lo);
    uint64_t s64;
    if (msb > 62)
        s64 = (uint64_t)shr_jam128(sig, (unsigned)(msb - 62));
    else
        s64 = lo << (62 - msb);
    return sf_round_pack(P, EMAX, sign, e + (msb - 125), s64, rm, flags);
}

static inline uint64_t sf_nan_result(int P, bool invalid, unsigned *flags)
{
    if (invalid)
        *flags |= FPU_NV;
    return fmt_canon(P);
}

static inline uint64_t sf_add(int P, int EMAX, uint64_t a, uint64_t b, bool negate_b,
                              unsigned rm, unsigned *flags)
{
    struct sf x = sf_unpack(P, EMAX, a), y = sf_unpack(P, EMAX, b);
    if (negate_b)
        y.sign = !y.sign;
    if (x.cls >= SF_QNAN || y.cls >= SF_QNAN)
        return sf_nan_result(P, x.cls == SF_SNAN || y.cls == SF_SNAN, flags);
    if (x.cls == SF_INF || y.cls == SF_INF) {
        if (x.cls == SF_INF && y.cls == SF_INF && x.sign != y.sign)
            return sf_nan_result(P, true, flags);
        return sf_pack_inf(P, x.cls == SF_INF ? x.sign : y.sign);
    }
    if (x.cls == SF_ZERO || y.cls == SF_ZERO) {
        if (x.cls == SF_ZERO && y.cls == SF_ZERO)
            return sf_pack_zero(P, x.sign == y.sign ? x.sign : rm == FPU_RDN);
        return x.cls == SF_ZERO ? (b ^ (negate_b ? fmt_sign(P) : 0)) : a;
    }
    if (x.e < y.e || (x.e == y.e && x.sig < y.sig)) {
        struct sf t = x;
        x = y;
        y = t;
    }
    uint64_t ys = shr_jam64(y.sig, (unsigned)(x.e - y.e));
    if (x.sign == y.sign)
        return sf_norm_round_pack(P, EMAX, x.sign, x.e, x.sig + ys, rm, flags);
    uint64_t d = x.sig - ys;
    if (!d)
        return sf_pack_zero(P, rm == FPU_RDN);
    return sf_norm_round_pack(P, EMAX, x.sign, x.e, d, rm, flags);
}

static inline uint64_t sf_mul(int P, int EMAX, uint64_t a, uint64_t b, unsigned rm,
                              unsigned *flags)
{
    struct sf x = sf_unpack(P, EMAX, a), y = sf_unpack(P, EMAX, b);
    bool sign = x.sign ^ y.sign;
    if (x.cls >= SF_QNAN || y.cls >= SF_QNAN)
        return sf_nan_result(P, x.cls == SF_SNAN || y.cls == SF_SNAN, flags);
    if (x.cls == SF_INF || y.cls == SF_INF) {
        if (x.cls == SF_ZERO || y.cls == SF_ZERO)
            return sf_nan_result(P, true, flags);
        return sf_pack_inf(P, sign);
    }
    if (x.cls == SF_ZERO || y.cls == SF_ZERO)
        return sf_pack_zero(P, sign);
    u128 p = (u128)x.sig * y.sig; /* [2^124, 2^126) */
    uint64_t s = (uint64_t)(p >> 62) | ((uint64_t)p & ((1ull << 62) - 1) ? 1 : 0);
    return sf_norm_round_pack(P, EMAX, sign, x.e + y.e, s, rm, flags);
}

static inline uint64_t sf_div(int P, int EMAX, uint64_t a, uint64_t b, unsigned rm,
                              unsigned *flags)
{
    struct sf x = sf_unpack(P, EMAX, a), y = sf_unpack(P, EMAX, b);
    bool sign = x.sign ^ y.sign;
    if (x.cls >= SF_QNAN || y.cls >= SF_QNAN)
        return sf_nan_result(P, x.cls == SF_SNAN || y.cls == SF_SNAN, flags);
    if (x.cls == SF_INF) {
        if (y.cls == SF_INF)
            return sf_nan_result(P, true, flags);
        return sf_pack_inf(P, sign);
    }
    if (y.cls == SF_INF)
        return sf_pack_zero(P, sign);
    if (y.cls == SF_ZERO) {
        if (x.cls == SF_ZERO)
            return sf_nan_result(P, true, flags);
        *flags |= FPU_DZ;
        return sf_pack_inf(P, sign);
    }
    if (x.cls == SF_ZERO)
        return sf_pack_zero(P, sign);
    int e = x.e - y.e;
    unsigned shift = 62;
    if (x.sig < y.sig) {
        shift = 63;
        e--;
    }
    u128 n = (u128)x.sig << shift;
    uint64_t q = (uint64_t)(n / y.sig); /* [2^62, 2^63) */
    if ((u128)q * y.sig != n)
        q |= 1;
    return sf_round_pack(P, EMAX, sign, e, q, rm, flags);
}

/* floor(sqrt(n)) for 2^124 <= n < 2^126: a double estimate, one Newton step, fix-up. */
static uint64_t isqrt128(u128 n)
{
    uint64_t r = (uint64_t)(__builtin_sqrt((double)(uint64_t)(n >> 62)) * 2147483648.0);
    if (r < (1ull << 62))
        r = 1ull << 62;
    r = (uint64_t)(((u128)r + n / r) >> 1); /* >= floor(sqrt(n)) by AM-GM */
    while ((u128)r * r > n)
        r--;
    while ((u128)(r + 1) * (r + 1) <= n)
        r++;
    return r;
}

static inline uint64_t sf_sqrt(int P, int EMAX, uint64_t a, unsigned rm, unsigned *flags)
{
    struct sf x = sf_unpack(P, EMAX, a);
    if (x.cls >= SF_QNAN)
        return sf_nan_result(P, x.cls == SF_SNAN, flags);
    if (x.cls == SF_ZERO)
        return a;
    if (x.sign)
        return sf_nan_result(P, true, flags);
    if (x.cls == SF_INF)
        return a;
    /* value = sig/2^62 * 2^e; make e even and take sqrt(sig * 2^62 or 2^63). */
    unsigned shift = (x.e & 1) ? 63 : 62;
    int e = (x.e - (int)(shift - 62)) / 2;
    u128 n = (u128)x.sig << shift;
    uint64_t r = isqrt128(n); /* [2^62, 2^63) */
    if ((u128)r * r != n)
        r |= 1;
    return sf_round_pack(P, EMAX, false, e, r, rm, flags);
}

static inline uint64_t sf_fma(int P, int EMAX, uint64_t a, uint64_t b, uint64_t c,
                              unsigned rm, unsigned *flags)
{
    struct sf x = sf_unpack(P, EMAX, a), y = sf_unpack(P, EMAX, b), z = sf_unpack(P, EMAX, c);
    bool ps = x.sign ^ y.sign;
    bool inf_zero = (x.cls == SF_INF && y.cls == SF_ZERO) || (x.cls == SF_ZERO && y.cls == SF_INF);
    if (x.cls >= SF_QNAN || y.cls >= SF_QNAN || z.cls >= SF_QNAN)
        return sf_nan_result(P,
                             x.cls == SF_SNAN || y.cls == SF_SNAN || z.cls == SF_SNAN || inf_zero,
                             flags);
    if (inf_zero)
        return sf_nan_result(P, true, flags);
    if (x.cls == SF_INF || y.cls == SF_INF) {
        if (z.cls == SF_INF && z.sign != ps)
            return sf_nan_result(P, true, flags);
        return sf_pack_inf(P, ps);
    }
    if (z.cls == SF_INF)
        return c;
    if (x.cls == SF_ZERO || y.cls == SF_ZERO) {
        if (z.cls == SF_ZERO)
            return sf_pack_zero(P, ps == z.sign ? ps : rm == FPU_RDN);
        return c;
    }
    u128 p = (u128)x.sig * y.sig; /* value p / 2^124 * 2^(ex+ey), p in [2^124, 2^126) */
    int ep = x.e + y.e + 1;       /* now value p / 2^125 * 2^ep */
    if (z.cls == SF_ZERO)
        return sf_norm_round_pack128(P, EMAX, ps, ep, p, rm, flags);
    u128 q = (u128)z.sig << 63; /* value q / 2^125 * 2^ez, q in [2^125, 2^126) */
    int e;
    if (ep >= z.e) {
        q = shr_jam128(q, (unsigned)(ep - z.e));
        e = ep;
    } else {
        p = shr_jam128(p, (unsigned)(z.e - ep));
        e = z.e;
    }
    if (ps == z.sign)
        return sf_norm_round_pack128(P, EMAX, ps, e, p + q, rm, flags);
    if (p == q)
        return sf_pack_zero(P, rm == FPU_RDN);
    if (p > q)
        return sf_norm_round_pack128(P, EMAX, ps, e, p - q, rm, flags);
    return sf_norm_round_pack128(P, EMAX, z.sign, e, q - p, rm, flags);
}

/* FMSUB/FNMSUB/FNMADD as FMADD with negated operands, exactly as SoftFloat and the ISA
 * define them (so -(a*b) - c with a*b = +0, c = -0 is +0 in RNE, not -0). */
static inline void fma_operand_signs(int P, enum fpu_fma_op op, uint64_t *a, uint64_t *c)
{
    uint64_t s = fmt_sign(P);
    if (op == FPU_FMSUB || op == FPU_FNMADD)
        *c ^= s;
    if (op == FPU_FNMSUB || op == FPU_FNMADD)
        *a ^= s;
}

/* Integer -> float: (-1)^sign * mag. */
static inline uint64_t sf_from_int(int P, int EMAX, bool sign, uint64_t mag, unsigned rm,
                                   unsigned *flags)
{
    if (!mag)
        return 0;
    return sf_norm_round_pack(P, EMAX, sign, 62, mag, rm, flags);
}

enum cvt_kind { CVT_I32, CVT_U32, CVT_I64, CVT_U64 };

/* Float -> integer with RISC-V saturation. Returns the 64-bit rd value. */
static inline uint64_t sf_to_int(int P, int EMAX, uint64_t x, unsigned rm, unsigned *flags,
                                 enum cvt_kind kind)
{
    static const uint64_t maxv[4] = {0x7fffffffull, ~0ull, 0x7fffffffffffffffull, ~0ull};
    static const uint64_t minv[4] = {0xffffffff80000000ull, 0, 0x8000000000000000ull, 0};
    bool sign = sign_of(P, x);
    unsigned bexp = fmt_bexp(P, x);
    uint64_t sig = x & fmt_frac_mask(P);
    if (bexp == fmt_bexp_max(P)) {
        *flags |= FPU_NV;
        return (sig || !sign) ? maxv[kind] : minv[kind];
    }
    if (bexp == 0 && sig == 0)
        return 0;
    int E = bexp ? (int)bexp - EMAX : 1 - EMAX; /* value = sig * 2^(E - (P-1)) */
    if (bexp)
        sig |= 1ull << (P - 1);
    if (E >= 64)
        goto invalid;
    uint64_t mag;
    bool inexact = false;
    int sh = (P - 1) - E;
    if (sh <= 0) {
        mag = sig << -sh; /* < 2^(E+1) <= 2^64 */
    } else {
        uint64_t ip, rem, half;
        if (sh > 62) {
            ip = 0;
            rem = 1;
            half = 1ull << 62; /* |x| < 2^-9: nonzero, below one half */
        } else {
            ip = sig >> sh;
            rem = sig & ((1ull << sh) - 1);
            half = 1ull << (sh - 1);
        }
        bool up;
        switch (rm) {
        case FPU_RTZ: up = false; break;
        case FPU_RDN: up = sign && rem; break;
        case FPU_RUP: up = !sign && rem; break;
        case FPU_RMM: up = rem >= half; break;
        default: up = rem > half || (rem == half && (ip & 1)); break;
        }
        mag = ip + up;
        inexact = rem != 0;
    }
    uint64_t lim;
    switch (kind) {
    case CVT_I32: lim = sign ? 0x80000000ull : 0x7fffffffull; break;
    case CVT_U32: lim = sign ? 0 : 0xffffffffull; break;
    case CVT_I64: lim = sign ? 0x8000000000000000ull : 0x7fffffffffffffffull; break;
    default: lim = sign ? 0 : ~0ull; break;
    }
    if (mag > lim)
        goto invalid;
    if (inexact)
        *flags |= FPU_NX;
    uint64_t r = sign ? 0 - mag : mag;
    if (kind == CVT_U32)
        r = (r ^ 0x80000000ull) - 0x80000000ull; /* sign-extend bit 31 */
    return r;
invalid:
    *flags |= FPU_NV;
    return sign ? minv[kind] : maxv[kind];
}

/* ------------------------------------------------------------------------ */
/* Host engine: error-free transformations on the host's IEEE arithmetic      */
/* ------------------------------------------------------------------------ */

#if FPU_EFT

/*
 * Everything here runs in the C default floating-point environment (round to
 * nearest even, no flush-to-zero, FLT_EVAL_METHOD 0), which ISO C lets code
 * compiled with FENV_ACCESS off assume. Exactness never depends on host flags: an
 * RNE result s is corrected with the exact error x - s of the operation, which is
 * itself a floating-point number (TwoSum for additions, an fma residual for
 * products, quotients and square roots) as long as no intermediate underflows or
 * overflows; each fast path checks exponent ranges that guarantee this and sends
 * anything else (NaN, inf, zero divisors, results near the overflow or underflow
 * thresholds, tiny operands) to the software engine. No multiply and add ever share
 * one C expression, so FP contraction cannot change the sequences.
 */

static inline double d_of(uint64_t x)
{
    double d;
    memcpy(&d, &x, sizeof d);
    return d;
}
static inline uint64_t bits_of_d(double d)
{
    uint64_t x;
    memcpy(&x, &d, sizeof x);
    return x;
}
static inline float f_of(uint32_t x)
{
    float f;
    memcpy(&f, &x, sizeof f);
    return f;
}

#define D_SIGN 0x8000000000000000ull
#define D_BEXP(x) ((unsigned)((x) >> 52) & 0x7ffu)
#define S_BEXP(x) ((unsigned)((x) >> 23) & 0xffu)

/* Host fma (one rounding, RNE). x86-64 compiles without -mfma, so FMA3 is used
 * through asm after a CPU check; volatile keeps it from being hoisted above the check. */
#if defined(__x86_64__)
static inline bool host_has_fma(void) { return __builtin_cpu_supports("fma"); }
static inline double host_fma(double a, double b, double c)
{
    __asm__ volatile("vfmadd231sd %2, %1, %0" : "+x"(c) : "x"(a), "x"(b));
    return c;
}
#else
static inline bool host_has_fma(void) { return true; }
static inline double host_fma(double a, double b, double c) { return __builtin_fma(a, b, c); }
#endif

static inline double host_sqrt(double a)
{
#if defined(__x86_64__)
    __asm__("sqrtsd %1, %0" : "=x"(a) : "x"(a));
    return a;
#else
    return __builtin_sqrt(a);
#endif
}

/* Bits of half an ulp of a binary64 number with biased exponent B (not representable,
 * and never needed, for B < 2). */
static inline uint64_t half_ulp64(unsigned B)
{
    return B > 53 ? (uint64_t)(B - 53) << 52 : B >= 2 ? 1ull << (B - 2) : 0;
}

/*
 * Final step for binary64: s is the RNE result (finite, biased exponent in [2, 0x7fd]),
 * e the exact error x - s (0 when exact, |e| <= ulp(s)/2). Directed modes move s one
 * ulp toward or away from zero (integer +-1 on the magnitude), RMM only on an exact tie
 * that RNE resolved toward zero.
 */
static inline uint64_t eft_fix64(uint64_t s, uint64_t e, unsigned rm, unsigned *flags)
{
    if (!(e << 1))
        return s;
    *flags |= FPU_NX;
    /* Branch-free: the error's sign is data, the mode is not. */
    uint64_t away = ((s ^ e) >> 63) ^ 1; /* exact result is farther from zero than s */
    uint64_t eneg = e >> 63;
    uint64_t step = 2 * away - 1; /* +1 away from zero, -1 toward (mod 2^64) */
    switch (rm) {
    case FPU_RTZ: return s - (away ^ 1);
    case FPU_RDN: return s + (step & (0 - eneg));
    case FPU_RUP: return s + (step & (eneg - 1));
    case FPU_RMM: return s + (away & ((e << 1) == half_ulp64(D_BEXP(s)) << 1));
    default: return s;
    }
}

/* Rounds s + (tiny e with e's sign; e == 0: exact) to binary32. s is a normal double. */
static inline uint32_t eft_to_f32(double s, uint64_t e, unsigned rm, unsigned *flags)
{
    uint64_t sb = bits_of_d(s);
    bool sign = sb >> 63;
    uint64_t sig = ((sb & 0xfffffffffffffull) | (1ull << 52)) << 10; /* low 10 bits clear */
    if (e << 1) {
        /* x lies strictly between s and its binary64 neighbour: one unit of the 10 spare
         * bits below s stands for it without touching any binary32 rounding boundary. */
        sig = ((sb ^ e) >> 63) ? sig - 1 : sig | 1;
    }
    return (uint32_t)sf_norm_round_pack(F32_P, F32_EMAX, sign, (int)D_BEXP(sb) - 1023, sig, rm,
                                        flags);
}

/* (x + y) exactly = s + returned error (TwoSum; no overflow possible for the callers). */
static inline uint64_t two_sum_err(double x, double y, double s)
{
    double bb = s - x;
    double ea = x - (s - bb);
    double eb = y - bb;
    return bits_of_d(ea + eb);
}

static inline uint32_t eft_f32_add(uint32_t a, uint32_t b, unsigned rm, unsigned *flags)
{
    if (UNLIKELY(S_BEXP(a) == 0xff || S_BEXP(b) == 0xff))
        return (uint32_t)sf_add(F32_P, F32_EMAX, a, b, false, rm, flags);
    double x = f_of(a), y = f_of(b); /* exact */
    double s = x + y;
    uint64_t e = two_sum_err(x, y, s);
    if (UNLIKELY(s == 0)) /* exact cancellation or zeros */
        return rm == FPU_RDN ? (a | b) & 0x80000000u : (bits_of_d(s) >> 32) & 0x80000000u;
    return eft_to_f32(s, e, rm, flags);
}

static inline uint32_t eft_f32_mul(uint32_t a, uint32_t b, unsigned rm, unsigned *flags)
{
    if (UNLIKELY(S_BEXP(a) == 0xff || S_BEXP(b) == 0xff))
        return (uint32_t)sf_mul(F32_P, F32_EMAX, a, b, rm, flags);
    if (UNLIKELY(!(a << 1) || !(b << 1)))
        return (a ^ b) & 0x80000000u;
    double p = (double)f_of(a) * (double)f_of(b); /* exact: 48 bits, in range */
    return eft_to_f32(p, 0, rm, flags);
}

static inline uint32_t eft_f32_div(uint32_t a, uint32_t b, unsigned rm, unsigned *flags)
{
    if (UNLIKELY(S_BEXP(a) == 0xff || S_BEXP(b) == 0xff || !(b << 1) || !host_has_fma()))
        return (uint32_t)sf_div(F32_P, F32_EMAX, a, b, rm, flags);
    if (UNLIKELY(!(a << 1)))
        return (a ^ b) & 0x80000000u;
    double x = f_of(a), y = f_of(b);
    double q = x / y;
    double r = host_fma(-q, y, x); /* x - q*y, exact (binary32 operands are far from underflow) */
    /* sign of x/y - q is sign(r) * sign(y) */
    return eft_to_f32(q, bits_of_d(r) ^ (bits_of_d(y) & D_SIGN), rm, flags);
}

static inline uint32_t eft_f32_sqrt(uint32_t a, unsigned rm, unsigned *flags)
{
    if (UNLIKELY(!(a << 1)))
        return a;
    if (UNLIKELY(a >= 0x7f800000u || !host_has_fma())) /* negative, inf, NaN */
        return (uint32_t)sf_sqrt(F32_P, F32_EMAX, a, rm, flags);
    double x = f_of(a);
    double r = host_sqrt(x);
    double res = host_fma(-r, r, x); /* x - r*r, exact */
    return eft_to_f32(r, bits_of_d(res), rm, flags);
}

static inline uint32_t eft_f32_fma(uint32_t a, uint32_t b, uint32_t c, unsigned rm,
                                   unsigned *flags)
{
    if (UNLIKELY(S_BEXP(a) == 0xff || S_BEXP(b) == 0xff || S_BEXP(c) == 0xff || !(a << 1) ||
                 !(b << 1)))
        return (uint32_t)sf_fma(F32_P, F32_EMAX, a, b, c, rm, flags);
    double p = (double)f_of(a) * (double)f_of(b); /* exact */
    double z = f_of(c);
    double s = p + z;
    uint64_t e = two_sum_err(p, z, s);
    if (UNLIKELY(s == 0)) /* exact cancellation: the product is nonzero, so c = -p */
        return rm == FPU_RDN ? 0x80000000u : 0;
    return eft_to_f32(s, e, rm, flags);
}

static inline uint64_t eft_f64_add(uint64_t a, uint64_t b, unsigned rm, unsigned *flags)
{
    if (UNLIKELY(D_BEXP(a) >= 0x7fe || D_BEXP(b) >= 0x7fe))
        return sf_add(F64_P, F64_EMAX, a, b, false, rm, flags);
    double x = d_of(a), y = d_of(b);
    double s = x + y;
    uint64_t sb = bits_of_d(s);
    if (UNLIKELY(D_BEXP(sb) >= 0x7fe))
        return sf_add(F64_P, F64_EMAX, a, b, false, rm, flags);
    uint64_t e = two_sum_err(x, y, s);
    if (UNLIKELY(!(sb << 1))) /* exact cancellation or zeros */
        return rm == FPU_RDN ? (a | b) & D_SIGN : sb;
    /* Inexact sums have |s| >= 2^-1021 (smaller ones are exact), so eft_fix64 applies. */
    return eft_fix64(sb, e, rm, flags);
}

static inline uint64_t eft_f64_mul(uint64_t a, uint64_t b, unsigned rm, unsigned *flags)
{
    if (UNLIKELY(D_BEXP(a) == 0x7ff || D_BEXP(b) == 0x7ff))
        return sf_mul(F64_P, F64_EMAX, a, b, rm, flags);
    if (UNLIKELY(!(a << 1) || !(b << 1)))
        return (a ^ b) & D_SIGN;
    double x = d_of(a), y = d_of(b);
    double p = x * y;
    uint64_t pb = bits_of_d(p);
    /* |p| >= 2^-917 keeps the residual x*y - p representable; below the top binade no
     * overflow happened and none can happen by moving one ulp. */
    if (UNLIKELY(D_BEXP(pb) < 106 || D_BEXP(pb) > 0x7fd || !host_has_fma()))
        return sf_mul(F64_P, F64_EMAX, a, b, rm, flags);
    return eft_fix64(pb, bits_of_d(host_fma(x, y, -p)), rm, flags);
}

static inline uint64_t eft_f64_div(uint64_t a, uint64_t b, unsigned rm, unsigned *flags)
{
    if (UNLIKELY(D_BEXP(a) == 0x7ff || D_BEXP(b) == 0x7ff || !(b << 1)))
        return sf_div(F64_P, F64_EMAX, a, b, rm, flags);
    if (UNLIKELY(!(a << 1)))
        return (a ^ b) & D_SIGN;
    double x = d_of(a), y = d_of(b);
    double q = x / y;
    uint64_t qb = bits_of_d(q);
    /* |x| >= 2^-917 keeps x - q*y representable; q normal (so never a tie: a quotient of
     * two floats is never a midpoint unless it is subnormal) and not in the top binade. */
    if (UNLIKELY(D_BEXP(a) < 106 || D_BEXP(qb) < 3 || D_BEXP(qb) > 0x7fd || !host_has_fma()))
        return sf_div(F64_P, F64_EMAX, a, b, rm, flags);
    double r = host_fma(-q, y, x);
    uint64_t e = bits_of_d(r) ^ (b & D_SIGN); /* sign of x/y - q */
    return eft_fix64(qb, e, rm == FPU_RMM ? FPU_RNE : rm, flags);
}

static inline uint64_t eft_f64_sqrt(uint64_t a, unsigned rm, unsigned *flags)
{
    if (UNLIKELY(!(a << 1)))
        return a;
    if (UNLIKELY(D_BEXP(a) < 106 || a >= 0x7ff0000000000000ull || !host_has_fma()))
        return sf_sqrt(F64_P, F64_EMAX, a, rm, flags);
    double x = d_of(a);
    double r = host_sqrt(x);
    double res = host_fma(-r, r, x); /* x - r*r, exact; its sign is that of sqrt(x) - r */
    /* A square root is never a midpoint, so RMM behaves as RNE. */
    return eft_fix64(bits_of_d(r), bits_of_d(res), rm == FPU_RMM ? FPU_RNE : rm, flags);
}

/*
 * binary64 fma with the exact error of the fma (Boldo and Muller, "Exact and
 * approximated error of the FMA", IEEE TC 2011, algorithm ErrFma, proved in Coq/Flocq):
 * with r1 = RN(a*b + c), a*b + c = r1 + r2 + r3 exactly and r2 = RN(a*b + c - r1),
 * provided a*b = 0 or |a*b| >= 2^(emin+2p-1), |alpha1| and |beta1| not tiny and
 * |r1| >= 2^(emin+p-1) (emin = -1074, p = 53), all checked below with margin.
 */
static inline uint64_t eft_f64_fma(uint64_t a, uint64_t b, uint64_t c, unsigned rm,
                                   unsigned *flags)
{
    if (UNLIKELY(D_BEXP(a) == 0x7ff || D_BEXP(b) == 0x7ff || D_BEXP(c) >= 0x7fe || !(a << 1) ||
                 !(b << 1) || !host_has_fma()))
        return sf_fma(F64_P, F64_EMAX, a, b, c, rm, flags);
    double x = d_of(a), y = d_of(b), z = d_of(c);
    double u1 = x * y;
    uint64_t u1b = bits_of_d(u1);
    double r1 = host_fma(x, y, z);
    uint64_t r1b = bits_of_d(r1);
    if (UNLIKELY(D_BEXP(u1b) < 106 || D_BEXP(u1b) > 0x7fd || D_BEXP(r1b) < 3 ||
                 D_BEXP(r1b) > 0x7fd)) {
        /* r1 == 0 with |a*b| >= 2^-917: a*b + c is a multiple of 2^-1074 rounding to
         * zero, so exactly zero (c = -a*b): +0, or -0 in RDN. */
        if (!(r1b << 1) && D_BEXP(u1b) >= 106 && D_BEXP(u1b) <= 0x7fd)
            return rm == FPU_RDN ? D_SIGN : 0;
        return sf_fma(F64_P, F64_EMAX, a, b, c, rm, flags);
    }
    double u2 = host_fma(x, y, -u1); /* a*b - u1, exact */
    double alpha1 = z + u2;
    double alpha2 = d_of(two_sum_err(z, u2, alpha1));
    double beta1 = u1 + alpha1;
    double beta2 = d_of(two_sum_err(u1, alpha1, beta1));
    uint64_t al1b = bits_of_d(alpha1), be1b = bits_of_d(beta1);
    if (UNLIKELY(((al1b << 1) && D_BEXP(al1b) < 4) || ((be1b << 1) && D_BEXP(be1b) < 5)))
        return sf_fma(F64_P, F64_EMAX, a, b, c, rm, flags);
    double g = beta1 - r1;
    double gamma = g + beta2;
    double r2 = gamma + alpha2;
    uint64_t e = bits_of_d(r2);
    if (rm == FPU_RMM && (e << 1) == half_ulp64(D_BEXP(r1b)) << 1 &&
        (two_sum_err(gamma, alpha2, r2) << 1)) {
        /* |r2| is half an ulp but r3 != 0: not a tie, and r2 + r3 has r2's sign */
        *flags |= FPU_NX;
        return r1b;
    }
    return eft_fix64(r1b, e, rm, flags);
}

#endif /* FPU_EFT */

/* ------------------------------------------------------------------------ */
/* Public API: arithmetic                                                     */
/* ------------------------------------------------------------------------ */

#if FPU_EFT
#define ENGINE(eft, soft) eft
#else
#define ENGINE(eft, soft) soft
#endif

uint32_t fpu_f32_add(uint32_t a, uint32_t b, unsigned rm, unsigned *flags)
{
    return ENGINE(eft_f32_add(a, b, rm, flags),
                  (uint32_t)sf_add(F32_P, F32_EMAX, a, b, false, rm, flags));
}
uint32_t fpu_f32_sub(uint32_t a, uint32_t b, unsigned rm, unsigned *flags)
{
    return ENGINE(eft_f32_add(a, b ^ 0x80000000u, rm, flags),
                  (uint32_t)sf_add(F32_P, F32_EMAX, a, b, true, rm, flags));
}
uint32_t fpu_f32_mul(uint32_t a, uint32_t b, unsigned rm, unsigned *flags)
{
    return ENGINE(eft_f32_mul(a, b, rm, flags),
                  (uint32_t)sf_mul(F32_P, F32_EMAX, a, b, rm, flags));
}
uint32_t fpu_f32_div(uint32_t a, uint32_t b, unsigned rm, unsigned *flags)
{
    return ENGINE(eft_f32_div(a, b, rm, flags),
                  (uint32_t)sf_div(F32_P, F32_EMAX, a, b, rm, flags));
}
uint32_t fpu_f32_sqrt(uint32_t a, unsigned rm, unsigned *flags)
{
    return ENGINE(eft_f32_sqrt(a, rm, flags), (uint32_t)sf_sqrt(F32_P, F32_EMAX, a, rm, flags));
}
uint64_t fpu_f64_add(uint64_t a, uint64_t b, unsigned rm, unsigned *flags)
{
    return ENGINE(eft_f64_add(a, b, rm, flags), sf_add(F64_P, F64_EMAX, a, b, false, rm, flags));
}
uint64_t fpu_f64_sub(uint64_t a, uint64_t b, unsigned rm, unsigned *flags)
{
    return ENGINE(eft_f64_add(a, b ^ (1ull << 63), rm, flags),
                  sf_add(F64_P, F64_EMAX, a, b, true, rm, flags));
}
uint64_t fpu_f64_mul(uint64_t a, uint64_t b, unsigned rm, unsigned *flags)
{
    return ENGINE(eft_f64_mul(a, b, rm, flags), sf_mul(F64_P, F64_EMAX, a, b, rm, flags));
}
uint64_t fpu_f64_div(uint64_t a, uint64_t b, unsigned rm, unsigned *flags)
{
    return ENGINE(eft_f64_div(a, b, rm, flags), sf_div(F64_P, F64_EMAX, a, b, rm, flags));
}
uint64_t fpu_f64_sqrt(uint64_t a, unsigned rm, unsigned *flags)
{
    return ENGINE(eft_f64_sqrt(a, rm, flags), sf_sqrt(F64_P, F64_EMAX, a, rm, flags));
}

uint32_t fpu_f32_fma(uint32_t a, uint32_t b, uint32_t c, enum fpu_fma_op op, unsigned rm,
                     unsigned *flags)
{
    uint64_t x = a, z = c;
    fma_operand_signs(F32_P, op, &x, &z);
    return ENGINE(eft_f32_fma((uint32_t)x, b, (uint32_t)z, rm, flags),
                  (uint32_t)sf_fma(F32_P, F32_EMAX, x, b, z, rm, flags));
}

uint64_t fpu_f64_fma(uint64_t a, uint64_t b, uint64_t c, enum fpu_fma_op op, unsigned rm,
                     unsigned *flags)
{
    uint64_t x = a, z = c;
    fma_operand_signs(F64_P, op, &x, &z);
    return ENGINE(eft_f64_fma(x, b, z, rm, flags), sf_fma(F64_P, F64_EMAX, x, b, z, rm, flags));
}

/* ------------------------------------------------------------------------ */
/* Public API: min/max, comparisons, classification                           */
/* ------------------------------------------------------------------------ */

/* Total order on non-NaN values with -0 < +0. */
static inline bool ordered_lt(int P, uint64_t a, uint64_t b)
{
    bool sa = sign_of(P, a), sb = sign_of(P, b);
    if (sa != sb)
        return sa;
    return a != b && (sa ^ (a < b));
}

static inline uint64_t minmax(int P, uint64_t a, uint64_t b, bool want_max, unsigned *flags)
{
    bool an = is_nan(P, a), bn = is_nan(P, b);
    if (UNLIKELY(an || bn)) {
        if (is_snan(P, a) || is_snan(P, b))
            *flags |= FPU_NV;
        if (an && bn)
            return fmt_canon(P);
        return an ? b : a;
    }
    return ordered_lt(P, a, b) != want_max ? a : b;
}

static inline bool cmp_eq(int P, uint64_t a, uint64_t b, unsigned *flags)
{
    if (UNLIKELY(is_nan(P, a) || is_nan(P, b))) {
        if (is_snan(P, a) || is_snan(P, b))
            *flags |= FPU_NV;
        return false;
    }
    return a == b || is_zero(P, a | b);
}

static inline bool cmp_lt(int P, uint64_t a, uint64_t b, unsigned *flags)
{
    if (UNLIKELY(is_nan(P, a) || is_nan(P, b))) {
        *flags |= FPU_NV;
        return false;
    }
    if (is_zero(P, a | b))
        return false;
    return ordered_lt(P, a, b);
}

static inline bool cmp_le(int P, uint64_t a, uint64_t b, unsigned *flags)
{
    if (UNLIKELY(is_nan(P, a) || is_nan(P, b))) {
        *flags |= FPU_NV;
        return false;
    }
    return a == b || is_zero(P, a | b) || ordered_lt(P, a, b);
}

static inline unsigned fclass(int P, uint64_t a)
{
    bool s = sign_of(P, a);
    unsigned bexp = fmt_bexp(P, a);
    uint64_t frac = a & fmt_frac_mask(P);
    if (bexp == fmt_bexp_max(P)) {
        if (!frac)
            return s ? 1u << 0 : 1u << 7;
        return (frac >> (P - 2)) & 1 ? 1u << 9 : 1u << 8;
    }
    if (bexp == 0)
        return frac ? (s ? 1u << 2 : 1u << 5) : (s ? 1u << 3 : 1u << 4);
    return s ? 1u << 1 : 1u << 6;
}

uint32_t fpu_f32_min(uint32_t a, uint32_t b, unsigned *flags)
{
    return (uint32_t)minmax(F32_P, a, b, false, flags);
}
uint32_t fpu_f32_max(uint32_t a, uint32_t b, unsigned *flags)
{
    return (uint32_t)minmax(F32_P, a, b, true, flags);
}
uint64_t fpu_f64_min(uint64_t a, uint64_t b, unsigned *flags)
{
    return minmax(F64_P, a, b, false, flags);
}
uint64_t fpu_f64_max(uint64_t a, uint64_t b, unsigned *flags)
{
    return minmax(F64_P, a, b, true, flags);
}
bool fpu_f32_eq(uint32_t a, uint32_t b, unsigned *flags) { return cmp_eq(F32_P, a, b, flags); }
bool fpu_f32_lt(uint32_t a, uint32_t b, unsigned *flags) { return cmp_lt(F32_P, a, b, flags); }
bool fpu_f32_le(uint32_t a, uint32_t b, unsigned *flags) { return cmp_le(F32_P, a, b, flags); }
bool fpu_f64_eq(uint64_t a, uint64_t b, unsigned *flags) { return cmp_eq(F64_P, a, b, flags); }
bool fpu_f64_lt(uint64_t a, uint64_t b, unsigned *flags) { return cmp_lt(F64_P, a, b, flags); }
bool fpu_f64_le(uint64_t a, uint64_t b, unsigned *flags) { return cmp_le(F64_P, a, b, flags); }
unsigned fpu_f32_class(uint32_t a) { return fclass(F32_P, a); }
unsigned fpu_f64_class(uint64_t a) { return fclass(F64_P, a); }

/* ------------------------------------------------------------------------ */
/* Public API: conversions                                                    */
/* ------------------------------------------------------------------------ */

int64_t fpu_f32_to_i32(uint32_t a, unsigned rm, unsigned *flags)
{
    return (int64_t)sf_to_int(F32_P, F32_EMAX, a, rm, flags, CVT_I32);
}
int64_t fpu_f32_to_u32(uint32_t a, unsigned rm, unsigned *flags)
{
    return (int64_t)sf_to_int(F32_P, F32_EMAX, a, rm, flags, CVT_U32);
}
int64_t fpu_f32_to_i64(uint32_t a, unsigned rm, unsigned *flags)
{
    return (int64_t)sf_to_int(F32_P, F32_EMAX, a, rm, flags, CVT_I64);
}
uint64_t fpu_f32_to_u64(uint32_t a, unsigned rm, unsigned *flags)
{
    return sf_to_int(F32_P, F32_EMAX, a, rm, flags, CVT_U64);
}
int64_t fpu_f64_to_i32(uint64_t a, unsigned rm, unsigned *flags)
{
    return (int64_t)sf_to_int(F64_P, F64_EMAX, a, rm, flags, CVT_I32);
}
int64_t fpu_f64_to_u32(uint64_t a, unsigned rm, unsigned *flags)
{
    return (int64_t)sf_to_int(F64_P, F64_EMAX, a, rm, flags, CVT_U32);
}
int64_t fpu_f64_to_i64(uint64_t a, unsigned rm, unsigned *flags)
{
    return (int64_t)sf_to_int(F64_P, F64_EMAX, a, rm, flags, CVT_I64);
}
uint64_t fpu_f64_to_u64(uint64_t a, unsigned rm, unsigned *flags)
{
    return sf_to_int(F64_P, F64_EMAX, a, rm, flags, CVT_U64);
}

static inline uint64_t mag_of(int64_t v) { return v < 0 ? 0 - (uint64_t)v : (uint64_t)v; }

uint32_t fpu_i32_to_f32(int32_t v, unsigned rm, unsigned *flags)
{
    return (uint32_t)sf_from_int(F32_P, F32_EMAX, v < 0, mag_of(v), rm, flags);
}
uint32_t fpu_u32_to_f32(uint32_t v, unsigned rm, unsigned *flags)
{
    return (uint32_t)sf_from_int(F32_P, F32_EMAX, false, v, rm, flags);
}
uint32_t fpu_i64_to_f32(int64_t v, unsigned rm, unsigned *flags)
{
    return (uint32_t)sf_from_int(F32_P, F32_EMAX, v < 0, mag_of(v), rm, flags);
}
uint32_t fpu_u64_to_f32(uint64_t v, unsigned rm, unsigned *flags)
{
    return (uint32_t)sf_from_int(F32_P, F32_EMAX, false, v, rm, flags);
}
uint64_t fpu_i32_to_f64(int32_t v, unsigned rm, unsigned *flags)
{
    return sf_from_int(F64_P, F64_EMAX, v < 0, mag_of(v), rm, flags);
}
uint64_t fpu_u32_to_f64(uint32_t v, unsigned rm, unsigned *flags)
{
    return sf_from_int(F64_P, F64_EMAX, false, v, rm, flags);
}
uint64_t fpu_i64_to_f64(int64_t v, unsigned rm, unsigned *flags)
{
    return sf_from_int(F64_P, F64_EMAX, v < 0, mag_of(v), rm, flags);
}
uint64_t fpu_u64_to_f64(uint64_t v, unsigned rm, unsigned *flags)
{
    return sf_from_int(F64_P, F64_EMAX, false, v, rm, flags);
}

uint64_t fpu_f32_to_f64(uint32_t a, unsigned *flags)
{
    struct sf x = sf_unpack(F32_P, F32_EMAX, a);
    switch (x.cls) {
    case SF_SNAN: *flags |= FPU_NV; return FPU_F64_CANONICAL_NAN;
    case SF_QNAN: return FPU_F64_CANONICAL_NAN;
    case SF_INF: return sf_pack_inf(F64_P, x.sign);
    case SF_ZERO: return sf_pack_zero(F64_P, x.sign);
    default:
        /* Exact: 24 significant bits, exponent well inside binary64's range. */
        return sf_pack_zero(F64_P, x.sign) | ((uint64_t)(x.e + F64_EMAX) << 52) |
               ((x.sig >> 10) & fmt_frac_mask(F64_P));
    }
}

uint32_t fpu_f64_to_f32(uint64_t a, unsigned rm, unsigned *flags)
{
    struct sf x = sf_unpack(F64_P, F64_EMAX, a);
    switch (x.cls) {
    case SF_SNAN: *flags |= FPU_NV; return FPU_F32_CANONICAL_NAN;
    case SF_QNAN: return FPU_F32_CANONICAL_NAN;
    case SF_INF: return (uint32_t)sf_pack_inf(F32_P, x.sign);
    case SF_ZERO: return (uint32_t)sf_pack_zero(F32_P, x.sign);
    default: return (uint32_t)sf_round_pack(F32_P, F32_EMAX, x.sign, x.e, x.sig, rm, flags);
    }
}

/*
 * fpu.c - RISC-V F/D arithmetic, bit-exact with the unprivileged ISA (and so with
 * Berkeley SoftFloat's RISC-V specialization).
 *
 * Two engines produce every rounded result:
 *
 *  - The host's SSE unit (x86-64 only), for add/sub/mul/div/sqrt, fma (when the
 *    CPU has FMA3) and fcvt.s.d in RNE/RTZ/RDN/RUP. Each operation runs inside one
 *    inline-asm block that saves MXCSR, loads the guest rounding mode with all
 *    exceptions masked, FTZ/DAZ off and the sticky flags clear, executes the
 *    instruction, stores MXCSR to read the flags and restores the host MXCSR.
 *    Because the mode switch and the arithmetic are one asm statement the compiler
 *    cannot move or fold the operation across the mode switch, whatever its
 *    floating-point assumptions (GCC ignores FENV_ACCESS). SSE matches RISC-V on
 *    everything except NaN results, which are canonicalised afterwards, and the
 *    fma case inf*0+qNaN, which gets NV added: SSE, like RISC-V, detects tininess
 *    after rounding and raises UE only when the tiny result is also inexact.
 *
 *  - A portable integer implementation ("sf_", modelled on SoftFloat 3's
 *    roundPack scheme) that handles all five modes. It serves RMM, which x86 lacks,
 *    fma on hosts without FMA3, and everything on non-x86 hosts (or when built
 *    with -DRVMM_FPU_SOFT, which the tests use to check it on its own).
 *
 * Operations that are cheap in integers are always done there: comparisons,
 * min/max, fclass, all integer<->float conversions and fcvt.d.s.
 * fsqrt in RMM uses the RNE hardware result: a square root is never exactly
 * halfway between two floating-point numbers (nor subnormal, nor overflowing), so
 * RNE and RMM agree on every input, flags included.
 */
#include "cpu/fpu.h"

#include <string.h>

#if defined(__x86_64__) && !defined(RVMM_FPU_SOFT)
#define FPU_HW 1
#else
#define FPU_HW 0
#endif

#define LIKELY(x) __builtin_expect(!!(x), 1)
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
static inline bool is_inf(int P, uint64_t x)
{
    return fmt_bexp(P, x) == fmt_bexp_max(P) && !(x & fmt_frac_mask(P));
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

/* floor(sqrt(n)) for n < 2^126. */
static uint64_t isqrt128(u128 n)
{
    /* Bit-by-bit restoring square root: exact and branch-simple. */
    u128 rem = 0, root = 0;
    for (int i = 0; i < 64; i++) {
        rem = (rem << 2) | (n >> 126);
        n <<= 2;
        root <<= 1;
        u128 trial = (root << 1) | 1;
        if (rem >= trial) {
            rem -= trial;
            root |= 1;
        }
    }
    return (uint64_t)root;
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
/* Hardware engine (x86-64 SSE)                                               */
/* ------------------------------------------------------------------------ */

#if FPU_HW

/* MXCSR images: all exceptions masked, flags clear, FTZ/DAZ off, RC per mode. */
static const uint32_t hw_mxcsr[4] = {
    [FPU_RNE] = 0x1f80,
    [FPU_RTZ] = 0x7f80,
    [FPU_RDN] = 0x3f80,
    [FPU_RUP] = 0x5f80,
};

/* MXCSR flag bits IE DE ZE OE UE PE -> RISC-V NV DZ OF UF NX (DE is dropped). */
#define XF(i) ((((i)&1) << 4) | (((i)&4) << 1) | (((i)&8) >> 1) | (((i)&16) >> 3) | (((i)&32) >> 5))
#define XF4(i) XF(i), XF(i + 1), XF(i + 2), XF(i + 3)
#define XF16(i) XF4(i), XF4(i + 4), XF4(i + 8), XF4(i + 12)
static const uint8_t hw_flag_map[64] = {XF16(0), XF16(16), XF16(32), XF16(48)};
#undef XF
#undef XF4
#undef XF16

static inline unsigned hw_flags(uint32_t mxcsr) { return hw_flag_map[mxcsr & 0x3f]; }

#define HW_ENTER "stmxcsr %[saved]\n\tldmxcsr %[mode]\n\t"
#define HW_LEAVE "\n\tstmxcsr %[st]\n\tldmxcsr %[saved]"

#define HW_BINOP(name, T, insn)                                                              \
    static inline T name(T a, T b, unsigned rm, unsigned *flags)                             \
    {                                                                                        \
        uint32_t mode = hw_mxcsr[rm], saved, st;                                             \
        __asm__ volatile(HW_ENTER insn " %[b], %[a]" HW_LEAVE                                \
                         : [a] "+x"(a), [saved] "=m"(saved), [st] "=m"(st)                   \
                         : [mode] "m"(mode), [b] "x"(b));                                    \
        *flags |= hw_flags(st);                                                              \
        return a;                                                                            \
    }

HW_BINOP(hw_add_s, float, "addss")
HW_BINOP(hw_sub_s, float, "subss")
HW_BINOP(hw_mul_s, float, "mulss")
HW_BINOP(hw_div_s, float, "divss")
HW_BINOP(hw_add_d, double, "addsd")
HW_BINOP(hw_sub_d, double, "subsd")
HW_BINOP(hw_mul_d, double, "mulsd")
HW_BINOP(hw_div_d, double, "divsd")

#define HW_UNOP(name, TR, TA, insn)                                                          \
    static inline TR name(TA a, unsigned rm, unsigned *flags)                                \
    {                                                                                        \
        uint32_t mode = hw_mxcsr[rm], saved, st;                                             \
        TR r;                                                                                \
        __asm__ volatile(HW_ENTER insn " %[a], %[r]" HW_LEAVE                                \
                         : [r] "=x"(r), [saved] "=m"(saved), [st] "=m"(st)                   \
                         : [mode] "m"(mode), [a] "x"(a));                                    \
        *flags |= hw_flags(st);                                                              \
        return r;                                                                            \
    }

HW_UNOP(hw_sqrt_s, float, float, "sqrtss")
HW_UNOP(hw_sqrt_d, double, double, "sqrtsd")
HW_UNOP(hw_cvt_ds, float, double, "cvtsd2ss")

/* c = a * b + c with one rounding (FMA3). */
#define HW_FMA(name, T, insn)                                                                \
    static inline T name(T a, T b, T c, unsigned rm, unsigned *flags)                        \
    {                                                                                        \
        uint32_t mode = hw_mxcsr[rm], saved, st;                                             \
        __asm__ volatile(HW_ENTER insn " %[b], %[a], %[c]" HW_LEAVE                          \
                         : [c] "+x"(c), [saved] "=m"(saved), [st] "=m"(st)                   \
                         : [mode] "m"(mode), [a] "x"(a), [b] "x"(b));                        \
        *flags |= hw_flags(st);                                                              \
        return c;                                                                            \
    }

HW_FMA(hw_fma_s, float, "vfmadd231ss")
HW_FMA(hw_fma_d, double, "vfmadd231sd")

static inline bool hw_have_fma(void) { return __builtin_cpu_supports("fma"); }

static inline float f32_from_bits(uint32_t x)
{
    float f;
    memcpy(&f, &x, sizeof f);
    return f;
}
static inline uint32_t f32_bits(float f)
{
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    return x;
}
static inline double f64_from_bits(uint64_t x)
{
    double f;
    memcpy(&f, &x, sizeof f);
    return f;
}
static inline uint64_t f64_bits(double f)
{
    uint64_t x;
    memcpy(&x, &f, sizeof x);
    return x;
}

static inline uint32_t canon32(uint32_t r)
{
    return (r & 0x7fffffffu) > 0x7f800000u ? FPU_F32_CANONICAL_NAN : r;
}
static inline uint64_t canon64(uint64_t r)
{
    return (r & 0x7fffffffffffffffull) > 0x7ff0000000000000ull ? FPU_F64_CANONICAL_NAN : r;
}

/* Modes the hardware engine handles: RNE, RTZ, RDN, RUP. */
#define HW_MODE(rm) LIKELY((rm) < FPU_RMM)

#define F32_HW_BINOP(fn, hw, soft)                                                           \
    uint32_t fn(uint32_t a, uint32_t b, unsigned rm, unsigned *flags)                        \
    {                                                                                        \
        if (HW_MODE(rm))                                                                     \
            return canon32(f32_bits(hw(f32_from_bits(a), f32_from_bits(b), rm, flags)));     \
        return (uint32_t)soft;                                                               \
    }
#define F64_HW_BINOP(fn, hw, soft)                                                           \
    uint64_t fn(uint64_t a, uint64_t b, unsigned rm, unsigned *flags)                        \
    {                                                                                        \
        if (HW_MODE(rm))                                                                     \
            return canon64(f64_bits(hw(f64_from_bits(a), f64_from_bits(b), rm, flags)));     \
        return soft;                                                                         \
    }

#else /* !FPU_HW */

#define F32_HW_BINOP(fn, hw, soft)                                                           \
    uint32_t fn(uint32_t a, uint32_t b, unsigned rm, unsigned *flags) { return (uint32_t)soft; }
#define F64_HW_BINOP(fn, hw, soft)                                                           \
    uint64_t fn(uint64_t a, uint64_t b, unsigned rm, unsigned *flags) { return soft; }

#endif /* FPU_HW */

/* ------------------------------------------------------------------------ */
/* Public API: arithmetic                                                     */
/* ------------------------------------------------------------------------ */

F32_HW_BINOP(fpu_f32_add, hw_add_s, sf_add(F32_P, F32_EMAX, a, b, false, rm, flags))
F32_HW_BINOP(fpu_f32_sub, hw_sub_s, sf_add(F32_P, F32_EMAX, a, b, true, rm, flags))
F32_HW_BINOP(fpu_f32_mul, hw_mul_s, sf_mul(F32_P, F32_EMAX, a, b, rm, flags))
F32_HW_BINOP(fpu_f32_div, hw_div_s, sf_div(F32_P, F32_EMAX, a, b, rm, flags))
F64_HW_BINOP(fpu_f64_add, hw_add_d, sf_add(F64_P, F64_EMAX, a, b, false, rm, flags))
F64_HW_BINOP(fpu_f64_sub, hw_sub_d, sf_add(F64_P, F64_EMAX, a, b, true, rm, flags))
F64_HW_BINOP(fpu_f64_mul, hw_mul_d, sf_mul(F64_P, F64_EMAX, a, b, rm, flags))
F64_HW_BINOP(fpu_f64_div, hw_div_d, sf_div(F64_P, F64_EMAX, a, b, rm, flags))

uint32_t fpu_f32_sqrt(uint32_t a, unsigned rm, unsigned *flags)
{
#if FPU_HW
    if (rm <= FPU_RMM) /* RMM == RNE for sqrt, see the top of the file */
        return canon32(f32_bits(hw_sqrt_s(f32_from_bits(a), rm == FPU_RMM ? FPU_RNE : rm, flags)));
#endif
    return (uint32_t)sf_sqrt(F32_P, F32_EMAX, a, rm, flags);
}

uint64_t fpu_f64_sqrt(uint64_t a, unsigned rm, unsigned *flags)
{
#if FPU_HW
    if (rm <= FPU_RMM)
        return canon64(f64_bits(hw_sqrt_d(f64_from_bits(a), rm == FPU_RMM ? FPU_RNE : rm, flags)));
#endif
    return sf_sqrt(F64_P, F64_EMAX, a, rm, flags);
}

/* RISC-V raises NV for inf*0 even when the addend is a quiet NaN; SSE may not. */
static inline bool fma_inf_times_zero(int P, uint64_t a, uint64_t b)
{
    return (is_inf(P, a) && is_zero(P, b)) || (is_zero(P, a) && is_inf(P, b));
}

uint32_t fpu_f32_fma(uint32_t a, uint32_t b, uint32_t c, enum fpu_fma_op op, unsigned rm,
                     unsigned *flags)
{
    uint64_t x = a, z = c;
    fma_operand_signs(F32_P, op, &x, &z);
#if FPU_HW
    if (HW_MODE(rm) && hw_have_fma()) {
        uint32_t r = f32_bits(
            hw_fma_s(f32_from_bits((uint32_t)x), f32_from_bits(b), f32_from_bits((uint32_t)z), rm,
                     flags));
        if (UNLIKELY((r & 0x7fffffffu) > 0x7f800000u)) {
            if (fma_inf_times_zero(F32_P, x, b))
                *flags |= FPU_NV;
            return FPU_F32_CANONICAL_NAN;
        }
        return r;
    }
#endif
    return (uint32_t)sf_fma(F32_P, F32_EMAX, x, b, z, rm, flags);
}

uint64_t fpu_f64_fma(uint64_t a, uint64_t b, uint64_t c, enum fpu_fma_op op, unsigned rm,
                     unsigned *flags)
{
    uint64_t x = a, z = c;
    fma_operand_signs(F64_P, op, &x, &z);
#if FPU_HW
    if (HW_MODE(rm) && hw_have_fma()) {
        uint64_t r = f64_bits(hw_fma_d(f64_from_bits(x), f64_from_bits(b), f64_from_bits(z), rm,
                                       flags));
        if (UNLIKELY((r & 0x7fffffffffffffffull) > 0x7ff0000000000000ull)) {
            if (fma_inf_times_zero(F64_P, x, b))
                *flags |= FPU_NV;
            return FPU_F64_CANONICAL_NAN;
        }
        return r;
    }
#endif
    return sf_fma(F64_P, F64_EMAX, x, b, z, rm, flags);
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
#if FPU_HW
    if (HW_MODE(rm))
        return canon32(f32_bits(hw_cvt_ds(f64_from_bits(a), rm, flags)));
#endif
    struct sf x = sf_unpack(F64_P, F64_EMAX, a);
    switch (x.cls) {
    case SF_SNAN: *flags |= FPU_NV; return FPU_F32_CANONICAL_NAN;
    case SF_QNAN: return FPU_F32_CANONICAL_NAN;
    case SF_INF: return (uint32_t)sf_pack_inf(F32_P, x.sign);
    case SF_ZERO: return (uint32_t)sf_pack_zero(F32_P, x.sign);
    default: return (uint32_t)sf_round_pack(F32_P, F32_EMAX, x.sign, x.e, x.sig, rm, flags);
    }
}

/*
 * x86_emit.c - the x86-64 encoder behind x86_emit.h. Every instruction goes
 * through one of two paths: op_rr (register-direct ModRM) or op_rm (a memory
 * operand), which handle the prefixes, REX and ModRM/SIB/displacement; the
 * public functions only pick opcodes and immediates.
 *
 * Operand misuse (a bad size, scale or register) is a translator bug, not a
 * guest condition, so it is asserted rather than reported.
 */
#include "jit/x86_emit.h"

#include <assert.h>
#include <cpuid.h>
#include <string.h>

/* How op_rr/op_rm encode an instruction, besides its opcode byte. */
enum {
    OP_W = 1 << 0,        /* REX.W: 64-bit operand size */
    OP_0F = 1 << 1,       /* two-byte opcode 0x0f xx */
    OP_66 = 1 << 2,       /* operand-size prefix: 16-bit operand */
    OP_F3 = 1 << 3,       /* mandatory prefix of lzcnt/tzcnt/popcnt, movq xmm, m64 */
    OP_F2 = 1 << 6,       /* mandatory prefix of the scalar-double SSE2 ops */
    OP_BYTE_REG = 1 << 4, /* the ModRM.reg operand is an 8-bit register */
    OP_BYTE_RM = 1 << 5,  /* the ModRM.rm register is an 8-bit register */
};

enum { REX_W = 8, REX_R = 4, REX_X = 2, REX_B = 1 };

static unsigned opsize(bool w64) { return w64 ? OP_W : 0; }

void x86_buf_init(struct x86_buf *b, void *write_start, const void *exec_start, size_t size)
{
    b->start = write_start;
    b->p = write_start;
    b->end = b->start + size;
    b->exec_delta = (ptrdiff_t)((uintptr_t)exec_start - (uintptr_t)write_start);
    b->overflow = false;
}

/* Once one byte did not fit, every later byte is dropped too, even if a shorter
 * instruction would fit: the buffer is invalid as a whole anyway. */
static void emit8(struct x86_buf *b, uint8_t v)
{
    if (b->overflow || b->p >= b->end) {
        b->overflow = true;
        return;
    }
    *b->p++ = v;
}

static void emit32(struct x86_buf *b, uint32_t v)
{
    for (int i = 0; i < 32; i += 8)
        emit8(b, (uint8_t)(v >> i));
}

static void emit64(struct x86_buf *b, uint64_t v)
{
    emit32(b, (uint32_t)v);
    emit32(b, (uint32_t)(v >> 32));
}

void x86_bytes(struct x86_buf *b, const void *bytes, size_t n)
{
    const uint8_t *s = bytes;
    for (size_t i = 0; i < n; i++)
        emit8(b, s[i]);
}

static bool fits_int8(int64_t v) { return v >= INT8_MIN && v <= INT8_MAX; }
static bool fits_int32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

/* A register number splits into ModRM/SIB's 3 bits and a REX extension bit. */
static unsigned low3(unsigned r) { return r & 7; }
static unsigned high1(unsigned r) { return (r >> 3) & 1; }

/* Without any REX prefix, byte registers 4-7 are AH, CH, DH, BH; with one
 * (even an empty 0x40) they are SPL, BPL, SIL, DIL, which is what we mean. */
static bool needs_rex_for_byte(unsigned r) { return r >= X86_RSP && r <= X86_RDI; }

static void emit_rex(struct x86_buf *b, unsigned bits, bool force)
{
    if (bits || force)
        emit8(b, (uint8_t)(0x40 | bits));
}

/* Legacy prefixes, then REX, then the opcode: that order is mandatory (a REX
 * not immediately before the opcode is ignored). */
static void emit_prefixes_and_opcode(struct x86_buf *b, unsigned flags, unsigned rex,
                                     bool force_rex, uint8_t opcode)
{
    if (flags & OP_66)
        emit8(b, 0x66);
    if (flags & OP_F3)
        emit8(b, 0xf3);
    if (flags & OP_F2)
        emit8(b, 0xf2);
    if (flags & OP_W)
        rex |= REX_W;
    emit_rex(b, rex, force_rex);
    if (flags & OP_0F)
        emit8(b, 0x0f);
    emit8(b, opcode);
}

/* An instruction whose r/m operand is the register `rm`; `reg` is a register
 * or the opcode's /digit extension. */
static void op_rr(struct x86_buf *b, unsigned flags, uint8_t opcode, unsigned reg, enum x86_reg rm)
{
    assert(reg < 16 && rm >= X86_RAX && rm <= X86_R15);
    unsigned rex = high1(reg) * REX_R | high1(rm) * REX_B;
    bool force = ((flags & OP_BYTE_REG) && needs_rex_for_byte(reg)) ||
                 ((flags & OP_BYTE_RM) && needs_rex_for_byte(rm));
    emit_prefixes_and_opcode(b, flags, rex, force, opcode);
    emit8(b, (uint8_t)(0xc0 | low3(reg) << 3 | low3(rm)));
}

static unsigned scale_bits(unsigned scale)
{
    switch (scale) {
    case 1: return 0;
    case 2: return 1;
    case 4: return 2;
    case 8: return 3;
    }
    assert(!"scale must be 1, 2, 4 or 8");
    return 0;
}

/* An instruction with a memory operand. Two holes in the ModRM encoding shape
 * this: rm=100 means "a SIB byte follows" (so RSP/R12 as base need a SIB), and
 * mod=00 rm=101 means RIP-relative (so RBP/R13 as base need an explicit disp8
 * of 0). In the SIB, index=100 means "no index", so RSP cannot be an index. */
static void op_rm(struct x86_buf *b, unsigned flags, uint8_t opcode, unsigned reg, struct x86_mem m)
{
    assert(reg < 16 && m.base >= X86_RAX && m.base <= X86_R15);
    assert(m.index == X86_NOREG ||
           (m.index >= X86_RAX && m.index <= X86_R15 && m.index != X86_RSP));
    bool has_index = m.index != X86_NOREG;
    unsigned rex = high1(reg) * REX_R | high1(m.base) * REX_B |
                   (has_index ? high1(m.index) * REX_X : 0);
    bool force = (flags & OP_BYTE_REG) && needs_rex_for_byte(reg);
    emit_prefixes_and_opcode(b, flags, rex, force, opcode);

    unsigned mod;
    if (m.disp == 0 && low3(m.base) != 5)
        mod = 0;
    else if (fits_int8(m.disp))
        mod = 1;
    else
        mod = 2;
    bool sib = has_index || low3(m.base) == 4;
    emit8(b, (uint8_t)(mod << 6 | low3(reg) << 3 | (sib ? 4 : low3(m.base))));
    if (sib) {
        unsigned index = has_index ? low3(m.index) : 4;
        emit8(b, (uint8_t)(scale_bits(m.scale) << 6 | index << 3 | low3(m.base)));
    }
    if (mod == 1)
        emit8(b, (uint8_t)m.disp);
    else if (mod == 2)
        emit32(b, (uint32_t)m.disp);
}

/* ---- moves ---- */

void x86_mov_rr(struct x86_buf *b, bool w64, enum x86_reg dst, enum x86_reg src)
{
    op_rr(b, opsize(w64), 0x89, src, dst);
}

void x86_mov_ri(struct x86_buf *b, enum x86_reg dst, uint64_t imm)
{
    if (imm == 0) {
        op_rr(b, 0, 0x31, dst, dst); /* xor r32, r32 */
    } else if (imm <= UINT32_MAX) {
        emit_rex(b, high1(dst) * REX_B, false);
        emit8(b, (uint8_t)(0xb8 + low3(dst)));
        emit32(b, (uint32_t)imm);
    } else if (fits_int32((int64_t)imm)) {
        op_rr(b, OP_W, 0xc7, 0, dst);
        emit32(b, (uint32_t)imm);
    } else {
        emit_rex(b, REX_W | high1(dst) * REX_B, false);
        emit8(b, (uint8_t)(0xb8 + low3(dst)));
        emit64(b, imm);
    }
}

struct op_form {
    unsigned flags;
    uint8_t opcode;
};

/* Indexed by log2(size), then by `sign`. A zero-extending 4-byte load is a
 * plain 32-bit mov: writing a 32-bit register clears the upper half. */
static const struct op_form load_forms[4][2] = {
    { { OP_0F, 0xb6 }, { OP_W | OP_0F, 0xbe } }, /* movzx r32, m8; movsx r64, m8 */
    { { OP_0F, 0xb7 }, { OP_W | OP_0F, 0xbf } }, /* movzx r32, m16; movsx r64, m16 */
    { { 0, 0x8b }, { OP_W, 0x63 } },             /* mov r32, m32; movsxd r64, m32 */
    { { OP_W, 0x8b }, { OP_W, 0x8b } },          /* mov r64, m64 */
};

static unsigned size_log2(unsigned size)
{
    switch (size) {
    case 1: return 0;
    case 2: return 1;
    case 4: return 2;
    case 8: return 3;
    }
    assert(!"size must be 1, 2, 4 or 8");
    return 0;
}

void x86_load(struct x86_buf *b, unsigned size, bool sign, enum x86_reg dst, struct x86_mem m)
{
    struct op_form f = load_forms[size_log2(size)][sign];
    op_rm(b, f.flags, f.opcode, dst, m);
}

static const struct op_form store_forms[4] = {
    { OP_BYTE_REG, 0x88 }, { OP_66, 0x89 }, { 0, 0x89 }, { OP_W, 0x89 },
};

void x86_store(struct x86_buf *b, unsigned size, struct x86_mem m, enum x86_reg src)
{
    struct op_form f = store_forms[size_log2(size)];
    op_rm(b, f.flags, f.opcode, src, m);
}

void x86_store_imm(struct x86_buf *b, unsigned size, struct x86_mem m, int32_t imm)
{
    switch (size) {
    case 1:
        op_rm(b, 0, 0xc6, 0, m);
        emit8(b, (uint8_t)imm);
        break;
    case 2:
        op_rm(b, OP_66, 0xc7, 0, m);
        emit8(b, (uint8_t)imm);
        emit8(b, (uint8_t)(imm >> 8));
        break;
    default:
        op_rm(b, size_log2(size) == 3 ? OP_W : 0, 0xc7, 0, m);
        emit32(b, (uint32_t)imm);
        break;
    }
}

void x86_lea(struct x86_buf *b, bool w64, enum x86_reg dst, struct x86_mem m)
{
    op_rm(b, opsize(w64), 0x8d, dst, m);
}

void x86_movsx_rr(struct x86_buf *b, unsigned size, enum x86_reg dst, enum x86_reg src)
{
    switch (size) {
    case 1: op_rr(b, OP_W | OP_0F | OP_BYTE_RM, 0xbe, dst, src); break;
    case 2: op_rr(b, OP_W | OP_0F, 0xbf, dst, src); break;
    case 4: op_rr(b, OP_W, 0x63, dst, src); break;
    default: assert(!"movsx size must be 1, 2 or 4");
    }
}

void x86_movzx_rr(struct x86_buf *b, unsigned size, enum x86_reg dst, enum x86_reg src)
{
    switch (size) {
    case 1: op_rr(b, OP_0F | OP_BYTE_RM, 0xb6, dst, src); break;
    case 2: op_rr(b, OP_0F, 0xb7, dst, src); break;
    case 4: x86_mov_rr(b, false, dst, src); break;
    default: assert(!"movzx size must be 1, 2 or 4");
    }
}

void x86_cmov(struct x86_buf *b, enum x86_cond cc, bool w64, enum x86_reg dst, enum x86_reg src)
{
    op_rr(b, opsize(w64) | OP_0F, (uint8_t)(0x40 | cc), dst, src);
}

void x86_setcc_zx(struct x86_buf *b, enum x86_cond cc, enum x86_reg dst)
{
    op_rr(b, OP_0F | OP_BYTE_RM, (uint8_t)(0x90 | cc), 0, dst);
    op_rr(b, OP_0F | OP_BYTE_RM, 0xb6, dst, dst);
}

/* ---- arithmetic ---- */

/* The ALU opcodes come in groups of eight: op*8 + 1 is "op r/m, r" and
 * op*8 + 3 is "op r, r/m", op*8 + 5 is "op eax/rax, imm32". */
void x86_alu_rr(struct x86_buf *b, enum x86_alu op, bool w64, enum x86_reg dst, enum x86_reg src)
{
    op_rr(b, opsize(w64), (uint8_t)(op * 8 + 1), src, dst);
}

void x86_alu_ri(struct x86_buf *b, enum x86_alu op, bool w64, enum x86_reg dst, int32_t imm)
{
    unsigned flags = opsize(w64);
    if (fits_int8(imm)) {
        op_rr(b, flags, 0x83, op, dst);
        emit8(b, (uint8_t)imm);
        return;
    }
    if (dst == X86_RAX) {
        emit_prefixes_and_opcode(b, flags, 0, false, (uint8_t)(op * 8 + 5));
    } else {
        op_rr(b, flags, 0x81, op, dst);
    }
    emit32(b, (uint32_t)imm);
}

void x86_alu_rm(struct x86_buf *b, enum x86_alu op, bool w64, enum x86_reg dst, struct x86_mem m)
{
    op_rm(b, opsize(w64), (uint8_t)(op * 8 + 3), dst, m);
}

void x86_alu_mr(struct x86_buf *b, enum x86_alu op, bool w64, struct x86_mem m, enum x86_reg src)
{
    op_rm(b, opsize(w64), (uint8_t)(op * 8 + 1), src, m);
}

void x86_alu_mi(struct x86_buf *b, enum x86_alu op, bool w64, struct x86_mem m, int32_t imm)
{
    bool short_imm = fits_int8(imm);
    op_rm(b, opsize(w64), short_imm ? 0x83 : 0x81, op, m);
    if (short_imm)
        emit8(b, (uint8_t)imm);
    else
        emit32(b, (uint32_t)imm);
}

void x86_test_rr(struct x86_buf *b, bool w64, enum x86_reg a, enum x86_reg c)
{
    op_rr(b, opsize(w64), 0x85, c, a);
}

/* test has no sign-extended imm8 form, so only the RAX short form helps. */
void x86_test_ri(struct x86_buf *b, bool w64, enum x86_reg a, int32_t imm)
{
    unsigned flags = opsize(w64);
    if (a == X86_RAX)
        emit_prefixes_and_opcode(b, flags, 0, false, 0xa9);
    else
        op_rr(b, flags, 0xf7, 0, a);
    emit32(b, (uint32_t)imm);
}

void x86_shift_ri(struct x86_buf *b, enum x86_shift op, bool w64, enum x86_reg dst, uint8_t imm)
{
    unsigned flags = opsize(w64);
    if (imm == 1) {
        op_rr(b, flags, 0xd1, op, dst); /* same flags as c1 /op 1, one byte shorter */
        return;
    }
    op_rr(b, flags, 0xc1, op, dst);
    emit8(b, imm);
}

void x86_shift_cl(struct x86_buf *b, enum x86_shift op, bool w64, enum x86_reg dst)
{
    op_rr(b, opsize(w64), 0xd3, op, dst);
}

void x86_imul_rr(struct x86_buf *b, bool w64, enum x86_reg dst, enum x86_reg src)
{
    op_rr(b, opsize(w64) | OP_0F, 0xaf, dst, src);
}

/* Group 3 (opcode 0xf7), selected by ModRM.reg. */
enum { GRP3_NOT = 2, GRP3_NEG = 3, GRP3_MUL = 4, GRP3_IMUL = 5, GRP3_DIV = 6, GRP3_IDIV = 7 };

static void group3(struct x86_buf *b, unsigned digit, bool w64, enum x86_reg r)
{
    op_rr(b, opsize(w64), 0xf7, digit, r);
}

void x86_mul_r(struct x86_buf *b, bool w64, enum x86_reg src) { group3(b, GRP3_MUL, w64, src); }
void x86_imul1_r(struct x86_buf *b, bool w64, enum x86_reg src) { group3(b, GRP3_IMUL, w64, src); }
void x86_div_r(struct x86_buf *b, bool w64, enum x86_reg src) { group3(b, GRP3_DIV, w64, src); }
void x86_idiv_r(struct x86_buf *b, bool w64, enum x86_reg src) { group3(b, GRP3_IDIV, w64, src); }
void x86_neg(struct x86_buf *b, bool w64, enum x86_reg r) { group3(b, GRP3_NEG, w64, r); }
void x86_not(struct x86_buf *b, bool w64, enum x86_reg r) { group3(b, GRP3_NOT, w64, r); }

void x86_cqo(struct x86_buf *b)
{
    emit8(b, 0x40 | REX_W);
    emit8(b, 0x99);
}

void x86_cdq(struct x86_buf *b) { emit8(b, 0x99); }

void x86_bswap(struct x86_buf *b, bool w64, enum x86_reg r)
{
    emit_rex(b, (w64 ? REX_W : 0) | high1(r) * REX_B, false);
    emit8(b, 0x0f);
    emit8(b, (uint8_t)(0xc8 + low3(r)));
}

void x86_bsr(struct x86_buf *b, bool w64, enum x86_reg dst, enum x86_reg src)
{
    op_rr(b, opsize(w64) | OP_0F, 0xbd, dst, src);
}

void x86_bsf(struct x86_buf *b, bool w64, enum x86_reg dst, enum x86_reg src)
{
    op_rr(b, opsize(w64) | OP_0F, 0xbc, dst, src);
}

/* lzcnt and tzcnt are bsr and bsf with an F3 prefix; a CPU without them
 * ignores the prefix and silently runs bsr/bsf, hence the feature checks. */
void x86_lzcnt(struct x86_buf *b, bool w64, enum x86_reg dst, enum x86_reg src)
{
    op_rr(b, opsize(w64) | OP_0F | OP_F3, 0xbd, dst, src);
}

void x86_tzcnt(struct x86_buf *b, bool w64, enum x86_reg dst, enum x86_reg src)
{
    op_rr(b, opsize(w64) | OP_0F | OP_F3, 0xbc, dst, src);
}

void x86_popcnt(struct x86_buf *b, bool w64, enum x86_reg dst, enum x86_reg src)
{
    op_rr(b, opsize(w64) | OP_0F | OP_F3, 0xb8, dst, src);
}

static bool probe_lzcnt_tzcnt(void)
{
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx) || !(ecx & bit_LZCNT))
        return false;
    return __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) && (ebx & bit_BMI);
}

static bool probe_popcnt(void)
{
    unsigned eax, ebx, ecx, edx;
    return __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & bit_POPCNT);
}

/* cpuid traps to the hypervisor when rvmm itself runs in a VM, and the
 * translator may ask per instruction: probe once. Threads racing here store
 * the same answer, so relaxed atomics suffice. */
enum { FEATURE_UNKNOWN, FEATURE_ABSENT, FEATURE_PRESENT };

static bool cpu_feature(int *cache, bool (*probe)(void))
{
    int v = __atomic_load_n(cache, __ATOMIC_RELAXED);
    if (v == FEATURE_UNKNOWN) {
        v = probe() ? FEATURE_PRESENT : FEATURE_ABSENT;
        __atomic_store_n(cache, v, __ATOMIC_RELAXED);
    }
    return v == FEATURE_PRESENT;
}

bool x86_cpu_has_lzcnt_tzcnt(void)
{
    static int cache;
    return cpu_feature(&cache, probe_lzcnt_tzcnt);
}

bool x86_cpu_has_fma(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return false;
    bool fma = c & (1u << 12), osxsave = c & (1u << 27), avx = c & (1u << 28);
    if (!fma || !osxsave || !avx)
        return false;
    unsigned lo, hi;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0)); /* the OS saves the SSE and AVX state */
    return (lo & 6) == 6;
}

bool x86_cpu_has_popcnt(void)
{
    static int cache;
    return cpu_feature(&cache, probe_popcnt);
}

/* ---- stack and control flow ---- */

void x86_push(struct x86_buf *b, enum x86_reg r)
{
    emit_rex(b, high1(r) * REX_B, false);
    emit8(b, (uint8_t)(0x50 + low3(r)));
}

void x86_pop(struct x86_buf *b, enum x86_reg r)
{
    emit_rex(b, high1(r) * REX_B, false);
    emit8(b, (uint8_t)(0x58 + low3(r)));
}

void x86_ret(struct x86_buf *b) { emit8(b, 0xc3); }

/* The write address of a rel32 field just emitted, or NULL if it (or anything
 * before it) fell off the end of the buffer. */
static uint8_t *rel32_field(struct x86_buf *b)
{
    emit32(b, 0);
    return b->overflow ? NULL : b->p - 4;
}

uint8_t *x86_jmp_rel32(struct x86_buf *b)
{
    emit8(b, 0xe9);
    return rel32_field(b);
}

uint8_t *x86_jcc_rel32(struct x86_buf *b, enum x86_cond cc)
{
    emit8(b, 0x0f);
    emit8(b, (uint8_t)(0x80 | cc));
    return rel32_field(b);
}

/* One NOP of the needed length (the forms the optimization manuals
 * recommend), cheaper to decode than a run of 0x90. */
static const uint8_t nop_forms[3][3] = {
    { 0x90 },             /* nop */
    { 0x66, 0x90 },       /* xchg ax, ax */
    { 0x0f, 0x1f, 0x00 }, /* nopl (%rax) */
};

/* Alignment is taken on the write address, the one the atomic store goes
 * through; the execute mapping shares it since the two views are page-aligned. */
uint8_t *x86_jmp_rel32_aligned(struct x86_buf *b)
{
    unsigned pad = (unsigned)(-((uintptr_t)b->p + 1) & 3);
    if (pad)
        x86_bytes(b, nop_forms[pad - 1], pad);
    return x86_jmp_rel32(b);
}

/* Displacement from the end of a rel32 field at execute address `field_x`;
 * false when out of range. Integer arithmetic: the two addresses lie in
 * different objects, so pointer subtraction would be undefined. */
static bool rel32_to(uintptr_t field_x, const void *target, int32_t *rel)
{
    int64_t d = (int64_t)((uintptr_t)target - (field_x + 4));
    if (!fits_int32(d))
        return false;
    *rel = (int32_t)d;
    return true;
}

bool x86_patch_rel32(uint8_t *field_rw, ptrdiff_t exec_delta, const void *target)
{
    int32_t rel;
    if (!rel32_to((uintptr_t)field_rw + (uintptr_t)exec_delta, target, &rel))
        return false;
    uint32_t v = (uint32_t)rel;
    if (((uintptr_t)field_rw & 3) == 0) {
        /* Release: a block the new jump leads to was written just before,
         * and must be visible before the jump to it is. */
        __atomic_store_n((uint32_t *)(void *)field_rw, v, __ATOMIC_RELEASE);
    } else {
        memcpy(field_rw, &v, 4); /* the host is little-endian, as the field is */
    }
    return true;
}

/* rel32 when the target is reachable from the instruction's execute address,
 * else through R11 (caller-saved, and no argument or return register). */
static void branch_abs(struct x86_buf *b, uint8_t rel_opcode, unsigned indirect_digit,
                       const void *target)
{
    int32_t rel;
    uintptr_t field_x = (uintptr_t)b->p + (uintptr_t)b->exec_delta + 1;
    if (rel32_to(field_x, target, &rel)) {
        emit8(b, rel_opcode);
        emit32(b, (uint32_t)rel);
        return;
    }
    emit8(b, 0x40 | REX_W | REX_B); /* movabs r11, imm64 */
    emit8(b, (uint8_t)(0xb8 + low3(X86_R11)));
    emit64(b, (uintptr_t)target);
    op_rr(b, 0, 0xff, indirect_digit, X86_R11);
}

void x86_jmp_abs(struct x86_buf *b, const void *target) { branch_abs(b, 0xe9, 4, target); }
void x86_call_abs(struct x86_buf *b, const void *target) { branch_abs(b, 0xe8, 2, target); }

void x86_jmp_r(struct x86_buf *b, enum x86_reg r) { op_rr(b, 0, 0xff, 4, r); }

/* ---- SSE2 scalar doubles and FMA3 ---- */

void x86_sd(struct x86_buf *b, enum x86_sd_op op, unsigned dst, unsigned src)
{
    op_rr(b, OP_F2 | OP_0F, (uint8_t)op, dst, (enum x86_reg)src);
}

void x86_cvtsi2sd(struct x86_buf *b, unsigned xmm, enum x86_reg src)
{
    op_rr(b, OP_F2 | OP_0F | OP_W, 0x2a, xmm, src);
}

void x86_movapd(struct x86_buf *b, unsigned dst, unsigned src)
{
    op_rr(b, OP_66 | OP_0F, 0x28, dst, (enum x86_reg)src);
}

void x86_movq_xm(struct x86_buf *b, unsigned xmm, struct x86_mem m)
{
    op_rm(b, OP_F3 | OP_0F, 0x7e, xmm, m);
}

void x86_movq_mx(struct x86_buf *b, struct x86_mem m, unsigned xmm)
{
    op_rm(b, OP_66 | OP_0F, 0xd6, xmm, m);
}

void x86_movq_rx(struct x86_buf *b, enum x86_reg dst, unsigned xmm)
{
    op_rr(b, OP_66 | OP_0F | OP_W, 0x7e, xmm, dst);
}

/* VEX.LIG.66.0F38.W1 op /r, three-byte VEX form: dst is ModRM.reg, src1 is
 * VEX.vvvv (stored inverted), src2 is ModRM.rm. */
void x86_fma231sd(struct x86_buf *b, enum x86_fma_op op, unsigned dst, unsigned src1,
                  unsigned src2)
{
    assert(dst < 8 && src1 < 8 && src2 < 8);
    emit8(b, 0xc4);
    emit8(b, 0xe2); /* R, X, B not extended (stored inverted); map 0F38 */
    emit8(b, (uint8_t)(0x80 | ((~src1 & 15u) << 3) | 0x1)); /* W1, vvvv, L0, pp = 66 */
    emit8(b, (uint8_t)op);
    emit8(b, (uint8_t)(0xc0 | dst << 3 | src2));
}
void x86_jmp_m(struct x86_buf *b, struct x86_mem m) { op_rm(b, 0, 0xff, 4, m); }
void x86_call_r(struct x86_buf *b, enum x86_reg r) { op_rr(b, 0, 0xff, 2, r); }

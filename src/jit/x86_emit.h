/*
 * x86_emit.h - a small x86-64 machine-code emitter for the translator: the
 * instructions it needs, each encoded directly into a byte buffer. Every
 * function appends one instruction (or a short fixed sequence where said).
 *
 * Conventions: `w64` selects the 64-bit operand size (REX.W), else 32-bit (which
 * zero-extends into the full register, as the hardware does). Memory operands
 * are [base + index*scale + disp32]; pass X86_NOREG as index for none. RSP and
 * R12 as base, and RBP and R13 with disp 0, get the encodings they need. The
 * shortest encoding is chosen (disp8, imm8) where one exists.
 *
 * Running past the buffer's end never writes out of bounds: it sets `overflow`
 * and later emits are dropped. The caller checks `overflow` once at the end.
 *
 * W^X: code is written through one mapping and executed through another (the
 * same pages mapped twice). `exec_delta` is (execute address - write address);
 * every pc-relative field (jmp/jcc/call rel32) is computed against the
 * execute address, and absolute targets are execute addresses.
 */
#ifndef RVMM_JIT_X86_EMIT_H
#define RVMM_JIT_X86_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum x86_reg {
    X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
    X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
    X86_NOREG = -1,
};

/* Condition codes, as in the Jcc/SETcc/CMOVcc encodings. */
enum x86_cond {
    X86_CC_O = 0x0, X86_CC_NO = 0x1, X86_CC_B = 0x2, X86_CC_AE = 0x3,
    X86_CC_E = 0x4, X86_CC_NE = 0x5, X86_CC_BE = 0x6, X86_CC_A = 0x7,
    X86_CC_S = 0x8, X86_CC_NS = 0x9, X86_CC_P = 0xa, X86_CC_NP = 0xb,
    X86_CC_L = 0xc, X86_CC_GE = 0xd, X86_CC_LE = 0xe, X86_CC_G = 0xf,
};

/* The eight classic ALU operations, numbered as their /digit in opcode 0x81. */
enum x86_alu {
    X86_ADD = 0, X86_OR = 1, X86_ADC = 2, X86_SBB = 3,
    X86_AND = 4, X86_SUB = 5, X86_XOR = 6, X86_CMP = 7,
};

/* Shifts and rotates, numbered as their /digit in opcodes 0xc1/0xd3. */
enum x86_shift { X86_ROL = 0, X86_ROR = 1, X86_SHL = 4, X86_SHR = 5, X86_SAR = 7 };

struct x86_buf {
    uint8_t *start, *p, *end; /* write addresses */
    ptrdiff_t exec_delta;     /* execute address - write address */
    bool overflow;
};

struct x86_mem {
    enum x86_reg base;  /* X86_NOREG: absolute [disp32] is not supported; always give a base */
    enum x86_reg index; /* X86_NOREG for none; never X86_RSP */
    unsigned scale;     /* 1, 2, 4 or 8 */
    int32_t disp;
};

static inline struct x86_mem x86_mem(enum x86_reg base, int32_t disp)
{
    return (struct x86_mem){ base, X86_NOREG, 1, disp };
}

static inline struct x86_mem x86_mem_idx(enum x86_reg base, enum x86_reg index, unsigned scale,
                                         int32_t disp)
{
    return (struct x86_mem){ base, index, scale, disp };
}

void x86_buf_init(struct x86_buf *b, void *write_start, const void *exec_start, size_t size);
/* The execute address of the next byte to be emitted. */
static inline const uint8_t *x86_exec_ptr(const struct x86_buf *b) { return b->p + b->exec_delta; }
static inline size_t x86_buf_used(const struct x86_buf *b) { return (size_t)(b->p - b->start); }

/* Raw bytes (used for the rare instruction without a helper). */
void x86_bytes(struct x86_buf *b, const void *bytes, size_t n);

/* ---- moves ---- */
void x86_mov_rr(struct x86_buf *b, bool w64, enum x86_reg dst, enum x86_reg src);
/* dst = imm, shortest form: xor r32,r32 for 0; mov r32, imm32 when it zero-extends;
 * mov r/m64, simm32 when it sign-extends; else movabs. (xor clobbers flags.) */
void x86_mov_ri(struct x86_buf *b, enum x86_reg dst, uint64_t imm);
/* Loads of size 1, 2, 4 or 8 bytes into a 64-bit register: sign- or zero-extended
 * (movsx/movzx/movsxd/mov r32/mov r64). */
void x86_load(struct x86_buf *b, unsigned size, bool sign, enum x86_reg dst, struct x86_mem m);
/* Stores the low `size` bytes (1, 2, 4, 8) of src. */
void x86_store(struct x86_buf *b, unsigned size, struct x86_mem m, enum x86_reg src);
/* Stores a sign-extended imm32 of `size` 4 or 8 bytes (size 1, 2: imm truncated). */
void x86_store_imm(struct x86_buf *b, unsigned size, struct x86_mem m, int32_t imm);
void x86_lea(struct x86_buf *b, bool w64, enum x86_reg dst, struct x86_mem m);
/* dst = sign- or zero-extension of src's low `size` bytes (1, 2, 4). */
void x86_movsx_rr(struct x86_buf *b, unsigned size, enum x86_reg dst, enum x86_reg src);
void x86_movzx_rr(struct x86_buf *b, unsigned size, enum x86_reg dst, enum x86_reg src);
void x86_cmov(struct x86_buf *b, enum x86_cond cc, bool w64, enum x86_reg dst, enum x86_reg src);
/* dst8 = cc ? 1 : 0 then movzx to 32 bits (two instructions; flags preserved). */
void x86_setcc_zx(struct x86_buf *b, enum x86_cond cc, enum x86_reg dst);

/* ---- arithmetic ---- */
void x86_alu_rr(struct x86_buf *b, enum x86_alu op, bool w64, enum x86_reg dst, enum x86_reg src);
void x86_alu_ri(struct x86_buf *b, enum x86_alu op, bool w64, enum x86_reg dst, int32_t imm);
void x86_alu_rm(struct x86_buf *b, enum x86_alu op, bool w64, enum x86_reg dst, struct x86_mem m);
void x86_alu_mr(struct x86_buf *b, enum x86_alu op, bool w64, struct x86_mem m, enum x86_reg src);
void x86_alu_mi(struct x86_buf *b, enum x86_alu op, bool w64, struct x86_mem m, int32_t imm);
void x86_test_rr(struct x86_buf *b, bool w64, enum x86_reg a, enum x86_reg c);
void x86_test_ri(struct x86_buf *b, bool w64, enum x86_reg a, int32_t imm);
void x86_shift_ri(struct x86_buf *b, enum x86_shift op, bool w64, enum x86_reg dst, uint8_t imm);
/* Shift by CL. */
void x86_shift_cl(struct x86_buf *b, enum x86_shift op, bool w64, enum x86_reg dst);
void x86_imul_rr(struct x86_buf *b, bool w64, enum x86_reg dst, enum x86_reg src);
/* One-operand forms on RDX:RAX: mul (unsigned), imul (signed), div, idiv. */
void x86_mul_r(struct x86_buf *b, bool w64, enum x86_reg src);
void x86_imul1_r(struct x86_buf *b, bool w64, enum x86_reg src);
void x86_div_r(struct x86_buf *b, bool w64, enum x86_reg src);
void x86_idiv_r(struct x86_buf *b, bool w64, enum x86_reg src);
void x86_cqo(struct x86_buf *b); /* w64: cqo; sign-extends RAX into RDX */
void x86_cdq(struct x86_buf *b);
void x86_neg(struct x86_buf *b, bool w64, enum x86_reg r);
void x86_not(struct x86_buf *b, bool w64, enum x86_reg r);
void x86_bswap(struct x86_buf *b, bool w64, enum x86_reg r);
/* bsr/bsf (dst undefined when src is 0; ZF set). lzcnt/tzcnt/popcnt need the
 * CPU features: check x86_cpu_has_*() before emitting them. */
void x86_bsr(struct x86_buf *b, bool w64, enum x86_reg dst, enum x86_reg src);
void x86_bsf(struct x86_buf *b, bool w64, enum x86_reg dst, enum x86_reg src);
void x86_lzcnt(struct x86_buf *b, bool w64, enum x86_reg dst, enum x86_reg src);
void x86_tzcnt(struct x86_buf *b, bool w64, enum x86_reg dst, enum x86_reg src);
void x86_popcnt(struct x86_buf *b, bool w64, enum x86_reg dst, enum x86_reg src);
bool x86_cpu_has_lzcnt_tzcnt(void); /* ABM/LZCNT and BMI1 */
bool x86_cpu_has_popcnt(void);

/* ---- SSE2 scalar doubles and FMA3 (xmm registers by number) ---- */
enum x86_sd_op { X86_ADDSD = 0x58, X86_MULSD = 0x59, X86_SUBSD = 0x5c, X86_DIVSD = 0x5e };
/* The 231 forms: VFMSUB231SD dst = src1 * src2 - dst; VFNMADD231SD dst = dst - src1 * src2,
 * each rounded once. Registers xmm0-xmm7. Check x86_cpu_has_fma() first. */
enum x86_fma_op { X86_VFMSUB231SD = 0xbb, X86_VFNMADD231SD = 0xbd };
void x86_sd(struct x86_buf *b, enum x86_sd_op op, unsigned dst, unsigned src); /* dst op= src */
void x86_movapd(struct x86_buf *b, unsigned dst, unsigned src);
void x86_cvtsi2sd(struct x86_buf *b, unsigned xmm, enum x86_reg src); /* from a signed r64 */
void x86_movq_xm(struct x86_buf *b, unsigned xmm, struct x86_mem m);    /* movq xmm, m64 */
void x86_movq_mx(struct x86_buf *b, struct x86_mem m, unsigned xmm);    /* movq m64, xmm */
void x86_movq_rx(struct x86_buf *b, enum x86_reg dst, unsigned xmm);    /* movq r64, xmm */
void x86_fma231sd(struct x86_buf *b, enum x86_fma_op op, unsigned dst, unsigned src1,
                  unsigned src2);
bool x86_cpu_has_fma(void); /* FMA3, with the AVX state enabled by the OS */

/* ---- stack and control flow ---- */
void x86_push(struct x86_buf *b, enum x86_reg r);
void x86_pop(struct x86_buf *b, enum x86_reg r);
void x86_ret(struct x86_buf *b);
/* jmp/jcc rel32 with a zero displacement; returns the write address of the
 * rel32 field, for x86_patch_rel32 (NULL after an overflow). */
uint8_t *x86_jmp_rel32(struct x86_buf *b);
uint8_t *x86_jcc_rel32(struct x86_buf *b, enum x86_cond cc);
/* Like x86_jmp_rel32, but pads with NOPs first so the rel32 field is 4-byte
 * aligned: such a field can be repatched while other threads run the code.
 * The write address is aligned; the execute address is too because the two
 * mappings are page-aligned (exec_delta is a multiple of 4). */
uint8_t *x86_jmp_rel32_aligned(struct x86_buf *b);
/* Points the rel32 field at `field_rw` (a write address; its execute address
 * is field_rw + exec_delta) at the execute address `target`. Returns false if
 * the target is out of rel32 range. An aligned field is written with one
 * atomic 4-byte store, so live code (chaining) sees either jump, never a mix. */
bool x86_patch_rel32(uint8_t *field_rw, ptrdiff_t exec_delta, const void *target);
/* jmp/call to an absolute address: rel32 when in range from where it is
 * emitted, else movabs r11, imm64 + jmp/call through it (clobbers R11). */
void x86_jmp_abs(struct x86_buf *b, const void *target);
void x86_call_abs(struct x86_buf *b, const void *target);
void x86_jmp_r(struct x86_buf *b, enum x86_reg r);
void x86_jmp_m(struct x86_buf *b, struct x86_mem m); /* jmp qword [m] */
void x86_call_r(struct x86_buf *b, enum x86_reg r);

#endif

/*
 * translate_int.c - integer ops to x86-64: RV64IM, Zba, Zbb, Zbs and Zicond.
 * Results go straight to rd's host register when it has one.
 */
#include "jit/translate.h"

/* ---- integer operations ---- */

static uint64_t fold_alu(enum x86_alu op, uint64_t a, uint64_t c)
{
    switch (op) {
    case X86_ADD: return a + c;
    case X86_SUB: return a - c;
    case X86_AND: return a & c;
    case X86_OR: return a | c;
    default: return a ^ c; /* X86_XOR */
    }
}

/*
 * rd = rs1 OP rs2 (or OP imm); 32-bit forms sign-extend. Computed straight in
 * rd's cache register when it has one: x86's two-operand form then needs rd
 * to start as rs1, which must not overwrite rs2 first (rd == rs2 != rs1 takes
 * the commutative swap, or RAX). addi on a cached rs1 is one lea.
 */
static void emit_alu(struct tr *t, const struct insn *in, enum x86_alu op, bool imm, bool word)
{
    struct x86_buf *b = &t->buf;
    if (tr_no_result(in))
        return;
    enum x86_reg d = tr_result_reg(t, in);
    bool rs1_cached = in->rs1 != 0 && t->host[in->rs1] >= 0;

    if (imm && in->rs1 == 0) {
        uint64_t v = fold_alu(op, 0, (uint64_t)(int64_t)in->imm);
        x86_mov_ri(b, d, word ? (uint64_t)(int64_t)(int32_t)v : v);
    } else if (imm && op == X86_ADD && !word && rs1_cached) {
        if (in->imm)
            x86_lea(b, true, d, x86_mem((enum x86_reg)t->host[in->rs1], in->imm));
        else if (d != t->host[in->rs1])
            x86_mov_rr(b, true, d, (enum x86_reg)t->host[in->rs1]);
    } else if (imm) {
        tr_guest_get(t, d, in->rs1);
        x86_alu_ri(b, op, !word, d, in->imm);
    } else {
        bool commutative = op == X86_ADD || op == X86_AND || op == X86_OR || op == X86_XOR;
        unsigned first = in->rs1, second = in->rs2;
        if (in->rs2 != in->rs1 && in->rs2 != 0 && t->host[in->rs2] == d) {
            if (commutative) {
                first = in->rs2;
                second = in->rs1;
            } else {
                d = X86_RAX;
            }
        }
        if (in->rs1 == 0 && op == X86_ADD) { /* mv: rd = rs2 */
            tr_guest_get(t, d, in->rs2);
        } else {
            tr_guest_get(t, d, first);
            x86_alu_rr(b, op, !word, d, tr_guest_use(t, second, X86_RCX));
        }
    }
    if (word)
        x86_movsx_rr(b, 4, d, d);
    tr_guest_put(t, in->rd, d);
}

static void emit_shift(struct tr *t, const struct insn *in, enum x86_shift op, bool imm, bool word)
{
    if (tr_no_result(in))
        return;
    enum x86_reg d = tr_result_reg(t, in);
    if (!imm)
        tr_guest_get(t, X86_RCX, in->rs2); /* before d is written: d may be rs2's register */
    tr_guest_get(t, d, in->rs1);
    if (imm)
        x86_shift_ri(&t->buf, op, !word, d, (uint8_t)in->imm);
    else
        x86_shift_cl(&t->buf, op, !word, d); /* x86 masks the count as RISC-V does */
    if (word)
        x86_movsx_rr(&t->buf, 4, d, d);
    tr_guest_put(t, in->rd, d);
}

/* rd = (rs1 <cc> rs2 or imm) ? 1 : 0 */
static void emit_set(struct tr *t, const struct insn *in, enum x86_cond cc, bool imm)
{
    if (tr_no_result(in))
        return;
    enum x86_reg r1 = tr_guest_use(t, in->rs1, X86_RAX);
    if (imm)
        x86_alu_ri(&t->buf, X86_CMP, true, r1, in->imm);
    else
        x86_alu_rr(&t->buf, X86_CMP, true, r1, tr_guest_use(t, in->rs2, X86_RCX));
    enum x86_reg d = tr_result_reg(t, in);
    x86_setcc_zx(&t->buf, cc, d); /* flags survive both instructions */
    tr_guest_put(t, in->rd, d);
}

/* rd = cc(rs1, rs2) ? rs2 : rs1 */
static void emit_select(struct tr *t, const struct insn *in, enum x86_cond cc)
{
    tr_guest_get(t, X86_RAX, in->rs1);
    enum x86_reg r2 = tr_guest_use(t, in->rs2, X86_RCX);
    x86_alu_rr(&t->buf, X86_CMP, true, X86_RAX, r2);
    x86_cmov(&t->buf, cc, true, X86_RAX, r2);
    tr_guest_put(t, in->rd, X86_RAX);
}

/* rd = rs2 + (rs1 << shift), rs1 zero-extended from 32 bits if `uw` */
static void emit_shadd(struct tr *t, const struct insn *in, unsigned shift, bool uw)
{
    static const unsigned scales[4] = { 1, 2, 4, 8 };
    tr_guest_get(t, X86_RAX, in->rs1);
    if (uw)
        x86_mov_rr(&t->buf, false, X86_RAX, X86_RAX);
    enum x86_reg r2 = tr_guest_use(t, in->rs2, X86_RCX);
    x86_lea(&t->buf, true, X86_RAX, x86_mem_idx(r2, X86_RAX, scales[shift], 0));
    tr_guest_put(t, in->rd, X86_RAX);
}

/* rd = rs1 OP (1 << index), index from rs2 or the immediate */
static void emit_bit(struct tr *t, const struct insn *in, enum x86_alu op, bool invert, bool imm)
{
    if (imm) {
        x86_mov_ri(&t->buf, X86_RDX, 1ull << (in->imm & 63));
    } else {
        tr_guest_get(t, X86_RCX, in->rs2);
        x86_mov_ri(&t->buf, X86_RDX, 1);
        x86_shift_cl(&t->buf, X86_SHL, true, X86_RDX);
    }
    if (invert)
        x86_not(&t->buf, true, X86_RDX);
    tr_guest_get(t, X86_RAX, in->rs1);
    x86_alu_rr(&t->buf, op, true, X86_RAX, X86_RDX);
    tr_guest_put(t, in->rd, X86_RAX);
}

void tr_emit_pc_relative(struct tr *t, enum x86_reg dst, int64_t value)
{
    x86_load(&t->buf, 8, false, dst, HART(pc));
    if (value == (int32_t)value) {
        if (value)
            x86_alu_ri(&t->buf, X86_ADD, true, dst, (int32_t)value);
    } else {
        x86_mov_ri(&t->buf, X86_RCX, (uint64_t)value);
        x86_alu_rr(&t->buf, X86_ADD, true, dst, X86_RCX);
    }
}

/*
 * div[u][w] and rem[u][w]. x86 faults where RISC-V defines a result, so those
 * cases branch around the divide: by zero, the quotient is all ones and the
 * remainder the dividend; signed overflow (most negative / -1), the quotient
 * is the dividend and the remainder 0 (a divisor of -1 is done by negation).
 */
static void emit_divrem(struct tr *t, const struct insn *in, bool is_signed, bool rem, bool word)
{
    struct x86_buf *b = &t->buf;
    bool w64 = !word;
    tr_guest_get(t, X86_RCX, in->rs2);
    tr_guest_get(t, X86_RAX, in->rs1);
    x86_test_rr(b, w64, X86_RCX, X86_RCX);
    uint8_t *by_zero = x86_jcc_rel32(b, X86_CC_E);
    uint8_t *minus_one = NULL;
    if (is_signed) {
        x86_alu_ri(b, X86_CMP, w64, X86_RCX, -1);
        minus_one = x86_jcc_rel32(b, X86_CC_E);
    }
    if (is_signed) {
        if (w64)
            x86_cqo(b);
        else
            x86_cdq(b);
        x86_idiv_r(b, w64, X86_RCX);
    } else {
        x86_mov_ri(b, X86_RDX, 0);
        x86_div_r(b, w64, X86_RCX);
    }
    if (rem)
        x86_mov_rr(b, true, X86_RAX, X86_RDX);
    uint8_t *done = x86_jmp_rel32(&t->buf);
    if (is_signed) {
        tr_patch_here(t, minus_one);
        if (rem)
            x86_mov_ri(b, X86_RAX, 0);
        else
            x86_neg(b, w64, X86_RAX); /* wraps for the most negative: the overflow result */
        uint8_t *done2 = x86_jmp_rel32(&t->buf);
        tr_patch_here(t, by_zero);
        if (!rem)
            x86_mov_ri(b, X86_RAX, ~0ull);
        tr_patch_here(t, done2);
    } else {
        tr_patch_here(t, by_zero);
        if (!rem)
            x86_mov_ri(b, X86_RAX, ~0ull);
    }
    tr_patch_here(t, done);
    if (word)
        x86_movsx_rr(b, 4, X86_RAX, X86_RAX);
    tr_guest_put(t, in->rd, X86_RAX);
}

bool tr_emit_int(struct tr *t, const struct insn *in, int32_t offset)
{
    struct x86_buf *b = &t->buf;
    switch (in->op) {
    case OP_LUI:
        if (!tr_no_result(in)) {
            x86_mov_ri(b, tr_result_reg(t, in), (uint64_t)(int64_t)in->imm);
            tr_guest_put(t, in->rd, tr_result_reg(t, in));
        }
        break;
    case OP_AUIPC:
        if (!tr_no_result(in)) {
            tr_emit_pc_relative(t, tr_result_reg(t, in), (int64_t)offset + in->imm);
            tr_guest_put(t, in->rd, tr_result_reg(t, in));
        }
        break;
    case OP_ADDI: emit_alu(t, in, X86_ADD, true, false); break;
    case OP_XORI: emit_alu(t, in, X86_XOR, true, false); break;
    case OP_ORI: emit_alu(t, in, X86_OR, true, false); break;
    case OP_ANDI: emit_alu(t, in, X86_AND, true, false); break;
    case OP_ADDIW: emit_alu(t, in, X86_ADD, true, true); break;
    case OP_ADD: emit_alu(t, in, X86_ADD, false, false); break;
    case OP_SUB: emit_alu(t, in, X86_SUB, false, false); break;
    case OP_XOR: emit_alu(t, in, X86_XOR, false, false); break;
    case OP_OR: emit_alu(t, in, X86_OR, false, false); break;
    case OP_AND: emit_alu(t, in, X86_AND, false, false); break;
    case OP_ADDW: emit_alu(t, in, X86_ADD, false, true); break;
    case OP_SUBW: emit_alu(t, in, X86_SUB, false, true); break;
    case OP_SLTI: emit_set(t, in, X86_CC_L, true); break;
    case OP_SLTIU: emit_set(t, in, X86_CC_B, true); break;
    case OP_SLT: emit_set(t, in, X86_CC_L, false); break;
    case OP_SLTU: emit_set(t, in, X86_CC_B, false); break;
    case OP_SLLI: emit_shift(t, in, X86_SHL, true, false); break;
    case OP_SRLI: emit_shift(t, in, X86_SHR, true, false); break;
    case OP_SRAI: emit_shift(t, in, X86_SAR, true, false); break;
    case OP_SLLIW: emit_shift(t, in, X86_SHL, true, true); break;
    case OP_SRLIW: emit_shift(t, in, X86_SHR, true, true); break;
    case OP_SRAIW: emit_shift(t, in, X86_SAR, true, true); break;
    case OP_SLL: emit_shift(t, in, X86_SHL, false, false); break;
    case OP_SRL: emit_shift(t, in, X86_SHR, false, false); break;
    case OP_SRA: emit_shift(t, in, X86_SAR, false, false); break;
    case OP_SLLW: emit_shift(t, in, X86_SHL, false, true); break;
    case OP_SRLW: emit_shift(t, in, X86_SHR, false, true); break;
    case OP_SRAW: emit_shift(t, in, X86_SAR, false, true); break;
    case OP_ROL: emit_shift(t, in, X86_ROL, false, false); break;
    case OP_ROR: emit_shift(t, in, X86_ROR, false, false); break;
    case OP_RORI: emit_shift(t, in, X86_ROR, true, false); break;
    case OP_ROLW: emit_shift(t, in, X86_ROL, false, true); break;
    case OP_RORW: emit_shift(t, in, X86_ROR, false, true); break;
    case OP_RORIW: emit_shift(t, in, X86_ROR, true, true); break;
    case OP_FENCE: break;

    case OP_MUL:
    case OP_MULW: {
        bool word = in->op == OP_MULW;
        tr_guest_get(t, X86_RAX, in->rs1);
        x86_imul_rr(b, !word, X86_RAX, tr_guest_use(t, in->rs2, X86_RCX));
        if (word)
            x86_movsx_rr(b, 4, X86_RAX, X86_RAX);
        tr_guest_put(t, in->rd, X86_RAX);
        break;
    }
    case OP_MULH:
    case OP_MULHU:
    case OP_MULHSU: {
        tr_guest_get(t, X86_RAX, in->rs1);
        enum x86_reg r2 = tr_guest_use(t, in->rs2, X86_RCX);
        if (in->op == OP_MULH)
            x86_imul1_r(b, true, r2);
        else
            x86_mul_r(b, true, r2);
        if (in->op == OP_MULHSU) {
            /* signed x unsigned high half = unsigned high half - (rs1 < 0 ? rs2 : 0) */
            tr_guest_get(t, X86_RAX, in->rs1);
            x86_shift_ri(b, X86_SAR, true, X86_RAX, 63);
            x86_alu_rr(b, X86_AND, true, X86_RAX, r2);
            x86_alu_rr(b, X86_SUB, true, X86_RDX, X86_RAX);
        }
        tr_guest_put(t, in->rd, X86_RDX);
        break;
    }

    case OP_DIV: emit_divrem(t, in, true, false, false); break;
    case OP_DIVU: emit_divrem(t, in, false, false, false); break;
    case OP_REM: emit_divrem(t, in, true, true, false); break;
    case OP_REMU: emit_divrem(t, in, false, true, false); break;
    case OP_DIVW: emit_divrem(t, in, true, false, true); break;
    case OP_DIVUW: emit_divrem(t, in, false, false, true); break;
    case OP_REMW: emit_divrem(t, in, true, true, true); break;
    case OP_REMUW: emit_divrem(t, in, false, true, true); break;
    case OP_ADD_UW: emit_shadd(t, in, 0, true); break;
    case OP_SH1ADD: emit_shadd(t, in, 1, false); break;
    case OP_SH2ADD: emit_shadd(t, in, 2, false); break;
    case OP_SH3ADD: emit_shadd(t, in, 3, false); break;
    case OP_SH1ADD_UW: emit_shadd(t, in, 1, true); break;
    case OP_SH2ADD_UW: emit_shadd(t, in, 2, true); break;
    case OP_SH3ADD_UW: emit_shadd(t, in, 3, true); break;
    case OP_SLLI_UW:
        tr_guest_get(t, X86_RAX, in->rs1);
        x86_mov_rr(b, false, X86_RAX, X86_RAX);
        x86_shift_ri(b, X86_SHL, true, X86_RAX, (uint8_t)in->imm);
        tr_guest_put(t, in->rd, X86_RAX);
        break;

    case OP_ANDN:
    case OP_ORN:
        tr_guest_get(t, X86_RAX, in->rs2);
        x86_not(b, true, X86_RAX);
        x86_alu_rr(b, in->op == OP_ANDN ? X86_AND : X86_OR, true, X86_RAX,
                   tr_guest_use(t, in->rs1, X86_RCX));
        tr_guest_put(t, in->rd, X86_RAX);
        break;
    case OP_XNOR:
        tr_guest_get(t, X86_RAX, in->rs1);
        x86_alu_rr(b, X86_XOR, true, X86_RAX, tr_guest_use(t, in->rs2, X86_RCX));
        x86_not(b, true, X86_RAX);
        tr_guest_put(t, in->rd, X86_RAX);
        break;
    case OP_MAX: emit_select(t, in, X86_CC_L); break;
    case OP_MIN: emit_select(t, in, X86_CC_G); break;
    case OP_MAXU: emit_select(t, in, X86_CC_B); break;
    case OP_MINU: emit_select(t, in, X86_CC_A); break;
    case OP_SEXT_B:
    case OP_SEXT_H:
    case OP_ZEXT_H: {
        enum x86_reg r = tr_guest_use(t, in->rs1, X86_RCX);
        if (in->op == OP_ZEXT_H)
            x86_movzx_rr(b, 2, X86_RAX, r);
        else
            x86_movsx_rr(b, in->op == OP_SEXT_B ? 1 : 2, X86_RAX, r);
        tr_guest_put(t, in->rd, X86_RAX);
        break;
    }
    case OP_REV8:
        tr_guest_get(t, X86_RAX, in->rs1);
        x86_bswap(b, true, X86_RAX);
        tr_guest_put(t, in->rd, X86_RAX);
        break;
    case OP_CLZ: case OP_CLZW: case OP_CTZ: case OP_CTZW:
        if (!t->j->has_lzcnt_tzcnt)
            return false;
        {
            bool word = in->op == OP_CLZW || in->op == OP_CTZW;
            enum x86_reg r = tr_guest_use(t, in->rs1, X86_RCX);
            if (in->op == OP_CLZ || in->op == OP_CLZW)
                x86_lzcnt(b, !word, X86_RAX, r); /* 64 or 32 for zero, as RISC-V */
            else
                x86_tzcnt(b, !word, X86_RAX, r);
            tr_guest_put(t, in->rd, X86_RAX);
        }
        break;
    case OP_CPOP: case OP_CPOPW:
        if (!t->j->has_popcnt)
            return false;
        x86_popcnt(b, in->op == OP_CPOP, X86_RAX, tr_guest_use(t, in->rs1, X86_RCX));
        tr_guest_put(t, in->rd, X86_RAX);
        break;

    case OP_BSET: emit_bit(t, in, X86_OR, false, false); break;
    case OP_BSETI: emit_bit(t, in, X86_OR, false, true); break;
    case OP_BCLR: emit_bit(t, in, X86_AND, true, false); break;
    case OP_BCLRI: emit_bit(t, in, X86_AND, true, true); break;
    case OP_BINV: emit_bit(t, in, X86_XOR, false, false); break;
    case OP_BINVI: emit_bit(t, in, X86_XOR, false, true); break;
    case OP_BEXT:
    case OP_BEXTI:
        if (in->op == OP_BEXT)
            tr_guest_get(t, X86_RCX, in->rs2);
        tr_guest_get(t, X86_RAX, in->rs1);
        if (in->op == OP_BEXT)
            x86_shift_cl(b, X86_SHR, true, X86_RAX);
        else
            x86_shift_ri(b, X86_SHR, true, X86_RAX, (uint8_t)in->imm);
        x86_alu_ri(b, X86_AND, false, X86_RAX, 1);
        tr_guest_put(t, in->rd, X86_RAX);
        break;

    case OP_CZERO_EQZ:
    case OP_CZERO_NEZ: {
        tr_guest_get(t, X86_RAX, in->rs1);
        x86_mov_ri(b, X86_RDX, 0);
        enum x86_reg r2 = tr_guest_use(t, in->rs2, X86_RCX);
        x86_test_rr(b, true, r2, r2);
        x86_cmov(b, in->op == OP_CZERO_EQZ ? X86_CC_E : X86_CC_NE, true, X86_RAX, X86_RDX);
        tr_guest_put(t, in->rd, X86_RAX);
        break;
    }

    default:
        return false;
    }
    return true;
}

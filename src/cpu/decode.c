/*
 * decode.c - RV64GC instruction decoder.
 *
 * Turns instruction bits into a struct insn: one op from INSN_LIST plus its
 * operands. Compressed instructions are expanded into the op of their 32-bit
 * equivalent, so execution engines implement each operation once.
 * Reference: RISC-V Unprivileged ISA (opcode map, chapter "RV32/64G
 * Instruction Set Listings") and the C extension chapter.
 */
#include "cpu/insn.h"

#include <stdbool.h>

#include "cpu/hart.h"

const char *const insn_names[OP_COUNT] = {
#define X(name, flags) [OP_##name] = #name,
    INSN_LIST(X)
#undef X
};

const uint8_t insn_flags[OP_COUNT] = {
#define X(name, flags) [OP_##name] = (flags),
    INSN_LIST(X)
#undef X
};

static inline uint32_t bits(uint32_t v, unsigned hi, unsigned lo)
{
    return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}

static inline int32_t sext(uint32_t v, unsigned width)
{
    return (int32_t)(v << (32 - width)) >> (32 - width);
}

static int32_t imm_i(uint32_t b) { return (int32_t)b >> 20; }
static int32_t imm_s(uint32_t b) { return ((int32_t)(b & 0xfe000000) >> 20) | (int32_t)bits(b, 11, 7); }
static int32_t imm_u(uint32_t b) { return (int32_t)(b & 0xfffff000); }

static int32_t imm_b(uint32_t b)
{
    uint32_t v = (bits(b, 31, 31) << 12) | (bits(b, 7, 7) << 11) | (bits(b, 30, 25) << 5) |
                 (bits(b, 11, 8) << 1);
    return sext(v, 13);
}

static int32_t imm_j(uint32_t b)
{
    uint32_t v = (bits(b, 31, 31) << 20) | (bits(b, 19, 12) << 12) | (bits(b, 20, 20) << 11) |
                 (bits(b, 30, 21) << 1);
    return sext(v, 21);
}

/* Returns OP_ILLEGAL when the encoding is not one we implement. */
static enum insn_op decode_op_imm(uint32_t b)
{
    unsigned f3 = bits(b, 14, 12), f6 = bits(b, 31, 26), imm12 = bits(b, 31, 20);

    switch (f3) {
    case 0: return OP_ADDI;
    case 2: return OP_SLTI;
    case 3: return OP_SLTIU;
    case 4: return OP_XORI;
    case 6: return OP_ORI;
    case 7: return OP_ANDI;
    case 1:
        switch (f6) {
        case 0x00: return OP_SLLI;
        case 0x0a: return OP_BSETI;
        case 0x12: return OP_BCLRI;
        case 0x1a: return OP_BINVI;
        }
        switch (imm12) {
        case 0x600: return OP_CLZ;
        case 0x601: return OP_CTZ;
        case 0x602: return OP_CPOP;
        case 0x604: return OP_SEXT_B;
        case 0x605: return OP_SEXT_H;
        }
        return OP_ILLEGAL;
    case 5:
        if (imm12 == 0x287) return OP_ORC_B;
        if (imm12 == 0x6b8) return OP_REV8;
        switch (f6) {
        case 0x00: return OP_SRLI;
        case 0x10: return OP_SRAI;
        case 0x18: return OP_RORI;
        case 0x12: return OP_BEXTI;
        }
        return OP_ILLEGAL;
    }
    return OP_ILLEGAL;
}

static enum insn_op decode_op_imm_32(uint32_t b)
{
    unsigned f3 = bits(b, 14, 12), f7 = bits(b, 31, 25), f6 = bits(b, 31, 26);
    unsigned imm12 = bits(b, 31, 20);

    switch (f3) {
    case 0: return OP_ADDIW;
    case 1:
        if (f7 == 0x00) return OP_SLLIW;
        if (f6 == 0x02) return OP_SLLI_UW;
        if (imm12 == 0x600) return OP_CLZW;
        if (imm12 == 0x601) return OP_CTZW;
        if (imm12 == 0x602) return OP_CPOPW;
        return OP_ILLEGAL;
    case 5:
        if (f7 == 0x00) return OP_SRLIW;
        if (f7 == 0x20) return OP_SRAIW;
        if (f7 == 0x30) return OP_RORIW;
        return OP_ILLEGAL;
    }
    return OP_ILLEGAL;
}

static enum insn_op decode_op(uint32_t b)
{
    unsigned f3 = bits(b, 14, 12), f7 = bits(b, 31, 25);
    static const enum insn_op base[8] = { OP_ADD, OP_SLL, OP_SLT, OP_SLTU,
                                          OP_XOR, OP_SRL, OP_OR,  OP_AND };
    static const enum insn_op muldiv[8] = { OP_MUL, OP_MULH, OP_MULHSU, OP_MULHU,
                                            OP_DIV, OP_DIVU, OP_REM,    OP_REMU };

    switch (f7) {
    case 0x00: return base[f3];
    case 0x01: return muldiv[f3];
    case 0x20:
        switch (f3) {
        case 0: return OP_SUB;
        case 5: return OP_SRA;
        case 4: return OP_XNOR;
        case 6: return OP_ORN;
        case 7: return OP_ANDN;
        }
        return OP_ILLEGAL;
    case 0x10:
        switch (f3) {
        case 2: return OP_SH1ADD;
        case 4: return OP_SH2ADD;
        case 6: return OP_SH3ADD;
        }
        return OP_ILLEGAL;
    case 0x05:
        switch (f3) {
        case 4: return OP_MIN;
        case 5: return OP_MINU;
        case 6: return OP_MAX;
        case 7: return OP_MAXU;
        }
        return OP_ILLEGAL;
    case 0x30:
        return f3 == 1 ? OP_ROL : f3 == 5 ? OP_ROR : OP_ILLEGAL;
    case 0x24:
        return f3 == 1 ? OP_BCLR : f3 == 5 ? OP_BEXT : OP_ILLEGAL;
    case 0x14:
        return f3 == 1 ? OP_BSET : OP_ILLEGAL;
    case 0x34:
        return f3 == 1 ? OP_BINV : OP_ILLEGAL;
    case 0x07:
        return f3 == 5 ? OP_CZERO_EQZ : f3 == 7 ? OP_CZERO_NEZ : OP_ILLEGAL;
    }
    return OP_ILLEGAL;
}

static enum insn_op decode_op_32(uint32_t b)
{
    unsigned f3 = bits(b, 14, 12), f7 = bits(b, 31, 25), rs2 = bits(b, 24, 20);

    switch (f7) {
    case 0x00:
        return f3 == 0 ? OP_ADDW : f3 == 1 ? OP_SLLW : f3 == 5 ? OP_SRLW : OP_ILLEGAL;
    case 0x20:
        return f3 == 0 ? OP_SUBW : f3 == 5 ? OP_SRAW : OP_ILLEGAL;
    case 0x01:
        switch (f3) {
        case 0: return OP_MULW;
        case 4: return OP_DIVW;
        case 5: return OP_DIVUW;
        case 6: return OP_REMW;
        case 7: return OP_REMUW;
        }
        return OP_ILLEGAL;
    case 0x04:
        if (f3 == 0) return OP_ADD_UW;
        if (f3 == 4 && rs2 == 0) return OP_ZEXT_H;
        return OP_ILLEGAL;
    case 0x10:
        switch (f3) {
        case 2: return OP_SH1ADD_UW;
        case 4: return OP_SH2ADD_UW;
        case 6: return OP_SH3ADD_UW;
        }
        return OP_ILLEGAL;
    case 0x30:
        return f3 == 1 ? OP_ROLW : f3 == 5 ? OP_RORW : OP_ILLEGAL;
    }
    return OP_ILLEGAL;
}

static enum insn_op decode_system(uint32_t b)
{
    unsigned f3 = bits(b, 14, 12);
    static const enum insn_op csr_ops[8] = { OP_ILLEGAL, OP_CSRRW,  OP_CSRRS,  OP_CSRRC,
                                             OP_ILLEGAL, OP_CSRRWI, OP_CSRRSI, OP_CSRRCI };
    if (f3)
        return csr_ops[f3];
    switch (b) {
    case 0x00000073: return OP_ECALL;
    case 0x00100073: return OP_EBREAK;
    case 0x30200073: return OP_MRET;
    case 0x10200073: return OP_SRET;
    case 0x10500073: return OP_WFI;
    }
    if (bits(b, 31, 25) == 0x09 && bits(b, 11, 7) == 0)
        return OP_SFENCE_VMA;
    return OP_ILLEGAL;
}

static enum insn_op decode_amo(uint32_t b)
{
    unsigned f3 = bits(b, 14, 12), f5 = bits(b, 31, 27);
    bool d = f3 == 3;

    if (f3 != 2 && f3 != 3)
        return OP_ILLEGAL;
    switch (f5) {
    case 0x02: return bits(b, 24, 20) ? OP_ILLEGAL : d ? OP_LR_D : OP_LR_W;
    case 0x03: return d ? OP_SC_D : OP_SC_W;
    case 0x01: return d ? OP_AMOSWAP_D : OP_AMOSWAP_W;
    case 0x00: return d ? OP_AMOADD_D : OP_AMOADD_W;
    case 0x04: return d ? OP_AMOXOR_D : OP_AMOXOR_W;
    case 0x0c: return d ? OP_AMOAND_D : OP_AMOAND_W;
    case 0x08: return d ? OP_AMOOR_D : OP_AMOOR_W;
    case 0x10: return d ? OP_AMOMIN_D : OP_AMOMIN_W;
    case 0x14: return d ? OP_AMOMAX_D : OP_AMOMAX_W;
    case 0x18: return d ? OP_AMOMINU_D : OP_AMOMINU_W;
    case 0x1c: return d ? OP_AMOMAXU_D : OP_AMOMAXU_W;
    }
    return OP_ILLEGAL;
}

/* OP-FP. Sets *fp_rd when the destination is an FP register. */
static enum insn_op decode_op_fp(uint32_t b, bool *fp_rd)
{
    unsigned f7 = bits(b, 31, 25), f3 = bits(b, 14, 12), rs2 = bits(b, 24, 20);
    bool d = f7 & 1;

    *fp_rd = true;
    switch (f7 >> 1) {
    case 0x00: return d ? OP_FADD_D : OP_FADD_S;
    case 0x02: return d ? OP_FSUB_D : OP_FSUB_S;
    case 0x04: return d ? OP_FMUL_D : OP_FMUL_S;
    case 0x06: return d ? OP_FDIV_D : OP_FDIV_S;
    case 0x16: return rs2 ? OP_ILLEGAL : d ? OP_FSQRT_D : OP_FSQRT_S;
    case 0x08:
        switch (f3) {
        case 0: return d ? OP_FSGNJ_D : OP_FSGNJ_S;
        case 1: return d ? OP_FSGNJN_D : OP_FSGNJN_S;
        case 2: return d ? OP_FSGNJX_D : OP_FSGNJX_S;
        }
        return OP_ILLEGAL;
    case 0x0a:
        switch (f3) {
        case 0: return d ? OP_FMIN_D : OP_FMIN_S;
        case 1: return d ? OP_FMAX_D : OP_FMAX_S;
        }
        return OP_ILLEGAL;
    case 0x10:
        if (!d && rs2 == 1) return OP_FCVT_S_D;
        if (d && rs2 == 0) return OP_FCVT_D_S;
        return OP_ILLEGAL;
    case 0x34: {
        static const enum insn_op s[4] = { OP_FCVT_S_W, OP_FCVT_S_WU, OP_FCVT_S_L, OP_FCVT_S_LU };
        static const enum insn_op dd[4] = { OP_FCVT_D_W, OP_FCVT_D_WU, OP_FCVT_D_L, OP_FCVT_D_LU };
        return rs2 < 4 ? (d ? dd : s)[rs2] : OP_ILLEGAL;
    }
    case 0x3c:
        if (rs2 || f3) return OP_ILLEGAL;
        return d ? OP_FMV_D_X : OP_FMV_W_X;
    }

    *fp_rd = false;
    switch (f7 >> 1) {
    case 0x30: {
        static const enum insn_op s[4] = { OP_FCVT_W_S, OP_FCVT_WU_S, OP_FCVT_L_S, OP_FCVT_LU_S };
        static const enum insn_op dd[4] = { OP_FCVT_W_D, OP_FCVT_WU_D, OP_FCVT_L_D, OP_FCVT_LU_D };
        return rs2 < 4 ? (d ? dd : s)[rs2] : OP_ILLEGAL;
    }
    case 0x38:
        if (rs2) return OP_ILLEGAL;
        if (f3 == 0) return d ? OP_FMV_X_D : OP_FMV_X_W;
        if (f3 == 1) return d ? OP_FCLASS_D : OP_FCLASS_S;
        return OP_ILLEGAL;
    case 0x28:
        switch (f3) {
        case 0: return d ? OP_FLE_D : OP_FLE_S;
        case 1: return d ? OP_FLT_D : OP_FLT_S;
        case 2: return d ? OP_FEQ_D : OP_FEQ_S;
        }
        return OP_ILLEGAL;
    }
    return OP_ILLEGAL;
}

static void decode_32(uint32_t b, struct insn *in)
{
    enum insn_op op = OP_ILLEGAL;
    unsigned f3 = bits(b, 14, 12);
    bool fp_rd = false;

    in->rd = bits(b, 11, 7);
    in->rs1 = bits(b, 19, 15);
    in->rs2 = bits(b, 24, 20);
    in->rs3 = bits(b, 31, 27);
    in->rm = f3;
    in->imm = imm_i(b);

    switch (bits(b, 6, 0)) {
    case 0x37: op = OP_LUI; in->imm = imm_u(b); break;
    case 0x17: op = OP_AUIPC; in->imm = imm_u(b); break;
    case 0x6f: op = OP_JAL; in->imm = imm_j(b); break;
    case 0x67: op = f3 == 0 ? OP_JALR : OP_ILLEGAL; break;
    case 0x63: {
        static const enum insn_op br[8] = { OP_BEQ, OP_BNE, OP_ILLEGAL, OP_ILLEGAL,
                                            OP_BLT, OP_BGE, OP_BLTU,    OP_BGEU };
        op = br[f3];
        in->imm = imm_b(b);
        break;
    }
    case 0x03: {
        static const enum insn_op ld[8] = { OP_LB,  OP_LH,  OP_LW,  OP_LD,
                                            OP_LBU, OP_LHU, OP_LWU, OP_ILLEGAL };
        op = ld[f3];
        break;
    }
    case 0x23: {
        static const enum insn_op st[8] = { OP_SB, OP_SH, OP_SW, OP_SD };
        op = f3 < 4 ? st[f3] : OP_ILLEGAL;
        in->imm = imm_s(b);
        break;
    }
    case 0x13:
        op = decode_op_imm(b);
        if (op == OP_SLLI || op == OP_SRLI || op == OP_SRAI || op == OP_RORI || op == OP_BSETI ||
            op == OP_BCLRI || op == OP_BINVI || op == OP_BEXTI)
            in->imm = bits(b, 25, 20);
        break;
    case 0x1b:
        op = decode_op_imm_32(b);
        if (op == OP_SLLIW || op == OP_SRLIW || op == OP_SRAIW || op == OP_RORIW)
            in->imm = bits(b, 24, 20);
        else if (op == OP_SLLI_UW)
            in->imm = bits(b, 25, 20);
        break;
    case 0x33: op = decode_op(b); break;
    case 0x3b: op = decode_op_32(b); break;
    case 0x0f:
        if (f3 == 0) {
            op = OP_FENCE;
        } else if (f3 == 1) {
            op = OP_FENCE_I;
        } else if (f3 == 2 && in->rd == 0) {
            switch (bits(b, 31, 20)) {
            case 0: op = OP_CBO_INVAL; break;
            case 1: op = OP_CBO_CLEAN; break;
            case 2: op = OP_CBO_FLUSH; break;
            case 4: op = OP_CBO_ZERO; break;
            }
        }
        break;
    case 0x73:
        op = decode_system(b);
        in->imm = bits(b, 31, 20); /* CSR number */
        break;
    case 0x2f:
        op = decode_amo(b);
        in->rm = bits(b, 26, 25); /* aq, rl */
        break;
    case 0x07:
        op = f3 == 2 ? OP_FLW : f3 == 3 ? OP_FLD : OP_ILLEGAL;
        fp_rd = true;
        break;
    case 0x27:
        op = f3 == 2 ? OP_FSW : f3 == 3 ? OP_FSD : OP_ILLEGAL;
        in->imm = imm_s(b);
        break;
    case 0x43: case 0x47: case 0x4b: case 0x4f: {
        static const enum insn_op s[4] = { OP_FMADD_S, OP_FMSUB_S, OP_FNMSUB_S, OP_FNMADD_S };
        static const enum insn_op d[4] = { OP_FMADD_D, OP_FMSUB_D, OP_FNMSUB_D, OP_FNMADD_D };
        unsigned fmt = bits(b, 26, 25);
        unsigned which = bits(b, 3, 2);
        op = fmt == 0 ? s[which] : fmt == 1 ? d[which] : OP_ILLEGAL;
        fp_rd = true;
        break;
    }
    case 0x53: op = decode_op_fp(b, &fp_rd); break;
    }

    in->op = op;
    /* Integer writes to x0 go to the sink register. CSR ops keep rd: rd == 0 changes their meaning. */
    if (!fp_rd && in->rd == 0 && !(op >= OP_CSRRW && op <= OP_CSRRCI))
        in->rd = HART_X_SINK;
}

/* Fill `in` as the 32-bit instruction op rd, rs1, rs2/imm would decode. */
static void expand(struct insn *in, enum insn_op op, unsigned rd, unsigned rs1, unsigned rs2,
                   int32_t imm, bool fp_rd)
{
    in->op = op;
    in->rd = (!fp_rd && rd == 0) ? HART_X_SINK : rd;
    in->rs1 = rs1;
    in->rs2 = rs2;
    in->imm = imm;
}

static void decode_16(uint32_t c, struct insn *in)
{
    unsigned f3 = bits(c, 15, 13);
    unsigned rd = bits(c, 11, 7), rs2 = bits(c, 6, 2);
    unsigned rdp = bits(c, 4, 2) + 8, rs1p = bits(c, 9, 7) + 8;
    int32_t imm6 = sext((bits(c, 12, 12) << 5) | bits(c, 6, 2), 6);

    in->op = OP_ILLEGAL;
    switch (((c & 3) << 3) | f3) {
    case 0x00: { /* C.ADDI4SPN */
        uint32_t uimm = (bits(c, 12, 11) << 4) | (bits(c, 10, 7) << 6) | (bits(c, 6, 6) << 2) |
                        (bits(c, 5, 5) << 3);
        if (uimm)
            expand(in, OP_ADDI, rdp, 2, 0, uimm, false);
        break;
    }
    case 0x01: /* C.FLD */
        expand(in, OP_FLD, rdp, rs1p, 0, (bits(c, 12, 10) << 3) | (bits(c, 6, 5) << 6), true);
        break;
    case 0x02: /* C.LW */
        expand(in, OP_LW, rdp, rs1p, 0,
               (bits(c, 12, 10) << 3) | (bits(c, 6, 6) << 2) | (bits(c, 5, 5) << 6), false);
        break;
    case 0x03: /* C.LD */
        expand(in, OP_LD, rdp, rs1p, 0, (bits(c, 12, 10) << 3) | (bits(c, 6, 5) << 6), false);
        break;
    case 0x05: /* C.FSD */
        expand(in, OP_FSD, 0, rs1p, rdp, (bits(c, 12, 10) << 3) | (bits(c, 6, 5) << 6), false);
        break;
    case 0x06: /* C.SW */
        expand(in, OP_SW, 0, rs1p, rdp,
               (bits(c, 12, 10) << 3) | (bits(c, 6, 6) << 2) | (bits(c, 5, 5) << 6), false);
        break;
    case 0x07: /* C.SD */
        expand(in, OP_SD, 0, rs1p, rdp, (bits(c, 12, 10) << 3) | (bits(c, 6, 5) << 6), false);
        break;

    case 0x08: /* C.ADDI (rd = 0 is a hint) */
        expand(in, OP_ADDI, rd, rd, 0, imm6, false);
        break;
    case 0x09: /* C.ADDIW */
        if (rd)
            expand(in, OP_ADDIW, rd, rd, 0, imm6, false);
        break;
    case 0x0a: /* C.LI */
        expand(in, OP_ADDI, rd, 0, 0, imm6, false);
        break;
    case 0x0b:
        if (rd == 2) { /* C.ADDI16SP */
            int32_t imm = sext((bits(c, 12, 12) << 9) | (bits(c, 6, 6) << 4) | (bits(c, 5, 5) << 6) |
                                   (bits(c, 4, 3) << 7) | (bits(c, 2, 2) << 5),
                               10);
            if (imm)
                expand(in, OP_ADDI, 2, 2, 0, imm, false);
        } else if (imm6) { /* C.LUI */
            expand(in, OP_LUI, rd, 0, 0, imm6 * 4096, false);
        }
        break;
    case 0x0c:
        switch (bits(c, 11, 10)) {
        case 0: expand(in, OP_SRLI, rs1p, rs1p, 0, imm6 & 0x3f, false); break;
        case 1: expand(in, OP_SRAI, rs1p, rs1p, 0, imm6 & 0x3f, false); break;
        case 2: expand(in, OP_ANDI, rs1p, rs1p, 0, imm6, false); break;
        case 3: {
            static const enum insn_op ops[8] = { OP_SUB,  OP_XOR,  OP_OR,      OP_AND,
                                                 OP_SUBW, OP_ADDW, OP_ILLEGAL, OP_ILLEGAL };
            enum insn_op op = ops[(bits(c, 12, 12) << 2) | bits(c, 6, 5)];
            if (op != OP_ILLEGAL)
                expand(in, op, rs1p, rs1p, rdp, 0, false);
            break;
        }
        }
        break;
    case 0x0d: { /* C.J */
        int32_t imm = sext((bits(c, 12, 12) << 11) | (bits(c, 11, 11) << 4) | (bits(c, 10, 9) << 8) |
                               (bits(c, 8, 8) << 10) | (bits(c, 7, 7) << 6) | (bits(c, 6, 6) << 7) |
                               (bits(c, 5, 3) << 1) | (bits(c, 2, 2) << 5),
                           12);
        expand(in, OP_JAL, 0, 0, 0, imm, false);
        break;
    }
    case 0x0e: case 0x0f: { /* C.BEQZ, C.BNEZ */
        int32_t imm = sext((bits(c, 12, 12) << 8) | (bits(c, 11, 10) << 3) | (bits(c, 6, 5) << 6) |
                               (bits(c, 4, 3) << 1) | (bits(c, 2, 2) << 5),
                           9);
        expand(in, f3 == 6 ? OP_BEQ : OP_BNE, 0, rs1p, 0, imm, false);
        break;
    }

    case 0x10: /* C.SLLI (rd = 0 is a hint) */
        expand(in, OP_SLLI, rd, rd, 0, imm6 & 0x3f, false);
        break;
    case 0x11: /* C.FLDSP */
        expand(in, OP_FLD, rd, 2, 0,
               (bits(c, 12, 12) << 5) | (bits(c, 6, 5) << 3) | (bits(c, 4, 2) << 6), true);
        break;
    case 0x12: /* C.LWSP */
        if (rd)
            expand(in, OP_LW, rd, 2, 0,
                   (bits(c, 12, 12) << 5) | (bits(c, 6, 4) << 2) | (bits(c, 3, 2) << 6), false);
        break;
    case 0x13: /* C.LDSP */
        if (rd)
            expand(in, OP_LD, rd, 2, 0,
                   (bits(c, 12, 12) << 5) | (bits(c, 6, 5) << 3) | (bits(c, 4, 2) << 6), false);
        break;
    case 0x14:
        if (!bits(c, 12, 12)) {
            if (rs2)
                expand(in, OP_ADD, rd, 0, rs2, 0, false); /* C.MV */
            else if (rd)
                expand(in, OP_JALR, 0, rd, 0, 0, false); /* C.JR */
        } else {
            if (rs2)
                expand(in, OP_ADD, rd, rd, rs2, 0, false); /* C.ADD */
            else if (rd)
                expand(in, OP_JALR, 1, rd, 0, 0, false); /* C.JALR */
            else
                in->op = OP_EBREAK;                       /* C.EBREAK */
        }
        break;
    case 0x15: /* C.FSDSP */
        expand(in, OP_FSD, 0, 2, rs2, (bits(c, 12, 10) << 3) | (bits(c, 9, 7) << 6), false);
        break;
    case 0x16: /* C.SWSP */
        expand(in, OP_SW, 0, 2, rs2, (bits(c, 12, 9) << 2) | (bits(c, 8, 7) << 6), false);
        break;
    case 0x17: /* C.SDSP */
        expand(in, OP_SD, 0, 2, rs2, (bits(c, 12, 10) << 3) | (bits(c, 9, 7) << 6), false);
        break;
    }
}

void insn_decode(uint32_t b, struct insn *in)
{
    *in = (struct insn){ 0 };
    if ((b & 3) == 3) {
        in->len = 4;
        in->raw = b;
        decode_32(b, in);
    } else {
        in->len = 2;
        in->raw = b & 0xffff;
        decode_16(b & 0xffff, in);
    }
}

/*
 * insn.h - the instruction list, defined once.
 *
 * INSN_LIST expands X(NAME, FLAGS) for every instruction rvmm implements.
 * The decoder produces these ops (compressed instructions are expanded to the
 * op of their 32-bit equivalent), the interpreter has one handler per op, and
 * the translator falls back to those handlers for any op it does not emit.
 *
 * FLAGS:
 *   INSN_END  the instruction ends a decoded block (control flow, or it may
 *             change privilege, translation or what later instructions mean).
 */
#ifndef RVMM_CPU_INSN_H
#define RVMM_CPU_INSN_H

#include <stdint.h>

#define INSN_END 1u

#define INSN_LIST(X)                                                                              \
    X(ILLEGAL, INSN_END)                                                                          \
    /* RV64I */                                                                                   \
    X(LUI, 0) X(AUIPC, 0) X(JAL, INSN_END) X(JALR, INSN_END)                                      \
    X(BEQ, INSN_END) X(BNE, INSN_END) X(BLT, INSN_END) X(BGE, INSN_END) X(BLTU, INSN_END)         \
    X(BGEU, INSN_END)                                                                             \
    X(LB, 0) X(LH, 0) X(LW, 0) X(LD, 0) X(LBU, 0) X(LHU, 0) X(LWU, 0)                             \
    X(SB, 0) X(SH, 0) X(SW, 0) X(SD, 0)                                                           \
    X(ADDI, 0) X(SLTI, 0) X(SLTIU, 0) X(XORI, 0) X(ORI, 0) X(ANDI, 0)                             \
    X(SLLI, 0) X(SRLI, 0) X(SRAI, 0)                                                              \
    X(ADD, 0) X(SUB, 0) X(SLL, 0) X(SLT, 0) X(SLTU, 0) X(XOR, 0) X(SRL, 0) X(SRA, 0) X(OR, 0)     \
    X(AND, 0)                                                                                     \
    X(ADDIW, 0) X(SLLIW, 0) X(SRLIW, 0) X(SRAIW, 0)                                               \
    X(ADDW, 0) X(SUBW, 0) X(SLLW, 0) X(SRLW, 0) X(SRAW, 0)                                        \
    X(FENCE, 0) X(FENCE_I, INSN_END) X(ECALL, INSN_END) X(EBREAK, INSN_END)                       \
    /* Zicsr */                                                                                   \
    X(CSRRW, INSN_END) X(CSRRS, INSN_END) X(CSRRC, INSN_END)                                      \
    X(CSRRWI, INSN_END) X(CSRRSI, INSN_END) X(CSRRCI, INSN_END)                                   \
    /* privileged */                                                                              \
    X(MRET, INSN_END) X(SRET, INSN_END) X(WFI, INSN_END) X(SFENCE_VMA, INSN_END)                  \
    /* M */                                                                                       \
    X(MUL, 0) X(MULH, 0) X(MULHSU, 0) X(MULHU, 0) X(DIV, 0) X(DIVU, 0) X(REM, 0) X(REMU, 0)       \
    X(MULW, 0) X(DIVW, 0) X(DIVUW, 0) X(REMW, 0) X(REMUW, 0)                                      \
    /* A */                                                                                       \
    X(LR_W, 0) X(SC_W, 0) X(LR_D, 0) X(SC_D, 0)                                                   \
    X(AMOSWAP_W, 0) X(AMOADD_W, 0) X(AMOXOR_W, 0) X(AMOAND_W, 0) X(AMOOR_W, 0)                    \
    X(AMOMIN_W, 0) X(AMOMAX_W, 0) X(AMOMINU_W, 0) X(AMOMAXU_W, 0)                                 \
    X(AMOSWAP_D, 0) X(AMOADD_D, 0) X(AMOXOR_D, 0) X(AMOAND_D, 0) X(AMOOR_D, 0)                    \
    X(AMOMIN_D, 0) X(AMOMAX_D, 0) X(AMOMINU_D, 0) X(AMOMAXU_D, 0)                                 \
    /* F */                                                                                       \
    X(FLW, 0) X(FSW, 0)                                                                           \
    X(FMADD_S, 0) X(FMSUB_S, 0) X(FNMSUB_S, 0) X(FNMADD_S, 0)                                     \
    X(FADD_S, 0) X(FSUB_S, 0) X(FMUL_S, 0) X(FDIV_S, 0) X(FSQRT_S, 0)                             \
    X(FSGNJ_S, 0) X(FSGNJN_S, 0) X(FSGNJX_S, 0) X(FMIN_S, 0) X(FMAX_S, 0)                         \
    X(FCVT_W_S, 0) X(FCVT_WU_S, 0) X(FCVT_L_S, 0) X(FCVT_LU_S, 0)                                 \
    X(FCVT_S_W, 0) X(FCVT_S_WU, 0) X(FCVT_S_L, 0) X(FCVT_S_LU, 0)                                 \
    X(FMV_X_W, 0) X(FMV_W_X, 0) X(FEQ_S, 0) X(FLT_S, 0) X(FLE_S, 0) X(FCLASS_S, 0)                \
    /* D */                                                                                       \
    X(FLD, 0) X(FSD, 0)                                                                           \
    X(FMADD_D, 0) X(FMSUB_D, 0) X(FNMSUB_D, 0) X(FNMADD_D, 0)                                     \
    X(FADD_D, 0) X(FSUB_D, 0) X(FMUL_D, 0) X(FDIV_D, 0) X(FSQRT_D, 0)                             \
    X(FSGNJ_D, 0) X(FSGNJN_D, 0) X(FSGNJX_D, 0) X(FMIN_D, 0) X(FMAX_D, 0)                         \
    X(FCVT_W_D, 0) X(FCVT_WU_D, 0) X(FCVT_L_D, 0) X(FCVT_LU_D, 0)                                 \
    X(FCVT_D_W, 0) X(FCVT_D_WU, 0) X(FCVT_D_L, 0) X(FCVT_D_LU, 0)                                 \
    X(FCVT_S_D, 0) X(FCVT_D_S, 0)                                                                 \
    X(FMV_X_D, 0) X(FMV_D_X, 0) X(FEQ_D, 0) X(FLT_D, 0) X(FLE_D, 0) X(FCLASS_D, 0)                \
    /* Zba */                                                                                     \
    X(ADD_UW, 0) X(SH1ADD, 0) X(SH2ADD, 0) X(SH3ADD, 0) X(SH1ADD_UW, 0) X(SH2ADD_UW, 0)           \
    X(SH3ADD_UW, 0) X(SLLI_UW, 0)                                                                 \
    /* Zbb */                                                                                     \
    X(ANDN, 0) X(ORN, 0) X(XNOR, 0) X(CLZ, 0) X(CLZW, 0) X(CTZ, 0) X(CTZW, 0) X(CPOP, 0)          \
    X(CPOPW, 0) X(MAX, 0) X(MAXU, 0) X(MIN, 0) X(MINU, 0) X(SEXT_B, 0) X(SEXT_H, 0) X(ZEXT_H, 0)  \
    X(ROL, 0) X(ROLW, 0) X(ROR, 0) X(RORI, 0) X(RORIW, 0) X(RORW, 0) X(ORC_B, 0) X(REV8, 0)       \
    /* Zbs */                                                                                     \
    X(BCLR, 0) X(BCLRI, 0) X(BEXT, 0) X(BEXTI, 0) X(BINV, 0) X(BINVI, 0) X(BSET, 0) X(BSETI, 0)   \
    /* Zicond */                                                                                  \
    X(CZERO_EQZ, 0) X(CZERO_NEZ, 0)                                                               \
    /* Zicbom, Zicboz */                                                                          \
    X(CBO_CLEAN, 0) X(CBO_FLUSH, 0) X(CBO_INVAL, 0) X(CBO_ZERO, 0)                                \
    /* end-of-block marker appended by the decoder; not a guest instruction */                    \
    X(BLOCK_END, INSN_END)

enum insn_op {
#define X(name, flags) OP_##name,
    INSN_LIST(X)
#undef X
    OP_COUNT
};

/*
 * A decoded instruction. Register numbers index struct hart's x[] and f[];
 * a write to x0 is redirected to the sink register (HART_X_SINK) so handlers
 * need no rd != 0 test.
 */
struct insn {
    uint16_t op;
    uint8_t rd, rs1, rs2, rs3;
    uint8_t len; /* 2 or 4 */
    uint8_t rm;  /* FP rounding mode; for AMOs the aq/rl bits */
    int32_t imm; /* immediate, shift amount, or CSR number */
    uint32_t raw; /* the instruction bits (compressed: the 16-bit parcel) */
};

extern const char *const insn_names[OP_COUNT];
extern const uint8_t insn_flags[OP_COUNT];

/* Decode one instruction. `bits` holds 32 bits at pc (upper half may be garbage for a
 * 16-bit instruction). Unknown and reserved encodings decode to OP_ILLEGAL. */
void insn_decode(uint32_t bits, struct insn *out);

static inline unsigned insn_length(uint16_t first_parcel)
{
    return (first_parcel & 3) == 3 ? 4 : 2;
}

#endif

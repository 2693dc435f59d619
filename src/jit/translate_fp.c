/*
 * translate_fp.c - F/D ops: the common double-precision arithmetic,
 * conversions and moves inline, everything else and every hard case through
 * interp_step (the interpreter's exact handler).
 */
#include "jit/translate.h"

/* F/D loads and stores: mstatus.FS Off makes them illegal; the cold path lets
 * interp_step raise that. */
void tr_emit_fp_enabled_check(struct tr *t, const struct insn *in, int32_t offset)
{
    x86_load(&t->buf, 4, false, X86_RAX, HART(mstatus));
    x86_test_ri(&t->buf, false, X86_RAX, (int32_t)MSTATUS_FS);
    uint8_t *off = x86_jcc_rel32(&t->buf, X86_CC_E);
    tr_add_cold(t, COLD_FP_OFF, off, offset, in);
}

/*
 * The end of an inline D op: f[rd] = xmm, FS dirty, and the cold path (the
 * exact interp_step) for each of the `n` jumps in to_slow that was emitted.
 */
static void finish_d(struct tr *t, const struct insn *in, int32_t offset, unsigned xmm,
                     uint8_t *const *to_slow, unsigned n)
{
    struct x86_buf *b = &t->buf;
    x86_movq_mx(b, x86_mem(X86_RBX, F_OFF(in->rd)), xmm);
    x86_alu_mi(b, X86_OR, true, HART(mstatus), (int32_t)MSTATUS_FS);
    const uint8_t *resume = x86_exec_ptr(b);
    for (unsigned k = 0; k < n; k++)
        if (to_slow[k])
            tr_add_cold(t, COLD_FP_SLOW, to_slow[k], offset, in)->resume = resume;
    t->pending++;
}

/*
 * fadd.d, fsub.d, fmul.d and fdiv.d rounding to nearest even, inline. The
 * result is exact IEEE (x86 rounds as RISC-V does); what needs care is
 * fflags. Inline, only NX can arise: a NaN or infinite result (NV, DZ, OF,
 * NaN canonicalisation) or one small enough to underflow goes to the cold
 * path (interp_step, which redoes the op exactly). NX comes from the rounding
 * error, computed exactly: TwoSum for add and sub, an FMA residual for mul
 * (a * b - p) and div (a - q * b), exact for these magnitudes.
 */
#define F64_EXP_SHIFTED(e) ((uint64_t)(e) << 53) /* the biased exponent of (bits << 1) */

static void emit_fp_arith_d(struct tr *t, const struct insn *in, int32_t offset)
{
    struct x86_buf *b = &t->buf;
    tr_emit_fp_enabled_check(t, in, offset);
    uint8_t *to_slow[4] = { NULL, NULL, NULL, NULL }; /* jumps to the exact path */
    if (in->rm == 7) { /* dynamic: frm must be RNE */
        x86_alu_mi(b, X86_CMP, false, HART(frm), 0);
        to_slow[3] = x86_jcc_rel32(b, X86_CC_NE);
    }
    x86_movq_xm(b, 0, x86_mem(X86_RBX, F_OFF(in->rs1))); /* a */
    x86_movq_xm(b, 1, x86_mem(X86_RBX, F_OFF(in->rs2))); /* b */
    x86_movapd(b, 2, 0);
    enum x86_sd_op op = in->op == OP_FADD_D ? X86_ADDSD : in->op == OP_FSUB_D ? X86_SUBSD
                      : in->op == OP_FMUL_D ? X86_MULSD : X86_DIVSD;
    x86_sd(b, op, 2, 1); /* r */

    /* |r| must be finite, and (mul, div) at least 2^-968 so the residual cannot underflow. */
    bool muldiv = op == X86_MULSD || op == X86_DIVSD;
    x86_movq_rx(b, X86_RAX, 2);
    x86_alu_rr(b, X86_ADD, true, X86_RAX, X86_RAX); /* drop the sign */
    x86_mov_ri(b, X86_RCX, F64_EXP_SHIFTED(0x7ff));
    x86_alu_rr(b, X86_CMP, true, X86_RAX, X86_RCX);
    to_slow[0] = x86_jcc_rel32(b, X86_CC_AE);
    x86_mov_ri(b, X86_RCX, F64_EXP_SHIFTED(muldiv ? 1023 - 968 : 1)); /* add, sub: normal */
    x86_alu_rr(b, X86_CMP, true, X86_RAX, X86_RCX);
    to_slow[1] = x86_jcc_rel32(b, X86_CC_B);
    if (op == X86_DIVSD) { /* and so must the dividend */
        x86_movq_rx(b, X86_RAX, 0);
        x86_alu_rr(b, X86_ADD, true, X86_RAX, X86_RAX);
        x86_alu_rr(b, X86_CMP, true, X86_RAX, X86_RCX);
        to_slow[2] = x86_jcc_rel32(b, X86_CC_B);
    }

    /* xmm0 = the rounding error (zero iff exact) */
    switch (op) {
    case X86_ADDSD: /* bb = r - a; err = (a - (r - bb)) + (b - bb) */
    case X86_SUBSD: /* the same with -b: err = (a - (r - bb)) - (b + bb) */
        x86_movapd(b, 3, 2);
        x86_sd(b, X86_SUBSD, 3, 0);
        x86_movapd(b, 4, 2);
        x86_sd(b, X86_SUBSD, 4, 3);
        x86_sd(b, X86_SUBSD, 0, 4);
        x86_sd(b, op == X86_ADDSD ? X86_SUBSD : X86_ADDSD, 1, 3);
        x86_sd(b, op == X86_ADDSD ? X86_ADDSD : X86_SUBSD, 0, 1);
        break;
    case X86_MULSD: /* a * b - r */
        x86_movapd(b, 3, 2);
        x86_fma231sd(b, X86_VFMSUB231SD, 3, 0, 1);
        x86_movapd(b, 0, 3);
        break;
    default: /* a - r * b */
        x86_fma231sd(b, X86_VFNMADD231SD, 0, 2, 1);
        break;
    }
    x86_movq_rx(b, X86_RAX, 0);
    x86_alu_rr(b, X86_ADD, true, X86_RAX, X86_RAX); /* -0 and +0 alike */
    x86_setcc_zx(b, X86_CC_NE, X86_RAX);             /* NX is fflags bit 0 */
    x86_alu_mr(b, X86_OR, false, HART(fflags), X86_RAX);
    finish_d(t, in, offset, 2, to_slow, 4);
}

/* A dynamic rounding mode must be valid (else the op is illegal: the exact path raises it). */
static uint8_t *emit_dynamic_rm_check(struct tr *t, const struct insn *in)
{
    if (in->rm != 7)
        return NULL;
    x86_alu_mi(&t->buf, X86_CMP, false, HART(frm), 4);
    return x86_jcc_rel32(&t->buf, X86_CC_A);
}

/*
 * fcvt.d.w, .wu, .l and .lu, inline when exact: always for 32-bit integers,
 * within +-2^53 for 64-bit ones (then no rounding mode matters and no flag
 * arises); other values go to interp_step in cold code.
 */
static void emit_fp_from_int_d(struct tr *t, const struct insn *in, int32_t offset)
{
    struct x86_buf *b = &t->buf;
    tr_emit_fp_enabled_check(t, in, offset);
    uint8_t *to_slow[2] = { emit_dynamic_rm_check(t, in), NULL };
    tr_guest_get(t, X86_RAX, in->rs1);
    switch (in->op) {
    case OP_FCVT_D_W: x86_movsx_rr(b, 4, X86_RAX, X86_RAX); break;
    case OP_FCVT_D_WU: x86_mov_rr(b, false, X86_RAX, X86_RAX); break;
    case OP_FCVT_D_L: /* -2^53 <= x <= 2^53: x + 2^53 <= 2^54, unsigned */
        x86_mov_ri(b, X86_RCX, 1ull << 53);
        x86_alu_rr(b, X86_ADD, true, X86_RCX, X86_RAX);
        x86_mov_ri(b, X86_RDX, 1ull << 54);
        x86_alu_rr(b, X86_CMP, true, X86_RCX, X86_RDX);
        to_slow[1] = x86_jcc_rel32(b, X86_CC_A);
        break;
    default: /* OP_FCVT_D_LU: x <= 2^53 */
        x86_mov_ri(b, X86_RDX, 1ull << 53);
        x86_alu_rr(b, X86_CMP, true, X86_RAX, X86_RDX);
        to_slow[1] = x86_jcc_rel32(b, X86_CC_A);
        break;
    }
    x86_cvtsi2sd(b, 0, X86_RAX);
    finish_d(t, in, offset, 0, to_slow, 2);
}

/* fmv.x.d and fmv.d.x: bit moves, legal only with FS on. */
static void emit_fp_move_d(struct tr *t, const struct insn *in, int32_t offset)
{
    tr_emit_fp_enabled_check(t, in, offset);
    if (in->op == OP_FMV_D_X) {
        x86_store(&t->buf, 8, x86_mem(X86_RBX, F_OFF(in->rd)), tr_guest_use(t, in->rs1, X86_RAX));
        x86_alu_mi(&t->buf, X86_OR, true, HART(mstatus), (int32_t)MSTATUS_FS);
    } else if (!tr_no_result(in)) {
        x86_load(&t->buf, 8, false, tr_result_reg(t, in), x86_mem(X86_RBX, F_OFF(in->rs1)));
        tr_guest_put(t, in->rd, tr_result_reg(t, in));
    }
    t->pending++;
}

bool tr_emit_fp(struct tr *t, const struct insn *in, int32_t offset)
{
    switch (in->op) {
    case OP_FCVT_D_W: case OP_FCVT_D_WU: case OP_FCVT_D_L: case OP_FCVT_D_LU:
        if (in->rm > 4 && in->rm != 7)
            return false;
        emit_fp_from_int_d(t, in, offset);
        return true;
    case OP_FMV_D_X: case OP_FMV_X_D:
        emit_fp_move_d(t, in, offset);
        return true;
    case OP_FADD_D: case OP_FSUB_D: case OP_FMUL_D: case OP_FDIV_D:
        if (!t->j->fast_fp || (in->rm != 0 && in->rm != 7))
            return false;
        emit_fp_arith_d(t, in, offset);
        return true;
    default:
        return false;
    }
}

void tr_emit_cold_fp(struct tr *t, struct cold *c)
{
    if (c->kind == COLD_FP_OFF) { /* interp_step raises the illegal instruction */
        tr_write_back(t, c->dirty);
        tr_store_pinned(t, ~0ull);
        tr_emit_call_step(t, c->in, c->offset);
        tr_reload_volatile(t);
        tr_emit_fault_exit(t, c);
        return;
    }
    /* COLD_FP_SLOW: interp_step does the op exactly and counts it; the hot
     * path counts it too (the caller replays from the op's state). */
    tr_emit_fp_step(t, c->in, c->offset, tr_step_int_use(c->in->op));
    x86_alu_mi(&t->buf, X86_SUB, true, HART(instret), 1);
}

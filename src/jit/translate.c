/*
 * translate.c - one decoded block to x86-64 (see jit_internal.h for the
 * conventions translated code runs under): the trace, the registers, counting,
 * exits and control flow. The ops themselves are emitted by translate_int.c,
 * translate_mem.c and translate_fp.c (translate.h).
 *
 * Layout of a translation: the entry check (interrupt poll),
 * loads of the guest registers this block caches in host registers, the
 * instructions in order, the exits; then the cold code (TLB misses, faults,
 * chain stubs) that the hot path reaches by forward jumps.
 *
 * Ops the code generator does not emit itself are run by interp_step(), the
 * interpreter's own handler for that op, after the cached registers are
 * written back: the same semantics by construction. Guest state is always
 * exact at those calls and at every exit: h->pc, instret, the registers.
 */
#include <stddef.h>
#include <string.h>

#include "core/bus.h"
#include "cpu/mmu.h"
#include "interp/interp.h"
#include "jit/jit_internal.h"
#include "jit/translate.h"
#include "jit/x86_emit.h"
#include "lib/compiler.h"

_Static_assert(sizeof(struct tlb_entry) == 32, "translated code indexes the TLB by << 5");
_Static_assert(offsetof(struct tlb_entry, tag) == 0 && offsetof(struct tlb_entry, addend) == 8,
               "translated code reads tag and addend at these offsets");

/* Host registers for the guest registers a translation caches (besides the
 * pinned ones): caller-saved, so saved and reloaded around every helper call
 * (calls are on slow paths). None is an argument register. */
static const enum x86_reg cache_pool[] = { X86_R8, X86_R9, X86_R10 };
#define CACHE_MIN_USES 2

struct cold *tr_add_cold(struct tr *t, enum cold_kind kind, uint8_t *from, int32_t offset,
                         const struct insn *in)
{
    if (t->ncold == MAX_COLD) {
        t->cold_overflow = true;
        return &t->cold[0]; /* harmless target; the translation is dropped */
    }
    struct cold *c = &t->cold[t->ncold++];
    *c = (struct cold){ kind, from, NULL, t->dirty, t->pending, offset, in, 0, 0 };
    return c;
}

static void jcc_to(struct tr *t, enum x86_cond cc, const void *target)
{
    uint8_t *f = x86_jcc_rel32(&t->buf, cc);
    if (f)
        x86_patch_rel32(f, t->buf.exec_delta, target);
}

/* ---- guest registers ---- */

void tr_guest_get(struct tr *t, enum x86_reg dst, unsigned g)
{
    if (g == 0)
        x86_mov_ri(&t->buf, dst, 0);
    else if (t->host[g] >= 0) {
        if (dst != (enum x86_reg)t->host[g])
            x86_mov_rr(&t->buf, true, dst, (enum x86_reg)t->host[g]);
    } else
        x86_load(&t->buf, 8, false, dst, x86_mem(X86_RBX, X_OFF(g)));
}

/* The host register holding g: its cache register, or `scratch` loaded with it. */
enum x86_reg tr_guest_use(struct tr *t, unsigned g, enum x86_reg scratch)
{
    if (g != 0 && t->host[g] >= 0)
        return (enum x86_reg)t->host[g];
    tr_guest_get(t, scratch, g);
    return scratch;
}

void tr_guest_put(struct tr *t, unsigned g, enum x86_reg src)
{
    if (g == 0 || g == HART_X_SINK)
        return;
    if (t->host[g] >= 0) {
        if (src != (enum x86_reg)t->host[g])
            x86_mov_rr(&t->buf, true, (enum x86_reg)t->host[g], src);
        t->dirty |= (1ull << g) & ~t->pinned;
    } else {
        x86_store(&t->buf, 8, x86_mem(X86_RBX, X_OFF(g)), src);
    }
}

/* Whether the instruction's result is thrown away (rd is x0). */
bool tr_no_result(const struct insn *in)
{
    return in->rd == 0 || in->rd == HART_X_SINK;
}

/* Where rd's value is computed: its cache register, else RAX (tr_guest_put stores it). */
enum x86_reg tr_result_reg(const struct tr *t, const struct insn *in)
{
    return t->host[in->rd] >= 0 ? (enum x86_reg)t->host[in->rd] : X86_RAX;
}

void tr_write_back(struct tr *t, uint64_t dirty)
{
    for (unsigned g = 1; g < 32; g++)
        if (dirty & (1ull << g))
            x86_store(&t->buf, 8, x86_mem(X86_RBX, X_OFF(g)), (enum x86_reg)t->host[g]);
}

/* Around a helper call: the caller-saved cache registers' dirty values go to
 * memory before it, and all of them come back after it. */
void tr_save_volatile(struct tr *t, uint64_t dirty)
{
    tr_write_back(t, dirty & t->cached_volatile);
}

void tr_reload_volatile(struct tr *t)
{
    for (unsigned g = 1; g < 32; g++)
        if (t->cached_volatile & (1ull << g))
            x86_load(&t->buf, 8, false, (enum x86_reg)t->host[g], x86_mem(X86_RBX, X_OFF(g)));
}

/* The registers cached for this translation only (not the pinned ones). */
void tr_reload_cached(struct tr *t)
{
    for (unsigned g = 1; g < 32; g++)
        if ((t->cached & ~t->pinned) & (1ull << g))
            x86_load(&t->buf, 8, false, (enum x86_reg)t->host[g], x86_mem(X86_RBX, X_OFF(g)));
}

/* Around a helper that reads or writes h->x: the pinned registers in `mask`
 * to memory before it, or back from memory after it. */
void tr_store_pinned(struct tr *t, uint64_t mask)
{
    tr_write_back(t, mask & t->pinned);
}

void tr_load_pinned(struct tr *t, uint64_t mask)
{
    for (unsigned g = 1; g < 32; g++)
        if ((mask & t->pinned) & (1ull << g))
            x86_load(&t->buf, 8, false, (enum x86_reg)t->host[g], x86_mem(X86_RBX, X_OFF(g)));
}

/* Chooses which guest registers live in host registers: the most used ones. */
static void allocate_registers(struct tr *t)
{
    unsigned uses[33] = { 0 };
    for (unsigned i = 0; i < t->ntrace; i++) {
        const struct insn *in = t->trace[i].in;
        uses[in->rd]++;
        uses[in->rs1]++;
        uses[in->rs2]++;
    }
    uses[0] = 0; /* x0 is never cached (it reads as 0); best == 0 means "none left" */
    memset(t->host, -1, sizeof(t->host));
    for (unsigned k = 0; k < JIT_PINNED; k++) {
        unsigned g = t->j->pinned_guest[k];
        t->host[g] = (int8_t)jit_pinned_host[k];
        t->pinned |= 1ull << g;
    }
    t->cached = t->pinned;
    for (size_t k = 0; k < ARRAY_SIZE(cache_pool); k++) {
        unsigned best = 0;
        for (unsigned g = 1; g < 32; g++)
            if (t->host[g] < 0 && uses[g] > uses[best])
                best = g;
        if (best == 0 || uses[best] < CACHE_MIN_USES)
            break;
        t->host[best] = (int8_t)cache_pool[k];
        t->cached |= 1ull << best;
        t->cached_volatile |= 1ull << best;
    }
}

/* ---- counting and exits ---- */

/* Adds what this block retired so far to instret. */
void tr_emit_commit(struct tr *t, unsigned pending)
{
    if (pending)
        x86_alu_mi(&t->buf, X86_ADD, true, HART(instret), (int32_t)pending);
}

static void commit_now(struct tr *t)
{
    tr_emit_commit(t, t->pending);
    t->pending = 0;
}

/* The exception recorded by a helper is taken at the instruction at `offset`. */
void tr_emit_fault_exit(struct tr *t, const struct cold *c)
{
    tr_emit_commit(t, c->pending);
    tr_write_back(t, c->dirty);
    if (c->offset)
        x86_alu_mi(&t->buf, X86_ADD, true, HART(pc), (int32_t)c->offset);
    x86_jmp_abs(&t->buf, t->j->exit_exception);
}

static int trace_index_of(const struct tr *t, int64_t offset)
{
    for (unsigned i = 0; i < t->ntrace; i++)
        if (t->trace[i].offset == offset && t->trace[i].in->op != OP_BLOCK_END)
            return (int)i;
    return -1;
}

/*
 * A jump to an instruction of the trace itself: a loop's back edge or a
 * forward branch. Registers stay in host registers; counts are committed (a
 * label starts with nothing pending). A backward jump also takes the poll
 * countdown, so a loop inside one translation still sees interrupts.
 */
static void emit_internal_jump(struct tr *t, unsigned index, int64_t target)
{
    tr_emit_commit(t, t->pending);
    const uint8_t *code = t->trace[index].label_code;
    if (code) {
        x86_alu_mi(&t->buf, X86_SUB, false, HART(poll_countdown), 1);
        uint8_t *due = x86_jcc_rel32(&t->buf, X86_CC_S);
        struct cold *c = tr_add_cold(t, COLD_POLL, due, (int32_t)target, NULL);
        c->pending = 0;
        uint8_t *f = x86_jmp_rel32(&t->buf);
        if (f)
            x86_patch_rel32(f, t->buf.exec_delta, code);
    } else if (t->nfixups < ARRAY_SIZE(t->fixups)) {
        uint8_t *f = x86_jmp_rel32(&t->buf);
        t->fixups[t->nfixups++] = (struct label_fixup){ f, index };
    }
}

/* Leaves the block for block offset `target` (relative to the block's pc),
 * all counts included: inside the trace if it holds the target, else chained
 * when the target is on the block's page, else through the jump cache. */
static void emit_exit_to(struct tr *t, int64_t target)
{
    int index = trace_index_of(t, target);
    if (index >= 0 && t->trace[index].label) {
        emit_internal_jump(t, (unsigned)index, target);
        return;
    }
    tr_emit_commit(t, t->pending);
    tr_write_back(t, t->dirty);
    if (target)
        x86_alu_mi(&t->buf, X86_ADD, true, HART(pc), (int32_t)target);
    int64_t in_page = (int64_t)t->page_offset + target;
    /* A target in the page's last two bytes may be an instruction straddling
     * into the next page, which is never chained to: looked up instead. */
    if (in_page >= 0 && in_page < (int64_t)GUEST_PAGE_SIZE - 2) {
        uint8_t *slot = x86_jmp_rel32_aligned(&t->buf);
        if (slot)
            tr_add_cold(t, COLD_CHAIN, slot, 0, NULL);
    } else {
        x86_load(&t->buf, 8, false, X86_RSI, HART(pc));
        jit_emit_lookup_jump(t->j, &t->buf);
    }
}

/* ---- helper calls ---- */

/* ---- instructions ---- */

/* How an op left to interp_step uses the integer registers. F and D ops touch
 * at most one, so their calls need not write back and reload everything. */

unsigned tr_step_int_use(unsigned op)
{
    switch (op) {
    case OP_FMADD_S: case OP_FMSUB_S: case OP_FNMSUB_S: case OP_FNMADD_S: case OP_FADD_S:
    case OP_FSUB_S: case OP_FMUL_S: case OP_FDIV_S: case OP_FSQRT_S: case OP_FSGNJ_S:
    case OP_FSGNJN_S: case OP_FSGNJX_S: case OP_FMIN_S: case OP_FMAX_S:
    case OP_FMADD_D: case OP_FMSUB_D: case OP_FNMSUB_D: case OP_FNMADD_D: case OP_FADD_D:
    case OP_FSUB_D: case OP_FMUL_D: case OP_FDIV_D: case OP_FSQRT_D: case OP_FSGNJ_D:
    case OP_FSGNJN_D: case OP_FSGNJX_D: case OP_FMIN_D: case OP_FMAX_D:
    case OP_FCVT_S_D: case OP_FCVT_D_S:
        return STEP_X_NONE;
    case OP_FCVT_W_S: case OP_FCVT_WU_S: case OP_FCVT_L_S: case OP_FCVT_LU_S: case OP_FMV_X_W:
    case OP_FEQ_S: case OP_FLT_S: case OP_FLE_S: case OP_FCLASS_S:
    case OP_FCVT_W_D: case OP_FCVT_WU_D: case OP_FCVT_L_D: case OP_FCVT_LU_D: case OP_FMV_X_D:
    case OP_FEQ_D: case OP_FLT_D: case OP_FLE_D: case OP_FCLASS_D:
        return STEP_X_WRITES_RD;
    case OP_FCVT_S_W: case OP_FCVT_S_WU: case OP_FCVT_S_L: case OP_FCVT_S_LU: case OP_FMV_W_X:
    case OP_FCVT_D_W: case OP_FCVT_D_WU: case OP_FCVT_D_L: case OP_FCVT_D_LU: case OP_FMV_D_X:
    case OP_FLW: case OP_FLD: case OP_FSW: case OP_FSD:
        return STEP_X_READS_RS1;
    default:
        return STEP_X_ANY;
    }
}

void tr_emit_call_step(struct tr *t, const struct insn *in, int32_t offset)
{
    x86_mov_rr(&t->buf, true, X86_RDI, X86_RBX);
    x86_mov_ri(&t->buf, X86_RSI, (uint64_t)(uintptr_t)in);
    x86_load(&t->buf, 8, false, X86_RDX, HART(pc));
    if (offset)
        x86_alu_ri(&t->buf, X86_ADD, true, X86_RDX, (int32_t)offset);
    x86_call_abs(&t->buf, (const void *)interp_step);
}

/*
 * An F or D op through interp_step with only the integer register it uses
 * synced. The instructions before it stay pending (no F/D op reads the
 * counters); interp_step counts this one itself.
 */
void tr_emit_fp_step(struct tr *t, const struct insn *in, int32_t offset, unsigned use)
{
    uint64_t rs1 = (use & STEP_X_READS_RS1) && in->rs1 < 32 ? 1ull << in->rs1 : 0;
    uint64_t rd = (use & STEP_X_WRITES_RD) && in->rd < 32 ? 1ull << in->rd : 0;
    if (t->dirty & rs1) {
        x86_store(&t->buf, 8, x86_mem(X86_RBX, X_OFF(in->rs1)), (enum x86_reg)t->host[in->rs1]);
        t->dirty &= ~rs1;
    }
    tr_store_pinned(t, rs1 | rd); /* rd too: if the op traps, rd is reloaded unchanged */
    tr_save_volatile(t, t->dirty);
    t->dirty &= ~t->cached_volatile;
    tr_emit_call_step(t, in, offset);
    tr_reload_volatile(t);
    tr_load_pinned(t, rd);
    if ((rd & t->cached & ~t->pinned) && t->host[in->rd] >= 0) {
        x86_load(&t->buf, 8, false, (enum x86_reg)t->host[in->rd], x86_mem(X86_RBX, X_OFF(in->rd)));
        t->dirty &= ~rd;
    }
    x86_test_rr(&t->buf, false, X86_RAX, X86_RAX);
    uint8_t *f = x86_jcc_rel32(&t->buf, X86_CC_NE);
    tr_add_cold(t, COLD_FAULT, f, offset, in);
}

static void emit_step(struct tr *t, const struct insn *in, int32_t offset)
{
    unsigned use = tr_step_int_use(in->op);
    if (use != STEP_X_ANY) {
        tr_emit_fp_step(t, in, offset, use);
        return;
    }
    commit_now(t);
    tr_write_back(t, t->dirty);
    t->dirty = 0;
    tr_store_pinned(t, ~0ull);
    tr_emit_call_step(t, in, offset);
    tr_reload_cached(t);
    tr_load_pinned(t, ~0ull);
    if (insn_flags[in->op] & INSN_END) {
        /* It ended the block: h->pc is set, or an exception is raised at this instruction. */
        x86_alu_ri(&t->buf, X86_CMP, false, X86_RAX, INTERP_STEP_EXCEPTION);
        uint8_t *f = x86_jcc_rel32(&t->buf, X86_CC_E);
        tr_add_cold(t, COLD_FAULT, f, offset, in);
        x86_jmp_abs(&t->buf, t->j->exit_normal);
    } else {
        x86_test_rr(&t->buf, false, X86_RAX, X86_RAX);
        uint8_t *f = x86_jcc_rel32(&t->buf, X86_CC_NE);
        tr_add_cold(t, COLD_FAULT, f, offset, in);
    }
}

static void emit_cold(struct tr *t, struct cold *c)
{
    struct x86_buf *b = &t->buf;
    if (c->from)
        x86_patch_rel32(c->from, b->exec_delta, x86_exec_ptr(b));
    switch (c->kind) {
    case COLD_CHAIN:
        /* Until linked: tell the loop which jump to patch. */
        x86_mov_ri(b, X86_RAX, (uint64_t)(uintptr_t)c->from);
        x86_jmp_abs(b, t->j->exit_chain);
        return;
    case COLD_FAULT:
        tr_emit_fault_exit(t, c);
        return;
    case COLD_POLL: /* a loop's poll is due: leave at the label's pc, nothing retired yet */
        tr_write_back(t, c->dirty);
        if (c->offset)
            x86_alu_mi(b, X86_ADD, true, HART(pc), (int32_t)c->offset);
        x86_jmp_abs(b, t->j->exit_normal);
        return;
    case COLD_LOAD:
    case COLD_STORE:
        tr_emit_cold_access(t, c);
        return;
    case COLD_FP_OFF:
        tr_emit_cold_fp(t, c);
        return;
    case COLD_GROUP:
    case COLD_FP_SLOW: {
        /* A replay: the instructions again, the slow way, from the state the
         * hot path had before them (they wrote nothing yet); they reach the
         * state it has after them, where the code rejoins it. */
        uint64_t dirty = t->dirty;
        unsigned pending = t->pending;
        t->dirty = c->dirty;
        t->pending = c->pending;
        if (c->kind == COLD_GROUP)
            tr_emit_cold_access(t, c);
        else
            tr_emit_cold_fp(t, c);
        x86_jmp_abs(b, c->resume);
        t->dirty = dirty;
        t->pending = pending;
        return;
    }
    }
}

/* ---- control flow ---- */

/* A conditional branch; in the middle of a trace only the taken side leaves. */
static void emit_branch(struct tr *t, const struct insn *in, int32_t offset, enum x86_cond cc,
                        bool continues)
{
    enum x86_reg r1 = tr_guest_use(t, in->rs1, X86_RAX);
    if (in->rs2 == 0) /* flags as cmp r1, 0: OF = CF = 0 */
        x86_test_rr(&t->buf, true, r1, r1);
    else
        x86_alu_rr(&t->buf, X86_CMP, true, r1, tr_guest_use(t, in->rs2, X86_RCX));
    t->pending++;
    if (continues) {
        uint8_t *stay = x86_jcc_rel32(&t->buf, (enum x86_cond)(cc ^ 1));
        emit_exit_to(t, (int64_t)offset + in->imm);
        if (stay)
            x86_patch_rel32(stay, t->buf.exec_delta, x86_exec_ptr(&t->buf));
        return;
    }
    uint8_t *taken = x86_jcc_rel32(&t->buf, cc);
    emit_exit_to(t, (int64_t)offset + in->len);
    if (taken)
        x86_patch_rel32(taken, t->buf.exec_delta, x86_exec_ptr(&t->buf));
    emit_exit_to(t, (int64_t)offset + in->imm);
}

void tr_patch_here(struct tr *t, uint8_t *field)
{
    if (field)
        x86_patch_rel32(field, t->buf.exec_delta, x86_exec_ptr(&t->buf));
}

/* Emits `in` natively if the code generator knows it; false leaves it to interp_step. */
static bool emit_native(struct tr *t, const struct trace_insn *ti)
{
    const struct insn *in = ti->in;
    int32_t offset = ti->offset;
    struct x86_buf *b = &t->buf;
    if (tr_emit_int(t, in, offset)) {
        t->pending++;
        return true;
    }
    if (tr_emit_mem(t, in, offset) || tr_emit_fp(t, in, offset))
        return true;
    switch (in->op) {

    case OP_JAL:
        if (!tr_no_result(in)) {
            tr_emit_pc_relative(t, tr_result_reg(t, in), (int64_t)offset + in->len);
            tr_guest_put(t, in->rd, tr_result_reg(t, in));
        }
        t->pending++;
        if (!ti->continues)
            emit_exit_to(t, (int64_t)offset + in->imm);
        return true;
    case OP_JALR:
        /* The target first: rd may be rs1. */
        tr_guest_get(t, X86_RSI, in->rs1);
        if (in->imm)
            x86_alu_ri(b, X86_ADD, true, X86_RSI, in->imm);
        x86_alu_ri(b, X86_AND, true, X86_RSI, -2);
        if (!tr_no_result(in)) {
            tr_emit_pc_relative(t, tr_result_reg(t, in), (int64_t)offset + in->len);
            tr_guest_put(t, in->rd, tr_result_reg(t, in));
        }
        t->pending++;
        tr_emit_commit(t, t->pending);
        tr_write_back(t, t->dirty);
        x86_store(b, 8, HART(pc), X86_RSI);
        jit_emit_lookup_jump(t->j, b); /* RSI holds the pc */
        return true;
    case OP_BEQ: emit_branch(t, in, offset, X86_CC_E, ti->continues); return true;
    case OP_BNE: emit_branch(t, in, offset, X86_CC_NE, ti->continues); return true;
    case OP_BLT: emit_branch(t, in, offset, X86_CC_L, ti->continues); return true;
    case OP_BGE: emit_branch(t, in, offset, X86_CC_GE, ti->continues); return true;
    case OP_BLTU: emit_branch(t, in, offset, X86_CC_B, ti->continues); return true;
    case OP_BGEU: emit_branch(t, in, offset, X86_CC_AE, ti->continues); return true;
    case OP_BLOCK_END:
        emit_exit_to(t, offset);
        return true;
    default:
        return false;
    }
}

static const struct insn block_end_insn = { .op = OP_BLOCK_END };

static bool is_branch(unsigned op)
{
    return op == OP_BEQ || op == OP_BNE || op == OP_BLT || op == OP_BGE || op == OP_BLTU ||
           op == OP_BGEU;
}

/* Decodes guest instructions at page offset `at` into the translator's arena until one
 * ends a block; returns how many were added to the trace, 0 if none could be. */
static unsigned decode_more(struct tr *t, const uint8_t *page, unsigned at, int32_t offset)
{
    struct jit *j = t->j;
    unsigned n = 0;
    while (t->ntrace < TRACE_MAX_INSNS && at + 2 <= GUEST_PAGE_SIZE) {
        uint16_t low;
        memcpy(&low, page + at, 2);
        unsigned len = insn_length(low);
        if (at + len > GUEST_PAGE_SIZE || j->insns_used == j->insns_cap)
            break;
        uint32_t bits = low;
        if (len == 4) {
            uint16_t high;
            memcpy(&high, page + at + 2, 2);
            bits |= (uint32_t)high << 16;
        }
        struct insn *in = &j->insns[j->insns_used++];
        insn_decode(bits, in);
        t->trace[t->ntrace++] = (struct trace_insn){ .in = in, .offset = offset };
        n++;
        at += len;
        offset += (int32_t)len;
        if (insn_flags[in->op] & INSN_END)
            break;
    }
    return n;
}

static bool trace_has_offset(const struct tr *t, int32_t offset)
{
    for (unsigned i = 0; i < t->ntrace; i++)
        if (t->trace[i].offset == offset)
            return true;
    return false;
}

/*
 * The head block's instructions, then, while the last one is a conditional
 * branch (continue at its fall-through), a jal (continue at its target) or the
 * decode limit, and the next pc is on the same page and not yet in the trace,
 * more instructions decoded straight from the page. Same page: the entry's
 * page-generation check covers every instruction of the trace.
 */
static void build_trace(struct tr *t)
{
    const struct block *b = t->b;
    int32_t offset = 0;
    for (unsigned i = 0; i < b->ninsns; i++) {
        t->trace[t->ntrace++] = (struct trace_insn){ .in = &b->insns[i], .offset = offset };
        offset += b->insns[i].len;
    }
    uint64_t pa_page = b->pa & GUEST_PAGE_MASK;
    struct mem_region *r = bus_find_mem(&t->j->h->machine->bus, pa_page, GUEST_PAGE_SIZE);
    const uint8_t *page = r ? r->host + (pa_page - r->base) : NULL;

    while (page && t->ntrace > 0 && t->ntrace < TRACE_MAX_INSNS) {
        struct trace_insn *last = &t->trace[t->ntrace - 1];
        int32_t next;
        if (is_branch(last->in->op))
            next = last->offset + last->in->len;
        else if (last->in->op == OP_JAL)
            next = last->offset + last->in->imm;
        else if (!(insn_flags[last->in->op] & INSN_END))
            next = last->offset + last->in->len; /* the block stopped at its length limit */
        else
            break;
        int64_t at = (int64_t)t->page_offset + next;
        if (at < 0 || at >= (int64_t)GUEST_PAGE_SIZE || trace_has_offset(t, next))
            break;
        struct trace_insn *prev = last;
        if (!decode_more(t, page, (unsigned)at, next))
            break;
        prev->continues = is_branch(prev->in->op) || prev->in->op == OP_JAL;
    }
    struct trace_insn *last = &t->trace[t->ntrace - 1];
    if (!(insn_flags[last->in->op] & INSN_END) || last->continues)
        t->trace[t->ntrace++] =
            (struct trace_insn){ .in = &block_end_insn, .offset = last->offset + last->in->len };
}

/* The exit targets that are instructions of the trace itself become labels. */
static void mark_labels(struct tr *t)
{
    for (unsigned i = 0; i < t->ntrace; i++) {
        const struct trace_insn *ti = &t->trace[i];
        const struct insn *in = ti->in;
        if (in->rd < 32 && ((t->cached & ~t->pinned) & (1ull << in->rd)))
            t->written |= 1ull << in->rd; /* a superset: FP ops' rd is not an x register */
        int64_t target;
        if (is_branch(in->op) || (in->op == OP_JAL && !ti->continues))
            target = (int64_t)ti->offset + in->imm;
        else
            continue;
        int index = trace_index_of(t, target);
        if (index >= 0)
            t->trace[index].label = true;
    }
}

size_t jit_emit_block(struct jit *j, struct block *b)
{
    static _Thread_local struct tr t; /* large (cold records): not on the stack */
    memset(&t, 0, offsetof(struct tr, cold));
    t.j = j;
    t.b = b;
    t.page_offset = (unsigned)(b->pa & (GUEST_PAGE_SIZE - 1));
    t.user = j->h->fetch_idx == MMU_U;
    x86_buf_init(&t.buf, j->cb.rw + j->cb.used, j->cb.rx + j->cb.used, j->cb.size - j->cb.used);
    struct x86_buf *buf = &t.buf;

    /*
     * Entry: a due poll returns to the loop. The loop polls every
     * HART_POLL_BLOCKS blocks; a device's kick is seen there too, so translated
     * code checks only the countdown and an interrupt waits at most that many
     * blocks. Staleness is not checked here: see jit.c.
     */
    x86_alu_mi(buf, X86_SUB, false, HART(poll_countdown), 1);
    jcc_to(&t, X86_CC_S, j->exit_normal);

    build_trace(&t);
    allocate_registers(&t);
    mark_labels(&t);
    tr_reload_cached(&t);

    for (unsigned i = 0; i < t.ntrace; i++) {
        struct trace_insn *ti = &t.trace[i];
        if (ti->label) {
            /* Reached from several places: nothing pending, and every register
             * the trace writes counted as dirty (exits write back a superset). */
            commit_now(&t);
            t.dirty |= t.written;
            ti->label_code = x86_exec_ptr(buf);
            for (unsigned k = 0; k < t.nfixups; k++)
                if (t.fixups[k].index == i && t.fixups[k].field)
                    x86_patch_rel32(t.fixups[k].field, buf->exec_delta, ti->label_code);
        }
        unsigned group = tr_access_group_len(&t, i);
        if (group > 1) {
            tr_emit_access_group(&t, i, group);
            i += group - 1;
        } else if (!emit_native(&t, ti)) {
            emit_step(&t, ti->in, ti->offset);
        }
    }
    for (unsigned i = 0; i < t.ncold; i++)
        emit_cold(&t, &t.cold[i]);
    if (buf->overflow || t.cold_overflow)
        return 0;
    return x86_buf_used(buf);
}

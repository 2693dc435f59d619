/*
 * translate.c - one decoded block to x86-64 (see jit_internal.h for the
 * conventions translated code runs under).
 *
 * Layout of a translation: the entry checks (page generation, interrupt poll),
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
#include "jit/x86_emit.h"
#include "lib/compiler.h"

_Static_assert(sizeof(struct tlb_entry) == 32, "translated code indexes the TLB by << 5");
_Static_assert(offsetof(struct tlb_entry, tag) == 0 && offsetof(struct tlb_entry, addend) == 8,
               "translated code reads tag and addend at these offsets");

#define X_OFF(g) ((int32_t)(offsetof(struct hart, x) + 8u * (g)))
#define F_OFF(r) ((int32_t)(offsetof(struct hart, f) + 8u * (r)))
#define HART(field) x86_mem(X86_RBX, (int32_t)offsetof(struct hart, field))

/* Host registers for the guest registers a translation caches (besides the
 * pinned ones): caller-saved, so saved and reloaded around every helper call
 * (calls are on slow paths). None is an argument register. */
static const enum x86_reg cache_pool[] = { X86_R8, X86_R9, X86_R10 };
#define CACHE_MIN_USES 2

#define MAX_COLD 512

/* A translation unit is a trace: the head block, then the fall-through of its
 * conditional branches and the targets of its direct jumps while they stay on
 * the same guest page, up to this many instructions. */
#define TRACE_MAX_INSNS 96

struct trace_insn {
    const struct insn *in;
    int32_t offset;  /* of the instruction from the trace's start pc */
    bool continues;  /* a branch whose fall-through, or a jal whose target, comes next */
    bool label;      /* some exit of the trace jumps here: it becomes a jump inside the code */
    const uint8_t *label_code; /* where its code starts, once emitted */
};

/* A forward jump inside the trace, patched when its label is emitted. */
struct label_fixup {
    uint8_t *field;
    unsigned index;
};

enum cold_kind { COLD_LOAD, COLD_STORE, COLD_GROUP, COLD_FAULT, COLD_CHAIN, COLD_POLL, COLD_FP_OFF,
                 COLD_FP_SLOW };

/* A piece of out-of-line code, emitted after the hot path. */
struct cold {
    enum cold_kind kind;
    uint8_t *from;          /* the rel32 field that jumps here */
    const uint8_t *resume;  /* where a slow load/store goes back to */
    uint64_t dirty;         /* guest registers to write back on a fault exit */
    unsigned pending;       /* instructions retired before this one, not yet counted */
    int32_t offset;        /* the instruction's byte offset in the block */
    const struct insn *in;
    unsigned group_first, group_len; /* COLD_GROUP: the trace instructions it covers */
};

struct tr {
    struct jit *j;
    struct block *b;
    struct x86_buf buf;
    unsigned page_offset;    /* of the block's start within its guest page */
    bool user;               /* translated for U-mode (see block_translation_fits) */
    int8_t host[33];         /* guest register -> host register, or -1 */
    uint64_t cached;         /* bit g: guest register g lives in host[g] */
    uint64_t pinned;         /* those of them pinned (jit_internal.h): never loaded or written back */
    uint64_t cached_volatile; /* the others: in caller-saved host registers */
    uint64_t dirty;          /* bit g: host copy newer than h->x[g] */
    unsigned pending;        /* instructions retired but not yet added to instret */
    unsigned ncold;
    bool cold_overflow;
    unsigned ntrace;
    uint64_t written;        /* cached guest registers some instruction of the trace writes */
    unsigned nfixups;
    /* The arrays last: only the fields above are cleared per translation (an
     * array element is written whole when it is added). */
    struct cold cold[MAX_COLD];
    struct trace_insn trace[TRACE_MAX_INSNS + 1];
    struct label_fixup fixups[2 * TRACE_MAX_INSNS];
};

static struct cold *add_cold(struct tr *t, enum cold_kind kind, uint8_t *from, int32_t offset,
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

static void guest_get(struct tr *t, enum x86_reg dst, unsigned g)
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
static enum x86_reg guest_use(struct tr *t, unsigned g, enum x86_reg scratch)
{
    if (g != 0 && t->host[g] >= 0)
        return (enum x86_reg)t->host[g];
    guest_get(t, scratch, g);
    return scratch;
}

static void guest_put(struct tr *t, unsigned g, enum x86_reg src)
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
static bool no_result(const struct insn *in)
{
    return in->rd == 0 || in->rd == HART_X_SINK;
}

/* Where rd's value is computed: its cache register, else RAX (guest_put stores it). */
static enum x86_reg result_reg(const struct tr *t, const struct insn *in)
{
    return t->host[in->rd] >= 0 ? (enum x86_reg)t->host[in->rd] : X86_RAX;
}

static void write_back(struct tr *t, uint64_t dirty)
{
    for (unsigned g = 1; g < 32; g++)
        if (dirty & (1ull << g))
            x86_store(&t->buf, 8, x86_mem(X86_RBX, X_OFF(g)), (enum x86_reg)t->host[g]);
}

/* Around a helper call: the caller-saved cache registers' dirty values go to
 * memory before it, and all of them come back after it. */
static void save_volatile(struct tr *t, uint64_t dirty)
{
    write_back(t, dirty & t->cached_volatile);
}

static void reload_volatile(struct tr *t)
{
    for (unsigned g = 1; g < 32; g++)
        if (t->cached_volatile & (1ull << g))
            x86_load(&t->buf, 8, false, (enum x86_reg)t->host[g], x86_mem(X86_RBX, X_OFF(g)));
}

/* The registers cached for this translation only (not the pinned ones). */
static void reload_cached(struct tr *t)
{
    for (unsigned g = 1; g < 32; g++)
        if ((t->cached & ~t->pinned) & (1ull << g))
            x86_load(&t->buf, 8, false, (enum x86_reg)t->host[g], x86_mem(X86_RBX, X_OFF(g)));
}

/* Around a helper that reads or writes h->x: the pinned registers in `mask`
 * to memory before it, or back from memory after it. */
static void store_pinned(struct tr *t, uint64_t mask)
{
    write_back(t, mask & t->pinned);
}

static void load_pinned(struct tr *t, uint64_t mask)
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
static void emit_commit(struct tr *t, unsigned pending)
{
    if (pending)
        x86_alu_mi(&t->buf, X86_ADD, true, HART(instret), (int32_t)pending);
}

static void commit_now(struct tr *t)
{
    emit_commit(t, t->pending);
    t->pending = 0;
}

/* The exception recorded by a helper is taken at the instruction at `offset`. */
static void emit_fault_exit(struct tr *t, const struct cold *c)
{
    emit_commit(t, c->pending);
    write_back(t, c->dirty);
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
    emit_commit(t, t->pending);
    const uint8_t *code = t->trace[index].label_code;
    if (code) {
        x86_alu_mi(&t->buf, X86_SUB, false, HART(poll_countdown), 1);
        uint8_t *due = x86_jcc_rel32(&t->buf, X86_CC_S);
        struct cold *c = add_cold(t, COLD_POLL, due, (int32_t)target, NULL);
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
    emit_commit(t, t->pending);
    write_back(t, t->dirty);
    if (target)
        x86_alu_mi(&t->buf, X86_ADD, true, HART(pc), (int32_t)target);
    int64_t in_page = (int64_t)t->page_offset + target;
    /* A target in the page's last two bytes may be an instruction straddling
     * into the next page, which is never chained to: looked up instead. */
    if (in_page >= 0 && in_page < (int64_t)GUEST_PAGE_SIZE - 2) {
        uint8_t *slot = x86_jmp_rel32_aligned(&t->buf);
        if (slot)
            add_cold(t, COLD_CHAIN, slot, 0, NULL);
    } else {
        x86_load(&t->buf, 8, false, X86_RSI, HART(pc));
        jit_emit_lookup_jump(t->j, &t->buf);
    }
}

/* ---- instructions ---- */

/* How an op left to interp_step uses the integer registers. F and D ops touch
 * at most one, so their calls need not write back and reload everything. */
enum { STEP_X_NONE = 0, STEP_X_READS_RS1 = 1, STEP_X_WRITES_RD = 2, STEP_X_ANY = 3 };

static unsigned step_int_use(unsigned op)
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

static void emit_call_step(struct tr *t, const struct insn *in, int32_t offset)
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
static void emit_fp_step(struct tr *t, const struct insn *in, int32_t offset, unsigned use)
{
    uint64_t rs1 = (use & STEP_X_READS_RS1) && in->rs1 < 32 ? 1ull << in->rs1 : 0;
    uint64_t rd = (use & STEP_X_WRITES_RD) && in->rd < 32 ? 1ull << in->rd : 0;
    if (t->dirty & rs1) {
        x86_store(&t->buf, 8, x86_mem(X86_RBX, X_OFF(in->rs1)), (enum x86_reg)t->host[in->rs1]);
        t->dirty &= ~rs1;
    }
    store_pinned(t, rs1 | rd); /* rd too: if the op traps, rd is reloaded unchanged */
    save_volatile(t, t->dirty);
    t->dirty &= ~t->cached_volatile;
    emit_call_step(t, in, offset);
    reload_volatile(t);
    load_pinned(t, rd);
    if ((rd & t->cached & ~t->pinned) && t->host[in->rd] >= 0) {
        x86_load(&t->buf, 8, false, (enum x86_reg)t->host[in->rd], x86_mem(X86_RBX, X_OFF(in->rd)));
        t->dirty &= ~rd;
    }
    x86_test_rr(&t->buf, false, X86_RAX, X86_RAX);
    uint8_t *f = x86_jcc_rel32(&t->buf, X86_CC_NE);
    add_cold(t, COLD_FAULT, f, offset, in);
}

static void emit_step(struct tr *t, const struct insn *in, int32_t offset)
{
    unsigned use = step_int_use(in->op);
    if (use != STEP_X_ANY) {
        emit_fp_step(t, in, offset, use);
        return;
    }
    commit_now(t);
    write_back(t, t->dirty);
    t->dirty = 0;
    store_pinned(t, ~0ull);
    emit_call_step(t, in, offset);
    reload_cached(t);
    load_pinned(t, ~0ull);
    if (insn_flags[in->op] & INSN_END) {
        /* It ended the block: h->pc is set, or an exception is raised at this instruction. */
        x86_alu_ri(&t->buf, X86_CMP, false, X86_RAX, INTERP_STEP_EXCEPTION);
        uint8_t *f = x86_jcc_rel32(&t->buf, X86_CC_E);
        add_cold(t, COLD_FAULT, f, offset, in);
        x86_jmp_abs(&t->buf, t->j->exit_normal);
    } else {
        x86_test_rr(&t->buf, false, X86_RAX, X86_RAX);
        uint8_t *f = x86_jcc_rel32(&t->buf, X86_CC_NE);
        add_cold(t, COLD_FAULT, f, offset, in);
    }
}

enum access_kind { ACCESS_NONE, ACCESS_LOAD, ACCESS_STORE };

/* The size of a load or store op (integer or F/D), and whether a load sign-extends. */
static unsigned access_size(unsigned op, bool *sign)
{
    *sign = op == OP_LB || op == OP_LH || op == OP_LW;
    switch (op) {
    case OP_LB: case OP_LBU: case OP_SB: return 1;
    case OP_LH: case OP_LHU: case OP_SH: return 2;
    case OP_LW: case OP_LWU: case OP_SW: case OP_FLW: case OP_FSW: return 4;
    case OP_LD: case OP_SD: case OP_FLD: case OP_FSD: return 8;
    default: return 0;
    }
}

/* Integer loads and stores (the ones access groups are made of). */
static enum access_kind int_access_kind(unsigned op)
{
    switch (op) {
    case OP_LB: case OP_LH: case OP_LW: case OP_LD: case OP_LBU: case OP_LHU: case OP_LWU:
        return ACCESS_LOAD;
    case OP_SB: case OP_SH: case OP_SW: case OP_SD:
        return ACCESS_STORE;
    default:
        return ACCESS_NONE;
    }
}

/* RSI = base + imm, a virtual address. */
static void emit_address_of(struct tr *t, unsigned base, int32_t imm)
{
    if (base != 0 && t->host[base] >= 0)
        x86_lea(&t->buf, true, X86_RSI, x86_mem((enum x86_reg)t->host[base], imm));
    else {
        guest_get(t, X86_RSI, base);
        if (imm)
            x86_alu_ri(&t->buf, X86_ADD, true, X86_RSI, imm);
    }
}

/* RSI = rs1 + imm, the access's virtual address. */
static void emit_address(struct tr *t, const struct insn *in)
{
    emit_address_of(t, in->rs1, in->imm);
}

/*
 * The inline TLB hit path for RSI's page in the data context's read or write
 * table; the tag compare uses the access's last byte, so an access crossing
 * into the next page misses too. On a hit RSI becomes the host address.
 * User code's context is always MMU_U, so its translations index that table
 * straight off RBX; others load the current table's address (SUM and MPRV
 * select the context at run time).
 */
static uint8_t *emit_tlb_lookup(struct tr *t, enum tlb_access acc, unsigned size)
{
    struct x86_buf *b = &t->buf;
    /* ((va >> 12) & (TLB_SIZE - 1)) << 5, in two instructions */
    x86_mov_rr(b, false, X86_RAX, X86_RSI);
    x86_shift_ri(b, X86_SHR, false, X86_RAX, GUEST_PAGE_SHIFT - 5);
    x86_alu_ri(b, X86_AND, false, X86_RAX, (TLB_SIZE - 1) << 5);
    struct x86_mem tag, addend;
    if (t->user) {
        int32_t table = (int32_t)(offsetof(struct hart, tlb) + (MMU_U * TLB_ACCESS_COUNT + acc) *
                                                                  TLB_SIZE * sizeof(struct tlb_entry));
        tag = x86_mem_idx(X86_RBX, X86_RAX, 1, table);
        addend = x86_mem_idx(X86_RBX, X86_RAX, 1, table + 8);
    } else {
        size_t table = acc == TLB_READ ? offsetof(struct hart, tlb_data_read)
                                       : offsetof(struct hart, tlb_data_write);
        x86_alu_rm(b, X86_ADD, true, X86_RAX, x86_mem(X86_RBX, (int32_t)table));
        tag = x86_mem(X86_RAX, 0);
        addend = x86_mem(X86_RAX, 8);
    }
    if (size > 1)
        x86_lea(b, true, X86_RCX, x86_mem(X86_RSI, (int32_t)size - 1));
    else
        x86_mov_rr(b, true, X86_RCX, X86_RSI);
    x86_alu_ri(b, X86_AND, true, X86_RCX, -(int32_t)GUEST_PAGE_SIZE);
    x86_alu_rm(b, X86_CMP, true, X86_RCX, tag);
    uint8_t *miss = x86_jcc_rel32(b, X86_CC_NE);
    x86_alu_rm(b, X86_ADD, true, X86_RSI, addend);
    return miss;
}

/* Where a load's value goes: rd's cache register, else RAX (also for x0: the
 * access is still made, for its faults). */
static enum x86_reg load_reg(const struct tr *t, const struct insn *in)
{
    return no_result(in) ? X86_RAX : result_reg(t, in);
}

static void emit_load(struct tr *t, const struct insn *in, int32_t offset, unsigned size, bool sign)
{
    emit_address(t, in);
    uint8_t *miss = emit_tlb_lookup(t, TLB_READ, size);
    struct cold *c = add_cold(t, COLD_LOAD, miss, offset, in);
    x86_load(&t->buf, size, sign, load_reg(t, in), x86_mem(X86_RSI, 0));
    c->resume = x86_exec_ptr(&t->buf);
    guest_put(t, in->rd, load_reg(t, in));
    t->pending++;
}

/*
 * An access group: consecutive integer loads (or stores) off one base register
 * whose bytes span at most a page, as in a function's register saves and
 * restores. One TLB lookup checks the group's last byte (its entry sits where
 * the first byte's page would, so both are on that page); every access then is
 * one host instruction. A miss runs the group access by access, as if it had
 * not been grouped, in cold code that rejoins after it.
 */
static unsigned access_group_len(const struct tr *t, unsigned first)
{
    const struct insn *in0 = t->trace[first].in;
    enum access_kind kind = int_access_kind(in0->op);
    bool sign;
    if (kind == ACCESS_NONE || (kind == ACCESS_LOAD && in0->rd == in0->rs1))
        return 1;
    int32_t lo = in0->imm, hi = in0->imm + (int32_t)access_size(in0->op, &sign);
    unsigned n = 1;
    while (first + n < t->ntrace) {
        const struct trace_insn *ti = &t->trace[first + n];
        const struct insn *in = ti->in;
        if (ti->label || int_access_kind(in->op) != kind || in->rs1 != in0->rs1)
            break;
        int32_t end = in->imm + (int32_t)access_size(in->op, &sign);
        int32_t new_lo = in->imm < lo ? in->imm : lo, new_hi = end > hi ? end : hi;
        if (new_hi - new_lo > (int32_t)GUEST_PAGE_SIZE)
            break;
        lo = new_lo;
        hi = new_hi;
        n++;
        if (kind == ACCESS_LOAD && in->rd == in0->rs1)
            break; /* later accesses would use the new base */
    }
    return n;
}

static void emit_access_group(struct tr *t, unsigned first, unsigned n)
{
    const struct insn *in0 = t->trace[first].in;
    bool store = int_access_kind(in0->op) == ACCESS_STORE, sign;
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    for (unsigned k = 0; k < n; k++) {
        const struct insn *in = t->trace[first + k].in;
        int32_t end = in->imm + (int32_t)access_size(in->op, &sign);
        lo = in->imm < lo ? in->imm : lo;
        hi = end > hi ? end : hi;
    }
    emit_address_of(t, in0->rs1, lo);
    uint8_t *miss = emit_tlb_lookup(t, store ? TLB_WRITE : TLB_READ, (unsigned)(hi - lo));
    struct cold *c = add_cold(t, COLD_GROUP, miss, t->trace[first].offset, in0);
    c->group_first = first;
    c->group_len = n;
    for (unsigned k = 0; k < n; k++) { /* RSI is the host address of base + lo */
        const struct insn *in = t->trace[first + k].in;
        unsigned size = access_size(in->op, &sign);
        struct x86_mem m = x86_mem(X86_RSI, in->imm - lo);
        if (store) {
            x86_store(&t->buf, size, m, guest_use(t, in->rs2, X86_RDX));
        } else {
            x86_load(&t->buf, size, sign, load_reg(t, in), m);
            guest_put(t, in->rd, load_reg(t, in));
        }
        t->pending++;
    }
    c->resume = x86_exec_ptr(&t->buf);
}

/* F/D loads and stores: mstatus.FS Off makes them illegal; the cold path lets
 * interp_step raise that. */
static void emit_fp_enabled_check(struct tr *t, const struct insn *in, int32_t offset)
{
    x86_load(&t->buf, 4, false, X86_RAX, HART(mstatus));
    x86_test_ri(&t->buf, false, X86_RAX, (int32_t)MSTATUS_FS);
    uint8_t *off = x86_jcc_rel32(&t->buf, X86_CC_E);
    add_cold(t, COLD_FP_OFF, off, offset, in);
}

static void emit_fp_load(struct tr *t, const struct insn *in, int32_t offset, unsigned size)
{
    emit_fp_enabled_check(t, in, offset);
    emit_address(t, in);
    uint8_t *miss = emit_tlb_lookup(t, TLB_READ, size);
    struct cold *c = add_cold(t, COLD_LOAD, miss, offset, in);
    x86_load(&t->buf, size, false, X86_RAX, x86_mem(X86_RSI, 0));
    c->resume = x86_exec_ptr(&t->buf);
    if (size == 4) { /* NaN-boxed single */
        x86_mov_ri(&t->buf, X86_RCX, 0xffffffff00000000ull);
        x86_alu_rr(&t->buf, X86_OR, true, X86_RAX, X86_RCX);
    }
    x86_store(&t->buf, 8, x86_mem(X86_RBX, F_OFF(in->rd)), X86_RAX);
    x86_alu_mi(&t->buf, X86_OR, true, HART(mstatus), (int32_t)MSTATUS_FS); /* FS = Dirty */
    t->pending++;
}

static void emit_fp_store(struct tr *t, const struct insn *in, int32_t offset, unsigned size)
{
    emit_fp_enabled_check(t, in, offset);
    emit_address(t, in);
    uint8_t *miss = emit_tlb_lookup(t, TLB_WRITE, size);
    struct cold *c = add_cold(t, COLD_STORE, miss, offset, in);
    x86_load(&t->buf, size, false, X86_RDX, x86_mem(X86_RBX, F_OFF(in->rs2)));
    x86_store(&t->buf, size, x86_mem(X86_RSI, 0), X86_RDX);
    c->resume = x86_exec_ptr(&t->buf);
    t->pending++;
}

static void emit_store(struct tr *t, const struct insn *in, int32_t offset, unsigned size)
{
    emit_address(t, in);
    uint8_t *miss = emit_tlb_lookup(t, TLB_WRITE, size);
    struct cold *c = add_cold(t, COLD_STORE, miss, offset, in);
    enum x86_reg v = guest_use(t, in->rs2, X86_RDX);
    x86_store(&t->buf, size, x86_mem(X86_RSI, 0), v);
    c->resume = x86_exec_ptr(&t->buf);
    t->pending++;
}

static bool emit_native(struct tr *t, const struct trace_insn *ti);

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
        emit_fault_exit(t, c);
        return;
    case COLD_FP_OFF: /* interp_step raises the illegal instruction */
        write_back(t, c->dirty);
        store_pinned(t, ~0ull);
        emit_call_step(t, c->in, c->offset);
        reload_volatile(t);
        emit_fault_exit(t, c);
        return;
    case COLD_FP_SLOW: {
        /* interp_step does the op exactly, from the state before it (nothing
         * was written), and counts it; the hot path counts it too. */
        uint64_t dirty = t->dirty;
        unsigned pending = t->pending;
        t->dirty = c->dirty;
        t->pending = c->pending;
        emit_fp_step(t, c->in, c->offset, step_int_use(c->in->op));
        x86_alu_mi(b, X86_SUB, true, HART(instret), 1);
        x86_jmp_abs(b, c->resume);
        t->dirty = dirty;
        t->pending = pending;
        return;
    }
    case COLD_POLL: /* a loop's poll is due: leave at the label's pc, nothing retired yet */
        write_back(t, c->dirty);
        if (c->offset)
            x86_alu_mi(b, X86_ADD, true, HART(pc), (int32_t)c->offset);
        x86_jmp_abs(b, t->j->exit_normal);
        return;
    case COLD_GROUP: {
        /* The group's accesses one by one, from the state the hot path had
         * before it; they reach the same state after it. */
        uint64_t dirty = t->dirty;
        unsigned pending = t->pending;
        t->dirty = c->dirty;
        t->pending = c->pending;
        for (unsigned k = 0; k < c->group_len; k++)
            emit_native(t, &t->trace[c->group_first + k]);
        x86_jmp_abs(b, c->resume);
        t->dirty = dirty;
        t->pending = pending;
        return;
    }
    case COLD_LOAD:
    case COLD_STORE: {
        bool sign;
        unsigned size = access_size(c->in->op, &sign);
        /* RSI still holds the virtual address. */
        x86_mov_rr(b, true, X86_RDI, X86_RBX);
        x86_mov_ri(b, X86_RDX, size);
        if (c->kind == COLD_LOAD) {
            x86_lea(b, true, X86_RCX, HART(jit_scratch));
        } else if (c->in->op == OP_FSW || c->in->op == OP_FSD) {
            x86_load(b, 8, false, X86_RCX, x86_mem(X86_RBX, F_OFF(c->in->rs2)));
        } else {
            guest_get(t, X86_RCX, c->in->rs2);
        }
        save_volatile(t, c->dirty);
        x86_call_abs(b, c->kind == COLD_LOAD ? (const void *)mmu_load_slow
                                              : (const void *)mmu_store_slow);
        reload_volatile(t);
        x86_test_rr(b, false, X86_RAX, X86_RAX);
        uint8_t *ok = x86_jcc_rel32(b, X86_CC_E);
        emit_fault_exit(t, c);
        if (ok)
            x86_patch_rel32(ok, b->exec_delta, x86_exec_ptr(b));
        if (c->kind == COLD_LOAD) {
            bool fp = c->in->op == OP_FLW || c->in->op == OP_FLD;
            x86_load(b, size, sign, fp ? X86_RAX : load_reg(t, c->in), HART(jit_scratch));
        }
        x86_jmp_abs(b, c->resume);
        return;
    }
    }
}

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
    if (no_result(in))
        return;
    enum x86_reg d = result_reg(t, in);
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
        guest_get(t, d, in->rs1);
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
            guest_get(t, d, in->rs2);
        } else {
            guest_get(t, d, first);
            x86_alu_rr(b, op, !word, d, guest_use(t, second, X86_RCX));
        }
    }
    if (word)
        x86_movsx_rr(b, 4, d, d);
    guest_put(t, in->rd, d);
}

static void emit_shift(struct tr *t, const struct insn *in, enum x86_shift op, bool imm, bool word)
{
    if (no_result(in))
        return;
    enum x86_reg d = result_reg(t, in);
    if (!imm)
        guest_get(t, X86_RCX, in->rs2); /* before d is written: d may be rs2's register */
    guest_get(t, d, in->rs1);
    if (imm)
        x86_shift_ri(&t->buf, op, !word, d, (uint8_t)in->imm);
    else
        x86_shift_cl(&t->buf, op, !word, d); /* x86 masks the count as RISC-V does */
    if (word)
        x86_movsx_rr(&t->buf, 4, d, d);
    guest_put(t, in->rd, d);
}

/* rd = (rs1 <cc> rs2 or imm) ? 1 : 0 */
static void emit_set(struct tr *t, const struct insn *in, enum x86_cond cc, bool imm)
{
    if (no_result(in))
        return;
    enum x86_reg r1 = guest_use(t, in->rs1, X86_RAX);
    if (imm)
        x86_alu_ri(&t->buf, X86_CMP, true, r1, in->imm);
    else
        x86_alu_rr(&t->buf, X86_CMP, true, r1, guest_use(t, in->rs2, X86_RCX));
    enum x86_reg d = result_reg(t, in);
    x86_setcc_zx(&t->buf, cc, d); /* flags survive both instructions */
    guest_put(t, in->rd, d);
}

/* rd = cc(rs1, rs2) ? rs2 : rs1 */
static void emit_select(struct tr *t, const struct insn *in, enum x86_cond cc)
{
    guest_get(t, X86_RAX, in->rs1);
    enum x86_reg r2 = guest_use(t, in->rs2, X86_RCX);
    x86_alu_rr(&t->buf, X86_CMP, true, X86_RAX, r2);
    x86_cmov(&t->buf, cc, true, X86_RAX, r2);
    guest_put(t, in->rd, X86_RAX);
}

/* rd = rs2 + (rs1 << shift), rs1 zero-extended from 32 bits if `uw` */
static void emit_shadd(struct tr *t, const struct insn *in, unsigned shift, bool uw)
{
    static const unsigned scales[4] = { 1, 2, 4, 8 };
    guest_get(t, X86_RAX, in->rs1);
    if (uw)
        x86_mov_rr(&t->buf, false, X86_RAX, X86_RAX);
    enum x86_reg r2 = guest_use(t, in->rs2, X86_RCX);
    x86_lea(&t->buf, true, X86_RAX, x86_mem_idx(r2, X86_RAX, scales[shift], 0));
    guest_put(t, in->rd, X86_RAX);
}

/* rd = rs1 OP (1 << index), index from rs2 or the immediate */
static void emit_bit(struct tr *t, const struct insn *in, enum x86_alu op, bool invert, bool imm)
{
    if (imm) {
        x86_mov_ri(&t->buf, X86_RDX, 1ull << (in->imm & 63));
    } else {
        guest_get(t, X86_RCX, in->rs2);
        x86_mov_ri(&t->buf, X86_RDX, 1);
        x86_shift_cl(&t->buf, X86_SHL, true, X86_RDX);
    }
    if (invert)
        x86_not(&t->buf, true, X86_RDX);
    guest_get(t, X86_RAX, in->rs1);
    x86_alu_rr(&t->buf, op, true, X86_RAX, X86_RDX);
    guest_put(t, in->rd, X86_RAX);
}

static void emit_pc_relative(struct tr *t, enum x86_reg dst, int64_t value)
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

/* A conditional branch; in the middle of a trace only the taken side leaves. */
static void emit_branch(struct tr *t, const struct insn *in, int32_t offset, enum x86_cond cc,
                        bool continues)
{
    enum x86_reg r1 = guest_use(t, in->rs1, X86_RAX);
    if (in->rs2 == 0) /* flags as cmp r1, 0: OF = CF = 0 */
        x86_test_rr(&t->buf, true, r1, r1);
    else
        x86_alu_rr(&t->buf, X86_CMP, true, r1, guest_use(t, in->rs2, X86_RCX));
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

static void patch_here(struct tr *t, uint8_t *field)
{
    if (field)
        x86_patch_rel32(field, t->buf.exec_delta, x86_exec_ptr(&t->buf));
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
    guest_get(t, X86_RCX, in->rs2);
    guest_get(t, X86_RAX, in->rs1);
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
        patch_here(t, minus_one);
        if (rem)
            x86_mov_ri(b, X86_RAX, 0);
        else
            x86_neg(b, w64, X86_RAX); /* wraps for the most negative: the overflow result */
        uint8_t *done2 = x86_jmp_rel32(&t->buf);
        patch_here(t, by_zero);
        if (!rem)
            x86_mov_ri(b, X86_RAX, ~0ull);
        patch_here(t, done2);
    } else {
        patch_here(t, by_zero);
        if (!rem)
            x86_mov_ri(b, X86_RAX, ~0ull);
    }
    patch_here(t, done);
    if (word)
        x86_movsx_rr(b, 4, X86_RAX, X86_RAX);
    guest_put(t, in->rd, X86_RAX);
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
    emit_fp_enabled_check(t, in, offset);
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
    x86_movq_mx(b, x86_mem(X86_RBX, F_OFF(in->rd)), 2);
    x86_alu_mi(b, X86_OR, true, HART(mstatus), (int32_t)MSTATUS_FS);

    const uint8_t *resume = x86_exec_ptr(b);
    for (unsigned k = 0; k < 4; k++)
        if (to_slow[k])
            add_cold(t, COLD_FP_SLOW, to_slow[k], offset, in)->resume = resume;
    t->pending++;
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
    emit_fp_enabled_check(t, in, offset);
    uint8_t *to_slow[2] = { emit_dynamic_rm_check(t, in), NULL };
    guest_get(t, X86_RAX, in->rs1);
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
    x86_movq_mx(b, x86_mem(X86_RBX, F_OFF(in->rd)), 0);
    x86_alu_mi(b, X86_OR, true, HART(mstatus), (int32_t)MSTATUS_FS);
    const uint8_t *resume = x86_exec_ptr(b);
    for (unsigned k = 0; k < 2; k++)
        if (to_slow[k])
            add_cold(t, COLD_FP_SLOW, to_slow[k], offset, in)->resume = resume;
    t->pending++;
}

/* fmv.x.d and fmv.d.x: bit moves, legal only with FS on. */
static void emit_fp_move_d(struct tr *t, const struct insn *in, int32_t offset)
{
    emit_fp_enabled_check(t, in, offset);
    if (in->op == OP_FMV_D_X) {
        x86_store(&t->buf, 8, x86_mem(X86_RBX, F_OFF(in->rd)), guest_use(t, in->rs1, X86_RAX));
        x86_alu_mi(&t->buf, X86_OR, true, HART(mstatus), (int32_t)MSTATUS_FS);
    } else if (!no_result(in)) {
        x86_load(&t->buf, 8, false, result_reg(t, in), x86_mem(X86_RBX, F_OFF(in->rs1)));
        guest_put(t, in->rd, result_reg(t, in));
    }
    t->pending++;
}

/* Emits `in` natively if the code generator knows it; false leaves it to interp_step. */
static bool emit_native(struct tr *t, const struct trace_insn *ti)
{
    const struct insn *in = ti->in;
    int32_t offset = ti->offset;
    struct x86_buf *b = &t->buf;
    switch (in->op) {
    case OP_LUI:
        if (!no_result(in)) {
            x86_mov_ri(b, result_reg(t, in), (uint64_t)(int64_t)in->imm);
            guest_put(t, in->rd, result_reg(t, in));
        }
        break;
    case OP_AUIPC:
        if (!no_result(in)) {
            emit_pc_relative(t, result_reg(t, in), (int64_t)offset + in->imm);
            guest_put(t, in->rd, result_reg(t, in));
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
        guest_get(t, X86_RAX, in->rs1);
        x86_imul_rr(b, !word, X86_RAX, guest_use(t, in->rs2, X86_RCX));
        if (word)
            x86_movsx_rr(b, 4, X86_RAX, X86_RAX);
        guest_put(t, in->rd, X86_RAX);
        break;
    }
    case OP_MULH:
    case OP_MULHU:
    case OP_MULHSU: {
        guest_get(t, X86_RAX, in->rs1);
        enum x86_reg r2 = guest_use(t, in->rs2, X86_RCX);
        if (in->op == OP_MULH)
            x86_imul1_r(b, true, r2);
        else
            x86_mul_r(b, true, r2);
        if (in->op == OP_MULHSU) {
            /* signed x unsigned high half = unsigned high half - (rs1 < 0 ? rs2 : 0) */
            guest_get(t, X86_RAX, in->rs1);
            x86_shift_ri(b, X86_SAR, true, X86_RAX, 63);
            x86_alu_rr(b, X86_AND, true, X86_RAX, r2);
            x86_alu_rr(b, X86_SUB, true, X86_RDX, X86_RAX);
        }
        guest_put(t, in->rd, X86_RDX);
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
        guest_get(t, X86_RAX, in->rs1);
        x86_mov_rr(b, false, X86_RAX, X86_RAX);
        x86_shift_ri(b, X86_SHL, true, X86_RAX, (uint8_t)in->imm);
        guest_put(t, in->rd, X86_RAX);
        break;

    case OP_ANDN:
    case OP_ORN:
        guest_get(t, X86_RAX, in->rs2);
        x86_not(b, true, X86_RAX);
        x86_alu_rr(b, in->op == OP_ANDN ? X86_AND : X86_OR, true, X86_RAX,
                   guest_use(t, in->rs1, X86_RCX));
        guest_put(t, in->rd, X86_RAX);
        break;
    case OP_XNOR:
        guest_get(t, X86_RAX, in->rs1);
        x86_alu_rr(b, X86_XOR, true, X86_RAX, guest_use(t, in->rs2, X86_RCX));
        x86_not(b, true, X86_RAX);
        guest_put(t, in->rd, X86_RAX);
        break;
    case OP_MAX: emit_select(t, in, X86_CC_L); break;
    case OP_MIN: emit_select(t, in, X86_CC_G); break;
    case OP_MAXU: emit_select(t, in, X86_CC_B); break;
    case OP_MINU: emit_select(t, in, X86_CC_A); break;
    case OP_SEXT_B:
    case OP_SEXT_H:
    case OP_ZEXT_H: {
        enum x86_reg r = guest_use(t, in->rs1, X86_RCX);
        if (in->op == OP_ZEXT_H)
            x86_movzx_rr(b, 2, X86_RAX, r);
        else
            x86_movsx_rr(b, in->op == OP_SEXT_B ? 1 : 2, X86_RAX, r);
        guest_put(t, in->rd, X86_RAX);
        break;
    }
    case OP_REV8:
        guest_get(t, X86_RAX, in->rs1);
        x86_bswap(b, true, X86_RAX);
        guest_put(t, in->rd, X86_RAX);
        break;
    case OP_CLZ: case OP_CLZW: case OP_CTZ: case OP_CTZW:
        if (!t->j->has_lzcnt_tzcnt)
            return false;
        {
            bool word = in->op == OP_CLZW || in->op == OP_CTZW;
            enum x86_reg r = guest_use(t, in->rs1, X86_RCX);
            if (in->op == OP_CLZ || in->op == OP_CLZW)
                x86_lzcnt(b, !word, X86_RAX, r); /* 64 or 32 for zero, as RISC-V */
            else
                x86_tzcnt(b, !word, X86_RAX, r);
            guest_put(t, in->rd, X86_RAX);
        }
        break;
    case OP_CPOP: case OP_CPOPW:
        if (!t->j->has_popcnt)
            return false;
        x86_popcnt(b, in->op == OP_CPOP, X86_RAX, guest_use(t, in->rs1, X86_RCX));
        guest_put(t, in->rd, X86_RAX);
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
            guest_get(t, X86_RCX, in->rs2);
        guest_get(t, X86_RAX, in->rs1);
        if (in->op == OP_BEXT)
            x86_shift_cl(b, X86_SHR, true, X86_RAX);
        else
            x86_shift_ri(b, X86_SHR, true, X86_RAX, (uint8_t)in->imm);
        x86_alu_ri(b, X86_AND, false, X86_RAX, 1);
        guest_put(t, in->rd, X86_RAX);
        break;

    case OP_CZERO_EQZ:
    case OP_CZERO_NEZ: {
        guest_get(t, X86_RAX, in->rs1);
        x86_mov_ri(b, X86_RDX, 0);
        enum x86_reg r2 = guest_use(t, in->rs2, X86_RCX);
        x86_test_rr(b, true, r2, r2);
        x86_cmov(b, in->op == OP_CZERO_EQZ ? X86_CC_E : X86_CC_NE, true, X86_RAX, X86_RDX);
        guest_put(t, in->rd, X86_RAX);
        break;
    }

    case OP_LB: emit_load(t, in, offset, 1, true); return true;
    case OP_LH: emit_load(t, in, offset, 2, true); return true;
    case OP_LW: emit_load(t, in, offset, 4, true); return true;
    case OP_LD: emit_load(t, in, offset, 8, false); return true;
    case OP_LBU: emit_load(t, in, offset, 1, false); return true;
    case OP_LHU: emit_load(t, in, offset, 2, false); return true;
    case OP_LWU: emit_load(t, in, offset, 4, false); return true;
    case OP_SB: emit_store(t, in, offset, 1); return true;
    case OP_SH: emit_store(t, in, offset, 2); return true;
    case OP_SW: emit_store(t, in, offset, 4); return true;
    case OP_SD: emit_store(t, in, offset, 8); return true;
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
    case OP_FLW: emit_fp_load(t, in, offset, 4); return true;
    case OP_FLD: emit_fp_load(t, in, offset, 8); return true;
    case OP_FSW: emit_fp_store(t, in, offset, 4); return true;
    case OP_FSD: emit_fp_store(t, in, offset, 8); return true;

    case OP_JAL:
        if (!no_result(in)) {
            emit_pc_relative(t, result_reg(t, in), (int64_t)offset + in->len);
            guest_put(t, in->rd, result_reg(t, in));
        }
        t->pending++;
        if (!ti->continues)
            emit_exit_to(t, (int64_t)offset + in->imm);
        return true;
    case OP_JALR:
        /* The target first: rd may be rs1. */
        guest_get(t, X86_RSI, in->rs1);
        if (in->imm)
            x86_alu_ri(b, X86_ADD, true, X86_RSI, in->imm);
        x86_alu_ri(b, X86_AND, true, X86_RSI, -2);
        if (!no_result(in)) {
            emit_pc_relative(t, result_reg(t, in), (int64_t)offset + in->len);
            guest_put(t, in->rd, result_reg(t, in));
        }
        t->pending++;
        emit_commit(t, t->pending);
        write_back(t, t->dirty);
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
    t->pending++;
    return true;
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
    reload_cached(&t);

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
        unsigned group = access_group_len(&t, i);
        if (group > 1) {
            emit_access_group(&t, i, group);
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

/*
 * translate_mem.c - loads and stores: the software TLB's hit path inline, one
 * lookup for a group of accesses, and the miss path through mmu_load_slow /
 * mmu_store_slow in cold code.
 */
#include "cpu/mmu.h"
#include "jit/translate.h"

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
        tr_guest_get(t, X86_RSI, base);
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
        size_t index = (size_t)(MMU_U * TLB_ACCESS_COUNT + acc) * TLB_SIZE;
        int32_t table = (int32_t)(offsetof(struct hart, tlb) + index * sizeof(struct tlb_entry));
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
    return tr_no_result(in) ? X86_RAX : tr_result_reg(t, in);
}

static void emit_load(struct tr *t, const struct insn *in, int32_t offset, unsigned size, bool sign)
{
    emit_address(t, in);
    uint8_t *miss = emit_tlb_lookup(t, TLB_READ, size);
    struct cold *c = tr_add_cold(t, COLD_LOAD, miss, offset, in);
    x86_load(&t->buf, size, sign, load_reg(t, in), x86_mem(X86_RSI, 0));
    c->resume = x86_exec_ptr(&t->buf);
    tr_guest_put(t, in->rd, load_reg(t, in));
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
unsigned tr_access_group_len(const struct tr *t, unsigned first)
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

void tr_emit_access_group(struct tr *t, unsigned first, unsigned n)
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
    struct cold *c = tr_add_cold(t, COLD_GROUP, miss, t->trace[first].offset, in0);
    c->group_first = first;
    c->group_len = n;
    for (unsigned k = 0; k < n; k++) { /* RSI is the host address of base + lo */
        const struct insn *in = t->trace[first + k].in;
        unsigned size = access_size(in->op, &sign);
        struct x86_mem m = x86_mem(X86_RSI, in->imm - lo);
        if (store) {
            x86_store(&t->buf, size, m, tr_guest_use(t, in->rs2, X86_RDX));
        } else {
            x86_load(&t->buf, size, sign, load_reg(t, in), m);
            tr_guest_put(t, in->rd, load_reg(t, in));
        }
        t->pending++;
    }
    c->resume = x86_exec_ptr(&t->buf);
}

static void emit_fp_load(struct tr *t, const struct insn *in, int32_t offset, unsigned size)
{
    tr_emit_fp_enabled_check(t, in, offset);
    emit_address(t, in);
    uint8_t *miss = emit_tlb_lookup(t, TLB_READ, size);
    struct cold *c = tr_add_cold(t, COLD_LOAD, miss, offset, in);
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
    tr_emit_fp_enabled_check(t, in, offset);
    emit_address(t, in);
    uint8_t *miss = emit_tlb_lookup(t, TLB_WRITE, size);
    struct cold *c = tr_add_cold(t, COLD_STORE, miss, offset, in);
    x86_load(&t->buf, size, false, X86_RDX, x86_mem(X86_RBX, F_OFF(in->rs2)));
    x86_store(&t->buf, size, x86_mem(X86_RSI, 0), X86_RDX);
    c->resume = x86_exec_ptr(&t->buf);
    t->pending++;
}

static void emit_store(struct tr *t, const struct insn *in, int32_t offset, unsigned size)
{
    emit_address(t, in);
    uint8_t *miss = emit_tlb_lookup(t, TLB_WRITE, size);
    struct cold *c = tr_add_cold(t, COLD_STORE, miss, offset, in);
    enum x86_reg v = tr_guest_use(t, in->rs2, X86_RDX);
    x86_store(&t->buf, size, x86_mem(X86_RSI, 0), v);
    c->resume = x86_exec_ptr(&t->buf);
    t->pending++;
}

bool tr_emit_mem(struct tr *t, const struct insn *in, int32_t offset)
{
    switch (in->op) {
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
    case OP_FLW: emit_fp_load(t, in, offset, 4); return true;
    case OP_FLD: emit_fp_load(t, in, offset, 8); return true;
    case OP_FSW: emit_fp_store(t, in, offset, 4); return true;
    case OP_FSD: emit_fp_store(t, in, offset, 8); return true;
    default:
        return false;
    }
}

void tr_emit_cold_access(struct tr *t, struct cold *c)
{
    struct x86_buf *b = &t->buf;
    if (c->kind == COLD_GROUP) { /* one by one (the caller replays from the group's state) */
        for (unsigned k = 0; k < c->group_len; k++)
            tr_emit_mem(t, t->trace[c->group_first + k].in, t->trace[c->group_first + k].offset);
        return;
    }
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
        tr_guest_get(t, X86_RCX, c->in->rs2);
    }
    tr_save_volatile(t, c->dirty);
    x86_call_abs(b, c->kind == COLD_LOAD ? (const void *)mmu_load_slow
                                          : (const void *)mmu_store_slow);
    tr_reload_volatile(t);
    x86_test_rr(b, false, X86_RAX, X86_RAX);
    uint8_t *ok = x86_jcc_rel32(b, X86_CC_E);
    tr_emit_fault_exit(t, c);
    if (ok)
        x86_patch_rel32(ok, b->exec_delta, x86_exec_ptr(b));
    if (c->kind == COLD_LOAD) {
        bool fp = c->in->op == OP_FLW || c->in->op == OP_FLD;
        x86_load(b, size, sign, fp ? X86_RAX : load_reg(t, c->in), HART(jit_scratch));
    }
    x86_jmp_abs(b, c->resume);
    return;
}

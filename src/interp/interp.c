/*
 * interp.c - the reference execution engine: threaded dispatch (computed goto)
 * over decoded blocks. One handler per op of INSN_LIST; their semantics are the
 * reference that the translator is tested against.
 *
 * Within a block, `pc` is the guest pc of the instruction at `in`. Handlers
 * leave through NEXT() (fall through to the next instruction), JUMP() (end the
 * block at a new pc) or RAISE() (the instruction at `in` traps and does not
 * retire). Retired instructions are counted from `in - counted` at block exit.
 */
#include "interp/interp.h"

#include <string.h>

#include "cpu/fpu.h"
#include "cpu/mmu.h"
#include "interp/blocks.h"
#include "interp/hart_wait.h"
#include "lib/compiler.h"

#define BOX_S 0xffffffff00000000ull

static inline uint32_t unbox_s(uint64_t v)
{
    return (v >> 32) == 0xffffffffu ? (uint32_t)v : FPU_F32_CANONICAL_NAN;
}

static inline uint64_t sext32(uint64_t v) { return (uint64_t)(int64_t)(int32_t)(uint32_t)v; }

static inline uint64_t rol64(uint64_t v, unsigned s) { s &= 63; return s ? (v << s) | (v >> (64 - s)) : v; }
static inline uint64_t ror64(uint64_t v, unsigned s) { s &= 63; return s ? (v >> s) | (v << (64 - s)) : v; }
static inline uint32_t rol32(uint32_t v, unsigned s) { s &= 31; return s ? (v << s) | (v >> (32 - s)) : v; }
static inline uint32_t ror32(uint32_t v, unsigned s) { s &= 31; return s ? (v >> s) | (v << (32 - s)) : v; }

static inline uint64_t orc_b(uint64_t v)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < 64; i += 8)
        if ((v >> i) & 0xff)
            r |= 0xffull << i;
    return r;
}

static inline int64_t div64(int64_t a, int64_t b)
{
    if (b == 0) return -1;
    if (a == INT64_MIN && b == -1) return a;
    return a / b;
}

static inline int64_t rem64(int64_t a, int64_t b)
{
    if (b == 0) return a;
    if (a == INT64_MIN && b == -1) return 0;
    return a % b;
}

static inline int32_t div32(int32_t a, int32_t b)
{
    if (b == 0) return -1;
    if (a == INT32_MIN && b == -1) return a;
    return a / b;
}

static inline int32_t rem32(int32_t a, int32_t b)
{
    if (b == 0) return a;
    if (a == INT32_MIN && b == -1) return 0;
    return a % b;
}

/* Cache-block operations are allowed below M only when menvcfg (and for U, senvcfg) enable them. */
static bool cbo_allowed(const struct hart *h, uint64_t field)
{
    if (h->priv == PRIV_M)
        return true;
    if (!(h->menvcfg & field))
        return false;
    return h->priv == PRIV_S || (h->senvcfg & field);
}

/* cbo.clean/flush/inval: no data effect here, but the address must translate (store faults). */
static int cbo_check_address(struct hart *h, uint64_t va)
{
    uint64_t pa;
    if (!mmu_translate(h, va & ~(uint64_t)(CBO_BLOCK_SIZE - 1), TLB_READ, h->data_idx, &pa))
        return 0;
    if (h->exc_cause == EXC_LOAD_PAGE_FAULT)
        h->exc_cause = EXC_STORE_PAGE_FAULT;
    else if (h->exc_cause == EXC_LOAD_ACCESS)
        h->exc_cause = EXC_STORE_ACCESS;
    return -1;
}

static int cbo_zero(struct hart *h, uint64_t va)
{
    uint64_t base = va & ~(uint64_t)(CBO_BLOCK_SIZE - 1);
    void *p = mmu_atomic_ptr(h, base, 8, true);
    if (!p)
        return -1;
    memset(p, 0, CBO_BLOCK_SIZE); /* a 64-byte aligned block never crosses a page */
    return 0;
}

static void sfence_vma(struct hart *h, unsigned rs1, uint64_t va)
{
    if (rs1 == 0) {
        tlb_flush_translated(h);
    } else {
        tlb_flush_va(h, va);
    }
}

/* The handlers' addresses by op (labels of the function it is declared in). */
#define DISPATCH_TABLE(name)                                \
    static const void *const name[OP_COUNT] = {             \
        INSN_LIST(DISPATCH_ENTRY)                           \
    }
#define DISPATCH_ENTRY(op, flags) [OP_##op] = &&do_##op,

enum machine_request interp_run(struct hart *h)
{
    DISPATCH_TABLE(dispatch);
    uint64_t *const x = h->x;
    uint64_t *const f = h->f;

    for (;;) {
        if (unlikely(--h->poll_countdown < 0 || __atomic_load_n(&h->wires->kick, __ATOMIC_RELAXED))) {
            enum machine_request r = hart_poll(h);
            if (r != MACHINE_RUN)
                return r;
        }

        uint64_t pc = h->pc;
        struct jcache_entry *je = &h->jcache[hart_jcache_index(pc)];
        struct block *b = je->block;
        if (unlikely(je->pc != pc || je->key != h->jcache_key || !block_is_current(b))) {
            struct tlb_entry *fe =
                &h->tlb[h->fetch_idx][TLB_EXEC][(pc >> GUEST_PAGE_SHIFT) & (TLB_SIZE - 1)];
            if (unlikely(fe->tag != (pc & GUEST_PAGE_MASK))) {
                fe = mmu_fill_fetch(h, pc);
                if (!fe) {
                    hart_take_exception(h, pc);
                    continue;
                }
            }
            b = blocks_get(h, pc, fe);
            if (unlikely(!b)) {
                hart_take_exception(h, pc);
                continue;
            }
            hart_jcache_insert(h, je, pc, b,
                               block_translation_fits(b, h) ? b->jit_code : NULL);
        }

        if (b->jit_code && block_translation_fits(b, h)) {
            struct translator *t = h->translator;
            if (t->enter(t, h, b) == JIT_EXIT_EXCEPTION)
                hart_take_exception(h, h->pc);
            continue;
        }
        if (h->translator && ++b->exec_count >= h->translator->threshold) {
            h->translator->translate(h->translator, h, b);
            continue; /* look the block up again: translated, or flushed */
        }

        const struct insn *in = b->insns;
        const struct insn *counted = in;
        struct tlb_entry *const tlb_r = h->tlb[h->data_idx][TLB_READ];
        struct tlb_entry *const tlb_w = h->tlb[h->data_idx][TLB_WRITE];
        goto *dispatch[in->op];

#define NEXT()                       \
    do {                             \
        pc += in->len;               \
        in++;                        \
        goto *dispatch[in->op];      \
    } while (0)
#include "interp/handlers.inc"
#undef NEXT

    block_end:
        h->instret += in - counted;
        h->stats.insns_interpreted += (uint64_t)(in - b->insns);
        continue;
    exception:
        h->instret += in - counted;
        h->stats.insns_interpreted += (uint64_t)(in - b->insns);
        hart_take_exception(h, pc);
        continue;
    }
}

int interp_step(struct hart *h, const struct insn *in, uint64_t pc)
{
    DISPATCH_TABLE(dispatch);
    uint64_t *const x = h->x;
    uint64_t *const f = h->f;
    const struct insn *counted = in;
    struct tlb_entry *const tlb_r = h->tlb[h->data_idx][TLB_READ];
    struct tlb_entry *const tlb_w = h->tlb[h->data_idx][TLB_WRITE];
    goto *dispatch[in->op];

#define NEXT()                       \
    do {                             \
        in++;                        \
        goto next;                   \
    } while (0)
#include "interp/handlers.inc"
#undef NEXT

next:
    h->instret += in - counted;
    h->stats.insns_stepped += in - counted;
    return INTERP_STEP_NEXT;
block_end:
    h->instret += in - counted;
    h->stats.insns_stepped += in - counted;
    return INTERP_STEP_END;
exception:
    h->instret += in - counted;
    return INTERP_STEP_EXCEPTION;
}

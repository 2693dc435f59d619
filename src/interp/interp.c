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
    if (rs1 == 0 || h->tlb_has_superpage) {
        tlb_flush_translated(h);
        h->tlb_has_superpage = false;
    } else {
        tlb_flush_va(h, va);
    }
}

enum machine_request interp_run(struct hart *h)
{
    static const void *const dispatch[OP_COUNT] = {
#define X(name, flags) [OP_##name] = &&do_##name,
        INSN_LIST(X)
#undef X
    };
    uint64_t *const x = h->x;
    uint64_t *const f = h->f;

    for (;;) {
        if (unlikely(--h->poll_countdown < 0 || __atomic_load_n(&h->wires->kick, __ATOMIC_RELAXED))) {
            enum machine_request r = hart_poll(h);
            if (r != MACHINE_RUN)
                return r;
        }

        uint64_t pc = h->pc;
        struct jcache_entry *je = &h->jcache[(pc >> 1) & (JCACHE_SIZE - 1)];
        struct block *b = je->block;
        if (unlikely(je->pc != pc || je->fetch_idx != h->fetch_idx ||
                     b->gen != __atomic_load_n(b->page_gen, __ATOMIC_ACQUIRE))) {
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
            if (b->pa != ~0ull) /* the uncached straddling-instruction block is never remembered */
                *je = (struct jcache_entry){ pc, h->fetch_idx, b };
        }

        const struct insn *in = b->insns;
        const struct insn *counted = in;
        uint64_t tlb_hits = 0; /* added to the stats at block exit: no memory increment per access */
        struct tlb_entry *const tlb_r = h->tlb[h->data_idx][TLB_READ];
        struct tlb_entry *const tlb_w = h->tlb[h->data_idx][TLB_WRITE];
        goto *dispatch[in->op];

#define OP(name) do_##name:
#define NEXT()                       \
    do {                             \
        pc += in->len;               \
        in++;                        \
        goto *dispatch[in->op];      \
    } while (0)
#define JUMP(target)                 \
    do {                             \
        h->pc = (target);            \
        in++;                        \
        goto block_end;              \
    } while (0)
#define RAISE(cause, tval)               \
    do {                                 \
        hart_raise(h, (cause), (tval));  \
        goto exception;                  \
    } while (0)
#define ILLEGAL() RAISE(EXC_ILLEGAL_INSN, in->raw)
#define RD x[in->rd]
#define RS1 x[in->rs1]
#define RS2 x[in->rs2]
#define IMM ((uint64_t)(int64_t)in->imm)
#define FD f[in->rd]
#define FS1 f[in->rs1]
#define FS2 f[in->rs2]
#define FS3 f[in->rs3]

/* Loads: `out` gets the value extended by `type`'s signedness. */
#define MEM_LOAD(type, out)                                                                    \
    do {                                                                                       \
        uint64_t va_ = RS1 + IMM;                                                              \
        const struct tlb_entry *e_ = &tlb_r[(va_ >> GUEST_PAGE_SHIFT) & (TLB_SIZE - 1)];       \
        if (likely(e_->tag == (va_ & GUEST_PAGE_MASK) &&                                       \
                   (va_ & (GUEST_PAGE_SIZE - 1)) <= GUEST_PAGE_SIZE - sizeof(type))) {         \
            type v_;                                                                           \
            memcpy(&v_, (const void *)(e_->addend + va_), sizeof(type));                       \
            tlb_hits++;                                                                        \
            out = (uint64_t)v_;                                                                \
        } else {                                                                               \
            uint64_t raw_;                                                                     \
            if (mmu_load_slow(h, va_, sizeof(type), &raw_))                                    \
                goto exception;                                                                \
            out = (uint64_t)(type)raw_;                                                        \
        }                                                                                      \
    } while (0)

#define MEM_STORE(type, value)                                                                 \
    do {                                                                                       \
        uint64_t va_ = RS1 + IMM;                                                              \
        type v_ = (type)(value);                                                               \
        const struct tlb_entry *e_ = &tlb_w[(va_ >> GUEST_PAGE_SHIFT) & (TLB_SIZE - 1)];       \
        if (likely(e_->tag == (va_ & GUEST_PAGE_MASK) &&                                       \
                   (va_ & (GUEST_PAGE_SIZE - 1)) <= GUEST_PAGE_SIZE - sizeof(type))) {         \
            memcpy((void *)(e_->addend + va_), &v_, sizeof(type));                             \
            tlb_hits++;                                                                        \
        } else if (mmu_store_slow(h, va_, sizeof(type), (uint64_t)v_)) {                       \
            goto exception;                                                                    \
        }                                                                                      \
    } while (0)

#define BRANCH(cond) JUMP((cond) ? pc + IMM : pc + in->len)

        /* ---- RV64I ---- */
        OP(ILLEGAL) ILLEGAL();
        OP(BLOCK_END) h->pc = pc; goto block_end;
        OP(LUI) RD = IMM; NEXT();
        OP(AUIPC) RD = pc + IMM; NEXT();
        OP(JAL) { uint64_t link = pc + in->len; RD = link; JUMP(pc + IMM); }
        OP(JALR) { uint64_t target = (RS1 + IMM) & ~1ull; RD = pc + in->len; JUMP(target); }
        OP(BEQ) BRANCH(RS1 == RS2);
        OP(BNE) BRANCH(RS1 != RS2);
        OP(BLT) BRANCH((int64_t)RS1 < (int64_t)RS2);
        OP(BGE) BRANCH((int64_t)RS1 >= (int64_t)RS2);
        OP(BLTU) BRANCH(RS1 < RS2);
        OP(BGEU) BRANCH(RS1 >= RS2);
        OP(LB) { uint64_t v; MEM_LOAD(int8_t, v); RD = v; NEXT(); }
        OP(LH) { uint64_t v; MEM_LOAD(int16_t, v); RD = v; NEXT(); }
        OP(LW) { uint64_t v; MEM_LOAD(int32_t, v); RD = v; NEXT(); }
        OP(LD) { uint64_t v; MEM_LOAD(uint64_t, v); RD = v; NEXT(); }
        OP(LBU) { uint64_t v; MEM_LOAD(uint8_t, v); RD = v; NEXT(); }
        OP(LHU) { uint64_t v; MEM_LOAD(uint16_t, v); RD = v; NEXT(); }
        OP(LWU) { uint64_t v; MEM_LOAD(uint32_t, v); RD = v; NEXT(); }
        OP(SB) MEM_STORE(uint8_t, RS2); NEXT();
        OP(SH) MEM_STORE(uint16_t, RS2); NEXT();
        OP(SW) MEM_STORE(uint32_t, RS2); NEXT();
        OP(SD) MEM_STORE(uint64_t, RS2); NEXT();
        OP(ADDI) RD = RS1 + IMM; NEXT();
        OP(SLTI) RD = (int64_t)RS1 < (int64_t)IMM; NEXT();
        OP(SLTIU) RD = RS1 < IMM; NEXT();
        OP(XORI) RD = RS1 ^ IMM; NEXT();
        OP(ORI) RD = RS1 | IMM; NEXT();
        OP(ANDI) RD = RS1 & IMM; NEXT();
        OP(SLLI) RD = RS1 << in->imm; NEXT();
        OP(SRLI) RD = RS1 >> in->imm; NEXT();
        OP(SRAI) RD = (uint64_t)((int64_t)RS1 >> in->imm); NEXT();
        OP(ADD) RD = RS1 + RS2; NEXT();
        OP(SUB) RD = RS1 - RS2; NEXT();
        OP(SLL) RD = RS1 << (RS2 & 63); NEXT();
        OP(SLT) RD = (int64_t)RS1 < (int64_t)RS2; NEXT();
        OP(SLTU) RD = RS1 < RS2; NEXT();
        OP(XOR) RD = RS1 ^ RS2; NEXT();
        OP(SRL) RD = RS1 >> (RS2 & 63); NEXT();
        OP(SRA) RD = (uint64_t)((int64_t)RS1 >> (RS2 & 63)); NEXT();
        OP(OR) RD = RS1 | RS2; NEXT();
        OP(AND) RD = RS1 & RS2; NEXT();
        OP(ADDIW) RD = sext32(RS1 + IMM); NEXT();
        OP(SLLIW) RD = sext32((uint32_t)RS1 << in->imm); NEXT();
        OP(SRLIW) RD = sext32((uint32_t)RS1 >> in->imm); NEXT();
        OP(SRAIW) RD = (uint64_t)(int64_t)((int32_t)RS1 >> in->imm); NEXT();
        OP(ADDW) RD = sext32(RS1 + RS2); NEXT();
        OP(SUBW) RD = sext32(RS1 - RS2); NEXT();
        OP(SLLW) RD = sext32((uint32_t)RS1 << (RS2 & 31)); NEXT();
        OP(SRLW) RD = sext32((uint32_t)RS1 >> (RS2 & 31)); NEXT();
        OP(SRAW) RD = (uint64_t)(int64_t)((int32_t)RS1 >> (RS2 & 31)); NEXT();
        OP(FENCE) NEXT();
        /* Stores to pages holding code already invalidated their decodes; nothing left to sync. */
        OP(FENCE_I) JUMP(pc + in->len);
        OP(ECALL) RAISE(h->priv == PRIV_M ? EXC_ECALL_M : h->priv == PRIV_S ? EXC_ECALL_S : EXC_ECALL_U, 0);
        OP(EBREAK) RAISE(EXC_BREAKPOINT, pc);

        /* ---- Zicsr ---- */
        OP(CSRRW) OP(CSRRS) OP(CSRRC) OP(CSRRWI) OP(CSRRSI) OP(CSRRCI) {
            uint64_t old;
            h->instret += in - counted; /* counters read by this instruction are exact */
            counted = in;
            if (csr_access(h, in, &old))
                goto exception;
            if (in->rd)
                x[in->rd] = old;
            h->poll_countdown = 0; /* the write may have enabled an interrupt */
            JUMP(pc + in->len);
        }

        /* ---- privileged ---- */
        OP(MRET) {
            if (h->priv != PRIV_M)
                ILLEGAL();
            hart_mret(h);
            h->poll_countdown = 0;
            in++;
            goto block_end;
        }
        OP(SRET) {
            if (h->priv < PRIV_S || (h->priv == PRIV_S && (h->mstatus & MSTATUS_TSR)))
                ILLEGAL();
            hart_sret(h);
            h->poll_countdown = 0;
            in++;
            goto block_end;
        }
        OP(WFI) {
            if (h->priv == PRIV_U || (h->priv == PRIV_S && (h->mstatus & MSTATUS_TW)))
                ILLEGAL();
            h->pc = pc + in->len;
            in++;
            h->instret += in - counted;
            counted = in;
            hart_wfi(h);
            h->poll_countdown = 0;
            goto block_end;
        }
        OP(SFENCE_VMA) {
            if (h->priv == PRIV_U || (h->priv == PRIV_S && (h->mstatus & MSTATUS_TVM)))
                ILLEGAL();
            sfence_vma(h, in->rs1, RS1);
            JUMP(pc + in->len);
        }

        /* ---- M ---- */
        OP(MUL) RD = RS1 * RS2; NEXT();
        OP(MULH) RD = (uint64_t)(((__int128)(int64_t)RS1 * (__int128)(int64_t)RS2) >> 64); NEXT();
        OP(MULHSU) RD = (uint64_t)(((__int128)(int64_t)RS1 * (__int128)RS2) >> 64); NEXT();
        OP(MULHU) RD = (uint64_t)(((unsigned __int128)RS1 * RS2) >> 64); NEXT();
        OP(DIV) RD = (uint64_t)div64((int64_t)RS1, (int64_t)RS2); NEXT();
        OP(DIVU) RD = RS2 ? RS1 / RS2 : ~0ull; NEXT();
        OP(REM) RD = (uint64_t)rem64((int64_t)RS1, (int64_t)RS2); NEXT();
        OP(REMU) RD = RS2 ? RS1 % RS2 : RS1; NEXT();
        OP(MULW) RD = sext32((uint32_t)RS1 * (uint32_t)RS2); NEXT();
        OP(DIVW) RD = (uint64_t)(int64_t)div32((int32_t)RS1, (int32_t)RS2); NEXT();
        OP(DIVUW) RD = (uint32_t)RS2 ? sext32((uint32_t)RS1 / (uint32_t)RS2) : ~0ull; NEXT();
        OP(REMW) RD = (uint64_t)(int64_t)rem32((int32_t)RS1, (int32_t)RS2); NEXT();
        OP(REMUW) RD = (uint32_t)RS2 ? sext32((uint32_t)RS1 % (uint32_t)RS2) : sext32(RS1); NEXT();

        /* ---- A: host atomics on the guest page, so harts on other threads see them ---- */
#define AMO_PTR(type, write)                                                          \
    type *p_ = mmu_atomic_ptr(h, RS1, sizeof(type), (write));                         \
    if (!p_)                                                                          \
        goto exception;
#define AMO_FETCH(type, stype, builtin)                                               \
    {                                                                                 \
        AMO_PTR(type, true);                                                          \
        type old_ = builtin(p_, (type)RS2, __ATOMIC_SEQ_CST);                         \
        RD = (uint64_t)(stype)old_;                                                   \
        NEXT();                                                                       \
    }
#define AMO_CAS(type, stype, combine)                                                 \
    {                                                                                 \
        AMO_PTR(type, true);                                                          \
        type old_ = __atomic_load_n(p_, __ATOMIC_RELAXED), src_ = (type)RS2, new_;    \
        do {                                                                          \
            new_ = combine(old_, src_);                                               \
        } while (!__atomic_compare_exchange_n(p_, &old_, new_, true, __ATOMIC_SEQ_CST, \
                                              __ATOMIC_RELAXED));                     \
        RD = (uint64_t)(stype)old_;                                                   \
        NEXT();                                                                       \
    }
#define MIN_S32(a, b) ((int32_t)(a) < (int32_t)(b) ? (a) : (b))
#define MAX_S32(a, b) ((int32_t)(a) > (int32_t)(b) ? (a) : (b))
#define MIN_S64(a, b) ((int64_t)(a) < (int64_t)(b) ? (a) : (b))
#define MAX_S64(a, b) ((int64_t)(a) > (int64_t)(b) ? (a) : (b))
#define MIN_U(a, b) ((a) < (b) ? (a) : (b))
#define MAX_U(a, b) ((a) > (b) ? (a) : (b))
#define LOAD_RESERVED(type, stype)                                                    \
    {                                                                                 \
        AMO_PTR(type, false);                                                         \
        type v_ = __atomic_load_n(p_, __ATOMIC_SEQ_CST);                              \
        h->resv_addr = RS1;                                                           \
        h->resv_value = v_;                                                           \
        h->resv_valid = true;                                                         \
        RD = (uint64_t)(stype)v_;                                                     \
        NEXT();                                                                       \
    }
/* SC succeeds if the reservation is ours and memory still holds what LR read. */
#define STORE_CONDITIONAL(type)                                                       \
    {                                                                                 \
        if (RS1 & (sizeof(type) - 1))                                                 \
            RAISE(EXC_STORE_MISALIGNED, RS1);                                         \
        if (!h->resv_valid || h->resv_addr != RS1) {                                  \
            h->resv_valid = false;                                                    \
            RD = 1;                                                                   \
            NEXT();                                                                   \
        }                                                                             \
        AMO_PTR(type, true);                                                          \
        type expected_ = (type)h->resv_value;                                         \
        bool ok_ = __atomic_compare_exchange_n(p_, &expected_, (type)RS2, false,      \
                                               __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);   \
        h->resv_valid = false;                                                        \
        RD = !ok_;                                                                    \
        NEXT();                                                                       \
    }
#define SWAP_VAL(a, b) (b)
        OP(LR_W) LOAD_RESERVED(uint32_t, int32_t)
        OP(LR_D) LOAD_RESERVED(uint64_t, uint64_t)
        OP(SC_W) STORE_CONDITIONAL(uint32_t)
        OP(SC_D) STORE_CONDITIONAL(uint64_t)
        OP(AMOSWAP_W) AMO_FETCH(uint32_t, int32_t, __atomic_exchange_n)
        OP(AMOADD_W) AMO_FETCH(uint32_t, int32_t, __atomic_fetch_add)
        OP(AMOXOR_W) AMO_FETCH(uint32_t, int32_t, __atomic_fetch_xor)
        OP(AMOAND_W) AMO_FETCH(uint32_t, int32_t, __atomic_fetch_and)
        OP(AMOOR_W) AMO_FETCH(uint32_t, int32_t, __atomic_fetch_or)
        OP(AMOMIN_W) AMO_CAS(uint32_t, int32_t, MIN_S32)
        OP(AMOMAX_W) AMO_CAS(uint32_t, int32_t, MAX_S32)
        OP(AMOMINU_W) AMO_CAS(uint32_t, int32_t, MIN_U)
        OP(AMOMAXU_W) AMO_CAS(uint32_t, int32_t, MAX_U)
        OP(AMOSWAP_D) AMO_FETCH(uint64_t, uint64_t, __atomic_exchange_n)
        OP(AMOADD_D) AMO_FETCH(uint64_t, uint64_t, __atomic_fetch_add)
        OP(AMOXOR_D) AMO_FETCH(uint64_t, uint64_t, __atomic_fetch_xor)
        OP(AMOAND_D) AMO_FETCH(uint64_t, uint64_t, __atomic_fetch_and)
        OP(AMOOR_D) AMO_FETCH(uint64_t, uint64_t, __atomic_fetch_or)
        OP(AMOMIN_D) AMO_CAS(uint64_t, uint64_t, MIN_S64)
        OP(AMOMAX_D) AMO_CAS(uint64_t, uint64_t, MAX_S64)
        OP(AMOMINU_D) AMO_CAS(uint64_t, uint64_t, MIN_U)
        OP(AMOMAXU_D) AMO_CAS(uint64_t, uint64_t, MAX_U)

        /* ---- F and D ---- */
#define FP_CHECK()                                       \
    do {                                                 \
        if (unlikely(!(h->mstatus & MSTATUS_FS)))        \
            ILLEGAL();                                   \
    } while (0)
#define FP_RM(rm)                                        \
    unsigned rm = in->rm == 7 ? h->frm : in->rm;         \
    if (unlikely(rm > FPU_RMM))                          \
        ILLEGAL();
#define FP_DONE(flags)                                   \
    do {                                                 \
        h->fflags |= (flags);                            \
        h->mstatus |= MSTATUS_FS;                        \
        NEXT();                                          \
    } while (0)
#define FP_BIN_S(fn) { FP_CHECK(); FP_RM(rm); unsigned fl = 0; \
        FD = BOX_S | fn(unbox_s(FS1), unbox_s(FS2), rm, &fl); FP_DONE(fl); }
#define FP_BIN_D(fn) { FP_CHECK(); FP_RM(rm); unsigned fl = 0; \
        FD = fn(FS1, FS2, rm, &fl); FP_DONE(fl); }
#define FP_FMA_S(kind) { FP_CHECK(); FP_RM(rm); unsigned fl = 0; \
        FD = BOX_S | fpu_f32_fma(unbox_s(FS1), unbox_s(FS2), unbox_s(FS3), kind, rm, &fl); FP_DONE(fl); }
#define FP_FMA_D(kind) { FP_CHECK(); FP_RM(rm); unsigned fl = 0; \
        FD = fpu_f64_fma(FS1, FS2, FS3, kind, rm, &fl); FP_DONE(fl); }
#define FP_MINMAX_S(fn) { FP_CHECK(); unsigned fl = 0; FD = BOX_S | fn(unbox_s(FS1), unbox_s(FS2), &fl); FP_DONE(fl); }
#define FP_MINMAX_D(fn) { FP_CHECK(); unsigned fl = 0; FD = fn(FS1, FS2, &fl); FP_DONE(fl); }
#define FP_CMP_S(fn) { FP_CHECK(); unsigned fl = 0; RD = fn(unbox_s(FS1), unbox_s(FS2), &fl); FP_DONE(fl); }
#define FP_CMP_D(fn) { FP_CHECK(); unsigned fl = 0; RD = fn(FS1, FS2, &fl); FP_DONE(fl); }
#define FP_TO_INT(fn, src) { FP_CHECK(); FP_RM(rm); unsigned fl = 0; RD = (uint64_t)fn(src, rm, &fl); FP_DONE(fl); }
#define FP_FROM_INT_S(fn, arg) { FP_CHECK(); FP_RM(rm); unsigned fl = 0; FD = BOX_S | fn(arg, rm, &fl); FP_DONE(fl); }
#define FP_FROM_INT_D(fn, arg) { FP_CHECK(); FP_RM(rm); unsigned fl = 0; FD = fn(arg, rm, &fl); FP_DONE(fl); }
#define SIGN_S 0x80000000u
#define SIGN_D 0x8000000000000000ull

        OP(FLW) { FP_CHECK(); uint64_t v; MEM_LOAD(uint32_t, v); FD = BOX_S | v; FP_DONE(0); }
        OP(FLD) { FP_CHECK(); uint64_t v; MEM_LOAD(uint64_t, v); FD = v; FP_DONE(0); }
        OP(FSW) { FP_CHECK(); MEM_STORE(uint32_t, FS2); NEXT(); }
        OP(FSD) { FP_CHECK(); MEM_STORE(uint64_t, FS2); NEXT(); }
        OP(FMADD_S) FP_FMA_S(FPU_FMADD)
        OP(FMSUB_S) FP_FMA_S(FPU_FMSUB)
        OP(FNMSUB_S) FP_FMA_S(FPU_FNMSUB)
        OP(FNMADD_S) FP_FMA_S(FPU_FNMADD)
        OP(FADD_S) FP_BIN_S(fpu_f32_add)
        OP(FSUB_S) FP_BIN_S(fpu_f32_sub)
        OP(FMUL_S) FP_BIN_S(fpu_f32_mul)
        OP(FDIV_S) FP_BIN_S(fpu_f32_div)
        OP(FSQRT_S) { FP_CHECK(); FP_RM(rm); unsigned fl = 0; FD = BOX_S | fpu_f32_sqrt(unbox_s(FS1), rm, &fl); FP_DONE(fl); }
        OP(FSGNJ_S) { FP_CHECK(); FD = BOX_S | (unbox_s(FS1) & ~SIGN_S) | (unbox_s(FS2) & SIGN_S); FP_DONE(0); }
        OP(FSGNJN_S) { FP_CHECK(); FD = BOX_S | (unbox_s(FS1) & ~SIGN_S) | (~unbox_s(FS2) & SIGN_S); FP_DONE(0); }
        OP(FSGNJX_S) { FP_CHECK(); FD = BOX_S | (unbox_s(FS1) ^ (unbox_s(FS2) & SIGN_S)); FP_DONE(0); }
        OP(FMIN_S) FP_MINMAX_S(fpu_f32_min)
        OP(FMAX_S) FP_MINMAX_S(fpu_f32_max)
        OP(FCVT_W_S) FP_TO_INT(fpu_f32_to_i32, unbox_s(FS1))
        OP(FCVT_WU_S) FP_TO_INT(fpu_f32_to_u32, unbox_s(FS1))
        OP(FCVT_L_S) FP_TO_INT(fpu_f32_to_i64, unbox_s(FS1))
        OP(FCVT_LU_S) FP_TO_INT(fpu_f32_to_u64, unbox_s(FS1))
        OP(FCVT_S_W) FP_FROM_INT_S(fpu_i32_to_f32, (int32_t)RS1)
        OP(FCVT_S_WU) FP_FROM_INT_S(fpu_u32_to_f32, (uint32_t)RS1)
        OP(FCVT_S_L) FP_FROM_INT_S(fpu_i64_to_f32, (int64_t)RS1)
        OP(FCVT_S_LU) FP_FROM_INT_S(fpu_u64_to_f32, RS1)
        OP(FMV_X_W) { FP_CHECK(); RD = sext32(FS1); NEXT(); }
        OP(FMV_W_X) { FP_CHECK(); FD = BOX_S | (uint32_t)RS1; FP_DONE(0); }
        OP(FEQ_S) FP_CMP_S(fpu_f32_eq)
        OP(FLT_S) FP_CMP_S(fpu_f32_lt)
        OP(FLE_S) FP_CMP_S(fpu_f32_le)
        OP(FCLASS_S) { FP_CHECK(); RD = fpu_f32_class(unbox_s(FS1)); NEXT(); }

        OP(FMADD_D) FP_FMA_D(FPU_FMADD)
        OP(FMSUB_D) FP_FMA_D(FPU_FMSUB)
        OP(FNMSUB_D) FP_FMA_D(FPU_FNMSUB)
        OP(FNMADD_D) FP_FMA_D(FPU_FNMADD)
        OP(FADD_D) FP_BIN_D(fpu_f64_add)
        OP(FSUB_D) FP_BIN_D(fpu_f64_sub)
        OP(FMUL_D) FP_BIN_D(fpu_f64_mul)
        OP(FDIV_D) FP_BIN_D(fpu_f64_div)
        OP(FSQRT_D) { FP_CHECK(); FP_RM(rm); unsigned fl = 0; FD = fpu_f64_sqrt(FS1, rm, &fl); FP_DONE(fl); }
        OP(FSGNJ_D) { FP_CHECK(); FD = (FS1 & ~SIGN_D) | (FS2 & SIGN_D); FP_DONE(0); }
        OP(FSGNJN_D) { FP_CHECK(); FD = (FS1 & ~SIGN_D) | (~FS2 & SIGN_D); FP_DONE(0); }
        OP(FSGNJX_D) { FP_CHECK(); FD = FS1 ^ (FS2 & SIGN_D); FP_DONE(0); }
        OP(FMIN_D) FP_MINMAX_D(fpu_f64_min)
        OP(FMAX_D) FP_MINMAX_D(fpu_f64_max)
        OP(FCVT_W_D) FP_TO_INT(fpu_f64_to_i32, FS1)
        OP(FCVT_WU_D) FP_TO_INT(fpu_f64_to_u32, FS1)
        OP(FCVT_L_D) FP_TO_INT(fpu_f64_to_i64, FS1)
        OP(FCVT_LU_D) FP_TO_INT(fpu_f64_to_u64, FS1)
        OP(FCVT_D_W) FP_FROM_INT_D(fpu_i32_to_f64, (int32_t)RS1)
        OP(FCVT_D_WU) FP_FROM_INT_D(fpu_u32_to_f64, (uint32_t)RS1)
        OP(FCVT_D_L) FP_FROM_INT_D(fpu_i64_to_f64, (int64_t)RS1)
        OP(FCVT_D_LU) FP_FROM_INT_D(fpu_u64_to_f64, RS1)
        OP(FCVT_S_D) { FP_CHECK(); FP_RM(rm); unsigned fl = 0; FD = BOX_S | fpu_f64_to_f32(FS1, rm, &fl); FP_DONE(fl); }
        OP(FCVT_D_S) { FP_CHECK(); FP_RM(rm); (void)rm; unsigned fl = 0; FD = fpu_f32_to_f64(unbox_s(FS1), &fl); FP_DONE(fl); }
        OP(FMV_X_D) { FP_CHECK(); RD = FS1; NEXT(); }
        OP(FMV_D_X) { FP_CHECK(); FD = RS1; FP_DONE(0); }
        OP(FEQ_D) FP_CMP_D(fpu_f64_eq)
        OP(FLT_D) FP_CMP_D(fpu_f64_lt)
        OP(FLE_D) FP_CMP_D(fpu_f64_le)
        OP(FCLASS_D) { FP_CHECK(); RD = fpu_f64_class(FS1); NEXT(); }

        /* ---- Zba ---- */
        OP(ADD_UW) RD = RS2 + (uint32_t)RS1; NEXT();
        OP(SH1ADD) RD = RS2 + (RS1 << 1); NEXT();
        OP(SH2ADD) RD = RS2 + (RS1 << 2); NEXT();
        OP(SH3ADD) RD = RS2 + (RS1 << 3); NEXT();
        OP(SH1ADD_UW) RD = RS2 + ((uint64_t)(uint32_t)RS1 << 1); NEXT();
        OP(SH2ADD_UW) RD = RS2 + ((uint64_t)(uint32_t)RS1 << 2); NEXT();
        OP(SH3ADD_UW) RD = RS2 + ((uint64_t)(uint32_t)RS1 << 3); NEXT();
        OP(SLLI_UW) RD = (uint64_t)(uint32_t)RS1 << in->imm; NEXT();

        /* ---- Zbb ---- */
        OP(ANDN) RD = RS1 & ~RS2; NEXT();
        OP(ORN) RD = RS1 | ~RS2; NEXT();
        OP(XNOR) RD = ~(RS1 ^ RS2); NEXT();
        OP(CLZ) RD = RS1 ? (uint64_t)__builtin_clzll(RS1) : 64; NEXT();
        OP(CLZW) RD = (uint32_t)RS1 ? (uint64_t)__builtin_clz((uint32_t)RS1) : 32; NEXT();
        OP(CTZ) RD = RS1 ? (uint64_t)__builtin_ctzll(RS1) : 64; NEXT();
        OP(CTZW) RD = (uint32_t)RS1 ? (uint64_t)__builtin_ctz((uint32_t)RS1) : 32; NEXT();
        OP(CPOP) RD = (uint64_t)__builtin_popcountll(RS1); NEXT();
        OP(CPOPW) RD = (uint64_t)__builtin_popcount((uint32_t)RS1); NEXT();
        OP(MAX) RD = (int64_t)RS1 > (int64_t)RS2 ? RS1 : RS2; NEXT();
        OP(MAXU) RD = RS1 > RS2 ? RS1 : RS2; NEXT();
        OP(MIN) RD = (int64_t)RS1 < (int64_t)RS2 ? RS1 : RS2; NEXT();
        OP(MINU) RD = RS1 < RS2 ? RS1 : RS2; NEXT();
        OP(SEXT_B) RD = (uint64_t)(int64_t)(int8_t)RS1; NEXT();
        OP(SEXT_H) RD = (uint64_t)(int64_t)(int16_t)RS1; NEXT();
        OP(ZEXT_H) RD = (uint16_t)RS1; NEXT();
        OP(ROL) RD = rol64(RS1, RS2); NEXT();
        OP(ROLW) RD = sext32(rol32((uint32_t)RS1, RS2)); NEXT();
        OP(ROR) RD = ror64(RS1, RS2); NEXT();
        OP(RORI) RD = ror64(RS1, in->imm); NEXT();
        OP(RORIW) RD = sext32(ror32((uint32_t)RS1, in->imm)); NEXT();
        OP(RORW) RD = sext32(ror32((uint32_t)RS1, RS2)); NEXT();
        OP(ORC_B) RD = orc_b(RS1); NEXT();
        OP(REV8) RD = __builtin_bswap64(RS1); NEXT();

        /* ---- Zbs ---- */
        OP(BCLR) RD = RS1 & ~(1ull << (RS2 & 63)); NEXT();
        OP(BCLRI) RD = RS1 & ~(1ull << in->imm); NEXT();
        OP(BEXT) RD = (RS1 >> (RS2 & 63)) & 1; NEXT();
        OP(BEXTI) RD = (RS1 >> in->imm) & 1; NEXT();
        OP(BINV) RD = RS1 ^ (1ull << (RS2 & 63)); NEXT();
        OP(BINVI) RD = RS1 ^ (1ull << in->imm); NEXT();
        OP(BSET) RD = RS1 | (1ull << (RS2 & 63)); NEXT();
        OP(BSETI) RD = RS1 | (1ull << in->imm); NEXT();

        /* ---- Zicond ---- */
        OP(CZERO_EQZ) RD = RS2 ? RS1 : 0; NEXT();
        OP(CZERO_NEZ) RD = RS2 ? 0 : RS1; NEXT();

        /* ---- Zicbom, Zicboz ---- */
        OP(CBO_CLEAN) OP(CBO_FLUSH) {
            if (!cbo_allowed(h, ENVCFG_CBCFE))
                ILLEGAL();
            if (cbo_check_address(h, RS1))
                goto exception;
            NEXT();
        }
        OP(CBO_INVAL) {
            if (!cbo_allowed(h, ENVCFG_CBIE))
                ILLEGAL();
            if (cbo_check_address(h, RS1))
                goto exception;
            NEXT();
        }
        OP(CBO_ZERO) {
            if (!cbo_allowed(h, ENVCFG_CBZE))
                ILLEGAL();
            if (cbo_zero(h, RS1))
                goto exception;
            NEXT();
        }

    block_end:
        h->instret += in - counted;
        h->stats.tlb_hits += tlb_hits;
        continue;
    exception:
        h->instret += in - counted;
        h->stats.tlb_hits += tlb_hits;
        hart_take_exception(h, pc);
        continue;
    }
}

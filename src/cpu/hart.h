/*
 * hart.h - one RISC-V hart: all of its architectural state, plus the derived
 * state (software TLB, decode cache) that execution engines keep beside it.
 *
 * Architectural state is everything above the "derived" marker in struct hart;
 * it is what a snapshot saves. Everything below it is rebuilt on demand and is
 * flushed on restore. The interpreter and the translator both operate on this
 * struct; neither keeps architectural state anywhere else.
 *
 * Threading: a hart's struct is touched only by the thread running it, except
 * `wires` (interrupt lines driven by devices) which is atomic.
 */
#ifndef RVMM_CPU_HART_H
#define RVMM_CPU_HART_H

#include <stdbool.h>
#include <stdint.h>

#include "core/machine.h"

#define HART_X_SINK 32 /* x[32] absorbs writes to x0 */

enum priv { PRIV_U = 0, PRIV_S = 1, PRIV_M = 3 };

/* Exception causes (privileged spec, table "mcause values"). */
enum exc_cause {
    EXC_INSN_MISALIGNED = 0,
    EXC_INSN_ACCESS = 1,
    EXC_ILLEGAL_INSN = 2,
    EXC_BREAKPOINT = 3,
    EXC_LOAD_MISALIGNED = 4,
    EXC_LOAD_ACCESS = 5,
    EXC_STORE_MISALIGNED = 6,
    EXC_STORE_ACCESS = 7,
    EXC_ECALL_U = 8,
    EXC_ECALL_S = 9,
    EXC_ECALL_M = 11,
    EXC_INSN_PAGE_FAULT = 12,
    EXC_LOAD_PAGE_FAULT = 13,
    EXC_STORE_PAGE_FAULT = 15,
};

/* Interrupt numbers, and the mip/mie bits they use. */
enum irq_num { IRQ_SSI = 1, IRQ_MSI = 3, IRQ_STI = 5, IRQ_MTI = 7, IRQ_SEI = 9, IRQ_MEI = 11 };
#define MIP_SSIP (1ull << IRQ_SSI)
#define MIP_MSIP (1ull << IRQ_MSI)
#define MIP_STIP (1ull << IRQ_STI)
#define MIP_MTIP (1ull << IRQ_MTI)
#define MIP_SEIP (1ull << IRQ_SEI)
#define MIP_MEIP (1ull << IRQ_MEI)
#define MIP_S_MASK (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define MIP_ALL (MIP_S_MASK | MIP_MSIP | MIP_MTIP | MIP_MEIP)

/* mstatus fields */
#define MSTATUS_SIE  (1ull << 1)
#define MSTATUS_MIE  (1ull << 3)
#define MSTATUS_SPIE (1ull << 5)
#define MSTATUS_UBE  (1ull << 6)
#define MSTATUS_MPIE (1ull << 7)
#define MSTATUS_SPP  (1ull << 8)
#define MSTATUS_VS   (3ull << 9)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_MPP  (3ull << 11)
#define MSTATUS_FS_SHIFT 13
#define MSTATUS_FS   (3ull << 13)
#define MSTATUS_XS   (3ull << 15)
#define MSTATUS_MPRV (1ull << 17)
#define MSTATUS_SUM  (1ull << 18)
#define MSTATUS_MXR  (1ull << 19)
#define MSTATUS_TVM  (1ull << 20)
#define MSTATUS_TW   (1ull << 21)
#define MSTATUS_TSR  (1ull << 22)
#define MSTATUS_UXL  (3ull << 32)
#define MSTATUS_SXL  (3ull << 34)
#define MSTATUS_SD   (1ull << 63)
#define FS_OFF 0
#define FS_DIRTY 3

/* menvcfg / senvcfg */
#define ENVCFG_FIOM  (1ull << 0)
#define ENVCFG_CBIE  (3ull << 4)
#define ENVCFG_CBCFE (1ull << 6)
#define ENVCFG_CBZE  (1ull << 7)
#define ENVCFG_PBMTE (1ull << 62)
#define ENVCFG_STCE  (1ull << 63)

#define PMP_ENTRIES 16
#define CBO_BLOCK_SIZE 64

/*
 * Software TLB: guest virtual page -> host pointer, one table per access type
 * and per translation context (mmu index), so switching between U and S, or
 * toggling SUM, selects another table instead of flushing. A hit is one compare
 * and one add: host = va + addend.
 */
enum tlb_access { TLB_READ, TLB_WRITE, TLB_EXEC, TLB_ACCESS_COUNT };
enum mmu_idx { MMU_U, MMU_S, MMU_S_SUM, MMU_M, MMU_IDX_COUNT };
#define TLB_BITS 12
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_TAG_INVALID (~0ull)
#define PWC_SIZE 64

struct tlb_entry {
    uint64_t tag;       /* page-aligned VA, or TLB_TAG_INVALID */
    uintptr_t addend;   /* host address - guest VA */
    uint64_t pa_page;   /* guest physical page address */
    uint32_t *page_gen; /* the page's generation counter (code invalidation) */
};

struct hart_stats {
    uint64_t tlb_misses, tlb_flushes, tlb_full_flushes; /* flushes: by address and whole */
    uint64_t exceptions[16];
    uint64_t interrupts[16];
    uint64_t blocks_decoded, block_cache_flushes;
    uint64_t blocks_invalidated; /* dropped because their page was written (self-modifying code) */
    uint64_t insns_interpreted; /* retired by the interpreter's block loop; the rest of
                                 * instret, less insns_stepped, ran as translated code */
    uint64_t insns_stepped;    /* retired by the interpreter on behalf of translated code */
    uint64_t firmware_calls[16][8]; /* built-in firmware calls by extension and function slot */
};

struct block_cache;
struct block;
struct insn;
struct translator;

/*
 * Jump cache: virtual pc -> decoded block, skipping the ITLB and hash lookup.
 * Derived state, invalidated whenever the exec TLB or the decode cache is
 * flushed, the hart stores to a code page, or at fence.i (translated code
 * follows it without checking for stale code): an entry is valid only if its
 * key is the hart's jcache_key, which
 * holds the fetch context and an epoch that a flush bumps, so flushing costs
 * nothing whatever the size.
 */
#define JCACHE_BITS 15
#define JCACHE_SIZE (1u << JCACHE_BITS)
/* A pc's slot: pc / 2 with higher bits folded in, so code more than
 * 2 * JCACHE_SIZE bytes apart does not collide slot for slot. */
#define JCACHE_FOLD_SHIFT (JCACHE_BITS + 1)
static inline unsigned hart_jcache_index(uint64_t pc)
{
    return (unsigned)((pc ^ (pc >> JCACHE_FOLD_SHIFT)) >> 1) & (JCACHE_SIZE - 1);
}
#define JCACHE_PAGE_FILTER_BITS 32768
struct jcache_entry {
    uint64_t pc;
    uint32_t key;  /* (epoch << 2) | fetch_idx when made */
    struct block *block;
    const void *code; /* the block's translation, or else hart.jcache_untranslated */
};

struct hart {
    /* ---- architectural state ---- */
    uint64_t x[33]; /* x[32] is HART_X_SINK */
    uint64_t f[32];
    uint64_t pc;
    unsigned priv;
    uint32_t fflags, frm;
    uint64_t mstatus;
    uint64_t medeleg, mideleg, mie;
    uint64_t mip; /* software-writable bits; device-driven bits live in wires */
    uint64_t mtvec, mscratch, mepc, mcause, mtval, mcounteren, menvcfg, mcountinhibit;
    uint64_t stvec, sscratch, sepc, scause, stval, scounteren, senvcfg, satp, stimecmp;
    uint8_t pmpcfg[PMP_ENTRIES];
    uint64_t pmpaddr[PMP_ENTRIES];
    uint64_t mhartid;
    uint64_t instret;       /* instructions retired since reset */
    /* mcycle/minstret = instret + delta while counting; while inhibited by
     * mcountinhibit the delta field holds the frozen value itself. */
    int64_t minstret_delta;
    int64_t mcycle_delta;
    uint64_t resv_addr;     /* LR reservation: virtual address and the value loaded */
    uint64_t resv_value;
    bool resv_valid;

    /* ---- derived state: never saved, rebuilt on demand ---- */
    uint64_t exc_cause, exc_tval; /* the exception being raised */
    unsigned data_idx, fetch_idx; /* current mmu indexes for loads/stores and fetch */
    /* tlb[data_idx][TLB_READ] and [TLB_WRITE]: what translated code indexes directly */
    struct tlb_entry *tlb_data_read, *tlb_data_write;
    bool tlb_has_superpage;       /* some entry came from a superpage: sfence.vma by address scans */
    uint64_t superpage_lo, superpage_last; /* the virtual range superpage entries cover */
    uint8_t walk_span_shift;      /* log2 of the size of the mapping the last page walk found */
    /* Page-walk cache: per 2 MiB region (va >> 21), the level-0 table (host
     * pointer) the last walk through it used, under that satp. The spec lets
     * non-leaf entries be cached until an sfence.vma; every TLB flush drops
     * them all by bumping pwc_gen. */
    struct pwc_entry {
        uint64_t region, satp;
        uint64_t *table;
        uint32_t gen;
    } pwc[PWC_SIZE];
    uint32_t pwc_gen;
    int poll_countdown;           /* blocks until the next interrupt/timer poll */
    bool poll_quick;              /* the next poll need not read the clock (see hart_recheck_interrupts) */
    uint8_t quick_polls;          /* quick polls since the timers were last read */
    struct machine *machine;
    struct hart_wires *wires;
    struct block_cache *blocks;
    struct translator *translator; /* NULL: interpret only */
    void *jit_exit_slot;           /* translated code's last chainable exit (jit/) */
    uint64_t jit_scratch;          /* a slow-path load's value, written by mmu_load_slow */
    /* Built-in firmware: handles an ecall from S-mode instead of trapping to M-mode
     * (set when rvmm itself is the SBI implementation). Called with pc already
     * past the ecall. */
    void (*firmware_ecall)(struct hart *h);
    struct hart_stats stats;
    struct tlb_entry tlb[MMU_IDX_COUNT][TLB_ACCESS_COUNT][TLB_SIZE];
    /* log2 of the size of the guest mapping each TLB entry came from (12 unless a superpage) */
    uint8_t tlb_span_shift[MMU_IDX_COUNT][TLB_ACCESS_COUNT][TLB_SIZE];
    /* Bit per entry (flat index into tlb): filled since the last whole flush, so
     * flushes and scans visit those entries only, not the whole table. */
    uint64_t tlb_filled[MMU_IDX_COUNT * TLB_ACCESS_COUNT * TLB_SIZE / 64];
    /* Where translated code's jump-cache lookups go for an untranslated block
     * (the translator's lookup-miss stub), so a lookup needs no NULL test. */
    const void *jcache_untranslated;
    uint32_t jcache_epoch;
    uint32_t jcache_key; /* (jcache_epoch << 2) | fetch_idx */
    /* Bit (page number hash): some entry since the last flush has a pc in such a page. */
    uint64_t jcache_pages[JCACHE_PAGE_FILTER_BITS / 64];
    struct jcache_entry jcache[JCACHE_SIZE];
};

/*
 * After a CSR write or xRET that may have unmasked an interrupt: poll at the
 * next block boundary, but without reading the host clock (timer bits keep
 * their last value; a full poll comes within HART_POLL_BLOCKS blocks). The
 * kernel toggles sstatus on every user access, so this is frequent.
 */
static inline void hart_recheck_interrupts(struct hart *h)
{
    h->poll_countdown = 0;
    h->poll_quick = true;
}

static inline unsigned hart_jcache_page_bit(uint64_t pc)
{
    uint64_t page = pc >> 12;
    return (unsigned)((page ^ (page >> 8) ^ (page >> 16)) & (JCACHE_PAGE_FILTER_BITS - 1));
}

static inline void hart_jcache_update_key(struct hart *h)
{
    h->jcache_key = (h->jcache_epoch << 2) | h->fetch_idx;
}

static inline void hart_jcache_flush(struct hart *h)
{
    if (++h->jcache_epoch >= (1u << 29)) { /* the key would wrap: start over, for real */
        h->jcache_epoch = 1;
        for (unsigned i = 0; i < JCACHE_SIZE; i++)
            h->jcache[i].key = 0;
    }
    for (unsigned i = 0; i < JCACHE_PAGE_FILTER_BITS / 64; i++)
        h->jcache_pages[i] = 0;
    hart_jcache_update_key(h);
}

/* Drops the entries for pcs in the 2^shift-byte range holding va: all of
 * them, unless the page filter shows none can be there (data pages). */
static inline void hart_jcache_flush_range(struct hart *h, uint64_t va, unsigned shift)
{
    unsigned bit = hart_jcache_page_bit(va);
    if (shift > 12 || (h->jcache_pages[bit / 64] >> (bit % 64)) & 1)
        hart_jcache_flush(h);
}

static inline void hart_jcache_insert(struct hart *h, struct jcache_entry *je, uint64_t pc,
                                      struct block *b, const void *code)
{
    *je = (struct jcache_entry){ pc, h->jcache_key, b, code ? code : h->jcache_untranslated };
    unsigned bit = hart_jcache_page_bit(pc);
    h->jcache_pages[bit / 64] |= 1ull << (bit % 64);
}

/* hart.c */
/* The execution engine owns h->blocks (its decode cache) and flushes it on reset. */
int hart_init(struct hart *h, struct machine *m, unsigned hartid);
void hart_reset(struct hart *h, uint64_t pc);
extern const char hart_isa_string[];
uint64_t hart_misa(void);

/* trap.c */
void hart_raise(struct hart *h, uint64_t cause, uint64_t tval); /* records the exception */
void hart_take_exception(struct hart *h, uint64_t pc);          /* takes the recorded one */
bool hart_take_pending_interrupt(struct hart *h);
/* mip & mie & enabled-at-this-level, with the timer bits as last updated */
uint64_t hart_pending_interrupts(struct hart *h);
uint64_t hart_read_mip(struct hart *h);
void hart_update_timer_bits(struct hart *h);
void hart_set_priv(struct hart *h, unsigned priv);
void hart_mret(struct hart *h);
void hart_sret(struct hart *h);

/* csr.c: returns 0 or -1 with the exception raised */
int csr_access(struct hart *h, const struct insn *in, uint64_t *rd_value);
void csr_update_mmu_idx(struct hart *h);
bool fp_enabled(const struct hart *h);
void fp_set_dirty(struct hart *h);

#endif

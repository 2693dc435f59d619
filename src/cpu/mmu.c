/*
 * mmu.c - the TLB miss path: page-table walk (privileged spec "Sv39/Sv48/Sv57"
 * with Svnapot and Svpbmt), hardware A/D update, PMP, and TLB refill.
 *
 * Refill policy: an entry maps a 4 KiB guest page to host memory and is only
 * filled when the whole page is RAM/ROM that PMP grants uniformly. Write
 * entries are never filled for read-only memory or for pages holding decoded
 * code, so every store to those reaches the slow path (which invalidates the
 * code). MMIO never gets an entry. Superpages are cached 4 KiB at a time.
 */
#include "cpu/mmu.h"

#include <string.h>

#include "lib/compiler.h"

#define PTE_V (1ull << 0)
#define PTE_R (1ull << 1)
#define PTE_W (1ull << 2)
#define PTE_X (1ull << 3)
#define PTE_U (1ull << 4)
#define PTE_A (1ull << 6)
#define PTE_D (1ull << 7)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK ((1ull << 44) - 1)
#define PTE_RESERVED (0x7full << 54)
#define PTE_PBMT (3ull << 61)
#define PTE_N (1ull << 63)

static const uint64_t page_fault_cause[TLB_ACCESS_COUNT] = {
    [TLB_READ] = EXC_LOAD_PAGE_FAULT, [TLB_WRITE] = EXC_STORE_PAGE_FAULT,
    [TLB_EXEC] = EXC_INSN_PAGE_FAULT,
};
static const uint64_t access_fault_cause[TLB_ACCESS_COUNT] = {
    [TLB_READ] = EXC_LOAD_ACCESS, [TLB_WRITE] = EXC_STORE_ACCESS, [TLB_EXEC] = EXC_INSN_ACCESS,
};

static unsigned idx_priv(unsigned idx)
{
    return idx == MMU_M ? PRIV_M : idx == MMU_U ? PRIV_U : PRIV_S;
}

/* ---- PMP (privileged spec "Physical Memory Protection") ---- */

static bool pmp_range(const struct hart *h, unsigned i, uint64_t *lo, uint64_t *hi)
{
    unsigned a = (h->pmpcfg[i] >> 3) & 3;
    uint64_t addr = h->pmpaddr[i];

    switch (a) {
    case 1: /* TOR */
        *lo = i ? h->pmpaddr[i - 1] << 2 : 0;
        *hi = addr << 2;
        return true;
    case 2: /* NA4 */
        *lo = addr << 2;
        *hi = *lo + 4;
        return true;
    case 3: { /* NAPOT: trailing ones give the size */
        unsigned ones = __builtin_ctzll(~addr);
        if (ones >= 54) {
            *lo = 0;
            *hi = ~0ull;
        } else {
            *lo = (addr & ~((1ull << ones) - 1)) << 2;
            *hi = *lo + (8ull << ones);
        }
        return true;
    }
    }
    return false;
}

bool pmp_allows(const struct hart *h, uint64_t pa, uint64_t size, enum tlb_access acc,
                unsigned priv)
{
    uint64_t end = pa + size; /* exclusive; accesses never wrap */

    for (unsigned i = 0; i < PMP_ENTRIES; i++) {
        uint64_t lo, hi;
        if (!pmp_range(h, i, &lo, &hi) || hi <= lo)
            continue;
        if (end <= lo || pa >= hi)
            continue; /* no overlap */
        if (pa < lo || end > hi)
            return false; /* partial match fails whatever the permissions */
        uint8_t cfg = h->pmpcfg[i];
        if (priv == PRIV_M && !(cfg & 0x80))
            return true;
        uint8_t need = acc == TLB_READ ? 1 : acc == TLB_WRITE ? 2 : 4;
        return (cfg & need) != 0;
    }
    return priv == PRIV_M;
}

/* ---- page-table walk ---- */

static int raise_fault(struct hart *h, const uint64_t *causes, enum tlb_access acc, uint64_t va)
{
    hart_raise(h, causes[acc], va);
    return -1;
}

/*
 * Reads a PTE, or sets it with an atomic compare-and-swap so a concurrent
 * walker on another hart never loses its own A/D update.
 */
static uint64_t *pte_host(struct hart *h, uint64_t pte_pa)
{
    struct mem_region *r = bus_find_mem(&h->machine->bus, pte_pa, 8);
    if (!r || r->readonly || !pmp_allows(h, pte_pa, 8, TLB_READ, PRIV_S))
        return NULL;
    return (uint64_t *)(void *)(r->host + (pte_pa - r->base));
}

static struct pwc_entry *pwc_slot(struct hart *h, uint64_t va)
{
    return &h->pwc[(va >> 21) % PWC_SIZE];
}

/* The level-0 table for va cached by an earlier walk, or NULL. */
static uint64_t *pwc_find(struct hart *h, uint64_t va)
{
    struct pwc_entry *e = pwc_slot(h, va);
    if (e->table && e->gen == h->pwc_gen && e->region == va >> 21 && e->satp == h->satp)
        return e->table;
    return NULL;
}

/* The walk of va is about to read the level-0 table at table_pa: remember it
 * when the whole table is RAM that PMP lets S-mode read. */
static void pwc_remember(struct hart *h, uint64_t va, uint64_t table_pa)
{
    struct mem_region *r = bus_find_mem(&h->machine->bus, table_pa, GUEST_PAGE_SIZE);
    if (!r || r->readonly || !pmp_allows(h, table_pa, GUEST_PAGE_SIZE, TLB_READ, PRIV_S))
        return;
    *pwc_slot(h, va) = (struct pwc_entry){ va >> 21, h->satp,
                                           (uint64_t *)(void *)(r->host + (table_pa - r->base)),
                                           h->pwc_gen };
}

static void pwc_flush(struct hart *h)
{
    if (++h->pwc_gen == 0) /* wrapped: old generations could match again */
        memset(h->pwc, 0, sizeof(h->pwc));
}

int mmu_translate(struct hart *h, uint64_t va, enum tlb_access acc, unsigned idx, uint64_t *pa)
{
    unsigned priv = idx_priv(idx);
    unsigned mode = h->satp >> 60;

    h->walk_span_shift = GUEST_PAGE_SHIFT;
    if (priv == PRIV_M || mode == 0) {
        *pa = va;
        return 0;
    }

    unsigned levels = mode - 5; /* Sv39 = 8 -> 3, Sv48 = 9 -> 4, Sv57 = 10 -> 5 */
    unsigned va_bits = 12 + 9 * levels;
    /* Canonical: the bits above va_bits are copies of bit va_bits - 1. */
    if ((uint64_t)((int64_t)(va << (64 - va_bits)) >> (64 - va_bits)) != va)
        return raise_fault(h, page_fault_cause, acc, va);

    bool sum = idx == MMU_S_SUM;
    bool mxr = h->mstatus & MSTATUS_MXR;
    bool pbmte = h->menvcfg & ENVCFG_PBMTE;

restart:;
    uint64_t table = (h->satp & PTE_PPN_MASK) << 12;
    uint64_t *l0 = pwc_find(h, va);
    for (int level = l0 ? 0 : levels - 1; level >= 0; level--) {
        uint64_t vpn = (va >> (12 + 9 * level)) & 0x1ff;
        uint64_t *slot = level == 0 && l0 ? l0 + vpn : pte_host(h, table + vpn * 8);
        if (!slot)
            return raise_fault(h, access_fault_cause, acc, va);
        uint64_t pte = __atomic_load_n(slot, __ATOMIC_ACQUIRE);

        if (!(pte & PTE_V) || (!(pte & PTE_R) && (pte & PTE_W)) || (pte & PTE_RESERVED))
            return raise_fault(h, page_fault_cause, acc, va);
        if ((pte & PTE_PBMT) && (!pbmte || (pte & PTE_PBMT) == PTE_PBMT))
            return raise_fault(h, page_fault_cause, acc, va);

        uint64_t ppn = (pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK;
        if (!(pte & (PTE_R | PTE_X))) {
            /* Pointer to the next level: N, PBMT, A, D and U are reserved here. */
            if (level == 0 || (pte & (PTE_N | PTE_PBMT | PTE_A | PTE_D | PTE_U)))
                return raise_fault(h, page_fault_cause, acc, va);
            table = ppn << 12;
            if (level == 1)
                pwc_remember(h, va, table);
            continue;
        }

        /* Leaf: permissions. */
        bool ok;
        if (acc == TLB_EXEC)
            ok = pte & PTE_X;
        else if (acc == TLB_READ)
            ok = (pte & PTE_R) || (mxr && (pte & PTE_X));
        else
            ok = pte & PTE_W;
        if (priv == PRIV_U)
            ok = ok && (pte & PTE_U);
        else if (pte & PTE_U)
            ok = ok && sum && acc != TLB_EXEC;
        if (!ok)
            return raise_fault(h, page_fault_cause, acc, va);

        uint64_t level_mask = (1ull << (9 * level)) - 1;
        if (ppn & level_mask)
            return raise_fault(h, page_fault_cause, acc, va); /* misaligned superpage */
        if (pte & PTE_N) {
            /* Svnapot: only 64 KiB (ppn[3:0] = 1000) at level 0 is defined. */
            if (level != 0 || (ppn & 0xf) != 0x8)
                return raise_fault(h, page_fault_cause, acc, va);
            ppn = (ppn & ~0xfull) | ((va >> 12) & 0xf);
        }

        uint64_t want = PTE_A | (acc == TLB_WRITE ? PTE_D : 0);
        if ((pte & want) != want) {
            if (!__atomic_compare_exchange_n(slot, &pte, pte | want, false, __ATOMIC_ACQ_REL,
                                             __ATOMIC_ACQUIRE))
                goto restart;
        }

        if (level > 0 || (pte & PTE_N)) {
            h->walk_span_shift = (pte & PTE_N) ? 16 : (uint8_t)(12 + 9 * level);
        }
        uint64_t offset_mask = (1ull << (12 + 9 * level)) - 1;
        *pa = ((ppn << 12) & ~offset_mask) | (va & offset_mask);
        return 0;
    }
    return raise_fault(h, page_fault_cause, acc, va);
}

/* ---- TLB ---- */

#define TLB_ENTRIES_PER_IDX (TLB_ACCESS_COUNT * TLB_SIZE)

static struct tlb_entry *tlb_flat(struct hart *h, unsigned flat)
{
    return &h->tlb[0][0][0] + flat;
}

static uint8_t *tlb_flat_span_shift(struct hart *h, unsigned flat)
{
    return &h->tlb_span_shift[0][0][0] + flat;
}

/*
 * Visits the entries with flat index in [first, end) (multiples of 64) filled
 * since the last whole flush; `drop` returns whether to invalidate the entry,
 * which also forgets it.
 */
static void tlb_scan_filled(struct hart *h, unsigned first, unsigned end,
                            bool (*drop)(struct hart *h, unsigned flat, void *arg), void *arg)
{
    for (unsigned w = first / 64; w < end / 64; w++) {
        uint64_t bits = h->tlb_filled[w];
        while (bits) {
            unsigned flat = w * 64 + (unsigned)__builtin_ctzll(bits);
            bits &= bits - 1;
            if (tlb_flat(h, flat)->tag == TLB_TAG_INVALID || drop(h, flat, arg)) {
                tlb_flat(h, flat)->tag = TLB_TAG_INVALID;
                h->tlb_filled[w] &= ~(1ull << (flat % 64));
            }
        }
    }
}

static bool drop_always(struct hart *h, unsigned flat, void *arg)
{
    (void)h, (void)flat, (void)arg;
    return true;
}

void tlb_flush_all(struct hart *h)
{
    pwc_flush(h);
    memset(h->tlb, 0xff, sizeof(h->tlb));
    memset(h->tlb_filled, 0, sizeof(h->tlb_filled));
    h->tlb_has_superpage = false;
    hart_jcache_flush(h);
    h->stats.tlb_full_flushes++;
}

/* The contexts below MMU_M come first in the table: a prefix of the flat indexes. */
void tlb_flush_translated(struct hart *h)
{
    pwc_flush(h);
    tlb_scan_filled(h, 0, MMU_M * TLB_ENTRIES_PER_IDX, drop_always, NULL);
    h->tlb_has_superpage = false;
    hart_jcache_flush(h);
    h->stats.tlb_full_flushes++;
}

struct span_flush {
    uint64_t va;
    unsigned widest; /* the largest span shift dropped */
};

/* A superpage entry (span above a page) whose mapping covers the va. */
static bool drop_if_span_covers(struct hart *h, unsigned flat, void *arg)
{
    struct span_flush *f = arg;
    unsigned shift = *tlb_flat_span_shift(h, flat);
    if (shift <= GUEST_PAGE_SHIFT || ((tlb_flat(h, flat)->tag ^ f->va) >> shift) != 0)
        return false;
    if (shift > f->widest)
        f->widest = shift;
    return true;
}

/*
 * sfence.vma with an address: every entry whose mapping covers va. Entries are
 * per 4 KiB page, so a superpage leaves entries in many slots: once any
 * superpage was cached, the filled entries are checked against their mapping's
 * span.
 */
void tlb_flush_va(struct hart *h, uint64_t va)
{
    uint64_t tag = va & GUEST_PAGE_MASK;
    unsigned slot = (va >> GUEST_PAGE_SHIFT) & (TLB_SIZE - 1);
    struct span_flush f = { va, GUEST_PAGE_SHIFT };

    pwc_flush(h);
    for (unsigned idx = 0; idx < MMU_M; idx++)
        for (unsigned acc = 0; acc < TLB_ACCESS_COUNT; acc++)
            if (h->tlb[idx][acc][slot].tag == tag)
                h->tlb[idx][acc][slot].tag = TLB_TAG_INVALID;
    /* Linux flushes one user page after each fault; its superpages are the kernel's. */
    if (h->tlb_has_superpage && va >= h->superpage_lo && va <= h->superpage_last)
        tlb_scan_filled(h, 0, MMU_M * TLB_ENTRIES_PER_IDX, drop_if_span_covers, &f);
    hart_jcache_flush_range(h, va, f.widest);
    h->stats.tlb_flushes++;
}

static bool drop_if_write_to_page(struct hart *h, unsigned flat, void *arg)
{
    return (flat % TLB_ENTRIES_PER_IDX) / TLB_SIZE == TLB_WRITE &&
           tlb_flat(h, flat)->pa_page == *(const uint64_t *)arg;
}

void tlb_drop_write_mappings(struct hart *h, uint64_t pa_page)
{
    tlb_scan_filled(h, 0, MMU_IDX_COUNT * TLB_ENTRIES_PER_IDX, drop_if_write_to_page, &pa_page);
}

/* Fill the entry for va -> pa when the whole page may be mapped for `acc`. */
static void tlb_fill(struct hart *h, unsigned idx, enum tlb_access acc, uint64_t va, uint64_t pa)
{
    uint64_t pa_page = pa & GUEST_PAGE_MASK;
    struct mem_region *r = bus_find_mem(&h->machine->bus, pa_page, GUEST_PAGE_SIZE);

    if (!r || !pmp_allows(h, pa_page, GUEST_PAGE_SIZE, acc, idx_priv(idx)))
        return;
    uint64_t page = mem_page_index(r, pa_page);
    if (acc == TLB_WRITE &&
        (r->readonly || __atomic_load_n(&r->code_page[page], __ATOMIC_ACQUIRE)))
        return;

    unsigned slot = (va >> GUEST_PAGE_SHIFT) & (TLB_SIZE - 1);
    unsigned flat = (idx * TLB_ACCESS_COUNT + acc) * TLB_SIZE + slot;
    struct tlb_entry *e = &h->tlb[idx][acc][slot];
    e->tag = va & GUEST_PAGE_MASK;
    h->tlb_span_shift[idx][acc][slot] = h->walk_span_shift;
    h->tlb_filled[flat / 64] |= 1ull << (flat % 64);
    if (h->walk_span_shift > GUEST_PAGE_SHIFT) {
        uint64_t span = 1ull << h->walk_span_shift;
        uint64_t lo = va & ~(span - 1);
        if (!h->tlb_has_superpage || lo < h->superpage_lo)
            h->superpage_lo = lo;
        if (!h->tlb_has_superpage || lo + (span - 1) > h->superpage_last)
            h->superpage_last = lo + (span - 1); /* inclusive: the top page would wrap */
        h->tlb_has_superpage = true;
    }
    e->addend = (uintptr_t)(r->host + (pa_page - r->base)) - (va & GUEST_PAGE_MASK);
    e->pa_page = pa_page;
    e->page_gen = &r->page_gen[page];
}

struct tlb_entry *mmu_fill_fetch(struct hart *h, uint64_t va)
{
    unsigned idx = h->fetch_idx;
    uint64_t pa;

    h->stats.tlb_misses++;
    if (mmu_translate(h, va, TLB_EXEC, idx, &pa))
        return NULL;
    if (!bus_find_mem(&h->machine->bus, pa, 2) || !pmp_allows(h, pa, 2, TLB_EXEC, idx_priv(idx))) {
        hart_raise(h, EXC_INSN_ACCESS, va);
        return NULL;
    }
    tlb_fill(h, idx, TLB_EXEC, va, pa);
    struct tlb_entry *e = &h->tlb[idx][TLB_EXEC][(va >> GUEST_PAGE_SHIFT) & (TLB_SIZE - 1)];
    if (e->tag != (va & GUEST_PAGE_MASK)) {
        /* PMP splits this page: no cached mapping. Fetching from it is not supported. */
        hart_raise(h, EXC_INSN_ACCESS, va);
        return NULL;
    }
    return e;
}

/*
 * A store to a page holding decoded code: its blocks go stale, and so does the
 * jump cache, which translated code follows without checking generations
 * (see jit.c). Other writers (devices, other harts) are seen at fence.i.
 */
static void note_code_write(struct hart *h, struct mem_region *r, uint64_t pa)
{
    mem_note_code_write(r, pa);
    hart_jcache_flush(h);
}

/* One access that lies within a page. */
static int access_in_page(struct hart *h, uint64_t va, unsigned size, enum tlb_access acc,
                          uint64_t *value)
{
    unsigned idx = h->data_idx;
    uint64_t pa;

    if (mmu_translate(h, va, acc, idx, &pa))
        return -1;
    if (!pmp_allows(h, pa, size, acc, idx_priv(idx)))
        return raise_fault(h, access_fault_cause, acc, va);

    struct bus *bus = &h->machine->bus;
    struct mem_region *r = bus_find_mem(bus, pa, size);
    if (r) {
        uint8_t *host = r->host + (pa - r->base);
        if (acc == TLB_READ) {
            *value = mem_load_sized(host, size);
        } else {
            if (r->readonly)
                return raise_fault(h, access_fault_cause, acc, va);
            if (__atomic_load_n(&r->code_page[mem_page_index(r, pa)], __ATOMIC_ACQUIRE))
                note_code_write(h, r, pa);
            mem_store_sized(host, size, *value);
        }
        tlb_fill(h, idx, acc, va, pa);
        return 0;
    }
    int err = acc == TLB_READ ? bus_read(bus, pa, size, value) : bus_write(bus, pa, size, *value);
    if (err)
        return raise_fault(h, access_fault_cause, acc, va);
    return 0;
}

static bool crosses_page(uint64_t va, unsigned size)
{
    return (va & (GUEST_PAGE_SIZE - 1)) + size > GUEST_PAGE_SIZE;
}

int mmu_load_slow(struct hart *h, uint64_t va, unsigned size, uint64_t *value)
{
    h->stats.tlb_misses++;
    if (likely(!crosses_page(va, size)))
        return access_in_page(h, va, size, TLB_READ, value);

    /* Misaligned across a page boundary: byte by byte, little-endian. */
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint64_t byte;
        if (access_in_page(h, va + i, 1, TLB_READ, &byte))
            return -1;
        v |= (byte & 0xff) << (8 * i);
    }
    *value = v;
    return 0;
}

int mmu_store_slow(struct hart *h, uint64_t va, unsigned size, uint64_t value)
{
    h->stats.tlb_misses++;
    if (likely(!crosses_page(va, size)))
        return access_in_page(h, va, size, TLB_WRITE, &value);

    /* Check both pages before writing anything, so a fault leaves memory untouched. */
    uint64_t second = (va + size - 1) & GUEST_PAGE_MASK;
    uint64_t pa;
    if (mmu_translate(h, va, TLB_WRITE, h->data_idx, &pa) ||
        mmu_translate(h, second, TLB_WRITE, h->data_idx, &pa))
        return -1;
    for (unsigned i = 0; i < size; i++) {
        uint64_t byte = value >> (8 * i);
        if (access_in_page(h, va + i, 1, TLB_WRITE, &byte))
            return -1;
    }
    return 0;
}

void *mmu_atomic_ptr(struct hart *h, uint64_t va, unsigned size, bool for_write)
{
    enum tlb_access acc = for_write ? TLB_WRITE : TLB_READ;
    unsigned idx = h->data_idx;
    uint64_t pa;

    if (va & (size - 1)) {
        hart_raise(h, for_write ? EXC_STORE_MISALIGNED : EXC_LOAD_MISALIGNED, va);
        return NULL;
    }
    struct tlb_entry *e = &h->tlb[idx][acc][(va >> GUEST_PAGE_SHIFT) & (TLB_SIZE - 1)];
    if (likely(e->tag == (va & GUEST_PAGE_MASK)))
        return (void *)(e->addend + va);

    h->stats.tlb_misses++;
    if (mmu_translate(h, va, acc, idx, &pa))
        return NULL;
    struct mem_region *r = bus_find_mem(&h->machine->bus, pa, size);
    if (!r || (for_write && r->readonly) || !pmp_allows(h, pa, size, acc, idx_priv(idx)) ||
        (for_write && !pmp_allows(h, pa, size, TLB_READ, idx_priv(idx)))) {
        raise_fault(h, access_fault_cause, acc, va);
        return NULL;
    }
    if (for_write && __atomic_load_n(&r->code_page[mem_page_index(r, pa)], __ATOMIC_ACQUIRE))
        note_code_write(h, r, pa);
    tlb_fill(h, idx, acc, va, pa);
    return r->host + (pa - r->base);
}

/*
 * test_tlb.c - the MMU and software TLB: Sv39/Sv48 walks, A/D updates, permission
 * faults with their causes and tval, refill on miss, flushes, the rule that pages
 * holding code are never mapped for fast writes, and the miss/flush counters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cpu/hart.h"
#include "cpu/mmu.h"

#define RAM 0x80000000ull
#define ROOT (RAM + 0x1000)
#define L1 (RAM + 0x2000)
#define L0 (RAM + 0x3000)
#define DATA_PA (RAM + 0x10000)
#define VA 0x40000000ull

#define V 1ull
#define R 2ull
#define W 4ull
#define X 8ull
#define U 16ull
#define A 64ull
#define D 128ull

struct fixture {
    struct machine m;
    struct hart h;
};

static uint64_t pte(uint64_t pa, uint64_t flags) { return ((pa >> 12) << 10) | flags; }

static void put64(struct fixture *f, uint64_t pa, uint64_t v)
{
    assert_int_equal(bus_copy_to_guest(&f->m.bus, pa, &v, 8), 0);
}

static uint64_t get64(struct fixture *f, uint64_t pa)
{
    uint64_t v;
    assert_int_equal(bus_copy_from_guest(&f->m.bus, &v, pa, 8), 0);
    return v;
}

static int setup(void **state)
{
    static struct fixture f;
    memset(&f, 0, sizeof(f));
    assert_int_equal(machine_init(&f.m, NULL, 1), 0);
    clock_init(&f.m.clock, CLOCK_ICOUNT);
    assert_int_equal(bus_add_mem(&f.m.bus, "dram", RAM, 16 << 20, false), 0);
    assert_int_equal(hart_init(&f.h, &f.m, 0), 0);
    hart_reset(&f.h, RAM);
    /* PMP entry 0 grants everything to S and U, as firmware does. */
    f.h.pmpaddr[0] = (1ull << 54) - 1;
    f.h.pmpcfg[0] = 0x18 | 7;
    /* Sv39: VA 0x40000000 -> DATA_PA through three levels; VA + 0x1000 read-only; + 0x2000 user. */
    put64(&f, ROOT + 1 * 8, pte(L1, V));
    put64(&f, L1 + 0 * 8, pte(L0, V));
    put64(&f, L0 + 0 * 8, pte(DATA_PA, V | R | W));
    put64(&f, L0 + 1 * 8, pte(DATA_PA + 0x1000, V | R | A));
    put64(&f, L0 + 2 * 8, pte(DATA_PA + 0x2000, V | R | W | U));
    f.h.satp = (8ull << 60) | (ROOT >> 12);
    hart_set_priv(&f.h, PRIV_S);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    machine_destroy(&f->m);
    return 0;
}

static struct tlb_entry *entry(struct hart *h, unsigned acc, uint64_t va)
{
    return &h->tlb[h->data_idx][acc][(va >> 12) & (TLB_SIZE - 1)];
}

static void test_walk_sets_accessed_then_dirty(void **state)
{
    struct fixture *f = *state;
    uint64_t v;

    put64(f, DATA_PA + 8, 0x1122334455667788ull);
    assert_int_equal(mmu_load_slow(&f->h, VA + 8, 8, &v), 0);
    assert_int_equal(v, 0x1122334455667788ull);
    assert_true(get64(f, L0) & A);
    assert_false(get64(f, L0) & D);

    assert_int_equal(mmu_store_slow(&f->h, VA + 16, 4, 0xdeadbeef), 0);
    assert_true(get64(f, L0) & D);
    assert_int_equal(get64(f, DATA_PA + 16) & 0xffffffff, 0xdeadbeef);
}

static void test_refill_then_hit_pointer(void **state)
{
    struct fixture *f = *state;
    uint64_t v;
    uint64_t misses = f->h.stats.tlb_misses;

    assert_int_equal(mmu_load_slow(&f->h, VA + 0x100, 4, &v), 0);
    assert_int_equal(f->h.stats.tlb_misses, misses + 1);
    struct tlb_entry *e = entry(&f->h, TLB_READ, VA);
    assert_int_equal(e->tag, VA);
    assert_int_equal(e->pa_page, DATA_PA);
    /* The hit path: host = va + addend, and it is the guest's DATA_PA byte. */
    uint8_t *host = (uint8_t *)(e->addend + VA + 0x40);
    *host = 0x5a;
    assert_int_equal(get64(f, DATA_PA + 0x40) & 0xff, 0x5a);
}

static void test_flushes(void **state)
{
    struct fixture *f = *state;
    uint64_t v;

    assert_int_equal(mmu_load_slow(&f->h, VA, 8, &v), 0);
    uint64_t flushes = f->h.stats.tlb_flushes;
    tlb_flush_va(&f->h, VA + 0x123);
    assert_int_equal(entry(&f->h, TLB_READ, VA)->tag, TLB_TAG_INVALID);
    assert_int_equal(f->h.stats.tlb_flushes, flushes + 1);

    assert_int_equal(mmu_load_slow(&f->h, VA, 8, &v), 0);
    tlb_flush_translated(&f->h);
    assert_int_equal(entry(&f->h, TLB_READ, VA)->tag, TLB_TAG_INVALID);

    /* A changed PTE is seen after the flush (sfence.vma semantics). */
    put64(f, L0, pte(DATA_PA + 0x3000, V | R | W | A | D));
    put64(f, DATA_PA + 0x3000, 77);
    assert_int_equal(mmu_load_slow(&f->h, VA, 8, &v), 0);
    assert_int_equal(v, 77);
}

/* Whole flushes visit only the entries filled since the last one (a bitmap):
 * every such entry must go, in every translated context, across repeated
 * flushes, while the untranslated M-mode context keeps its entries. */
static void test_whole_flush_drops_every_filled_entry(void **state)
{
    struct fixture *f = *state;
    uint64_t v;

    hart_set_priv(&f->h, PRIV_M);
    assert_int_equal(mmu_load_slow(&f->h, DATA_PA, 8, &v), 0);
    struct tlb_entry *m_entry = entry(&f->h, TLB_READ, DATA_PA);
    assert_int_equal(m_entry->tag, DATA_PA);
    hart_set_priv(&f->h, PRIV_S);

    for (int round = 0; round < 3; round++) {
        assert_int_equal(mmu_load_slow(&f->h, VA, 8, &v), 0);
        assert_int_equal(mmu_store_slow(&f->h, VA + 8, 8, 3), 0);
        assert_int_equal(mmu_load_slow(&f->h, VA + 0x1000, 8, &v), 0);
        assert_int_equal(entry(&f->h, TLB_READ, VA)->tag, VA);
        assert_int_equal(entry(&f->h, TLB_WRITE, VA)->tag, VA);
        assert_int_equal(entry(&f->h, TLB_READ, VA + 0x1000)->tag, VA + 0x1000);
        uint64_t whole = f->h.stats.tlb_full_flushes;
        tlb_flush_translated(&f->h);
        assert_int_equal(f->h.stats.tlb_full_flushes, whole + 1);
        assert_int_equal(entry(&f->h, TLB_READ, VA)->tag, TLB_TAG_INVALID);
        assert_int_equal(entry(&f->h, TLB_WRITE, VA)->tag, TLB_TAG_INVALID);
        assert_int_equal(entry(&f->h, TLB_READ, VA + 0x1000)->tag, TLB_TAG_INVALID);
        assert_int_equal(m_entry->tag, DATA_PA);
    }
    tlb_flush_all(&f->h);
    assert_int_equal(m_entry->tag, TLB_TAG_INVALID);
}

/* The walk cache keeps the level-0 table of the last walk; a changed non-leaf
 * entry is seen after sfence.vma, by address or whole. */
static void test_walk_cache_follows_sfence(void **state)
{
    struct fixture *f = *state;
    const uint64_t l0b = RAM + 0x5000, other = DATA_PA + 0x4000;
    uint64_t v;

    put64(f, DATA_PA, 11);
    put64(f, other, 22);
    put64(f, l0b, pte(other, V | R | W | A | D));
    assert_int_equal(mmu_load_slow(&f->h, VA, 8, &v), 0);
    assert_int_equal(v, 11);
    assert_int_equal(mmu_load_slow(&f->h, VA + 0x1000, 8, &v), 0); /* through the cached table */

    put64(f, L1, pte(l0b, V)); /* the same 2 MiB now go through another level-0 table */
    tlb_flush_va(&f->h, VA);
    assert_int_equal(mmu_load_slow(&f->h, VA, 8, &v), 0);
    assert_int_equal(v, 22);

    put64(f, L1, pte(L0, V));
    tlb_flush_translated(&f->h);
    assert_int_equal(mmu_load_slow(&f->h, VA, 8, &v), 0);
    assert_int_equal(v, 11);
}

static void test_page_faults_have_cause_and_tval(void **state)
{
    struct fixture *f = *state;
    uint64_t v;

    /* unmapped */
    assert_int_equal(mmu_load_slow(&f->h, VA + 0x5008, 8, &v), -1);
    assert_int_equal(f->h.exc_cause, EXC_LOAD_PAGE_FAULT);
    assert_int_equal(f->h.exc_tval, VA + 0x5008);
    /* store to a read-only page */
    assert_int_equal(mmu_store_slow(&f->h, VA + 0x1010, 8, 1), -1);
    assert_int_equal(f->h.exc_cause, EXC_STORE_PAGE_FAULT);
    assert_int_equal(f->h.exc_tval, VA + 0x1010);
    /* a U page from S without SUM faults; with SUM it works */
    assert_int_equal(mmu_load_slow(&f->h, VA + 0x2000, 8, &v), -1);
    assert_int_equal(f->h.exc_cause, EXC_LOAD_PAGE_FAULT);
    f->h.mstatus |= MSTATUS_SUM;
    csr_update_mmu_idx(&f->h);
    assert_int_equal(f->h.data_idx, MMU_S_SUM);
    assert_int_equal(mmu_load_slow(&f->h, VA + 0x2000, 8, &v), 0);
    /* non-canonical address */
    assert_int_equal(mmu_load_slow(&f->h, 0x0000800000000000ull, 8, &v), -1);
    assert_int_equal(f->h.exc_cause, EXC_LOAD_PAGE_FAULT);
    /* the S page from U faults */
    hart_set_priv(&f->h, PRIV_U);
    assert_int_equal(mmu_load_slow(&f->h, VA, 8, &v), -1);
    assert_int_equal(f->h.exc_cause, EXC_LOAD_PAGE_FAULT);
    assert_int_equal(mmu_load_slow(&f->h, VA + 0x2000, 8, &v), 0);
}

static void test_misaligned_superpage_faults(void **state)
{
    struct fixture *f = *state;
    uint64_t v;

    /* A 2 MiB leaf at level 1 whose PPN is not 2 MiB aligned is reserved. */
    put64(f, L1 + 1 * 8, pte(DATA_PA, V | R | W | A | D));
    assert_int_equal(mmu_load_slow(&f->h, VA + 0x200000, 8, &v), -1);
    assert_int_equal(f->h.exc_cause, EXC_LOAD_PAGE_FAULT);
    /* An aligned one works, and the offset within it comes from the VA. */
    put64(f, L1 + 1 * 8, pte(RAM + 0x200000, V | R | W | A | D));
    put64(f, RAM + 0x200000 + 0x12340, 99);
    assert_int_equal(mmu_load_slow(&f->h, VA + 0x200000 + 0x12340, 8, &v), 0);
    assert_int_equal(v, 99);
}

static void test_sv48_walk(void **state)
{
    struct fixture *f = *state;
    uint64_t v;
    uint64_t root4 = RAM + 0x4000;

    /* Sv48: the Sv39 root becomes level 2 under a new level-3 root. */
    put64(f, root4 + 0 * 8, pte(ROOT, V));
    f->h.satp = (9ull << 60) | (root4 >> 12);
    tlb_flush_translated(&f->h);
    put64(f, DATA_PA, 4848);
    assert_int_equal(mmu_load_slow(&f->h, VA, 8, &v), 0);
    assert_int_equal(v, 4848);
    /* Under Sv48, bit 47 must be sign-extended: 0x0000_8000_0000_0000 is non-canonical. */
    assert_int_equal(mmu_load_slow(&f->h, 0x0000800000000000ull, 8, &v), -1);
}

static void test_code_pages_never_get_fast_writes(void **state)
{
    struct fixture *f = *state;
    struct mem_region *r = bus_find_mem(&f->m.bus, DATA_PA, 1);
    uint64_t page = mem_page_index(r, DATA_PA);

    assert_int_equal(mmu_store_slow(&f->h, VA, 8, 1), 0);
    assert_int_equal(entry(&f->h, TLB_WRITE, VA)->tag, VA); /* plain data: fast write entry */

    r->code_page[page] = 1;
    tlb_drop_write_mappings(&f->h, DATA_PA);
    assert_int_equal(entry(&f->h, TLB_WRITE, VA)->tag, TLB_TAG_INVALID);

    uint32_t gen = r->page_gen[page];
    assert_int_equal(mmu_store_slow(&f->h, VA + 8, 8, 2), 0);
    assert_int_equal(r->page_gen[page], gen + 1); /* decoded code of this page went stale */
    assert_int_equal(r->code_page[page], 0);
}

static void test_pmp_denies_s_mode_without_entry(void **state)
{
    struct fixture *f = *state;
    uint64_t v;

    f->h.pmpcfg[0] = 0;
    tlb_flush_all(&f->h);
    assert_int_equal(mmu_load_slow(&f->h, VA, 8, &v), -1);
    /* the walk's own PTE read is checked first: an access fault of the access's type */
    assert_int_equal(f->h.exc_cause, EXC_LOAD_ACCESS);
    /* M-mode is allowed when no entry matches */
    hart_set_priv(&f->h, PRIV_M);
    assert_int_equal(mmu_load_slow(&f->h, DATA_PA, 8, &v), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_walk_sets_accessed_then_dirty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refill_then_hit_pointer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flushes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_whole_flush_drops_every_filled_entry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_walk_cache_follows_sfence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_faults_have_cause_and_tval, setup, teardown),
        cmocka_unit_test_setup_teardown(test_misaligned_superpage_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sv48_walk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_code_pages_never_get_fast_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pmp_denies_s_mode_without_entry, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

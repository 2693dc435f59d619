/* blocks.c - the per-hart decode cache (see blocks.h). */
#include "interp/blocks.h"

#include <stdlib.h>
#include <string.h>

#include "cpu/mmu.h"
#include "interp/interp.h"
#include "lib/compiler.h"

#define BLOCK_HASH_BITS 14
#define BLOCK_HASH_SIZE (1u << BLOCK_HASH_BITS)

struct block_cache {
    uint8_t *arena;
    size_t size, used;
    struct block *table[BLOCK_HASH_SIZE];
    /* An instruction that straddles two pages is decoded here, never cached:
     * its second half may map elsewhere next time. */
    struct block *scratch;
};

static size_t block_bytes(unsigned ninsns)
{
    return (sizeof(struct block) + (ninsns + 1) * sizeof(struct insn) + 15) & ~(size_t)15;
}

struct block_cache *blocks_create(size_t arena_bytes)
{
    struct block_cache *bc = calloc(1, sizeof(*bc));
    if (!bc)
        return NULL;
    bc->arena = malloc(arena_bytes);
    bc->scratch = calloc(1, block_bytes(1));
    if (!bc->arena || !bc->scratch) {
        blocks_destroy(bc);
        return NULL;
    }
    bc->size = arena_bytes;
    return bc;
}

void blocks_destroy(struct block_cache *bc)
{
    if (!bc)
        return;
    free(bc->arena);
    free(bc->scratch);
    free(bc);
}

void blocks_flush(struct hart *h)
{
    struct block_cache *bc = h->blocks;
    bc->used = 0;
    memset(bc->table, 0, sizeof(bc->table));
    hart_jcache_flush(h);
    if (h->translator)
        h->translator->flush(h->translator);
}

static unsigned block_hash(uint64_t pa)
{
    return (unsigned)((pa >> 1) ^ (pa >> (1 + BLOCK_HASH_BITS))) & (BLOCK_HASH_SIZE - 1);
}

static struct block *blocks_lookup(struct hart *h, struct block_cache *bc, uint64_t pa)
{
    struct block **link = &bc->table[block_hash(pa)];
    for (struct block *b = *link; b; link = &b->next, b = b->next) {
        if (b->pa != pa)
            continue;
        if (likely(b->gen == __atomic_load_n(b->page_gen, __ATOMIC_ACQUIRE)))
            return b;
        *link = b->next; /* stale: its page was written; drop it (and its translation) */
        h->stats.blocks_invalidated++;
        return NULL;
    }
    return NULL;
}

/* Mark the page as holding code so stores to it take the slow, invalidating path. */
static void mark_code_page(struct hart *h, uint64_t pa)
{
    struct mem_region *r = bus_find_mem(&h->machine->bus, pa, 1);
    if (!r || r->readonly)
        return;
    uint64_t page = mem_page_index(r, pa);
    if (__atomic_load_n(&r->code_page[page], __ATOMIC_ACQUIRE))
        return;
    __atomic_store_n(&r->code_page[page], 1, __ATOMIC_RELEASE);
    tlb_drop_write_mappings(h, pa & GUEST_PAGE_MASK);
}

static struct block *decode_straddling(struct hart *h, uint64_t pc, uint16_t low_half)
{
    uint64_t next_page = (pc + 2);
    struct tlb_entry *e2 = &h->tlb[h->fetch_idx][TLB_EXEC][(next_page >> GUEST_PAGE_SHIFT) &
                                                           (TLB_SIZE - 1)];
    if (e2->tag != (next_page & GUEST_PAGE_MASK) && !(e2 = mmu_fill_fetch(h, next_page)))
        return NULL;
    uint16_t high_half;
    memcpy(&high_half, (void *)(e2->addend + next_page), 2);

    struct block *b = h->blocks->scratch;
    b->pa = ~0ull;
    b->ninsns = 1;
    b->jit_code = NULL;
    b->exec_count = 0;
    insn_decode(((uint32_t)high_half << 16) | low_half, &b->insns[0]);
    b->insns[1] = (struct insn){ .op = OP_BLOCK_END };
    return b;
}

struct block *blocks_get(struct hart *h, uint64_t pc, struct tlb_entry *e)
{
    struct block_cache *bc = h->blocks;
    uint64_t pa = e->pa_page | (pc & (GUEST_PAGE_SIZE - 1));
    struct block *b = blocks_lookup(h, bc, pa);
    if (likely(b))
        return b;

    if (bc->used + block_bytes(BLOCK_MAX_INSNS) > bc->size) {
        blocks_flush(h);
        h->stats.block_cache_flushes++;
    }

    mark_code_page(h, pa);
    b = (struct block *)(void *)(bc->arena + bc->used);
    b->pa = pa;
    b->page_gen = e->page_gen;
    b->gen = __atomic_load_n(e->page_gen, __ATOMIC_ACQUIRE);

    const uint8_t *host = (const uint8_t *)(e->addend + pc);
    unsigned offset = pc & (GUEST_PAGE_SIZE - 1);
    unsigned n = 0;
    while (n < BLOCK_MAX_INSNS && offset < GUEST_PAGE_SIZE) {
        uint16_t low;
        memcpy(&low, host, 2);
        unsigned len = insn_length(low);
        if (offset + len > GUEST_PAGE_SIZE) {
            if (n == 0)
                return decode_straddling(h, pc, low);
            break;
        }
        uint32_t bits = low;
        if (len == 4) {
            uint16_t high;
            memcpy(&high, host + 2, 2);
            bits |= (uint32_t)high << 16;
        }
        insn_decode(bits, &b->insns[n]);
        bool ends = insn_flags[b->insns[n].op] & INSN_END;
        n++;
        host += len;
        offset += len;
        if (ends)
            break;
    }
    b->ninsns = n;
    b->bytes = (uint32_t)(host - (const uint8_t *)(e->addend + pc));
    b->jit_code = NULL;
    b->exec_count = 0;
    b->insns[n] = (struct insn){ .op = OP_BLOCK_END };
    bc->used += block_bytes(n);

    unsigned slot = block_hash(pa);
    b->next = bc->table[slot];
    bc->table[slot] = b;
    h->stats.blocks_decoded++;
    return b;
}

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
    if (!bc->arena) {
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

static struct block *blocks_lookup(struct hart *h, struct block_cache *bc, uint64_t pa,
                                   uint64_t pa2)
{
    struct block **link = &bc->table[block_hash(pa)];
    for (struct block *b = *link; b; link = &b->next, b = b->next) {
        if (b->pa != pa || b->pa2 != pa2)
            continue;
        if (likely(block_is_current(b)))
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

/* A new block at `pa`, its instructions still to decode, in the arena (flushed first if full). */
static struct block *block_new(struct hart *h, uint64_t pa, const struct tlb_entry *e)
{
    struct block_cache *bc = h->blocks;
    if (bc->used + block_bytes(BLOCK_MAX_INSNS) > bc->size) {
        blocks_flush(h);
        h->stats.block_cache_flushes++;
    }
    mark_code_page(h, pa);
    struct block *b = (struct block *)(void *)(bc->arena + bc->used);
    b->pa = pa;
    b->page_gen = e->page_gen;
    b->gen = __atomic_load_n(e->page_gen, __ATOMIC_ACQUIRE);
    b->pa2 = BLOCK_ONE_PAGE;
    b->page_gen2 = b->page_gen;
    b->gen2 = b->gen;
    b->jit_code = NULL;
    b->jit_user = false;
    b->exec_count = 0;
    return b;
}

/* Ends b after n instructions and adds it to the cache. */
static struct block *block_commit(struct hart *h, struct block *b, unsigned n, uint32_t bytes)
{
    struct block_cache *bc = h->blocks;
    b->ninsns = n;
    b->bytes = bytes;
    b->insns[n] = (struct insn){ .op = OP_BLOCK_END };
    bc->used += block_bytes(n);
    unsigned slot = block_hash(b->pa);
    b->next = bc->table[slot];
    bc->table[slot] = b;
    h->stats.blocks_decoded++;
    return b;
}

struct block *blocks_get(struct hart *h, uint64_t pc, struct tlb_entry *e)
{
    uint64_t pa = e->pa_page | (pc & (GUEST_PAGE_SIZE - 1));
    const uint8_t *host = (const uint8_t *)(e->addend + pc);
    uint16_t low;
    memcpy(&low, host, 2);

    /* A 4-byte instruction in the page's last two bytes: its second half is
     * on the next page, wherever that maps now. */
    struct tlb_entry *e2 = NULL;
    uint64_t pa2 = BLOCK_ONE_PAGE;
    if ((pc & (GUEST_PAGE_SIZE - 1)) == GUEST_PAGE_SIZE - 2 && insn_length(low) == 4) {
        uint64_t next_page = pc + 2;
        e2 = &h->tlb[h->fetch_idx][TLB_EXEC][(next_page >> GUEST_PAGE_SHIFT) & (TLB_SIZE - 1)];
        if (e2->tag != (next_page & GUEST_PAGE_MASK) && !(e2 = mmu_fill_fetch(h, next_page)))
            return NULL;
        pa2 = e2->pa_page;
    }
    struct block *b = blocks_lookup(h, h->blocks, pa, pa2);
    if (likely(b))
        return b;

    b = block_new(h, pa, e);
    if (e2) {
        uint16_t high;
        memcpy(&high, (const void *)(e2->addend + pc + 2), 2);
        mark_code_page(h, pa2);
        b->pa2 = pa2;
        b->page_gen2 = e2->page_gen;
        b->gen2 = __atomic_load_n(e2->page_gen, __ATOMIC_ACQUIRE);
        insn_decode(((uint32_t)high << 16) | low, &b->insns[0]);
        return block_commit(h, b, 1, 4);
    }

    unsigned offset = pc & (GUEST_PAGE_SIZE - 1);
    unsigned n = 0;
    while (n < BLOCK_MAX_INSNS && offset < GUEST_PAGE_SIZE) {
        memcpy(&low, host, 2);
        unsigned len = insn_length(low);
        if (offset + len > GUEST_PAGE_SIZE)
            break; /* it starts a block of its own */
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
    return block_commit(h, b, n, (uint32_t)(host - (const uint8_t *)(e->addend + pc)));
}

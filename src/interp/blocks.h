/*
 * blocks.h - the decode cache: guest code decoded once per basic block.
 *
 * A block is a run of decoded instructions starting at a guest physical
 * address, ending at the first control-flow or context-changing instruction,
 * at a page boundary, or after BLOCK_MAX_INSNS. Blocks are keyed by physical
 * address (so every virtual alias shares one decode) and carry the generation
 * of their page: a store to the page bumps it and the block goes stale. An
 * instruction straddling two pages is a block of its own, keyed by both
 * physical pages (the second may be mapped elsewhere next time).
 * The cache is per hart (no locking); when its arena fills it is flushed whole.
 */
#ifndef RVMM_INTERP_BLOCKS_H
#define RVMM_INTERP_BLOCKS_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/hart.h"
#include "cpu/insn.h"

#define BLOCK_MAX_INSNS 64

/* A block's pa2 when all of it is on its first page. */
#define BLOCK_ONE_PAGE (~0ull)

struct block {
    uint64_t pa;
    uint32_t gen;       /* *page_gen when decoded */
    uint32_t ninsns;    /* guest instructions, not counting the OP_BLOCK_END terminator */
    uint32_t *page_gen;
    /* A block of one instruction that straddles two pages also depends on the
     * second: its physical page, or BLOCK_ONE_PAGE (then page_gen2 is page_gen). */
    uint64_t pa2;
    uint32_t *page_gen2;
    uint32_t gen2;
    struct block *next; /* hash chain */
    const void *jit_code; /* its translation (execute address), or NULL */
    bool jit_user;        /* the translation is for U-mode only (it indexes MMU_U's TLB) */
    uint32_t exec_count;  /* times interpreted: the translator's hotness counter */
    uint32_t bytes;       /* guest bytes covered, for the translator */
    struct insn insns[]; /* ninsns + 1 */
};

/* Whether no store has changed the block's code since it was decoded. */
static inline bool block_is_current(const struct block *b)
{
    return b->gen == __atomic_load_n(b->page_gen, __ATOMIC_ACQUIRE) &&
           b->gen2 == __atomic_load_n(b->page_gen2, __ATOMIC_ACQUIRE);
}

/* Whether b's translation may run in the hart's current mode. */
static inline bool block_translation_fits(const struct block *b, const struct hart *h)
{
    return !b->jit_user || h->fetch_idx == MMU_U;
}

struct block_cache *blocks_create(size_t arena_bytes);
void blocks_destroy(struct block_cache *bc);
/* Drops every decoded block, the hart's jump cache and every translation made
 * from the blocks (translated code points into them). */
void blocks_flush(struct hart *h);

/* The current block at `pc` (already translated: `e` is its exec TLB entry), decoding it if needed.
 * Returns NULL with an exception raised if fetching faults. */
struct block *blocks_get(struct hart *h, uint64_t pc, struct tlb_entry *e);

#endif

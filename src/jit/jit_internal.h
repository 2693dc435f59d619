/*
 * jit_internal.h - what the translator's runtime (jit.c) and its code
 * generator (translate.c) share.
 *
 * Translated code runs with RBX = the hart and h->pc = the guest pc of the
 * block it is in (so code is independent of the virtual address it runs at:
 * every pc-relative value is h->pc + an offset). It leaves through one of the
 * runtime's stubs, which return a JIT_EXIT_* to the dispatch loop.
 */
#ifndef RVMM_JIT_JIT_INTERNAL_H
#define RVMM_JIT_JIT_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "interp/blocks.h"
#include "jit/code_buffer.h"
#include "jit/jit.h"
#include "jit/x86_emit.h"

/*
 * Pinned registers: these guest registers live in these callee-saved host
 * registers for as long as translated code runs, across chained and looked-up
 * jumps between translations. The enter stub loads them from h->x and every
 * exit stub stores them back; inside a translation, only calls to helpers that
 * read or write h->x (interp_step) sync them. Other guest registers are cached
 * per translation (loaded on entry, written back on exit) or used in memory.
 */
#define JIT_PINNED 5
static const enum x86_reg jit_pinned_host[JIT_PINNED] = { X86_RBP, X86_R12, X86_R13, X86_R14,
                                                          X86_R15 };

/* A chainable exit: RAX holds the write address of the jump to patch. */
#define JIT_EXIT_CHAIN 2

/* The most code one trace can need (TRACE_MAX_INSNS instructions, hot and cold paths). */
#define JIT_MAX_BLOCK_BYTES (48u << 10)
#define JIT_INSN_ARENA (256u << 10) /* decoded instructions */

struct jit_stats {
    uint64_t blocks_translated;
    uint64_t bytes_emitted;
    uint64_t chains_linked;
    uint64_t lookup_misses; /* inline jump-cache lookups that went back to the loop */
    uint64_t flushes;
    uint64_t translate_ns;
};

struct jit {
    struct translator base; /* first: the dispatch loop sees only this */
    struct hart *h;
    struct code_buffer cb;
    /* Instructions the traces decode beyond their head block; step calls point
     * into it, so it lives and is reset with the code. */
    struct insn *insns;
    size_t insns_used, insns_cap;
    bool has_lzcnt_tzcnt, has_popcnt;
    bool fast_fp; /* FMA3 and the default MXCSR: F/D arithmetic may run inline (translate_fp.c) */
    /* The guest register in jit_pinned_host[k]: the ones gcc-compiled code
     * uses most (a5, a4, a3 as temporaries, s0, sp). */
    uint8_t pinned_guest[JIT_PINNED];

    /* Stubs at the start of the code buffer (execute addresses). */
    int (*enter_code)(struct hart *h, const void *code);
    const uint8_t *exit_normal;    /* return JIT_EXIT_NORMAL */
    const uint8_t *exit_exception; /* return JIT_EXIT_EXCEPTION */
    const uint8_t *exit_chain;     /* record RAX as the exit to link, return JIT_EXIT_CHAIN */
    const uint8_t *lookup_miss;    /* count a jump-cache miss, then exit_normal */

    /* The last chainable exit, linked if the very next block entered is its target. */
    uint8_t *pending_slot;
    uint64_t pending_pc, pending_instret, pending_epoch;
    uint64_t epoch; /* bumped by every flush */

    FILE *perf_map;
    struct jit_stats stats;
};

/* jit.c: the inline jump-cache lookup that ends indirect and cross-page exits;
 * RSI must hold h->pc. */
struct x86_buf;
void jit_emit_lookup_jump(struct jit *j, struct x86_buf *b);

/* translate.c: emits b's translation into the buffer at cb.used; returns its
 * size in bytes, or 0 if it did not fit. */
size_t jit_emit_block(struct jit *j, struct block *b);

#endif

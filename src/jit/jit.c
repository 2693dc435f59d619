/*
 * jit.c - the translator's runtime: its code cache and entry/exit stubs, the
 * hook into the dispatch loop (translate, enter, flush), chaining, the
 * indirect-jump lookup, the perf map and statistics. Code generation is in
 * translate.c.
 *
 * Chaining: an exit to a pc on the same guest page as its block is a 4-byte
 * aligned `jmp rel32` that first leads to the exit_chain stub. When the
 * dispatch loop's very next step is entering the translation of that pc (same
 * pc, nothing retired in between, no flush), the jump is patched to go there
 * directly. Same page means same physical page whatever virtual address the
 * code runs at, so the link stays right when mappings change; the target still
 * checks the interrupt poll on every entry.
 *
 * Stale code: translations do not check their page's generation on entry. The
 * dispatch loop does before entering one, and the jump cache, the only other
 * way in from another page, is flushed when the hart stores to a code page
 * and at every fence.i (which is what makes code written by a device or
 * another hart visible, as the ISA requires). A link joins translations of
 * one page, so a stale one is reached that way only from another stale one:
 * code already running before its page was written, which may run on until
 * fence.i.
 */
#include "jit/jit.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jit/jit_internal.h"
#include "jit/x86_emit.h"
#include "lib/compiler.h"
#include "lib/log.h"

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * Jumps to the translation of h->pc (also in RSI) if the jump cache knows it,
 * without going back to the loop; else exits to it. Emitted at every indirect
 * or cross-page exit, so each site's indirect jump has its own branch
 * prediction. When stale translations leave the cache: see the top of this file.
 */
void jit_emit_lookup_jump(struct jit *j, struct x86_buf *b)
{
    _Static_assert(sizeof(struct jcache_entry) == 32, "jcache index scaled by << 5");
    /* hart_jcache_index(pc) << 5 == ((pc ^ (pc >> FOLD)) << 4) & ((JCACHE_SIZE - 1) << 5) */
    x86_mov_rr(b, true, X86_RAX, X86_RSI);
    x86_shift_ri(b, X86_SHR, true, X86_RAX, JCACHE_FOLD_SHIFT);
    x86_alu_rr(b, X86_XOR, false, X86_RAX, X86_RSI);
    x86_shift_ri(b, X86_SHL, false, X86_RAX, 4);
    x86_alu_ri(b, X86_AND, false, X86_RAX, (JCACHE_SIZE - 1) << 5);
    x86_lea(b, true, X86_RAX, x86_mem_idx(X86_RBX, X86_RAX, 1, offsetof(struct hart, jcache)));
    x86_alu_rm(b, X86_CMP, true, X86_RSI, x86_mem(X86_RAX, offsetof(struct jcache_entry, pc)));
    uint8_t *miss1 = x86_jcc_rel32(b, X86_CC_NE);
    x86_load(b, 4, false, X86_RCX, x86_mem(X86_RBX, offsetof(struct hart, jcache_key)));
    x86_alu_rm(b, X86_CMP, false, X86_RCX, x86_mem(X86_RAX, offsetof(struct jcache_entry, key)));
    uint8_t *miss2 = x86_jcc_rel32(b, X86_CC_NE);
    /* An untranslated block's entry holds the lookup_miss stub. */
    x86_jmp_m(b, x86_mem(X86_RAX, offsetof(struct jcache_entry, code)));
    /* Only misses are counted: a hit costs no memory update. */
    if (miss1 && miss2) {
        x86_patch_rel32(miss1, b->exec_delta, j->lookup_miss);
        x86_patch_rel32(miss2, b->exec_delta, j->lookup_miss);
    }
}

/* Callee-saved registers the translated code may use, saved by the enter stub. */
static const enum x86_reg saved_regs[] = { X86_RBX, X86_RBP, X86_R12, X86_R13, X86_R14, X86_R15 };

static const uint8_t default_pinned[JIT_PINNED] = { 15, 14, 13, 8, 2 };

static struct x86_mem guest_x(unsigned g)
{
    return x86_mem(X86_RBX, (int32_t)(offsetof(struct hart, x) + 8u * g));
}

/* Writes the stubs at the start of the (empty) buffer. */
static void emit_stubs(struct jit *j)
{
    struct x86_buf b;
    x86_buf_init(&b, j->cb.rw, j->cb.rx, j->cb.size);

    /* enter(h, code): six pushes after the return address leave RSP 8 mod 16;
     * one more slot aligns it for the calls translated code makes. */
    j->enter_code = (int (*)(struct hart *, const void *))(uintptr_t)x86_exec_ptr(&b);
    for (size_t i = 0; i < ARRAY_SIZE(saved_regs); i++)
        x86_push(&b, saved_regs[i]);
    x86_alu_ri(&b, X86_SUB, true, X86_RSP, 8);
    x86_mov_rr(&b, true, X86_RBX, X86_RDI);
    for (unsigned k = 0; k < JIT_PINNED; k++)
        x86_load(&b, 8, false, jit_pinned_host[k], guest_x(j->pinned_guest[k]));
    x86_jmp_r(&b, X86_RSI);

    /* Every exit: the pinned registers back to h->x, then return RAX. */
    const uint8_t *epilogue = x86_exec_ptr(&b);
    for (unsigned k = 0; k < JIT_PINNED; k++)
        x86_store(&b, 8, guest_x(j->pinned_guest[k]), jit_pinned_host[k]);
    x86_alu_ri(&b, X86_ADD, true, X86_RSP, 8);
    for (size_t i = ARRAY_SIZE(saved_regs); i-- > 0;)
        x86_pop(&b, saved_regs[i]);
    x86_ret(&b);

    j->exit_normal = x86_exec_ptr(&b);
    x86_mov_ri(&b, X86_RAX, JIT_EXIT_NORMAL);
    x86_jmp_abs(&b, epilogue);

    j->exit_exception = x86_exec_ptr(&b);
    x86_mov_ri(&b, X86_RAX, JIT_EXIT_EXCEPTION);
    x86_jmp_abs(&b, epilogue);

    j->lookup_miss = x86_exec_ptr(&b);
    x86_mov_ri(&b, X86_RDX, (uint64_t)(uintptr_t)&j->stats.lookup_misses);
    x86_alu_mi(&b, X86_ADD, true, x86_mem(X86_RDX, 0), 1);
    x86_jmp_abs(&b, j->exit_normal);
    j->h->jcache_untranslated = j->lookup_miss;

    j->exit_chain = x86_exec_ptr(&b);
    x86_store(&b, 8, x86_mem(X86_RBX, offsetof(struct hart, jit_exit_slot)), X86_RAX);
    x86_mov_ri(&b, X86_RAX, JIT_EXIT_CHAIN);
    x86_jmp_abs(&b, epilogue);

    j->cb.used = (x86_buf_used(&b) + 63) & ~(size_t)63;
}

static void jit_flush(struct translator *t)
{
    struct jit *j = (struct jit *)t;
    j->cb.used = 0;
    j->insns_used = 0;
    emit_stubs(j);
    j->epoch++;
    j->pending_slot = NULL;
    j->stats.flushes++;
}

static void jit_translate(struct translator *t, struct hart *h, struct block *b)
{
    struct jit *j = (struct jit *)t;
    if (j->cb.size - j->cb.used < JIT_MAX_BLOCK_BYTES ||
        j->insns_cap - j->insns_used < 2 * BLOCK_MAX_INSNS) {
        blocks_flush(h); /* drops b too; the loop decodes it again */
        return;
    }
    uint64_t t0 = now_ns();
    size_t start = j->cb.used;
    size_t size = jit_emit_block(j, b);
    if (!size) {
        blocks_flush(h);
        return;
    }
    b->jit_code = j->cb.rx + start;
    b->jit_user = h->fetch_idx == MMU_U;
    struct jcache_entry *je = &h->jcache[hart_jcache_index(h->pc)];
    if (je->block == b && je->pc == h->pc && je->key == h->jcache_key)
        je->code = b->jit_code; /* indirect jumps find it from now on */
    j->cb.used = (start + size + 15) & ~(size_t)15;
    j->stats.blocks_translated++;
    j->stats.bytes_emitted += size;
    if (j->perf_map)
        fprintf(j->perf_map, "%lx %zx rvmm-guest-%" PRIx64 "\n", (unsigned long)(uintptr_t)b->jit_code,
                size, h->pc);
    j->stats.translate_ns += now_ns() - t0;
}

static int jit_enter(struct translator *t, struct hart *h, struct block *b)
{
    struct jit *j = (struct jit *)t;
    const void *code = b->jit_code;
    /* Never into a block on two pages: a link cannot see the second page remapped. */
    if (j->pending_slot && j->pending_pc == h->pc && j->pending_instret == h->instret &&
        j->pending_epoch == j->epoch && b->pa2 == BLOCK_ONE_PAGE) {
        if (x86_patch_rel32(j->pending_slot, code_buffer_exec_delta(&j->cb), code))
            j->stats.chains_linked++;
    }
    j->pending_slot = NULL;
    int r = j->enter_code(h, code);
    if (r == JIT_EXIT_CHAIN) {
        j->pending_slot = h->jit_exit_slot;
        j->pending_pc = h->pc;
        j->pending_instret = h->instret;
        j->pending_epoch = j->epoch;
        r = JIT_EXIT_NORMAL;
    }
    return r;
}

struct translator *jit_create(struct hart *h, unsigned threshold, size_t cache_bytes,
                              bool perf_map)
{
    struct jit *j = calloc(1, sizeof(*j));
    if (!j) {
        log_error("jit: out of memory");
        return NULL;
    }
    int ret = code_buffer_init(&j->cb, cache_bytes);
    if (ret) {
        log_error("jit: cannot map %zu bytes of code cache: %s", cache_bytes, strerror(-ret));
        free(j);
        return NULL;
    }
    j->insns_cap = JIT_INSN_ARENA;
    j->insns = calloc(j->insns_cap, sizeof(*j->insns));
    if (!j->insns) {
        log_error("jit: out of memory");
        code_buffer_destroy(&j->cb);
        free(j);
        return NULL;
    }
    j->base = (struct translator){ threshold, jit_translate, jit_enter, jit_flush };
    j->h = h;
    j->has_lzcnt_tzcnt = x86_cpu_has_lzcnt_tzcnt();
    j->has_popcnt = x86_cpu_has_popcnt();
    /* Round to nearest even, no flush-to-zero or denormals-are-zero, all masked. */
    j->fast_fp = x86_cpu_has_fma() && __builtin_ia32_stmxcsr() == 0x1f80;
    memcpy(j->pinned_guest, default_pinned, sizeof(j->pinned_guest));
    emit_stubs(j);
    if (perf_map) {
        char path[64];
        snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
        j->perf_map = fopen(path, "a");
        if (!j->perf_map)
            log_error("jit: --perf-map: cannot open %s: %s", path, strerror(errno));
        else
            setvbuf(j->perf_map, NULL, _IOLBF, 0);
    }
    return &j->base;
}

void jit_destroy(struct translator *t)
{
    struct jit *j = (struct jit *)t;
    if (!j)
        return;
    if (j->perf_map)
        fclose(j->perf_map);
    code_buffer_destroy(&j->cb);
    free(j->insns);
    free(j);
}

void jit_print_stats(const struct translator *t, const struct hart *h, FILE *out)
{
    const struct jit *j = (const struct jit *)t;
    const struct jit_stats *s = &j->stats;
    uint64_t other = h->stats.insns_interpreted + h->stats.insns_stepped;
    uint64_t translated = h->instret > other ? h->instret - other : 0;
    uint64_t all = h->instret ? h->instret : 1;
    fprintf(out, "  jit blocks translated %" PRIu64 ", code bytes %" PRIu64 " (cache %zu of %zu in use)\n",
            s->blocks_translated, s->bytes_emitted, j->cb.used, j->cb.size);
    fprintf(out, "  jit chains linked %" PRIu64 ", jump-cache lookup misses %" PRIu64 ", flushes %" PRIu64 "\n",
            s->chains_linked, s->lookup_misses, s->flushes);
    fprintf(out, "  jit time translating %.3f ms\n", (double)s->translate_ns / 1e6);
    fprintf(out, "  jit instructions in translated code %" PRIu64 " (%.1f%%), stepped by helpers %" PRIu64 "\n",
            translated, 100.0 * (double)translated / (double)all, h->stats.insns_stepped);
}

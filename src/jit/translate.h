/*
 * translate.h - what the translator's code generator files share: the
 * translation in progress (struct tr), its cold-code records, and the helpers
 * every instruction emitter uses. Private to src/jit.
 *
 *   translate.c      traces, registers, counting and exits, helper calls,
 *                    control flow, cold-code dispatch, jit_emit_block
 *   translate_int.c  integer and bit-manipulation ops, division
 *   translate_mem.c  loads and stores: the inline TLB lookup, access groups
 *   translate_fp.c   F/D ops inline, and their exact fallbacks
 */
#ifndef RVMM_JIT_TRANSLATE_H
#define RVMM_JIT_TRANSLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/hart.h"
#include "cpu/insn.h"
#include "jit/jit_internal.h"
#include "jit/x86_emit.h"

#define X_OFF(g) ((int32_t)(offsetof(struct hart, x) + 8u * (g)))
#define F_OFF(r) ((int32_t)(offsetof(struct hart, f) + 8u * (r)))
#define HART(field) x86_mem(X86_RBX, (int32_t)offsetof(struct hart, field))

#define MAX_COLD 512

/* A translation unit is a trace: the head block, then the fall-through of its
 * conditional branches and the targets of its direct jumps while they stay on
 * the same guest page, up to this many instructions. */
#define TRACE_MAX_INSNS 96

struct trace_insn {
    const struct insn *in;
    int32_t offset;  /* of the instruction from the trace's start pc */
    bool continues;  /* a branch whose fall-through, or a jal whose target, comes next */
    bool label;      /* some exit of the trace jumps here: it becomes a jump inside the code */
    const uint8_t *label_code; /* where its code starts, once emitted */
};

/* A forward jump inside the trace, patched when its label is emitted. */
struct label_fixup {
    uint8_t *field;
    unsigned index;
};

enum cold_kind { COLD_LOAD, COLD_STORE, COLD_GROUP, COLD_FAULT, COLD_CHAIN, COLD_POLL, COLD_FP_OFF,
                 COLD_FP_SLOW };

/* A piece of out-of-line code, emitted after the hot path. */
struct cold {
    enum cold_kind kind;
    uint8_t *from;          /* the rel32 field that jumps here */
    const uint8_t *resume;  /* where a slow load/store goes back to */
    uint64_t dirty;         /* guest registers to write back on a fault exit */
    unsigned pending;       /* instructions retired before this one, not yet counted */
    int32_t offset;        /* the instruction's byte offset in the block */
    const struct insn *in;
    unsigned group_first, group_len; /* COLD_GROUP: the trace instructions it covers */
};

struct tr {
    struct jit *j;
    struct block *b;
    struct x86_buf buf;
    unsigned page_offset;    /* of the block's start within its guest page */
    bool user;               /* translated for U-mode (see block_translation_fits) */
    int8_t host[33];         /* guest register -> host register, or -1 */
    uint64_t cached;         /* bit g: guest register g lives in host[g] */
    uint64_t pinned;         /* those pinned (jit_internal.h): never loaded or written back */
    uint64_t cached_volatile; /* the others: in caller-saved host registers */
    uint64_t dirty;          /* bit g: host copy newer than h->x[g] */
    unsigned pending;        /* instructions retired but not yet added to instret */
    unsigned ncold;
    bool cold_overflow;
    unsigned ntrace;
    uint64_t written;        /* cached guest registers some instruction of the trace writes */
    unsigned nfixups;
    /* The arrays last: only the fields above are cleared per translation (an
     * array element is written whole when it is added). */
    struct cold cold[MAX_COLD];
    struct trace_insn trace[TRACE_MAX_INSNS + 1];
    struct label_fixup fixups[2 * TRACE_MAX_INSNS];
};

/* ---- translate.c ---- */

/* A cold-code record for the rel32 field `from` (NULL: none), made with the
 * current dirty set and pending count. */
struct cold *tr_add_cold(struct tr *t, enum cold_kind kind, uint8_t *from, int32_t offset,
                         const struct insn *in);
void tr_patch_here(struct tr *t, uint8_t *field); /* points a rel32 field at the next byte */

/* Guest registers: into or out of a host register (cached ones are used in place). */
void tr_guest_get(struct tr *t, enum x86_reg dst, unsigned g);
enum x86_reg tr_guest_use(struct tr *t, unsigned g, enum x86_reg scratch);
void tr_guest_put(struct tr *t, unsigned g, enum x86_reg src);
bool tr_no_result(const struct insn *in);
enum x86_reg tr_result_reg(const struct tr *t, const struct insn *in);
void tr_write_back(struct tr *t, uint64_t dirty);
void tr_save_volatile(struct tr *t, uint64_t dirty);
void tr_reload_volatile(struct tr *t);
void tr_reload_cached(struct tr *t);
void tr_store_pinned(struct tr *t, uint64_t mask);
void tr_load_pinned(struct tr *t, uint64_t mask);

void tr_emit_commit(struct tr *t, unsigned pending);
void tr_emit_fault_exit(struct tr *t, const struct cold *c);

/* interp_step calls: how an op uses the integer registers, the bare call, and
 * the F/D form that syncs only what it uses. */
enum { STEP_X_NONE = 0, STEP_X_READS_RS1 = 1, STEP_X_WRITES_RD = 2, STEP_X_ANY = 3 };
unsigned tr_step_int_use(unsigned op);
void tr_emit_call_step(struct tr *t, const struct insn *in, int32_t offset);
void tr_emit_fp_step(struct tr *t, const struct insn *in, int32_t offset, unsigned use);

/* ---- translate_int.c ---- */
/* dst = h->pc + value */
void tr_emit_pc_relative(struct tr *t, enum x86_reg dst, int64_t value);
/* An integer op (RV64IM, Zba, Zbb, Zbs, Zicond): false if it is not one, or
 * is left to interp_step. The caller counts it. */
bool tr_emit_int(struct tr *t, const struct insn *in, int32_t offset);

/* ---- translate_mem.c ---- */
/* A load or store, integer or F/D, counted: false if it is not one. */
bool tr_emit_mem(struct tr *t, const struct insn *in, int32_t offset);
/* Consecutive accesses from trace index `first` that can share one lookup (1: none). */
unsigned tr_access_group_len(const struct tr *t, unsigned first);
void tr_emit_access_group(struct tr *t, unsigned first, unsigned n);
void tr_emit_cold_access(struct tr *t, struct cold *c); /* COLD_LOAD, COLD_STORE, COLD_GROUP */

/* ---- translate_fp.c ---- */
/* An F/D op emitted inline, counted: false if it is not one or it is left to interp_step. */
bool tr_emit_fp(struct tr *t, const struct insn *in, int32_t offset);
/* mstatus.FS Off makes F/D instructions illegal: a jump to cold code where
 * interp_step raises it. */
void tr_emit_fp_enabled_check(struct tr *t, const struct insn *in, int32_t offset);
void tr_emit_cold_fp(struct tr *t, struct cold *c); /* COLD_FP_OFF, COLD_FP_SLOW */

#endif

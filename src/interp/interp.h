/*
 * interp.h - the reference execution engine.
 *
 * Runs decoded blocks until the machine asks to stop or reset. Interrupts and
 * timer deadlines are polled at block boundaries at most HART_POLL_BLOCKS
 * blocks apart (blocks hold at most BLOCK_MAX_INSNS instructions), and at once
 * when a device kicks the hart's wires, so interrupt latency is bounded.
 */
#ifndef RVMM_INTERP_INTERP_H
#define RVMM_INTERP_INTERP_H

#include "core/machine.h"
#include "cpu/hart.h"

#define HART_POLL_BLOCKS 1024

/*
 * A translator plugs into the dispatch loop here (jit/ implements it): a block
 * interpreted `threshold` times is handed to translate(), which sets its
 * jit_code; from then on the loop runs that code through enter().
 */
enum jit_exit {
    JIT_EXIT_NORMAL,    /* h->pc is where to go on */
    JIT_EXIT_EXCEPTION, /* an exception is raised; take it at h->pc */
};
struct block;
struct translator {
    unsigned threshold;
    /* Translates b, or leaves it interpreted (b->jit_code stays NULL). May flush
     * every block (blocks_flush) when its code cache is full: b is then gone. */
    void (*translate)(struct translator *t, struct hart *h, struct block *b);
    /* Runs translated code, entered with h->pc at its block; returns a jit_exit. */
    int (*enter)(struct translator *t, struct hart *h, struct block *b);
    /* Drops every translation; called by blocks_flush. */
    void (*flush)(struct translator *t);
};

enum machine_request interp_run(struct hart *h);

struct insn;

/*
 * Executes one decoded instruction at `pc` with the interpreter's semantics,
 * and counts it in instret if it retires. The translator calls this for every
 * op it does not emit itself. Returns:
 *   INTERP_STEP_NEXT       retired; execution goes on at pc + in->len
 *   INTERP_STEP_END        retired; it ended the block and set h->pc (jumps,
 *                          CSR access, xRET, wfi, fences); go back to the dispatcher
 *   INTERP_STEP_EXCEPTION  did not retire; the exception is raised (hart_raise)
 *                          and must be taken at `pc`
 */
enum { INTERP_STEP_NEXT, INTERP_STEP_END, INTERP_STEP_EXCEPTION };
int interp_step(struct hart *h, const struct insn *in, uint64_t pc);

#endif

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

#define HART_POLL_BLOCKS 256

enum machine_request interp_run(struct hart *h);

#endif

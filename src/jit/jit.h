/*
 * jit.h - the dynamic binary translator: RISC-V blocks that the interpreter
 * found hot become x86-64 code in a per-hart code cache.
 *
 * It plugs into the interpreter's dispatch loop as a `struct translator`
 * (interp/interp.h). Per hart, so hart threads never share mutable code; a
 * store to a page holding code bumps the page's generation (shared by all
 * harts), and every translation checks its page's generation on entry.
 */
#ifndef RVMM_JIT_JIT_H
#define RVMM_JIT_JIT_H

#include <stdbool.h>
#include <stdio.h>

#include "cpu/hart.h"
#include "interp/interp.h"

#define JIT_DEFAULT_CACHE_BYTES (32u << 20)

/* Returns the translator for h, or NULL with an error logged. */
struct translator *jit_create(struct hart *h, unsigned threshold, size_t cache_bytes,
                              bool perf_map);
void jit_destroy(struct translator *t);
void jit_print_stats(const struct translator *t, const struct hart *h, FILE *out);

#endif

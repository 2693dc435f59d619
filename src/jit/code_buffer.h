/*
 * code_buffer.h - executable memory for translated code, W^X: the same pages
 * are mapped twice, once writable and once executable, never both in one
 * mapping. Code is written through `rw` and run through `rx` (rx - rw is
 * the buffer's exec_delta). Allocation is a bump pointer; reset drops all.
 */
#ifndef RVMM_JIT_CODE_BUFFER_H
#define RVMM_JIT_CODE_BUFFER_H

#include <stddef.h>
#include <stdint.h>

struct code_buffer {
    uint8_t *rw;  /* writable view */
    uint8_t *rx;  /* executable view of the same pages */
    size_t size;
    size_t used;
};

/* Returns 0 or -errno. */
int code_buffer_init(struct code_buffer *cb, size_t size);
void code_buffer_destroy(struct code_buffer *cb);

static inline ptrdiff_t code_buffer_exec_delta(const struct code_buffer *cb)
{
    return cb->rx - cb->rw;
}

#endif

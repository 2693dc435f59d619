/* code_buffer.c - dual-mapped executable memory (see code_buffer.h). */
#include "jit/code_buffer.h"

#include <errno.h>
#include <sys/mman.h>

/*
 * Shared anonymous memory, mapped a second time with mremap (old size 0
 * duplicates a shared mapping). Anonymous rather than a memfd so that perf
 * treats the code as anonymous and names it from /tmp/perf-PID.map.
 */
int code_buffer_init(struct code_buffer *cb, size_t size)
{
    *cb = (struct code_buffer){ 0 };
    void *rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (rw == MAP_FAILED)
        return -errno;
    void *rx = mremap(rw, 0, size, MREMAP_MAYMOVE);
    if (rx == MAP_FAILED || mprotect(rx, size, PROT_READ | PROT_EXEC) < 0) {
        int ret = -errno;
        if (rx != MAP_FAILED)
            munmap(rx, size);
        munmap(rw, size);
        return ret;
    }
    cb->rw = rw;
    cb->rx = rx;
    cb->size = size;
    return 0;
}

void code_buffer_destroy(struct code_buffer *cb)
{
    if (cb->rw)
        munmap(cb->rw, cb->size);
    if (cb->rx)
        munmap(cb->rx, cb->size);
    *cb = (struct code_buffer){ 0 };
}

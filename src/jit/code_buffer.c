/* code_buffer.c - dual-mapped executable memory (see code_buffer.h). */
#include "jit/code_buffer.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

int code_buffer_init(struct code_buffer *cb, size_t size)
{
    *cb = (struct code_buffer){ 0 };
    int fd = memfd_create("rvmm-jit", MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    int ret = 0;
    if (ftruncate(fd, (off_t)size) < 0) {
        ret = -errno;
        goto out;
    }
    void *rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (rw == MAP_FAILED) {
        ret = -errno;
        goto out;
    }
    void *rx = mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    if (rx == MAP_FAILED) {
        ret = -errno;
        munmap(rw, size);
        goto out;
    }
    cb->rw = rw;
    cb->rx = rx;
    cb->size = size;
out:
    close(fd); /* the mappings keep the memory */
    return ret;
}

void code_buffer_destroy(struct code_buffer *cb)
{
    if (cb->rw)
        munmap(cb->rw, cb->size);
    if (cb->rx)
        munmap(cb->rx, cb->size);
    *cb = (struct code_buffer){ 0 };
}

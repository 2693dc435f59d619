/*
 * block_int.h - what the block formats share, private to src/backends/block*.c:
 * the backend object and its operations, a cursor over a request's iovec, file
 * I/O helpers that retry short transfers, and the open-time context that
 * follows a backing chain.
 *
 * Format operations take byte offsets and lengths of any alignment (a backing
 * image is read at whatever range its overlay needs); block.c checks the
 * public contract (sector alignment, bounds, read-only) before calling them.
 */
#ifndef RVMM_BACKENDS_BLOCK_INT_H
#define RVMM_BACKENDS_BLOCK_INT_H

#include <stdarg.h>
#include <sys/types.h>

#include "backends/block.h"

/* A position inside an iovec array; requests consume it front to back. */
struct iov_cursor {
    const struct iovec *iov;
    int cnt;
    int idx;     /* current entry */
    size_t skip; /* bytes of it already consumed */
};

void iov_cursor_init(struct iov_cursor *c, const struct iovec *iov, int cnt);
/* Fills out[0..max) with the next <= len bytes; returns the entry count, sets *got. */
int iov_cursor_take(struct iov_cursor *c, size_t len, struct iovec *out, int max, size_t *got);
void iov_cursor_to_buf(struct iov_cursor *c, void *buf, size_t len);
void iov_cursor_from_buf(struct iov_cursor *c, const void *buf, size_t len);
void iov_cursor_zero(struct iov_cursor *c, size_t len);
void iov_cursor_skip(struct iov_cursor *c, size_t len);

/*
 * File I/O of exactly len bytes at off, retrying short transfers and EINTR.
 * Reads past the end of the file yield zeros (as a sparse tail would).
 */
int block_file_pread(int fd, uint64_t off, void *buf, size_t len);
int block_file_pwrite(int fd, uint64_t off, const void *buf, size_t len);
int block_file_preadv(int fd, uint64_t off, struct iov_cursor *c, size_t len);
int block_file_pwritev(int fd, uint64_t off, struct iov_cursor *c, size_t len);
int block_file_sync(int fd);

struct block_ops {
    const char *name;
    int (*readv)(struct block_backend *bs, uint64_t off, struct iov_cursor *c, uint64_t len);
    int (*writev)(struct block_backend *bs, uint64_t off, struct iov_cursor *c, uint64_t len);
    int (*flush)(struct block_backend *bs);
    int (*discard)(struct block_backend *bs, uint64_t off, uint64_t len);
    int (*write_zeroes)(struct block_backend *bs, uint64_t off, uint64_t len, unsigned flags);
    void (*close)(struct block_backend *bs);
};

/* Embedded first in each format's state. */
struct block_backend {
    const struct block_ops *ops;
    uint64_t size;
    bool read_only;
    uint32_t discard_granularity;
    char serial[BLOCK_SERIAL_MAX + 1];
};

/* Open-time context: where we are in a backing chain, to cap its depth and catch loops. */
struct block_chain {
    int depth; /* 0: the image the user named */
    dev_t dev[BLOCK_BACKING_DEPTH_MAX + 1];
    ino_t ino[BLOCK_BACKING_DEPTH_MAX + 1];
};

/* Errors: "path: what" into err (one line). Returns -err_no for `return block_error(...)`. */
int block_error(char *err, size_t err_size, int err_no, const char *path, const char *fmt, ...)
    __printf(5, 6);

/* Opens path as the next link of chain (used for backing files, always read-only). */
int block_open_chain(const char *path, const struct block_options *opts, struct block_chain *chain,
                     struct block_backend **out, char *err, size_t err_size);

/* Format constructors: take ownership of fd (closed on failure too). */
int block_raw_open(int fd, const char *path, const struct block_options *opts, bool probed,
                   struct block_backend **out, char *err, size_t err_size);
int block_qcow2_open(int fd, const char *path, const struct block_options *opts,
                     struct block_chain *chain, struct block_backend **out, char *err,
                     size_t err_size);

/* The qcow2 magic, "QFI\xfb", as the file's first four bytes. */
#define BLOCK_QCOW2_MAGIC 0x514649fbu

#endif

/*
 * block.c - the block-backend front door: opening an image (format probe,
 * backing-chain bookkeeping), checking each request against the contract in
 * block.h before a format sees it, and the iovec cursor and file I/O helpers
 * the formats share.
 */
#include "backends/block_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- errors ---- */

int block_error(char *err, size_t err_size, int err_no, const char *path, const char *fmt, ...)
{
    if (err && err_size > 0) {
        int n = snprintf(err, err_size, "%s: ", path);
        if (n >= 0 && (size_t)n < err_size) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(err + n, err_size - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return -err_no;
}

/* ---- iovec cursor ---- */

void iov_cursor_init(struct iov_cursor *c, const struct iovec *iov, int cnt)
{
    c->iov = iov;
    c->cnt = cnt;
    c->idx = 0;
    c->skip = 0;
}

int iov_cursor_take(struct iov_cursor *c, size_t len, struct iovec *out, int max, size_t *got)
{
    int n = 0;
    size_t total = 0;
    while (total < len && n < max && c->idx < c->cnt) {
        const struct iovec *e = &c->iov[c->idx];
        size_t avail = e->iov_len - c->skip;
        if (avail == 0) {
            c->idx++;
            c->skip = 0;
            continue;
        }
        size_t take = avail < len - total ? avail : len - total;
        out[n].iov_base = (char *)e->iov_base + c->skip;
        out[n].iov_len = take;
        n++;
        total += take;
        c->skip += take;
        if (c->skip == e->iov_len) {
            c->idx++;
            c->skip = 0;
        }
    }
    *got = total;
    return n;
}

/* Walks len bytes of the cursor, calling fn on each contiguous piece. */
static void iov_cursor_walk(struct iov_cursor *c, size_t len,
                            void (*fn)(void *piece, size_t n, void *arg, size_t done), void *arg)
{
    size_t done = 0;
    while (done < len) {
        struct iovec v;
        size_t got;
        if (iov_cursor_take(c, len - done, &v, 1, &got) == 0)
            return; /* block.c sized the request, so this cannot run short */
        fn(v.iov_base, got, arg, done);
        done += got;
    }
}

static void piece_to_buf(void *piece, size_t n, void *arg, size_t done)
{
    memcpy((char *)arg + done, piece, n);
}

static void piece_from_buf(void *piece, size_t n, void *arg, size_t done)
{
    memcpy(piece, (const char *)arg + done, n);
}

static void piece_zero(void *piece, size_t n, void *arg, size_t done)
{
    memset(piece, 0, n);
}

static void piece_skip(void *piece, size_t n, void *arg, size_t done)
{
}

void iov_cursor_to_buf(struct iov_cursor *c, void *buf, size_t len)
{
    iov_cursor_walk(c, len, piece_to_buf, buf);
}

void iov_cursor_from_buf(struct iov_cursor *c, const void *buf, size_t len)
{
    iov_cursor_walk(c, len, piece_from_buf, (void *)buf);
}

void iov_cursor_zero(struct iov_cursor *c, size_t len)
{
    iov_cursor_walk(c, len, piece_zero, NULL);
}

void iov_cursor_skip(struct iov_cursor *c, size_t len)
{
    iov_cursor_walk(c, len, piece_skip, NULL);
}

/* ---- file I/O ---- */

#define FILE_OFF_MAX ((uint64_t)INT64_MAX)

static void iov_advance(struct iovec **v, int *n, size_t by)
{
    while (by > 0 && *n > 0) {
        if ((*v)->iov_len <= by) {
            by -= (*v)->iov_len;
            (*v)++;
            (*n)--;
        } else {
            (*v)->iov_base = (char *)(*v)->iov_base + by;
            (*v)->iov_len -= by;
            by = 0;
        }
    }
}

/*
 * Reads or writes exactly len bytes of v[0..n) (their total) at off. A read
 * past the end of the file gives zeros; a write that makes no progress is -EIO.
 */
static int file_iov_full(int fd, uint64_t off, struct iovec *v, int n, size_t len, bool write)
{
    if (off > FILE_OFF_MAX || len > FILE_OFF_MAX - off)
        return -EFBIG;
    while (len > 0) {
        ssize_t r = write ? pwritev(fd, v, n, (off_t)off) : preadv(fd, v, n, (off_t)off);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (r == 0) {
            if (write)
                return -EIO;
            for (int i = 0; i < n; i++)
                memset(v[i].iov_base, 0, v[i].iov_len);
            return 0;
        }
        iov_advance(&v, &n, (size_t)r);
        off += (uint64_t)r;
        len -= (size_t)r;
    }
    return 0;
}

int block_file_pread(int fd, uint64_t off, void *buf, size_t len)
{
    struct iovec v = { buf, len };
    return file_iov_full(fd, off, &v, 1, len, false);
}

int block_file_pwrite(int fd, uint64_t off, const void *buf, size_t len)
{
    struct iovec v = { (void *)buf, len };
    return file_iov_full(fd, off, &v, 1, len, true);
}

#define FILE_IOV_BATCH 64

/* The cursor's next `len` bytes from or to the file, FILE_IOV_BATCH segments at a time. */
static int file_cursor_io(int fd, uint64_t off, struct iov_cursor *c, size_t len, bool write)
{
    while (len > 0) {
        struct iovec v[FILE_IOV_BATCH];
        size_t got;
        int n = iov_cursor_take(c, len, v, FILE_IOV_BATCH, &got);
        if (got == 0)
            return -EINVAL;
        int r = file_iov_full(fd, off, v, n, got, write);
        if (r < 0)
            return r;
        off += got;
        len -= got;
    }
    return 0;
}

int block_file_preadv(int fd, uint64_t off, struct iov_cursor *c, size_t len)
{
    return file_cursor_io(fd, off, c, len, false);
}

int block_file_pwritev(int fd, uint64_t off, struct iov_cursor *c, size_t len)
{
    return file_cursor_io(fd, off, c, len, true);
}

int block_file_sync(int fd)
{
    while (fdatasync(fd) < 0) {
        if (errno != EINTR)
            return -errno;
    }
    return 0;
}

/* ---- opening ---- */

static void set_serial(struct block_backend *bs, const char *path, const char *serial)
{
    if (!serial) {
        const char *slash = strrchr(path, '/');
        serial = slash ? slash + 1 : path;
    }
    snprintf(bs->serial, sizeof(bs->serial), "%s", serial);
}

int block_open_chain(const char *path, const struct block_options *opts, struct block_chain *chain,
                     struct block_backend **out, char *err, size_t err_size)
{
    *out = NULL;
    if (err && err_size > 0)
        err[0] = '\0';
    if (chain->depth > BLOCK_BACKING_DEPTH_MAX)
        return block_error(err, err_size, ELOOP, path, "backing chain deeper than %d images",
                           BLOCK_BACKING_DEPTH_MAX);

    /* O_NONBLOCK: opening a FIFO must not hang; it is refused below. */
    int flags = (opts->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
    int fd = open(path, flags);
    if (fd < 0)
        return block_error(err, err_size, errno, path, "%s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return block_error(err, err_size, e, path, "%s", strerror(e));
    }
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
        close(fd);
        return block_error(err, err_size, EINVAL, path, "not a regular file or block device");
    }
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
        int e = errno;
        close(fd);
        return block_error(err, err_size, e, path, "%s", strerror(e));
    }
    for (int i = 0; i < chain->depth; i++) {
        if (chain->dev[i] == st.st_dev && chain->ino[i] == st.st_ino) {
            close(fd);
            return block_error(err, err_size, ELOOP, path,
                               "backing chain loops back to an image above it");
        }
    }
    chain->dev[chain->depth] = st.st_dev;
    chain->ino[chain->depth] = st.st_ino;

    enum block_format format = opts->format;
    bool probed = false;
    if (format == BLOCK_FORMAT_AUTO) {
        uint8_t magic[4];
        int r = block_file_pread(fd, 0, magic, sizeof(magic));
        if (r < 0) {
            close(fd);
            return block_error(err, err_size, -r, path, "reading the header: %s", strerror(-r));
        }
        uint32_t m = (uint32_t)magic[0] << 24 | (uint32_t)magic[1] << 16 |
                     (uint32_t)magic[2] << 8 | magic[3];
        format = m == BLOCK_QCOW2_MAGIC ? BLOCK_FORMAT_QCOW2 : BLOCK_FORMAT_RAW;
        probed = format == BLOCK_FORMAT_RAW;
    }

    int r;
    switch (format) {
    case BLOCK_FORMAT_RAW:
        r = block_raw_open(fd, path, opts, probed, out, err, err_size);
        break;
    case BLOCK_FORMAT_QCOW2:
        r = block_qcow2_open(fd, path, opts, chain, out, err, err_size);
        break;
    default:
        close(fd);
        return block_error(err, err_size, EINVAL, path, "unknown image format %d", (int)format);
    }
    if (r < 0)
        return r;
    set_serial(*out, path, opts->serial);
    return 0;
}

int block_open(const char *path, const struct block_options *opts, struct block_backend **out,
               char *err, size_t err_size)
{
    static const struct block_options defaults = { 0 };
    struct block_chain chain = { 0 };
    return block_open_chain(path, opts ? opts : &defaults, &chain, out, err, err_size);
}

void block_close(struct block_backend *bs)
{
    if (bs)
        bs->ops->close(bs);
}

/* ---- queries ---- */

uint64_t block_size(const struct block_backend *bs)
{
    return bs->size;
}

bool block_is_read_only(const struct block_backend *bs)
{
    return bs->read_only;
}

const char *block_format_name(const struct block_backend *bs)
{
    return bs->ops->name;
}

const char *block_serial(const struct block_backend *bs)
{
    return bs->serial;
}

uint32_t block_discard_granularity(const struct block_backend *bs)
{
    return bs->discard_granularity;
}

/* ---- requests ---- */

static int check_range(const struct block_backend *bs, uint64_t offset, uint64_t len)
{
    if (offset % BLOCK_SECTOR_SIZE || len % BLOCK_SECTOR_SIZE)
        return -EINVAL;
    if (offset > bs->size || len > bs->size - offset)
        return -EINVAL;
    return 0;
}

static int iov_total(const struct iovec *iov, int iovcnt, uint64_t *total)
{
    if (iovcnt < 0 || iovcnt > BLOCK_IOV_MAX || (iovcnt > 0 && !iov))
        return -EINVAL;
    uint64_t sum = 0;
    for (int i = 0; i < iovcnt; i++) {
        if (iov[i].iov_len > UINT64_MAX - sum || (iov[i].iov_len > 0 && !iov[i].iov_base))
            return -EINVAL;
        sum += iov[i].iov_len;
    }
    *total = sum;
    return 0;
}

int block_readv(struct block_backend *bs, uint64_t offset, const struct iovec *iov, int iovcnt)
{
    uint64_t len;
    int r = iov_total(iov, iovcnt, &len);
    if (r == 0)
        r = check_range(bs, offset, len);
    if (r < 0 || len == 0)
        return r;
    struct iov_cursor c;
    iov_cursor_init(&c, iov, iovcnt);
    return bs->ops->readv(bs, offset, &c, len);
}

int block_writev(struct block_backend *bs, uint64_t offset, const struct iovec *iov, int iovcnt)
{
    uint64_t len;
    int r = iov_total(iov, iovcnt, &len);
    if (r == 0)
        r = check_range(bs, offset, len);
    if (r < 0)
        return r;
    if (bs->read_only)
        return -EROFS;
    if (len == 0)
        return 0;
    struct iov_cursor c;
    iov_cursor_init(&c, iov, iovcnt);
    return bs->ops->writev(bs, offset, &c, len);
}

int block_read(struct block_backend *bs, uint64_t offset, void *buf, size_t len)
{
    struct iovec v = { buf, len };
    return block_readv(bs, offset, &v, 1);
}

int block_write(struct block_backend *bs, uint64_t offset, const void *buf, size_t len)
{
    struct iovec v = { (void *)buf, len };
    return block_writev(bs, offset, &v, 1);
}

int block_flush(struct block_backend *bs)
{
    if (bs->read_only)
        return 0;
    return bs->ops->flush(bs);
}

int block_discard(struct block_backend *bs, uint64_t offset, uint64_t len)
{
    int r = check_range(bs, offset, len);
    if (r < 0)
        return r;
    if (bs->read_only)
        return -EROFS;
    if (len == 0)
        return 0;
    return bs->ops->discard(bs, offset, len);
}

int block_write_zeroes(struct block_backend *bs, uint64_t offset, uint64_t len, unsigned flags)
{
    int r = check_range(bs, offset, len);
    if (r < 0)
        return r;
    if (flags & ~BLOCK_ZEROES_MAY_UNMAP)
        return -EINVAL;
    if (bs->read_only)
        return -EROFS;
    if (len == 0)
        return 0;
    return bs->ops->write_zeroes(bs, offset, len, flags);
}

/*
 * block_raw.c - raw images: the disk is the file (or host block device) byte
 * for byte. Requests map to pread/pwrite at the same offset; flush is
 * fdatasync; discard punches holes; write-zeroes uses fallocate's zero range
 * and falls back to writing zeros where the file system cannot.
 *
 * No state changes after open, so requests may run concurrently.
 */
#include "backends/block_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"

struct raw {
    struct block_backend bs;
    int fd;
    bool is_blkdev;
    bool probed; /* format was guessed: guard sector 0 against a qcow2 header */
};

static struct raw *to_raw(struct block_backend *bs)
{
    return (struct raw *)bs;
}

static int raw_readv(struct block_backend *bs, uint64_t off, struct iov_cursor *c, uint64_t len)
{
    return block_file_preadv(to_raw(bs)->fd, off, c, len);
}

static int raw_writev(struct block_backend *bs, uint64_t off, struct iov_cursor *c, uint64_t len)
{
    struct raw *r = to_raw(bs);
    if (r->probed && off == 0 && len >= 4) {
        /* Peek at the first bytes through a copy of the cursor. */
        struct iov_cursor peek = *c;
        uint8_t m[4];
        iov_cursor_to_buf(&peek, m, sizeof(m));
        uint32_t magic = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
        if (magic == BLOCK_QCOW2_MAGIC) {
            log_warn_once("refusing to write a qcow2 header into a raw image whose format was "
                          "auto-detected; give the format explicitly");
            return -EPERM;
        }
    }
    return block_file_pwritev(r->fd, off, c, len);
}

static int raw_flush(struct block_backend *bs)
{
    return block_file_sync(to_raw(bs)->fd);
}

static bool unsupported(int e)
{
    return e == EOPNOTSUPP || e == ENOSYS || e == EINVAL || e == ENOTTY;
}

static int raw_discard(struct block_backend *bs, uint64_t off, uint64_t len)
{
    struct raw *r = to_raw(bs);
    int res;
    if (r->is_blkdev) {
        uint64_t range[2] = { off, len };
        res = ioctl(r->fd, BLKDISCARD, range);
    } else {
        res = fallocate(r->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len);
    }
    /* Discard is advisory: a file system that cannot punch holes keeps the data. */
    if (res < 0 && !unsupported(errno))
        return -errno;
    return 0;
}

static int write_zero_buffers(int fd, uint64_t off, uint64_t len)
{
    static const uint8_t zeros[64 * 1024];
    while (len > 0) {
        size_t n = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);
        int res = block_file_pwrite(fd, off, zeros, n);
        if (res < 0)
            return res;
        off += n;
        len -= n;
    }
    return 0;
}

static int raw_write_zeroes(struct block_backend *bs, uint64_t off, uint64_t len, unsigned flags)
{
    struct raw *r = to_raw(bs);
    if (r->is_blkdev) {
        uint64_t range[2] = { off, len };
        if (ioctl(r->fd, BLKZEROOUT, range) == 0)
            return 0;
        if (!unsupported(errno))
            return -errno;
        return write_zero_buffers(r->fd, off, len);
    }
    /* A punched hole reads as zeros; a zeroed range keeps its blocks allocated. */
    if ((flags & BLOCK_ZEROES_MAY_UNMAP) &&
        fallocate(r->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) == 0)
        return 0;
    if (fallocate(r->fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) == 0)
        return 0;
    if (!unsupported(errno))
        return -errno;
    return write_zero_buffers(r->fd, off, len);
}

static void raw_close(struct block_backend *bs)
{
    struct raw *r = to_raw(bs);
    close(r->fd);
    free(r);
}

static const struct block_ops raw_ops = {
    .name = "raw",
    .readv = raw_readv,
    .writev = raw_writev,
    .flush = raw_flush,
    .discard = raw_discard,
    .write_zeroes = raw_write_zeroes,
    .close = raw_close,
};

int block_raw_open(int fd, const char *path, const struct block_options *opts, bool probed,
                   struct block_backend **out, char *err, size_t err_size)
{
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return block_error(err, err_size, e, path, "%s", strerror(e));
    }
    uint64_t size;
    uint32_t granularity;
    bool is_blkdev = S_ISBLK(st.st_mode);
    if (is_blkdev) {
        if (ioctl(fd, BLKGETSIZE64, &size) < 0) {
            int e = errno;
            close(fd);
            return block_error(err, err_size, e, path, "cannot get the device size: %s",
                               strerror(e));
        }
        granularity = 4096;
    } else {
        size = (uint64_t)st.st_size;
        granularity = st.st_blksize >= 512 && st.st_blksize <= (1 << 20) ? (uint32_t)st.st_blksize
                                                                          : 4096;
    }
    struct raw *r = calloc(1, sizeof(*r));
    if (!r) {
        close(fd);
        return block_error(err, err_size, ENOMEM, path, "out of memory");
    }
    r->bs.ops = &raw_ops;
    r->bs.size = size / BLOCK_SECTOR_SIZE * BLOCK_SECTOR_SIZE;
    r->bs.read_only = opts->read_only;
    r->bs.discard_granularity = granularity;
    r->fd = fd;
    r->is_blkdev = is_blkdev;
    r->probed = probed;
    *out = &r->bs;
    return 0;
}

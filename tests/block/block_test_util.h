/*
 * block_test_util.h - helpers for the block-backend unit tests
 * (tests/unit/test_block_*.c): a scratch directory, running qemu-img/qemu-io
 * quietly, a seeded PRNG, and an in-memory model of the disk that random
 * operations are applied to alongside the image under test.
 *
 * Included once per test binary (static functions); needs cmocka first.
 */
#ifndef RVMM_TESTS_BLOCK_TEST_UTIL_H
#define RVMM_TESTS_BLOCK_TEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/block.h"

/* Each binary uses some of these. */
#define TEST_HELPER static __attribute__((unused))

static char tdir[256];

TEST_HELPER int tdir_create(void **state)
{
    const char *base = getenv("TMPDIR");
    snprintf(tdir, sizeof(tdir), "%s/rvmm-block-XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(tdir) ? 0 : -1;
}

TEST_HELPER int tdir_remove(void **state)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* "tdir/name" in a rotating set of static buffers. */
TEST_HELPER const char *tpath(const char *name)
{
    static char bufs[8][512];
    static int next;
    char *b = bufs[next++ % 8];
    snprintf(b, sizeof(bufs[0]), "%s/%s", tdir, name);
    return b;
}

/* Runs a shell command inside tdir, output to tdir/cmd.log; returns its exit status. */
static __attribute__((unused, format(printf, 1, 2))) int sh(const char *fmt, ...)
{
    char cmd[2048], full[2400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    snprintf(full, sizeof(full), "cd '%s' && { %s ; } >>cmd.log 2>&1", tdir, cmd);
    int st = system(full);
    if (st == -1 || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

/* xorshift64*: deterministic per seed. */
static uint64_t rng_state;

TEST_HELPER void rng_seed(uint64_t seed)
{
    rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
}

TEST_HELPER uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

TEST_HELPER uint64_t rng_below(uint64_t n)
{
    return n ? rng() % n : 0;
}

TEST_HELPER void fill_random(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(rng() >> 32);
}

TEST_HELPER struct block_backend *open_ok(const char *path, enum block_format fmt, bool ro)
{
    struct block_options o = { .format = fmt, .read_only = ro };
    struct block_backend *bs = NULL;
    char err[512];
    int r = block_open(path, &o, &bs, err, sizeof(err));
    if (r < 0)
        fail_msg("open %s: %d: %s", path, r, err);
    return bs;
}

/* Opening must fail with an error message naming the path; returns -errno. */
TEST_HELPER int open_fails(const char *path, const struct block_options *o, const char *needle)
{
    struct block_backend *bs = (struct block_backend *)1;
    char err[512] = "";
    int r = block_open(path, o, &bs, err, sizeof(err));
    if (r >= 0)
        fail_msg("open %s succeeded, expected an error containing '%s'", path, needle);
    assert_null(bs);
    if (!strstr(err, path) || (needle && !strstr(err, needle)))
        fail_msg("open %s: message '%s' lacks the path or '%s'", path, err, needle);
    assert_null(strchr(err, '\n'));
    return r;
}

TEST_HELPER void write_file(const char *path, const void *buf, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        assert_true(n > 0);
        p += n;
        len -= (size_t)n;
    }
    close(fd);
}

TEST_HELPER void read_file(const char *path, void *buf, size_t len)
{
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    memset(buf, 0, len);
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(fd, (uint8_t *)buf + done, len - done, (off_t)done);
        assert_true(n >= 0);
        if (n == 0)
            break;
        done += (size_t)n;
    }
    close(fd);
}

TEST_HELPER void patch_file(const char *path, off_t off, const void *buf, size_t len)
{
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, buf, len, off), (ssize_t)len);
    close(fd);
}

TEST_HELPER void patch_be32(const char *path, off_t off, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
    patch_file(path, off, b, 4);
}

TEST_HELPER void patch_be64(const char *path, off_t off, uint64_t v)
{
    uint8_t b[8];
    for (int i = 7; i >= 0; i--, v >>= 8)
        b[i] = (uint8_t)v;
    patch_file(path, off, b, 8);
}

TEST_HELPER uint64_t read_be64(const char *path, off_t off)
{
    uint8_t b[8];
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, b, 8, off), 8);
    close(fd);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | b[i];
    return v;
}

TEST_HELPER off_t file_size(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

/* Reads the whole disk through the backend and compares it with the model. */
TEST_HELPER void verify_against_model(struct block_backend *bs, const uint8_t *model, uint64_t size)
{
    const size_t chunk = 1 << 20;
    uint8_t *buf = malloc(chunk);
    assert_non_null(buf);
    for (uint64_t off = 0; off < size; off += chunk) {
        size_t n = size - off < chunk ? (size_t)(size - off) : chunk;
        assert_int_equal(block_read(bs, off, buf, n), 0);
        if (memcmp(buf, model + off, n) != 0) {
            size_t i = 0;
            while (buf[i] == model[off + i])
                i++;
            unsigned got = buf[i], want = model[off + i];
            free(buf);
            fail_msg("content differs at byte 0x%llx: got %02x, want %02x",
                     (unsigned long long)(off + i), got, want);
        }
    }
    free(buf);
}

/*
 * Random operations applied to the image and the model: writes (partial
 * sectors of clusters, straddling cluster boundaries, large), in 1..3 iovec
 * pieces; write-zeroes; discards of whole clusters (which must then read as
 * zeros) and of unaligned ranges (whose sectors keep old data or read zeros,
 * so the model is updated from what the image returns); flushes.
 */
TEST_HELPER void random_ops(struct block_backend *bs, uint8_t *model, uint64_t size,
                            uint64_t cluster, int nops, uint64_t max_len)
{
    uint64_t sectors = size / 512;
    uint8_t *buf = malloc(max_len);
    uint8_t *rbuf = malloc(max_len);
    assert_non_null(buf);
    assert_non_null(rbuf);
    for (int op = 0; op < nops; op++) {
        uint64_t kind = rng_below(100);
        uint64_t len, off;
        switch (rng_below(4)) {
        case 0: /* a few sectors */
            len = (1 + rng_below(8)) * 512;
            break;
        case 1: /* around a cluster */
            len = (cluster / 512 + rng_below(3) - 1) * 512;
            if (len == 0)
                len = 512;
            break;
        case 2: /* large */
            len = (1 + rng_below(max_len / 512)) * 512;
            break;
        default: /* a couple of clusters, unaligned */
            len = (1 + rng_below(2 * cluster / 512 + 2)) * 512;
            break;
        }
        if (len > max_len)
            len = max_len;
        if (len > size)
            len = size;
        if (rng_below(3) == 0) /* start at or near a cluster boundary */
            off = (rng_below(size / cluster) * cluster + (rng_below(3) - 1) * 512) % size;
        else
            off = rng_below(sectors) * 512;
        off &= ~511ull;
        if (off + len > size)
            off = size - len;

        if (kind < 70) {
            fill_random(buf, len);
            struct iovec v[3];
            int cnt = 1 + (int)rng_below(3);
            size_t cut1 = cnt > 1 ? (size_t)rng_below(len + 1) : len;
            size_t cut2 = cnt > 2 ? cut1 + (size_t)rng_below(len - cut1 + 1) : len;
            v[0] = (struct iovec){ buf, cut1 };
            v[1] = (struct iovec){ buf + cut1, cut2 - cut1 };
            v[2] = (struct iovec){ buf + cut2, len - cut2 };
            if (cnt == 2)
                v[1].iov_len = len - cut1;
            assert_int_equal(block_writev(bs, off, v, cnt), 0);
            memcpy(model + off, buf, len);
        } else if (kind < 80) {
            unsigned flags = rng_below(2) ? BLOCK_ZEROES_MAY_UNMAP : 0;
            assert_int_equal(block_write_zeroes(bs, off, len, flags), 0);
            memset(model + off, 0, len);
        } else if (kind < 90) {
            bool aligned = rng_below(2);
            if (aligned) {
                off = off / cluster * cluster;
                len = (len + cluster - 1) / cluster * cluster;
                if (off + len > size / cluster * cluster)
                    len = size / cluster * cluster - off;
            }
            assert_int_equal(block_discard(bs, off, len), 0);
            assert_int_equal(block_read(bs, off, rbuf, len), 0);
            for (uint64_t s = 0; s < len; s += 512) {
                bool zero = true;
                for (int i = 0; i < 512; i++)
                    zero = zero && rbuf[s + i] == 0;
                if (aligned)
                    assert_true(zero);
                else if (!zero && memcmp(rbuf + s, model + off + s, 512) != 0)
                    fail_msg("discarded sector 0x%llx holds neither old data nor zeros",
                             (unsigned long long)(off + s));
            }
            memcpy(model + off, rbuf, len);
        } else if (kind < 95) {
            assert_int_equal(block_flush(bs), 0);
        } else {
            assert_int_equal(block_read(bs, off, rbuf, len), 0);
            if (memcmp(rbuf, model + off, len) != 0)
                fail_msg("read at 0x%llx+0x%llx differs from the model", (unsigned long long)off,
                         (unsigned long long)len);
        }
    }
    free(buf);
    free(rbuf);
}

#endif

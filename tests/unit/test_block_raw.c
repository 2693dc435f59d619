/*
 * test_block_raw.c - the block front door and the raw backend: the request
 * contract (alignment, bounds, read-only), vectored I/O, flush, discard and
 * write-zeroes, format probing and its sector-0 guard, serials, and open errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../block/block_test_util.h"

static void make_raw(const char *name, uint64_t size, uint8_t fill)
{
    uint8_t *buf = malloc(size);
    memset(buf, fill, size);
    write_file(tpath(name), buf, size);
    free(buf);
}

static void test_open_and_queries(void **state)
{
    make_raw("disk-with-a-long-file-name.img", 1000, 0); /* tail past the last sector is hidden */
    struct block_backend *bs = open_ok(tpath("disk-with-a-long-file-name.img"), BLOCK_FORMAT_AUTO,
                                       false);
    assert_int_equal(block_size(bs), 512);
    assert_string_equal(block_format_name(bs), "raw");
    assert_false(block_is_read_only(bs));
    assert_string_equal(block_serial(bs), "disk-with-a-long-fil"); /* 20 characters */
    assert_true(block_discard_granularity(bs) >= 512);
    block_close(bs);

    struct block_options o = { .format = BLOCK_FORMAT_RAW, .read_only = true, .serial = "SN-1" };
    char err[128];
    assert_int_equal(block_open(tpath("disk-with-a-long-file-name.img"), &o, &bs, err, sizeof(err)),
                     0);
    assert_string_equal(block_serial(bs), "SN-1");
    assert_true(block_is_read_only(bs));
    block_close(bs);
    block_close(NULL);
}

static void test_open_errors(void **state)
{
    struct block_options o = { 0 };
    assert_int_equal(open_fails(tpath("missing.img"), &o, "No such file"), -ENOENT);
    assert_int_equal(mkdir(tpath("dir"), 0755), 0);
    open_fails(tpath("dir"), &o, NULL);
    /* A FIFO is refused without blocking in open(). */
    assert_int_equal(mkfifo(tpath("fifo"), 0644), 0);
    open_fails(tpath("fifo"), &o, "not a regular file");
    /* No error buffer is fine too. */
    struct block_backend *bs;
    assert_int_equal(block_open(tpath("missing.img"), NULL, &bs, NULL, 0), -ENOENT);
    /* Read-only file opened read-write. */
    make_raw("ro.img", 4096, 0);
    chmod(tpath("ro.img"), 0444);
    if (geteuid() != 0) /* root ignores file permissions */
        assert_int_equal(open_fails(tpath("ro.img"), &o, "Permission denied"), -EACCES);
}

static void test_request_contract(void **state)
{
    make_raw("c.img", 8192, 0);
    struct block_backend *bs = open_ok(tpath("c.img"), BLOCK_FORMAT_RAW, false);
    uint8_t buf[1024] = { 0 };
    assert_int_equal(block_read(bs, 1, buf, 512), -EINVAL);
    assert_int_equal(block_read(bs, 0, buf, 100), -EINVAL);
    assert_int_equal(block_read(bs, 8192, buf, 512), -EINVAL);
    assert_int_equal(block_read(bs, 7680, buf, 1024), -EINVAL);
    assert_int_equal(block_read(bs, UINT64_MAX - 511, buf, 512), -EINVAL);
    assert_int_equal(block_write(bs, 8192, buf, 512), -EINVAL);
    assert_int_equal(block_discard(bs, 512, 100), -EINVAL);
    assert_int_equal(block_write_zeroes(bs, 0, 512, 0x80), -EINVAL);
    assert_int_equal(block_read(bs, 8192, buf, 0), 0); /* empty at the end: fine */
    struct iovec many[BLOCK_IOV_MAX + 1];
    for (int i = 0; i <= BLOCK_IOV_MAX; i++)
        many[i] = (struct iovec){ buf, 0 };
    assert_int_equal(block_readv(bs, 0, many, BLOCK_IOV_MAX + 1), -EINVAL);
    assert_int_equal(block_readv(bs, 0, many, -1), -EINVAL);
    struct iovec huge[2] = { { buf, SIZE_MAX }, { buf, 2 } };
    assert_int_equal(block_readv(bs, 0, huge, 2), -EINVAL);
    block_close(bs);

    bs = open_ok(tpath("c.img"), BLOCK_FORMAT_RAW, true);
    assert_int_equal(block_write(bs, 0, buf, 512), -EROFS);
    assert_int_equal(block_discard(bs, 0, 512), -EROFS);
    assert_int_equal(block_write_zeroes(bs, 0, 512, 0), -EROFS);
    assert_int_equal(block_flush(bs), 0);
    block_close(bs);
}

static void test_vectored_io(void **state)
{
    make_raw("v.img", 65536, 0xee);
    struct block_backend *bs = open_ok(tpath("v.img"), BLOCK_FORMAT_RAW, false);
    uint8_t a[100], b[300], c[624], d[512];
    memset(a, 1, sizeof(a));
    memset(b, 2, sizeof(b));
    memset(c, 3, sizeof(c));
    struct iovec w[4] = { { a, sizeof(a) }, { NULL, 0 }, { b, sizeof(b) }, { c, sizeof(c) } };
    assert_int_equal(block_writev(bs, 1024, w, 4), 0);
    uint8_t r1[700], r2[324];
    struct iovec r[2] = { { r1, sizeof(r1) }, { r2, sizeof(r2) } };
    assert_int_equal(block_readv(bs, 1024, r, 2), 0);
    assert_int_equal(r1[99], 1);
    assert_int_equal(r1[100], 2);
    assert_int_equal(r1[399], 2);
    assert_int_equal(r1[400], 3);
    assert_int_equal(r2[323], 3);
    assert_int_equal(block_read(bs, 512, d, sizeof(d)), 0);
    assert_int_equal(d[0], 0xee);
    assert_int_equal(block_flush(bs), 0);
    block_close(bs);
    uint8_t file[2048];
    read_file(tpath("v.img"), file, sizeof(file));
    assert_int_equal(file[1023], 0xee);
    assert_int_equal(file[1024], 1);
    assert_int_equal(file[2047], 3);
}

static void test_discard_and_write_zeroes(void **state)
{
    make_raw("z.img", 1 << 20, 0x99);
    struct block_backend *bs = open_ok(tpath("z.img"), BLOCK_FORMAT_RAW, false);
    uint8_t *buf = malloc(1 << 20);
    assert_int_equal(block_write_zeroes(bs, 4096, 8192, 0), 0);
    assert_int_equal(block_write_zeroes(bs, 65536 + 512, 1024, BLOCK_ZEROES_MAY_UNMAP), 0);
    assert_int_equal(block_discard(bs, 131072, 65536), 0);
    assert_int_equal(block_read(bs, 0, buf, 1 << 20), 0);
    for (size_t i = 0; i < (1 << 20); i++) {
        bool zero = (i >= 4096 && i < 12288) || (i >= 65536 + 512 && i < 65536 + 1536) ||
                    (i >= 131072 && i < 196608);
        if (buf[i] != (zero ? 0 : 0x99))
            fail_msg("byte 0x%zx is %02x", i, buf[i]);
    }
    block_close(bs);
    free(buf);
}

static void test_random_against_model(void **state)
{
    const uint64_t size = 4 << 20;
    make_raw("m.img", size, 0);
    uint8_t *model = calloc(1, size);
    rng_seed(99);
    struct block_backend *bs = open_ok(tpath("m.img"), BLOCK_FORMAT_RAW, false);
    random_ops(bs, model, size, 4096, 400, 256 * 1024);
    verify_against_model(bs, model, size);
    block_close(bs);
    uint8_t *file = malloc(size);
    read_file(tpath("m.img"), file, size);
    assert_memory_equal(file, model, size);
    free(file);
    free(model);
}

/* A raw image opened by probing may not become a qcow2 image by a guest write. */
static void test_probed_raw_guards_sector_zero(void **state)
{
    make_raw("p.img", 8192, 0);
    uint8_t hdr[512] = { 'Q', 'F', 'I', 0xfb, 0, 0, 0, 3 };
    struct block_backend *bs = open_ok(tpath("p.img"), BLOCK_FORMAT_AUTO, false);
    assert_int_equal(block_write(bs, 0, hdr, sizeof(hdr)), -EPERM);
    assert_int_equal(block_write(bs, 512, hdr, sizeof(hdr)), 0); /* elsewhere: fine */
    block_close(bs);
    bs = open_ok(tpath("p.img"), BLOCK_FORMAT_RAW, false);
    assert_int_equal(block_write(bs, 0, hdr, sizeof(hdr)), 0); /* format given: allowed */
    block_close(bs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_and_queries),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_request_contract),
        cmocka_unit_test(test_vectored_io),
        cmocka_unit_test(test_discard_and_write_zeroes),
        cmocka_unit_test(test_random_against_model),
        cmocka_unit_test(test_probed_raw_guards_sector_zero),
    };
    return cmocka_run_group_tests(tests, tdir_create, tdir_remove);
}

/*
 * test_block_qcow2.c - the qcow2 backend against QEMU's own tools: images made
 * by qemu-img (cluster sizes 512 B..2 MiB, v2 and v3, refcount widths, backing
 * files raw and qcow2, compressed with zlib and zstd, internal snapshots) are
 * read and written at random, then `qemu-img check` must find no error and
 * `qemu-img compare` must match a raw file holding the expected content.
 * Corrupt headers and tables must fail cleanly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>

#include "../block/block_test_util.h"

#define MiB (1024ull * 1024)

/* qemu-img check exit codes: 0 clean, 3 leaked clusters only. */
static void check_clean(const char *name)
{
    int st = sh("qemu-img check -q '%s'", name);
    if (st != 0) {
        sh("qemu-img check '%s'", name);
        fail_msg("qemu-img check %s exited %d (see %s/cmd.log)", name, st, tdir);
    }
}

/* Writes the model to tdir/name.expect.raw and compares the image with it using qemu-img. */
static void compare_qemu(const char *name, const uint8_t *model, uint64_t size)
{
    char raw[256];
    snprintf(raw, sizeof(raw), "%s.expect.raw", name);
    write_file(tpath(raw), model, size);
    int st = sh("qemu-img compare -q -f qcow2 -F raw '%s' '%s'", name, raw);
    if (st != 0)
        fail_msg("qemu-img compare %s: exit %d (see %s/cmd.log)", name, st, tdir);
    unlink(tpath(raw));
}

/* Creates name with qemu-img, runs random operations, checks with QEMU, reopens and rereads. */
static void random_roundtrip(const char *name, const char *create_opts, uint64_t size,
                             uint64_t cluster, int nops, uint64_t max_len, uint64_t seed)
{
    assert_int_equal(sh("qemu-img create -q -f qcow2 %s '%s' %llu", create_opts, name,
                        (unsigned long long)size),
                     0);
    rng_seed(seed);
    uint8_t *model = calloc(1, size);
    assert_non_null(model);
    struct block_backend *bs = open_ok(tpath(name), BLOCK_FORMAT_QCOW2, false);
    assert_int_equal(block_size(bs), size);
    assert_string_equal(block_format_name(bs), "qcow2");
    assert_int_equal(block_discard_granularity(bs), cluster);
    random_ops(bs, model, size, cluster, nops, max_len);
    verify_against_model(bs, model, size);
    block_close(bs);
    check_clean(name);
    compare_qemu(name, model, size);

    /* Reopened: same content, and more writes on top still check clean. */
    bs = open_ok(tpath(name), BLOCK_FORMAT_AUTO, false);
    verify_against_model(bs, model, size);
    random_ops(bs, model, size, cluster, nops / 4, max_len);
    block_close(bs);
    check_clean(name);
    compare_qemu(name, model, size);
    free(model);
}

static void test_empty_image_reads_zeros(void **state)
{
    assert_int_equal(sh("qemu-img create -q -f qcow2 e.qcow2 3M"), 0);
    struct block_backend *bs = open_ok(tpath("e.qcow2"), BLOCK_FORMAT_AUTO, true);
    assert_int_equal(block_size(bs), 3 * MiB);
    assert_true(block_is_read_only(bs));
    assert_string_equal(block_serial(bs), "e.qcow2");
    uint8_t *buf = malloc(3 * MiB);
    memset(buf, 0xaa, 3 * MiB);
    assert_int_equal(block_read(bs, 0, buf, 3 * MiB), 0);
    for (size_t i = 0; i < 3 * MiB; i++)
        assert_int_equal(buf[i], 0);
    assert_int_equal(block_write(bs, 0, buf, 512), -EROFS);
    assert_int_equal(block_read(bs, 3 * MiB, buf, 512), -EINVAL);
    assert_int_equal(block_read(bs, 100, buf, 512), -EINVAL);
    free(buf);
    block_close(bs);
}

static void test_random_64k(void **state)
{
    random_roundtrip("r64k.qcow2", "-o cluster_size=65536", 48 * MiB, 65536, 300, 1 * MiB, 1);
}

static void test_random_4k(void **state)
{
    random_roundtrip("r4k.qcow2", "-o cluster_size=4096", 16 * MiB, 4096, 400, 256 * 1024, 2);
}

static void test_random_2m(void **state)
{
    random_roundtrip("r2m.qcow2", "-o cluster_size=2M", 32 * MiB, 2 * MiB, 60, 5 * MiB, 3);
}

/* 512-byte clusters: refcount blocks cover 128 KiB and the table 8 MiB, so both grow. */
static void test_random_512_grows_refcount_table(void **state)
{
    const char *name = "r512.qcow2";
    uint64_t size = 16 * MiB;
    assert_int_equal(sh("qemu-img create -q -f qcow2 -o cluster_size=512 %s %llu", name,
                        (unsigned long long)size),
                     0);
    uint64_t rt_before = read_be64(tpath(name), 48);
    rng_seed(4);
    uint8_t *model = calloc(1, size);
    struct block_backend *bs = open_ok(tpath(name), BLOCK_FORMAT_QCOW2, false);
    /* Fill most of the disk sequentially, then random operations. */
    uint8_t *buf = malloc(MiB);
    for (uint64_t off = 0; off < 9 * MiB; off += MiB) {
        fill_random(buf, MiB);
        assert_int_equal(block_write(bs, off, buf, MiB), 0);
        memcpy(model + off, buf, MiB);
    }
    free(buf);
    random_ops(bs, model, size, 512, 200, 64 * 1024);
    verify_against_model(bs, model, size);
    block_close(bs);
    assert_true(read_be64(tpath(name), 48) != rt_before); /* the table moved: it grew */
    check_clean(name);
    compare_qemu(name, model, size);
    free(model);
}

static void test_random_v2(void **state)
{
    random_roundtrip("v2.qcow2", "-o compat=0.10,cluster_size=16384", 8 * MiB, 16384, 300,
                     256 * 1024, 5);
}

static void test_random_refcount_1bit(void **state)
{
    random_roundtrip("rc1.qcow2", "-o refcount_bits=1,cluster_size=4096", 8 * MiB, 4096, 300,
                     128 * 1024, 6);
}

static void test_random_refcount_64bit(void **state)
{
    random_roundtrip("rc64.qcow2", "-o refcount_bits=64,cluster_size=4096", 8 * MiB, 4096, 300,
                     128 * 1024, 7);
}

static void test_random_lazy_refcounts(void **state)
{
    /* Lazy refcounts are a compatible feature: we keep refcounts exact anyway. */
    random_roundtrip("lazy.qcow2", "-o lazy_refcounts=on", 8 * MiB, 65536, 200, 512 * 1024, 8);
}

/* Data QEMU wrote (zero clusters and discarded ranges included) reads back as QEMU wrote it. */
static void test_reads_qemu_written_data(void **state)
{
    assert_int_equal(sh("qemu-img create -q -f qcow2 -o cluster_size=4096 q.qcow2 1M"), 0);
    assert_int_equal(sh("qemu-io -f qcow2 -c 'write -P 0x5a 0 64k' -c 'write -P 0x11 4608 1k' "
                        "-c 'write -z 8192 8192' -c 'discard 32768 4096' "
                        "-c 'write -z -u 40960 4096' q.qcow2"),
                     0);
    uint8_t *model = malloc(MiB), *buf = malloc(MiB);
    memset(model, 0, MiB);
    memset(model, 0x5a, 65536);
    memset(model + 4608, 0x11, 1024);
    memset(model + 8192, 0, 8192);
    memset(model + 32768, 0, 4096);
    memset(model + 40960, 0, 4096);
    struct block_backend *bs = open_ok(tpath("q.qcow2"), BLOCK_FORMAT_AUTO, false);
    verify_against_model(bs, model, MiB);
    /* Writing into a QEMU zero cluster and a partial cluster. */
    memset(buf, 0x77, 2048);
    assert_int_equal(block_write(bs, 8192 + 1024, buf, 2048), 0);
    memcpy(model + 8192 + 1024, buf, 2048);
    verify_against_model(bs, model, MiB);
    block_close(bs);
    check_clean("q.qcow2");
    compare_qemu("q.qcow2", model, MiB);
    free(model);
    free(buf);
}

/* Preallocated zero clusters (zero flag with a host offset) read as zeros and can be written. */
static void test_preallocated_zero_clusters(void **state)
{
    assert_int_equal(sh("qemu-img create -q -f qcow2 -o preallocation=metadata pz.qcow2 2M"), 0);
    assert_int_equal(sh("qemu-io -f qcow2 -c 'write -P 0x33 0 2M' -c 'write -z 65536 131072' "
                        "pz.qcow2"),
                     0);
    uint8_t *model = malloc(2 * MiB), buf[4096];
    memset(model, 0x33, 2 * MiB);
    memset(model + 65536, 0, 131072);
    struct block_backend *bs = open_ok(tpath("pz.qcow2"), BLOCK_FORMAT_QCOW2, false);
    verify_against_model(bs, model, 2 * MiB);
    memset(buf, 0x44, sizeof(buf));
    assert_int_equal(block_write(bs, 65536 + 512, buf, sizeof(buf)), 0);
    memcpy(model + 65536 + 512, buf, sizeof(buf));
    assert_int_equal(block_flush(bs), 0);
    verify_against_model(bs, model, 2 * MiB);
    block_close(bs);
    check_clean("pz.qcow2");
    compare_qemu("pz.qcow2", model, 2 * MiB);
    free(model);
}

/* An overlay over base (raw or qcow2), written at random; the base must not change. */
static void backing_roundtrip(const char *base_fmt, uint64_t seed)
{
    const uint64_t size = 16 * MiB;
    uint8_t *model = malloc(size);
    rng_seed(seed);
    fill_random(model, size);
    memset(model + 4 * MiB, 0, MiB); /* a hole in the base */
    write_file(tpath("base.raw"), model, size);
    const char *base = "base.raw";
    if (strcmp(base_fmt, "qcow2") == 0) {
        assert_int_equal(sh("qemu-img convert -f raw -O qcow2 -o cluster_size=16384 base.raw "
                            "base.qcow2"),
                         0);
        base = "base.qcow2";
    }
    /* A relative backing name: resolved against the overlay's directory, not the cwd. */
    assert_int_equal(sh("qemu-img create -q -f qcow2 -b %s -F %s ov.qcow2", base, base_fmt), 0);
    struct block_backend *bs = open_ok(tpath("ov.qcow2"), BLOCK_FORMAT_QCOW2, false);
    assert_int_equal(block_size(bs), size);
    verify_against_model(bs, model, size);
    random_ops(bs, model, size, 65536, 300, 512 * 1024);
    verify_against_model(bs, model, size);
    block_close(bs);
    check_clean("ov.qcow2");
    compare_qemu("ov.qcow2", model, size);
    assert_int_equal(sh("qemu-img compare -q -f %s -F raw %s base.raw", base_fmt, base), 0);
    free(model);
}

static void test_backing_raw(void **state)
{
    backing_roundtrip("raw", 11);
}

static void test_backing_qcow2(void **state)
{
    backing_roundtrip("qcow2", 12);
}

/* A chain base <- mid <- top; the base is smaller than the overlays (reads past it are zeros). */
static void test_backing_chain(void **state)
{
    uint8_t *model = calloc(1, 4 * MiB);
    memset(model, 0x01, 2 * MiB);
    write_file(tpath("cb.raw"), model, 2 * MiB);
    assert_int_equal(sh("qemu-img create -q -f qcow2 -b cb.raw -F raw cm.qcow2 4M && "
                        "qemu-io -f qcow2 -c 'write -P 0x02 1M 2M' cm.qcow2 && "
                        "mkdir -p sub && qemu-img create -q -f qcow2 -b ../cm.qcow2 -F qcow2 "
                        "sub/ct.qcow2"),
                     0);
    memset(model + MiB, 0x02, 2 * MiB);
    struct block_backend *bs = open_ok(tpath("sub/ct.qcow2"), BLOCK_FORMAT_QCOW2, false);
    verify_against_model(bs, model, 4 * MiB);
    uint8_t buf[1536];
    memset(buf, 0x03, sizeof(buf));
    /* Partial-cluster writes straddling the base's end: copy-on-write from two levels. */
    assert_int_equal(block_write(bs, 2 * MiB - 512, buf, sizeof(buf)), 0);
    memcpy(model + 2 * MiB - 512, buf, sizeof(buf));
    assert_int_equal(block_write_zeroes(bs, 0, 65536, 0), 0); /* zero clusters hide the base */
    memset(model, 0, 65536);
    assert_int_equal(block_discard(bs, 3 * MiB, 65536), 0);
    assert_int_equal(block_read(bs, 3 * MiB, buf, 512), 0);
    assert_int_equal(buf[0], 0); /* discarded over a backing file: zeros, not the base */
    memset(model + 3 * MiB, 0, 65536);
    verify_against_model(bs, model, 4 * MiB);
    block_close(bs);
    check_clean("sub/ct.qcow2");
    compare_qemu("sub/ct.qcow2", model, 4 * MiB);
    free(model);
}

/* v2 has no zero clusters: over a backing file write-zeroes writes zeros, discard keeps data. */
static void test_v2_overlay_zeroes_and_discard(void **state)
{
    uint8_t *model = malloc(MiB), buf[512];
    memset(model, 0x21, MiB);
    write_file(tpath("b2.raw"), model, MiB);
    assert_int_equal(sh("qemu-img create -q -f qcow2 -o compat=0.10 -b b2.raw -F raw o2.qcow2"), 0);
    struct block_backend *bs = open_ok(tpath("o2.qcow2"), BLOCK_FORMAT_QCOW2, false);
    assert_int_equal(block_write_zeroes(bs, 65536, 2 * 65536, BLOCK_ZEROES_MAY_UNMAP), 0);
    memset(model + 65536, 0, 2 * 65536);
    assert_int_equal(block_discard(bs, 4 * 65536, 65536), 0);
    assert_int_equal(block_read(bs, 4 * 65536, buf, sizeof(buf)), 0);
    assert_int_equal(buf[0], 0x21);
    verify_against_model(bs, model, MiB);
    assert_int_equal(block_flush(bs), 0);
    block_close(bs);
    check_clean("o2.qcow2");
    compare_qemu("o2.qcow2", model, MiB);
    free(model);
}

static void test_backing_errors(void **state)
{
    struct block_options o = { .format = BLOCK_FORMAT_QCOW2 };
    /* Missing backing file. */
    assert_int_equal(sh("qemu-img create -q -f qcow2 -u -b nothere.raw -F raw m.qcow2 1M"), 0);
    assert_int_equal(open_fails(tpath("m.qcow2"), &o, "nothere.raw"), -ENOENT);
    /* The image itself is still readable without its backing file when asked. */
    struct block_options nb = { .format = BLOCK_FORMAT_QCOW2, .read_only = true,
                                .no_backing = true };
    struct block_backend *bs;
    char err[256];
    assert_int_equal(block_open(tpath("m.qcow2"), &nb, &bs, err, sizeof(err)), 0);
    block_close(bs);
    /* Loops: a -> b -> a, and an image naming itself. */
    assert_int_equal(sh("qemu-img create -q -f qcow2 la.qcow2 1M && "
                        "qemu-img create -q -f qcow2 -b la.qcow2 -F qcow2 lb.qcow2 && "
                        "qemu-img rebase -u -f qcow2 -b lb.qcow2 -F qcow2 la.qcow2 && "
                        "qemu-img create -q -f qcow2 self.qcow2 1M && "
                        "qemu-img rebase -u -f qcow2 -b self.qcow2 -F qcow2 self.qcow2"),
                     0);
    assert_int_equal(open_fails(tpath("la.qcow2"), &o, "loops"), -ELOOP);
    assert_int_equal(open_fails(tpath("self.qcow2"), &o, "loops"), -ELOOP);
    /* Too deep: 18 images in a chain. */
    assert_int_equal(sh("qemu-img create -q -f qcow2 d0.qcow2 1M && for i in $(seq 1 17); do "
                        "qemu-img create -q -f qcow2 -b d$((i-1)).qcow2 -F qcow2 d$i.qcow2 || "
                        "exit 1; done"),
                     0);
    assert_int_equal(open_fails(tpath("d17.qcow2"), &o, "deeper"), -ELOOP);
    bs = open_ok(tpath("d16.qcow2"), BLOCK_FORMAT_QCOW2, true); /* 16 below it: fine */
    block_close(bs);
    /* Unsupported backing format. */
    assert_int_equal(sh("qemu-img create -q -f vmdk vb.vmdk 1M && "
                        "qemu-img create -q -f qcow2 -b vb.vmdk -F vmdk vm.qcow2"),
                     0);
    open_fails(tpath("vm.qcow2"), &o, "vmdk");
}

static void compressed_roundtrip(const char *opts, uint64_t seed)
{
    const uint64_t size = 8 * MiB;
    uint8_t *model = malloc(size);
    rng_seed(seed);
    /* Compressible content: runs of random bytes, some zero areas. */
    for (uint64_t i = 0; i < size; i += 64)
        memset(model + i, (int)rng_below(4) == 0 ? 0 : (int)(rng() & 0xff), 64);
    memset(model + MiB, 0, 2 * MiB);
    write_file(tpath("c.raw"), model, size);
    assert_int_equal(sh("qemu-img convert -c -f raw -O qcow2 %s c.raw c.qcow2", opts), 0);
    struct block_backend *bs = open_ok(tpath("c.qcow2"), BLOCK_FORMAT_QCOW2, false);
    verify_against_model(bs, model, size);
    /* Partial writes copy from compressed clusters; the old clusters are freed. */
    random_ops(bs, model, size, 65536, 150, 256 * 1024);
    verify_against_model(bs, model, size);
    assert_int_equal(block_flush(bs), 0);
    block_close(bs);
    check_clean("c.qcow2");
    compare_qemu("c.qcow2", model, size);
    free(model);
}

static void test_compressed_zlib(void **state)
{
    compressed_roundtrip("", 21);
}

static void test_compressed_zstd(void **state)
{
    compressed_roundtrip("-o compression_type=zstd", 22);
}

static void test_compressed_small_clusters(void **state)
{
    compressed_roundtrip("-o cluster_size=4096", 23);
}

static void test_internal_snapshot_read_only(void **state)
{
    assert_int_equal(sh("qemu-img create -q -f qcow2 sn.qcow2 1M && "
                        "qemu-io -f qcow2 -c 'write -P 0x61 0 64k' sn.qcow2 && "
                        "qemu-img snapshot -c s1 sn.qcow2 && "
                        "qemu-io -f qcow2 -c 'write -P 0x62 0 4k' sn.qcow2"),
                     0);
    struct block_options o = { .format = BLOCK_FORMAT_QCOW2 };
    open_fails(tpath("sn.qcow2"), &o, "snapshots");
    struct block_backend *bs = open_ok(tpath("sn.qcow2"), BLOCK_FORMAT_QCOW2, true);
    uint8_t buf[8192];
    assert_int_equal(block_read(bs, 0, buf, sizeof(buf)), 0);
    assert_int_equal(buf[0], 0x62);
    assert_int_equal(buf[4096], 0x61);
    block_close(bs);
}

static void test_autoclear_bits_cleared(void **state)
{
    assert_int_equal(sh("qemu-img create -q -f qcow2 bm.qcow2 1M && "
                        "qemu-img bitmap --add bm.qcow2 b0"),
                     0);
    assert_true(read_be64(tpath("bm.qcow2"), 88) != 0);
    struct block_backend *bs = open_ok(tpath("bm.qcow2"), BLOCK_FORMAT_QCOW2, false);
    uint8_t buf[512] = { 1 };
    assert_int_equal(block_write(bs, 0, buf, sizeof(buf)), 0);
    block_close(bs);
    /* We do not maintain the bitmap, so its "consistent" bit must be gone. */
    assert_int_equal(read_be64(tpath("bm.qcow2"), 88), 0);
    int st = sh("qemu-img check -q bm.qcow2");
    assert_true(st == 0 || st == 3); /* the orphaned bitmap's clusters may count as leaks */
}

/* Freed clusters are reused: rewriting after a discard does not grow the file. */
static void test_discard_frees_space(void **state)
{
    assert_int_equal(sh("qemu-img create -q -f qcow2 d.qcow2 8M"), 0);
    struct block_backend *bs = open_ok(tpath("d.qcow2"), BLOCK_FORMAT_QCOW2, false);
    uint8_t *buf = malloc(4 * MiB);
    memset(buf, 0x5c, 4 * MiB);
    assert_int_equal(block_write(bs, 0, buf, 4 * MiB), 0);
    block_close(bs);
    off_t full = file_size(tpath("d.qcow2"));
    assert_true(full > (off_t)(4 * MiB) && full < (off_t)(5 * MiB));

    bs = open_ok(tpath("d.qcow2"), BLOCK_FORMAT_QCOW2, false);
    assert_int_equal(block_discard(bs, 0, 4 * MiB), 0);
    assert_int_equal(block_read(bs, 0, buf, 65536), 0);
    assert_int_equal(buf[0], 0);
    assert_int_equal(block_flush(bs), 0); /* frees take effect after a flush */
    memset(buf, 0x5d, 4 * MiB);
    assert_int_equal(block_write(bs, 4 * MiB, buf, 4 * MiB), 0);
    block_close(bs);
    assert_true(file_size(tpath("d.qcow2")) <= full);
    check_clean("d.qcow2");
    free(buf);
}

struct thread_arg {
    struct block_backend *bs;
    uint64_t base;
    int id;
};

static void *writer_thread(void *p)
{
    struct thread_arg *a = p;
    uint8_t buf[6000 / 512 * 512];
    for (int i = 0; i < 64; i++) {
        memset(buf, a->id * 16 + (i & 15), sizeof(buf));
        if (block_write(a->bs, a->base + (uint64_t)i * 20480, buf, sizeof(buf)) != 0)
            return (void *)1;
        if (block_read(a->bs, a->base + (uint64_t)i * 20480, buf, sizeof(buf)) != 0 ||
            buf[100] != a->id * 16 + (i & 15))
            return (void *)1;
    }
    return NULL;
}

static void test_concurrent_requests(void **state)
{
    assert_int_equal(sh("qemu-img create -q -f qcow2 -o cluster_size=4096 t.qcow2 8M"), 0);
    struct block_backend *bs = open_ok(tpath("t.qcow2"), BLOCK_FORMAT_QCOW2, false);
    pthread_t th[3];
    struct thread_arg a[3];
    for (int i = 0; i < 3; i++) {
        a[i] = (struct thread_arg){ bs, (uint64_t)i * 2 * MiB + 1536, i + 1 };
        assert_int_equal(pthread_create(&th[i], NULL, writer_thread, &a[i]), 0);
    }
    for (int i = 0; i < 3; i++) {
        void *ret;
        pthread_join(th[i], &ret);
        assert_null(ret);
    }
    block_close(bs);
    check_clean("t.qcow2");
}

/* ---- corrupt images ---- */

/* A small valid image (4 KiB clusters, 64 KiB of 0x42 at the start), copied from a template. */
static void fresh(const char *name)
{
    if (access(tpath("template.qcow2"), F_OK) != 0)
        assert_int_equal(sh("qemu-img create -q -f qcow2 -o cluster_size=4096 template.qcow2 4M "
                            "&& qemu-io -f qcow2 -c 'write -P 0x42 0 64k' template.qcow2"),
                         0);
    assert_int_equal(sh("cp template.qcow2 %s", name), 0);
}

static void test_corrupt_headers(void **state)
{
    char p[512];
    snprintf(p, sizeof(p), "%s", tpath("bad.qcow2"));
    struct block_options rw = { .format = BLOCK_FORMAT_QCOW2 };
    struct block_options ro = { .format = BLOCK_FORMAT_QCOW2, .read_only = true };
    struct {
        off_t off;
        int width; /* 4 or 8 */
        uint64_t value;
        const char *msg;
    } cases[] = {
        { 0, 4, 0x12345678, "magic" },
        { 4, 4, 4, "version 4" },
        { 4, 4, 1, "version 1" },
        { 20, 4, 8, "cluster_bits 8" },
        { 20, 4, 22, "cluster_bits 22" },
        { 20, 4, 0xffffffff, "cluster_bits" },
        { 24, 8, 1ull << 62, "too small" },           /* size vs L1 */
        { 36, 4, 0xffffffff, "too large" },            /* L1 entries */
        { 40, 8, 0, "L1 table offset" },
        { 40, 8, 4096 + 8, "L1 table offset" },        /* misaligned */
        { 40, 8, 1ull << 40, "L1 table offset" },      /* past the end */
        { 48, 8, 0, "refcount table offset" },
        { 48, 8, 4096 * 1000, "refcount table offset" },
        { 48, 8, 512, "refcount table offset" },
        { 56, 4, 0, "refcount table size" },
        { 56, 4, 0x100000, "refcount table size" },
        { 72, 8, 1ull << 40, "incompatible feature bit 40" },
        { 72, 8, 1ull << 2, "external data" },
        { 72, 8, 1ull << 4, "extended L2" },
        { 72, 8, 1ull << 0, "dirty" },
        { 72, 8, 1ull << 1, "corrupt" },
        { 32, 4, 1, "encrypted" },
        { 96, 4, 7, "refcount order" },
        { 100, 4, 80, "header length" },
        { 100, 4, 1 << 20, "header length" },
        { 16, 4, 5000, "backing file name" },          /* size too long, with an offset */
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        fresh("bad.qcow2");
        if (cases[i].off == 16)
            patch_be64(p, 8, 200);
        if (cases[i].width == 4)
            patch_be32(p, cases[i].off, (uint32_t)cases[i].value);
        else
            patch_be64(p, cases[i].off, cases[i].value);
        open_fails(p, &rw, cases[i].msg);
    }
    /* Dirty and corrupt images open read-only. */
    fresh("bad.qcow2");
    patch_be64(p, 72, 3);
    struct block_backend *bs;
    char err[256];
    assert_int_equal(block_open(p, &ro, &bs, err, sizeof(err)), 0);
    uint8_t buf[512];
    assert_int_equal(block_read(bs, 0, buf, sizeof(buf)), 0);
    assert_int_equal(buf[0], 0x42);
    block_close(bs);
    /* A header extension running past the first cluster. */
    fresh("bad.qcow2");
    patch_be32(p, 112, 0x12345678);
    patch_be32(p, 116, 8000);
    open_fails(p, &rw, "extension");
    /* The image's feature table names an unknown bit. */
    assert_int_equal(sh("rm -f bad.qcow2 && qemu-img create -q -f qcow2 bad.qcow2 1M"), 0);
    patch_be64(p, 72, 1ull << 5);
    open_fails(p, &rw, "bit 5");
    /* Truncated files. */
    fresh("bad.qcow2");
    assert_int_equal(truncate(p, 50), 0);
    open_fails(p, &rw, "too short");
    fresh("bad.qcow2");
    assert_int_equal(truncate(p, 4096), 0);
    open_fails(p, &rw, "offset");
    /* Not a qcow2 image when asked for one; auto-detection then says raw. */
    static const char junk[128] = "hello world, this is not an image, just bytes";
    write_file(p, junk, sizeof(junk));
    open_fails(p, &rw, "magic");
}

static void test_corrupt_tables_fail_requests(void **state)
{
    char p[512];
    snprintf(p, sizeof(p), "%s", tpath("bt.qcow2"));
    uint8_t buf[4096];
    struct block_backend *bs;
    /* L1 entry pointing past the end of the file, misaligned, at the L1 table itself. */
    for (int i = 0; i < 3; i++) {
        fresh("bt.qcow2");
        uint64_t l1 = read_be64(p, 40);
        uint64_t bad_l1[] = { (1ull << 40) | (1ull << 63), 4096 * 3 + 512, l1 | (1ull << 63) };
        patch_be64(p, (off_t)l1, bad_l1[i]);
        bs = open_ok(p, BLOCK_FORMAT_QCOW2, false);
        assert_int_equal(block_read(bs, 0, buf, sizeof(buf)), -EIO);
        assert_int_equal(block_write(bs, 0, buf, sizeof(buf)), -EIO);
        block_close(bs);
    }
    /* L2 entries: misaligned data cluster, garbage compressed data, data "in" the L1 table. */
    for (int i = 0; i < 3; i++) {
        fresh("bt.qcow2");
        uint64_t l1 = read_be64(p, 40);
        uint64_t l2 = read_be64(p, (off_t)l1) & 0x00fffffffffffe00ull;
        uint64_t bad[] = { (4096 * 7 + 512) | (1ull << 63),
                           (1ull << 62) | (4096 * 2) | (3ull << 58), l1 | (1ull << 63) };
        patch_be64(p, (off_t)l2, bad[i]);
        bs = open_ok(p, BLOCK_FORMAT_QCOW2, false);
        if (i < 2)
            assert_int_equal(block_read(bs, 0, buf, sizeof(buf)), -EIO);
        else /* reading it is harmless; writing would overwrite the L1 table */
            assert_int_equal(block_write(bs, 0, buf, 512), -EIO);
        assert_int_equal(block_read(bs, 65536 - 4096, buf, sizeof(buf)), 0); /* others still fine */
        assert_int_equal(buf[0], 0x42);
        block_close(bs);
    }
    /* A refcount table entry pointing nowhere: allocation fails, reads still work. */
    fresh("bt.qcow2");
    uint64_t rt = read_be64(p, 48);
    patch_be64(p, (off_t)rt, 1ull << 45);
    bs = open_ok(p, BLOCK_FORMAT_QCOW2, false);
    assert_int_equal(block_read(bs, 0, buf, sizeof(buf)), 0);
    assert_int_equal(block_write(bs, 2 * MiB, buf, sizeof(buf)), -EIO);
    block_close(bs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_image_reads_zeros),
        cmocka_unit_test(test_random_64k),
        cmocka_unit_test(test_random_4k),
        cmocka_unit_test(test_random_2m),
        cmocka_unit_test(test_random_512_grows_refcount_table),
        cmocka_unit_test(test_random_v2),
        cmocka_unit_test(test_random_refcount_1bit),
        cmocka_unit_test(test_random_refcount_64bit),
        cmocka_unit_test(test_random_lazy_refcounts),
        cmocka_unit_test(test_reads_qemu_written_data),
        cmocka_unit_test(test_preallocated_zero_clusters),
        cmocka_unit_test(test_backing_raw),
        cmocka_unit_test(test_backing_qcow2),
        cmocka_unit_test(test_backing_chain),
        cmocka_unit_test(test_v2_overlay_zeroes_and_discard),
        cmocka_unit_test(test_backing_errors),
        cmocka_unit_test(test_compressed_zlib),
        cmocka_unit_test(test_compressed_zstd),
        cmocka_unit_test(test_compressed_small_clusters),
        cmocka_unit_test(test_internal_snapshot_read_only),
        cmocka_unit_test(test_autoclear_bits_cleared),
        cmocka_unit_test(test_discard_frees_space),
        cmocka_unit_test(test_concurrent_requests),
        cmocka_unit_test(test_corrupt_headers),
        cmocka_unit_test(test_corrupt_tables_fail_requests),
    };
    return cmocka_run_group_tests(tests, tdir_create, tdir_remove);
}

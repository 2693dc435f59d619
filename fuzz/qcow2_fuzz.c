/*
 * qcow2_fuzz.c - libFuzzer target for the qcow2 parser and metadata walker
 * (src/backends/block_qcow2*.c). The input is an image file: it is opened
 * read-write without its backing file, then read, written, zeroed, discarded
 * and flushed at places derived from the input, so corrupt L1/L2/refcount
 * tables reach the allocator and the write paths too. Any crash, sanitizer
 * report, leak or timeout is a bug; errors returned to the caller are not.
 *
 * Build and run (see fuzz/run.sh):
 *   clang -std=c17 -D_GNU_SOURCE -Isrc -Iinclude -g -O1 \
 *     -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
 *     fuzz/qcow2_fuzz.c src/backends/block.c src/backends/block_raw.c \
 *     src/backends/block_qcow2.c src/backends/block_qcow2_meta.c src/lib/log.c \
 *     -lz -lzstd -pthread -o build/fuzz/qcow2_fuzz
 *   mkdir -p build/fuzz/qcow2-corpus
 *   build/fuzz/qcow2_fuzz -max_len=65536 -max_total_time=60 \
 *     build/fuzz/qcow2-corpus fuzz/corpus/qcow2
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backends/block.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An offset in the disk picked by 8 input bytes (past the header), sector aligned. */
static uint64_t pick(const uint8_t *data, size_t size, size_t at, uint64_t disk, uint64_t len)
{
    uint64_t v = 0;
    for (size_t i = 0; i < 8; i++)
        v = v << 8 | (size > at + i ? data[at + i] : (uint8_t)(at * 31 + i));
    if (disk <= len)
        return 0;
    return v % ((disk - len) / 512 + 1) * 512;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("qcow2-fuzz", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

    static uint8_t buf[3 * 65536];
    struct block_options o = { .format = BLOCK_FORMAT_QCOW2, .no_backing = true };
    struct block_backend *bs;
    char err[256];
    int r = block_open(path, &o, &bs, err, sizeof(err));
    if (r < 0) {
        /* Dirty, corrupt-marked or snapshotted images still open read-only. */
        o.read_only = true;
        r = block_open(path, &o, &bs, err, sizeof(err));
    }
    if (r == 0) {
        uint64_t disk = block_size(bs);
        uint64_t len = disk < 65536 ? disk : 65536;
        /* Reads: the start, two places the input picks, the end. */
        (void)block_read(bs, 0, buf, len);
        (void)block_read(bs, pick(data, size, 120, disk, len), buf, len);
        (void)block_read(bs, pick(data, size, 200, disk, len), buf, len);
        (void)block_read(bs, disk - len, buf, len);
        /* Writes: partial and whole clusters, vectored with an odd split. */
        memset(buf, 0xa5, sizeof(buf));
        uint64_t wlen = disk < 3 * 65536 ? disk : 3 * 65536;
        struct iovec v[2] = { { buf, 1000 < wlen ? 1000 : wlen }, { buf + 1000, 0 } };
        if (wlen > 1000)
            v[1].iov_len = wlen - 1000;
        (void)block_writev(bs, pick(data, size, 300, disk, wlen), v, 2);
        (void)block_write(bs, pick(data, size, 400, disk, 512), buf, disk < 512 ? disk : 512);
        (void)block_write_zeroes(bs, pick(data, size, 500, disk, len), len, 0);
        (void)block_discard(bs, pick(data, size, 600, disk, len), len);
        (void)block_flush(bs);
        (void)block_read(bs, pick(data, size, 300, disk, len), buf, len);
        block_close(bs);
    }
    close(fd);
    return 0;
}

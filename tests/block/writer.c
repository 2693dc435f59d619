/*
 * writer.c - the crash-safety test's driver (tests/block/crash.sh), built from
 * the block backends' sources.
 *
 *   writer write IMAGE SEED LOG [NOPS]   random writes, write-zeroes, discards
 *                                        and flushes on IMAGE (qcow2) until
 *                                        killed (or NOPS ops, then flush+close)
 *   writer verify RAW LOG [INITIAL]      checks RAW (a dump of the image)
 *                                        against LOG; INITIAL holds the content
 *                                        before the run (default: zeros)
 *   writer dump IMAGE RAW                the image's content through our reader
 *   writer mkbase RAW SIZE               a file of SIZE bytes of tagged sectors
 *
 * Crash injection (systematic, instead of a kill at a random time): linked
 * with -Wl,--wrap for pwritev, ftruncate, fallocate and fdatasync, the writer
 * counts those calls on the image and, with RVMM_CRASH_AT=N, dies at the Nth:
 *   RVMM_CRASH_MODE=kill   (default) the call is not made: a kill -9 between
 *                          two system calls;
 *   RVMM_CRASH_MODE=power  a power cut: of everything written since the last
 *                          fdatasync, a random subset of 4 KiB pieces reaches
 *                          the disk (in any order), the rest is lost.
 *
 * The log gets a line before each operation starts ("W|Z|D index lba count")
 * and one after each flush returns ("F index": every operation below index
 * returned before the flush began). It is written with write(2), so a kill -9
 * loses none of it. Every sector written carries a tag (magic, operation
 * index, sector number) and a pattern derived from them, so verify can tell
 * which operation a sector came from. After a crash each sector must hold what
 * the last flushed operation left there, or what some later (possibly
 * half-done) operation wrote; discards may also leave zeros.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/block.h"

#define SECTOR 512
#define TAG_MAGIC "RVMMCRSH"
#define TAG_BASE 0xffffffffu /* sectors of mkbase files */

static uint64_t rng_state;

/* ---- crash injection ---- */

ssize_t __real_pwritev(int fd, const struct iovec *iov, int cnt, off_t off);
int __real_ftruncate(int fd, off_t len);
int __real_fallocate(int fd, int mode, off_t off, off_t len);
int __real_fdatasync(int fd);

/* What happened to the file since its last fdatasync, in 4 KiB pieces. */
struct piece {
    off_t off;
    size_t len;
    uint8_t *old_data; /* content before (zeros past the old end) */
    uint8_t *new_data; /* NULL: a truncation to off */
};

static struct {
    bool init;
    long crash_at; /* 0: never */
    bool power;
    long calls;
    int fd;
    off_t synced_size;
    struct piece *p;
    size_t n, cap;
    uint64_t rng;
} inj;

static void inj_init(int fd)
{
    if (inj.init)
        return;
    inj.init = true;
    const char *at = getenv("RVMM_CRASH_AT");
    const char *mode = getenv("RVMM_CRASH_MODE");
    inj.crash_at = at ? strtol(at, NULL, 0) : 0;
    inj.power = mode && strcmp(mode, "power") == 0;
    inj.fd = fd;
    struct stat st;
    fstat(fd, &st);
    inj.synced_size = st.st_size;
    inj.rng = 0x1234567 + (uint64_t)inj.crash_at * 77;
}

static uint64_t inj_rand(void)
{
    inj.rng ^= inj.rng << 13;
    inj.rng ^= inj.rng >> 7;
    inj.rng ^= inj.rng << 17;
    return inj.rng;
}

static void inj_record(off_t off, const uint8_t *data, size_t len, bool truncation)
{
    if (!inj.power)
        return;
    for (size_t done = 0; done < len || (truncation && done == 0);) {
        size_t n = truncation ? 0 : 4096 - (size_t)((off + (off_t)done) % 4096);
        if (n > len - done)
            n = len - done;
        if (inj.n == inj.cap) {
            inj.cap = inj.cap ? inj.cap * 2 : 256;
            inj.p = realloc(inj.p, inj.cap * sizeof(*inj.p));
        }
        struct piece *pc = &inj.p[inj.n++];
        pc->off = off + (off_t)done;
        pc->len = n;
        pc->old_data = calloc(1, n + 1);
        if (pread(inj.fd, pc->old_data, n, pc->off) < 0)
            abort();
        pc->new_data = truncation ? NULL : malloc(n + 1);
        if (!truncation)
            memcpy(pc->new_data, data ? data + done : pc->old_data, n);
        if (truncation)
            break;
        done += n;
    }
}

static void inj_forget(void)
{
    for (size_t i = 0; i < inj.n; i++) {
        free(inj.p[i].old_data);
        free(inj.p[i].new_data);
    }
    inj.n = 0;
}

/* Dies as the crash mode says; never returns. */
static void inj_crash(void)
{
    if (inj.power) {
        /* Back to the last synced state, then replay a random subset in order. */
        for (size_t i = inj.n; i-- > 0;) {
            struct piece *pc = &inj.p[i];
            if (pc->new_data && pwrite(inj.fd, pc->old_data, pc->len, pc->off) < 0)
                abort();
        }
        if (__real_ftruncate(inj.fd, inj.synced_size) < 0)
            abort();
        for (size_t i = 0; i < inj.n; i++) {
            struct piece *pc = &inj.p[i];
            if (inj_rand() % 2)
                continue;
            if (!pc->new_data) {
                if (__real_ftruncate(inj.fd, pc->off) < 0)
                    abort();
            } else {
                struct iovec v = { pc->new_data, pc->len };
                if (__real_pwritev(inj.fd, &v, 1, pc->off) < 0)
                    abort();
            }
        }
    }
    _exit(0);
}

static bool inj_step(int fd)
{
    inj_init(fd);
    if (fd != inj.fd) {
        fprintf(stderr, "writer: crash injection follows one file only\n");
        abort();
    }
    return ++inj.calls == inj.crash_at;
}

ssize_t __wrap_pwritev(int fd, const struct iovec *iov, int cnt, off_t off);
ssize_t __wrap_pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
    if (inj_step(fd))
        inj_crash();
    if (inj.power) {
        /* Pieces follow file pages, not the caller's iovec boundaries. */
        size_t len = 0;
        for (int i = 0; i < cnt; i++)
            len += iov[i].iov_len;
        uint8_t *flat = malloc(len + 1);
        for (size_t i = 0, pos = 0; i < (size_t)cnt; pos += iov[i].iov_len, i++)
            memcpy(flat + pos, iov[i].iov_base, iov[i].iov_len);
        inj_record(off, flat, len, false);
        free(flat);
    }
    return __real_pwritev(fd, iov, cnt, off);
}

int __wrap_ftruncate(int fd, off_t len);
int __wrap_ftruncate(int fd, off_t len)
{
    if (inj_step(fd))
        inj_crash();
    inj_record(len, NULL, 0, true);
    return __real_ftruncate(fd, len);
}

int __wrap_fallocate(int fd, int mode, off_t off, off_t len);
int __wrap_fallocate(int fd, int mode, off_t off, off_t len)
{
    if (inj_step(fd))
        inj_crash();
    uint8_t *zeros = calloc(1, (size_t)len + 1);
    inj_record(off, zeros, (size_t)len, false); /* punched: reads as zeros */
    free(zeros);
    return __real_fallocate(fd, mode, off, len);
}

int __wrap_fdatasync(int fd);
int __wrap_fdatasync(int fd)
{
    if (inj_step(fd))
        inj_crash();
    int r = __real_fdatasync(fd);
    struct stat st;
    fstat(fd, &st);
    inj.synced_size = st.st_size;
    inj_forget();
    return r;
}

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static void fill_sector(uint8_t *p, uint32_t idx, uint64_t lba)
{
    memcpy(p, TAG_MAGIC, 8);
    memcpy(p + 8, &idx, 4);
    memcpy(p + 12, &lba, 8);
    uint64_t x = (lba * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)idx << 32 | idx) ^ 0x1234567;
    for (int i = 20; i < SECTOR; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        p[i] = (uint8_t)x;
    }
}

static void die(const char *what, int err)
{
    fprintf(stderr, "writer: %s: %s\n", what, strerror(err));
    exit(2);
}

static void log_line(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_line(int fd, const char *fmt, ...)
{
    char buf[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (write(fd, buf, (size_t)n) != n)
        die("log", errno);
}

static int cmd_write(const char *image, uint64_t seed, const char *log_path, long nops)
{
    struct block_options o = { .format = BLOCK_FORMAT_QCOW2 };
    struct block_backend *bs;
    char err[512];
    int r = block_open(image, &o, &bs, err, sizeof(err));
    if (r < 0) {
        fprintf(stderr, "writer: %s\n", err);
        return 2;
    }
    int log = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    if (log < 0)
        die(log_path, errno);
    rng_state = seed * 0x9e3779b97f4a7c15ull + 7;
    uint64_t sectors = block_size(bs) / SECTOR;
    uint8_t *buf = malloc(4096 * SECTOR);
    uint32_t idx = 0;
    long until_flush = 1 + (long)(rng() % 8);
    for (long op = 0; nops < 0 || op < nops; op++) {
        uint64_t count;
        switch (rng() % 8) {
        case 0:
            count = 1 + rng() % 4096; /* up to 2 MiB */
            break;
        case 1:
        case 2:
            count = 1 + rng() % 8;
            break;
        default:
            count = 1 + rng() % 256;
            break;
        }
        if (count > sectors)
            count = sectors;
        uint64_t lba = rng() % (sectors - count + 1);
        unsigned kind = (unsigned)(rng() % 100);
        if (kind < 80) {
            log_line(log, "W %u %" PRIu64 " %" PRIu64 "\n", idx, lba, count);
            for (uint64_t s = 0; s < count; s++)
                fill_sector(buf + s * SECTOR, idx, lba + s);
            size_t cut = (size_t)(rng() % (count * SECTOR + 1));
            struct iovec v[2] = { { buf, cut }, { buf + cut, count * SECTOR - cut } };
            r = block_writev(bs, lba * SECTOR, v, 2);
        } else if (kind < 90) {
            log_line(log, "Z %u %" PRIu64 " %" PRIu64 "\n", idx, lba, count);
            r = block_write_zeroes(bs, lba * SECTOR, count * SECTOR,
                                   rng() % 2 ? BLOCK_ZEROES_MAY_UNMAP : 0);
        } else {
            log_line(log, "D %u %" PRIu64 " %" PRIu64 "\n", idx, lba, count);
            r = block_discard(bs, lba * SECTOR, count * SECTOR);
        }
        if (r < 0)
            die("request", -r);
        idx++;
        if (--until_flush == 0) {
            r = block_flush(bs);
            if (r < 0)
                die("flush", -r);
            log_line(log, "F %u\n", idx);
            until_flush = 1 + (long)(rng() % 8);
        }
    }
    r = block_flush(bs);
    if (r < 0)
        die("flush", -r);
    log_line(log, "F %u\n", idx);
    block_close(bs);
    free(buf);
    close(log);
    if (getenv("RVMM_CRASH_COUNT"))
        printf("%ld\n", inj.calls); /* how many calls a crash point may pick from */
    return 0;
}

struct op {
    char kind;
    uint32_t idx;
    uint64_t lba, count;
};

#define BASE_INITIAL -2 /* the sector holds its initial content */
#define BASE_ZERO -1

static uint8_t *read_whole(const char *path, uint64_t *size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        die(path, errno);
    struct stat st;
    fstat(fd, &st);
    *size = (uint64_t)st.st_size;
    uint8_t *p = calloc(1, *size + 1);
    uint64_t done = 0;
    while (done < *size) {
        ssize_t n = pread(fd, p + done, *size - done, (off_t)done);
        if (n <= 0)
            die(path, n < 0 ? errno : EIO);
        done += (uint64_t)n;
    }
    close(fd);
    return p;
}

static bool covers(const struct op *op, uint64_t s)
{
    return s >= op->lba && s < op->lba + op->count;
}

static int cmd_verify(const char *raw_path, const char *log_path, const char *initial_path)
{
    uint64_t size, isize = 0;
    uint8_t *raw = read_whole(raw_path, &size);
    uint8_t *initial = initial_path ? read_whole(initial_path, &isize) : NULL;
    uint64_t sectors = size / SECTOR;
    FILE *f = fopen(log_path, "r");
    if (!f)
        die(log_path, errno);
    struct op *ops = NULL;
    size_t n_ops = 0, cap = 0;
    uint32_t flushed = 0;
    char line[128];
    while (fgets(line, sizeof(line), f)) {
        struct op op;
        if (line[0] == 'F' && sscanf(line, "F %" SCNu32, &flushed) == 1)
            continue;
        if (sscanf(line, "%c %" SCNu32 " %" SCNu64 " %" SCNu64, &op.kind, &op.idx, &op.lba,
                   &op.count) != 4 || !strchr(line, '\n'))
            continue; /* a line cut by the kill */
        if (n_ops == cap) {
            cap = cap ? cap * 2 : 1024;
            ops = realloc(ops, cap * sizeof(*ops));
        }
        ops[n_ops++] = op;
    }
    fclose(f);

    /* What each sector must hold as of the last flush. */
    int64_t *base = malloc(sectors * sizeof(*base));
    bool *zero_ok = calloc(sectors, 1);
    for (uint64_t s = 0; s < sectors; s++)
        base[s] = BASE_INITIAL;
    size_t first_unflushed = 0;
    for (size_t i = 0; i < n_ops && ops[i].idx < flushed; i++, first_unflushed++) {
        for (uint64_t s = ops[i].lba; s < ops[i].lba + ops[i].count && s < sectors; s++) {
            if (ops[i].kind == 'W') {
                base[s] = ops[i].idx;
                zero_ok[s] = false;
            } else if (ops[i].kind == 'Z') {
                base[s] = BASE_ZERO;
                zero_ok[s] = false;
            } else {
                zero_ok[s] = true;
            }
        }
    }

    static const uint8_t zeros[SECTOR];
    uint64_t bad = 0;
    for (uint64_t s = 0; s < sectors; s++) {
        const uint8_t *p = raw + s * SECTOR;
        bool ok = false;
        bool is_zero = memcmp(p, zeros, SECTOR) == 0;
        if (base[s] == BASE_INITIAL) {
            const uint8_t *want = zeros;
            if (initial && (s + 1) * SECTOR <= isize)
                want = initial + s * SECTOR;
            ok = memcmp(p, want, SECTOR) == 0;
        } else if (base[s] == BASE_ZERO) {
            ok = is_zero;
        } else {
            uint8_t want[SECTOR];
            fill_sector(want, (uint32_t)base[s], s);
            ok = memcmp(p, want, SECTOR) == 0;
        }
        ok = ok || (is_zero && zero_ok[s]);
        /* Operations after the last flush may or may not have reached the disk. */
        for (size_t i = first_unflushed; !ok && i < n_ops; i++) {
            if (!covers(&ops[i], s))
                continue;
            if (ops[i].kind == 'W') {
                uint8_t want[SECTOR];
                fill_sector(want, ops[i].idx, s);
                ok = memcmp(p, want, SECTOR) == 0;
            } else {
                ok = is_zero;
            }
        }
        if (!ok) {
            if (bad < 10) {
                uint32_t tag_idx = 0;
                uint64_t tag_lba = 0;
                memcpy(&tag_idx, p + 8, 4);
                memcpy(&tag_lba, p + 12, 8);
                fprintf(stderr,
                        "writer: sector %" PRIu64 ": %s (tag op %u sector %" PRIu64
                        "), expected op %" PRId64 " (flushed below %u)\n",
                        s, is_zero ? "zeros" : memcmp(p, TAG_MAGIC, 8) ? "garbage" : "tagged",
                        tag_idx, tag_lba, base[s], flushed);
            }
            bad++;
        }
    }
    printf("%zu operations, %u flushed, %zu maybe, %" PRIu64 " bad sectors\n", n_ops, flushed,
           n_ops - first_unflushed, bad);
    free(base);
    free(zero_ok);
    free(ops);
    free(raw);
    free(initial);
    return bad ? 1 : 0;
}

static int cmd_dump(const char *image, const char *raw_path)
{
    struct block_options o = { .format = BLOCK_FORMAT_QCOW2, .read_only = true };
    struct block_backend *bs;
    char err[512];
    if (block_open(image, &o, &bs, err, sizeof(err)) < 0) {
        fprintf(stderr, "writer: %s\n", err);
        return 2;
    }
    int fd = open(raw_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        die(raw_path, errno);
    const size_t chunk = 1 << 20;
    uint8_t *buf = malloc(chunk);
    for (uint64_t off = 0; off < block_size(bs); off += chunk) {
        size_t n = block_size(bs) - off < chunk ? (size_t)(block_size(bs) - off) : chunk;
        int r = block_read(bs, off, buf, n);
        if (r < 0)
            die("read", -r);
        if (pwrite(fd, buf, n, (off_t)off) != (ssize_t)n)
            die(raw_path, errno);
    }
    close(fd);
    free(buf);
    block_close(bs);
    return 0;
}

static int cmd_mkbase(const char *raw_path, uint64_t size)
{
    FILE *f = fopen(raw_path, "w");
    if (!f)
        die(raw_path, errno);
    uint8_t sec[SECTOR];
    for (uint64_t s = 0; s < size / SECTOR; s++) {
        fill_sector(sec, TAG_BASE, s);
        fwrite(sec, SECTOR, 1, f);
    }
    return fclose(f) == 0 ? 0 : 2;
}

int main(int argc, char **argv)
{
    if (argc >= 5 && strcmp(argv[1], "write") == 0)
        return cmd_write(argv[2], strtoull(argv[3], NULL, 0), argv[4],
                         argc > 5 ? strtol(argv[5], NULL, 0) : -1);
    if (argc >= 4 && strcmp(argv[1], "verify") == 0)
        return cmd_verify(argv[2], argv[3], argc > 4 ? argv[4] : NULL);
    if (argc == 4 && strcmp(argv[1], "dump") == 0)
        return cmd_dump(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "mkbase") == 0)
        return cmd_mkbase(argv[2], strtoull(argv[3], NULL, 0));
    fprintf(stderr, "usage: writer write IMAGE SEED LOG [NOPS] | verify RAW LOG [INITIAL] | "
                    "dump IMAGE RAW | mkbase RAW SIZE\n");
    return 2;
}

/*
 * block_qcow2.c - qcow2 images (versions 2 and 3): opening and checking the
 * header, backing files, and the guest's reads, writes, discards and
 * write-zeroes through the L1/L2 tables. Metadata caching, refcounts and
 * cluster allocation live in block_qcow2_meta.c.
 *
 * The file is untrusted input: every offset read from it is checked (aligned,
 * inside the file, not the header) before use, table sizes are capped, and a
 * bad entry fails the one request with -EIO rather than the process.
 *
 * Write ordering (docs/qcow2.md): new clusters come from a run whose
 * refcounts were written beforehand; guest data goes straight to its cluster, but
 * the L2 entries pointing to new clusters stay in the cache until a flush,
 * which syncs the data first, then writes and syncs the tables; a new L2 table
 * is written and synced before the L1 entry that points to it; clusters that
 * lost their last reference are freed only after that. So a kill or a power
 * cut at any point leaves at most leaked clusters, and data never appears in a
 * cluster before it was written.
 */
#include "backends/block_qcow2.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "lib/log.h"

#define HEADER_V2_SIZE 72
#define HEADER_V3_SIZE 104

#define EXT_END             0x00000000u
#define EXT_BACKING_FORMAT  0xe2792acau
#define EXT_FEATURE_TABLE   0x6803f857u

#define INCOMPAT_DIRTY       (1ull << 0)
#define INCOMPAT_CORRUPT     (1ull << 1)
#define INCOMPAT_DATA_FILE   (1ull << 2)
#define INCOMPAT_COMPRESSION (1ull << 3)
#define INCOMPAT_EXTL2       (1ull << 4)
#define INCOMPAT_KNOWN       0x1full

/* Flush metadata early (to apply deferred frees) once this many are queued:
 * bounds the queue during a discard of a whole large disk. */
#define FREES_SOFT_MAX 65536

static struct qcow2 *to_qcow2(struct block_backend *bs)
{
    return (struct qcow2 *)bs;
}

static uint64_t l2_get(const uint8_t *tbl, uint64_t i)
{
    return qcow2_be64(tbl + i * 8);
}

static enum qcow2_cluster_type classify(const struct qcow2 *s, uint64_t e)
{
    if (e & QCOW2_OFLAG_COMPRESSED)
        return QCOW2_COMPRESSED;
    if (s->version >= 3 && (e & QCOW2_OFLAG_ZERO))
        return (e & QCOW2_OFFSET_MASK) ? QCOW2_ZERO_ALLOC : QCOW2_ZERO;
    return (e & QCOW2_OFFSET_MASK) ? QCOW2_NORMAL : QCOW2_UNALLOCATED;
}

static bool writable_in_place(const struct qcow2 *s, uint64_t e)
{
    return classify(s, e) == QCOW2_NORMAL && (e & QCOW2_OFLAG_COPIED);
}

static bool data_offset_aligned(const struct qcow2 *s, uint64_t host)
{
    return (host & (s->cluster_size - 1)) == 0;
}

/* Bytes from off to the end of the guest range its L2 table maps. */
static uint64_t span_left(const struct qcow2 *s, uint64_t off)
{
    uint64_t span = s->cluster_size << s->l2_bits;
    return span - (off & (span - 1));
}

static int corrupt_entry(const struct qcow2 *s, const char *what, uint64_t guest_off, uint64_t e)
{
    log_warn_once("qcow2 %s: corrupt %s for guest offset 0x%llx (entry 0x%llx)", s->path, what,
                  (unsigned long long)guest_off, (unsigned long long)e);
    return -EIO;
}

/* ---- L2 tables ---- */

/* The L2 table for L1 index l1i; *tbl NULL if there is none and alloc is false. */
static int get_l2(struct qcow2 *s, uint64_t l1i, bool alloc, uint8_t **tbl, uint64_t *tbl_off)
{
    *tbl = NULL;
    if (l1i >= s->l1_size)
        return -EIO;
    uint64_t e = s->l1[l1i];
    uint64_t off = e & QCOW2_OFFSET_MASK;
    int err = 0;
    if (off == 0) {
        if (!alloc)
            return 0;
        uint64_t got;
        int r = qcow2_alloc_clusters(s, 1, &off, &got);
        if (r < 0)
            return r;
        uint8_t *t = qcow2_cache_get(s, &s->l2_cache, off, true, &err);
        if (!t)
            return err;
        /* The empty table reaches the disk before the L1 entry that points to it. */
        r = block_file_pwrite(s->fd, off, t, s->cluster_size);
        if (r == 0)
            r = block_file_sync(s->fd);
        if (r == 0) {
            uint8_t be[8];
            qcow2_put_be64(be, off | QCOW2_OFLAG_COPIED);
            r = block_file_pwrite(s->fd, s->l1_offset + l1i * 8, be, sizeof(be));
        }
        if (r < 0) {
            qcow2_cache_drop(&s->l2_cache, off);
            return r;
        }
        s->l1[l1i] = off | QCOW2_OFLAG_COPIED;
        *tbl = t;
        *tbl_off = off;
        return 0;
    }
    if (!qcow2_valid_cluster(s, off) || qcow2_overlaps_fixed_metadata(s, off, s->cluster_size)) {
        log_warn_once("qcow2 %s: L1 entry %llu is corrupt (0x%llx)", s->path,
                      (unsigned long long)l1i, (unsigned long long)e);
        return -EIO;
    }
    if (alloc && !(e & QCOW2_OFLAG_COPIED)) {
        log_warn_once("qcow2 %s: L2 table %llu is shared (no COPIED flag); not writing to it",
                      s->path, (unsigned long long)l1i);
        return -EIO;
    }
    *tbl = qcow2_cache_get(s, &s->l2_cache, off, false, &err);
    *tbl_off = off;
    return *tbl ? 0 : err;
}

/* ---- compressed clusters ---- */

static int inflate_zlib(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    /* Raw deflate, no zlib header; QEMU writes 4 KiB windows, any size up to 32 KiB is accepted. */
    if (inflateInit2(&z, -15) != Z_OK)
        return -ENOMEM;
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)in_len;
    z.next_out = out;
    z.avail_out = (uInt)out_len;
    int zr = inflate(&z, Z_FINISH);
    inflateEnd(&z);
    /* Success means a full cluster came out; the input may have padding after the stream. */
    if ((zr == Z_STREAM_END || zr == Z_BUF_ERROR || zr == Z_OK) && z.avail_out == 0)
        return 0;
    return -EIO;
}

static int inflate_zstd(struct qcow2 *s, const uint8_t *in, size_t in_len, uint8_t *out,
                        size_t out_len)
{
    if (!s->zstd_ctx) {
        ZSTD_DCtx *ctx = ZSTD_createDCtx();
        if (!ctx)
            return -ENOMEM;
        /* A cluster is compressed on its own: refuse frames asking for bigger windows. */
        int wlog = (int)s->cluster_bits + 1 > 10 ? (int)s->cluster_bits + 1 : 10;
        ZSTD_DCtx_setParameter(ctx, ZSTD_d_windowLogMax, wlog);
        s->zstd_ctx = ctx;
    }
    ZSTD_DCtx *ctx = s->zstd_ctx;
    ZSTD_DCtx_reset(ctx, ZSTD_reset_session_only);
    ZSTD_inBuffer ib = { in, in_len, 0 };
    ZSTD_outBuffer ob = { out, out_len, 0 };
    while (ob.pos < ob.size) {
        size_t before_in = ib.pos, before_out = ob.pos;
        size_t zr = ZSTD_decompressStream(ctx, &ob, &ib);
        if (ZSTD_isError(zr))
            return -EIO;
        if (ib.pos == before_in && ob.pos == before_out)
            return -EIO; /* no progress: input ran out */
    }
    return 0;
}

/* Fills s->dbuf with the cluster that compressed L2 entry e describes. */
static int load_compressed(struct qcow2 *s, uint64_t e, uint64_t guest_off)
{
    if (s->dbuf_entry == e)
        return 0;
    uint64_t cs = s->cluster_size;
    if (!s->dbuf) {
        s->dbuf = malloc(cs);
        s->cbuf = malloc(2 * cs);
        if (!s->dbuf || !s->cbuf)
            return -ENOMEM;
    }
    uint64_t coff = e & s->coffset_mask;
    uint64_t nsec = ((e >> s->csize_shift) & s->csize_mask) + 1;
    uint64_t clen = nsec * 512 - (coff & 511);
    if (coff < cs || coff >= s->file_size)
        return corrupt_entry(s, "compressed cluster descriptor", guest_off, e);
    if (clen > s->file_size - coff)
        clen = s->file_size - coff; /* the last one may claim sectors past the end */
    s->dbuf_entry = 0;
    int r = block_file_pread(s->fd, coff, s->cbuf, clen);
    if (r < 0)
        return r;
    r = s->zstd ? inflate_zstd(s, s->cbuf, clen, s->dbuf, cs)
                : inflate_zlib(s->cbuf, clen, s->dbuf, cs);
    if (r == -EIO)
        return corrupt_entry(s, "compressed cluster data", guest_off, e);
    if (r == 0)
        s->dbuf_entry = e;
    return r;
}

/* ---- reads ---- */

/* Guest range not allocated in this image: the backing file's data, zeros past its end. */
static int read_unallocated(struct qcow2 *s, uint64_t off, struct iov_cursor *c, uint64_t len)
{
    uint64_t in = 0;
    if (s->backing && off < s->backing->size) {
        in = s->backing->size - off < len ? s->backing->size - off : len;
        int r = s->backing->ops->readv(s->backing, off, c, in);
        if (r < 0)
            return r;
    }
    iov_cursor_zero(c, len - in);
    return 0;
}

static bool same_kind(const struct qcow2 *s, uint64_t a, uint64_t b, uint64_t distance)
{
    enum qcow2_cluster_type ta = classify(s, a), tb = classify(s, b);
    switch (ta) {
    case QCOW2_NORMAL:
        return tb == QCOW2_NORMAL &&
               (b & QCOW2_OFFSET_MASK) == (a & QCOW2_OFFSET_MASK) + distance * s->cluster_size;
    case QCOW2_UNALLOCATED:
        return tb == QCOW2_UNALLOCATED;
    case QCOW2_ZERO:
    case QCOW2_ZERO_ALLOC:
        return tb == QCOW2_ZERO || tb == QCOW2_ZERO_ALLOC;
    default:
        return false;
    }
}

/* Reads [off, off + len), all mapped by the L2 table tbl. */
static int read_in_table(struct qcow2 *s, const uint8_t *tbl, uint64_t off, struct iov_cursor *c,
                         uint64_t len)
{
    uint64_t cs = s->cluster_size;
    uint64_t i = (off >> s->cluster_bits) & (s->l2_entries - 1);
    while (len > 0) {
        uint64_t o = off & (cs - 1);
        uint64_t e = l2_get(tbl, i);
        uint64_t run = cs - o < len ? cs - o : len;
        uint64_t j = i + 1;
        while (run < len && j < s->l2_entries && same_kind(s, e, l2_get(tbl, j), j - i)) {
            run += len - run < cs ? len - run : cs;
            j++;
        }
        int r = 0;
        switch (classify(s, e)) {
        case QCOW2_NORMAL: {
            uint64_t host = e & QCOW2_OFFSET_MASK;
            if (!data_offset_aligned(s, host))
                return corrupt_entry(s, "L2 entry", off, e);
            r = block_file_preadv(s->fd, host + o, c, run);
            break;
        }
        case QCOW2_UNALLOCATED:
            r = read_unallocated(s, off, c, run);
            break;
        case QCOW2_ZERO:
        case QCOW2_ZERO_ALLOC:
            iov_cursor_zero(c, run);
            break;
        case QCOW2_COMPRESSED:
            r = load_compressed(s, e, off);
            if (r == 0)
                iov_cursor_from_buf(c, s->dbuf + o, run);
            break;
        }
        if (r < 0)
            return r;
        off += run;
        len -= run;
        i = j;
    }
    return 0;
}

static int qcow2_readv(struct block_backend *bs, uint64_t off, struct iov_cursor *c, uint64_t len)
{
    struct qcow2 *s = to_qcow2(bs);
    int r = 0;
    pthread_mutex_lock(&s->lock);
    while (len > 0 && r == 0) {
        uint64_t n = span_left(s, off) < len ? span_left(s, off) : len;
        uint8_t *tbl;
        uint64_t tbl_off;
        r = get_l2(s, off >> (s->cluster_bits + s->l2_bits), false, &tbl, &tbl_off);
        if (r == 0)
            r = tbl ? read_in_table(s, tbl, off, c, n) : read_unallocated(s, off, c, n);
        off += n;
        len -= n;
    }
    pthread_mutex_unlock(&s->lock);
    return r;
}

/* ---- writes ---- */

/* The current content of the guest cluster starting at gstart, whose L2 entry is e. */
static int cluster_content(struct qcow2 *s, uint64_t e, uint64_t gstart, uint8_t *buf)
{
    uint64_t cs = s->cluster_size;
    switch (classify(s, e)) {
    case QCOW2_NORMAL: {
        uint64_t host = e & QCOW2_OFFSET_MASK;
        if (!data_offset_aligned(s, host))
            return corrupt_entry(s, "L2 entry", gstart, e);
        return block_file_pread(s->fd, host, buf, cs);
    }
    case QCOW2_ZERO:
    case QCOW2_ZERO_ALLOC:
        memset(buf, 0, cs);
        return 0;
    case QCOW2_COMPRESSED: {
        int r = load_compressed(s, e, gstart);
        if (r == 0)
            memcpy(buf, s->dbuf, cs);
        return r;
    }
    default: {
        struct iovec v = { buf, cs };
        struct iov_cursor c;
        iov_cursor_init(&c, &v, 1);
        return read_unallocated(s, gstart, &c, cs);
    }
    }
}

/*
 * An entry is being replaced: queue its clusters to be freed. The queue is
 * applied only after a flush wrote the new entry and synced it (qcow2_flush_locked).
 */
static void note_replaced(struct qcow2 *s, uint64_t e)
{
    enum qcow2_cluster_type t = classify(s, e);
    if (t == QCOW2_COMPRESSED) {
        uint64_t coff = e & s->coffset_mask;
        uint64_t nsec = ((e >> s->csize_shift) & s->csize_mask) + 1;
        (void)qcow2_free_later(s, coff & ~511ull, nsec * 512); /* on failure: a leak */
    } else if ((t == QCOW2_NORMAL || t == QCOW2_ZERO_ALLOC) && (e & QCOW2_OFLAG_COPIED)) {
        /* Without COPIED a cluster may be shared: leave its refcount (at worst a leak). */
        (void)qcow2_free_later(s, e & QCOW2_OFFSET_MASK, s->cluster_size);
    }
}

/*
 * Entries [lo, hi) of the table at tbl_off changed in memory. They reach the
 * disk at the next flush (or when the table leaves the cache), after a sync
 * has made the data they point to durable.
 */
static void table_changed(struct qcow2 *s, uint64_t tbl_off, uint64_t lo, uint64_t hi)
{
    if (hi > lo)
        qcow2_cache_mark_dirty(&s->l2_cache, tbl_off, lo * 8, hi * 8);
}

/* An existing data cluster we may write in place. The file may end inside it
 * (the last cluster need not be complete), but it must start inside the file. */
static bool data_cluster_writable(const struct qcow2 *s, uint64_t host)
{
    return host != 0 && data_offset_aligned(s, host) && host < s->file_size &&
           host < QCOW2_MAX_HOST_OFFSET &&
           !qcow2_overlaps_fixed_metadata(s, host, s->cluster_size);
}

/* Writes [off, off + len), all mapped by one L2 table. */
static int write_chunk(struct qcow2 *s, uint64_t off, struct iov_cursor *c, uint64_t len)
{
    uint64_t cs = s->cluster_size;
    uint8_t *tbl;
    uint64_t tbl_off;
    int r = get_l2(s, off >> (s->cluster_bits + s->l2_bits), true, &tbl, &tbl_off);
    if (r < 0)
        return r;
    uint64_t i = (off >> s->cluster_bits) & (s->l2_entries - 1);
    uint64_t lo = UINT64_MAX, hi = 0; /* changed entries */

    while (len > 0) {
        uint64_t o = off & (cs - 1);
        uint64_t first = cs - o < len ? cs - o : len;
        uint64_t e = l2_get(tbl, i);

        if (writable_in_place(s, e)) {
            uint64_t host = e & QCOW2_OFFSET_MASK;
            if (!data_cluster_writable(s, host)) {
                r = corrupt_entry(s, "L2 entry", off, e);
                break;
            }
            uint64_t run = first, j = i + 1;
            while (run < len && j < s->l2_entries) {
                uint64_t e2 = l2_get(tbl, j);
                uint64_t h2 = host + (j - i) * cs;
                if (!writable_in_place(s, e2) || (e2 & QCOW2_OFFSET_MASK) != h2 ||
                    !data_cluster_writable(s, h2))
                    break;
                run += len - run < cs ? len - run : cs;
                j++;
            }
            r = block_file_pwritev(s->fd, host + o, c, run);
            if (r < 0)
                break;
            qcow2_note_file_end(s, host + o + run);
            off += run;
            len -= run;
            i = j;
            continue;
        }

        uint64_t host, got;
        if (o == 0 && first == cs) {
            /* Whole clusters: new host clusters take the guest's data directly. */
            uint64_t want = 1;
            while (i + want < s->l2_entries && len - want * cs >= cs &&
                   !writable_in_place(s, l2_get(tbl, i + want)))
                want++;
            r = qcow2_alloc_clusters(s, want, &host, &got);
            if (r < 0)
                break;
            r = block_file_pwritev(s->fd, host, c, got * cs);
            if (r < 0)
                break; /* the new clusters leak */
        } else {
            /* Part of a cluster: copy the rest from its current content. */
            r = cluster_content(s, e, off - o, s->cow_buf);
            if (r < 0)
                break;
            iov_cursor_to_buf(c, s->cow_buf + o, first);
            r = qcow2_alloc_clusters(s, 1, &host, &got);
            if (r < 0)
                break;
            r = block_file_pwrite(s->fd, host, s->cow_buf, cs);
            if (r < 0)
                break;
        }
        /* Data first, then the entries pointing to it (written back at the next flush). */
        for (uint64_t k = 0; k < got; k++) {
            note_replaced(s, l2_get(tbl, i + k));
            qcow2_put_be64(tbl + (i + k) * 8, (host + k * cs) | QCOW2_OFLAG_COPIED);
        }
        if (i < lo)
            lo = i;
        hi = i + got;
        uint64_t done = o == 0 && first == cs ? got * cs : first;
        off += done;
        len -= done;
        i += got;
    }
    table_changed(s, tbl_off, lo, hi);
    return r;
}

static int do_writev(struct qcow2 *s, uint64_t off, struct iov_cursor *c, uint64_t len)
{
    int r = 0;
    while (len > 0 && r == 0) {
        uint64_t n = span_left(s, off) < len ? span_left(s, off) : len;
        r = write_chunk(s, off, c, n);
        if (r == 0 && s->n_frees >= FREES_SOFT_MAX)
            r = qcow2_flush_locked(s);
        off += n;
        len -= n;
    }
    return r;
}

static int qcow2_writev(struct block_backend *bs, uint64_t off, struct iov_cursor *c, uint64_t len)
{
    struct qcow2 *s = to_qcow2(bs);
    pthread_mutex_lock(&s->lock);
    int r = do_writev(s, off, c, len);
    pthread_mutex_unlock(&s->lock);
    return r;
}

/* ---- discard and write-zeroes ---- */

static int write_zero_data(struct qcow2 *s, uint64_t off, uint64_t len)
{
    if (!s->zero_buf) {
        s->zero_buf = calloc(1, s->cluster_size);
        if (!s->zero_buf)
            return -ENOMEM;
    }
    while (len > 0) {
        uint64_t n = len < s->cluster_size ? len : s->cluster_size;
        struct iovec v = { s->zero_buf, n };
        struct iov_cursor c;
        iov_cursor_init(&c, &v, 1);
        int r = do_writev(s, off, &c, n);
        if (r < 0)
            return r;
        off += n;
        len -= n;
    }
    return 0;
}

/*
 * Whole clusters [off, off + len) inside one L2 table stop holding data; their
 * host clusters are freed. Without a backing file, unallocated clusters already
 * read as zeros: discard leaves clusters unallocated, write-zeroes makes
 * allocated ones zero clusters (v3). Over a backing file both need zero
 * clusters, which v2 lacks: there discard does nothing and write-zeroes
 * writes zeros.
 */
static int zero_clusters(struct qcow2 *s, uint64_t off, uint64_t len, bool discard)
{
    bool v3 = s->version >= 3;
    if (s->has_backing && !v3)
        return discard ? 0 : write_zero_data(s, off, len);
    uint64_t new_entry = v3 && (s->has_backing || !discard) ? QCOW2_OFLAG_ZERO : 0;

    uint8_t *tbl;
    uint64_t tbl_off;
    int r = get_l2(s, off >> (s->cluster_bits + s->l2_bits), s->has_backing, &tbl, &tbl_off);
    if (r < 0 || !tbl)
        return r; /* no table and no backing file: it all reads as zeros already */
    uint64_t i = (off >> s->cluster_bits) & (s->l2_entries - 1);
    uint64_t n = len >> s->cluster_bits;
    uint64_t lo = UINT64_MAX, hi = 0;
    for (uint64_t k = i; k < i + n; k++) {
        uint64_t e = l2_get(tbl, k);
        enum qcow2_cluster_type t = classify(s, e);
        if (t == QCOW2_ZERO || (t == QCOW2_UNALLOCATED && !s->has_backing))
            continue;
        note_replaced(s, e);
        qcow2_put_be64(tbl + k * 8, new_entry);
        if (k < lo)
            lo = k;
        hi = k + 1;
    }
    table_changed(s, tbl_off, lo, hi);
    return 0;
}

static int zero_range(struct qcow2 *s, uint64_t off, uint64_t len, bool discard)
{
    uint64_t cs = s->cluster_size;
    int r = 0;
    uint64_t head = (cs - (off & (cs - 1))) & (cs - 1);
    if (head > len)
        head = len;
    if (head > 0) {
        if (!discard)
            r = write_zero_data(s, off, head);
        off += head;
        len -= head;
    }
    while (r == 0 && len >= cs) {
        uint64_t n = len & ~(cs - 1);
        if (n > span_left(s, off))
            n = span_left(s, off);
        r = zero_clusters(s, off, n, discard);
        if (r == 0 && s->n_frees >= FREES_SOFT_MAX)
            r = qcow2_flush_locked(s);
        off += n;
        len -= n;
    }
    if (r == 0 && len > 0 && !discard)
        r = write_zero_data(s, off, len);
    return r;
}

static int qcow2_discard(struct block_backend *bs, uint64_t off, uint64_t len)
{
    struct qcow2 *s = to_qcow2(bs);
    pthread_mutex_lock(&s->lock);
    int r = zero_range(s, off, len, true);
    pthread_mutex_unlock(&s->lock);
    return r;
}

static int qcow2_write_zeroes(struct block_backend *bs, uint64_t off, uint64_t len, unsigned flags)
{
    struct qcow2 *s = to_qcow2(bs);
    pthread_mutex_lock(&s->lock);
    int r = zero_range(s, off, len, false);
    pthread_mutex_unlock(&s->lock);
    return r;
}

/* ---- flush and close ---- */

static int qcow2_flush(struct block_backend *bs)
{
    struct qcow2 *s = to_qcow2(bs);
    pthread_mutex_lock(&s->lock);
    int r = qcow2_flush_locked(s);
    pthread_mutex_unlock(&s->lock);
    return r;
}

static void qcow2_free(struct qcow2 *s)
{
    if (s->fd >= 0)
        close(s->fd);
    block_close(s->backing);
    qcow2_cache_free(&s->l2_cache);
    qcow2_cache_free(&s->refblock_cache);
    if (s->zstd_ctx)
        ZSTD_freeDCtx(s->zstd_ctx);
    free(s->l1);
    free(s->reftable);
    free(s->cow_buf);
    free(s->cbuf);
    free(s->dbuf);
    free(s->zero_buf);
    free(s->frees);
    free(s->path);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static void qcow2_close(struct block_backend *bs)
{
    struct qcow2 *s = to_qcow2(bs);
    if (s->writable) {
        int r = qcow2_flush_locked(s);
        if (r == 0)
            r = qcow2_release_prealloc(s);
        if (r == 0)
            r = block_file_sync(s->fd);
        if (r < 0)
            log_warn("qcow2 %s: closing: %s (the image may have leaked clusters)", s->path,
                     strerror(-r));
    }
    qcow2_free(s);
}

static const struct block_ops qcow2_ops = {
    .name = "qcow2",
    .readv = qcow2_readv,
    .writev = qcow2_writev,
    .flush = qcow2_flush,
    .discard = qcow2_discard,
    .write_zeroes = qcow2_write_zeroes,
    .close = qcow2_close,
};

/* ---- opening ---- */

struct header {
    uint32_t version;
    uint64_t backing_offset;
    uint32_t backing_size;
    uint32_t cluster_bits;
    uint64_t size;
    uint32_t crypt_method;
    uint32_t l1_size;
    uint64_t l1_offset;
    uint64_t reftable_offset;
    uint32_t reftable_clusters;
    uint32_t nb_snapshots;
    uint64_t incompat, compat, autoclear;
    uint32_t refcount_order;
    uint32_t header_length;
    uint8_t compression_type;
    /* from the extensions */
    char backing_format[16];
    const uint8_t *feature_table;
    uint32_t feature_table_len;
};

/* Names an incompatible feature bit from the image's own feature table, if it has one. */
static const char *feature_name(const struct header *h, unsigned bit, char *buf, size_t size)
{
    for (uint32_t p = 0; h->feature_table && p + 48 <= h->feature_table_len; p += 48) {
        const uint8_t *f = h->feature_table + p;
        if (f[0] == 0 && f[1] == bit) {
            size_t n = strnlen((const char *)f + 2, 46);
            snprintf(buf, size, " (%.*s)", (int)n, (const char *)f + 2);
            return buf;
        }
    }
    return "";
}

static int parse_extensions(struct header *h, const uint8_t *hdr, uint64_t start, uint64_t end,
                            const char *path, char *err, size_t err_size)
{
    uint64_t pos = start;
    while (pos + 8 <= end) {
        uint32_t type = qcow2_be32(hdr + pos);
        uint32_t len = qcow2_be32(hdr + pos + 4);
        pos += 8;
        if (type == EXT_END)
            break;
        if (len > end - pos)
            return block_error(err, err_size, EINVAL, path,
                               "qcow2 header extension 0x%08x runs past the header cluster", type);
        if (type == EXT_BACKING_FORMAT) {
            if (len >= sizeof(h->backing_format))
                return block_error(err, err_size, EINVAL, path,
                                   "qcow2 backing format name too long (%u bytes)", len);
            memcpy(h->backing_format, hdr + pos, len);
            h->backing_format[len] = '\0';
        } else if (type == EXT_FEATURE_TABLE) {
            h->feature_table = hdr + pos;
            h->feature_table_len = len;
        }
        pos += (len + 7ull) & ~7ull;
    }
    return 0;
}

static int parse_header(struct header *h, const uint8_t *hdr, uint64_t hdr_len, uint64_t file_size,
                        bool read_only, const char *path, char *err, size_t err_size)
{
    memset(h, 0, sizeof(*h));
    h->version = qcow2_be32(hdr + 4);
    h->backing_offset = qcow2_be64(hdr + 8);
    h->backing_size = qcow2_be32(hdr + 16);
    h->cluster_bits = qcow2_be32(hdr + 20);
    h->size = qcow2_be64(hdr + 24);
    h->crypt_method = qcow2_be32(hdr + 32);
    h->l1_size = qcow2_be32(hdr + 36);
    h->l1_offset = qcow2_be64(hdr + 40);
    h->reftable_offset = qcow2_be64(hdr + 48);
    h->reftable_clusters = qcow2_be32(hdr + 56);
    h->nb_snapshots = qcow2_be32(hdr + 60);
    if (h->version != 2 && h->version != 3)
        return block_error(err, err_size, ENOTSUP, path, "unsupported qcow2 version %u",
                           h->version);
    if (h->cluster_bits < QCOW2_MIN_CLUSTER_BITS || h->cluster_bits > QCOW2_MAX_CLUSTER_BITS)
        return block_error(err, err_size, EINVAL, path,
                           "qcow2 cluster_bits %u out of range (%d..%d)", h->cluster_bits,
                           QCOW2_MIN_CLUSTER_BITS, QCOW2_MAX_CLUSTER_BITS);
    uint64_t cs = 1ull << h->cluster_bits;
    if (h->version == 3) {
        h->incompat = qcow2_be64(hdr + 72);
        h->compat = qcow2_be64(hdr + 80);
        h->autoclear = qcow2_be64(hdr + 88);
        h->refcount_order = qcow2_be32(hdr + 96);
        h->header_length = qcow2_be32(hdr + 100);
        if (h->header_length < HEADER_V3_SIZE || h->header_length > cs ||
            h->header_length > file_size)
            return block_error(err, err_size, EINVAL, path, "bad qcow2 header length %u",
                               h->header_length);
        if (h->refcount_order > 6)
            return block_error(err, err_size, EINVAL, path, "bad qcow2 refcount order %u",
                               h->refcount_order);
        if (h->header_length > HEADER_V3_SIZE)
            h->compression_type = hdr[HEADER_V3_SIZE];
    } else {
        h->refcount_order = 4;
        h->header_length = HEADER_V2_SIZE;
    }

    uint64_t ext_end = hdr_len;
    if (h->backing_offset > h->header_length && h->backing_offset < ext_end)
        ext_end = h->backing_offset;
    int r = parse_extensions(h, hdr, h->header_length, ext_end, path, err, err_size);
    if (r < 0)
        return r;

    uint64_t unknown = h->incompat & ~INCOMPAT_KNOWN;
    if (unknown) {
        unsigned bit = (unsigned)__builtin_ctzll(unknown);
        char name[64];
        return block_error(err, err_size, ENOTSUP, path,
                           "unsupported qcow2 incompatible feature bit %u%s", bit,
                           feature_name(h, bit, name, sizeof(name)));
    }
    if (h->incompat & INCOMPAT_DATA_FILE)
        return block_error(err, err_size, ENOTSUP, path,
                           "qcow2 external data files are not supported");
    if (h->incompat & INCOMPAT_EXTL2)
        return block_error(err, err_size, ENOTSUP, path,
                           "qcow2 extended L2 entries (subclusters) are not supported");
    if ((h->incompat & INCOMPAT_COMPRESSION) ? h->compression_type > 1 : h->compression_type != 0)
        return block_error(err, err_size, ENOTSUP, path,
                           "unsupported qcow2 compression type %u", h->compression_type);
    if (!read_only && (h->incompat & INCOMPAT_DIRTY))
        return block_error(err, err_size, EINVAL, path,
                           "qcow2 image is dirty (refcounts may be stale); repair it with "
                           "'qemu-img check -r all' or open it read-only");
    if (!read_only && (h->incompat & INCOMPAT_CORRUPT))
        return block_error(err, err_size, EINVAL, path,
                           "qcow2 image is marked corrupt; repair it with "
                           "'qemu-img check -r all' or open it read-only");
    if (h->crypt_method != 0)
        return block_error(err, err_size, ENOTSUP, path,
                           "encrypted qcow2 images are not supported");
    if (!read_only && h->nb_snapshots > 0)
        return block_error(err, err_size, ENOTSUP, path,
                           "qcow2 image has internal snapshots; writing to it is not "
                           "supported (open it read-only)");

    /* The L1 table must map the whole disk and lie inside the file. */
    unsigned span_bits = 2 * h->cluster_bits - 3;
    uint64_t needed = (h->size >> span_bits) + ((h->size & ((1ull << span_bits) - 1)) != 0);
    if ((uint64_t)h->l1_size * 8 > QCOW2_MAX_L1_BYTES)
        return block_error(err, err_size, EFBIG, path, "qcow2 L1 table too large (%u entries)",
                           h->l1_size);
    if (needed > h->l1_size)
        return block_error(err, err_size, EINVAL, path,
                           "qcow2 L1 table (%u entries) too small for the disk size %llu",
                           h->l1_size, (unsigned long long)h->size);
    if (h->l1_size > 0 &&
        (h->l1_offset == 0 || (h->l1_offset & (cs - 1)) || h->l1_offset > file_size ||
         file_size - h->l1_offset < (uint64_t)h->l1_size * 8))
        return block_error(err, err_size, EINVAL, path,
                           "qcow2 L1 table offset 0x%llx is invalid",
                           (unsigned long long)h->l1_offset);
    uint64_t rt_bytes = (uint64_t)h->reftable_clusters * cs;
    if (h->reftable_clusters == 0 || rt_bytes > QCOW2_MAX_REFTABLE_BYTES)
        return block_error(err, err_size, EINVAL, path,
                           "qcow2 refcount table size (%u clusters) is invalid",
                           h->reftable_clusters);
    if (h->reftable_offset == 0 || (h->reftable_offset & (cs - 1)) ||
        h->reftable_offset > file_size || file_size - h->reftable_offset < rt_bytes)
        return block_error(err, err_size, EINVAL, path,
                           "qcow2 refcount table offset 0x%llx is invalid",
                           (unsigned long long)h->reftable_offset);
    if (h->backing_offset != 0 &&
        (h->backing_size == 0 || h->backing_size > 1023 || h->backing_offset > file_size ||
         file_size - h->backing_offset < h->backing_size))
        return block_error(err, err_size, EINVAL, path, "qcow2 backing file name is invalid");
    return 0;
}

static int open_backing(struct qcow2 *s, const struct header *h, struct block_chain *chain,
                        char *err, size_t err_size)
{
    char name[1024];
    int r = block_file_pread(s->fd, h->backing_offset, name, h->backing_size);
    if (r < 0)
        return block_error(err, err_size, -r, s->path, "reading the backing file name: %s",
                           strerror(-r));
    name[h->backing_size] = '\0';
    if (strlen(name) != h->backing_size)
        return block_error(err, err_size, EINVAL, s->path,
                           "qcow2 backing file name contains a NUL byte");

    struct block_options bopts = { .read_only = true };
    if (h->backing_format[0] == '\0')
        bopts.format = BLOCK_FORMAT_AUTO;
    else if (strcmp(h->backing_format, "raw") == 0)
        bopts.format = BLOCK_FORMAT_RAW;
    else if (strcmp(h->backing_format, "qcow2") == 0)
        bopts.format = BLOCK_FORMAT_QCOW2;
    else
        return block_error(err, err_size, ENOTSUP, s->path,
                           "unsupported backing file format '%s'", h->backing_format);

    /* A relative name is relative to the directory of the image naming it. */
    char *bpath;
    const char *slash = strrchr(s->path, '/');
    int n;
    if (name[0] == '/' || !slash)
        n = asprintf(&bpath, "%s", name);
    else
        n = asprintf(&bpath, "%.*s/%s", (int)(slash - s->path), s->path, name);
    if (n < 0)
        return block_error(err, err_size, ENOMEM, s->path, "out of memory");

    /* The message names the image the user opened and the one that failed (itself
     * starting with its path), not every link in between. */
    bool top = chain->depth == 0;
    char inner[512];
    chain->depth++;
    r = block_open_chain(bpath, &bopts, chain, &s->backing, top ? inner : err,
                         top ? sizeof(inner) : err_size);
    chain->depth--;
    free(bpath);
    if (r < 0 && top)
        return block_error(err, err_size, -r, s->path, "backing file %s", inner);
    return r;
}

static unsigned clamp_count(uint64_t v, unsigned lo, unsigned hi)
{
    return v < lo ? lo : v > hi ? hi : (unsigned)v;
}

static int setup(struct qcow2 *s, const struct header *h, const struct block_options *opts,
                 struct block_chain *chain, char *err, size_t err_size)
{
    uint64_t cs = 1ull << h->cluster_bits;
    s->version = h->version;
    s->cluster_bits = h->cluster_bits;
    s->cluster_size = cs;
    s->l2_bits = h->cluster_bits - 3;
    s->l2_entries = cs / 8;
    s->l1_offset = h->l1_offset;
    s->l1_size = h->l1_size;
    s->reftable_offset = h->reftable_offset;
    s->reftable_clusters = h->reftable_clusters;
    s->reftable_entries = (uint64_t)h->reftable_clusters * cs / 8;
    s->refcount_order = h->refcount_order;
    s->refblock_entries = cs * 8 >> h->refcount_order;
    s->csize_shift = 62 - (h->cluster_bits - 8);
    s->csize_mask = (1ull << (h->cluster_bits - 8)) - 1;
    s->coffset_mask = (1ull << s->csize_shift) - 1;
    s->zstd = (h->incompat & INCOMPAT_COMPRESSION) && h->compression_type == 1;
    s->has_backing = h->backing_offset != 0;
    s->bs.ops = &qcow2_ops;
    s->bs.size = h->size / BLOCK_SECTOR_SIZE * BLOCK_SECTOR_SIZE;
    s->bs.read_only = !s->writable;
    s->bs.discard_granularity = (uint32_t)cs;

    if (s->l1_size > 0) {
        uint8_t *raw = malloc((size_t)s->l1_size * 8);
        s->l1 = malloc((size_t)s->l1_size * sizeof(*s->l1));
        if (!raw || !s->l1) {
            free(raw);
            return block_error(err, err_size, ENOMEM, s->path, "out of memory");
        }
        int r = block_file_pread(s->fd, s->l1_offset, raw, (size_t)s->l1_size * 8);
        for (uint32_t i = 0; r == 0 && i < s->l1_size; i++)
            s->l1[i] = qcow2_be64(raw + (size_t)i * 8);
        free(raw);
        if (r < 0)
            return block_error(err, err_size, -r, s->path, "reading the L1 table: %s",
                               strerror(-r));
    }
    /* L2 tables are written back at flush; refcount blocks are written through. */
    if (qcow2_cache_init(&s->l2_cache, "L2 table", clamp_count((4u << 20) / cs, 4, 64), cs,
                         true) < 0 ||
        qcow2_cache_init(&s->refblock_cache, "refcount block",
                         clamp_count((1u << 20) / cs, 2, 16), cs, false) < 0)
        return block_error(err, err_size, ENOMEM, s->path, "out of memory");

    if (s->writable) {
        size_t rt_bytes = (size_t)s->reftable_entries * 8;
        uint8_t *raw = malloc(rt_bytes);
        s->reftable = malloc(rt_bytes);
        s->cow_buf = malloc(cs);
        if (!raw || !s->reftable || !s->cow_buf) {
            free(raw);
            return block_error(err, err_size, ENOMEM, s->path, "out of memory");
        }
        int r = block_file_pread(s->fd, s->reftable_offset, raw, rt_bytes);
        for (uint64_t i = 0; r == 0 && i < s->reftable_entries; i++)
            s->reftable[i] = qcow2_be64(raw + i * 8);
        free(raw);
        if (r < 0)
            return block_error(err, err_size, -r, s->path, "reading the refcount table: %s",
                               strerror(-r));
    }

    if (s->has_backing && !opts->no_backing) {
        int r = open_backing(s, h, chain, err, err_size);
        if (r < 0)
            return r;
    }
    /* Autoclear features (e.g. persistent bitmaps) are not kept up to date by
     * us: clearing their bits, the last step of opening, tells other programs so. */
    if (s->writable && h->autoclear) {
        uint8_t zero[8] = { 0 };
        int r = block_file_pwrite(s->fd, 88, zero, sizeof(zero));
        if (r == 0)
            r = block_file_sync(s->fd);
        if (r < 0)
            return block_error(err, err_size, -r, s->path, "updating the header: %s",
                               strerror(-r));
    }
    return 0;
}

int block_qcow2_open(int fd, const char *path, const struct block_options *opts,
                     struct block_chain *chain, struct block_backend **out, char *err,
                     size_t err_size)
{
    struct qcow2 *s = calloc(1, sizeof(*s));
    if (!s) {
        close(fd);
        return block_error(err, err_size, ENOMEM, path, "out of memory");
    }
    pthread_mutex_init(&s->lock, NULL);
    s->fd = fd;
    s->writable = !opts->read_only;
    s->path = strdup(path);
    uint8_t *hdr = NULL;
    int r;
    struct stat st;
    if (!s->path) {
        r = block_error(err, err_size, ENOMEM, path, "out of memory");
        goto fail;
    }
    if (fstat(fd, &st) < 0) {
        r = block_error(err, err_size, errno, path, "%s", strerror(errno));
        goto fail;
    }
    s->file_size = (uint64_t)st.st_size;
    if (!S_ISREG(st.st_mode)) {
        r = block_error(err, err_size, EINVAL, path, "qcow2 images must be regular files");
        goto fail;
    }
    if (s->file_size < HEADER_V3_SIZE) {
        r = block_error(err, err_size, EINVAL, path, "file too short for a qcow2 header");
        goto fail;
    }
    /* The header and its extensions live in the first cluster; cluster_bits is checked first. */
    uint8_t fixed[HEADER_V3_SIZE];
    r = block_file_pread(fd, 0, fixed, sizeof(fixed));
    if (r < 0) {
        r = block_error(err, err_size, -r, path, "reading the header: %s", strerror(-r));
        goto fail;
    }
    if (qcow2_be32(fixed) != BLOCK_QCOW2_MAGIC) {
        r = block_error(err, err_size, EINVAL, path, "not a qcow2 image (bad magic)");
        goto fail;
    }
    uint32_t cluster_bits = qcow2_be32(fixed + 20);
    uint64_t hdr_len = HEADER_V3_SIZE;
    if (cluster_bits >= QCOW2_MIN_CLUSTER_BITS && cluster_bits <= QCOW2_MAX_CLUSTER_BITS) {
        hdr_len = 1ull << cluster_bits;
        if (hdr_len > s->file_size)
            hdr_len = s->file_size;
    }
    hdr = malloc(hdr_len);
    if (!hdr) {
        r = block_error(err, err_size, ENOMEM, path, "out of memory");
        goto fail;
    }
    r = block_file_pread(fd, 0, hdr, hdr_len);
    if (r < 0) {
        r = block_error(err, err_size, -r, path, "reading the header: %s", strerror(-r));
        goto fail;
    }
    struct header h;
    r = parse_header(&h, hdr, hdr_len, s->file_size, opts->read_only, path, err, err_size);
    if (r == 0)
        r = setup(s, &h, opts, chain, err, err_size);
    if (r < 0)
        goto fail;
    free(hdr);
    *out = &s->bs;
    return 0;
fail:
    free(hdr);
    qcow2_free(s);
    return r;
}

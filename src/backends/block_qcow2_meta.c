/*
 * block_qcow2_meta.c - qcow2 metadata: the LRU caches of L2 tables and
 * refcount blocks, refcount reads and writes, cluster allocation (including new
 * refcount blocks and growing the refcount table) and deferred frees.
 *
 * Crash safety (docs/qcow2.md): a cluster's refcount is written before
 * anything can reference it, and a sync always comes between the two, so a
 * crash leaves at worst a leak; a reference is removed (and the removal made
 * durable) before the refcount drops, so a freed cluster is never reused while
 * an old reference to it could still come back. Clusters are allocated in
 * runs, one refcount-block write per run.
 */
#include "backends/block_qcow2.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"

/* Clusters allocated per refcount-block update: about 4 MiB, 16..256 clusters. */
#define PREALLOC_BYTES      (4u << 20)
#define PREALLOC_MIN        16
#define PREALLOC_MAX        256
#define PREALLOC_MAX_WANT   4096
#define FREES_INITIAL_CAP   64
/* How far past the end of the file the allocator looks for a free cluster. */
#define SCAN_PAST_EOF       65536

/* ---- caches ---- */

int qcow2_cache_init(struct qcow2_cache *c, const char *what, unsigned n, uint64_t cluster_size,
                     bool sync_before_write)
{
    c->what = what;
    c->sync_before_write = sync_before_write;
    c->n = n;
    c->tick = 0;
    c->e = calloc(n, sizeof(*c->e));
    return c->e ? 0 : -ENOMEM;
}

void qcow2_cache_free(struct qcow2_cache *c)
{
    if (!c->e)
        return;
    for (unsigned i = 0; i < c->n; i++)
        free(c->e[i].data);
    free(c->e);
    c->e = NULL;
}

static int cache_write_entry(struct qcow2 *s, struct qcow2_cache *c, struct qcow2_cache_entry *e)
{
    if (e->dirty_hi == 0)
        return 0;
    int r = block_file_pwrite(s->fd, e->offset + e->dirty_lo, e->data + e->dirty_lo,
                              e->dirty_hi - e->dirty_lo);
    if (r < 0) {
        log_warn_once("qcow2 %s: writing a %s failed: %s", s->path, c->what, strerror(-r));
        e->offset = 0; /* memory and disk disagree: reread next time */
    }
    e->dirty_lo = e->dirty_hi = 0;
    return r;
}

uint8_t *qcow2_cache_get(struct qcow2 *s, struct qcow2_cache *c, uint64_t off, bool zeroed,
                         int *err)
{
    struct qcow2_cache_entry *victim = NULL;
    c->tick++;
    for (unsigned i = 0; i < c->n; i++) {
        struct qcow2_cache_entry *e = &c->e[i];
        if (e->offset == off && e->offset != 0) {
            e->last_use = c->tick;
            if (zeroed) {
                memset(e->data, 0, s->cluster_size);
                e->dirty_lo = e->dirty_hi = 0;
            }
            return e->data;
        }
        if (!victim || (victim->offset != 0 && (e->offset == 0 || e->last_use < victim->last_use)))
            victim = e;
    }
    if (victim->offset != 0 && victim->dirty_hi != 0) {
        int r = c->sync_before_write ? block_file_sync(s->fd) : 0;
        if (r == 0)
            r = cache_write_entry(s, c, victim);
        if (r < 0) {
            *err = r;
            return NULL;
        }
    }
    victim->offset = 0;
    if (!victim->data) {
        victim->data = malloc(s->cluster_size);
        if (!victim->data) {
            *err = -ENOMEM;
            return NULL;
        }
    }
    if (zeroed) {
        memset(victim->data, 0, s->cluster_size);
    } else {
        int r = block_file_pread(s->fd, off, victim->data, s->cluster_size);
        if (r < 0) {
            *err = r;
            return NULL;
        }
    }
    victim->offset = off;
    victim->last_use = c->tick;
    victim->dirty_lo = victim->dirty_hi = 0;
    return victim->data;
}

void qcow2_cache_mark_dirty(struct qcow2_cache *c, uint64_t off, size_t lo, size_t hi)
{
    for (unsigned i = 0; i < c->n; i++) {
        struct qcow2_cache_entry *e = &c->e[i];
        if (e->offset != off)
            continue;
        if (e->dirty_hi == 0) {
            e->dirty_lo = lo;
            e->dirty_hi = hi;
        } else {
            if (lo < e->dirty_lo)
                e->dirty_lo = lo;
            if (hi > e->dirty_hi)
                e->dirty_hi = hi;
        }
        return;
    }
}

int qcow2_cache_writeback(struct qcow2 *s, struct qcow2_cache *c)
{
    int ret = 0;
    for (unsigned i = 0; i < c->n; i++) {
        if (c->e[i].offset == 0)
            continue;
        int r = cache_write_entry(s, c, &c->e[i]);
        if (r < 0 && ret == 0)
            ret = r;
    }
    return ret;
}

void qcow2_cache_drop(struct qcow2_cache *c, uint64_t off)
{
    for (unsigned i = 0; i < c->n; i++) {
        if (c->e[i].offset == off) {
            c->e[i].offset = 0;
            c->e[i].dirty_lo = c->e[i].dirty_hi = 0;
        }
    }
}

/* ---- validation ---- */

bool qcow2_valid_cluster(const struct qcow2 *s, uint64_t off)
{
    return off != 0 && (off & (s->cluster_size - 1)) == 0 && off < QCOW2_MAX_HOST_OFFSET &&
           off <= s->file_size && s->file_size - off >= s->cluster_size;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen > 0 && blen > 0 && a < b + blen && b < a + alen;
}

bool qcow2_overlaps_fixed_metadata(const struct qcow2 *s, uint64_t off, uint64_t len)
{
    return ranges_overlap(off, len, 0, s->cluster_size) ||
           ranges_overlap(off, len, s->l1_offset, (uint64_t)s->l1_size * 8) ||
           ranges_overlap(off, len, s->reftable_offset,
                          (uint64_t)s->reftable_clusters * s->cluster_size);
}

/* ---- refcounts ---- */

static uint64_t rc_read(const struct qcow2 *s, const uint8_t *blk, uint64_t idx)
{
    switch (s->refcount_order) {
    case 0:
    case 1:
    case 2: {
        /* Sub-byte refcounts: entry i sits at bit (i * bits) % 8 of its byte, low bits first. */
        unsigned bits = 1u << s->refcount_order;
        uint64_t bit = idx * bits;
        return (blk[bit / 8] >> (bit % 8)) & ((1u << bits) - 1);
    }
    case 3:
        return blk[idx];
    case 4:
        return (uint64_t)blk[idx * 2] << 8 | blk[idx * 2 + 1];
    case 5:
        return qcow2_be32(blk + idx * 4);
    default:
        return qcow2_be64(blk + idx * 8);
    }
}

/* Writes entry idx; returns the byte range of the block that changed. */
static void rc_write(const struct qcow2 *s, uint8_t *blk, uint64_t idx, uint64_t v, size_t *lo,
                     size_t *hi)
{
    size_t byte;
    size_t width = 1;
    switch (s->refcount_order) {
    case 0:
    case 1:
    case 2: {
        unsigned bits = 1u << s->refcount_order;
        uint64_t bit = idx * bits;
        uint8_t mask = (uint8_t)(((1u << bits) - 1) << (bit % 8));
        byte = bit / 8;
        blk[byte] = (uint8_t)((blk[byte] & ~mask) | ((v << (bit % 8)) & mask));
        break;
    }
    case 3:
        byte = idx;
        blk[byte] = (uint8_t)v;
        break;
    case 4:
        byte = idx * 2;
        width = 2;
        blk[byte] = (uint8_t)(v >> 8);
        blk[byte + 1] = (uint8_t)v;
        break;
    case 5:
        byte = idx * 4;
        width = 4;
        qcow2_put_be32(blk + byte, (uint32_t)v);
        break;
    default:
        byte = idx * 8;
        width = 8;
        qcow2_put_be64(blk + byte, v);
        break;
    }
    *lo = byte;
    *hi = byte + width;
}

/* The refcount block covering cluster; *blk NULL if it has none (all refcounts 0). */
static int refblock_of(struct qcow2 *s, uint64_t cluster, uint8_t **blk, uint64_t *blk_off)
{
    *blk = NULL;
    uint64_t k = cluster / s->refblock_entries;
    if (k >= s->reftable_entries)
        return 0;
    uint64_t off = s->reftable[k] & QCOW2_REFTABLE_MASK;
    if (off == 0)
        return 0;
    if (!qcow2_valid_cluster(s, off) || (s->reftable[k] & ~QCOW2_REFTABLE_MASK)) {
        log_warn_once("qcow2 %s: refcount table entry %llu is corrupt (0x%llx)", s->path,
                      (unsigned long long)k, (unsigned long long)s->reftable[k]);
        return -EIO;
    }
    int err = 0;
    *blk = qcow2_cache_get(s, &s->refblock_cache, off, false, &err);
    *blk_off = off;
    return err;
}

int qcow2_refcount_get(struct qcow2 *s, uint64_t cluster, uint64_t *rc)
{
    uint8_t *blk;
    uint64_t off;
    int r = refblock_of(s, cluster, &blk, &off);
    if (r < 0)
        return r;
    *rc = blk ? rc_read(s, blk, cluster % s->refblock_entries) : 0;
    return 0;
}

/* Sets the refcounts of clusters [first, first + n) (their blocks must exist) and writes them. */
static int refcount_set_range(struct qcow2 *s, uint64_t first, uint64_t n, uint64_t value)
{
    for (uint64_t c = first; c < first + n; c++) {
        uint8_t *blk;
        uint64_t off;
        int r = refblock_of(s, c, &blk, &off);
        if (r < 0)
            return r;
        if (!blk)
            return -EIO;
        size_t lo, hi;
        rc_write(s, blk, c % s->refblock_entries, value, &lo, &hi);
        qcow2_cache_mark_dirty(&s->refblock_cache, off, lo, hi);
    }
    return qcow2_cache_writeback(s, &s->refblock_cache);
}

/* ---- allocation ---- */

static bool cluster_reserved(const struct qcow2 *s, uint64_t c)
{
    return qcow2_overlaps_fixed_metadata(s, c * s->cluster_size, s->cluster_size);
}

void qcow2_note_file_end(struct qcow2 *s, uint64_t end)
{
    if (end > s->file_size)
        s->file_size = end;
}

/* Range k of the refcount table has no block: put one at cluster c (in range k),
 * counting itself. */
static int new_refblock(struct qcow2 *s, uint64_t c, uint64_t k)
{
    uint8_t *blk = calloc(1, s->cluster_size);
    if (!blk)
        return -ENOMEM;
    size_t lo, hi;
    rc_write(s, blk, c % s->refblock_entries, 1, &lo, &hi);
    uint64_t off = c * s->cluster_size;
    int r = block_file_pwrite(s->fd, off, blk, s->cluster_size);
    free(blk);
    if (r < 0)
        return r;
    qcow2_note_file_end(s, off + s->cluster_size);
    /* The block must be on disk before the table points to it. */
    r = block_file_sync(s->fd);
    if (r < 0)
        return r;
    uint8_t e[8];
    qcow2_put_be64(e, off);
    r = block_file_pwrite(s->fd, s->reftable_offset + k * 8, e, 8);
    if (r < 0)
        return r;
    s->reftable[k] = off;
    return 0;
}

/*
 * The refcount table covers no cluster from c0 = its entries * refblock_entries
 * on, so everything there is free. Lay out at c0: m new refcount blocks, then a
 * bigger table (old entries, plus the new blocks); each block counts the new
 * clusters of its range. Write them, sync, switch the header to the new table,
 * sync, and free the old table later. Returns the first cluster after them.
 */
static int grow_reftable(struct qcow2 *s, uint64_t *next)
{
    uint64_t cs = s->cluster_size;
    uint64_t per_cluster = cs / 8;
    uint64_t old_n = s->reftable_entries;
    uint64_t c0 = old_n * s->refblock_entries;
    uint64_t new_n = (old_n * 2 + per_cluster - 1) / per_cluster * per_cluster;
    uint64_t n_rt, m;
    for (;;) {
        n_rt = new_n / per_cluster;
        m = 1;
        while (m * s->refblock_entries < m + n_rt)
            m++;
        if (old_n + m <= new_n)
            break;
        new_n += per_cluster;
    }
    uint64_t total = m + n_rt;
    if (new_n * 8 > QCOW2_MAX_REFTABLE_BYTES || c0 > QCOW2_MAX_HOST_OFFSET / cs ||
        (c0 + total) > QCOW2_MAX_HOST_OFFSET / cs) {
        log_warn_once("qcow2 %s: the refcount table cannot grow further", s->path);
        return -ENOSPC;
    }
    if (qcow2_overlaps_fixed_metadata(s, c0 * cs, total * cs)) {
        log_warn_once("qcow2 %s: metadata lies outside the refcount table's range", s->path);
        return -EIO;
    }
    uint8_t *buf = calloc(total, cs);
    uint64_t *table = calloc(new_n, sizeof(*table));
    if (!buf || !table) {
        free(buf);
        free(table);
        return -ENOMEM;
    }
    for (uint64_t i = 0; i < total; i++) {
        size_t lo, hi;
        rc_write(s, buf + (i / s->refblock_entries) * cs, i % s->refblock_entries, 1, &lo, &hi);
    }
    memcpy(table, s->reftable, old_n * sizeof(*table));
    for (uint64_t j = 0; j < m; j++)
        table[old_n + j] = (c0 + j) * cs;
    uint8_t *rt = buf + m * cs;
    for (uint64_t i = 0; i < new_n; i++)
        qcow2_put_be64(rt + i * 8, table[i]);

    int r = block_file_pwrite(s->fd, c0 * cs, buf, total * cs);
    free(buf);
    if (r == 0) {
        qcow2_note_file_end(s, (c0 + total) * cs);
        r = block_file_sync(s->fd);
    }
    if (r == 0) {
        uint8_t hdr[12];
        qcow2_put_be64(hdr, (c0 + m) * cs);
        qcow2_put_be32(hdr + 8, (uint32_t)n_rt);
        r = block_file_pwrite(s->fd, 48, hdr, sizeof(hdr));
    }
    if (r == 0)
        r = block_file_sync(s->fd);
    if (r < 0) {
        free(table);
        return r;
    }
    uint64_t old_off = s->reftable_offset;
    uint64_t old_len = (uint64_t)s->reftable_clusters * cs;
    free(s->reftable);
    s->reftable = table;
    s->reftable_entries = new_n;
    s->reftable_offset = (c0 + m) * cs;
    s->reftable_clusters = (uint32_t)n_rt;
    *next = c0 + total;
    return qcow2_free_later(s, old_off, old_len);
}

static uint64_t prealloc_batch(const struct qcow2 *s, uint64_t want)
{
    uint64_t batch = PREALLOC_BYTES / s->cluster_size;
    if (batch < PREALLOC_MIN)
        batch = PREALLOC_MIN;
    if (batch > PREALLOC_MAX)
        batch = PREALLOC_MAX;
    if (want > PREALLOC_MAX_WANT)
        want = PREALLOC_MAX_WANT;
    return want > batch ? want : batch;
}

/* Finds the first run of free clusters from free_hint and sets their refcounts to 1. */
static int prealloc_refill(struct qcow2 *s, uint64_t want)
{
    uint64_t cs = s->cluster_size;
    uint64_t limit = QCOW2_MAX_HOST_OFFSET / cs;
    /* Past the end of the file every refcount should be 0 (bar a few leaks):
     * a long used stretch there means corrupt refcounts, not a full disk. */
    uint64_t scan_end = s->file_size / cs + SCAN_PAST_EOF;
    if (scan_end < limit)
        limit = scan_end;
    uint64_t c = s->free_hint;
    int r;
    for (;;) {
        if (c >= limit) {
            log_warn_once("qcow2 %s: no free cluster found; refcounts look corrupt", s->path);
            return -ENOSPC;
        }
        if (cluster_reserved(s, c)) {
            c++;
            continue;
        }
        uint64_t k = c / s->refblock_entries;
        if (k >= s->reftable_entries) {
            r = grow_reftable(s, &c);
            if (r < 0)
                return r;
            continue;
        }
        if ((s->reftable[k] & QCOW2_REFTABLE_MASK) == 0) {
            r = new_refblock(s, c, k);
            if (r < 0)
                return r;
            c++;
            continue;
        }
        uint64_t rc;
        r = qcow2_refcount_get(s, c, &rc);
        if (r < 0)
            return r;
        if (rc == 0)
            break;
        c++;
    }
    uint64_t batch = prealloc_batch(s, want);
    uint64_t n = 1;
    uint64_t k = c / s->refblock_entries;
    while (n < batch && c + n < limit && (c + n) / s->refblock_entries == k &&
           !cluster_reserved(s, c + n)) {
        uint64_t rc;
        r = qcow2_refcount_get(s, c + n, &rc);
        if (r < 0)
            return r;
        if (rc != 0)
            break;
        n++;
    }
    /* Grow the file first, so no reference can ever point past its end. */
    uint64_t end = (c + n) * cs;
    if (end > s->file_size) {
        if (ftruncate(s->fd, (off_t)end) < 0)
            return -errno;
        s->file_size = end;
    }
    /*
     * No sync here: nothing on disk may point to these clusters before the
     * next sync anyway (new L2 tables are synced before their L1 entry, L2
     * entries are written only after a sync at flush), and that sync makes
     * these refcounts durable too.
     */
    r = refcount_set_range(s, c, n, 1);
    if (r < 0)
        return r; /* the run leaks if its refcounts reached the disk */
    s->prealloc_next = c;
    s->prealloc_end = c + n;
    s->free_hint = c + n;
    return 0;
}

int qcow2_alloc_clusters(struct qcow2 *s, uint64_t want, uint64_t *host, uint64_t *got)
{
    if (s->prealloc_next == s->prealloc_end) {
        int r = prealloc_refill(s, want);
        if (r < 0)
            return r;
    }
    uint64_t n = s->prealloc_end - s->prealloc_next;
    if (n > want)
        n = want;
    *host = s->prealloc_next * s->cluster_size;
    *got = n;
    s->prealloc_next += n;
    return 0;
}

int qcow2_release_prealloc(struct qcow2 *s)
{
    uint64_t next = s->prealloc_next, end = s->prealloc_end;
    if (next == end)
        return 0;
    s->prealloc_next = s->prealloc_end = 0;
    int r = refcount_set_range(s, next, end - next, 0);
    if (r < 0)
        return r;
    if (next < s->free_hint)
        s->free_hint = next;
    /* The run was the file's tail, never written: give the space back. */
    uint64_t unused_from = next * s->cluster_size;
    if (end * s->cluster_size == s->file_size && ftruncate(s->fd, (off_t)unused_from) == 0)
        s->file_size = unused_from;
    return 0;
}

/* ---- deferred frees ---- */

int qcow2_free_later(struct qcow2 *s, uint64_t off, uint64_t len)
{
    if (len == 0)
        return 0;
    uint64_t first = off / s->cluster_size;
    uint64_t last = (off + len - 1) / s->cluster_size;
    for (uint64_t c = first; c <= last; c++) {
        if (s->n_frees == s->frees_cap) {
            size_t cap = s->frees_cap ? s->frees_cap * 2 : FREES_INITIAL_CAP;
            uint64_t *f = realloc(s->frees, cap * sizeof(*f));
            if (!f)
                return -ENOMEM; /* the rest leaks */
            s->frees = f;
            s->frees_cap = cap;
        }
        s->frees[s->n_frees++] = c;
    }
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int frees_apply(struct qcow2 *s)
{
    if (s->n_frees == 0)
        return 0;
    qsort(s->frees, s->n_frees, sizeof(*s->frees), cmp_u64);
    size_t n = s->n_frees, n_zero = 0;
    s->n_frees = 0;
    s->dbuf_entry = 0;
    int ret = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t c = s->frees[i];
        uint8_t *blk;
        uint64_t off;
        int r = refblock_of(s, c, &blk, &off);
        uint64_t rc = 0;
        if (r == 0 && blk)
            rc = rc_read(s, blk, c % s->refblock_entries);
        if (r < 0 || rc == 0 || cluster_reserved(s, c)) {
            /* Only a corrupt image gets here: leave the refcount alone. */
            log_warn_once("qcow2 %s: not freeing cluster %llu (refcount %llu)", s->path,
                          (unsigned long long)c, (unsigned long long)rc);
            if (r < 0 && ret == 0)
                ret = r;
            continue;
        }
        size_t lo, hi;
        rc_write(s, blk, c % s->refblock_entries, rc - 1, &lo, &hi);
        qcow2_cache_mark_dirty(&s->refblock_cache, off, lo, hi);
        if (rc == 1)
            s->frees[n_zero++] = c; /* frees[] is sorted, so this keeps it sorted */
    }
    int r = qcow2_cache_writeback(s, &s->refblock_cache);
    if (r < 0)
        return r;
    /* Give the space of now-unused clusters back to the host file system. */
    for (size_t i = 0; i < n_zero;) {
        size_t j = i + 1;
        while (j < n_zero && s->frees[j] == s->frees[j - 1] + 1)
            j++;
        if (s->frees[i] < s->free_hint)
            s->free_hint = s->frees[i];
        (void)fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                        (off_t)(s->frees[i] * s->cluster_size),
                        (off_t)((j - i) * s->cluster_size));
        i = j;
    }
    return ret;
}

static bool cache_dirty(const struct qcow2_cache *c)
{
    for (unsigned i = 0; i < c->n; i++) {
        if (c->e[i].offset != 0 && c->e[i].dirty_hi != 0)
            return true;
    }
    return false;
}

int qcow2_flush_locked(struct qcow2 *s)
{
    /* Data (and copy-on-write copies) first: no entry may reach the disk before its data. */
    int r = block_file_sync(s->fd);
    if (r == 0 && cache_dirty(&s->l2_cache)) {
        r = qcow2_cache_writeback(s, &s->l2_cache);
        if (r == 0)
            r = block_file_sync(s->fd);
    }
    if (r < 0) {
        /* A table may still name the clusters we meant to free: keep them (a leak). */
        s->n_frees = 0;
        return r;
    }
    return frees_apply(s);
}

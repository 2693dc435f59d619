/*
 * block_qcow2.h - qcow2 internals shared by block_qcow2.c (header, guest
 * reads and writes) and block_qcow2_meta.c (metadata caches, refcounts,
 * cluster allocation, deferred frees). Format facts follow QEMU's
 * docs/interop/qcow2.txt; docs/qcow2.md says what rvmm supports and in which
 * order it writes metadata.
 *
 * Every field here is guarded by struct qcow2's lock.
 */
#ifndef RVMM_BACKENDS_BLOCK_QCOW2_H
#define RVMM_BACKENDS_BLOCK_QCOW2_H

#include <pthread.h>

#include "backends/block_int.h"

/* L1 and L2 entries, refcount table entries. */
#define QCOW2_OFLAG_COPIED     (1ull << 63) /* refcount is exactly 1: writable in place */
#define QCOW2_OFLAG_COMPRESSED (1ull << 62)
#define QCOW2_OFLAG_ZERO       (1ull << 0) /* v3: the cluster reads as zeros */
#define QCOW2_OFFSET_MASK      0x00fffffffffffe00ull /* bits 9..55 */
#define QCOW2_REFTABLE_MASK    0xfffffffffffffe00ull /* bits 9..63 */

/* Implementation limits (QEMU's too): tables we hold in memory stay small. */
#define QCOW2_MAX_L1_BYTES       (32u << 20)
#define QCOW2_MAX_REFTABLE_BYTES (8u << 20)
#define QCOW2_MIN_CLUSTER_BITS   9
#define QCOW2_MAX_CLUSTER_BITS   21
/* Host offsets are 56 bits wide in L2 entries. */
#define QCOW2_MAX_HOST_OFFSET (1ull << 56)

/* A small LRU of cluster-sized metadata tables (L2 tables or refcount blocks),
 * kept in their on-disk (big-endian) form. */
struct qcow2_cache_entry {
    uint64_t offset; /* host offset of the table; 0: slot empty */
    uint64_t last_use;
    uint8_t *data;
    size_t dirty_lo, dirty_hi; /* bytes changed in memory, not yet written */
};

struct qcow2_cache {
    const char *what; /* for messages */
    bool sync_before_write; /* dirty tables may name unsynced data: fdatasync first */
    unsigned n;
    uint64_t tick;
    struct qcow2_cache_entry *e;
};

enum qcow2_cluster_type {
    QCOW2_UNALLOCATED, /* read from the backing file, or zeros */
    QCOW2_ZERO,        /* zero flag, no host cluster */
    QCOW2_ZERO_ALLOC,  /* zero flag, host cluster kept allocated */
    QCOW2_NORMAL,      /* data in a host cluster */
    QCOW2_COMPRESSED,
};

struct qcow2 {
    struct block_backend bs;
    pthread_mutex_t lock;
    int fd;
    char *path;
    bool writable;

    /* header */
    uint32_t version;
    unsigned cluster_bits;
    uint64_t cluster_size;
    unsigned l2_bits; /* log2 of entries per L2 table */
    uint64_t l2_entries;
    uint64_t l1_offset;
    uint32_t l1_size;
    uint64_t *l1; /* host byte order */
    uint64_t reftable_offset;
    uint32_t reftable_clusters;
    uint64_t reftable_entries;
    uint64_t *reftable; /* host byte order; NULL when read-only */
    unsigned refcount_order;
    uint64_t refblock_entries;
    unsigned csize_shift; /* compressed descriptors: where the sector count starts */
    uint64_t csize_mask;
    uint64_t coffset_mask;
    bool zstd; /* compression type 1 */
    uint64_t file_size;

    bool has_backing;              /* the header names a backing file */
    struct block_backend *backing; /* NULL if none, or not opened (no_backing) */

    struct qcow2_cache l2_cache;
    struct qcow2_cache refblock_cache;

    /* buffers of cluster_size (cbuf: 2 * cluster_size, the largest compressed cluster) */
    uint8_t *cow_buf;
    uint8_t *cbuf;
    uint8_t *dbuf;
    uint8_t *zero_buf;
    uint64_t dbuf_entry; /* L2 entry whose data dbuf holds; 0: none */
    void *zstd_ctx;

    /*
     * Allocation: clusters [prealloc_next, prealloc_end) already have refcount
     * 1 on disk (durable at the next sync, before any reference to them is
     * written) and are handed out one by one.
     */
    uint64_t free_hint; /* no free cluster below this index, as far as we know */
    uint64_t prealloc_next, prealloc_end;

    /*
     * Clusters whose last reference was removed (in the L2 cache). Their
     * refcounts drop only after a flush wrote and synced the tables, so a
     * crash can never leave a reference to a cluster that was given to
     * someone else.
     */
    uint64_t *frees;
    size_t n_frees, frees_cap;
};

static inline uint64_t qcow2_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static inline uint32_t qcow2_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void qcow2_put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static inline void qcow2_put_be32(uint8_t *p, uint32_t v)
{
    for (int i = 3; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

/* ---- block_qcow2_meta.c ---- */

int qcow2_cache_init(struct qcow2_cache *c, const char *what, unsigned n, uint64_t cluster_size,
                     bool sync_before_write);
void qcow2_cache_free(struct qcow2_cache *c);
/* The table at host offset off (validated by the caller), loaded if needed; or NULL with *err. */
uint8_t *qcow2_cache_get(struct qcow2 *s, struct qcow2_cache *c, uint64_t off, bool zeroed,
                         int *err);
/* Records that bytes [lo, hi) of the cached table at off changed. */
void qcow2_cache_mark_dirty(struct qcow2_cache *c, uint64_t off, size_t lo, size_t hi);
/* Writes every dirty range (no sync); a table whose write failed is dropped (reread next time). */
int qcow2_cache_writeback(struct qcow2 *s, struct qcow2_cache *c);
/* Forgets a table whose write failed, so the next use rereads the disk. */
void qcow2_cache_drop(struct qcow2_cache *c, uint64_t off);

/* Whether a whole cluster at off lies inside the file (aligned, not the header). */
bool qcow2_valid_cluster(const struct qcow2 *s, uint64_t off);
/* Whether [off, off+len) touches the header, the L1 table or the refcount table. */
bool qcow2_overlaps_fixed_metadata(const struct qcow2 *s, uint64_t off, uint64_t len);

/* The file grew to at least end bytes (s->file_size must never lag the real size). */
void qcow2_note_file_end(struct qcow2 *s, uint64_t end);

int qcow2_refcount_get(struct qcow2 *s, uint64_t cluster, uint64_t *rc);
/* Takes up to want contiguous clusters whose refcount is already 1; *got >= 1 on success. */
int qcow2_alloc_clusters(struct qcow2 *s, uint64_t want, uint64_t *host, uint64_t *got);
/* Queues a reference drop for each host cluster of [off, off+len), whose reference is gone. */
int qcow2_free_later(struct qcow2 *s, uint64_t off, uint64_t len);
/*
 * Makes everything written so far durable: sync (data), write the dirty L2
 * tables, sync again, then drop the refcounts of the queued frees.
 */
int qcow2_flush_locked(struct qcow2 *s);
/* Gives back the unused preallocated clusters (at close). */
int qcow2_release_prealloc(struct qcow2 *s);

#endif

/*
 * virtqueue.c - split virtqueues, device side (VIRTIO 1.2 section 2.7).
 *
 * What the guest controls and how each is checked:
 *  - QueueNum: a power of two, 1..QueueNumMax (2.7: "Queue Size ... power of 2").
 *  - Ring addresses: aligned (descriptors 16, available ring 2, used ring 4,
 *    2.7.2), each area wholly inside one guest RAM region, the used ring in
 *    writable RAM. Checked once at QueueReady; RAM never moves afterwards, so
 *    the host views stay valid.
 *  - avail->idx: at most QueueNum ahead of the entries we have taken.
 *  - A head index from the available ring, and every `next`: below the size of
 *    the table they index.
 *  - Chain length: a direct chain visits at most QueueNum descriptors and an
 *    indirect table at most its own length, so a cycle ends as an error; the
 *    whole chain holds at most QueueNum data descriptors (2.7.5.3.1).
 *  - Indirect descriptors: only if negotiated, not nested, not combined with
 *    NEXT, a table length that is a nonzero multiple of 16 and at most QueueNum
 *    entries, the table inside RAM.
 *  - Buffers: inside one RAM region (never MMIO), device-writable ones not in
 *    read-only memory, no device-readable buffer after a device-writable one
 *    (2.7.4.2).
 * Each descriptor is copied out of guest memory once and used from the copy,
 * so the guest cannot change it between the check and the use.
 *
 * Memory ordering (2.7.7, 2.7.10): avail->idx is read with acquire before the
 * ring entries and descriptors it publishes; used entries are written before
 * used->idx is stored with release; a full fence separates our writes (used->idx,
 * avail_event) from our reads of the driver's suppression fields, which pairs
 * with the driver's own fence.
 */
#include "virtio/virtqueue.h"

#include <errno.h>
#include <string.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "virtqueues are little-endian; this code assumes a little-endian host"
#endif

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};
_Static_assert(sizeof(struct virtq_desc) == 16, "descriptor layout");

/* Byte offsets inside the rings. */
#define AVAIL_FLAGS 0
#define AVAIL_IDX 2
#define AVAIL_RING 4
#define USED_FLAGS 0
#define USED_IDX 2
#define USED_RING 4

static uint64_t avail_size(uint16_t num)
{
    return 6 + 2ull * num; /* flags, idx, ring[num], used_event */
}

static uint64_t used_size(uint16_t num)
{
    return 6 + 8ull * num; /* flags, idx, ring[num] of {id, len}, avail_event */
}

static uint16_t load16(const uint8_t *p, int order)
{
    return __atomic_load_n((const uint16_t *)(const void *)p, order);
}

static void store16(uint8_t *p, uint16_t v, int order)
{
    __atomic_store_n((uint16_t *)(void *)p, v, order);
}

void virtq_reset(struct virtq *vq, uint16_t max)
{
    uint32_t epoch = vq->epoch;
    memset(vq, 0, sizeof(*vq));
    vq->num = max;
    vq->epoch = epoch + 1;
}

static int virtq_fail(struct virtq *vq, const char *why)
{
    vq->error = why;
    return -EINVAL;
}

/* The host view of [gpa, gpa+len) if it lies in one RAM region (writable if asked), else NULL. */
static uint8_t *guest_range(struct bus *bus, uint64_t gpa, uint64_t len, bool writable,
                            struct mem_region **region)
{
    struct mem_region *r = bus_find_mem(bus, gpa, len ? len : 1);
    if (!r || (writable && r->readonly))
        return NULL;
    if (region)
        *region = r;
    return r->host + (gpa - r->base);
}

int virtq_start(struct virtq *vq, struct bus *bus, uint16_t max, uint64_t features)
{
    uint16_t n = vq->num;

    vq->ready = false;
    if (max > VIRTQ_MAX_SIZE)
        max = VIRTQ_MAX_SIZE;
    if (n == 0 || n > max || (n & (n - 1)))
        return virtq_fail(vq, "queue size is not a power of two no larger than QueueNumMax");
    if ((vq->desc_addr & 15) || (vq->avail_addr & 1) || (vq->used_addr & 3))
        return virtq_fail(vq, "misaligned ring address");
    const uint8_t *desc = guest_range(bus, vq->desc_addr, 16ull * n, false, NULL);
    const uint8_t *avail = guest_range(bus, vq->avail_addr, avail_size(n), false, NULL);
    struct mem_region *used_mem;
    uint8_t *used = guest_range(bus, vq->used_addr, used_size(n), true, &used_mem);
    if (!desc || !avail || !used)
        return virtq_fail(vq, "ring outside guest RAM (or used ring not writable)");

    vq->bus = bus;
    vq->desc = desc;
    vq->avail = avail;
    vq->used = used;
    vq->used_mem = used_mem;
    vq->event_idx = features & (1ull << VIRTIO_F_EVENT_IDX);
    vq->indirect = features & (1ull << VIRTIO_F_INDIRECT_DESC);
    /* The driver zeroes both rings before QueueReady; our indices start there too. */
    vq->last_avail = vq->used_idx = vq->signalled_used = 0;
    vq->signalled_valid = false;
    vq->error = NULL;
    vq->ready = true;
    return 0;
}

void virtq_stop(struct virtq *vq)
{
    vq->ready = false;
    vq->epoch++;
}

/* Appends one data descriptor to the chain. */
static int chain_add(struct virtq *vq, struct virtq_chain *c, const struct virtq_desc *d)
{
    unsigned n = c->nout + c->nin;

    if (n >= vq->num) /* also keeps n below VIRTQ_MAX_SIZE: num <= max <= VIRTQ_MAX_SIZE */
        return virtq_fail(vq, "descriptor chain longer than the queue size");
    bool writable = d->flags & VIRTQ_DESC_F_WRITE;
    uint8_t *host = guest_range(vq->bus, d->addr, d->len, writable, NULL);
    if (!host)
        return virtq_fail(vq, writable ? "device-writable buffer outside writable guest RAM"
                                       : "buffer outside guest RAM");
    if (writable) {
        c->nin++;
        c->in_bytes += d->len;
    } else {
        if (c->nin)
            return virtq_fail(vq, "device-readable buffer after a device-writable one");
        c->nout++;
        c->out_bytes += d->len;
    }
    c->iov[n] = (struct iovec){ host, d->len };
    c->gpa[n] = d->addr;
    return 0;
}

/* Walks the chain starting at descriptor `head` of the queue's table. */
static int chain_walk(struct virtq *vq, uint16_t head, struct virtq_chain *c)
{
    const uint8_t *table = vq->desc;
    uint32_t table_len = vq->num;
    uint32_t visited = 0; /* descriptors visited in the current table */
    bool in_indirect = false;
    uint32_t i = head;

    c->nout = c->nin = 0;
    c->out_bytes = c->in_bytes = 0;
    for (;;) {
        if (i >= table_len)
            return virtq_fail(vq, "descriptor index out of range");
        if (++visited > table_len)
            return virtq_fail(vq, "descriptor chain loops (longer than its table)");
        struct virtq_desc d;
        memcpy(&d, table + 16ull * i, sizeof(d)); /* one read: the guest may be rewriting it */
        if (d.flags & VIRTQ_DESC_F_INDIRECT) {
            if (!vq->indirect)
                return virtq_fail(vq, "indirect descriptor without VIRTIO_F_INDIRECT_DESC");
            if (in_indirect)
                return virtq_fail(vq, "indirect descriptor inside an indirect table");
            if (d.flags & VIRTQ_DESC_F_NEXT)
                return virtq_fail(vq, "indirect descriptor with VIRTQ_DESC_F_NEXT");
            if (d.len == 0 || d.len % 16 || d.len / 16 > vq->num)
                return virtq_fail(vq, "bad indirect table length");
            /* The WRITE flag of the descriptor that points at a table means nothing (2.7.5.3.2). */
            table = guest_range(vq->bus, d.addr, d.len, false, NULL);
            if (!table)
                return virtq_fail(vq, "indirect table outside guest RAM");
            table_len = d.len / 16;
            in_indirect = true;
            visited = 0;
            i = 0;
            continue;
        }
        if (d.len) { /* a zero-length buffer carries nothing: skipped */
            int err = chain_add(vq, c, &d);
            if (err)
                return err;
        }
        if (!(d.flags & VIRTQ_DESC_F_NEXT))
            return 0;
        i = d.next;
    }
}

int virtq_pop(struct virtq *vq, struct virtq_chain *c)
{
    if (!vq->ready)
        return 0;
    uint16_t avail_idx = load16(vq->avail + AVAIL_IDX, __ATOMIC_ACQUIRE);
    if (avail_idx == vq->last_avail)
        return 0;
    if ((uint16_t)(avail_idx - vq->last_avail) > vq->num)
        return virtq_fail(vq, "available index runs more than a queue ahead");
    uint16_t head = load16(vq->avail + AVAIL_RING + 2u * (vq->last_avail & (vq->num - 1)),
                           __ATOMIC_RELAXED);
    int err = chain_walk(vq, head, c);
    if (err)
        return err;
    c->head = head;
    c->epoch = vq->epoch;
    c->bus = vq->bus;
    vq->last_avail++;
    if (vq->event_idx) {
        /* avail_event: "notify me when you make entry last_avail available" (2.7.10).
         * The fence orders this store before our next load of avail->idx. */
        uint64_t off = USED_RING + 8ull * vq->num;
        store16(vq->used + off, vq->last_avail, __ATOMIC_RELAXED);
        mem_note_host_write(vq->used_mem, vq->used_addr + off, 2);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    }
    return 1;
}

void virtq_push(struct virtq *vq, const struct virtq_chain *c, uint32_t len)
{
    if (!vq->ready)
        return;
    if (len > c->in_bytes)
        len = (uint32_t)c->in_bytes;
    virtq_chain_note_written(c, 0, len);

    uint64_t off = USED_RING + 8ull * (vq->used_idx & (vq->num - 1));
    uint32_t elem[2] = { c->head, len };
    memcpy(vq->used + off, elem, sizeof(elem));
    mem_note_host_write(vq->used_mem, vq->used_addr + off, sizeof(elem));
    vq->used_idx++;
    store16(vq->used + USED_IDX, vq->used_idx, __ATOMIC_RELEASE);
    mem_note_host_write(vq->used_mem, vq->used_addr + USED_IDX, 2);
}

bool virtq_should_interrupt(struct virtq *vq)
{
    if (!vq->ready)
        return false;
    /* Our used->idx store must be visible before we read what the driver asked for. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (!vq->event_idx)
        return !(load16(vq->avail + AVAIL_FLAGS, __ATOMIC_RELAXED) & VIRTQ_AVAIL_F_NO_INTERRUPT);

    uint16_t old = vq->signalled_used, now = vq->used_idx;
    bool valid = vq->signalled_valid;
    vq->signalled_used = now;
    vq->signalled_valid = true;
    if (!valid)
        return true;
    /* 2.7.10: interrupt iff used_event lies in [old, now), modulo 2^16. */
    uint16_t used_event = load16(vq->avail + AVAIL_RING + 2u * vq->num, __ATOMIC_RELAXED);
    return (uint16_t)(now - used_event - 1) < (uint16_t)(now - old);
}

/* Finds the segment holding byte `offset` of the part [first, first+count). */
static bool chain_seek(const struct virtq_chain *c, unsigned first, unsigned count,
                       uint64_t *offset, unsigned *seg)
{
    for (unsigned i = first; i < first + count; i++) {
        if (*offset < c->iov[i].iov_len) {
            *seg = i;
            return true;
        }
        *offset -= c->iov[i].iov_len;
    }
    return false;
}

size_t virtq_chain_read(const struct virtq_chain *c, uint64_t offset, void *dst, size_t len)
{
    unsigned i;
    size_t done = 0;
    if (!chain_seek(c, 0, c->nout, &offset, &i))
        return 0;
    for (; i < c->nout && done < len; i++, offset = 0) {
        size_t n = c->iov[i].iov_len - offset;
        if (n > len - done)
            n = len - done;
        memcpy((uint8_t *)dst + done, (const uint8_t *)c->iov[i].iov_base + offset, n);
        done += n;
    }
    return done;
}

size_t virtq_chain_write(const struct virtq_chain *c, uint64_t offset, const void *src, size_t len)
{
    unsigned i, end = c->nout + c->nin;
    size_t done = 0;
    uint64_t start = offset;
    if (!chain_seek(c, c->nout, c->nin, &offset, &i))
        return 0;
    for (; i < end && done < len; i++, offset = 0) {
        size_t n = c->iov[i].iov_len - offset;
        if (n > len - done)
            n = len - done;
        memcpy((uint8_t *)c->iov[i].iov_base + offset, (const uint8_t *)src + done, n);
        done += n;
    }
    virtq_chain_note_written(c, start, done);
    return done;
}

void virtq_chain_note_written(const struct virtq_chain *c, uint64_t offset, uint64_t len)
{
    unsigned i, end = c->nout + c->nin;
    if (!len || !chain_seek(c, c->nout, c->nin, &offset, &i))
        return;
    for (; i < end && len; i++, offset = 0) {
        uint64_t n = c->iov[i].iov_len - offset;
        if (n > len)
            n = len;
        uint64_t gpa = c->gpa[i] + offset;
        struct mem_region *r = bus_find_mem(c->bus, gpa, n);
        if (r)
            mem_note_host_write(r, gpa, n);
        len -= n;
    }
}

/*
 * virtq_rings.h - the driver's side of a split virtqueue, built by the tests
 * in a fake guest RAM: descriptor table, available ring, used ring (VIRTIO 1.2
 * section 2.7), laid out from one guest address with the spec's alignments.
 */
#ifndef RVMM_TESTS_VIRTQ_RINGS_H
#define RVMM_TESTS_VIRTQ_RINGS_H

#include <stdint.h>
#include <string.h>

struct test_ring {
    uint8_t *ram;      /* host view of guest RAM starting at ram_base */
    uint64_t ram_base;
    uint64_t desc, avail, used; /* guest-physical addresses */
    uint16_t num;
    uint16_t avail_idx; /* the driver's next available index */
};

static inline uint8_t *ring_host(const struct test_ring *r, uint64_t gpa)
{
    return r->ram + (gpa - r->ram_base);
}

/* Lays out a queue of `num` entries at guest address `area` (16-aligned) and zeroes it. */
static inline void ring_init(struct test_ring *r, uint8_t *ram, uint64_t ram_base, uint64_t area,
                             uint16_t num)
{
    r->ram = ram;
    r->ram_base = ram_base;
    r->num = num;
    r->desc = area;
    r->avail = area + 16ull * num;
    r->used = (r->avail + 6 + 2ull * num + 3) & ~3ull;
    r->avail_idx = 0;
    memset(ring_host(r, area), 0, (size_t)(r->used + 6 + 8ull * num - area));
}

/* Writes descriptor i of the table at host address `table`. */
static inline void ring_table_desc(uint8_t *table, unsigned i, uint64_t addr, uint32_t len,
                                   uint16_t flags, uint16_t next)
{
    uint8_t *d = table + 16ull * i;
    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memcpy(d + 14, &next, 2);
}

static inline void ring_desc(struct test_ring *r, unsigned i, uint64_t addr, uint32_t len,
                             uint16_t flags, uint16_t next)
{
    ring_table_desc(ring_host(r, r->desc), i, addr, len, flags, next);
}

/* Puts `head` in the available ring and publishes it (release, like the driver's barrier). */
static inline void ring_make_available(struct test_ring *r, uint16_t head)
{
    uint16_t *entries = (uint16_t *)(void *)ring_host(r, r->avail + 4);
    entries[r->avail_idx % r->num] = head;
    r->avail_idx++;
    __atomic_store_n((uint16_t *)(void *)ring_host(r, r->avail + 2), r->avail_idx, __ATOMIC_RELEASE);
}

/* Sets avail->idx to anything (for malformed-ring tests). */
static inline void ring_set_avail_idx(struct test_ring *r, uint16_t idx)
{
    __atomic_store_n((uint16_t *)(void *)ring_host(r, r->avail + 2), idx, __ATOMIC_RELEASE);
}

static inline void ring_set_avail_entry(struct test_ring *r, unsigned slot, uint16_t head)
{
    ((uint16_t *)(void *)ring_host(r, r->avail + 4))[slot] = head;
}

static inline void ring_set_avail_flags(struct test_ring *r, uint16_t flags)
{
    *(uint16_t *)(void *)ring_host(r, r->avail) = flags;
}

/* used_event, at the end of the available ring (VIRTIO_F_EVENT_IDX). */
static inline void ring_set_used_event(struct test_ring *r, uint16_t v)
{
    ((uint16_t *)(void *)ring_host(r, r->avail + 4))[r->num] = v;
}

static inline uint16_t ring_used_idx(const struct test_ring *r)
{
    return __atomic_load_n((uint16_t *)(void *)ring_host(r, r->used + 2), __ATOMIC_ACQUIRE);
}

static inline void ring_used_elem(const struct test_ring *r, unsigned i, uint32_t *id, uint32_t *len)
{
    const uint8_t *e = ring_host(r, r->used + 4 + 8ull * (i % r->num));
    memcpy(id, e, 4);
    memcpy(len, e + 4, 4);
}

/* avail_event, at the end of the used ring (VIRTIO_F_EVENT_IDX). */
static inline uint16_t ring_avail_event(const struct test_ring *r)
{
    uint16_t v;
    memcpy(&v, ring_host(r, r->used + 4 + 8ull * r->num), 2);
    return v;
}

#endif

/* bus.c - guest physical address dispatch to memory and MMIO regions. */
#include "core/bus.h"

#include <errno.h>
#include <string.h>

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

static bool bus_range_free(struct bus *bus, uint64_t base, uint64_t size)
{
    for (unsigned i = 0; i < bus->nmem; i++)
        if (ranges_overlap(base, size, bus->mem[i].base, bus->mem[i].size))
            return false;
    for (unsigned i = 0; i < bus->nmmio; i++)
        if (ranges_overlap(base, size, bus->mmio[i].base, bus->mmio[i].size))
            return false;
    return true;
}

int bus_add_mem(struct bus *bus, const char *name, uint64_t base, uint64_t size, bool readonly)
{
    if (bus->nmem == BUS_MAX_MEM || !size || base + size < base)
        return -EINVAL;
    if (!bus_range_free(bus, base, size))
        return -EEXIST;
    int err = mem_region_init(&bus->mem[bus->nmem], name, base, size, readonly);
    if (err)
        return err;
    bus->nmem++;
    return 0;
}

int bus_add_mmio(struct bus *bus, const char *name, uint64_t base, uint64_t size,
                 const struct mmio_ops *ops, void *opaque)
{
    if (bus->nmmio == BUS_MAX_MMIO || !size || base + size < base)
        return -EINVAL;
    if (!bus_range_free(bus, base, size))
        return -EEXIST;
    unsigned i = bus->nmmio;
    while (i > 0 && bus->mmio[i - 1].base > base) {
        bus->mmio[i] = bus->mmio[i - 1];
        i--;
    }
    bus->mmio[i] = (struct mmio_region){ name, base, size, ops, opaque, 0 };
    bus->nmmio++;
    return 0;
}

void bus_destroy(struct bus *bus)
{
    for (unsigned i = 0; i < bus->nmem; i++)
        mem_region_destroy(&bus->mem[i]);
    bus->nmem = 0;
    bus->nmmio = 0;
}

struct mem_region *bus_find_mem(struct bus *bus, uint64_t pa, uint64_t len)
{
    for (unsigned i = 0; i < bus->nmem; i++)
        if (mem_region_contains(&bus->mem[i], pa, len))
            return &bus->mem[i];
    return NULL;
}

struct mmio_region *bus_find_mmio(struct bus *bus, uint64_t pa)
{
    unsigned lo = 0, hi = bus->nmmio;

    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        struct mmio_region *r = &bus->mmio[mid];
        if (pa < r->base)
            hi = mid;
        else if (pa - r->base >= r->size)
            lo = mid + 1;
        else
            return r;
    }
    return NULL;
}

/*
 * One device access of exactly `size` bytes at an offset aligned to size,
 * with size widened to the device's minimum where needed.
 */
static uint64_t mmio_read_sized(struct mmio_region *r, uint64_t off, unsigned size)
{
    const struct mmio_ops *ops = r->ops;

    if (size < ops->min_size) {
        uint64_t wide_off = off & ~(uint64_t)(ops->min_size - 1);
        uint64_t wide = ops->read(r->opaque, wide_off, ops->min_size);
        return wide >> ((off - wide_off) * 8);
    }
    if (size > ops->max_size) {
        uint64_t value = 0;
        for (unsigned done = 0; done < size; done += ops->max_size)
            value |= mmio_read_sized(r, off + done, ops->max_size) << (done * 8);
        return value;
    }
    return ops->read(r->opaque, off, size);
}

static void mmio_write_sized(struct mmio_region *r, uint64_t off, unsigned size, uint64_t value)
{
    const struct mmio_ops *ops = r->ops;

    if (size < ops->min_size) {
        /* Read-modify-write of the narrowest access the device accepts. */
        uint64_t wide_off = off & ~(uint64_t)(ops->min_size - 1);
        unsigned shift = (off - wide_off) * 8;
        uint64_t mask = (size == 8 ? ~0ull : ((1ull << (size * 8)) - 1)) << shift;
        uint64_t wide = ops->read(r->opaque, wide_off, ops->min_size);
        wide = (wide & ~mask) | ((value << shift) & mask);
        ops->write(r->opaque, wide_off, ops->min_size, wide);
        return;
    }
    if (size > ops->max_size) {
        for (unsigned done = 0; done < size; done += ops->max_size)
            mmio_write_sized(r, off + done, ops->max_size, value >> (done * 8));
        return;
    }
    ops->write(r->opaque, off, size, value);
}

static uint64_t size_mask(unsigned size)
{
    return size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

/* The device wholly containing [pa, pa+size), with the offset into it; counts the access. */
static struct mmio_region *mmio_target(struct bus *bus, uint64_t pa, unsigned size, uint64_t *off)
{
    struct mmio_region *r = bus_find_mmio(bus, pa);
    if (!r || pa + size - r->base > r->size)
        return NULL;
    r->accesses++;
    *off = pa - r->base;
    return r;
}

int bus_read(struct bus *bus, uint64_t pa, unsigned size, uint64_t *value)
{
    struct mem_region *m = bus_find_mem(bus, pa, size);
    if (m) {
        *value = mem_load_sized(m->host + (pa - m->base), size);
        return 0;
    }
    uint64_t off;
    struct mmio_region *r = mmio_target(bus, pa, size, &off);
    if (!r)
        return -1;
    if (off & (size - 1)) {
        /* Misaligned device access: byte by byte, so each piece is naturally aligned. */
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++)
            v |= (mmio_read_sized(r, off + i, 1) & 0xff) << (i * 8);
        *value = v;
        return 0;
    }
    *value = mmio_read_sized(r, off, size) & size_mask(size);
    return 0;
}

int bus_write(struct bus *bus, uint64_t pa, unsigned size, uint64_t value)
{
    struct mem_region *m = bus_find_mem(bus, pa, size);
    if (m) {
        if (m->readonly)
            return -1;
        mem_store_sized(m->host + (pa - m->base), size, value);
        mem_note_host_write(m, pa, size);
        return 0;
    }
    uint64_t off;
    struct mmio_region *r = mmio_target(bus, pa, size, &off);
    if (!r)
        return -1;
    if (off & (size - 1)) {
        for (unsigned i = 0; i < size; i++)
            mmio_write_sized(r, off + i, 1, value >> (i * 8));
        return 0;
    }
    mmio_write_sized(r, off, size, value & size_mask(size));
    return 0;
}

int bus_copy_to_guest(struct bus *bus, uint64_t pa, const void *src, uint64_t len)
{
    struct mem_region *m = bus_find_mem(bus, pa, len);
    if (!m)
        return -1;
    memcpy(m->host + (pa - m->base), src, len);
    mem_note_host_write(m, pa, len);
    return 0;
}

int bus_copy_from_guest(struct bus *bus, void *dst, uint64_t pa, uint64_t len)
{
    struct mem_region *m = bus_find_mem(bus, pa, len);
    if (!m)
        return -1;
    memcpy(dst, m->host + (pa - m->base), len);
    return 0;
}

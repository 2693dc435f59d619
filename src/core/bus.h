/*
 * bus.h - the guest physical address space: memory regions and MMIO devices.
 *
 * Devices declare the access sizes they accept (min_size..max_size, powers of
 * two); the bus splits or widens every other access, so a device never sees a
 * size it did not declare. An access that hits nothing fails, and the CPU turns
 * that failure into an access fault in the guest.
 */
#ifndef RVMM_CORE_BUS_H
#define RVMM_CORE_BUS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/memory.h"

struct mmio_ops {
    uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
    void (*write)(void *opaque, uint64_t offset, unsigned size, uint64_t value);
    unsigned min_size; /* smallest access the device accepts: 1, 2, 4 or 8 */
    unsigned max_size; /* largest access the device accepts */
};

struct mmio_region {
    const char *name;
    uint64_t base;
    uint64_t size;
    const struct mmio_ops *ops;
    void *opaque;
    uint64_t accesses; /* for --stats */
};

#define BUS_MAX_MEM  4
#define BUS_MAX_MMIO 32

struct bus {
    struct mem_region mem[BUS_MAX_MEM]; /* mem[0] is main RAM */
    unsigned nmem;
    struct mmio_region mmio[BUS_MAX_MMIO]; /* sorted by base */
    unsigned nmmio;
};

int bus_add_mem(struct bus *bus, const char *name, uint64_t base, uint64_t size, bool readonly);
int bus_add_mmio(struct bus *bus, const char *name, uint64_t base, uint64_t size,
                 const struct mmio_ops *ops, void *opaque);
void bus_destroy(struct bus *bus);

/* The memory region holding [pa, pa+len), or NULL. */
struct mem_region *bus_find_mem(struct bus *bus, uint64_t pa, uint64_t len);
struct mmio_region *bus_find_mmio(struct bus *bus, uint64_t pa);

/* Physical accesses of 1, 2, 4 or 8 bytes. Return 0, or -1 when nothing answers. */
int bus_read(struct bus *bus, uint64_t pa, unsigned size, uint64_t *value);
int bus_write(struct bus *bus, uint64_t pa, unsigned size, uint64_t value);

/* Bulk copies into/out of memory regions, for loaders and devices; -1 outside memory. */
int bus_copy_to_guest(struct bus *bus, uint64_t pa, const void *src, uint64_t len);
int bus_copy_from_guest(struct bus *bus, void *dst, uint64_t pa, uint64_t len);

#endif

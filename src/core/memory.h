/*
 * memory.h - host-backed guest physical memory (RAM and ROM).
 *
 * Each region is one anonymous host mapping. Alongside it lives derived state
 * that the execution engines need to stay coherent with guest stores:
 *  - a per-page generation number, bumped whenever a page that holds decoded
 *    or translated code is written, so cached code for that page goes stale;
 *  - a per-page "holds code" flag; software TLBs never map such a page for
 *    fast writes, so every store to it reaches mem_note_code_write().
 */
#ifndef RVMM_CORE_MEMORY_H
#define RVMM_CORE_MEMORY_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <stddef.h>

#define GUEST_PAGE_SHIFT 12
#define GUEST_PAGE_SIZE  (1ull << GUEST_PAGE_SHIFT)
#define GUEST_PAGE_MASK  (~(GUEST_PAGE_SIZE - 1))

struct mem_region {
    const char *name;
    uint64_t base;
    uint64_t size;
    uint8_t *host;
    bool readonly;
    uint32_t *page_gen;  /* per page, see above */
    uint8_t *code_page;  /* per page, nonzero when code was decoded from it */
};

int mem_region_init(struct mem_region *r, const char *name, uint64_t base, uint64_t size,
                    bool readonly);
void mem_region_destroy(struct mem_region *r);

static inline bool mem_region_contains(const struct mem_region *r, uint64_t pa, uint64_t len)
{
    return pa >= r->base && pa - r->base < r->size && len <= r->size - (pa - r->base);
}

static inline uint64_t mem_page_index(const struct mem_region *r, uint64_t pa)
{
    return (pa - r->base) >> GUEST_PAGE_SHIFT;
}

/*
 * A guest access of 1, 2, 4 or 8 bytes at a host pointer into RAM, little-
 * endian as the host: constant-size copies the compiler turns into one move
 * (a copy of variable size is a library call).
 */
static inline uint64_t mem_load_sized(const uint8_t *p, unsigned size)
{
    uint8_t v8;
    uint16_t v16;
    uint32_t v32;
    uint64_t v64;
    switch (size) {
    case 1: memcpy(&v8, p, 1); return v8;
    case 2: memcpy(&v16, p, 2); return v16;
    case 4: memcpy(&v32, p, 4); return v32;
    default: memcpy(&v64, p, 8); return v64;
    }
}

static inline void mem_store_sized(uint8_t *p, unsigned size, uint64_t value)
{
    uint8_t v8 = (uint8_t)value;
    uint16_t v16 = (uint16_t)value;
    uint32_t v32 = (uint32_t)value;
    switch (size) {
    case 1: memcpy(p, &v8, 1); break;
    case 2: memcpy(p, &v16, 2); break;
    case 4: memcpy(p, &v32, 4); break;
    default: memcpy(p, &value, 8); break;
    }
}

/* A store hit a page that holds code: make every cached decode of it stale. */
void mem_note_code_write(struct mem_region *r, uint64_t pa);

/* Host writes into guest memory (loaders, DMA) must call this for the range. */
void mem_note_host_write(struct mem_region *r, uint64_t pa, uint64_t len);

#endif

/* memory.c - host-backed guest physical memory regions. */
#include "core/memory.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

int mem_region_init(struct mem_region *r, const char *name, uint64_t base, uint64_t size,
                    bool readonly)
{
    uint64_t pages = (size + GUEST_PAGE_SIZE - 1) >> GUEST_PAGE_SHIFT;

    *r = (struct mem_region){ .name = name, .base = base, .size = size, .readonly = readonly };
    /* MAP_NORESERVE: guest RAM is touched lazily, like a real VMM's. */
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (p == MAP_FAILED)
        return -errno;
    r->host = p;
    r->page_gen = calloc(pages, sizeof(*r->page_gen));
    r->code_page = calloc(pages, 1);
    if (!r->page_gen || !r->code_page) {
        mem_region_destroy(r);
        return -ENOMEM;
    }
    return 0;
}

void mem_region_destroy(struct mem_region *r)
{
    if (r->host)
        munmap(r->host, r->size);
    free(r->page_gen);
    free(r->code_page);
    r->host = NULL;
    r->page_gen = NULL;
    r->code_page = NULL;
}

void mem_note_code_write(struct mem_region *r, uint64_t pa)
{
    uint64_t page = mem_page_index(r, pa);

    /* Release ordering pairs with the acquire load in block lookup on other harts. */
    __atomic_store_n(&r->code_page[page], 0, __ATOMIC_RELAXED);
    __atomic_add_fetch(&r->page_gen[page], 1, __ATOMIC_RELEASE);
}

void mem_note_host_write(struct mem_region *r, uint64_t pa, uint64_t len)
{
    if (!len || !mem_region_contains(r, pa, len))
        return;
    for (uint64_t page = mem_page_index(r, pa); page <= mem_page_index(r, pa + len - 1); page++) {
        if (__atomic_load_n(&r->code_page[page], __ATOMIC_RELAXED))
            mem_note_code_write(r, r->base + (page << GUEST_PAGE_SHIFT));
    }
}

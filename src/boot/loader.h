/*
 * loader.h - loads guest images into guest physical memory.
 * ELF64 RISC-V executables are placed by their program headers; anything
 * else is a raw binary placed at a given address.
 */
#ifndef RVMM_BOOT_LOADER_H
#define RVMM_BOOT_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "core/bus.h"

struct loaded_image {
    uint64_t entry;
    uint64_t low, high; /* guest physical extent written */
};

/*
 * Returns 0, or -1 with a one-line reason in `err` (e.g. "not a RISC-V ELF
 * (e_machine 62)", "segment 0x... does not fit in guest memory").
 */
int loader_load(struct bus *bus, const char *path, uint64_t raw_base, struct loaded_image *out,
                char *err, size_t errlen);

#endif

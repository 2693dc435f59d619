/*
 * fdt.h - builds the device tree the guest boots with (libfdt), from the
 * configuration: RAM, harts, devices (each adds its own node), /chosen.
 */
#ifndef RVMM_BOARD_FDT_H
#define RVMM_BOARD_FDT_H

#include <stddef.h>
#include <stdint.h>

#include "core/machine.h"

#define FDT_MAX_SIZE (64u << 10)

struct fdt_boot_info {
    const char *bootargs;             /* NULL: none */
    uint64_t initrd_start, initrd_end; /* 0, 0: no initrd */
};

/* Builds the blob into buf (FDT_MAX_SIZE bytes). Returns 0 or -1 with a reason in err. */
int virt_fdt_build(struct machine *m, const struct fdt_boot_info *boot, void *buf, char *err,
                   size_t errlen);

#endif

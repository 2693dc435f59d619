/*
 * virt.h - the board: QEMU's `virt` machine layout. The memory map and the
 * interrupt numbers are data in virt.c; this builds a machine from a config.
 */
#ifndef RVMM_BOARD_VIRT_H
#define RVMM_BOARD_VIRT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/machine.h"
#include "rvmm/vm.h"

#define VIRT_DRAM_BASE 0x80000000ull
#define VIRT_MROM_BASE 0x1000ull

/* Memory, devices. On a configuration error writes one line to err and returns -1. */
int virt_build(struct machine *m, const struct vm_config *cfg, char *err, size_t errlen);
/* Where the harts start after virt_load. */
struct virt_boot {
    uint64_t entry;    /* kernel entry (built-in SBI) or the reset vector */
    uint64_t fdt_addr;
    bool builtin_sbi;  /* a kernel without --bios: harts start in S-mode under rvmm's SBI */
};

/* (Re)load the images, the device tree and the reset vector; with cfg->dump_dtb
 * also write the device tree to that file. */
int virt_load(struct machine *m, const struct vm_config *cfg, struct virt_boot *boot, char *err,
              size_t errlen);


#endif

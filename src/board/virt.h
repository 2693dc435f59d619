/*
 * virt.h - the board: QEMU's `virt` machine layout. The memory map and the
 * interrupt numbers are data in virt.c; this builds a machine from a config.
 */
#ifndef RVMM_BOARD_VIRT_H
#define RVMM_BOARD_VIRT_H

#include <stddef.h>

#include "core/machine.h"
#include "rvmm/vm.h"

#define VIRT_DRAM_BASE 0x80000000ull
#define VIRT_MROM_BASE 0x1000ull

/* Memory, devices. On a configuration error writes one line to err and returns -1. */
int virt_build(struct machine *m, const struct vm_config *cfg, char *err, size_t errlen);
/* (Re)load the images and the reset vector; the harts start at VIRT_MROM_BASE. */
int virt_load(struct machine *m, const struct vm_config *cfg, char *err, size_t errlen);

#endif

/*
 * linux.h - the RISC-V Linux kernel image format (Documentation/riscv/boot-image-header.rst):
 * a 64-byte header with the load offset from the start of RAM and the image's
 * memory footprint, then the kernel.
 */
#ifndef RVMM_BOOT_LINUX_H
#define RVMM_BOOT_LINUX_H

#include <stddef.h>
#include <stdint.h>

#include "boot/loader.h"
#include "core/bus.h"

/*
 * Loads a kernel: a Linux `Image` (header honoured) at ram_base + text_offset,
 * or an ELF vmlinux by its program headers. `out->high` is the end of the
 * kernel's memory footprint (including bss). Returns 0 or -1 with a reason.
 */
int linux_load_kernel(struct bus *bus, const char *path, uint64_t ram_base, uint64_t ram_size,
                      struct loaded_image *out, char *err, size_t errlen);

#endif

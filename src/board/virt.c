/*
 * virt.c - the `virt` board: the same addresses and interrupt numbers as QEMU's
 * hw/riscv/virt.c, so guest software built for it runs unchanged.
 */
#include "board/virt.h"

#include <stdio.h>
#include <string.h>

#include "boot/loader.h"

/* Interrupt sources at the PLIC. */
enum { VIRT_IRQ_VIRTIO = 1, VIRT_IRQ_UART0 = 10, VIRT_IRQ_RTC = 11 };

static const struct board_region virt_memmap[] = {
    { "mrom", VIRT_MROM_BASE, 0xf000, 0 },
    { "test", 0x100000, 0x1000, 0 },
    { "rtc", 0x101000, 0x1000, VIRT_IRQ_RTC },
    { "clint", 0x2000000, 0x10000, 0 },
    { "plic", 0xc000000, 0x600000, 0 },
    { "uart0", 0x10000000, 0x100, VIRT_IRQ_UART0 },
    { "dram", VIRT_DRAM_BASE, 0, 0 },
};

int virt_build(struct machine *m, const struct vm_config *cfg, char *err, size_t errlen)
{
    m->map = virt_memmap;
    m->nmap = sizeof(virt_memmap) / sizeof(virt_memmap[0]);

    if (bus_add_mem(&m->bus, "dram", VIRT_DRAM_BASE, cfg->mem_size, false)) {
        snprintf(err, errlen, "cannot allocate %llu bytes of guest RAM",
                 (unsigned long long)cfg->mem_size);
        return -1;
    }
    const struct board_region *mrom = machine_region(m, "mrom");
    if (bus_add_mem(&m->bus, "mrom", mrom->base, mrom->size, true)) {
        snprintf(err, errlen, "cannot allocate the boot ROM");
        return -1;
    }
    if (machine_create_devices(m)) {
        snprintf(err, errlen, "device creation failed");
        return -1;
    }
    return 0;
}

/*
 * The reset vector, as QEMU's: a0 = mhartid, a1 = device tree address,
 * then jump to the entry point stored after the code.
 */
static void write_reset_vector(struct machine *m, uint64_t entry, uint64_t fdt)
{
    const uint32_t code[] = {
        0x00000297, /* auipc t0, 0 */
        0x02828613, /* addi  a2, t0, 40 */
        0xf1402573, /* csrr  a0, mhartid */
        0x0202b583, /* ld    a1, 32(t0) */
        0x0182b283, /* ld    t0, 24(t0) */
        0x00028067, /* jr    t0 */
    };
    uint8_t rom[40] = { 0 };
    memcpy(rom, code, sizeof(code));
    memcpy(rom + 24, &entry, 8);
    memcpy(rom + 32, &fdt, 8);
    /* The ROM is read-only to the guest; the board writes it through the region directly. */
    struct mem_region *r = bus_find_mem(&m->bus, VIRT_MROM_BASE, sizeof(rom));
    memcpy(r->host, rom, sizeof(rom));
    mem_note_host_write(r, VIRT_MROM_BASE, sizeof(rom));
}

int virt_load(struct machine *m, const struct vm_config *cfg, char *err, size_t errlen)
{
    struct loaded_image bios;

    if (!cfg->bios) {
        snprintf(err, errlen, "nothing to run: give --bios FILE");
        return -1;
    }
    if (loader_load(&m->bus, cfg->bios, VIRT_DRAM_BASE, &bios, err, errlen))
        return -1;
    write_reset_vector(m, bios.entry, 0);
    return 0;
}

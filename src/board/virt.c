/*
 * virt.c - the `virt` board: the same addresses and interrupt numbers as QEMU's
 * hw/riscv/virt.c, so guest software built for it runs unchanged.
 */
#include "board/virt.h"

#include <libfdt.h>
#include <stdio.h>
#include <sys/stat.h>
#include <string.h>

#include "board/fdt.h"
#include "boot/linux.h"
#include "boot/loader.h"

/* Interrupt sources at the PLIC: virtio slot n is VIRT_IRQ_VIRTIO + n. */
enum { VIRT_IRQ_VIRTIO = 1, VIRT_IRQ_UART0 = 10, VIRT_IRQ_RTC = 11 };

static const struct board_region virt_memmap[] = {
    { "mrom", VIRT_MROM_BASE, 0xf000, 0 },
    { "test", 0x100000, 0x1000, 0 },
    { "rtc", 0x101000, 0x1000, VIRT_IRQ_RTC },
    { "clint", 0x2000000, 0x10000, 0 },
    { "plic", 0xc000000, 0x600000, 0 },
    { "uart0", 0x10000000, 0x100, VIRT_IRQ_UART0 },
    /* The virtio-mmio slots (devices/virtio_mmio.c hands them out, slot 7 first). */
    { "virtio0", 0x10001000, 0x1000, VIRT_IRQ_VIRTIO + 0 },
    { "virtio1", 0x10002000, 0x1000, VIRT_IRQ_VIRTIO + 1 },
    { "virtio2", 0x10003000, 0x1000, VIRT_IRQ_VIRTIO + 2 },
    { "virtio3", 0x10004000, 0x1000, VIRT_IRQ_VIRTIO + 3 },
    { "virtio4", 0x10005000, 0x1000, VIRT_IRQ_VIRTIO + 4 },
    { "virtio5", 0x10006000, 0x1000, VIRT_IRQ_VIRTIO + 5 },
    { "virtio6", 0x10007000, 0x1000, VIRT_IRQ_VIRTIO + 6 },
    { "virtio7", 0x10008000, 0x1000, VIRT_IRQ_VIRTIO + 7 },
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
        err[0] = '\0'; /* each device says what went wrong */
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

static int load_initrd(struct machine *m, const char *path, uint64_t below, uint64_t above,
                       struct fdt_boot_info *fdt, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %m", path);
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        fclose(f);
        return -1;
    }
    uint64_t size = (uint64_t)st.st_size;
    uint64_t start = size <= below ? ((below - size) & ~0xfffull) : 0;
    if (!size || size > below || start < above) {
        snprintf(err, errlen, "%s: the initrd (%llu bytes) does not fit in RAM above the kernel",
                 path, (unsigned long long)size);
        fclose(f);
        return -1;
    }
    struct mem_region *r = bus_find_mem(&m->bus, start, size);
    size_t got = r ? fread(r->host + (start - r->base), 1, size, f) : 0;
    fclose(f);
    if (got != size) {
        snprintf(err, errlen, "%s: read failed", path);
        return -1;
    }
    mem_note_host_write(r, start, size);
    fdt->initrd_start = start;
    fdt->initrd_end = start + size;
    return 0;
}

static int write_blob(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f))
        ok = false;
    if (!ok) {
        snprintf(err, errlen, "%s: %m", path);
        return -1;
    }
    return 0;
}

/*
 * Memory layout, as QEMU's: firmware (--bios) at the start of RAM, the kernel at
 * its Image text_offset (2 MiB), the device tree in the last 64 KiB of RAM
 * (8-byte aligned, below 4 GiB for 32-bit firmware friendliness is not needed on RV64),
 * and the initrd just below the device tree.
 */
int virt_load(struct machine *m, const struct vm_config *cfg, struct virt_boot *boot, char *err,
              size_t errlen)
{
    struct mem_region *ram = &m->bus.mem[0];
    uint64_t ram_end = ram->base + ram->size;
    struct loaded_image bios = { 0 }, kernel = { 0 };
    struct fdt_boot_info fdt_info = { .bootargs = cfg->append };
    static uint8_t fdt[FDT_MAX_SIZE];

    if (!cfg->bios && !cfg->kernel && !cfg->dump_dtb) {
        snprintf(err, errlen, "nothing to run: give --kernel FILE or --bios FILE");
        return -1;
    }
    if (cfg->bios && loader_load(&m->bus, cfg->bios, VIRT_DRAM_BASE, &bios, err, errlen))
        return -1;
    if (cfg->kernel &&
        linux_load_kernel(&m->bus, cfg->kernel, ram->base, ram->size, &kernel, err, errlen))
        return -1;
    if (cfg->bios && cfg->kernel && bios.high > kernel.low) {
        snprintf(err, errlen, "%s overlaps the kernel at %#llx", cfg->bios,
                 (unsigned long long)kernel.low);
        return -1;
    }

    uint64_t fdt_addr = ram_end - FDT_MAX_SIZE;
    uint64_t used_end = cfg->kernel ? kernel.high : bios.high;
    if (fdt_addr < used_end) {
        snprintf(err, errlen, "--mem is too small: the images and the device tree need %llu MiB",
                 (unsigned long long)((used_end + FDT_MAX_SIZE - ram->base + (1 << 20) - 1) >> 20));
        return -1;
    }
    if (cfg->initrd && load_initrd(m, cfg->initrd, fdt_addr, used_end, &fdt_info, err, errlen))
        return -1;
    if (virt_fdt_build(m, &fdt_info, fdt, err, errlen))
        return -1;
    bus_copy_to_guest(&m->bus, fdt_addr, fdt, fdt_totalsize(fdt));
    if (cfg->dump_dtb && write_blob(cfg->dump_dtb, fdt, fdt_totalsize(fdt), err, errlen))
        return -1;

    boot->fdt_addr = fdt_addr;
    boot->builtin_sbi = cfg->kernel && !cfg->bios;
    boot->entry = boot->builtin_sbi ? kernel.entry : VIRT_MROM_BASE;
    write_reset_vector(m, cfg->bios ? bios.entry : kernel.entry, fdt_addr);
    return 0;
}

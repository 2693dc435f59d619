/* linux.c - loading a RISC-V Linux kernel image (see linux.h). */
#include "boot/linux.h"

#include <stdio.h>
#include <string.h>

#define RISCV_IMAGE_MAGIC "RISCV\0\0\0"
#define RISCV_IMAGE_MAGIC2 "RSC\x05"
#define RV64_DEFAULT_TEXT_OFFSET 0x200000ull /* 2 MiB: the kernel maps itself with PMD pages */

struct riscv_image_header {
    uint32_t code0, code1;
    uint64_t text_offset;
    uint64_t image_size;
    uint64_t flags;
    uint32_t version, res1;
    uint64_t res2;
    char magic[8];
    char magic2[4];
    uint32_t res3;
};

int linux_load_kernel(struct bus *bus, const char *path, uint64_t ram_base, uint64_t ram_size,
                      struct loaded_image *out, char *err, size_t errlen)
{
    struct riscv_image_header hdr;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %m", path);
        return -1;
    }
    size_t got = fread(&hdr, 1, sizeof(hdr), f);
    fclose(f);

    if (got >= 4 && !memcmp(&hdr, "\177ELF", 4)) {
        if (loader_load(bus, path, ram_base, out, err, errlen))
            return -1;
        return 0;
    }
    if (got < sizeof(hdr) || memcmp(hdr.magic2, RISCV_IMAGE_MAGIC2, 4) ||
        memcmp(hdr.magic, RISCV_IMAGE_MAGIC, 8)) {
        snprintf(err, errlen, "%s: not a RISC-V Linux kernel (no Image header, not an ELF)", path);
        return -1;
    }
    uint64_t offset = hdr.text_offset ? hdr.text_offset : RV64_DEFAULT_TEXT_OFFSET;
    uint64_t load = ram_base + offset;
    if (offset >= ram_size || hdr.image_size > ram_size - offset) {
        snprintf(err, errlen,
                 "%s: the kernel needs %llu MiB of RAM from %#llx; --mem is too small", path,
                 (unsigned long long)((offset + hdr.image_size + (1 << 20) - 1) >> 20),
                 (unsigned long long)ram_base);
        return -1;
    }
    if (loader_load(bus, path, load, out, err, errlen))
        return -1;
    out->entry = load;
    if (load + hdr.image_size > out->high)
        out->high = load + hdr.image_size;
    return 0;
}

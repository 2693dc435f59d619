/* loader.c - ELF64 and raw image loading (ELF: System V gABI, RISC-V psABI). */
#include "boot/loader.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

#define MAX_IMAGE_BYTES (1ull << 32)

static int read_file(const char *path, uint8_t **data, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) || fseek(f, 0, SEEK_END) || ftell(f) < 0) {
        snprintf(err, errlen, "%s: not a regular file", path);
        fclose(f);
        return -1;
    }
    long size = ftell(f);
    rewind(f);
    if (size == 0 || (unsigned long)size > MAX_IMAGE_BYTES) {
        snprintf(err, errlen, "%s: %s", path, size == 0 ? "empty file" : "file too large");
        fclose(f);
        return -1;
    }
    uint8_t *buf = malloc((size_t)size);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        snprintf(err, errlen, "%s: read failed", path);
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    *data = buf;
    *len = (size_t)size;
    return 0;
}

static int load_elf(struct bus *bus, const char *path, const uint8_t *data, size_t len,
                    struct loaded_image *out, char *err, size_t errlen)
{
    const Elf64_Ehdr *eh = (const void *)data;

    if (len < EI_NIDENT + 1 || data[EI_CLASS] != ELFCLASS64) {
        snprintf(err, errlen, "%s: not a 64-bit ELF, so not an RV64 program", path);
        return -1;
    }
    if (len < sizeof(*eh) || data[EI_DATA] != ELFDATA2LSB) {
        snprintf(err, errlen, "%s: truncated or big-endian ELF", path);
        return -1;
    }
    if (eh->e_machine != EM_RISCV) {
        snprintf(err, errlen, "%s: not a RISC-V ELF (e_machine %u)", path, eh->e_machine);
        return -1;
    }
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) {
        snprintf(err, errlen, "%s: ELF is not an executable", path);
        return -1;
    }
    if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > len ||
        (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > len - eh->e_phoff) {
        snprintf(err, errlen, "%s: corrupt ELF program headers", path);
        return -1;
    }

    out->low = UINT64_MAX;
    out->high = 0;
    unsigned loaded = 0;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, data + eh->e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_filesz > ph.p_memsz || ph.p_offset > len || ph.p_filesz > len - ph.p_offset ||
            ph.p_paddr + ph.p_memsz < ph.p_paddr) {
            snprintf(err, errlen, "%s: corrupt ELF segment %u", path, i);
            return -1;
        }
        if (!bus_find_mem(bus, ph.p_paddr, ph.p_memsz)) {
            snprintf(err, errlen, "%s: segment at %#llx (%llu bytes) does not fit in guest memory",
                     path, (unsigned long long)ph.p_paddr, (unsigned long long)ph.p_memsz);
            return -1;
        }
        bus_copy_to_guest(bus, ph.p_paddr, data + ph.p_offset, ph.p_filesz);
        uint64_t zeros = ph.p_memsz - ph.p_filesz;
        if (zeros) {
            uint8_t *z = calloc(1, zeros);
            if (!z) {
                snprintf(err, errlen, "%s: out of memory", path);
                return -1;
            }
            bus_copy_to_guest(bus, ph.p_paddr + ph.p_filesz, z, zeros);
            free(z);
        }
        if (ph.p_paddr < out->low)
            out->low = ph.p_paddr;
        if (ph.p_paddr + ph.p_memsz > out->high)
            out->high = ph.p_paddr + ph.p_memsz;
        loaded++;
    }
    if (!loaded) {
        snprintf(err, errlen, "%s: ELF has no loadable segments", path);
        return -1;
    }
    out->entry = eh->e_entry;
    return 0;
}

int loader_load(struct bus *bus, const char *path, uint64_t raw_base, struct loaded_image *out,
                char *err, size_t errlen)
{
    uint8_t *data;
    size_t len;

    if (read_file(path, &data, &len, err, errlen))
        return -1;

    int ret;
    if (len >= 4 && !memcmp(data, ELFMAG, SELFMAG)) {
        ret = load_elf(bus, path, data, len, out, err, errlen);
    } else if (!bus_find_mem(bus, raw_base, len)) {
        snprintf(err, errlen, "%s: %zu bytes do not fit in guest memory at %#llx", path, len,
                 (unsigned long long)raw_base);
        ret = -1;
    } else {
        bus_copy_to_guest(bus, raw_base, data, len);
        *out = (struct loaded_image){ raw_base, raw_base, raw_base + len };
        ret = 0;
    }
    free(data);
    return ret;
}

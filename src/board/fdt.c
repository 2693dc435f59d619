/*
 * fdt.c - the device tree of the `virt` board, built at boot with libfdt and
 * shaped like QEMU's (same node names, compatibles and layout) so guest
 * software written for QEMU's tree finds what it expects. Devices add their
 * own nodes through their fdt_node callback.
 */
#include "board/fdt.h"

#include <libfdt.h>
#include <sys/random.h>
#include <stdio.h>
#include <string.h>

#include "board/virt.h"
#include "cpu/hart.h"

#define CBO_BLOCK 64

/* Leaves the function with the libfdt error if a call fails. */
#define TRY(call)                      \
    do {                               \
        int err_ = (call);             \
        if (err_ < 0)                  \
            return err_;               \
    } while (0)

static int setprop_reg(void *fdt, int node, uint64_t base, uint64_t size)
{
    fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };
    return fdt_setprop(fdt, node, "reg", reg, sizeof(reg));
}

static int add_cpus(void *fdt, struct machine *m)
{
    int cpus = fdt_add_subnode(fdt, 0, "cpus");
    TRY(cpus);
    TRY(fdt_setprop_u32(fdt, cpus, "#address-cells", 1));
    TRY(fdt_setprop_u32(fdt, cpus, "#size-cells", 0));
    TRY(fdt_setprop_u32(fdt, cpus, "timebase-frequency", (uint32_t)CLOCK_FREQ_HZ));

    /* riscv,isa-extensions: the multi-letter extensions after the single letters. */
    char exts[512];
    size_t exts_len = 0;
    const char *single = "imafdc";
    for (const char *p = single; *p; p++) {
        exts[exts_len++] = *p;
        exts[exts_len++] = '\0';
    }
    const char *rest = strchr(hart_isa_string, '_');
    while (rest && *rest == '_') {
        const char *start = rest + 1;
        const char *end = strchr(start, '_');
        size_t n = end ? (size_t)(end - start) : strlen(start);
        memcpy(exts + exts_len, start, n);
        exts_len += n;
        exts[exts_len++] = '\0';
        rest = end;
    }

    int map = -1, cluster = -1;
    for (int i = (int)m->nharts - 1; i >= 0; i--) {
        char name[32];
        snprintf(name, sizeof(name), "cpu@%d", i);
        int cpu = fdt_add_subnode(fdt, cpus, name);
        TRY(cpu);
        TRY(fdt_setprop_u32(fdt, cpu, "phandle", m->phandles.cpu_intc[i] + 0x100));
        TRY(fdt_setprop_string(fdt, cpu, "device_type", "cpu"));
        TRY(fdt_setprop_u32(fdt, cpu, "reg", (uint32_t)i));
        TRY(fdt_setprop_string(fdt, cpu, "status", "okay"));
        TRY(fdt_setprop_string(fdt, cpu, "compatible", "riscv"));
        TRY(fdt_setprop_string(fdt, cpu, "riscv,isa", hart_isa_string));
        TRY(fdt_setprop_string(fdt, cpu, "riscv,isa-base", "rv64i"));
        TRY(fdt_setprop(fdt, cpu, "riscv,isa-extensions", exts, (int)exts_len));
        TRY(fdt_setprop_string(fdt, cpu, "mmu-type", "riscv,sv57"));
        TRY(fdt_setprop_u32(fdt, cpu, "riscv,cbom-block-size", CBO_BLOCK));
        TRY(fdt_setprop_u32(fdt, cpu, "riscv,cboz-block-size", CBO_BLOCK));
        int intc = fdt_add_subnode(fdt, cpu, "interrupt-controller");
        TRY(intc);
        TRY(fdt_setprop_u32(fdt, intc, "#interrupt-cells", 1));
        TRY(fdt_setprop(fdt, intc, "interrupt-controller", NULL, 0));
        TRY(fdt_setprop_string(fdt, intc, "compatible", "riscv,cpu-intc"));
        TRY(fdt_setprop_u32(fdt, intc, "phandle", m->phandles.cpu_intc[i]));
    }
    map = fdt_add_subnode(fdt, cpus, "cpu-map");
    TRY(map);
    cluster = fdt_add_subnode(fdt, map, "cluster0");
    TRY(cluster);
    for (int i = (int)m->nharts - 1; i >= 0; i--) {
        char name[32];
        snprintf(name, sizeof(name), "core%d", i);
        int core = fdt_add_subnode(fdt, cluster, name);
        TRY(core);
        TRY(fdt_setprop_u32(fdt, core, "cpu", m->phandles.cpu_intc[i] + 0x100));
    }
    return 0;
}

static int add_chosen(void *fdt, const struct fdt_boot_info *boot)
{
    int chosen = fdt_add_subnode(fdt, 0, "chosen");
    TRY(chosen);
    if (boot->bootargs)
        TRY(fdt_setprop_string(fdt, chosen, "bootargs", boot->bootargs));
    if (boot->initrd_end > boot->initrd_start) {
        TRY(fdt_setprop_u64(fdt, chosen, "linux,initrd-start", boot->initrd_start));
        TRY(fdt_setprop_u64(fdt, chosen, "linux,initrd-end", boot->initrd_end));
    }
    TRY(fdt_setprop_string(fdt, chosen, "stdout-path", "/soc/serial@10000000"));
    /* As QEMU: seed the guest's RNG, so its first /dev/urandom reader does not
     * wait seconds for entropy (Linux credits a bootloader's seed). */
    uint8_t seed[64];
    if (getrandom(seed, sizeof(seed), 0) == (ssize_t)sizeof(seed))
        TRY(fdt_setprop(fdt, chosen, "rng-seed", seed, sizeof(seed)));
    return 0;
}

static int build(void *fdt, struct machine *m, const struct fdt_boot_info *boot)
{
    TRY(fdt_create_empty_tree(fdt, FDT_MAX_SIZE));
    TRY(fdt_setprop_u32(fdt, 0, "#address-cells", 2));
    TRY(fdt_setprop_u32(fdt, 0, "#size-cells", 2));
    TRY(fdt_setprop_string(fdt, 0, "compatible", "riscv-virtio"));
    TRY(fdt_setprop_string(fdt, 0, "model", "riscv-virtio,rvmm"));

    TRY(add_chosen(fdt, boot));

    const struct mem_region *ram = &m->bus.mem[0];
    char name[64];
    snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)ram->base);
    int mem = fdt_add_subnode(fdt, 0, name);
    TRY(mem);
    TRY(fdt_setprop_string(fdt, mem, "device_type", "memory"));
    TRY(setprop_reg(fdt, mem, ram->base, ram->size));

    TRY(add_cpus(fdt, m));

    int soc = fdt_add_subnode(fdt, 0, "soc");
    TRY(soc);
    TRY(fdt_setprop_u32(fdt, soc, "#address-cells", 2));
    TRY(fdt_setprop_u32(fdt, soc, "#size-cells", 2));
    TRY(fdt_setprop_string(fdt, soc, "compatible", "simple-bus"));
    TRY(fdt_setprop(fdt, soc, "ranges", NULL, 0));

    for (unsigned i = 0; i < m->ndevices; i++)
        if (m->devices[i].fdt_node)
            TRY(m->devices[i].fdt_node(m->devices[i].opaque, m, fdt));
    return fdt_pack(fdt);
}

int virt_fdt_build(struct machine *m, const struct fdt_boot_info *boot, void *buf, char *err,
                   size_t errlen)
{
    /* Phandles: 1..nharts for the cpu interrupt controllers, then the PLIC. */
    for (unsigned i = 0; i < m->nharts; i++)
        m->phandles.cpu_intc[i] = 1 + i;
    m->phandles.plic = 1 + m->nharts;

    int ret = build(buf, m, boot);
    if (ret < 0) {
        snprintf(err, errlen, "device tree: %s", fdt_strerror(ret));
        return -1;
    }
    return 0;
}

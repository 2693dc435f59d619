/*
 * aclint.c - the SiFive-compatible CLINT (ACLINT MSWI + MTIMER layout) at 0x2000000:
 * msip per hart at +0, mtimecmp per hart at +0x4000, mtime at +0xbff8.
 * mtime is the machine's guest clock; the compare registers live in each
 * hart's wires, where the hart reads them at its poll points.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/machine.h"
#include "lib/log.h"

#define CLINT_MSIP 0x0000
#define CLINT_MTIMECMP 0x4000
#define CLINT_MTIME 0xbff8

struct aclint {
    struct machine *m;
};

/* Returns the 64-bit register containing `off` and the byte shift of `off` within it. */
static uint64_t *aclint_reg64(struct aclint *c, uint64_t off, unsigned *hart)
{
    if (off >= CLINT_MTIMECMP && off < CLINT_MTIMECMP + 8ull * c->m->nharts) {
        *hart = (off - CLINT_MTIMECMP) / 8;
        return &c->m->wires[*hart].mtimecmp;
    }
    return NULL;
}

static uint64_t aclint_read(void *opaque, uint64_t off, unsigned size)
{
    struct aclint *c = opaque;
    unsigned shift = (off & 4) * 8;
    unsigned hart;

    if (off < CLINT_MSIP + 4ull * c->m->nharts && size == 4) {
        uint64_t pending = __atomic_load_n(&c->m->wires[off / 4].pending, __ATOMIC_ACQUIRE);
        return (pending >> 3) & 1; /* MSIP */
    }
    uint64_t *reg = aclint_reg64(c, off & ~7ull, &hart);
    uint64_t value;
    if (reg)
        value = __atomic_load_n(reg, __ATOMIC_ACQUIRE);
    else if ((off & ~7ull) == CLINT_MTIME)
        value = clock_mtime(&c->m->clock);
    else
        return 0;
    return size == 8 ? value : (uint32_t)(value >> shift);
}

static uint64_t merge(uint64_t old, uint64_t off, unsigned size, uint64_t value)
{
    if (size == 8)
        return value;
    unsigned shift = (off & 4) * 8;
    return (old & ~(0xffffffffull << shift)) | ((value & 0xffffffffull) << shift);
}

static void aclint_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    struct aclint *c = opaque;
    unsigned hart;

    if (off < CLINT_MSIP + 4ull * c->m->nharts && size == 4) {
        wires_set_pending(&c->m->wires[off / 4], 1ull << 3, value & 1);
        return;
    }
    uint64_t *reg = aclint_reg64(c, off & ~7ull, &hart);
    if (reg) {
        wires_set_mtimecmp(&c->m->wires[hart], merge(*reg, off, size, value));
    } else if ((off & ~7ull) == CLINT_MTIME) {
        struct guest_clock *clk = &c->m->clock;
        uint64_t target = merge(clock_mtime(clk), off, size, value);
        if (clk->mode == CLOCK_ICOUNT)
            clk->icount_skip += target - clk->icount;
        else
            clk->host_base_ns = clock_host_ns() - target * CLOCK_NS_PER_TICK;
        for (unsigned i = 0; i < c->m->nharts; i++)
            wires_kick(&c->m->wires[i]);
    }
}

static const struct mmio_ops aclint_ops = {
    .read = aclint_read, .write = aclint_write, .min_size = 4, .max_size = 8,
};

static void aclint_reset(void *opaque)
{
    struct aclint *c = opaque;
    for (unsigned i = 0; i < c->m->nharts; i++) {
        wires_set_pending(&c->m->wires[i], 1ull << 3, false);
        wires_set_mtimecmp(&c->m->wires[i], ~0ull);
    }
}

static int aclint_fdt_node(void *opaque, struct machine *m, void *fdt)
{
    const struct board_region *r = machine_region(m, "clint");
    int soc = fdt_path_offset(fdt, "/soc");
    char name[32];
    snprintf(name, sizeof(name), "clint@%llx", (unsigned long long)r->base);
    int node = fdt_add_subnode(fdt, soc, name);
    if (node < 0)
        return node;
    fdt32_t irqs[4 * MACHINE_MAX_HARTS];
    for (unsigned i = 0; i < m->nharts; i++) {
        irqs[4 * i + 0] = cpu_to_fdt32(m->phandles.cpu_intc[i]);
        irqs[4 * i + 1] = cpu_to_fdt32(3); /* machine software */
        irqs[4 * i + 2] = cpu_to_fdt32(m->phandles.cpu_intc[i]);
        irqs[4 * i + 3] = cpu_to_fdt32(7); /* machine timer */
    }
    fdt64_t reg[2] = { cpu_to_fdt64(r->base), cpu_to_fdt64(r->size) };
    const char compat[] = "sifive,clint0\0riscv,clint0";
    int err;
    if ((err = fdt_setprop(fdt, node, "interrupts-extended", irqs, 16 * m->nharts)) < 0 ||
        (err = fdt_setprop(fdt, node, "reg", reg, sizeof(reg))) < 0 ||
        (err = fdt_setprop(fdt, node, "compatible", compat, sizeof(compat))) < 0)
        return err;
    return 0;
}

static int aclint_create(struct machine *m)
{
    const struct board_region *r = machine_region(m, "clint");
    if (!r)
        return 0;
    struct aclint *c = calloc(1, sizeof(*c));
    if (!c)
        return -ENOMEM;
    c->m = m;
    int err = bus_add_mmio(&m->bus, r->name, r->base, r->size, &aclint_ops, c);
    if (!err)
        err = machine_add_device(m, &(struct device_instance){ .name = "clint", .opaque = c, .reset = aclint_reset, .destroy = free, .fdt_node = aclint_fdt_node });
    if (err)
        free(c);
    return err;
}

static const struct device_type aclint_type = { "aclint", aclint_create };
DEVICE_TYPE_REGISTER(aclint_type);

/*
 * sifive_test.c - the SiFive test finisher at 0x100000 (QEMU's "sifive_test"):
 * a 32-bit write of 0x5555 powers off with status 0, (code << 16) | 0x3333
 * powers off with status `code`, and 0x7777 resets the machine.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/machine.h"
#include "lib/log.h"

enum { FINISHER_FAIL = 0x3333, FINISHER_PASS = 0x5555, FINISHER_RESET = 0x7777 };

static uint64_t finisher_read(void *opaque, uint64_t off, unsigned size)
{
    return 0;
}

static void finisher_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    struct machine *m = opaque;

    if (off != 0)
        return;
    switch (value & 0xffff) {
    case FINISHER_PASS: machine_request_exit(m, 0); break;
    case FINISHER_FAIL: machine_request_exit(m, (value >> 16) & 0xffff); break;
    case FINISHER_RESET: machine_request_reset(m); break;
    default: log_warn_once("test finisher: ignored write of %#llx", (unsigned long long)value);
    }
}

static const struct mmio_ops finisher_ops = {
    .read = finisher_read, .write = finisher_write, .min_size = 4, .max_size = 4,
};

/* The finisher is also the board's syscon: Linux powers off and reboots through it. */
static int syscon_action_node(void *fdt, const char *name, uint32_t regmap, uint32_t value)
{
    int node = fdt_add_subnode(fdt, 0, name);
    int err;
    char compat[32];
    snprintf(compat, sizeof(compat), "syscon-%s", name);
    if (node < 0)
        return node;
    if ((err = fdt_setprop_u32(fdt, node, "value", value)) < 0 ||
        (err = fdt_setprop_u32(fdt, node, "offset", 0)) < 0 ||
        (err = fdt_setprop_u32(fdt, node, "regmap", regmap)) < 0 ||
        (err = fdt_setprop_string(fdt, node, "compatible", compat)) < 0)
        return err;
    return 0;
}

static int finisher_fdt_node(void *opaque, struct machine *m, void *fdt)
{
    const struct board_region *r = machine_region(m, "test");
    char name[32];
    uint32_t phandle;
    int err;

    snprintf(name, sizeof(name), "test@%llx", (unsigned long long)r->base);
    int node = fdt_add_subnode(fdt, fdt_path_offset(fdt, "/soc"), name);
    if (node < 0)
        return node;
    fdt64_t reg[2] = { cpu_to_fdt64(r->base), cpu_to_fdt64(r->size) };
    const char compat[] = "sifive,test1\0sifive,test0\0syscon";
    if ((err = fdt_generate_phandle(fdt, &phandle)) < 0 ||
        (err = fdt_setprop_u32(fdt, node, "phandle", phandle)) < 0 ||
        (err = fdt_setprop(fdt, node, "reg", reg, sizeof(reg))) < 0 ||
        (err = fdt_setprop(fdt, node, "compatible", compat, sizeof(compat))) < 0)
        return err;
    if ((err = syscon_action_node(fdt, "poweroff", phandle, FINISHER_PASS)) < 0)
        return err;
    return syscon_action_node(fdt, "reboot", phandle, FINISHER_RESET);
}

static int finisher_create(struct machine *m)
{
    const struct board_region *r = machine_region(m, "test");
    if (!r)
        return 0;
    int err = bus_add_mmio(&m->bus, r->name, r->base, r->size, &finisher_ops, m);
    if (!err)
        err = machine_add_device(m, &(struct device_instance){ .name = "test", .opaque = m,
                                                                .fdt_node = finisher_fdt_node });
    return err;
}

static const struct device_type finisher_type = { "sifive_test", finisher_create };
DEVICE_TYPE_REGISTER(finisher_type);

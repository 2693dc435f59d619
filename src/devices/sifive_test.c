/*
 * sifive_test.c - the SiFive test finisher at 0x100000 (QEMU's "sifive_test"):
 * a 32-bit write of 0x5555 powers off with status 0, (code << 16) | 0x3333
 * powers off with status `code`, and 0x7777 resets the machine.
 */
#include <errno.h>
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

static int finisher_create(struct machine *m)
{
    const struct board_region *r = machine_region(m, "test");
    if (!r)
        return 0;
    return bus_add_mmio(&m->bus, r->name, r->base, r->size, &finisher_ops, m);
}

static const struct device_type finisher_type = { "sifive_test", finisher_create };
DEVICE_TYPE_REGISTER(finisher_type);

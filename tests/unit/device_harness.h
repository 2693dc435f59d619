/*
 * device_harness.h - one board device on a bare machine, for the device unit
 * tests: a board map holding only that device, MMIO through the real bus, and
 * (optionally) a fake interrupt controller that records the last level of each
 * source. Each test binary includes this once; its state is per binary.
 */
#ifndef RVMM_TESTS_DEVICE_HARNESS_H
#define RVMM_TESTS_DEVICE_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/machine.h"

static struct machine m;

/* The fake interrupt controller. Written from device threads too, hence atomics. */
static int irq_level[128];
static int irq_changes;

static void fake_set_level(void *opaque, unsigned src, bool level)
{
    assert_true(src < 128);
    __atomic_store_n(&irq_level[src], level, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&irq_changes, 1, __ATOMIC_SEQ_CST);
}

static inline bool irq_is_high(unsigned src)
{
    return __atomic_load_n(&irq_level[src], __ATOMIC_SEQ_CST);
}

/*
 * Builds the machine with `region` as its whole board map. With fake_irq, the
 * device's interrupt lines go to irq_level[] instead of a real controller.
 */
static inline int harness_setup(const struct board_region *region, unsigned nharts, bool fake_irq)
{
    if (machine_init(&m, NULL, nharts))
        return -1;
    m.map = region;
    m.nmap = 1;
    if (fake_irq)
        m.irq_chip = (struct irq_chip){ fake_set_level, NULL };
    memset(irq_level, 0, sizeof(irq_level));
    irq_changes = 0;
    return machine_create_devices(&m);
}

static inline int harness_teardown(void **state)
{
    (void)state;
    machine_destroy(&m);
    return 0;
}

static inline uint64_t mmio_read(uint64_t addr, unsigned size)
{
    uint64_t v = 0xdeadbeefdeadbeefull;
    assert_int_equal(bus_read(&m.bus, addr, size, &v), 0);
    return v;
}

static inline void mmio_write(uint64_t addr, unsigned size, uint64_t v)
{
    assert_int_equal(bus_write(&m.bus, addr, size, v), 0);
}

#endif

/*
 * test_plic.c - the PLIC through the bus, as a guest sees it: priorities and
 * thresholds, claim order, the level-triggered gateway around claim/complete,
 * per-context enables, MEIP/SEIP on the hart wires, and offsets out of range.
 * A two-hart machine with a board map holding only the PLIC.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libfdt.h>
#include <string.h>

#include "core/machine.h"
#include "device_harness.h"

#define PLIC_BASE 0xc000000ull
#define PRIORITY(src) (4ull * (src))
#define PENDING(word) (0x1000ull + 4ull * (word))
#define ENABLE(ctx, word) (0x2000ull + 0x80ull * (ctx) + 4ull * (word))
#define THRESHOLD(ctx) (0x200000ull + 0x1000ull * (ctx))
#define CLAIM(ctx) (0x200004ull + 0x1000ull * (ctx))

#define MEIP (1ull << 11)
#define SEIP (1ull << 9)

static const struct board_region test_map[] = {
    { "plic", PLIC_BASE, 0x600000, 0 },
};

static int setup(void **state)
{
    return harness_setup(test_map, 2, false);
}

static uint32_t rd(uint64_t off)
{
    return (uint32_t)mmio_read(PLIC_BASE + off, 4);
}

static void wr(uint64_t off, uint32_t v)
{
    mmio_write(PLIC_BASE + off, 4, v);
}

static uint64_t wires(unsigned hart)
{
    return __atomic_load_n(&m.wires[hart].pending, __ATOMIC_ACQUIRE) & (MEIP | SEIP);
}

static void enable(unsigned ctx, unsigned src)
{
    wr(ENABLE(ctx, src / 32), rd(ENABLE(ctx, src / 32)) | (1u << (src % 32)));
}

static void disable(unsigned ctx, unsigned src)
{
    wr(ENABLE(ctx, src / 32), rd(ENABLE(ctx, src / 32)) & ~(1u << (src % 32)));
}

static bool is_pending(unsigned src)
{
    return (rd(PENDING(src / 32)) >> (src % 32)) & 1;
}

static void test_registers_are_warl_and_pending_is_read_only(void **state)
{
    assert_non_null(m.irq_chip.set_level);

    wr(PRIORITY(5), 0xffffffff);
    assert_int_equal(rd(PRIORITY(5)), 7); /* 3-bit priorities */
    wr(PRIORITY(95), 2);
    assert_int_equal(rd(PRIORITY(95)), 2);
    wr(PRIORITY(0), 5);
    assert_int_equal(rd(PRIORITY(0)), 0); /* source 0 does not exist */

    wr(THRESHOLD(1), 0xffffffff);
    assert_int_equal(rd(THRESHOLD(1)), 7);

    wr(ENABLE(0, 0), 0xffffffff);
    assert_int_equal(rd(ENABLE(0, 0)), 0xfffffffe); /* no enable bit for source 0 */
    wr(ENABLE(0, 2), 0xffffffff);
    assert_int_equal(rd(ENABLE(0, 2)), 0xffffffff); /* sources 64..95 */

    wr(PENDING(0), 0xffffffff);
    wr(PENDING(1), 0xffffffff);
    assert_int_equal(rd(PENDING(0)), 0);
    assert_int_equal(rd(PENDING(1)), 0);
    assert_int_equal(wires(0), 0);
}

static void test_priority_above_threshold_drives_the_wire(void **state)
{
    wr(PRIORITY(5), 3);
    enable(1, 5); /* context 1: hart 0, S mode */
    machine_set_irq(&m, 5, true);
    assert_true(is_pending(5));
    assert_int_equal(wires(0), SEIP);

    wr(THRESHOLD(1), 3); /* priority must be strictly greater */
    assert_int_equal(wires(0), 0);
    assert_int_equal(rd(CLAIM(1)), 0); /* nothing claimable below the threshold */
    assert_true(is_pending(5));
    wr(THRESHOLD(1), 2);
    assert_int_equal(wires(0), SEIP);

    wr(THRESHOLD(1), 0);
    wr(PRIORITY(5), 0); /* priority 0: never interrupts */
    assert_int_equal(wires(0), 0);
    wr(PRIORITY(5), 1);
    assert_int_equal(wires(0), SEIP);

    disable(1, 5);
    assert_int_equal(wires(0), 0);
    enable(0, 5); /* context 0: hart 0, M mode */
    assert_int_equal(wires(0), MEIP);
    assert_int_equal(wires(1), 0);
}

static void test_claim_order_is_priority_then_lowest_id(void **state)
{
    const unsigned srcs[] = { 3, 7, 9, 40, 70 };
    const uint32_t prios[] = { 2, 5, 5, 1, 5 };
    for (unsigned i = 0; i < 5; i++) {
        wr(PRIORITY(srcs[i]), prios[i]);
        enable(0, srcs[i]);
        machine_set_irq(&m, srcs[i], true);
    }
    assert_int_equal(rd(PENDING(0)), (1u << 3) | (1u << 7) | (1u << 9));
    assert_int_equal(rd(PENDING(1)), 1u << (40 - 32));
    assert_int_equal(rd(PENDING(2)), 1u << (70 - 64));
    assert_int_equal(wires(0), MEIP);

    const unsigned order[] = { 7, 9, 70, 3, 40 };
    for (unsigned i = 0; i < 5; i++) {
        assert_int_equal(rd(CLAIM(0)), order[i]);
        assert_false(is_pending(order[i])); /* a claim clears the pending bit */
    }
    assert_int_equal(rd(CLAIM(0)), 0);
    assert_int_equal(wires(0), 0); /* everything in flight */
    for (unsigned i = 0; i < 5; i++)
        machine_set_irq(&m, srcs[i], false);
    for (unsigned i = 0; i < 5; i++)
        wr(CLAIM(0), srcs[i]);
    assert_int_equal(rd(PENDING(0)) | rd(PENDING(1)) | rd(PENDING(2)), 0);
    assert_int_equal(wires(0), 0);
}

static void test_gateway_level_source(void **state)
{
    wr(PRIORITY(10), 1);
    enable(0, 10);
    machine_set_irq(&m, 10, true);
    assert_int_equal(rd(CLAIM(0)), 10);

    /* In flight: the line is still high, but the source is not pending again. */
    assert_false(is_pending(10));
    assert_int_equal(wires(0), 0);
    machine_set_irq(&m, 10, false);
    machine_set_irq(&m, 10, true); /* even a fresh edge waits for completion */
    assert_false(is_pending(10));
    assert_int_equal(rd(CLAIM(0)), 0);

    /* Completion with the line still high: pending again at once. */
    wr(CLAIM(0), 10);
    assert_true(is_pending(10));
    assert_int_equal(wires(0), MEIP);

    /* A line going low does not retract a request the gateway has forwarded (spec). */
    machine_set_irq(&m, 10, false);
    assert_true(is_pending(10));
    assert_int_equal(rd(CLAIM(0)), 10);

    /* Completion with the line low: nothing more. */
    wr(CLAIM(0), 10);
    assert_false(is_pending(10));
    assert_int_equal(wires(0), 0);
    assert_int_equal(rd(CLAIM(0)), 0);

    /* Completing something never claimed does nothing. */
    wr(CLAIM(0), 10);
    assert_false(is_pending(10));
    machine_set_irq(&m, 10, true);
    assert_true(is_pending(10));
}

static void test_complete_of_source_not_enabled_is_ignored(void **state)
{
    wr(PRIORITY(20), 4);
    enable(0, 20);
    machine_set_irq(&m, 20, true);
    assert_int_equal(rd(CLAIM(0)), 20);

    wr(CLAIM(1), 20); /* context 1 does not have source 20 enabled */
    assert_false(is_pending(20)); /* still in flight */

    disable(0, 20);
    wr(CLAIM(0), 20); /* no longer enabled for context 0 either */
    assert_false(is_pending(20));

    enable(0, 20);
    wr(CLAIM(0), 20);
    assert_true(is_pending(20)); /* the completion that counts re-opens the gateway */
    assert_int_equal(wires(0), MEIP);

    wr(CLAIM(0), 0);  /* ID 0 */
    wr(CLAIM(0), 96); /* beyond the last source */
    wr(CLAIM(0), 0xffffffff);
    assert_true(is_pending(20));
}

static void test_enables_are_per_context_across_harts(void **state)
{
    wr(PRIORITY(12), 1);
    wr(PRIORITY(13), 1);
    enable(3, 12); /* hart 1, S mode */
    enable(2, 13); /* hart 1, M mode */
    machine_set_irq(&m, 12, true);
    assert_int_equal(wires(0), 0);
    assert_int_equal(wires(1), SEIP);
    machine_set_irq(&m, 13, true);
    assert_int_equal(wires(1), SEIP | MEIP);

    assert_int_equal(rd(CLAIM(0)), 0); /* hart 0 has nothing enabled */
    assert_int_equal(rd(CLAIM(1)), 0);
    assert_int_equal(rd(CLAIM(2)), 13);
    assert_int_equal(wires(1), SEIP);
    assert_int_equal(rd(CLAIM(3)), 12);
    assert_int_equal(wires(1), 0);

    /* Thresholds are per context too. */
    wr(CLAIM(3), 12);
    assert_int_equal(wires(1), SEIP);
    wr(THRESHOLD(2), 7);
    assert_int_equal(wires(1), SEIP);
    wr(THRESHOLD(3), 1);
    assert_int_equal(wires(1), 0);
}

static void test_out_of_range_accesses_are_ignored(void **state)
{
    /* Two harts: contexts 0..3 exist, context 4 does not. */
    wr(PRIORITY(96), 7); /* source 96 does not exist */
    assert_int_equal(rd(PRIORITY(96)), 0);
    wr(0xffc, 7); /* last word of the priority block */
    assert_int_equal(rd(0xffc), 0);
    assert_int_equal(rd(PENDING(3)), 0);
    wr(ENABLE(0, 3), 0xffffffff); /* enable word 3 would be sources 96..127 */
    assert_int_equal(rd(ENABLE(0, 3)), 0);
    wr(ENABLE(0, 31), 0xffffffff);
    assert_int_equal(rd(ENABLE(0, 31)), 0);
    wr(ENABLE(4, 0), 0xffffffff);
    assert_int_equal(rd(ENABLE(4, 0)), 0);
    wr(ENABLE(15871, 2), 0xffffffff); /* the last enable word below the context block */
    assert_int_equal(rd(ENABLE(15871, 2)), 0);
    wr(THRESHOLD(4), 3);
    assert_int_equal(rd(THRESHOLD(4)), 0);
    wr(THRESHOLD(1023), 3); /* the last context the region could hold */
    assert_int_equal(rd(THRESHOLD(1023)), 0);
    wr(THRESHOLD(0) + 8, 5); /* a reserved word of a context */
    assert_int_equal(rd(THRESHOLD(0) + 8), 0);
    assert_int_equal(rd(THRESHOLD(0)), 0);

    /* Sources out of range from devices are dropped. */
    machine_set_irq(&m, 0, true);
    machine_set_irq(&m, 96, true);
    machine_set_irq(&m, 100000, true);
    assert_int_equal(rd(PENDING(0)) | rd(PENDING(1)) | rd(PENDING(2)), 0);

    /* A claim from a context that does not exist claims nothing. */
    wr(PRIORITY(1), 1);
    enable(0, 1);
    machine_set_irq(&m, 1, true);
    assert_int_equal(rd(CLAIM(4)), 0);
    assert_true(is_pending(1));
    wr(CLAIM(4), 1);
    assert_int_equal(rd(CLAIM(0)), 1);

    /* None of this disturbed the valid registers. */
    assert_int_equal(rd(ENABLE(0, 0)), 1u << 1);
    assert_int_equal(rd(ENABLE(3, 0)) | rd(ENABLE(3, 1)) | rd(ENABLE(3, 2)), 0);
    assert_int_equal(rd(THRESHOLD(3)), 0);

    /* Beyond the region, the bus answers nothing. */
    uint64_t v;
    assert_int_not_equal(bus_read(&m.bus, PLIC_BASE + 0x600000, 4, &v), 0);
}

static void test_reset_clears_registers_and_wires(void **state)
{
    wr(PRIORITY(4), 6);
    wr(PRIORITY(8), 6);
    enable(0, 4);
    enable(3, 8);
    wr(THRESHOLD(3), 2);
    machine_set_irq(&m, 4, true);
    machine_set_irq(&m, 8, true);
    assert_int_equal(rd(CLAIM(0)), 4); /* 4 in flight */
    assert_int_equal(wires(1), SEIP);

    machine_reset_devices(&m);
    assert_int_equal(rd(PRIORITY(4)), 0);
    assert_int_equal(rd(PRIORITY(8)), 0);
    assert_int_equal(rd(ENABLE(0, 0)), 0);
    assert_int_equal(rd(ENABLE(3, 0)), 0);
    assert_int_equal(rd(THRESHOLD(3)), 0);
    assert_int_equal(wires(0), 0);
    assert_int_equal(wires(1), 0);
    /* The lines are the devices' and are still high: the gateway forwards them
     * (the claim on 4 is forgotten), but priority 0 keeps the wires low. */
    assert_true(is_pending(4));
    assert_true(is_pending(8));
    wr(PRIORITY(4), 1);
    enable(0, 4);
    assert_int_equal(wires(0), MEIP);
}

/* The device-tree node: what Linux's irq-sifive-plic driver reads, for two harts. */
static void test_fdt_node(void **state)
{
    static uint8_t fdt[4096];
    m.phandles.cpu_intc[0] = 1;
    m.phandles.cpu_intc[1] = 2;
    m.phandles.plic = 3;
    assert_int_equal(fdt_create_empty_tree(fdt, sizeof(fdt)), 0);
    assert_true(fdt_add_subnode(fdt, 0, "soc") >= 0);
    unsigned found = 0;
    for (unsigned i = 0; i < m.ndevices; i++)
        if (!strcmp(m.devices[i].name, "plic")) {
            assert_int_equal(m.devices[i].fdt_node(m.devices[i].opaque, &m, fdt), 0);
            found++;
        }
    assert_int_equal(found, 1);

    int node = fdt_path_offset(fdt, "/soc/plic@c000000");
    assert_true(node >= 0);
    int len;
    const fdt32_t *cells = fdt_getprop(fdt, node, "interrupts-extended", &len);
    assert_non_null(cells);
    const uint32_t expect[] = { 1, 11, 1, 9, 2, 11, 2, 9 };
    assert_int_equal(len, sizeof(expect));
    for (unsigned i = 0; i < 8; i++)
        assert_int_equal(fdt32_to_cpu(cells[i]), expect[i]);
    cells = fdt_getprop(fdt, node, "riscv,ndev", &len);
    assert_non_null(cells);
    assert_int_equal(fdt32_to_cpu(cells[0]), 95);
    cells = fdt_getprop(fdt, node, "phandle", &len);
    assert_non_null(cells);
    assert_int_equal(fdt32_to_cpu(cells[0]), 3);
    cells = fdt_getprop(fdt, node, "#interrupt-cells", &len);
    assert_non_null(cells);
    assert_int_equal(fdt32_to_cpu(cells[0]), 1);
    assert_non_null(fdt_getprop(fdt, node, "interrupt-controller", &len));
    assert_int_equal(fdt_node_check_compatible(fdt, node, "riscv,plic0"), 0);
    assert_int_equal(fdt_node_check_compatible(fdt, node, "sifive,plic-1.0.0"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_registers_are_warl_and_pending_is_read_only, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_priority_above_threshold_drives_the_wire, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_claim_order_is_priority_then_lowest_id, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_gateway_level_source, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_complete_of_source_not_enabled_is_ignored, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_enables_are_per_context_across_harts, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_out_of_range_accesses_are_ignored, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_reset_clears_registers_and_wires, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_fdt_node, setup, harness_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

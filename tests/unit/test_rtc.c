/*
 * test_rtc.c - the goldfish RTC through the bus: time close to the host's,
 * TIME_HIGH latched by TIME_LOW, settable time, alarm status and the alarm
 * interrupt (seen by a fake interrupt controller), fired by the timer thread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libfdt.h>
#include <string.h>
#include <time.h>

#include "core/machine.h"
#include "device_harness.h"

#define RTC_BASE 0x101000ull
#define RTC_IRQ 11

enum {
    TIME_LOW = 0x00,
    TIME_HIGH = 0x04,
    ALARM_LOW = 0x08,
    ALARM_HIGH = 0x0c,
    IRQ_ENABLED = 0x10,
    CLEAR_ALARM = 0x14,
    ALARM_STATUS = 0x18,
    CLEAR_INTERRUPT = 0x1c,
};

#define MS 1000000ll /* ns */

static const struct board_region test_map[] = {
    { "rtc", RTC_BASE, 0x1000, RTC_IRQ },
};

static bool irq(void)
{
    return irq_is_high(RTC_IRQ);
}

static int setup(void **state)
{
    return harness_setup(test_map, 1, true);
}

static uint32_t rd(uint64_t off)
{
    return (uint32_t)mmio_read(RTC_BASE + off, 4);
}

static void wr(uint64_t off, uint32_t v)
{
    mmio_write(RTC_BASE + off, 4, v);
}

static int64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static int64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static int64_t guest_ns(void)
{
    uint32_t lo = rd(TIME_LOW);
    return (int64_t)(((uint64_t)rd(TIME_HIGH) << 32) | lo);
}

static void set_alarm(int64_t at)
{
    wr(ALARM_HIGH, (uint32_t)((uint64_t)at >> 32));
    wr(ALARM_LOW, (uint32_t)at); /* arms */
}

/* Waits up to `ms` for the interrupt line; returns whether it rose. */
static bool wait_for_irq(int ms)
{
    for (int i = 0; i < ms; i++) {
        if (irq())
            return true;
        nanosleep(&(struct timespec){ 0, MS }, NULL);
    }
    return irq();
}

static void test_time_follows_the_host(void **state)
{
    int64_t before = host_ns();
    int64_t t = guest_ns();
    int64_t after = host_ns();
    assert_true(t >= before && t <= after);

    /* TIME_HIGH is the half latched by the last TIME_LOW read, not a fresh one. */
    uint32_t lo = rd(TIME_LOW);
    uint32_t hi = rd(TIME_HIGH);
    assert_int_equal(rd(TIME_HIGH), hi);
    int64_t latched = (int64_t)(((uint64_t)hi << 32) | lo);
    assert_true(latched >= before && latched <= host_ns());

    /* A 64-bit load is split low half first, so it is consistent too. */
    uint64_t v;
    before = host_ns();
    assert_int_equal(bus_read(&m.bus, RTC_BASE + TIME_LOW, 8, &v), 0);
    assert_true((int64_t)v >= before && (int64_t)v <= host_ns());

    /* It advances. */
    nanosleep(&(struct timespec){ 0, 20 * MS }, NULL);
    assert_true(guest_ns() - t >= 20 * MS);
}

static void test_time_is_settable_and_survives_reset(void **state)
{
    const int64_t target = 1000000000ll * 1000000000ll; /* 2001-09-09 */
    /* As Linux's goldfish driver does: high half first, then low. */
    wr(TIME_HIGH, (uint32_t)((uint64_t)target >> 32));
    wr(TIME_LOW, (uint32_t)target);
    int64_t t = guest_ns();
    assert_true(t >= target && t - target < 100 * MS);

    nanosleep(&(struct timespec){ 0, 20 * MS }, NULL);
    int64_t t2 = guest_ns();
    assert_true(t2 - t >= 20 * MS && t2 - t < 500 * MS); /* it keeps running from there */

    machine_reset_devices(&m);
    int64_t t3 = guest_ns();
    assert_true(t3 >= t2 && t3 - target < 1000 * MS);
}

static void test_alarm_fires_on_time(void **state)
{
    wr(IRQ_ENABLED, 1);
    assert_int_equal(rd(IRQ_ENABLED), 1);
    int64_t start = monotonic_ns();
    int64_t at = guest_ns() + 50 * MS;
    set_alarm(at);
    assert_int_equal(rd(ALARM_LOW), (uint32_t)at);
    assert_int_equal(rd(ALARM_HIGH), (uint32_t)((uint64_t)at >> 32));
    assert_int_equal(rd(ALARM_STATUS), 1);
    assert_false(irq());

    assert_true(wait_for_irq(2000));
    assert_true(monotonic_ns() - start >= 45 * MS); /* not early (allowing clock granularity) */
    assert_true(guest_ns() >= at);
    assert_int_equal(rd(ALARM_STATUS), 0); /* fired: no longer armed */

    wr(CLEAR_INTERRUPT, 1);
    assert_false(irq());
}

static int64_t process_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* Guest time far from the host's, behind and ahead: the alarm is `delay` of guest
 * time away, and the timer thread sleeps (rather than spins) until then. */
static void check_alarm_at_guest_time(int64_t guest_time)
{
    wr(TIME_HIGH, (uint32_t)((uint64_t)guest_time >> 32));
    wr(TIME_LOW, (uint32_t)guest_time);
    wr(IRQ_ENABLED, 1);
    int64_t start = monotonic_ns(), cpu = process_cpu_ns();
    set_alarm(guest_ns() + 200 * MS);
    assert_int_equal(rd(ALARM_STATUS), 1);
    nanosleep(&(struct timespec){ 0, 100 * MS }, NULL);
    assert_false(irq());
    assert_true(wait_for_irq(2000));
    assert_true(monotonic_ns() - start >= 190 * MS);
    assert_true(process_cpu_ns() - cpu < 100 * MS); /* a spinning thread would burn ~200 ms */
    wr(CLEAR_INTERRUPT, 1);
}

static void test_alarm_follows_guest_time(void **state)
{
    check_alarm_at_guest_time(0x123456789abcdefll);              /* 1972: behind the host */
    check_alarm_at_guest_time(host_ns() + 86400ll * 365 * 1000000000ll); /* a year ahead */
}

static void test_alarm_in_the_past_and_irq_enable(void **state)
{
    set_alarm(guest_ns() - 1000 * MS); /* IRQ_ENABLED is 0 */
    assert_int_equal(rd(ALARM_STATUS), 0);
    assert_false(irq()); /* pending but masked */
    wr(IRQ_ENABLED, 1);
    assert_true(irq());
    wr(IRQ_ENABLED, 0);
    assert_false(irq());
    wr(IRQ_ENABLED, 1);
    wr(CLEAR_INTERRUPT, 1);
    assert_false(irq());
}

static void test_clear_alarm_disarms(void **state)
{
    wr(IRQ_ENABLED, 1);
    set_alarm(guest_ns() + 50 * MS);
    assert_int_equal(rd(ALARM_STATUS), 1);
    wr(CLEAR_ALARM, 1);
    assert_int_equal(rd(ALARM_STATUS), 0);
    assert_false(wait_for_irq(150));

    /* Re-armed and then moved later: it fires at the later time only. */
    int64_t start = monotonic_ns();
    set_alarm(guest_ns() + 30 * MS);
    set_alarm(guest_ns() + 120 * MS);
    assert_true(wait_for_irq(2000));
    assert_true(monotonic_ns() - start >= 110 * MS);

    /* Reset disarms and lowers the line. */
    set_alarm(guest_ns() + 50 * MS);
    machine_reset_devices(&m);
    assert_false(irq());
    assert_int_equal(rd(ALARM_STATUS), 0);
    assert_int_equal(rd(IRQ_ENABLED), 0);
    wr(IRQ_ENABLED, 1);
    assert_false(wait_for_irq(150));
}

static void test_fdt_node(void **state)
{
    static uint8_t fdt[4096];
    m.phandles.plic = 9;
    assert_int_equal(fdt_create_empty_tree(fdt, sizeof(fdt)), 0);
    assert_true(fdt_add_subnode(fdt, 0, "soc") >= 0);
    assert_int_equal(m.ndevices, 1);
    assert_int_equal(m.devices[0].fdt_node(m.devices[0].opaque, &m, fdt), 0);
    int node = fdt_path_offset(fdt, "/soc/rtc@101000");
    assert_true(node >= 0);
    assert_int_equal(fdt_node_check_compatible(fdt, node, "google,goldfish-rtc"), 0);
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, "interrupts", &len);
    assert_non_null(p);
    assert_int_equal(fdt32_to_cpu(*p), RTC_IRQ);
    p = fdt_getprop(fdt, node, "interrupt-parent", &len);
    assert_non_null(p);
    assert_int_equal(fdt32_to_cpu(*p), 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_time_follows_the_host, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_time_is_settable_and_survives_reset, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_alarm_fires_on_time, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_alarm_follows_guest_time, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_alarm_in_the_past_and_irq_enable, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_clear_alarm_disarms, setup, harness_teardown),
        cmocka_unit_test_setup_teardown(test_fdt_node, setup, harness_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

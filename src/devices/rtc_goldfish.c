/*
 * rtc_goldfish.c - the Android goldfish real-time clock at 0x101000, as QEMU's
 * hw/rtc/goldfish_rtc.c and Linux's drivers/rtc/rtc-goldfish.c have it:
 *
 *   0x00 TIME_LOW      ns since the epoch, low half; reading latches TIME_HIGH
 *   0x04 TIME_HIGH     high half as latched by the last TIME_LOW read
 *   0x08 ALARM_LOW     writing arms the alarm at ALARM_HIGH:ALARM_LOW
 *   0x0c ALARM_HIGH
 *   0x10 IRQ_ENABLED   bit 0
 *   0x14 CLEAR_ALARM   write: disarm
 *   0x18 ALARM_STATUS  1 while armed
 *   0x1c CLEAR_INTERRUPT write: acknowledge
 *
 * Time is the host's CLOCK_REALTIME plus an offset the guest sets by writing
 * TIME_LOW/TIME_HIGH (each write replaces that half of the current time; the
 * offset survives reset, as a battery-backed clock's would). An armed alarm is
 * fired by a timer thread sleeping on a CLOCK_REALTIME condition variable until
 * the deadline, so host clock steps move it as they move guest time.
 *
 * Threads: the hart (MMIO) and the timer thread take `lock`; lock order rtc ->
 * PLIC -> wires.
 */
#include <errno.h>
#include <libfdt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/machine.h"
#include "lib/log.h"

enum {
    RTC_TIME_LOW = 0x00,
    RTC_TIME_HIGH = 0x04,
    RTC_ALARM_LOW = 0x08,
    RTC_ALARM_HIGH = 0x0c,
    RTC_IRQ_ENABLED = 0x10,
    RTC_CLEAR_ALARM = 0x14,
    RTC_ALARM_STATUS = 0x18,
    RTC_CLEAR_INTERRUPT = 0x1c,
};

#define NS_PER_SEC 1000000000ull

struct rtc {
    struct machine *m;
    unsigned irq;
    pthread_mutex_t lock;
    pthread_cond_t alarm_changed; /* CLOCK_REALTIME; signalled when the alarm or `stop` changes */
    pthread_t timer;
    bool stop;
    /* Under lock. */
    uint64_t offset_ns; /* guest time - host realtime, modulo 2^64 */
    uint32_t time_high; /* latched by TIME_LOW reads */
    uint64_t alarm_ns;  /* ALARM_HIGH:ALARM_LOW, in guest time */
    bool alarm_armed;
    bool irq_enabled, irq_pending;
    bool irq_level; /* what we last drove */
};

static uint64_t host_realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

static uint64_t rtc_now(const struct rtc *r)
{
    return host_realtime_ns() + r->offset_ns;
}

static void rtc_update_irq(struct rtc *r)
{
    bool level = r->irq_enabled && r->irq_pending;
    if (level != r->irq_level) {
        r->irq_level = level;
        machine_set_irq(r->m, r->irq, level);
    }
}

static void rtc_fire_alarm(struct rtc *r)
{
    r->alarm_armed = false;
    r->irq_pending = true;
    rtc_update_irq(r);
}

/* Writing ALARM_LOW: a deadline already passed fires at once, as in QEMU. */
static void rtc_arm_alarm(struct rtc *r)
{
    if (r->alarm_ns <= rtc_now(r)) {
        rtc_fire_alarm(r);
    } else {
        r->alarm_armed = true;
        pthread_cond_signal(&r->alarm_changed);
    }
}

static void *rtc_timer_thread(void *arg)
{
    struct rtc *r = arg;
    pthread_mutex_lock(&r->lock);
    while (!r->stop) {
        if (!r->alarm_armed) {
            pthread_cond_wait(&r->alarm_changed, &r->lock);
            continue;
        }
        /* The deadline in host realtime; recomputed after every wakeup because the
         * guest may have moved the alarm or its clock. */
        uint64_t now = rtc_now(r);
        if (r->alarm_ns <= now) {
            rtc_fire_alarm(r);
            continue;
        }
        uint64_t host_deadline = r->alarm_ns - r->offset_ns;
        struct timespec ts = { .tv_sec = (time_t)(host_deadline / NS_PER_SEC),
                               .tv_nsec = (long)(host_deadline % NS_PER_SEC) };
        pthread_cond_timedwait(&r->alarm_changed, &r->lock, &ts); /* < 2^64 ns: fits a time_t */
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

static uint64_t rtc_read(void *opaque, uint64_t off, unsigned size)
{
    struct rtc *r = opaque;
    uint32_t value = 0;

    pthread_mutex_lock(&r->lock);
    switch (off) {
    case RTC_TIME_LOW: {
        uint64_t now = rtc_now(r);
        r->time_high = (uint32_t)(now >> 32);
        value = (uint32_t)now;
        break;
    }
    case RTC_TIME_HIGH: value = r->time_high; break;
    case RTC_ALARM_LOW: value = (uint32_t)r->alarm_ns; break;
    case RTC_ALARM_HIGH: value = (uint32_t)(r->alarm_ns >> 32); break;
    case RTC_IRQ_ENABLED: value = r->irq_enabled; break;
    case RTC_ALARM_STATUS: value = r->alarm_armed; break;
    default: break;
    }
    pthread_mutex_unlock(&r->lock);
    return value;
}

static uint64_t replace_half(uint64_t old, bool high, uint32_t value)
{
    return high ? (old & 0xffffffffull) | ((uint64_t)value << 32)
                : (old & ~0xffffffffull) | value;
}

static void rtc_write(void *opaque, uint64_t off, unsigned size, uint64_t value64)
{
    struct rtc *r = opaque;
    uint32_t value = (uint32_t)value64;

    pthread_mutex_lock(&r->lock);
    switch (off) {
    case RTC_TIME_LOW:
    case RTC_TIME_HIGH: {
        uint64_t now = rtc_now(r);
        r->offset_ns += replace_half(now, off == RTC_TIME_HIGH, value) - now;
        if (r->alarm_armed)
            pthread_cond_signal(&r->alarm_changed); /* the deadline moved */
        break;
    }
    case RTC_ALARM_LOW:
        r->alarm_ns = replace_half(r->alarm_ns, false, value);
        rtc_arm_alarm(r);
        break;
    case RTC_ALARM_HIGH: r->alarm_ns = replace_half(r->alarm_ns, true, value); break;
    case RTC_IRQ_ENABLED:
        r->irq_enabled = value & 1;
        rtc_update_irq(r);
        break;
    case RTC_CLEAR_ALARM:
        r->alarm_armed = false;
        pthread_cond_signal(&r->alarm_changed);
        break;
    case RTC_CLEAR_INTERRUPT:
        r->irq_pending = false;
        rtc_update_irq(r);
        break;
    default: break;
    }
    pthread_mutex_unlock(&r->lock);
}

static const struct mmio_ops rtc_ops = {
    .read = rtc_read, .write = rtc_write, .min_size = 4, .max_size = 4,
};

static void rtc_reset(void *opaque)
{
    struct rtc *r = opaque;
    pthread_mutex_lock(&r->lock);
    r->alarm_ns = 0;
    r->alarm_armed = false;
    r->irq_enabled = r->irq_pending = false;
    r->time_high = 0;
    rtc_update_irq(r);
    pthread_cond_signal(&r->alarm_changed);
    pthread_mutex_unlock(&r->lock);
}

static void rtc_destroy(void *opaque)
{
    struct rtc *r = opaque;
    pthread_mutex_lock(&r->lock);
    r->stop = true;
    pthread_cond_signal(&r->alarm_changed);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->timer, NULL);
    pthread_cond_destroy(&r->alarm_changed);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

static int rtc_fdt_node(void *opaque, struct machine *m, void *fdt)
{
    const struct board_region *reg_region = machine_region(m, "rtc");
    char name[32];
    int err;

    snprintf(name, sizeof(name), "rtc@%llx", (unsigned long long)reg_region->base);
    int node = fdt_add_subnode(fdt, fdt_path_offset(fdt, "/soc"), name);
    if (node < 0)
        return node;
    fdt64_t reg[2] = { cpu_to_fdt64(reg_region->base), cpu_to_fdt64(reg_region->size) };
    if ((err = fdt_setprop_string(fdt, node, "compatible", "google,goldfish-rtc")) < 0 ||
        (err = fdt_setprop(fdt, node, "reg", reg, sizeof(reg))) < 0)
        return err;
    if (reg_region->irq &&
        ((err = fdt_setprop_u32(fdt, node, "interrupt-parent", m->phandles.plic)) < 0 ||
         (err = fdt_setprop_u32(fdt, node, "interrupts", reg_region->irq)) < 0))
        return err;
    return 0;
}

static int rtc_create(struct machine *m)
{
    const struct board_region *region = machine_region(m, "rtc");
    if (!region)
        return 0;
    struct rtc *r = calloc(1, sizeof(*r));
    if (!r)
        return -ENOMEM;
    r->m = m;
    r->irq = region->irq;
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->alarm_changed, NULL); /* default clock: CLOCK_REALTIME, as the deadline */
    int err = pthread_create(&r->timer, NULL, rtc_timer_thread, r);
    if (err) {
        pthread_cond_destroy(&r->alarm_changed);
        pthread_mutex_destroy(&r->lock);
        free(r);
        return -err;
    }
    err = bus_add_mmio(&m->bus, region->name, region->base, region->size, &rtc_ops, r);
    if (!err)
        err = machine_add_device(m, &(struct device_instance){ .name = "rtc",
                                                                .opaque = r,
                                                                .reset = rtc_reset,
                                                                .destroy = rtc_destroy,
                                                                .fdt_node = rtc_fdt_node });
    if (err) {
        rtc_destroy(r);
        return err;
    }
    return 0;
}

static const struct device_type rtc_type = { "goldfish_rtc", rtc_create };
DEVICE_TYPE_REGISTER(rtc_type);

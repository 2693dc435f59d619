/*
 * clock.h - guest time (mtime) at 10 MHz.
 *
 * In host mode mtime follows CLOCK_MONOTONIC, minus an offset that grows while
 * the machine is paused, so the guest never sees time jump. In icount mode
 * mtime is the number of instructions retired, so runs are reproducible.
 */
#ifndef RVMM_CORE_CLOCK_H
#define RVMM_CORE_CLOCK_H

#include <stdint.h>

#define CLOCK_FREQ_HZ 10000000ull
#define CLOCK_NS_PER_TICK (1000000000ull / CLOCK_FREQ_HZ)

enum clock_mode { CLOCK_HOST, CLOCK_ICOUNT };

struct guest_clock {
    enum clock_mode mode;
    uint64_t host_base_ns; /* host monotonic time at which mtime was 0 */
    uint64_t icount;       /* CLOCK_ICOUNT: current mtime, advanced by the harts */
    uint64_t icount_skip;  /* CLOCK_ICOUNT: ticks skipped while every hart waited in wfi */
};

uint64_t clock_host_ns(void);
void clock_init(struct guest_clock *c, enum clock_mode mode);
uint64_t clock_mtime(const struct guest_clock *c);
/* Host nanoseconds until mtime reaches `target` (0 if already there). */
uint64_t clock_ns_until(const struct guest_clock *c, uint64_t target);

#endif

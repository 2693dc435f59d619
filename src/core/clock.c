/* clock.c - guest time at 10 MHz, from the host's monotonic clock or from instructions retired. */
#include "core/clock.h"

#include <time.h>

uint64_t clock_host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void clock_init(struct guest_clock *c, enum clock_mode mode)
{
    c->mode = mode;
    c->host_base_ns = clock_host_ns();
    c->icount = 0;
    c->icount_skip = 0;
}

uint64_t clock_mtime(const struct guest_clock *c)
{
    if (c->mode == CLOCK_ICOUNT)
        return __atomic_load_n(&c->icount, __ATOMIC_RELAXED);
    return (clock_host_ns() - c->host_base_ns) / CLOCK_NS_PER_TICK;
}

uint64_t clock_ns_until(const struct guest_clock *c, uint64_t target)
{
    uint64_t now = clock_mtime(c);
    if (target <= now)
        return 0;
    uint64_t ticks = target - now;
    return ticks > UINT64_MAX / CLOCK_NS_PER_TICK ? UINT64_MAX : ticks * CLOCK_NS_PER_TICK;
}

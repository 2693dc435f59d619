/* hart_wait.c - interrupt polling and wfi sleep, shared by every execution engine. */
#include "interp/hart_wait.h"

#include <errno.h>
#include <time.h>

#include "interp/interp.h"

static void hart_sync_icount(struct hart *h)
{
    struct guest_clock *c = &h->machine->clock;
    if (c->mode == CLOCK_ICOUNT)
        __atomic_store_n(&c->icount, h->instret + c->icount_skip, __ATOMIC_RELAXED);
}

/* A quick poll (hart_recheck_interrupts) reads the clock only every this many times. */
#define QUICK_POLLS_PER_CLOCK_READ 32

enum machine_request hart_poll(struct hart *h)
{
    h->poll_countdown = HART_POLL_BLOCKS;
    __atomic_store_n(&h->wires->kick, 0, __ATOMIC_RELAXED);
    enum machine_request r = machine_pending_request(h->machine);
    if (r != MACHINE_RUN)
        return r;
    if (!h->poll_quick || ++h->quick_polls >= QUICK_POLLS_PER_CLOCK_READ) {
        hart_sync_icount(h);
        hart_update_timer_bits(h);
        h->quick_polls = 0;
    }
    h->poll_quick = false;
    hart_take_pending_interrupt(h);
    return MACHINE_RUN;
}

/* The earliest timer that could end the wait: only timers whose interrupt is enabled in mie. */
static uint64_t next_timer_deadline(struct hart *h)
{
    uint64_t deadline = ~0ull;
    if (h->mie & MIP_MTIP)
        deadline = __atomic_load_n(&h->wires->mtimecmp, __ATOMIC_ACQUIRE);
    if ((h->mie & MIP_STIP) && (h->menvcfg & ENVCFG_STCE) && h->stimecmp < deadline)
        deadline = h->stimecmp;
    return deadline;
}

void hart_wfi(struct hart *h)
{
    struct machine *m = h->machine;
    struct hart_wires *w = h->wires;

    hart_sync_icount(h);
    for (;;) {
        /* wfi resumes on any pending enabled-in-mie interrupt, even if globally disabled. */
        if ((hart_read_mip(h) & h->mie) || machine_pending_request(m) != MACHINE_RUN)
            return;
        uint64_t deadline = next_timer_deadline(h);
        if (m->clock.mode == CLOCK_ICOUNT && deadline != ~0ull) {
            /* Nothing can happen before the deadline: skip straight to it. */
            struct guest_clock *c = &m->clock;
            if (deadline > c->icount) {
                c->icount_skip += deadline - c->icount;
                c->icount = deadline;
            }
            continue;
        }

        pthread_mutex_lock(&w->lock);
        if (!__atomic_load_n(&w->kick, __ATOMIC_ACQUIRE)) {
            if (deadline == ~0ull || m->clock.mode == CLOCK_ICOUNT) {
                pthread_cond_wait(&w->wake, &w->lock);
            } else {
                uint64_t ns = clock_ns_until(&m->clock, deadline);
                struct timespec ts;
                clock_gettime(CLOCK_MONOTONIC, &ts);
                uint64_t abs_ns = (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
                abs_ns = ns > UINT64_MAX - abs_ns ? UINT64_MAX : abs_ns + ns;
                ts.tv_sec = abs_ns / 1000000000ull;
                ts.tv_nsec = abs_ns % 1000000000ull;
                pthread_cond_timedwait(&w->wake, &w->lock, &ts);
            }
        }
        __atomic_store_n(&w->kick, 0, __ATOMIC_RELAXED);
        pthread_mutex_unlock(&w->lock);
    }
}

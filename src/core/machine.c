/* machine.c - shared machine state: wires, device instances, exit/reset requests. */
#include "core/machine.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"

int machine_init(struct machine *m, const struct vm_config *config, unsigned nharts)
{
    memset(m, 0, sizeof(*m));
    if (!nharts || nharts > MACHINE_MAX_HARTS)
        return -EINVAL;
    m->config = config;
    m->nharts = nharts;
    for (unsigned i = 0; i < nharts; i++) {
        m->wires[i].mtimecmp = ~0ull;
        pthread_mutex_init(&m->wires[i].lock, NULL);
        pthread_condattr_t attr;
        pthread_condattr_init(&attr);
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC); /* wfi deadlines are monotonic */
        pthread_cond_init(&m->wires[i].wake, &attr);
        pthread_condattr_destroy(&attr);
    }
    return 0;
}

void machine_destroy(struct machine *m)
{
    for (unsigned i = m->ndevices; i-- > 0;)
        if (m->devices[i].destroy)
            m->devices[i].destroy(m->devices[i].opaque);
    m->ndevices = 0;
    for (unsigned i = 0; i < m->nharts; i++) {
        pthread_mutex_destroy(&m->wires[i].lock);
        pthread_cond_destroy(&m->wires[i].wake);
    }
    bus_destroy(&m->bus);
}

const struct board_region *machine_region(const struct machine *m, const char *name)
{
    for (unsigned i = 0; i < m->nmap; i++)
        if (!strcmp(m->map[i].name, name))
            return &m->map[i];
    return NULL;
}

int machine_add_device(struct machine *m, const struct device_instance *dev)
{
    if (m->ndevices == MACHINE_MAX_DEVICES)
        return -ENOSPC;
    m->devices[m->ndevices++] = *dev;
    return 0;
}

void machine_set_irq(struct machine *m, unsigned source, bool level)
{
    if (m->irq_chip.set_level)
        m->irq_chip.set_level(m->irq_chip.opaque, source, level);
}

void machine_reset_devices(struct machine *m)
{
    for (unsigned i = 0; i < m->ndevices; i++)
        if (m->devices[i].reset)
            m->devices[i].reset(m->devices[i].opaque);
}

static void machine_kick_all(struct machine *m)
{
    for (unsigned i = 0; i < m->nharts; i++)
        wires_kick(&m->wires[i]);
}

void machine_request_exit(struct machine *m, int status)
{
    m->exit_status = status;
    __atomic_store_n(&m->request, MACHINE_EXIT, __ATOMIC_RELEASE);
    machine_kick_all(m);
}

void machine_request_reset(struct machine *m)
{
    __atomic_store_n(&m->request, MACHINE_RESET, __ATOMIC_RELEASE);
    machine_kick_all(m);
}

enum machine_request machine_pending_request(struct machine *m)
{
    return __atomic_load_n(&m->request, __ATOMIC_ACQUIRE);
}

void wires_kick(struct hart_wires *w)
{
    pthread_mutex_lock(&w->lock);
    __atomic_store_n(&w->kick, 1, __ATOMIC_RELEASE);
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

void wires_set_pending(struct hart_wires *w, uint64_t bits, bool level)
{
    if (level)
        __atomic_fetch_or(&w->pending, bits, __ATOMIC_ACQ_REL);
    else
        __atomic_fetch_and(&w->pending, ~bits, __ATOMIC_ACQ_REL);
    wires_kick(w);
}

void wires_set_mtimecmp(struct hart_wires *w, uint64_t value)
{
    __atomic_store_n(&w->mtimecmp, value, __ATOMIC_RELEASE);
    wires_kick(w);
}

extern const struct device_type *const __start_rvmm_device_types[];
extern const struct device_type *const __stop_rvmm_device_types[];

int machine_create_devices(struct machine *m)
{
    for (const struct device_type *const *t = __start_rvmm_device_types;
         t < __stop_rvmm_device_types; t++) {
        int err = (*t)->create(m);
        if (err) {
            if (err != DEVICE_ERR_REPORTED)
                log_error("device %s: %s", (*t)->name, strerror(-err));
            return err;
        }
    }
    return 0;
}

/*
 * virtio.c - the transport-independent virtio device core: feature
 * negotiation, device status, queue start/stop, interrupt status, queue
 * notifications carried to the I/O thread, requests in flight, and the
 * DEVICE_NEEDS_RESET error state. The contract is in virtio.h; section numbers
 * refer to VIRTIO 1.2.
 */
#include "virtio/virtio.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lib/log.h"

/* Offered for every device: the queue layer implements both ring features. */
#define VIRTIO_CORE_FEATURES                                                                 \
    ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_INDIRECT_DESC) |                      \
     (1ull << VIRTIO_F_EVENT_IDX))

static void virtio_update_irq(struct virtio_dev *vdev)
{
    bool level = vdev->isr != 0; /* level-triggered: high while InterruptStatus != 0 */
    if (level != vdev->irq_level) {
        vdev->irq_level = level;
        if (vdev->transport.set_irq)
            vdev->transport.set_irq(vdev->transport.opaque, level);
    }
}

static void virtio_raise(struct virtio_dev *vdev, uint32_t bits)
{
    vdev->isr |= bits;
    virtio_update_irq(vdev);
}

bool virtio_running(const struct virtio_dev *vdev)
{
    return (vdev->status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_NEEDS_RESET)) ==
           VIRTIO_STATUS_DRIVER_OK;
}

void virtio_fail(struct virtio_dev *vdev, const char *fmt, ...)
{
    if (!vdev->error_logged) { /* the guest controls how often this happens: once per device */
        char why[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, sizeof(why), fmt, ap);
        va_end(ap);
        log_warn("%s at %s: %s; the device needs a reset (further errors not logged)",
                 vdev->ops->name, vdev->location ? vdev->location : "?", why);
        vdev->error_logged = true;
    }
    if (vdev->status & VIRTIO_STATUS_NEEDS_RESET)
        return;
    vdev->status |= VIRTIO_STATUS_NEEDS_RESET;
    if (vdev->status & VIRTIO_STATUS_DRIVER_OK) /* 2.1.2: then a config change notification */
        virtio_raise(vdev, VIRTIO_INT_CONFIG);
}

void virtio_config_changed(struct virtio_dev *vdev)
{
    vdev->config_generation++;
    if (vdev->status & VIRTIO_STATUS_DRIVER_OK)
        virtio_raise(vdev, VIRTIO_INT_CONFIG);
}

/* ---- Queues and requests ---- */

int virtio_pop(struct virtio_dev *vdev, unsigned q, struct virtq_chain *c)
{
    if (q >= vdev->ops->num_queues || !virtio_running(vdev))
        return 0;
    if (vdev->dispatching && !vdev->dispatch_budget) {
        virtio_notify(vdev, q); /* come back after the other handlers */
        return 0;
    }
    struct virtq *vq = &vdev->vq[q];
    int ret = virtq_pop(vq, c);
    if (ret < 0) {
        virtio_fail(vdev, "queue %u: %s", q, vq->error);
        return ret;
    }
    if (ret > 0) {
        c->queue = (uint16_t)q;
        vdev->inflight++;
        if (vdev->dispatching)
            vdev->dispatch_budget--;
    }
    return ret;
}

static void virtio_chain_done(struct virtio_dev *vdev)
{
    if (vdev->inflight && --vdev->inflight == 0)
        pthread_cond_broadcast(&vdev->idle);
}

void virtio_push(struct virtio_dev *vdev, struct virtq_chain *c, uint32_t len)
{
    virtio_chain_done(vdev);
    struct virtq *vq = &vdev->vq[c->queue];
    if (!vq->ready || c->epoch != vq->epoch)
        return; /* the queue was stopped or reset since: the driver has forgotten this chain */
    virtq_push(vq, c, len);
    if (virtq_should_interrupt(vq) && !(vdev->status & VIRTIO_STATUS_NEEDS_RESET))
        virtio_raise(vdev, VIRTIO_INT_USED);
}

void virtio_discard(struct virtio_dev *vdev, struct virtq_chain *c)
{
    virtio_chain_done(vdev);
}

void virtio_complete(struct virtio_dev *vdev, struct virtq_chain *c, uint32_t len)
{
    virtio_lock(vdev);
    virtio_push(vdev, c, len);
    virtio_unlock(vdev);
}

/* ---- Notifications: hart -> I/O thread ---- */

void virtio_notify(struct virtio_dev *vdev, uint32_t q)
{
    if (q >= vdev->ops->num_queues)
        return;
    uint32_t bit = 1u << q;
    /* Only the notification that sets the first pending bit wakes the thread; the
     * I/O thread reads the eventfd before taking the bits, so none is lost. */
    if (__atomic_fetch_or(&vdev->notify_pending, bit, __ATOMIC_ACQ_REL))
        return;
    uint64_t one = 1;
    if (write(vdev->notify_fd, &one, sizeof(one)) < 0) {
        /* EAGAIN: the counter is saturated, so the thread is awake anyway */
    }
}

static void virtio_notify_handler(void *opaque, uint32_t events)
{
    struct virtio_dev *vdev = opaque;
    uint64_t count;
    if (read(vdev->notify_fd, &count, sizeof(count)) < 0) {
        /* EAGAIN: a spurious wakeup; the pending bits decide */
    }
    uint32_t pending = __atomic_exchange_n(&vdev->notify_pending, 0, __ATOMIC_ACQ_REL);

    virtio_lock(vdev);
    for (unsigned q = 0; pending && q < vdev->ops->num_queues; q++, pending >>= 1) {
        /* Before DRIVER_OK nothing is consumed (3.1.1); the DRIVER_OK write
         * re-notifies every ready queue, so an early kick is not lost. */
        if ((pending & 1) && virtio_running(vdev) && vdev->vq[q].ready && vdev->ops->queue_notify) {
            vdev->dispatching = true;
            vdev->dispatch_budget = VIRTIO_DISPATCH_BUDGET;
            vdev->ops->queue_notify(vdev, q);
            vdev->dispatching = false;
        }
    }
    virtio_unlock(vdev);
}

/* ---- Registers ---- */

uint32_t virtio_read_device_features(const struct virtio_dev *vdev, uint32_t sel)
{
    return sel < 2 ? (uint32_t)(vdev->host_features >> (32 * sel)) : 0;
}

void virtio_write_driver_features(struct virtio_dev *vdev, uint32_t sel, uint32_t value)
{
    /* Features are written between DRIVER and FEATURES_OK (3.1.1); later writes are ignored. */
    if (sel >= 2 || (vdev->status & VIRTIO_STATUS_FEATURES_OK))
        return;
    uint64_t mask = 0xffffffffull << (32 * sel);
    vdev->driver_features = (vdev->driver_features & ~mask) | ((uint64_t)value << (32 * sel));
}

void virtio_reset(struct virtio_dev *vdev)
{
    /* First stop dispatching and popping (status), let the device drop what it holds,
     * then wait for requests in flight: their completions take the lock we release. */
    vdev->status = 0;
    if (vdev->ops->reset)
        vdev->ops->reset(vdev);
    while (vdev->inflight)
        pthread_cond_wait(&vdev->idle, &vdev->lock);
    for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++)
        virtq_reset(&vdev->vq[q], q < vdev->ops->num_queues ? vdev->ops->queue_max : 0);
    vdev->status = 0; /* a device's completion may not set anything, but be sure */
    vdev->driver_features = 0;
    vdev->isr = 0;
    virtio_update_irq(vdev);
}

void virtio_write_status(struct virtio_dev *vdev, uint8_t value)
{
    if (value == 0) {
        virtio_reset(vdev);
        return;
    }
    uint8_t old = vdev->status;
    /* The driver only adds bits (3.1.1); NEEDS_RESET is the device's to set. */
    uint8_t status = (uint8_t)(old | (value & ~VIRTIO_STATUS_NEEDS_RESET));
    if ((status & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK)) {
        /* Accept only a subset of what we offered, with VERSION_1: this transport is
         * modern only. Refusing = leaving FEATURES_OK clear (2.2.2). */
        uint64_t f = vdev->driver_features;
        if ((f & ~vdev->host_features) || !(f & (1ull << VIRTIO_F_VERSION_1)))
            status &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
    }
    if ((status & VIRTIO_STATUS_DRIVER_OK) && !(status & VIRTIO_STATUS_FEATURES_OK))
        status &= (uint8_t)~VIRTIO_STATUS_DRIVER_OK; /* DRIVER_OK without features: not running */
    vdev->status = status;
    if ((status & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_DRIVER_OK)) {
        if (vdev->ops->driver_ok)
            vdev->ops->driver_ok(vdev);
        /* Buffers may have been made available (and notified) before DRIVER_OK. */
        for (unsigned q = 0; q < vdev->ops->num_queues; q++)
            if (vdev->vq[q].ready)
                virtio_notify(vdev, q);
    }
}

uint16_t virtio_queue_max(const struct virtio_dev *vdev, uint32_t q)
{
    return q < vdev->ops->num_queues ? vdev->ops->queue_max : 0;
}

void virtio_write_queue_ready(struct virtio_dev *vdev, uint32_t q, bool ready)
{
    if (q >= vdev->ops->num_queues)
        return;
    struct virtq *vq = &vdev->vq[q];
    if (!ready) {
        virtq_stop(vq);
        return;
    }
    if (vq->ready)
        return;
    if (virtq_start(vq, vdev->bus, vdev->ops->queue_max, vdev->driver_features))
        virtio_fail(vdev, "queue %u: %s", q, vq->error);
}

void virtio_ack_interrupt(struct virtio_dev *vdev, uint32_t bits)
{
    vdev->isr &= ~bits;
    virtio_update_irq(vdev);
}

uint32_t virtio_config_read(struct virtio_dev *vdev, uint32_t offset, unsigned size)
{
    const struct virtio_device_ops *ops = vdev->ops;
    if (offset > ops->config_size || size > ops->config_size - offset)
        return 0;
    if (ops->config_read)
        return ops->config_read(vdev, offset, size);
    uint32_t value = 0;
    if (vdev->config)
        memcpy(&value, vdev->config + offset, size);
    return value;
}

void virtio_config_write(struct virtio_dev *vdev, uint32_t offset, unsigned size, uint32_t value)
{
    const struct virtio_device_ops *ops = vdev->ops;
    if (offset > ops->config_size || size > ops->config_size - offset || !ops->config_write)
        return;
    ops->config_write(vdev, offset, size, value);
}

/* ---- Life cycle ---- */

int virtio_device_add(struct virtio_bus *bus, const struct virtio_device_ops *ops, void *opaque,
                      struct virtio_dev **out)
{
    if (!ops->num_queues || ops->num_queues > VIRTIO_MAX_QUEUES || !ops->queue_max ||
        ops->queue_max > VIRTQ_MAX_SIZE || (ops->queue_max & (ops->queue_max - 1)))
        return -EINVAL;
    struct virtio_dev *vdev = calloc(1, sizeof(*vdev));
    if (!vdev)
        return -ENOMEM;
    vdev->ops = ops;
    vdev->opaque = opaque;
    vdev->machine = bus->machine;
    vdev->bus = &bus->machine->bus;
    vdev->iothread = bus->iothread;
    vdev->host_features = ops->features | VIRTIO_CORE_FEATURES;
    pthread_mutex_init(&vdev->lock, NULL);
    pthread_cond_init(&vdev->idle, NULL);
    for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++)
        virtq_reset(&vdev->vq[q], q < ops->num_queues ? ops->queue_max : 0);

    int err;
    vdev->notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (vdev->notify_fd < 0) {
        err = -errno;
        goto fail;
    }
    err = iothread_add_fd(vdev->iothread, vdev->notify_fd, EPOLLIN, virtio_notify_handler, vdev);
    if (err)
        goto fail;
    err = bus->plug(bus, vdev);
    if (err) {
        iothread_del_fd(vdev->iothread, vdev->notify_fd);
        goto fail;
    }
    if (out)
        *out = vdev;
    return 0;

fail:
    if (vdev->notify_fd >= 0)
        close(vdev->notify_fd);
    pthread_cond_destroy(&vdev->idle);
    pthread_mutex_destroy(&vdev->lock);
    free(vdev);
    return err;
}

void virtio_device_destroy(struct virtio_dev *vdev)
{
    virtio_lock(vdev);
    virtio_reset(vdev);
    virtio_unlock(vdev);
    iothread_del_fd(vdev->iothread, vdev->notify_fd); /* no handler runs after this */
    close(vdev->notify_fd);
    if (vdev->ops->destroy)
        vdev->ops->destroy(vdev);
    pthread_cond_destroy(&vdev->idle);
    pthread_mutex_destroy(&vdev->lock);
    free(vdev);
}

extern const struct virtio_device_type *const __start_rvmm_virtio_types[] __attribute__((weak));
extern const struct virtio_device_type *const __stop_rvmm_virtio_types[] __attribute__((weak));

int virtio_bus_create_devices(struct virtio_bus *bus)
{
    /* The linker set's bounds (both NULL if no virtio type is linked in). */
    size_t count = ((uintptr_t)__stop_rvmm_virtio_types - (uintptr_t)__start_rvmm_virtio_types) /
                   sizeof(__start_rvmm_virtio_types[0]);
    const struct virtio_device_type *types[64] = { NULL };
    unsigned n = 0;

    for (size_t k = 0; k < count && n < ARRAY_SIZE(types); k++) {
        /* Insertion sort by (order, name): the slot order must not depend on link order. */
        const struct virtio_device_type *t = __start_rvmm_virtio_types[k];
        unsigned i = n++;
        while (i > 0 && (t->order < types[i - 1]->order ||
                         (t->order == types[i - 1]->order && strcmp(t->name, types[i - 1]->name) < 0))) {
            types[i] = types[i - 1];
            i--;
        }
        types[i] = t;
    }
    for (unsigned i = 0; i < n; i++) {
        int err = types[i]->create(bus);
        if (err) {
            if (err != -ENOSPC && err != DEVICE_ERR_REPORTED) /* else already said */
                log_error("%s: %s", types[i]->name, strerror(-err));
            return DEVICE_ERR_REPORTED;
        }
    }
    return 0;
}

/*
 * virtio.h - the virtio device core: what a virtio device (rng, console, blk,
 * net, ...) is written against, independent of the transport (virtio-mmio on
 * the virt board, src/devices/virtio_mmio.c).
 *
 * A device is one small file:
 *
 *     static void rng_queue_notify(struct virtio_dev *vdev, unsigned q) { ...virtio_pop/virtio_push... }
 *     static const struct virtio_device_ops rng_ops = {
 *         .name = "virtio-rng", .device_id = VIRTIO_ID_ENTROPY, .num_queues = 1,
 *         .queue_max = VIRTQ_MAX_SIZE, .queue_notify = rng_queue_notify,
 *     };
 *     static int rng_create(struct virtio_bus *bus)
 *     {
 *         if (!bus->machine->config || !bus->machine->config->rng)
 *             return 0;                             // not asked for
 *         return virtio_device_add(bus, &rng_ops, NULL, NULL);
 *     }
 *     static const struct virtio_device_type rng_type = { "virtio-rng", VIRTIO_ORDER_RNG, rng_create };
 *     VIRTIO_DEVICE_TYPE_REGISTER(rng_type);
 *
 * Threads and locking. Each device has one lock, `vdev->lock`, which guards the
 * transport registers, the virtqueues and whatever the device keeps beside them.
 *  - The transport's MMIO handlers (hart threads) take it.
 *  - A guest queue notification only sets a bit and wakes the I/O thread
 *    (core/iothread.c) through an eventfd; there the core takes the lock and
 *    calls ops->queue_notify(). Every other ops callback is called with the
 *    lock held too, from the thread named beside it.
 *  - Any other thread (a backend's worker, the console's stdin reader) takes it
 *    with virtio_lock()/virtio_unlock(), or uses virtio_complete().
 * Lock order: I/O thread dispatch -> chr backend input -> device -> PLIC ->
 * hart wires. Never take a device lock while holding the PLIC's, and never call
 * iothread_add_fd/del_fd with a device lock held (except on the I/O thread).
 *
 * Requests in flight. Every chain taken with virtio_pop() is counted until it
 * is given back with virtio_push()/virtio_complete() or dropped with
 * virtio_discard(). A device reset (status 0, or machine reset) first clears
 * the status (so nothing new is dispatched), calls ops->reset(), then waits,
 * with the lock released, until no chain is in flight; only then are the queues
 * forgotten. So a device that completes on another thread needs nothing special
 * for reset, as long as its requests finish; one that holds chains waiting for
 * an outside event (the console's receive buffer) must discard them in reset().
 */
#ifndef RVMM_VIRTIO_VIRTIO_H
#define RVMM_VIRTIO_VIRTIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/iothread.h"
#include "core/machine.h"
#include "lib/compiler.h"
#include "virtio/virtqueue.h"

/* Device IDs (VIRTIO 1.2 section 5). */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_ENTROPY 4

/* Device status bits (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED 128

/* Reserved feature bits (6); INDIRECT_DESC and EVENT_IDX are in virtqueue.h. */
#define VIRTIO_F_VERSION_1 32

/* Interrupt status bits (4.2.2: InterruptStatus). */
#define VIRTIO_INT_USED 1
#define VIRTIO_INT_CONFIG 2

#define VIRTIO_MAX_QUEUES 16

struct virtio_dev;

struct virtio_device_ops {
    const char *name;      /* "virtio-rng": for logs */
    uint32_t device_id;    /* VIRTIO_ID_* */
    uint64_t features;     /* device-type bits offered; the core adds VERSION_1,
                            * INDIRECT_DESC and EVENT_IDX */
    unsigned num_queues;   /* 1..VIRTIO_MAX_QUEUES */
    uint16_t queue_max;    /* QueueNumMax of every queue: a power of two <= VIRTQ_MAX_SIZE */
    uint32_t config_size;  /* bytes of device configuration space */

    /* Configuration space access: offset + size <= config_size, size 1, 2 or 4
     * (little-endian value). Hart thread. NULL: read vdev->config, ignore writes. */
    uint32_t (*config_read)(struct virtio_dev *vdev, uint32_t offset, unsigned size);
    void (*config_write)(struct virtio_dev *vdev, uint32_t offset, unsigned size, uint32_t value);
    /* The driver made buffers available on queue q, and the device is running
     * (DRIVER_OK, not NEEDS_RESET, queue ready). I/O thread. */
    void (*queue_notify)(struct virtio_dev *vdev, unsigned q);
    /* The driver set DRIVER_OK. Hart thread. Optional. */
    void (*driver_ok)(struct virtio_dev *vdev);
    /* Device reset: forget driver state, virtio_discard() held chains, stop
     * work in flight (see above). Any thread. Optional. */
    void (*reset)(struct virtio_dev *vdev);
    /* The VM is going away, after a reset: release host resources and the
     * device's own state (vdev->opaque); called without the lock. Optional. */
    void (*destroy)(struct virtio_dev *vdev);
};

/* Transport callbacks (the virtio-mmio slot). */
struct virtio_transport {
    void (*set_irq)(void *opaque, bool level); /* with the device lock held */
    void *opaque;
};

struct virtio_dev {
    /* Constant after virtio_device_add(). */
    const struct virtio_device_ops *ops;
    void *opaque;              /* the device's own state */
    struct machine *machine;
    struct bus *bus;           /* guest memory */
    struct iothread *iothread; /* where queue_notify runs; devices may add their fds */
    uint64_t host_features;    /* offered; a device may change it right after adding */
    const uint8_t *config;     /* for the default config_read; may be NULL */
    struct virtio_transport transport;
    const char *location;      /* where the transport put it, e.g. "virtio-mmio@10008000" */

    pthread_mutex_t lock;
    pthread_cond_t idle;       /* signalled when `inflight` drops to 0 */
    /* Under lock. */
    unsigned inflight;
    uint8_t status;
    uint64_t driver_features;
    uint32_t isr;              /* InterruptStatus: VIRTIO_INT_* */
    uint32_t config_generation;
    bool irq_level;
    bool error_logged;
    struct virtq vq[VIRTIO_MAX_QUEUES];

    int notify_fd;             /* eventfd: queue notifications for the I/O thread */
    uint32_t notify_pending;   /* atomic: bit q = queue q was notified */
    /* Chains a queue_notify() call may still pop (I/O thread, under lock): when
     * it runs out, virtio_pop() says "empty" and re-notifies the queue, so a
     * guest that keeps refilling one queue cannot starve the other fds. */
    bool dispatching;
    unsigned dispatch_budget;
};

#define VIRTIO_DISPATCH_BUDGET 256

/*
 * Where virtio devices are plugged: the transport's slots, the machine, the I/O
 * thread. The transport (virtio_mmio.c) provides `plug`.
 */
struct virtio_bus {
    struct machine *machine;
    struct iothread *iothread;
    /* Gives vdev a slot (setting vdev->transport and vdev->location); -ENOSPC if none is free. */
    int (*plug)(struct virtio_bus *bus, struct virtio_dev *vdev);
};

/*
 * Virtio device types register with VIRTIO_DEVICE_TYPE_REGISTER (a linker set,
 * like DEVICE_TYPE_REGISTER). The transport calls every type's create() in
 * `order`, then name, order; create() adds the instances the configuration asks
 * for with virtio_device_add() (none: return 0). Slots are handed out in that
 * order, so the slot of each device is deterministic.
 */
enum virtio_order {
    VIRTIO_ORDER_CONSOLE = 10,
    VIRTIO_ORDER_RNG = 20,
    VIRTIO_ORDER_BLK = 30, /* --disk, in command-line order */
    VIRTIO_ORDER_NET = 40, /* --net, in command-line order */
};

struct virtio_device_type {
    const char *name;
    unsigned order; /* enum virtio_order */
    int (*create)(struct virtio_bus *bus);
};

#define VIRTIO_DEVICE_TYPE_REGISTER(type)                                             \
    static const struct virtio_device_type *const virtio_type_ptr_##type              \
        __attribute__((used, section("rvmm_virtio_types"))) = &(type)

/* Calls each registered type's create() in order. */
int virtio_bus_create_devices(struct virtio_bus *bus);

/* Creates a device with `ops` and plugs it into the next free slot. *out may be NULL. */
__must_check int virtio_device_add(struct virtio_bus *bus, const struct virtio_device_ops *ops,
                                   void *opaque, struct virtio_dev **out);
/* Resets the device, stops its notifications, calls ops->destroy, frees it. */
void virtio_device_destroy(struct virtio_dev *vdev);

/* ---- For device code. "Locked": call with vdev->lock held (every ops callback is). ---- */

static inline void virtio_lock(struct virtio_dev *vdev)
{
    pthread_mutex_lock(&vdev->lock);
}

static inline void virtio_unlock(struct virtio_dev *vdev)
{
    pthread_mutex_unlock(&vdev->lock);
}

/* Locked. DRIVER_OK is set and DEVICE_NEEDS_RESET is not. */
bool virtio_running(const struct virtio_dev *vdev);

/* Locked. Takes the next chain of queue q: 1; 0 if none (or not running, or the
 * dispatch budget is spent: the queue is then notified again); < 0 if the ring
 * is malformed, in which case the device now needs a reset. */
int virtio_pop(struct virtio_dev *vdev, unsigned q, struct virtq_chain *c);
/* Locked. Gives a popped chain back, `len` bytes written into its writable part,
 * and notifies the driver if it wants. A chain from before a reset is dropped. */
void virtio_push(struct virtio_dev *vdev, struct virtq_chain *c, uint32_t len);
/* Locked. Forgets a popped chain without giving it back (on reset). */
void virtio_discard(struct virtio_dev *vdev, struct virtq_chain *c);
/* Any thread, lock NOT held: virtio_push under the lock. */
void virtio_complete(struct virtio_dev *vdev, struct virtq_chain *c, uint32_t len);

/* Locked. The device found the driver misbehaving (a bad request, a wrong-way
 * buffer): set DEVICE_NEEDS_RESET, send a configuration change notification
 * (2.1.2), log it (once per device). The device stops until reset. */
void virtio_fail(struct virtio_dev *vdev, const char *fmt, ...) __printf(2, 3);
/* Locked. The device changed its configuration space: new generation, notification. */
void virtio_config_changed(struct virtio_dev *vdev);

/* ---- For the transport: register semantics, all locked except virtio_notify. ---- */

uint32_t virtio_read_device_features(const struct virtio_dev *vdev, uint32_t sel);
void virtio_write_driver_features(struct virtio_dev *vdev, uint32_t sel, uint32_t value);
void virtio_write_status(struct virtio_dev *vdev, uint8_t status); /* 0 resets */
void virtio_reset(struct virtio_dev *vdev);
uint16_t virtio_queue_max(const struct virtio_dev *vdev, uint32_t q); /* 0: no such queue */
/* QueueReady: 1 validates and starts queue q (a bad setup makes the device need a reset). */
void virtio_write_queue_ready(struct virtio_dev *vdev, uint32_t q, bool ready);
void virtio_ack_interrupt(struct virtio_dev *vdev, uint32_t bits);
uint32_t virtio_config_read(struct virtio_dev *vdev, uint32_t offset, unsigned size);
void virtio_config_write(struct virtio_dev *vdev, uint32_t offset, unsigned size, uint32_t value);
/* Any thread, no lock: the driver notified queue q. Wakes the I/O thread, once
 * per batch of notifications (no system call while one is already pending). */
void virtio_notify(struct virtio_dev *vdev, uint32_t q);

#endif

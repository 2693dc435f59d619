/*
 * virtio_rng.c - the entropy device (VIRTIO 1.2 section 5.4), fed from the
 * host's getrandom(). One queue, requestq: the driver offers device-writable
 * buffers and the device fills them with random bytes. No features, no
 * configuration space. Added by --rng.
 *
 * Runs on the I/O thread (queue_notify), with the device lock held.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "rvmm/vm.h"
#include "virtio/virtio.h"

/* Bytes given per request at most, so one request cannot hold the lock for long
 * (5.4.6.1 lets the device fill less than the buffer). */
#define RNG_MAX_REQUEST (64u << 10)

/* Fills up to `len` bytes; returns the count (short only if the host's source fails). */
static size_t rng_fill(uint8_t *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = getrandom(buf + done, len - done, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        done += (size_t)n;
    }
    return done;
}

static void rng_queue_notify(struct virtio_dev *vdev, unsigned q)
{
    struct virtq_chain chain;

    while (virtio_pop(vdev, q, &chain) > 0) {
        if (chain.nout) { /* 5.4.6.1: the driver's buffers are device-writable */
            virtio_fail(vdev, "requestq: device-readable buffer in a request");
            virtio_discard(vdev, &chain);
            return;
        }
        uint32_t written = 0;
        for (unsigned i = 0; i < chain.nin && written < RNG_MAX_REQUEST; i++) {
            size_t want = chain.iov[i].iov_len;
            if (want > RNG_MAX_REQUEST - written)
                want = RNG_MAX_REQUEST - written;
            size_t got = rng_fill(chain.iov[i].iov_base, want);
            written += (uint32_t)got;
            if (got < want)
                break;
        }
        virtio_push(vdev, &chain, written); /* reports the written bytes to guest memory */
    }
}

static const struct virtio_device_ops rng_ops = {
    .name = "virtio-rng",
    .device_id = VIRTIO_ID_ENTROPY,
    .num_queues = 1,
    .queue_max = VIRTQ_MAX_SIZE,
    .queue_notify = rng_queue_notify,
};

static int rng_create(struct virtio_bus *bus)
{
    const struct vm_config *cfg = bus->machine->config;
    if (!cfg || !cfg->rng)
        return 0;
    return virtio_device_add(bus, &rng_ops, NULL, NULL);
}

static const struct virtio_device_type rng_type = { "virtio-rng", VIRTIO_ORDER_RNG, rng_create };
VIRTIO_DEVICE_TYPE_REGISTER(rng_type);

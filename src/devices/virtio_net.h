/*
 * virtio_net.h - the virtio-net device's entry points besides --net (which
 * creates its devices from struct vm_config): plugging a device onto a given
 * backend, and its counters. For the unit tests, and for whoever needs a
 * network card on a backend of their own.
 */
#ifndef RVMM_DEVICES_VIRTIO_NET_H
#define RVMM_DEVICES_VIRTIO_NET_H

#include <stdint.h>

#include "backends/net.h"
#include "virtio/virtio.h"

struct virtio_net_stats {
    uint64_t tx_frames;  /* frames handed to the backend */
    uint64_t tx_dropped; /* frames from the guest not sent: malformed, or the host was full */
    uint64_t rx_frames;  /* frames given to the guest */
    uint64_t rx_dropped; /* frames from the backend not given: runts, or bigger than the buffer */
    uint64_t rx_stalls;  /* times the receive queue ran dry, so the backend stopped being read */
    uint64_t rx_wakeups; /* times the backend's rx_fd woke the I/O thread */
};

/* Adds a virtio-net device with MAC `mac` on backend `nb` (owned by the device
 * from now on, also on failure). *out may be NULL. */
int virtio_net_add(struct virtio_bus *bus, struct net_backend *nb, const uint8_t mac[6],
                   struct virtio_dev **out) __must_check;

/* A snapshot of the device's counters (takes the device lock). */
void virtio_net_get_stats(struct virtio_dev *vdev, struct virtio_net_stats *out);

#endif

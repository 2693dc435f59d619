/*
 * virtqueue.h - split virtqueues (VIRTIO 1.2 section 2.7), device side: take
 * descriptor chains the driver made available, give them back used.
 *
 * The guest owns the rings and may write anything into them at any time, so
 * everything read from them is validated before use (virtqueue.c lists the
 * checks). A failed check makes virtq_pop() return -EINVAL with vq->error
 * saying why; the queue is then unusable until reset, and the device should
 * set DEVICE_NEEDS_RESET (virtio.c does).
 *
 * Guest memory is reached only through bus_find_mem() with bounds checks, and
 * every byte the device writes into it is reported with mem_note_host_write().
 * No locking here: the caller serialises calls on one queue (virtio.c holds
 * the device lock).
 */
#ifndef RVMM_VIRTIO_VIRTQUEUE_H
#define RVMM_VIRTIO_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "core/bus.h"

/*
 * The largest queue rvmm offers (QueueNumMax). A driver never makes a chain
 * longer than the queue size (spec 2.7.5.3.1, indirect tables included), so a
 * chain of a queue this size always fits in struct virtq_chain.
 */
#define VIRTQ_MAX_SIZE 256

/* Descriptor flags (2.7.5) and ring flags (2.7.6, 2.7.8). */
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_USED_F_NO_NOTIFY 1

/* Feature bits the queue layer implements (section 6). */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX 29

struct virtq {
    /* Registers the driver sets while the queue is not ready. */
    uint16_t num;       /* queue size (QueueNum) */
    uint64_t desc_addr; /* descriptor table */
    uint64_t avail_addr; /* driver area: the available ring */
    uint64_t used_addr; /* device area: the used ring */
    bool ready;

    /* Set by virtq_start(), from validated addresses. */
    struct bus *bus;
    const uint8_t *desc; /* host views of the rings in guest RAM */
    const uint8_t *avail;
    uint8_t *used;
    struct mem_region *used_mem;
    bool event_idx; /* VIRTIO_F_EVENT_IDX negotiated */
    bool indirect;  /* VIRTIO_F_INDIRECT_DESC negotiated */

    uint16_t last_avail;     /* next available-ring entry to take */
    uint16_t used_idx;       /* next used-ring entry to fill (our copy of used->idx) */
    uint16_t signalled_used; /* used_idx when we last decided about an interrupt */
    bool signalled_valid;
    uint32_t epoch;          /* bumped on stop/reset: chains popped before are stale */
    const char *error;       /* why the last virtq_start/virtq_pop failed */
};

/*
 * One descriptor chain, as segments of guest RAM: iov[0..nout) the device
 * reads, iov[nout..nout+nin) the device writes (the spec puts every readable
 * descriptor before every writable one). iov_base points into guest RAM and
 * stays valid for the VM's life; gpa[i] is iov[i]'s guest-physical address.
 */
struct virtq_chain {
    uint16_t queue; /* the queue index, set by the device layer */
    uint16_t head;  /* descriptor index given back in the used ring */
    uint16_t nout, nin;
    uint32_t epoch;
    uint64_t out_bytes, in_bytes;
    struct bus *bus;
    struct iovec iov[VIRTQ_MAX_SIZE];
    uint64_t gpa[VIRTQ_MAX_SIZE];
};

/* Power-on state of the queue registers: not ready, QueueNum = max. */
void virtq_reset(struct virtq *vq, uint16_t max);

/*
 * The driver wrote QueueReady = 1: validate num (a power of two, 1..max) and the
 * three areas (alignment, wholly inside guest RAM, the used ring writable), and
 * start taking chains. `features` are the negotiated ones. 0, or -EINVAL with
 * vq->error set and the queue left not ready.
 */
int virtq_start(struct virtq *vq, struct bus *bus, uint16_t max, uint64_t features);

/* QueueReady = 0 or device reset: stop; chains popped before are stale. */
void virtq_stop(struct virtq *vq);

/*
 * Takes the next available chain into *c. Returns 1, 0 when none is available
 * (or the queue is not ready), or -EINVAL when the ring is malformed.
 */
int virtq_pop(struct virtq *vq, struct virtq_chain *c);

/*
 * Gives chain `c` back in the used ring with `len` bytes written (clamped to
 * its writable size), and reports those bytes of guest RAM as written. Call
 * only for a chain of the queue's current epoch.
 */
void virtq_push(struct virtq *vq, const struct virtq_chain *c, uint32_t len);

/* After pushing: whether the driver wants a used-buffer notification now
 * (VIRTQ_AVAIL_F_NO_INTERRUPT, or used_event with VIRTIO_F_EVENT_IDX). */
bool virtq_should_interrupt(struct virtq *vq);

/* Copies up to len bytes from the chain's readable part, starting at byte
 * `offset` of it; returns the count copied. */
size_t virtq_chain_read(const struct virtq_chain *c, uint64_t offset, void *dst, size_t len);
/* Copies up to len bytes into the chain's writable part at `offset`, reporting
 * the write to guest memory; returns the count copied. */
size_t virtq_chain_write(const struct virtq_chain *c, uint64_t offset, const void *src, size_t len);
/* Reports `len` bytes of the writable part from `offset` as written, for a
 * device that wrote through c->iov directly (e.g. preadv into guest RAM). */
void virtq_chain_note_written(const struct virtq_chain *c, uint64_t offset, uint64_t len);

#endif

/*
 * virtio_net.c - the network device (VIRTIO 1.2 section 5.1), one per --net,
 * on a host backend (backends/net.h: user-mode NAT, TAP, VDE switch).
 *
 * Queues: 0 = receiveq1 (device-writable buffers), 1 = transmitq1
 * (device-readable). No control queue, no multiqueue. Features:
 *  - MAC: the address in the configuration space, from mac= or derived from
 *    the configuration (net_default_mac below);
 *  - STATUS: the link is always up;
 *  - CSUM: the driver may leave a TCP/UDP checksum for us to complete
 *    (VIRTIO_NET_HDR_F_NEEDS_CSUM with csum_start/csum_offset); we complete it
 *    before the frame leaves, so no backend ever sees a partial checksum. No
 *    GSO, no GUEST_CSUM, no MRG_RXBUF: every frame the guest receives is whole
 *    and checksummed, in one receive buffer.
 * With VERSION_1 the header is always 12 bytes (5.1.6: num_buffers is there
 * even without MRG_RXBUF, and set to 1).
 *
 * Threads. Everything runs on the I/O thread with the device lock held:
 * transmit in queue_notify(transmitq), receive in the handler of the
 * backend's rx_fd (registered in the I/O thread's epoll) and in
 * queue_notify(receiveq). Receive flow control: a frame is read from the
 * backend only into a receive buffer already taken from the ring; when the
 * ring is empty the device stops polling rx_fd (events 0), so frames wait in
 * the backend (host socket or slirp queue) instead of being read and dropped,
 * and the I/O thread sleeps. The driver's next notification of the receive
 * queue (it will send one: avail_event says so, 2.7.10) resumes polling.
 * Notifications are batched by the core: one eventfd write per burst of guest
 * kicks, one interrupt per burst of used buffers (event index).
 *
 * What the guest controls is checked: a transmit chain must be readable only
 * and hold at least the 12-byte header, a receive chain writable only and at
 * least that big (else DEVICE_NEEDS_RESET, 2.1.2); a frame of fewer than 14
 * or more than NET_MAX_FRAME bytes, GSO (not offered), NEEDS_CSUM without
 * CSUM or with offsets outside the frame are dropped and counted. A frame
 * from the host that does not fit the receive buffer is dropped, and the
 * buffer kept for the next one.
 */
#include "devices/virtio_net.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "lib/log.h"
#include "rvmm/vm.h"

#define VNET_RXQ 0
#define VNET_TXQ 1

/* Feature bits (5.1.3). */
#define VIRTIO_NET_F_CSUM 0
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_STATUS 16

/* Configuration space (5.1.4): mac[6], status, max_virtqueue_pairs, mtu. */
#define CFG_MAC 0
#define CFG_STATUS 6
#define CFG_MAX_VQ_PAIRS 8
#define CFG_MTU 10
#define CFG_SIZE 12
#define VIRTIO_NET_S_LINK_UP 1

/* struct virtio_net_hdr (5.1.6), little-endian fields. */
#define VNET_HDR_SIZE 12
#define HDR_FLAGS 0
#define HDR_GSO_TYPE 1
#define HDR_CSUM_START 6
#define HDR_CSUM_OFFSET 8
#define HDR_NUM_BUFFERS 10
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1
#define VIRTIO_NET_HDR_GSO_NONE 0

/* Frames moved per wakeup of the backend's fd, so one busy device cannot starve
 * the other fds of the I/O thread (level-triggered epoll calls us back). */
#define VNET_RX_BUDGET 256

struct vnet {
    struct virtio_dev *vdev;
    struct net_backend *nb;
    uint8_t config[CFG_SIZE];
    /* I/O thread only. */
    bool rx_polling; /* rx_fd is registered for EPOLLIN (else for nothing) */
    bool rx_dead;    /* the backend failed: its fd is out of the loop for good */
    /* Under the device lock. */
    bool rx_held;    /* rx is a receive buffer taken from the ring, not yet filled */
    struct virtq_chain rx;
    struct virtio_net_stats stats;
    /* The frame being moved, behind room for the header (I/O thread only). */
    uint8_t frame[VNET_HDR_SIZE + NET_MAX_FRAME];
};

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void vnet_rx(struct vnet *n);

/* ---- Transmit ---- */

/*
 * Completes a partial checksum (5.1.6.2: NEEDS_CSUM): the ones' complement
 * sum of the frame from `start` to its end, which already covers the
 * pseudo-header the driver put in the checksum field, goes at start + offset.
 * 0 becomes 0xffff, which means the same to TCP and is not "no checksum" to UDP.
 */
static bool vnet_complete_csum(uint8_t *frame, size_t len, size_t start, size_t offset)
{
    if (start >= len || offset > len - start || len - start - offset < 2)
        return false;
    uint64_t sum = 0;
    size_t i = start;
    for (; i + 1 < len; i += 2)
        sum += (uint32_t)frame[i] << 8 | frame[i + 1];
    if (i < len)
        sum += (uint32_t)frame[i] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    uint16_t csum = (uint16_t)~sum;
    if (!csum)
        csum = 0xffff;
    frame[start + offset] = (uint8_t)(csum >> 8);
    frame[start + offset + 1] = (uint8_t)csum;
    return true;
}

/* One transmit chain, already taken: true if it was well-formed (sent or dropped). */
static bool vnet_tx_one(struct vnet *n, const struct virtq_chain *c)
{
    struct virtio_dev *vdev = n->vdev;
    if (c->nin) { /* 5.1.6.2: transmit buffers are device-readable */
        virtio_fail(vdev, "transmitq: device-writable buffer in a frame");
        return false;
    }
    if (c->out_bytes < VNET_HDR_SIZE) {
        virtio_fail(vdev, "transmitq: %llu bytes, less than the 12-byte header",
                    (unsigned long long)c->out_bytes);
        return false;
    }
    uint64_t len = c->out_bytes - VNET_HDR_SIZE;
    if (len < NET_MIN_FRAME || len > NET_MAX_FRAME) {
        n->stats.tx_dropped++;
        return true;
    }
    uint8_t *hdr = n->frame, *frame = n->frame + VNET_HDR_SIZE;
    virtq_chain_read(c, 0, n->frame, VNET_HDR_SIZE + (size_t)len);
    if (hdr[HDR_GSO_TYPE] != VIRTIO_NET_HDR_GSO_NONE) { /* no HOST_TSO/UFO offered */
        n->stats.tx_dropped++;
        return true;
    }
    if (hdr[HDR_FLAGS] & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
        bool csum = vdev->driver_features & (1ull << VIRTIO_NET_F_CSUM);
        if (!csum || !vnet_complete_csum(frame, (size_t)len, get16(hdr + HDR_CSUM_START),
                                         get16(hdr + HDR_CSUM_OFFSET))) {
            n->stats.tx_dropped++;
            return true;
        }
    }
    if (net_send(n->nb, frame, (size_t)len))
        n->stats.tx_dropped++; /* the host could not take it: lost, as on a wire */
    else
        n->stats.tx_frames++;
    return true;
}

static void vnet_tx(struct vnet *n)
{
    struct virtio_dev *vdev = n->vdev;
    struct virtq_chain chain;
    unsigned sent = 0;

    while (virtio_pop(vdev, VNET_TXQ, &chain) > 0) {
        if (!vnet_tx_one(n, &chain)) {
            virtio_discard(vdev, &chain);
            break;
        }
        virtio_push(vdev, &chain, 0);
        sent++;
    }
    if (sent) {
        net_flush(n->nb);
        /* Answers the backend produced on the spot (libslirp replies to ARP, ping
         * and TCP segments inside slirp_input) go in now, not one more trip
         * through the I/O thread's epoll later. */
        if (n->rx_polling)
            vnet_rx(n);
    }
}

/* ---- Receive ---- */

static void vnet_rx_pause(struct vnet *n)
{
    if (n->rx_polling && !iothread_set_events(n->vdev->iothread, n->nb->rx_fd, 0))
        n->rx_polling = false;
}

static void vnet_rx_resume(struct vnet *n)
{
    if (!n->rx_polling && !n->rx_dead &&
        !iothread_set_events(n->vdev->iothread, n->nb->rx_fd, EPOLLIN))
        n->rx_polling = true;
}

static void vnet_rx_dead(struct vnet *n, int err)
{
    log_warn("virtio-net at %s: the %s backend failed (%s); no more frames from the host",
             n->vdev->location ? n->vdev->location : "?", n->nb->name, strerror(err));
    n->rx_dead = true;
    n->rx_polling = false;
    iothread_del_fd(n->vdev->iothread, n->nb->rx_fd); /* on the I/O thread: allowed */
}

/* Moves frames from the backend into receive buffers until either runs out. */
static void vnet_rx(struct vnet *n)
{
    struct virtio_dev *vdev = n->vdev;

    for (unsigned budget = VNET_RX_BUDGET; budget; budget--) {
        if (!virtio_running(vdev) || n->rx_dead) {
            vnet_rx_pause(n); /* DRIVER_OK re-notifies the queues, which resumes */
            return;
        }
        if (!n->rx_held) {
            int r = virtio_pop(vdev, VNET_RXQ, &n->rx);
            if (r <= 0) {
                /* No buffer: leave the frames in the backend until the driver
                 * adds buffers and notifies (or the budget's re-notification). */
                if (r == 0)
                    n->stats.rx_stalls++;
                vnet_rx_pause(n);
                return;
            }
            if (n->rx.nout || n->rx.in_bytes < VNET_HDR_SIZE) { /* 5.1.6.3 */
                virtio_fail(vdev, "receiveq: %s", n->rx.nout ? "device-readable buffer"
                                                             : "buffer smaller than the header");
                virtio_discard(vdev, &n->rx);
                vnet_rx_pause(n);
                return;
            }
            n->rx_held = true;
        }
        ssize_t len = net_recv(n->nb, n->frame + VNET_HDR_SIZE, NET_MAX_FRAME);
        if (len == 0)
            return; /* nothing waiting: keep the buffer, keep polling */
        if (len < 0) {
            vnet_rx_dead(n, (int)-len);
            return;
        }
        if ((size_t)len < NET_MIN_FRAME || VNET_HDR_SIZE + (uint64_t)len > n->rx.in_bytes) {
            n->stats.rx_dropped++; /* 5.1.6.3.1: the driver's buffers should fit a frame */
            continue;
        }
        memset(n->frame, 0, VNET_HDR_SIZE); /* no flags, GSO_NONE */
        put16(n->frame + HDR_NUM_BUFFERS, 1);
        size_t total = VNET_HDR_SIZE + (size_t)len;
        virtq_chain_write(&n->rx, 0, n->frame, total);
        n->rx_held = false;
        virtio_push(vdev, &n->rx, (uint32_t)total);
        n->stats.rx_frames++;
    }
}

/* The backend's rx_fd is readable (I/O thread). */
static void vnet_rx_ready(void *opaque, uint32_t events)
{
    struct vnet *n = opaque;
    virtio_lock(n->vdev);
    n->stats.rx_wakeups++;
    vnet_rx(n);
    /* An error or hang-up without input would wake us forever, even paused. */
    if (!n->rx_dead && (events & (EPOLLERR | EPOLLHUP)) && !(events & EPOLLIN))
        vnet_rx_dead(n, EPIPE);
    virtio_unlock(n->vdev);
}

/* ---- Device ops ---- */

static void vnet_queue_notify(struct virtio_dev *vdev, unsigned q)
{
    struct vnet *n = vdev->opaque;
    if (q == VNET_TXQ) {
        vnet_tx(n);
    } else if (q == VNET_RXQ) { /* new receive buffers */
        vnet_rx_resume(n);
        vnet_rx(n);
    }
}

static void vnet_reset(struct virtio_dev *vdev)
{
    struct vnet *n = vdev->opaque;
    if (n->rx_held) {
        n->rx_held = false;
        virtio_discard(vdev, &n->rx);
    }
    /* rx_fd stays polled until its handler sees the device stopped and pauses it. */
}

static void vnet_destroy(struct virtio_dev *vdev)
{
    struct vnet *n = vdev->opaque;
    iothread_del_fd(vdev->iothread, n->nb->rx_fd); /* no handler runs after this */
    if (n->stats.tx_dropped || n->stats.rx_dropped)
        log_debug("virtio-net at %s: %llu frames sent, %llu dropped; %llu received, %llu dropped",
                  vdev->location ? vdev->location : "?",
                  (unsigned long long)n->stats.tx_frames,
                  (unsigned long long)n->stats.tx_dropped,
                  (unsigned long long)n->stats.rx_frames,
                  (unsigned long long)n->stats.rx_dropped);
    net_close(n->nb);
    free(n);
}

static const struct virtio_device_ops vnet_ops = {
    .name = "virtio-net",
    .device_id = VIRTIO_ID_NET,
    .features = (1ull << VIRTIO_NET_F_CSUM) | (1ull << VIRTIO_NET_F_MAC) |
                (1ull << VIRTIO_NET_F_STATUS),
    .num_queues = 2,
    .queue_max = VIRTQ_MAX_SIZE,
    .config_size = CFG_SIZE,
    .queue_notify = vnet_queue_notify,
    .reset = vnet_reset,
    .destroy = vnet_destroy,
};

int virtio_net_add(struct virtio_bus *bus, struct net_backend *nb, const uint8_t mac[6],
                   struct virtio_dev **out)
{
    struct vnet *n = calloc(1, sizeof(*n));
    if (!n) {
        net_close(nb);
        return -ENOMEM;
    }
    n->nb = nb;
    memcpy(n->config + CFG_MAC, mac, 6);
    put16(n->config + CFG_STATUS, VIRTIO_NET_S_LINK_UP);
    put16(n->config + CFG_MAX_VQ_PAIRS, 1);
    put16(n->config + CFG_MTU, 1500);
    int err = virtio_device_add(bus, &vnet_ops, n, &n->vdev);
    if (err) {
        net_close(nb);
        free(n);
        return err;
    }
    n->vdev->config = n->config;
    /* Registered for no event: polling starts when the driver gives receive buffers. */
    err = iothread_add_fd(bus->iothread, nb->rx_fd, 0, vnet_rx_ready, n);
    if (err)
        return err; /* the device is plugged: the bus destroys it (closing nb, freeing n) */
    if (out)
        *out = n->vdev;
    return 0;
}

void virtio_net_get_stats(struct virtio_dev *vdev, struct virtio_net_stats *out)
{
    struct vnet *n = vdev->opaque;
    virtio_lock(vdev);
    *out = n->stats;
    virtio_unlock(vdev);
}

/* ---- --net ---- */

static void fnv1a(uint64_t *h, const void *data, size_t len)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++) {
        *h ^= p[i];
        *h *= 0x100000001b3ull;
    }
}

static void fnv1a_str(uint64_t *h, const char *s)
{
    fnv1a(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

/*
 * The default MAC of --net number `index`: 52:54:00 (QEMU's locally
 * administered prefix) and three bytes of a hash of what identifies this VM
 * and this card: the index, the backend and its interface or switch, the
 * kernel, initrd, firmware and kernel command line. So it is stable from run
 * to run, differs between the cards of one VM, and differs between VMs that
 * are started differently (two VMs with the same command line get the same
 * default: give them mac=).
 */
static void net_default_mac(const struct vm_config *cfg, unsigned index, uint8_t mac[6])
{
    uint64_t h = 0xcbf29ce484222325ull;
    const struct vm_net *net = &cfg->nets[index];
    fnv1a(&h, &index, sizeof(index));
    fnv1a(&h, &net->backend, sizeof(net->backend));
    fnv1a_str(&h, net->ifname);
    fnv1a_str(&h, net->path);
    fnv1a_str(&h, cfg->kernel);
    fnv1a_str(&h, cfg->initrd);
    fnv1a_str(&h, cfg->bios);
    fnv1a_str(&h, cfg->append);
    mac[0] = 0x52;
    mac[1] = 0x54;
    mac[2] = 0x00;
    mac[3] = (uint8_t)(h >> 40);
    mac[4] = (uint8_t)(h >> 48);
    mac[5] = (uint8_t)(h >> 56);
}

static int net_open_backend(const struct vm_net *net, struct net_backend **nb, char *err,
                            size_t errlen)
{
    switch (net->backend) {
    case VM_NET_USER: {
        struct net_hostfwd fwd[VM_NET_MAX_HOSTFWD];
        for (unsigned i = 0; i < net->nhostfwd && i < VM_NET_MAX_HOSTFWD; i++)
            fwd[i] = (struct net_hostfwd){ .udp = net->hostfwd[i].udp,
                                           .host_addr = net->hostfwd[i].host_addr,
                                           .host_port = net->hostfwd[i].host_port,
                                           .guest_addr = net->hostfwd[i].guest_addr,
                                           .guest_port = net->hostfwd[i].guest_port };
        return net_user_open(fwd, net->nhostfwd, nb, err, errlen);
    }
    case VM_NET_TAP:
        return net_tap_open(net->ifname, nb, err, errlen);
    case VM_NET_SWITCH:
        return net_switch_open(net->path, nb, err, errlen);
    }
    snprintf(err, errlen, "unknown backend");
    return -EINVAL;
}

static int net_create(struct virtio_bus *bus)
{
    const struct vm_config *cfg = bus->machine->config;
    if (!cfg)
        return 0;
    for (unsigned i = 0; i < cfg->nnets && i < VM_VIRTIO_SLOTS; i++) {
        const struct vm_net *net = &cfg->nets[i];
        struct net_backend *nb;
        char err[256];
        if (net_open_backend(net, &nb, err, sizeof(err))) {
            log_error("--net %s%s%s: %s",
                      net->backend == VM_NET_USER ? "user" :
                      net->backend == VM_NET_TAP ? "tap=" : "switch=",
                      net->backend == VM_NET_TAP ? net->ifname : "",
                      net->backend == VM_NET_SWITCH ? net->path : "", err);
            return DEVICE_ERR_REPORTED;
        }
        uint8_t mac[6];
        if (net->mac_set)
            memcpy(mac, net->mac, 6);
        else
            net_default_mac(cfg, i, mac);
        int ret = virtio_net_add(bus, nb, mac, NULL);
        if (ret)
            return ret;
    }
    return 0;
}

static const struct virtio_device_type net_type = { "virtio-net", VIRTIO_ORDER_NET, net_create };
VIRTIO_DEVICE_TYPE_REGISTER(net_type);

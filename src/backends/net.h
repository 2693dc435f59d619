/*
 * net.h - network backends: the host side of a network card. A device
 * (virtio-net) sees only this interface; behind it are user-mode NAT through
 * libslirp (net_user.c), a host TAP interface (net_tap.c), a VDE switch shared
 * by the VMs of one host (net_switch.c), and any packet file descriptor
 * (net_fd.c: a TAP fd, a datagram socket; the unit tests use a socketpair).
 *
 * Frames are whole Ethernet frames, destination MAC first, without any
 * virtio header or FCS, at most NET_MAX_FRAME bytes.
 *
 * Contract:
 * - Sending never blocks: a frame the host cannot take right now is dropped
 *   (as on a wire; TCP retransmits), and send() says so with -EAGAIN.
 * - Receiving is polled, so that the device decides when it takes frames (it
 *   stops while the guest has no receive buffers, and the frames wait in the
 *   backend: the host socket's queue, or libslirp's queue). `rx_fd` is readable
 *   (EPOLLIN, level-triggered) whenever recv() may have a frame; recv() never
 *   blocks: it returns the frame's length, 0 when no frame is waiting, or
 *   -errno when the backend is gone for good.
 * - Threads: send/recv/flush are called by one thread at a time (the device's
 *   I/O thread, under the device lock); a backend with its own thread
 *   (net_user.c) locks inside. Backends never call into the device, so they
 *   take no device lock: the lock order is device -> backend.
 */
#ifndef RVMM_BACKENDS_NET_H
#define RVMM_BACKENDS_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/compiler.h"

/* The longest frame either way: a 65535-byte IP packet in an Ethernet frame
 * with a VLAN tag (a guest may set any MTU up to 65535 without VIRTIO_NET_F_MTU). */
#define NET_MAX_FRAME 65550u
#define NET_MIN_FRAME 14u /* an Ethernet header */

struct net_backend;

struct net_backend_ops {
    /* Queues one frame for the host. 0, or -errno (the frame is dropped). */
    int (*send)(struct net_backend *nb, const void *frame, size_t len);
    /* Takes the next frame into buf (size >= NET_MAX_FRAME). Length, 0 if none, -errno if dead. */
    ssize_t (*recv)(struct net_backend *nb, void *buf, size_t size);
    /* End of a burst of send() calls (net_user wakes its thread once). Optional. */
    void (*flush)(struct net_backend *nb);
    void (*close)(struct net_backend *nb);
};

struct net_backend {
    const struct net_backend_ops *ops;
    const char *name; /* "user", "tap", "switch", "fd": for logs */
    int rx_fd;        /* see above; owned by the backend */
};

static inline int net_send(struct net_backend *nb, const void *frame, size_t len)
{
    return nb->ops->send(nb, frame, len);
}

static inline ssize_t net_recv(struct net_backend *nb, void *buf, size_t size)
{
    return nb->ops->recv(nb, buf, size);
}

static inline void net_flush(struct net_backend *nb)
{
    if (nb->ops->flush)
        nb->ops->flush(nb);
}

/* NULL is a no-op. */
static inline void net_close(struct net_backend *nb)
{
    if (nb)
        nb->ops->close(nb);
}

/* A port forward of user networking: connections to HOST_ADDR:HOST_PORT on
 * the host go to GUEST_ADDR:GUEST_PORT in the guest. */
struct net_hostfwd {
    bool udp;
    uint32_t host_addr;  /* IPv4, host byte order; 0: any address */
    uint16_t host_port;
    uint32_t guest_addr; /* 0: the guest's DHCP address, 10.0.2.15 */
    uint16_t guest_port;
};

/*
 * The constructors return 0 or -errno; on failure *out is NULL and err holds
 * one line (no newline) saying what went wrong, e.g. "tap0: Operation not
 * permitted".
 */

/* User-mode NAT (libslirp, on its own thread): network 10.0.2.0/24, gateway and
 * host 10.0.2.2 (its loopback too), DNS 10.0.2.3, DHCP from 10.0.2.15; IPv6
 * fec0::/64. */
int net_user_open(const struct net_hostfwd *fwd, unsigned nfwd, struct net_backend **out,
                  char *err, size_t errlen) __must_check;
/* The host TAP interface `ifname` (/dev/net/tun; created if it does not exist). */
int net_tap_open(const char *ifname, struct net_backend **out, char *err,
                 size_t errlen) __must_check;
/* A port of the VDE switch whose control directory is `path` (vde_switch -s PATH). */
int net_switch_open(const char *path, struct net_backend **out, char *err,
                    size_t errlen) __must_check;
/* Frames over `fd`, one read()/write() each (a TAP fd, a datagram or seqpacket
 * socket). Takes ownership of fd (made non-blocking), also on failure. */
int net_fd_open(int fd, const char *name, struct net_backend **out) __must_check;

#endif

/*
 * net_fd.c - the simplest network backend: one frame per read() and write()
 * on a packet file descriptor. A TAP device works this way (net_tap.c opens
 * one and hands it here), and so does a datagram or seqpacket socket (the unit
 * tests drive a device through a socketpair). The fd is non-blocking, so a
 * full host queue drops the frame (send) and an empty one reads as "none"
 * (recv); the fd itself is the backend's rx_fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "backends/net.h"

static int fd_send(struct net_backend *nb, const void *frame, size_t len)
{
    for (;;) {
        ssize_t n = write(nb->rx_fd, frame, len);
        if (n >= 0)
            return (size_t)n == len ? 0 : -EMSGSIZE;
        if (errno != EINTR)
            return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    }
}

static ssize_t fd_recv(struct net_backend *nb, void *buf, size_t size)
{
    for (;;) {
        ssize_t n = read(nb->rx_fd, buf, size);
        if (n > 0)
            return n;
        if (n == 0)
            return -EPIPE; /* a seqpacket peer closed (a TAP read never returns 0) */
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        if (errno != EINTR)
            return -errno;
    }
}

static void fd_close(struct net_backend *nb)
{
    close(nb->rx_fd);
    free(nb);
}

static const struct net_backend_ops fd_ops = {
    .send = fd_send,
    .recv = fd_recv,
    .close = fd_close,
};

int net_fd_open(int fd, const char *name, struct net_backend **out)
{
    *out = NULL;
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 ||
        fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
        int err = -errno;
        close(fd);
        return err;
    }
    struct net_backend *nb = calloc(1, sizeof(*nb));
    if (!nb) {
        close(fd);
        return -ENOMEM;
    }
    *nb = (struct net_backend){ .ops = &fd_ops, .name = name, .rx_fd = fd };
    *out = nb;
    return 0;
}

/*
 * net_tap.c - a host TAP interface as a network backend (--net tap=IFNAME).
 * Opens /dev/net/tun with IFF_TAP | IFF_NO_PI: every read() and write() is one
 * Ethernet frame, no packet-information prefix and no virtio-net header (the
 * device completes checksums itself, so no offload crosses this boundary).
 * The interface is created if it does not exist (and then vanishes when rvmm
 * exits); usually it was made beforehand with `ip tuntap add dev IFNAME mode
 * tap`, which needs no privilege at run time if given a `user`. Setting the
 * interface up and addressing its host side are the host's business.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "backends/net.h"

int net_tap_open(const char *ifname, struct net_backend **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!ifname[0] || strlen(ifname) >= IFNAMSIZ) {
        snprintf(err, errlen, "bad interface name");
        return -EINVAL;
    }
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "cannot open /dev/net/tun: %s", strerror(e));
        return -e;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    memcpy(ifr.ifr_name, ifname, strlen(ifname));
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int e = errno;
        snprintf(err, errlen, "cannot attach to TAP interface %s: %s%s", ifname, strerror(e),
                 e == EBUSY ? " (another process has it)" :
                 e == EINVAL ? " (is it a TUN, or multi-queue, interface?)" : "");
        close(fd);
        return -e;
    }
    int ret = net_fd_open(fd, "tap", out);
    if (ret)
        snprintf(err, errlen, "TAP interface %s: %s", ifname, strerror(-ret));
    return ret;
}

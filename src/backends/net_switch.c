/*
 * net_switch.c - a port of a VDE switch as a network backend (--net
 * switch=PATH): an Ethernet switch between the VMs (and other VDE clients) of
 * one host, without privileges. PATH is the switch's control directory, as
 * created by Debian's vde2: `vde_switch -s PATH -d` (or `vde_switch --sock
 * PATH --daemon`). libvdeplug does the handshake on PATH/ctl and gives a
 * datagram socket that carries one Ethernet frame per datagram; the switch
 * learns MAC addresses and forwards frames between its ports, so the VMs on a
 * switch need distinct MACs (virtio_net.c derives distinct defaults, see
 * docs/architecture.md).
 *
 * The data socket is made non-blocking: a frame the switch cannot take now
 * is dropped, and the socket is our rx_fd. If the switch goes away, the port
 * simply goes quiet (frames sent are lost, none arrive).
 *
 * libvdeplug 4.0 (Debian 12) opens a connection through a plugin per
 * transport, and its vde_open() loads the plugin with dlopen(RTLD_NOW |
 * RTLD_DEEPBIND), which the sanitizers refuse (ASan kills the process: "You
 * are trying to dlopen ... with RTLD_DEEPBIND"). So we do what its
 * vde_open_module() does, without RTLD_DEEPBIND, which the classic "vde"
 * plugin does not need (it exports nothing but vdeplug_ops): load the plugin
 * from libvdeplug's own plugin directory, open the connection with its
 * vdeplug_ops (the plugin interface of <libvdeplug_mod.h>), and fill in the
 * handle and module fields the way vde_open() would. From then on
 * libvdeplug's vde_send/vde_recv/vde_datafd/vde_close work on it as usual.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <libvdeplug.h>
#include <libvdeplug_mod.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/net.h"

struct net_switch {
    struct net_backend nb;
    VDECONN *conn;
};

static int switch_send(struct net_backend *nb, const void *frame, size_t len)
{
    struct net_switch *s = (struct net_switch *)nb;
    for (;;) {
        ssize_t n = vde_send(s->conn, frame, len, 0);
        if (n >= 0)
            return 0;
        if (errno != EINTR)
            return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    }
}

static ssize_t switch_recv(struct net_backend *nb, void *buf, size_t size)
{
    struct net_switch *s = (struct net_switch *)nb;
    for (;;) {
        ssize_t n = vde_recv(s->conn, buf, size, 0);
        if (n >= 0)
            return n ? n : -EPIPE; /* 0: the connection ended */
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        if (errno != EINTR)
            return -errno;
    }
}

static void switch_close(struct net_backend *nb)
{
    struct net_switch *s = (struct net_switch *)nb;
    vde_close(s->conn);
    free(s);
}

static const struct net_backend_ops switch_ops = {
    .send = switch_send,
    .recv = switch_recv,
    .close = switch_close,
};

/* vde_open("vde://PATH") without RTLD_DEEPBIND (see the top). NULL with errno
 * set, or with err filled if the plugin itself cannot be loaded. */
static VDECONN *switch_connect(const char *path, char *err, size_t errlen)
{
    char plugin[PATH_MAX] = "libvdeplug_vde.so";
    Dl_info info;
    if (dladdr((void *)vde_open_real, &info) && info.dli_fname) {
        char lib[PATH_MAX];
        snprintf(lib, sizeof(lib), "%s", info.dli_fname);
        snprintf(plugin, sizeof(plugin), "%s/vdeplug/libvdeplug_vde.so", dirname(lib));
    }
    void *handle = dlopen(plugin, RTLD_NOW | RTLD_LOCAL);
    struct vdeplug_module *module = handle ? dlsym(handle, "vdeplug_ops") : NULL;
    if (!module) {
        snprintf(err, errlen, "cannot load libvdeplug's vde plugin %s: %s", plugin, dlerror());
        if (handle)
            dlclose(handle);
        errno = ENOENT;
        return NULL;
    }
    char url[PATH_MAX], descr[] = "rvmm";
    snprintf(url, sizeof(url), "%s", path);
    struct vde_open_args args = { .port = 0, .group = NULL, .mode = 0 };
    errno = 0;
    VDECONN *conn = module->vde_open_real(url, descr, LIBVDEPLUG_INTERFACE_VERSION, &args);
    if (!conn) {
        int e = errno ? errno : ECONNREFUSED;
        dlclose(handle);
        errno = e;
        return NULL;
    }
    conn->handle = handle; /* as vde_open_module(): vde_close() dlcloses it */
    conn->module = module;
    return conn;
}

int net_switch_open(const char *path, struct net_backend **out, char *err, size_t errlen)
{
    *out = NULL;
    err[0] = '\0';
    VDECONN *conn = switch_connect(path, err, errlen);
    if (!conn) {
        int e = errno;
        if (!err[0])
            snprintf(err, errlen, "cannot connect to the VDE switch at %s: %s (is `vde_switch -s "
                     "%s` running?)", path, strerror(e), path);
        return -e;
    }
    int fd = vde_datafd(conn);
    int flags = fd < 0 ? -1 : fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        int e = fd < 0 ? EBADF : errno;
        snprintf(err, errlen, "VDE switch at %s: %s", path, strerror(e));
        vde_close(conn);
        return -e;
    }
    struct net_switch *s = calloc(1, sizeof(*s));
    if (!s) {
        vde_close(conn);
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    s->nb = (struct net_backend){ .ops = &switch_ops, .name = "switch", .rx_fd = fd };
    s->conn = conn;
    *out = &s->nb;
    return 0;
}

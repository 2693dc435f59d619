/*
 * net_user.c - user-mode networking (--net user): a NAT router in the process,
 * libslirp, with QEMU's defaults. The guest network is 10.0.2.0/24; 10.0.2.2
 * is the gateway and the host (connections to it reach the host's loopback),
 * 10.0.2.3 the DNS forwarder, and DHCP hands out addresses from 10.0.2.15.
 * IPv6: fec0::/64, host fec0::2, DNS fec0::3. Outbound TCP and UDP become
 * ordinary host sockets; hostfwd options listen on host ports and forward the
 * connections into the guest.
 *
 * Threads. libslirp is single-threaded and built around poll(): before each
 * wait it lists the fds it wants (slirp_pollfds_fill), after it handles what
 * fired (slirp_pollfds_poll), and it has timers. It runs here on its own
 * thread ("rvmm-slirp", one per backend) with its own poll loop, rather than
 * in the I/O thread's epoll: its fd set changes on every call, and the I/O
 * thread has no timers. `lock` serialises every call into libslirp: the slirp
 * thread holds it except while it sleeps in poll(), and the device's thread
 * takes it to hand a guest frame to slirp_input(). After a burst of frames,
 * flush() wakes the slirp thread (one eventfd write per burst), since
 * slirp_input may have opened sockets or moved timers.
 *
 * Frames for the guest (slirp's send_packet callback, on either thread, with
 * `lock` held) go into a bounded queue under `q_lock`; rx_fd is an eventfd
 * that is readable exactly while the queue is not empty, and recv() takes
 * from it. When the guest stops taking frames the queue fills up, and frames
 * beyond its bound are dropped (libslirp's documented contract: TCP
 * retransmits at a slower pace). Lock order: device -> lock -> q_lock.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <slirp/libslirp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "backends/net.h"
#include "lib/log.h"

/* Frames waiting for the guest at most: about a TCP window of full frames. */
#define USER_QUEUE_FRAMES 1024u
#define USER_QUEUE_BYTES (2u << 20)
/* The longest poll() sleep: libslirp asks for at most 1 s itself. */
#define USER_MAX_WAIT_MS 1000u

struct user_timer {
    struct user_timer *next;
    SlirpTimerId id;
    void *cb_opaque;
    int64_t expire_ms; /* -1: not armed */
};

struct user_frame {
    uint32_t len;
    uint8_t data[];
};

struct net_user {
    struct net_backend nb; /* nb.rx_fd: eventfd, readable while the queue is not empty */
    pthread_t thread;
    bool thread_started;
    int wake_fd; /* eventfd: the slirp thread stops waiting and re-polls */

    pthread_mutex_t lock; /* libslirp and everything below until q_lock */
    Slirp *slirp;
    bool stop;
    struct user_timer *timers;
    struct pollfd *pfd; /* the poll set being built or waited on (slirp thread) */
    unsigned npfd, cap;

    pthread_mutex_t q_lock; /* the frames for the guest */
    struct user_frame *queue[USER_QUEUE_FRAMES];
    unsigned q_head, q_count;
    size_t q_bytes;
    uint64_t dropped;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void eventfd_signal(int fd)
{
    uint64_t one = 1;
    if (write(fd, &one, sizeof(one)) < 0) {
        /* EAGAIN: the counter is saturated, so it is readable anyway */
    }
}

static void eventfd_drain(int fd)
{
    uint64_t count;
    if (read(fd, &count, sizeof(count)) < 0) {
        /* EAGAIN: nothing to drain */
    }
}

/* ---- libslirp callbacks (with u->lock held) ---- */

static ssize_t user_send_packet(const void *buf, size_t len, void *opaque)
{
    struct net_user *u = opaque;
    if (len < NET_MIN_FRAME || len > NET_MAX_FRAME)
        return (ssize_t)len;
    pthread_mutex_lock(&u->q_lock);
    if (u->q_count == USER_QUEUE_FRAMES || u->q_bytes + len > USER_QUEUE_BYTES) {
        u->dropped++; /* the guest is not taking frames: drop, as a full NIC would */
        pthread_mutex_unlock(&u->q_lock);
        return (ssize_t)len;
    }
    struct user_frame *f = malloc(sizeof(*f) + len);
    if (f) {
        f->len = (uint32_t)len;
        memcpy(f->data, buf, len);
        u->queue[(u->q_head + u->q_count) % USER_QUEUE_FRAMES] = f;
        if (u->q_count++ == 0)
            eventfd_signal(u->nb.rx_fd); /* empty -> not empty: rx_fd becomes readable */
        u->q_bytes += len;
    } else {
        u->dropped++;
    }
    pthread_mutex_unlock(&u->q_lock);
    return (ssize_t)len;
}

static void user_guest_error(const char *msg, void *opaque)
{
    log_warn_once("user network: guest error: %s (further ones not logged)", msg);
}

static int64_t user_clock_get_ns(void *opaque)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void *user_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
    struct net_user *u = opaque;
    struct user_timer *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    *t = (struct user_timer){ .next = u->timers, .id = id, .cb_opaque = cb_opaque,
                              .expire_ms = -1 };
    u->timers = t;
    return t;
}

static void user_timer_free(void *timer, void *opaque)
{
    struct net_user *u = opaque;
    for (struct user_timer **p = &u->timers; *p; p = &(*p)->next) {
        if (*p == timer) {
            *p = (*p)->next;
            free(timer);
            return;
        }
    }
}

static void user_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    struct net_user *u = opaque;
    if (!timer)
        return;
    ((struct user_timer *)timer)->expire_ms = expire_ms;
    if (!pthread_equal(pthread_self(), u->thread))
        eventfd_signal(u->wake_fd); /* the sleeping thread must recompute its timeout */
}

static void user_register_poll_fd(int fd, void *opaque)
{
    /* Nothing: every fd comes back through slirp_pollfds_fill. */
}

static void user_unregister_poll_fd(int fd, void *opaque)
{
}

static void user_notify(void *opaque)
{
    struct net_user *u = opaque;
    eventfd_signal(u->wake_fd);
}

static const SlirpCb user_callbacks = {
    .send_packet = user_send_packet,
    .guest_error = user_guest_error,
    .clock_get_ns = user_clock_get_ns,
    .timer_free = user_timer_free,
    .timer_mod = user_timer_mod,
    .register_poll_fd = user_register_poll_fd,
    .unregister_poll_fd = user_unregister_poll_fd,
    .notify = user_notify,
    .timer_new_opaque = user_timer_new_opaque,
};

/* ---- The slirp thread ---- */

static int user_add_poll(int fd, int events, void *opaque)
{
    struct net_user *u = opaque;
    if (u->npfd == u->cap) {
        unsigned cap = u->cap ? 2 * u->cap : 64;
        struct pollfd *p = realloc(u->pfd, cap * sizeof(*p));
        if (!p)
            return -1; /* slirp then skips this fd this round */
        u->pfd = p;
        u->cap = cap;
    }
    short ev = 0;
    if (events & SLIRP_POLL_IN)
        ev |= POLLIN;
    if (events & SLIRP_POLL_OUT)
        ev |= POLLOUT;
    if (events & SLIRP_POLL_PRI)
        ev |= POLLPRI;
    if (events & SLIRP_POLL_ERR)
        ev |= POLLERR;
    if (events & SLIRP_POLL_HUP)
        ev |= POLLHUP;
    u->pfd[u->npfd] = (struct pollfd){ .fd = fd, .events = ev };
    return (int)u->npfd++;
}

static int user_get_revents(int idx, void *opaque)
{
    struct net_user *u = opaque;
    if (idx < 0 || (unsigned)idx >= u->npfd)
        return 0;
    short rev = u->pfd[idx].revents;
    int r = 0;
    if (rev & POLLIN)
        r |= SLIRP_POLL_IN;
    if (rev & POLLOUT)
        r |= SLIRP_POLL_OUT;
    if (rev & POLLPRI)
        r |= SLIRP_POLL_PRI;
    if (rev & (POLLERR | POLLNVAL))
        r |= SLIRP_POLL_ERR;
    if (rev & POLLHUP)
        r |= SLIRP_POLL_HUP;
    return r;
}

/* Fires the expired timers; returns the ms until the next one (or `cap`). */
static uint32_t user_run_timers(struct net_user *u, uint32_t cap)
{
    int64_t now = now_ms();
restart:
    for (struct user_timer *t = u->timers; t; t = t->next) {
        if (t->expire_ms >= 0 && t->expire_ms <= now) {
            t->expire_ms = -1;
            /* The handler may re-arm or free timers: walk the list again after it. */
            slirp_handle_timer(u->slirp, t->id, t->cb_opaque);
            goto restart;
        }
    }
    uint32_t wait = cap;
    for (struct user_timer *t = u->timers; t; t = t->next)
        if (t->expire_ms >= 0 && (uint64_t)(t->expire_ms - now) < wait)
            wait = (uint32_t)(t->expire_ms - now);
    return wait;
}

static void *user_thread(void *arg)
{
    struct net_user *u = arg;

    pthread_mutex_lock(&u->lock);
    while (!u->stop) {
        uint32_t timeout = user_run_timers(u, USER_MAX_WAIT_MS);
        u->npfd = 0;
        slirp_pollfds_fill(u->slirp, &timeout, user_add_poll, u);
        int wake = user_add_poll(u->wake_fd, SLIRP_POLL_IN, u);
        pthread_mutex_unlock(&u->lock);

        int n = poll(u->pfd, u->npfd, (int)timeout);
        int poll_errno = errno;

        pthread_mutex_lock(&u->lock);
        if (u->stop)
            break;
        if (n < 0 && poll_errno == EINTR)
            continue;
        if (n > 0 && wake >= 0 && u->pfd[wake].revents)
            eventfd_drain(u->wake_fd);
        slirp_pollfds_poll(u->slirp, n < 0, user_get_revents, u);
    }
    pthread_mutex_unlock(&u->lock);
    return NULL;
}

/* ---- The backend ---- */

static int user_send(struct net_backend *nb, const void *frame, size_t len)
{
    struct net_user *u = (struct net_user *)nb;
    pthread_mutex_lock(&u->lock);
    slirp_input(u->slirp, frame, (int)len);
    pthread_mutex_unlock(&u->lock);
    return 0;
}

static void user_flush(struct net_backend *nb)
{
    struct net_user *u = (struct net_user *)nb;
    eventfd_signal(u->wake_fd);
}

static ssize_t user_recv(struct net_backend *nb, void *buf, size_t size)
{
    struct net_user *u = (struct net_user *)nb;
    pthread_mutex_lock(&u->q_lock);
    if (!u->q_count) {
        eventfd_drain(u->nb.rx_fd); /* no frame: rx_fd must not stay readable */
        pthread_mutex_unlock(&u->q_lock);
        return 0;
    }
    struct user_frame *f = u->queue[u->q_head];
    u->q_head = (u->q_head + 1) % USER_QUEUE_FRAMES;
    u->q_count--;
    u->q_bytes -= f->len;
    if (!u->q_count)
        eventfd_drain(u->nb.rx_fd);
    pthread_mutex_unlock(&u->q_lock);

    size_t len = f->len <= size ? f->len : size;
    memcpy(buf, f->data, len);
    free(f);
    return (ssize_t)len;
}

static void user_close(struct net_backend *nb)
{
    struct net_user *u = (struct net_user *)nb;
    if (u->thread_started) {
        pthread_mutex_lock(&u->lock);
        u->stop = true;
        pthread_mutex_unlock(&u->lock);
        eventfd_signal(u->wake_fd);
        pthread_join(u->thread, NULL);
    }
    if (u->slirp)
        slirp_cleanup(u->slirp); /* frees its timers through timer_free */
    while (u->timers) {
        struct user_timer *t = u->timers;
        u->timers = t->next;
        free(t);
    }
    for (unsigned i = 0; i < u->q_count; i++)
        free(u->queue[(u->q_head + i) % USER_QUEUE_FRAMES]);
    if (u->dropped)
        log_debug("user network: %llu frames for the guest dropped (queue full)",
                  (unsigned long long)u->dropped);
    free(u->pfd);
    if (u->nb.rx_fd >= 0)
        close(u->nb.rx_fd);
    if (u->wake_fd >= 0)
        close(u->wake_fd);
    pthread_mutex_destroy(&u->q_lock);
    pthread_mutex_destroy(&u->lock);
    free(u);
}

static const struct net_backend_ops user_ops = {
    .send = user_send,
    .recv = user_recv,
    .flush = user_flush,
    .close = user_close,
};

static struct in_addr ip4(uint32_t host_order)
{
    return (struct in_addr){ .s_addr = htonl(host_order) };
}

static void format_fwd(const struct net_hostfwd *f, char *buf, size_t len)
{
    char host[INET_ADDRSTRLEN] = "", guest[INET_ADDRSTRLEN] = "";
    struct in_addr h = ip4(f->host_addr), g = ip4(f->guest_addr);
    if (f->host_addr)
        inet_ntop(AF_INET, &h, host, sizeof(host));
    if (f->guest_addr)
        inet_ntop(AF_INET, &g, guest, sizeof(guest));
    snprintf(buf, len, "%s:%s:%u-%s:%u", f->udp ? "udp" : "tcp", host, f->host_port, guest,
             f->guest_port);
}

int net_user_open(const struct net_hostfwd *fwd, unsigned nfwd, struct net_backend **out,
                  char *err, size_t errlen)
{
    *out = NULL;
    struct net_user *u = calloc(1, sizeof(*u));
    if (!u) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    u->nb = (struct net_backend){ .ops = &user_ops, .name = "user", .rx_fd = -1 };
    u->wake_fd = -1;
    pthread_mutex_init(&u->lock, NULL);
    pthread_mutex_init(&u->q_lock, NULL);
    int ret;
    u->nb.rx_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    u->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (u->nb.rx_fd < 0 || u->wake_fd < 0) {
        ret = -errno;
        snprintf(err, errlen, "eventfd: %s", strerror(-ret));
        goto fail;
    }

    SlirpConfig cfg = {
        .version = 4,
        .restricted = 0,
        .in_enabled = true,
        .vnetwork = ip4(0x0a000200),    /* 10.0.2.0 */
        .vnetmask = ip4(0xffffff00),    /* /24 */
        .vhost = ip4(0x0a000202),       /* 10.0.2.2: gateway, and the host */
        .vdhcp_start = ip4(0x0a00020f), /* 10.0.2.15 */
        .vnameserver = ip4(0x0a000203), /* 10.0.2.3 */
        .in6_enabled = true,
        .vprefix_len = 64,
        .vhostname = "rvmm",
    };
    inet_pton(AF_INET6, "fec0::", &cfg.vprefix_addr6);
    inet_pton(AF_INET6, "fec0::2", &cfg.vhost6);
    inet_pton(AF_INET6, "fec0::3", &cfg.vnameserver6);
    u->slirp = slirp_new(&cfg, &user_callbacks, u);
    if (!u->slirp) {
        ret = -ENOMEM;
        snprintf(err, errlen, "cannot start libslirp");
        goto fail;
    }
    for (unsigned i = 0; i < nfwd; i++) {
        if (slirp_add_hostfwd(u->slirp, fwd[i].udp, ip4(fwd[i].host_addr), fwd[i].host_port,
                              ip4(fwd[i].guest_addr), fwd[i].guest_port) < 0) {
            int e = errno ? errno : EADDRINUSE;
            char what[96];
            format_fwd(&fwd[i], what, sizeof(what));
            snprintf(err, errlen, "hostfwd=%s: cannot listen on the host port: %s", what,
                     strerror(e));
            ret = -e;
            goto fail;
        }
    }

    /* Signals belong to the other threads, as for the I/O thread. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    ret = -pthread_create(&u->thread, NULL, user_thread, u);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (ret) {
        snprintf(err, errlen, "cannot start the slirp thread: %s", strerror(-ret));
        goto fail;
    }
    pthread_setname_np(u->thread, "rvmm-slirp");
    u->thread_started = true;
    *out = &u->nb;
    return 0;

fail:
    user_close(&u->nb);
    return ret;
}

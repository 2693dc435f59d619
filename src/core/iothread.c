/*
 * iothread.c - the I/O thread: an epoll loop dispatching fd handlers. The
 * contract is in iothread.h.
 *
 * Each handler lives in a table slot; its epoll cookie is (generation << 32 |
 * slot). A slot freed by iothread_del_fd() gets a new generation when reused,
 * so an event already fetched by epoll_wait() for the old handler is
 * recognised as stale and dropped instead of calling the new one (or freed
 * memory).
 */
#include "core/iothread.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lib/log.h"

#define IOTHREAD_BATCH 32
#define STOP_COOKIE UINT64_MAX

struct io_handler {
    int fd;           /* -1: free slot */
    uint32_t gen;
    iothread_handler fn;
    void *opaque;
};

struct iothread {
    pthread_t thread;
    int epfd;
    int stop_fd;
    /* Recursive: held by the loop while a handler runs, and by add/del/set; the
     * handler itself may call add/del/set on this thread. */
    pthread_mutex_t lock;
    struct io_handler *handlers; /* under lock */
    unsigned nhandlers;
    uint32_t next_gen;
};

static uint64_t handler_cookie(const struct iothread *t, unsigned slot)
{
    return ((uint64_t)t->handlers[slot].gen << 32) | slot;
}

static void iothread_dispatch(struct iothread *t, uint64_t cookie, uint32_t events)
{
    unsigned slot = (unsigned)(cookie & 0xffffffffu);
    uint32_t gen = (uint32_t)(cookie >> 32);

    pthread_mutex_lock(&t->lock);
    if (slot < t->nhandlers && t->handlers[slot].fd >= 0 && t->handlers[slot].gen == gen) {
        struct io_handler h = t->handlers[slot]; /* the table may grow while fn runs */
        h.fn(h.opaque, events);
    }
    pthread_mutex_unlock(&t->lock);
}

static void *iothread_main(void *arg)
{
    struct iothread *t = arg;
    struct epoll_event ev[IOTHREAD_BATCH];

    for (;;) {
        int n = epoll_wait(t->epfd, ev, IOTHREAD_BATCH, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            log_error("I/O thread: epoll_wait: %s; device I/O stops", strerror(errno));
            return NULL;
        }
        for (int i = 0; i < n; i++) {
            if (ev[i].data.u64 == STOP_COOKIE)
                return NULL;
            iothread_dispatch(t, ev[i].data.u64, ev[i].events);
        }
    }
}

struct iothread *iothread_create(const char *name)
{
    struct iothread *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->epfd = epoll_create1(EPOLL_CLOEXEC);
    t->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    struct epoll_event stop = { .events = EPOLLIN, .data.u64 = STOP_COOKIE };
    if (t->epfd < 0 || t->stop_fd < 0 || epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->stop_fd, &stop))
        goto fail;

    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&t->lock, &attr);
    pthread_mutexattr_destroy(&attr);

    /* Signals belong to the other threads: this one never needs interrupting. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int err = pthread_create(&t->thread, NULL, iothread_main, t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err) {
        pthread_mutex_destroy(&t->lock);
        errno = err;
        goto fail;
    }
    pthread_setname_np(t->thread, name);
    return t;

fail:;
    int saved = errno;
    if (t->epfd >= 0)
        close(t->epfd);
    if (t->stop_fd >= 0)
        close(t->stop_fd);
    free(t);
    errno = saved;
    return NULL;
}

void iothread_destroy(struct iothread *t)
{
    if (!t)
        return;
    uint64_t one = 1;
    if (write(t->stop_fd, &one, sizeof(one)) != sizeof(one))
        log_error("I/O thread: cannot signal it to stop: %s", strerror(errno));
    pthread_join(t->thread, NULL);
    close(t->stop_fd);
    close(t->epfd);
    pthread_mutex_destroy(&t->lock);
    free(t->handlers);
    free(t);
}

static int iothread_find(const struct iothread *t, int fd)
{
    for (unsigned i = 0; i < t->nhandlers; i++)
        if (t->handlers[i].fd == fd)
            return (int)i;
    return -1;
}

int iothread_add_fd(struct iothread *t, int fd, uint32_t events, iothread_handler fn, void *opaque)
{
    int ret = 0;

    if (fd < 0 || !fn)
        return -EINVAL;
    pthread_mutex_lock(&t->lock);
    if (iothread_find(t, fd) >= 0) {
        ret = -EEXIST;
        goto out;
    }
    int slot = iothread_find(t, -1);
    if (slot < 0) {
        struct io_handler *grown = realloc(t->handlers, (t->nhandlers + 1) * sizeof(*grown));
        if (!grown) {
            ret = -ENOMEM;
            goto out;
        }
        t->handlers = grown;
        slot = (int)t->nhandlers++;
    }
    t->handlers[slot] = (struct io_handler){ fd, ++t->next_gen, fn, opaque };
    struct epoll_event ev = { .events = events, .data.u64 = handler_cookie(t, (unsigned)slot) };
    if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, fd, &ev)) {
        ret = -errno;
        t->handlers[slot].fd = -1;
    }
out:
    pthread_mutex_unlock(&t->lock);
    return ret;
}

int iothread_set_events(struct iothread *t, int fd, uint32_t events)
{
    int ret = -ENOENT;
    pthread_mutex_lock(&t->lock);
    int slot = iothread_find(t, fd);
    if (slot >= 0) {
        struct epoll_event ev = { .events = events, .data.u64 = handler_cookie(t, (unsigned)slot) };
        ret = epoll_ctl(t->epfd, EPOLL_CTL_MOD, fd, &ev) ? -errno : 0;
    }
    pthread_mutex_unlock(&t->lock);
    return ret;
}

void iothread_del_fd(struct iothread *t, int fd)
{
    /* Taking the lock waits for a running handler to return. */
    pthread_mutex_lock(&t->lock);
    int slot = iothread_find(t, fd);
    if (slot >= 0) {
        epoll_ctl(t->epfd, EPOLL_CTL_DEL, fd, NULL);
        t->handlers[slot].fd = -1;
    }
    pthread_mutex_unlock(&t->lock);
}

bool iothread_in_thread(const struct iothread *t)
{
    return pthread_equal(pthread_self(), t->thread);
}

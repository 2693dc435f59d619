/*
 * iothread.h - the VMM's I/O thread: one epoll loop that runs device work
 * (virtqueue processing, backend file descriptors) off the harts' threads.
 *
 * A handler is a callback on a file descriptor. Handlers run one at a time on
 * the I/O thread, with the loop's dispatch lock held; so when
 * iothread_del_fd() returns on another thread, the handler is not running and
 * never will again, and its opaque may be freed.
 *
 * Lock order: the dispatch lock comes before every device lock (a handler
 * takes its device's lock). So never call iothread_add_fd/set_events/del_fd
 * while holding a device lock, except from a handler on the I/O thread itself
 * (the dispatch lock is recursive there).
 */
#ifndef RVMM_CORE_IOTHREAD_H
#define RVMM_CORE_IOTHREAD_H

#include <stdbool.h>
#include <stdint.h>

struct iothread;

/* `events` are the epoll events that fired (EPOLLIN, EPOLLOUT, EPOLLHUP, ...). */
typedef void (*iothread_handler)(void *opaque, uint32_t events);

/* Starts the thread (named `name` for top/perf, at most 15 characters); NULL with errno set on failure. */
struct iothread *iothread_create(const char *name);
/* Stops and joins the thread. Handlers still registered are simply forgotten. */
void iothread_destroy(struct iothread *t);

/* Calls fn(opaque, events) on the I/O thread whenever `fd` is ready for `events`
 * (level-triggered). Returns 0 or -errno. One handler per fd. */
int iothread_add_fd(struct iothread *t, int fd, uint32_t events, iothread_handler fn, void *opaque);
/* Changes the events a registered fd waits for (e.g. add EPOLLOUT while output is pending). */
int iothread_set_events(struct iothread *t, int fd, uint32_t events);
/* Unregisters `fd`; on return its handler is not running and will not run again. */
void iothread_del_fd(struct iothread *t, int fd);

/* Whether the caller runs on the I/O thread. */
bool iothread_in_thread(const struct iothread *t);

#endif

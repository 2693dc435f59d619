/*
 * chr_stdio.c - the terminal as a character backend: output to stdout, input
 * from stdin on a reader thread, raw mode and QEMU-style Ctrl-A escapes when
 * stdin is the controlling terminal. The contract is in chr.h.
 *
 * Threads: the reader thread owns the bytes read but not yet delivered; `lock`
 * guards the receiver and the quit handler. Lock order: this backend's lock,
 * then the device's lock (receive() runs with ours held); the device may call
 * accept_input() with its own lock held because that takes no lock (it writes
 * an eventfd the reader polls).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <termios.h>
#include <unistd.h>

#include "backends/chr.h"
#include "lib/log.h"

#define ESCAPE_CHAR 0x01 /* Ctrl-A */

static void stdio_write(struct chr_backend *chr, const uint8_t *buf, size_t len)
{
    while (len) {
        ssize_t n = write(STDOUT_FILENO, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return; /* stdout gone: the guest's output is dropped, never fatal */
        }
        buf += n;
        len -= (size_t)n;
    }
}

/* ---- Terminal mode: saved at start, restored on every way out. ---- */

static struct termios saved_termios, raw_termios;
static volatile sig_atomic_t terminal_raw; /* raw mode is in force (or must be re-applied) */

/* Async-signal-safe: tcsetattr, tcgetpgrp and getpgrp are on the POSIX list. */
static void terminal_restore(void)
{
    if (terminal_raw) {
        terminal_raw = 0;
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
    }
}

/*
 * Reading from or configuring the controlling terminal while in a background
 * process group stops the process (SIGTTIN/SIGTTOU); `timeout CMD` and `CMD &`
 * run there. A terminal that is not our controlling one has no foreground
 * group for us (tcgetpgrp fails) and is safe to use.
 */
static bool terminal_in_background(void)
{
    pid_t fg = tcgetpgrp(STDIN_FILENO);
    return fg >= 0 && fg != getpgrp();
}

static const int restore_signals[] = {
    SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2, SIGXCPU, SIGXFSZ,
    /* faults: these may already have a handler (the sanitizers'), which we chain to */
    SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV,
};
static struct sigaction previous_action[NSIG];

static bool is_fault_signal(int sig)
{
    return sig == SIGILL || sig == SIGTRAP || sig == SIGABRT || sig == SIGBUS || sig == SIGFPE ||
           sig == SIGSEGV;
}

/*
 * Restores the terminal, then lets the signal do what it did before we came:
 * the previous action is reinstated and the signal delivered again. A fault
 * raised by the CPU (si_code > 0) is not re-raised: returning re-executes the
 * faulting instruction, so the previous handler sees the genuine fault.
 */
static void on_fatal_signal(int sig, siginfo_t *info, void *uctx)
{
    int saved_errno = errno;
    terminal_restore();
    sigaction(sig, &previous_action[sig], NULL);
    if (!(is_fault_signal(sig) && info->si_code > 0))
        raise(sig); /* blocked until we return, then delivered with the old action */
    errno = saved_errno;
}

/* After an external SIGSTOP and `fg`, the shell has put the terminal back in cooked mode. */
static void on_sigcont(int sig)
{
    int saved_errno = errno;
    if (terminal_raw && !terminal_in_background())
        tcsetattr(STDIN_FILENO, TCSANOW, &raw_termios);
    errno = saved_errno;
}

/* Sanitizer runtimes end the process with _exit(), skipping atexit handlers. */
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static void install_restore_handlers(void)
{
    atexit(terminal_restore);
    if (__sanitizer_set_death_callback)
        __sanitizer_set_death_callback(terminal_restore);

    struct sigaction sa = { .sa_sigaction = on_fatal_signal, .sa_flags = SA_SIGINFO };
    sigfillset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(restore_signals) / sizeof(restore_signals[0]); i++) {
        int sig = restore_signals[i];
        struct sigaction old;
        if (sigaction(sig, NULL, &old))
            continue;
        bool has_handler = (old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL;
        /* An ignored signal stays ignored; someone else's handler for a non-fault
         * signal decides itself (it may not even end the process). */
        if (has_handler && (!is_fault_signal(sig) || old.sa_handler == SIG_IGN))
            continue;
        previous_action[sig] = old;
        sigaction(sig, &sa, NULL);
    }
    struct sigaction old_cont;
    if (!sigaction(SIGCONT, NULL, &old_cont) && !(old_cont.sa_flags & SA_SIGINFO) &&
        old_cont.sa_handler == SIG_DFL) {
        struct sigaction cont = { .sa_handler = on_sigcont, .sa_flags = SA_RESTART };
        sigaction(SIGCONT, &cont, NULL);
    }
}

/* Raw mode as QEMU's stdio chardev sets it: no echo, no line editing, no signal
 * keys, 8-bit input; output processing (ONLCR) kept. */
static bool terminal_enter_raw(void)
{
    if (!isatty(STDIN_FILENO) || terminal_in_background() ||
        tcgetattr(STDIN_FILENO, &saved_termios))
        return false;
    raw_termios = saved_termios;
    raw_termios.c_iflag &=
        ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    raw_termios.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | IEXTEN | ISIG);
    raw_termios.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
    raw_termios.c_cflag |= CS8;
    raw_termios.c_cc[VMIN] = 1;
    raw_termios.c_cc[VTIME] = 0;
    install_restore_handlers();
    terminal_raw = 1; /* before tcsetattr: a signal in between still restores */
    if (tcsetattr(STDIN_FILENO, TCSANOW, &raw_termios)) {
        terminal_raw = 0;
        return false;
    }
    return true;
}

/* ---- Input: the reader thread. ---- */

static struct stdio_input {
    pthread_mutex_t lock;
    struct chr_receiver rx; /* rx.receive == NULL: nobody attached; under lock */
    void (*quit_fn)(void *);
    void *quit_opaque;       /* quit_fn/quit_opaque under lock */
    int wake_fd;             /* eventfd: input accepted or receiver changed */
    bool started;            /* under lock */
    bool escapes;            /* raw terminal: Ctrl-A commands are ours; reader thread only */
} input = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake_fd = -1 };

static void stdio_wake_reader(void)
{
    uint64_t one = 1;
    if (input.wake_fd >= 0 && write(input.wake_fd, &one, sizeof(one)) < 0) {
        /* EAGAIN only if the counter is about to overflow: the reader is awake anyway */
    }
}

static void stdio_accept_input(struct chr_backend *chr)
{
    stdio_wake_reader();
}

/* Bytes read from stdin that the device could not take yet. Reader thread only. */
struct held_input {
    uint8_t buf[256];
    size_t start, end;
};

/* Delivers as much held input as the receiver can take now. */
static void stdio_deliver(struct held_input *h)
{
    pthread_mutex_lock(&input.lock);
    if (input.rx.receive && h->end > h->start) {
        size_t room = input.rx.can_receive(input.rx.opaque);
        size_t n = h->end - h->start < room ? h->end - h->start : room;
        if (n) {
            input.rx.receive(input.rx.opaque, h->buf + h->start, n);
            h->start += n;
        }
    }
    pthread_mutex_unlock(&input.lock);
    if (h->start == h->end)
        h->start = h->end = 0;
}

static void print_escape_help(void)
{
    static const char help[] = "\r\n"
                               "C-a h    print this help\r\n"
                               "C-a x    exit rvmm\r\n"
                               "C-a C-a  sends C-a\r\n";
    if (write(STDERR_FILENO, help, sizeof(help) - 1) < 0) {
        /* stderr gone: nothing to tell */
    }
}

static void stdio_quit(void)
{
    static const char msg[] = "rvmm: terminated\r\n";
    if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
        /* stderr gone: quit anyway */
    }
    pthread_mutex_lock(&input.lock);
    void (*fn)(void *) = input.quit_fn;
    void *opaque = input.quit_opaque;
    pthread_mutex_unlock(&input.lock);
    if (fn) {
        fn(opaque);
        return;
    }
    terminal_restore();
    exit(0);
}

/*
 * Copies bytes read from stdin to the held buffer, acting on escapes.
 * Returns false once the user asked to quit: no input after that reaches the guest.
 */
static bool stdio_filter(struct held_input *h, const uint8_t *in, size_t len, bool *escape)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t c = in[i];
        if (!input.escapes) {
            h->buf[h->end++] = c;
        } else if (*escape) {
            *escape = false;
            switch (c) {
            case ESCAPE_CHAR: h->buf[h->end++] = c; break;
            case 'x': stdio_quit(); return false;
            case 'h':
            case '?': print_escape_help(); break;
            default: break; /* unknown commands (and Ctrl-A c: no monitor) are dropped */
            }
        } else if (c == ESCAPE_CHAR) {
            *escape = true;
        } else {
            h->buf[h->end++] = c;
        }
    }
    return true;
}

/*
 * Waits for stdin only when nothing is held: while the device is full, input
 * stays in the kernel's buffer (throttling the writer), and only the wake
 * eventfd can end the wait. End of file (or an unusable stdin) stops reading;
 * held bytes are still delivered, then the thread ends.
 */
static void *stdio_reader(void *arg)
{
    static struct held_input held; /* static: only this one thread touches it */
    uint8_t in[sizeof(held.buf)];
    bool eof = false, escape = false;

    for (;;) {
        stdio_deliver(&held);
        if (eof && held.end == held.start)
            return NULL;
        struct pollfd fds[2] = {
            { .fd = input.wake_fd, .events = POLLIN },
            { .fd = STDIN_FILENO, .events = POLLIN },
        };
        nfds_t nfds = (held.end > held.start || eof) ? 1 : 2;
        if (poll(fds, nfds, -1) < 0) {
            if (errno == EINTR)
                continue;
            log_error("stdin reader: poll: %s", strerror(errno));
            return NULL;
        }
        if (fds[0].revents & POLLIN) {
            uint64_t count;
            if (read(input.wake_fd, &count, sizeof(count)) < 0) {
                /* EAGAIN: another read drained it; nothing lost */
            }
        }
        if (nfds < 2 || !fds[1].revents)
            continue;
        if (fds[1].revents & POLLNVAL) { /* stdin is closed */
            eof = true;
            continue;
        }
        ssize_t n = read(STDIN_FILENO, in, sizeof(in)); /* held is empty: room for n bytes */
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0 || !stdio_filter(&held, in, (size_t)n, &escape))
            eof = true;
    }
}

static void stdio_start_reader(void)
{
    input.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (input.wake_fd < 0) {
        log_error("stdin reader: eventfd: %s; no console input", strerror(errno));
        return;
    }
    input.escapes = terminal_enter_raw();

    /* Signals go to the other threads: the reader never needs to be interrupted. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_t thread;
    int err = pthread_create(&thread, NULL, stdio_reader, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err) {
        log_error("stdin reader: %s; no console input", strerror(err));
        terminal_restore();
        return;
    }
    pthread_detach(thread); /* lives until end of input or process exit */
}

static void stdio_set_receiver(struct chr_backend *chr, const struct chr_receiver *rx)
{
    pthread_mutex_lock(&input.lock);
    input.rx = rx ? *rx : (struct chr_receiver){ 0 };
    if (rx && !input.started) {
        input.started = true;
        stdio_start_reader();
    }
    pthread_mutex_unlock(&input.lock);
    stdio_wake_reader(); /* a new receiver may take what is held */
}

void chr_stdio_set_quit_handler(void (*fn)(void *opaque), void *opaque)
{
    pthread_mutex_lock(&input.lock);
    input.quit_fn = fn;
    input.quit_opaque = opaque;
    pthread_mutex_unlock(&input.lock);
}

static struct chr_backend stdio_backend = {
    .write = stdio_write,
    .set_receiver = stdio_set_receiver,
    .accept_input = stdio_accept_input,
};

struct chr_backend *chr_stdio(void)
{
    return &stdio_backend;
}

/*
 * chr.h - character backends: where a serial device's bytes go and come from.
 * Devices see only this interface; the stdio backend is the terminal.
 *
 * Input is pushed to the device, QEMU-style: the backend asks the device how
 * many bytes it can take now (can_receive) and never delivers more; bytes the
 * device has no room for wait in the backend (and, past that, in the host's
 * pipe or tty buffer) until the device calls accept_input() to say it has made
 * room. So the guest's receive FIFO is never overrun by the backend.
 */
#ifndef RVMM_BACKENDS_CHR_H
#define RVMM_BACKENDS_CHR_H

#include <stddef.h>
#include <stdint.h>

/*
 * A device's input side. Both callbacks run on the backend's reader thread,
 * never concurrently with each other or with set_receiver(): the device must
 * lock its own state against its MMIO path, and must not call set_receiver()
 * from inside them.
 */
struct chr_receiver {
    size_t (*can_receive)(void *opaque); /* bytes the device can take right now */
    void (*receive)(void *opaque, const uint8_t *buf, size_t len); /* len <= can_receive */
    void *opaque;
};

struct chr_backend {
    /* Output; may block briefly, never fails (lost output is dropped). Any thread. */
    void (*write)(struct chr_backend *chr, const uint8_t *buf, size_t len);
    /*
     * Attach (rx != NULL, copied) or detach (rx == NULL) the device that receives
     * input. When it returns, no callback of the previous receiver is running or
     * will run, so a device may free itself after detaching.
     */
    void (*set_receiver)(struct chr_backend *chr, const struct chr_receiver *rx);
    /*
     * The device has room again (e.g. the guest read its FIFO). Lock-free and
     * non-blocking: callable from any thread, with the device's lock held.
     */
    void (*accept_input)(struct chr_backend *chr);
};

/*
 * The process's terminal: output to stdout, input from stdin.
 *
 * Input starts when a receiver is first attached: a reader thread polls stdin.
 * If stdin is a terminal and rvmm is in its foreground process group, the
 * terminal goes into raw mode (no echo, no line editing, no signal keys; output
 * processing kept, so a lone "\n" still starts a new line), and its settings
 * are restored at exit(), on fatal signals and on sanitizer deaths. Escapes, as
 * QEMU's: Ctrl-A x quits, Ctrl-A h prints help, Ctrl-A Ctrl-A sends Ctrl-A.
 * If stdin is not a terminal, bytes pass through untouched (no escapes) and end
 * of file simply ends input.
 */
struct chr_backend *chr_stdio(void);

/*
 * What Ctrl-A x does: prints "rvmm: terminated" and calls fn(opaque) on the
 * reader thread (fn should request a clean VM exit and return). With no
 * handler set (fn == NULL), it restores the terminal and calls exit(0).
 */
void chr_stdio_set_quit_handler(void (*fn)(void *opaque), void *opaque);

#endif

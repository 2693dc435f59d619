/*
 * uart_ns16550a.c - a 16550A UART (as on QEMU's virt board at 0x10000000).
 * Registers and interrupt rules per the National Semiconductor PC16550D
 * datasheet; byte access only.
 *
 * Model: the line is infinitely fast. Transmit goes straight to the character
 * backend, so THR and the transmitter are always empty (LSR.THRE and TEMT are
 * always 1). Received bytes arrive from the backend, which never delivers more
 * than the receive FIFO (16 bytes, or the single holding register with FIFOs
 * off) has room for. Because no time passes on the line, the "character
 * timeout" condition (4 character times without activity) holds as soon as the
 * FIFO has data below its trigger level, so IIR then reports a timeout.
 *
 * Threads: the hart thread (MMIO) and the backend's reader thread (receive)
 * both take `lock`. The interrupt output is recomputed under it and driven with
 * machine_set_irq() only when it changes; lock order uart -> PLIC -> wires.
 */
#include <errno.h>
#include <libfdt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "backends/chr.h"
#include "core/machine.h"
#include "rvmm/vm.h"

enum {
    UART_RBR_THR = 0, /* DLL when DLAB */
    UART_IER = 1,     /* DLM when DLAB */
    UART_IIR_FCR = 2,
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCR = 7,
};

#define IER_ERBFI 0x01 /* received data available */
#define IER_ETBEI 0x02 /* transmitter holding register empty */
#define IER_ELSI 0x04  /* receiver line status */
#define IER_EDSSI 0x08 /* modem status */

#define IIR_NO_INTERRUPT 0x01
#define IIR_MODEM_STATUS 0x00
#define IIR_THR_EMPTY 0x02
#define IIR_RX_DATA 0x04
#define IIR_LINE_STATUS 0x06
#define IIR_RX_TIMEOUT 0x0c
#define IIR_FIFO_ENABLED 0xc0

#define FCR_ENABLE 0x01
#define FCR_RX_RESET 0x02
#define FCR_TX_RESET 0x04
#define FCR_DMA_MODE 0x08
#define FCR_TRIGGER_SHIFT 6

#define LCR_DLAB 0x80

#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_PE 0x04
#define LSR_FE 0x08
#define LSR_BI 0x10
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

#define UART_FIFO_SIZE 16
#define UART_CLOCK_HZ 3686400 /* QEMU's: 0x384000 */

struct uart {
    struct machine *m;
    unsigned irq;
    struct chr_backend *chr;
    bool has_input; /* the terminal's input is ours (it is not with --console virtio) */
    pthread_mutex_t lock;
    /* Guest-visible state, under lock. */
    uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
    uint8_t lsr_errors; /* OE (the only error we can have), until LSR is read */
    uint8_t msr_delta;  /* DCTS, DDSR, TERI, DDCD, until MSR is read */
    bool thr_ipending;  /* the THRE interrupt is pending (IIR read or THR write clears it) */
    uint8_t rx[UART_FIFO_SIZE];
    unsigned rx_head, rx_count;
    bool irq_level; /* what we last drove on the interrupt line */
};

static unsigned uart_rx_capacity(const struct uart *u)
{
    return (u->fcr & FCR_ENABLE) ? UART_FIFO_SIZE : 1;
}

static bool uart_rx_full(const struct uart *u)
{
    return u->rx_count >= uart_rx_capacity(u);
}

/* The receiver: a byte from the line, or from the transmitter in loopback mode. */
static void uart_rx_push(struct uart *u, uint8_t c)
{
    if (uart_rx_full(u)) {
        u->lsr_errors |= LSR_OE; /* the byte in the shift register is lost */
        return;
    }
    u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = c;
    u->rx_count++;
}

static void uart_rx_clear(struct uart *u)
{
    u->rx_head = u->rx_count = 0;
}

/* The modem status inputs: fixed (carrier, data set ready, clear to send) except in
 * loopback, where they are wired to the modem control outputs. */
static uint8_t uart_modem_lines(const struct uart *u)
{
    if (!(u->mcr & MCR_LOOP))
        return MSR_DCD | MSR_DSR | MSR_CTS;
    return ((u->mcr & MCR_RTS) ? MSR_CTS : 0) | ((u->mcr & MCR_DTR) ? MSR_DSR : 0) |
           ((u->mcr & MCR_OUT1) ? MSR_RI : 0) | ((u->mcr & MCR_OUT2) ? MSR_DCD : 0);
}

static void uart_note_modem_change(struct uart *u, uint8_t before)
{
    uint8_t after = uart_modem_lines(u), changed = before ^ after;
    if (changed & MSR_CTS)
        u->msr_delta |= MSR_DCTS;
    if (changed & MSR_DSR)
        u->msr_delta |= MSR_DDSR;
    if ((before & MSR_RI) && !(after & MSR_RI)) /* trailing edge of ring indicator */
        u->msr_delta |= MSR_TERI;
    if (changed & MSR_DCD)
        u->msr_delta |= MSR_DDCD;
}

/* The highest-priority pending interrupt, as IIR bits 0-3 (PC16550D table 4). */
static uint8_t uart_interrupt_id(const struct uart *u)
{
    static const uint8_t trigger[4] = { 1, 4, 8, 14 };

    if ((u->ier & IER_ELSI) && (u->lsr_errors & (LSR_OE | LSR_PE | LSR_FE | LSR_BI)))
        return IIR_LINE_STATUS;
    if ((u->ier & IER_ERBFI) && u->rx_count) {
        if ((u->fcr & FCR_ENABLE) && u->rx_count < trigger[u->fcr >> FCR_TRIGGER_SHIFT])
            return IIR_RX_TIMEOUT;
        return IIR_RX_DATA;
    }
    if ((u->ier & IER_ETBEI) && u->thr_ipending)
        return IIR_THR_EMPTY;
    if ((u->ier & IER_EDSSI) && u->msr_delta)
        return IIR_MODEM_STATUS;
    return IIR_NO_INTERRUPT;
}

static void uart_update_irq(struct uart *u)
{
    bool level = uart_interrupt_id(u) != IIR_NO_INTERRUPT;
    if (level != u->irq_level) {
        u->irq_level = level;
        machine_set_irq(u->m, u->irq, level);
    }
}

static uint8_t uart_read_locked(struct uart *u, uint64_t off)
{
    bool dlab = u->lcr & LCR_DLAB;

    switch (off) {
    case UART_RBR_THR: {
        if (dlab)
            return u->dll;
        if (!u->rx_count)
            return 0;
        bool was_full = uart_rx_full(u);
        uint8_t c = u->rx[u->rx_head];
        u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
        u->rx_count--;
        if (was_full)
            u->chr->accept_input(u->chr); /* the backend may be holding input for us */
        return c;
    }
    case UART_IER: return dlab ? u->dlm : u->ier;
    case UART_IIR_FCR: {
        uint8_t id = uart_interrupt_id(u);
        if (id == IIR_THR_EMPTY)
            u->thr_ipending = false; /* reading IIR while it reports THRE clears it */
        return id | ((u->fcr & FCR_ENABLE) ? IIR_FIFO_ENABLED : 0);
    }
    case UART_LCR: return u->lcr;
    case UART_MCR: return u->mcr;
    case UART_LSR: {
        uint8_t lsr = (u->rx_count ? LSR_DR : 0) | u->lsr_errors | LSR_THRE | LSR_TEMT;
        u->lsr_errors = 0; /* error bits clear on read */
        return lsr;
    }
    case UART_MSR: {
        uint8_t msr = uart_modem_lines(u) | u->msr_delta;
        u->msr_delta = 0;
        return msr;
    }
    case UART_SCR: return u->scr;
    }
    return 0;
}

static uint64_t uart_read(void *opaque, uint64_t off, unsigned size)
{
    struct uart *u = opaque;
    pthread_mutex_lock(&u->lock);
    uint8_t value = uart_read_locked(u, off);
    uart_update_irq(u);
    pthread_mutex_unlock(&u->lock);
    return value;
}

static void uart_write_fcr(struct uart *u, uint8_t v)
{
    bool was_full = uart_rx_full(u);
    /* Changing FCR0 clears both FIFOs (PC16550D, FCR description); so does FCR1. */
    if (((v ^ u->fcr) & FCR_ENABLE) || (v & FCR_RX_RESET))
        uart_rx_clear(u);
    /* FCR_TX_RESET: the transmit FIFO is always empty. FCR1/FCR2 self-clear. */
    u->fcr = v & (FCR_ENABLE | FCR_DMA_MODE | (3 << FCR_TRIGGER_SHIFT));
    if (was_full && !uart_rx_full(u))
        u->chr->accept_input(u->chr);
}

static void uart_write_locked(struct uart *u, uint64_t off, uint8_t v)
{
    bool dlab = u->lcr & LCR_DLAB;

    switch (off) {
    case UART_RBR_THR:
        if (dlab) {
            u->dll = v;
            break;
        }
        u->thr_ipending = false; /* writing THR clears the THRE interrupt... */
        if (u->mcr & MCR_LOOP)
            uart_rx_push(u, v); /* loopback: the transmitter feeds the receiver */
        else
            u->chr->write(u->chr, &v, 1);
        u->thr_ipending = true; /* ...and the immediate transmit empties THR again */
        break;
    case UART_IER:
        if (dlab) {
            u->dlm = v;
            break;
        }
        /* Raising ETBEI while THR is empty makes THRE pending (THR is always empty
         * here); QEMU and Bochs resample on the rising edge only, and so do we. */
        if ((v ^ u->ier) & IER_ETBEI)
            u->thr_ipending = v & IER_ETBEI;
        u->ier = v & 0x0f;
        break;
    case UART_IIR_FCR: uart_write_fcr(u, v); break;
    case UART_LCR: u->lcr = v; break;
    case UART_MCR: {
        uint8_t lines = uart_modem_lines(u);
        bool was_loop = u->mcr & MCR_LOOP;
        u->mcr = v & 0x1f;
        uart_note_modem_change(u, lines);
        if (was_loop && !(u->mcr & MCR_LOOP))
            u->chr->accept_input(u->chr); /* the line is connected again */
        break;
    }
    case UART_SCR: u->scr = v; break;
    }
}

static void uart_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    struct uart *u = opaque;
    pthread_mutex_lock(&u->lock);
    uart_write_locked(u, off, (uint8_t)value);
    uart_update_irq(u);
    pthread_mutex_unlock(&u->lock);
}

static const struct mmio_ops uart_ops = {
    .read = uart_read, .write = uart_write, .min_size = 1, .max_size = 1,
};

/* Backend callbacks, on the backend's reader thread. */
static size_t uart_can_receive(void *opaque)
{
    struct uart *u = opaque;
    pthread_mutex_lock(&u->lock);
    /* In loopback the receiver is disconnected from the line: input waits. */
    size_t room = (u->mcr & MCR_LOOP) ? 0 : uart_rx_capacity(u) - u->rx_count;
    pthread_mutex_unlock(&u->lock);
    return room;
}

static void uart_receive(void *opaque, const uint8_t *buf, size_t len)
{
    struct uart *u = opaque;
    pthread_mutex_lock(&u->lock);
    for (size_t i = 0; i < len; i++)
        uart_rx_push(u, buf[i]);
    uart_update_irq(u);
    pthread_mutex_unlock(&u->lock);
}

static void uart_reset(void *opaque)
{
    struct uart *u = opaque;
    pthread_mutex_lock(&u->lock);
    u->ier = u->lcr = u->mcr = u->scr = u->fcr = u->dll = u->dlm = 0;
    u->lsr_errors = u->msr_delta = 0;
    u->thr_ipending = false;
    uart_rx_clear(u);
    uart_update_irq(u);
    pthread_mutex_unlock(&u->lock);
    u->chr->accept_input(u->chr);
}

static void uart_destroy(void *opaque)
{
    struct uart *u = opaque;
    if (u->has_input)
        u->chr->set_receiver(u->chr, NULL); /* after this, no receive() is running */
    pthread_mutex_destroy(&u->lock);
    free(u);
}

static int uart_fdt_node(void *opaque, struct machine *m, void *fdt)
{
    const struct board_region *r = machine_region(m, "uart0");
    char name[32];
    int err;

    snprintf(name, sizeof(name), "serial@%llx", (unsigned long long)r->base);
    int node = fdt_add_subnode(fdt, fdt_path_offset(fdt, "/soc"), name);
    if (node < 0)
        return node;
    fdt64_t reg[2] = { cpu_to_fdt64(r->base), cpu_to_fdt64(r->size) };
    if ((err = fdt_setprop_string(fdt, node, "compatible", "ns16550a")) < 0 ||
        (err = fdt_setprop(fdt, node, "reg", reg, sizeof(reg))) < 0 ||
        (err = fdt_setprop_u32(fdt, node, "clock-frequency", UART_CLOCK_HZ)) < 0)
        return err;
    if (r->irq && ((err = fdt_setprop_u32(fdt, node, "interrupt-parent", m->phandles.plic)) < 0 ||
                   (err = fdt_setprop_u32(fdt, node, "interrupts", r->irq)) < 0))
        return err;
    return 0;
}

static int uart_create(struct machine *m)
{
    const struct board_region *r = machine_region(m, "uart0");
    if (!r)
        return 0;
    struct uart *u = calloc(1, sizeof(*u));
    if (!u)
        return -ENOMEM;
    u->m = m;
    u->irq = r->irq;
    u->chr = chr_stdio();
    pthread_mutex_init(&u->lock, NULL);
    int err = bus_add_mmio(&m->bus, r->name, r->base, r->size, &uart_ops, u);
    if (!err)
        err = machine_add_device(m, &(struct device_instance){ .name = "uart0",
                                                                .opaque = u,
                                                                .reset = uart_reset,
                                                                .destroy = uart_destroy,
                                                                .fdt_node = uart_fdt_node });
    if (err) {
        pthread_mutex_destroy(&u->lock);
        free(u);
        return err;
    }
    /* The terminal's input goes to the UART unless another device is the console. */
    u->has_input = !m->config || m->config->console == VM_CONSOLE_UART;
    if (u->has_input)
        u->chr->set_receiver(u->chr, &(struct chr_receiver){ uart_can_receive, uart_receive, u });
    return 0;
}

static const struct device_type uart_type = { "ns16550a", uart_create };
DEVICE_TYPE_REGISTER(uart_type);

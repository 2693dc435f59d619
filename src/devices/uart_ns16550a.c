/*
 * uart_ns16550a.c - a 16550A UART (as on QEMU's virt board at 0x10000000).
 * Transmit goes straight to the character backend, so THR is always empty.
 * Registers per the National Semiconductor PC16550D datasheet; byte access only.
 */
#include <stdlib.h>

#include "backends/chr.h"
#include "core/machine.h"

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

#define LCR_DLAB 0x80
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define IIR_NO_INTERRUPT 0x01
#define IIR_FIFO_ENABLED 0xc0

struct uart {
    struct chr_backend *chr;
    uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
};

static uint64_t uart_read(void *opaque, uint64_t off, unsigned size)
{
    struct uart *u = opaque;
    bool dlab = u->lcr & LCR_DLAB;

    switch (off) {
    case UART_RBR_THR: return dlab ? u->dll : 0; /* no receive path yet: RBR reads 0 */
    case UART_IER: return dlab ? u->dlm : u->ier;
    case UART_IIR_FCR: return IIR_NO_INTERRUPT | ((u->fcr & 1) ? IIR_FIFO_ENABLED : 0);
    case UART_LCR: return u->lcr;
    case UART_MCR: return u->mcr;
    case UART_LSR: return LSR_THRE | LSR_TEMT;
    case UART_MSR: return 0xb0; /* DCD, DSR, CTS asserted */
    case UART_SCR: return u->scr;
    }
    return 0;
}

static void uart_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    struct uart *u = opaque;
    bool dlab = u->lcr & LCR_DLAB;
    uint8_t v = value;

    switch (off) {
    case UART_RBR_THR:
        if (dlab)
            u->dll = v;
        else
            u->chr->write(u->chr, &v, 1);
        break;
    case UART_IER:
        if (dlab)
            u->dlm = v;
        else
            u->ier = v & 0x0f;
        break;
    case UART_IIR_FCR: u->fcr = v; break;
    case UART_LCR: u->lcr = v; break;
    case UART_MCR: u->mcr = v & 0x1f; break;
    case UART_SCR: u->scr = v; break;
    }
}

static const struct mmio_ops uart_ops = {
    .read = uart_read, .write = uart_write, .min_size = 1, .max_size = 1,
};

static void uart_reset(void *opaque)
{
    struct uart *u = opaque;
    struct chr_backend *chr = u->chr;
    *u = (struct uart){ .chr = chr };
}

static int uart_create(struct machine *m)
{
    const struct board_region *r = machine_region(m, "uart0");
    if (!r)
        return 0;
    struct uart *u = calloc(1, sizeof(*u));
    if (!u)
        return -12;
    u->chr = chr_stdio();
    int err = bus_add_mmio(&m->bus, r->name, r->base, r->size, &uart_ops, u);
    if (!err)
        err = machine_add_device(m, &(struct device_instance){ .name = "uart0", .opaque = u, .reset = uart_reset, .destroy = free });
    if (err)
        free(u);
    return err;
}

static const struct device_type uart_type = { "ns16550a", uart_create };
DEVICE_TYPE_REGISTER(uart_type);

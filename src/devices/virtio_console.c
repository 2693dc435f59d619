/*
 * virtio_console.c - the console device (VIRTIO 1.2 section 5.3) with one
 * port, connected to the terminal (the stdio chr backend). Added by
 * --console virtio; the UART then keeps its output but not the terminal's
 * input.
 *
 * Queues: 0 = receiveq (port 0 input, device-writable buffers), 1 = transmitq
 * (port 0 output, device-readable buffers). No MULTIPORT, so no control
 * queues. Feature VIRTIO_CONSOLE_F_EMERG_WRITE: a write to emerg_wr in the
 * configuration space outputs one character, even before the driver is ready.
 *
 * Threads: transmit runs on the I/O thread (queue_notify). Input arrives on the
 * stdio backend's reader thread: can_receive() takes the next receive buffer
 * and holds it, receive() fills it and gives it back. The held buffer counts as
 * in flight, so reset() discards it. All under the device lock; the backend
 * calls us with its own input lock held (order: backend input -> device).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends/chr.h"
#include "rvmm/vm.h"
#include "virtio/virtio.h"

#define CONSOLE_RECEIVEQ 0
#define CONSOLE_TRANSMITQ 1
#define VIRTIO_CONSOLE_F_EMERG_WRITE 2

/* Configuration space (5.3.4): cols, rows (F_SIZE), max_nr_ports (F_MULTIPORT), emerg_wr. */
#define CONSOLE_CONFIG_EMERG_WR 8
#define CONSOLE_CONFIG_SIZE 12

struct console {
    struct virtio_dev *vdev;
    struct chr_backend *chr;
    bool rx_held; /* rx holds a popped receive buffer; under the device lock */
    struct virtq_chain rx;
};

static void console_transmit(struct virtio_dev *vdev, struct console *con)
{
    struct virtq_chain chain;
    uint8_t buf[512];

    while (virtio_pop(vdev, CONSOLE_TRANSMITQ, &chain) > 0) {
        if (chain.nin) { /* 5.3.6.1: output buffers are device-readable */
            virtio_fail(vdev, "transmitq: device-writable buffer in output");
            virtio_discard(vdev, &chain);
            return;
        }
        for (uint64_t off = 0; off < chain.out_bytes;) {
            size_t n = virtq_chain_read(&chain, off, buf, sizeof(buf));
            con->chr->write(con->chr, buf, n);
            off += n;
        }
        virtio_push(vdev, &chain, 0);
    }
}

static void console_queue_notify(struct virtio_dev *vdev, unsigned q)
{
    struct console *con = vdev->opaque;
    if (q == CONSOLE_TRANSMITQ)
        console_transmit(vdev, con);
    else
        con->chr->accept_input(con->chr); /* new receive buffers: the backend may deliver */
}

static void console_driver_ok(struct virtio_dev *vdev)
{
    struct console *con = vdev->opaque;
    con->chr->accept_input(con->chr);
}

static void console_config_write(struct virtio_dev *vdev, uint32_t offset, unsigned size,
                                 uint32_t value)
{
    struct console *con = vdev->opaque;
    /* emerg_wr "can be written at any time" when the feature is offered (5.3.5): early
     * boot and crash output, before or without the queues. */
    if (offset == CONSOLE_CONFIG_EMERG_WR) {
        uint8_t c = (uint8_t)value;
        con->chr->write(con->chr, &c, 1);
    }
}

static uint32_t console_config_read(struct virtio_dev *vdev, uint32_t offset, unsigned size)
{
    return 0; /* no size, one port, emerg_wr reads as 0 */
}

static void console_reset(struct virtio_dev *vdev)
{
    struct console *con = vdev->opaque;
    if (con->rx_held) {
        con->rx_held = false;
        virtio_discard(vdev, &con->rx);
    }
}

static void console_destroy(struct virtio_dev *vdev)
{
    struct console *con = vdev->opaque;
    con->chr->set_receiver(con->chr, NULL); /* after this, no receive callback runs */
    free(con);
}

/* Backend callbacks, on the reader thread. */
static size_t console_can_receive(void *opaque)
{
    struct console *con = opaque;
    struct virtio_dev *vdev = con->vdev;
    size_t room = 0;

    virtio_lock(vdev);
    while (!con->rx_held && virtio_pop(vdev, CONSOLE_RECEIVEQ, &con->rx) > 0) {
        if (con->rx.nout) { /* 5.3.6.1: input buffers are device-writable */
            virtio_fail(vdev, "receiveq: device-readable buffer for input");
            virtio_discard(vdev, &con->rx);
            break;
        }
        if (con->rx.in_bytes)
            con->rx_held = true;
        else
            virtio_push(vdev, &con->rx, 0); /* holds nothing: give it straight back */
    }
    if (con->rx_held)
        room = con->rx.in_bytes;
    virtio_unlock(vdev);
    return room;
}

static void console_receive(void *opaque, const uint8_t *buf, size_t len)
{
    struct console *con = opaque;
    struct virtio_dev *vdev = con->vdev;

    virtio_lock(vdev);
    if (con->rx_held) { /* else a reset came in between: the input is dropped */
        size_t n = virtq_chain_write(&con->rx, 0, buf, len);
        con->rx_held = false;
        virtio_push(vdev, &con->rx, (uint32_t)n);
    }
    virtio_unlock(vdev);
    con->chr->accept_input(con->chr); /* more input may fit in the next buffer */
}

static const struct virtio_device_ops console_ops = {
    .name = "virtio-console",
    .device_id = VIRTIO_ID_CONSOLE,
    .features = 1ull << VIRTIO_CONSOLE_F_EMERG_WRITE,
    .num_queues = 2,
    .queue_max = 64,
    .config_size = CONSOLE_CONFIG_SIZE,
    .config_read = console_config_read,
    .config_write = console_config_write,
    .queue_notify = console_queue_notify,
    .driver_ok = console_driver_ok,
    .reset = console_reset,
    .destroy = console_destroy,
};

static int console_create(struct virtio_bus *bus)
{
    const struct vm_config *cfg = bus->machine->config;
    if (!cfg || cfg->console != VM_CONSOLE_VIRTIO)
        return 0;
    struct console *con = calloc(1, sizeof(*con));
    if (!con)
        return -ENOMEM;
    con->chr = chr_stdio();
    int err = virtio_device_add(bus, &console_ops, con, &con->vdev);
    if (err) {
        free(con);
        return err;
    }
    con->chr->set_receiver(con->chr, &(struct chr_receiver){ console_can_receive,
                                                             console_receive, con });
    return 0;
}

static const struct virtio_device_type console_type = { "virtio-console", VIRTIO_ORDER_CONSOLE,
                                                        console_create };
VIRTIO_DEVICE_TYPE_REGISTER(console_type);

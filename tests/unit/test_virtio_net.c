/*
 * test_virtio_net.c - the virtio-net device driven through the virtio-mmio
 * transport as a guest driver would, on a socketpair backend (net_fd.c): the
 * test holds the other end and plays the host network.
 *  - framing: a transmitted chain (header and frame in separate descriptors)
 *    leaves as exactly the frame; a received frame arrives behind a 12-byte
 *    header with num_buffers = 1;
 *  - checksum completion (VIRTIO_NET_F_CSUM) against a reference sum;
 *  - receive flow control: with no receive buffers the device stops reading
 *    the backend (frames stay in the socket, the I/O thread is not woken over
 *    and over), and resumes when the driver adds buffers and notifies;
 *  - a frame too big for the buffer is dropped and the buffer kept;
 *  - bad headers and chains: wrong-way buffers and short headers make the
 *    device need a reset; GSO, bad checksum offsets, runts and oversized
 *    frames are dropped and counted, the device keeps running;
 *  - a reset while the device holds a receive buffer;
 *  - --net user end to end through libslirp (an ARP request to the gateway
 *    gets its reply), and the derived default MACs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/machine.h"
#include "device_harness.h"
#include "devices/virtio_net.h"
#include "rvmm/vm.h"
#include "virtio/virtio.h"
#include "virtq_rings.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1ull << 20)
#define SLOT(n) (0x10001000ull + 0x1000ull * (n))
#define NET SLOT(7) /* the only device: the first slot handed out */
#define RXQ_AREA (RAM_BASE + 0x1000)
#define TXQ_AREA (RAM_BASE + 0x3000)
#define BUFS (RAM_BASE + 0x10000)

enum {
    DEVICE_ID = 0x008, DEVICE_FEATURES = 0x010, DEVICE_FEATURES_SEL = 0x014,
    DRIVER_FEATURES = 0x020, DRIVER_FEATURES_SEL = 0x024, QUEUE_SEL = 0x030,
    QUEUE_NUM_MAX = 0x034, QUEUE_NUM = 0x038, QUEUE_READY = 0x044, QUEUE_NOTIFY = 0x050,
    STATUS = 0x070, QUEUE_DESC_LOW = 0x080, QUEUE_DESC_HIGH = 0x084, QUEUE_DRIVER_LOW = 0x090,
    QUEUE_DRIVER_HIGH = 0x094, QUEUE_DEVICE_LOW = 0x0a0, QUEUE_DEVICE_HIGH = 0x0a4,
    CONFIG = 0x100,
};

#define S_ACK 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8
#define S_NEEDS_RESET 64
#define D_NEXT 1
#define D_WRITE 2

#define F_CSUM (1ull << 0)
#define F_MAC (1ull << 5)
#define F_STATUS (1ull << 16)
#define F_GSO (1ull << 6)
#define F_MRG_RXBUF (1ull << 15)
#define VERSION_1 (1ull << 32)
#define RING_FEATURES ((1ull << 28) | (1ull << 29))
#define HDR 12

static const struct board_region test_map[] = {
    { "virtio0", SLOT(0), 0x1000, 1 }, { "virtio1", SLOT(1), 0x1000, 2 },
    { "virtio2", SLOT(2), 0x1000, 3 }, { "virtio3", SLOT(3), 0x1000, 4 },
    { "virtio4", SLOT(4), 0x1000, 5 }, { "virtio5", SLOT(5), 0x1000, 6 },
    { "virtio6", SLOT(6), 0x1000, 7 }, { "virtio7", SLOT(7), 0x1000, 8 },
};

static const uint8_t test_mac[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };

static struct vm_config cfg;
static bool socket_device_wanted;
static struct virtio_dev *net_vdev;
static int host_fd = -1; /* the test's end of the socketpair: the "host network" */
static int peek_fd = -1; /* a dup of the device's end, to see what waits there */
static struct test_ring rxq, txq;

/* A device type of this test: a virtio-net on a socketpair, before any --net one. */
static int socket_net_create(struct virtio_bus *bus)
{
    if (!socket_device_wanted)
        return 0;
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, fds))
        return -errno;
    host_fd = fds[1];
    peek_fd = dup(fds[0]);
    struct net_backend *nb;
    int err = net_fd_open(fds[0], "test", &nb);
    if (err)
        return err;
    return virtio_net_add(bus, nb, test_mac, &net_vdev);
}

static const struct virtio_device_type socket_net_type = { "virtio-net-test", 0,
                                                           socket_net_create };
VIRTIO_DEVICE_TYPE_REGISTER(socket_net_type);

/* ---- Machine and driver helpers ---- */

static int make_machine(bool socket_dev, unsigned user_nets)
{
    memset(&cfg, 0, sizeof(cfg));
    for (unsigned i = 0; i < user_nets; i++)
        cfg.nets[i].backend = VM_NET_USER;
    cfg.nnets = user_nets;
    cfg.kernel = "Image";
    socket_device_wanted = socket_dev;
    net_vdev = NULL;
    if (machine_init(&m, &cfg, 1))
        return -1;
    m.map = test_map;
    m.nmap = 8;
    m.irq_chip = (struct irq_chip){ fake_set_level, NULL };
    memset(irq_level, 0, sizeof(irq_level));
    if (bus_add_mem(&m.bus, "dram", RAM_BASE, RAM_SIZE, false))
        return -1;
    return machine_create_devices(&m);
}

static int setup_socket(void **state) { return make_machine(true, 0); }
static int setup_user(void **state) { return make_machine(false, 2); }

static int teardown(void **state)
{
    harness_teardown(state);
    if (host_fd >= 0)
        close(host_fd);
    if (peek_fd >= 0)
        close(peek_fd);
    host_fd = peek_fd = -1;
    return 0;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
    nanosleep(&ts, NULL);
}

static uint32_t rd(uint64_t reg)
{
    return (uint32_t)mmio_read(NET + reg, 4);
}

static void wr(uint64_t reg, uint32_t v)
{
    mmio_write(NET + reg, 4, v);
}

static uint8_t *ram(uint64_t gpa)
{
    return m.bus.mem[0].host + (gpa - RAM_BASE);
}

static uint64_t device_features(void)
{
    wr(DEVICE_FEATURES_SEL, 1);
    uint64_t hi = rd(DEVICE_FEATURES);
    wr(DEVICE_FEATURES_SEL, 0);
    return hi << 32 | rd(DEVICE_FEATURES);
}

static void setup_queue(unsigned q, struct test_ring *r, uint64_t area, uint16_t num)
{
    ring_init(r, m.bus.mem[0].host, RAM_BASE, area, num);
    wr(QUEUE_SEL, q);
    wr(QUEUE_NUM, num);
    wr(QUEUE_DESC_LOW, (uint32_t)r->desc);
    wr(QUEUE_DESC_HIGH, (uint32_t)(r->desc >> 32));
    wr(QUEUE_DRIVER_LOW, (uint32_t)r->avail);
    wr(QUEUE_DRIVER_HIGH, (uint32_t)(r->avail >> 32));
    wr(QUEUE_DEVICE_LOW, (uint32_t)r->used);
    wr(QUEUE_DEVICE_HIGH, (uint32_t)(r->used >> 32));
    wr(QUEUE_READY, 1);
    assert_int_equal(rd(QUEUE_READY), 1);
}

/* 3.1.1 with both queues (8 entries each), no receive buffer yet. */
static void driver_init(uint64_t features)
{
    wr(STATUS, 0);
    wr(STATUS, S_ACK);
    wr(STATUS, S_ACK | S_DRIVER);
    wr(DRIVER_FEATURES_SEL, 0);
    wr(DRIVER_FEATURES, (uint32_t)features);
    wr(DRIVER_FEATURES_SEL, 1);
    wr(DRIVER_FEATURES, (uint32_t)(features >> 32));
    wr(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
    assert_true(rd(STATUS) & S_FEATURES_OK);
    setup_queue(0, &rxq, RXQ_AREA, 8);
    setup_queue(1, &txq, TXQ_AREA, 8);
    wr(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
    assert_int_equal(rd(STATUS), S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
}

#define ALL_FEATURES (VERSION_1 | RING_FEATURES | F_CSUM | F_MAC | F_STATUS)

static bool wait_used(const struct test_ring *r, uint16_t idx)
{
    for (int i = 0; i < 2000; i++) {
        if (ring_used_idx(r) == idx)
            return true;
        sleep_ms(1);
    }
    return false;
}

static bool wait_status_bit(uint32_t bit)
{
    for (int i = 0; i < 2000; i++) {
        if (rd(STATUS) & bit)
            return true;
        sleep_ms(1);
    }
    return false;
}

/* A frame from the "host network": waits for it, returns its length (-1: none). */
static ssize_t host_recv(uint8_t *buf, size_t size, int timeout_ms)
{
    for (int i = 0; i < timeout_ms; i++) {
        ssize_t n = recv(host_fd, buf, size, MSG_DONTWAIT);
        if (n >= 0)
            return n;
        sleep_ms(1);
    }
    return -1;
}

static void host_send(const uint8_t *frame, size_t len)
{
    assert_int_equal(send(host_fd, frame, len, 0), (ssize_t)len);
}

/* Datagrams waiting on the device's end (not consumed). */
static bool backend_has_input(void)
{
    uint8_t b;
    return recv(peek_fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) >= 0;
}

static void make_frame(uint8_t *f, size_t len, uint8_t seed)
{
    memset(f, 0xff, 6);                /* broadcast */
    memcpy(f + 6, test_mac, 6);
    f[12] = 0x88, f[13] = 0xb5;        /* local experimental ethertype */
    for (size_t i = 14; i < len; i++)
        f[i] = (uint8_t)(seed + i * 13);
}

/* Queues a transmit chain: the 12-byte header at BUFS + 0x1000 * slot, the frame
 * in a second descriptor behind it. */
static void tx_chain(unsigned slot, const uint8_t hdr[HDR], const uint8_t *frame, size_t len)
{
    uint64_t h = BUFS + 0x1000ull * slot, d = h + 0x100;
    memcpy(ram(h), hdr, HDR);
    memcpy(ram(d), frame, len);
    ring_desc(&txq, 2 * slot, h, HDR, D_NEXT, (uint16_t)(2 * slot + 1));
    ring_desc(&txq, 2 * slot + 1, d, (uint32_t)len, 0, 0);
    ring_make_available(&txq, (uint16_t)(2 * slot));
}

/* Offers a receive buffer of `size` bytes at BUFS + 0x8000 + 0x1000 * slot as descriptor `slot`. */
static uint64_t rx_buffer(unsigned slot, uint32_t size)
{
    uint64_t b = BUFS + 0x8000 + 0x1000ull * slot;
    memset(ram(b), 0xee, size);
    ring_desc(&rxq, slot, b, size, D_WRITE, 0);
    ring_make_available(&rxq, (uint16_t)slot);
    return b;
}

static struct virtio_net_stats stats(void)
{
    struct virtio_net_stats st;
    virtio_net_get_stats(net_vdev, &st);
    return st;
}

/* ---- Tests ---- */

static void test_identity_and_config(void **state)
{
    assert_int_equal(rd(DEVICE_ID), 1);
    uint64_t f = device_features();
    assert_true(f & F_MAC);
    assert_true(f & F_STATUS);
    assert_true(f & F_CSUM);
    assert_false(f & F_GSO);        /* no segmentation offload */
    assert_false(f & F_MRG_RXBUF);  /* every frame in one buffer */
    for (unsigned i = 0; i < 6; i++)
        assert_int_equal(mmio_read(NET + CONFIG + i, 1), test_mac[i]);
    assert_int_equal(mmio_read(NET + CONFIG + 6, 2), 1); /* VIRTIO_NET_S_LINK_UP */
}

static void test_tx_framing(void **state)
{
    driver_init(ALL_FEATURES);
    uint8_t hdr[HDR] = { 0 }, frame[60], got[128];
    make_frame(frame, sizeof(frame), 1);
    tx_chain(0, hdr, frame, sizeof(frame));
    wr(QUEUE_NOTIFY, 1);
    assert_true(wait_used(&txq, 1));
    assert_int_equal(host_recv(got, sizeof(got), 2000), sizeof(frame));
    assert_memory_equal(got, frame, sizeof(frame));
    uint32_t id, len;
    ring_used_elem(&txq, 0, &id, &len);
    assert_int_equal(id, 0);
    assert_int_equal(len, 0);
    assert_int_equal(stats().tx_frames, 1);

    /* Header and frame in one descriptor, as Linux sends them too. */
    memcpy(ram(BUFS + 0x6000), hdr, HDR);
    memcpy(ram(BUFS + 0x6000 + HDR), frame, sizeof(frame));
    ring_desc(&txq, 6, BUFS + 0x6000, HDR + sizeof(frame), 0, 0);
    ring_make_available(&txq, 6);
    wr(QUEUE_NOTIFY, 1);
    assert_true(wait_used(&txq, 2));
    assert_int_equal(host_recv(got, sizeof(got), 2000), sizeof(frame));
    assert_memory_equal(got, frame, sizeof(frame));
}

/* Reference: RFC 1071 with 32-bit words, folded. */
static uint16_t ref_csum(const uint8_t *p, size_t len)
{
    uint64_t sum = 0;
    size_t i = 0;
    for (; i + 4 <= len; i += 4)
        sum += (uint64_t)p[i] << 24 | (uint64_t)p[i + 1] << 16 | (uint64_t)p[i + 2] << 8 | p[i + 3];
    uint8_t tail[4] = { 0 };
    memcpy(tail, p + i, len - i);
    sum += (uint64_t)tail[0] << 24 | (uint64_t)tail[1] << 16 | (uint64_t)tail[2] << 8 | tail[3];
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void test_tx_checksum_completion(void **state)
{
    driver_init(ALL_FEATURES);
    /* An odd-length UDP-like frame: csum_start 34, field at 34 + 6 holding a
     * "pseudo-header sum" the driver left there. */
    uint8_t frame[77], got[128];
    make_frame(frame, sizeof(frame), 7);
    frame[40] = 0x12, frame[41] = 0x34;
    uint8_t hdr[HDR] = { 1 /* NEEDS_CSUM */ };
    hdr[6] = 34;  /* csum_start */
    hdr[8] = 6;   /* csum_offset */
    tx_chain(0, hdr, frame, sizeof(frame));
    wr(QUEUE_NOTIFY, 1);
    assert_int_equal(host_recv(got, sizeof(got), 2000), sizeof(frame));
    uint16_t want = ref_csum(frame + 34, sizeof(frame) - 34);
    if (!want)
        want = 0xffff;
    assert_int_equal(got[40] << 8 | got[41], want);
    assert_memory_equal(got, frame, 40);
    assert_memory_equal(got + 42, frame + 42, sizeof(frame) - 42);
    /* As a receiver checks it: the range (field filled in) plus the pseudo-header
     * sum the driver had left in the field add up to all ones. */
    uint32_t check = (uint16_t)~ref_csum(got + 34, sizeof(frame) - 34) + 0x1234u;
    check = (check & 0xffff) + (check >> 16);
    assert_int_equal(check, 0xffff);
}

static void test_rx_framing(void **state)
{
    driver_init(ALL_FEATURES);
    uint64_t b = rx_buffer(0, 1526);
    wr(QUEUE_NOTIFY, 0);
    uint8_t frame[100];
    make_frame(frame, sizeof(frame), 3);
    host_send(frame, sizeof(frame));
    assert_true(wait_used(&rxq, 1));
    uint32_t id, len;
    ring_used_elem(&rxq, 0, &id, &len);
    assert_int_equal(id, 0);
    assert_int_equal(len, HDR + sizeof(frame));
    static const uint8_t want_hdr[HDR] = { [10] = 1 }; /* num_buffers = 1, nothing else */
    assert_memory_equal(ram(b), want_hdr, HDR);
    assert_memory_equal(ram(b + HDR), frame, sizeof(frame));
    assert_true(irq_is_high(8));
    assert_int_equal(stats().rx_frames, 1);
}

static void test_rx_flow_control(void **state)
{
    driver_init(ALL_FEATURES);
    /* No receive buffer: frames must stay in the backend, and the device must
     * not spin on the readable fd. */
    uint8_t frame[3][64];
    for (int i = 0; i < 3; i++) {
        make_frame(frame[i], sizeof(frame[i]), (uint8_t)(i * 50));
        host_send(frame[i], sizeof(frame[i]));
    }
    sleep_ms(100);
    struct virtio_net_stats st = stats();
    assert_int_equal(st.rx_frames, 0);
    assert_int_equal(st.rx_dropped, 0);
    assert_true(backend_has_input());
    assert_true(st.rx_wakeups <= 3); /* paused, not polled in a loop */

    /* Two buffers: two frames, in order; the third keeps waiting. */
    uint64_t b0 = rx_buffer(0, 1526), b1 = rx_buffer(1, 1526);
    wr(QUEUE_NOTIFY, 0);
    assert_true(wait_used(&rxq, 2));
    assert_memory_equal(ram(b0 + HDR), frame[0], sizeof(frame[0]));
    assert_memory_equal(ram(b1 + HDR), frame[1], sizeof(frame[1]));
    sleep_ms(50);
    assert_true(backend_has_input());
    assert_true(stats().rx_stalls >= 1);

    /* A third buffer: the last frame. */
    uint64_t b2 = rx_buffer(2, 1526);
    wr(QUEUE_NOTIFY, 0);
    assert_true(wait_used(&rxq, 3));
    assert_memory_equal(ram(b2 + HDR), frame[2], sizeof(frame[2]));
    assert_false(backend_has_input());
    assert_int_equal(stats().rx_frames, 3);
}

static void test_rx_frame_too_big_for_buffer(void **state)
{
    driver_init(ALL_FEATURES);
    uint64_t b = rx_buffer(0, HDR + 50);
    wr(QUEUE_NOTIFY, 0);
    uint8_t big[100], small[40];
    make_frame(big, sizeof(big), 9);
    make_frame(small, sizeof(small), 11);
    host_send(big, sizeof(big));
    host_send(small, sizeof(small));
    assert_true(wait_used(&rxq, 1));
    uint32_t id, len;
    ring_used_elem(&rxq, 0, &id, &len);
    assert_int_equal(len, HDR + sizeof(small));
    assert_memory_equal(ram(b + HDR), small, sizeof(small));
    struct virtio_net_stats st = stats();
    assert_int_equal(st.rx_dropped, 1);
    assert_int_equal(st.rx_frames, 1);
    assert_false(rd(STATUS) & S_NEEDS_RESET);
}

static void test_rx_runt_dropped(void **state)
{
    driver_init(ALL_FEATURES);
    rx_buffer(0, 1526);
    wr(QUEUE_NOTIFY, 0);
    uint8_t runt[10] = { 1, 2, 3 }, frame[60];
    make_frame(frame, sizeof(frame), 5);
    host_send(runt, sizeof(runt));
    host_send(frame, sizeof(frame));
    assert_true(wait_used(&rxq, 1));
    uint32_t id, len;
    ring_used_elem(&rxq, 0, &id, &len);
    assert_int_equal(len, HDR + sizeof(frame));
    assert_int_equal(stats().rx_dropped, 1);
}

static void test_tx_dropped_frames(void **state)
{
    driver_init(ALL_FEATURES);
    uint8_t frame[60], got[128];
    make_frame(frame, sizeof(frame), 2);
    uint8_t gso[HDR] = { 0, 1 /* GSO_TCPV4: not offered */ };
    uint8_t bad_csum[HDR] = { 1 };
    bad_csum[6] = 58, bad_csum[8] = 6; /* the field would end past the frame */
    uint8_t ok[HDR] = { 0 };
    tx_chain(0, gso, frame, sizeof(frame));
    tx_chain(1, bad_csum, frame, sizeof(frame));
    tx_chain(2, ok, frame, 10); /* a runt: no Ethernet header */
    tx_chain(3, ok, frame, sizeof(frame));
    wr(QUEUE_NOTIFY, 1);
    assert_true(wait_used(&txq, 4));
    /* Only the last one leaves; every chain was given back. */
    assert_int_equal(host_recv(got, sizeof(got), 2000), sizeof(frame));
    assert_int_equal(host_recv(got, sizeof(got), 50), -1);
    struct virtio_net_stats st = stats();
    assert_int_equal(st.tx_dropped, 3);
    assert_int_equal(st.tx_frames, 1);
    assert_false(rd(STATUS) & S_NEEDS_RESET);
}

static void test_tx_oversized_dropped(void **state)
{
    driver_init(ALL_FEATURES);
    /* NET_MAX_FRAME + 1 bytes of frame behind the header, in one buffer. */
    uint32_t len = HDR + NET_MAX_FRAME + 1;
    memset(ram(BUFS), 0, HDR);
    ring_desc(&txq, 0, BUFS, len, 0, 0);
    ring_make_available(&txq, 0);
    wr(QUEUE_NOTIFY, 1);
    assert_true(wait_used(&txq, 1));
    uint8_t got[64];
    assert_int_equal(host_recv(got, sizeof(got), 50), -1);
    assert_int_equal(stats().tx_dropped, 1);
}

static void test_csum_not_negotiated_dropped(void **state)
{
    driver_init(VERSION_1 | RING_FEATURES | F_MAC); /* no F_CSUM */
    uint8_t frame[60], got[128];
    make_frame(frame, sizeof(frame), 4);
    uint8_t hdr[HDR] = { 1 };
    hdr[6] = 34, hdr[8] = 6;
    tx_chain(0, hdr, frame, sizeof(frame));
    wr(QUEUE_NOTIFY, 1);
    assert_true(wait_used(&txq, 1));
    assert_int_equal(host_recv(got, sizeof(got), 50), -1);
    assert_int_equal(stats().tx_dropped, 1);
}

static void test_tx_short_header_needs_reset(void **state)
{
    driver_init(ALL_FEATURES);
    ring_desc(&txq, 0, BUFS, 8, 0, 0);
    ring_make_available(&txq, 0);
    wr(QUEUE_NOTIFY, 1);
    assert_true(wait_status_bit(S_NEEDS_RESET));
    assert_int_equal(ring_used_idx(&txq), 0);
}

static void test_tx_writable_buffer_needs_reset(void **state)
{
    driver_init(ALL_FEATURES);
    ring_desc(&txq, 0, BUFS, 72, D_NEXT, 1);
    ring_desc(&txq, 1, BUFS + 0x100, 64, D_WRITE, 0);
    ring_make_available(&txq, 0);
    wr(QUEUE_NOTIFY, 1);
    assert_true(wait_status_bit(S_NEEDS_RESET));
}

static void test_rx_readable_buffer_needs_reset(void **state)
{
    driver_init(ALL_FEATURES);
    ring_desc(&rxq, 0, BUFS, 1526, 0 /* device-readable */, 0);
    ring_make_available(&rxq, 0);
    wr(QUEUE_NOTIFY, 0);
    assert_true(wait_status_bit(S_NEEDS_RESET));
}

static void test_rx_buffer_smaller_than_header_needs_reset(void **state)
{
    driver_init(ALL_FEATURES);
    ring_desc(&rxq, 0, BUFS, 8, D_WRITE, 0);
    ring_make_available(&rxq, 0);
    wr(QUEUE_NOTIFY, 0);
    assert_true(wait_status_bit(S_NEEDS_RESET));
}

static void test_reset_with_held_buffer(void **state)
{
    driver_init(ALL_FEATURES);
    rx_buffer(0, 1526); /* taken and held: no frame to put in it */
    wr(QUEUE_NOTIFY, 0);
    sleep_ms(50);
    wr(STATUS, 0); /* returns only when nothing is in flight */
    assert_int_equal(rd(STATUS), 0);
    /* A fresh start works: a frame sent meanwhile arrives in the new buffer. */
    uint8_t frame[60];
    make_frame(frame, sizeof(frame), 8);
    host_send(frame, sizeof(frame));
    driver_init(ALL_FEATURES);
    uint64_t b = rx_buffer(0, 1526);
    wr(QUEUE_NOTIFY, 0);
    assert_true(wait_used(&rxq, 1));
    assert_memory_equal(ram(b + HDR), frame, sizeof(frame));
}

/* ---- --net user: two devices through libslirp ---- */

static void test_user_arp_and_default_macs(void **state)
{
    /* Slots 7 and 6, in command-line order; distinct derived MACs. */
    uint8_t mac0[6], mac1[6];
    for (unsigned i = 0; i < 6; i++) {
        mac0[i] = (uint8_t)mmio_read(SLOT(7) + CONFIG + i, 1);
        mac1[i] = (uint8_t)mmio_read(SLOT(6) + CONFIG + i, 1);
    }
    assert_int_equal(mac0[0], 0x52);
    assert_int_equal(mac0[1], 0x54);
    assert_int_equal(mac0[2], 0x00);
    assert_memory_equal(mac1, mac0, 3);
    assert_memory_not_equal(mac1, mac0, 6);

    /* As the guest: "who has 10.0.2.2? tell 10.0.2.15", from mac0. */
    driver_init(ALL_FEATURES);
    uint64_t b = rx_buffer(0, 1526);
    wr(QUEUE_NOTIFY, 0);
    uint8_t arp[60] = { 0 };
    memset(arp, 0xff, 6);
    memcpy(arp + 6, mac0, 6);
    arp[12] = 0x08, arp[13] = 0x06;             /* ARP */
    arp[14] = 0, arp[15] = 1;                   /* Ethernet */
    arp[16] = 0x08, arp[17] = 0x00;             /* IPv4 */
    arp[18] = 6, arp[19] = 4, arp[21] = 1;      /* request */
    memcpy(arp + 22, mac0, 6);
    memcpy(arp + 28, (uint8_t[]){ 10, 0, 2, 15 }, 4);
    memcpy(arp + 38, (uint8_t[]){ 10, 0, 2, 2 }, 4);
    uint8_t hdr[HDR] = { 0 };
    tx_chain(0, hdr, arp, sizeof(arp));
    wr(QUEUE_NOTIFY, 1);
    assert_true(wait_used(&rxq, 1));
    const uint8_t *reply = ram(b + HDR);
    assert_memory_equal(reply, mac0, 6);                 /* to us */
    assert_int_equal(reply[12] << 8 | reply[13], 0x0806);
    assert_int_equal(reply[20] << 8 | reply[21], 2);     /* ARP reply */
    assert_memory_equal(reply + 28, ((uint8_t[]){ 10, 0, 2, 2 }), 4);
    assert_memory_equal(reply + 38, ((uint8_t[]){ 10, 0, 2, 15 }), 4);
}

static void test_default_mac_is_stable(void **state)
{
    uint8_t first[6], again[6];
    for (unsigned i = 0; i < 6; i++)
        first[i] = (uint8_t)mmio_read(SLOT(7) + CONFIG + i, 1);
    machine_destroy(&m);
    assert_int_equal(make_machine(false, 2), 0);
    for (unsigned i = 0; i < 6; i++)
        again[i] = (uint8_t)mmio_read(SLOT(7) + CONFIG + i, 1);
    assert_memory_equal(first, again, 6);
}

#define T(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_identity_and_config, setup_socket),
        T(test_tx_framing, setup_socket),
        T(test_tx_checksum_completion, setup_socket),
        T(test_rx_framing, setup_socket),
        T(test_rx_flow_control, setup_socket),
        T(test_rx_frame_too_big_for_buffer, setup_socket),
        T(test_rx_runt_dropped, setup_socket),
        T(test_tx_dropped_frames, setup_socket),
        T(test_tx_oversized_dropped, setup_socket),
        T(test_csum_not_negotiated_dropped, setup_socket),
        T(test_tx_short_header_needs_reset, setup_socket),
        T(test_tx_writable_buffer_needs_reset, setup_socket),
        T(test_rx_readable_buffer_needs_reset, setup_socket),
        T(test_rx_buffer_smaller_than_header_needs_reset, setup_socket),
        T(test_reset_with_held_buffer, setup_socket),
        T(test_user_arp_and_default_macs, setup_user),
        T(test_default_mac_is_stable, setup_user),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

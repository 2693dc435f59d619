/*
 * test_virtio_mmio.c - the virtio-mmio transport and the virtio device core,
 * driven through the bus as a guest driver would: empty slots, slot order,
 * feature negotiation, queue setup, requests completed on the I/O thread and
 * on other threads, interrupts (seen by a fake interrupt controller), config
 * space, DEVICE_NEEDS_RESET on malformed rings and wrong-way buffers, reset
 * waiting for requests in flight; and the virtio-rng and virtio-console
 * devices end to end (the console through the real stdio backend, with pipes
 * on stdin and stdout, as test_uart does).
 *
 * A test device type ("virtio-test") is registered here with
 * VIRTIO_DEVICE_TYPE_REGISTER, like any device; it exists only when a test
 * turns it on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/machine.h"
#include "device_harness.h"
#include "rvmm/vm.h"
#include "virtio/virtio.h"
#include "virtq_rings.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1ull << 20)
#define SLOT(n) (0x10001000ull + 0x1000ull * (n))
#define SLOT_IRQ(n) (1 + (n))
#define AREA0 (RAM_BASE + 0x1000)
#define AREA1 (RAM_BASE + 0x3000)
#define BUFS (RAM_BASE + 0x10000)

enum {
    MAGIC = 0x000, VERSION = 0x004, DEVICE_ID = 0x008, VENDOR_ID = 0x00c,
    DEVICE_FEATURES = 0x010, DEVICE_FEATURES_SEL = 0x014, DRIVER_FEATURES = 0x020,
    DRIVER_FEATURES_SEL = 0x024, QUEUE_SEL = 0x030, QUEUE_NUM_MAX = 0x034, QUEUE_NUM = 0x038,
    QUEUE_READY = 0x044, QUEUE_NOTIFY = 0x050, INTERRUPT_STATUS = 0x060, INTERRUPT_ACK = 0x064,
    STATUS = 0x070, QUEUE_DESC_LOW = 0x080, QUEUE_DESC_HIGH = 0x084, QUEUE_DRIVER_LOW = 0x090,
    QUEUE_DRIVER_HIGH = 0x094, QUEUE_DEVICE_LOW = 0x0a0, QUEUE_DEVICE_HIGH = 0x0a4,
    SHM_LEN_LOW = 0x0b0, CONFIG_GENERATION = 0x0fc, CONFIG = 0x100,
};

#define S_ACK 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8
#define S_NEEDS_RESET 64

static const struct board_region test_map[] = {
    { "virtio0", SLOT(0), 0x1000, 1 }, { "virtio1", SLOT(1), 0x1000, 2 },
    { "virtio2", SLOT(2), 0x1000, 3 }, { "virtio3", SLOT(3), 0x1000, 4 },
    { "virtio4", SLOT(4), 0x1000, 5 }, { "virtio5", SLOT(5), 0x1000, 6 },
    { "virtio6", SLOT(6), 0x1000, 7 }, { "virtio7", SLOT(7), 0x1000, 8 },
};

static struct vm_config cfg;
static int stdin_writer = -1;

/* ---- The test device: queue 0 hands chains to a worker thread, queue 1 completes at once. ---- */

#define TEST_DEVICE_ID 0x2a
#define TEST_FEATURE 5

static bool test_device_wanted;
static struct virtio_dev *test_vdev;
static uint8_t test_config[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
static uint32_t test_config_writes;
static int test_resets;

struct worker_job {
    struct virtio_dev *vdev;
    struct virtq_chain chain;
    long delay_ms;
    int *done; /* set just before completing */
};

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
    nanosleep(&ts, NULL);
}

static long worker_delay_ms;
static int worker_done;
static struct test_ring *refill_ring;

static void *worker(void *arg)
{
    struct worker_job *job = arg;
    sleep_ms(job->delay_ms);
    virtq_chain_write(&job->chain, 0, "done", 4);
    __atomic_store_n(job->done, 1, __ATOMIC_SEQ_CST);
    virtio_complete(job->vdev, &job->chain, 4); /* from this thread, without the lock */
    free(job);
    return NULL;
}

/* On the I/O thread: no cmocka asserts here (they jump back into the test's thread). */
static void test_dev_queue_notify(struct virtio_dev *vdev, unsigned q)
{
    for (;;) {
        struct worker_job *job = malloc(sizeof(*job));
        if (!job)
            abort();
        if (virtio_pop(vdev, q, &job->chain) <= 0) {
            free(job);
            return;
        }
        if (q == 1) {
            virtio_push(vdev, &job->chain, 0);
            struct test_ring *r = __atomic_load_n(&refill_ring, __ATOMIC_SEQ_CST);
            if (r) /* a guest that refills the queue as fast as the device empties it */
                ring_make_available(r, job->chain.head);
            free(job);
            continue;
        }
        job->vdev = vdev;
        job->delay_ms = worker_delay_ms;
        job->done = &worker_done;
        pthread_t t;
        if (pthread_create(&t, NULL, worker, job))
            abort();
        pthread_detach(t);
    }
}

static void test_dev_config_write(struct virtio_dev *vdev, uint32_t off, unsigned size, uint32_t v)
{
    memcpy(test_config + off, &v, size);
    test_config_writes++;
    virtio_config_changed(vdev);
}

static void test_dev_reset(struct virtio_dev *vdev)
{
    test_resets++;
}

static const struct virtio_device_ops test_ops = {
    .name = "virtio-test",
    .device_id = TEST_DEVICE_ID,
    .features = 1ull << TEST_FEATURE,
    .num_queues = 2,
    .queue_max = 16,
    .config_size = sizeof(test_config),
    .config_write = test_dev_config_write,
    .queue_notify = test_dev_queue_notify,
    .reset = test_dev_reset,
};

static int test_dev_create(struct virtio_bus *bus)
{
    if (!test_device_wanted)
        return 0;
    int err = virtio_device_add(bus, &test_ops, NULL, &test_vdev);
    if (!err)
        test_vdev->config = test_config;
    return err;
}

/* Order 0: before the console and the rng. */
static const struct virtio_device_type test_type = { "virtio-test", 0, test_dev_create };
VIRTIO_DEVICE_TYPE_REGISTER(test_type);

/* ---- Machine and driver helpers ---- */

static int group_setup(void **state)
{
    int fds[2];
    if (pipe(fds) || dup2(fds[0], STDIN_FILENO) < 0)
        return -1;
    close(fds[0]);
    stdin_writer = fds[1];
    return 0;
}

static int make_machine(bool test_dev, bool rng, bool console)
{
    memset(&cfg, 0, sizeof(cfg));
    cfg.rng = rng;
    cfg.console = console ? VM_CONSOLE_VIRTIO : VM_CONSOLE_UART;
    test_device_wanted = test_dev;
    test_vdev = NULL;
    test_resets = 0;
    test_config_writes = 0;
    worker_delay_ms = 0;
    worker_done = 0;
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

static int setup_empty(void **state) { return make_machine(false, false, false); }
static int setup_test(void **state) { return make_machine(true, false, false); }
static int setup_rng(void **state) { return make_machine(false, true, false); }
static int setup_all(void **state) { return make_machine(true, true, true); }
static int setup_test_rng(void **state) { return make_machine(true, true, false); }

static uint32_t rd(uint64_t slot, uint64_t reg)
{
    return (uint32_t)mmio_read(slot + reg, 4);
}

static void wr(uint64_t slot, uint64_t reg, uint32_t v)
{
    mmio_write(slot + reg, 4, v);
}

static uint64_t device_features(uint64_t slot)
{
    wr(slot, DEVICE_FEATURES_SEL, 1);
    uint64_t hi = rd(slot, DEVICE_FEATURES);
    wr(slot, DEVICE_FEATURES_SEL, 0);
    return hi << 32 | rd(slot, DEVICE_FEATURES);
}

/* 3.1.1 up to FEATURES_OK; returns the status read back. */
static uint32_t negotiate(uint64_t slot, uint64_t features)
{
    wr(slot, STATUS, 0);
    assert_int_equal(rd(slot, STATUS), 0);
    wr(slot, STATUS, S_ACK);
    wr(slot, STATUS, S_ACK | S_DRIVER);
    wr(slot, DRIVER_FEATURES_SEL, 0);
    wr(slot, DRIVER_FEATURES, (uint32_t)features);
    wr(slot, DRIVER_FEATURES_SEL, 1);
    wr(slot, DRIVER_FEATURES, (uint32_t)(features >> 32));
    wr(slot, STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
    return rd(slot, STATUS);
}

static void setup_queue(uint64_t slot, unsigned q, struct test_ring *r, uint64_t area, uint16_t num)
{
    ring_init(r, m.bus.mem[0].host, RAM_BASE, area, num);
    wr(slot, QUEUE_SEL, q);
    assert_int_equal(rd(slot, QUEUE_READY), 0);
    assert_true(rd(slot, QUEUE_NUM_MAX) >= num);
    wr(slot, QUEUE_NUM, num);
    wr(slot, QUEUE_DESC_LOW, (uint32_t)r->desc);
    wr(slot, QUEUE_DESC_HIGH, (uint32_t)(r->desc >> 32));
    wr(slot, QUEUE_DRIVER_LOW, (uint32_t)r->avail);
    wr(slot, QUEUE_DRIVER_HIGH, (uint32_t)(r->avail >> 32));
    wr(slot, QUEUE_DEVICE_LOW, (uint32_t)r->used);
    wr(slot, QUEUE_DEVICE_HIGH, (uint32_t)(r->used >> 32));
    wr(slot, QUEUE_READY, 1);
}

#define VERSION_1 (1ull << 32)
#define RING_FEATURES ((1ull << 28) | (1ull << 29))

/* The whole driver initialisation with one queue (q) of 8 entries. */
static void driver_init(uint64_t slot, unsigned q, struct test_ring *r, uint64_t features)
{
    assert_true(negotiate(slot, features) & S_FEATURES_OK);
    setup_queue(slot, q, r, AREA0, 8);
    assert_int_equal(rd(slot, QUEUE_READY), 1);
    wr(slot, STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
    assert_int_equal(rd(slot, STATUS), S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
}

static bool wait_used(const struct test_ring *r, uint16_t idx)
{
    for (int i = 0; i < 2000; i++) {
        if (ring_used_idx(r) == idx)
            return true;
        sleep_ms(1);
    }
    return false;
}

static bool wait_status_bit(uint64_t slot, uint32_t bit)
{
    for (int i = 0; i < 2000; i++) {
        if (rd(slot, STATUS) & bit)
            return true;
        sleep_ms(1);
    }
    return false;
}

static uint8_t *ram(uint64_t gpa)
{
    return m.bus.mem[0].host + (gpa - RAM_BASE);
}

/* ---- Transport ---- */

static void test_empty_slots(void **state)
{
    for (unsigned n = 0; n < 8; n++) {
        assert_int_equal(rd(SLOT(n), MAGIC), 0x74726976);
        assert_int_equal(rd(SLOT(n), VERSION), 2);
        assert_int_equal(rd(SLOT(n), DEVICE_ID), 0); /* drivers skip it */
        assert_int_equal(rd(SLOT(n), STATUS), 0);
        wr(SLOT(n), STATUS, S_ACK); /* ignored */
        assert_int_equal(rd(SLOT(n), STATUS), 0);
    }
}

/* Slots from the top, in type order: test device (order 0), console, rng. */
static void test_slot_order(void **state)
{
    assert_int_equal(rd(SLOT(7), DEVICE_ID), TEST_DEVICE_ID);
    assert_int_equal(rd(SLOT(6), DEVICE_ID), 3); /* console */
    assert_int_equal(rd(SLOT(5), DEVICE_ID), 4); /* entropy */
    for (unsigned n = 0; n < 5; n++)
        assert_int_equal(rd(SLOT(n), DEVICE_ID), 0);
}

static void test_features(void **state)
{
    uint64_t f = device_features(SLOT(7));
    assert_true(f & VERSION_1);
    assert_true(f & (1ull << 28)); /* INDIRECT_DESC */
    assert_true(f & (1ull << 29)); /* EVENT_IDX */
    assert_true(f & (1ull << TEST_FEATURE));
    wr(SLOT(7), DEVICE_FEATURES_SEL, 2);
    assert_int_equal(rd(SLOT(7), DEVICE_FEATURES), 0);

    /* Modern only: FEATURES_OK refused without VERSION_1 ... */
    assert_false(negotiate(SLOT(7), 1ull << TEST_FEATURE) & S_FEATURES_OK);
    /* ... and with a bit that was not offered. */
    assert_false(negotiate(SLOT(7), VERSION_1 | (1ull << 40)) & S_FEATURES_OK);
    /* DRIVER_OK without FEATURES_OK does not start the device. */
    wr(SLOT(7), STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
    assert_false(rd(SLOT(7), STATUS) & S_DRIVER_OK);
    /* A subset with VERSION_1 is accepted; features are fixed after FEATURES_OK. */
    assert_true(negotiate(SLOT(7), VERSION_1 | (1ull << TEST_FEATURE)) & S_FEATURES_OK);
    wr(SLOT(7), DRIVER_FEATURES_SEL, 0);
    wr(SLOT(7), DRIVER_FEATURES, 0xffffffff);
    assert_int_equal(test_vdev->driver_features, VERSION_1 | (1ull << TEST_FEATURE));
}

static void test_registers_are_32_bit(void **state)
{
    assert_int_equal(mmio_read(SLOT(7) + MAGIC, 1), 0);
    assert_int_equal(mmio_read(SLOT(7) + MAGIC, 2), 0);
    assert_int_equal(mmio_read(SLOT(7) + SHM_LEN_LOW, 4), 0xffffffff); /* no shared memory */
    mmio_write(SLOT(7) + STATUS, 1, S_ACK);
    assert_int_equal(rd(SLOT(7), STATUS), 0);
}

static void test_queue_registers(void **state)
{
    struct test_ring r;
    wr(SLOT(7), QUEUE_SEL, 2); /* the test device has queues 0 and 1 */
    assert_int_equal(rd(SLOT(7), QUEUE_NUM_MAX), 0);
    wr(SLOT(7), QUEUE_READY, 1);
    assert_int_equal(rd(SLOT(7), QUEUE_READY), 0);
    wr(SLOT(7), QUEUE_SEL, 1);
    assert_int_equal(rd(SLOT(7), QUEUE_NUM_MAX), 16);

    assert_true(negotiate(SLOT(7), VERSION_1) & S_FEATURES_OK);
    setup_queue(SLOT(7), 1, &r, AREA1, 16);
    assert_int_equal(rd(SLOT(7), QUEUE_READY), 1);
    /* Writes to a ready queue's setup are ignored. */
    wr(SLOT(7), QUEUE_NUM, 4);
    wr(SLOT(7), QUEUE_DESC_LOW, 0);
    assert_int_equal(test_vdev->vq[1].num, 16);
    assert_int_equal(test_vdev->vq[1].desc_addr, r.desc);
    /* QueueReady 0 stops the queue. */
    wr(SLOT(7), QUEUE_READY, 0);
    assert_int_equal(rd(SLOT(7), QUEUE_READY), 0);
}

static void test_bad_queue_setup_needs_reset(void **state)
{
    struct test_ring r;
    static const uint16_t bad_num[] = { 3, 32, 0 };
    for (unsigned i = 0; i < 3; i++) {
        assert_true(negotiate(SLOT(7), VERSION_1) & S_FEATURES_OK);
        ring_init(&r, m.bus.mem[0].host, RAM_BASE, AREA0, 8);
        wr(SLOT(7), QUEUE_SEL, 0);
        wr(SLOT(7), QUEUE_NUM, bad_num[i]); /* not a power of two; above QueueNumMax; zero */
        wr(SLOT(7), QUEUE_DESC_LOW, (uint32_t)r.desc);
        wr(SLOT(7), QUEUE_DRIVER_LOW, (uint32_t)r.avail);
        wr(SLOT(7), QUEUE_DEVICE_LOW, (uint32_t)r.used);
        wr(SLOT(7), QUEUE_DESC_HIGH, 0);
        wr(SLOT(7), QUEUE_DRIVER_HIGH, 0);
        wr(SLOT(7), QUEUE_DEVICE_HIGH, 0);
        wr(SLOT(7), QUEUE_READY, 1);
        assert_int_equal(rd(SLOT(7), QUEUE_READY), 0);
        assert_true(rd(SLOT(7), STATUS) & S_NEEDS_RESET);
    }
    /* A ring outside RAM, too. */
    assert_true(negotiate(SLOT(7), VERSION_1) & S_FEATURES_OK);
    wr(SLOT(7), QUEUE_SEL, 0);
    wr(SLOT(7), QUEUE_NUM, 8);
    wr(SLOT(7), QUEUE_DESC_LOW, 0x10001000); /* MMIO, not RAM */
    wr(SLOT(7), QUEUE_READY, 1);
    assert_true(rd(SLOT(7), STATUS) & S_NEEDS_RESET);
    wr(SLOT(7), STATUS, 0);
    assert_int_equal(rd(SLOT(7), STATUS), 0);
}

/* A request completed on another thread, with the used-buffer interrupt. */
static void test_complete_from_worker_thread(void **state)
{
    struct test_ring r;
    driver_init(SLOT(7), 0, &r, VERSION_1);
    ring_desc(&r, 0, BUFS, 8, 2 /* WRITE */, 0);
    ring_make_available(&r, 0);
    wr(SLOT(7), QUEUE_NOTIFY, 0);
    assert_true(wait_used(&r, 1));
    uint32_t id, len;
    ring_used_elem(&r, 0, &id, &len);
    assert_int_equal(id, 0);
    assert_int_equal(len, 4);
    assert_memory_equal(ram(BUFS), "done", 4);
    assert_true(irq_is_high(SLOT_IRQ(7)));
    assert_int_equal(rd(SLOT(7), INTERRUPT_STATUS), 1);
    wr(SLOT(7), INTERRUPT_ACK, 1);
    assert_int_equal(rd(SLOT(7), INTERRUPT_STATUS), 0);
    assert_false(irq_is_high(SLOT_IRQ(7)));
}

/* Many requests, each with its own notify: all are completed, none lost. */
static void test_many_notifies(void **state)
{
    struct test_ring r;
    assert_true(negotiate(SLOT(7), VERSION_1 | RING_FEATURES) & S_FEATURES_OK);
    setup_queue(SLOT(7), 1, &r, AREA1, 16);
    wr(SLOT(7), STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
    ring_desc(&r, 0, BUFS, 8, 0, 0);
    for (unsigned i = 0; i < 1000; i++) {
        while ((uint16_t)(r.avail_idx - ring_used_idx(&r)) >= 16)
            sleep_ms(0);
        ring_make_available(&r, 0);
        wr(SLOT(7), QUEUE_NOTIFY, 1);
    }
    assert_true(wait_used(&r, 1000));
}

/* Buffers made available and notified before DRIVER_OK are taken once it is set. */
static void test_notify_before_driver_ok(void **state)
{
    struct test_ring r;
    assert_true(negotiate(SLOT(7), VERSION_1) & S_FEATURES_OK);
    setup_queue(SLOT(7), 1, &r, AREA1, 8);
    ring_desc(&r, 0, BUFS, 8, 0, 0);
    ring_make_available(&r, 0);
    wr(SLOT(7), QUEUE_NOTIFY, 1);
    sleep_ms(50);
    assert_int_equal(ring_used_idx(&r), 0); /* 3.1.1: nothing before DRIVER_OK */
    wr(SLOT(7), STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
    assert_true(wait_used(&r, 1));
}

/* Status 0 returns only when the request in flight has completed. */
static void test_reset_waits_for_inflight(void **state)
{
    struct test_ring r;
    worker_delay_ms = 200;
    driver_init(SLOT(7), 0, &r, VERSION_1);
    ring_desc(&r, 0, BUFS, 8, 2, 0);
    ring_make_available(&r, 0);
    wr(SLOT(7), QUEUE_NOTIFY, 0);
    for (int i = 0; i < 2000 && !__atomic_load_n(&test_vdev->inflight, __ATOMIC_SEQ_CST); i++)
        sleep_ms(1); /* the I/O thread has handed it to the worker */
    assert_int_equal(__atomic_load_n(&worker_done, __ATOMIC_SEQ_CST), 0);
    int resets = test_resets;
    wr(SLOT(7), STATUS, 0);
    assert_int_equal(__atomic_load_n(&worker_done, __ATOMIC_SEQ_CST), 1);
    assert_int_equal(test_resets, resets + 1);
    assert_int_equal(rd(SLOT(7), STATUS), 0);
    assert_int_equal(rd(SLOT(7), INTERRUPT_STATUS), 0);
    assert_false(irq_is_high(SLOT_IRQ(7)));
    wr(SLOT(7), QUEUE_SEL, 0);
    assert_int_equal(rd(SLOT(7), QUEUE_READY), 0);
}

static void test_malformed_ring_needs_reset(void **state)
{
    struct test_ring r;
    driver_init(SLOT(7), 1, &r, VERSION_1);
    ring_desc(&r, 0, BUFS, 8, 1 /* NEXT */, 1);
    ring_desc(&r, 1, BUFS, 8, 1, 0); /* a cycle */
    ring_make_available(&r, 0);
    wr(SLOT(7), QUEUE_NOTIFY, 1);
    assert_true(wait_status_bit(SLOT(7), S_NEEDS_RESET));
    /* 2.1.2: a configuration change notification. */
    assert_true(rd(SLOT(7), INTERRUPT_STATUS) & 2);
    assert_true(irq_is_high(SLOT_IRQ(7)));
    assert_int_equal(ring_used_idx(&r), 0);
    /* Nothing more is processed until reset ... */
    ring_desc(&r, 1, BUFS, 8, 0, 0);
    ring_make_available(&r, 1);
    wr(SLOT(7), QUEUE_NOTIFY, 1);
    sleep_ms(50);
    assert_int_equal(ring_used_idx(&r), 0);
    /* ... and the driver cannot clear the bit itself. */
    wr(SLOT(7), STATUS, rd(SLOT(7), STATUS) & ~S_NEEDS_RESET);
    assert_true(rd(SLOT(7), STATUS) & S_NEEDS_RESET);
    /* After a reset the device works again. */
    driver_init(SLOT(7), 1, &r, VERSION_1);
    assert_false(irq_is_high(SLOT_IRQ(7)));
    ring_desc(&r, 0, BUFS, 8, 0, 0);
    ring_make_available(&r, 0);
    wr(SLOT(7), QUEUE_NOTIFY, 1);
    assert_true(wait_used(&r, 1));
}

/* However often the guest breaks the device, rvmm says so once. */
static void test_error_logged_once(void **state)
{
    struct test_ring r;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    int saved = dup(STDERR_FILENO);
    assert_true(dup2(fds[1], STDERR_FILENO) >= 0);
    for (unsigned i = 0; i < 3; i++) {
        driver_init(SLOT(7), 1, &r, VERSION_1);
        ring_make_available(&r, 200); /* head index out of range */
        wr(SLOT(7), QUEUE_NOTIFY, 1);
        wait_status_bit(SLOT(7), S_NEEDS_RESET);
    }
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    close(fds[1]);
    char log[4096] = { 0 };
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    ssize_t n = read(fds[0], log, sizeof(log) - 1);
    close(fds[0]);
    assert_true(n > 0);
    assert_non_null(strstr(log, "virtio-test at virtio-mmio@10008000: queue 1: descriptor index out of range"));
    unsigned lines = 0;
    for (ssize_t i = 0; i < n; i++)
        lines += log[i] == '\n';
    assert_int_equal(lines, 1);
}

/* A queue that never runs dry does not keep the I/O thread from other devices. */
static void test_dispatch_budget(void **state)
{
    struct test_ring busy, r;
    driver_init(SLOT(6), 0, &r, VERSION_1); /* the rng */
    assert_true(negotiate(SLOT(7), VERSION_1) & S_FEATURES_OK);
    setup_queue(SLOT(7), 1, &busy, AREA1, 16);
    wr(SLOT(7), STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
    ring_desc(&busy, 0, BUFS + 0x800, 8, 0, 0);
    __atomic_store_n(&refill_ring, &busy, __ATOMIC_SEQ_CST);
    ring_make_available(&busy, 0);
    wr(SLOT(7), QUEUE_NOTIFY, 1);
    while (ring_used_idx(&busy) < 1000)
        sleep_ms(1);

    ring_desc(&r, 0, BUFS, 16, 2, 0);
    ring_make_available(&r, 0);
    wr(SLOT(6), QUEUE_NOTIFY, 0);
    bool served = wait_used(&r, 1);
    __atomic_store_n(&refill_ring, NULL, __ATOMIC_SEQ_CST);
    assert_true(served);
}

static void test_config_space(void **state)
{
    assert_int_equal(rd(SLOT(7), CONFIG), 0x44332211);
    assert_int_equal(mmio_read(SLOT(7) + CONFIG + 5, 1), 0x66);
    assert_int_equal(mmio_read(SLOT(7) + CONFIG + 6, 2), 0x8877);
    assert_int_equal(mmio_read(SLOT(7) + CONFIG, 8), 0x8877665544332211ull); /* split in two */
    assert_int_equal(mmio_read(SLOT(7) + CONFIG + 8, 4), 0);                 /* past the end */
    assert_int_equal(mmio_read(SLOT(7) + CONFIG + 6, 4), 0x8877); /* misaligned: byte by byte */

    assert_true(negotiate(SLOT(7), VERSION_1) & S_FEATURES_OK);
    wr(SLOT(7), STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
    uint32_t gen = rd(SLOT(7), CONFIG_GENERATION);
    mmio_write(SLOT(7) + CONFIG + 1, 1, 0xab);
    assert_int_equal(test_config_writes, 1);
    assert_int_equal(rd(SLOT(7), CONFIG), 0x4433ab11);
    assert_true(rd(SLOT(7), CONFIG_GENERATION) != gen);
    assert_int_equal(rd(SLOT(7), INTERRUPT_STATUS), 2);
    assert_true(irq_is_high(SLOT_IRQ(7)));
    mmio_write(SLOT(7) + CONFIG + 8, 4, 1); /* outside: ignored */
    assert_int_equal(test_config_writes, 1);
}

static void test_machine_reset(void **state)
{
    struct test_ring r;
    driver_init(SLOT(7), 1, &r, VERSION_1);
    machine_reset_devices(&m);
    assert_int_equal(rd(SLOT(7), STATUS), 0);
    wr(SLOT(7), QUEUE_SEL, 1);
    assert_int_equal(rd(SLOT(7), QUEUE_READY), 0);
}

/* ---- virtio-rng ---- */

static void test_rng(void **state)
{
    struct test_ring r;
    assert_int_equal(rd(SLOT(7), DEVICE_ID), 4);
    assert_int_equal(rd(SLOT(6), DEVICE_ID), 0);
    driver_init(SLOT(7), 0, &r, VERSION_1 | RING_FEATURES);
    ring_desc(&r, 0, BUFS, 32, 2 | 1 /* WRITE | NEXT */, 1);
    ring_desc(&r, 1, BUFS + 0x100, 32, 2, 0);
    ring_make_available(&r, 0);
    wr(SLOT(7), QUEUE_NOTIFY, 0);
    assert_true(wait_used(&r, 1));
    uint32_t id, len;
    ring_used_elem(&r, 0, &id, &len);
    assert_int_equal(len, 64);
    static const uint8_t zero[32];
    assert_memory_not_equal(ram(BUFS), zero, 32);
    assert_memory_not_equal(ram(BUFS + 0x100), zero, 32);
    assert_memory_not_equal(ram(BUFS), ram(BUFS + 0x100), 32);
    assert_true(irq_is_high(SLOT_IRQ(7)));
}

static void test_rng_wrong_direction(void **state)
{
    struct test_ring r;
    driver_init(SLOT(7), 0, &r, VERSION_1);
    ring_desc(&r, 0, BUFS, 32, 0 /* device-readable */, 0);
    ring_make_available(&r, 0);
    wr(SLOT(7), QUEUE_NOTIFY, 0);
    assert_true(wait_status_bit(SLOT(7), S_NEEDS_RESET));
    assert_int_equal(ring_used_idx(&r), 0);
}

static void test_rng_buffer_outside_ram(void **state)
{
    struct test_ring r;
    driver_init(SLOT(7), 0, &r, VERSION_1);
    ring_desc(&r, 0, RAM_BASE + RAM_SIZE - 16, 32, 2, 0);
    ring_make_available(&r, 0);
    wr(SLOT(7), QUEUE_NOTIFY, 0);
    assert_true(wait_status_bit(SLOT(7), S_NEEDS_RESET));
}

/* ---- virtio-console (slot 6 in setup_all) ---- */

static void test_console_output(void **state)
{
    struct test_ring r;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    int saved = dup(STDOUT_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fds[1], STDOUT_FILENO) >= 0);

    driver_init(SLOT(6), 1, &r, VERSION_1 | RING_FEATURES);
    memcpy(ram(BUFS), "hello, ", 7);
    memcpy(ram(BUFS + 0x100), "world", 5);
    ring_desc(&r, 0, BUFS, 7, 1, 1);
    ring_desc(&r, 1, BUFS + 0x100, 5, 0, 0);
    ring_make_available(&r, 0);
    wr(SLOT(6), QUEUE_NOTIFY, 1);
    bool used = wait_used(&r, 1);
    mmio_write(SLOT(6) + CONFIG + 8, 4, '!'); /* emerg_wr */

    assert_true(dup2(saved, STDOUT_FILENO) >= 0);
    close(saved);
    close(fds[1]);
    char out[64] = { 0 };
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    ssize_t n = read(fds[0], out, sizeof(out) - 1);
    close(fds[0]);
    assert_true(used);
    assert_int_equal(n, 13);
    assert_string_equal(out, "hello, world!");
    /* A device-writable buffer on the transmit queue is the driver's error. */
    ring_desc(&r, 2, BUFS, 8, 2, 0);
    ring_make_available(&r, 2);
    wr(SLOT(6), QUEUE_NOTIFY, 1);
    assert_true(wait_status_bit(SLOT(6), S_NEEDS_RESET));
}

static void test_console_input(void **state)
{
    struct test_ring r;
    driver_init(SLOT(6), 0, &r, VERSION_1 | RING_FEATURES);
    ring_desc(&r, 0, BUFS, 4, 2, 0);
    ring_desc(&r, 1, BUFS + 0x100, 64, 2, 0);
    ring_make_available(&r, 0);
    ring_make_available(&r, 1);
    wr(SLOT(6), QUEUE_NOTIFY, 0);
    assert_int_equal(write(stdin_writer, "typed!", 6), 6);
    /* Four bytes fill the first buffer, the rest go to the next one. */
    assert_true(wait_used(&r, 2));
    uint32_t id, len;
    ring_used_elem(&r, 0, &id, &len);
    assert_int_equal(id, 0);
    assert_int_equal(len, 4);
    ring_used_elem(&r, 1, &id, &len);
    assert_int_equal(id, 1);
    assert_int_equal(len, 2);
    assert_memory_equal(ram(BUFS), "type", 4);
    assert_memory_equal(ram(BUFS + 0x100), "d!", 2);
    assert_true(irq_is_high(SLOT_IRQ(6)));

    /* Input with no buffer waits in the backend until the driver adds one. */
    assert_int_equal(write(stdin_writer, "later", 5), 5);
    sleep_ms(50);
    assert_int_equal(ring_used_idx(&r), 2);
    ring_make_available(&r, 1);
    wr(SLOT(6), QUEUE_NOTIFY, 0);
    assert_true(wait_used(&r, 3));
    assert_memory_equal(ram(BUFS + 0x100), "later", 5);

    /* A reset with receive buffers available. */
    ring_make_available(&r, 0);
    wr(SLOT(6), QUEUE_NOTIFY, 0);
    sleep_ms(50);
    wr(SLOT(6), STATUS, 0);
    assert_int_equal(rd(SLOT(6), STATUS), 0);
}

#define T(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, harness_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_empty_slots, setup_empty),
        T(test_slot_order, setup_all),
        T(test_features, setup_test),
        T(test_registers_are_32_bit, setup_test),
        T(test_queue_registers, setup_test),
        T(test_bad_queue_setup_needs_reset, setup_test),
        T(test_complete_from_worker_thread, setup_test),
        T(test_many_notifies, setup_test),
        T(test_notify_before_driver_ok, setup_test),
        T(test_reset_waits_for_inflight, setup_test),
        T(test_malformed_ring_needs_reset, setup_test),
        T(test_error_logged_once, setup_test),
        T(test_dispatch_budget, setup_test_rng),
        T(test_config_space, setup_test),
        T(test_machine_reset, setup_test),
        T(test_rng, setup_rng),
        T(test_rng_wrong_direction, setup_rng),
        T(test_rng_buffer_outside_ram, setup_rng),
        T(test_console_output, setup_all),
        T(test_console_input, setup_all),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}

/*
 * test_virtqueue.c - the split-virtqueue walker (src/virtio/virtqueue.c) on
 * rings built in a fake guest RAM: normal chains, indirect tables, event-index
 * interrupt suppression and avail_event, writes reported to the code cache,
 * and every malformed-ring case the walker must refuse without reading or
 * writing outside guest RAM or looping (run under ASan and UBSan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "core/bus.h"
#include "virtio/virtqueue.h"
#include "virtq_rings.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (256ull << 10)
#define ROM_BASE 0x1000ull
#define ROM_SIZE 0x1000ull
#define AREA (RAM_BASE + 0x1000)   /* the rings */
#define BUFS (RAM_BASE + 0x10000)  /* data buffers */
#define TABLE (RAM_BASE + 0x20000) /* indirect tables */
#define QSIZE 16

#define FEATURES_ALL ((1ull << VIRTIO_F_INDIRECT_DESC) | (1ull << VIRTIO_F_EVENT_IDX))

static struct bus bus;
static struct virtq vq;
static struct test_ring ring;
static struct virtq_chain chain;

static uint8_t *host(uint64_t gpa)
{
    return bus.mem[0].host + (gpa - RAM_BASE);
}

static int setup(void **state)
{
    memset(&bus, 0, sizeof(bus));
    if (bus_add_mem(&bus, "ram", RAM_BASE, RAM_SIZE, false) ||
        bus_add_mem(&bus, "rom", ROM_BASE, ROM_SIZE, true))
        return -1;
    ring_init(&ring, bus.mem[0].host, RAM_BASE, AREA, QSIZE);
    virtq_reset(&vq, QSIZE);
    return 0;
}

static int teardown(void **state)
{
    bus_destroy(&bus);
    return 0;
}

/* Starts over with a fresh guest RAM and queue, inside a test. */
static void fresh(void)
{
    teardown(NULL);
    assert_int_equal(setup(NULL), 0);
}

/* Starts the queue on `ring` with `features`. */
static void start(uint64_t features)
{
    vq.num = ring.num;
    vq.desc_addr = ring.desc;
    vq.avail_addr = ring.avail;
    vq.used_addr = ring.used;
    assert_int_equal(virtq_start(&vq, &bus, QSIZE, features), 0);
    assert_true(vq.ready);
}

/* Pops expecting a malformed ring. */
static void expect_refused(void)
{
    assert_int_equal(virtq_pop(&vq, &chain), -EINVAL);
    assert_non_null(vq.error);
}

/* ---- normal operation ---- */

static void test_empty_queue(void **state)
{
    start(0);
    assert_int_equal(virtq_pop(&vq, &chain), 0);
    virtq_stop(&vq);
    assert_int_equal(virtq_pop(&vq, &chain), 0);
}

static void test_chain_in_and_out(void **state)
{
    start(0);
    memcpy(host(BUFS), "request", 7);
    ring_desc(&ring, 3, BUFS, 7, VIRTQ_DESC_F_NEXT, 5);
    ring_desc(&ring, 5, BUFS + 0x100, 16, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 9);
    ring_desc(&ring, 9, BUFS + 0x200, 8, VIRTQ_DESC_F_WRITE, 0);
    ring_make_available(&ring, 3);

    assert_int_equal(virtq_pop(&vq, &chain), 1);
    assert_int_equal(chain.head, 3);
    assert_int_equal(chain.nout, 1);
    assert_int_equal(chain.nin, 2);
    assert_int_equal(chain.out_bytes, 7);
    assert_int_equal(chain.in_bytes, 24);
    assert_ptr_equal(chain.iov[0].iov_base, host(BUFS));
    assert_int_equal(chain.gpa[1], BUFS + 0x100);

    char got[8] = { 0 };
    assert_int_equal(virtq_chain_read(&chain, 2, got, sizeof(got)), 5);
    assert_string_equal(got, "quest");
    /* A write crossing from the first writable segment into the second. */
    assert_int_equal(virtq_chain_write(&chain, 12, "abcdefgh", 8), 8);
    assert_memory_equal(host(BUFS + 0x100 + 12), "abcd", 4);
    assert_memory_equal(host(BUFS + 0x200), "efgh", 4);
    assert_int_equal(virtq_chain_write(&chain, 24, "x", 1), 0); /* past the end */

    virtq_push(&vq, &chain, 20);
    assert_int_equal(ring_used_idx(&ring), 1);
    uint32_t id, len;
    ring_used_elem(&ring, 0, &id, &len);
    assert_int_equal(id, 3);
    assert_int_equal(len, 20);
    assert_int_equal(virtq_pop(&vq, &chain), 0);
}

static void test_used_len_clamped(void **state)
{
    start(0);
    ring_desc(&ring, 0, BUFS, 10, VIRTQ_DESC_F_WRITE, 0);
    ring_make_available(&ring, 0);
    assert_int_equal(virtq_pop(&vq, &chain), 1);
    virtq_push(&vq, &chain, 1000);
    uint32_t id, len;
    ring_used_elem(&ring, 0, &id, &len);
    assert_int_equal(len, 10);
}

static void test_ring_wraps(void **state)
{
    start(0);
    ring_desc(&ring, 1, BUFS, 4, VIRTQ_DESC_F_WRITE, 0);
    for (unsigned i = 0; i < 3 * QSIZE + 5; i++) {
        ring_make_available(&ring, 1);
        assert_int_equal(virtq_pop(&vq, &chain), 1);
        assert_int_equal(chain.head, 1);
        virtq_push(&vq, &chain, 4);
    }
    assert_int_equal(ring_used_idx(&ring), 3 * QSIZE + 5);
}

/* Zero-length descriptors carry nothing and are skipped. */
static void test_zero_length_descriptor(void **state)
{
    start(0);
    ring_desc(&ring, 0, 0xdead0000, 0, VIRTQ_DESC_F_NEXT, 1); /* address unused: no bytes */
    ring_desc(&ring, 1, BUFS, 4, 0, 0);
    ring_make_available(&ring, 0);
    assert_int_equal(virtq_pop(&vq, &chain), 1);
    assert_int_equal(chain.nout, 1);
    assert_int_equal(chain.out_bytes, 4);
}

static void test_indirect(void **state)
{
    start(FEATURES_ALL);
    uint8_t *table = host(TABLE);
    ring_table_desc(table, 0, BUFS, 4, VIRTQ_DESC_F_NEXT, 2);
    ring_table_desc(table, 2, BUFS + 0x10, 6, VIRTQ_DESC_F_NEXT, 1);
    ring_table_desc(table, 1, BUFS + 0x20, 32, VIRTQ_DESC_F_WRITE, 0);
    /* The WRITE flag on the pointer to the table means nothing (2.7.5.3.2). */
    ring_desc(&ring, 7, TABLE, 3 * 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_WRITE, 0);
    ring_make_available(&ring, 7);

    assert_int_equal(virtq_pop(&vq, &chain), 1);
    assert_int_equal(chain.head, 7);
    assert_int_equal(chain.nout, 2);
    assert_int_equal(chain.nin, 1);
    assert_int_equal(chain.gpa[0], BUFS);
    assert_int_equal(chain.gpa[1], BUFS + 0x10);
    assert_int_equal(chain.gpa[2], BUFS + 0x20);
    assert_int_equal(chain.in_bytes, 32);
}

/* Direct descriptors, then the indirect one at the end of the chain. */
static void test_direct_then_indirect(void **state)
{
    start(FEATURES_ALL);
    ring_table_desc(host(TABLE), 0, BUFS + 0x40, 8, VIRTQ_DESC_F_WRITE, 0);
    ring_desc(&ring, 0, BUFS, 4, VIRTQ_DESC_F_NEXT, 1);
    ring_desc(&ring, 1, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
    ring_make_available(&ring, 0);
    assert_int_equal(virtq_pop(&vq, &chain), 1);
    assert_int_equal(chain.nout, 1);
    assert_int_equal(chain.nin, 1);
}

/* ---- notification suppression ---- */

static void test_no_interrupt_flag(void **state)
{
    start(0);
    ring_desc(&ring, 0, BUFS, 4, VIRTQ_DESC_F_WRITE, 0);
    ring_make_available(&ring, 0);
    assert_int_equal(virtq_pop(&vq, &chain), 1);
    virtq_push(&vq, &chain, 4);
    assert_true(virtq_should_interrupt(&vq));

    ring_set_avail_flags(&ring, VIRTQ_AVAIL_F_NO_INTERRUPT);
    ring_make_available(&ring, 0);
    assert_int_equal(virtq_pop(&vq, &chain), 1);
    virtq_push(&vq, &chain, 4);
    assert_false(virtq_should_interrupt(&vq));
}

static void test_event_idx_used_event(void **state)
{
    start(FEATURES_ALL);
    ring_desc(&ring, 0, BUFS, 4, VIRTQ_DESC_F_WRITE, 0);
    /* The flag is ignored with EVENT_IDX: used_event decides. */
    ring_set_avail_flags(&ring, VIRTQ_AVAIL_F_NO_INTERRUPT);

    /* The driver wants an interrupt when used->idx goes past 2 (entry 2 used). */
    ring_set_used_event(&ring, 2);
    bool fired[6];
    for (unsigned i = 0; i < 6; i++) {
        ring_make_available(&ring, 0);
        assert_int_equal(virtq_pop(&vq, &chain), 1);
        virtq_push(&vq, &chain, 4);
        fired[i] = virtq_should_interrupt(&vq);
    }
    /* The first decision after start always fires (no previous one to compare with);
     * then only the push that fills entry 2 (used idx 2 -> 3). */
    assert_true(fired[0]);
    assert_false(fired[1]);
    assert_true(fired[2]);
    assert_false(fired[3]);
    assert_false(fired[4]);
    assert_false(fired[5]);

    /* Several pushes, one decision: fires if used_event is anywhere in between. */
    ring_set_used_event(&ring, 7);
    for (unsigned i = 0; i < 3; i++) {
        ring_make_available(&ring, 0);
        assert_int_equal(virtq_pop(&vq, &chain), 1);
        virtq_push(&vq, &chain, 4);
    }
    assert_true(virtq_should_interrupt(&vq)); /* used idx 6 -> 9 covers entry 7 */
}

static void test_event_idx_wraps(void **state)
{
    start(FEATURES_ALL);
    ring_desc(&ring, 0, BUFS, 4, VIRTQ_DESC_F_WRITE, 0);
    /* Run the indices up to just below 2^16, then across. */
    for (unsigned i = 0; i < 65530; i++) {
        ring_make_available(&ring, 0);
        assert_int_equal(virtq_pop(&vq, &chain), 1);
        virtq_push(&vq, &chain, 4);
    }
    ring_set_used_event(&ring, 65535);
    (void)virtq_should_interrupt(&vq);
    unsigned fired = 0;
    for (unsigned i = 0; i < 10; i++) { /* used idx 65530 -> 65540 (mod 2^16) */
        ring_make_available(&ring, 0);
        assert_int_equal(virtq_pop(&vq, &chain), 1);
        virtq_push(&vq, &chain, 4);
        fired += virtq_should_interrupt(&vq);
    }
    assert_int_equal(fired, 1);
}

static void test_event_idx_avail_event(void **state)
{
    start(FEATURES_ALL);
    ring_desc(&ring, 0, BUFS, 4, VIRTQ_DESC_F_WRITE, 0);
    for (unsigned i = 1; i <= 3; i++) {
        ring_make_available(&ring, 0);
        assert_int_equal(virtq_pop(&vq, &chain), 1);
        /* "Notify me when you make entry i available": the next one. */
        assert_int_equal(ring_avail_event(&ring), i);
    }
    /* Without EVENT_IDX the device never writes there. */
    fresh();
    start(0);
    ring_desc(&ring, 0, BUFS, 4, VIRTQ_DESC_F_WRITE, 0);
    ring_make_available(&ring, 0);
    assert_int_equal(virtq_pop(&vq, &chain), 1);
    assert_int_equal(ring_avail_event(&ring), 0);
}

/* Device writes into RAM holding decoded code make it stale (mem_note_host_write). */
static void test_writes_invalidate_code(void **state)
{
    struct mem_region *r = &bus.mem[0];
    uint64_t data_page = mem_page_index(r, BUFS), used_page = mem_page_index(r, AREA);
    start(FEATURES_ALL);
    ring_desc(&ring, 0, BUFS, 64, VIRTQ_DESC_F_WRITE, 0);
    ring_make_available(&ring, 0);
    r->code_page[used_page] = 1; /* avail_event and used elements land here */
    uint32_t used_gen = r->page_gen[used_page];
    assert_int_equal(virtq_pop(&vq, &chain), 1);
    assert_true(r->page_gen[used_page] != used_gen);

    r->code_page[data_page] = 1;
    uint32_t gen = r->page_gen[data_page];
    memset(chain.iov[0].iov_base, 0x13, 64); /* as a device writing through iov would */
    virtq_push(&vq, &chain, 64);             /* reports the len bytes */
    assert_true(r->page_gen[data_page] != gen);

    r->code_page[data_page] = 1;
    gen = r->page_gen[data_page];
    virtq_chain_write(&chain, 0, "x", 1);
    assert_true(r->page_gen[data_page] != gen);
}

/* ---- queue setup refused ---- */

static void test_queue_size_refused(void **state)
{
    static const uint16_t bad[] = { 0, 3, 6, 12, 32, 1000 };
    vq.desc_addr = ring.desc;
    vq.avail_addr = ring.avail;
    vq.used_addr = ring.used;
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        vq.num = bad[i]; /* not a power of two, or above QueueNumMax (16) */
        assert_int_equal(virtq_start(&vq, &bus, QSIZE, 0), -EINVAL);
        assert_false(vq.ready);
    }
    vq.num = 8; /* smaller than the maximum is fine */
    assert_int_equal(virtq_start(&vq, &bus, QSIZE, 0), 0);
}

static void test_ring_addresses_refused(void **state)
{
    struct { uint64_t desc, avail, used; } bad[] = {
        { AREA + 8, ring.avail, ring.used },                  /* descriptors not 16-aligned */
        { ring.desc, ring.avail + 1, ring.used },             /* available ring not 2-aligned */
        { ring.desc, ring.avail, ring.used + 2 },             /* used ring not 4-aligned */
        { RAM_BASE + RAM_SIZE - 16, ring.avail, ring.used },  /* table runs past RAM */
        { ring.desc, RAM_BASE + RAM_SIZE - 4, ring.used },    /* avail runs past RAM */
        { ring.desc, ring.avail, 0x40000000 },                /* used ring not in RAM */
        { ring.desc, ring.avail, ROM_BASE },                  /* used ring read-only */
        { 0xfffffffffffffff0ull, ring.avail, ring.used },     /* wraps the address space */
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        vq.num = QSIZE;
        vq.desc_addr = bad[i].desc;
        vq.avail_addr = bad[i].avail;
        vq.used_addr = bad[i].used;
        assert_int_equal(virtq_start(&vq, &bus, QSIZE, 0), -EINVAL);
        assert_false(vq.ready);
    }
}

/* ---- malformed rings: refused, nothing touched outside RAM, no endless loop ---- */

static void test_head_out_of_range(void **state)
{
    start(0);
    ring_make_available(&ring, QSIZE); /* indices are 0..15 */
    expect_refused();
}

static void test_next_out_of_range(void **state)
{
    start(0);
    ring_desc(&ring, 0, BUFS, 4, VIRTQ_DESC_F_NEXT, 0xffff);
    ring_make_available(&ring, 0);
    expect_refused();
}

static void test_descriptor_cycle(void **state)
{
    start(0);
    ring_desc(&ring, 0, BUFS, 4, VIRTQ_DESC_F_NEXT, 1);
    ring_desc(&ring, 1, BUFS, 4, VIRTQ_DESC_F_NEXT, 2);
    ring_desc(&ring, 2, BUFS, 4, VIRTQ_DESC_F_NEXT, 0);
    ring_make_available(&ring, 0);
    expect_refused();
}

static void test_descriptor_self_loop_zero_length(void **state)
{
    start(0);
    ring_desc(&ring, 4, 0, 0, VIRTQ_DESC_F_NEXT, 4); /* no bytes, so no segment: still bounded */
    ring_make_available(&ring, 4);
    expect_refused();
}

static void test_avail_idx_too_far_ahead(void **state)
{
    start(0);
    ring_desc(&ring, 0, BUFS, 4, 0, 0);
    ring_set_avail_idx(&ring, QSIZE + 1);
    expect_refused();
    /* Exactly a full queue is fine. */
    fresh();
    start(0);
    ring_desc(&ring, 0, BUFS, 4, 0, 0);
    ring_set_avail_idx(&ring, QSIZE);
    for (unsigned i = 0; i < QSIZE; i++)
        assert_int_equal(virtq_pop(&vq, &chain), 1);
    assert_int_equal(virtq_pop(&vq, &chain), 0);
}

static void test_avail_idx_behind(void **state)
{
    start(0);
    ring_desc(&ring, 0, BUFS, 4, 0, 0);
    ring_make_available(&ring, 0);
    assert_int_equal(virtq_pop(&vq, &chain), 1);
    ring_set_avail_idx(&ring, 0); /* moved backwards: 65535 entries "ahead" */
    expect_refused();
}

static void test_buffer_outside_ram(void **state)
{
    static const struct { uint64_t addr; uint32_t len; } bad[] = {
        { RAM_BASE + RAM_SIZE - 4, 8 },       /* runs off the end */
        { RAM_BASE - 4, 8 },                  /* starts before */
        { 0x10000000, 16 },                   /* not RAM (an MMIO address) */
        { 0xfffffffffffffff8ull, 0x10 },      /* wraps */
        { RAM_BASE, 0xffffffff },             /* longer than RAM */
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        fresh();
        start(0);
        ring_desc(&ring, 0, bad[i].addr, bad[i].len, VIRTQ_DESC_F_WRITE, 0);
        ring_make_available(&ring, 0);
        expect_refused();
    }
}

static void test_writable_buffer_in_rom(void **state)
{
    start(0);
    ring_desc(&ring, 0, ROM_BASE, 16, VIRTQ_DESC_F_WRITE, 0);
    ring_make_available(&ring, 0);
    expect_refused();
    /* Reading from ROM is fine. */
    fresh();
    start(0);
    ring_desc(&ring, 0, ROM_BASE, 16, 0, 0);
    ring_make_available(&ring, 0);
    assert_int_equal(virtq_pop(&vq, &chain), 1);
}

static void test_readable_after_writable(void **state)
{
    start(0);
    ring_desc(&ring, 0, BUFS, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    ring_desc(&ring, 1, BUFS + 8, 4, 0, 0);
    ring_make_available(&ring, 0);
    expect_refused();
}

static void test_indirect_not_negotiated(void **state)
{
    start(0);
    ring_table_desc(host(TABLE), 0, BUFS, 4, 0, 0);
    ring_desc(&ring, 0, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
    ring_make_available(&ring, 0);
    expect_refused();
}

static void test_indirect_nested(void **state)
{
    start(FEATURES_ALL);
    ring_table_desc(host(TABLE), 0, TABLE + 0x100, 16, VIRTQ_DESC_F_INDIRECT, 0);
    ring_table_desc(host(TABLE + 0x100), 0, BUFS, 4, 0, 0);
    ring_desc(&ring, 0, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
    ring_make_available(&ring, 0);
    expect_refused();
}

static void test_indirect_with_next(void **state)
{
    start(FEATURES_ALL);
    ring_table_desc(host(TABLE), 0, BUFS, 4, 0, 0);
    ring_desc(&ring, 0, TABLE, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
    ring_desc(&ring, 1, BUFS, 4, 0, 0);
    ring_make_available(&ring, 0);
    expect_refused();
}

static void test_indirect_bad_length(void **state)
{
    static const uint32_t bad[] = { 0, 8, 24, 17 * 16 /* more entries than the queue size */ };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        fresh();
        start(FEATURES_ALL);
        for (unsigned e = 0; e < 17; e++)
            ring_table_desc(host(TABLE), e, BUFS, 4, e < 16 ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(e + 1));
        ring_desc(&ring, 0, TABLE, bad[i], VIRTQ_DESC_F_INDIRECT, 0);
        ring_make_available(&ring, 0);
        expect_refused();
    }
}

static void test_indirect_table_outside_ram(void **state)
{
    start(FEATURES_ALL);
    ring_desc(&ring, 0, RAM_BASE + RAM_SIZE - 16, 32, VIRTQ_DESC_F_INDIRECT, 0);
    ring_make_available(&ring, 0);
    expect_refused();
}

static void test_indirect_cycle(void **state)
{
    start(FEATURES_ALL);
    uint8_t *table = host(TABLE);
    ring_table_desc(table, 0, BUFS, 4, VIRTQ_DESC_F_NEXT, 1);
    ring_table_desc(table, 1, BUFS, 4, VIRTQ_DESC_F_NEXT, 0);
    ring_desc(&ring, 0, TABLE, 2 * 16, VIRTQ_DESC_F_INDIRECT, 0);
    ring_make_available(&ring, 0);
    expect_refused();
}

static void test_indirect_next_out_of_table(void **state)
{
    start(FEATURES_ALL);
    ring_table_desc(host(TABLE), 0, BUFS, 4, VIRTQ_DESC_F_NEXT, 2); /* the table has 2 entries */
    ring_desc(&ring, 0, TABLE, 2 * 16, VIRTQ_DESC_F_INDIRECT, 0);
    ring_make_available(&ring, 0);
    expect_refused();
}

/* QSIZE-1 direct descriptors, then an indirect table of 2: the whole chain exceeds QSIZE. */
static void test_chain_longer_than_queue(void **state)
{
    start(FEATURES_ALL);
    for (unsigned i = 0; i < QSIZE - 1; i++)
        ring_desc(&ring, i, BUFS, 4, VIRTQ_DESC_F_NEXT, (uint16_t)(i + 1));
    ring_desc(&ring, QSIZE - 1, TABLE, 2 * 16, VIRTQ_DESC_F_INDIRECT, 0);
    ring_table_desc(host(TABLE), 0, BUFS, 4, VIRTQ_DESC_F_NEXT, 1);
    ring_table_desc(host(TABLE), 1, BUFS, 4, 0, 0);
    ring_make_available(&ring, 0);
    expect_refused();
}

/* A chain of exactly the queue size is valid. */
static void test_chain_of_queue_size(void **state)
{
    start(0);
    for (unsigned i = 0; i < QSIZE; i++)
        ring_desc(&ring, i, BUFS + 4 * i, 4, i + 1 < QSIZE ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
    ring_make_available(&ring, 0);
    assert_int_equal(virtq_pop(&vq, &chain), 1);
    assert_int_equal(chain.nout, QSIZE);
}

/* A stopped queue gives nothing and pushes nothing. */
static void test_stopped_queue(void **state)
{
    start(0);
    ring_desc(&ring, 0, BUFS, 4, VIRTQ_DESC_F_WRITE, 0);
    ring_make_available(&ring, 0);
    assert_int_equal(virtq_pop(&vq, &chain), 1);
    uint32_t epoch = vq.epoch;
    virtq_stop(&vq);
    assert_true(vq.epoch != epoch);
    virtq_push(&vq, &chain, 4);
    assert_int_equal(ring_used_idx(&ring), 0);
    assert_false(virtq_should_interrupt(&vq));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_empty_queue),
        T(test_chain_in_and_out),
        T(test_used_len_clamped),
        T(test_ring_wraps),
        T(test_zero_length_descriptor),
        T(test_indirect),
        T(test_direct_then_indirect),
        T(test_no_interrupt_flag),
        T(test_event_idx_used_event),
        T(test_event_idx_wraps),
        T(test_event_idx_avail_event),
        T(test_writes_invalidate_code),
        T(test_queue_size_refused),
        T(test_ring_addresses_refused),
        T(test_head_out_of_range),
        T(test_next_out_of_range),
        T(test_descriptor_cycle),
        T(test_descriptor_self_loop_zero_length),
        T(test_avail_idx_too_far_ahead),
        T(test_avail_idx_behind),
        T(test_buffer_outside_ram),
        T(test_writable_buffer_in_rom),
        T(test_readable_after_writable),
        T(test_indirect_not_negotiated),
        T(test_indirect_nested),
        T(test_indirect_with_next),
        T(test_indirect_bad_length),
        T(test_indirect_table_outside_ram),
        T(test_indirect_cycle),
        T(test_indirect_next_out_of_table),
        T(test_chain_longer_than_queue),
        T(test_chain_of_queue_size),
        T(test_stopped_queue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

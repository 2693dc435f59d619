/*
 * virtqueue_fuzz.c - libFuzzer target for the split-virtqueue walker
 * (src/virtio/virtqueue.c): the input is a whole hostile driver, i.e. queue
 * size, negotiated ring features, ring addresses, the contents of guest RAM
 * and writes the "guest" makes between two pops. The target pops and pushes
 * as a device would and checks the walker's promises: nothing outside guest
 * memory, every segment where the checks say it is, bounded work. ASan and
 * UBSan catch the rest. Build and run with fuzz/run.sh.
 *
 * Input layout (little-endian):
 *   0   u8   queue size: 1 << (value % 9)          (1..256)
 *   1   u8   features: bit 0 INDIRECT_DESC, bit 1 EVENT_IDX
 *   2   u8   rounds: pops to attempt (value % 65)
 *   3   u8   QueueNumMax: 1 << (value % 9)
 *   4   u32  descriptor table address
 *   8   u32  available ring address
 *   12  u32  used ring address
 *   16  u16  n: bytes of guest RAM image that follow
 *   18  n    the image, copied to guest address 0
 *   ...      per round, 6 bytes: u16 RAM offset, u16 value (a 16-bit guest
 *            store made before the pop), u16 used length to push
 * Guest RAM is 64 KiB at address 0; a read-only 4 KiB ROM sits at 0x10000.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "virtio/virtqueue.h"

#define RAM_SIZE 0x10000u
#define ROM_BASE 0x10000u
#define ROM_SIZE 0x1000u

static struct bus bus;
static struct virtq_chain chain;

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static bool in_region(const struct mem_region *r, const void *p, size_t len)
{
    const uint8_t *b = p;
    return b >= r->host && b <= r->host + r->size && len <= (size_t)(r->host + r->size - b);
}

/* The walker's promises about a chain it returned. */
static void check_chain(const struct virtq *vq)
{
    const struct mem_region *ram = &bus.mem[0], *rom = &bus.mem[1];
    unsigned n = chain.nout + chain.nin;
    uint64_t out = 0, in = 0;

    if (n > vq->num || n > VIRTQ_MAX_SIZE || chain.head >= vq->num)
        abort();
    for (unsigned i = 0; i < n; i++) {
        const struct iovec *v = &chain.iov[i];
        bool writable = i >= chain.nout;
        if (!v->iov_len)
            abort(); /* zero-length descriptors are skipped */
        if (!in_region(ram, v->iov_base, v->iov_len) &&
            (writable || !in_region(rom, v->iov_base, v->iov_len)))
            abort();
        const struct mem_region *r = in_region(ram, v->iov_base, v->iov_len) ? ram : rom;
        if (chain.gpa[i] != r->base + (uint64_t)((uint8_t *)v->iov_base - r->host))
            abort();
        if (writable)
            in += v->iov_len;
        else
            out += v->iov_len;
    }
    if (in != chain.in_bytes || out != chain.out_bytes)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialised;
    if (!initialised) {
        if (bus_add_mem(&bus, "ram", 0, RAM_SIZE, false) ||
            bus_add_mem(&bus, "rom", ROM_BASE, ROM_SIZE, true))
            abort();
        initialised = true;
    }
    if (size < 18)
        return 0;
    uint16_t num = (uint16_t)(1u << (data[0] % 9));
    uint64_t features = ((data[1] & 1) ? 1ull << VIRTIO_F_INDIRECT_DESC : 0) |
                        ((data[1] & 2) ? 1ull << VIRTIO_F_EVENT_IDX : 0);
    unsigned rounds = data[2] % 65;
    uint16_t max = (uint16_t)(1u << (data[3] % 9));
    size_t image = get16(data + 16);
    if (image > size - 18)
        image = size - 18;
    if (image > RAM_SIZE)
        image = RAM_SIZE;
    const uint8_t *actions = data + 18 + image;
    size_t nactions = (size - 18 - image) / 6;

    struct mem_region *ram = &bus.mem[0];
    memset(ram->host, 0, RAM_SIZE);
    memcpy(ram->host, data + 18, image);
    memset(ram->page_gen, 0, (RAM_SIZE >> GUEST_PAGE_SHIFT) * sizeof(*ram->page_gen));
    memset(ram->code_page, 1, RAM_SIZE >> GUEST_PAGE_SHIFT); /* exercise invalidation too */

    struct virtq vq;
    memset(&vq, 0, sizeof(vq));
    virtq_reset(&vq, max);
    vq.num = num;
    vq.desc_addr = get32(data + 4);
    vq.avail_addr = get32(data + 8);
    vq.used_addr = get32(data + 12);
    if (virtq_start(&vq, &bus, max, features))
        return 0;

    for (unsigned round = 0; round < rounds; round++) {
        uint16_t used_len = 0;
        if (round < nactions) {
            const uint8_t *a = actions + 6 * round;
            uint16_t off = get16(a) & (RAM_SIZE - 2);
            memcpy(ram->host + off, a + 2, 2); /* the guest writes while we work */
            used_len = get16(a + 4);
        }
        int ret = virtq_pop(&vq, &chain);
        if (ret < 0) {
            if (!vq.error)
                abort();
            break; /* the device would now need a reset */
        }
        if (ret == 0)
            continue;
        check_chain(&vq);
        uint8_t scratch[64];
        virtq_chain_read(&chain, used_len % 32, scratch, sizeof(scratch));
        virtq_chain_write(&chain, used_len % 16, "fuzz-fuzz-fuzz-fuzz", 19);
        virtq_push(&vq, &chain, used_len);
        (void)virtq_should_interrupt(&vq);
    }
    return 0;
}

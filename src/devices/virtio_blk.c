/*
 * virtio_blk.c - the block device (VIRTIO 1.2 section 5.2) over a block
 * backend (backends/block.h: raw files, qcow2 images). Added by --disk, one
 * device per disk, in command-line order.
 *
 * Threads: the I/O thread pops requests (queue_notify, device lock held),
 * checks their shape and hands them to this disk's workers, which do the
 * synchronous backend I/O without any lock and complete them with
 * virtio_complete(). So the hart and the I/O thread never wait for the disk,
 * and a raw image serves several requests at once. A reset waits, in the
 * virtio core, until the workers have completed everything popped.
 *
 * Ordering: requests in flight may complete in any order, as the spec allows;
 * a flush makes durable every write completed before it was submitted, which
 * is what drivers rely on (they wait for the writes before flushing).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "backends/block.h"
#include "lib/log.h"
#include "rvmm/vm.h"
#include "virtio/virtio.h"

/* Feature bits (5.2.3). */
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_DISCARD 13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

/* Request types and status values (5.2.6). */
enum {
    VIRTIO_BLK_T_IN = 0,
    VIRTIO_BLK_T_OUT = 1,
    VIRTIO_BLK_T_FLUSH = 4,
    VIRTIO_BLK_T_GET_ID = 8,
    VIRTIO_BLK_T_DISCARD = 11,
    VIRTIO_BLK_T_WRITE_ZEROES = 13,
};
enum { VIRTIO_BLK_S_OK = 0, VIRTIO_BLK_S_IOERR = 1, VIRTIO_BLK_S_UNSUPP = 2 };

#define BLK_HEADER_SIZE 16
#define BLK_WORKERS 4
/* Discard and write-zeroes: segments per request and sectors per segment. */
#define BLK_MAX_ZERO_SEGS 1
#define BLK_MAX_ZERO_SECTORS (1u << 22) /* 2 GiB */

/* struct virtio_blk_config, as bytes: offsets of the fields rvmm fills. */
enum {
    CFG_CAPACITY = 0,
    CFG_SEG_MAX = 12,
    CFG_BLK_SIZE = 20,
    CFG_MAX_DISCARD_SECTORS = 36,
    CFG_MAX_DISCARD_SEG = 40,
    CFG_DISCARD_ALIGNMENT = 44,
    CFG_MAX_WRITE_ZEROES_SECTORS = 48,
    CFG_MAX_WRITE_ZEROES_SEG = 52,
    CFG_WRITE_ZEROES_MAY_UNMAP = 56,
    CFG_SIZE = 60,
};

struct blk_request {
    struct blk_request *next;
    struct virtq_chain chain;
};

struct blk {
    struct virtio_dev *vdev;
    struct block_backend *bs;
    uint8_t config[CFG_SIZE];
    pthread_t workers[BLK_WORKERS];
    unsigned nworkers;
    pthread_mutex_t lock; /* guards the request list and `stop` (taken after the device lock) */
    pthread_cond_t more;
    struct blk_request *head, *tail;
    bool stop;
};

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* The data part of a request as an iovec: `skip` bytes into iov[first..first+n), `len` long. */
static int data_iov(const struct virtq_chain *c, unsigned first, unsigned n, uint64_t skip,
                    uint64_t len, struct iovec *out)
{
    int count = 0;
    for (unsigned i = first; i < first + n && len; i++) {
        const struct iovec *v = &c->iov[i];
        if (skip >= v->iov_len) {
            skip -= v->iov_len;
            continue;
        }
        size_t take = v->iov_len - skip;
        if (take > len)
            take = len;
        out[count++] = (struct iovec){ (uint8_t *)v->iov_base + skip, take };
        skip = 0;
        len -= take;
    }
    return count;
}

/* Discard and write-zeroes segments: 16 bytes each after the header. */
static uint8_t blk_zero_ranges(struct blk *d, const struct virtq_chain *c, uint32_t type)
{
    uint64_t bytes = c->out_bytes - BLK_HEADER_SIZE;
    if (bytes == 0 || bytes % 16 || bytes / 16 > BLK_MAX_ZERO_SEGS)
        return VIRTIO_BLK_S_UNSUPP;
    for (uint64_t off = BLK_HEADER_SIZE; off < c->out_bytes; off += 16) {
        uint8_t seg[16];
        virtq_chain_read(c, off, seg, sizeof(seg));
        uint64_t sector;
        uint32_t num, flags;
        memcpy(&sector, seg, 8);
        memcpy(&num, seg + 8, 4);
        memcpy(&flags, seg + 12, 4);
        bool unmap = flags & 1;
        if ((flags & ~1u) || (type == VIRTIO_BLK_T_DISCARD && unmap) || num > BLK_MAX_ZERO_SECTORS)
            return VIRTIO_BLK_S_UNSUPP;
        if (sector > UINT64_MAX / BLOCK_SECTOR_SIZE)
            return VIRTIO_BLK_S_IOERR;
        uint64_t offset = sector * BLOCK_SECTOR_SIZE, len = (uint64_t)num * BLOCK_SECTOR_SIZE;
        int err = type == VIRTIO_BLK_T_DISCARD
                      ? block_discard(d->bs, offset, len)
                      : block_write_zeroes(d->bs, offset, len, unmap ? BLOCK_ZEROES_MAY_UNMAP : 0);
        if (err)
            return VIRTIO_BLK_S_IOERR;
    }
    return VIRTIO_BLK_S_OK;
}

/* Does one request; its shape (header, status byte) was checked when popped. */
static uint8_t blk_execute(struct blk *d, const struct virtq_chain *c)
{
    uint8_t hdr[BLK_HEADER_SIZE];
    virtq_chain_read(c, 0, hdr, sizeof(hdr));
    uint32_t type;
    uint64_t sector;
    memcpy(&type, hdr, 4);
    memcpy(&sector, hdr + 8, 8);

    static _Thread_local struct iovec iov[VIRTQ_MAX_SIZE];
    switch (type) {
    case VIRTIO_BLK_T_IN:
    case VIRTIO_BLK_T_OUT: {
        bool in = type == VIRTIO_BLK_T_IN;
        uint64_t len = in ? c->in_bytes - 1 : c->out_bytes - BLK_HEADER_SIZE;
        if (len % BLOCK_SECTOR_SIZE || sector > UINT64_MAX / BLOCK_SECTOR_SIZE)
            return VIRTIO_BLK_S_IOERR;
        if (!in && block_is_read_only(d->bs))
            return VIRTIO_BLK_S_IOERR;
        int n = in ? data_iov(c, c->nout, c->nin, 0, len, iov)
                   : data_iov(c, 0, c->nout, BLK_HEADER_SIZE, len, iov);
        uint64_t offset = sector * BLOCK_SECTOR_SIZE;
        int err = in ? block_readv(d->bs, offset, iov, n) : block_writev(d->bs, offset, iov, n);
        return err ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
    }
    case VIRTIO_BLK_T_FLUSH:
        return block_flush(d->bs) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
    case VIRTIO_BLK_T_GET_ID: {
        char id[BLOCK_SERIAL_MAX] = { 0 };
        const char *serial = block_serial(d->bs);
        memcpy(id, serial, strnlen(serial, sizeof(id)));
        uint64_t room = c->in_bytes - 1;
        virtq_chain_write(c, 0, id, room < sizeof(id) ? room : sizeof(id));
        return VIRTIO_BLK_S_OK;
    }
    case VIRTIO_BLK_T_DISCARD:
    case VIRTIO_BLK_T_WRITE_ZEROES:
        if (block_is_read_only(d->bs))
            return VIRTIO_BLK_S_IOERR;
        return blk_zero_ranges(d, c, type);
    default:
        return VIRTIO_BLK_S_UNSUPP;
    }
}

static void *blk_worker(void *opaque)
{
    struct blk *d = opaque;
    for (;;) {
        pthread_mutex_lock(&d->lock);
        while (!d->head && !d->stop)
            pthread_cond_wait(&d->more, &d->lock);
        struct blk_request *r = d->head;
        if (!r) {
            pthread_mutex_unlock(&d->lock);
            return NULL;
        }
        d->head = r->next;
        if (!d->head)
            d->tail = NULL;
        pthread_mutex_unlock(&d->lock);

        uint8_t status = blk_execute(d, &r->chain);
        virtq_chain_write(&r->chain, r->chain.in_bytes - 1, &status, 1);
        virtio_complete(d->vdev, &r->chain, (uint32_t)r->chain.in_bytes);
        free(r);
    }
}

static void blk_queue_notify(struct virtio_dev *vdev, unsigned q)
{
    struct blk *d = vdev->opaque;
    for (;;) {
        struct blk_request *r = malloc(sizeof(*r));
        if (!r) {
            log_error("virtio-blk: out of memory; requests wait");
            return;
        }
        if (virtio_pop(vdev, q, &r->chain) <= 0) {
            free(r);
            return;
        }
        /* 5.2.6: a readable header, then data, then one writable status byte. */
        if (r->chain.out_bytes < BLK_HEADER_SIZE || r->chain.in_bytes < 1) {
            virtio_fail(vdev, "request without header or status byte");
            virtio_discard(vdev, &r->chain);
            free(r);
            return;
        }
        r->next = NULL;
        pthread_mutex_lock(&d->lock);
        if (d->tail)
            d->tail->next = r;
        else
            d->head = r;
        d->tail = r;
        pthread_cond_signal(&d->more);
        pthread_mutex_unlock(&d->lock);
    }
}

static void blk_destroy(struct virtio_dev *vdev)
{
    struct blk *d = vdev->opaque;
    pthread_mutex_lock(&d->lock);
    d->stop = true;
    pthread_cond_broadcast(&d->more);
    pthread_mutex_unlock(&d->lock);
    for (unsigned i = 0; i < d->nworkers; i++)
        pthread_join(d->workers[i], NULL);
    if (!block_is_read_only(d->bs) && block_flush(d->bs))
        log_error("virtio-blk: flushing %s at exit failed", block_serial(d->bs));
    block_close(d->bs);
    pthread_cond_destroy(&d->more);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

static const struct virtio_device_ops blk_ops = {
    .name = "virtio-blk",
    .device_id = VIRTIO_ID_BLOCK,
    .features = (1ull << VIRTIO_BLK_F_SEG_MAX) | (1ull << VIRTIO_BLK_F_BLK_SIZE) |
                (1ull << VIRTIO_BLK_F_FLUSH) | (1ull << VIRTIO_BLK_F_DISCARD) |
                (1ull << VIRTIO_BLK_F_WRITE_ZEROES),
    .num_queues = 1,
    .queue_max = VIRTQ_MAX_SIZE,
    .config_size = CFG_SIZE,
    .queue_notify = blk_queue_notify,
    .destroy = blk_destroy,
};

static int blk_add(struct virtio_bus *bus, const struct vm_disk *disk)
{
    static const enum block_format formats[] = {
        [VM_DISK_AUTO] = BLOCK_FORMAT_AUTO,
        [VM_DISK_RAW] = BLOCK_FORMAT_RAW,
        [VM_DISK_QCOW2] = BLOCK_FORMAT_QCOW2,
    };
    struct block_options opts = { .format = formats[disk->format], .read_only = disk->read_only,
                                  .serial = disk->id };
    struct block_backend *bs;
    char err[256];
    if (block_open(disk->path, &opts, &bs, err, sizeof(err))) {
        log_error("--disk %s", err);
        return DEVICE_ERR_REPORTED;
    }
    struct blk *d = calloc(1, sizeof(*d));
    if (!d) {
        block_close(bs);
        return -ENOMEM;
    }
    d->bs = bs;
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->more, NULL);
    uint32_t granularity = block_discard_granularity(bs) / BLOCK_SECTOR_SIZE;
    put64(d->config + CFG_CAPACITY, block_size(bs) / BLOCK_SECTOR_SIZE);
    put32(d->config + CFG_SEG_MAX, VIRTQ_MAX_SIZE - 2); /* header and status take two */
    put32(d->config + CFG_BLK_SIZE, BLOCK_SECTOR_SIZE);
    put32(d->config + CFG_MAX_DISCARD_SECTORS, BLK_MAX_ZERO_SECTORS);
    put32(d->config + CFG_MAX_DISCARD_SEG, BLK_MAX_ZERO_SEGS);
    put32(d->config + CFG_DISCARD_ALIGNMENT, granularity ? granularity : 1);
    put32(d->config + CFG_MAX_WRITE_ZEROES_SECTORS, BLK_MAX_ZERO_SECTORS);
    put32(d->config + CFG_MAX_WRITE_ZEROES_SEG, BLK_MAX_ZERO_SEGS);
    d->config[CFG_WRITE_ZEROES_MAY_UNMAP] = 1;

    int ret = virtio_device_add(bus, &blk_ops, d, &d->vdev);
    if (ret) {
        block_close(bs);
        pthread_cond_destroy(&d->more);
        pthread_mutex_destroy(&d->lock);
        free(d);
        return ret;
    }
    /* From here the device owns d: virtio_device_destroy() calls blk_destroy(). */
    d->vdev->config = d->config;
    if (block_is_read_only(bs))
        d->vdev->host_features |= 1ull << VIRTIO_BLK_F_RO;
    for (; d->nworkers < BLK_WORKERS; d->nworkers++)
        if (pthread_create(&d->workers[d->nworkers], NULL, blk_worker, d))
            break;
    return d->nworkers ? 0 : -EAGAIN;
}

static int blk_create(struct virtio_bus *bus)
{
    const struct vm_config *cfg = bus->machine->config;
    for (unsigned i = 0; cfg && i < cfg->ndisks; i++) {
        int err = blk_add(bus, &cfg->disks[i]);
        if (err)
            return err;
    }
    return 0;
}

static const struct virtio_device_type blk_type = { "virtio-blk", VIRTIO_ORDER_BLK, blk_create };
VIRTIO_DEVICE_TYPE_REGISTER(blk_type);

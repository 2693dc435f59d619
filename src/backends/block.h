/*
 * block.h - block backends: the host side of a disk. A device (virtio-blk)
 * sees only this interface; the image formats behind it are raw files (or
 * block devices) and qcow2 images with backing chains (docs/qcow2.md).
 *
 * Contract:
 * - Offsets and lengths are bytes and must be multiples of BLOCK_SECTOR_SIZE;
 *   a request must lie inside [0, block_size()). Otherwise -EINVAL, and
 *   nothing is done. Writes to a read-only backend return -EROFS.
 * - Calls are synchronous (they block in the host's read/write/fdatasync) and
 *   return 0 or -errno. Run them on an I/O thread, never on a hart thread.
 * - Threads: every call may be made from any thread. A qcow2 backend serializes
 *   its requests with an internal mutex; a raw backend runs them in parallel
 *   (pread/pwrite). block_close() must not race with any other call.
 * - Durability: a write that has returned is visible to later reads. It is
 *   durable (survives a host crash or power loss) once a later block_flush()
 *   has returned: flush has fdatasync() semantics over everything written
 *   before it, metadata included. qcow2 images stay consistent (qemu-img check
 *   finds at most leaked clusters) whenever the process is killed or the host
 *   loses power.
 * - A request that fails may have been partly done (some sectors written).
 */
#ifndef RVMM_BACKENDS_BLOCK_H
#define RVMM_BACKENDS_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "lib/compiler.h"

#define BLOCK_SECTOR_SIZE 512u
/* virtio-blk's ID string is 20 bytes, not NUL-terminated when full. */
#define BLOCK_SERIAL_MAX 20
/* Most entries one request's iovec array may have (Linux's IOV_MAX). */
#define BLOCK_IOV_MAX 1024
/* Longest backing chain below an image (qcow2 overlay -> base -> ...). */
#define BLOCK_BACKING_DEPTH_MAX 16

enum block_format {
    BLOCK_FORMAT_AUTO = 0, /* qcow2 if the file starts with its magic, else raw */
    BLOCK_FORMAT_RAW,
    BLOCK_FORMAT_QCOW2,
};

struct block_options {
    enum block_format format;
    bool read_only;
    /*
     * qcow2: do not open the backing file; clusters the image does not hold
     * read as zeros. For tools and fuzzing; a guest disk never wants this.
     */
    bool no_backing;
    /* ID string for the guest; NULL: the file's base name, cut to BLOCK_SERIAL_MAX. */
    const char *serial;
};

struct block_backend;

/*
 * Opens the image at path (opts NULL: auto-detected format, read-write).
 * On failure returns -errno, *out is NULL, and err (if err_size > 0) holds one
 * line naming the path and what is wrong, without a trailing newline, e.g.
 * "disk.qcow2: unsupported qcow2 incompatible features: extended L2 entries".
 *
 * Auto-detection trusts the file's first bytes: a raw image the guest can
 * write could claim to be qcow2 (with a backing file naming any host file) at
 * the next open. Give the format explicitly for guest-writable raw images.
 * As a guard, a raw image opened by auto-detection refuses (-EPERM) writes
 * that would put the qcow2 magic into its first sector.
 */
int block_open(const char *path, const struct block_options *opts, struct block_backend **out,
               char *err, size_t err_size) __must_check;

/* Flushes nothing: call block_flush() first if the data must be durable. NULL is a no-op. */
void block_close(struct block_backend *bs);

/* The disk's size in bytes (a multiple of BLOCK_SECTOR_SIZE; a raw file's tail
 * of less than a sector is not exposed). */
uint64_t block_size(const struct block_backend *bs);
bool block_is_read_only(const struct block_backend *bs);
/* "raw" or "qcow2". */
const char *block_format_name(const struct block_backend *bs);
/* The ID string: at most BLOCK_SERIAL_MAX characters, NUL-terminated. */
const char *block_serial(const struct block_backend *bs);
/*
 * The unit in which discard and write-zeroes free space (qcow2: the cluster
 * size; raw: the file system's block size). Smaller or unaligned requests are
 * still correct, only less effective. A hint for virtio-blk's config space.
 */
uint32_t block_discard_granularity(const struct block_backend *bs);

/* Scatter/gather I/O: iovcnt in [0, BLOCK_IOV_MAX]; the total length must be a
 * multiple of BLOCK_SECTOR_SIZE (single iovec entries need not be). */
int block_readv(struct block_backend *bs, uint64_t offset, const struct iovec *iov, int iovcnt)
    __must_check;
int block_writev(struct block_backend *bs, uint64_t offset, const struct iovec *iov, int iovcnt)
    __must_check;
int block_read(struct block_backend *bs, uint64_t offset, void *buf, size_t len) __must_check;
int block_write(struct block_backend *bs, uint64_t offset, const void *buf, size_t len)
    __must_check;

/* Makes every write that returned before the call durable (see above). */
int block_flush(struct block_backend *bs) __must_check;

/*
 * The guest no longer needs the range. Afterwards each sector of it reads
 * either as before or as zeros (whole qcow2 clusters and raw file blocks read
 * as zeros; partial clusters keep their data). Host space may be freed.
 */
int block_discard(struct block_backend *bs, uint64_t offset, uint64_t len) __must_check;

/* The range reads as zeros afterwards. With BLOCK_ZEROES_MAY_UNMAP the backend
 * may free the space instead of writing zeros (virtio-blk's unmap flag). */
#define BLOCK_ZEROES_MAY_UNMAP 1u
int block_write_zeroes(struct block_backend *bs, uint64_t offset, uint64_t len, unsigned flags)
    __must_check;

#endif

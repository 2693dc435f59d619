/*
 * virtio_mmio.c - the virtio-mmio transport, version 2 (modern only; VIRTIO
 * 1.2 section 4.2), in the virt board's eight slots: the board map's regions
 * "virtio0".."virtio7" (0x10001000 + n * 0x1000, PLIC source 1 + n, as on
 * QEMU's virt).
 *
 * All eight slots are on the bus and in the device tree, as on QEMU; an empty
 * slot answers with DeviceID 0, which drivers skip. Devices are given slots in
 * the order of their types (enum virtio_order: console, rng, disks, nets, each
 * in command-line order) from the top down: the first device goes to slot 7
 * (0x10008000, IRQ 8), the next to slot 6, ... This is what QEMU does with
 * -device options in command-line order, so the same devices sit at the same
 * addresses as on QEMU and Linux names them the same way (virtio0 is the
 * first: it probes the device-tree nodes in order, and the tree lists slot 7
 * first, because libfdt puts each new node before its siblings).
 *
 * This file also owns the I/O thread that runs every virtio device's work
 * (created with the bus, destroyed after its devices).
 *
 * Threads: hart threads access the registers, taking the device lock (see
 * virtio/virtio.h); QueueNotify takes no lock, it only wakes the I/O thread.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/iothread.h"
#include "core/machine.h"
#include "lib/log.h"
#include "virtio/virtio.h"

#define VIRTIO_MMIO_SLOTS 8
#define VIRTIO_MMIO_MAGIC 0x74726976  /* "virt" */
#define VIRTIO_MMIO_VERSION 2
#define VIRTIO_MMIO_VENDOR 0x6d6d7672 /* "rvmm" */

enum {
    REG_MAGIC = 0x000,
    REG_VERSION = 0x004,
    REG_DEVICE_ID = 0x008,
    REG_VENDOR_ID = 0x00c,
    REG_DEVICE_FEATURES = 0x010,
    REG_DEVICE_FEATURES_SEL = 0x014,
    REG_DRIVER_FEATURES = 0x020,
    REG_DRIVER_FEATURES_SEL = 0x024,
    REG_QUEUE_SEL = 0x030,
    REG_QUEUE_NUM_MAX = 0x034,
    REG_QUEUE_NUM = 0x038,
    REG_QUEUE_READY = 0x044,
    REG_QUEUE_NOTIFY = 0x050,
    REG_INTERRUPT_STATUS = 0x060,
    REG_INTERRUPT_ACK = 0x064,
    REG_STATUS = 0x070,
    REG_QUEUE_DESC_LOW = 0x080,
    REG_QUEUE_DESC_HIGH = 0x084,
    REG_QUEUE_DRIVER_LOW = 0x090,
    REG_QUEUE_DRIVER_HIGH = 0x094,
    REG_QUEUE_DEVICE_LOW = 0x0a0,
    REG_QUEUE_DEVICE_HIGH = 0x0a4,
    REG_SHM_SEL = 0x0ac,
    REG_SHM_LEN_LOW = 0x0b0,
    REG_SHM_LEN_HIGH = 0x0b4,
    REG_SHM_BASE_LOW = 0x0b8,
    REG_SHM_BASE_HIGH = 0x0bc,
    REG_CONFIG_GENERATION = 0x0fc,
    REG_CONFIG = 0x100,
};

struct mmio_slot {
    const struct board_region *region;
    struct machine *m;
    struct virtio_dev *vdev; /* NULL: empty slot */
    char location[32];       /* "virtio-mmio@10008000", for logs */
    /* Transport registers, under vdev->lock. */
    uint32_t device_features_sel, driver_features_sel, queue_sel;
};

struct mmio_bus {
    struct virtio_bus vbus; /* first: plug() gets it back */
    struct mmio_slot slots[VIRTIO_MMIO_SLOTS];
    unsigned nslots;
    unsigned nplugged;
};

static void mmio_set_irq(void *opaque, bool level)
{
    struct mmio_slot *s = opaque;
    machine_set_irq(s->m, s->region->irq, level);
}

/* Low or high half of a 64-bit queue address register. */
static void set_half(uint64_t *reg, bool high, uint32_t value)
{
    if (high)
        *reg = (*reg & 0xffffffffull) | ((uint64_t)value << 32);
    else
        *reg = (*reg & ~0xffffffffull) | value;
}

static uint32_t mmio_reg_read(struct mmio_slot *s, uint64_t off)
{
    struct virtio_dev *vdev = s->vdev;
    struct virtq *vq = s->queue_sel < VIRTIO_MAX_QUEUES ? &vdev->vq[s->queue_sel] : NULL;

    switch (off) {
    case REG_DEVICE_ID: return vdev->ops->device_id;
    case REG_DEVICE_FEATURES: return virtio_read_device_features(vdev, s->device_features_sel);
    case REG_QUEUE_NUM_MAX: return virtio_queue_max(vdev, s->queue_sel);
    case REG_QUEUE_READY: return vq && virtio_queue_max(vdev, s->queue_sel) ? vq->ready : 0;
    case REG_INTERRUPT_STATUS: return vdev->isr;
    case REG_STATUS: return vdev->status;
    case REG_SHM_LEN_LOW: /* no shared memory regions: length all ones (4.2.2) */
    case REG_SHM_LEN_HIGH:
    case REG_SHM_BASE_LOW:
    case REG_SHM_BASE_HIGH: return 0xffffffffu;
    case REG_CONFIG_GENERATION: return vdev->config_generation;
    }
    return 0; /* write-only or reserved */
}

static void mmio_reg_write(struct mmio_slot *s, uint64_t off, uint32_t value)
{
    struct virtio_dev *vdev = s->vdev;
    bool queue_ok = virtio_queue_max(vdev, s->queue_sel) != 0;
    struct virtq *vq = queue_ok ? &vdev->vq[s->queue_sel] : NULL;
    /* The driver sets a queue up only while it is not ready (4.2.3.2); later writes are ignored. */
    bool queue_setup = vq && !vq->ready;

    switch (off) {
    case REG_DEVICE_FEATURES_SEL: s->device_features_sel = value; break;
    case REG_DRIVER_FEATURES: virtio_write_driver_features(vdev, s->driver_features_sel, value); break;
    case REG_DRIVER_FEATURES_SEL: s->driver_features_sel = value; break;
    case REG_QUEUE_SEL: s->queue_sel = value; break;
    case REG_QUEUE_NUM:
        if (queue_setup)
            vq->num = (uint16_t)(value > 0xffff ? 0 : value); /* out of range: refused at QueueReady */
        break;
    case REG_QUEUE_READY:
        if (vq)
            virtio_write_queue_ready(vdev, s->queue_sel, value & 1);
        break;
    case REG_INTERRUPT_ACK: virtio_ack_interrupt(vdev, value); break;
    case REG_STATUS:
        virtio_write_status(vdev, (uint8_t)value);
        if (value == 0)
            s->device_features_sel = s->driver_features_sel = s->queue_sel = 0;
        break;
    case REG_QUEUE_DESC_LOW:
    case REG_QUEUE_DESC_HIGH:
        if (queue_setup)
            set_half(&vq->desc_addr, off == REG_QUEUE_DESC_HIGH, value);
        break;
    case REG_QUEUE_DRIVER_LOW:
    case REG_QUEUE_DRIVER_HIGH:
        if (queue_setup)
            set_half(&vq->avail_addr, off == REG_QUEUE_DRIVER_HIGH, value);
        break;
    case REG_QUEUE_DEVICE_LOW:
    case REG_QUEUE_DEVICE_HIGH:
        if (queue_setup)
            set_half(&vq->used_addr, off == REG_QUEUE_DEVICE_HIGH, value);
        break;
    }
}

static uint64_t mmio_read(void *opaque, uint64_t off, unsigned size)
{
    struct mmio_slot *s = opaque;

    if (off < REG_CONFIG && (size != 4 || (off & 3)))
        return 0; /* registers are 32-bit only (4.2.2.2) */
    switch (off) {
    case REG_MAGIC: return VIRTIO_MMIO_MAGIC;
    case REG_VERSION: return VIRTIO_MMIO_VERSION;
    case REG_VENDOR_ID: return VIRTIO_MMIO_VENDOR;
    }
    if (!s->vdev)
        return 0; /* empty slot: DeviceID 0, nothing else */
    virtio_lock(s->vdev);
    uint32_t value = off < REG_CONFIG ? mmio_reg_read(s, off)
                                      : virtio_config_read(s->vdev, (uint32_t)(off - REG_CONFIG), size);
    virtio_unlock(s->vdev);
    return value;
}

static void mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    struct mmio_slot *s = opaque;

    if (!s->vdev || (off < REG_CONFIG && (size != 4 || (off & 3))))
        return;
    if (off == REG_QUEUE_NOTIFY) {
        virtio_notify(s->vdev, (uint32_t)value); /* no lock: just wake the I/O thread */
        return;
    }
    virtio_lock(s->vdev);
    if (off < REG_CONFIG)
        mmio_reg_write(s, off, (uint32_t)value);
    else
        virtio_config_write(s->vdev, (uint32_t)(off - REG_CONFIG), size, (uint32_t)value);
    virtio_unlock(s->vdev);
}

/* Config space takes 8-, 16- and 32-bit accesses (64-bit ones are split); registers only 32. */
static const struct mmio_ops virtio_mmio_ops = {
    .read = mmio_read, .write = mmio_write, .min_size = 1, .max_size = 4,
};

/* The slot allocator: the highest free slot first (see the top of this file). */
static int mmio_plug(struct virtio_bus *vbus, struct virtio_dev *vdev)
{
    struct mmio_bus *b = (struct mmio_bus *)vbus;
    if (b->nplugged == b->nslots) {
        log_error("%s: no free virtio-mmio slot (the board has %u)", vdev->ops->name, b->nslots);
        return -ENOSPC;
    }
    struct mmio_slot *s = &b->slots[b->nslots - 1 - b->nplugged++];
    snprintf(s->location, sizeof(s->location), "virtio-mmio@%llx",
             (unsigned long long)s->region->base);
    vdev->location = s->location;
    vdev->transport = (struct virtio_transport){ mmio_set_irq, s };
    s->vdev = vdev;
    return 0;
}

static void mmio_bus_reset(void *opaque)
{
    struct mmio_bus *b = opaque;
    for (unsigned i = 0; i < b->nslots; i++) {
        struct mmio_slot *s = &b->slots[i];
        if (!s->vdev)
            continue;
        virtio_lock(s->vdev);
        virtio_reset(s->vdev);
        s->device_features_sel = s->driver_features_sel = s->queue_sel = 0;
        virtio_unlock(s->vdev);
    }
}

static void mmio_bus_destroy(void *opaque)
{
    struct mmio_bus *b = opaque;
    for (unsigned i = 0; i < b->nslots; i++)
        if (b->slots[i].vdev)
            virtio_device_destroy(b->slots[i].vdev);
    iothread_destroy(b->vbus.iothread);
    free(b);
}

static int mmio_bus_fdt_node(void *opaque, struct machine *m, void *fdt)
{
    struct mmio_bus *b = opaque;
    int soc = fdt_path_offset(fdt, "/soc");

    /* Slot 0 first, like QEMU: the tree then lists slot 7 first (see the top). */
    for (unsigned i = 0; i < b->nslots; i++) {
        const struct board_region *r = b->slots[i].region;
        char name[40];
        snprintf(name, sizeof(name), "virtio_mmio@%llx", (unsigned long long)r->base);
        int node = fdt_add_subnode(fdt, soc, name);
        if (node < 0)
            return node;
        fdt64_t reg[2] = { cpu_to_fdt64(r->base), cpu_to_fdt64(r->size) };
        int err;
        if ((err = fdt_setprop_string(fdt, node, "compatible", "virtio,mmio")) < 0 ||
            (err = fdt_setprop(fdt, node, "reg", reg, sizeof(reg))) < 0 ||
            (err = fdt_setprop_u32(fdt, node, "interrupt-parent", m->phandles.plic)) < 0 ||
            (err = fdt_setprop_u32(fdt, node, "interrupts", r->irq)) < 0)
            return err;
    }
    return 0;
}

static int mmio_bus_create(struct machine *m)
{
    struct mmio_bus *b = calloc(1, sizeof(*b));
    if (!b)
        return -ENOMEM;
    for (unsigned i = 0; i < VIRTIO_MMIO_SLOTS; i++) {
        char name[16];
        snprintf(name, sizeof(name), "virtio%u", i);
        const struct board_region *r = machine_region(m, name);
        if (!r)
            break;
        b->slots[i] = (struct mmio_slot){ .region = r, .m = m };
        b->nslots++;
    }
    if (!b->nslots) { /* this board has no virtio slots */
        free(b);
        return 0;
    }
    b->vbus = (struct virtio_bus){ .machine = m, .plug = mmio_plug };
    b->vbus.iothread = iothread_create("rvmm-io");
    if (!b->vbus.iothread) {
        int err = -errno;
        free(b);
        return err;
    }
    int err = 0;
    for (unsigned i = 0; i < b->nslots && !err; i++)
        err = bus_add_mmio(&m->bus, b->slots[i].region->name, b->slots[i].region->base,
                           b->slots[i].region->size, &virtio_mmio_ops, &b->slots[i]);
    if (!err)
        err = machine_add_device(m, &(struct device_instance){ .name = "virtio-mmio",
                                                                .opaque = b,
                                                                .reset = mmio_bus_reset,
                                                                .destroy = mmio_bus_destroy,
                                                                .fdt_node = mmio_bus_fdt_node });
    if (err) {
        /* The bus keeps pointers to the slots in its MMIO table; it is not used
         * after a failed creation (the VM is torn down), so freeing is safe. */
        mmio_bus_destroy(b);
        return err;
    }
    /* Now that the bus instance is registered (and will be destroyed after the
     * devices it owns), the devices. On failure they are destroyed with it. */
    return virtio_bus_create_devices(&b->vbus);
}

static const struct device_type virtio_mmio_type = { "virtio-mmio", mmio_bus_create };
DEVICE_TYPE_REGISTER(virtio_mmio_type);

/*
 * machine.h - what devices and harts share: the bus, guest time, the wires
 * that carry interrupts and timer deadlines to each hart, the board's memory
 * map, and the machine-wide exit/reset request.
 *
 * Devices see only this (never struct hart), which keeps the dependency
 * direction devices -> core, cpu -> core.
 */
#ifndef RVMM_CORE_MACHINE_H
#define RVMM_CORE_MACHINE_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/bus.h"
#include "core/clock.h"

#define MACHINE_MAX_HARTS 8
#define MACHINE_MAX_DEVICES 32

/*
 * Interrupt and timer inputs of one hart. Written by device code (possibly from
 * other threads), read by the hart at its poll points.
 */
struct hart_wires {
    uint64_t pending;  /* mip bits driven by devices (MSIP, MEIP, SEIP); atomic */
    uint64_t mtimecmp; /* the CLINT's compare register for this hart; atomic */
    uint32_t kick;     /* nonzero: re-evaluate interrupts and exit requests now; atomic */
    pthread_mutex_t lock; /* with `wake`: wfi sleeps here */
    pthread_cond_t wake;
};

/* An entry of the board's memory map, as data. */
struct board_region {
    const char *name;
    uint64_t base;
    uint64_t size;
    unsigned irq; /* interrupt source number at the PLIC; 0 if none */
};

enum machine_request { MACHINE_RUN = 0, MACHINE_EXIT, MACHINE_RESET };

struct machine;

struct device_instance {
    const char *name;
    void *opaque;
    void (*reset)(void *opaque);
    void (*destroy)(void *opaque);
    /* Adds the device's node(s) to the flattened device tree `fdt` (a libfdt blob
     * under construction, with /soc present); returns 0 or a negative libfdt error. */
    int (*fdt_node)(void *opaque, struct machine *m, void *fdt);
};

/*
 * The platform interrupt controller (the PLIC on `virt`). Devices raise and lower
 * their interrupt source through machine_set_irq(); it may be called from any thread.
 */
struct irq_chip {
    void (*set_level)(void *opaque, unsigned source, bool level);
    void *opaque;
};

/* Device-tree phandles the board allocates before devices add their nodes. */
struct fdt_phandles {
    uint32_t cpu_intc[MACHINE_MAX_HARTS]; /* each hart's riscv,cpu-intc node */
    uint32_t plic;
};

struct vm_config;

struct machine {
    const struct vm_config *config;
    struct bus bus;
    struct guest_clock clock;
    unsigned nharts;
    struct hart_wires wires[MACHINE_MAX_HARTS];
    const struct board_region *map;
    unsigned nmap;
    struct device_instance devices[MACHINE_MAX_DEVICES];
    unsigned ndevices;
    struct irq_chip irq_chip;
    struct fdt_phandles phandles;
    uint32_t request; /* enum machine_request; atomic */
    int exit_status;
};

int machine_init(struct machine *m, const struct vm_config *config, unsigned nharts);
void machine_destroy(struct machine *m);
const struct board_region *machine_region(const struct machine *m, const char *name);
int machine_add_device(struct machine *m, const struct device_instance *dev);
void machine_set_irq(struct machine *m, unsigned source, bool level);
void machine_reset_devices(struct machine *m);

void machine_request_exit(struct machine *m, int status);
void machine_request_reset(struct machine *m);
enum machine_request machine_pending_request(struct machine *m);

/* Wires: set or clear device-driven mip bits, set the timer compare, wake a sleeping hart. */
void wires_set_pending(struct hart_wires *w, uint64_t bits, bool level);
void wires_set_mtimecmp(struct hart_wires *w, uint64_t value);
void wires_kick(struct hart_wires *w);

/*
 * Device types register themselves with DEVICE_TYPE_REGISTER; the board calls
 * every type's create(), which adds its instance when the configuration asks
 * for it and returns 0 otherwise.
 */
struct device_type {
    const char *name;
    int (*create)(struct machine *m);
};

#define DEVICE_TYPE_REGISTER(type)                                                   \
    static const struct device_type *const device_type_ptr_##type                   \
        __attribute__((used, section("rvmm_device_types"))) = &(type)

int machine_create_devices(struct machine *m);

/* A device's create() that printed its own one-line error (a bad --disk, say)
 * returns this, so that nobody adds a second line. */
#define DEVICE_ERR_REPORTED (-ECANCELED)

#endif

/*
 * plic.c - the RISC-V Platform-Level Interrupt Controller at 0xc000000, with
 * the SiFive/QEMU register layout, per the RISC-V PLIC Specification v1.0.0:
 *
 *   0x000000 + 4*src           source priority (src 1..95; 0 does not exist)
 *   0x001000                   pending bits, read-only
 *   0x002000 + 0x80*ctx        enable bits of context ctx
 *   0x200000 + 0x1000*ctx      priority threshold of context ctx
 *   0x200004 + 0x1000*ctx      claim (read) / complete (write)
 *
 * Two contexts per hart, as on QEMU's virt: context 2h is hart h's M mode
 * (drives MEIP), 2h+1 its S mode (drives SEIP). A context's line is high iff
 * one of its enabled pending sources has priority above its threshold.
 *
 * Sources are level-triggered, through the spec's gateway: a high line makes
 * the source pending unless a request from it is in flight (claimed, not yet
 * completed); completion re-opens the gateway, and a line still high is pending
 * again at once. A line going low does not retract a pending request (spec,
 * "Interrupt Gateways"): the handler finds its device idle.
 *
 * Threads: machine_set_irq() comes from any thread (device threads, the stdin
 * reader), MMIO from the harts; `lock` guards everything. Lock order: device ->
 * PLIC -> hart wires; the PLIC never calls back into devices.
 */
#include <errno.h>
#include <libfdt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "lib/log.h"

#define PLIC_NSOURCES 96 /* IDs 0..95; 0 means "no interrupt" */
#define PLIC_NDEV (PLIC_NSOURCES - 1)
#define PLIC_WORDS (PLIC_NSOURCES / 32)
#define PLIC_PRIORITY_MASK 7u /* 3-bit WARL priorities and thresholds, like QEMU's virt */
#define PLIC_MAX_CONTEXTS (2 * MACHINE_MAX_HARTS)

#define PLIC_PRIORITY_BASE 0x0
#define PLIC_PENDING_BASE 0x1000
#define PLIC_ENABLE_BASE 0x2000
#define PLIC_ENABLE_STRIDE 0x80
#define PLIC_CONTEXT_BASE 0x200000
#define PLIC_CONTEXT_STRIDE 0x1000

#define MIP_SEIP (1ull << 9)
#define MIP_MEIP (1ull << 11)

struct plic {
    struct machine *m;
    unsigned ncontexts;
    pthread_mutex_t lock;
    uint32_t priority[PLIC_NSOURCES];
    uint32_t level[PLIC_WORDS];   /* input lines as last driven (not PLIC state: kept on reset) */
    uint32_t pending[PLIC_WORDS];
    uint32_t claimed[PLIC_WORDS]; /* gateway closed: claimed, not yet completed */
    uint32_t enable[PLIC_MAX_CONTEXTS][PLIC_WORDS];
    uint32_t threshold[PLIC_MAX_CONTEXTS];
    bool eip[PLIC_MAX_CONTEXTS]; /* each context's output as last driven */
};

static bool bit_get(const uint32_t *words, unsigned n)
{
    return (words[n / 32] >> (n % 32)) & 1;
}

static void bit_set(uint32_t *words, unsigned n, bool value)
{
    if (value)
        words[n / 32] |= 1u << (n % 32);
    else
        words[n / 32] &= ~(1u << (n % 32));
}

/* The source context `ctx` would claim now: highest priority above the threshold,
 * lowest ID on ties; 0 if none. */
static unsigned plic_best_source(const struct plic *p, unsigned ctx)
{
    unsigned best = 0;
    uint32_t best_priority = p->threshold[ctx];
    for (unsigned w = 0; w < PLIC_WORDS; w++) {
        uint32_t ready = p->pending[w] & p->enable[ctx][w];
        while (ready) {
            unsigned src = w * 32 + (unsigned)__builtin_ctz(ready);
            ready &= ready - 1;
            if (p->priority[src] > best_priority) {
                best = src;
                best_priority = p->priority[src];
            }
        }
    }
    return best;
}

/* Drives every context's MEIP/SEIP wire that changed. */
static void plic_update(struct plic *p)
{
    for (unsigned ctx = 0; ctx < p->ncontexts; ctx++) {
        bool level = plic_best_source(p, ctx) != 0;
        if (level != p->eip[ctx]) {
            p->eip[ctx] = level;
            wires_set_pending(&p->m->wires[ctx / 2], (ctx & 1) ? MIP_SEIP : MIP_MEIP, level);
        }
    }
}

/* The gateway forwards a request when the line is high and none is in flight. */
static void plic_gateway(struct plic *p, unsigned src)
{
    if (bit_get(p->level, src) && !bit_get(p->claimed, src))
        bit_set(p->pending, src, true);
}

static void plic_set_level(void *opaque, unsigned src, bool level)
{
    struct plic *p = opaque;
    if (src == 0 || src >= PLIC_NSOURCES)
        return;
    pthread_mutex_lock(&p->lock);
    bit_set(p->level, src, level);
    plic_gateway(p, src);
    plic_update(p);
    pthread_mutex_unlock(&p->lock);
}

static uint32_t plic_claim(struct plic *p, unsigned ctx)
{
    unsigned src = plic_best_source(p, ctx);
    if (src) {
        bit_set(p->pending, src, false);
        bit_set(p->claimed, src, true);
    }
    return src;
}

static void plic_complete(struct plic *p, unsigned ctx, uint32_t src)
{
    /* Completing an ID that is not enabled for this context is ignored (spec,
     * "Interrupt Completion"); so is one that is not in flight. */
    if (src == 0 || src >= PLIC_NSOURCES || !bit_get(p->enable[ctx], src) ||
        !bit_get(p->claimed, src))
        return;
    bit_set(p->claimed, src, false);
    plic_gateway(p, src); /* a line still high is pending again */
}

/* Reads and writes, with `lock` held. Anything outside the registers reads 0 and ignores writes. */
static uint32_t plic_read_locked(struct plic *p, uint64_t off)
{
    if (off < PLIC_PENDING_BASE) {
        unsigned src = (unsigned)(off / 4);
        return src < PLIC_NSOURCES ? p->priority[src] : 0;
    }
    if (off < PLIC_ENABLE_BASE) {
        unsigned word = (unsigned)((off - PLIC_PENDING_BASE) / 4);
        return word < PLIC_WORDS ? p->pending[word] : 0;
    }
    if (off < PLIC_CONTEXT_BASE) {
        uint64_t ctx = (off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
        unsigned word = (unsigned)((off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4);
        return ctx < p->ncontexts && word < PLIC_WORDS ? p->enable[ctx][word] : 0;
    }
    uint64_t ctx = (off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
    uint64_t reg = (off - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;
    if (ctx >= p->ncontexts)
        return 0;
    if (reg == 0)
        return p->threshold[ctx];
    if (reg == 4)
        return plic_claim(p, (unsigned)ctx);
    return 0;
}

static void plic_write_locked(struct plic *p, uint64_t off, uint32_t value)
{
    if (off < PLIC_PENDING_BASE) {
        unsigned src = (unsigned)(off / 4);
        if (src != 0 && src < PLIC_NSOURCES) /* source 0's priority is hardwired to 0 */
            p->priority[src] = value & PLIC_PRIORITY_MASK;
        return;
    }
    if (off < PLIC_ENABLE_BASE)
        return; /* pending bits are read-only */
    if (off < PLIC_CONTEXT_BASE) {
        uint64_t ctx = (off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
        unsigned word = (unsigned)((off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4);
        if (ctx < p->ncontexts && word < PLIC_WORDS)
            p->enable[ctx][word] = word == 0 ? value & ~1u : value; /* no source 0 */
        return;
    }
    uint64_t ctx = (off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
    uint64_t reg = (off - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;
    if (ctx >= p->ncontexts)
        return;
    if (reg == 0)
        p->threshold[ctx] = value & PLIC_PRIORITY_MASK;
    else if (reg == 4)
        plic_complete(p, (unsigned)ctx, value);
}

static uint64_t plic_read(void *opaque, uint64_t off, unsigned size)
{
    struct plic *p = opaque;
    pthread_mutex_lock(&p->lock);
    uint32_t value = plic_read_locked(p, off);
    plic_update(p); /* a claim lowers the line */
    pthread_mutex_unlock(&p->lock);
    return value;
}

static void plic_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    struct plic *p = opaque;
    pthread_mutex_lock(&p->lock);
    plic_write_locked(p, off, (uint32_t)value);
    plic_update(p);
    pthread_mutex_unlock(&p->lock);
}

/* 32-bit registers only (spec). The bus widens a narrower access into a read (and
 * write) of the whole word: a byte access to a claim register claims, which only
 * hurts the guest that does it. */
static const struct mmio_ops plic_ops = {
    .read = plic_read, .write = plic_write, .min_size = 4, .max_size = 4,
};

/* Registers to power-on values. The input lines are the devices' and stay as they are. */
static void plic_reset(void *opaque)
{
    struct plic *p = opaque;
    pthread_mutex_lock(&p->lock);
    memset(p->priority, 0, sizeof(p->priority));
    memset(p->pending, 0, sizeof(p->pending));
    memset(p->claimed, 0, sizeof(p->claimed));
    memset(p->enable, 0, sizeof(p->enable));
    memset(p->threshold, 0, sizeof(p->threshold));
    for (unsigned src = 1; src < PLIC_NSOURCES; src++)
        plic_gateway(p, src);
    plic_update(p);
    pthread_mutex_unlock(&p->lock);
}

static void plic_destroy(void *opaque)
{
    struct plic *p = opaque;
    if (p->m->irq_chip.opaque == p)
        p->m->irq_chip = (struct irq_chip){ 0 };
    pthread_mutex_destroy(&p->lock);
    free(p);
}

static int plic_fdt_node(void *opaque, struct machine *m, void *fdt)
{
    const struct board_region *r = machine_region(m, "plic");
    char name[32];
    int err;

    snprintf(name, sizeof(name), "plic@%llx", (unsigned long long)r->base);
    int node = fdt_add_subnode(fdt, fdt_path_offset(fdt, "/soc"), name);
    if (node < 0)
        return node;
    fdt32_t irqs[4 * MACHINE_MAX_HARTS];
    for (unsigned h = 0; h < m->nharts; h++) {
        irqs[4 * h + 0] = cpu_to_fdt32(m->phandles.cpu_intc[h]);
        irqs[4 * h + 1] = cpu_to_fdt32(11); /* context 2h: machine external */
        irqs[4 * h + 2] = cpu_to_fdt32(m->phandles.cpu_intc[h]);
        irqs[4 * h + 3] = cpu_to_fdt32(9); /* context 2h+1: supervisor external */
    }
    fdt64_t reg[2] = { cpu_to_fdt64(r->base), cpu_to_fdt64(r->size) };
    const char compat[] = "sifive,plic-1.0.0\0riscv,plic0";
    /* In QEMU's order (its dump lists the properties last set first). */
    if ((err = fdt_setprop_u32(fdt, node, "#interrupt-cells", 1)) < 0 ||
        (err = fdt_setprop_u32(fdt, node, "#address-cells", 0)) < 0 ||
        (err = fdt_setprop(fdt, node, "compatible", compat, sizeof(compat))) < 0 ||
        (err = fdt_setprop(fdt, node, "interrupt-controller", NULL, 0)) < 0 ||
        (err = fdt_setprop(fdt, node, "interrupts-extended", irqs,
                           (int)(4 * sizeof(fdt32_t) * m->nharts))) < 0 ||
        (err = fdt_setprop(fdt, node, "reg", reg, sizeof(reg))) < 0 ||
        (err = fdt_setprop_u32(fdt, node, "riscv,ndev", PLIC_NDEV)) < 0 ||
        (err = fdt_setprop_u32(fdt, node, "phandle", m->phandles.plic)) < 0)
        return err;
    return 0;
}

static int plic_create(struct machine *m)
{
    const struct board_region *r = machine_region(m, "plic");
    if (!r)
        return 0;
    if (m->irq_chip.set_level) {
        log_error("plic: the machine already has an interrupt controller");
        return -EEXIST;
    }
    struct plic *p = calloc(1, sizeof(*p));
    if (!p)
        return -ENOMEM;
    p->m = m;
    p->ncontexts = 2 * m->nharts;
    pthread_mutex_init(&p->lock, NULL);
    int err = bus_add_mmio(&m->bus, r->name, r->base, r->size, &plic_ops, p);
    if (!err)
        err = machine_add_device(m, &(struct device_instance){ .name = "plic",
                                                                .opaque = p,
                                                                .reset = plic_reset,
                                                                .destroy = plic_destroy,
                                                                .fdt_node = plic_fdt_node });
    if (err) {
        pthread_mutex_destroy(&p->lock);
        free(p);
        return err;
    }
    m->irq_chip = (struct irq_chip){ plic_set_level, p };
    return 0;
}

static const struct device_type plic_type = { "plic", plic_create };
DEVICE_TYPE_REGISTER(plic_type);

/*
 * vm.c - the VM lifecycle: build the machine from its config, run the harts,
 * handle reset and exit requests, tear down. (Pause, snapshot and migration
 * join here in later issues.)
 */
#include "rvmm/vm.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "backends/chr.h"
#include "board/virt.h"
#include "cpu/hart.h"
#include "cpu/insn.h"
#include "firmware/sbi.h"
#include "interp/blocks.h"
#include "interp/interp.h"
#include "jit/jit.h"
#include "lib/log.h"

#define BLOCK_ARENA_BYTES (32u << 20)

struct vm {
    struct vm_config config;
    struct machine machine;
    struct hart *harts;
};

static int vm_boot(struct vm *vm)
{
    char err[512];

    struct virt_boot boot;

    if (virt_load(&vm->machine, &vm->config, &boot, err, sizeof(err))) {
        log_error("%s", err);
        return -EINVAL;
    }
    for (unsigned i = 0; i < vm->machine.nharts; i++) {
        struct hart *h = &vm->harts[i];
        hart_reset(h, boot.entry);
        blocks_flush(h);
        if (boot.builtin_sbi)
            sbi_boot_hart(h, boot.entry, boot.fdt_addr);
    }
    return 0;
}

/* Ctrl-A x on the console: a clean exit, so --stats and the terminal are restored. */
static void vm_quit(void *machine)
{
    machine_request_exit(machine, 0);
}

int vm_create(const struct vm_config *config, struct vm **out)
{
    char err[512];
    struct vm *vm = calloc(1, sizeof(*vm));
    if (!vm)
        return -ENOMEM;
    vm->config = *config;
    if (vm->config.harts != 1) {
        log_error("--harts %u: only 1 hart is supported", vm->config.harts);
        free(vm);
        return -EINVAL;
    }

    int ret = machine_init(&vm->machine, &vm->config, vm->config.harts);
    if (ret) {
        free(vm);
        return ret;
    }
    clock_init(&vm->machine.clock,
               vm->config.clock == VM_CLOCK_ICOUNT ? CLOCK_ICOUNT : CLOCK_HOST);
    if (virt_build(&vm->machine, &vm->config, err, sizeof(err))) {
        if (err[0])
            log_error("%s", err);
        ret = -EINVAL;
        goto fail;
    }
    /* struct hart is large (its TLB): allocate it rather than embed it. */
    vm->harts = calloc(vm->machine.nharts, sizeof(*vm->harts));
    if (!vm->harts) {
        ret = -ENOMEM;
        goto fail;
    }
    for (unsigned i = 0; i < vm->machine.nharts; i++) {
        ret = hart_init(&vm->harts[i], &vm->machine, i);
        if (ret)
            goto fail;
        vm->harts[i].blocks = blocks_create(BLOCK_ARENA_BYTES);
        if (!vm->harts[i].blocks) {
            ret = -ENOMEM;
            goto fail;
        }
        if (vm->config.jit) {
            vm->harts[i].translator = jit_create(&vm->harts[i], vm->config.jit_threshold,
                                                 JIT_DEFAULT_CACHE_BYTES, vm->config.perf_map);
            if (!vm->harts[i].translator) {
                ret = -ENOMEM;
                goto fail;
            }
        }
    }
    ret = vm_boot(vm);
    if (ret)
        goto fail;
    chr_stdio_set_quit_handler(vm_quit, &vm->machine);
    *out = vm;
    return 0;

fail:
    vm_destroy(vm);
    return ret;
}

int vm_run(struct vm *vm)
{
    struct machine *m = &vm->machine;

    for (;;) {
        enum machine_request r = interp_run(&vm->harts[0]);
        if (r == MACHINE_EXIT)
            return m->exit_status;
        /* Reset: devices to power-on state, images reloaded, harts at the reset vector. */
        __atomic_store_n(&m->request, MACHINE_RUN, __ATOMIC_RELEASE);
        machine_reset_devices(m);
        if (vm_boot(vm))
            return 1;
    }
}

static const char *const exception_names[16] = {
    "instruction address misaligned", "instruction access fault", "illegal instruction",
    "breakpoint", "load address misaligned", "load access fault", "store address misaligned",
    "store access fault", "ecall from U", "ecall from S", NULL, "ecall from M",
    "instruction page fault", "load page fault", NULL, "store page fault",
};
static const char *const interrupt_names[16] = {
    [1] = "supervisor software", [3] = "machine software", [5] = "supervisor timer",
    [7] = "machine timer", [9] = "supervisor external", [11] = "machine external",
};

void vm_print_stats(struct vm *vm)
{
    struct machine *m = &vm->machine;

    for (unsigned i = 0; i < m->nharts; i++) {
        const struct hart *h = &vm->harts[i];
        const struct hart_stats *s = &h->stats;
        fprintf(stderr, "hart %u:\n", i);
        fprintf(stderr, "  instructions retired  %" PRIu64 "\n", h->instret);
        for (unsigned c = 0; c < 16; c++)
            if (s->exceptions[c])
                fprintf(stderr, "  exception %-30s %" PRIu64 "\n", exception_names[c],
                        s->exceptions[c]);
        for (unsigned c = 0; c < 16; c++)
            if (s->interrupts[c])
                fprintf(stderr, "  interrupt %-30s %" PRIu64 "\n", interrupt_names[c],
                        s->interrupts[c]);
        fprintf(stderr, "  tlb misses %" PRIu64 " (%.0f per million instructions), flushes %" PRIu64
                " by address, %" PRIu64 " whole\n", s->tlb_misses,
                1e6 * (double)s->tlb_misses / (double)(h->instret ? h->instret : 1), s->tlb_flushes,
                s->tlb_full_flushes);
        fprintf(stderr, "  blocks decoded %" PRIu64 ", invalidated by stores %" PRIu64
                ", decode cache flushes %" PRIu64 "\n",
                s->blocks_decoded, s->blocks_invalidated, s->block_cache_flushes);
        if (h->translator)
            jit_print_stats(h->translator, h, stderr);
        sbi_print_stats(h, stderr);
    }
    for (unsigned i = 0; i < m->bus.nmmio; i++)
        fprintf(stderr, "mmio %-10s accesses %" PRIu64 "\n", m->bus.mmio[i].name,
                m->bus.mmio[i].accesses);
}

void vm_destroy(struct vm *vm)
{
    if (!vm)
        return;
    chr_stdio_set_quit_handler(NULL, NULL);
    if (vm->harts) {
        for (unsigned i = 0; i < vm->machine.nharts; i++) {
            jit_destroy(vm->harts[i].translator);
            blocks_destroy(vm->harts[i].blocks);
        }
        free(vm->harts);
    }
    machine_destroy(&vm->machine);
    free(vm);
}

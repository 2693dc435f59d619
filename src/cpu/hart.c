/* hart.c - hart creation, reset, and what the hart reports about its ISA. */
#include "cpu/hart.h"

#include <string.h>

#include "cpu/mmu.h"

/* Exactly what is implemented, in canonical order (also the device tree's riscv,isa). */
const char hart_isa_string[] =
    "rv64imafdc_zicbom_zicbop_zicboz_zicntr_zicond_zicsr_zifencei_zihpm_zba_zbb_zbs_sstc_"
    "svnapot_svpbmt";

uint64_t hart_misa(void)
{
    uint64_t ext = 0;
    for (const char *p = "IMAFDCSU"; *p; p++)
        ext |= 1ull << (*p - 'A');
    return (2ull << 62) | ext; /* MXL = 64 */
}

int hart_init(struct hart *h, struct machine *m, unsigned hartid)
{
    memset(h, 0, sizeof(*h));
    h->machine = m;
    h->wires = &m->wires[hartid];
    h->mhartid = hartid;
    return 0;
}

/* Reset state per the privileged spec "Reset": M-mode, MIE = MPRV = 0, everything else as ours. */
void hart_reset(struct hart *h, uint64_t pc)
{
    struct machine *m = h->machine;
    struct hart_wires *w = h->wires;
    struct block_cache *bc = h->blocks;
    struct translator *tr = h->translator;
    uint64_t id = h->mhartid;

    memset(h, 0, offsetof(struct hart, tlb));
    h->machine = m;
    h->wires = w;
    h->blocks = bc;
    h->translator = tr;
    h->mhartid = id;
    h->pc = pc;
    h->stimecmp = ~0ull;
    hart_set_priv(h, PRIV_M);
    tlb_flush_all(h);
    h->stats = (struct hart_stats){ 0 };
}

/*
 * trap.c - the privileged trap model (privileged spec 1.12, "Machine-Level
 * ISA" and "Supervisor-Level ISA"): exception and interrupt entry with
 * delegation, interrupt priority and enables, and xRET.
 */
#include <string.h>

#include "cpu/hart.h"
#include "cpu/mmu.h"
#include "lib/compiler.h"
#include "lib/log.h"

#define CAUSE_INTERRUPT (1ull << 63)

void hart_raise(struct hart *h, uint64_t cause, uint64_t tval)
{
    h->exc_cause = cause;
    h->exc_tval = tval;
}

void hart_set_priv(struct hart *h, unsigned priv)
{
    h->priv = priv;
    csr_update_mmu_idx(h);
}

static void trap_enter(struct hart *h, uint64_t cause, uint64_t tval, uint64_t pc)
{
    bool interrupt = cause & CAUSE_INTERRUPT;
    unsigned code = cause & 63;
    uint64_t deleg = interrupt ? h->mideleg : h->medeleg;

    if (unlikely(log_debug_enabled))
        log_debug("hart %llu: trap cause %#llx tval %#llx at pc %#llx from priv %u",
                  (unsigned long long)h->mhartid, (unsigned long long)cause,
                  (unsigned long long)tval, (unsigned long long)pc, h->priv);
    if (interrupt)
        h->stats.interrupts[code & 15]++;
    else
        h->stats.exceptions[code & 15]++;

    if (h->priv <= PRIV_S && ((deleg >> code) & 1)) {
        h->scause = cause;
        h->sepc = pc;
        h->stval = tval;
        uint64_t s = h->mstatus & ~(MSTATUS_SPIE | MSTATUS_SIE | MSTATUS_SPP);
        if (h->mstatus & MSTATUS_SIE)
            s |= MSTATUS_SPIE;
        if (h->priv == PRIV_S)
            s |= MSTATUS_SPP;
        h->mstatus = s;
        h->pc = (h->stvec & ~3ull) + ((interrupt && (h->stvec & 1)) ? 4ull * code : 0);
        hart_set_priv(h, PRIV_S);
    } else {
        h->mcause = cause;
        h->mepc = pc;
        h->mtval = tval;
        uint64_t s = h->mstatus & ~(MSTATUS_MPIE | MSTATUS_MIE | MSTATUS_MPP);
        if (h->mstatus & MSTATUS_MIE)
            s |= MSTATUS_MPIE;
        s |= (uint64_t)h->priv << MSTATUS_MPP_SHIFT;
        h->mstatus = s;
        h->pc = (h->mtvec & ~3ull) + ((interrupt && (h->mtvec & 1)) ? 4ull * code : 0);
        hart_set_priv(h, PRIV_M);
    }
}

void hart_take_exception(struct hart *h, uint64_t pc)
{
    if (h->exc_cause == EXC_ECALL_S && h->firmware_ecall &&
        !((h->medeleg >> EXC_ECALL_S) & 1)) {
        /* The hypercall: rvmm is the M-mode firmware. The ecall retires. */
        h->stats.exceptions[EXC_ECALL_S]++;
        h->instret++;
        h->pc = pc + 4;
        h->firmware_ecall(h);
        return;
    }
    trap_enter(h, h->exc_cause, h->exc_tval, pc);
}

void hart_update_timer_bits(struct hart *h)
{
    uint64_t now = clock_mtime(&h->machine->clock);
    uint64_t mtimecmp = __atomic_load_n(&h->wires->mtimecmp, __ATOMIC_ACQUIRE);

    h->mip &= ~MIP_MTIP;
    if (now >= mtimecmp)
        h->mip |= MIP_MTIP;
    if (h->menvcfg & ENVCFG_STCE) {
        h->mip &= ~MIP_STIP;
        if (now >= h->stimecmp)
            h->mip |= MIP_STIP;
    }
}

uint64_t hart_read_mip(struct hart *h)
{
    hart_update_timer_bits(h);
    return h->mip | __atomic_load_n(&h->wires->pending, __ATOMIC_ACQUIRE);
}

uint64_t hart_pending_interrupts(struct hart *h)
{
    uint64_t pending = (h->mip | __atomic_load_n(&h->wires->pending, __ATOMIC_ACQUIRE)) & h->mie;
    if (!pending)
        return 0;

    uint64_t m_level = pending & ~h->mideleg;
    uint64_t s_level = pending & h->mideleg;
    bool m_enabled = h->priv < PRIV_M || (h->mstatus & MSTATUS_MIE);
    bool s_enabled = h->priv < PRIV_S || (h->priv == PRIV_S && (h->mstatus & MSTATUS_SIE));

    return (m_enabled ? m_level : 0) | (s_enabled ? s_level : 0);
}

bool hart_take_pending_interrupt(struct hart *h)
{
    /* Machine-level interrupts first, then supervisor; within a level MEI, MSI, MTI, SEI, SSI, STI. */
    static const unsigned order[] = { IRQ_MEI, IRQ_MSI, IRQ_MTI, IRQ_SEI, IRQ_SSI, IRQ_STI };
    uint64_t enabled = hart_pending_interrupts(h);
    if (!enabled)
        return false;

    uint64_t m_level = enabled & ~h->mideleg;
    uint64_t pick_from = m_level ? m_level : enabled;
    for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        if (pick_from & (1ull << order[i])) {
            trap_enter(h, CAUSE_INTERRUPT | order[i], 0, h->pc);
            return true;
        }
    }
    return false;
}

void hart_mret(struct hart *h)
{
    unsigned mpp = (h->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
    uint64_t s = h->mstatus & ~(MSTATUS_MIE | MSTATUS_MPP);

    if (h->mstatus & MSTATUS_MPIE)
        s |= MSTATUS_MIE;
    s |= MSTATUS_MPIE;
    if (mpp != PRIV_M)
        s &= ~MSTATUS_MPRV;
    h->mstatus = s;
    h->pc = h->mepc;
    hart_set_priv(h, mpp);
}

void hart_sret(struct hart *h)
{
    unsigned spp = (h->mstatus & MSTATUS_SPP) ? PRIV_S : PRIV_U;
    uint64_t s = h->mstatus & ~(MSTATUS_SIE | MSTATUS_SPP | MSTATUS_MPRV);

    if (h->mstatus & MSTATUS_SPIE)
        s |= MSTATUS_SIE;
    s |= MSTATUS_SPIE;
    h->mstatus = s;
    h->pc = h->sepc;
    hart_set_priv(h, spp);
}

/*
 * csr.c - the control and status registers, as one table indexed by CSR number.
 *
 * Each entry has a read and a write function and an optional access check.
 * Numbers without an entry do not exist and raise illegal instruction, as do
 * accesses from too low a privilege and writes to read-only CSRs (the
 * privilege and read-only rules come from the number itself, privileged spec
 * "CSR Address Mapping Conventions").
 */
#include <string.h>

#include "cpu/hart.h"
#include "cpu/insn.h"
#include "cpu/mmu.h"

enum {
    CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003,
    CSR_CYCLE = 0xc00, CSR_TIME = 0xc01, CSR_INSTRET = 0xc02, CSR_HPMCOUNTER3 = 0xc03,
    CSR_HPMCOUNTER31 = 0xc1f,
    CSR_SSTATUS = 0x100, CSR_SIE = 0x104, CSR_STVEC = 0x105, CSR_SCOUNTEREN = 0x106,
    CSR_SENVCFG = 0x10a, CSR_SSCRATCH = 0x140, CSR_SEPC = 0x141, CSR_SCAUSE = 0x142,
    CSR_STVAL = 0x143, CSR_SIP = 0x144, CSR_STIMECMP = 0x14d, CSR_SATP = 0x180,
    CSR_MVENDORID = 0xf11, CSR_MARCHID = 0xf12, CSR_MIMPID = 0xf13, CSR_MHARTID = 0xf14,
    CSR_MCONFIGPTR = 0xf15,
    CSR_MSTATUS = 0x300, CSR_MISA = 0x301, CSR_MEDELEG = 0x302, CSR_MIDELEG = 0x303,
    CSR_MIE = 0x304, CSR_MTVEC = 0x305, CSR_MCOUNTEREN = 0x306, CSR_MENVCFG = 0x30a,
    CSR_MCOUNTINHIBIT = 0x320, CSR_MHPMEVENT3 = 0x323, CSR_MHPMEVENT31 = 0x33f,
    CSR_MSCRATCH = 0x340, CSR_MEPC = 0x341, CSR_MCAUSE = 0x342, CSR_MTVAL = 0x343,
    CSR_MIP = 0x344,
    CSR_PMPCFG0 = 0x3a0, CSR_PMPCFG15 = 0x3af, CSR_PMPADDR0 = 0x3b0, CSR_PMPADDR63 = 0x3ef,
    CSR_MCYCLE = 0xb00, CSR_MINSTRET = 0xb02, CSR_MHPMCOUNTER3 = 0xb03, CSR_MHPMCOUNTER31 = 0xb1f,
};

#define SSTATUS_MASK (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | \
                      MSTATUS_MXR | MSTATUS_UXL | MSTATUS_SD)
#define MSTATUS_WRITABLE (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | \
                          MSTATUS_MPP | MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | \
                          MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR)
#define MEDELEG_WRITABLE 0xb3ffull /* all synchronous causes except ecall from M (11) */
#define MIE_WRITABLE MIP_ALL
#define MENVCFG_WRITABLE (ENVCFG_FIOM | ENVCFG_CBIE | ENVCFG_CBCFE | ENVCFG_CBZE | ENVCFG_PBMTE | \
                          ENVCFG_STCE)
#define SENVCFG_WRITABLE (ENVCFG_FIOM | ENVCFG_CBIE | ENVCFG_CBCFE | ENVCFG_CBZE)
#define PMPADDR_MASK ((1ull << 54) - 1)

struct csr_def {
    /* Extra access check beyond privilege and read-only; returns false to raise illegal. */
    bool (*allowed)(struct hart *h, unsigned csr);
    uint64_t (*read)(struct hart *h, unsigned csr);
    void (*write)(struct hart *h, unsigned csr, uint64_t value); /* NULL: writes ignored */
};

bool fp_enabled(const struct hart *h)
{
    return (h->mstatus & MSTATUS_FS) != 0;
}

void fp_set_dirty(struct hart *h)
{
    h->mstatus |= MSTATUS_FS | MSTATUS_SD;
}

void csr_update_mmu_idx(struct hart *h)
{
    unsigned data_priv = h->priv;
    if (h->priv == PRIV_M && (h->mstatus & MSTATUS_MPRV))
        data_priv = (h->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;

    h->fetch_idx = h->priv == PRIV_M ? MMU_M : h->priv == PRIV_S ? MMU_S : MMU_U;
    if (data_priv == PRIV_M)
        h->data_idx = MMU_M;
    else if (data_priv == PRIV_U)
        h->data_idx = MMU_U;
    else
        h->data_idx = (h->mstatus & MSTATUS_SUM) ? MMU_S_SUM : MMU_S;
    hart_jcache_update_key(h);
    h->tlb_data_read = h->tlb[h->data_idx][TLB_READ];
    h->tlb_data_write = h->tlb[h->data_idx][TLB_WRITE];
}

/* ---- floating-point CSRs ---- */

static bool fp_allowed(struct hart *h, unsigned csr) { return fp_enabled(h); }

static uint64_t fcsr_read(struct hart *h, unsigned csr)
{
    switch (csr) {
    case CSR_FFLAGS: return h->fflags;
    case CSR_FRM: return h->frm;
    default: return (h->frm << 5) | h->fflags;
    }
}

static void fcsr_write(struct hart *h, unsigned csr, uint64_t v)
{
    switch (csr) {
    case CSR_FFLAGS: h->fflags = v & 0x1f; break;
    case CSR_FRM: h->frm = v & 7; break;
    default: h->fflags = v & 0x1f; h->frm = (v >> 5) & 7; break;
    }
    fp_set_dirty(h);
}

/* ---- counters ---- */

/* Zicntr/Zihpm gating: mcounteren for S and U, scounteren additionally for U. */
static bool counter_allowed(struct hart *h, unsigned csr)
{
    unsigned bit = csr & 31;
    if (h->priv < PRIV_M && !((h->mcounteren >> bit) & 1))
        return false;
    if (h->priv < PRIV_S && !((h->scounteren >> bit) & 1))
        return false;
    return true;
}

#define INHIBIT_CY 1ull
#define INHIBIT_IR 4ull

static uint64_t counter_value(const struct hart *h, int64_t delta, uint64_t inhibit_bit)
{
    return (h->mcountinhibit & inhibit_bit) ? (uint64_t)delta : h->instret + delta;
}

static uint64_t counter_read(struct hart *h, unsigned csr)
{
    switch (csr & 0x1f) {
    case 0: return counter_value(h, h->mcycle_delta, INHIBIT_CY);
    case 1:
        if (h->machine->clock.mode == CLOCK_ICOUNT) /* exact, not as of the last poll */
            return h->instret + h->machine->clock.icount_skip;
        return clock_mtime(&h->machine->clock);
    case 2: return counter_value(h, h->minstret_delta, INHIBIT_IR);
    default: return 0; /* hpmcounter3..31 count no events */
    }
}

/*
 * A CSR write to minstret happens before the writing instruction retires;
 * the spec says the written value is what the next instruction sees, so
 * compensate for the increment of the csrw itself.
 */
static void counter_write(struct hart *h, unsigned csr, uint64_t v)
{
    bool cycle = csr == CSR_MCYCLE;
    int64_t *delta = cycle ? &h->mcycle_delta : &h->minstret_delta;
    if (h->mcountinhibit & (cycle ? INHIBIT_CY : INHIBIT_IR))
        *delta = (int64_t)v;
    else
        *delta = (int64_t)(v - h->instret - 1);
}

static uint64_t mcountinhibit_read(struct hart *h, unsigned csr) { return h->mcountinhibit; }

/* CY and IR are implemented; the hpm counters count nothing, so their bits are read-only zero. */
static void mcountinhibit_write(struct hart *h, unsigned csr, uint64_t v)
{
    uint64_t old = h->mcountinhibit, now = v & (INHIBIT_CY | INHIBIT_IR);
    /* +1: the csrw itself retires after this write and must not count while frozen */
    uint64_t next = h->instret + 1;

    if ((old ^ now) & INHIBIT_CY)
        h->mcycle_delta = (now & INHIBIT_CY) ? (int64_t)(next + h->mcycle_delta)
                                             : (int64_t)((uint64_t)h->mcycle_delta - next);
    if ((old ^ now) & INHIBIT_IR)
        h->minstret_delta = (now & INHIBIT_IR) ? (int64_t)(next + h->minstret_delta)
                                               : (int64_t)((uint64_t)h->minstret_delta - next);
    h->mcountinhibit = now;
}

static uint64_t zero_read(struct hart *h, unsigned csr) { return 0; }

/* ---- status and interrupts ---- */

static uint64_t mstatus_value(const struct hart *h)
{
    uint64_t s = h->mstatus & ~MSTATUS_SD;
    if ((s & MSTATUS_FS) == MSTATUS_FS)
        s |= MSTATUS_SD;
    return s | (2ull << 32) | (2ull << 34); /* UXL = SXL = 64 */
}

static uint64_t status_read(struct hart *h, unsigned csr)
{
    uint64_t s = mstatus_value(h);
    return csr == CSR_SSTATUS ? s & SSTATUS_MASK : s;
}

static void status_write(struct hart *h, unsigned csr, uint64_t v)
{
    uint64_t mask = csr == CSR_SSTATUS ? SSTATUS_MASK & MSTATUS_WRITABLE : MSTATUS_WRITABLE;
    uint64_t old = h->mstatus;
    uint64_t s = (old & ~mask) | (v & mask);

    /* MPP is WARL over {U, S, M}: the reserved value 2 leaves MPP unchanged. */
    if (((s & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) == 2)
        s = (s & ~MSTATUS_MPP) | (old & MSTATUS_MPP);
    h->mstatus = s & ~MSTATUS_SD;
    /* MXR changes what a read TLB entry may hold; MPRV/MPP/SUM only pick another context. */
    if ((old ^ s) & MSTATUS_MXR)
        tlb_flush_all(h);
    csr_update_mmu_idx(h);
}

static uint64_t mip_read(struct hart *h, unsigned csr)
{
    uint64_t mip = hart_read_mip(h);
    return csr == CSR_SIP ? mip & h->mideleg & MIP_S_MASK : mip;
}

static void mip_write(struct hart *h, unsigned csr, uint64_t v)
{
    /* M-mode may write SSIP, STIP (unless Sstc drives it) and SEIP; S-mode only SSIP. */
    uint64_t mask = MIP_SSIP;
    if (csr == CSR_MIP) {
        mask |= MIP_SEIP;
        if (!(h->menvcfg & ENVCFG_STCE))
            mask |= MIP_STIP;
    } else {
        mask &= h->mideleg;
    }
    h->mip = (h->mip & ~mask) | (v & mask);
}

static uint64_t mie_read(struct hart *h, unsigned csr)
{
    return csr == CSR_SIE ? h->mie & h->mideleg & MIP_S_MASK : h->mie;
}

static void mie_write(struct hart *h, unsigned csr, uint64_t v)
{
    uint64_t mask = csr == CSR_SIE ? h->mideleg & MIP_S_MASK : MIE_WRITABLE;
    h->mie = (h->mie & ~mask) | (v & mask);
}

/* ---- plain registers with WARL legalisation ---- */

static uint64_t *csr_field(struct hart *h, unsigned csr)
{
    switch (csr) {
    case CSR_MEDELEG: return &h->medeleg;
    case CSR_MIDELEG: return &h->mideleg;
    case CSR_MTVEC: return &h->mtvec;
    case CSR_MCOUNTEREN: return &h->mcounteren;
    case CSR_MENVCFG: return &h->menvcfg;
    case CSR_MSCRATCH: return &h->mscratch;
    case CSR_MEPC: return &h->mepc;
    case CSR_MCAUSE: return &h->mcause;
    case CSR_MTVAL: return &h->mtval;
    case CSR_STVEC: return &h->stvec;
    case CSR_SCOUNTEREN: return &h->scounteren;
    case CSR_SENVCFG: return &h->senvcfg;
    case CSR_SSCRATCH: return &h->sscratch;
    case CSR_SEPC: return &h->sepc;
    case CSR_SCAUSE: return &h->scause;
    case CSR_STVAL: return &h->stval;
    case CSR_STIMECMP: return &h->stimecmp;
    case CSR_SATP: return &h->satp;
    }
    return NULL;
}

static uint64_t field_read(struct hart *h, unsigned csr) { return *csr_field(h, csr); }

/* CBIE is WARL: the reserved value 2 reads back as 0 (illegal-instruction behaviour). */
static uint64_t legal_envcfg(uint64_t v)
{
    if ((v & ENVCFG_CBIE) == (2ull << 4))
        v &= ~ENVCFG_CBIE;
    return v;
}

static void field_write(struct hart *h, unsigned csr, uint64_t v)
{
    uint64_t *f = csr_field(h, csr);

    switch (csr) {
    case CSR_MEDELEG: v &= MEDELEG_WRITABLE; break;
    case CSR_MIDELEG: v &= MIP_S_MASK; break;
    case CSR_MTVEC:
    case CSR_STVEC:
        /* Modes 2 and 3 are reserved: keep the low bit so the mode stays Direct or Vectored. */
        v &= ~2ull;
        break;
    case CSR_MCOUNTEREN:
    case CSR_SCOUNTEREN: v &= 0xffffffffull; break;
    case CSR_MENVCFG: v = legal_envcfg(v & MENVCFG_WRITABLE); break;
    case CSR_SENVCFG: v = legal_envcfg(v & SENVCFG_WRITABLE); break;
    case CSR_MEPC:
    case CSR_SEPC: v &= ~1ull; break;
    case CSR_SATP: {
        uint64_t mode = v >> 60;
        /* An unsupported MODE makes the whole write have no effect. */
        if (mode != 0 && mode != 8 && mode != 9 && mode != 10)
            return;
        v &= (0xfull << 60) | (0xffffull << 44) | ((1ull << 44) - 1);
        *f = v;
        tlb_flush_translated(h);
        return;
    }
    }
    *f = v;
}

static bool satp_allowed(struct hart *h, unsigned csr)
{
    return !(h->priv == PRIV_S && (h->mstatus & MSTATUS_TVM));
}

static bool stimecmp_allowed(struct hart *h, unsigned csr)
{
    if (h->priv == PRIV_M)
        return true;
    return (h->mcounteren & 2) && (h->menvcfg & ENVCFG_STCE);
}

static void stimecmp_write(struct hart *h, unsigned csr, uint64_t v)
{
    h->stimecmp = v;
    hart_update_timer_bits(h); /* STIP follows at once: no stale timer interrupt */
}

static uint64_t misa_read(struct hart *h, unsigned csr) { return hart_misa(); }
static uint64_t mhartid_read(struct hart *h, unsigned csr) { return h->mhartid; }

/* ---- PMP ---- */

static uint64_t pmpcfg_read(struct hart *h, unsigned csr)
{
    unsigned first = (csr - CSR_PMPCFG0) * 4; /* RV64: pmpcfg0 holds entries 0-7, pmpcfg2 8-15 */
    uint64_t v = 0;
    for (unsigned i = 0; i < 8 && first + i < PMP_ENTRIES; i++)
        v |= (uint64_t)h->pmpcfg[first + i] << (8 * i);
    return v;
}

static void pmpcfg_write(struct hart *h, unsigned csr, uint64_t v)
{
    unsigned first = (csr - CSR_PMPCFG0) * 4;
    for (unsigned i = 0; i < 8 && first + i < PMP_ENTRIES; i++) {
        uint8_t cfg = (v >> (8 * i)) & 0x9f; /* bits 5-6 are reserved zero */
        if (h->pmpcfg[first + i] & 0x80)
            continue; /* locked */
        if ((cfg & 3) == 2)
            continue; /* W without R is reserved: keep the old value */
        h->pmpcfg[first + i] = cfg;
    }
    tlb_flush_all(h);
}

static bool pmpcfg_allowed(struct hart *h, unsigned csr)
{
    return (csr & 1) == 0; /* RV64 has only the even pmpcfg registers */
}

static uint64_t pmpaddr_read(struct hart *h, unsigned csr)
{
    unsigned i = csr - CSR_PMPADDR0;
    return i < PMP_ENTRIES ? h->pmpaddr[i] : 0;
}

static void pmpaddr_write(struct hart *h, unsigned csr, uint64_t v)
{
    unsigned i = csr - CSR_PMPADDR0;
    if (i >= PMP_ENTRIES || (h->pmpcfg[i] & 0x80))
        return;
    /* A locked TOR entry above also locks this address, its lower bound. */
    if (i + 1 < PMP_ENTRIES && (h->pmpcfg[i + 1] & 0x80) && ((h->pmpcfg[i + 1] >> 3) & 3) == 1)
        return;
    h->pmpaddr[i] = v & PMPADDR_MASK;
    tlb_flush_all(h);
}

static struct csr_def csr_table[4096];

static void csr_range(unsigned first, unsigned last, struct csr_def def)
{
    for (unsigned c = first; c <= last; c++)
        csr_table[c] = def;
}

__attribute__((constructor)) static void csr_table_init(void)
{
    struct csr_def fp = { fp_allowed, fcsr_read, fcsr_write };
    struct csr_def counter = { counter_allowed, counter_read, NULL };
    struct csr_def field = { NULL, field_read, field_write };
    struct csr_def ro_zero = { NULL, zero_read, NULL };

    csr_range(CSR_FFLAGS, CSR_FCSR, fp);
    csr_range(CSR_CYCLE, CSR_HPMCOUNTER31, counter);

    csr_table[CSR_SSTATUS] = (struct csr_def){ NULL, status_read, status_write };
    csr_table[CSR_SIE] = (struct csr_def){ NULL, mie_read, mie_write };
    csr_table[CSR_SIP] = (struct csr_def){ NULL, mip_read, mip_write };
    csr_table[CSR_STVEC] = field;
    csr_table[CSR_SCOUNTEREN] = field;
    csr_table[CSR_SENVCFG] = field;
    csr_table[CSR_SSCRATCH] = field;
    csr_table[CSR_SEPC] = field;
    csr_table[CSR_SCAUSE] = field;
    csr_table[CSR_STVAL] = field;
    csr_table[CSR_STIMECMP] = (struct csr_def){ stimecmp_allowed, field_read, stimecmp_write };
    csr_table[CSR_SATP] = (struct csr_def){ satp_allowed, field_read, field_write };

    csr_range(CSR_MVENDORID, CSR_MCONFIGPTR, ro_zero);
    csr_table[CSR_MHARTID] = (struct csr_def){ NULL, mhartid_read, NULL };
    csr_table[CSR_MSTATUS] = (struct csr_def){ NULL, status_read, status_write };
    csr_table[CSR_MISA] = (struct csr_def){ NULL, misa_read, NULL }; /* WARL, fixed */
    csr_table[CSR_MEDELEG] = field;
    csr_table[CSR_MIDELEG] = field;
    csr_table[CSR_MIE] = (struct csr_def){ NULL, mie_read, mie_write };
    csr_table[CSR_MIP] = (struct csr_def){ NULL, mip_read, mip_write };
    csr_table[CSR_MTVEC] = field;
    csr_table[CSR_MCOUNTEREN] = field;
    csr_table[CSR_MENVCFG] = field;
    csr_table[CSR_MCOUNTINHIBIT] = (struct csr_def){ NULL, mcountinhibit_read, mcountinhibit_write };
    csr_range(CSR_MHPMEVENT3, CSR_MHPMEVENT31, ro_zero);
    csr_table[CSR_MSCRATCH] = field;
    csr_table[CSR_MEPC] = field;
    csr_table[CSR_MCAUSE] = field;
    csr_table[CSR_MTVAL] = field;
    csr_range(CSR_PMPCFG0, CSR_PMPCFG15,
              (struct csr_def){ pmpcfg_allowed, pmpcfg_read, pmpcfg_write });
    csr_range(CSR_PMPADDR0, CSR_PMPADDR63, (struct csr_def){ NULL, pmpaddr_read, pmpaddr_write });
    csr_table[CSR_MCYCLE] = (struct csr_def){ NULL, counter_read, counter_write };
    csr_table[CSR_MINSTRET] = (struct csr_def){ NULL, counter_read, counter_write };
    csr_range(CSR_MHPMCOUNTER3, CSR_MHPMCOUNTER31, ro_zero);
}

int csr_access(struct hart *h, const struct insn *in, uint64_t *rd_value)
{
    unsigned csr = (unsigned)in->imm & 0xfff;
    const struct csr_def *def = &csr_table[csr];
    bool imm_form = in->op >= OP_CSRRWI;
    bool is_rw = in->op == OP_CSRRW || in->op == OP_CSRRWI;
    /* CSRRS/CSRRC with rs1 = x0 (or uimm = 0) do not write, so they may read read-only CSRs. */
    bool writes = is_rw || in->rs1 != 0;

    if (!def->read || h->priv < ((csr >> 8) & 3) || (writes && (csr >> 10) == 3) ||
        (def->allowed && !def->allowed(h, csr))) {
        hart_raise(h, EXC_ILLEGAL_INSN, in->raw);
        return -1;
    }

    uint64_t old = def->read(h, csr);
    uint64_t src = imm_form ? in->rs1 : h->x[in->rs1];
    if (writes && def->write) {
        uint64_t value = is_rw ? src
                         : (in->op == OP_CSRRS || in->op == OP_CSRRSI) ? old | src
                                                                       : old & ~src;
        def->write(h, csr, value);
    }
    *rd_value = old;
    return 0;
}

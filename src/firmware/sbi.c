/*
 * sbi.c - the built-in SBI (RISC-V Supervisor Binary Interface v2.0).
 *
 * Calling convention (SBI spec, chapter "Binary Encoding"): a7 = extension ID,
 * a6 = function ID, a0..a5 = arguments; returns a0 = error, a1 = value.
 * Legacy (v0.1) extensions return only a0.
 * Implemented: BASE, TIME, IPI, RFENCE, HSM, SRST, DBCN, and the legacy
 * set_timer, console_putchar, console_getchar and shutdown. Everything else
 * returns SBI_ERR_NOT_SUPPORTED. The console goes through the board's UART,
 * exactly as M-mode firmware such as OpenSBI drives it.
 */
#include "firmware/sbi.h"

#include <inttypes.h>
#include <string.h>

#include "core/machine.h"
#include "cpu/mmu.h"
#include "interp/hart_wait.h"

enum sbi_error {
    SBI_SUCCESS = 0,
    SBI_ERR_FAILED = -1,
    SBI_ERR_NOT_SUPPORTED = -2,
    SBI_ERR_INVALID_PARAM = -3,
    SBI_ERR_DENIED = -4,
    SBI_ERR_INVALID_ADDRESS = -5,
    SBI_ERR_ALREADY_AVAILABLE = -6,
};

enum sbi_ext {
    SBI_LEGACY_SET_TIMER = 0x00,
    SBI_LEGACY_PUTCHAR = 0x01,
    SBI_LEGACY_GETCHAR = 0x02,
    SBI_LEGACY_SHUTDOWN = 0x08,
    SBI_EXT_BASE = 0x10,
    SBI_EXT_TIME = 0x54494d45,
    SBI_EXT_IPI = 0x735049,
    SBI_EXT_RFENCE = 0x52464e43,
    SBI_EXT_HSM = 0x48534d,
    SBI_EXT_SRST = 0x53525354,
    SBI_EXT_DBCN = 0x4442434e,
};

#define SBI_SPEC_VERSION (2u << 24) /* 2.0 */
#define SBI_IMPL_ID 0x7276          /* "rv": not an assigned implementation ID */
#define SBI_IMPL_VERSION 1

#define UART0_BASE 0x10000000ull
#define UART_LSR 5
#define UART_LSR_DR 0x01
#define UART_LSR_THRE 0x20

/* Stats slots, in the order sbi_print_stats names them. */
static const struct { uint64_t eid; const char *name; } sbi_exts[] = {
    { SBI_EXT_BASE, "BASE" },       { SBI_EXT_TIME, "TIME" },     { SBI_EXT_IPI, "IPI" },
    { SBI_EXT_RFENCE, "RFENCE" },   { SBI_EXT_HSM, "HSM" },       { SBI_EXT_SRST, "SRST" },
    { SBI_EXT_DBCN, "DBCN" },       { SBI_LEGACY_SET_TIMER, "legacy set_timer" },
    { SBI_LEGACY_PUTCHAR, "legacy putchar" }, { SBI_LEGACY_GETCHAR, "legacy getchar" },
    { SBI_LEGACY_SHUTDOWN, "legacy shutdown" },
};
#define SBI_EXT_SLOTS (sizeof(sbi_exts) / sizeof(sbi_exts[0]))

struct sbiret {
    int64_t error;
    uint64_t value;
};

static void count_call(struct hart *h, uint64_t eid, uint64_t fid)
{
    for (unsigned i = 0; i < SBI_EXT_SLOTS; i++)
        if (sbi_exts[i].eid == eid) {
            h->stats.firmware_calls[i][fid < 7 ? fid : 7]++;
            return;
        }
    h->stats.firmware_calls[15][0]++; /* unknown extensions */
}

static void console_putc(struct machine *m, uint8_t c)
{
    uint64_t lsr = 0;
    /* The UART's transmit is immediate, so THR is empty at once; bound the wait anyway. */
    for (int i = 0; i < 1000 && !(lsr & UART_LSR_THRE); i++)
        if (bus_read(&m->bus, UART0_BASE + UART_LSR, 1, &lsr))
            return;
    bus_write(&m->bus, UART0_BASE, 1, c);
}

static int console_getc(struct machine *m)
{
    uint64_t lsr, c;
    if (bus_read(&m->bus, UART0_BASE + UART_LSR, 1, &lsr) || !(lsr & UART_LSR_DR))
        return -1;
    if (bus_read(&m->bus, UART0_BASE, 1, &c))
        return -1;
    return (int)(c & 0xff);
}

static bool hart_mask_valid(struct hart *h, uint64_t mask, uint64_t base, uint64_t *targets)
{
    unsigned n = h->machine->nharts;
    *targets = 0;
    if (base == ~0ull) {
        *targets = (n >= 64) ? ~0ull : (1ull << n) - 1;
        return true;
    }
    if (base >= n)
        return mask == 0;
    uint64_t shifted = mask << base;
    if ((shifted >> base) != mask || (n < 64 && (shifted >> n)))
        return false; /* a hart in the mask does not exist */
    *targets = shifted;
    return true;
}

static struct sbiret sbi_base(struct hart *h, uint64_t fid, uint64_t a0)
{
    switch (fid) {
    case 0: return (struct sbiret){ SBI_SUCCESS, SBI_SPEC_VERSION };
    case 1: return (struct sbiret){ SBI_SUCCESS, SBI_IMPL_ID };
    case 2: return (struct sbiret){ SBI_SUCCESS, SBI_IMPL_VERSION };
    case 3: /* probe_extension */
        for (unsigned i = 0; i < SBI_EXT_SLOTS; i++)
            if (sbi_exts[i].eid == a0)
                return (struct sbiret){ SBI_SUCCESS, 1 };
        return (struct sbiret){ SBI_SUCCESS, 0 };
    case 4: case 5: case 6: /* mvendorid, marchid, mimpid */
        return (struct sbiret){ SBI_SUCCESS, 0 };
    }
    return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
}

static void set_timer(struct hart *h, uint64_t when)
{
    /* Sstc is always on under the built-in SBI: the timer is stimecmp, and STIP follows it. */
    h->stimecmp = when;
    hart_update_timer_bits(h);
    h->poll_countdown = 0;
}

static struct sbiret sbi_ipi(struct hart *h, uint64_t mask, uint64_t base)
{
    uint64_t targets;
    if (!hart_mask_valid(h, mask, base, &targets))
        return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
    /* One hart today: a self-IPI is a supervisor software interrupt. */
    if (targets & (1ull << h->mhartid)) {
        h->mip |= MIP_SSIP;
        h->poll_countdown = 0;
    }
    return (struct sbiret){ SBI_SUCCESS, 0 };
}

static struct sbiret sbi_rfence(struct hart *h, uint64_t fid, uint64_t mask, uint64_t base)
{
    uint64_t targets;
    if (fid > 6)
        return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
    if (fid >= 3)
        return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 }; /* hfence.*: no H extension */
    if (!hart_mask_valid(h, mask, base, &targets))
        return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
    /* fence.i: as the instruction, the jump cache starts over (code written by
     * others is seen); sfence.vma flushes the TLB (and with it the jump cache). */
    if (targets & (1ull << h->mhartid)) {
        if (fid == 0)
            hart_jcache_flush(h);
        else
            tlb_flush_translated(h);
    }
    return (struct sbiret){ SBI_SUCCESS, 0 };
}

static struct sbiret sbi_hsm(struct hart *h, uint64_t fid, uint64_t a0)
{
    switch (fid) {
    case 0: /* hart_start */
        if (a0 >= h->machine->nharts)
            return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
        return (struct sbiret){ SBI_ERR_ALREADY_AVAILABLE, 0 }; /* every hart runs */
    case 1: /* hart_stop: the last running hart may not stop */
        return (struct sbiret){ SBI_ERR_DENIED, 0 };
    case 2: /* hart_get_status */
        if (a0 >= h->machine->nharts)
            return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
        return (struct sbiret){ SBI_SUCCESS, 0 }; /* STARTED */
    case 3: /* hart_suspend */
        if (a0 == 0) {
            /* default retentive suspend: like wfi, resumes on an interrupt */
            hart_wfi(h);
            return (struct sbiret){ SBI_SUCCESS, 0 };
        }
        if (a0 == 0x80000000ull)
            return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
        return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
    }
    return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
}

static struct sbiret sbi_srst(struct hart *h, uint64_t type, uint64_t reason)
{
    if (reason > 1 && reason < 0xe0000000ull)
        return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
    switch (type) {
    case 0: machine_request_exit(h->machine, reason == 0 ? 0 : 1); break;
    case 1: case 2: machine_request_reset(h->machine); break;
    default: return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
    }
    h->poll_countdown = 0;
    return (struct sbiret){ SBI_SUCCESS, 0 };
}

/* DBCN buffers are guest physical addresses: bounds-checked against RAM. */
static struct sbiret sbi_dbcn(struct hart *h, uint64_t fid, uint64_t len, uint64_t lo, uint64_t hi)
{
    struct machine *m = h->machine;
    uint64_t pa = lo; /* RV64: base_addr_hi must be 0 */

    if (fid == 2) { /* console_write_byte */
        console_putc(m, (uint8_t)len);
        return (struct sbiret){ SBI_SUCCESS, 0 };
    }
    if (fid > 1)
        return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
    if (hi != 0 || (len && !bus_find_mem(&m->bus, pa, len)))
        return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
    struct mem_region *r = len ? bus_find_mem(&m->bus, pa, len) : NULL;
    uint64_t done = 0;
    if (fid == 0) { /* console_write */
        for (; done < len; done++)
            console_putc(m, r->host[pa - r->base + done]);
    } else { /* console_read: what is available now, never blocking */
        if (r && r->readonly)
            return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
        for (; done < len; done++) {
            int c = console_getc(m);
            if (c < 0)
                break;
            r->host[pa - r->base + done] = (uint8_t)c;
        }
        if (done)
            mem_note_host_write(r, pa, done);
    }
    return (struct sbiret){ SBI_SUCCESS, done };
}

void sbi_ecall(struct hart *h)
{
    uint64_t *x = h->x;
    uint64_t eid = x[17], fid = x[16];
    struct sbiret ret;

    count_call(h, eid, fid);
    switch (eid) {
    case SBI_LEGACY_SET_TIMER: set_timer(h, x[10]); x[10] = 0; return;
    case SBI_LEGACY_PUTCHAR: console_putc(h->machine, (uint8_t)x[10]); x[10] = 0; return;
    case SBI_LEGACY_GETCHAR: x[10] = (uint64_t)(int64_t)console_getc(h->machine); return;
    case SBI_LEGACY_SHUTDOWN: machine_request_exit(h->machine, 0); h->poll_countdown = 0; return;
    case SBI_EXT_BASE: ret = sbi_base(h, fid, x[10]); break;
    case SBI_EXT_TIME:
        if (fid != 0) {
            ret = (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
            break;
        }
        set_timer(h, x[10]);
        ret = (struct sbiret){ SBI_SUCCESS, 0 };
        break;
    case SBI_EXT_IPI:
        ret = fid == 0 ? sbi_ipi(h, x[10], x[11]) : (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
        break;
    case SBI_EXT_RFENCE: ret = sbi_rfence(h, fid, x[10], x[11]); break;
    case SBI_EXT_HSM: ret = sbi_hsm(h, fid, x[10]); break;
    case SBI_EXT_SRST:
        ret = fid == 0 ? sbi_srst(h, x[10], x[11]) : (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
        break;
    case SBI_EXT_DBCN: ret = sbi_dbcn(h, fid, x[10], x[11], x[12]); break;
    default: ret = (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 }; break;
    }
    x[10] = (uint64_t)ret.error;
    x[11] = ret.value;
}

void sbi_boot_hart(struct hart *h, uint64_t entry, uint64_t fdt_addr)
{
    /* What OpenSBI leaves behind, adapted: everything the kernel handles is delegated. */
    h->medeleg = 0xb1ffull & ~(1ull << EXC_ECALL_S); /* all but ecalls from S and M */
    h->mideleg = MIP_SSIP | MIP_STIP | MIP_SEIP;
    h->mcounteren = ~0u; /* cycle, time, instret readable from S */
    h->scounteren = 7;   /* as OpenSBI: cycle, time, instret readable from U (rdtime in libc) */
    h->menvcfg = ENVCFG_STCE | ENVCFG_CBIE | ENVCFG_CBCFE | ENVCFG_CBZE | ENVCFG_PBMTE;
    h->pmpaddr[0] = (1ull << 54) - 1; /* entry 0: all of memory, RWX, for S and U */
    h->pmpcfg[0] = 0x18 | 0x7;
    h->x[10] = h->mhartid;
    h->x[11] = fdt_addr;
    h->pc = entry;
    h->firmware_ecall = sbi_ecall;
    hart_set_priv(h, PRIV_S);
    tlb_flush_all(h);
}

void sbi_print_stats(const struct hart *h, FILE *out)
{
    for (unsigned i = 0; i < SBI_EXT_SLOTS; i++)
        for (unsigned f = 0; f < 8; f++)
            if (h->stats.firmware_calls[i][f])
                fprintf(out, "  sbi %-16s fid %u%s  %" PRIu64 "\n", sbi_exts[i].name, f,
                        f == 7 ? "+" : " ", h->stats.firmware_calls[i][f]);
    if (h->stats.firmware_calls[15][0])
        fprintf(out, "  sbi unsupported extensions  %" PRIu64 "\n", h->stats.firmware_calls[15][0]);
}
